// SPDX-License-Identifier: GPL-3.0-or-later
// The command jobs of the IMAP engine against a real, private Dovecot: LIST with SPECIAL-USE and
// LIST-STATUS, STATUS, SELECT with CONDSTORE/QRESYNC, FETCH (streaming, CHANGEDSINCE, VANISHED),
// SEARCH/ESEARCH, STORE with UNCHANGEDSINCE, APPEND, COPY, MOVE, UID EXPUNGE, mailbox management
// and QUOTA. Each test uses its own user so that their mailboxes do not interfere.

#include "imap/appendjob.h"
#include "imap/copyjob.h"
#include "imap/createjob.h"
#include "imap/deletejob.h"
#include "imap/enablejob.h"
#include "imap/expungejob.h"
#include "imap/fetchjob.h"
#include "imap/listjob.h"
#include "imap/loginjob.h"
#include "imap/mailboxname.h"
#include "imap/movejob.h"
#include "imap/quotajob.h"
#include "imap/renamejob.h"
#include "imap/searchjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "imap/statusjob.h"
#include "imap/storejob.h"
#include "imap/subscribejob.h"
#include "support/dovecotfixture.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace Heron;
using namespace Heron::Imap;
using Heron::Test::DovecotFixture;

namespace {

constexpr int kJobTimeoutMs = 30000;

// A small CRLF message with the given subject and Message-ID.
QByteArray makeMessage(const QByteArray &subject, const QByteArray &messageId,
                       const QByteArray &date = "Tue, 02 Jan 2024 10:00:00 +0000", const QByteArray &body = "Hello.\r\n")
{
    return "From: Sender <sender@example.org>\r\n"
           "To: Receiver <receiver@example.org>\r\n"
           "Subject: " + subject + "\r\n"
           "Date: " + date + "\r\n"
           "Message-ID: <" + messageId + ">\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "\r\n" + body;
}

bool hasFlag(const FetchResponse &response, const QByteArray &flag)
{
    if (!response.flags)
        return false;
    for (const QByteArray &f : *response.flags) {
        if (f.compare(flag, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

const ListResponse *findMailbox(const QList<ListResponse> &list, const QByteArray &name)
{
    for (const ListResponse &entry : list) {
        if (entry.mailbox == name)
            return &entry;
    }
    return nullptr;
}

QString describeJob(const Job *job)
{
    return QStringLiteral("%1: %2 (code %3)")
        .arg(QString::fromLatin1(job->metaObject()->className()), job->error().message)
        .arg(int(job->error().code));
}

}  // namespace

// Starts a job and waits for finished() or failed(); true when it finished.
#define RUN_JOB(job) QVERIFY2(runJob(job), qPrintable(describeJob(job)))

class JobsDovecotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listReturnsSpecialUseAndStatus();
    void listPastTheMailboxLimitFailsCleanly();
    void statusMatchesServer();
    void pipelinedStatusJobsEachGetTheirOwn();
    void statusOfMissingMailboxFails();
    void selectReportsMailboxState();
    void examineIsReadOnly();
    void failedSelectLeavesNoMailboxSelected();

    void qresyncSelectReportsVanishedAndChangedFlags();
    void qresyncSelectOnFreshConnection();
    void qresyncWithoutEnableFailsCleanly();
    void fetchChangedSinceReturnsOnlyChangedMessages();
    void fetchVanishedModifierReportsExpunges();
    void fetchStreamsTenThousandMessages();

    void appendReportsAppendUid();
    void appendBinaryLiteral();
    void appendToMissingMailboxSaysTryCreate();
    void copyReportsCopyUid();
    void copyToMissingMailboxKeepsSource();
    void moveReportsCopyUidAndExpunges();
    void uidExpungeRemovesOnlyNamedMessages();

    void mailboxLifecycle();
    void createExistingMailboxFails();
    void nonAsciiMailboxName();
    void deletingSelectedMailboxDeselects();

    void search_data();
    void search();
    void searchWithCharsetAndLiteral();
    void storeUnchangedSinceReportsModified();

    void quota();
    void withoutExtensionsFallsBack();

private:
    std::unique_ptr<Session> openSession(DovecotFixture &fixture, const QString &user);
    std::unique_ptr<Session> openSession(const QString &user) { return openSession(m_fixture, user); }
    bool runJob(Job *job, int timeoutMs = kJobTimeoutMs);
    template <typename J>
    std::unique_ptr<J> make(Session *session)
    {
        auto job = std::make_unique<J>(session);
        job->setAutoDelete(false);
        return job;
    }
    std::unique_ptr<SelectJob> select(Session *session, const QByteArray &mailbox, bool condStore = false);
    bool enableQResync(Session *session);
    void setUpSearchMailbox();

    DovecotFixture m_fixture;
    bool m_searchReady = false;
};

void JobsDovecotTest::initTestCase()
{
    if (!DovecotFixture::available())
        QSKIP(qPrintable(DovecotFixture::unavailableReason()));
    DovecotFixture::Options options;
    options.users = {QStringLiteral("alice"), QStringLiteral("bob"),  QStringLiteral("carol"),
                     QStringLiteral("dave"),  QStringLiteral("erin"), QStringLiteral("frank")};
    options.compressDeflate = false;
    // RFC 9208 quota, counted by Dovecot itself, 1 GiB of storage per user.
    options.extraConfig = "mail_plugins = $mail_plugins quota\n"
                          "protocol imap {\n  mail_plugins = $mail_plugins imap_quota\n}\n"
                          "plugin {\n  quota = count:User quota\n  quota_rule = *:storage=1G\n  quota_vsizes = yes\n}\n";
    QVERIFY2(m_fixture.start(options), qPrintable(m_fixture.errorString()));
}

void JobsDovecotTest::cleanupTestCase()
{
    m_fixture.stop();
}

std::unique_ptr<Session> JobsDovecotTest::openSession(DovecotFixture &fixture, const QString &user)
{
    auto session = std::make_unique<Session>();
    SessionSettings settings;
    settings.host = fixture.host();
    settings.port = fixture.imapsPort();
    settings.security = Security::ImplicitTls;
    settings.extraCaCertificates = {fixture.caCertificate()};
    session->setSettings(settings);

    QSignalSpy opened(session.get(), &Session::opened);
    QSignalSpy closed(session.get(), &Session::closed);
    session->open();
    if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !closed.isEmpty(); }, kJobTimeoutMs) || opened.isEmpty()) {
        qWarning() << "connect failed:" << (closed.isEmpty() ? QStringLiteral("timeout")
                                                             : closed.first().first().value<Error>().message);
        return nullptr;
    }
    auto login = make<LoginJob>(session.get());
    login->setUserName(user);
    login->setPassword(fixture.password(user));
    if (!runJob(login.get())) {
        qWarning() << "login failed:" << login->error().message;
        return nullptr;
    }
    return session;
}

