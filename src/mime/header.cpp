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

// The bytes of a B word's text (RFC 2047 §4.1). White space is skipped and lost padding
// restored (RFC 2045 §6.8); nullopt for text that is not base64.
std::optional<QByteArray> decodeBWordText(QByteArrayView text)
{
    QByteArray base64;
    base64.reserve(text.size() + 3);
    for (const char c : text) {
        if (c != ' ' && c != '\t')
            base64 += c;
    }
    if (base64.size() % 4 == 1)
        return std::nullopt;
    if (base64.size() % 4 != 0)
        base64.append(4 - base64.size() % 4, '=');
    auto decoded = QByteArray::fromBase64Encoding(base64, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return std::move(decoded.decoded);
}

}  // namespace

// B words as Q words of the same bytes (header.h). GMime 3.2 joins the base64 text of
// adjacent B words of one charset before decoding it, and a word that ends in padding ("w6k=")
// then ends the text: "=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=" read as one "é". Q words are joined as
// bytes. Base64 words also often lose their padding ("w6lsw6h2ZQ" for "w6lsw6h2ZQ=="), which is
// restored (RFC 2045 §6.8) before decoding; a word that does not decode is left as it is.
QByteArray Detail::bWordsAsQWordsForGMime(const QByteArray &text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(text.size() + text.size() / 2);
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
        const std::optional<QByteArray> decoded = decodeBWordText(QByteArrayView(text).sliced(payload, end - payload));
        if (!decoded) {
            out.append(text.constData() + pos, end + 2 - pos);
            pos = end + 2;
            continue;
        }
        out.append(text.constData() + pos, q1 + 1 - pos);
        out += "Q?";
        for (const char c : *decoded) {
            const auto byte = static_cast<unsigned char>(c);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out += c;
            } else {
                const char escaped[3] = {'=', kHex[byte >> 4], kHex[byte & 0xF]};
                out.append(escaped, 3);
            }
        }
        out += "?=";
        pos = end + 2;
    }
    out.append(text.constData() + pos, text.size() - pos);
    return out;
}

namespace {

// One encoded word of the forms decodeEncodedWordsSimply() takes, its bytes appended to out.
bool appendSimpleWord(QByteArrayView word, QByteArray &out, QByteArrayView *charset)
{
    // =?charset?encoding?text?= (RFC 2047 §2), with nothing else in it.
    if (word.size() < 8 || !word.startsWith("=?") || !word.endsWith("?="))
        return false;
    const QByteArrayView inner = word.sliced(2, word.size() - 4);
    const qsizetype first = inner.indexOf('?');
    if (first < 0 || first + 2 >= inner.size() || inner[first + 2] != '?')
        return false;
    *charset = inner.first(first);
    if (charset->compare("utf-8", Qt::CaseInsensitive) != 0 && charset->compare("us-ascii", Qt::CaseInsensitive) != 0)
        return false;
    const char encoding = char(inner[first + 1] | 0x20);
    const QByteArrayView text = inner.sliced(first + 3);
    if (text.isEmpty() || text.contains('?'))
        return false;
    const qsizetype start = out.size();
    if (encoding == 'b') {
        const std::optional<QByteArray> decoded = decodeBWordText(text);
        if (!decoded)
            return false;
        out += *decoded;
    } else if (encoding == 'q') {
        for (qsizetype i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '_') {
                out += ' ';
            } else if (c == '=') {
                if (i + 2 >= text.size() || hexValue(text[i + 1]) < 0 || hexValue(text[i + 2]) < 0)
                    return false;
                out += char(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
                i += 2;
            } else if (static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7F) {
                out += c;
            } else {
                return false;
            }
        }
    } else {
        return false;
    }
    // US-ASCII words carry ASCII only; their bytes cannot complete a character of a UTF-8 word.
    if (charset->compare("us-ascii", Qt::CaseInsensitive) == 0 &&
        !isAscii(QByteArrayView(out).sliced(start)))
        return false;
    return out.size() > start;
}

}  // namespace

namespace Detail {

std::optional<QString> decodeEncodedWordsSimply(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    QByteArrayView previousCharset;
    bool afterWord = false;
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype spaceStart = i;
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
        const QByteArrayView space = text.sliced(spaceStart, i - spaceStart);
        const qsizetype tokenStart = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t')
            ++i;
        const QByteArrayView token = text.sliced(tokenStart, i - tokenStart);
        if (token.startsWith("=?")) {
            // White space between two encoded words is not shown (RFC 2047 §6.2); their bytes are
            // joined before they are read as text, so a character split between them is whole.
            if (!afterWord)
                out += space;
            QByteArrayView charset;
            if (!appendSimpleWord(token, out, &charset))
                return std::nullopt;
            if (afterWord && charset != previousCharset)
                return std::nullopt;
            previousCharset = charset;
            afterWord = true;
        } else {
            if (token.contains("=?") || !isAscii(token) ||
                std::any_of(token.begin(), token.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
                return std::nullopt;
            out += space;
            out += token;
            afterWord = false;
        }
    }
    // GMime shows an encoded NUL as "?": so that both agree, such text goes to GMime.
    if (out.contains('\0') || !isValidUtf8(out))
        return std::nullopt;
    return QString::fromUtf8(out);
}

std::optional<QString> decodeEncodedWordsWithGMime(QByteArrayView text)
{
    const QByteArray copy = bWordsAsQWordsForGMime(terminated(text));
    const GCharPtr decoded(g_mime_utils_header_decode_text(sharedParserOptions(), copy.constData()));
    if (!decoded)
        return std::nullopt;
    return QString::fromUtf8(decoded.get());
}

}  // namespace Detail

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

    // The common forms (UTF-8 or US-ASCII words between ASCII words) without GMime.
    std::optional<QString> decoded = decodeEncodedWordsSimply(text);
    if (!decoded)
        decoded = decodeEncodedWordsWithGMime(text);
    if (!decoded)
        return decodeUnlabelledText(text);
    // Encoded words can smuggle in line breaks and NULs (=0D=0A, =00); a header is one line of text.
    QString result = std::move(*decoded);
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
