// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "foldertreemodel.h"
#include "mailbackend.h"
#include "messagelistmodel.h"
#include "messageview.h"
#include "mime/deliveryreport.h"
#include "store/database.h"
#include "store/messagemetadata.h"
#include "store/messagestore.h"
#include "threadlistmodel.h"
#include "ui_mainwindow.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace Heron::Gui {

namespace {

constexpr int kDefaultMarkReadDelayMs = 1500;
constexpr int kSearchDelayMs = 300;

bool showsRecipients(const QString &specialUse)
{
    return specialUse == QLatin1String("\\Sent") || specialUse == QLatin1String("\\Drafts");
}

}  // namespace

MainWindow::MainWindow(Store::Database *database, MailBackend *backend, QWidget *parent)
    : QMainWindow(parent),
      m_ui(std::make_unique<Ui::MainWindow>()),
      m_database(database),
      m_backend(backend)
{
    m_ui->setupUi(this);
    // Folder tree narrow, the message list and the message view share the rest.
    m_ui->splitter->setStretchFactor(0, 0);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setStretchFactor(2, 1);
    m_ui->splitter->setSizes({230, 520, 450});

    m_markReadTimer = new QTimer(this);
    m_markReadTimer->setSingleShot(true);
    m_markReadTimer->setInterval(kDefaultMarkReadDelayMs);
    connect(m_markReadTimer, &QTimer::timeout, this, [this] {
        if (m_currentMessageId && m_backend)
            m_backend->setFlags({m_currentMessageId}, Store::MessageFlags::Seen, 0);
    });
    m_searchTimer = new QTimer(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(kSearchDelayMs);
    connect(m_searchTimer, &QTimer::timeout, this, &MainWindow::runSearch);

    connect(m_ui->addAccountButton, &QPushButton::clicked, this, &MainWindow::addAccountRequested);
    connect(m_ui->demoButton, &QPushButton::clicked, this, &MainWindow::demoRequested);

    if (m_database)
        setUpModels();
    setUpActions();
    setUpStatus();
    updatePage();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::setUpModels()
{
    m_folderModel = new FolderTreeModel(*m_database, this);
    m_messageModel = new MessageListModel(*m_database, this);
    if (auto loaded = m_folderModel->reload(); !loaded)
        statusBar()->showMessage(loaded.error().message);
    m_ui->folderTree->setModel(m_folderModel);
    m_ui->folderTree->expandAll();
    m_threadModel = new ThreadListModel(*m_database, this);
    m_ui->messageList->setModel(m_messageModel);
    m_ui->threadView->setModel(m_threadModel);
    m_ui->threadView->setIconSize(QSize(16, 16));
    QHeaderView *threadHeader = m_ui->threadView->header();
    threadHeader->setStretchLastSection(false);
    threadHeader->setSectionResizeMode(MessageListModel::Subject, QHeaderView::Stretch);
    // The subject comes first and carries the thread's branches.
    threadHeader->moveSection(threadHeader->visualIndex(MessageListModel::Subject), 0);
    m_ui->threadView->setTreePosition(MessageListModel::Subject);
    threadHeader->resizeSection(MessageListModel::Correspondent, 170);
    threadHeader->resizeSection(MessageListModel::Date, 110);
    threadHeader->resizeSection(MessageListModel::Size, 80);
    for (int column : {int(MessageListModel::Flagged), int(MessageListModel::Attachment)}) {
        threadHeader->setSectionResizeMode(column, QHeaderView::Fixed);
        threadHeader->resizeSection(column, 26);
    }
    m_ui->messageList->sortByColumn(MessageListModel::Date, Qt::DescendingOrder);
    m_ui->messageList->setIconSize(QSize(16, 16));

    QHeaderView *header = m_ui->messageList->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(MessageListModel::Subject, QHeaderView::Stretch);
    header->setMinimumSectionSize(24);
    for (int column : {int(MessageListModel::Flagged), int(MessageListModel::Attachment)}) {
        header->setSectionResizeMode(column, QHeaderView::Fixed);
        header->resizeSection(column, 26);
    }
    header->resizeSection(MessageListModel::Correspondent, 170);
    header->resizeSection(MessageListModel::Date, 110);
    header->resizeSection(MessageListModel::Size, 80);

    m_messageView = new MessageView(m_ui->viewPane);
    m_ui->viewLayout->addWidget(m_messageView);
    // Senders whose remote content the reader always allows, kept in the settings.
    QSettings settings;
    const QStringList trusted = settings.value(QStringLiteral("privacy/trustedSenders")).toStringList();
    m_messageView->setTrustedSenders(QSet<QString>(trusted.cbegin(), trusted.cend()));
    connect(m_messageView, &MessageView::senderTrusted, this, [](const QString &address) {
        QSettings settings;
        QStringList senders = settings.value(QStringLiteral("privacy/trustedSenders")).toStringList();
        if (!senders.contains(address)) {
            senders.append(address);
            settings.setValue(QStringLiteral("privacy/trustedSenders"), senders);
        }
    });
    const int delay = settings.value(QStringLiteral("view/markReadDelayMs"), kDefaultMarkReadDelayMs).toInt();
    setMarkReadDelay(delay);
    m_threaded = settings.value(QStringLiteral("view/threads"), false).toBool();
    m_ui->actionThreads->setChecked(m_threaded);

    connect(m_ui->folderTree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onFolderActivated(current); });
    for (QAbstractItemView *view :
         {static_cast<QAbstractItemView *>(m_ui->messageList), static_cast<QAbstractItemView *>(m_ui->threadView)}) {
        connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this,
                [this, view](const QModelIndex &current) {
                    if (view == activeList())
                        onMessageActivated(current);
                });
        connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateActions);
        connect(view->model(), &QAbstractItemModel::modelReset, this, [this, view] {
            if (view == activeList())
                onMessageActivated({});
        });
        connect(view->model(), &QAbstractItemModel::rowsRemoved, this, [this, view] {
            // The open message left the list (moved, deleted elsewhere): the next one takes its place.
            if (view == activeList() && m_currentMessageId && view->currentIndex().isValid() &&
                view->currentIndex().data(MessageListModel::MessageIdRole).toLongLong() != m_currentMessageId)
                onMessageActivated(view->currentIndex());
        });
    }
    connect(m_folderModel, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &parent, int first, int last) {
                // New folders show with their subfolders open, like the tree at start.
                m_ui->folderTree->expand(parent);
                for (int row = first; row <= last; ++row)
                    m_ui->folderTree->expandRecursively(m_folderModel->index(row, 0, parent));
                updatePage();
            });
    connect(m_folderModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updatePage);
    connect(m_folderModel, &QAbstractItemModel::dataChanged, this, &MainWindow::updateTray);
    connect(m_folderModel, &FolderTreeModel::messagesDropped, this,
            [this](const QList<qint64> &ids, qint64 target, Qt::DropAction action) {
                if (!m_backend)
                    return;
                if (action == Qt::CopyAction)
                    m_backend->copy(ids, target);
                else
                    m_backend->move(ids, target);
            });
    connect(m_ui->folderTree, &QWidget::customContextMenuRequested, this, &MainWindow::showFolderMenu);

    connect(m_messageView, &MessageView::partNeeded, this, [this](qint64 messageId, const QString &section) {
        if (m_backend)
            m_backend->fetchPart(messageId, section);
    });
    connect(m_messageView, &MessageView::openMessageRequested, this, [this](qint64 messageId) {
        auto message = Store::MessageStore(*m_database).message(messageId);
        if (!message)
            return;
        selectFolder(message->folderId);
        selectMessage(messageId);
    });
    connect(m_messageView, &MessageView::attachmentRequested, this,
            [this](qint64 messageId, const QString &section, MessageView::AttachmentAction action) {
                requestAttachment(messageId, section, action == MessageView::AttachmentAction::Open);
            });
    if (m_backend) {
        connect(m_backend, &MailBackend::partArrived, m_messageView, &MessageView::partArrived);
        connect(m_backend, &MailBackend::partArrived, this, &MainWindow::showDeliveryReport);
        connect(m_backend, &MailBackend::partSaved, this, [this](qint64, const QString &, const QString &filePath) {
            if (m_openWhenSaved.remove(filePath))
                QDesktopServices::openUrl(QUrl::fromLocalFile(filePath));
            else
                statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(filePath)), 5000);
        });
        connect(m_backend, &MailBackend::partFailed, m_messageView, &MessageView::partFailed);
        connect(m_backend, &MailBackend::partProgress, m_messageView, &MessageView::partProgress);
        connect(m_backend, &MailBackend::searchFinished, this, &MainWindow::onSearchFinished);
        connect(m_backend, &MailBackend::serverHitsFound, this, [this](quint64 serial, const QList<qint64> &ids) {
            if (serial == m_searchSerial)
                m_serverHitsShown += m_messageModel->addMessages(ids);
        });
        connect(m_backend, &MailBackend::serverSearchFinished, this, &MainWindow::onServerSearchFinished);
        connect(m_backend, &MailBackend::folderSizeKnown, this, &MainWindow::showFolderPropertiesWithSize);
        connect(m_backend, &MailBackend::searchFailed, this, [this](quint64 serial, const QString &message) {
            if (serial == m_searchSerial)
                statusBar()->showMessage(message, 10000);
        });
        connect(m_backend, &MailBackend::actionFailed, this,
                [this](const QString &message) { statusBar()->showMessage(message, 10000); });
        connect(m_backend, &MailBackend::progressChanged, this, &MainWindow::onProgress);
        connect(m_backend, &MailBackend::accountStateChanged, this, &MainWindow::onAccountState);
        connect(m_backend, &MailBackend::errorOccurred, this, &MainWindow::onError);
        connect(m_backend, &MailBackend::messagesArrived, this, &MainWindow::onMessagesArrived);
        connect(m_backend, &MailBackend::stopped, this, [this] {
            m_backendStopped = true;
            if (m_closing)
                close();
        });
    }

    // The first account's INBOX is open at start.
    const QList<qint64> inboxes = m_folderModel->inboxFolderIds();
    if (!inboxes.isEmpty())
        selectFolder(inboxes.constFirst());
}

