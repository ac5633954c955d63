// SPDX-License-Identifier: GPL-3.0-or-later
// The server search against a scripted server that answers badly (QUALITY.md "Hostile server"):
// only the newest matches asked for are stored, whatever else the server volunteers; a folder
// under another UIDVALIDITY or refused by the server is skipped and the others still answered; a
// lost connection ends the search with nothing half stored. Hits never count as the folder's
// messages.

#include "imap/session.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/searchquery.h"
#include "support/scriptedserver.h"
#include "sync/serversearcher.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Heron;
using Heron::Test::ScriptedServer;

namespace {

constexpr int kTimeoutMs = 5000;
const QString kMetadataItems = QStringLiteral(R"(\(UID FLAGS INTERNALDATE RFC822\.SIZE BODYSTRUCTURE )"
                                              R"(BODY\.PEEK\[HEADER\.FIELDS \(DATE SUBJECT FROM SENDER REPLY-TO TO )"
                                              R"(CC BCC MESSAGE-ID IN-REPLY-TO REFERENCES LIST-ID\)\]\))");

// A metadata FETCH response as a raw script line: the header fields are a literal.
QString metadataFetch(int sequence, quint32 uid)
{
    const QByteArray headers = QStringLiteral("Date: Thu, 02 Jan 2020 10:00:00 +0000\r\n"
                                              "Subject: Old %1\r\n"
                                              "From: Anna <anna@example.org>\r\n"
                                              "Message-ID: <old%1@heron.test>\r\n\r\n")
                                       .arg(uid)
                                       .toUtf8();
    QString response = QStringLiteral(R"(* %1 FETCH (UID %2 FLAGS () INTERNALDATE "02-Jan-2020 10:00:00 +0000" )"
                                      R"(RFC822.SIZE 300 )"
                                      R"(BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 8 1 NIL )"
                                      R"(NIL NIL NIL) BODY[HEADER.FIELDS (DATE SUBJECT FROM SENDER REPLY-TO TO CC BCC )"
                                      R"(MESSAGE-ID IN-REPLY-TO REFERENCES LIST-ID)] {%3})"
                                      "\r\n%4)\r\n")
                               .arg(sequence)
                               .arg(uid)
                               .arg(headers.size())
                               .arg(QString::fromUtf8(headers));
    response.replace(QLatin1String("\r"), QLatin1String("\\r")).replace(QLatin1String("\n"), QLatin1String("\\n"));
    return QStringLiteral("S-raw: ") + response;
}

QStringList examined(const QString &tag, const QString &folder, quint32 uidValidity)
{
    return {QStringLiteral("C~: %1 EXAMINE \"?%2\"?").arg(tag, folder), QStringLiteral("S: * 600 EXISTS"),
            QStringLiteral("S: * OK [UIDVALIDITY %1] UIDs valid").arg(uidValidity),
            QStringLiteral("S: %1 OK [READ-ONLY] Examine completed").arg(tag)};
}

}  // namespace

class ServerSearcherScriptedTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void storesOnlyTheNewestMatchesAskedFor();
    void otherUidValidityOrRefusalSkipsTheFolder();
    void lostConnectionEndsTheSearch();

private:
    std::unique_ptr<Imap::Session> openSession(ScriptedServer &server);
    // Runs a search for "old" over the targets; true when it finished (false: it failed).
    bool search(Imap::Session *session, const QList<Sync::ServerSearcher::Target> &targets, int maxHits,
                QList<qint64> *hits, Sync::ServerSearcher **done = nullptr);
    Sync::ServerSearcher::Target target(qint64 folderId, const QByteArray &mailbox, quint32 uidValidity) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store::Database> m_database;
    qint64 m_archive = 0;
    qint64 m_old = 0;
    std::unique_ptr<Sync::ServerSearcher> m_searcher;
};

void ServerSearcherScriptedTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto opened = Store::Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY(opened.ok());
    m_database = std::move(opened.value());
    const qint64 account = *Store::AccountStore(*m_database).add(QStringLiteral("acct"), QStringLiteral("Scripted"));
    auto ids = Store::FolderStore(*m_database)
                       .upsertFolders(account, {{QStringLiteral("Archive")}, {QStringLiteral("Old")}});
    QVERIFY(ids.ok());
    m_archive = ids->at(0);
    m_old = ids->at(1);
}

