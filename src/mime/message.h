// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "mime/header.h"
#include "mime/mailbox.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

namespace Heron::Mime {

// Hard limits for one message (QUALITY.md); past any of them parseMessage fails with
// Error::Code::LimitExceeded instead of building a partial tree.
struct Limits {
    int maxDepth = 32;                           // nesting of entities, the top-level body being depth 1
    int maxParts = 10000;                        // every entity counted: multiparts, leaves, embedded messages
    qsizetype maxHeaderBytes = 4 * 1024 * 1024;  // any one header block, up to the line before the blank line
};

struct MessageHeaders;

// One MIME entity of a parsed message, kept in a flat list (ParsedMessage::parts) so a deep or
// wide message never costs recursion outside GMime.
struct MimePart {
    QByteArray mediaType;         // lower case, "text/plain"; RFC 2045 §5.2 default when absent
    Parameters parameters;        // Content-Type parameters, names lower case, values decoded to UTF-8
    QByteArray charset;           // the "charset" parameter, lower case
    QByteArray disposition;       // "inline", "attachment" or empty, lower case
    QString fileName;             // decoded, NOT sanitized: pass it through safeFileName() to save
    QByteArray contentId;         // without angle brackets
    QByteArray transferEncoding;  // lower case, empty when absent
    QString description;          // Content-Description, decoded
    QString section;              // IMAP section (RFC 3501 §6.4.5): "1", "1.2"; see ParsedMessage
    int depth = 1;
    int parent = -1;                                 // index in ParsedMessage::parts, -1 for the root
    QList<int> children;                             // indices in ParsedMessage::parts
    qsizetype contentOffset = 0;                     // the encoded content within ParsedMessage::raw
    qsizetype contentSize = 0;                       // encoded size in bytes (what IMAP calls the body size); for
                                                     // multiparts and embedded messages, the span of their descendants
    std::shared_ptr<const MessageHeaders> embedded;  // the headers of a message/rfc822 part

    bool isMultipart() const { return mediaType.startsWith("multipart/"); }
    bool isMessage() const { return mediaType == "message/rfc822" || mediaType == "message/global"; }
    bool isAttachment() const;
};

// The headers a mail client lists and threads by, decoded; for the message and for each
// embedded message/rfc822 part.
struct MessageHeaders {
    QString subject;
    QList<Mailbox> from;
    QList<Mailbox> sender;
    QList<Mailbox> replyTo;
    QList<Mailbox> to;
    QList<Mailbox> cc;
    QList<Mailbox> bcc;
    bool addressesTruncated = false;  // some header had more than kMaxAddresses; the first ones are kept
    QDateTime date;                   // invalid when missing or unreadable
    QByteArray messageId;             // without angle brackets
    QList<QByteArray> inReplyTo;      // message ids, without angle brackets
    QList<QByteArray> references;     // message ids, oldest first
    QByteArray listId;                // RFC 2919 list-id, without angle brackets
    QString listName;                 // the phrase before it, decoded
};

// A message split into its headers and its part tree.
//
// Section numbers follow IMAP: the children of a multipart are numbered from 1 under the
// section of the message that holds it; a multipart that is a message body carries the section of
// that message ("" at the top level); a single-part body of the top-level message is "1" and
// that of an embedded message at "2" is "2.1".
struct ParsedMessage {
    MessageHeaders headers;

    QList<MimePart> parts;  // parts[0] is the top-level body; empty only on failure
    QByteArray raw;         // the message as given; parts point into it

    // The encoded content of a part, and its content with the transfer encoding undone.
    QByteArrayView encodedContent(int partIndex) const;
    Result<QByteArray> decodedContent(int partIndex) const;
    // A text/* part as text (transfer encoding and charset undone).
    Result<QString> text(int partIndex) const;

    int findSection(const QString &section) const;  // index or -1
    // The first text/plain or text/html leaf that is not an attachment, preferring the given type
    // inside multipart/alternative; -1 when there is none.
    int findBody(QByteArrayView mediaType) const;
};

Result<ParsedMessage> parseMessage(QByteArrayView rfc822, const Limits &limits = Limits());

}  // namespace Heron::Mime