void MainWindow::setUpActions()
{
    m_ui->actionQuit->setShortcuts(QKeySequence::Quit);
    m_ui->actionFind->setShortcuts({QKeySequence::Find, QKeySequence(Qt::Key_Slash)});
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_ui->actionAboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
    connect(m_ui->actionSyncNow, &QAction::triggered, this, [this] {
        if (m_backend)
            m_backend->syncNow();
    });
    connect(m_ui->actionFind, &QAction::triggered, this, [this] {
        m_ui->searchField->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchField->selectAll();
    });
    connect(m_ui->searchField, &QLineEdit::textEdited, this, [this] { m_searchTimer->start(); });
    connect(m_ui->searchField, &QLineEdit::returnPressed, this, &MainWindow::runSearch);
    // The clear button empties the field without an edit signal.
    connect(m_ui->searchField, &QLineEdit::textChanged, this, [this](const QString &text) {
        if (text.isEmpty())
            runSearch();
    });
    connect(m_ui->actionMarkRead, &QAction::triggered, this, [this] { markSelection(Store::MessageFlags::Seen, 0); });
    connect(m_ui->actionMarkUnread, &QAction::triggered, this, [this] {
        m_markReadTimer->stop();
        markSelection(0, Store::MessageFlags::Seen);
    });
    connect(m_ui->actionFlag, &QAction::triggered, this, &MainWindow::toggleFlag);
    connect(m_ui->actionDelete, &QAction::triggered, this, &MainWindow::deleteSelection);
    connect(m_ui->actionMoveTo, &QAction::triggered, this, &MainWindow::moveSelection);
    connect(m_ui->actionArchive, &QAction::triggered, this, &MainWindow::archiveSelection);
    connect(m_ui->actionThreads, &QAction::toggled, this, &MainWindow::setThreaded);
    if (m_threadModel) {
        connect(m_threadModel, &ThreadListModel::loaded, this, [this] {
            if (m_selectWhenLoaded && activeList() == m_ui->threadView)
                selectMessage(std::exchange(m_selectWhenLoaded, 0));
        });
    }
    connect(m_ui->actionNextUnread, &QAction::triggered, this, [this] { goToUnread(1); });
    connect(m_ui->actionPreviousUnread, &QAction::triggered, this, [this] { goToUnread(-1); });
    // The single-key shortcuts (M, A, N, P, /) would steal typing from the search field
    // otherwise; QLineEdit takes printable keys first, so they act only outside it.
}

