// SPDX-License-Identifier: GPL-3.0-or-later
// The search syntax of the search bar and `heron search`: parsing of every key, quoting, hostile
// input and bad dates; and runSearch over a small store: diacritics, addresses, flags,
// attachments, date boundaries, folders, accounts, order, and user text that tries to be FTS5
// or SQL syntax; and that runSearch's plans agree on a store of a few hundred messages.
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "store/searchquery.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace Heron;
using namespace Heron::Store;

using Ids = QList<qint64>;

namespace {

// A canonical text of a parsed query, for table rows.
QString describe(const SearchQuery &q)
{
    QStringList parts;
    auto list = [&](const char *name, const QStringList &values) {
        if (!values.isEmpty())
            parts.append(QString::fromLatin1(name) + QLatin1Char('=') + values.join(QLatin1Char('|')));
    };
    list("words", q.words);
    list("phrases", q.phrases);
    list("from", q.from);
    list("to", q.to);
    list("subject", q.subject);
    if (q.hasAttachment)
        parts.append(QStringLiteral("attachment"));
    if (q.unread.has_value())
        parts.append(*q.unread ? QStringLiteral("unread") : QStringLiteral("read"));
    if (q.flagged)
        parts.append(QStringLiteral("flagged"));
    if (q.before.isValid())
        parts.append(QStringLiteral("before=") + q.before.toString(Qt::ISODate));
    if (q.after.isValid())
        parts.append(QStringLiteral("after=") + q.after.toString(Qt::ISODate));
    if (!q.folder.isEmpty())
        parts.append(QStringLiteral("folder=") + q.folder);
    return parts.join(QLatin1Char(' '));
}

QDateTime localTime(int year, int month, int day, int hour = 0, int minute = 0, int second = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second));
}

}  // namespace

class TestSearchQuery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void matchExpressionIsMadeOfStringsOnly_data();
    void matchExpressionIsMadeOfStringsOnly();
    void ftsStringDoublesQuotes();

    void cleanupTestCase();
    void runSearch_data();
    void runSearch();
    void newestFirstAndLimited();
    void accountFilter();
    void bodyTextIsSearchedOnceIndexed();
    void hostileInputChangesNothing();
    void emptyQueryIsRefused();
    void plansAgree_data();
    void plansAgree();

private:
    // The store the search tests share (they only read it, except where said); built on first use
    // so that the parser tests above run without one. m_db is set only once it is complete.
    void setUpStore();
    qint64 addMessage(Database &db, qint64 folderId, const MessageMetadata &message);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    qint64 m_account = 0;
    qint64 m_otherAccount = 0;
    qint64 m_inbox = 0;
    qint64 m_archive = 0;
    QHash<QString, qint64> m_ids;
};