bool JobsDovecotTest::runJob(Job *job, int timeoutMs)
{
    job->setAutoDelete(false);
    QSignalSpy finished(job, &Job::finished);
    QSignalSpy failed(job, &Job::failed);
    job->start();
    const bool done = QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, timeoutMs);
    if (!done)
        qWarning() << job->metaObject()->className() << "timed out";
    return finished.size() == 1 && failed.isEmpty();
}

std::unique_ptr<SelectJob> JobsDovecotTest::select(Session *session, const QByteArray &mailbox, bool condStore)
{
    auto job = make<SelectJob>(session);
    job->setMailbox(mailbox);
    job->setCondStore(condStore);
    if (!runJob(job.get()))
        return nullptr;
    return job;
}

bool JobsDovecotTest::enableQResync(Session *session)
{
    auto enable = make<EnableJob>(session);
    enable->setCapabilities({QByteArrayLiteral("QRESYNC")});
    return runJob(enable.get()) && enable->enabled().contains(QByteArrayLiteral("QRESYNC"));
}

// --- LIST, STATUS, SELECT --------------------------------------------------------------------------

void JobsDovecotTest::listReturnsSpecialUseAndStatus()
{
    const QString user = QStringLiteral("alice");
    for (int i = 1; i <= 3; ++i)
        QVERIFY(m_fixture.deliver(user, makeMessage("List " + QByteArray::number(i), "list" + QByteArray::number(i) + "@heron.test")).ok());
    const auto server = m_fixture.status(user);
    QVERIFY(server.ok());

    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(session->hasCapability("LIST-STATUS"));
    QVERIFY(session->hasCapability("SPECIAL-USE"));

    auto list = make<ListJob>(session.get());
    RUN_JOB(list.get());
    QVERIFY(list->usedExtendedList());

    const ListResponse *inbox = findMailbox(list->mailboxes(), "INBOX");
    const ListResponse *sent = findMailbox(list->mailboxes(), "Sent");
    const ListResponse *trash = findMailbox(list->mailboxes(), "Trash");
    QVERIFY(inbox);
    QVERIFY(sent);
    QVERIFY(trash);
    QVERIFY(sent->attributes.contains(QByteArrayLiteral("\\Sent")));
    QVERIFY(trash->attributes.contains(QByteArrayLiteral("\\Trash")));
    QVERIFY(!inbox->attributes.contains(QByteArrayLiteral("\\Sent")));
    QCOMPARE(inbox->delimiter, '/');

    QVERIFY(list->statuses().contains("INBOX"));
    const StatusDataResponse status = list->statuses().value("INBOX");
    QCOMPARE(status.messages.value_or(0), 3u);
    QCOMPARE(status.unseen.value_or(0), 3u);
    QCOMPARE(status.uidNext.value_or(0), 4u);
    QCOMPARE(status.uidValidity.value_or(0), server->uidValidity);
    QVERIFY(status.highestModSeq.has_value());
    QCOMPARE(*status.highestModSeq, server->highestModSeq);
    QCOMPARE(list->statuses().value("Sent").messages.value_or(99), 0u);

    QVERIFY(list->hasSubscriptionInfo());
    QVERIFY(list->subscribed().contains("Sent"));
    QVERIFY(list->subscribed().contains("Trash"));
}

void JobsDovecotTest::listPastTheMailboxLimitFailsCleanly()
{
    auto session = openSession(QStringLiteral("alice"));
    QVERIFY(session);
    auto list = make<ListJob>(session.get());
    list->setMaxMailboxes(2);  // alice has INBOX, Drafts, Sent, Trash
    QVERIFY(!runJob(list.get()));
    QCOMPARE(list->error().code, Error::Code::LimitExceeded);
    QVERIFY(list->mailboxes().isEmpty());

    // The rest of the answer was consumed: the connection is still in step.
    auto status = make<StatusJob>(session.get());
    status->setMailbox("INBOX");
    RUN_JOB(status.get());
    QVERIFY(status->hasStatus());
}

void JobsDovecotTest::statusMatchesServer()
{
    const QString user = QStringLiteral("alice");
    const auto server = m_fixture.status(user);
    QVERIFY(server.ok());
    auto session = openSession(user);
    QVERIFY(session);

    auto status = make<StatusJob>(session.get());
    status->setMailbox("inbox");  // INBOX is case-insensitive (RFC 3501 §5.1)
    RUN_JOB(status.get());
    QVERIFY(status->hasStatus());
    QCOMPARE(status->status().messages.value_or(0), server->messages);
    QCOMPARE(status->status().unseen.value_or(0), server->unseen);
    QCOMPARE(status->status().uidNext.value_or(0), server->uidNext);
    QCOMPARE(status->status().uidValidity.value_or(0), server->uidValidity);
    QCOMPARE(status->status().highestModSeq.value_or(0), server->highestModSeq);
    QVERIFY(!status->status().recent.has_value());  // not asked for
}

void JobsDovecotTest::pipelinedStatusJobsEachGetTheirOwn()
{
    auto session = openSession(QStringLiteral("alice"));
    QVERIFY(session);
    const QList<QByteArray> names = {"INBOX", "Sent", "Trash", "Drafts"};
    std::vector<std::unique_ptr<StatusJob>> jobs;
    QList<std::shared_ptr<QSignalSpy>> spies;
    for (const QByteArray &name : names) {
        jobs.push_back(make<StatusJob>(session.get()));
        jobs.back()->setMailbox(name);
        spies.append(std::make_shared<QSignalSpy>(jobs.back().get(), &Job::finished));
    }
    for (auto &job : jobs)
        job->start();  // all on the wire before the first answer
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(spies.begin(), spies.end(), [](const auto &spy) { return spy->size() == 1; }),
                             kJobTimeoutMs);
    for (size_t i = 0; i < jobs.size(); ++i) {
        QVERIFY(jobs[i]->hasStatus());
        QCOMPARE(jobs[i]->status().mailbox, names.at(qsizetype(i)));
        QCOMPARE(jobs[i]->status().messages.value_or(99), i == 0 ? 3u : 0u);
    }
}