void MainWindow::setUpStatus()
{
    m_progressLabel = new QLabel(this);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setTextFormat(Qt::RichText);
    m_errorLabel->hide();
    connect(m_errorLabel, &QLabel::linkActivated, this, [this] {
        QStringList lines;
        for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it)
            lines.append(tr("%1: %2").arg(accountName(it.key()), it.value()));
        QMessageBox::information(this, tr("Synchronization problems"), lines.join(QStringLiteral("\n\n")));
    });
    statusBar()->addPermanentWidget(m_errorLabel);
    statusBar()->addPermanentWidget(m_progressLabel);

    if (m_database && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->show();
    }
    updateTray();
}

void MainWindow::updatePage()
{
    const bool hasAccounts = m_folderModel && m_folderModel->rowCount() > 0;
    m_ui->pages->setCurrentWidget(hasAccounts ? m_ui->mailPage : m_ui->welcomePage);
    m_ui->toolBar->setVisible(hasAccounts);
    if (!hasAccounts)
        statusBar()->showMessage(tr("No accounts configured."));
    else if (statusBar()->currentMessage() == tr("No accounts configured."))
        statusBar()->clearMessage();
}

void MainWindow::selectFolder(qint64 folderId)
{
    if (!m_folderModel)
        return;
    const QModelIndex index = m_folderModel->indexOfFolder(folderId);
    if (index.isValid())
        m_ui->folderTree->setCurrentIndex(index);
}

