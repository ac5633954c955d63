// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "imap/command.h"
#include "imap/response.h"

#include <QObject>
#include <QPointer>

namespace Heron::Imap {

class Session;

// One IMAP operation with a typed result (KIMAP-style): construct with a session, set its
// inputs, start(); it emits exactly one of finished() or failed(), then deletes itself later
// unless setAutoDelete(false). Several jobs may be in flight on one session (pipelining).
class Job : public QObject {
    Q_OBJECT

public:
    explicit Job(Session *session);
    ~Job() override;

    void start();
    bool isRunning() const { return m_running; }
    const Error &error() const { return m_error; }
    // The final tagged response, once finished or failed on a NO/BAD.
    const StatusResponse &result() const { return m_result; }

    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }
    Session *session() const { return m_session; }

Q_SIGNALS:
    void finished();
    void failed(const Heron::Error &error);

protected:
    // Sends the job's command(s) through sendCommand().
    virtual void doStart() = 0;
    // An untagged response arrived while this job was in flight. Return true when it was
    // this job's data (it then is not offered to later jobs or to Session::unsolicited).
    virtual bool handleUntagged(const Response &response);
    // The tagged completion of one of this job's commands. The default finishes on OK and fails
    // on NO/BAD with the server's text; jobs with several commands override it.
    virtual void handleTagged(const StatusResponse &response);
    // "+ ..." addressed to this job (IDLE, AUTHENTICATE, synchronizing literals are the session's).
    virtual void handleContinuation(const ContinuationRequest &request);

    // Returns the tag used.
    QByteArray sendCommand(const Command &command);
    // Sends a bare line (IDLE's DONE, an AUTHENTICATE response); CRLF is added.
    void sendLine(const QByteArray &line, bool sensitive = false);
    // True while commands of this job await their tagged response.
    int pendingCommands() const { return m_pendingTags.size(); }

    void finish();
    void fail(Error error);
    // A failure built from a tagged NO/BAD: "The server refused <what>: <text>".
    void failFromResponse(const StatusResponse &response, const QString &what);

private:
    friend class Session;
    void dispatchTagged(const StatusResponse &response);
    void sessionLost(const Error &error);
    void complete();

    QPointer<Session> m_session;
    QList<QByteArray> m_pendingTags;
    QList<QByteArray> m_pendingNames;  // the command name of each pending tag, for messages
    QByteArray m_lastCompletedName;    // the command whose tagged response came last
    StatusResponse m_result;
    Error m_error;
    bool m_running = false;
    bool m_done = false;
    bool m_autoDelete = true;
};

}  // namespace Heron::Imap
