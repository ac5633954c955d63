// SPDX-License-Identifier: GPL-3.0-or-later
// The command jobs against a scripted server: the exact commands they send and how they sort the
// server's answers (what they claim, what they leave to others), including cases a real Dovecot
// does not produce on demand (split FETCH responses, COPYUID in the tagged OK, [CLOSED] with data
// for the old mailbox before it, foreign ESEARCH tags).

#include "imap/appendjob.h"
#include "imap/copyjob.h"
#include "imap/enablejob.h"
#include "imap/expungejob.h"
#include "imap/fetchjob.h"
#include "imap/listjob.h"
#include "imap/movejob.h"
#include "imap/quotajob.h"
#include "imap/searchjob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "imap/statusjob.h"
#include "imap/storejob.h"
#include "support/scriptedserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace Heron;
using namespace Heron::Imap;
using Heron::Test::ScriptedServer;

class JobsCommandsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formatDates();
    void copyUidPairs();

    void fetchMergesConsecutiveResponsesOfOneMessage();
    void fetchChangedSinceWithVanished();
    void selectWithQResyncAfterClosed();
    void selectWithCondStoreAndNoModSeq();
    void listExtendedWithStatus();
    void listWithoutExtensionsAddsLsub();
    void listPastLimitConsumesTheRest();
    void pipelinedStatusJobsClaimTheirMailbox();
    void searchReadsOnlyItsOwnESearch();
    void searchWithoutESearch();
    void storeUnchangedSince();
    void storeRefusesKeywordWithLineBreak();
    void move_data();
    void move();
    void moveWithoutCapabilitySendsNothing();
    void copyWithTryCreate();
    void expunge();
    void appendWithFlagsAndDate();
    void quotaRoot();

private:
    // A session opened on a PREAUTH greeting with the given capabilities (plain TCP, loopback).
    std::unique_ptr<Session> openSession(ScriptedServer &server, const QString &script);
    static bool runJob(Job *job);
    template <typename J>
    static std::unique_ptr<J> make(Session *session)
    {
        auto job = std::make_unique<J>(session);
        job->setAutoDelete(false);
        return job;
    }
};

std::unique_ptr<Session> JobsCommandsTest::openSession(ScriptedServer &server, const QString &script)
{
    server.setScript(script);
    if (!server.start())
        return nullptr;
    auto session = std::make_unique<Session>();
    SessionSettings settings;
    settings.host = QStringLiteral("127.0.0.1");
    settings.port = server.port();
    settings.security = Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.connectTimeoutMs = 5000;
    settings.commandTimeoutMs = 5000;
    session->setSettings(settings);
    QSignalSpy opened(session.get(), &Session::opened);
    QSignalSpy closed(session.get(), &Session::closed);
    session->open();
    if (!QTest::qWaitFor([&] { return !opened.isEmpty() || !closed.isEmpty(); }, 5000) || opened.isEmpty())
        return nullptr;
    return session;
}

bool JobsCommandsTest::runJob(Job *job)
{
    QSignalSpy finished(job, &Job::finished);
    QSignalSpy failed(job, &Job::failed);
    job->start();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, 5000))
        qWarning() << job->metaObject()->className() << "timed out";
    return finished.size() == 1 && failed.isEmpty();
}

#define OPEN_SESSION(server, script)                                                                                  \
    ScriptedServer server;                                                                                            \
    auto session = openSession(server, script);                                                                       \
    QVERIFY(session)

#define FINISH_SCRIPT(server)                                                                                         \
    QVERIFY(server.waitForScriptEnd());                                                                               \
    QCOMPARE(server.errors(), QStringList())

