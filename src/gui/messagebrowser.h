// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QImage>
#include <QList>
#include <QTextBrowser>
#include <QUrl>

class QTimer;

namespace Heron::Gui {

// The body pane of the message view: a QTextBrowser that never fetches or follows anything on
// its own. Images come only from what it was given (setImage: the message's own cid: parts,
// remote images fetched with the reader's consent) and from inline data: images of raster
// types; any other resource is an empty image, so Qt's fallbacks (local files) never run.
// Links are reported with their visible text, never followed.
class MessageBrowser : public QTextBrowser {
    Q_OBJECT
public:
    explicit MessageBrowser(QWidget *parent = nullptr);

    // Replaces the document and forgets every image given for the previous one.
    void showHtml(const QString &html);

    // The image for url, shown from now on in the current document.
    void setImage(const QUrl &url, const QImage &image);

    // The sources of the images of the current document, each once, in document order.
    QList<QUrl> imageSources() const;

    // The visible text of the link to target around a document position; empty when there is none.
    QString anchorTextAt(int position, const QUrl &target) const;

    QVariant loadResource(int type, const QUrl &name) override;

Q_SIGNALS:
    // The reader activated a link (mouse or keyboard); links within the message scroll on their own.
    void linkActivated(const QUrl &target, const QString &visibleText);

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    void onAnchorClicked(const QUrl &target);

    QHash<QUrl, QImage> m_images;
    QImage m_placeholder;
    QTimer *m_relayout = nullptr;
    int m_pointerPosition = -1;  // document position of the click being handled, -1 outside one
};

}  // namespace Heron::Gui
