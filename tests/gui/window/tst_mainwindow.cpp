// SPDX-License-Identifier: GPL-3.0-or-later
// The main window driven like a user would, against a real Dovecot: the account appears in the
// folder tree, a folder is opened, a message read, flagged, dragged to another folder, deleted,
// and found by search; each action shows at once and reaches the server. Screenshots of the
// window go to the build directory.
#include "accounts/profile.h"
#include "gui/foldertreemodel.h"
#include "gui/mailbackend.h"
#include "gui/mainwindow.h"
#include "gui/messagelistmodel.h"
#include "gui/messageview.h"
#include "gui/threadlistmodel.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "support/dovecotfixture.h"

#include <QAction>
#include <QDir>
#include <QFont>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace Heron;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kTimeoutMs = 30000;
const QString kUser = QStringLiteral("user0");

QByteArray message(const QByteArray &subject, int day)
{
    return "From: Anna Example <anna@example.org>\r\n"
           "To: Receiver <user0@heron.test>\r\n"
           "Subject: " +
           subject +
           "\r\n"
           "Date: " +
           QByteArray::number(day) +
           " Jan 2024 10:00:00 +0000\r\n"
           "Message-ID: <" +
           subject +
           "@heron.test>\r\n"
           "\r\nThe body of " +
           subject + ".\r\n";
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void firstRunPageWithoutAccounts();
    void readFlagMoveDeleteAndSearch();

private:
    QString uidFlags(const QString &folder, const QByteArray &subject);

    DovecotFixture m_fixture;
    QTemporaryDir m_dir;
};

void MainWindowTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users = {kUser};
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
    int day = 1;
    for (const QByteArray subject : {"Alpha", "Bravo", "Charlie", "Delta", "Echo"})
        QVERIFY(m_fixture.deliver(kUser, message(subject, day++)).ok());
    QVERIFY(m_fixture.createFolder(kUser, QStringLiteral("Work")));
}

void MainWindowTest::cleanupTestCase()
{
    m_fixture.stop();
}

void MainWindowTest::firstRunPageWithoutAccounts()
{
    QTemporaryDir dir;
    auto profile = Accounts::Profile::open(dir.filePath(QStringLiteral("empty")), {});
    QVERIFY(profile.ok());
    Gui::MainWindow window(&(*profile)->database(), nullptr);
    window.show();
    auto *pages = window.findChild<QStackedWidget *>(QStringLiteral("pages"));
    QVERIFY(pages);
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("welcomePage"));
    auto *demo = window.findChild<QPushButton *>(QStringLiteral("demoButton"));
    QVERIFY(demo);
    QSignalSpy demoRequested(&window, &Gui::MainWindow::demoRequested);
    QTest::mouseClick(demo, Qt::LeftButton);
    QCOMPARE(demoRequested.size(), 1);
}

QString MainWindowTest::uidFlags(const QString &folder, const QByteArray &subject)
{
    // The server's flags of the message with that subject in the folder; a null string when the
    // folder has no such message.
    auto fetched = m_fixture.doveadm({QStringLiteral("fetch"), QStringLiteral("-u"), kUser, QStringLiteral("flags"),
                                      QStringLiteral("mailbox"), folder, QStringLiteral("header"),
                                      QStringLiteral("Subject"), QString::fromUtf8(subject)});
    if (!fetched)
        return QStringLiteral("error: ") + fetched.error().message;
    const qsizetype at = fetched->indexOf("flags:");
    if (at < 0)
        return {};
    return QString::fromUtf8(fetched->mid(at + 6).trimmed()) + QStringLiteral(" ");
}

