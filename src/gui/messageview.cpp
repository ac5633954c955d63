// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageview.h"

#include "guilogging.h"
#include "htmlsanitizer.h"
#include "messageimage.h"
#include "mime/codec.h"
#include "plaintexthtml.h"
#include "remoteimagefetcher.h"
#include "ui_messageview.h"

#include <QIcon>
#include <QLocale>
#include <QMimeDatabase>
#include <QStyle>
#include <QTimeZone>

namespace Heron::Gui {

namespace {

constexpr int kSectionRole = Qt::UserRole + 1;
constexpr int kMaxReportedRecipients = 10;

enum AttachmentColumn { NameColumn, SizeColumn, TransferColumn };

// Text from a message as one line a label can show: control characters (line breaks, tabs,
// escapes) become spaces and bidi overrides and isolates, which can make "exe.pdf" of
// "fdp.exe", are dropped.
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069))
            continue;
        out += (c.category() == QChar::Other_Control) ? QLatin1Char(' ') : c;
    }
    return out;
}

QString formatAddress(const Store::Address &address)
{
    const QString name = printable(address.name).trimmed();
    const QString email = printable(address.email).trimmed();
    if (name.isEmpty())
        return email;
    if (email.isEmpty())
        return name;
    // Both, always: a name that is itself an address must not hide where the mail came from.
    return QStringLiteral("%1 <%2>").arg(name, email);
}

// A tooltip is rich text when Qt guesses so; it is built as rich text here, everything escaped.
QString addressTooltip(const QList<Store::Address> &addresses)
{
    QStringList lines;
    for (const Store::Address &address :
         addresses.first(std::min<qsizetype>(addresses.size(), MessageView::kMaxTooltipAddresses)))
        lines.append(formatAddress(address).toHtmlEscaped());
    if (addresses.size() > MessageView::kMaxTooltipAddresses)
        lines.append(
                MessageView::tr("and %n more", nullptr, int(addresses.size() - MessageView::kMaxTooltipAddresses)));
    return QStringLiteral("<qt>%1</qt>").arg(lines.join(QStringLiteral("<br>")));
}

QString addressLine(const QList<Store::Address> &addresses)
{
    QStringList shown;
    for (const Store::Address &address :
         addresses.first(std::min<qsizetype>(addresses.size(), MessageView::kMaxShownAddresses)))
        shown.append(formatAddress(address));
    QString line = shown.join(QStringLiteral(", "));
    if (addresses.size() > MessageView::kMaxShownAddresses)
        line += QLatin1Char(' ') +
                MessageView::tr("and %n more", nullptr, int(addresses.size() - MessageView::kMaxShownAddresses));
    return line;
}

// RFC 2392: a cid: URL is the Content-ID without its angle brackets, percent-encoded.
QString contentIdKey(const QString &contentId)
{
    QString id = contentId.trimmed();
    if (id.startsWith(QLatin1Char('<')) && id.endsWith(QLatin1Char('>')))
        id = id.mid(1, id.size() - 2);
    return id.toLower();
}

bool isImage(const Store::MessagePart &part)
{
    return part.mimeType.startsWith(QLatin1StringView("image/"), Qt::CaseInsensitive);
}

// The parts of a delivery report that the notice explains (RFC 3464 §2, RFC 6533 §6).
bool isReportPart(const Store::MessagePart &part)
{
    static const QStringList types = {QStringLiteral("message/delivery-status"),
                                      QStringLiteral("message/global-delivery-status"),
                                      QStringLiteral("text/rfc822-headers"), QStringLiteral("message/global-headers")};
    return types.contains(part.mimeType.toLower());
}

// What an RFC 3463 status code means to a reader, for the codes bounces mostly carry.
QString statusMeaning(const QByteArray &status)
{
    const QByteArray detail = status.mid(status.indexOf('.') + 1);
    if (detail == "1.1")
        return MessageView::tr("the address does not exist");
    if (detail == "1.2")
        return MessageView::tr("the domain does not exist");
    if (detail == "2.2")
        return MessageView::tr("the mailbox is full");
    if (detail == "3.4")
        return MessageView::tr("the message is too large");
    if (detail == "4.7")
        return MessageView::tr("the delivery took too long");
    if (detail == "7.1")
        return MessageView::tr("the receiving server refused it");
    return {};
}