void TestSearchQuery::parse_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");  // describe() of the query, or "error: <part of the message>"

    QTest::newRow("one word") << "hello"
                              << "words=hello";
    QTest::newRow("words in order") << "hello  world\tagain"
                                    << "words=hello|world|again";
    QTest::newRow("phrase") << "\"big news\""
                            << "phrases=big news";
    QTest::newRow("unterminated phrase runs to the end") << "\"big news"
                                                         << "phrases=big news";
    QTest::newRow("empty phrase is nothing") << "\"\" hello"
                                             << "words=hello";
    QTest::newRow("from") << "from:anna"
                          << "from=anna";
    QTest::newRow("key in any case") << "FROM:anna"
                                     << "from=anna";
    QTest::newRow("from quoted") << "from:\"Anna Müller\""
                                 << "from=Anna Müller";
    QTest::newRow("from with a space before the value") << "from: anna"
                                                        << "from=anna";
    QTest::newRow("from empty") << "from:"
                                << "error:from: needs a value";
    QTest::newRow("from empty quoted") << "from:\"\""
                                       << "error:from: needs a value";
    QTest::newRow("from followed by another key") << "from: is:unread"
                                                  << "error:from: needs a value";
    QTest::newRow("to") << "to:bob@example.net"
                        << "to=bob@example.net";
    QTest::newRow("subject") << "subject:invoice"
                             << "subject=invoice";
    QTest::newRow("subject quoted") << "subject:\"March invoice\""
                                    << "subject=March invoice";
    QTest::newRow("several of a key") << "from:anna from:example.org"
                                      << "from=anna|example.org";
    QTest::newRow("has attachment") << "has:attachment"
                                    << "attachment";
    QTest::newRow("has attachments") << "has:Attachments"
                                     << "attachment";
    QTest::newRow("has something else") << "has:pets"
                                        << "error:has:attachment";
    QTest::newRow("is unread") << "is:unread"
                               << "unread";
    QTest::newRow("is read") << "is:read"
                             << "read";
    QTest::newRow("later is wins") << "is:unread is:read"
                                   << "read";
    QTest::newRow("is flagged") << "is:flagged"
                                << "flagged";
    QTest::newRow("is something else") << "is:urgent"
                                       << "error:is:unread, is:read and is:flagged";
    QTest::newRow("is empty") << "is:"
                              << "error:is: needs a value after it, like is:unread";
    QTest::newRow("before") << "before:2024-03-31"
                            << "before=2024-03-31";
    QTest::newRow("after with slashes") << "after:2024/01/02"
                                        << "after=2024-01-02";
    QTest::newRow("before not a calendar day") << "before:2024-02-30"
                                               << "error:\"2024-02-30\" is not one";
    QTest::newRow("before a word") << "before:yesterday"
                                   << "error:like before:2024-03-31";
    QTest::newRow("after day first") << "after:31-03-2024"
                                     << "error:year-month-day";
    QTest::newRow("after empty") << "after:"
                                 << "error:after: needs a value";
    QTest::newRow("folder") << "folder:Archive/2024"
                            << "folder=Archive/2024";
    QTest::newRow("everything") << "budget \"next year\" from:anna to:bob subject:plan has:attachment is:unread "
                                   "is:flagged after:2024-01-01 before:2024-12-31 folder:INBOX"
                                << "words=budget phrases=next year from=anna to=bob subject=plan attachment unread "
                                   "flagged before=2024-12-31 after=2024-01-01 folder=INBOX";
    QTest::newRow("unknown key is words") << "foo:bar"
                                          << "words=foo:bar";
    QTest::newRow("url is a word") << "https://example.org/a"
                                   << "words=https://example.org/a";
    QTest::newRow("time of day is a word") << "10:30"
                                           << "words=10:30";
    QTest::newRow("fts operators are words") << "\"a\" OR b NEAR("
                                             << "words=OR|b|NEAR( phrases=a";
    QTest::newRow("fts column filter is words") << "{subject} : x"
                                                << "words={subject}|:|x";
    QTest::newRow("unicode") << "Grüße 東京 Ñandú"
                             << "words=Grüße|東京|Ñandú";
    QTest::newRow("control characters separate words") << "red\x1b[0mgreen"
                                                       << "words=red|[0mgreen";
    QTest::newRow("blank") << "   \t "
                           << "error:Type what to search for";
    QTest::newRow("empty") << ""
                           << "error:Type what to search for";
    QTest::newRow("only empty phrases") << "\"\" \"  \""
                                        << "error:Nothing to search for";
}

void TestSearchQuery::parse()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const auto parsed = SearchQuery::parse(input);
    if (expected.startsWith(QLatin1String("error:"))) {
        QVERIFY2(!parsed.ok(), qPrintable(parsed.ok() ? describe(*parsed) : QString()));
        QCOMPARE(parsed.error().code, Error::Code::InvalidInput);
        QVERIFY2(parsed.error().message.contains(expected.mid(6)), qPrintable(parsed.error().message));
    } else {
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(describe(*parsed), expected);
    }
}

void TestSearchQuery::matchExpressionIsMadeOfStringsOnly_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("last word is a prefix") << "hello world"
                                           << "\"hello\" \"world\"*";
    QTest::newRow("phrases first, then words") << "x \"a b\""
                                               << "\"a b\" \"x\"*";
    QTest::newRow("subject is a column filter") << "subject:news hello"
                                                << "\"hello\"* {subject} : \"news\"";
    QTest::newRow("operators stay words") << "\"a\" OR b NEAR("
                                          << "\"a\" \"OR\" \"b\" \"NEAR(\"*";
    QTest::newRow("quote inside a word") << "it\"s"
                                         << "\"it\"\"s\"*";
    QTest::newRow("quote inside a subject") << "subject:x\"y"
                                            << "{subject} : \"x\"\"y\"";
    QTest::newRow("star and caret") << "^start* -not"
                                    << "\"^start*\" \"-not\"*";
    QTest::newRow("no full text") << "from:anna is:unread"
                                  << "";
}