void ServerSearcherScriptedTest::cleanup()
{
    m_searcher.reset();
    m_database.reset();
    m_dir.reset();
}

std::unique_ptr<Imap::Session> ServerSearcherScriptedTest::openSession(ScriptedServer &server)
{
    auto session = std::make_unique<Imap::Session>();
    Imap::SessionSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = server.port();
    settings.security = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.connectTimeoutMs = kTimeoutMs;
    settings.commandTimeoutMs = kTimeoutMs;
    session->setSettings(settings);
    QSignalSpy opened(session.get(), &Imap::Session::opened);
    session->open();
    if (!opened.wait(kTimeoutMs))
        return nullptr;
    return session;
}

Sync::ServerSearcher::Target ServerSearcherScriptedTest::target(qint64 folderId, const QByteArray &mailbox,
                                                                quint32 uidValidity) const
{
    return {folderId, mailbox, uidValidity,
            *Sync::serverSearchCriteria(*Store::SearchQuery::parse(QStringLiteral("old")), {})};
}

bool ServerSearcherScriptedTest::search(Imap::Session *session, const QList<Sync::ServerSearcher::Target> &targets,
                                        int maxHits, QList<qint64> *hits, Sync::ServerSearcher **done)
{
    m_searcher = std::make_unique<Sync::ServerSearcher>(session, *m_database, targets);
    m_searcher->setMaxHitsPerFolder(maxHits);
    connect(m_searcher.get(), &Sync::ServerSearcher::hitsFound, this,
            [hits](qint64, const QList<qint64> &ids) { *hits += ids; });
    QSignalSpy finished(m_searcher.get(), &Sync::ServerSearcher::finished);
    QSignalSpy failed(m_searcher.get(), &Sync::ServerSearcher::failed);
    m_searcher->start();
    (void)QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kTimeoutMs);
    if (done)
        *done = m_searcher.get();
    return finished.size() == 1 && failed.isEmpty();
}

