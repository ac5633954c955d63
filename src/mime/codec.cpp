// SPDX-License-Identifier: GPL-3.0-or-later
#include "codec.h"

#include "gmimesupport.h"

#include <cerrno>
#include <iconv.h>

namespace Heron::Mime {

using namespace Detail;

namespace {

QByteArray normalizedName(QByteArrayView name)
{
    QByteArray n = name.trimmed().toByteArray().toLower();
    if (n.size() >= 2 && n.startsWith('"') && n.endsWith('"'))
        n = n.mid(1, n.size() - 2).trimmed();
    return n;
}

// windows-1252 0x80..0x9F; the five undefined bytes map to the C1 controls (WHATWG Encoding).
constexpr char16_t kCp1252High[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

QString decodeWindows1252(QByteArrayView bytes)
{
    QString out(bytes.size(), Qt::Uninitialized);
    QChar *dst = out.data();
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        *dst++ = (b >= 0x80 && b < 0xA0) ? QChar(kCp1252High[b - 0x80]) : QChar(char16_t(b));
    }
    return out;
}

// Labels whose text is, in practice, written in a superset (WHATWG Encoding §4.2), and aliases
// iconv does not know.
const char *supersetOf(const QByteArray &name)
{
    static const struct {
        const char *label;
        const char *iconvName;
    } kAliases[] = {
            {"shift_jis", "CP932"},
            {"shift-jis", "CP932"},
            {"sjis", "CP932"},
            {"x-sjis", "CP932"},
            {"ms_kanji", "CP932"},
            {"csshiftjis", "CP932"},
            {"windows-31j", "CP932"},
            {"x-euc-jp", "EUC-JP"},
            {"gb2312", "GBK"},
            {"gb_2312-80", "GBK"},
            {"x-gbk", "GBK"},
            {"euc-cn", "GBK"},
            {"euc-kr", "CP949"},
            {"ks_c_5601-1987", "CP949"},
            {"ks_c_5601-1989", "CP949"},
            {"x-x-big5", "BIG5"},
            {"iso-8859-9", "CP1254"},
            {"latin5", "CP1254"},
            {"iso-8859-11", "CP874"},
            {"tis-620", "CP874"},
            {"x-mac-roman", "MACINTOSH"},
            {"unicode-1-1-utf-7", "UTF-7"},
    };
    for (const auto &alias : kAliases) {
        if (name == alias.label)
            return alias.iconvName;
    }
    return nullptr;
}

QString decodeWithIconv(iconv_t cd, QByteArrayView bytes)
{
    QByteArray out;
    out.reserve(bytes.size() * 2 + 16);
    char buffer[4096];
    auto *in = const_cast<char *>(bytes.data());
    size_t inLeft = size_t(bytes.size());
    QString result;
    auto flushOut = [&] {
        result += QString::fromUtf8(out);
        out.clear();
    };
    while (inLeft > 0) {
        char *outPtr = buffer;
        size_t outLeft = sizeof buffer;
        const size_t rc = iconv(cd, &in, &inLeft, &outPtr, &outLeft);
        out.append(buffer, outPtr - buffer);
        if (rc != size_t(-1))
            break;
        if (errno == E2BIG)
            continue;
        // EILSEQ or EINVAL (truncated sequence at the end): one replacement character, skip a byte.
        flushOut();
        result += QChar(QChar::ReplacementCharacter);
        ++in;
        --inLeft;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
    char *outPtr = buffer;
    size_t outLeft = sizeof buffer;
    iconv(cd, nullptr, nullptr, &outPtr, &outLeft);
    out.append(buffer, outPtr - buffer);
    flushOut();
    return result;
}

}  // namespace

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

QString decodeUnlabelledText(QByteArrayView bytes)
{
    if (isValidUtf8(bytes))
        return QString::fromUtf8(bytes);
    return decodeWindows1252(bytes);
}

Result<QString> decodeText(QByteArrayView bytes, QByteArrayView charset)
{
    const QByteArray name = normalizedName(charset);
    if (name.isEmpty() || name == "us-ascii" || name == "ascii" || name == "unknown-8bit" || name == "x-unknown" ||
        name == "unknown" || name == "default" || name == "x-user-defined")
        return decodeUnlabelledText(bytes);
    if (name == "utf-8" || name == "utf8")
        return QString::fromUtf8(bytes);
    // WHATWG Encoding: these labels mean windows-1252 in practice; senders mislabel cp1252 text.
    if (name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" || name == "latin-1" || name == "l1" ||
        name == "windows-1252" || name == "cp1252" || name == "x-cp1252" || name == "iso_8859-1" || name == "cp819" ||
        name == "ibm819")
        return decodeWindows1252(bytes);

    ensureInitialized();
    const char *iconvName = supersetOf(name);
    if (!iconvName)
        iconvName = g_mime_charset_iconv_name(name.constData());
    iconv_t cd = g_mime_iconv_open("UTF-8", iconvName ? iconvName : name.constData());
    if (cd == iconv_t(-1))
        return decodeUnlabelledText(bytes);
    QString text = decodeWithIconv(cd, bytes);
    g_mime_iconv_close(cd);
    return text;
}

Result<QByteArray> decodeTransferEncoding(QByteArrayView data, QByteArrayView encoding)
{
    const QByteArray name = normalizedName(encoding);
    if (name.isEmpty() || name == "7bit" || name == "8bit" || name == "binary" || name == "7-bit" || name == "8-bit")
        return data.toByteArray();

    ensureInitialized();
    GMimeContentEncoding kind = g_mime_content_encoding_from_string(name.constData());
    if (name == "uuencode" || name == "x-uue" || name == "uue")
        kind = GMIME_CONTENT_ENCODING_UUENCODE;
    if (kind != GMIME_CONTENT_ENCODING_BASE64 && kind != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
        kind != GMIME_CONTENT_ENCODING_UUENCODE)
        return makeError(Error::Code::Unsupported,
                         QStringLiteral("Unknown transfer encoding \"%1\"").arg(QString::fromLatin1(name)));

    QByteArrayView input = data;
    if (kind == GMIME_CONTENT_ENCODING_UUENCODE) {
        // The decoder wants the lines after "begin <mode> <name>" (POSIX uuencode); without a
        // begin line the whole input is taken as encoded lines.
        qsizetype pos = 0;
        while (pos < input.size()) {
            qsizetype eol = input.indexOf('\n', pos);
            if (eol < 0)
                eol = input.size();
            if (input.sliced(pos, eol - pos).startsWith("begin ")) {
                input = input.sliced(qMin(eol + 1, input.size()));
                break;
            }
            pos = eol + 1;
        }
    }

    QByteArray padded;
    if (kind == GMIME_CONTENT_ENCODING_BASE64) {
        // A truncated last quantum ("QUJD RA") still holds whole bytes; pad it so the decoder
        // emits them instead of dropping them (RFC 2045 §6.8 ends every body on a full quantum).
        qsizetype quanta = 0;
        for (const char c : input) {
            const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (alphabet || c == '+' || c == '/' || c == '=')
                ++quanta;
        }
        if (quanta % 4 >= 2) {
            padded = input.toByteArray();
            padded.append(4 - quanta % 4, '=');
            input = padded;
        }
    }

    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, kind);
    QByteArray out(qsizetype(g_mime_encoding_outlen(&state, size_t(input.size()))) + 16, Qt::Uninitialized);
    const size_t written = g_mime_encoding_flush(&state, input.data(), size_t(input.size()), out.data());
    out.truncate(qsizetype(written));
    return out;
}

}  // namespace Heron::Mime
