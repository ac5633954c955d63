// SPDX-License-Identifier: GPL-3.0-or-later
// On-demand content against a real Dovecot: a 20 MiB attachment fetched in 1 MiB ranges with
// BINARY and, on a server that hides BINARY, with BODY.PEEK and local base64 decoding; a small
// text part in one go; the entry limit at and past it; a changed UIDVALIDITY and an expunged
// message failing cleanly; and the caller's path through the content cache, where a damaged
// cache file leads to a fetch again.
#include "imap/fetchjob.h"
#include "imap/loginjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "store/accountstore.h"
#include "store/contentindex.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "support/dovecotfixture.h"
#include "sync/contentcache.h"
#include "sync/partfetcher.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Heron;
using namespace Heron::Sync;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kJobTimeoutMs = 30000;
constexpr int kFetchTimeoutMs = 180000;
constexpr qsizetype kAttachmentBytes = qsizetype(20) << 20;
const QByteArray kBoundary = QByteArrayLiteral("heron-part-boundary-7f3a");

// A deterministic binary payload.
QByteArray attachmentBytes()
{
    QByteArray bytes(kAttachmentBytes, Qt::Uninitialized);
    QRandomGenerator generator(20240102);
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / qsizetype(sizeof(quint32)));
    return bytes;
}

// RFC 2045 §6.8: base64 in lines of at most 76 characters.
QByteArray base64Lines(const QByteArray &bytes)
{
    const QByteArray encoded = bytes.toBase64();
    QByteArray lines;
    lines.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (qsizetype at = 0; at < encoded.size(); at += 76) {
        if (at > 0)
            lines += "\r\n";
        lines += QByteArrayView(encoded).sliced(at, std::min<qsizetype>(76, encoded.size() - at));
    }
    return lines;
}

const QByteArray kTextEncoded = QByteArrayLiteral("Gr=C3=BC=C3=9Fe aus K=C3=B6ln, 100 =E2=82=AC.\r\n"
                                                  "A soft=\r\n line break and a tab=09end.\r\n");
const QByteArray kTextDecoded = QByteArrayLiteral("Gr\xc3\xbc\xc3\x9f"
                                                  "e aus K\xc3\xb6ln, 100 \xe2\x82\xac.\r\n"
                                                  "A soft line break and a tab\tend.\r\n");

// multipart/mixed: 1 = quoted-printable text, 2 = the attachment in base64.
QByteArray messageWithAttachment(const QByteArray &attachmentBase64, const QByteArray &messageId)
{
    return "From: Sender <sender@example.org>\r\n"
           "To: Alice <alice@example.org>\r\n"
           "Subject: The big file\r\n"
           "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
           "Message-ID: <" +
           messageId +
           ">\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"" +
           kBoundary +
           "\"\r\n"
           "\r\n"
           "This is a message in MIME format.\r\n"
           "--" +
           kBoundary +
           "\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n"
           "\r\n" +
           kTextEncoded +
           "\r\n"
           "--" +
           kBoundary +
           "\r\n"
           "Content-Type: application/octet-stream; name=\"big.bin\"\r\n"
           "Content-Disposition: attachment; filename=\"big.bin\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" +
           attachmentBase64 +
           "\r\n"
           "--" +
           kBoundary + "--\r\n";
}

QByteArray smallMessage(const QByteArray &messageId)
{
    return "From: Sender <sender@example.org>\r\n"
           "To: Alice <alice@example.org>\r\n"
           "Subject: Small\r\n"
           "Date: Tue, 02 Jan 2024 11:00:00 +0000\r\n"
           "Message-ID: <" +
           messageId +
           ">\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "\r\n"
           "Just a line.\r\n";
}

// What one PartFetcher run produced.
struct Outcome {
    bool finished = false;
    bool failed = false;
    QByteArray data;
    Error error;
    int ranges = 0;
    bool binary = false;
    bool examined = false;
    qint64 bytesFetched = 0;
    QList<std::pair<qint64, qint64>> progress;
    qint64 milliseconds = 0;
};

}  // namespace

class PartFetcherDovecotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void bigAttachmentInRangesWithBinary();
    void bigAttachmentInRangesWithoutBinary();
    void smallPartsInOneGo();
    void entryLimitAtAndPastIt();
    void encodingTheServerCannotDecodeIsDecodedHere();
    void changedUidValidityFailsCleanly();
    void expungedMessageFailsCleanly();
    void badInputFailsWithoutSending();
    void cachedAfterFetchAndFetchedAgainWhenDamaged();

private:
    std::unique_ptr<Imap::Session> openSession(DovecotFixture &fixture, const QString &user);
    bool runJob(Imap::Job *job);
    // The BODYSTRUCTURE of a message (on a session of its own).
    std::optional<Imap::BodyPart> bodyStructure(DovecotFixture &fixture, const QString &user, quint32 uid);
    PartRequest request(quint32 uid, const QString &section, const Imap::BodyPart *part) const;
    Outcome fetch(Imap::Session *session, const PartRequest &request, ContentCache *cache = nullptr,
                  const PartAddress &address = {}, qint64 maxBytes = 0);

    DovecotFixture m_fixture;
    QByteArray m_attachment;
    QByteArray m_attachmentBase64;
    quint32 m_bigUid = 0;
    quint32 m_uidValidity = 0;
    std::optional<Imap::BodyPart> m_structure;
};

void PartFetcherDovecotTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users = {QStringLiteral("alice"), QStringLiteral("bob")};
    options.compressDeflate = false;
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));

    m_attachment = attachmentBytes();
    m_attachmentBase64 = base64Lines(m_attachment);
    const auto delivered = m_fixture.deliver(QStringLiteral("alice"),
                                             messageWithAttachment(m_attachmentBase64, "big@heron.test"));
    QVERIFY2(delivered.ok(), qPrintable(m_fixture.errorString()));
    m_bigUid = *delivered;
    const auto status = m_fixture.status(QStringLiteral("alice"));
    QVERIFY(status.ok());
    m_uidValidity = status->uidValidity;
    QVERIFY(m_uidValidity != 0);

    m_structure = bodyStructure(m_fixture, QStringLiteral("alice"), m_bigUid);
    QVERIFY(m_structure);
    QCOMPARE(m_structure->children.size(), size_t(2));
    // The server measures the encoded part as we built it.
    QCOMPARE(qint64(m_structure->children.at(1).size), qint64(m_attachmentBase64.size()));
    QCOMPARE(m_structure->children.at(1).encoding.toLower(), QByteArrayLiteral("base64"));
}

void PartFetcherDovecotTest::cleanupTestCase()
{
    m_fixture.stop();
}

std::unique_ptr<Imap::Session> PartFetcherDovecotTest::openSession(DovecotFixture &fixture, const QString &user)
{
    auto session = std::make_unique<Imap::Session>();
    Imap::SessionSettings settings;
    settings.host = fixture.host();
    settings.port = fixture.imapPort();
    settings.security = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    session->setSettings(settings);

    QSignalSpy opened(session.get(), &Imap::Session::opened);
    QSignalSpy closed(session.get(), &Imap::Session::closed);
    session->open();
    if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !closed.isEmpty(); }, kJobTimeoutMs) || opened.isEmpty())
        return nullptr;
    auto *login = new Imap::LoginJob(session.get());
    login->setUserName(user);
    login->setPassword(fixture.password(user));
    if (!runJob(login))
        return nullptr;
    return session;
}

bool PartFetcherDovecotTest::runJob(Imap::Job *job)
{
    QSignalSpy finished(job, &Imap::Job::finished);
    QSignalSpy failed(job, &Imap::Job::failed);
    job->start();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, kJobTimeoutMs))
        qWarning() << job->metaObject()->className() << "timed out";
    if (!failed.isEmpty())
        qWarning() << "job failed:" << failed.first().first().value<Error>().message;
    return finished.size() == 1;
}

