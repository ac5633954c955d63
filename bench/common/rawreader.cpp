// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/rawreader.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace Heron::Bench {

RawResponseScanner::RawResponseScanner(QByteArray tag) : m_tag(std::move(tag) + ' ')
{
}

RawResponseScanner::State RawResponseScanner::scan(const char *data, qsizetype size)
{
    qsizetype position = 0;
    while (position < size) {
        if (m_literalRemaining > 0) {
            const qsizetype skip = qsizetype(std::min<qint64>(m_literalRemaining, size - position));
            m_literalRemaining -= skip;
            position += skip;
            continue;
        }
        const void *newline = std::memchr(data + position, '\n', size_t(size - position));
        if (!newline) {
            m_partial.append(data + position, size - position);
            position = size;
            break;
        }
        const qsizetype end = static_cast<const char *>(newline) - data + 1;
        State state;
        if (m_partial.isEmpty()) {
            state = finishLine(QByteArrayView(data + position, end - position));
        } else {
            m_partial.append(data + position, end - position);
            state = finishLine(m_partial);
            m_partial.clear();
        }
        position = end;
        if (state != State::More) {
            m_consumed = position;
            return state;
        }
    }
    m_consumed = position;
    return State::More;
}

RawResponseScanner::State RawResponseScanner::finishLine(QByteArrayView line)
{
    if (m_atLineStart && line.startsWith('*'))
        ++m_untagged;
    if (m_atLineStart && line.startsWith(m_tag)) {
        m_taggedLine = line.chopped(line.endsWith("\r\n") ? 2 : 1).toByteArray();
        const QByteArrayView status = line.sliced(m_tag.size());
        return status.startsWith("OK ") || status.startsWith("OK\r") ? State::TaggedOk : State::TaggedFailed;
    }
    // A literal announcement ends the line: "{123}\r\n", "{123+}\r\n" or "~{123}\r\n".
    QByteArrayView body = line.chopped(1);
    if (body.endsWith('\r'))
        body.chop(1);
    if (body.endsWith('}')) {
        const qsizetype open = body.lastIndexOf('{');
        QByteArrayView digits = open >= 0 ? body.sliced(open + 1, body.size() - open - 2) : QByteArrayView();
        if (digits.endsWith('+'))
            digits.chop(1);
        bool ok = false;
        const qint64 length = digits.isEmpty() ? -1 : digits.toLongLong(&ok);
        if (ok && length >= 0) {
            m_literalRemaining = length;
            m_atLineStart = false;  // the line goes on after the literal
            return State::More;
        }
    }
    m_atLineStart = true;
    return State::More;
}

}  // namespace Heron::Bench
