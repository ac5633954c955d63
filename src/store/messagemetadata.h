// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace Heron::Store {

// One mailbox of an address header: the decoded display name and the addr-spec.
struct Address {
    QString name;
    QString email;

    bool operator==(const Address &) const = default;
};

// The system flags of RFC 3501 §2.3.2 as bits, plus the keywords, which are kept sorted and unique.
struct MessageFlags {
    enum Bit : quint32 {
        Seen = 1u << 0,
        Answered = 1u << 1,
        Flagged = 1u << 2,
        Deleted = 1u << 3,
        Draft = 1u << 4,
    };

    quint32 bits = 0;
    QStringList keywords;

    bool has(Bit bit) const { return (bits & bit) != 0; }
    // From the wire's flag list ("\Seen", "$Forwarded", ...); system flags are case-insensitive,
    // "\Recent" is session state and dropped, other backslash flags are kept as keywords.
    static MessageFlags fromStrings(const QStringList &flags);
    QStringList toStrings() const;
    // Keywords sorted and without duplicates, so two equal sets compare equal.
    void normalize();

    bool operator==(const MessageFlags &) const = default;
};

// One body part worth listing: an attachment or an inline part (RFC 3501 §7.4.2 BODYSTRUCTURE).
struct MessagePart {
    QString section;   // "1.2"
    QString mimeType;  // "image/png", lower case
    QString charset;
    QString encoding;     // content-transfer-encoding
    QString disposition;  // "attachment", "inline" or empty
    QString fileName;     // decoded (RFC 2231)
    QString contentId;
    qint64 size = 0;  // encoded size in octets
    bool isAttachment = false;

    bool operator==(const MessagePart &) const = default;
};

// The metadata of one message as the store keeps it: what the list and the headers pane show,
// what threading and search need. Bodies live in the content cache, not here.
struct MessageMetadata {
    qint64 id = 0;  // row id; 0 until stored
    qint64 folderId = 0;
    quint32 uid = 0;
    quint64 modSeq = 0;
    MessageFlags flags;
    QDateTime internalDate;
    QDateTime date;  // the Date header; invalid when absent or unreadable
    qint64 size = 0;
    QString subject;  // decoded
    QList<Address> from;
    // Empty when the same as From: an IMAP envelope repeats From there when the header is absent
    // (RFC 3501 §7.4.2), so the two cannot be told apart, and each copy cost a column, search
    // index terms and pages to write.
    QList<Address> sender;
    QList<Address> replyTo;
    QList<Address> to;
    QList<Address> cc;
    QList<Address> bcc;
    QString messageId;
    QString inReplyTo;
    QStringList references;
    QString listId;
    QByteArray bodyStructure;  // serialized by the sync layer; opaque here
    QList<MessagePart> parts;
    bool hasAttachments = false;
    bool isDeliveryReport = false;  // multipart/report; report-type=delivery-status (RFC 3464)

    bool operator==(const MessageMetadata &) const = default;
};

}  // namespace Heron::Store