std::optional<Imap::BodyPart> PartFetcherDovecotTest::bodyStructure(DovecotFixture &fixture, const QString &user,
                                                                    quint32 uid)
{
    auto session = openSession(fixture, user);
    if (!session)
        return std::nullopt;
    auto *select = new Imap::SelectJob(session.get());
    select->setMailbox("INBOX");
    select->setReadOnly(true);
    if (!runJob(select))
        return std::nullopt;
    auto *fetch = new Imap::FetchJob(session.get());
    fetch->setUids(UidSet::fromRange(uid, uid));
    fetch->setItems({QByteArrayLiteral("BODYSTRUCTURE")});
    std::optional<Imap::BodyPart> structure;
    connect(fetch, &Imap::FetchJob::messageFetched, this, [&](const Imap::FetchResponse &response) {
        if (response.bodyStructure)
            structure = *response.bodyStructure;
    });
    if (!runJob(fetch))
        return std::nullopt;
    return structure;
}

PartRequest PartFetcherDovecotTest::request(quint32 uid, const QString &section, const Imap::BodyPart *part) const
{
    PartRequest r;
    r.mailbox = QByteArrayLiteral("INBOX");
    r.uidValidity = m_uidValidity;
    r.uid = uid;
    r.section = section;
    if (part) {
        r.encoding = QString::fromLatin1(part->encoding);
        r.expectedSize = qint64(part->size);
    }
    return r;
}

Outcome PartFetcherDovecotTest::fetch(Imap::Session *session, const PartRequest &request, ContentCache *cache,
                                      const PartAddress &address, qint64 maxBytes)
{
    Outcome outcome;
    PartFetcher fetcher(session, request);
    if (cache)
        fetcher.setCache(cache, address);
    if (maxBytes > 0)
        fetcher.setMaxBytes(maxBytes);
    connect(&fetcher, &PartFetcher::progress, this, [&](qint64 received, qint64 total) {
        outcome.progress.append({received, total});
    });
    connect(&fetcher, &PartFetcher::finished, this, [&](const QByteArray &data) {
        outcome.finished = true;
        outcome.data = data;
    });
    connect(&fetcher, &PartFetcher::failed, this, [&](const Error &error) {
        outcome.failed = true;
        outcome.error = error;
    });
    QElapsedTimer timer;
    timer.start();
    fetcher.start();
    if (!QTest::qWaitFor([&] { return outcome.finished || outcome.failed; }, kFetchTimeoutMs))
        qWarning() << "the part fetch timed out";
    outcome.milliseconds = timer.elapsed();
    outcome.ranges = fetcher.rangesFetched();
    outcome.binary = fetcher.usedBinary();
    outcome.examined = fetcher.examined();
    outcome.bytesFetched = fetcher.bytesFetched();
    if (outcome.failed)
        qInfo() << "fetch failed:" << outcome.error.message;
    return outcome;
}

void PartFetcherDovecotTest::bigAttachmentInRangesWithBinary()
{
    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    QVERIFY(session->hasCapability("BINARY"));

    const Outcome outcome = fetch(session.get(), request(m_bigUid, QStringLiteral("2"), &m_structure->children.at(1)));
    QVERIFY(outcome.finished);
    QVERIFY(outcome.examined);
    QVERIFY(outcome.binary);
    // 20 MiB decoded by the server: exactly 20 ranges of 1 MiB, one progress report each.
    QCOMPARE(outcome.ranges, 20);
    QCOMPARE(outcome.progress.size(), 20);
    QCOMPARE(outcome.progress.first(), std::make_pair(PartFetcher::kRangeBytes, qint64(kAttachmentBytes)));
    QCOMPARE(outcome.progress.last(), std::make_pair(qint64(kAttachmentBytes), qint64(kAttachmentBytes)));
    QCOMPARE(outcome.bytesFetched, qint64(kAttachmentBytes));
    QCOMPARE(outcome.data.size(), m_attachment.size());
    QVERIFY(outcome.data == m_attachment);
    QCOMPARE(session->selectedMailbox(), QByteArrayLiteral("INBOX"));
    qInfo() << "20 MiB with BINARY in" << outcome.ranges << "ranges:" << outcome.milliseconds << "ms";
}