void JobsCommandsTest::formatDates()
{
    QCOMPARE(SearchJob::formatDate(QDate(2024, 2, 1)), QByteArray("1-Feb-2024"));
    QCOMPARE(SearchJob::formatDate(QDate(1999, 12, 31)), QByteArray("31-Dec-1999"));
    QCOMPARE(SearchJob::formatDate(QDate()), QByteArray());
    // RFC 3501 §9 date-time: a space before a one-digit day, numeric zone.
    QCOMPARE(AppendJob::formatInternalDate(QDateTime(QDate(2021, 7, 4), QTime(9, 8, 7), QTimeZone(-(2 * 3600 + 1800)))),
             QByteArray(" 4-Jul-2021 09:08:07 -0230"));
    QCOMPARE(AppendJob::formatInternalDate(QDateTime(QDate(1996, 7, 17), QTime(2, 44, 25), QTimeZone(-7 * 3600))),
             QByteArray("17-Jul-1996 02:44:25 -0700"));
    QCOMPARE(AppendJob::formatInternalDate(QDateTime(QDate(2024, 11, 30), QTime(23, 0, 0), QTimeZone::utc())),
             QByteArray("30-Nov-2024 23:00:00 +0000"));
}

void JobsCommandsTest::copyUidPairs()
{
    ResponseCode code;
    code.kind = ResponseCode::Kind::CopyUid;
    code.number = 38505;
    code.sourceSet = UidSet::parse("304,319:320").value();
    code.set = UidSet::parse("3956:3958").value();
    const auto copyUid = CopyUid::fromCode(code);
    QVERIFY(copyUid);
    QCOMPARE(copyUid->uidValidity, 38505u);
    using Pairs = QList<std::pair<uint32_t, uint32_t>>;
    QCOMPARE(copyUid->pairs(), (Pairs{{304, 3956}, {319, 3957}, {320, 3958}}));

    code.set = UidSet::parse("3956:3957").value();  // counts disagree: no guessing
    QVERIFY(CopyUid::fromCode(code)->pairs().isEmpty());
    code.kind = ResponseCode::Kind::AppendUid;
    QVERIFY(!CopyUid::fromCode(code));
}

void JobsCommandsTest::fetchMergesConsecutiveResponsesOfOneMessage()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 UID FETCH 1:3 (UID FLAGS RFC822.SIZE)
        S: * 1 FETCH (UID 1 FLAGS (\Seen))
        S: * 1 FETCH (UID 1 RFC822.SIZE 100)
        S: * 2 FETCH (UID 2 FLAGS ())
        S: * 5 FETCH (UID 9 FLAGS (\Deleted))
        S: * 3 FETCH (UID 3 FLAGS () RFC822.SIZE 30)
        S: A0001 OK done
    )");
    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(1, 3));
    fetch->setItems({"UID", "FLAGS", "RFC822.SIZE"});
    QList<FetchResponse> responses;
    connect(fetch.get(), &FetchJob::messageFetched, this, [&](const FetchResponse &r) { responses.append(r); });
    QVERIFY(runJob(fetch.get()));
    FINISH_SCRIPT(server);

    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(0).uid.value_or(0), 1u);
    QCOMPARE(responses.at(0).flags, std::optional<Strings>(Strings{"\\Seen"}));
    QCOMPARE(responses.at(0).rfc822Size.value_or(0), 100u);  // merged from the second response
    QCOMPARE(responses.at(1).uid.value_or(0), 2u);
    QCOMPARE(responses.at(2).uid.value_or(0), 3u);
    QCOMPARE(fetch->fetchedCount(), quint64(3));
    // UID 9 is outside the set: someone else's news, not this job's.
    QCOMPARE(unsolicited.size(), 1);
    const auto other = std::get<FetchResponse>(unsolicited.first().first().value<Response>());
    QCOMPARE(other.uid.value_or(0), 9u);
}

