// SPDX-License-Identifier: GPL-3.0-or-later
#include "quotajob.h"

#include "imap/session.h"
#include "imap/statusjob.h"

namespace Heron::Imap {

QuotaJob::QuotaJob(Session *session) : Job(session) {}

void QuotaJob::setMailbox(const QByteArray &mailbox)
{
    m_mailbox = mailbox;
    m_byRoot = false;
}

void QuotaJob::setRoot(const QByteArray &root)
{
    m_root = root;
    m_byRoot = true;
}

const QuotaResource *QuotaJob::resource(QByteArrayView name) const
{
    for (const QuotaResponse &quota : m_quotas) {
        for (const QuotaResource &r : quota.resources) {
            if (QByteArrayView(r.name).compare(name, Qt::CaseInsensitive) == 0)
                return &r;
        }
    }
    return nullptr;
}

void QuotaJob::doStart()
{
    if (!session()->hasCapability("QUOTA")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not report quotas.")));
        return;
    }
    if (m_byRoot) {
        Command command(QByteArrayLiteral("GETQUOTA"));
        command.string(m_root);  // the root may be "" (RFC 9208 §4.2)
        m_roots = {m_root};
        m_gotRoots = true;
        sendCommand(command);
        return;
    }
    if (m_mailbox.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("GETQUOTAROOT needs a mailbox name.")));
        return;
    }
    Command command(QByteArrayLiteral("GETQUOTAROOT"));
    command.string(m_mailbox);
    sendCommand(command);
}

bool QuotaJob::handleUntagged(const Response &response)
{
    if (const auto *quotaRoot = std::get_if<QuotaRootResponse>(&response)) {
        if (m_byRoot || m_gotRoots || !isSameMailbox(quotaRoot->mailbox, m_mailbox))
            return false;
        m_roots = quotaRoot->roots;
        m_gotRoots = true;
        return true;
    }
    if (const auto *quota = std::get_if<QuotaResponse>(&response)) {
        // RFC 9208 §4.3: the QUOTA responses follow the QUOTAROOT and name its roots.
        if (!m_gotRoots || !m_roots.contains(quota->root))
            return false;
        for (const QuotaResponse &known : std::as_const(m_quotas)) {
            if (known.root == quota->root)
                return false;
        }
        m_quotas.append(*quota);
        return true;
    }
    return false;
}

}  // namespace Heron::Imap