void PartFetcherDovecotTest::bigAttachmentInRangesWithoutBinary()
{
    DovecotFixture plain;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("gina")};
    options.compressDeflate = false;
    options.imapCapability = QStringLiteral("IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS CONDSTORE QRESYNC");
    QVERIFY2(plain.start(options), qPrintable(plain.errorString()));
    const auto uid = plain.deliver(QStringLiteral("gina"),
                                   messageWithAttachment(m_attachmentBase64, "big2@heron.test"));
    QVERIFY2(uid.ok(), qPrintable(plain.errorString()));
    const auto status = plain.status(QStringLiteral("gina"));
    QVERIFY(status.ok());

    auto session = openSession(plain, QStringLiteral("gina"));
    QVERIFY(session);
    QVERIFY(!session->hasCapability("BINARY"));

    PartRequest r = request(*uid, QStringLiteral("2"), &m_structure->children.at(1));
    r.uidValidity = status->uidValidity;
    const Outcome outcome = fetch(session.get(), r);
    QVERIFY(outcome.finished);
    QVERIFY(!outcome.binary);
    // The encoded part in 1 MiB ranges until one comes back short.
    const qint64 encoded = m_attachmentBase64.size();
    QVERIFY(encoded % PartFetcher::kRangeBytes != 0);
    const int expectedRanges = int(encoded / PartFetcher::kRangeBytes) + 1;
    QCOMPARE(outcome.ranges, expectedRanges);
    QCOMPARE(outcome.progress.size(), expectedRanges);
    QCOMPARE(outcome.progress.last(), std::make_pair(encoded, encoded));
    QCOMPARE(outcome.bytesFetched, encoded);
    QCOMPARE(outcome.data.size(), m_attachment.size());
    QVERIFY(outcome.data == m_attachment);
    qInfo() << "20 MiB with BODY.PEEK in" << outcome.ranges << "ranges:" << outcome.milliseconds << "ms";

    // Without a size to go by, ranges run until a short one all the same.
    r.expectedSize = 0;
    const Outcome unknown = fetch(session.get(), r);
    QVERIFY(unknown.finished);
    QVERIFY(!unknown.examined);  // the session has the mailbox selected already
    QVERIFY(unknown.ranges >= expectedRanges);
    QVERIFY(unknown.ranges <= expectedRanges + PartFetcher::kMaxRangesInFlight - 1);
    QVERIFY(unknown.data == m_attachment);
    QCOMPARE(unknown.progress.last().second, qint64(0));

    // The text part: fetched encoded in one go, decoded here.
    const Outcome text = fetch(session.get(), request(*uid, QStringLiteral("1"), &m_structure->children.at(0)));
    QVERIFY(text.finished);
    QCOMPARE(text.ranges, 1);
    QCOMPARE(text.bytesFetched, qint64(kTextEncoded.size()));
    QCOMPARE(text.data, kTextDecoded);
}