void JobsCommandsTest::fetchChangedSinceWithVanished()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] ready
        C: A0001 ENABLE QRESYNC
        S: * ENABLED QRESYNC
        S: A0001 OK enabled
        C: A0002 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)
        S: * VANISHED (EARLIER) 1:3,7
        S: * 4 FETCH (UID 8 FLAGS (\Flagged) MODSEQ (12400))
        S: * VANISHED 20
        S: A0002 OK done
    )");
    auto enable = make<EnableJob>(session.get());
    enable->setCapabilities({"QRESYNC"});
    QVERIFY(runJob(enable.get()));

    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto fetch = make<FetchJob>(session.get());
    fetch->setUids(UidSet::fromRange(1, UidSet::kStar));
    fetch->setItems({"FLAGS"});
    fetch->setChangedSince(12345);
    fetch->setVanished(true);
    QSignalSpy fetched(fetch.get(), &FetchJob::messageFetched);
    QSignalSpy vanished(fetch.get(), &FetchJob::messagesVanished);
    QVERIFY(runJob(fetch.get()));
    FINISH_SCRIPT(server);
    QCOMPARE(fetched.size(), 1);
    QCOMPARE(fetch->vanishedUids(), UidSet::parse("1:3,7").value());
    QCOMPARE(vanished.size(), 1);
    QCOMPARE(unsolicited.size(), 1);  // the live VANISHED 20 is an expunge report, not an answer
}

void JobsCommandsTest::selectWithQResyncAfterClosed()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] ready
        C: A0001 ENABLE QRESYNC
        S: * ENABLED QRESYNC
        S: A0001 OK enabled
        C: A0002 SELECT INBOX
        S: * 3 EXISTS
        S: * OK [UIDVALIDITY 100] ok
        S: A0002 OK [READ-WRITE] done
        C: A0003 SELECT Work (QRESYNC (100 5000 1:20 (2,5 10,30)))
        S: * 3 EXPUNGE
        S: * 2 FETCH (UID 2 FLAGS (\Seen) MODSEQ (5100))
        S: * OK [CLOSED] previous mailbox closed
        S: * FLAGS (\Seen \Answered)
        S: * OK [PERMANENTFLAGS (\Seen \*)] ok
        S: * 7 EXISTS
        S: * 0 RECENT
        S: * OK [UIDVALIDITY 200] ok
        S: * OK [UIDNEXT 31] ok
        S: * OK [HIGHESTMODSEQ 6000] ok
        S: * VANISHED (EARLIER) 4:6,11
        S: * 2 FETCH (UID 10 FLAGS (\Seen) MODSEQ (5500))
        S: A0003 OK [READ-ONLY] done
    )");
    auto enable = make<EnableJob>(session.get());
    enable->setCapabilities({"QRESYNC"});
    QVERIFY(runJob(enable.get()));
    auto first = make<SelectJob>(session.get());
    first->setMailbox("INBOX");
    QVERIFY(runJob(first.get()));
    QCOMPARE(first->exists(), 3u);
    QVERIFY(!first->isReadOnly());

    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto job = make<SelectJob>(session.get());
    job->setMailbox("Work");
    job->setQResync(100, 5000, UidSet::fromRange(1, 20));
    job->setQResyncSequenceMatch(UidSet::fromValues(QList<uint32_t>{2, 5}), UidSet::fromValues(QList<uint32_t>{10, 30}));
    QSignalSpy fetched(job.get(), &SelectJob::messageFetched);
    QVERIFY(runJob(job.get()));
    FINISH_SCRIPT(server);

    // Before [CLOSED]: the old mailbox's news, left to the session's other consumers.
    QCOMPARE(unsolicited.size(), 2);
    QCOMPARE(job->flags(), (Strings{"\\Seen", "\\Answered"}));
    QCOMPARE(job->permanentFlags(), (Strings{"\\Seen", "\\*"}));
    QCOMPARE(job->exists(), 7u);
    QCOMPARE(job->recent(), 0u);
    QCOMPARE(job->uidValidity(), 200u);
    QCOMPARE(job->uidNext(), 31u);
    QCOMPARE(job->highestModSeq(), uint64_t(6000));
    QVERIFY(!job->firstUnseen());
    QVERIFY(job->isReadOnly());
    QCOMPARE(job->vanished(), UidSet::parse("4:6,11").value());
    QCOMPARE(job->changes().size(), 1);
    QCOMPARE(job->changes().first().uid.value_or(0), 10u);
    QCOMPARE(fetched.size(), 1);
    QCOMPARE(session->selectedMailbox(), QByteArray("Work"));
    QCOMPARE(session->state(), Session::State::Selected);
}

