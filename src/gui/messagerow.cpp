// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagerow.h"

#include "foldertreemodel.h"
#include "messagelistmodel.h"
#include "store/messagemetadata.h"
#include "store/messagerows.h"
#include "store/messagestore.h"

#include <QCoreApplication>
#include <QFont>
#include <QIcon>
#include <QLocale>
#include <QMimeData>
#include <QSqlQuery>

#include <algorithm>

namespace Heron::Gui {

namespace {

// The header's words are MessageListModel's, so both models share one set of translations.
QString headerText(const char *text)
{
    return QCoreApplication::translate("Heron::Gui::MessageListModel", text);
}

QString mailboxText(const Store::Address &address)
{
    return address.name.isEmpty() ? address.email : QStringLiteral("%1 <%2>").arg(address.name, address.email);
}

QIcon flagIcon()
{
    return QIcon(QStringLiteral(":/gui/icons/flag.svg"));
}

QIcon attachmentIcon()
{
    return QIcon(QStringLiteral(":/gui/icons/attachment.svg"));
}

// Today's messages show their time, older ones their date.
QString shortDate(const QDateTime &date)
{
    if (!date.isValid())
        return QString();
    const QLocale locale;
    if (date.date() == QDate::currentDate())
        return locale.toString(date.time(), QLocale::ShortFormat);
    return locale.toString(date.date(), QLocale::ShortFormat);
}

}  // namespace

QString MessageRow::columns(bool showRecipients)
{
    return QStringLiteral("flags, has_attachments, %1, subject, coalesce(date, internal_date), size, server_hit")
            .arg(showRecipients ? QStringLiteral("to_addrs") : QStringLiteral("from_addrs"));
}

MessageRow MessageRow::fromQuery(const QSqlQuery &query)
{
    MessageRow row;
    row.flags = query.value(1).toUInt();
    row.hasAttachments = query.value(2).toBool();
    const QList<Store::Address> addresses = Store::MessageRows::addressesFromJson(query.value(3).toString());
    if (!addresses.isEmpty()) {
        const Store::Address &first = addresses.constFirst();
        row.correspondent = first.name.isEmpty() ? first.email : first.name;
        QStringList mailboxes;
        mailboxes.reserve(addresses.size());
        for (const Store::Address &address : addresses)
            mailboxes.append(mailboxText(address));
        row.correspondentTooltip = mailboxes.join(QStringLiteral(", "));
    }
    row.subject = query.value(4).toString();
    if (!query.value(5).isNull())
        row.date = QDateTime::fromMSecsSinceEpoch(query.value(5).toLongLong(), Qt::UTC).toLocalTime();
    row.size = query.value(6).toLongLong();
    row.serverHit = query.value(7).toBool();
    return row;
}

bool MessageRow::isUnread() const
{
    return (flags & Store::MessageFlags::Seen) == 0;
}

bool MessageRow::isFlagged() const
{
    return (flags & Store::MessageFlags::Flagged) != 0;
}

QVariant MessageRow::data(int column, int role) const
{
    switch (role) {
    case MessageListModel::UnreadRole:
        return isUnread();
    case MessageListModel::FlaggedRole:
        return isFlagged();
    case MessageListModel::ServerHitRole:
        return serverHit;
    case Qt::FontRole: {
        if (!isUnread() && !serverHit)
            return {};
        QFont font;
        font.setBold(isUnread());
        font.setItalic(serverHit);
        return font;
    }
    case Qt::ToolTipRole: {
        QStringList lines;
        if (column == MessageListModel::Correspondent && !correspondentTooltip.isEmpty())
            lines.append(correspondentTooltip);
        if (serverHit) {
            lines.append(QCoreApplication::translate(
                    "Heron::Gui::MessageListModel",
                    "Found on the server: older than the synchronized period, or in a folder that is not "
                    "synchronized."));
        }
        return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
    }
    case Qt::DecorationRole:
        if (column == MessageListModel::Flagged && isFlagged())
            return flagIcon();
        if (column == MessageListModel::Attachment && hasAttachments)
            return attachmentIcon();
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case MessageListModel::Flagged:
    case MessageListModel::Attachment:
        return QString();  // their icons say it
    case MessageListModel::Correspondent:
        return correspondent;
    case MessageListModel::Subject:
        return subject;
    case MessageListModel::Date:
        return shortDate(date);
    case MessageListModel::Size:
        return QLocale().formattedDataSize(size);
    default:
        return {};
    }
}

QVariant MessageRow::headerData(int section, int role, bool showRecipients)
{
    const bool symbolColumn = section == MessageListModel::Flagged || section == MessageListModel::Attachment;
    if (role == Qt::DecorationRole && symbolColumn)
        return section == MessageListModel::Flagged ? flagIcon() : attachmentIcon();
    if (role == Qt::DisplayRole && symbolColumn)
        return QString();
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != Qt::AccessibleTextRole)
        return {};
    switch (section) {
    case MessageListModel::Flagged:
        return headerText("Flagged");
    case MessageListModel::Attachment:
        return headerText("Attachment");
    case MessageListModel::Correspondent:
        return showRecipients ? headerText("To") : headerText("From");
    case MessageListModel::Subject:
        return headerText("Subject");
    case MessageListModel::Date:
        return headerText("Date");
    case MessageListModel::Size:
        return headerText("Size");
    default:
        return {};
    }
}

QMimeData *MessageRow::dragData(Store::Database &database, const QList<qint64> &messageIds)
{
    const auto locations = Store::MessageStore(database).locations(messageIds);
    if (!locations || locations->isEmpty())
        return nullptr;
    const qint64 accountId = locations->constFirst().accountId;
    const bool oneAccount = std::all_of(
            locations->cbegin(), locations->cend(),
            [&](const Store::MessageStore::Location &l) { return l.accountId == accountId; });
    if (!oneAccount)
        return nullptr;
    auto *data = new QMimeData;
    data->setData(FolderTreeModel::messageIdsMimeType(), FolderTreeModel::encodeMessageIds(accountId, messageIds));
    return data;
}

}  // namespace Heron::Gui