void PartFetcherDovecotTest::smallPartsInOneGo()
{
    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    const Imap::BodyPart &textPart = m_structure->children.at(0);
    QCOMPARE(qint64(textPart.size), qint64(kTextEncoded.size()));

    const Outcome text = fetch(session.get(), request(m_bigUid, QStringLiteral("1"), &textPart));
    QVERIFY(text.finished);
    QVERIFY(text.examined);
    QVERIFY(text.binary);
    QCOMPARE(text.ranges, 1);
    QCOMPARE(text.progress.size(), 1);
    QCOMPARE(text.data, kTextDecoded);

    // The whole of a small message, size unknown: one range that comes back short.
    const QByteArray small = smallMessage("small@heron.test");
    const auto uid = m_fixture.deliver(QStringLiteral("alice"), small);
    QVERIFY(uid.ok());
    const Outcome whole = fetch(session.get(), request(*uid, QString(), nullptr));
    QVERIFY(whole.finished);
    QVERIFY(!whole.examined);
    QVERIFY(!whole.binary);
    QCOMPARE(whole.ranges, 1);
    QCOMPARE(whole.data, small);

    // Its body alone, as TEXT with a known size: one command without a range.
    PartRequest body = request(*uid, QStringLiteral("TEXT"), nullptr);
    body.expectedSize = 14;
    const Outcome textOnly = fetch(session.get(), body);
    QVERIFY(textOnly.finished);
    QCOMPARE(textOnly.ranges, 1);
    QCOMPARE(textOnly.data, QByteArrayLiteral("Just a line.\r\n"));
}

void PartFetcherDovecotTest::entryLimitAtAndPastIt()
{
    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    const qint64 decoded = kTextDecoded.size();
    const Imap::BodyPart &textPart = m_structure->children.at(0);

    const Outcome atLimit = fetch(session.get(), request(m_bigUid, QStringLiteral("1"), &textPart), nullptr, {},
                                  decoded);
    QVERIFY(atLimit.finished);
    QCOMPARE(atLimit.data, kTextDecoded);

    const Outcome past = fetch(session.get(), request(m_bigUid, QStringLiteral("1"), &textPart), nullptr, {},
                               decoded - 1);
    QVERIFY(past.failed);
    QCOMPARE(past.error.code, Error::Code::LimitExceeded);

    // Without BINARY.SIZE to go by (unknown size, BODY): refused once the data passes the limit.
    PartRequest header = request(m_bigUid, QStringLiteral("HEADER"), nullptr);
    const Outcome headerAt = fetch(session.get(), header, nullptr, {}, 100000);
    QVERIFY(headerAt.finished);
    const qint64 headerSize = headerAt.data.size();
    QVERIFY(headerSize > 100);
    QCOMPARE(fetch(session.get(), header, nullptr, {}, headerSize).finished, true);
    const Outcome headerPast = fetch(session.get(), header, nullptr, {}, headerSize - 1);
    QVERIFY(headerPast.failed);
    QCOMPARE(headerPast.error.code, Error::Code::LimitExceeded);

    // A size announced past the limit is refused before anything is fetched.
    const quint64 commands = session->stats().commands;
    header.expectedSize = 1000;
    const Outcome announced = fetch(session.get(), header, nullptr, {}, 999);
    QVERIFY(announced.failed);
    QCOMPARE(announced.error.code, Error::Code::LimitExceeded);
    QCOMPARE(session->stats().commands, commands);
}