void JobsDovecotTest::statusOfMissingMailboxFails()
{
    auto session = openSession(QStringLiteral("alice"));
    QVERIFY(session);
    auto status = make<StatusJob>(session.get());
    status->setMailbox("Does/Not/Exist");
    QVERIFY(!runJob(status.get()));
    QCOMPARE(status->error().code, Error::Code::ServerNo);
    QVERIFY(!status->hasStatus());
}

void JobsDovecotTest::selectReportsMailboxState()
{
    const QString user = QStringLiteral("alice");
    const auto server = m_fixture.status(user);
    QVERIFY(server.ok());
    auto session = openSession(user);
    QVERIFY(session);

    QSignalSpy stateChanged(session.get(), &Session::stateChanged);
    auto job = select(session.get(), "INBOX", true);
    QVERIFY(job);
    QCOMPARE(job->exists(), 3u);
    QCOMPARE(job->uidValidity(), server->uidValidity);
    QCOMPARE(job->uidNext(), 4u);
    QCOMPARE(job->highestModSeq(), server->highestModSeq);
    QVERIFY(!job->noModSeq());
    QCOMPARE(job->firstUnseen().value_or(0), 1u);
    QVERIFY(job->flags().contains(QByteArrayLiteral("\\Seen")));
    QVERIFY(job->permanentFlags().contains(QByteArrayLiteral("\\*")));
    QVERIFY(!job->isReadOnly());
    QCOMPARE(session->state(), Session::State::Selected);
    QCOMPARE(session->selectedMailbox(), QByteArrayLiteral("INBOX"));
    QVERIFY(!stateChanged.isEmpty());
}

void JobsDovecotTest::examineIsReadOnly()
{
    auto session = openSession(QStringLiteral("alice"));
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX"));

    auto job = make<SelectJob>(session.get());
    job->setMailbox("Sent");
    job->setReadOnly(true);
    RUN_JOB(job.get());
    QVERIFY(job->isReadOnly());
    QCOMPARE(job->exists(), 0u);
    QVERIFY(job->uidValidity() != 0);
    QCOMPARE(session->selectedMailbox(), QByteArrayLiteral("Sent"));
}

void JobsDovecotTest::failedSelectLeavesNoMailboxSelected()
{
    auto session = openSession(QStringLiteral("alice"));
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX"));
    auto job = make<SelectJob>(session.get());
    job->setMailbox("Missing");
    QVERIFY(!runJob(job.get()));
    QCOMPARE(job->error().code, Error::Code::ServerNo);
    QCOMPARE(session->state(), Session::State::Authenticated);
    QVERIFY(session->selectedMailbox().isEmpty());
}

// --- QRESYNC, CONDSTORE, FETCH --------------------------------------------------------------------

void JobsDovecotTest::qresyncSelectReportsVanishedAndChangedFlags()
{
    const QString user = QStringLiteral("dave");
    for (int i = 1; i <= 6; ++i)
        QVERIFY(m_fixture.deliver(user, makeMessage("Q " + QByteArray::number(i), "q" + QByteArray::number(i) + "@heron.test")).ok());

    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(enableQResync(session.get()));
    auto first = select(session.get(), "INBOX");
    QVERIFY(first);
    QCOMPARE(first->exists(), 6u);
    const uint32_t uidValidity = first->uidValidity();
    const uint64_t modSeq = first->highestModSeq();
    QVERIFY(modSeq > 0);

    // Another device expunges 2 and 4, flags 3 and marks 5 read.
    QVERIFY(m_fixture.expunge(user, QStringLiteral("INBOX"), UidSet::fromValues(QList<uint32_t>{2, 4})));
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(3, 3), {QStringLiteral("\\Flagged")}));
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(5, 5), {QStringLiteral("\\Seen")}));

    // Re-selecting the selected mailbox: the server closes it first ([CLOSED], RFC 7162 §3.2.11).
    auto resync = make<SelectJob>(session.get());
    resync->setMailbox("INBOX");
    resync->setQResync(uidValidity, modSeq, UidSet::fromRange(1, 6));
    QSignalSpy fetched(resync.get(), &SelectJob::messageFetched);
    QSignalSpy vanished(resync.get(), &SelectJob::messagesVanished);
    RUN_JOB(resync.get());

    QCOMPARE(resync->uidValidity(), uidValidity);
    QCOMPARE(resync->exists(), 4u);
    QVERIFY(resync->highestModSeq() > modSeq);
    QCOMPARE(resync->vanished(), UidSet::fromValues(QList<uint32_t>{2, 4}));
    QVERIFY(!vanished.isEmpty());

    QCOMPARE(qsizetype(fetched.size()), resync->changes().size());
    QHash<uint32_t, FetchResponse> changes;
    for (const FetchResponse &change : resync->changes()) {
        QVERIFY(change.uid.has_value());
        changes.insert(*change.uid, change);
    }
    QCOMPARE(changes.size(), 2);
    QVERIFY(changes.contains(3) && changes.contains(5));
    QVERIFY(hasFlag(changes.value(3), "\\Flagged"));
    QVERIFY(hasFlag(changes.value(5), "\\Seen"));
    QVERIFY(changes.value(3).modSeq.value_or(0) > modSeq);
    QCOMPARE(session->state(), Session::State::Selected);
}

void JobsDovecotTest::qresyncSelectOnFreshConnection()
{
    const QString user = QStringLiteral("dave");
    const auto server = m_fixture.status(user);
    QVERIFY(server.ok());
    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(enableQResync(session.get()));

    // From mod-sequence 1 (everything): all current messages come back, the expunged ones vanish.
    auto job = make<SelectJob>(session.get());
    job->setMailbox("INBOX");
    job->setQResync(server->uidValidity, 1);
    job->setCollectChanges(false);
    QList<uint32_t> streamed;
    connect(job.get(), &SelectJob::messageFetched, this,
            [&](const FetchResponse &response) { streamed.append(response.uid.value_or(0)); });
    RUN_JOB(job.get());
    QVERIFY(job->changes().isEmpty());  // not collected when switched off
    std::sort(streamed.begin(), streamed.end());
    QCOMPARE(streamed, (QList<uint32_t>{1, 3, 5, 6}));
    QVERIFY(job->vanished().contains(2));
    QVERIFY(job->vanished().contains(4));
    for (uint32_t uid : {1u, 3u, 5u, 6u})
        QVERIFY(!job->vanished().contains(uid));
}