void ServerSearcherScriptedTest::storesOnlyTheNewestMatchesAskedFor()
{
    ScriptedServer server;
    QStringList script{QStringLiteral("S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] ready")};
    script += examined(QStringLiteral("A0001"), QStringLiteral("Archive"), 9);
    script += QStringList{
            QStringLiteral(R"(C~: A0002 UID SEARCH RETURN \(ALL COUNT MIN MAX\) TEXT "old")"),
            QStringLiteral(R"(S: * ESEARCH (TAG "A0002") UID ALL 1:500 COUNT 500 MIN 1 MAX 500)"),
            QStringLiteral("S: A0002 OK done"),
            // Only the three newest are asked for...
            QStringLiteral("C~: A0003 UID FETCH 498:500 ") + kMetadataItems,
            metadataFetch(498, 498),
            metadataFetch(499, 499),
            // ...whatever else comes: a message not asked for, one twice.
            metadataFetch(7, 7),
            metadataFetch(500, 500),
            metadataFetch(500, 500),
            QStringLiteral("S: A0003 OK done"),
            QStringLiteral("X: wait-close"),
    };
    server.setScript(script);
    QVERIFY(server.start());
    auto session = openSession(server);
    QVERIFY(session);
    QList<qint64> hits;
    Sync::ServerSearcher *searcher = nullptr;
    QVERIFY(search(session.get(), {target(m_archive, "Archive", 0)}, 3, &hits, &searcher));
    QCOMPARE(searcher->hitCount(), 3);
    QCOMPARE(searcher->discoveredUidValidities().value(m_archive), 9u);
    Store::MessageStore messages(*m_database);
    QCOMPARE(UidSet::fromValues(messages.idsByUid(m_archive, UidSet::fromRange(1, 1000))->keys()),
             UidSet::fromRange(498, 500));
    QList<qint64> stored = messages.idsByUid(m_archive, UidSet::fromRange(498, 500))->values();
    std::sort(stored.begin(), stored.end());
    std::sort(hits.begin(), hits.end());
    QCOMPARE(hits, stored);
    QCOMPARE(messages.message(hits.constFirst())->subject, QStringLiteral("Old 498"));
    // Not the folder's messages: no count, and the end of the search takes them away.
    QCOMPARE(Store::FolderStore(*m_database).folder(m_archive)->messageCount, 0);
    QCOMPARE(*Store::FolderStore(*m_database).dropServerHits(), 3);
    session.reset();  // the connection closes
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void ServerSearcherScriptedTest::otherUidValidityOrRefusalSkipsTheFolder()
{
    ScriptedServer server;
    QStringList script{QStringLiteral("S: * PREAUTH [CAPABILITY IMAP4rev1] ready")};
    // The store knows Archive under UIDVALIDITY 5: under 6 its UIDs would name other messages.
    script += examined(QStringLiteral("A0001"), QStringLiteral("Archive"), 6);
    script += QStringList{
            QStringLiteral(R"(C~: A0002 EXAMINE "?Gone"?)"),
            QStringLiteral("S: A0002 NO [NONEXISTENT] No such mailbox"),
    };
    script += examined(QStringLiteral("A0003"), QStringLiteral("Old"), 4);
    script += QStringList{
            QStringLiteral(R"(C~: A0004 UID SEARCH TEXT "old")"),
            QStringLiteral("S: * SEARCH 12"),
            QStringLiteral("S: A0004 OK done"),
            QStringLiteral("C~: A0005 UID FETCH 12 ") + kMetadataItems,
            metadataFetch(1, 12),
            QStringLiteral("S: A0005 OK done"),
            QStringLiteral("X: wait-close"),
    };
    server.setScript(script);
    QVERIFY(server.start());
    auto session = openSession(server);
    QVERIFY(session);
    QList<qint64> hits;
    Sync::ServerSearcher *searcher = nullptr;
    QVERIFY(search(session.get(),
                   {target(m_archive, "Archive", 5), target(m_archive, "Gone", 0), target(m_old, "Old", 0)}, 200, &hits,
                   &searcher));
    QCOMPARE(searcher->foldersFailed(), 2);
    QCOMPARE(searcher->hitCount(), 1);
    QVERIFY(Store::MessageStore(*m_database).idsByUid(m_archive, UidSet::fromRange(1, 1000))->isEmpty());
    QCOMPARE(hits, QList<qint64>{*Store::MessageStore(*m_database).idForUid(m_old, 12)});
    session.reset();  // the connection closes
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

void ServerSearcherScriptedTest::lostConnectionEndsTheSearch()
{
    ScriptedServer server;
    QStringList script{QStringLiteral("S: * PREAUTH [CAPABILITY IMAP4rev1] ready")};
    script += examined(QStringLiteral("A0001"), QStringLiteral("Archive"), 9);
    script += QStringList{
            QStringLiteral(R"(C~: A0002 UID SEARCH TEXT "old")"),
            QStringLiteral("S: * SEARCH 3 4"),
            QStringLiteral("S: A0002 OK done"),
            QStringLiteral("C~: A0003 UID FETCH 3:4 ") + kMetadataItems,
            metadataFetch(1, 3),
            QStringLiteral("X: close"),
    };
    server.setScript(script);
    QVERIFY(server.start());
    auto session = openSession(server);
    QVERIFY(session);
    QList<qint64> hits;
    QVERIFY(!search(session.get(), {target(m_archive, "Archive", 0), target(m_old, "Old", 0)}, 200, &hits));
    QVERIFY(hits.isEmpty());
    // The message that came before the loss is not stored alone: the folder's answer was not whole.
    QVERIFY(Store::MessageStore(*m_database).idsByUid(m_archive, UidSet::fromRange(1, 1000))->isEmpty());
    QVERIFY(server.waitForScriptEnd());
    QCOMPARE(server.errors(), QStringList());
}

QTEST_GUILESS_MAIN(ServerSearcherScriptedTest)
#include "tst_serversearcher_scripted.moc"