void TestSearchQuery::matchExpressionIsMadeOfStringsOnly()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const auto parsed = SearchQuery::parse(input);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->matchExpression(), expected);
}

void TestSearchQuery::ftsStringDoublesQuotes()
{
    QCOMPARE(ftsString(QStringLiteral("plain")), QStringLiteral("\"plain\""));
    QCOMPARE(ftsString(QStringLiteral("a\"b\"\"")), QStringLiteral("\"a\"\"b\"\"\"\"\""));
    QCOMPARE(ftsString(QStringLiteral("nul\u0000and\u001bescape")), QStringLiteral("\"nulandescape\""));
    QCOMPARE(ftsString(QString()), QStringLiteral("\"\""));
}

qint64 TestSearchQuery::addMessage(Database &db, qint64 folderId, const MessageMetadata &message)
{
    SyncBatch batch;
    batch.messages = {message};
    auto applied = FolderStore(db).applySyncBatch(folderId, batch);
    if (!applied.ok()) {
        qWarning() << applied.error().message;
        return 0;
    }
    auto id = MessageStore(db).idForUid(folderId, message.uid);
    return id.ok() ? *id : 0;
}

void TestSearchQuery::setUpStore()
{
    if (m_db)
        return;
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Database::open(m_dir->filePath(QStringLiteral("store.sqlite")));
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    std::unique_ptr<Database> db = std::move(opened.value());
    auto account = AccountStore(*db).add(QStringLiteral("one"), QStringLiteral("Bob"));
    QVERIFY(account.ok());
    m_account = *account;
    auto other = AccountStore(*db).add(QStringLiteral("two"), QStringLiteral("Other"));
    QVERIFY(other.ok());
    m_otherAccount = *other;
    auto folders = FolderStore(*db).upsertFolders(m_account, {{QStringLiteral("INBOX"), QStringLiteral("/")},
                                                              {QStringLiteral("Archive"), QStringLiteral("/")}});
    QVERIFY(folders.ok());
    m_inbox = folders->at(0);
    m_archive = folders->at(1);
    auto otherFolders = FolderStore(*db).upsertFolders(m_otherAccount,
                                                       {{QStringLiteral("INBOX"), QStringLiteral("/")}});
    QVERIFY(otherFolders.ok());

    const Address bob{QStringLiteral("Bob"), QStringLiteral("bob@example.net")};
    m_ids.clear();

    MessageMetadata koeln;
    koeln.uid = 1;
    koeln.subject = QStringLiteral("Grüße aus Köln");
    koeln.from = {{QStringLiteral("Anna Müller"), QStringLiteral("anna@example.org")}};
    koeln.to = {bob};
    koeln.date = localTime(2024, 3, 10, 12);
    koeln.internalDate = koeln.date;
    koeln.flags.bits = MessageFlags::Seen;
    m_ids.insert(QStringLiteral("koeln"), addMessage(*db, m_inbox, koeln));

    // Sent exactly at the first instant of 31 March: inside after:2024-03-31, outside before:.
    MessageMetadata invoice;
    invoice.uid = 2;
    invoice.subject = QStringLiteral("Invoice March");
    invoice.from = {{QString(), QStringLiteral("billing@shop.example")}};
    invoice.to = {bob};
    invoice.cc = {{QStringLiteral("Carol"), QStringLiteral("carol@example.org")}};
    invoice.date = localTime(2024, 3, 31);
    invoice.internalDate = localTime(2024, 4, 5);
    invoice.hasAttachments = true;
    m_ids.insert(QStringLiteral("invoice"), addMessage(*db, m_inbox, invoice));

    // No Date header: the arrival time, the last second of 30 March, counts.
    MessageMetadata notes;
    notes.uid = 3;
    notes.subject = QStringLiteral("Meeting notes");
    notes.from = {{QStringLiteral("Carol"), QStringLiteral("carol@example.org")}};
    notes.to = {bob};
    notes.internalDate = localTime(2024, 3, 30, 23, 59, 59);
    notes.flags.bits = MessageFlags::Seen | MessageFlags::Flagged;
    m_ids.insert(QStringLiteral("notes"), addMessage(*db, m_inbox, notes));

    MessageMetadata operators;
    operators.uid = 1;
    operators.subject = QStringLiteral("OR NEAR AND 100% done_now");
    operators.from = {{QStringLiteral("Eve"), QStringLiteral("eve@evil.example")}};
    operators.bcc = {{QString(), QStringLiteral("dave@example.com")}};
    operators.date = localTime(2024, 4, 2, 8);
    operators.internalDate = operators.date;
    operators.flags.bits = MessageFlags::Seen;
    m_ids.insert(QStringLiteral("operators"), addMessage(*db, m_archive, operators));

    MessageMetadata elsewhere;
    elsewhere.uid = 1;
    elsewhere.subject = QStringLiteral("Invoice April");
    elsewhere.from = {{QString(), QStringLiteral("billing@shop.example")}};
    elsewhere.date = localTime(2024, 4, 30);
    elsewhere.internalDate = elsewhere.date;
    m_ids.insert(QStringLiteral("elsewhere"), addMessage(*db, otherFolders->at(0), elsewhere));

    for (auto it = m_ids.cbegin(); it != m_ids.cend(); ++it)
        QVERIFY2(it.value() > 0, qPrintable(it.key()));
    QVERIFY(MessageStore(*db)
                    .setBodyText(m_ids.value(QStringLiteral("notes")),
                                 QStringLiteral("The quarterly budget is attached."))
                    .ok());
    m_db = std::move(db);
}

