// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/syncbatch.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace Heron::Store {

class Database;

// Applies sync batches (FolderStore::applySyncBatch) on a thread of its own, one after another
// in the order given, so that the sync can read and convert the next FETCH batch while the
// last one is written. Each outcome is reported on the thread the BatchWriter lives on, and
// only while the receiver named with the batch is alive.
class BatchWriter : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const Result<SyncBatchOutcome> &outcome)>;
    // Batches that build on each other, like one folder's FETCH batches and their sync points.
    // Once one of them fails, the later ones are refused, not applied: a later sync point must
    // never be written without the rows of a batch before it.
    using Sequence = std::shared_ptr<std::atomic<bool>>;
    static Sequence newSequence() { return std::make_shared<std::atomic<bool>>(false); }

    explicit BatchWriter(Database &database, QObject *parent = nullptr);
    // Applies the batches already given, then stops the thread; their outcomes are not reported.
    ~BatchWriter() override;

    BatchWriter(const BatchWriter &) = delete;
    BatchWriter &operator=(const BatchWriter &) = delete;

    void apply(const Sequence &sequence, qint64 folderId, SyncBatch batch, QObject *receiver, Done done);
    // Batches given whose outcome has not been reported yet.
    int pending() const { return int(m_waiting.size()); }

private:
    struct Waiting {
        QPointer<QObject> receiver;
        Done done;
    };

    void report(quint64 ticket, const Result<SyncBatchOutcome> &outcome);

    Database &m_database;
    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QObject> m_worker;  // lives on m_thread; the batches run as its events
    QHash<quint64, Waiting> m_waiting;
    quint64 m_nextTicket = 0;
};

}  // namespace Heron::Store
