// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>

namespace Heron::Imap {

// Lists mailboxes in one round trip where the server allows it: LIST with the LIST-EXTENDED
// return options (RFC 5258 §3) SPECIAL-USE (RFC 6154 §2), CHILDREN, SUBSCRIBED and STATUS
// (RFC 5819), each only when advertised. Without LIST-EXTENDED it sends a plain LIST and, when
// asked for subscriptions, an LSUB pipelined behind it. More than kMaxMailboxes entries is a clean
// LimitExceeded failure (QUALITY.md) that still consumes the rest of the server's answer.
class ListJob : public Job {
    Q_OBJECT

public:
    static constexpr qsizetype kMaxMailboxes = 50000;

    explicit ListJob(Session *session);

    void setReference(const QByteArray &reference) { m_reference = reference; }
    void setPattern(const QByteArray &pattern) { m_pattern = pattern; }  // default "*"
    // Ask for STATUS data with the list (LIST-STATUS only); default on.
    void setIncludeStatus(bool include) { m_includeStatus = include; }
    // Learn which mailboxes are subscribed: SUBSCRIBED return option or LSUB; default on.
    void setIncludeSubscriptions(bool include) { m_includeSubscriptions = include; }
    void setStatusItems(int statusItems) { m_statusItems = statusItems; }  // StatusJob::Item flags
    void setMaxMailboxes(qsizetype max) { m_maxMailboxes = max; }

    // LIST responses in the server's order (LSUB responses are not in here). Unselectable entries
    // stay: \NoSelect or \NonExistent parents of the hierarchy (RFC 5258 §3.4) and, with the
    // SUBSCRIBED option, subscribed names that no longer exist.
    const QList<ListResponse> &mailboxes() const { return m_mailboxes; }
    // STATUS data that came with the list, keyed by wire mailbox name.
    const QHash<QByteArray, StatusDataResponse> &statuses() const { return m_statuses; }
    // Subscribed mailboxes (from \Subscribed or LSUB), when subscriptions were asked for.
    const QSet<QByteArray> &subscribed() const { return m_subscribed; }
    bool hasSubscriptionInfo() const { return m_subscriptionInfo; }
    // True when the return options of LIST-EXTENDED/SPECIAL-USE/LIST-STATUS were sent.
    bool usedExtendedList() const { return m_extended; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    QByteArray m_reference;
    QByteArray m_pattern = QByteArrayLiteral("*");
    bool m_includeStatus = true;
    bool m_includeSubscriptions = true;
    int m_statusItems;
    qsizetype m_maxMailboxes = kMaxMailboxes;

    QList<ListResponse> m_mailboxes;
    QSet<QByteArray> m_listed;
    QHash<QByteArray, StatusDataResponse> m_statuses;
    QSet<QByteArray> m_subscribed;
    bool m_subscriptionInfo = false;
    bool m_extended = false;
    bool m_wantStatus = false;
    bool m_sentLsub = false;
    qsizetype m_received = 0;
    bool m_overLimit = false;
    int m_outstanding = 0;
    bool m_refused = false;
    StatusResponse m_refusal;
};

}  // namespace Heron::Imap
