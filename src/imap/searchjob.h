// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

#include <QByteArray>
#include <QDate>

#include <functional>
#include <optional>

namespace Heron::Imap {

// UID SEARCH (RFC 3501 §6.4.4) or SEARCH. With ESEARCH (RFC 4731) it asks for
// RETURN (ALL COUNT MIN MAX) and reads the ESEARCH response tagged with its own command;
// otherwise it reads the classic SEARCH response and computes the same figures itself.
// Criteria are either raw atom text ("UNSEEN SINCE 1-Feb-2024") or appended by a builder
// function, which lets strings go out quoted or as literals (SUBJECT with non-ASCII text).
class SearchJob : public Job {
    Q_OBJECT

public:
    using CriteriaBuilder = std::function<void(Command &command)>;

    explicit SearchJob(Session *session);

    void setUidSearch(bool uid) { m_uid = uid; }  // default true
    void setCriteria(const QByteArray &atoms);
    void setCriteria(CriteriaBuilder builder);
    void setCharset(const QByteArray &charset) { m_charset = charset; }  // "UTF-8"; empty: none
    // Use ESEARCH when the server has it (default true).
    void setUseESearch(bool use) { m_useESearch = use; }

    // "1-Feb-2024", the date form of SINCE/BEFORE/ON (RFC 3501 §9 "date"), in English whatever the locale.
    static QByteArray formatDate(QDate date);

    const UidSet &uids() const { return m_uids; }  // sequence numbers for a plain SEARCH
    uint32_t count() const { return m_count; }
    std::optional<uint32_t> min() const { return m_min; }
    std::optional<uint32_t> max() const { return m_max; }
    // The highest mod-sequence of the matches, when the criteria included MODSEQ (RFC 7162 §3.1.5).
    std::optional<uint64_t> highestModSeq() const { return m_modSeq; }
    bool usedESearch() const { return m_esearch; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    bool m_uid = true;
    QByteArray m_criteriaAtoms;
    CriteriaBuilder m_builder;
    QByteArray m_charset;
    bool m_useESearch = true;

    QByteArray m_tag;
    bool m_esearch = false;
    bool m_gotESearch = false;
    UidSet m_uids;
    uint32_t m_count = 0;
    std::optional<uint32_t> m_min;
    std::optional<uint32_t> m_max;
    std::optional<uint64_t> m_modSeq;
};

}  // namespace Heron::Imap
