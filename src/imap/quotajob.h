// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QList>

namespace Heron::Imap {

// Quota usage (RFC 9208, formerly RFC 2087): GETQUOTAROOT mailbox (§4.3), answered by QUOTAROOT and
// a QUOTA per root, or GETQUOTA root (§4.2). Fails with Unsupported when QUOTA is not advertised.
class QuotaJob : public Job {
    Q_OBJECT

public:
    explicit QuotaJob(Session *session);

    // GETQUOTAROOT for a mailbox (the usual question: "how full is the account").
    void setMailbox(const QByteArray &mailbox);
    // GETQUOTA for a root already known.
    void setRoot(const QByteArray &root);

    const Strings &roots() const { return m_roots; }
    const QList<QuotaResponse> &quotas() const { return m_quotas; }
    // The usage/limit of one resource ("STORAGE" in KiB, "MESSAGE") across the roots; nullptr when absent.
    const QuotaResource *resource(QByteArrayView name) const;

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;

private:
    QByteArray m_mailbox;
    QByteArray m_root;
    bool m_byRoot = false;
    bool m_gotRoots = false;
    Strings m_roots;
    QList<QuotaResponse> m_quotas;
};

}  // namespace Heron::Imap