void MainWindow::setMarkReadDelay(int milliseconds)
{
    m_markReadTimer->setInterval(qMax(0, milliseconds));
    m_markReadTimer->setProperty("disabled", milliseconds < 0);
}

void MainWindow::onFolderActivated(const QModelIndex &current)
{
    if (!m_ui->searchField->text().isEmpty()) {
        const QSignalBlocker blocker(m_ui->searchField);
        m_ui->searchField->clear();
    }
    m_searchSerial = 0;
    if (m_messageModel->showsSearchResults()) {
        m_messageModel->clear();  // the search ends with another folder
        if (m_backend)
            m_backend->endSearch();
    }
    const auto kind = FolderTreeModel::Kind(current.data(FolderTreeModel::KindRole).toInt());
    m_folderIds.clear();
    m_showRecipients = false;
    if (current.isValid() && kind == FolderTreeModel::Kind::AllInboxes) {
        m_folderIds = m_folderModel->inboxFolderIds();
    } else if (current.isValid() && kind == FolderTreeModel::Kind::Folder) {
        const qint64 folderId = current.data(FolderTreeModel::FolderIdRole).toLongLong();
        m_folderIds = {folderId};
        m_showRecipients = showsRecipients(current.data(FolderTreeModel::SpecialUseRole).toString());
        if (m_backend)
            m_backend->setFolderOnScreen(folderId);
    }
    showFolders();
    setWindowTitle(current.isValid() ? tr("%1 — Heron").arg(current.data(Qt::EditRole).toString())
                                     : QStringLiteral("Heron"));
    updateActions();
}

void MainWindow::showFolders()
{
    // Only the view on screen holds the folder; the other one is emptied.
    const bool threaded = m_threaded && !m_messageModel->showsSearchResults();
    Result<bool> shown = true;
    if (threaded) {
        m_messageModel->clear();
        shown = m_folderIds.isEmpty() ? (m_threadModel->clear(), Result<bool>(true))
                                      : m_threadModel->setFolders(m_folderIds, m_showRecipients);
    } else {
        m_threadModel->clear();
        shown = m_folderIds.isEmpty() ? (m_messageModel->clear(), Result<bool>(true))
                                      : m_messageModel->setFolders(m_folderIds, m_showRecipients);
    }
    m_ui->messageList->setVisible(!threaded);
    m_ui->threadView->setVisible(threaded);
    if (!shown)
        statusBar()->showMessage(shown.error().message, 10000);
}

void MainWindow::setThreaded(bool threaded)
{
    if (m_threaded == threaded)
        return;
    m_threaded = threaded;
    m_ui->actionThreads->setChecked(threaded);
    QSettings().setValue(QStringLiteral("view/threads"), threaded);
    if (!m_messageModel)
        return;
    const qint64 open = m_currentMessageId;
    if (m_messageModel->showsSearchResults())
        return;  // search results stay flat; the choice applies when the search ends
    showFolders();
    // The thread view computes its threads on a worker: the open message is chosen again then.
    m_selectWhenLoaded = open;
    if (open && (!threaded || m_threadModel->isComplete()))
        selectMessage(std::exchange(m_selectWhenLoaded, 0));
}

QAbstractItemView *MainWindow::activeList() const
{
    if (m_ui->threadView->isVisibleTo(this) && !m_ui->messageList->isVisibleTo(this))
        return m_ui->threadView;
    return m_ui->messageList;
}

void MainWindow::selectMessage(qint64 messageId)
{
    QModelIndex index;
    if (activeList() == m_ui->threadView) {
        index = m_threadModel->indexOf(messageId, MessageListModel::Subject);
        for (QModelIndex parent = index.parent(); parent.isValid(); parent = parent.parent())
            m_ui->threadView->expand(parent);
    } else {
        const int row = m_messageModel->rowOf(messageId);
        if (row >= 0)
            index = m_messageModel->index(row, MessageListModel::Subject);
    }
    if (index.isValid()) {
        activeList()->setCurrentIndex(index);
        activeList()->scrollTo(index);
    }
}

