// SPDX-License-Identifier: GPL-3.0-or-later
// The search field's syntax as the server's SEARCH over the part of a folder outside the window:
// every user string sent as a string, never as syntax; dates and flags as keys.
#include "imap/command.h"
#include "store/searchquery.h"
#include "sync/serversearch.h"

#include <QTest>

using namespace Heron;

namespace {

// The command as it would go on the wire (one chunk: no synchronizing literal here).
QByteArray wire(const std::optional<Sync::ServerSearchCriteria> &criteria)
{
    Imap::Command command("UID SEARCH");
    if (!criteria->charset.isEmpty())
        command.atom("CHARSET").string(criteria->charset);
    criteria->build(command);
    return command.serialize("A1", Imap::LiteralSupport::LiteralPlus).join();
}

}  // namespace

class TestServerSearch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void translatesTheSyntax_data();
    void translatesTheSyntax();
    void nothingToAsk();
};

void TestServerSearch::translatesTheSyntax_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("attachmentFilter");
    const QByteArray head = "A1 UID SEARCH BEFORE 1-Mar-2024 ";
    QTest::newRow("words") << "invoice march" << head + "TEXT \"invoice\" TEXT \"march\"\r\n" << false;
    QTest::newRow("phrase and from") << "\"quarterly report\" from:anna"
                                     << head + "TEXT \"quarterly report\" FROM \"anna\"\r\n"
                                     << false;
    QTest::newRow("to is to, cc or bcc") << "to:bob" << head + "OR TO \"bob\" OR CC \"bob\" BCC \"bob\"\r\n" << false;
    QTest::newRow("flags and dates") << "is:unread is:flagged before:2023-12-31 after:2023-01-01"
                                     << head + "UNSEEN FLAGGED SENTBEFORE 31-Dec-2023 SENTSINCE 1-Jan-2023\r\n"
                                     << false;
    QTest::newRow("syntax stays a string") << "subject:\"(urgent) {5} OR\"" << head + "SUBJECT \"(urgent) {5} OR\"\r\n"
                                           << false;
    QTest::newRow("attachment filtered here") << "has:attachment budget" << head + "TEXT \"budget\"\r\n" << true;
}

void TestServerSearch::translatesTheSyntax()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, expected);
    QFETCH(bool, attachmentFilter);
    const auto parsed = Store::SearchQuery::parse(query);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    const auto criteria = Sync::serverSearchCriteria(*parsed, QDateTime(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC));
    QVERIFY(criteria.has_value());
    QCOMPARE(wire(criteria), expected);
    QCOMPARE(criteria->needsAttachmentFilter, attachmentFilter);
}

void TestServerSearch::nothingToAsk()
{
    const QDateTime window(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC);
    // Without a window (a folder not synchronized) the whole folder is searched.
    const auto whole = Sync::serverSearchCriteria(*Store::SearchQuery::parse(QStringLiteral("x")), {});
    QCOMPARE(wire(whole), QByteArray("A1 UID SEARCH TEXT \"x\"\r\n"));
    // has:attachment alone has no SEARCH key, and folder: is not one: every message would come back.
    QVERIFY(!Sync::serverSearchCriteria(*Store::SearchQuery::parse(QStringLiteral("has:attachment")), window)
                     .has_value());
    QVERIFY(!Sync::serverSearchCriteria(*Store::SearchQuery::parse(QStringLiteral("folder:Archive")), {}).has_value());
    // Non-ASCII text goes with CHARSET UTF-8.
    const auto criteria = Sync::serverSearchCriteria(*Store::SearchQuery::parse(QStringLiteral("Müller")), window);
    QCOMPARE(criteria->charset, QByteArray("UTF-8"));
    QVERIFY(wire(criteria).startsWith("A1 UID SEARCH CHARSET UTF-8 BEFORE 1-Mar-2024 TEXT "));
}

QTEST_GUILESS_MAIN(TestServerSearch)
#include "tst_serversearch.moc"
