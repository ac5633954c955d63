// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/messagemetadata.h"

#include <QTextBrowser>

namespace Heron::Gui {

// Placeholder until the safe message view lands: headers only.
class MessageView : public QTextBrowser {
    Q_OBJECT
public:
    explicit MessageView(QWidget *parent = nullptr) : QTextBrowser(parent) { setOpenLinks(false); }
    void showMessage(const Store::MessageMetadata &message) { setPlainText(message.subject); }
    void clear() { QTextBrowser::clear(); }
    void partArrived(qint64, const QString &, const QByteArray &) {}
    void partFailed(qint64, const QString &, const QString &) {}
    void partProgress(qint64, const QString &, qint64, qint64) {}
Q_SIGNALS:
    void partNeeded(qint64 messageId, const QString &section);
    void openMessageRequested(qint64 messageId);
};

}  // namespace Heron::Gui
