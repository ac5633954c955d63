// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "sync/syncstats.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <memory>

class QAbstractItemView;
class QLabel;
class QSystemTrayIcon;
class QTimer;

namespace Ui {
class MainWindow;
}  // namespace Ui

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Gui {

class FolderTreeModel;
class MailBackend;
class MessageListModel;
class MessageView;
class ThreadListModel;

// The window people live in: folder tree | search field and message list | message view, the
// actions on messages (menus, toolbar, shortcuts), sync progress in the status bar and new mail
// in the tray. The form is ui/mainwindow.ui. It reads the store through its models on the GUI
// thread's connection and does everything else through the MailBackend, so it never waits.
// With no account it shows the first-run page instead.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The backend may be null (no profile yet): the window then only offers the first-run page.
    MainWindow(Store::Database *database, MailBackend *backend, QWidget *parent = nullptr);
    ~MainWindow() override;

    FolderTreeModel *folderModel() const { return m_folderModel; }
    MessageListModel *messageModel() const { return m_messageModel; }
    ThreadListModel *threadModel() const { return m_threadModel; }
    // Messages grouped in threads (View > Threads) instead of the flat list; search results are
    // always flat.
    void setThreaded(bool threaded);
    bool isThreaded() const { return m_threaded; }
    MessageView *messageView() const { return m_messageView; }

    // Shows that folder's messages, as if the user had clicked it.
    void selectFolder(qint64 folderId);
    // The message opened in the view, 0 when none.
    qint64 currentMessageId() const { return m_currentMessageId; }
    // How long a message stays open before it is marked read (0: at once; negative: never).
    void setMarkReadDelay(int milliseconds);

Q_SIGNALS:
    void demoRequested();
    void addAccountRequested();
    // The window was closed and the backend has logged out: the application may quit.
    void closed();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void setUpModels();
    void setUpActions();
    void setUpStatus();
    void updatePage();
    void onFolderActivated(const QModelIndex &current);
    // Shows the folders chosen in the tree in the list or the thread view, whichever is on.
    void showFolders();
    QAbstractItemView *activeList() const;
    void selectMessage(qint64 messageId);
    void onMessageActivated(const QModelIndex &current);
    void updateActions();
    QList<qint64> selectedMessageIds() const;
    qint64 accountOfSelection() const;
    void markSelection(quint32 addBits, quint32 removeBits);
    void toggleFlag();
    void deleteSelection();
    void moveSelection();
    void archiveSelection();
    void goToUnread(int step);
    void runSearch();
    void onSearchFinished(quint64 serial, const QList<qint64> &messageIds);
    void onServerSearchFinished(quint64 serial, int hits, const QStringList &errors);
    void showFolderMenu(const QPoint &position);
    void showFolderProperties(qint64 folderId);
    void showFolderPropertiesWithSize(qint64 folderId, qint64 bytes);
    void markFolderRead(qint64 folderId);
    void onProgress(const Sync::SyncProgress &progress);
    void onAccountState(qint64 accountId, Sync::AccountState state);
    void onError(qint64 accountId, const QString &message);
    void requestAttachment(qint64 messageId, const QString &section, bool open);
    void showDeliveryReport(qint64 messageId, const QString &section, const QByteArray &content);
    void onMessagesArrived(qint64 accountId, qint64 folderId, const QList<qint64> &messageIds);
    void updateTray();
    QString accountName(qint64 accountId) const;
    void showAbout();

    std::unique_ptr<Ui::MainWindow> m_ui;
    Store::Database *m_database = nullptr;
    MailBackend *m_backend = nullptr;
    FolderTreeModel *m_folderModel = nullptr;
    MessageListModel *m_messageModel = nullptr;
    ThreadListModel *m_threadModel = nullptr;
    MessageView *m_messageView = nullptr;
    QTimer *m_markReadTimer = nullptr;
    QTimer *m_searchTimer = nullptr;
    QLabel *m_progressLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    QHash<qint64, QString> m_progress;  // account id -> what it is doing
    QHash<qint64, QString> m_errors;    // account id -> its last error
    qint64 m_currentMessageId = 0;
    qint64 m_selectWhenLoaded = 0;  // to select once the thread view has its threads
    QString m_reportSection;        // the delivery-status part of the message shown, when it is a bounce
    QSet<QString> m_openWhenSaved;  // files to open once saved (Open on an attachment)
    quint64 m_searchSerial = 0;
    int m_serverHitsShown = 0;  // rows the server search added to the results shown
    QList<qint64> m_folderIds;  // what the tree selected: one folder, the inboxes, or nothing
    bool m_showRecipients = false;
    bool m_threaded = false;
    bool m_closing = false;
    bool m_backendStopped = false;
};

}  // namespace Heron::Gui
