// SPDX-License-Identifier: GPL-3.0-or-later
#include "mailbox.h"

#include "codec.h"
#include "gmimesupport.h"
#include "header.h"

#include <algorithm>

namespace Heron::Mime {

using namespace Detail;

namespace {

// Walks groups iteratively so a hostile nest of groups cannot exhaust the stack.
void collect(InternetAddressList *list, QList<Mailbox> *out, qsizetype max, bool *truncated)
{
    QList<std::pair<InternetAddressList *, int>> stack{{list, 0}};
    while (!stack.isEmpty()) {
        auto &[current, index] = stack.last();
        if (index >= internet_address_list_length(current)) {
            stack.removeLast();
            continue;
        }
        InternetAddress *address = internet_address_list_get_address(current, index++);
        if (INTERNET_ADDRESS_IS_GROUP(address)) {
            InternetAddressList *members = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address));
            if (members)
                stack.append({members, 0});
            continue;
        }
        if (!INTERNET_ADDRESS_IS_MAILBOX(address))
            continue;
        if (out->size() >= max) {
            *truncated = true;
            return;
        }
        Mailbox mailbox;
        mailbox.name = QString::fromUtf8(internet_address_get_name(address)).trimmed();
        mailbox.email = QString::fromUtf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address)));
        out->append(mailbox);
    }
}

}  // namespace

QString Mailbox::displayString() const
{
    if (name.isEmpty())
        return email;
    if (email.isEmpty())
        return name;
    return QStringLiteral("%1 <%2>").arg(name, email);
}

namespace Detail {

namespace {

bool isSimpleAddress(QByteArrayView address)
{
    const qsizetype at = address.indexOf('@');
    return at > 0 && at < address.size() - 1 && address.indexOf('@', at + 1) < 0 && !address.contains(' ') &&
           !address.contains('"') && !address.contains('<') && !address.contains('>');
}

// An "xn--" label anywhere: GMime shows such domains in Unicode (RFC 5890).
bool hasPunycode(QByteArrayView text)
{
    for (qsizetype i = 0; i + 4 <= text.size(); ++i) {
        if ((text[i] | 0x20) == 'x' && (text[i + 1] | 0x20) == 'n' && text[i + 2] == '-' && text[i + 3] == '-')
            return true;
    }
    return false;
}

}  // namespace

std::optional<QList<Mailbox>> parseSimpleAddressList(QByteArrayView text, qsizetype maxAddresses, bool *truncated)
{
    *truncated = false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || u < 0x20 || c == '(' || c == ')' || c == ':' || c == ';' || c == '\\' || c == '[' || c == ']')
            return std::nullopt;
    }
    if (hasPunycode(text))
        return std::nullopt;

    QList<Mailbox> result;
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size()) {
            if (text[i] == '"')
                quoted = !quoted;
            if (quoted || text[i] != ',')
                continue;
        } else if (quoted) {
            return std::nullopt;
        }
        const QByteArrayView item = text.sliced(start, i - start).trimmed();
        start = i + 1;
        if (item.isEmpty())
            continue;
        Mailbox mailbox;
        const qsizetype open = item.indexOf('<');
        if (open < 0) {
            if (!isSimpleAddress(item))
                return std::nullopt;
            mailbox.email = QString::fromLatin1(item);
        } else {
            if (!item.endsWith('>') || item.size() - open < 2)
                return std::nullopt;
            const QByteArrayView address = item.sliced(open + 1, item.size() - open - 2);
            if (!isSimpleAddress(address))
                return std::nullopt;
            const QByteArrayView phrase = item.first(open).trimmed();
            if (phrase.contains('<') || phrase.contains('>') || phrase.contains('@') || phrase.contains("  "))
                return std::nullopt;
            if (phrase.startsWith('"')) {
                if (phrase.size() < 2 || !phrase.endsWith('"'))
                    return std::nullopt;
                const QByteArrayView inner = phrase.sliced(1, phrase.size() - 2);
                if (inner.contains('"') || inner.contains("=?"))
                    return std::nullopt;
                mailbox.name = QString::fromLatin1(inner).trimmed();
            } else if (phrase.contains('"')) {
                return std::nullopt;
            } else {
                mailbox.name = phrase.contains("=?") ? decodeHeader(phrase) : QString::fromLatin1(phrase);
            }
            mailbox.email = QString::fromLatin1(address);
        }
        if (result.size() >= maxAddresses) {
            *truncated = true;
            break;
        }
        result.append(std::move(mailbox));
    }
    return result;
}

QList<Mailbox> parseAddressListWithGMime(QByteArrayView unfolded, qsizetype maxAddresses, bool *truncated)
{
    *truncated = false;
    QList<Mailbox> result;
    ensureInitialized();
    // Raw 8-bit names are decoded by the fallback charsets of the parser options.
    const QByteArray copy = bWordsAsQWordsForGMime(unfolded.toByteArray());
    GObjectPtr<InternetAddressList> list(internet_address_list_parse(sharedParserOptions(), copy.constData()));
    if (list)
        collect(list.get(), &result, maxAddresses, truncated);
    return result;
}

}  // namespace Detail

QList<Mailbox> parseAddressListTruncated(QByteArrayView raw, bool *truncated, qsizetype maxAddresses)
{
    *truncated = false;
    if (raw.trimmed().isEmpty())
        return {};
    // Unfold (RFC 5322 §2.2.3).
    QByteArray unfolded;
    QByteArrayView text = raw;
    if (raw.contains('\r') || raw.contains('\n')) {
        unfolded.reserve(raw.size());
        for (const char c : raw) {
            if (c != '\r' && c != '\n')
                unfolded.append(c);
        }
        text = unfolded;
    }
    if (auto simple = Detail::parseSimpleAddressList(text, maxAddresses, truncated))
        return std::move(*simple);
    return Detail::parseAddressListWithGMime(text, maxAddresses, truncated);
}

Result<QList<Mailbox>> parseAddressList(QByteArrayView raw, qsizetype maxAddresses)
{
    bool truncated = false;
    QList<Mailbox> result = parseAddressListTruncated(raw, &truncated, maxAddresses);
    if (truncated)
        return makeError(Error::Code::LimitExceeded,
                         QStringLiteral("The address list has more than %1 addresses").arg(maxAddresses));
    return result;
}

std::optional<Mailbox> fromImapAddress(const QByteArray &name, const QByteArray &adl, const QByteArray &mailbox,
                                       const QByteArray &host)
{
    Q_UNUSED(adl);
    if (host.isNull())
        return std::nullopt;
    Mailbox result;
    result.name = decodeHeader(name);
    const auto ascii = [](const QByteArray &bytes) {
        return std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    };
    if (host.isEmpty()) {
        result.email = decodeUnlabelledText(mailbox);
    } else if (ascii(mailbox) && ascii(host)) {
        // Nearly every address: one string built once, instead of three joined.
        result.email.reserve(mailbox.size() + 1 + host.size());
        result.email += QLatin1StringView(mailbox);
        result.email += QLatin1Char('@');
        result.email += QLatin1StringView(host);
    } else {
        result.email = decodeUnlabelledText(mailbox) + QLatin1Char('@') + decodeUnlabelledText(host);
    }
    return result;
}

}  // namespace Heron::Mime
