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

QList<Mailbox> parseAddressListTruncated(QByteArrayView raw, bool *truncated, qsizetype maxAddresses)
{
    *truncated = false;
    QList<Mailbox> result;
    if (raw.trimmed().isEmpty())
        return result;
    ensureInitialized();
    // Unfold; raw 8-bit names are decoded by the fallback charsets of the parser options.
    QByteArray copy;
    copy.reserve(raw.size());
    for (const char c : raw) {
        if (c != '\r' && c != '\n')
            copy.append(c);
    }
    GObjectPtr<InternetAddressList> list(internet_address_list_parse(sharedParserOptions(), copy.constData()));
    if (list)
        collect(list.get(), &result, maxAddresses, truncated);
    return result;
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