void MainWindow::onMessageActivated(const QModelIndex &current)
{
    const qint64 id = current.isValid() ? current.data(MessageListModel::MessageIdRole).toLongLong() : 0;
    if (id == m_currentMessageId && id != 0)
        return;  // another column of the same row
    m_markReadTimer->stop();
    m_currentMessageId = id;
    if (!id) {
        m_messageView->clear();
        updateActions();
        return;
    }
    auto message = Store::MessageStore(*m_database).message(id);
    if (!message) {
        m_messageView->clear();
        statusBar()->showMessage(message.error().message, 10000);
        updateActions();
        return;
    }
    m_messageView->showMessage(*message);
    // A bounce: its machine-readable part says what bounced and why (RFC 3464).
    m_reportSection.clear();
    if (message->isDeliveryReport && m_backend) {
        for (const Store::MessagePart &part : std::as_const(message->parts)) {
            if (part.mimeType == QLatin1String("message/delivery-status") ||
                part.mimeType == QLatin1String("message/global-delivery-status")) {
                m_reportSection = part.section;
                m_backend->fetchPart(id, part.section);
                break;
            }
        }
    }
    // A server search's hit is only looked at: it may be in a folder that is not synchronized.
    const bool serverHit = current.data(MessageListModel::ServerHitRole).toBool();
    if (!message->flags.has(Store::MessageFlags::Seen) && !serverHit &&
        !m_markReadTimer->property("disabled").toBool())
        m_markReadTimer->start();
    updateActions();
}

void MainWindow::showDeliveryReport(qint64 messageId, const QString &section, const QByteArray &content)
{
    if (messageId != m_currentMessageId || section != m_reportSection || m_reportSection.isEmpty())
        return;
    const Mime::DeliveryReport report = Mime::parseDeliveryStatusFields(content);
    qint64 original = 0;
    auto message = Store::MessageStore(*m_database).message(messageId);
    const Store::FolderRecord *folder = message ? m_folderModel->folder(message->folderId) : nullptr;
    if (folder && !report.originalMessageId.isEmpty()) {
        auto originals = Store::MessageStore(*m_database)
                                 .idsForMessageId(folder->accountId, QString::fromLatin1(report.originalMessageId));
        if (originals && !originals->isEmpty())
            original = originals->constFirst();
    }
    m_messageView->setDeliveryReport(messageId, report, original);
}

void MainWindow::requestAttachment(qint64 messageId, const QString &section, bool open)
{
    if (!m_backend)
        return;
    auto message = Store::MessageStore(*m_database).message(messageId);
    if (!message)
        return;
    QString name;
    for (const Store::MessagePart &part : std::as_const(message->parts)) {
        if (part.section == section)
            name = part.fileName;
    }
    // A name from the message never chooses a directory: only its last component is kept, without
    // control characters.
    name = QFileInfo(name.replace(QLatin1Char('\\'), QLatin1Char('/'))).fileName();
    name.remove(QRegularExpression(QStringLiteral("[\\x00-\\x1f\\x7f]")));
    if (name.isEmpty() || name.startsWith(QLatin1Char('.')))
        name = tr("attachment") + name;
    QString path;
    if (open) {
        const QString directory = QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                                          .filePath(QStringLiteral("heron-attachments/%1").arg(messageId));
        if (!QDir().mkpath(directory)) {
            statusBar()->showMessage(tr("Cannot create %1").arg(directory), 10000);
            return;
        }
        path = QDir(directory).filePath(name);
        m_openWhenSaved.insert(path);
    } else {
        path = QFileDialog::getSaveFileName(
                this, tr("Save Attachment"),
                QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation)).filePath(name));
        if (path.isEmpty())
            return;
    }
    m_backend->savePart(messageId, section, path);
}

QList<qint64> MainWindow::selectedMessageIds() const
{
    QList<qint64> ids;
    if (!m_messageModel)
        return ids;
    QAbstractItemView *list = activeList();
    if (list == m_ui->messageList) {
        // By row ranges straight from the model's id list: selecting a million rows must not
        // read a million rows' data.
        QList<std::pair<int, int>> ranges;
        for (const QItemSelectionRange &range : list->selectionModel()->selection())
            ranges.append({range.top(), range.bottom()});
        std::sort(ranges.begin(), ranges.end());
        int next = 0;  // the first row not taken yet (ranges of several columns overlap)
        for (const auto &[top, bottom] : std::as_const(ranges)) {
            if (bottom >= next)
                ids += m_messageModel->messageIds(std::max(top, next), bottom);
            next = std::max(next, bottom + 1);
        }
    } else {
        for (const QModelIndex &row : list->selectionModel()->selectedRows()) {
            const qint64 id = row.data(MessageListModel::MessageIdRole).toLongLong();
            if (id)
                ids.append(id);
        }
    }
    if (ids.isEmpty() && m_currentMessageId)
        ids.append(m_currentMessageId);
    return ids;
}

