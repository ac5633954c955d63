// SPDX-License-Identifier: GPL-3.0-or-later
#include "console.h"

#include <cstdio>

namespace Heron::Cli {

namespace {

void writeLine(std::FILE *stream, const QString &line)
{
    const QByteArray bytes = line.toLocal8Bit() + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

bool isBidiControl(char32_t c)
{
    // LRE, RLE, PDF, LRO, RLO (U+202A..202E) and LRI, RLI, FSI, PDI (U+2066..2069).
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

QString cleaned(const QString &text, bool singleLine)
{
    QString result;
    result.reserve(text.size());
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if (u == u'\n' || u == u'\t') {
            result.append(singleLine ? QChar(u' ') : c);
        } else if (u == u'\r') {
            if (singleLine)
                result.append(QChar(u' '));
            // CR LF line ends become LF; a lone CR would move the cursor back over the line.
        } else if (c.category() == QChar::Other_Control || isBidiControl(u)) {
            result.append(QChar(QChar::ReplacementCharacter));
        } else {
            result.append(c);
        }
    }
    return result;
}

}  // namespace

void Console::out(const QString &line) const
{
    writeLine(stdout, line);
}

void Console::err(const QString &line) const
{
    writeLine(stderr, line);
}

void Console::note(const QString &line) const
{
    if (m_verbose)
        writeLine(stderr, line);
}

bool Console::writeRaw(const QByteArray &bytes) const
{
    const size_t written = std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    return std::fflush(stdout) == 0 && written == size_t(bytes.size());
}

QString printable(const QString &text)
{
    return cleaned(text, false);
}

QString printableLine(const QString &text)
{
    return cleaned(text, true);
}

QString elided(const QString &text, int width)
{
    if (text.size() <= width)
        return text;
    return text.left(qMax(0, width - 1)) + QChar(0x2026);
}

QString formatSize(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    if (bytes < qint64(1024) * 1024 * 1024)
        return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    return QStringLiteral("%1 GB").arg(double(bytes) / (1024.0 * 1024.0 * 1024.0), 0, 'f', 1);
}

QString formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return QStringLiteral("-");
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

}  // namespace Heron::Cli
