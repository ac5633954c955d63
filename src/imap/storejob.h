// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QList>

namespace Heron::Imap {

// UID STORE (RFC 3501 §6.4.6) of +FLAGS, -FLAGS or FLAGS, optionally .SILENT and with the
// (UNCHANGEDSINCE m) modifier (RFC 7162 §3.1.3). Result: the FETCH responses the server sent for
// the stored messages and the [MODIFIED set] of messages left alone because they changed since m.
class StoreJob : public Job {
    Q_OBJECT

public:
    enum class Mode { Add, Remove, Replace };

    explicit StoreJob(Session *session);

    void setUids(const UidSet &uids);
    void setSequences(const UidSet &sequences);  // plain STORE
    void setMode(Mode mode) { m_mode = mode; }
    void setFlags(const Strings &flags) { m_flags = flags; }
    void setSilent(bool silent) { m_silent = silent; }
    void setUnchangedSince(uint64_t modSeq) { m_unchangedSince = modSeq; }

    const QList<FetchResponse> &fetched() const { return m_fetched; }
    // RFC 7162 §3.1.3: messages that failed the UNCHANGEDSINCE test (UIDs for UID STORE).
    const UidSet &modified() const { return m_modified; }

Q_SIGNALS:
    void messageStored(const Heron::Imap::FetchResponse &response);

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    UidSet m_set;
    bool m_uid = true;
    Mode m_mode = Mode::Add;
    Strings m_flags;
    bool m_silent = false;
    uint64_t m_unchangedSince = 0;
    bool m_unchangedSinceSet = false;

    QList<FetchResponse> m_fetched;
    UidSet m_modified;
};

}  // namespace Heron::Imap
