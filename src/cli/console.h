// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace Heron::Cli {

// Exit codes of `heron <command>`.
enum ExitCode : int {
    kExitSuccess = 0,
    kExitFailure = 1,  // the command could not do its work; the reason is on stderr
    kExitUsage = 2,    // the command line itself is wrong
};

// Where the command line writes: results on stdout, errors and notes on stderr, each line
// flushed at once so that a script or a pipe sees progress as it happens.
class Console {
public:
    explicit Console(bool verbose = false) : m_verbose(verbose) {}

    bool verbose() const { return m_verbose; }

    void out(const QString &line) const;
    void err(const QString &line) const;
    // Only with --verbose, on stderr.
    void note(const QString &line) const;
    // Bytes as they are, on stdout (fetch-part --out -).
    bool writeRaw(const QByteArray &bytes) const;

private:
    bool m_verbose = false;
};

// Text that came from mail or from a server, made safe for a terminal: control characters (an
// escape sequence could rewrite the screen or the window title) and bidirectional overrides
// (which could make a name read as another) become U+FFFD. Newlines and tabs stay.
QString printable(const QString &text);
// The same on one line: newlines and tabs become spaces.
QString printableLine(const QString &text);
// At most width characters, with "…" when cut.
QString elided(const QString &text, int width);
// "512 bytes", "12.3 KB", "4.5 MB" (units of 1024).
QString formatSize(qint64 bytes);
// Local time, "2024-03-31 14:05"; "-" when invalid.
QString formatTime(const QDateTime &time);

}  // namespace Heron::Cli