void JobsCommandsTest::selectWithCondStoreAndNoModSeq()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] ready
        C: A0001 EXAMINE Archive (CONDSTORE)
        S: * FLAGS (\Seen)
        S: * 2 EXISTS
        S: * OK [UNSEEN 2] first unseen
        S: * OK [NOMODSEQ] no mod-sequences here
        S: A0001 OK [READ-ONLY] done
        C: A0002 SELECT Missing
        S: A0002 NO [NONEXISTENT] no such mailbox
    )");
    auto job = make<SelectJob>(session.get());
    job->setMailbox("Archive");
    job->setReadOnly(true);
    job->setCondStore(true);
    QVERIFY(runJob(job.get()));
    QVERIFY(job->noModSeq());
    QCOMPARE(job->highestModSeq(), uint64_t(0));
    QCOMPARE(job->firstUnseen().value_or(0), 2u);
    QVERIFY(job->isReadOnly());
    QCOMPARE(session->state(), Session::State::Selected);

    auto missing = make<SelectJob>(session.get());
    missing->setMailbox("Missing");
    QVERIFY(!runJob(missing.get()));
    QCOMPARE(missing->error().code, Error::Code::ServerNo);
    QCOMPARE(session->state(), Session::State::Authenticated);  // RFC 3501 §6.3.1
    QVERIFY(session->selectedMailbox().isEmpty());
    FINISH_SCRIPT(server);
}

void JobsCommandsTest::listExtendedWithStatus()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE] ready
        C: A0001 LIST "" "*" RETURN (SPECIAL-USE CHILDREN SUBSCRIBED STATUS (MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ))
        S: * LIST (\Subscribed \HasNoChildren) "/" INBOX
        S: * STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 9 UNSEEN 1 HIGHESTMODSEQ 77)
        S: * LIST (\Sent \HasNoChildren) "/" Sent
        S: * STATUS Sent (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 10 UNSEEN 0 HIGHESTMODSEQ 1)
        S: * STATUS Elsewhere (MESSAGES 5)
        S: * LIST (\Subscribed \NonExistent) "/" Gone
        S: A0001 OK done
    )");
    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto list = make<ListJob>(session.get());
    QVERIFY(runJob(list.get()));
    FINISH_SCRIPT(server);
    QVERIFY(list->usedExtendedList());
    QCOMPARE(list->mailboxes().size(), 3);
    QCOMPARE(list->mailboxes().at(1).attributes, (Strings{"\\Sent", "\\HasNoChildren"}));
    QCOMPARE(list->statuses().size(), 2);
    QCOMPARE(list->statuses().value("INBOX").highestModSeq.value_or(0), uint64_t(77));
    QCOMPARE(list->subscribed(), (QSet<QByteArray>{"INBOX", "Gone"}));
    QCOMPARE(unsolicited.size(), 1);  // STATUS of a mailbox the list did not name
}

void JobsCommandsTest::listWithoutExtensionsAddsLsub()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 LIST "" "*"
        C: A0002 LSUB "" "*"
        S: * LIST (\HasNoChildren) "/" INBOX
        S: * LIST (\HasNoChildren) "/" Sent
        S: A0001 OK done
        S: * LSUB () "/" Sent
        S: * LSUB (\Noselect) "/" Parent
        S: A0002 OK done
    )");
    auto list = make<ListJob>(session.get());
    QVERIFY(runJob(list.get()));
    FINISH_SCRIPT(server);
    QVERIFY(!list->usedExtendedList());
    QCOMPARE(list->mailboxes().size(), 2);
    QVERIFY(list->hasSubscriptionInfo());
    QCOMPARE(list->subscribed(), QSet<QByteArray>{"Sent"});
}