void MainWindowTest::readFlagMoveDeleteAndSearch()
{
    auto profile = Accounts::Profile::open(m_dir.filePath(QStringLiteral("profile")), {true});
    QVERIFY(profile.ok());
    Accounts::AccountSettings settings;
    settings.email = kUser + QStringLiteral("@heron.test");
    settings.displayName = QStringLiteral("Test account");
    settings.imapHost = m_fixture.host();
    settings.imapPort = m_fixture.imapPort();
    settings.imapSecurity = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.userName = kUser;
    settings.passwordStorage = Accounts::PasswordStorage::ProfileFile;
    auto account = (*profile)->addAccount(settings);
    QVERIFY(account.ok());
    bool written = false;
    (*profile)
            ->passwordStore(Accounts::PasswordStorage::ProfileFile)
            ->writePassword(account->settings.key, m_fixture.password(kUser),
                            [&written](Result<bool> result) { written = result.ok(); });
    QTRY_VERIFY(written);

    Gui::MailBackend backend(**profile);
    Gui::MainWindow window(&(*profile)->database(), &backend);
    window.setMarkReadDelay(0);
    window.setThreaded(false);
    window.resize(1200, 760);
    window.show();
    backend.start();

    // The account's folders arrive, then INBOX's five messages.
    Gui::FolderTreeModel *folders = window.folderModel();
    QTRY_VERIFY_WITH_TIMEOUT(!folders->inboxFolderIds().isEmpty(), kTimeoutMs);
    const qint64 inbox = folders->inboxFolderIds().constFirst();
    QTRY_COMPARE_WITH_TIMEOUT(folders->folder(inbox)->messageCount, 5, kTimeoutMs);
    auto *pages = window.findChild<QStackedWidget *>(QStringLiteral("pages"));
    QCOMPARE(pages->currentWidget()->objectName(), QStringLiteral("mailPage"));
    window.selectFolder(inbox);
    Gui::MessageListModel *messages = window.messageModel();
    QTRY_COMPARE(messages->rowCount(), 5);
    QCOMPARE(messages->index(0, Gui::MessageListModel::Subject).data().toString(), QStringLiteral("Echo"));
    QVERIFY(QDir().mkpath(QStringLiteral(HERON_TEST_BUILD_DIR "/screenshots")));
    QVERIFY(window.grab().save(QStringLiteral(HERON_TEST_BUILD_DIR "/screenshots/mainwindow-inbox.png")));

    // Opening a message marks it read, here and on the server.
    auto *list = window.findChild<QAbstractItemView *>(QStringLiteral("messageList"));
    list->setFocus();
    list->setCurrentIndex(messages->index(0, Gui::MessageListModel::Subject));
    QCOMPARE(window.currentMessageId(), messages->messageId(0));
    // Its text is fetched on demand and shown.
    QTextBrowser *body = nullptr;
    for (QTextBrowser *browser : window.messageView()->findChildren<QTextBrowser *>()) {
        if (browser->isVisible())
            body = browser;
    }
    QVERIFY(body);
    QTRY_VERIFY_WITH_TIMEOUT(body->toPlainText().contains(QStringLiteral("The body of Echo.")), kTimeoutMs);
    QTRY_VERIFY(!messages->index(0, 0).data(Gui::MessageListModel::UnreadRole).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(uidFlags(QStringLiteral("INBOX"), "Echo").contains(QStringLiteral("\\Seen")), kTimeoutMs);

    // Flag.
    window.findChild<QAction *>(QStringLiteral("actionFlag"))->trigger();
    QTRY_VERIFY(messages->index(0, 0).data(Gui::MessageListModel::FlaggedRole).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(uidFlags(QStringLiteral("INBOX"), "Echo").contains(QStringLiteral("\\Flagged")),
                             kTimeoutMs);

    // Dragged onto Work: it leaves the list at once and the server moves it.
    const qint64 work = *Store::FolderStore((*profile)->database()).idForPath(account->id, QStringLiteral("Work"));
    QVERIFY(work > 0);
    list->setCurrentIndex(messages->index(1, Gui::MessageListModel::Subject));  // Delta
    std::unique_ptr<QMimeData> dragged(messages->mimeData({messages->index(1, 0)}));
    QVERIFY(dragged);
    folders->dropMimeData(dragged.get(), Qt::MoveAction, -1, -1, folders->indexOfFolder(work));
    QTRY_COMPARE(messages->rowCount(), 4);
    QTRY_VERIFY_WITH_TIMEOUT(!uidFlags(QStringLiteral("Work"), "Delta").isNull(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(uidFlags(QStringLiteral("INBOX"), "Delta").isNull(), kTimeoutMs);

    // Del moves the selected message to the trash.
    list->setCurrentIndex(messages->index(1, Gui::MessageListModel::Subject));  // Charlie
    QCOMPARE(messages->index(1, Gui::MessageListModel::Subject).data().toString(), QStringLiteral("Charlie"));
    QTest::keyClick(list, Qt::Key_Delete);
    QTRY_COMPARE(messages->rowCount(), 3);
    QTRY_VERIFY_WITH_TIMEOUT(!uidFlags(QStringLiteral("Trash"), "Charlie").isNull(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(uidFlags(QStringLiteral("INBOX"), "Charlie").isNull(), kTimeoutMs);

    // Search, then back to the folder when the field is cleared.
    auto *search = window.findChild<QLineEdit *>(QStringLiteral("searchField"));
    search->setFocus();
    QTest::keyClicks(search, QStringLiteral("subject:bravo"));
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_COMPARE(messages->rowCount(), 1);
    QVERIFY(messages->showsSearchResults());
    QCOMPARE(messages->index(0, Gui::MessageListModel::Subject).data().toString(), QStringLiteral("Bravo"));
    search->clear();
    QTRY_COMPARE(messages->rowCount(), 3);
    QVERIFY(!messages->showsSearchResults());

    // Work is not synchronized: the server's SEARCH finds what is there, shown in italics, and
    // the hit leaves the store when the search ends.
    QVERIFY(m_fixture.deliver(kUser, message("Foxtrot", 9), QStringLiteral("Work")).ok());
    QTest::keyClicks(search, QStringLiteral("foxtrot"));
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(messages->rowCount(), 1, kTimeoutMs);
    const QModelIndex hit = messages->index(0, Gui::MessageListModel::Subject);
    QCOMPARE(hit.data().toString(), QStringLiteral("Foxtrot"));
    QVERIFY(hit.data(Gui::MessageListModel::ServerHitRole).toBool());
    QVERIFY(hit.data(Qt::FontRole).value<QFont>().italic());
    const qint64 hitId = messages->messageId(0);
    QVERIFY(window.grab().save(QStringLiteral(HERON_TEST_BUILD_DIR "/screenshots/mainwindow-server-search.png")));
    search->clear();
    QTRY_COMPARE(messages->rowCount(), 3);
    QTRY_VERIFY(!Store::MessageStore((*profile)->database()).message(hitId).ok());
    QVERIFY(window.grab().save(QStringLiteral(HERON_TEST_BUILD_DIR "/screenshots/mainwindow-after-actions.png")));

    // Threads: the same messages in the thread view, the open one selected there; back again.
    list->setCurrentIndex(messages->index(0, Gui::MessageListModel::Subject));
    const qint64 open = window.currentMessageId();
    QVERIFY(open);
    window.findChild<QAction *>(QStringLiteral("actionThreads"))->trigger();
    QVERIFY(window.isThreaded());
    auto *threadView = window.findChild<QTreeView *>(QStringLiteral("threadView"));
    QVERIFY(threadView->isVisible());
    QVERIFY(!list->isVisible());
    QTRY_VERIFY(window.threadModel()->isComplete());
    QCOMPARE(window.threadModel()->rowCount(), 3);
    QTRY_COMPARE(window.currentMessageId(), open);
    QCOMPARE(threadView->currentIndex().data(Gui::MessageListModel::MessageIdRole).toLongLong(), open);
    window.setThreaded(false);
    QVERIFY(list->isVisible());
    QCOMPARE(messages->rowCount(), 3);

    // Closing logs out first, then says so.
    QSignalSpy closed(&window, &Gui::MainWindow::closed);
    window.close();
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 10000);
}

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
