// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync/syncbench.h"

#include "common/benchreport.h"
#include "store/database.h"
#include "store/folderstore.h"
#include "support/dovecotfixture.h"
#include "sync/syncengine.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QTimer>

#include <cstdio>

namespace Heron::Bench {

namespace {

constexpr int kPasswordTimeoutMs = 30000;

}  // namespace

void printFigure(const QByteArray &name, double value, const char *unit)
{
    printFigure(name.constData(), value, unit);
}

void printFigure(const QByteArray &name, qint64 value, const char *unit)
{
    printFigure(name.constData(), value, unit);
}

void setLogging(bool trace)
{
    if (trace) {
        qSetMessagePattern(QStringLiteral("%{time process} %{category}: %{message}"));
        QLoggingCategory::setFilterRules(QStringLiteral("heron.*.debug=false\nheron.*.info=false\n"
                                                        "heron.imap.wire.debug=true\nheron.sync.info=true"));
    } else {
        QLoggingCategory::setFilterRules(QStringLiteral("heron.*.debug=false\nheron.*.info=false"));
    }
}

int fail(const char *bench, const QString &message)
{
    std::fprintf(stderr, "%s: %s\n", bench, qPrintable(message));
    return 1;
}

qint64 peakResidentBytes()
{
    // stdio, not QFile: procfs files report a size of 0, which QFile takes for the end.
    std::FILE *status = std::fopen("/proc/self/status", "r");
    if (!status)
        return -1;
    char line[256];
    qint64 kilobytes = -1;
    while (std::fgets(line, sizeof line, status)) {
        long long value = 0;
        if (std::sscanf(line, "VmHWM: %lld kB", &value) == 1) {
            kilobytes = value;
            break;
        }
    }
    std::fclose(status);
    return kilobytes < 0 ? -1 : kilobytes * 1024;
}

bool startFixture(Test::DovecotFixture &fixture, const QStringList &users, QString *error)
{
    if (!Test::DovecotFixture::available()) {
        *error = Test::DovecotFixture::unavailableReason();
        return false;
    }
    Test::DovecotFixture::Options options;
    options.users = users;
    options.fsync = false;
    options.compressDeflate = false;
    const QString format = qEnvironmentVariable("HERON_BENCH_MAIL_FORMAT", QStringLiteral("sdbox"));
    if (format == QLatin1String("maildir")) {
        options.mailFormat = Test::DovecotFixture::MailFormat::Maildir;
    } else if (format == QLatin1String("sdbox")) {
        options.mailFormat = Test::DovecotFixture::MailFormat::Sdbox;
    } else {
        *error = QStringLiteral("HERON_BENCH_MAIL_FORMAT must be sdbox or maildir, not ") + format;
        return false;
    }
    std::fprintf(stdout, "# server mail format: %s\n", qPrintable(format));
    if (!fixture.start(options)) {
        *error = QStringLiteral("Dovecot did not start: ") + fixture.errorString();
        return false;
    }
    return true;
}

RawTarget rawTarget(const Test::DovecotFixture &fixture, const QString &user, const QString &folder)
{
    RawTarget target;
    target.host = fixture.host();
    target.port = fixture.imapPort();
    target.user = user;
    target.password = fixture.password(user);
    target.folder = folder;
    return target;
}

std::optional<RawFetchResult> rawFetchBaseline(const Test::DovecotFixture &fixture, const QString &user,
                                               const QString &folder, const char *prefix, QString *error,
                                               const QByteArray &items, int repeat)
{
    RawFetchOptions options;
    options.repeat = repeat;
    options.items = items;
    auto result = measureRawFetch(rawTarget(fixture, user, folder), options, error);
    if (result)
        printRawFetch(prefix, *result);
    return result;
}

// --- BenchProfile ----------------------------------------------------------------------------------

std::unique_ptr<BenchProfile> BenchProfile::create(QString *error)
{
    const QString parent = qEnvironmentVariable("HERON_BENCH_PROFILE_DIR", QDir::tempPath());
    auto temporary = std::make_unique<QTemporaryDir>(QDir(parent).filePath(QStringLiteral("heron-bench-XXXXXX")));
    if (!temporary->isValid()) {
        *error = QStringLiteral("cannot create a directory in %1: %2").arg(parent, temporary->errorString());
        return nullptr;
    }
    const QString directory = temporary->filePath(QStringLiteral("profile"));
    auto profile = open(directory, error);
    if (profile)
        profile->m_temporary = std::move(temporary);
    return profile;
}

std::unique_ptr<BenchProfile> BenchProfile::open(const QString &directory, QString *error)
{
    std::unique_ptr<BenchProfile> profile(new BenchProfile);
    profile->m_directory = directory;
    if (!profile->reopen(error))
        return nullptr;
    return profile;
}

BenchProfile::~BenchProfile()
{
    m_profile.reset();  // before the directory goes
}

void BenchProfile::release()
{
    m_profile.reset();
}

bool BenchProfile::reopen(QString *error)
{
    Accounts::Profile::Options options;
    options.allowInsecurePasswordStore = true;
    auto opened = Accounts::Profile::open(m_directory, options);
    if (!opened) {
        *error = opened.error().message;
        return false;
    }
    m_profile = std::move(opened.value());
    return true;
}

std::optional<Accounts::Account> BenchProfile::addAccount(const Test::DovecotFixture &fixture, const QString &user,
                                                          Accounts::SyncStrategy strategy,
                                                          const QStringList &initiallySelected, QString *error)
{
    Accounts::AccountSettings settings;
    settings.email = user + QStringLiteral("@heron.test");
    settings.displayName = user;
    settings.imapHost = fixture.host();
    settings.imapPort = fixture.imapPort();
    settings.imapSecurity = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.userName = user;
    settings.passwordStorage = Accounts::PasswordStorage::ProfileFile;
    settings.sync.strategy = strategy;
    settings.sync.push = false;
    settings.sync.pollIntervalSeconds = Accounts::SyncOptions::kMaxPollIntervalSeconds;
    settings.initiallySelected = initiallySelected;
    auto added = m_profile->addAccount(settings);
    if (!added) {
        *error = added.error().message;
        return std::nullopt;
    }
    Accounts::PasswordStore *store = m_profile->passwordStore(Accounts::PasswordStorage::ProfileFile);
    if (!store) {
        *error = QStringLiteral("the profile refuses its password file");
        return std::nullopt;
    }
    QEventLoop loop;
    bool done = false;
    QString writeError;
    store->writePassword(added->settings.key, fixture.password(user), [&](Result<bool> result) {
        if (!result)
            writeError = result.error().message;
        done = true;
        loop.quit();
    });
    if (!done) {
        QTimer::singleShot(kPasswordTimeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!done || !writeError.isEmpty()) {
        *error = done ? writeError : QStringLiteral("writing the password timed out");
        return std::nullopt;
    }
    return *added;
}

qint64 BenchProfile::storedMessages(qint64 accountId, const QString &path) const
{
    Store::FolderStore folders(m_profile->database());
    auto id = folders.idForPath(accountId, path);
    if (!id)
        return -1;
    auto folder = folders.folder(*id);
    return folder ? folder->messageCount : -1;
}

int BenchProfile::selectAllFolders(qint64 accountId, QString *error) const
{
    Store::FolderStore folders(m_profile->database());
    auto all = folders.folders(accountId);
    if (!all) {
        *error = all.error().message;
        return -1;
    }
    int selected = 0;
    for (const Store::FolderRecord &folder : *all) {
        if (folder.selectedForSync)
            continue;
        if (auto set = folders.setSelectedForSync(folder.id, true); !set) {
            *error = set.error().message;
            return -1;
        }
        ++selected;
    }
    return selected;
}

// --- Rounds ----------------------------------------------------------------------------------------

Sync::SyncStats RoundOutcome::total() const
{
    Sync::SyncStats sum;
    for (const Sync::SyncStats &account : stats)
        sum.add(account);
    return sum;
}

bool RoundOutcome::ok(const QList<qint64> &accountIds) const
{
    if (!finished || !errors.isEmpty())
        return false;
    for (qint64 id : accountIds) {
        if (!stats.contains(id))
            return false;
    }
    return true;
}

QString RoundOutcome::describeProblem() const
{
    if (!errors.isEmpty())
        return errors.join(QStringLiteral("; "));
    if (!finished)
        return QStringLiteral("the round did not finish in time");
    return QStringLiteral("an account did not finish its round");
}

RoundOutcome runRound(Sync::SyncEngine &engine, const QList<qint64> &accountIds, bool full, int timeoutMs)
{
    RoundOutcome outcome;
    QEventLoop loop;
    QElapsedTimer timer;
    double cpuStart = 0;
    const auto finished = QObject::connect(&engine, &Sync::SyncEngine::roundsFinished, &loop, [&] {
        // Taken here, not after the loop returns: the event loop's wake-up is not the sync's.
        outcome.seconds = double(timer.nsecsElapsed()) / 1e9;
        outcome.cpuSeconds = processCpuSeconds() - cpuStart;
        outcome.finished = true;
        loop.quit();
    });
    const auto round = QObject::connect(
            &engine, &Sync::SyncEngine::roundFinished, &loop,
            [&](qint64 accountId, const Sync::SyncStats &stats) { outcome.stats.insert(accountId, stats); });
    const auto errors = QObject::connect(
            &engine, &Sync::SyncEngine::errorOccurred, &loop, [&](qint64 accountId, const QString &message) {
                outcome.errors.append(QStringLiteral("account %1: %2").arg(accountId).arg(message));
            });
    const auto progress = QObject::connect(&engine, &Sync::SyncEngine::progressChanged, &loop,
                                           [&](const Sync::SyncProgress &progress) {
                                               if (progress.done > 0 && outcome.firstStoredSeconds < 0)
                                                   outcome.firstStoredSeconds = double(timer.nsecsElapsed()) / 1e9;
                                           });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    // The idle moment between rounds, when the engine folds the store's log back into the file.
    engine.checkpointIfPending();
    cpuStart = processCpuSeconds();
    timer.start();
    engine.syncOnce(accountIds, full);
    if (!outcome.finished)
        loop.exec();
    QObject::disconnect(finished);
    QObject::disconnect(round);
    QObject::disconnect(errors);
    QObject::disconnect(progress);
    return outcome;
}

}  // namespace Heron::Bench