void JobsCommandsTest::listPastLimitConsumesTheRest()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED] ready
        C: A0001 LIST "" "*" RETURN (CHILDREN)
        S: * LIST () "/" a
        S: * LIST () "/" b
        S: * LIST () "/" c
        S: * LIST () "/" d
        S: A0001 OK done
    )");
    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto list = make<ListJob>(session.get());
    list->setIncludeSubscriptions(false);
    list->setMaxMailboxes(2);
    QSignalSpy failed(list.get(), &Job::failed);
    QVERIFY(!runJob(list.get()));
    FINISH_SCRIPT(server);
    QCOMPARE(list->error().code, Error::Code::LimitExceeded);
    QCOMPARE(failed.size(), 1);
    QVERIFY(list->mailboxes().isEmpty());
    QCOMPARE(unsolicited.size(), 0);
}

void JobsCommandsTest::pipelinedStatusJobsClaimTheirMailbox()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 STATUS=SIZE] ready
        C: A0001 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE)
        C: A0002 STATUS "A b" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE)
        S: * STATUS "A b" (MESSAGES 2 SIZE 2048)
        S: * STATUS INBOX (MESSAGES 1)
        S: A0001 OK done
        S: A0002 OK done
    )");
    auto inbox = make<StatusJob>(session.get());
    inbox->setMailbox("INBOX");
    inbox->setItems(StatusJob::kDefaultItems | StatusJob::Size);
    auto other = make<StatusJob>(session.get());
    other->setMailbox("A b");
    other->setItems(StatusJob::kDefaultItems | StatusJob::Size);
    QSignalSpy inboxFinished(inbox.get(), &Job::finished);
    QSignalSpy otherFinished(other.get(), &Job::finished);
    inbox->start();
    other->start();  // on the wire before the answers, which come in the other order
    QTRY_COMPARE_WITH_TIMEOUT(otherFinished.size(), 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(inboxFinished.size(), 1, 5000);
    FINISH_SCRIPT(server);
    QCOMPARE(inbox->status().messages.value_or(0), 1u);
    QCOMPARE(other->status().messages.value_or(0), 2u);
    QCOMPARE(other->status().size.value_or(0), uint64_t(2048));
}

void JobsCommandsTest::searchReadsOnlyItsOwnESearch()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 ESEARCH] ready
        C: A0001 UID SEARCH RETURN (ALL COUNT MIN MAX) UNSEEN
        S: * ESEARCH (TAG "A0099") UID ALL 1:2 COUNT 2
        S: * ESEARCH (TAG "A0001") UID MIN 3 MAX 9 COUNT 3 ALL 3,5,9
        S: A0001 OK done
    )");
    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto search = make<SearchJob>(session.get());
    search->setCriteria("UNSEEN");
    QVERIFY(runJob(search.get()));
    FINISH_SCRIPT(server);
    QVERIFY(search->usedESearch());
    QCOMPARE(search->uids(), UidSet::parse("3,5,9").value());
    QCOMPARE(search->count(), 3u);
    QCOMPARE(search->min().value_or(0), 3u);
    QCOMPARE(search->max().value_or(0), 9u);
    QCOMPARE(unsolicited.size(), 1);
}

void JobsCommandsTest::searchWithoutESearch()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] ready
        C: A0001 UID SEARCH CHARSET UTF-8 MODSEQ 5 SINCE 1-Feb-2024
        S: * SEARCH 4 9 2 (MODSEQ 917)
        S: A0001 OK done
    )");
    auto search = make<SearchJob>(session.get());
    search->setCharset("UTF-8");
    search->setCriteria([](Command &command) {
        command.atom("MODSEQ").number(5).atom("SINCE").atom(SearchJob::formatDate(QDate(2024, 2, 1)));
    });
    QVERIFY(runJob(search.get()));
    FINISH_SCRIPT(server);
    QVERIFY(!search->usedESearch());
    QCOMPARE(search->uids(), UidSet::parse("2,4,9").value());
    QCOMPARE(search->count(), 3u);
    QCOMPARE(search->min().value_or(0), 2u);
    QCOMPARE(search->max().value_or(0), 9u);
    QCOMPARE(search->highestModSeq().value_or(0), uint64_t(917));
}