void PartFetcherDovecotTest::encodingTheServerCannotDecodeIsDecodedHere()
{
    // x-uuencode is no RFC 2045 encoding: BINARY answers NO [UNKNOWN-CTE] (RFC 3516 §4.1).
    const QByteArray message = "From: Sender <sender@example.org>\r\n"
                               "To: Alice <alice@example.org>\r\n"
                               "Subject: Old style\r\n"
                               "Date: Tue, 02 Jan 2024 12:00:00 +0000\r\n"
                               "Message-ID: <uu@heron.test>\r\n"
                               "MIME-Version: 1.0\r\n"
                               "Content-Type: multipart/mixed; boundary=\"" +
                               kBoundary +
                               "\"\r\n"
                               "\r\n"
                               "--" +
                               kBoundary +
                               "\r\n"
                               "Content-Type: text/plain; charset=us-ascii\r\n"
                               "\r\n"
                               "See the attachment.\r\n"
                               "--" +
                               kBoundary +
                               "\r\n"
                               "Content-Type: text/plain; name=\"hello.txt\"\r\n"
                               "Content-Transfer-Encoding: x-uuencode\r\n"
                               "\r\n"
                               "begin 644 hello.txt\r\n"
                               "82&5L;&\\L('5U96YC;V1E9\"!W;W)L9\"$*\r\n"
                               "`\r\n"
                               "end\r\n"
                               "--" +
                               kBoundary + "--\r\n";
    const auto uid = m_fixture.deliver(QStringLiteral("alice"), message);
    QVERIFY(uid.ok());
    const auto structure = bodyStructure(m_fixture, QStringLiteral("alice"), *uid);
    QVERIFY(structure && structure->children.size() == 2);

    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    QVERIFY(session->hasCapability("BINARY"));
    const Outcome outcome = fetch(session.get(), request(*uid, QStringLiteral("2"), &structure->children.at(1)));
    QVERIFY(outcome.finished);
    QVERIFY(!outcome.binary);
    QCOMPARE(outcome.data, QByteArrayLiteral("Hello, uuencoded world!\n"));
}

void PartFetcherDovecotTest::changedUidValidityFailsCleanly()
{
    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    PartRequest r = request(m_bigUid, QStringLiteral("1"), &m_structure->children.at(0));
    r.uidValidity = m_uidValidity + 1;
    const Outcome outcome = fetch(session.get(), r);
    QVERIFY(outcome.failed);
    QVERIFY(!outcome.finished);
    QCOMPARE(outcome.error.code, Error::Code::InvalidInput);
    QCOMPARE(outcome.error.message, QStringLiteral("The folder changed on the server; synchronize and try again."));
    QCOMPARE(outcome.ranges, 0);
    QCOMPARE(outcome.bytesFetched, 0);
    // The connection is still usable.
    QCOMPARE(session->state(), Imap::Session::State::Selected);
    QVERIFY(fetch(session.get(), request(m_bigUid, QStringLiteral("1"), &m_structure->children.at(0))).finished);
}

void PartFetcherDovecotTest::expungedMessageFailsCleanly()
{
    const QString user = QStringLiteral("bob");
    const auto first = m_fixture.deliver(user, smallMessage("gone1@heron.test"));
    const auto second = m_fixture.deliver(user, smallMessage("gone2@heron.test"));
    QVERIFY(first.ok() && second.ok());
    const auto status = m_fixture.status(user);
    QVERIFY(status.ok());
    PartRequest r = request(*first, QStringLiteral("TEXT"), nullptr);
    r.uidValidity = status->uidValidity;

    // Expunged before the folder is opened.
    QVERIFY(m_fixture.expunge(user, QStringLiteral("INBOX"), UidSet::fromRange(*first, *first)));
    auto session = openSession(m_fixture, user);
    QVERIFY(session);
    const Outcome gone = fetch(session.get(), r);
    QVERIFY(gone.failed);
    QCOMPARE(gone.error.message, QStringLiteral("The message no longer exists on the server."));

    // Expunged by another device while the folder is open here.
    r.uid = *second;
    QVERIFY(fetch(session.get(), r).finished);
    QVERIFY(m_fixture.expunge(user, QStringLiteral("INBOX"), UidSet::fromRange(*second, *second)));
    const Outcome meanwhile = fetch(session.get(), r);
    QVERIFY(meanwhile.failed);
    QCOMPARE(meanwhile.error.message, QStringLiteral("The message no longer exists on the server."));
    QVERIFY(session->state() == Imap::Session::State::Selected);
}