void JobsDovecotTest::qresyncWithoutEnableFailsCleanly()
{
    auto session = openSession(QStringLiteral("dave"));
    QVERIFY(session);
    const quint64 commandsBefore = session->stats().commands;
    auto job = make<SelectJob>(session.get());
    job->setMailbox("INBOX");
    job->setQResync(1, 1);
    QVERIFY(!runJob(job.get()));
    QCOMPARE(job->error().code, Error::Code::Unsupported);
    QCOMPARE(session->stats().commands, commandsBefore);  // nothing was sent
}

void JobsDovecotTest::fetchChangedSinceReturnsOnlyChangedMessages()
{
    const QString user = QStringLiteral("dave");
    const auto before = m_fixture.status(user);
    QVERIFY(before.ok());
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(6, 6), {QStringLiteral("\\Answered")}));

    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX", true));

    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(1, UidSet::kStar));
    fetch->setItems({"UID", "FLAGS"});
    fetch->setChangedSince(before->highestModSeq);
    QList<FetchResponse> responses;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) { responses.append(r); });
    RUN_JOB(fetch.get());
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.first().uid.value_or(0), 6u);
    QVERIFY(hasFlag(responses.first(), "\\Answered"));
    QVERIFY(responses.first().modSeq.value_or(0) > before->highestModSeq);  // CHANGEDSINCE implies MODSEQ
    QCOMPARE(fetch->fetchedCount(), quint64(1));
}

void JobsDovecotTest::fetchVanishedModifierReportsExpunges()
{
    const QString user = QStringLiteral("dave");
    const auto before = m_fixture.status(user);
    QVERIFY(before.ok());
    QVERIFY(m_fixture.expunge(user, QStringLiteral("INBOX"), UidSet::fromRange(1, 1)));
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(5, 5), {QStringLiteral("\\Flagged")}));

    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(enableQResync(session.get()));
    QVERIFY(select(session.get(), "INBOX"));

    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(1, UidSet::kStar));
    fetch->setItems({"FLAGS"});
    fetch->setChangedSince(before->highestModSeq);
    fetch->setVanished(true);
    QSignalSpy vanished(fetch.get(), &FetchJob::messagesVanished);
    QList<uint32_t> uids;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) { uids.append(r.uid.value_or(0)); });
    RUN_JOB(fetch.get());
    QCOMPARE(uids, QList<uint32_t>{5});
    QVERIFY(fetch->vanishedUids().contains(1));
    QVERIFY(!fetch->vanishedUids().contains(5));
    QCOMPARE(vanished.size(), 1);

    // VANISHED needs CHANGEDSINCE: refused before anything is sent.
    auto wrong = make<FetchJob>(session.get());
    wrong->setUids(UidSet::fromRange(1, UidSet::kStar));
    wrong->setItems({"FLAGS"});
    wrong->setVanished(true);
    QVERIFY(!runJob(wrong.get()));
    QCOMPARE(wrong->error().code, Error::Code::InvalidInput);
}

void JobsDovecotTest::fetchStreamsTenThousandMessages()
{
    constexpr int kCount = 10000;
    const QString user = QStringLiteral("bob");
    QList<QByteArray> messages;
    messages.reserve(kCount);
    for (int i = 0; i < kCount; ++i)
        messages.append(DovecotFixture::generateMessage(i, 42));
    QElapsedTimer timer;
    timer.start();
    const auto delivered = m_fixture.deliverMany(user, QStringLiteral("INBOX"), messages);
    QVERIFY2(delivered.ok(), qPrintable(delivered.ok() ? QString() : delivered.error().message));
    QCOMPARE(delivered->count(), uint64_t(kCount));
    qInfo("delivered %d messages in %lld ms", kCount, timer.elapsed());
    messages.clear();

    auto session = openSession(user);
    QVERIFY(session);
    auto selected = select(session.get(), "INBOX");
    QVERIFY(selected);
    QCOMPARE(selected->exists(), uint32_t(kCount));

    for (const char *pass : {"cold", "warm"}) {
        auto fetch = make<FetchJob>(session.get());
        fetch->setUids(UidSet::fromRange(1, UidSet::kStar));
        fetch->setItems({"UID", "FLAGS", "ENVELOPE", "BODYSTRUCTURE", "RFC822.SIZE", "INTERNALDATE"});
        // The job hands every message out and keeps none: only this counter sees them all.
        int received = 0;
        uint32_t lastUid = 0;
        bool ordered = true;
        bool complete = true;
        connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) {
            ++received;
            ordered = ordered && r.uid.value_or(0) > lastUid;
            lastUid = r.uid.value_or(0);
            complete = complete && r.envelope && r.bodyStructure && r.rfc822Size && r.internalDate && r.flags;
        });
        const quint64 bytesBefore = session->stats().bytesIn;
        timer.restart();
        QVERIFY2(runJob(fetch.get(), 240000), qPrintable(describeJob(fetch.get())));
        const qint64 elapsed = timer.elapsed();
        const double megabytes = double(session->stats().bytesIn - bytesBefore) / (1024.0 * 1024.0);
        qInfo("%s fetch of %d messages: %lld ms, %.1f MiB, %.0f messages/s", pass, received, elapsed, megabytes,
              elapsed > 0 ? received * 1000.0 / double(elapsed) : 0.0);
        QCOMPARE(received, kCount);
        QCOMPARE(fetch->fetchedCount(), quint64(kCount));
        QVERIFY(ordered);
        QVERIFY(complete);
        QCOMPARE(lastUid, delivered->max());
    }
}

// --- APPEND, COPY, MOVE, EXPUNGE -----------------------------------------------------------------

