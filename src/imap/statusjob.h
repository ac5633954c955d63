// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

namespace Heron::Imap {

// True when two wire mailbox names name the same mailbox: byte equality, except that INBOX is
// case-insensitive (RFC 3501 §5.1).
bool isSameMailbox(QByteArrayView a, QByteArrayView b);

// STATUS of one mailbox (RFC 3501 §6.3.10), asking by default for MESSAGES UIDNEXT UIDVALIDITY
// UNSEEN, plus HIGHESTMODSEQ when the server has CONDSTORE (RFC 7162 §3.1.6) and SIZE when it
// has STATUS=SIZE (RFC 8438). The job claims the STATUS response whose mailbox matches its own.
class StatusJob : public Job {
    Q_OBJECT

public:
    enum Item {
        Messages = 0x01,
        Recent = 0x02,
        UidNext = 0x04,
        UidValidity = 0x08,
        Unseen = 0x10,
        HighestModSeq = 0x20,  // sent only when CONDSTORE is advertised
        Size = 0x40,           // sent only when STATUS=SIZE is advertised
    };
    static constexpr int kDefaultItems = Messages | UidNext | UidValidity | Unseen | HighestModSeq;

    explicit StatusJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }
    QByteArray mailbox() const { return m_mailbox; }
    void setItems(int items) { m_items = items; }

    // The server's answer; fields the server did not send stay empty.
    const StatusDataResponse &status() const { return m_status; }
    // False when the command succeeded but no STATUS response for the mailbox came back.
    bool hasStatus() const { return m_received; }

    // The status items as atoms, restricted to what the server advertises.
    static Strings itemAtoms(int items, const Session *session);

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;

private:
    QByteArray m_mailbox;
    int m_items = kDefaultItems;
    StatusDataResponse m_status;
    bool m_received = false;
};

}  // namespace Heron::Imap
