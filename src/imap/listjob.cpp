// SPDX-License-Identifier: GPL-3.0-or-later
#include "listjob.h"

#include "imap/session.h"
#include "imap/statusjob.h"

namespace Heron::Imap {

namespace {

bool hasAttribute(const ListResponse &list, QByteArrayView attribute)
{
    for (const QByteArray &a : list.attributes) {
        if (QByteArrayView(a).compare(attribute, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

}  // namespace

ListJob::ListJob(Session *session)
    : Job(session)
    , m_statusItems(StatusJob::kDefaultItems)
{
}

void ListJob::doStart()
{
    Session *s = session();
    const bool listExtended = s->hasCapability("LIST-EXTENDED");
    const bool specialUse = s->hasCapability("SPECIAL-USE");
    const bool listStatus = s->hasCapability("LIST-STATUS");

    Strings options;
    if (specialUse)
        options.append(QByteArrayLiteral("SPECIAL-USE"));  // RFC 6154 §2
    if (listExtended) {
        options.append(QByteArrayLiteral("CHILDREN"));  // RFC 5258 §4
        if (m_includeSubscriptions)
            options.append(QByteArrayLiteral("SUBSCRIBED"));
    }
    const Strings statusItems = StatusJob::itemAtoms(m_statusItems, s);
    m_wantStatus = m_includeStatus && listStatus && !statusItems.isEmpty();

    Command list(QByteArrayLiteral("LIST"));
    list.string(m_reference).string(m_pattern);
    if (!options.isEmpty() || m_wantStatus) {
        m_extended = true;
        list.atom("RETURN").openList();
        for (const QByteArray &option : options)
            list.atom(option);
        if (m_wantStatus) {  // RFC 5819 §2
            list.atom("STATUS").openList();
            for (const QByteArray &item : statusItems)
                list.atom(item);
            list.closeList();
        }
        list.closeList();
    }
    sendCommand(list);
    ++m_outstanding;

    if (m_includeSubscriptions) {
        if (listExtended) {
            m_subscriptionInfo = true;
        } else {
            // RFC 3501 §6.3.9; pipelined, both are read-only.
            Command lsub(QByteArrayLiteral("LSUB"));
            lsub.string(m_reference).string(m_pattern);
            sendCommand(lsub);
            ++m_outstanding;
            m_sentLsub = true;
            m_subscriptionInfo = true;
        }
    }
}

bool ListJob::handleUntagged(const Response &response)
{
    if (const auto *list = std::get_if<ListResponse>(&response)) {
        if (list->lsub) {
            if (!m_sentLsub)
                return false;
            if (!m_overLimit && !hasAttribute(*list, "\\NoSelect"))
                m_subscribed.insert(list->mailbox);
            return true;
        }
        if (m_overLimit)
            return true;
        if (++m_received > m_maxMailboxes) {
            // Keep consuming the answer so the connection stays in step, but drop what we hold.
            m_overLimit = true;
            m_mailboxes = {};
            m_listed = {};
            m_statuses = {};
            m_subscribed = {};
            return true;
        }
        if (m_extended && m_includeSubscriptions && hasAttribute(*list, "\\Subscribed"))
            m_subscribed.insert(list->mailbox);
        // Entries marked \NonExistent stay: they are the parents a folder tree needs (RFC 5258 §3).
        m_listed.insert(list->mailbox);
        m_mailboxes.append(*list);
        return true;
    }
    if (const auto *status = std::get_if<StatusDataResponse>(&response)) {
        // RFC 5819 §1: the STATUS follows the LIST of the same mailbox. Claim it only for a mailbox
        // this job listed and has no status for yet, so a pipelined StatusJob still gets its own.
        if (!m_wantStatus)
            return false;
        if (m_overLimit)
            return true;
        if (!m_listed.contains(status->mailbox) || m_statuses.contains(status->mailbox))
            return false;
        m_statuses.insert(status->mailbox, *status);
        return true;
    }
    return false;
}

void ListJob::handleTagged(const StatusResponse &response)
{
    if (response.status != StatusResponse::Status::Ok && !m_refused) {
        m_refused = true;
        m_refusal = response;
    }
    if (--m_outstanding > 0)
        return;
    if (m_refused) {
        failFromResponse(m_refusal, tr("the mailbox list"));
        return;
    }
    if (m_overLimit) {
        fail(makeError(Error::Code::LimitExceeded,
                       tr("The server lists more than %1 mailboxes; Heron stops at that many.").arg(m_maxMailboxes)));
        return;
    }
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