void JobsDovecotTest::appendReportsAppendUid()
{
    const QString user = QStringLiteral("carol");
    const auto before = m_fixture.status(user);
    QVERIFY(before.ok());
    auto session = openSession(user);
    QVERIFY(session);

    const QByteArray message = makeMessage("Appended", "append1@heron.test");
    const QDateTime date(QDate(2021, 3, 4), QTime(5, 6, 7), QTimeZone(3600));
    auto append = make<AppendJob>(session.get());
    append->setMailbox("INBOX");
    append->setFlags({"\\Seen", "\\Flagged"});
    append->setInternalDate(date);
    append->setMessage(message);
    RUN_JOB(append.get());
    QVERIFY(append->hasAppendUid());
    QCOMPARE(append->uidValidity(), before->uidValidity);
    QCOMPARE(append->uid(), before->uidNext);

    QVERIFY(select(session.get(), "INBOX"));
    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(append->uid(), append->uid()));
    fetch->setItems({"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"});
    QList<FetchResponse> responses;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) { responses.append(r); });
    RUN_JOB(fetch.get());
    QCOMPARE(responses.size(), 1);
    const FetchResponse &r = responses.first();
    QVERIFY(hasFlag(r, "\\Seen"));
    QVERIFY(hasFlag(r, "\\Flagged"));
    QCOMPARE(r.internalDate.value_or(0), date.toSecsSinceEpoch());
    QCOMPARE(r.rfc822Size.value_or(0), uint64_t(message.size()));
    QCOMPARE(r.sections.size(), 1);
    QVERIFY(r.sections.first().data.contains("append1@heron.test"));
}

void JobsDovecotTest::appendBinaryLiteral()
{
    const QString user = QStringLiteral("carol");
    auto session = openSession(user);
    QVERIFY(session);
    if (!session->hasCapability("BINARY"))
        QSKIP("the server does not advertise BINARY");
    QByteArray body("8-bit: gr\xc3\xbc\xc3\x9f" "e\r\n");
    QByteArray message = makeMessage("Binary", "binary1@heron.test", "Tue, 02 Jan 2024 10:00:00 +0000", body);
    message.replace("Content-Type: text/plain; charset=utf-8\r\n",
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: binary\r\n");
    auto append = make<AppendJob>(session.get());
    append->setMailbox("INBOX");
    append->setMessage(message);
    append->setBinary(true);
    RUN_JOB(append.get());
    QVERIFY(append->hasAppendUid());

    QVERIFY(select(session.get(), "INBOX"));
    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(append->uid(), append->uid()));
    fetch->setItems({"UID", "RFC822.SIZE", "BINARY.PEEK[1]"});
    QList<FetchResponse> responses;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) { responses.append(r); });
    RUN_JOB(fetch.get());
    QCOMPARE(responses.size(), 1);
    // The server may store the part in another transfer encoding (RFC 3516 §4.3), so only the
    // decoded content is compared, not the size.
    QCOMPARE(responses.first().sections.size(), 1);
    QVERIFY(responses.first().sections.first().binary);
    QCOMPARE(responses.first().sections.first().data, body);
}

void JobsDovecotTest::appendToMissingMailboxSaysTryCreate()
{
    auto session = openSession(QStringLiteral("carol"));
    QVERIFY(session);
    auto append = make<AppendJob>(session.get());
    append->setMailbox("Nowhere");
    append->setMessage(makeMessage("Lost", "lost@heron.test"));
    QVERIFY(!runJob(append.get()));
    QCOMPARE(append->error().code, Error::Code::ServerNo);
    QCOMPARE(append->result().code.kind, ResponseCode::Kind::TryCreate);
    QVERIFY(!append->hasAppendUid());
}

void JobsDovecotTest::copyReportsCopyUid()
{
    const QString user = QStringLiteral("carol");
    UidSet sources;
    QHash<uint32_t, QByteArray> messageIds;
    for (int i = 1; i <= 3; ++i) {
        const QByteArray id = "copy" + QByteArray::number(i) + "@heron.test";
        const auto uid = m_fixture.deliver(user, makeMessage("Copy " + QByteArray::number(i), id));
        QVERIFY(uid.ok());
        sources.add(*uid);
        messageIds.insert(*uid, id);
    }
    auto session = openSession(user);
    QVERIFY(session);
    auto create = make<CreateJob>(session.get());
    create->setMailbox("Archive");
    RUN_JOB(create.get());
    const auto archive = m_fixture.status(user, QStringLiteral("Archive"));
    QVERIFY(archive.ok());

    QVERIFY(select(session.get(), "INBOX"));
    auto copy = make<CopyJob>(session.get());
    copy->setUids(sources);
    copy->setDestination("Archive");
    RUN_JOB(copy.get());
    QVERIFY(copy->copyUid().has_value());
    const CopyUid copyUid = *copy->copyUid();
    QCOMPARE(copyUid.uidValidity, archive->uidValidity);
    QCOMPARE(copyUid.sourceUids, sources);
    QCOMPARE(copyUid.destinationUids.count(), uint64_t(3));
    const auto pairs = copyUid.pairs();
    QCOMPARE(pairs.size(), 3);

    // The source stays; the copies sit in Archive under the announced UIDs.
    QCOMPARE(m_fixture.messageCount(user, QStringLiteral("Archive")).value(), 3u);
    QVERIFY(select(session.get(), "Archive"));
    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(copyUid.destinationUids);
    fetch->setItems({"UID", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"});
    QHash<uint32_t, QByteArray> headers;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) {
        headers.insert(r.uid.value_or(0), r.sections.isEmpty() ? QByteArray() : r.sections.first().data);
    });
    RUN_JOB(fetch.get());
    QCOMPARE(headers.size(), 3);
    for (const auto &[source, destination] : pairs)
        QVERIFY2(headers.value(destination).contains(messageIds.value(source)), headers.value(destination).constData());
    QVERIFY(m_fixture.uids(user).value().contains(sources.min()));
}

void JobsDovecotTest::copyToMissingMailboxKeepsSource()
{
    const QString user = QStringLiteral("carol");
    const auto before = m_fixture.messageCount(user);
    QVERIFY(before.ok());
    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX"));
    auto copy = make<CopyJob>(session.get());
    copy->setUids(UidSet::fromRange(1, UidSet::kStar));
    copy->setDestination("Missing");
    QVERIFY(!runJob(copy.get()));
    QCOMPARE(copy->error().code, Error::Code::ServerNo);
    QCOMPARE(copy->result().code.kind, ResponseCode::Kind::TryCreate);
    QVERIFY(!copy->copyUid());
    QCOMPARE(m_fixture.messageCount(user).value(), *before);
}

