// SPDX-License-Identifier: GPL-3.0-or-later
#include "operationreplayer.h"

#include "imap/copyjob.h"
#include "imap/expungejob.h"
#include "imap/fetchjob.h"
#include "imap/mailboxname.h"
#include "imap/movejob.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "imap/statusjob.h"
#include "imap/storejob.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/syncbatch.h"
#include "sync/messageconverter.h"
#include "sync/synclogging.h"

#include <algorithm>

namespace Heron::Sync {

namespace {

using Kind = Store::Operation::Kind;

bool containsCapability(const Imap::Strings &list, QByteArrayView name)
{
    for (const QByteArray &entry : list) {
        if (entry.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

Imap::Strings toWireFlags(const QStringList &flags)
{
    Imap::Strings result;
    result.reserve(flags.size());
    for (const QString &flag : flags)
        result.append(flag.toLatin1());  // validated as ASCII atoms by OperationPayload
    return result;
}

// Only the Message-ID header: enough to recognise a copy, and small (RFC 3501 §6.4.5).
const QByteArray kMessageIdItem = QByteArrayLiteral("BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]");

// The Message-ID of a BODY[HEADER.FIELDS (MESSAGE-ID)] answer, unfolded (RFC 5322 §2.2.3) and with
// its white space collapsed; empty when the message has none.
QByteArray messageIdFromFetch(const Imap::FetchResponse &response)
{
    for (const Imap::SectionData &section : response.sections) {
        if (!section.section.trimmed().toUpper().startsWith("HEADER.FIELDS"))
            continue;
        // A deep copy: the parser's data is a slice of its buffer.
        const QByteArray header(section.data.constData(), section.data.size());
        QByteArray value;
        bool inField = false;
        for (const QByteArray &line : header.split('\n')) {
            const bool continuation = !line.isEmpty() && (line.front() == ' ' || line.front() == '\t');
            if (inField && continuation) {
                value += ' ' + line;
                continue;
            }
            inField = line.toLower().startsWith("message-id:");
            if (inField)
                value = line.mid(qsizetype(sizeof("message-id:") - 1));
        }
        return value.simplified();
    }
    return {};
}

}  // namespace

OperationReplayer::OperationReplayer(Imap::Session *session, Store::Database &database, qint64 accountId,
                                     QObject *parent)
    : QObject(parent),
      m_session(session),
      m_database(database),
      m_accountId(accountId)
{
    if (session) {
        // Jobs die with their session without a signal: the replay must not wait for them forever.
        connect(session, &QObject::destroyed, this, [this] {
            if (m_running)
                connectionLost(makeError(Error::Code::Network, tr("The connection to the server was closed.")));
        });
    }
}

OperationReplayer::~OperationReplayer() = default;

void OperationReplayer::start()
{
    if (m_running) {
        qCWarning(lcSync) << "The operation replay of account" << m_accountId << "is already running";
        return;
    }
    m_running = true;
    m_done = 0;
    m_failed = 0;
    m_lastOperationId = 0;
    m_selectedMailbox.clear();
    ++m_generation;
    // Queued, so that every signal comes from the event loop, never from inside start().
    QMetaObject::invokeMethod(this, &OperationReplayer::nextOperation, Qt::QueuedConnection);
}

void OperationReplayer::nextOperation()
{
    if (!m_running)
        return;
    if (!sessionUsable()) {
        stopWithError(makeError(Error::Code::Network,
                                tr("Not connected to the server; the changes will be made on the next connection.")));
        return;
    }
    auto operations = Store::OperationJournal(m_database).unfinished(m_accountId);
    if (!operations) {
        stopWithError(operations.error());
        return;
    }
    // Operations queued meanwhile come after the last one tried; earlier ones that stay
    // unfinished (only after a lost connection, which stops the run) wait for the next start().
    for (const Store::Operation &operation : *operations) {
        if (operation.id <= m_lastOperationId)
            continue;
        if (operation.kind == Kind::Append) {
            qCDebug(lcSync) << "Operation" << operation.id << "is an append; left to the outbox";
            continue;
        }
        beginOperation(operation);
        return;
    }
    finishRun();
}

void OperationReplayer::beginOperation(const Store::Operation &operation)
{
    ++m_generation;
    m_lastOperationId = operation.id;
    m_operation = operation;
    m_payload = {};
    m_restoreBatch = {};
    m_sourceMessageIds.clear();
    m_targetMessageIds.clear();
    m_adoptedSourceUids = {};
    m_adoptedTargetUids = {};

    auto payload = OperationPayload::fromJson(operation.kind, operation.payload);
    if (!payload) {
        operationFailed(payload.error().message);
        return;
    }
    m_payload = *payload;
    if (operation.folderId <= 0) {
        operationParked(tr("The folder %1 no longer exists here, so the change was not made on the server.")
                                .arg(m_payload.folder));
        return;
    }
    if (auto marked = Store::OperationJournal(m_database).markInFlight(operation.id); !marked) {
        stopWithError(marked.error());
        return;
    }
    qCDebug(lcSync) << "Replaying operation" << operation.id << Store::OperationJournal::kindName(operation.kind)
                    << "in" << m_payload.folder << "UIDs" << m_payload.uids.toByteArray();
    select([this] { proceed(); });
}

template <typename JobType, typename OnFinished, typename OnRefused>
void OperationReplayer::run(JobType *job, OnFinished onFinished, OnRefused onRefused)
{
    const quint64 generation = m_generation;
    connect(job, &Imap::Job::finished, this, [this, job, generation, onFinished] {
        if (generation == m_generation)
            onFinished(job);
    });
    connect(job, &Imap::Job::failed, this, [this, job, generation, onRefused](const Heron::Error &error) {
        if (generation != m_generation)
            return;
        if (isConnectionError(error))
            connectionLost(error);
        else
            onRefused(job, error);
    });
    job->start();
}

void OperationReplayer::select(std::function<void()> onSelected)
{
    if (!sessionUsable()) {
        connectionLost(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return;
    }
    const QByteArray mailbox = mailboxName(m_payload.folder);
    // Consecutive operations in one folder share the SELECT this run made.
    if (!m_selectedMailbox.isEmpty() && m_selectedMailbox == mailbox &&
        m_selectedUidValidity == m_payload.uidValidity && m_session->state() == Imap::Session::State::Selected &&
        m_session->selectedMailbox() == mailbox) {
        onSelected();
        return;
    }
    m_selectedMailbox.clear();
    auto *job = new Imap::SelectJob(m_session);
    job->setMailbox(mailbox);
    run(
            job,
            [this, mailbox, onSelected](Imap::SelectJob *selected) {
                // RFC 3501 §2.3.1.1: under another UIDVALIDITY the saved UIDs name other messages.
                if (selected->uidValidity() != m_payload.uidValidity) {
                    operationParked(tr("The folder %1 was rebuilt on the server, so the saved message numbers no "
                                       "longer apply; the change was not made.")
                                            .arg(m_payload.folder));
                    return;
                }
                if (selected->isReadOnly()) {
                    restoreAndFail(tr("The folder %1 is read-only on the server; the change was not made.")
                                           .arg(m_payload.folder));
                    return;
                }
                m_selectedMailbox = mailbox;
                m_selectedUidValidity = selected->uidValidity();
                onSelected();
            },
            [this](Imap::SelectJob *refused, const Error &) {
                operationParked(tr("The folder %1 cannot be opened on the server (%2); the change was not made.")
                                        .arg(m_payload.folder, describeRefusal(refused)));
            });
}

void OperationReplayer::proceed()
{
    switch (m_operation.kind) {
    case Kind::Flag:
        storeFlags(!m_payload.addFlags.isEmpty());
        return;
    case Kind::Move:
        if (m_payload.expunged)
            operationDone();
        else if (m_payload.flagged)
            expunge();
        else if (m_payload.copied)
            storeDeleted();  // resumed after the COPY: never copy twice
        else if (m_payload.copyRequested)
            copyMessages();  // a COPY may have been made: a MOVE now could duplicate its messages
        else if (m_useMove && m_session->hasCapability("MOVE"))
            moveMessages();
        else
            copyMessages();
        return;
    case Kind::Copy:
        if (m_payload.copied)
            operationDone();
        else
            copyMessages();
        return;
    case Kind::Delete:
        if (m_payload.expunged)
            operationDone();
        else if (m_payload.flagged)
            expunge();
        else
            storeDeleted();
        return;
    case Kind::Append:
        break;
    }
    operationFailed(tr("This kind of change cannot be replayed here."));
}

void OperationReplayer::storeFlags(bool add)
{
    auto *job = new Imap::StoreJob(m_session);
    job->setUids(m_payload.uids);
    job->setMode(add ? Imap::StoreJob::Mode::Add : Imap::StoreJob::Mode::Remove);
    job->setFlags(toWireFlags(add ? m_payload.addFlags : m_payload.removeFlags));
    job->setSilent(true);
    run(
            job,
            [this, add](Imap::StoreJob *) {
                if (add && !m_payload.removeFlags.isEmpty())
                    storeFlags(false);
                else
                    operationDone();
            },
            [this](Imap::StoreJob *refused, const Error &) {
                restoreAndFail(tr("The server refused to change the flags of messages in %1 (%2).")
                                       .arg(m_payload.folder, describeRefusal(refused)));
            });
}

void OperationReplayer::moveMessages()
{
    auto *job = new Imap::MoveJob(m_session);
    job->setUids(m_payload.uids);
    job->setDestination(mailboxName(m_payload.target));
    run(
            job, [this](Imap::MoveJob *) { operationDone(); },
            [this](Imap::MoveJob *refused, const Error &error) {
                if (error.code == Error::Code::Unsupported) {
                    copyMessages();
                    return;
                }
                if (refused->result().code.kind == Imap::ResponseCode::Kind::TryCreate) {
                    restoreAndFail(tr("The folder %1 does not exist on the server; the messages stay in %2.")
                                           .arg(m_payload.target, m_payload.folder));
                } else {
                    restoreAndFail(tr("The server refused to move the messages to %1 (%2); they stay in %3.")
                                           .arg(m_payload.target, describeRefusal(refused), m_payload.folder));
                }
            });
}

void OperationReplayer::copyMessages()
{
    if (m_payload.copyRequested)
        recoverCopy();
    else
        requestCopy();
}

void OperationReplayer::requestCopy()
{
    // The target's UIDNEXT before the COPY bounds where its copies can land (RFC 3501 §2.3.1.1:
    // UIDs only grow). Recorded before the COPY is sent, so that a replay after a lost answer
    // knows where to look. STATUS of another mailbox is fine while the source is selected.
    auto *job = new Imap::StatusJob(m_session);
    job->setMailbox(mailboxName(m_payload.target));
    job->setItems(Imap::StatusJob::UidNext | Imap::StatusJob::UidValidity);
    run(
            job,
            [this](Imap::StatusJob *status) {
                const Imap::StatusDataResponse &data = status->status();
                if (status->hasStatus() && data.uidValidity.value_or(0) > 0 && data.uidNext.value_or(0) > 0) {
                    m_payload.copyRequested = OperationPayload::CopyRequest{*data.uidValidity, *data.uidNext};
                    if (!recordProgress())
                        return;
                } else {
                    qCWarning(lcSync) << "Operation" << m_operation.id << "got no UIDNEXT for" << m_payload.target
                                      << "; a copy whose answer is lost could not be found again";
                }
                sendCopy(m_payload.uids);
            },
            [this](Imap::StatusJob *refused, const Error &) {
                // Most likely a missing target: the COPY's refusal says so and is handled there.
                qCDebug(lcSync) << "Operation" << m_operation.id << "STATUS of" << m_payload.target
                                << "refused:" << describeRefusal(refused);
                sendCopy(m_payload.uids);
            });
}

void OperationReplayer::recoverCopy()
{
    // An earlier attempt recorded copyRequested but not its result: the COPY may or may not have
    // been carried out. The source messages' Message-IDs first, while the source is selected.
    qCInfo(lcSync) << "Operation" << m_operation.id << "resumes a copy to" << m_payload.target
                   << "whose answer was lost; looking for copies already made";
    m_sourceMessageIds.clear();
    m_targetMessageIds.clear();
    m_adoptedSourceUids = {};
    m_adoptedTargetUids = {};
    auto *job = new Imap::FetchJob(m_session);
    job->setUids(m_payload.uids);
    job->setItems({QByteArrayLiteral("UID"), kMessageIdItem});
    const quint64 generation = m_generation;
    connect(job, &Imap::FetchJob::messageFetched, this, [this, generation](const Imap::FetchResponse &response) {
        if (generation != m_generation || !response.uid || !m_payload.uids.contains(*response.uid))
            return;
        const QByteArray messageId = messageIdFromFetch(response);
        if (!messageId.isEmpty())
            m_sourceMessageIds.insert(*response.uid, messageId);
    });
    run(
            job, [this](Imap::FetchJob *) { examineTarget(); },
            [this](Imap::FetchJob *refused, const Error &) {
                qCWarning(lcSync) << "Operation" << m_operation.id
                                  << "cannot read the Message-IDs of its messages:" << describeRefusal(refused);
                m_sourceMessageIds.clear();
                adoptCopiesAndCopyTheRest();
            });
}

void OperationReplayer::examineTarget()
{
    if (m_sourceMessageIds.isEmpty()) {
        // Nothing that could be recognised in the target.
        adoptCopiesAndCopyTheRest();
        return;
    }
    // Read-only, so that looking changes nothing (no \Recent taken, RFC 3501 §6.3.2).
    m_selectedMailbox.clear();
    auto *job = new Imap::SelectJob(m_session);
    job->setMailbox(mailboxName(m_payload.target));
    job->setReadOnly(true);
    run(
            job,
            [this](Imap::SelectJob *examined) {
                const OperationPayload::CopyRequest request = *m_payload.copyRequested;
                // Under another UIDVALIDITY the recorded UIDNEXT means nothing: take nothing as copied.
                if (examined->uidValidity() != request.uidValidity) {
                    qCInfo(lcSync) << "Operation" << m_operation.id << ":" << m_payload.target
                                   << "has a new UIDVALIDITY; no copy is taken as made";
                    select([this] { adoptCopiesAndCopyTheRest(); });
                    return;
                }
                if (examined->exists() == 0 || (examined->uidNext() != 0 && examined->uidNext() <= request.uidNext)) {
                    select([this] { adoptCopiesAndCopyTheRest(); });
                    return;
                }
                fetchTargetMessageIds();
            },
            [this](Imap::SelectJob *refused, const Error &) {
                // A missing target holds no copies; the COPY's refusal will say what is wrong.
                qCDebug(lcSync) << "Operation" << m_operation.id << "cannot examine" << m_payload.target << ":"
                                << describeRefusal(refused);
                select([this] { adoptCopiesAndCopyTheRest(); });
            });
}

void OperationReplayer::fetchTargetMessageIds()
{
    const quint32 uidNext = m_payload.copyRequested->uidNext;
    auto *job = new Imap::FetchJob(m_session);
    // N:* also names the highest UID when it is below N (RFC 3501 §6.4.8): filtered below.
    job->setUids(UidSet::fromRange(uidNext, UidSet::kStar));
    job->setItems({QByteArrayLiteral("UID"), kMessageIdItem});
    const quint64 generation = m_generation;
    connect(job, &Imap::FetchJob::messageFetched, this,
            [this, generation, uidNext](const Imap::FetchResponse &response) {
                if (generation != m_generation || !response.uid || *response.uid < uidNext)
                    return;
                const QByteArray messageId = messageIdFromFetch(response);
                if (!messageId.isEmpty())
                    m_targetMessageIds.append({*response.uid, messageId});
            });
    run(
            job, [this](Imap::FetchJob *) { select([this] { adoptCopiesAndCopyTheRest(); }); },
            [this](Imap::FetchJob *refused, const Error &) {
                qCWarning(lcSync) << "Operation" << m_operation.id << "cannot read the new messages of"
                                  << m_payload.target << ":" << describeRefusal(refused);
                m_targetMessageIds.clear();
                select([this] { adoptCopiesAndCopyTheRest(); });
            });
}

void OperationReplayer::adoptCopiesAndCopyTheRest()
{
    // The source is selected again. Each new target message stands for at most one source
    // message, taken in UID order, so that two source messages with one Message-ID need two copies.
    std::sort(m_targetMessageIds.begin(), m_targetMessageIds.end());
    QHash<QByteArray, QList<quint32>> copiesById;
    for (const auto &[uid, messageId] : std::as_const(m_targetMessageIds))
        copiesById[messageId].append(uid);
    m_adoptedSourceUids = {};
    m_adoptedTargetUids = {};
    for (quint32 uid : m_payload.uids.toList()) {
        const auto source = m_sourceMessageIds.constFind(uid);
        if (source == m_sourceMessageIds.cend())
            continue;
        const auto copies = copiesById.find(*source);
        if (copies == copiesById.end() || copies->isEmpty())
            continue;
        m_adoptedSourceUids.add(uid);
        m_adoptedTargetUids.add(copies->takeFirst());
    }
    m_sourceMessageIds.clear();
    m_targetMessageIds.clear();

    const UidSet rest = m_payload.uids.subtracted(m_adoptedSourceUids);
    qCInfo(lcSync) << "Operation" << m_operation.id << "found" << m_adoptedSourceUids.count() << "of"
                   << m_payload.uids.count() << "message(s) already copied to" << m_payload.target;
    if (rest.isEmpty()) {
        m_payload.copied = OperationPayload::Copied{m_payload.copyRequested->uidValidity, m_adoptedTargetUids};
        if (recordProgress())
            copyDone();
        return;
    }
    sendCopy(rest);
}

void OperationReplayer::sendCopy(const UidSet &uids)
{
    auto *job = new Imap::CopyJob(m_session);
    job->setUids(uids);
    job->setDestination(mailboxName(m_payload.target));
    run(
            job,
            [this](Imap::CopyJob *copied) {
                // RFC 4315 §3: where the copies landed. Recorded before anything else, so that a
                // replay after a crash never copies a second time. Copies found by a resumed
                // replay join them.
                OperationPayload::Copied record;
                if (const auto &copyUid = copied->copyUid()) {
                    record.uidValidity = copyUid->uidValidity;
                    record.uids = copyUid->destinationUids;
                    if (m_payload.copyRequested && copyUid->uidValidity == m_payload.copyRequested->uidValidity)
                        record.uids.unite(m_adoptedTargetUids);
                }
                m_payload.copied = record;
                if (recordProgress())
                    copyDone();
            },
            [this](Imap::CopyJob *refused, const Error &) {
                const bool missing = refused->result().code.kind == Imap::ResponseCode::Kind::TryCreate;
                if (m_operation.kind == Kind::Copy) {
                    operationFailed(missing ? tr("The folder %1 does not exist on the server; the messages were not "
                                                 "copied.")
                                                      .arg(m_payload.target)
                                            : tr("The server refused to copy the messages to %1 (%2).")
                                                      .arg(m_payload.target, describeRefusal(refused)));
                    return;
                }
                // A failed COPY removes nothing: no STORE, no EXPUNGE.
                restoreAndFail(missing ? tr("The folder %1 does not exist on the server; the messages stay in %2.")
                                                 .arg(m_payload.target, m_payload.folder)
                                       : tr("The server refused to copy the messages to %1 (%2); they stay in %3.")
                                                 .arg(m_payload.target, describeRefusal(refused), m_payload.folder));
            });
}

void OperationReplayer::copyDone()
{
    // A move goes on with STORE \Deleted and UID EXPUNGE of all its source UIDs (m_payload.uids),
    // whether their copies were made now or found.
    if (m_operation.kind == Kind::Copy)
        operationDone();
    else
        proceed();
}

void OperationReplayer::storeDeleted()
{
    auto *job = new Imap::StoreJob(m_session);
    job->setUids(m_payload.uids);
    job->setMode(Imap::StoreJob::Mode::Add);
    job->setFlags({QByteArrayLiteral("\\Deleted")});
    job->setSilent(true);
    run(
            job,
            [this](Imap::StoreJob *) {
                m_payload.flagged = true;
                if (recordProgress())
                    proceed();
            },
            [this](Imap::StoreJob *refused, const Error &) {
                if (m_operation.kind == Kind::Move) {
                    restoreAndFail(tr("The messages were copied to %1, but the server refused to remove them from %2 "
                                      "(%3); they stay there too.")
                                           .arg(m_payload.target, m_payload.folder, describeRefusal(refused)));
                } else {
                    restoreAndFail(tr("The server refused to delete messages in %1 (%2); they stay there.")
                                           .arg(m_payload.folder, describeRefusal(refused)));
                }
            });
}

void OperationReplayer::expunge()
{
    if (!m_session->hasCapability("UIDPLUS")) {
        // RFC 3501 §6.4.3: a bare EXPUNGE would also remove every other message flagged \Deleted in
        // the folder, by this or another client. Without UID EXPUNGE the messages stay flagged.
        operationDone(tr("The server cannot remove only these messages (no UIDPLUS); they stay in %1 marked "
                         "as deleted until it is compacted.")
                              .arg(m_payload.folder));
        return;
    }
    auto *job = new Imap::ExpungeJob(m_session);
    job->setUids(m_payload.uids);
    run(
            job,
            [this](Imap::ExpungeJob *) {
                m_payload.expunged = true;
                if (recordProgress())
                    operationDone();
            },
            [this](Imap::ExpungeJob *refused, const Error &) {
                restoreAndFail(tr("The server refused to remove the deleted messages from %1 (%2); they stay there "
                                  "marked as deleted.")
                                       .arg(m_payload.folder, describeRefusal(refused)));
            });
}

void OperationReplayer::restoreAndFail(const QString &message)
{
    // The local change was made at once; since the server did not follow, the store must show the
    // server's truth again: the flags (a flag change), or the messages themselves (they left the
    // folder locally). The source folder is still selected.
    const bool flagsOnly = m_operation.kind == Kind::Flag;
    const bool withModSeq = containsCapability(m_session->enabledCapabilities(), "CONDSTORE") ||
                            containsCapability(m_session->enabledCapabilities(), "QRESYNC");
    m_restoreBatch = {};
    m_restoreBatch.uidValidity = m_payload.uidValidity;

    auto *job = new Imap::FetchJob(m_session);
    job->setUids(m_payload.uids);
    job->setItems(flagsOnly ? Imap::Strings{QByteArrayLiteral("UID"), QByteArrayLiteral("FLAGS")}
                            : metadataFetchItems(withModSeq));
    const quint64 generation = m_generation;
    connect(job, &Imap::FetchJob::messageFetched, this,
            [this, generation, flagsOnly](const Imap::FetchResponse &response) {
                if (generation != m_generation || !response.uid || !m_payload.uids.contains(*response.uid))
                    return;
                if (flagsOnly) {
                    m_restoreBatch.flagChanges.append(
                            {*response.uid, flagsFromFetch(response), response.modSeq.value_or(0)});
                } else {
                    Store::MessageMetadata metadata = metadataFromFetch(response);
                    metadata.uid = *response.uid;
                    metadata.folderId = m_operation.folderId;
                    m_restoreBatch.messages.append(std::move(metadata));
                }
            });
    run(
            job,
            [this, message](Imap::FetchJob *) {
                const qsizetype count = m_restoreBatch.rowCount();
                auto applied = Store::FolderStore(m_database).applySyncBatch(m_operation.folderId, m_restoreBatch);
                m_restoreBatch = {};
                if (!applied) {
                    qCWarning(lcSync) << "Operation" << m_operation.id
                                      << "could not restore its messages:" << applied.error().message;
                } else {
                    qCInfo(lcSync) << "Operation" << m_operation.id << "restored" << count << "message(s) in"
                                   << m_payload.folder;
                }
                operationFailed(message);
            },
            [this, message](Imap::FetchJob *, const Error &error) {
                qCWarning(lcSync) << "Operation" << m_operation.id << "could not reload its messages:" << error.message;
                m_restoreBatch = {};
                operationFailed(message);
            });
}

bool OperationReplayer::recordProgress()
{
    auto updated = Store::OperationJournal(m_database)
                           .updatePayload(m_operation.id, m_payload.toJson(m_operation.kind));
    if (!updated) {
        // The step is done on the server but not recorded: stop rather than risk repeating it.
        stopWithError(updated.error());
        return false;
    }
    return true;
}

void OperationReplayer::endOperation(const Result<bool> &marked, bool ok)
{
    if (!marked) {
        stopWithError(marked.error());
        return;
    }
    ++(ok ? m_done : m_failed);
    ++m_generation;
    // Ended: a later stop must not put it back to pending.
    const qint64 operationId = m_operation.id;
    m_operation = {};
    QPointer<OperationReplayer> guard(this);
    Q_EMIT operationFinished(operationId, ok);
    if (guard)
        QMetaObject::invokeMethod(this, &OperationReplayer::nextOperation, Qt::QueuedConnection);
}

void OperationReplayer::operationDone(const QString &note)
{
    if (!note.isEmpty())
        qCInfo(lcSync) << "Operation" << m_operation.id << "done:" << note;
    endOperation(Store::OperationJournal(m_database).markDone(m_operation.id), true);
}

void OperationReplayer::operationFailed(const QString &message)
{
    qCWarning(lcSync) << "Operation" << m_operation.id << "failed:" << message;
    endOperation(Store::OperationJournal(m_database).markFailed(m_operation.id, message), false);
}

void OperationReplayer::operationParked(const QString &reason)
{
    qCWarning(lcSync) << "Operation" << m_operation.id << "parked:" << reason;
    endOperation(Store::OperationJournal(m_database).markParked(m_operation.id, reason), false);
}

void OperationReplayer::connectionLost(const Error &error)
{
    if (!m_running)
        return;
    qCInfo(lcSync) << "Operation replay of account" << m_accountId << "stopped:" << error.message;
    if (m_operation.id > 0) {
        // Back to pending: every step is idempotent or recorded, so the next replay resumes it.
        if (auto marked = Store::OperationJournal(m_database).markPending(m_operation.id, error.message); !marked)
            qCWarning(lcSync) << "Cannot put operation" << m_operation.id << "back:" << marked.error().message;
    }
    m_operation = {};
    m_running = false;
    ++m_generation;
    Q_EMIT failed(error);
}

void OperationReplayer::stopWithError(const Error &error)
{
    if (!m_running)
        return;
    qCWarning(lcSync) << "Operation replay of account" << m_accountId << "stopped:" << error.message;
    if (m_operation.id > 0)
        Store::OperationJournal(m_database).markPending(m_operation.id, error.message);
    m_operation = {};
    m_running = false;
    ++m_generation;
    Q_EMIT failed(error);
}

void OperationReplayer::finishRun()
{
    m_running = false;
    m_operation = {};
    ++m_generation;
    qCDebug(lcSync) << "Operation replay of account" << m_accountId << "finished:" << m_done << "done," << m_failed
                    << "failed or parked";
    Q_EMIT finished(m_done, m_failed);
}

bool OperationReplayer::isConnectionError(const Error &error) const
{
    switch (error.code) {
    case Error::Code::Network:
    case Error::Code::Timeout:
    case Error::Code::Tls:
    case Error::Code::ServerBye:
    case Error::Code::Cancelled:
        return true;
    default:
        return !sessionUsable();
    }
}

bool OperationReplayer::sessionUsable() const
{
    if (!m_session)
        return false;
    const Imap::Session::State state = m_session->state();
    return state == Imap::Session::State::Authenticated || state == Imap::Session::State::Selected;
}

QByteArray OperationReplayer::mailboxName(const QString &path) const
{
    // RFC 6855 §3: after ENABLE UTF8=ACCEPT names go as UTF-8, else modified UTF-7 (RFC 3501 §5.1.3).
    if (m_session && containsCapability(m_session->enabledCapabilities(), "UTF8=ACCEPT"))
        return Imap::encodeMailboxNameUtf8(path);
    return Imap::encodeMailboxName(path);
}

QString OperationReplayer::describeRefusal(const Imap::Job *job) const
{
    const QString text = QString::fromUtf8(job->result().text).trimmed();
    if (!text.isEmpty())
        return text;
    return job->error().message;
}

}  // namespace Heron::Sync
