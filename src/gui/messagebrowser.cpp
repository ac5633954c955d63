// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagebrowser.h"

#include "messageimage.h"

#include <QMouseEvent>
#include <QSet>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimer>

namespace Heron::Gui {

namespace {

// The largest inline data: image read, in characters of its URL.
constexpr qsizetype kMaxDataUrl = 8 * 1024 * 1024;

// An image in a data: URL (RFC 2397); the sanitizer lets only raster types through, and
// decodeMessageImage reads nothing else whatever the URL claims.
QImage dataImage(const QUrl &url)
{
    const QString text = url.toString(QUrl::FullyEncoded);
    if (text.size() > kMaxDataUrl)
        return {};
    const qsizetype comma = text.indexOf(QLatin1Char(','));
    if (comma < 0)
        return {};
    const QString header = text.left(comma).toLower();
    const QByteArray payload = QByteArray::fromPercentEncoding(text.mid(comma + 1).toLatin1());
    const bool base64 = header.endsWith(QLatin1StringView(";base64"));
    return decodeMessageImage(base64 ? QByteArray::fromBase64(payload) : payload);
}

}  // namespace

MessageBrowser::MessageBrowser(QWidget *parent)
    : QTextBrowser(parent),
      m_placeholder(1, 1, QImage::Format_ARGB32),
      m_relayout(new QTimer(this))
{
    m_placeholder.fill(Qt::transparent);
    setOpenLinks(false);
    setOpenExternalLinks(false);
    setUndoRedoEnabled(false);
    // Coalesces the images of one burst of arrivals into one layout.
    m_relayout->setSingleShot(true);
    m_relayout->setInterval(0);
    connect(m_relayout, &QTimer::timeout, this, [this] {
        document()->markContentsDirty(0, document()->characterCount());
        viewport()->update();
    });
    connect(this, &QTextBrowser::anchorClicked, this, &MessageBrowser::onAnchorClicked);
}

void MessageBrowser::showHtml(const QString &html)
{
    m_relayout->stop();
    m_images.clear();
    setHtml(html);
}

void MessageBrowser::setImage(const QUrl &url, const QImage &image)
{
    m_images.insert(url, image);
    // The document keeps what it loaded before (the placeholder); a resource added now wins.
    document()->addResource(QTextDocument::ImageResource, url, image);
    m_relayout->start();
}

QList<QUrl> MessageBrowser::imageSources() const
{
    QList<QUrl> sources;
    QSet<QString> seen;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (!format.isImageFormat())
                continue;
            const QString name = format.toImageFormat().name();
            if (!name.isEmpty() && !seen.contains(name)) {
                seen.insert(name);
                sources.append(QUrl(name));
            }
        }
    }
    return sources;
}

QString MessageBrowser::anchorTextAt(int position, const QUrl &target) const
{
    const QTextBlock block = document()->findBlock(position);
    QString run;
    bool hit = false;
    for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QTextFragment fragment = it.fragment();
        const QTextCharFormat format = fragment.charFormat();
        if (!format.isAnchor() || QUrl(format.anchorHref()) != target) {
            if (hit)
                break;
            run.clear();
            continue;
        }
        run += fragment.text();
        if (position >= fragment.position() && position <= fragment.position() + fragment.length())
            hit = true;
    }
    if (!hit)
        return {};
    run.remove(QChar::ObjectReplacementCharacter);  // an image inside the link
    return run;
}

QVariant MessageBrowser::loadResource(int type, const QUrl &name)
{
    if (type == QTextDocument::ImageResource) {
        const auto it = m_images.constFind(name);
        if (it != m_images.constEnd())
            return *it;
        if (name.scheme().compare(QLatin1StringView("data"), Qt::CaseInsensitive) == 0) {
            const QImage image = dataImage(name);
            if (!image.isNull())
                return image;
        }
        return m_placeholder;
    }
    // Never empty: an empty answer makes the document try the local file system itself.
    return QByteArray(" ");
}

void MessageBrowser::mouseReleaseEvent(QMouseEvent *event)
{
    m_pointerPosition = cursorForPosition(event->position().toPoint()).position();
    QTextBrowser::mouseReleaseEvent(event);
    m_pointerPosition = -1;
}

void MessageBrowser::onAnchorClicked(const QUrl &target)
{
    if (target.scheme().isEmpty() && target.path().isEmpty() && target.hasFragment()) {
        scrollToAnchor(target.fragment(QUrl::FullyDecoded));
        return;
    }
    // The text of the activated link: under the pointer, or the selection keyboard navigation made.
    const int position = m_pointerPosition >= 0 ? m_pointerPosition : textCursor().selectionStart();
    QString text = anchorTextAt(position, target);
    if (text.isEmpty() && m_pointerPosition < 0)
        text = textCursor().selectedText();
    Q_EMIT linkActivated(target, text);
}

}  // namespace Heron::Gui