void JobsDovecotTest::moveReportsCopyUidAndExpunges()
{
    const QString user = QStringLiteral("carol");
    const auto uid = m_fixture.deliver(user, makeMessage("Move me", "move1@heron.test"));
    QVERIFY(uid.ok());
    const auto trash = m_fixture.status(user, QStringLiteral("Trash"));
    QVERIFY(trash.ok());

    // INBOX → Trash with EXPUNGE responses, then back with QRESYNC on (VANISHED responses).
    for (bool qresync : {false, true}) {
        auto session = openSession(user);
        QVERIFY(session);
        QVERIFY(session->hasCapability("MOVE"));
        if (qresync)
            QVERIFY(enableQResync(session.get()));
        QVERIFY(select(session.get(), qresync ? "Trash" : "INBOX"));
        auto move = make<MoveJob>(session.get());
        const uint32_t source = qresync ? trash->uidNext : *uid;
        move->setUids(UidSet::fromRange(source, source));
        move->setDestination(qresync ? "INBOX" : "Trash");
        RUN_JOB(move.get());
        QVERIFY(move->copyUid().has_value());
        QCOMPARE(move->copyUid()->sourceUids, UidSet::fromRange(source, source));
        QCOMPARE(move->copyUid()->destinationUids.count(), uint64_t(1));
        if (qresync) {
            QVERIFY(move->expungedSequences().isEmpty());
            QCOMPARE(move->vanishedUids(), UidSet::fromRange(source, source));  // RFC 7162 §3.2.10
        } else {
            QCOMPARE(move->expungedSequences().size(), 1);
            QCOMPARE(move->copyUid()->uidValidity, trash->uidValidity);
            QCOMPARE(move->copyUid()->destinationUids.min(), trash->uidNext);
        }

        const QByteArray destination = qresync ? "INBOX" : "Trash";
        QVERIFY(select(session.get(), destination));
        auto fetch = make<FetchJob>(session.get());
        fetch->setUids(move->copyUid()->destinationUids);
        fetch->setItems({"UID", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"});
        QByteArray header;
        connect(fetch.get(), &FetchJob::messageFetched, this,
                [&](const FetchResponse &r) { header = r.sections.value(0).data; });
        RUN_JOB(fetch.get());
        QVERIFY(header.contains("move1@heron.test"));
        const QString sourceFolder = qresync ? QStringLiteral("Trash") : QStringLiteral("INBOX");
        QVERIFY(!m_fixture.uids(user, sourceFolder).value().contains(source));
    }
}

void JobsDovecotTest::uidExpungeRemovesOnlyNamedMessages()
{
    const QString user = QStringLiteral("carol");
    const auto first = m_fixture.deliver(user, makeMessage("Expunge 1", "expunge1@heron.test"));
    const auto second = m_fixture.deliver(user, makeMessage("Expunge 2", "expunge2@heron.test"));
    QVERIFY(first.ok() && second.ok());
    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(session->hasCapability("UIDPLUS"));
    QVERIFY(select(session.get(), "INBOX"));

    auto store = make<StoreJob>(session.get());
    store->setUids(UidSet::fromValues(QList<uint32_t>{*first, *second}));
    store->setFlags({"\\Deleted"});
    store->setSilent(true);
    RUN_JOB(store.get());

    auto expunge = make<ExpungeJob>(session.get());
    expunge->setUids(UidSet::fromRange(*first, *first));
    RUN_JOB(expunge.get());
    QCOMPARE(expunge->expungedSequences().size(), 1);

    const UidSet remaining = m_fixture.uids(user).value();
    QVERIFY(!remaining.contains(*first));
    QVERIFY(remaining.contains(*second));  // \Deleted but not named: kept
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(*second, *second),
                               {QStringLiteral("\\Deleted")}, DovecotFixture::FlagMode::Remove));
}

// --- Mailbox management --------------------------------------------------------------------------

void JobsDovecotTest::mailboxLifecycle()
{
    const QString user = QStringLiteral("frank");
    auto session = openSession(user);
    QVERIFY(session);

    auto create = make<CreateJob>(session.get());
    create->setMailbox("Projects/Heron");
    RUN_JOB(create.get());
    auto subscribe = make<SubscribeJob>(session.get());
    subscribe->setMailbox("Projects/Heron");
    RUN_JOB(subscribe.get());

    auto list = make<ListJob>(session.get());
    list->setPattern("Projects*");
    RUN_JOB(list.get());
    QVERIFY(findMailbox(list->mailboxes(), "Projects"));
    QVERIFY(findMailbox(list->mailboxes(), "Projects/Heron"));
    QVERIFY(list->subscribed().contains("Projects/Heron"));
    // The parent exists only as a name in the hierarchy (RFC 5258 §3.4).
    QVERIFY(findMailbox(list->mailboxes(), "Projects")->attributes.contains(QByteArrayLiteral("\\HasChildren")));
    QVERIFY(findMailbox(list->mailboxes(), "Projects")->attributes.contains(QByteArrayLiteral("\\NonExistent")));
    QVERIFY(!list->statuses().contains("Projects"));
    QCOMPARE(list->statuses().value("Projects/Heron").uidNext.value_or(0), 1u);

    auto rename = make<RenameJob>(session.get());
    rename->setMailbox("Projects/Heron");
    rename->setNewName("Projects/Kestrel");
    RUN_JOB(rename.get());
    QStringList folders = m_fixture.folders(user).value();
    QVERIFY(folders.contains(QStringLiteral("Projects/Kestrel")));
    QVERIFY(!folders.contains(QStringLiteral("Projects/Heron")));

    auto unsubscribe = make<SubscribeJob>(session.get());
    unsubscribe->setMailbox("Projects/Kestrel");
    unsubscribe->setSubscribe(false);
    RUN_JOB(unsubscribe.get());
    QVERIFY(!m_fixture.folders(user, true).value().contains(QStringLiteral("Projects/Kestrel")));

    auto remove = make<DeleteJob>(session.get());
    remove->setMailbox("Projects/Kestrel");
    RUN_JOB(remove.get());
    QVERIFY(!m_fixture.folders(user).value().contains(QStringLiteral("Projects/Kestrel")));
}

void JobsDovecotTest::createExistingMailboxFails()
{
    auto session = openSession(QStringLiteral("frank"));
    QVERIFY(session);
    auto first = make<CreateJob>(session.get());
    first->setMailbox("Twice");
    RUN_JOB(first.get());
    QVERIFY(!first->alreadyExisted());
    auto create = make<CreateJob>(session.get());
    create->setMailbox("Twice");
    QVERIFY(!runJob(create.get()));
    QCOMPARE(create->error().code, Error::Code::ServerNo);
    QVERIFY(create->alreadyExisted());
}

