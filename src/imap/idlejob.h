// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QTimer>

namespace Heron::Imap {

// IDLE (RFC 2177): waits for the server to push changes to the selected mailbox. The pushed
// EXISTS, EXPUNGE, FETCH and VANISHED responses are not claimed: they reach Session::unsolicited()
// like any other unsolicited data, so one handler sees them whether IDLE is on or not.
//
// IDLE is renewed (DONE, then IDLE again) before the server's 30-minute inactivity timer
// (RFC 2177 §3, RFC 3501 §5.4); the command timeout is suspended while idling. While IDLE runs the
// session holds every other command back: stop() first. The job finishes after stop().
class IdleJob : public Job {
    Q_OBJECT

public:
    static constexpr int kDefaultRenewIntervalMs = 28 * 60 * 1000;

    explicit IdleJob(Session *session);

    void setRenewInterval(int ms) { m_renewIntervalMs = ms; }
    bool isIdling() const { return m_idling; }

public Q_SLOTS:
    // Ends IDLE with DONE; finished() follows the server's OK.
    void stop();

Q_SIGNALS:
    // The server accepted IDLE (the "+" arrived); emitted again after each renewal.
    void idling();

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;
    void handleContinuation(const ContinuationRequest &request) override;

private:
    void sendIdle();
    void sendDone();
    void renew();

    QTimer m_renewTimer;
    int m_renewIntervalMs = kDefaultRenewIntervalMs;
    bool m_idling = false;
    bool m_doneSent = false;
    bool m_stopRequested = false;
};

}  // namespace Heron::Imap
