// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/wirelog.h"

#include "core/logging.h"

#include <QDebug>

namespace Heron::Imap {

namespace {

// The size of the literal announced at the end of a line ("{12}", "~{12}", "{12+}"), or -1.
qint64 literalAtEnd(QByteArrayView line)
{
    if (!line.endsWith('}'))
        return -1;
    const qsizetype open = line.lastIndexOf('{');
    if (open < 0)
        return -1;
    QByteArrayView digits = line.sliced(open + 1, line.size() - open - 2);
    if (digits.endsWith('+'))
        digits.chop(1);
    if (digits.isEmpty() || digits.size() > 18)
        return -1;
    qint64 value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

WireLog::WireLog(int connectionId)
    : m_id(connectionId)
{
}

bool WireLog::isEnabled()
{
    return lcImapWire().isDebugEnabled();
}

void WireLog::write(char direction, QByteArrayView text) const
{
    qCDebug(lcImapWire).noquote().nospace() << '[' << m_id << "] " << direction << ": " << QString::fromUtf8(text);
}

void WireLog::sent(QByteArrayView text) const
{
    if (isEnabled())
        write('C', text);
}

void WireLog::sentLine(QByteArrayView line, bool sensitive) const
{
    if (isEnabled())
        write('C', sensitive ? QByteArrayView("<redacted>") : line);
}

void WireLog::note(QByteArrayView text) const
{
    if (isEnabled())
        write('*', text);
}

void WireLog::received(QByteArrayView bytes)
{
    if (!isEnabled())
        return;
    while (!bytes.isEmpty()) {
        if (m_literalRemaining > 0) {
            const qsizetype take = qsizetype(qMin<qint64>(m_literalRemaining, bytes.size()));
            const qsizetype room = kMaxLiteralShown - m_literal.size();
            if (room > 0)
                m_literal += bytes.first(qMin(room, take));
            m_literalRemaining -= take;
            bytes = bytes.sliced(take);
            if (m_literalRemaining == 0)
                flushLiteral();
            continue;
        }
        const qsizetype newline = bytes.indexOf('\n');
        const QByteArrayView piece = newline < 0 ? bytes : bytes.first(newline + 1);
        const qsizetype room = kMaxLineShown - m_line.size();
        if (room > 0)
            m_line += piece.first(qMin(room, piece.size()));
        m_lineSize += piece.size();
        m_tail += piece;
        if (m_tail.size() > 32)
            m_tail = m_tail.right(32);
        bytes = bytes.sliced(piece.size());
        if (newline >= 0)
            flushLine();
    }
}

void WireLog::flushLine()
{
    QByteArray shown = m_line;
    while (shown.endsWith('\n') || shown.endsWith('\r'))
        shown.chop(1);
    if (m_lineSize > m_line.size())
        shown += " ... (" + QByteArray::number(m_lineSize) + " bytes)";
    write('S', shown);
    QByteArray tail = m_tail;
    while (tail.endsWith('\n') || tail.endsWith('\r'))
        tail.chop(1);
    const qint64 literal = literalAtEnd(tail);
    m_line.clear();
    m_tail.clear();
    m_lineSize = 0;
    if (literal > 0) {
        m_literalSize = literal;
        m_literalRemaining = literal;
    }
}

void WireLog::flushLiteral()
{
    QByteArray shown = m_literal;
    shown.replace("\r\n", "\\r\\n");
    if (m_literalSize > m_literal.size())
        shown += " ... (literal of " + QByteArray::number(m_literalSize) + " bytes)";
    write('S', shown);
    m_literal.clear();
    m_literalSize = 0;
}

void WireLog::reset()
{
    m_line.clear();
    m_tail.clear();
    m_lineSize = 0;
    m_literal.clear();
    m_literalSize = 0;
    m_literalRemaining = 0;
}

}  // namespace Heron::Imap
