// SPDX-License-Identifier: GPL-3.0-or-later
// The demo mailbox's generator: the folder plan kept exactly, the same bytes for the same seed,
// every message readable by the MIME layer, and the mix the demo promises (HTML with inline and
// remote images, attachments with non-ASCII names, encoded names and subjects, threads, a mailing
// list, one bounce whose original is in Sent) with flags as a person's mailbox would have them.
#include "demo/mailgenerator.h"
#include "mime/deliveryreport.h"
#include "mime/message.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTest>

using namespace Heron;
using Demo::GeneratedMessage;
using Demo::MailGenerator;
using Demo::MessageFlag;

namespace {

const QDateTime kNow = QDateTime(QDate(2025, 3, 14), QTime(9, 30), Qt::UTC);

bool hasNonAscii(const QString &text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.unicode() >= 0x80; });
}

}  // namespace

class MailGeneratorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void foldersFollowThePlan();
    void sameSeedWritesTheSameMailbox();
    void anotherSeedWritesAnotherMailbox();
    void everyMessageParses();
    void theMixIsThere();
    void threadsHoldTogether();
    void theBounceReturnsAMessageFromSent();
    void flagsLookLikeAPersonsMailbox();

private:
    QList<GeneratedMessage> m_messages;
    QList<Mime::ParsedMessage> m_parsed;
};

void MailGeneratorTest::initTestCase()
{
    QElapsedTimer timer;
    timer.start();
    m_messages = MailGenerator(MailGenerator::kDefaultSeed, kNow).generate();
    qInfo() << m_messages.size() << "messages generated in" << timer.elapsed() << "ms";
    for (const GeneratedMessage &message : std::as_const(m_messages)) {
        auto parsed = Mime::parseMessage(message.content);
        QVERIFY2(parsed.ok(), qPrintable(QString::fromUtf8(message.messageId)));
        m_parsed.append(std::move(parsed.value()));
    }
}

void MailGeneratorTest::foldersFollowThePlan()
{
    const QList<Demo::DemoFolder> folders = MailGenerator::folders();
    QHash<QString, int> planned;
    QStringList paths;
    int total = 0;
    for (const Demo::DemoFolder &folder : folders) {
        // A parent comes before its children.
        if (folder.path.contains(QLatin1Char('/')))
            QVERIFY2(paths.contains(folder.path.section(QLatin1Char('/'), 0, 0)), qPrintable(folder.path));
        paths.append(folder.path);
        planned.insert(folder.path, folder.messageCount);
        total += folder.messageCount;
    }
    QCOMPARE(total, 5000);
    QVERIFY(paths.contains(QStringLiteral("Reisen/Äpfel & Birnen")));
    QVERIFY(paths.contains(QStringLiteral("Projets/Été")));
    QStringList specialUses;
    for (const Demo::DemoFolder &folder : folders) {
        if (!folder.specialUse.isEmpty())
            specialUses.append(folder.specialUse);
    }
    specialUses.sort();
    QCOMPARE(specialUses, QStringList({QStringLiteral("\\Archive"), QStringLiteral("\\Drafts"),
                                       QStringLiteral("\\Junk"), QStringLiteral("\\Sent"), QStringLiteral("\\Trash")}));

    QCOMPARE(m_messages.size(), 5000);
    QHash<QString, int> counted;
    qsizetype lastFolder = -1;
    QDateTime lastReceived;
    for (const GeneratedMessage &message : std::as_const(m_messages)) {
        ++counted[message.folder];
        // Folders in plan order, each in the order its messages arrived, none from the future.
        const qsizetype folder = paths.indexOf(message.folder);
        QVERIFY2(folder >= lastFolder, qPrintable(message.folder));
        if (folder == lastFolder)
            QVERIFY(message.received >= lastReceived);
        lastFolder = folder;
        lastReceived = message.received;
        QVERIFY(message.received <= kNow);
        QVERIFY(message.received > kNow.addDays(-731));
    }
    for (auto it = planned.cbegin(); it != planned.cend(); ++it)
        QCOMPARE(counted.value(it.key()), it.value());
}

void MailGeneratorTest::sameSeedWritesTheSameMailbox()
{
    QElapsedTimer timer;
    timer.start();
    const QList<GeneratedMessage> again = MailGenerator(MailGenerator::kDefaultSeed, kNow).generate();
    qInfo() << "generated again in" << timer.elapsed() << "ms";
    QCOMPARE(again.size(), m_messages.size());
    for (qsizetype i = 0; i < again.size(); ++i)
        QVERIFY2(again.at(i) == m_messages.at(i), qPrintable(QString::number(i)));
}

void MailGeneratorTest::anotherSeedWritesAnotherMailbox()
{
    const QList<GeneratedMessage> other = MailGenerator(MailGenerator::kDefaultSeed + 1, kNow).generate();
    QCOMPARE(other.size(), m_messages.size());
    qsizetype same = 0;
    for (qsizetype i = 0; i < other.size(); ++i)
        same += other.at(i).content == m_messages.at(i).content ? 1 : 0;
    QCOMPARE(same, 0);
}