QString recipientLine(const Mime::RecipientStatus &recipient)
{
    const QString address = printable(recipient.finalRecipient.isEmpty() ? recipient.originalRecipient
                                                                         : recipient.finalRecipient);
    QString reason = printable(recipient.diagnosticCode).trimmed();
    const QString meaning = statusMeaning(recipient.status);
    if (reason.isEmpty())
        reason = meaning.isEmpty() ? QString::fromLatin1(recipient.status) : meaning;
    else if (!meaning.isEmpty())
        reason = QStringLiteral("%1 (%2)").arg(meaning, reason);
    using Action = Mime::RecipientStatus::Action;
    switch (recipient.action) {
    case Action::Failed:
        return MessageView::tr("Not delivered to %1: %2").arg(address, reason);
    case Action::Delayed:
        return MessageView::tr("Delivery to %1 is delayed: %2").arg(address, reason);
    case Action::Delivered:
    case Action::Relayed:
    case Action::Expanded:
        return MessageView::tr("Delivered to %1.").arg(address);
    case Action::Unknown:
        break;
    }
    return MessageView::tr("%1: %2").arg(address, reason);
}

}  // namespace

MessageView::MessageView(QWidget *parent)
    : QWidget(parent),
      m_ui(std::make_unique<Ui::MessageView>()),
      m_fetcher(new RemoteImageFetcher(this))
{
    m_ui->setupUi(this);
    m_ui->attachmentList->header()->setStretchLastSection(false);
    m_ui->attachmentList->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_ui->attachmentList->header()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    m_ui->attachmentList->header()->setSectionResizeMode(TransferColumn, QHeaderView::ResizeToContents);

    connect(m_ui->body, &MessageBrowser::linkActivated, this,
            [this](const QUrl &target, const QString &text) { m_linkPolicy.activate(target, text, this); });
    connect(m_ui->body, qOverload<const QUrl &>(&QTextBrowser::highlighted), this, &MessageView::linkHovered);
    connect(m_ui->loadRemoteButton, &QPushButton::clicked, this, &MessageView::loadRemoteContent);
    connect(m_ui->alwaysRemoteButton, &QPushButton::clicked, this, &MessageView::trustSender);
    connect(m_ui->openOriginalButton, &QPushButton::clicked, this, [this] {
        if (m_originalMessageId > 0)
            Q_EMIT openMessageRequested(m_originalMessageId);
    });
    connect(m_ui->saveAttachmentButton, &QPushButton::clicked, this,
            [this] { requestAttachment(m_ui->attachmentList->currentItem(), AttachmentAction::Save); });
    connect(m_ui->openAttachmentButton, &QPushButton::clicked, this,
            [this] { requestAttachment(m_ui->attachmentList->currentItem(), AttachmentAction::Open); });
    connect(m_ui->attachmentList, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { requestAttachment(item, AttachmentAction::Open); });
    connect(m_ui->attachmentList, &QTreeWidget::currentItemChanged, this, &MessageView::updateAttachmentButtons);
    connect(m_fetcher, &RemoteImageFetcher::imageFetched, m_ui->body, &MessageBrowser::setImage);
    connect(m_fetcher, &RemoteImageFetcher::fetchFailed, this,
            [](const QUrl &, const QString &reason) { qCDebug(lcGui) << "A remote image was not loaded:" << reason; });
    clear();
}

MessageView::~MessageView() = default;

void MessageView::setLinkPolicy(LinkPolicy policy)
{
    m_linkPolicy = std::move(policy);
}

void MessageView::setTextPreference(Store::TextPreference preference)
{
    m_preference = preference;
}

QString MessageView::textSection() const
{
    return m_textPart ? m_textPart->section : QString();
}

QStringList MessageView::attachmentSections() const
{
    QStringList sections;
    for (int row = 0; row < m_ui->attachmentList->topLevelItemCount(); ++row)
        sections.append(m_ui->attachmentList->topLevelItem(row)->data(NameColumn, kSectionRole).toString());
    return sections;
}

void MessageView::clear()
{
    m_fetcher->reset();
    m_message = {};
    m_textPart.reset();
    m_textShown = false;
    m_htmlSource.clear();
    m_remoteAllowed = false;
    m_sectionOfContentId.clear();
    m_imageUrls.clear();
    m_partImages.clear();
    m_requested.clear();
    m_originalMessageId = 0;

    m_ui->headerBlock->hide();
    m_ui->reportNotice->hide();
    m_ui->remoteContentBar->hide();
    m_ui->attachmentsBlock->hide();
    m_ui->attachmentList->clear();
    m_ui->body->showHtml(QString());
}

