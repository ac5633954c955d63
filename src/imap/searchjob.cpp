// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchjob.h"

#include "imap/session.h"

namespace Heron::Imap {

SearchJob::SearchJob(Session *session) : Job(session) {}

void SearchJob::setCriteria(const QByteArray &atoms)
{
    m_criteriaAtoms = atoms;
    m_builder = nullptr;
}

void SearchJob::setCriteria(CriteriaBuilder builder)
{
    m_builder = std::move(builder);
    m_criteriaAtoms.clear();
}

QByteArray SearchJob::formatDate(QDate date)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (!date.isValid())
        return {};
    return QByteArray::number(date.day()) + '-' + months[date.month() - 1] + '-' + QByteArray::number(date.year());
}

void SearchJob::doStart()
{
    if (m_criteriaAtoms.trimmed().isEmpty() && !m_builder) {
        fail(makeError(Error::Code::InvalidInput, tr("SEARCH needs criteria.")));
        return;
    }
    m_esearch = m_useESearch && session()->hasCapability("ESEARCH");

    Command command(m_uid ? QByteArrayLiteral("UID SEARCH") : QByteArrayLiteral("SEARCH"));
    if (m_esearch)  // RFC 4731 §3.1
        command.atom("RETURN").openList().atom("ALL").atom("COUNT").atom("MIN").atom("MAX").closeList();
    if (!m_charset.isEmpty())
        command.atom("CHARSET").string(m_charset);
    if (m_builder)
        m_builder(command);
    else
        command.atom(m_criteriaAtoms.trimmed());
    m_tag = sendCommand(command);
}

bool SearchJob::handleUntagged(const Response &response)
{
    if (const auto *esearch = std::get_if<ESearchResponse>(&response)) {
        // RFC 4731 §3.1: the response names the command's tag; an untagged one is not ours.
        if (!m_esearch || esearch->tag.isEmpty() || esearch->tag != m_tag)
            return false;
        m_gotESearch = true;
        m_uids = esearch->all;
        m_count = esearch->count.value_or(uint32_t(m_uids.count()));
        m_min = esearch->min;
        m_max = esearch->max;
        m_modSeq = esearch->modSeq;
        return true;
    }
    if (const auto *search = std::get_if<SearchResponse>(&response)) {
        // A server with ESEARCH may still answer with SEARCH; take it either way.
        if (m_gotESearch)
            return false;
        for (uint32_t id : search->ids)
            m_uids.add(id);
        if (search->highestModSeq)
            m_modSeq = std::max(m_modSeq.value_or(0), *search->highestModSeq);
        return true;
    }
    return false;
}

void SearchJob::handleTagged(const StatusResponse &response)
{
    if (!m_gotESearch) {
        m_count = uint32_t(m_uids.count());
        if (!m_uids.isEmpty()) {
            m_min = m_uids.min();
            m_max = m_uids.max();
        }
    }
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
