// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/response.h"
#include "store/messagemetadata.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

// What the sync layer makes of an IMAP BODYSTRUCTURE (RFC 3501 §7.4.2): the parts worth listing
// with their section numbers, whether the message is a delivery report, and a compact JSON form
// of the tree that the store keeps opaque so the viewer can fetch parts later without asking the
// server for the structure again.
namespace Heron::Sync {

// QUALITY.md limits, the same as the parser's and src/mime's: MIME depth 32 (the top-level body is
// depth 1) and 10,000 parts per message, every node counted (multiparts, leaves, the body of an
// embedded message). Parts past either limit are left out; nothing fails.
inline constexpr int kMaxBodyDepth = 32;
inline constexpr int kMaxBodyParts = 10000;

// The tree as compact JSON: type, subtype, parameters, id, description, encoding, size, lines,
// disposition and its parameters, language, location and children; for message/rfc822 and
// message/global also the embedded envelope's raw subject, from, message-id and date. Strings are
// kept byte for byte (UTF-8 as text, other bytes base64), a NIL string stays distinct from "".
// Nodes past kMaxBodyDepth or kMaxBodyParts are not written. The MD5 and the other envelope fields
// are not kept.
QByteArray serializeBodyStructure(const Imap::BodyPart &root);

// The tree serializeBodyStructure wrote, exactly. Anything else (not JSON, another version, a wrong
// type anywhere, nesting deeper than kMaxBodyDepth, more than kMaxBodyParts nodes) is nullopt.
std::optional<Imap::BodyPart> deserializeBodyStructure(const QByteArray &json);

// Every leaf part of the message (text parts too), in order, with its IMAP section number
// (RFC 3501 §6.4.5): a single-part body is "1", the children of a multipart are numbered from 1
// under their parent's section. An embedded message/rfc822 is listed as one attachment and not
// entered.
QList<Store::MessagePart> listParts(const Imap::BodyPart &root);

// The leaf parts of the message embedded in a message/rfc822 part at `section` ("2"): its body's
// parts are "2.1", "2.2", ... and a single-part body is "2.1". Empty when the part is not an
// embedded message or carries no body.
QList<Store::MessagePart> listEmbeddedParts(const Imap::BodyPart &messagePart, const QString &section);

// True for a delivery status notification: the top-level multipart (or, when a mailer wrapped it,
// the first multipart below it) is multipart/report; report-type=delivery-status (RFC 3462, RFC 3464;
// RFC 6533's global-delivery-status too).
bool isDeliveryReport(const Imap::BodyPart &root);

// For a delivery report, the Message-ID (without angle brackets) of the returned message, read from
// the envelope of its embedded message/rfc822 part; empty when it is not a report or has none.
QString embeddedOriginalMessageId(const Imap::BodyPart &root);

// A raw msg-id (RFC 5322 §3.6.4) → the id without angle brackets and white space: the first <...>
// when there is one, else a lone token holding '@'; empty when nothing looks like an id.
QString messageIdFromRaw(QByteArrayView raw);

}  // namespace Heron::Sync