void JobsCommandsTest::storeUnchangedSince()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 CONDSTORE] ready
        C: A0001 UID STORE 1:3 (UNCHANGEDSINCE 200) +FLAGS.SILENT (\Seen $Junk)
        S: * 1 FETCH (UID 1 MODSEQ (201))
        S: * 2 FETCH (UID 2 MODSEQ (202))
        S: * 9 FETCH (UID 40 FLAGS (\Seen))
        S: A0001 OK [MODIFIED 3] conditional store
    )");
    QSignalSpy unsolicited(session.get(), &Session::unsolicited);
    auto store = make<StoreJob>(session.get());
    store->setUids(UidSet::fromRange(1, 3));
    store->setFlags({"\\Seen", "$Junk"});
    store->setSilent(true);
    store->setUnchangedSince(200);
    QVERIFY(runJob(store.get()));
    FINISH_SCRIPT(server);
    QCOMPARE(store->fetched().size(), 2);
    QCOMPARE(store->modified(), UidSet::fromRange(3, 3));
    QCOMPARE(unsolicited.size(), 1);
}

// A keyword with CRLF must not end the STORE early and smuggle a second command (here DELETE)
// onto the wire: the job fails before anything is sent, and the next command still works.
void JobsCommandsTest::storeRefusesKeywordWithLineBreak()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1] ready
        C: A0001 NOOP
        S: A0001 OK done
    )");
    auto store = make<StoreJob>(session.get());
    store->setUids(UidSet::fromRange(1, 1));
    store->setFlags({"$x\r\nA9 DELETE INBOX"});
    QSignalSpy failed(store.get(), &Job::failed);
    store->start();
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).value<Heron::Error>().code, Error::Code::InvalidInput);

    class NoopJob : public Job {
    public:
        using Job::Job;
        void doStart() override { sendCommand(Command("NOOP")); }
    };
    NoopJob noop(session.get());
    noop.setAutoDelete(false);
    QVERIFY(runJob(&noop));
    FINISH_SCRIPT(server);
}

void JobsCommandsTest::move_data()
{
    QTest::addColumn<QString>("responses");
    QTest::addColumn<bool>("qresync");
    QTest::newRow("COPYUID in untagged OK (RFC 6851 §4.3)")
        << QStringLiteral("S: * OK [COPYUID 77 4:5 10:11] moved\nS: * 2 EXPUNGE\nS: * 2 EXPUNGE\nS: A0001 OK done")
        << false;
    QTest::newRow("COPYUID in tagged OK")
        << QStringLiteral("S: * 2 EXPUNGE\nS: * 2 EXPUNGE\nS: A0001 OK [COPYUID 77 4:5 10:11] done") << false;
    QTest::newRow("VANISHED with QRESYNC")
        << QStringLiteral("S: * OK [COPYUID 77 4:5 10:11] moved\nS: * VANISHED 4:5\nS: A0001 OK done") << true;
}

void JobsCommandsTest::move()
{
    QFETCH(QString, responses);
    QFETCH(bool, qresync);
    OPEN_SESSION(server, QStringLiteral("S: * PREAUTH [CAPABILITY IMAP4rev1 MOVE UIDPLUS] ready\n"
                                        "C: A0001 UID MOVE 4:5 Trash\n")
                             + responses);
    auto move = make<MoveJob>(session.get());
    move->setUids(UidSet::fromRange(4, 5));
    move->setDestination("Trash");
    QVERIFY(runJob(move.get()));
    FINISH_SCRIPT(server);
    QVERIFY(move->copyUid());
    QCOMPARE(move->copyUid()->uidValidity, 77u);
    using Pairs = QList<std::pair<uint32_t, uint32_t>>;
    QCOMPARE(move->copyUid()->pairs(), (Pairs{{4, 10}, {5, 11}}));
    if (qresync) {
        QCOMPARE(move->vanishedUids(), UidSet::fromRange(4, 5));
        QVERIFY(move->expungedSequences().isEmpty());
    } else {
        QCOMPARE(move->expungedSequences(), (QList<uint32_t>{2, 2}));
    }
}

