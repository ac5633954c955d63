// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/idlejob.h"

#include "imap/session.h"

namespace Heron::Imap {

IdleJob::IdleJob(Session *session)
    : Job(session)
{
    m_renewTimer.setSingleShot(true);
    connect(&m_renewTimer, &QTimer::timeout, this, &IdleJob::renew);
}

void IdleJob::doStart()
{
    if (!session()->hasCapability("IDLE")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support IDLE.")));
        return;
    }
    sendIdle();
}

void IdleJob::sendIdle()
{
    m_idling = false;
    m_doneSent = false;
    sendCommand(Command(QByteArrayLiteral("IDLE")));
}

void IdleJob::sendDone()
{
    if (m_doneSent)
        return;
    m_doneSent = true;
    m_idling = false;
    m_renewTimer.stop();
    // The server must answer DONE; from here the command timeout applies again.
    if (session())
        session()->suspendTimeout(this, false);
    sendLine(QByteArrayLiteral("DONE"));
}

void IdleJob::stop()
{
    if (!isRunning())
        return;
    m_stopRequested = true;
    if (m_idling)
        sendDone();
    // Otherwise DONE goes out when the "+" arrives, or nothing is needed after a renewal's OK.
}

void IdleJob::renew()
{
    if (isRunning() && m_idling && !m_stopRequested)
        sendDone();
}

void IdleJob::handleContinuation(const ContinuationRequest &)
{
    if (m_doneSent || m_idling)
        return;
    if (m_stopRequested) {
        sendDone();
        return;
    }
    m_idling = true;
    if (session())
        session()->suspendTimeout(this, true);
    m_renewTimer.start(m_renewIntervalMs);
    Q_EMIT idling();
}

void IdleJob::handleTagged(const StatusResponse &response)
{
    m_idling = false;
    m_renewTimer.stop();
    if (session())
        session()->suspendTimeout(this, false);
    if (response.status != StatusResponse::Status::Ok) {
        failFromResponse(response, tr("to wait for new mail (IDLE)"));
        return;
    }
    if (m_doneSent && !m_stopRequested) {
        sendIdle();  // renewal
        return;
    }
    finish();
}

}  // namespace Heron::Imap
