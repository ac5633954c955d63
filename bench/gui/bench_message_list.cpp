// SPDX-License-Identifier: GPL-3.0-or-later
// B4 and B5 (QUALITY.md): the message list and full-text search over a store of one big folder.
//
//   bench_message_list [--messages N] [--store PATH] [--runs R] [--verbose] [--plan P]
//                      (defaults: 1,000,000, a store in the working directory, 5; --verbose also
//                      prints each search query's median and slowest time, and its results;
//                      --plan matches or newest makes every search use that plan of runSearch)
//
// The store holds N generated messages in one folder (subjects, names and addresses from word
// lists, dates over ten years, a tenth flagged, most read), written through FolderStore in
// transactions of 2,000 rows. It is kept at PATH and reused by later runs with the same N, since
// writing a million rows takes minutes; bench_message_list.store_seconds says how long it took.
//
// B4, on an offscreen Gui::MessageListView (the main window's list) of 1200 x 800 with the MessageListModel, R times
// (median):
//   open_first_paint_ms   from MessageListModel::setFolder() until the view has painted its
//                         first rows (a synchronous repaint of the viewport);
//   full_list_ms          until the model holds the whole ordered list (loaded off the GUI thread);
//   jump_to_end_ms        End key in the list, until the last rows are painted;
//   peak_rss_mb           the process's peak resident set size, after everything.
// Targets (issue 4): first paint <= 150 ms, jump to end <= 20 ms, peak RSS <= 250 MB.
//
// B5: full-text queries over the same store through Store::runSearch (what the search field
// runs), each word of a list of common and rare words and one "from:" query, R rounds; the
// median of all (search_median_ms; target <= 50 ms) and the slowest (search_max_ms).

#include "common/benchreport.h"
#include "gui/messagelistmodel.h"
#include "gui/messagelistview.h"
#include "store/accountstore.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "store/searchquery.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHeaderView>
#include <QSqlQuery>
#include <QTest>

#include <cstdio>
#include <random>

#include <sys/resource.h>

using namespace Heron;

