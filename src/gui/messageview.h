// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "gui/linkpolicy.h"
#include "mime/deliveryreport.h"
#include "store/messagemetadata.h"
#include "store/textpart.h"

#include <QHash>
#include <QImage>
#include <QSet>
#include <QWidget>

#include <memory>
#include <optional>

class QTreeWidgetItem;

namespace Ui {
class MessageView;
}  // namespace Ui

namespace Heron::Gui {

class RemoteImageFetcher;

// Shows one message: its headers, its text part (plain text escaped and linkified, or HTML
// through HtmlSanitizer), its attachments, and for a delivery report what bounced and why.
//
// The view fetches nothing from the mail store or server itself. It asks with partNeeded for the
// text part it shows and for the cid: images that part's HTML references (parts of the same
// message only), and the owner answers with partArrived or partFailed, from any depth of the
// call stack and at any later time; answers for another message than the one on screen are
// ignored. Remote images are blocked until the reader clicks "Load Remote Content" for this
// message; they are then fetched by RemoteImageFetcher, never by the text engine. Links go
// through LinkPolicy, never straight to the desktop.
class MessageView : public QWidget {
    Q_OBJECT
public:
    enum class AttachmentAction { Save, Open };
    Q_ENUM(AttachmentAction)

    // The most text shown of one part, in characters; the rest is cut with a note.
    static constexpr qsizetype kMaxTextCharacters = 2 * 1024 * 1024;
    // The most addresses a header line shows; the tooltip has them all (up to kMaxTooltipAddresses).
    static constexpr int kMaxShownAddresses = 20;
    static constexpr int kMaxTooltipAddresses = 200;

    explicit MessageView(QWidget *parent = nullptr);
    ~MessageView() override;

    // How links are opened and misleading ones confirmed; the default opens with QDesktopServices.
    void setLinkPolicy(LinkPolicy policy);
    // Senders (lower-case addresses) whose messages show remote content without asking.
    void setTrustedSenders(const QSet<QString> &addresses);
    // Which part is shown when a message has both text/plain and text/html (default: HTML).
    // Takes effect with the next showMessage.
    void setTextPreference(Store::TextPreference preference);

    // The row id of the message shown, 0 when none.
    qint64 messageId() const { return m_message.id; }
    // The section of the part shown as text, empty when none.
    QString textSection() const;
    // The sections listed as attachments, in order.
    QStringList attachmentSections() const;

public Q_SLOTS:
    // Shows the message's headers and attachments at once and asks for its text with partNeeded.
    void showMessage(const Heron::Store::MessageMetadata &message);
    void clear();

    // A part asked for with partNeeded, with its Content-Transfer-Encoding undone.
    void partArrived(qint64 messageId, const QString &section, const QByteArray &transferDecodedBytes);
    // A part could not be had; the reader is told what happened when it was the text.
    void partFailed(qint64 messageId, const QString &section, const QString &message);
    // Progress of an attachment transfer started by attachmentRequested; total is 0 when unknown.
    void partProgress(qint64 messageId, const QString &section, qint64 received, qint64 total);

    // The parsed delivery status of the message on screen (Mime::parseDeliveryReport), and the row
    // id of the returned message when the store has it (0 when not).
    void setDeliveryReport(qint64 messageId, const Heron::Mime::DeliveryReport &report, qint64 originalMessageId);

    // The reader's consent to the remote images of the message on screen, as the button gives it.
    void loadRemoteContent();
    // As loadRemoteContent(), and the sender's later messages load it without asking.
    void trustSender();

Q_SIGNALS:
    void partNeeded(qint64 messageId, const QString &section);
    void attachmentRequested(qint64 messageId, const QString &section,
                             Heron::Gui::MessageView::AttachmentAction action);
    void openMessageRequested(qint64 messageId);
    // The reader chose "Always for This Sender": remember the address (lower case).
    void senderTrusted(const QString &address);
    // The pointer entered a link (its target) or left it (an empty URL); for a status bar.
    void linkHovered(const QUrl &target);

private:
    void showHeaders();
    void showNote(const QString &text);
    void requestPart(const QString &section);
    void showText(const QByteArray &bytes);
    void renderHtml();
    void showPartImage(const QString &section, const QImage &image);
    void listAttachments();
    void requestAttachment(QTreeWidgetItem *item, AttachmentAction action);
    QTreeWidgetItem *attachmentItem(const QString &section) const;
    void updateAttachmentButtons();

    std::unique_ptr<Ui::MessageView> m_ui;
    RemoteImageFetcher *m_fetcher = nullptr;
    LinkPolicy m_linkPolicy;
    Store::TextPreference m_preference = Store::TextPreference::Html;

    Store::MessageMetadata m_message;
    std::optional<Store::MessagePart> m_textPart;
    bool m_textShown = false;
    QString m_htmlSource;  // the HTML part as decoded, sanitized again when remote content is allowed
    bool m_remoteAllowed = false;
    QSet<QString> m_trustedSenders;
    QHash<QString, QString> m_sectionOfContentId;  // lower-case content id → section of an image part
    QHash<QString, QList<QUrl>> m_imageUrls;       // section → the cid: URLs that show it
    QHash<QString, QImage> m_partImages;           // section → the image arrived for it
    QSet<QString> m_requested;                     // sections asked for with partNeeded
    qint64 m_originalMessageId = 0;
};

}  // namespace Heron::Gui
