// SPDX-License-Identifier: GPL-3.0-or-later
#include "batchwriter.h"

#include "store/database.h"
#include "store/folderstore.h"

#include <QThread>

namespace Heron::Store {

BatchWriter::BatchWriter(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_thread(std::make_unique<QThread>())
    , m_worker(std::make_unique<QObject>())
{
    m_thread->setObjectName(QStringLiteral("heron-store-writer"));
    m_worker->moveToThread(m_thread.get());
    m_thread->start();
}

BatchWriter::~BatchWriter()
{
    // Queued after every batch given: they are all applied before the thread ends.
    QMetaObject::invokeMethod(
            m_worker.get(), [thread = m_thread.get()] { thread->quit(); }, Qt::QueuedConnection);
    m_thread->wait();
    // The thread has ended: the worker can be deleted here, and its connection is closed.
    m_worker.reset();
}

void BatchWriter::apply(const Sequence &sequence, qint64 folderId, SyncBatch batch, QObject *receiver, Done done)
{
    const quint64 ticket = ++m_nextTicket;
    m_waiting.insert(ticket, Waiting{receiver, std::move(done)});
    QMetaObject::invokeMethod(
            m_worker.get(),
            [this, ticket, sequence, folderId, batch = std::move(batch)]() mutable {
                Result<SyncBatchOutcome> outcome =
                        sequence->load()
                                ? Result<SyncBatchOutcome>(makeError(
                                          Error::Code::InvalidInput,
                                          QStringLiteral("A batch for folder %1 was not written: one before it failed")
                                                  .arg(folderId)))
                                : FolderStore(m_database).applySyncBatch(folderId, batch);
                if (!outcome)
                    sequence->store(true);
                // This object outlives the thread (the destructor waits for it), so posting to it
                // is safe. The batch goes along: it is freed on the thread that allocated it.
                QMetaObject::invokeMethod(
                        this,
                        [this, ticket, outcome = std::move(outcome), spent = std::move(batch)] {
                            (void)spent;
                            report(ticket, outcome);
                        },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
}

void BatchWriter::report(quint64 ticket, const Result<SyncBatchOutcome> &outcome)
{
    Waiting waiting = m_waiting.take(ticket);
    if (waiting.receiver && waiting.done)
        waiting.done(outcome);
}

}  // namespace Heron::Store