void JobsDovecotTest::nonAsciiMailboxName()
{
    const QString user = QStringLiteral("frank");
    const QString name = QStringLiteral("Entwürfe & Notizen");
    const QByteArray wire = encodeMailboxName(name);
    auto session = openSession(user);
    QVERIFY(session);
    auto create = make<CreateJob>(session.get());
    create->setMailbox(wire);
    RUN_JOB(create.get());
    QVERIFY(m_fixture.folders(user).value().contains(name));

    auto list = make<ListJob>(session.get());
    RUN_JOB(list.get());
    QVERIFY(findMailbox(list->mailboxes(), wire));
    QCOMPARE(decodeMailboxName(wire).value(), name);

    auto status = make<StatusJob>(session.get());
    status->setMailbox(wire);
    RUN_JOB(status.get());
    QVERIFY(status->hasStatus());
}

void JobsDovecotTest::deletingSelectedMailboxDeselects()
{
    auto session = openSession(QStringLiteral("frank"));
    QVERIFY(session);
    auto create = make<CreateJob>(session.get());
    create->setMailbox("Short-lived");
    RUN_JOB(create.get());
    QVERIFY(select(session.get(), "Short-lived"));
    auto remove = make<DeleteJob>(session.get());
    remove->setMailbox("Short-lived");
    QSignalSpy stateChanged(session.get(), &Session::stateChanged);
    RUN_JOB(remove.get());
    // The job leaves Selected state at its OK; Dovecot then also says BYE ("Selected mailbox was
    // deleted") and the session closes.
    QVERIFY(!stateChanged.isEmpty());
    QCOMPARE(stateChanged.first().first().value<Session::State>(), Session::State::Authenticated);
    QVERIFY(session->selectedMailbox().isEmpty());
    QVERIFY(!m_fixture.folders(QStringLiteral("frank")).value().contains(QStringLiteral("Short-lived")));
}

// --- SEARCH, STORE -------------------------------------------------------------------------------

void JobsDovecotTest::setUpSearchMailbox()
{
    if (m_searchReady)
        return;
    const QString user = QStringLiteral("erin");
    struct Seed {
        QByteArray subject;
        QDate date;
        bool seen;
    };
    const QList<Seed> seeds = {
        {"Alpha report", QDate(2020, 1, 10), true},
        {"Beta", QDate(2021, 6, 1), true},
        {"Gamma report", QDate(2023, 3, 3), false},
        {"Delta", QDate(2024, 5, 5), false},
        {"=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Z=C3=BCrich?=", QDate(2024, 6, 1), false},
    };
    int index = 0;
    for (const Seed &seed : seeds) {
        const QDateTime when(seed.date, QTime(12, 0), QTimeZone::utc());
        const auto uid = m_fixture.deliver(user, makeMessage(seed.subject, "search" + QByteArray::number(++index) + "@heron.test"),
                                           QStringLiteral("INBOX"), seed.seen ? QStringList{QStringLiteral("\\Seen")} : QStringList{},
                                           when);
        QVERIFY(uid.ok());
        QCOMPARE(*uid, uint32_t(index));
    }
    m_searchReady = true;
}

void JobsDovecotTest::search_data()
{
    QTest::addColumn<QByteArray>("criteria");
    QTest::addColumn<bool>("esearch");
    QTest::addColumn<QList<uint32_t>>("expected");

    const QByteArray since2022 = "SINCE " + SearchJob::formatDate(QDate(2022, 1, 1));
    for (bool esearch : {true, false}) {
        const char *suffix = esearch ? " (ESEARCH)" : " (SEARCH)";
        QTest::addRow("unseen%s", suffix) << QByteArray("UNSEEN") << esearch << QList<uint32_t>{3, 4, 5};
        QTest::addRow("since date%s", suffix) << since2022 << esearch << QList<uint32_t>{3, 4, 5};
        QTest::addRow("seen before date%s", suffix)
            << QByteArray("SEEN BEFORE " + SearchJob::formatDate(QDate(2021, 1, 1))) << esearch << QList<uint32_t>{1};
        QTest::addRow("subject%s", suffix) << QByteArray("SUBJECT report") << esearch << QList<uint32_t>{1, 3};
        QTest::addRow("nothing%s", suffix) << QByteArray("SUBJECT nonexistent-word") << esearch << QList<uint32_t>{};
        QTest::addRow("uid range%s", suffix) << QByteArray("UID 2:4 UNSEEN") << esearch << QList<uint32_t>{3, 4};
    }
}

void JobsDovecotTest::search()
{
    QFETCH(QByteArray, criteria);
    QFETCH(bool, esearch);
    QFETCH(QList<uint32_t>, expected);
    setUpSearchMailbox();
    auto session = openSession(QStringLiteral("erin"));
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX"));

    auto job = make<SearchJob>(session.get());
    job->setCriteria(criteria);
    job->setUseESearch(esearch);
    RUN_JOB(job.get());
    QCOMPARE(job->usedESearch(), esearch && session->hasCapability("ESEARCH"));
    QCOMPARE(job->uids(), UidSet::fromValues(expected));
    QCOMPARE(job->count(), uint32_t(expected.size()));
    if (expected.isEmpty()) {
        QVERIFY(!job->min() && !job->max());
    } else {
        QCOMPARE(job->min().value_or(0), expected.first());
        QCOMPARE(job->max().value_or(0), expected.last());
    }
}

void JobsDovecotTest::searchWithCharsetAndLiteral()
{
    setUpSearchMailbox();
    auto session = openSession(QStringLiteral("erin"));
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX"));
    auto job = make<SearchJob>(session.get());
    job->setCharset("UTF-8");
    job->setCriteria([](Command &command) {
        command.atom("SUBJECT").string(QStringLiteral("grüße aus").toUtf8());  // 8-bit: goes out as a literal
    });
    RUN_JOB(job.get());
    QCOMPARE(job->uids(), UidSet::fromRange(5, 5));

    auto modseq = make<SearchJob>(session.get());
    modseq->setCriteria("MODSEQ 1");
    RUN_JOB(modseq.get());
    QCOMPARE(modseq->count(), 5u);
    QVERIFY(modseq->highestModSeq().value_or(0) > 0);  // RFC 7162 §3.1.5
}