void MessageView::setTrustedSenders(const QSet<QString> &addresses)
{
    m_trustedSenders = addresses;
}

namespace {

QString senderAddress(const Store::MessageMetadata &message)
{
    return message.from.isEmpty() ? QString() : message.from.constFirst().email.trimmed().toLower();
}

}  // namespace

void MessageView::showMessage(const Store::MessageMetadata &message)
{
    clear();
    m_message = message;
    const QString sender = senderAddress(message);
    m_remoteAllowed = !sender.isEmpty() && m_trustedSenders.contains(sender);
    m_ui->alwaysRemoteButton->setVisible(!sender.isEmpty());
    showHeaders();

    for (const Store::MessagePart &part : std::as_const(m_message.parts)) {
        if (isImage(part) && !part.contentId.isEmpty())
            m_sectionOfContentId.insert(contentIdKey(part.contentId), part.section);
    }
    if (m_message.isDeliveryReport) {
        m_ui->reportText->setText(tr("This message reports that a message you sent could not be delivered as sent."));
        m_ui->openOriginalButton->hide();
        m_ui->reportNotice->show();
    }
    m_textPart = Store::textPart(m_message, m_preference);
    listAttachments();
    if (!m_textPart) {
        showNote(tr("This message has no text to show."));
        return;
    }
    showNote(tr("Loading…"));
    // Last: the answer may come back before partNeeded returns.
    requestPart(m_textPart->section);
}

void MessageView::showHeaders()
{
    const auto setRow = [this](QLabel *label, const QList<Store::Address> &addresses) {
        label->setText(addressLine(addresses));
        label->setToolTip(addresses.isEmpty() ? QString() : addressTooltip(addresses));
        m_ui->headerLayout->setRowVisible(label, !addresses.isEmpty());
    };
    setRow(m_ui->fromValue, m_message.from);
    setRow(m_ui->toValue, m_message.to);
    setRow(m_ui->ccValue, m_message.cc);

    const QString subject = printable(m_message.subject).trimmed();
    m_ui->subjectValue->setText(subject.isEmpty() ? tr("(no subject)") : subject);
    m_ui->subjectValue->setToolTip(QString());
    if (m_message.date.isValid()) {
        m_ui->dateValue->setText(QLocale().toString(m_message.date.toLocalTime(), QLocale::ShortFormat));
        // As the sender's clock had it, which tells the time zone it was written in.
        m_ui->dateValue->setToolTip(m_message.date.toString(Qt::RFC2822Date).toHtmlEscaped());
    } else {
        m_ui->dateValue->setText(tr("(unknown)"));
        m_ui->dateValue->setToolTip(QString());
    }
    m_ui->headerBlock->show();
}

void MessageView::showNote(const QString &text)
{
    m_ui->body->showHtml(QStringLiteral("<p><i>%1</i></p>").arg(text.toHtmlEscaped()));
}

void MessageView::requestPart(const QString &section)
{
    if (m_requested.contains(section))
        return;
    m_requested.insert(section);
    Q_EMIT partNeeded(m_message.id, section);
}

void MessageView::partArrived(qint64 messageId, const QString &section, const QByteArray &transferDecodedBytes)
{
    if (messageId != m_message.id || messageId == 0 || !m_requested.contains(section)) {
        qCDebug(lcGui) << "Ignoring part" << section << "of message" << messageId << "not asked for on screen";
        return;
    }
    if (m_textPart && section == m_textPart->section) {
        if (!m_textShown)
            showText(transferDecodedBytes);
        return;
    }
    if (m_imageUrls.contains(section) && !m_partImages.contains(section)) {
        const QImage image = decodeMessageImage(transferDecodedBytes);
        if (image.isNull()) {
            qCDebug(lcGui) << "Inline part" << section << "of message" << messageId << "is not an image Heron shows";
            return;
        }
        showPartImage(section, image);
    }
}

void MessageView::partFailed(qint64 messageId, const QString &section, const QString &message)
{
    if (messageId != m_message.id || messageId == 0)
        return;
    if (m_textPart && section == m_textPart->section && !m_textShown) {
        showNote(tr("The text of this message could not be loaded: %1").arg(message));
        m_requested.remove(section);  // a later showMessage or retry may ask again
        return;
    }
    if (QTreeWidgetItem *item = attachmentItem(section)) {
        item->setText(TransferColumn, tr("Failed"));
        item->setToolTip(TransferColumn, message.toHtmlEscaped());
    }
}