qint64 MainWindow::accountOfSelection() const
{
    if (!m_database || !m_messageModel)
        return 0;
    // A folder view knows its account (or accounts) without looking at the messages.
    if (!m_messageModel->showsSearchResults() && !m_folderIds.isEmpty()) {
        QSet<qint64> accounts;
        for (qint64 folderId : std::as_const(m_folderIds)) {
            if (const Store::FolderRecord *folder = m_folderModel->folder(folderId))
                accounts.insert(folder->accountId);
        }
        if (accounts.size() == 1)
            return *accounts.cbegin();
    }
    const QList<qint64> ids = selectedMessageIds();
    if (ids.isEmpty())
        return 0;
    auto accounts = Store::MessageStore(*m_database).accountsOf(ids);
    return accounts && accounts->size() == 1 ? accounts->constFirst() : 0;
}

void MainWindow::updateActions()
{
    const bool hasSelection =
            m_messageModel && (activeList()->selectionModel()->hasSelection() || m_currentMessageId != 0);
    const bool canAct = hasSelection && m_backend;
    for (QAction *action :
         {m_ui->actionMarkRead, m_ui->actionMarkUnread, m_ui->actionFlag, m_ui->actionDelete, m_ui->actionMoveTo})
        action->setEnabled(canAct);
    const qint64 account = canAct ? accountOfSelection() : 0;
    m_ui->actionMoveTo->setEnabled(account != 0);
    m_ui->actionArchive->setEnabled(account != 0 && m_folderModel->specialFolder(account, QStringLiteral("\\Archive")));
    m_ui->actionSyncNow->setEnabled(m_backend != nullptr);
}

void MainWindow::markSelection(quint32 addBits, quint32 removeBits)
{
    const QList<qint64> ids = selectedMessageIds();
    if (!ids.isEmpty() && m_backend)
        m_backend->setFlags(ids, addBits, removeBits);
}

void MainWindow::toggleFlag()
{
    // Like the other clients: flag all unless every selected message is flagged already.
    const QList<qint64> ids = selectedMessageIds();
    if (ids.isEmpty() || !m_database)
        return;
    auto allFlagged = Store::MessageStore(*m_database).allHaveFlags(ids, Store::MessageFlags::Flagged);
    if (allFlagged && *allFlagged)
        markSelection(0, Store::MessageFlags::Flagged);
    else
        markSelection(Store::MessageFlags::Flagged, 0);
}

void MainWindow::deleteSelection()
{
    const QList<qint64> ids = selectedMessageIds();
    if (!ids.isEmpty() && m_backend)
        m_backend->remove(ids);
}

void MainWindow::moveSelection()
{
    const qint64 account = accountOfSelection();
    if (!account || !m_backend)
        return;
    // The account's folders that can hold messages, by path.
    QStringList paths;
    QList<qint64> ids;
    const QModelIndex accountIndex = m_folderModel->indexOfAccount(account);
    const auto collect = [&](const auto &self, const QModelIndex &parent) -> void {
        for (int row = 0; row < m_folderModel->rowCount(parent); ++row) {
            const QModelIndex child = m_folderModel->index(row, 0, parent);
            if (child.data(FolderTreeModel::SelectableRole).toBool()) {
                paths.append(child.data(FolderTreeModel::PathRole).toString());
                ids.append(child.data(FolderTreeModel::FolderIdRole).toLongLong());
            }
            self(self, child);
        }
    };
    collect(collect, accountIndex);
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, tr("Move To"), tr("Move the selected messages to:"), paths, 0,
                                                 false, &ok);
    if (ok && paths.contains(chosen))
        m_backend->move(selectedMessageIds(), ids.at(paths.indexOf(chosen)));
}

void MainWindow::archiveSelection()
{
    const qint64 account = accountOfSelection();
    const qint64 archive = account ? m_folderModel->specialFolder(account, QStringLiteral("\\Archive")) : 0;
    if (archive && m_backend)
        m_backend->move(selectedMessageIds(), archive);
}

void MainWindow::goToUnread(int step)
{
    if (!m_messageModel)
        return;
    const QModelIndex current = activeList()->currentIndex();
    if (activeList() == m_ui->threadView) {
        // Threads hold a folder of moderate size: walk them in the order shown.
        QList<QModelIndex> order;
        const auto walk = [&](const auto &self, const QModelIndex &parent) -> void {
            for (int row = 0; row < m_threadModel->rowCount(parent); ++row) {
                const QModelIndex child = m_threadModel->index(row, 0, parent);  // children hang off column 0
                order.append(child);
                self(self, child);
            }
        };
        walk(walk, {});
        qsizetype at = -1;
        for (qsizetype i = 0; i < order.size() && current.isValid(); ++i) {
            if (order.at(i) == current.siblingAtColumn(0))
                at = i;
        }
        for (qsizetype i = at < 0 ? (step > 0 ? 0 : order.size() - 1) : at + step; i >= 0 && i < order.size();
             i += step) {
            if (order.at(i).data(MessageListModel::UnreadRole).toBool()) {
                selectMessage(order.at(i).data(MessageListModel::MessageIdRole).toLongLong());
                return;
            }
        }
        statusBar()->showMessage(tr("No more unread messages here."), 5000);
        return;
    }
    const int row = m_messageModel->findUnread(current.isValid() ? current.row() : -1, step < 0);
    if (row < 0) {
        statusBar()->showMessage(tr("No more unread messages here."), 5000);
        return;
    }
    selectMessage(m_messageModel->messageId(row));
}

