// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/operationjournal.h"
#include "store/syncbatch.h"
#include "sync/operationpayload.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <utility>

namespace Heron::Imap {
class Job;
class Session;
}  // namespace Heron::Imap

namespace Heron::Store {
class Database;
}  // namespace Heron::Store

namespace Heron::Sync {

// Carries out an account's journaled operations (LocalActions) on the server, oldest first and
// one at a time, over an authenticated session it has to itself while running. Each step is
// idempotent or recorded before the next one (ARCHITECTURE.md, "Offline operations"):
//  - flag:   UID STORE +FLAGS.SILENT / -FLAGS.SILENT;
//  - move:   UID MOVE (RFC 6851) where the server has it; otherwise UID COPY, its COPYUID recorded
//            first, then UID STORE +FLAGS.SILENT (\Deleted), recorded, then UID EXPUNGE of exactly
//            the source UIDs (RFC 4315 §2.1); without UIDPLUS the sources are left flagged \Deleted;
//            never a bare EXPUNGE, which would also remove other clients' \Deleted messages;
//  - copy:   UID COPY, recorded;
// Before a UID COPY the target's UIDVALIDITY and UIDNEXT are recorded ("copyRequested"). A COPY
// whose answer never arrived (a crash, a lost connection) may have been carried out: the resumed
// replay looks among the target's messages from that UIDNEXT on for the Message-IDs of the source
// messages, takes those it finds as copied (one target message per source message) and copies
// only the others. A message without a Message-ID cannot be recognised and is copied again: only
// such a message, and only after a lost COPY answer, can end up twice in the target.
//  - delete: UID STORE +FLAGS.SILENT (\Deleted), recorded, then UID EXPUNGE of the UIDs.
// Each operation works in its source folder, SELECTed (once for consecutive operations of one
// folder); a different UIDVALIDITY parks it (its UIDs name other messages now, RFC 3501
// §2.3.1.1), as does a folder that no longer exists; a damaged payload fails it. A COPY or MOVE
// the server refuses (a missing target) fails the operation, removes nothing, and brings the
// source messages back into the store. A lost connection puts the current operation back to
// pending and stops; the next start() resumes it. Append operations are left to their own sender.
class OperationReplayer : public QObject {
    Q_OBJECT

public:
    OperationReplayer(Imap::Session *session, Store::Database &database, qint64 accountId, QObject *parent = nullptr);
    ~OperationReplayer() override;

    // Whether UID MOVE is used where the server offers it (default true); false forces the COPY
    // fallback (tests, servers with a broken MOVE).
    void setUseMove(bool useMove) { m_useMove = useMove; }
    bool useMove() const { return m_useMove; }

    // Replays the account's unfinished operations, including those queued while it runs. Emits
    // operationFinished() for each, then finished(); or failed() when the connection is lost.
    void start();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    // ok is false when the operation failed or was parked (its last error says why).
    void operationFinished(qint64 operationId, bool ok);
    // Everything unfinished was tried: done operations, and failed or parked ones.
    void finished(int done, int failed);
    // The connection was lost or the journal could not be written; the replay stopped.
    void failed(const Heron::Error &error);

private:
    void nextOperation();
    void beginOperation(const Store::Operation &operation);
    // SELECTs the source folder (unless this run already has it selected), checks its
    // UIDVALIDITY and that it is writable, then calls onSelected.
    void select(std::function<void()> onSelected);
    void proceed();
    void storeFlags(bool add);
    void moveMessages();
    // The COPY step: requestCopy() for a first attempt, recoverCopy() when an earlier attempt
    // may have been carried out without its answer reaching us.
    void copyMessages();
    void requestCopy();
    void recoverCopy();
    void examineTarget();
    void fetchTargetMessageIds();
    void adoptCopiesAndCopyTheRest();
    void sendCopy(const UidSet &uids);
    void copyDone();
    void storeDeleted();
    void expunge();
    // After a refusal: reloads the source messages (or their flags) so the store shows the
    // server's truth again, then fails the operation with message.
    void restoreAndFail(const QString &message);

    // Starts the job; its finished() runs onFinished(job), a refusal onRefused(job, error); a
    // connection error stops the replay instead. Signals of a job of an ended operation are ignored.
    template <typename JobType, typename OnFinished, typename OnRefused>
    void run(JobType *job, OnFinished onFinished, OnRefused onRefused);
    bool recordProgress();
    // Records how the operation ended (or stops on a journal error), then goes to the next one.
    void endOperation(const Result<bool> &marked, bool ok);
    void operationDone(const QString &note = {});
    void operationFailed(const QString &message);
    void operationParked(const QString &reason);
    void connectionLost(const Error &error);
    void stopWithError(const Error &error);
    void finishRun();

    bool isConnectionError(const Error &error) const;
    bool sessionUsable() const;
    QByteArray mailboxName(const QString &path) const;
    QString describeRefusal(const Imap::Job *job) const;

    QPointer<Imap::Session> m_session;
    Store::Database &m_database;
    qint64 m_accountId = 0;
    bool m_useMove = true;
    bool m_running = false;
    quint64 m_generation = 0;  // bumped when an operation ends: late job signals are ignored
    qint64 m_lastOperationId = 0;
    int m_done = 0;
    int m_failed = 0;

    // The mailbox this run selected last and its UIDVALIDITY; the session is ours while running.
    QByteArray m_selectedMailbox;
    quint32 m_selectedUidValidity = 0;

    Store::Operation m_operation;
    OperationPayload m_payload;
    Store::SyncBatch m_restoreBatch;  // what restoreAndFail() reloads

    // Looking for the copies of a COPY whose answer was lost: the source messages' Message-IDs,
    // the target's messages from the recorded UIDNEXT on, and the source UIDs found there with
    // the UIDs of their copies.
    QHash<quint32, QByteArray> m_sourceMessageIds;
    QList<std::pair<quint32, QByteArray>> m_targetMessageIds;
    UidSet m_adoptedSourceUids;
    UidSet m_adoptedTargetUids;
};

}  // namespace Heron::Sync
