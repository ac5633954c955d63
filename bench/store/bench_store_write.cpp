// SPDX-License-Identifier: GPL-3.0-or-later
// B1's client side, without a server (QUALITY.md): what an initial sync of one big folder costs
// the client per stage, on an in-memory stream of realistic FETCH responses.
//
//   bench_store_write [--count N] [--runs R] [--batch B] [--keep FILE]   (defaults: 100,000, 3, 1,000)
//
// --keep copies the last run's store to FILE.
//
// Each run: parse the whole stream (Imap::Parser, 64 KiB chunks), turn every response into the
// store's metadata (Sync::metadataFromFetch), then write them into a fresh store in batches of B,
// newest first, through FolderStore::applySyncBatch as the sync engine does. Each stage is timed
// on its own (thread CPU and wall); the figures are medians of the runs. A store stage slower
// than the others points at SQL, a convert stage at MIME decoding; together they are the client
// CPU that bench_sync_initial adds to the raw fetch. Then, as B3's store side, one batch removes
// 1,000 scattered messages and changes the flags of 200 (store_write.changes.*), on another thread
// after that thread's idle pass (search index, checkpoint), as the engine thread applies a resync.

#include "common/benchreport.h"
#include "common/fetchstream.h"
#include "imap/parser.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/messagestore.h"
#include "sync/messageconverter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <variant>

using namespace Heron;

namespace {

constexpr uint64_t kSeed = 0x4865726F6E2D4231ull;  // fixed: every run writes the same messages
constexpr qsizetype kChunk = 64 << 10;

struct Options {
    int count = 100000;
    int runs = 3;
    int batch = 1000;
    QString keep;  // where to copy the last run's store, for a look with the sqlite3 shell
};

struct Stage {
    QList<double> wall;
    QList<double> cpu;
};

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// Runs work and adds its wall and thread CPU seconds to the stage.
template <typename Work>
bool timed(Stage &stage, Work &&work)
{
    const double cpuStart = threadCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    const bool ok = work();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    stage.wall.append(elapsed.count());
    stage.cpu.append(threadCpuSeconds() - cpuStart);
    return ok;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "bench_store_write: %s\n", qPrintable(message));
    return 1;
}

bool parseArguments(int argc, char **argv, Options &options)
{
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (std::strcmp(argv[i], "--count") == 0 && hasValue)
            options.count = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--runs") == 0 && hasValue)
            options.runs = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--batch") == 0 && hasValue)
            options.batch = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--keep") == 0 && hasValue)
            options.keep = QString::fromLocal8Bit(argv[++i]);
        else
            return false;
    }
    return options.count > 0 && options.runs > 0 && options.batch > 0;
}

bool parseAll(const QByteArray &stream, QList<Imap::FetchResponse> &out, QString *error)
{
    Imap::Parser parser;
    for (qsizetype position = 0; position < stream.size(); position += kChunk) {
        parser.append(QByteArrayView(stream).sliced(position, std::min(kChunk, stream.size() - position)));
        while (auto next = parser.takeResponse()) {
            if (!next->ok()) {
                *error = next->error().message;
                return false;
            }
            if (auto *fetch = std::get_if<Imap::FetchResponse>(&next->value()))
                out.append(std::move(*fetch));
        }
    }
    return true;
}

// A fresh store with one account and its INBOX, as after the first LIST.
Result<qint64> prepareStore(Store::Database &database)
{
    auto account = Store::AccountStore(database).add(QStringLiteral("bench"), QStringLiteral("Bench"));
    if (!account)
        return account.error();
    Store::FolderListing inbox;
    inbox.path = QStringLiteral("INBOX");
    inbox.delimiter = QStringLiteral("/");
    auto ids = Store::FolderStore(database).upsertFolders(*account, {inbox});
    if (!ids)
        return ids.error();
    return ids->constFirst();
}

bool writeAll(Store::Database &database, qint64 folderId, const QList<Store::MessageMetadata> &messages, int batch,
              QString *error)
{
    // Newest first, as FolderSync fetches an empty folder.
    for (qsizetype end = messages.size(); end > 0; end -= batch) {
        const qsizetype start = std::max<qsizetype>(0, end - batch);
        Store::SyncBatch changes;
        changes.messages = messages.mid(start, end - start);
        Store::FolderSyncPoint point;
        point.uidNext = messages.constLast().uid + 1;
        point.syncedDownTo = messages.at(start).uid;
        point.serverMessages = quint32(messages.size());
        changes.syncPoint = point;
        auto outcome = Store::FolderStore(database).applySyncBatch(folderId, changes);
        if (!outcome) {
            *error = outcome.error().message;
            return false;
        }
    }
    return true;
}