void TestSearchQuery::cleanupTestCase()
{
    m_db.reset();
    m_dir.reset();
}

void TestSearchQuery::runSearch_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QStringList>("expected");  // names of the messages, newest first

    const auto names = [](std::initializer_list<const char *> list) {
        QStringList result;
        for (const char *name : list)
            result.append(QString::fromLatin1(name));
        return result;
    };
    QTest::newRow("muller finds Müller") << "muller" << names({"koeln"});
    QTest::newRow("koln finds Köln") << "KOLN" << names({"koeln"});
    QTest::newRow("prefix of the last word") << "mül" << names({"koeln"});
    QTest::newRow("only the last word is a prefix") << "mul koln" << names({});
    QTest::newRow("words are combined with AND") << "muller invoice" << names({});
    QTest::newRow("address words") << "billing" << names({"elsewhere", "invoice"});
    QTest::newRow("phrase in order") << "\"invoice march\"" << names({"invoice"});
    QTest::newRow("phrase out of order") << "\"march invoice\"" << names({});
    QTest::newRow("from by name") << "from:anna" << names({"koeln"});
    QTest::newRow("from by name with umlaut") << "from:Müller" << names({"koeln"});
    QTest::newRow("from by address part") << "from:shop.example" << names({"elsewhere", "invoice"});
    QTest::newRow("from by the inside of an address") << "from:illing@sh" << names({"elsewhere", "invoice"});
    QTest::newRow("from by the inside of a name") << "from:NNA Mü" << names({"koeln"});
    QTest::newRow("from is not to") << "from:bob" << names({});
    QTest::newRow("to includes cc") << "to:carol" << names({"invoice"});
    QTest::newRow("to includes bcc") << "to:dave" << names({"operators"});
    QTest::newRow("to is not from") << "to:anna" << names({});
    QTest::newRow("to by the inside of a cc address") << "to:arol@exa" << names({"invoice"});
    QTest::newRow("subject") << "subject:notes" << names({"notes"});
    QTest::newRow("subject is not address") << "subject:carol" << names({});
    QTest::newRow("is unread") << "is:unread" << names({"elsewhere", "invoice"});
    QTest::newRow("is read") << "is:read" << names({"operators", "notes", "koeln"});
    QTest::newRow("is flagged") << "is:flagged" << names({"notes"});
    QTest::newRow("has attachment") << "has:attachment" << names({"invoice"});
    QTest::newRow("before excludes its day") << "before:2024-03-31" << names({"notes", "koeln"});
    QTest::newRow("after includes its day") << "after:2024-03-31" << names({"elsewhere", "operators", "invoice"});
    QTest::newRow("after the day before includes arrival time")
            << "after:2024-03-30 before:2024-03-31" << names({"notes"});
    QTest::newRow("folder") << "folder:Archive" << names({"operators"});
    QTest::newRow("inbox in any case") << "folder:inbox subject:invoice" << names({"elsewhere", "invoice"});
    QTest::newRow("folder is exact") << "folder:Arch" << names({});
    QTest::newRow("words and conditions") << "invoice is:unread has:attachment" << names({"invoice"});
}

