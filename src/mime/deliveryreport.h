// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "mime/message.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace Heron::Mime {

// What happened to one recipient of a returned message (RFC 3464 §2.3).
struct RecipientStatus {
    enum class Action { Unknown, Failed, Delayed, Delivered, Relayed, Expanded };

    Action action = Action::Unknown;
    QByteArray status;          // RFC 3463 code, "5.1.1"
    QString finalRecipient;     // the address, without its "rfc822;" type
    QString originalRecipient;  // the same, when the report gives it
    QString diagnosticCode;     // the remote server's words, without the "smtp;" type, unfolded
    QString remoteMta;          // without the "dns;" type
};

// A delivery status notification: multipart/report; report-type=delivery-status (RFC 3462,
// RFC 3464), and its international form (RFC 6533).
struct DeliveryReport {
    QString reportingMta;
    QByteArray originalEnvelopeId;
    QList<RecipientStatus> recipients;
    QByteArray originalMessageId;  // from the returned message or headers, without angle brackets
    QString originalSubject;

    // True when at least one recipient failed for good.
    bool hasFailures() const;
};

// The delivery report of a parsed message, or nullopt when it is none. Plain-text bounces without
// a multipart/report structure are not recognised.
std::optional<DeliveryReport> parseDeliveryReport(const ParsedMessage &message);

// The per-message and per-recipient fields of a message/delivery-status body (RFC 3464 §2.1).
DeliveryReport parseDeliveryStatusFields(QByteArrayView body);

}  // namespace Heron::Mime
