// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace Heron::Bench {

// The least work a client can do with an IMAP response stream: find the end of one tagged
// command without parsing anything. Lines are found with memchr; a line ending in a literal
// announcement {n}, {n+} or ~{n} (RFC 3501 §4.3, RFC 7888, RFC 3516) makes the next n bytes
// opaque, skipped without being looked at. The tag is recognised only at the start of a line.
class RawResponseScanner {
public:
    enum class State { More, TaggedOk, TaggedFailed };

    explicit RawResponseScanner(QByteArray tag);

    // Consumes bytes up to and including the tagged line; returns what was found. consumed()
    // says how many of the bytes were used (the rest belong to the next command).
    State scan(const char *data, qsizetype size);
    qsizetype consumed() const { return m_consumed; }
    // The tagged line, CRLF removed (for error messages).
    const QByteArray &taggedLine() const { return m_taggedLine; }
    // Untagged responses ("* ..." at a line start) seen so far.
    qint64 untaggedResponses() const { return m_untagged; }

private:
    State finishLine(QByteArrayView line);

    QByteArray m_tag;
    QByteArray m_partial;  // the current line so far, when it spans reads
    qint64 m_literalRemaining = 0;
    bool m_atLineStart = true;
    qsizetype m_consumed = 0;
    qint64 m_untagged = 0;
    QByteArray m_taggedLine;
};

}  // namespace Heron::Bench