void TestSearchQuery::runSearch()
{
    setUpStore();
    QVERIFY(m_db);
    QFETCH(QString, input);
    QFETCH(QStringList, expected);
    const auto parsed = SearchQuery::parse(input);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    const auto found = Store::runSearch(*m_db, *parsed);
    QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error().message));
    Ids expectedIds;
    for (const QString &name : expected)
        expectedIds.append(m_ids.value(name));
    QCOMPARE(*found, expectedIds);
}

void TestSearchQuery::newestFirstAndLimited()
{
    setUpStore();
    QVERIFY(m_db);
    const auto parsed = SearchQuery::parse(QStringLiteral("to:bob"));
    QVERIFY(parsed.ok());
    const Ids all = {m_ids.value(QStringLiteral("invoice")), m_ids.value(QStringLiteral("notes")),
                     m_ids.value(QStringLiteral("koeln"))};
    QCOMPARE(*Store::runSearch(*m_db, *parsed), all);
    QCOMPARE(*Store::runSearch(*m_db, *parsed, 2), all.mid(0, 2));
    QCOMPARE(*Store::runSearch(*m_db, *parsed, 1), all.mid(0, 1));
    QCOMPARE(*Store::runSearch(*m_db, *parsed, 0), all);
}

void TestSearchQuery::accountFilter()
{
    setUpStore();
    QVERIFY(m_db);
    const auto parsed = SearchQuery::parse(QStringLiteral("invoice"));
    QVERIFY(parsed.ok());
    QCOMPARE(*Store::runSearch(*m_db, *parsed, 500, m_account), Ids{m_ids.value(QStringLiteral("invoice"))});
    QCOMPARE(*Store::runSearch(*m_db, *parsed, 500, m_otherAccount), Ids{m_ids.value(QStringLiteral("elsewhere"))});
    QCOMPARE(Store::runSearch(*m_db, *parsed, 500, 0)->size(), 2);
}

void TestSearchQuery::bodyTextIsSearchedOnceIndexed()
{
    setUpStore();
    QVERIFY(m_db);
    const QString text = QStringLiteral("The quarterly budget is attached.");
    const qint64 notes = m_ids.value(QStringLiteral("notes"));
    const auto budget = SearchQuery::parse(QStringLiteral("quarterly budget"));
    QVERIFY(budget.ok());
    QCOMPARE(*Store::runSearch(*m_db, *budget), Ids{notes});
    QVERIFY(MessageStore(*m_db).setBodyText(notes, QString()).ok());
    QCOMPARE(*Store::runSearch(*m_db, *budget), Ids{});
    // Put back for the tests that follow.
    QVERIFY(MessageStore(*m_db).setBodyText(notes, text).ok());
    QCOMPARE(*Store::runSearch(*m_db, *budget), Ids{notes});
}

