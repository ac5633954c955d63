// SPDX-License-Identifier: GPL-3.0-or-later
#include "header.h"

#include "codec.h"
#include "gmimesupport.h"

#include <QMap>

#include <algorithm>

namespace Heron::Mime {

using namespace Detail;

namespace {

bool isAscii(QByteArrayView bytes)
{
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space. Lone CR or LF
// from broken mailers are removed the same way.
QByteArray unfold(QByteArrayView raw)
{
    QByteArray out;
    out.reserve(raw.size());
    for (const char c : raw) {
        if (c != '\r' && c != '\n')
            out.append(c);
    }
    return out;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// RFC 2231 §4: %XX octets; a '%' not followed by two hex digits is kept as it is.
QByteArray percentDecode(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size() && hexValue(value[i + 1]) >= 0 && hexValue(value[i + 2]) >= 0) {
            out.append(char(hexValue(value[i + 1]) * 16 + hexValue(value[i + 2])));
            i += 2;
        } else {
            out.append(value[i]);
        }
    }
    return out;
}

// RFC 2231 §4: extended-initial-value := [charset] "'" [language] "'" extended-other-values
QByteArray splitCharset(QByteArrayView value, QByteArray *charset)
{
    const qsizetype first = value.indexOf('\'');
    if (first < 0)
        return value.toByteArray();
    const qsizetype second = value.indexOf('\'', first + 1);
    if (second < 0)
        return value.toByteArray();
    *charset = value.first(first).toByteArray();
    return value.sliced(second + 1).toByteArray();
}

QString decodePlainValue(QByteArrayView value)
{
    if (value.contains("=?"))
        return decodeHeader(value);
    return decodeUnlabelledText(value);
}

bool isBidiControl(char32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

bool isWindowsDeviceName(const QString &base)
{
    const QString upper = base.toUpper();
    static const char *const names[] = {"CON", "PRN", "AUX", "NUL"};
    for (const char *n : names) {
        if (upper == QLatin1String(n))
            return true;
    }
    if (upper.size() == 4 && (upper.startsWith(QLatin1String("COM")) || upper.startsWith(QLatin1String("LPT"))) &&
        upper[3] >= QLatin1Char('1') && upper[3] <= QLatin1Char('9'))
        return true;
    return false;
}

// Base64 words often lose their padding ("w6lsw6h2ZQ" for "w6lsw6h2ZQ=="); the decoder then drops the
// last bytes. Pad each B word to a whole quantum (RFC 2045 §6.8) before decoding.
QByteArray padBase64Words(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size() + 8);
    qsizetype pos = 0;
    while (true) {
        const qsizetype start = text.indexOf("=?", pos);
        if (start < 0)
            break;
        const qsizetype q1 = text.indexOf('?', start + 2);
        if (q1 < 0 || q1 + 2 >= text.size() || text[q1 + 2] != '?' || (text[q1 + 1] != 'B' && text[q1 + 1] != 'b')) {
            out.append(text.constData() + pos, start + 2 - pos);
            pos = start + 2;
            continue;
        }
        const qsizetype payload = q1 + 3;
        const qsizetype end = text.indexOf("?=", payload);
        if (end < 0)
            break;
        out.append(text.constData() + pos, end - pos);
        qsizetype quanta = 0;
        for (qsizetype i = payload; i < end; ++i) {
            if (text[i] != ' ' && text[i] != '\t')
                ++quanta;
        }
        if (quanta % 4 >= 2)
            out.append(4 - quanta % 4, '=');
        pos = end;
    }
    out.append(text.constData() + pos, text.size() - pos);
    return out;
}

}  // namespace

QString decodeHeader(QByteArrayView raw)
{
    // Most values are one line already (an envelope's always are): those are read in place.
    QByteArray unfolded;
    QByteArrayView text = raw;
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return c == '\r' || c == '\n'; })) {
        unfolded = unfold(raw);
        text = unfolded;
    }
    text = text.trimmed();
    if (!text.contains("=?"))
        return isAscii(text) ? QString::fromLatin1(text) : decodeUnlabelledText(text);

    const QByteArray copy = padBase64Words(terminated(text));
    const GCharPtr decoded(g_mime_utils_header_decode_text(sharedParserOptions(), copy.constData()));
    if (!decoded)
        return decodeUnlabelledText(text);
    // Encoded words can smuggle in line breaks and NULs (=0D=0A, =00); a header is one line of text.
    QString result = QString::fromUtf8(decoded.get());
    for (QChar &c : result) {
        if ((c.unicode() < 0x20 && c != QLatin1Char('\t')) || c.unicode() == 0x7F)
            c = QLatin1Char(' ');
    }
    return result.trimmed();
}