void MessageView::partProgress(qint64 messageId, const QString &section, qint64 received, qint64 total)
{
    if (messageId != m_message.id || messageId == 0)
        return;
    QTreeWidgetItem *item = attachmentItem(section);
    if (!item)
        return;
    item->setToolTip(TransferColumn, QString());
    if (total > 0 && received >= total)
        item->setText(TransferColumn, QString());
    else if (total > 0)
        item->setText(TransferColumn, tr("%1 %").arg(int(std::max<qint64>(received, 0) * 100 / total)));
    else
        item->setText(TransferColumn, QLocale().formattedDataSize(std::max<qint64>(received, 0)));
}

void MessageView::showText(const QByteArray &bytes)
{
    m_textShown = true;
    Result<QString> decoded = Mime::decodeText(bytes, m_textPart->charset.toLatin1());
    QString text = decoded ? std::move(decoded).value() : Mime::decodeUnlabelledText(bytes);
    const qsizetype fullSize = text.size();
    if (fullSize > kMaxTextCharacters)
        text.truncate(kMaxTextCharacters);
    const bool html = m_textPart->mimeType.compare(QLatin1StringView("text/html"), Qt::CaseInsensitive) == 0;
    if (html) {
        m_htmlSource = text;
        renderHtml();
    } else {
        m_ui->body->showHtml(plainTextToHtml(text));
    }
    if (fullSize > kMaxTextCharacters) {
        QTextCursor end(m_ui->body->document());
        end.movePosition(QTextCursor::End);
        end.insertBlock();
        end.insertText(tr("(This text goes on for %n more characters, which are not shown.)", nullptr,
                          int(std::min<qsizetype>(fullSize - kMaxTextCharacters, INT_MAX))));
    }
}

void MessageView::renderHtml()
{
    HtmlSanitizer::Options options;
    options.allowRemoteImages = m_remoteAllowed;
    const HtmlSanitizer::Result sanitized = HtmlSanitizer::sanitize(m_htmlSource, options);
    m_ui->body->showHtml(sanitized.html);

    m_imageUrls.clear();
    for (const QUrl &source : m_ui->body->imageSources()) {
        const QString scheme = source.scheme().toLower();
        if (scheme == QLatin1StringView("cid")) {
            // Only parts of this message: the map holds nothing else.
            const QString section = m_sectionOfContentId.value(contentIdKey(source.path(QUrl::FullyDecoded)));
            if (!section.isEmpty())
                m_imageUrls[section].append(source);
        } else if (m_remoteAllowed && (scheme == QLatin1StringView("http") || scheme == QLatin1StringView("https"))) {
            m_fetcher->fetch(source);
        }
    }
    if (!m_remoteAllowed && sanitized.blockedRemoteResources > 0) {
        m_ui->remoteContentText->setText(tr("To protect your privacy, %n remote resource(s) in this message "
                                            "were not loaded.",
                                            nullptr, sanitized.blockedRemoteResources));
        m_ui->remoteContentBar->show();
    } else {
        m_ui->remoteContentBar->hide();
    }
    listAttachments();

    // Images here already are shown again; the others are asked for, last, as partNeeded may answer at once.
    QStringList missing;
    for (auto it = m_imageUrls.cbegin(); it != m_imageUrls.cend(); ++it) {
        const auto image = m_partImages.constFind(it.key());
        if (image != m_partImages.cend())
            showPartImage(it.key(), *image);
        else
            missing.append(it.key());
    }
    missing.sort();
    for (const QString &section : std::as_const(missing))
        requestPart(section);
}

void MessageView::showPartImage(const QString &section, const QImage &image)
{
    m_partImages.insert(section, image);
    for (const QUrl &url : m_imageUrls.value(section))
        m_ui->body->setImage(url, image);
}

void MessageView::loadRemoteContent()
{
    if (m_message.id == 0 || m_remoteAllowed)
        return;
    m_remoteAllowed = true;
    m_ui->remoteContentBar->hide();
    if (!m_htmlSource.isEmpty())
        renderHtml();
}

void MessageView::trustSender()
{
    const QString sender = senderAddress(m_message);
    if (m_message.id == 0 || sender.isEmpty())
        return;
    m_trustedSenders.insert(sender);
    Q_EMIT senderTrusted(sender);
    loadRemoteContent();
}

