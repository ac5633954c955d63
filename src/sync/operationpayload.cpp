// SPDX-License-Identifier: GPL-3.0-or-later
#include "operationpayload.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace Heron::Sync {

namespace {

using Kind = Store::Operation::Kind;

const QString kFolder = QStringLiteral("folder");
const QString kUidValidity = QStringLiteral("uidValidity");
const QString kUids = QStringLiteral("uids");
const QString kAdd = QStringLiteral("add");
const QString kRemove = QStringLiteral("remove");
const QString kTarget = QStringLiteral("target");
const QString kCopyRequested = QStringLiteral("copyRequested");
const QString kUidNext = QStringLiteral("uidNext");
const QString kCopied = QStringLiteral("copied");
const QString kFlagged = QStringLiteral("flagged");
const QString kExpunged = QStringLiteral("expunged");

Error damaged(const QString &what)
{
    return makeError(Error::Code::InvalidInput, QStringLiteral("The saved change is damaged: %1.").arg(what));
}

// RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials ("(" ")" "{" SP CTL "%" "*" DQUOTE
// "\" "]").
bool isAtomChar(QChar c)
{
    const char16_t u = c.unicode();
    if (u <= 0x20 || u >= 0x7f)
        return false;
    switch (u) {
    case u'(':
    case u')':
    case u'{':
    case u'%':
    case u'*':
    case u'"':
    case u'\\':
    case u']':
        return false;
    default:
        return true;
    }
}

// A JSON number that is an integer in [minimum, 2^32-1].
std::optional<quint32> readUInt32(const QJsonValue &value, quint32 minimum)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || number != std::floor(number) || number < double(minimum) || number > 4294967295.0)
        return std::nullopt;
    return quint32(number);
}

// A UID set as written by UidSet::toByteArray: concrete UIDs only ("*" would name whatever the
// newest message is when the operation is replayed).
Result<UidSet> readUids(const QJsonValue &value, bool mayBeEmpty, const QString &field)
{
    if (!value.isString())
        return damaged(QStringLiteral("\"%1\" is not a UID set").arg(field));
    const QString text = value.toString();
    if (text.isEmpty()) {
        if (mayBeEmpty)
            return UidSet();
        return damaged(QStringLiteral("\"%1\" names no message").arg(field));
    }
    for (QChar c : text) {
        if (c.unicode() >= 0x80)
            return damaged(QStringLiteral("\"%1\" is not a UID set").arg(field));
    }
    auto parsed = UidSet::parse(text.toLatin1());
    if (!parsed)
        return damaged(QStringLiteral("\"%1\" is not a UID set (%2)").arg(field, parsed.error().message));
    if (parsed->max() == UidSet::kStar)
        return damaged(QStringLiteral("\"%1\" uses \"*\" instead of UIDs").arg(field));
    return parsed;
}

Result<QStringList> readFlags(const QJsonValue &value, const QString &field)
{
    if (value.isUndefined())
        return QStringList();
    if (!value.isArray())
        return damaged(QStringLiteral("\"%1\" is not a list of flags").arg(field));
    QStringList flags;
    for (const QJsonValue &entry : value.toArray()) {
        if (!entry.isString() || !OperationPayload::isValidFlag(entry.toString()))
            return damaged(QStringLiteral("\"%1\" holds something that is not an IMAP flag").arg(field));
        flags.append(entry.toString());
    }
    return flags;
}

Result<bool> readBool(const QJsonObject &object, const QString &field, bool *out)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined()) {
        *out = false;
        return true;
    }
    if (!value.isBool())
        return damaged(QStringLiteral("\"%1\" is not true or false").arg(field));
    *out = value.toBool();
    return true;
}

}  // namespace

bool OperationPayload::isValidFlag(const QString &flag)
{
    if (flag.isEmpty())
        return false;
    const bool system = flag.front() == QLatin1Char('\\');
    const QStringView name = system ? QStringView(flag).mid(1) : QStringView(flag);
    if (name.isEmpty())
        return false;
    for (QChar c : name) {
        if (!isAtomChar(c))
            return false;
    }
    // RFC 3501 §2.3.2: \Recent is set by the server only.
    return !(system && name.compare(QLatin1StringView("Recent"), Qt::CaseInsensitive) == 0);
}

