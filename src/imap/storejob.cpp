// SPDX-License-Identifier: GPL-3.0-or-later
#include "storejob.h"

#include "imap/session.h"

namespace Heron::Imap {

StoreJob::StoreJob(Session *session) : Job(session) {}

void StoreJob::setUids(const UidSet &uids)
{
    m_set = uids;
    m_uid = true;
}

void StoreJob::setSequences(const UidSet &sequences)
{
    m_set = sequences;
    m_uid = false;
}

void StoreJob::doStart()
{
    Session *s = session();
    if (m_set.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("STORE needs a message set.")));
        return;
    }
    if (m_mode != Mode::Replace && m_flags.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("STORE needs flags to add or remove.")));
        return;
    }
    const bool condStore = s->hasCapability("CONDSTORE") || s->hasCapability("QRESYNC");
    m_unchangedSinceSet = m_unchangedSince != 0;
    if (m_unchangedSinceSet && !condStore) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support CONDSTORE (UNCHANGEDSINCE).")));
        return;
    }

    Command command(m_uid ? QByteArrayLiteral("UID STORE") : QByteArrayLiteral("STORE"));
    command.set(m_set);
    if (m_unchangedSinceSet)
        command.openList().atom("UNCHANGEDSINCE").number(m_unchangedSince).closeList();
    QByteArray item = m_mode == Mode::Add ? QByteArrayLiteral("+FLAGS")
        : m_mode == Mode::Remove          ? QByteArrayLiteral("-FLAGS")
                                          : QByteArrayLiteral("FLAGS");
    if (m_silent)
        item += ".SILENT";
    command.atom(item).openList();
    for (const QByteArray &flag : m_flags)
        command.atom(flag);
    command.closeList();
    sendCommand(command);
}

bool StoreJob::handleUntagged(const Response &response)
{
    const auto *fetch = std::get_if<FetchResponse>(&response);
    if (!fetch)
        return false;
    // Only FETCH responses that carry flags or a mod-sequence and name a stored message are ours.
    if (!fetch->flags && !fetch->modSeq)
        return false;
    if (m_uid ? !(fetch->uid && m_set.contains(*fetch->uid)) : !m_set.contains(fetch->sequence))
        return false;
    m_fetched.append(*fetch);
    Q_EMIT messageStored(*fetch);
    return true;
}

void StoreJob::handleTagged(const StatusResponse &response)
{
    // RFC 7162 §3.1.3: MODIFIED comes with the tagged OK; it stays readable after a NO.
    if (response.code.kind == ResponseCode::Kind::Modified)
        m_modified = response.code.set;
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
