// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace Heron::Imap {

// SELECT or EXAMINE (RFC 3501 §6.3.1-2), optionally with (CONDSTORE) (RFC 7162 §3.1.8) or
// (QRESYNC (uidvalidity modseq [known-uids [seq-match-data]])) (RFC 7162 §3.2.5). Collects the
// mailbox's FLAGS, EXISTS, RECENT and the response codes of the untagged OKs; with QRESYNC also the
// VANISHED (EARLIER) UIDs and the FETCH responses of changed messages, which are streamed through
// messageFetched() as they arrive and, unless switched off, collected.
//
// When a mailbox is already selected and QRESYNC is enabled, the server closes it first and sends
// "* OK [CLOSED]" (RFC 7162 §3.2.11): data before that belongs to the old mailbox, so EXPUNGE,
// FETCH and VANISHED before it are left to other consumers and anything collected is reset.
// On OK the session is Selected with this mailbox; on NO no mailbox is selected (RFC 3501 §6.3.1).
class SelectJob : public Job {
    Q_OBJECT

public:
    explicit SelectJob(Session *session);

    void setMailbox(const QByteArray &mailbox) { m_mailbox = mailbox; }
    QByteArray mailbox() const { return m_mailbox; }
    void setReadOnly(bool readOnly) { m_examine = readOnly; }  // EXAMINE
    void setCondStore(bool condStore) { m_condStore = condStore; }
    // Quick resynchronization; needs ENABLE QRESYNC first. knownUids may be empty.
    void setQResync(uint32_t uidValidity, uint64_t modSeq, const UidSet &knownUids = {});
    // The optional sequence match data (RFC 7162 §3.2.5.2): sequence numbers and their UIDs.
    void setQResyncSequenceMatch(const UidSet &knownSequences, const UidSet &knownSequenceUids);
    // Whether FETCH responses received during a QRESYNC SELECT are also kept in changes(); default true.
    void setCollectChanges(bool collect) { m_collectChanges = collect; }

    const Strings &flags() const { return m_flags; }
    const Strings &permanentFlags() const { return m_permanentFlags; }
    uint32_t exists() const { return m_exists; }
    uint32_t recent() const { return m_recent; }
    uint32_t uidValidity() const { return m_uidValidity; }
    uint32_t uidNext() const { return m_uidNext; }
    // 0 and noModSeq() true when the mailbox does not keep mod-sequences (RFC 7162 §3.1.2.2).
    uint64_t highestModSeq() const { return m_highestModSeq; }
    bool noModSeq() const { return m_noModSeq; }
    // Sequence number of the first unseen message ([UNSEEN n]), when sent.
    std::optional<uint32_t> firstUnseen() const { return m_firstUnseen; }
    bool isReadOnly() const { return m_readOnly; }
    // QRESYNC results.
    const UidSet &vanished() const { return m_vanished; }
    const QList<FetchResponse> &changes() const { return m_changes; }

Q_SIGNALS:
    // A FETCH response of the newly selected mailbox (QRESYNC: a message changed since modSeq).
    void messageFetched(const Heron::Imap::FetchResponse &response);
    // VANISHED (EARLIER) during a QRESYNC select (RFC 7162 §3.2.10).
    void messagesVanished(const Heron::UidSet &uids);

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    void resetData();

    QByteArray m_mailbox;
    bool m_examine = false;
    bool m_condStore = false;
    bool m_qresync = false;
    uint32_t m_knownUidValidity = 0;
    uint64_t m_knownModSeq = 0;
    UidSet m_knownUids;
    UidSet m_knownSequences;
    UidSet m_knownSequenceUids;
    bool m_collectChanges = true;

    bool m_awaitingClosed = false;

    Strings m_flags;
    Strings m_permanentFlags;
    uint32_t m_exists = 0;
    uint32_t m_recent = 0;
    uint32_t m_uidValidity = 0;
    uint32_t m_uidNext = 0;
    uint64_t m_highestModSeq = 0;
    bool m_noModSeq = false;
    std::optional<uint32_t> m_firstUnseen;
    bool m_readOnly = false;
    UidSet m_vanished;
    QList<FetchResponse> m_changes;
};

}  // namespace Heron::Imap