QString parameterValue(const Parameters &parameters, QByteArrayView attribute)
{
    // Most parameter lists have no RFC 2231 form of the name ("name*", "name*0", ...): then the
    // plain value is the answer, found without a lowered copy of every key.
    const auto startsWithName = [attribute](QByteArrayView key) {
        return key.size() >= attribute.size() &&
               qstrnicmp(key.data(), attribute.size(), attribute.data(), attribute.size()) == 0;
    };
    const QByteArray *plain = nullptr;
    bool extendedForm = false;
    for (const auto &[key, value] : parameters) {
        if (!startsWithName(key))
            continue;
        if (key.size() == attribute.size()) {
            if (!plain)
                plain = &value;
        } else if (key.at(attribute.size()) == '*') {
            extendedForm = true;
            break;
        }
    }
    if (!extendedForm)
        return plain ? decodePlainValue(*plain) : QString();

    const QByteArray name = attribute.toByteArray().toLower();
    const QByteArray extendedName = name + '*';

    for (const auto &[key, value] : parameters) {
        if (key.toLower() == extendedName) {
            QByteArray charset;
            const QByteArray encoded = splitCharset(value, &charset);
            return decodeText(percentDecode(encoded), charset).value();
        }
    }

    // RFC 2231 §3: name*0, name*1*, ... in section order; only extended sections are %-encoded,
    // and only section 0 names the charset.
    constexpr int kMaxSections = 1000;
    QMap<int, std::pair<bool, QByteArray>> sections;
    const QByteArray sectionPrefix = name + '*';
    for (const auto &[key, value] : parameters) {
        const QByteArray lowerKey = key.toLower();
        if (!lowerKey.startsWith(sectionPrefix))
            continue;
        QByteArray number = lowerKey.mid(sectionPrefix.size());
        const bool extended = number.endsWith('*');
        if (extended)
            number.chop(1);
        bool ok = false;
        const int index = number.toInt(&ok);
        if (!ok || index < 0 || index >= kMaxSections || sections.contains(index))
            continue;
        sections.insert(index, {extended, value});
    }
    if (!sections.isEmpty()) {
        QByteArray charset;
        QByteArray bytes;
        bool anyExtended = false;
        for (auto it = sections.cbegin(); it != sections.cend(); ++it) {
            const auto &[extended, value] = it.value();
            if (!extended) {
                bytes += value;
                continue;
            }
            anyExtended = true;
            bytes += percentDecode(it.key() == sections.firstKey() ? splitCharset(value, &charset) : value);
        }
        if (!anyExtended)
            return decodePlainValue(bytes);
        return decodeText(bytes, charset).value();
    }

    for (const auto &[key, value] : parameters) {
        if (key.toLower() == name)
            return decodePlainValue(value);
    }
    return QString();
}

QString fileNameFromHeaders(QByteArrayView contentDisposition, QByteArrayView contentType)
{
    ensureInitialized();
    if (!contentDisposition.trimmed().isEmpty()) {
        const QByteArray copy = unfold(contentDisposition);
        GObjectPtr<GMimeContentDisposition> disposition(
                g_mime_content_disposition_parse(sharedParserOptions(), copy.constData()));
        if (disposition) {
            const char *value = g_mime_content_disposition_get_parameter(disposition.get(), "filename");
            if (value && *value)
                return QString::fromUtf8(value);
        }
    }
    if (!contentType.trimmed().isEmpty()) {
        const QByteArray copy = unfold(contentType);
        GObjectPtr<GMimeContentType> type(g_mime_content_type_parse(sharedParserOptions(), copy.constData()));
        if (type) {
            const char *value = g_mime_content_type_get_parameter(type.get(), "name");
            if (value && *value)
                return QString::fromUtf8(value);
        }
    }
    return QString();
}

QString safeFileName(const QString &name)
{
    // Only the last path component: "../../.bashrc" and "C:\Windows\x.exe" lose their directories.
    QString base = name;
    const qsizetype slash = std::max(base.lastIndexOf(QLatin1Char('/')), base.lastIndexOf(QLatin1Char('\\')));
    if (slash >= 0)
        base = base.mid(slash + 1);

    QString cleaned;
    cleaned.reserve(base.size());
    const QList<uint> codePoints = base.toUcs4();
    for (const uint cp : codePoints) {
        const auto c = char32_t(cp);
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || isBidiControl(c) || c == 0xFEFF || c == 0xFFFD)
            continue;
        if (c == U'<' || c == U'>' || c == U':' || c == U'"' || c == U'|' || c == U'?' || c == U'*') {
            cleaned += QLatin1Char('_');
            continue;
        }
        cleaned += QString::fromUcs4(&c, 1);
    }
    cleaned = cleaned.simplified();

    // No hidden files and no "." or ".."; Windows drops trailing dots and spaces itself.
    while (cleaned.startsWith(QLatin1Char('.')) || cleaned.startsWith(QLatin1Char(' ')))
        cleaned.remove(0, 1);
    while (cleaned.endsWith(QLatin1Char('.')) || cleaned.endsWith(QLatin1Char(' ')))
        cleaned.chop(1);
    if (cleaned.isEmpty())
        return QString();

    const qsizetype dot = cleaned.lastIndexOf(QLatin1Char('.'));
    QString stem = dot > 0 ? cleaned.left(dot) : cleaned;
    QString extension = dot > 0 ? cleaned.mid(dot) : QString();
    if (extension.size() > 16) {
        stem = cleaned;
        extension.clear();
    }
    if (isWindowsDeviceName(stem))
        stem.prepend(QLatin1Char('_'));

    while (!stem.isEmpty() && (stem + extension).toUtf8().size() > kMaxFileNameBytes) {
        stem.chop(stem.size() >= 2 && stem.back().isLowSurrogate() ? 2 : 1);
    }
    stem = stem.trimmed();
    if (stem.isEmpty())
        return extension.isEmpty() ? QString() : QStringLiteral("attachment") + extension;
    return stem + extension;
}

}  // namespace Heron::Mime