void MainWindow::runSearch()
{
    m_searchTimer->stop();
    if (!m_messageModel)
        return;
    const QString text = m_ui->searchField->text().trimmed();
    if (text.isEmpty()) {
        if (m_messageModel->showsSearchResults()) {
            m_searchSerial = 0;
            m_messageModel->clear();
            if (m_backend)
                m_backend->endSearch();
            showFolders();
        }
        return;
    }
    if (m_backend)
        m_searchSerial = m_backend->search(text);
}

void MainWindow::onSearchFinished(quint64 serial, const QList<qint64> &messageIds)
{
    if (serial != m_searchSerial)
        return;  // an older search, overtaken by typing
    m_serverHitsShown = 0;
    if (auto shown = m_messageModel->setMessages(messageIds); !shown) {
        statusBar()->showMessage(shown.error().message, 10000);
        return;
    }
    // Search results are flat.
    m_threadModel->clear();
    m_ui->threadView->hide();
    m_ui->messageList->show();
    statusBar()->showMessage(tr("%n message(s) found", nullptr, int(messageIds.size())), 10000);
}

void MainWindow::onServerSearchFinished(quint64 serial, int, const QStringList &errors)
{
    if (serial != m_searchSerial)
        return;
    // What the list gained: the server also names messages the store had found already.
    if (!errors.isEmpty())
        statusBar()->showMessage(tr("The server search failed: %1").arg(errors.join(QStringLiteral("; "))), 10000);
    else if (m_serverHitsShown > 0)
        statusBar()->showMessage(tr("%n more found on the server, shown in italics", nullptr, m_serverHitsShown),
                                 10000);
}

void MainWindow::showFolderMenu(const QPoint &position)
{
    const QModelIndex index = m_ui->folderTree->indexAt(position);
    const auto kind = FolderTreeModel::Kind(index.data(FolderTreeModel::KindRole).toInt());
    if (!index.isValid() || !m_backend)
        return;
    const qint64 accountId = index.data(FolderTreeModel::AccountIdRole).toLongLong();
    QMenu menu(this);
    if (kind == FolderTreeModel::Kind::Folder && index.data(FolderTreeModel::SelectableRole).toBool()) {
        const qint64 folderId = index.data(FolderTreeModel::FolderIdRole).toLongLong();
        const bool selected = index.data(FolderTreeModel::SelectedForSyncRole).toBool();
        menu.addAction(tr("Mark All as &Read"), this, [this, folderId] { markFolderRead(folderId); });
        menu.addAction(tr("&Sync Now"), this, [this, accountId, folderId] { m_backend->syncNow(accountId, folderId); });
        QAction *toggle = menu.addAction(tr("S&ynchronize This Folder"), this, [this, folderId, selected] {
            m_backend->setFolderSynchronized(folderId, !selected);
        });
        toggle->setCheckable(true);
        toggle->setChecked(selected);
        menu.addSeparator();
        menu.addAction(tr("&Properties…"), this, [this, folderId] { showFolderProperties(folderId); });
    } else if (kind == FolderTreeModel::Kind::Account) {
        menu.addAction(tr("&Sync Now"), this, [this, accountId] { m_backend->syncNow(accountId, 0); });
    } else if (kind == FolderTreeModel::Kind::AllInboxes) {
        menu.addAction(tr("&Sync Now"), this, [this] { m_backend->syncNow(); });
    }
    if (!menu.isEmpty())
        menu.exec(m_ui->folderTree->viewport()->mapToGlobal(position));
}

void MainWindow::markFolderRead(qint64 folderId)
{
    if (m_backend)
        m_backend->markFolderRead(folderId);
}

void MainWindow::showFolderProperties(qint64 folderId)
{
    // The size is added up on the worker (a big folder has many rows); the dialog opens then.
    if (m_backend)
        m_backend->measureFolder(folderId);
}