void JobsCommandsTest::moveWithoutCapabilitySendsNothing()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready
    )");
    auto move = make<MoveJob>(session.get());
    move->setUids(UidSet::fromRange(4, 5));
    move->setDestination("Trash");
    QVERIFY(!runJob(move.get()));
    QCOMPARE(move->error().code, Error::Code::Unsupported);
    FINISH_SCRIPT(server);
    QVERIFY(server.receivedLines().isEmpty());
}

void JobsCommandsTest::copyWithTryCreate()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready
        C: A0001 UID COPY 1:* Missing
        S: A0001 NO [TRYCREATE] no such mailbox
    )");
    auto copy = make<CopyJob>(session.get());
    copy->setUids(UidSet::fromRange(1, UidSet::kStar));
    copy->setDestination("Missing");
    QVERIFY(!runJob(copy.get()));
    FINISH_SCRIPT(server);
    QCOMPARE(copy->error().code, Error::Code::ServerNo);
    QCOMPARE(copy->result().code.kind, ResponseCode::Kind::TryCreate);
    QVERIFY(!copy->copyUid());
}

void JobsCommandsTest::expunge()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready
        C: A0001 UID EXPUNGE 3:4,8
        S: * 3 EXPUNGE
        S: * 3 EXPUNGE
        S: * 6 EXPUNGE
        S: A0001 OK done
        C: A0002 EXPUNGE
        S: A0002 OK done
    )");
    auto narrow = make<ExpungeJob>(session.get());
    narrow->setUids(UidSet::parse("3:4,8").value());
    QVERIFY(runJob(narrow.get()));
    QCOMPARE(narrow->expungedSequences(), (QList<uint32_t>{3, 3, 6}));

    auto nothing = make<ExpungeJob>(session.get());  // neither UIDs nor an explicit "all"
    QVERIFY(!runJob(nothing.get()));
    QCOMPARE(nothing->error().code, Error::Code::InvalidInput);

    auto all = make<ExpungeJob>(session.get());
    all->setExpungeAll(true);
    QVERIFY(runJob(all.get()));
    FINISH_SCRIPT(server);
}

void JobsCommandsTest::appendWithFlagsAndDate()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] ready
        C: A0001 APPEND Drafts (\Draft \Seen) " 4-Jul-2021 09:08:07 -0230" {7+}
        C: Hello!!
        S: A0001 OK [APPENDUID 38505 3955] done
    )");
    auto append = make<AppendJob>(session.get());
    append->setMailbox("Drafts");
    append->setFlags({"\\Draft", "\\Seen"});
    append->setInternalDate(QDateTime(QDate(2021, 7, 4), QTime(9, 8, 7), QTimeZone(-(2 * 3600 + 1800))));
    append->setMessage("Hello!!");
    QVERIFY(runJob(append.get()));
    FINISH_SCRIPT(server);
    QVERIFY(append->hasAppendUid());
    QCOMPARE(append->uidValidity(), 38505u);
    QCOMPARE(append->uid(), 3955u);
}

void JobsCommandsTest::quotaRoot()
{
    OPEN_SESSION(server, R"(
        S: * PREAUTH [CAPABILITY IMAP4rev1 QUOTA] ready
        C: A0001 GETQUOTAROOT INBOX
        S: * QUOTAROOT INBOX ""
        S: * QUOTA "" (STORAGE 10 512 MESSAGE 3 1000)
        S: A0001 OK done
    )");
    auto quota = make<QuotaJob>(session.get());
    quota->setMailbox("INBOX");
    QVERIFY(runJob(quota.get()));
    FINISH_SCRIPT(server);
    QCOMPARE(quota->roots(), Strings{QByteArray("")});
    QVERIFY(quota->resource("storage"));
    QCOMPARE(quota->resource("STORAGE")->usage, uint64_t(10));
    QCOMPARE(quota->resource("MESSAGE")->limit, uint64_t(1000));
    QVERIFY(!quota->resource("ANNOTATION-STORAGE"));
}

QTEST_GUILESS_MAIN(JobsCommandsTest)
#include "tst_jobs_commands.moc"