// B3's store side: 1,000 scattered UIDs expunged and 200 others with new flags, in one batch, as
// a QRESYNC resync of the folder applies them.
bool applyChanges(Store::Database &database, qint64 folderId, const QList<Store::MessageMetadata> &messages,
                  QString *error)
{
    Store::SyncBatch changes;
    const qsizetype step = std::max<qsizetype>(1, messages.size() / 1000);
    for (qsizetype i = 0; i < messages.size() && changes.removedUids.count() < 1000; i += step)
        changes.removedUids.add(messages.at(i).uid);
    for (qsizetype i = step / 2; i < messages.size() && changes.flagChanges.size() < 200; i += step * 5) {
        Store::FlagChange change;
        change.uid = messages.at(i).uid;
        change.flags = messages.at(i).flags;
        change.flags.bits ^= Store::MessageFlags::Seen | Store::MessageFlags::Flagged;
        change.modSeq = 1000000 + quint64(i);
        changes.flagChanges.append(change);
    }
    auto outcome = Store::FolderStore(database).applySyncBatch(folderId, changes);
    if (!outcome) {
        *error = outcome.error().message;
        return false;
    }
    if (outcome->removed != int(changes.removedUids.count())) {
        *error = QStringLiteral("%1 messages removed, expected %2").arg(outcome->removed).arg(changes.removedUids.count());
        return false;
    }
    return true;
}

Result<bool> idlePass(Store::Database &database)
{
    Store::MessageStore store(database);
    if (auto indexed = store.indexPendingSearch(); !indexed)
        return indexed.error();
    if (auto purged = store.purgeSearchRemovals(); !purged)
        return purged.error();
    return database.checkpoint();
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Options options;
    if (!parseArguments(argc, argv, options)) {
        std::fprintf(stderr, "usage: %s [--count N] [--runs R] [--batch B] [--keep FILE]\n", argv[0]);
        return 2;
    }
    const QByteArray stream = Bench::FetchStreamGenerator::stream(options.count, kSeed);
    Bench::printFigure("store_write.messages", qint64(options.count), "msg");
    Bench::printFigure("store_write.stream_bytes", qint64(stream.size()), "B");

    Stage parse, convert, store, changes;
    for (int run = 0; run < options.runs; ++run) {
        QString error;
        QList<Imap::FetchResponse> responses;
        responses.reserve(options.count);
        if (!timed(parse, [&] { return parseAll(stream, responses, &error); }))
            return fail(QStringLiteral("parse error: %1").arg(error));
        if (responses.size() != options.count)
            return fail(QStringLiteral("%1 FETCH responses, expected %2").arg(responses.size()).arg(options.count));

        QList<Store::MessageMetadata> messages;
        messages.reserve(options.count);
        timed(convert, [&] {
            for (const Imap::FetchResponse &response : std::as_const(responses))
                messages.append(Sync::metadataFromFetch(response));
            return true;
        });
        responses.clear();

        QTemporaryDir directory;
        if (!directory.isValid())
            return fail(QStringLiteral("cannot create a temporary directory"));
        auto database = Store::Database::open(directory.filePath(QStringLiteral("store.sqlite")));
        if (!database)
            return fail(database.error().message);
        auto folderId = prepareStore(**database);
        if (!folderId)
            return fail(folderId.error().message);
        if (!timed(store, [&] { return writeAll(**database, *folderId, messages, options.batch, &error); }))
            return fail(error);
        auto stored = Store::MessageStore(**database).uids(*folderId, 1, UidSet::kStar - 1);
        if (!stored || stored->count() != uint64_t(options.count))
            return fail(QStringLiteral("the store does not hold every message"));
        // On a thread of its own, as the engine thread: its idle pass after the initial sync (search
        // index, checkpoint), then the resync. Its connection's cache holds none of the pages the
        // batch writer's thread wrote.
        bool applied = false;
        std::unique_ptr<QThread> thread(QThread::create([&] {
            if (auto done = idlePass(**database); !done) {
                error = done.error().message;
                return;
            }
            applied = timed(changes, [&] { return applyChanges(**database, *folderId, messages, &error); });
        }));
        thread->start();
        thread->wait();
        if (!applied)
            return fail(error);
        if (!options.keep.isEmpty() && run == options.runs - 1) {
            if (auto done = (*database)->checkpoint(); !done)
                return fail(done.error().message);
            QFile::remove(options.keep);
            if (!QFile::copy(directory.filePath(QStringLiteral("store.sqlite")), options.keep))
                return fail(QStringLiteral("cannot copy the store to %1").arg(options.keep));
        }
    }

    const auto print = [&](const char *name, const Stage &stage) {
        const QByteArray prefix = QByteArray("store_write.") + name;
        Bench::printFigure((prefix + ".seconds").constData(), Bench::median(stage.wall), "s");
        Bench::printFigure((prefix + ".cpu_seconds").constData(), Bench::median(stage.cpu), "s");
        Bench::printFigure((prefix + ".us_per_message").constData(), Bench::median(stage.cpu) * 1e6 / options.count, "us");
    };
    print("parse", parse);
    print("convert", convert);
    print("store", store);
    Bench::printFigure("store_write.changes.seconds", Bench::median(changes.wall), "s");
    Bench::printFigure("store_write.changes.cpu_seconds", Bench::median(changes.cpu), "s");
    QList<double> total;
    for (int run = 0; run < options.runs; ++run)
        total.append(parse.cpu.at(run) + convert.cpu.at(run) + store.cpu.at(run));
    Bench::printFigure("store_write.client_cpu_seconds", Bench::median(total), "s");
    return 0;
}
