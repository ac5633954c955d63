// SPDX-License-Identifier: GPL-3.0-or-later
// The main window on the demo mailbox (the demo server, its profile and the real sync engine),
// photographed into <build>/screenshots/: the inbox with an HTML message open, a bounce, a
// conversation in the thread view, and a search. The README shows the first. Each picture is taken once what it shows
// is there.
#include "accounts/profile.h"
#include "demo/demoprofile.h"
#include "demo/demoserver.h"
#include "gui/foldertreemodel.h"
#include "gui/mailbackend.h"
#include "gui/mainwindow.h"
#include "gui/messagelistmodel.h"
#include "gui/messageview.h"
#include "gui/threadlistmodel.h"
#include "store/messagestore.h"

#include <QDir>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace Heron;

namespace {

constexpr int kTimeoutMs = 120000;

// The text the view shows in its visible browser (the message body).
QString shownText(Gui::MessageView *view)
{
    QString text;
    for (QTextBrowser *browser : view->findChildren<QTextBrowser *>()) {
        if (browser->isVisible())
            text += browser->toPlainText();
    }
    return text;
}

// The body has arrived: something is shown, and it is not the note that says it is on its way.
bool bodyShown(Gui::MessageView *view)
{
    const QString text = shownText(view).trimmed();
    return !text.isEmpty() && text != Gui::MessageView::tr("Loading…");
}

bool save(QWidget &window, const QString &name)
{
    const QString directory = QStringLiteral(HERON_TEST_BUILD_DIR "/screenshots");
    return QDir().mkpath(directory) && window.grab().save(QDir(directory).filePath(name));
}

}  // namespace

class ScreenshotsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void mainWindowOnTheDemoMailbox();
};

void ScreenshotsTest::mainWindowOnTheDemoMailbox()
{
    if (Demo::DemoServer::findDovecot().isEmpty())
        QSKIP("Dovecot is not installed (scripts/deps.sh installs it)");
    Demo::DemoServer server;
    QSignalSpy ready(&server, &Demo::DemoServer::ready);
    QSignalSpy failed(&server, &Demo::DemoServer::failed);
    server.start();
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), kTimeoutMs);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    const QList<QVariant> login = ready.first();

    QTemporaryDir profiles;
    std::optional<Result<Demo::DemoProfile>> prepared;
    Demo::prepareDemoProfile(
            profiles.filePath(QStringLiteral("demo")),
            {login.at(0).toString(), login.at(1).value<quint16>(), login.at(2).toString(), login.at(3).toString()},
            [&prepared](Result<Demo::DemoProfile> result) { prepared = std::move(result); });
    QTRY_VERIFY_WITH_TIMEOUT(prepared.has_value(), kTimeoutMs);
    QVERIFY2(prepared->ok(), qPrintable(prepared->ok() ? QString() : prepared->error().message));
    Accounts::Profile &profile = *prepared->value().profile;

    {
        Gui::MailBackend backend(profile);
        Gui::MainWindow window(&profile.database(), &backend);
        window.setMarkReadDelay(-1);  // the pictures keep their unread messages
        window.setThreaded(false);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        backend.start();

        Gui::FolderTreeModel *folders = window.folderModel();
        QTRY_VERIFY_WITH_TIMEOUT(!folders->inboxFolderIds().isEmpty(), kTimeoutMs);
        const qint64 inbox = folders->inboxFolderIds().constFirst();
        QTRY_COMPARE_WITH_TIMEOUT(folders->folder(inbox)->messageCount, 3000, kTimeoutMs);
        window.selectFolder(inbox);
        Gui::MessageListModel *messages = window.messageModel();
        QTRY_COMPARE(messages->rowCount(), 3000);

        // The newest HTML message with an attachment, opened.
        auto *list = window.findChild<QAbstractItemView *>(QStringLiteral("messageList"));
        Store::MessageStore store(profile.database());
        int chosen = -1;
        for (int row = 0; row < messages->rowCount() && chosen < 0; ++row) {
            auto message = store.message(messages->messageId(row));
            QVERIFY(message.ok());
            bool html = false;
            for (const Store::MessagePart &part : std::as_const(message->parts))
                html = html || part.mimeType == QLatin1String("text/html");
            if (html && message->hasAttachments)
                chosen = row;
        }
        QVERIFY(chosen >= 0);
        list->setCurrentIndex(messages->index(chosen, Gui::MessageListModel::Subject));
        QTRY_VERIFY_WITH_TIMEOUT(bodyShown(window.messageView()), kTimeoutMs);
        QVERIFY(save(window, QStringLiteral("main-window.png")));

        // The bounce, explained.
        qint64 bounce = 0;
        for (int row = 0; row < messages->rowCount() && !bounce; ++row) {
            auto message = store.message(messages->messageId(row));
            if (message && message->isDeliveryReport) {
                bounce = message->id;
                list->setCurrentIndex(messages->index(row, Gui::MessageListModel::Subject));
                list->scrollTo(list->currentIndex());
            }
        }
        QVERIFY(bounce);
        QTRY_VERIFY_WITH_TIMEOUT(bodyShown(window.messageView()), kTimeoutMs);
        QVERIFY(save(window, QStringLiteral("bounce.png")));

        // Threads, one of them open.
        window.setThreaded(true);
        Gui::ThreadListModel *threads = window.threadModel();
        QTRY_VERIFY_WITH_TIMEOUT(threads->isComplete() && threads->rowCount() > 0, kTimeoutMs);
        auto *threadView = window.findChild<QTreeView *>(QStringLiteral("threadView"));
        QModelIndex conversation;
        for (int row = 0; row < threads->rowCount() && !conversation.isValid(); ++row) {
            const QModelIndex root = threads->index(row, 0);  // a tree's children hang off column 0
            if (root.data(Gui::ThreadListModel::ThreadSizeRole).toInt() >= 3)
                conversation = root;
        }
        QVERIFY(conversation.isValid());
        threadView->expandRecursively(conversation);
        threadView->setCurrentIndex(threads->index(0, Gui::MessageListModel::Subject, conversation));
        threadView->scrollTo(conversation, QAbstractItemView::PositionAtTop);
        QTRY_VERIFY_WITH_TIMEOUT(bodyShown(window.messageView()), kTimeoutMs);
        QVERIFY(save(window, QStringLiteral("threads.png")));
        window.setThreaded(false);

        // A search across folders.
        auto *search = window.findChild<QLineEdit *>(QStringLiteral("searchField"));
        search->setText(QStringLiteral("has:attachment is:unread"));
        QMetaObject::invokeMethod(search, "returnPressed");
        QTRY_VERIFY_WITH_TIMEOUT(messages->showsSearchResults() && messages->rowCount() > 0, kTimeoutMs);
        QVERIFY(save(window, QStringLiteral("search.png")));

        QSignalSpy closed(&window, &Gui::MainWindow::closed);
        window.close();
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kTimeoutMs);
    }
    prepared.reset();
    QSignalSpy stopped(&server, &Demo::DemoServer::stopped);
    server.stop();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, kTimeoutMs);
}

QTEST_MAIN(ScreenshotsTest)
#include "tst_screenshots.moc"
