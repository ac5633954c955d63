// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Heron::Imap {

// The wire log of one connection (category heron.imap.wire, debug level): "C: " lines sent,
// "S: " lines received. Commands are logged through Command::describe(), so LOGIN and
// AUTHENTICATE arguments never reach it; received literal data is cut after a few hundred bytes.
class WireLog {
public:
    explicit WireLog(int connectionId = 0);

    static bool isEnabled();

    // A line the client sent, already redacted by the caller.
    void sent(QByteArrayView text) const;
    // A bare line the client sent (an AUTHENTICATE response, DONE); sensitive ones are redacted.
    void sentLine(QByteArrayView line, bool sensitive) const;
    // Raw (decompressed) bytes from the server, in any chunking.
    void received(QByteArrayView bytes);
    // Something that is not protocol text ("TLS established", "compression on").
    void note(QByteArrayView text) const;
    // Forgets a partial line (after STARTTLS or when compression starts).
    void reset();

    static constexpr qsizetype kMaxLineShown = 2000;
    static constexpr qsizetype kMaxLiteralShown = 300;

private:
    void flushLine();
    void flushLiteral();
    void write(char direction, QByteArrayView text) const;

    int m_id = 0;
    QByteArray m_line;
    qsizetype m_lineSize = 0;
    QByteArray m_tail;  // the end of the current line, to find a "{n}" after a cut
    QByteArray m_literal;
    qint64 m_literalSize = 0;
    qint64 m_literalRemaining = 0;
};

}  // namespace Heron::Imap