void JobsDovecotTest::storeUnchangedSinceReportsModified()
{
    setUpSearchMailbox();
    const QString user = QStringLiteral("erin");
    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY(select(session.get(), "INBOX", true));

    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(1, 2));
    fetch->setItems({"UID", "MODSEQ"});
    uint64_t highest = 0;
    connect(fetch.get(), &FetchJob::messageFetched, this,
            [&](const FetchResponse &r) { highest = std::max(highest, r.modSeq.value_or(0)); });
    RUN_JOB(fetch.get());
    QVERIFY(highest > 0);

    // Another device changes message 2 after we read the mod-sequences.
    QVERIFY(m_fixture.setFlags(user, QStringLiteral("INBOX"), UidSet::fromRange(2, 2), {QStringLiteral("\\Answered")}));

    auto store = make<StoreJob>(session.get());
    store->setUids(UidSet::fromRange(1, 2));
    store->setFlags({"\\Flagged"});
    store->setUnchangedSince(highest);
    RUN_JOB(store.get());
    QCOMPARE(store->modified(), UidSet::fromRange(2, 2));
    bool sawFirst = false;
    for (const FetchResponse &r : store->fetched()) {
        if (r.uid == 1u) {
            sawFirst = true;
            QVERIFY(hasFlag(r, "\\Flagged"));
            QVERIFY(r.modSeq.value_or(0) > highest);
        } else {
            QVERIFY(!hasFlag(r, "\\Flagged"));  // an unsolicited update of 2, never our change
        }
    }
    QVERIFY(sawFirst);
    QVERIFY(m_fixture.flags(user, QStringLiteral("INBOX"), 1).value().contains(QStringLiteral("\\Flagged")));
    QVERIFY(!m_fixture.flags(user, QStringLiteral("INBOX"), 2).value().contains(QStringLiteral("\\Flagged")));

    auto remove = make<StoreJob>(session.get());
    remove->setUids(UidSet::fromRange(1, 1));
    remove->setMode(StoreJob::Mode::Remove);
    remove->setFlags({"\\Flagged"});
    RUN_JOB(remove.get());
    QVERIFY(!remove->fetched().isEmpty());
    QVERIFY(!hasFlag(remove->fetched().last(), "\\Flagged"));
}

// --- QUOTA and a server without the extensions ---------------------------------------------------

void JobsDovecotTest::quota()
{
    const QString user = QStringLiteral("frank");
    QVERIFY(m_fixture.deliver(user, makeMessage("Quota", "quota@heron.test")).ok());
    auto session = openSession(user);
    QVERIFY(session);
    QVERIFY2(session->hasCapability("QUOTA"), "the fixture config loads the imap_quota plugin");

    auto root = make<QuotaJob>(session.get());
    root->setMailbox("INBOX");
    RUN_JOB(root.get());
    QCOMPARE(root->roots(), Strings{QByteArrayLiteral("User quota")});
    QCOMPARE(root->quotas().size(), 1);
    const QuotaResource *storage = root->resource("STORAGE");
    QVERIFY(storage);
    QCOMPARE(storage->limit, uint64_t(1024 * 1024));  // 1 GiB in KiB (RFC 9208 §5.1)
    QVERIFY(storage->usage >= 1);

    auto byRoot = make<QuotaJob>(session.get());
    byRoot->setRoot("User quota");
    RUN_JOB(byRoot.get());
    QCOMPARE(byRoot->quotas().size(), 1);
    QCOMPARE(byRoot->quotas().first(), root->quotas().first());

    auto missing = make<QuotaJob>(session.get());
    missing->setRoot("No such root");
    QVERIFY(!runJob(missing.get()));
    QCOMPARE(missing->error().code, Error::Code::ServerNo);
}

void JobsDovecotTest::withoutExtensionsFallsBack()
{
    // A second server that advertises only IMAP4rev1 basics: no MOVE, LIST-EXTENDED, LIST-STATUS,
    // SPECIAL-USE, ESEARCH, CONDSTORE or QUOTA.
    DovecotFixture plain;
    DovecotFixture::Options options;
    options.users = {QStringLiteral("gina")};
    options.compressDeflate = false;
    options.imapCapability = QStringLiteral("IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS");
    QVERIFY2(plain.start(options), qPrintable(plain.errorString()));
    QVERIFY(plain.deliver(QStringLiteral("gina"), makeMessage("Plain", "plain@heron.test")).ok());

    auto session = openSession(plain, QStringLiteral("gina"));
    QVERIFY(session);
    QVERIFY(!session->hasCapability("MOVE"));
    QVERIFY(!session->hasCapability("LIST-STATUS"));

    auto list = make<ListJob>(session.get());
    RUN_JOB(list.get());
    QVERIFY(!list->usedExtendedList());
    QVERIFY(list->statuses().isEmpty());
    QVERIFY(findMailbox(list->mailboxes(), "INBOX"));
    QVERIFY(list->hasSubscriptionInfo());
    QVERIFY(list->subscribed().contains("Sent"));  // from LSUB

    auto status = make<StatusJob>(session.get());
    status->setMailbox("INBOX");
    RUN_JOB(status.get());
    QCOMPARE(status->status().messages.value_or(0), 1u);
    QVERIFY(!status->status().highestModSeq);  // not asked without CONDSTORE

    QVERIFY(select(session.get(), "INBOX"));
    auto move = make<MoveJob>(session.get());
    move->setUids(UidSet::fromRange(1, 1));
    move->setDestination("Trash");
    QVERIFY(!runJob(move.get()));
    QCOMPARE(move->error().code, Error::Code::Unsupported);
    QCOMPARE(plain.messageCount(QStringLiteral("gina")).value(), 1u);

    auto search = make<SearchJob>(session.get());
    search->setCriteria("ALL");
    RUN_JOB(search.get());
    QVERIFY(!search->usedESearch());
    QCOMPARE(search->uids(), UidSet::fromRange(1, 1));

    auto quota = make<QuotaJob>(session.get());
    quota->setMailbox("INBOX");
    QVERIFY(!runJob(quota.get()));
    QCOMPARE(quota->error().code, Error::Code::Unsupported);
}

QTEST_GUILESS_MAIN(JobsDovecotTest)
#include "tst_jobs_dovecot.moc"