void MainWindow::showFolderPropertiesWithSize(qint64 folderId, qint64 bytes)
{
    const Store::FolderRecord *folder = m_folderModel->folder(folderId);
    if (!folder)
        return;
    const QLocale locale;
    const auto when = [&locale, this](const QDateTime &time) {
        return time.isValid() ? locale.toString(time.toLocalTime(), QLocale::ShortFormat) : tr("never");
    };
    QStringList lines = {
            tr("Folder: %1").arg(folder->listing.path),
            tr("Messages: %1 (%2 unread)")
                    .arg(locale.toString(folder->messageCount), locale.toString(folder->unreadCount)),
            tr("Size: %1").arg(bytes < 0 ? tr("unknown") : locale.formattedDataSize(bytes)),
            tr("UIDVALIDITY: %1").arg(folder->state.uidValidity),
            tr("Last full synchronization: %1").arg(when(folder->lastFullSync)),
            tr("Last incremental synchronization: %1").arg(when(folder->lastIncrementalSync)),
            tr("Strategy used: %1").arg(folder->syncStrategy.isEmpty() ? tr("none yet") : folder->syncStrategy),
            tr("Synchronized: %1").arg(folder->selectedForSync ? tr("yes") : tr("no")),
    };
    if (!folder->lastError.isEmpty())
        lines.append(tr("Last error: %1").arg(folder->lastError));
    auto *box = new QMessageBox(QMessageBox::Information, tr("Folder Properties"), lines.join(QLatin1Char('\n')),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString MainWindow::accountName(qint64 accountId) const
{
    const QModelIndex index = m_folderModel ? m_folderModel->indexOfAccount(accountId) : QModelIndex();
    return index.isValid() ? index.data(Qt::EditRole).toString() : tr("Account %1").arg(accountId);
}

void MainWindow::onProgress(const Sync::SyncProgress &progress)
{
    QString text = tr("%1: %2 (%3 of %4)")
                           .arg(accountName(progress.accountId), progress.folderPath)
                           .arg(progress.folderIndex)
                           .arg(progress.folderCount);
    if (progress.total > 0)
        text += QStringLiteral(" ") +
                tr("%1/%2 messages").arg(QLocale().toString(progress.done), QLocale().toString(progress.total));
    m_progress.insert(progress.accountId, text);
    m_progressLabel->setText(QStringList(m_progress.values()).join(QStringLiteral(" · ")));
    m_folderModel->setFolderInProgress(progress.accountId, progress.folderId);
}

void MainWindow::onAccountState(qint64 accountId, Sync::AccountState state)
{
    m_folderModel->setAccountState(accountId, state);
    if (state != Sync::AccountState::Syncing && state != Sync::AccountState::Connecting) {
        m_progress.remove(accountId);
        m_progressLabel->setText(QStringList(m_progress.values()).join(QStringLiteral(" · ")));
    }
    if (state == Sync::AccountState::Idle || state == Sync::AccountState::Pushing) {
        m_errors.remove(accountId);
        m_errorLabel->setVisible(!m_errors.isEmpty());
    }
}

void MainWindow::onError(qint64 accountId, const QString &message)
{
    m_errors.insert(accountId, message);
    m_errorLabel->setText(tr("%1: %2 <a href=\"#details\">Details</a>")
                                  .arg(accountName(accountId).toHtmlEscaped(), message.left(80).toHtmlEscaped()));
    m_errorLabel->show();
}

void MainWindow::onMessagesArrived(qint64 accountId, qint64 folderId, const QList<qint64> &messageIds)
{
    const Store::FolderRecord *folder = m_folderModel->folder(folderId);
    // New mail in an INBOX that was synchronized before; not the first download of a folder.
    if (!m_tray || !folder || messageIds.isEmpty() ||
        folder->listing.path.compare(QStringLiteral("INBOX"), Qt::CaseInsensitive) != 0 ||
        !folder->lastIncrementalSync.isValid() || isActiveWindow())
        return;
    m_tray->showMessage(tr("New mail"),
                        tr("%n new message(s) for %1", nullptr, int(messageIds.size())).arg(accountName(accountId)));
}

void MainWindow::updateTray()
{
    if (!m_tray || !m_folderModel)
        return;
    const int unread = m_folderModel->totalInboxUnread();
    m_tray->setToolTip(unread > 0 ? tr("Heron: %n unread message(s)", nullptr, unread) : QStringLiteral("Heron"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // The servers get a LOGOUT before the application goes.
    if (m_backend && !m_backendStopped) {
        event->ignore();
        if (!m_closing) {
            m_closing = true;
            hide();
            if (m_tray)
                m_tray->hide();
            m_backend->shutdown();
        }
        return;
    }
    QMainWindow::closeEvent(event);
    Q_EMIT closed();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Heron"),
                       tr("<h3>Heron %1</h3>"
                          "<p>A desktop IMAP mail client.</p>"
                          "<p>Licensed under the GNU General Public License, version 3 or later.</p>")
                               .arg(QCoreApplication::applicationVersion().toHtmlEscaped()));
}

}  // namespace Heron::Gui