QByteArray OperationPayload::toJson(Kind kind) const
{
    QJsonObject object;
    object.insert(kFolder, folder);
    object.insert(kUidValidity, qint64(uidValidity));
    object.insert(kUids, QString::fromLatin1(uids.toByteArray()));
    if (kind == Kind::Flag) {
        object.insert(kAdd, QJsonArray::fromStringList(addFlags));
        object.insert(kRemove, QJsonArray::fromStringList(removeFlags));
    }
    if (!target.isEmpty())
        object.insert(kTarget, target);
    if (copyRequested) {
        QJsonObject requestObject;
        requestObject.insert(kUidValidity, qint64(copyRequested->uidValidity));
        requestObject.insert(kUidNext, qint64(copyRequested->uidNext));
        object.insert(kCopyRequested, requestObject);
    }
    if (copied) {
        QJsonObject copiedObject;
        copiedObject.insert(kUidValidity, qint64(copied->uidValidity));
        copiedObject.insert(kUids, QString::fromLatin1(copied->uids.toByteArray()));
        object.insert(kCopied, copiedObject);
    }
    if (flagged)
        object.insert(kFlagged, true);
    if (expunged)
        object.insert(kExpunged, true);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<OperationPayload> OperationPayload::fromJson(Kind kind, const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return damaged(QStringLiteral("it is not valid JSON (%1)").arg(parseError.errorString()));
    if (!document.isObject())
        return damaged(QStringLiteral("it is not a JSON object"));
    const QJsonObject object = document.object();

    OperationPayload payload;
    const QJsonValue folder = object.value(kFolder);
    if (!folder.isString())
        return damaged(QStringLiteral("it names no folder"));
    payload.folder = folder.toString();

    const auto uidValidity = readUInt32(object.value(kUidValidity), 1);
    if (!uidValidity)
        return damaged(QStringLiteral("\"uidValidity\" is not a number from 1 to 4294967295"));
    payload.uidValidity = *uidValidity;

    auto uids = readUids(object.value(kUids), false, kUids);
    if (!uids)
        return uids.error();
    payload.uids = *uids;

    auto added = readFlags(object.value(kAdd), kAdd);
    if (!added)
        return added.error();
    payload.addFlags = *added;
    auto removed = readFlags(object.value(kRemove), kRemove);
    if (!removed)
        return removed.error();
    payload.removeFlags = *removed;

    const QJsonValue target = object.value(kTarget);
    if (!target.isUndefined()) {
        if (!target.isString())
            return damaged(QStringLiteral("\"target\" is not a folder name"));
        payload.target = target.toString();
    }

    const QJsonValue copyRequested = object.value(kCopyRequested);
    if (!copyRequested.isUndefined()) {
        if (!copyRequested.isObject())
            return damaged(QStringLiteral("\"copyRequested\" is not an object"));
        const QJsonObject requestObject = copyRequested.toObject();
        const auto requestValidity = readUInt32(requestObject.value(kUidValidity), 1);
        if (!requestValidity)
            return damaged(QStringLiteral("\"copyRequested\" has no valid \"uidValidity\""));
        const auto requestUidNext = readUInt32(requestObject.value(kUidNext), 1);
        if (!requestUidNext)
            return damaged(QStringLiteral("\"copyRequested\" has no valid \"uidNext\""));
        payload.copyRequested = CopyRequest{*requestValidity, *requestUidNext};
    }

    const QJsonValue copied = object.value(kCopied);
    if (!copied.isUndefined()) {
        if (!copied.isObject())
            return damaged(QStringLiteral("\"copied\" is not an object"));
        const QJsonObject copiedObject = copied.toObject();
        // 0: the server did not report where the copies landed (no UIDPLUS).
        const auto copiedValidity = readUInt32(copiedObject.value(kUidValidity), 0);
        if (!copiedValidity)
            return damaged(QStringLiteral("\"copied\" has no valid \"uidValidity\""));
        auto copiedUids = readUids(copiedObject.value(kUids), true, QStringLiteral("copied.uids"));
        if (!copiedUids)
            return copiedUids.error();
        payload.copied = Copied{*copiedValidity, *copiedUids};
    }

    if (auto read = readBool(object, kFlagged, &payload.flagged); !read)
        return read.error();
    if (auto read = readBool(object, kExpunged, &payload.expunged); !read)
        return read.error();

    if (auto valid = payload.validate(kind); !valid)
        return valid.error();
    return payload;
}

Result<bool> OperationPayload::validate(Kind kind) const
{
    if (folder.isEmpty())
        return damaged(QStringLiteral("it names no folder"));
    if (uidValidity == 0)
        return damaged(QStringLiteral("the folder's UIDVALIDITY is missing"));
    if (uids.isEmpty())
        return damaged(QStringLiteral("it names no message"));
    if (uids.max() == UidSet::kStar)
        return damaged(QStringLiteral("it uses \"*\" instead of UIDs"));
    for (const QStringList *flags : {&addFlags, &removeFlags}) {
        for (const QString &flag : *flags) {
            if (!isValidFlag(flag))
                return damaged(QStringLiteral("\"%1\" is not an IMAP flag").arg(flag));
        }
    }
    if (expunged && !flagged)
        return damaged(QStringLiteral("it records an expunge before \\Deleted was stored"));
    switch (kind) {
    case Kind::Flag:
        if (flagged || expunged)
            return damaged(QStringLiteral("a flag change records deletion steps"));
        if (addFlags.isEmpty() && removeFlags.isEmpty())
            return damaged(QStringLiteral("a flag change names no flag"));
        if (!target.isEmpty() || copied || copyRequested)
            return damaged(QStringLiteral("a flag change names a target folder"));
        return true;
    case Kind::Move:
    case Kind::Copy:
        if (target.isEmpty())
            return damaged(QStringLiteral("a move or copy names no target folder"));
        if (target == folder)
            return damaged(QStringLiteral("the target folder is the source folder"));
        if (!addFlags.isEmpty() || !removeFlags.isEmpty())
            return damaged(QStringLiteral("a move or copy names flags"));
        // The source is marked \Deleted only once the copies exist: anything else would lose mail.
        if (kind == Kind::Copy && flagged)
            return damaged(QStringLiteral("a copy records deletion steps"));
        if (flagged && !copied)
            return damaged(QStringLiteral("it records the source as deleted before any copy was made"));
        if (copyRequested && (copyRequested->uidValidity == 0 || copyRequested->uidNext == 0))
            return damaged(QStringLiteral("the target's state before the copy is incomplete"));
        return true;
    case Kind::Delete:
        if (!target.isEmpty() || copied || copyRequested)
            return damaged(QStringLiteral("a deletion names a target folder"));
        if (!addFlags.isEmpty() || !removeFlags.isEmpty())
            return damaged(QStringLiteral("a deletion names flags"));
        return true;
    case Kind::Append:
        break;
    }
    return makeError(Error::Code::Unsupported, QStringLiteral("Appending messages is not replayed from this payload."));
}

}  // namespace Heron::Sync