void TestSearchQuery::hostileInputChangesNothing()
{
    setUpStore();
    QVERIFY(m_db);
    const QStringList hostile = {
            QStringLiteral("\"a\" OR b NEAR("),
            QStringLiteral("muller OR invoice"),
            QStringLiteral("NEAR(muller invoice)"),
            QStringLiteral("{subject} : invoice"),
            QStringLiteral("subject: : OR invoice"),
            QStringLiteral("subject:x\" OR \"invoice"),
            QStringLiteral("muller NOT koln"),
            QStringLiteral("from:%"),
            QStringLiteral("from:_"),
            QStringLiteral("from:\\"),
            QStringLiteral("from:'); DROP TABLE messages; --"),
            QStringLiteral("folder:' OR 1=1 --"),
            QStringLiteral("'; DELETE FROM messages; --"),
            QStringLiteral("to:\") OR 1=1 --"),
            QString(QChar(0)) + QStringLiteral("invoice") + QChar(0) + QStringLiteral(" OR koln"),
    };
    for (const QString &input : hostile) {
        const auto parsed = SearchQuery::parse(input);
        QVERIFY2(parsed.ok(),
                 qPrintable(input + QStringLiteral(": ") + (parsed.ok() ? QString() : parsed.error().message)));
        const auto found = Store::runSearch(*m_db, *parsed);
        QVERIFY2(found.ok(),
                 qPrintable(input + QStringLiteral(": ") + (found.ok() ? QString() : found.error().message)));
        QVERIFY2(found->isEmpty(), qPrintable(input + QStringLiteral(": found %1 messages").arg(found->size())));
    }
    // Wildcard characters are literal: the subject with "100% done_now" is found by them, nothing else.
    const auto literal = SearchQuery::parse(QStringLiteral("subject:done_now"));
    QVERIFY(literal.ok());
    QCOMPARE(*Store::runSearch(*m_db, *literal), Ids{m_ids.value(QStringLiteral("operators"))});
    // The typed operators were words all along: the message whose subject holds them is found.
    const auto operatorWords = SearchQuery::parse(QStringLiteral("OR NEAR AND"));
    QVERIFY(operatorWords.ok());
    QCOMPARE(*Store::runSearch(*m_db, *operatorWords), Ids{m_ids.value(QStringLiteral("operators"))});

    QSqlQuery count(m_db->connection());
    QVERIFY(count.exec(QStringLiteral("SELECT count(*) FROM messages")) && count.next());
    QCOMPARE(count.value(0).toInt(), 5);
    QVERIFY(MessageStore(*m_db).checkIndexes().ok());
}

void TestSearchQuery::emptyQueryIsRefused()
{
    setUpStore();
    QVERIFY(m_db);
    const auto found = Store::runSearch(*m_db, SearchQuery());
    QVERIFY(!found.ok());
    QCOMPARE(found.error().code, Error::Code::InvalidInput);
}

// A store of its own: 400 messages in two accounts, written in batches newest first as a first
// sync does (so ids do not follow dates), some without a Date header, some sent at the same
// instant, and 40 removed again (their rows stay in the search index until purged).
void TestSearchQuery::plansAgree_data()
{
    QTest::addColumn<QString>("input");
    for (const char *text : {"alpha", "beta", "gamma", "delta", "alpha beta", "\"beta gamma\"", "al", "nothingatall",
                             "subject:gamma", "alpha is:flagged", "from:owalsk", "from:O\"Brien", "from:ß",
                             "to:team", "to:carol", "beta to:carol", "gamma has:attachment is:unread",
                             "delta before:2024-02-01", "alpha after:2024-02-01", "folder:Archive beta",
                             "from:example.org alpha", "is:flagged"})
        QTest::newRow(text) << QString::fromUtf8(text);
}

