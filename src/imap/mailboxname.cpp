// SPDX-License-Identifier: GPL-3.0-or-later
#include "mailboxname.h"

#include <QList>

namespace Heron::Imap {

namespace {

// RFC 3501 §5.1.3: RFC 2045 base64 with ',' in place of '/'.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64Value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == ',')
        return 63;
    return -1;
}

bool isPrintableAscii(char16_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

bool isHighSurrogate(char16_t c)
{
    return c >= 0xd800 && c <= 0xdbff;
}

bool isLowSurrogate(char16_t c)
{
    return c >= 0xdc00 && c <= 0xdfff;
}

Error invalidName(const char *why)
{
    return makeError(Error::Code::Protocol,
                     QStringLiteral("Invalid modified UTF-7 mailbox name: %1").arg(QLatin1String(why)));
}

void appendShifted(QByteArray &out, const QList<char16_t> &units)
{
    out.append('&');
    uint32_t bits = 0;
    int bitCount = 0;
    for (char16_t unit : units) {
        bits = (bits << 16) | unit;
        bitCount += 16;
        while (bitCount >= 6) {
            bitCount -= 6;
            out.append(kAlphabet[(bits >> bitCount) & 0x3f]);
        }
        bits &= (1u << bitCount) - 1;
    }
    if (bitCount > 0)
        out.append(kAlphabet[(bits << (6 - bitCount)) & 0x3f]);
    out.append('-');
}

}  // namespace

QByteArray encodeMailboxName(const QString &name)
{
    QByteArray out;
    out.reserve(name.size());
    QList<char16_t> pending;
    const qsizetype n = name.size();
    for (qsizetype i = 0; i < n; ++i) {
        char16_t c = name.at(i).unicode();
        if (isPrintableAscii(c)) {
            if (!pending.isEmpty()) {
                appendShifted(out, pending);
                pending.clear();
            }
            if (c == u'&')
                out.append("&-");
            else
                out.append(char(c));
            continue;
        }
        if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(name.at(i + 1).unicode())) {
            pending.append(c);
            pending.append(name.at(++i).unicode());
            continue;
        }
        if (isHighSurrogate(c) || isLowSurrogate(c))
            c = 0xfffd;
        pending.append(c);
    }
    if (!pending.isEmpty())
        appendShifted(out, pending);
    return out;
}

Result<QString> decodeMailboxName(QByteArrayView wire)
{
    QString name;
    name.reserve(wire.size());
    qsizetype pos = 0;
    bool previousWasShift = false;  // a non-empty shift ended right before pos
    while (pos < wire.size()) {
        const char c = wire[pos];
        if (c != '&') {
            const auto u = static_cast<unsigned char>(c);
            if (u >= 0x80)
                return invalidName("8-bit byte");
            if (!isPrintableAscii(u))
                return invalidName("control character outside a shift");
            name.append(QChar(char16_t(u)));
            ++pos;
            previousWasShift = false;
            continue;
        }
        ++pos;
        if (pos < wire.size() && wire[pos] == '-') {
            name.append(u'&');
            ++pos;
            previousWasShift = false;
            continue;
        }
        // RFC 3501 §5.1.3: "&U,BTF2XlZyyKng-" style shift, base64 of UTF-16BE, closed by '-'.
        if (previousWasShift)
            return invalidName("two shifted sequences back to back");
        uint32_t bits = 0;
        int bitCount = 0;
        char16_t highSurrogate = 0;
        bool closed = false;
        while (pos < wire.size()) {
            const char b = wire[pos++];
            if (b == '-') {
                closed = true;
                break;
            }
            const int value = base64Value(b);
            if (value < 0)
                return invalidName(b == '=' ? "base64 padding" : "character outside modified base64");
            bits = (bits << 6) | uint32_t(value);
            bitCount += 6;
            if (bitCount < 16)
                continue;
            bitCount -= 16;
            const auto unit = char16_t((bits >> bitCount) & 0xffff);
            bits &= (1u << bitCount) - 1;
            if (highSurrogate) {
                if (!isLowSurrogate(unit))
                    return invalidName("high surrogate without low surrogate");
                name.append(QChar(highSurrogate));
                name.append(QChar(unit));
                highSurrogate = 0;
            } else if (isHighSurrogate(unit)) {
                highSurrogate = unit;
            } else if (isLowSurrogate(unit)) {
                return invalidName("low surrogate without high surrogate");
            } else if (unit == 0) {
                return invalidName("encoded NUL");
            } else if (isPrintableAscii(unit)) {
                return invalidName("printable US-ASCII inside a shift");
            } else {
                name.append(QChar(unit));
            }
        }
        if (!closed)
            return invalidName("shift not terminated by '-'");
        if (bitCount >= 6)
            return invalidName("incomplete UTF-16 unit");
        if (bits != 0)
            return invalidName("non-zero leftover bits");
        if (highSurrogate)
            return invalidName("high surrogate at end of shift");
        previousWasShift = true;
    }
    return name;
}

QByteArray encodeMailboxNameUtf8(const QString &name)
{
    return name.toUtf8();
}

Result<QString> decodeMailboxNameUtf8(QByteArrayView wire)
{
    // Strict UTF-8 (RFC 3629 §4) and Net-Unicode (RFC 5198 §2, required by RFC 6855 §3):
    // no overlong forms, no surrogates, nothing past U+10FFFF, no C0 controls or DEL.
    const qsizetype n = wire.size();
    qsizetype pos = 0;
    while (pos < n) {
        const auto b0 = static_cast<unsigned char>(wire[pos]);
        if (b0 < 0x80) {
            if (b0 < 0x20 || b0 == 0x7f)
                return makeError(Error::Code::Protocol,
                                 QStringLiteral("Invalid UTF-8 mailbox name: control character"));
            ++pos;
            continue;
        }
        int length = 0;
        uint32_t cp = 0;
        uint32_t minimum = 0;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
            cp = b0 & 0x1f;
            minimum = 0x80;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            cp = b0 & 0x0f;
            minimum = 0x800;
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            cp = b0 & 0x07;
            minimum = 0x10000;
        } else {
            return makeError(Error::Code::Protocol, QStringLiteral("Invalid UTF-8 mailbox name: bad lead byte"));
        }
        if (pos + length > n)
            return makeError(Error::Code::Protocol, QStringLiteral("Invalid UTF-8 mailbox name: truncated sequence"));
        for (int k = 1; k < length; ++k) {
            const auto b = static_cast<unsigned char>(wire[pos + k]);
            if ((b & 0xc0) != 0x80)
                return makeError(Error::Code::Protocol,
                                 QStringLiteral("Invalid UTF-8 mailbox name: bad continuation byte"));
            cp = (cp << 6) | (b & 0x3f);
        }
        if (cp < minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return makeError(Error::Code::Protocol,
                             QStringLiteral("Invalid UTF-8 mailbox name: overlong form or invalid code point"));
        pos += length;
    }
    return QString::fromUtf8(wire);
}

}  // namespace Heron::Imap