void MessageView::setDeliveryReport(qint64 messageId, const Mime::DeliveryReport &report, qint64 originalMessageId)
{
    if (messageId != m_message.id || messageId == 0)
        return;
    QStringList lines;
    const QString subject = printable(report.originalSubject).trimmed();
    const QString originalId = printable(QString::fromUtf8(report.originalMessageId)).trimmed();
    if (!subject.isEmpty())
        lines.append(tr("Your message “%1” was returned.").arg(subject));
    else if (!originalId.isEmpty())
        lines.append(tr("Your message <%1> was returned.").arg(originalId));
    else
        lines.append(tr("A message you sent was returned."));
    for (const Mime::RecipientStatus &recipient :
         report.recipients.first(std::min<qsizetype>(report.recipients.size(), kMaxReportedRecipients)))
        lines.append(recipientLine(recipient));
    if (report.recipients.size() > kMaxReportedRecipients)
        lines.append(
                tr("… and %n more recipient(s).", nullptr, int(report.recipients.size() - kMaxReportedRecipients)));
    m_ui->reportText->setText(lines.join(QLatin1Char('\n')));
    m_originalMessageId = originalMessageId;
    m_ui->openOriginalButton->setVisible(originalMessageId > 0);
    m_ui->reportNotice->show();
}

void MessageView::listAttachments()
{
    QTreeWidget *list = m_ui->attachmentList;
    const QString current = list->currentItem() ? list->currentItem()->data(NameColumn, kSectionRole).toString()
                                                : QString();
    list->clear();
    const bool html = m_textPart &&
                      m_textPart->mimeType.compare(QLatin1StringView("text/html"), Qt::CaseInsensitive) == 0;
    const QMimeDatabase mimeTypes;
    for (const Store::MessagePart &part : std::as_const(m_message.parts)) {
        if (m_textPart && part.section == m_textPart->section)
            continue;
        if (!part.isAttachment &&
            (part.mimeType.startsWith(QLatin1StringView("text/"), Qt::CaseInsensitive) || isReportPart(part)))
            continue;  // an alternative of the text, or what the delivery notice explains
        // An image the HTML shows inline; until the HTML is here, one with a content id is taken as one.
        if (isImage(part) && !part.contentId.isEmpty() && html && (!m_textShown || m_imageUrls.contains(part.section)))
            continue;
        auto *item = new QTreeWidgetItem(list);
        const QString name = printable(part.fileName).trimmed();
        item->setText(NameColumn,
                      name.isEmpty() ? tr("Part %1 (%2)").arg(part.section, printable(part.mimeType)) : name);
        item->setToolTip(NameColumn, printable(part.mimeType).toHtmlEscaped());
        item->setData(NameColumn, kSectionRole, part.section);
        const QMimeType type = mimeTypes.mimeTypeForName(part.mimeType.toLower());
        QIcon icon = style()->standardIcon(QStyle::SP_FileIcon);
        if (type.isValid())
            icon = QIcon::fromTheme(type.iconName(), QIcon::fromTheme(type.genericIconName(), icon));
        item->setIcon(NameColumn, icon);
        // The size the server reports is of the encoded part; base64 takes four octets for three.
        const qint64 size = part.encoding.compare(QLatin1StringView("base64"), Qt::CaseInsensitive) == 0
                                    ? part.size / 4 * 3
                                    : part.size;
        item->setText(SizeColumn, QLocale().formattedDataSize(size));
        item->setTextAlignment(SizeColumn, Qt::AlignRight | Qt::AlignVCenter);
        if (part.section == current)
            list->setCurrentItem(item);
    }
    m_ui->attachmentsBlock->setVisible(list->topLevelItemCount() > 0);
    updateAttachmentButtons();
}

QTreeWidgetItem *MessageView::attachmentItem(const QString &section) const
{
    for (int row = 0; row < m_ui->attachmentList->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_ui->attachmentList->topLevelItem(row);
        if (item->data(NameColumn, kSectionRole).toString() == section)
            return item;
    }
    return nullptr;
}

void MessageView::requestAttachment(QTreeWidgetItem *item, AttachmentAction action)
{
    if (!item || m_message.id == 0)
        return;
    Q_EMIT attachmentRequested(m_message.id, item->data(NameColumn, kSectionRole).toString(), action);
}

void MessageView::updateAttachmentButtons()
{
    const bool selected = m_ui->attachmentList->currentItem() != nullptr;
    m_ui->saveAttachmentButton->setEnabled(selected);
    m_ui->openAttachmentButton->setEnabled(selected);
}

}  // namespace Heron::Gui