namespace {

constexpr const char *kBench = "bench_message_list";

const char *const kFirstNames[] = {"Anna",  "Bruno", "Chloé", "Dmitri", "Eva",  "Farid", "Greta", "Hiro", "Inès",
                                   "Jonas", "Kasia", "Luca",  "Mei",    "Noah", "Olga",  "Pablo", "Rosa", "Sven"};
const char *const kLastNames[] = {"Berg",    "Costa",  "Dubois",   "Eriksson", "Fischer",
                                  "García",  "Hansen", "Ivanova",  "Jensen",   "Kowalski",
                                  "Lambert", "Müller", "Nakamura", "Okafor",   "Petrov"};
const char *const kWords[] = {"budget",  "meeting", "report",  "invoice", "travel",   "project",  "release",
                              "review",  "quarter", "design",  "server",  "backup",   "contract", "holiday",
                              "payment", "draft",   "minutes", "roadmap", "incident", "feedback", "agenda",
                              "launch",  "survey",  "hiring",  "offsite", "patch",    "renewal",  "training"};

template <typename T, size_t N>
const T &pick(std::mt19937_64 &random, const T (&items)[N])
{
    return items[random() % N];
}

double peakRssMegabytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

// Fills the store with messages generated from a fixed seed; returns the folder id.
qint64 buildStore(Store::Database &database, int count)
{
    const qint64 account = *Store::AccountStore(database).add(QStringLiteral("bench"), QStringLiteral("Bench"));
    Store::FolderListing inbox;
    inbox.path = QStringLiteral("INBOX");
    const qint64 folder = Store::FolderStore(database).upsertFolders(account, {inbox})->constFirst();
    std::mt19937_64 random(20261121);
    const qint64 start = QDateTime(QDate(2016, 1, 1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 span = 10LL * 365 * 24 * 3600;
    constexpr int kBatch = 2000;
    for (int first = 1; first <= count; first += kBatch) {
        Store::SyncBatch batch;
        const int last = std::min(count, first + kBatch - 1);
        for (int uid = first; uid <= last; ++uid) {
            Store::MessageMetadata message;
            message.uid = quint32(uid);
            const QString name = QStringLiteral("%1 %2").arg(QString::fromUtf8(pick(random, kFirstNames)),
                                                             QString::fromUtf8(pick(random, kLastNames)));
            message.from = {{name, name.toLower().replace(QLatin1Char(' '), QLatin1Char('.')) +
                                           QStringLiteral("@example.org")}};
            message.to = {{QStringLiteral("Me"), QStringLiteral("me@example.org")}};
            message.subject = QStringLiteral("%1 %2 %3 #%4")
                                      .arg(QString::fromUtf8(pick(random, kWords)),
                                           QString::fromUtf8(pick(random, kWords)),
                                           QString::fromUtf8(pick(random, kWords)))
                                      .arg(uid);
            // Dates grow with the UID, with some noise, as mail arrives.
            const qint64 when = start + span * uid / count + qint64(random() % 3600);
            message.date = QDateTime::fromSecsSinceEpoch(when, Qt::UTC);
            message.internalDate = message.date;
            message.size = 2000 + qint64(random() % 60000);
            message.flags.bits = (random() % 10 == 0 ? quint32(Store::MessageFlags::Flagged) : 0u) |
                                 (uid < count - 200 ? quint32(Store::MessageFlags::Seen) : 0u);
            message.messageId = QStringLiteral("<%1@bench.example.org>").arg(uid);
            batch.messages.append(std::move(message));
        }
        batch.syncPoint = Store::FolderSyncPoint{quint32(last + 1), 0, 1, quint32(last)};
        if (auto applied = Store::FolderStore(database).applySyncBatch(folder, batch); !applied) {
            std::fprintf(stderr, "%s: %s\n", kBench, qPrintable(applied.error().message));
            std::exit(1);
        }
        if (first % 100000 == 1)
            std::fprintf(stderr, "%s: %d of %d messages written\n", kBench, last, count);
    }
    return folder;
}

}  // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption messagesOption(QStringLiteral("messages"), QStringLiteral("Messages in the folder."),
                                      QStringLiteral("N"), QStringLiteral("1000000"));
    QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("Where the store is kept between runs."),
                                   QStringLiteral("PATH"));
    QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Repetitions of each measure."),
                                  QStringLiteral("R"), QStringLiteral("5"));
    QCommandLineOption verboseOption(QStringLiteral("verbose"),
                                     QStringLiteral("Print the time of each search query as well."));
    QCommandLineOption planOption(QStringLiteral("plan"),
                                  QStringLiteral("The search plan: cheapest (what the application uses), matches "
                                                 "or newest."),
                                  QStringLiteral("P"), QStringLiteral("cheapest"));
    parser.addOptions({messagesOption, storeOption, runsOption, verboseOption, planOption});
    parser.process(app);
    const int count = parser.value(messagesOption).toInt();
    const int runs = qMax(1, parser.value(runsOption).toInt());
    Store::SearchPlan plan = Store::SearchPlan::Cheapest;
    if (parser.value(planOption) == QLatin1String("matches")) {
        plan = Store::SearchPlan::MatchesFirst;
    } else if (parser.value(planOption) == QLatin1String("newest")) {
        plan = Store::SearchPlan::NewestFirst;
    } else if (parser.value(planOption) != QLatin1String("cheapest")) {
        std::fprintf(stderr, "%s: --plan is cheapest, matches or newest\n", kBench);
        return 1;
    }
    const QString storePath = parser.isSet(storeOption)
                                      ? parser.value(storeOption)
                                      : QDir::current().filePath(QStringLiteral("bench-list-%1.sqlite").arg(count));

    // A store left by an interrupted build is not trusted: it is rebuilt.
    qint64 folder = 0;
    bool reuse = QFileInfo::exists(storePath);
    auto opened = Store::Database::open(storePath);
    if (!opened) {
        std::fprintf(stderr, "%s: %s\n", kBench, qPrintable(opened.error().message));
        return 1;
    }
    std::unique_ptr<Store::Database> database = std::move(opened).value();
    if (reuse) {
        QSqlQuery query(database->connection());
        reuse = query.exec(QStringLiteral("SELECT id, message_count FROM folders")) && query.next() &&
                query.value(1).toInt() == count;
        if (reuse)
            folder = query.value(0).toLongLong();
    }
    if (!reuse) {
        database.reset();
        QFile::remove(storePath);
        QFile::remove(storePath + QStringLiteral("-wal"));
        QFile::remove(storePath + QStringLiteral("-shm"));
        database = std::move(Store::Database::open(storePath)).value();
        QElapsedTimer building;
        building.start();
        folder = buildStore(*database, count);
        database->checkpoint();
        Bench::printFigure("bench_message_list.store_seconds", double(building.elapsed()) / 1000.0, "s");
    }
    std::printf("# %s: %d messages in one folder, store %s\n", kBench, count, qPrintable(storePath));

    // B4: the list.
    Gui::MessageListView view;  // the main window's message list
    view.resize(1200, 800);
    Gui::MessageListModel model(*database);
    view.setModel(&model);
    view.horizontalHeader()->setSectionResizeMode(Gui::MessageListModel::Subject, QHeaderView::Stretch);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) {
        std::fprintf(stderr, "%s: the list was never shown\n", kBench);
        return 1;
    }

    QList<double> firstPaint;
    QList<double> modelOpen;
    QList<double> fullList;
    QList<double> jumpToEnd;
    for (int run = 0; run < runs; ++run) {
        model.clear();
        QCoreApplication::processEvents();
        QElapsedTimer timer;
        timer.start();
        if (auto shown = model.setFolder(folder); !shown) {
            std::fprintf(stderr, "%s: %s\n", kBench, qPrintable(shown.error().message));
            return 1;
        }
        const double modelMs = double(timer.nsecsElapsed()) / 1e6;
        view.viewport()->repaint();
        firstPaint.append(double(timer.nsecsElapsed()) / 1e6);
        modelOpen.append(modelMs);
        if (!QTest::qWaitFor([&model] { return model.isComplete(); }, 60000)) {
            std::fprintf(stderr, "%s: the full list did not arrive\n", kBench);
            return 1;
        }
        fullList.append(double(timer.nsecsElapsed()) / 1e6);
        if (model.rowCount() != count) {
            std::fprintf(stderr, "%s: %d rows, expected %d\n", kBench, model.rowCount(), count);
            return 1;
        }

        view.setFocus();
        view.setCurrentIndex(model.index(0, Gui::MessageListModel::Subject));
        view.viewport()->repaint();
        timer.restart();
        QTest::keyClick(&view, Qt::Key_End);
        const double keyMs = double(timer.nsecsElapsed()) / 1e6;
        view.viewport()->repaint();
        if (qEnvironmentVariableIsSet("HERON_BENCH_DETAIL"))
            std::fprintf(stderr, "end key %.1f ms, paint %.1f ms\n", keyMs, double(timer.nsecsElapsed()) / 1e6 - keyMs);
        jumpToEnd.append(double(timer.nsecsElapsed()) / 1e6);
        if (view.currentIndex().row() != count - 1) {
            std::fprintf(stderr, "%s: End went to row %d\n", kBench, view.currentIndex().row());
            return 1;
        }
    }
    Bench::printFigure("bench_message_list.open_first_paint_ms", Bench::median(firstPaint), "ms");
    Bench::printFigure("bench_message_list.open_model_ms", Bench::median(modelOpen), "ms");
    Bench::printFigure("bench_message_list.full_list_ms", Bench::median(fullList), "ms");
    Bench::printFigure("bench_message_list.jump_to_end_ms", Bench::median(jumpToEnd), "ms");

    // B5: search.
    QList<double> searches;
    QStringList queries;
    for (const char *word : {"budget", "incident", "renewal", "müller", "nakamura", "offsite patch", "zzzznothing"})
        queries.append(QString::fromUtf8(word));
    queries.append(QStringLiteral("from:kowalski"));
    queries.append(QStringLiteral("subject:roadmap is:flagged"));
    QHash<QString, QList<double>> perQuery;
    QHash<QString, qsizetype> foundPerQuery;
    int results = 0;
    for (int run = 0; run < runs; ++run) {
        for (const QString &text : std::as_const(queries)) {
            const auto query = Store::SearchQuery::parse(text);
            QElapsedTimer timer;
            timer.start();
            auto found = Store::runSearch(*database, *query, 500, 0, plan);
            const double elapsed = double(timer.nsecsElapsed()) / 1e6;
            searches.append(elapsed);
            perQuery[text].append(elapsed);
            if (!found) {
                std::fprintf(stderr, "%s: %s\n", kBench, qPrintable(found.error().message));
                return 1;
            }
            foundPerQuery[text] = found->size();
            results += int(found->size());
        }
    }
    if (parser.isSet(verboseOption)) {
        for (const QString &text : std::as_const(queries)) {
            const QList<double> &times = perQuery.value(text);
            std::printf("# search %-28s median %8.1f ms  max %8.1f ms  %lld results\n",
                        qPrintable(QLatin1Char('"') + text + QLatin1Char('"')), Bench::median(times),
                        *std::max_element(times.cbegin(), times.cend()), qlonglong(foundPerQuery.value(text)));
        }
    }
    Bench::printFigure("bench_message_list.search_median_ms", Bench::median(searches), "ms");
    Bench::printFigure("bench_message_list.search_max_ms", *std::max_element(searches.cbegin(), searches.cend()), "ms");
    Bench::printFigure("bench_message_list.search_results", qint64(results / runs), "messages");
    Bench::printFigure("bench_message_list.peak_rss_mb", peakRssMegabytes(), "MB");
    Bench::printTarget("bench_message_list.open_first_paint_ms", Bench::median(firstPaint), 150, "ms");
    Bench::printTarget("bench_message_list.jump_to_end_ms", Bench::median(jumpToEnd), 20, "ms");
    Bench::printTarget("bench_message_list.peak_rss_mb", peakRssMegabytes(), 250, "MB");
    Bench::printTarget("bench_message_list.search_median_ms", Bench::median(searches), 50, "ms");
    return 0;
}
