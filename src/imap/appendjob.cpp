// SPDX-License-Identifier: GPL-3.0-or-later
#include "appendjob.h"

#include "imap/session.h"

#include <cstdlib>

namespace Heron::Imap {

AppendJob::AppendJob(Session *session) : Job(session) {}

QByteArray AppendJob::formatInternalDate(const QDateTime &date)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (!date.isValid())
        return {};
    const QDate d = date.date();
    const QTime t = date.time();
    const int offsetMinutes = date.offsetFromUtc() / 60;
    const int absOffset = std::abs(offsetMinutes);
    QByteArray text;
    // date-day-fixed: a space before one-digit days.
    text += (d.day() < 10 ? QByteArrayLiteral(" ") : QByteArray()) + QByteArray::number(d.day());
    text += '-';
    text += months[d.month() - 1];
    text += '-';
    text += QByteArray::number(d.year()).rightJustified(4, '0');
    text += ' ';
    text += QByteArray::number(t.hour()).rightJustified(2, '0') + ':' + QByteArray::number(t.minute()).rightJustified(2, '0')
        + ':' + QByteArray::number(t.second()).rightJustified(2, '0');
    text += ' ';
    text += offsetMinutes < 0 ? '-' : '+';
    text += QByteArray::number(absOffset / 60).rightJustified(2, '0') + QByteArray::number(absOffset % 60).rightJustified(2, '0');
    return text;
}

void AppendJob::doStart()
{
    if (m_mailbox.isEmpty() || m_message.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("APPEND needs a mailbox and a message.")));
        return;
    }
    Command command(QByteArrayLiteral("APPEND"));
    command.string(m_mailbox);
    if (!m_flags.isEmpty()) {
        command.openList();
        for (const QByteArray &flag : m_flags)
            command.atom(flag);
        command.closeList();
    }
    if (m_internalDate.isValid())
        command.quoted(formatInternalDate(m_internalDate));
    command.literal(m_message, m_binary && session()->hasCapability("BINARY"));
    sendCommand(command);
}

void AppendJob::handleTagged(const StatusResponse &response)
{
    if (response.status == StatusResponse::Status::Ok && response.code.kind == ResponseCode::Kind::AppendUid) {
        m_uidValidity = uint32_t(response.code.number);
        m_uids = response.code.set;
    }
    Job::handleTagged(response);
}

}  // namespace Heron::Imap
