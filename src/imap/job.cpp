// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/job.h"

#include "core/logging.h"
#include "imap/session.h"

namespace Heron::Imap {

Job::Job(Session *session)
    : QObject(session)
    , m_session(session)
{
}

Job::~Job() = default;

void Job::start()
{
    if (m_running || m_done) {
        qCWarning(lcImap) << "A job was started twice:" << metaObject()->className();
        return;
    }
    m_running = true;
    if (!m_session || m_session->state() == Session::State::Disconnected
        || m_session->state() == Session::State::Connecting || m_session->state() == Session::State::LoggingOut) {
        fail(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return;
    }
    doStart();
}

bool Job::handleUntagged(const Response &)
{
    return false;
}

void Job::handleTagged(const StatusResponse &response)
{
    if (response.status == StatusResponse::Status::Ok) {
        if (pendingCommands() == 0)
            finish();
        return;
    }
    failFromResponse(response, m_lastCompletedName.isEmpty() ? tr("the command") : QString::fromLatin1(m_lastCompletedName));
}

void Job::handleContinuation(const ContinuationRequest &)
{
    qCWarning(lcImap) << metaObject()->className() << "got a continuation request it did not ask for";
}

QByteArray Job::sendCommand(const Command &command)
{
    if (!m_session) {
        fail(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return {};
    }
    if (!command.isValid()) {
        fail(makeError(Error::Code::InvalidInput,
                       tr("The %1 command was not sent: an argument contains a line break.")
                           .arg(QString::fromLatin1(command.name()))));
        return {};
    }
    const QByteArray tag = m_session->send(this, command);
    if (tag.isEmpty()) {
        fail(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return {};
    }
    m_pendingTags.append(tag);
    m_pendingNames.append(command.name());
    return tag;
}

void Job::sendLine(const QByteArray &line, bool sensitive)
{
    if (!m_session) {
        fail(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return;
    }
    m_session->sendLine(this, line, sensitive);
}

void Job::finish()
{
    if (m_done)
        return;
    m_done = true;
    m_running = false;
    // A slot may delete the job (or its session, which owns it).
    QPointer<Job> guard(this);
    Q_EMIT finished();
    if (guard)
        complete();
}

void Job::fail(Error error)
{
    if (m_done)
        return;
    if (!error.isError())
        error.code = Error::Code::Protocol;
    m_done = true;
    m_running = false;
    m_error = std::move(error);
    qCDebug(lcImap) << metaObject()->className() << "failed:" << m_error.message;
    QPointer<Job> guard(this);
    Q_EMIT failed(m_error);
    if (guard)
        complete();
}

void Job::failFromResponse(const StatusResponse &response, const QString &what)
{
    Error::Code code = Error::Code::ServerNo;
    if (response.status == StatusResponse::Status::Bad)
        code = Error::Code::ServerBad;
    else if (response.status == StatusResponse::Status::Bye)
        code = Error::Code::ServerBye;
    QString text = QString::fromUtf8(response.text).trimmed();
    if (text.isEmpty())
        text = response.status == StatusResponse::Status::Bad ? tr("the command was not understood")
                                                              : tr("no reason given");
    // RFC 2221: a referral is shown, never followed.
    if (response.code.kind == ResponseCode::Kind::Referral)
        text += tr(" (the server referred to %1, which is not followed)").arg(QString::fromUtf8(response.code.text));
    fail(makeError(code, tr("The server refused %1: %2").arg(what, text)));
}

void Job::dispatchTagged(const StatusResponse &response)
{
    const qsizetype index = m_pendingTags.indexOf(response.tag);
    if (index >= 0) {
        m_lastCompletedName = m_pendingNames.at(index);
        m_pendingTags.removeAt(index);
        m_pendingNames.removeAt(index);
    }
    if (m_done)
        return;
    m_result = response;
    handleTagged(response);
}

void Job::sessionLost(const Error &error)
{
    m_pendingTags.clear();
    m_pendingNames.clear();
    fail(error);
}

void Job::complete()
{
    if (m_autoDelete)
        deleteLater();
}

}  // namespace Heron::Imap