void MailGeneratorTest::everyMessageParses()
{
    QSet<QByteArray> ids;
    for (qsizetype i = 0; i < m_parsed.size(); ++i) {
        const Mime::ParsedMessage &parsed = m_parsed.at(i);
        const GeneratedMessage &message = m_messages.at(i);
        QCOMPARE(parsed.headers.messageId, message.messageId);
        QVERIFY2(!ids.contains(message.messageId), message.messageId.constData());
        ids.insert(message.messageId);
        QVERIFY2(parsed.headers.date.isValid(), message.messageId.constData());
        QVERIFY(!parsed.headers.subject.isEmpty());
        QCOMPARE(parsed.headers.from.size(), 1);
        QVERIFY(!parsed.headers.to.isEmpty());
        // Every line within RFC 5322 §2.1.1's limit, every line end CRLF.
        for (const QByteArray &line : message.content.split('\n')) {
            QVERIFY2(line.size() <= 998, message.messageId.constData());
            QVERIFY2(line.isEmpty() || line.endsWith('\r'), message.messageId.constData());
        }
        QVERIFY(message.content.endsWith("\r\n"));
        for (int part = 0; part < parsed.parts.size(); ++part) {
            if (!parsed.parts.at(part).isMultipart() && !parsed.parts.at(part).isMessage())
                QVERIFY2(parsed.decodedContent(part).ok(), message.messageId.constData());
        }
        const int body = parsed.findBody("text/plain");
        QVERIFY2(body >= 0, message.messageId.constData());
        QVERIFY(parsed.text(body).ok());
    }
}

void MailGeneratorTest::theMixIsThere()
{
    int html = 0;
    int inlineImages = 0;
    int remoteImages = 0;
    int withAttachments = 0;
    int nonAsciiFileNames = 0;
    int pdfs = 0;
    int pngs = 0;
    int encodedSubjects = 0;
    int encodedNames = 0;
    int listMessages = 0;
    for (qsizetype i = 0; i < m_parsed.size(); ++i) {
        const Mime::ParsedMessage &parsed = m_parsed.at(i);
        const GeneratedMessage &message = m_messages.at(i);
        const int htmlPart = parsed.findBody("text/html");
        if (htmlPart >= 0 && parsed.parts.at(htmlPart).mediaType == "text/html") {
            ++html;
            const QString text = parsed.text(htmlPart).value();
            if (text.contains(QLatin1String("src=\"cid:"))) {
                ++inlineImages;
                const QString cid = text.section(QLatin1String("src=\"cid:"), 1).section(QLatin1Char('"'), 0, 0);
                bool found = false;
                for (const Mime::MimePart &part : parsed.parts)
                    found = found || (part.contentId == cid.toLatin1() && part.mediaType == "image/png");
                QVERIFY2(found, message.messageId.constData());
            }
            if (text.contains(QLatin1String("src=\"https://")) || text.contains(QLatin1String("src=\"http://")))
                ++remoteImages;
        }
        bool attached = false;
        for (int part = 0; part < parsed.parts.size(); ++part) {
            const Mime::MimePart &mimePart = parsed.parts.at(part);
            if (!mimePart.isAttachment() || mimePart.disposition != "attachment")
                continue;
            attached = true;
            nonAsciiFileNames += hasNonAscii(mimePart.fileName) ? 1 : 0;
            const QByteArray data = parsed.decodedContent(part).value();
            if (mimePart.mediaType == "application/pdf") {
                ++pdfs;
                QVERIFY(data.startsWith("%PDF-1.4\n") && data.endsWith("%%EOF\n"));
            } else if (mimePart.mediaType == "image/png") {
                ++pngs;
                QVERIFY(data.startsWith("\x89PNG\r\n\x1a\n") && data.contains("IEND"));
            }
        }
        withAttachments += attached ? 1 : 0;
        const QByteArray headerBlock = message.content.left(message.content.indexOf("\r\n\r\n"));
        if (headerBlock.contains("\r\nSubject: =?") && hasNonAscii(parsed.headers.subject))
            ++encodedSubjects;
        if (headerBlock.contains("\r\nFrom: =?") && hasNonAscii(parsed.headers.from.first().name))
            ++encodedNames;
        if (message.folder == QLatin1String("Lists/heron-devel")) {
            QCOMPARE(parsed.headers.listId, QByteArray("heron-devel.lists.heron.invalid"));
            QVERIFY(parsed.headers.subject.contains(QLatin1String("[heron-devel]")));
            ++listMessages;
        }
    }
    qInfo() << "HTML" << html << "inline images" << inlineImages << "remote images" << remoteImages << "attachments"
            << withAttachments << "non-ASCII file names" << nonAsciiFileNames << "PDF" << pdfs << "PNG" << pngs
            << "encoded subjects" << encodedSubjects << "encoded names" << encodedNames;
    QVERIFY(html >= 500);
    QVERIFY(inlineImages >= 50);
    QVERIFY(remoteImages >= 150);
    QVERIFY(withAttachments >= 300);
    QVERIFY(nonAsciiFileNames >= 50);
    QVERIFY(pdfs >= 50 && pngs >= 20);
    QVERIFY(encodedSubjects >= 100);
    QVERIFY(encodedNames >= 500);
    QCOMPARE(listMessages, 320);
}

