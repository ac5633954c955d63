// SPDX-License-Identifier: GPL-3.0-or-later
#include "fetchjob.h"

#include "imap/session.h"

namespace Heron::Imap {

FetchJob::FetchJob(Session *session) : Job(session) {}

void FetchJob::setUids(const UidSet &uids)
{
    m_set = uids;
    m_uid = true;
}

void FetchJob::setSequences(const UidSet &sequences)
{
    m_set = sequences;
    m_uid = false;
}

void FetchJob::doStart()
{
    Session *s = session();
    if (m_set.isEmpty() || m_items.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("FETCH needs a message set and at least one item.")));
        return;
    }
    if (m_changedSince && !s->hasCapability("CONDSTORE") && !s->hasCapability("QRESYNC")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support CONDSTORE (CHANGEDSINCE).")));
        return;
    }
    // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE, after ENABLE QRESYNC.
    if (m_vanished) {
        bool enabled = false;
        for (const QByteArray &c : s->enabledCapabilities())
            enabled = enabled || QByteArrayView(c).compare(QByteArrayView("QRESYNC"), Qt::CaseInsensitive) == 0;
        if (!enabled || !m_uid || !m_changedSince) {
            fail(makeError(Error::Code::InvalidInput,
                           tr("The VANISHED modifier needs QRESYNC enabled, UID FETCH and CHANGEDSINCE.")));
            return;
        }
    }
    m_setHasStar = !m_set.ranges().isEmpty() && m_set.ranges().last().last == UidSet::kStar;

    Command command(m_uid ? QByteArrayLiteral("UID FETCH") : QByteArrayLiteral("FETCH"));
    command.set(m_set);
    // The macros ALL, FAST and FULL stand alone; anything else goes in a list (RFC 3501 §6.4.5).
    const QByteArray first = m_items.first().toUpper();
    if (m_items.size() == 1 && (first == "ALL" || first == "FAST" || first == "FULL")) {
        command.atom(m_items.first());
    } else {
        command.openList();
        for (const QByteArray &item : m_items)
            command.atom(item);
        command.closeList();
    }
    if (m_changedSince) {
        command.openList().atom("CHANGEDSINCE").number(m_changedSince);
        if (m_vanished)
            command.atom("VANISHED");
        command.closeList();
    }
    sendCommand(command);
}

bool FetchJob::isMine(const FetchResponse &response) const
{
    // "n:*" names at least the highest message even when it is below n (RFC 3501 §6.4.8), so a set
    // ending in * claims every FETCH of the mailbox while in flight.
    if (m_setHasStar)
        return !m_uid || response.uid.has_value();
    if (m_uid)
        return response.uid && m_set.contains(*response.uid);
    return m_set.contains(response.sequence);
}

bool FetchJob::handleUntagged(const Response &response)
{
    if (const auto *fetch = std::get_if<FetchResponse>(&response)) {
        if (!isMine(*fetch))
            return false;
        // Same sequence number, different UID: an EXPUNGE came between (allowed during UID FETCH,
        // RFC 3501 §7.4.1), so this is another message.
        if (m_pending && m_pending->sequence == fetch->sequence
            && (!m_pending->uid || !fetch->uid || *m_pending->uid == *fetch->uid)) {
            m_pending->merge(FetchResponse(*fetch));
            return true;
        }
        flush();
        m_pending = *fetch;
        return true;
    }
    if (const auto *vanished = std::get_if<VanishedResponse>(&response)) {
        // Only VANISHED (EARLIER) answers the modifier; plain VANISHED is a live expunge report.
        if (!m_vanished || !vanished->earlier)
            return false;
        m_vanishedUids.unite(vanished->uids);
        Q_EMIT messagesVanished(vanished->uids);
        return true;
    }
    return false;
}

void FetchJob::flush()
{
    if (!m_pending)
        return;
    FetchResponse response = std::move(*m_pending);
    m_pending.reset();
    ++m_count;
    Q_EMIT messageFetched(response);
}

void FetchJob::handleTagged(const StatusResponse &response)
{
    flush();
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
