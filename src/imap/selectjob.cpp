// SPDX-License-Identifier: GPL-3.0-or-later
#include "selectjob.h"

#include "imap/session.h"

namespace Heron::Imap {

namespace {

bool hasEnabled(const Session *session, QByteArrayView capability)
{
    for (const QByteArray &c : session->enabledCapabilities()) {
        if (QByteArrayView(c).compare(capability, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

}  // namespace

SelectJob::SelectJob(Session *session) : Job(session) {}

void SelectJob::setQResync(uint32_t uidValidity, uint64_t modSeq, const UidSet &knownUids)
{
    m_qresync = true;
    m_knownUidValidity = uidValidity;
    m_knownModSeq = modSeq;
    m_knownUids = knownUids;
}

void SelectJob::setQResyncSequenceMatch(const UidSet &knownSequences, const UidSet &knownSequenceUids)
{
    m_knownSequences = knownSequences;
    m_knownSequenceUids = knownSequenceUids;
}

void SelectJob::resetData()
{
    m_flags.clear();
    m_permanentFlags.clear();
    m_exists = 0;
    m_recent = 0;
    m_uidValidity = 0;
    m_uidNext = 0;
    m_highestModSeq = 0;
    m_noModSeq = false;
    m_firstUnseen.reset();
    m_vanished = {};
    m_changes.clear();
}

void SelectJob::doStart()
{
    Session *s = session();
    if (m_mailbox.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("No mailbox to open was given.")));
        return;
    }
    // RFC 7162 §3.2.5: QRESYNC parameters without ENABLE QRESYNC are a BAD; refuse here instead.
    if (m_qresync && !hasEnabled(s, "QRESYNC")) {
        fail(makeError(Error::Code::Unsupported, tr("Quick resynchronization (QRESYNC) is not enabled on this connection.")));
        return;
    }
    if (m_qresync && (m_knownUidValidity == 0 || m_knownModSeq == 0)) {
        fail(makeError(Error::Code::InvalidInput, tr("QRESYNC needs the known UIDVALIDITY and a non-zero mod-sequence.")));
        return;
    }
    if (m_condStore && !m_qresync && !s->hasCapability("CONDSTORE") && !s->hasCapability("QRESYNC")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support CONDSTORE.")));
        return;
    }

    // RFC 7162 §3.2.11: with QRESYNC on, closing the previous mailbox is marked by [CLOSED].
    m_awaitingClosed = s->state() == Session::State::Selected && hasEnabled(s, "QRESYNC");

    Command command(m_examine ? QByteArrayLiteral("EXAMINE") : QByteArrayLiteral("SELECT"));
    command.string(m_mailbox);
    if (m_qresync) {
        command.openList().atom("QRESYNC").openList().number(m_knownUidValidity).number(m_knownModSeq);
        if (!m_knownUids.isEmpty()) {
            command.set(m_knownUids);
            if (!m_knownSequences.isEmpty() && !m_knownSequenceUids.isEmpty())
                command.openList().set(m_knownSequences).set(m_knownSequenceUids).closeList();
        }
        command.closeList().closeList();
    } else if (m_condStore) {
        command.openList().atom("CONDSTORE").closeList();
    }
    sendCommand(command);
}

bool SelectJob::handleUntagged(const Response &response)
{
    if (const auto *status = std::get_if<StatusResponse>(&response)) {
        if (status->status != StatusResponse::Status::Ok)
            return false;
        const ResponseCode &code = status->code;
        switch (code.kind) {
        case ResponseCode::Kind::Closed:
            // Everything before this belonged to the mailbox that was just closed.
            resetData();
            m_awaitingClosed = false;
            return true;
        case ResponseCode::Kind::PermanentFlags:
            m_permanentFlags = code.strings;
            return true;
        case ResponseCode::Kind::UidValidity:
            m_uidValidity = uint32_t(code.number);
            return true;
        case ResponseCode::Kind::UidNext:
            m_uidNext = uint32_t(code.number);
            return true;
        case ResponseCode::Kind::Unseen:
            m_firstUnseen = uint32_t(code.number);
            return true;
        case ResponseCode::Kind::HighestModSeq:
            m_highestModSeq = code.number;
            m_noModSeq = false;
            return true;
        case ResponseCode::Kind::NoModSeq:
            m_highestModSeq = 0;
            m_noModSeq = true;
            return true;
        default:
            return false;
        }
    }
    if (const auto *flags = std::get_if<FlagsResponse>(&response)) {
        m_flags = flags->flags;
        return true;
    }
    if (const auto *number = std::get_if<NumberResponse>(&response)) {
        switch (number->kind) {
        case NumberResponse::Kind::Exists:
            m_exists = number->number;
            return true;
        case NumberResponse::Kind::Recent:
            m_recent = number->number;
            return true;
        case NumberResponse::Kind::Expunge:
            return false;  // old mailbox, or not expected during SELECT: someone else's
        }
        return false;
    }
    if (m_awaitingClosed)
        return false;  // FETCH and VANISHED before [CLOSED] are about the old mailbox
    if (const auto *vanished = std::get_if<VanishedResponse>(&response)) {
        if (!m_qresync || !vanished->earlier)
            return false;
        m_vanished.unite(vanished->uids);
        Q_EMIT messagesVanished(vanished->uids);
        return true;
    }
    if (const auto *fetch = std::get_if<FetchResponse>(&response)) {
        if (!m_qresync)
            return false;
        if (m_collectChanges)
            m_changes.append(*fetch);
        Q_EMIT messageFetched(*fetch);
        return true;
    }
    return false;
}

void SelectJob::handleTagged(const StatusResponse &response)
{
    Session *s = session();
    // A stateChanged slot may delete the session, and with it this job.
    const QPointer<SelectJob> alive(this);
    if (response.status == StatusResponse::Status::Ok) {
        m_readOnly = m_examine || response.code.kind == ResponseCode::Kind::ReadOnly;
        if (response.code.kind == ResponseCode::Kind::ReadWrite)
            m_readOnly = false;
        if (s) {
            s->setSelectedMailbox(m_mailbox);
            s->setState(Session::State::Selected);
        }
    } else if (response.status == StatusResponse::Status::No && s && s->state() == Session::State::Selected) {
        // RFC 3501 §6.3.1: a failed SELECT leaves no mailbox selected.
        s->setSelectedMailbox({});
        s->setState(Session::State::Authenticated);
    }
    if (!alive)
        return;
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