void PartFetcherDovecotTest::badInputFailsWithoutSending()
{
    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    const quint64 commands = session->stats().commands;
    for (const QString &section :
         {QStringLiteral("1] BODY[2"), QStringLiteral("1..2"), QStringLiteral("0"), QStringLiteral("MIME"),
          QStringLiteral("1.HEADER.FIELDS (FROM)"), QStringLiteral("1\r\nA LOGOUT")}) {
        const Outcome outcome = fetch(session.get(), request(m_bigUid, section, nullptr));
        QVERIFY2(outcome.failed, qPrintable(section));
        QCOMPARE(outcome.error.code, Error::Code::InvalidInput);
    }
    PartRequest noUid = request(0, QStringLiteral("1"), nullptr);
    QVERIFY(fetch(session.get(), noUid).failed);
    QCOMPARE(session->stats().commands, commands);

    QVERIFY(PartFetcher::isValidSection(QStringLiteral("1.2.MIME")));
    QVERIFY(PartFetcher::isValidSection(QStringLiteral("3.HEADER")));
    QVERIFY(PartFetcher::isValidSection(QStringLiteral("HEADER")));
    QCOMPARE(PartFetcher::wireMailboxName(*session, QString::fromUtf8("Entw\xc3\xbcrfe")),
             QByteArrayLiteral("Entw&APw-rfe"));
}

void PartFetcherDovecotTest::cachedAfterFetchAndFetchedAgainWhenDamaged()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto opened = Store::Database::open(dir.filePath(QStringLiteral("heron.sqlite")));
    QVERIFY(opened.ok());
    std::unique_ptr<Store::Database> db = std::move(opened.value());
    const auto account = Store::AccountStore(*db).add(QStringLiteral("acct-1"), QStringLiteral("Alice"));
    QVERIFY(account.ok());
    const auto folders = Store::FolderStore(*db).upsertFolders(*account,
                                                               {{QStringLiteral("INBOX"), QStringLiteral("/")}});
    QVERIFY(folders.ok());
    ContentCache::Options options;
    options.minFreeFraction = 0;
    ContentCache cache(*db, dir.filePath(QStringLiteral("cache")), QByteArrayLiteral("test secret"), options);

    PartAddress address;
    address.accountId = *account;
    address.accountKey = QStringLiteral("acct-1");
    address.folderId = folders->at(0);
    address.uidValidity = m_uidValidity;
    address.uid = m_bigUid;
    address.section = QStringLiteral("2");

    auto session = openSession(m_fixture, QStringLiteral("alice"));
    QVERIFY(session);
    int fetches = 0;
    // What a caller does: the cache first, the server on a miss.
    auto content = [&]() -> QByteArray {
        const auto cached = cache.read(address);
        if (cached.ok() && cached->has_value())
            return cached->value();
        ++fetches;
        const Outcome outcome = fetch(
                session.get(), request(m_bigUid, QStringLiteral("2"), &m_structure->children.at(1)), &cache, address);
        return outcome.finished ? outcome.data : QByteArray();
    };

    QVERIFY(content() == m_attachment);
    QCOMPARE(fetches, 1);
    const auto entry = Store::ContentIndex(*db).find(address.folderId, address.uidValidity, address.uid,
                                                     address.section);
    QVERIFY(entry.ok() && entry->has_value());
    QCOMPARE((*entry)->size, qint64(kAttachmentBytes));

    const quint64 commands = session->stats().commands;
    QVERIFY(content() == m_attachment);
    QCOMPARE(fetches, 1);
    QCOMPARE(session->stats().commands, commands);

    // One byte of the file flipped: a miss, fetched again, cached again.
    QFile file(cache.filePathFor(address).value());
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(file.size() / 2));
    char byte = 0;
    QVERIFY(file.getChar(&byte));
    QVERIFY(file.seek(file.size() / 2));
    QVERIFY(file.putChar(char(byte ^ 0x5a)));
    file.close();

    QVERIFY(content() == m_attachment);
    QCOMPARE(fetches, 2);
    QVERIFY(content() == m_attachment);
    QCOMPARE(fetches, 2);
}

QTEST_GUILESS_MAIN(PartFetcherDovecotTest)
#include "tst_partfetcher_dovecot.moc"
