// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>

#include <optional>

namespace Heron::Imap {

// UID FETCH or FETCH (RFC 3501 §6.4.5, §6.4.8) of a set and a list of data items, optionally with
// the (CHANGEDSINCE m) and VANISHED modifiers (RFC 7162 §3.1.4, §3.2.6). It never keeps the
// folder: each FETCH response is handed out through messageFetched() as it arrives. A one-element
// lookahead merges two consecutive responses for the same message (servers such as Gmail split
// them); consumers still key by UID, as unsolicited FETCHes for the same message may come later.
class FetchJob : public Job {
    Q_OBJECT

public:
    explicit FetchJob(Session *session);

    // UIDs (UID FETCH, the default) or sequence numbers (FETCH).
    void setUids(const UidSet &uids);
    void setSequences(const UidSet &sequences);
    // Data items as sent: "UID", "FLAGS", "ENVELOPE", "BODY.PEEK[1]<0.1024>", ...; UID FETCH
    // responses carry the UID even when not asked for (RFC 3501 §6.4.8).
    void setItems(const Strings &items) { m_items = items; }
    void setChangedSince(uint64_t modSeq) { m_changedSince = modSeq; }
    // Adds VANISHED to the modifiers (needs ENABLE QRESYNC, UID FETCH and CHANGEDSINCE).
    void setVanished(bool vanished) { m_vanished = vanished; }

    const UidSet &set() const { return m_set; }
    bool isUidFetch() const { return m_uid; }
    // Responses handed out so far (after merging).
    quint64 fetchedCount() const { return m_count; }
    // UIDs reported by VANISHED (EARLIER) during this fetch.
    const UidSet &vanishedUids() const { return m_vanishedUids; }

Q_SIGNALS:
    void messageFetched(const Heron::Imap::FetchResponse &response);
    void messagesVanished(const Heron::UidSet &uids);

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    bool isMine(const FetchResponse &response) const;
    void flush();

    UidSet m_set;
    bool m_uid = true;
    Strings m_items;
    uint64_t m_changedSince = 0;
    bool m_vanished = false;
    bool m_setHasStar = false;

    std::optional<FetchResponse> m_pending;
    quint64 m_count = 0;
    UidSet m_vanishedUids;
};

}  // namespace Heron::Imap
