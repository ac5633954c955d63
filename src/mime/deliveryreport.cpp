// SPDX-License-Identifier: GPL-3.0-or-later
#include "deliveryreport.h"

#include "codec.h"

namespace Heron::Mime {

namespace {

using Field = std::pair<QByteArray, QByteArray>;  // lower-case name, unfolded value
using FieldBlock = QList<Field>;

// Header-like blocks separated by blank lines; continuation lines start with white space
// (RFC 5322 §2.2.3, as RFC 3464 §2.1 uses it).
QList<FieldBlock> readFieldBlocks(QByteArrayView text, int maxBlocks)
{
    QList<FieldBlock> blocks;
    FieldBlock current;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype eol = text.indexOf('\n', pos);
        if (eol < 0)
            eol = text.size();
        QByteArrayView line = text.sliced(pos, eol - pos);
        pos = eol + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty()) {
            if (!current.isEmpty()) {
                blocks.append(current);
                current.clear();
                if (blocks.size() >= maxBlocks)
                    return blocks;
            }
            continue;
        }
        if ((line.front() == ' ' || line.front() == '\t') && !current.isEmpty()) {
            current.last().second += ' ' + line.trimmed().toByteArray();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        current.append(
                {line.first(colon).trimmed().toByteArray().toLower(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    if (!current.isEmpty())
        blocks.append(current);
    return blocks;
}

QByteArray fieldValue(const FieldBlock &block, QByteArrayView name)
{
    for (const auto &[key, value] : block) {
        if (key == name)
            return value;
    }
    return QByteArray();
}

// "rfc822; user@example.org" → "user@example.org" (RFC 3464 §2.3.2: address-type ";" address).
QString withoutType(const QByteArray &value)
{
    const qsizetype semicolon = value.indexOf(';');
    const QByteArray rest = semicolon >= 0 ? value.mid(semicolon + 1).trimmed() : value.trimmed();
    return decodeUnlabelledText(rest);
}

QByteArray stripAngles(QByteArray id)
{
    id = id.trimmed();
    const qsizetype open = id.indexOf('<');
    const qsizetype close = id.indexOf('>', open + 1);
    if (open >= 0 && close > open)
        return id.mid(open + 1, close - open - 1).trimmed();
    return id;
}

RecipientStatus::Action actionOf(const QByteArray &value)
{
    // RFC 3464 §2.3.3; a trailing comment such as "failed (bad mailbox)" is allowed.
    const QByteArray word = value.trimmed().toLower().split(' ').value(0);
    if (word == "failed")
        return RecipientStatus::Action::Failed;
    if (word == "delayed")
        return RecipientStatus::Action::Delayed;
    if (word == "delivered")
        return RecipientStatus::Action::Delivered;
    if (word == "relayed")
        return RecipientStatus::Action::Relayed;
    if (word == "expanded")
        return RecipientStatus::Action::Expanded;
    return RecipientStatus::Action::Unknown;
}

bool isReport(const MimePart &part)
{
    if (part.mediaType != "multipart/report")
        return false;
    for (const auto &[name, value] : part.parameters) {
        if (name == "report-type") {
            const QByteArray type = value.trimmed().toLower();
            return type == "delivery-status" || type == "global-delivery-status";
        }
    }
    return false;
}

}  // namespace

bool DeliveryReport::hasFailures() const
{
    for (const RecipientStatus &recipient : recipients) {
        if (recipient.action == RecipientStatus::Action::Failed)
            return true;
    }
    return false;
}

DeliveryReport parseDeliveryStatusFields(QByteArrayView body)
{
    // Far more blocks than any real report; a bound for hostile input.
    constexpr int kMaxBlocks = 10001;
    DeliveryReport report;
    const QList<FieldBlock> blocks = readFieldBlocks(body, kMaxBlocks);
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const FieldBlock &block = blocks[i];
        const QByteArray finalRecipient = fieldValue(block, "final-recipient");
        const QByteArray action = fieldValue(block, "action");
        if (i == 0 && finalRecipient.isEmpty() && action.isEmpty()) {
            report.reportingMta = withoutType(fieldValue(block, "reporting-mta"));
            report.originalEnvelopeId = fieldValue(block, "original-envelope-id");
            continue;
        }
        if (finalRecipient.isEmpty() && action.isEmpty())
            continue;
        RecipientStatus recipient;
        recipient.action = actionOf(action);
        recipient.status = fieldValue(block, "status").trimmed().split(' ').value(0);
        recipient.finalRecipient = withoutType(finalRecipient);
        const QByteArray original = fieldValue(block, "original-recipient");
        if (!original.isEmpty())
            recipient.originalRecipient = withoutType(original);
        const QByteArray diagnostic = fieldValue(block, "diagnostic-code");
        if (!diagnostic.isEmpty())
            recipient.diagnosticCode = withoutType(diagnostic);
        const QByteArray remote = fieldValue(block, "remote-mta");
        if (!remote.isEmpty())
            recipient.remoteMta = withoutType(remote);
        report.recipients.append(recipient);
    }
    return report;
}

std::optional<DeliveryReport> parseDeliveryReport(const ParsedMessage &message)
{
    for (int r = 0; r < message.parts.size(); ++r) {
        if (!isReport(message.parts[r]))
            continue;
        const MimePart &reportPart = message.parts[r];
        std::optional<DeliveryReport> report;
        QByteArray originalId;
        QString originalSubject;
        for (const int child : reportPart.children) {
            const MimePart &part = message.parts[child];
            if (part.mediaType == "message/delivery-status" || part.mediaType == "message/global-delivery-status") {
                const Result<QByteArray> body = message.decodedContent(child);
                if (body && !report)
                    report = parseDeliveryStatusFields(*body);
            } else if (part.isMessage() && part.embedded) {
                originalId = part.embedded->messageId;
                originalSubject = part.embedded->subject;
            } else if (part.mediaType == "text/rfc822-headers" || part.mediaType == "message/global-headers") {
                const Result<QByteArray> body = message.decodedContent(child);
                if (!body)
                    continue;
                const QList<FieldBlock> blocks = readFieldBlocks(*body, 1);
                if (!blocks.isEmpty()) {
                    originalId = stripAngles(fieldValue(blocks.first(), "message-id"));
                    originalSubject = decodeHeader(fieldValue(blocks.first(), "subject"));
                }
            }
        }
        if (!report)
            continue;
        report->originalMessageId = originalId;
        report->originalSubject = originalSubject;
        return report;
    }
    return std::nullopt;
}

}  // namespace Heron::Mime
