// SPDX-License-Identifier: GPL-3.0-or-later
#include "statusjob.h"

#include "imap/session.h"

namespace Heron::Imap {

bool isSameMailbox(QByteArrayView a, QByteArrayView b)
{
    if (a == b)
        return true;
    // RFC 3501 §5.1: "INBOX" in any case names the primary mailbox.
    return a.compare(QByteArrayView("INBOX"), Qt::CaseInsensitive) == 0
        && b.compare(QByteArrayView("INBOX"), Qt::CaseInsensitive) == 0;
}

StatusJob::StatusJob(Session *session) : Job(session) {}

Strings StatusJob::itemAtoms(int items, const Session *session)
{
    Strings atoms;
    if (items & Messages)
        atoms.append(QByteArrayLiteral("MESSAGES"));
    if (items & Recent)
        atoms.append(QByteArrayLiteral("RECENT"));
    if (items & UidNext)
        atoms.append(QByteArrayLiteral("UIDNEXT"));
    if (items & UidValidity)
        atoms.append(QByteArrayLiteral("UIDVALIDITY"));
    if (items & Unseen)
        atoms.append(QByteArrayLiteral("UNSEEN"));
    // RFC 7162 §3.1.6 (QRESYNC implies CONDSTORE, §3.2)
    if ((items & HighestModSeq) && session
        && (session->hasCapability("CONDSTORE") || session->hasCapability("QRESYNC")))
        atoms.append(QByteArrayLiteral("HIGHESTMODSEQ"));
    if ((items & Size) && session && session->hasCapability("STATUS=SIZE"))  // RFC 8438
        atoms.append(QByteArrayLiteral("SIZE"));
    return atoms;
}

void StatusJob::doStart()
{
    const Strings atoms = itemAtoms(m_items, session());
    if (m_mailbox.isEmpty() || atoms.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, QStringLiteral("STATUS needs a mailbox and at least one item.")));
        return;
    }
    Command command(QByteArrayLiteral("STATUS"));
    command.string(m_mailbox).openList();
    for (const QByteArray &atom : atoms)
        command.atom(atom);
    command.closeList();
    sendCommand(command);
}

bool StatusJob::handleUntagged(const Response &response)
{
    const auto *status = std::get_if<StatusDataResponse>(&response);
    if (!status || m_received || !isSameMailbox(status->mailbox, m_mailbox))
        return false;
    m_status = *status;
    m_received = true;
    return true;
}

}  // namespace Heron::Imap
