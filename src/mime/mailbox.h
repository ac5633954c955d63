// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace Heron::Mime {

// One person or role: a decoded display name and an address. Domains come out in Unicode, whether
// written so or as "xn--" labels (RFC 5890). The email may lack '@' when no domain was written.
struct Mailbox {
    QString name;
    QString email;

    // "Name <email>" or the email alone; for display, not for the wire.
    QString displayString() const;
    bool operator==(const Mailbox &) const = default;
};

// QUALITY.md: at most 10,000 addresses in one header.
inline constexpr qsizetype kMaxAddresses = 10000;

// An RFC 5322 §3.4 address-list (From, To, Cc, ...) with groups flattened to their members,
// comments dropped and names decoded (RFC 2047). Broken lists yield what can be read. More than
// maxAddresses is an Error::Code::LimitExceeded.
Result<QList<Mailbox>> parseAddressList(QByteArrayView raw, qsizetype maxAddresses = kMaxAddresses);

// The same, for a caller that would rather show the first maxAddresses than nothing: *truncated
// tells whether addresses were dropped.
QList<Mailbox> parseAddressListTruncated(QByteArrayView raw, bool *truncated, qsizetype maxAddresses = kMaxAddresses);

namespace Detail {

// The two readers behind parseAddressListTruncated(), for its tests; both take unfolded text.
// The forms nearly every header uses, read without GMime: comma-separated "local@domain",
// "<local@domain>", "Name <local@domain>", "\"Name\" <local@domain>" and "=?...?= <local@domain>",
// in ASCII, without comments, groups, escapes or "xn--" labels. nullopt for anything else.
// Where it gives a list, GMime's reader gives the same one.
std::optional<QList<Mailbox>> parseSimpleAddressList(QByteArrayView text, qsizetype maxAddresses, bool *truncated);
// Everything else, through GMime.
QList<Mailbox> parseAddressListWithGMime(QByteArrayView text, qsizetype maxAddresses, bool *truncated);

}  // namespace Detail

// An IMAP ENVELOPE address (RFC 3501 §7.4.2: name, adl, mailbox, host as raw bytes; the name may
// carry RFC 2047 words). A null host marks the start or end of an RFC 5322 group: nullopt.
// The source route (adl) is obsolete and ignored.
std::optional<Mailbox> fromImapAddress(const QByteArray &name, const QByteArray &adl, const QByteArray &mailbox,
                                       const QByteArray &host);

}  // namespace Heron::Mime

Q_DECLARE_METATYPE(Heron::Mime::Mailbox)