void TestSearchQuery::plansAgree()
{
    QFETCH(QString, input);
    static QTemporaryDir dir;
    static std::unique_ptr<Database> db;
    static qint64 account = 0;
    static QList<qint64> removed;
    if (!db) {
        QVERIFY(dir.isValid());
        auto opened = Database::open(dir.filePath(QStringLiteral("plans.sqlite")));
        QVERIFY(opened.ok());
        std::unique_ptr<Database> store = std::move(opened.value());
        account = *AccountStore(*store).add(QStringLiteral("one"), QStringLiteral("One"));
        const qint64 other = *AccountStore(*store).add(QStringLiteral("two"), QStringLiteral("Two"));
        const auto folders = *FolderStore(*store).upsertFolders(
                account, {{QStringLiteral("INBOX"), QStringLiteral("/")}, {QStringLiteral("Archive"), QStringLiteral("/")}});
        const qint64 otherInbox =
                FolderStore(*store).upsertFolders(other, {{QStringLiteral("INBOX"), QStringLiteral("/")}})->constFirst();
        const QList<qint64> folderIds = {folders.at(0), folders.at(1), otherInbox};
        const QStringList words = {QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma"),
                                   QStringLiteral("delta"), QStringLiteral("alphabet")};
        const QList<Address> senders = {{QStringLiteral("Jan Kowalski"), QStringLiteral("jan@example.org")},
                                        {QStringLiteral("Pat O\"Brien"), QStringLiteral("pat@example.net")},
                                        {QStringLiteral("Hans Strauß"), QStringLiteral("hans@example.de")},
                                        {QString(), QStringLiteral("robot@lists.example.org")}};
        std::mt19937 random(7);
        constexpr int kCount = 400;
        constexpr int kBatch = 50;
        for (int last = kCount; last > 0; last -= kBatch) {
            QHash<qint64, SyncBatch> batches;
            for (int uid = last; uid > last - kBatch; --uid) {
                MessageMetadata message;
                message.uid = quint32(uid);
                message.subject = words.at(random() % words.size()) + QLatin1Char(' ') +
                                  words.at(random() % words.size()) + QLatin1Char(' ') +
                                  words.at(random() % words.size());
                message.from = {senders.at(random() % senders.size())};
                message.to = {{QStringLiteral("Me"), QStringLiteral("me@example.org")}};
                if (random() % 3 == 0)
                    message.cc = {{QStringLiteral("Carol"), QStringLiteral("carol@team.example.org")}};
                // Two by two the messages share an instant; every fifth has a Date far from its
                // arrival, every seventh none.
                const QDateTime when = localTime(2024, 1, 1).addSecs(qint64(uid / 2) * 3600 * 7);
                message.internalDate = when.addSecs(60);
                if (uid % 7 != 0)
                    message.date = uid % 5 == 0 ? localTime(2024, 1, 1).addSecs(qint64(uid / 10) * 3600 * 35) : when;
                message.flags.bits = (random() % 4 == 0 ? quint32(MessageFlags::Flagged) : 0u) |
                                     (random() % 2 == 0 ? quint32(MessageFlags::Seen) : 0u);
                message.hasAttachments = random() % 5 == 0;
                batches[folderIds.at(uid % 3)].messages.append(message);
            }
            for (auto it = batches.cbegin(); it != batches.cend(); ++it)
                QVERIFY(FolderStore(*store).applySyncBatch(it.key(), it.value()).ok());
        }
        SyncBatch removals;
        for (int uid = 3; uid <= kCount; uid += 30) {
            auto id = MessageStore(*store).idForUid(folderIds.at(0), quint32(uid));
            QVERIFY(id.ok());
            removed.append(*id);
            removals.removedUids.add(quint32(uid));
        }
        QVERIFY(FolderStore(*store).applySyncBatch(folderIds.at(0), removals).ok());
        QSqlQuery pending(store->connection());
        QVERIFY(pending.exec(QStringLiteral("SELECT count(*) FROM search_removed")) && pending.next());
        QCOMPARE(pending.value(0).toInt(), removed.size());
        db = std::move(store);
    }
    QVERIFY(db);

    const auto parsed = SearchQuery::parse(input);
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QSqlQuery when(db->connection());
    QVERIFY(when.prepare(QStringLiteral("SELECT coalesce(date, internal_date) FROM messages WHERE id = ?")));
    for (qint64 accountId : {qint64(0), account}) {
        const auto all = Store::runSearch(*db, *parsed, 0, accountId, SearchPlan::MatchesFirst);
        QVERIFY2(all.ok(), qPrintable(all.ok() ? QString() : all.error().message));
        if (accountId == 0)
            QCOMPARE(all->isEmpty(), input == QLatin1String("nothingatall"));
        // Newest first, the larger id first at the same instant; no removed message.
        qint64 previous = 0;
        for (qsizetype i = 0; i < all->size(); ++i) {
            QVERIFY(!removed.contains(all->at(i)));
            when.addBindValue(all->at(i));
            QVERIFY(when.exec() && when.next());
            const qint64 at = when.value(0).toLongLong();
            when.finish();
            QVERIFY2(i == 0 || at < previous || (at == previous && all->at(i) < all->at(i - 1)),
                     qPrintable(QStringLiteral("result %1 is out of order").arg(i)));
            previous = at;
        }
        for (int limit : {0, 1, 7, 40, 500}) {
            const Ids expected = limit > 0 ? all->mid(0, limit) : *all;
            for (SearchPlan plan : {SearchPlan::Cheapest, SearchPlan::MatchesFirst, SearchPlan::NewestFirst}) {
                const auto found = Store::runSearch(*db, *parsed, limit, accountId, plan);
                QVERIFY2(found.ok(), qPrintable(found.ok() ? QString() : found.error().message));
                QVERIFY2(*found == expected, qPrintable(QStringLiteral("limit %1, plan %2, account %3: %4 of %5 ids")
                                                               .arg(limit)
                                                               .arg(int(plan))
                                                               .arg(accountId)
                                                               .arg(found->size())
                                                               .arg(expected.size())));
            }
        }
    }
}

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