void MailGeneratorTest::threadsHoldTogether()
{
    QHash<QByteArray, QString> folderOf;
    for (const GeneratedMessage &message : std::as_const(m_messages))
        folderOf.insert(message.messageId, message.folder);
    int longThreads = 0;
    int acrossFolders = 0;
    for (qsizetype i = 0; i < m_parsed.size(); ++i) {
        const Mime::MessageHeaders &headers = m_parsed.at(i).headers;
        if (headers.references.isEmpty())
            continue;
        // Every message a reply names was generated, and the parent is the last reference.
        QCOMPARE(headers.inReplyTo.size(), 1);
        QCOMPARE(headers.inReplyTo.first(), headers.references.last());
        for (const QByteArray &id : headers.references)
            QVERIFY2(folderOf.contains(id), id.constData());
        QVERIFY(headers.subject.startsWith(QLatin1String("Re: ")) ||
                headers.subject.startsWith(QLatin1String("AW: ")) ||
                headers.subject.startsWith(QLatin1String("[heron-devel] Re: ")));
        longThreads += headers.references.size() >= 2 ? 1 : 0;
        acrossFolders += folderOf.value(headers.inReplyTo.first()) != m_messages.at(i).folder ? 1 : 0;
    }
    QVERIFY(longThreads >= 100);
    QVERIFY(acrossFolders >= 100);  // replies in Sent to mail in INBOX, and back
}

void MailGeneratorTest::theBounceReturnsAMessageFromSent()
{
    QList<Mime::DeliveryReport> reports;
    for (qsizetype i = 0; i < m_parsed.size(); ++i) {
        if (auto report = Mime::parseDeliveryReport(m_parsed.at(i))) {
            QCOMPARE(m_messages.at(i).folder, QStringLiteral("INBOX"));
            reports.append(*report);
        }
    }
    QCOMPARE(reports.size(), 1);
    const Mime::DeliveryReport &report = reports.first();
    QVERIFY(report.hasFailures());
    QCOMPARE(report.recipients.size(), 1);
    QCOMPARE(report.recipients.first().status, QByteArray("5.1.1"));
    QCOMPARE(report.recipients.first().finalRecipient, QStringLiteral("jonh.smith@example.net"));
    const auto original = std::find_if(m_messages.cbegin(), m_messages.cend(), [&report](const GeneratedMessage &m) {
        return m.messageId == report.originalMessageId;
    });
    QVERIFY(original != m_messages.cend());
    QCOMPARE(original->folder, QStringLiteral("Sent"));
}

void MailGeneratorTest::flagsLookLikeAPersonsMailbox()
{
    int oldInbox = 0;
    int oldInboxSeen = 0;
    int recentUnseen = 0;
    int answered = 0;
    int flagged = 0;
    for (const GeneratedMessage &message : std::as_const(m_messages)) {
        if (message.folder == QLatin1String("Drafts"))
            QVERIFY(message.flags.testFlag(MessageFlag::Draft));
        else
            QVERIFY(!message.flags.testFlag(MessageFlag::Draft));
        if (message.folder == QLatin1String("Sent") || message.folder == QLatin1String("Archive"))
            QVERIFY(message.flags.testFlag(MessageFlag::Seen));
        if (message.folder == QLatin1String("INBOX")) {
            if (message.received < kNow.addDays(-30)) {
                ++oldInbox;
                oldInboxSeen += message.flags.testFlag(MessageFlag::Seen) ? 1 : 0;
            } else if (!message.flags.testFlag(MessageFlag::Seen)) {
                ++recentUnseen;
            }
        }
        answered += message.flags.testFlag(MessageFlag::Answered) ? 1 : 0;
        flagged += message.flags.testFlag(MessageFlag::Flagged) ? 1 : 0;
    }
    qInfo() << "old INBOX" << oldInbox << "seen" << oldInboxSeen << "recent unseen" << recentUnseen << "answered"
            << answered << "flagged" << flagged;
    QVERIFY(oldInboxSeen >= oldInbox * 95 / 100);
    QVERIFY(recentUnseen >= 10);
    QVERIFY(answered >= 200);
    QVERIFY(flagged >= 50);
}

QTEST_GUILESS_MAIN(MailGeneratorTest)
#include "tst_mailgenerator.moc"
