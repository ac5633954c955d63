// SPDX-License-Identifier: GPL-3.0-or-later
// B1 baseline (QUALITY.md): the fastest a client can take in a folder's metadata. Logs in,
// selects the folder and streams "UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE
// INTERNALDATE)" to nowhere, timing the FETCH alone.
//
//   bench_raw_fetch --host H --port P --user U --password W [--folder F] [--tls] [--ca FILE]
//   bench_raw_fetch --fixture N [--tls]    (private Dovecot with N generated messages)
//   --repeat R times the FETCH R times and prints the median.
//   --items "(...)" fetches those items instead; given several times, measures each in turn.

#include "common/benchreport.h"
#include "common/rawfetch.h"

#ifdef HERON_BENCH_HAVE_FIXTURE
#include "common/corpus.h"
#include "support/dovecotfixture.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSslCertificate>

#include <cstdio>

using namespace Heron;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "bench_raw_fetch: %s\n", qPrintable(message));
    return 1;
}

int measure(const Bench::RawTarget &target, qint64 expectedMessages, int repeat, const QByteArray &items)
{
    Bench::RawFetchOptions options;
    options.repeat = repeat;
    options.items = items;
    // Dovecot builds its cache on the first ENVELOPE/BODYSTRUCTURE fetch (DOVECOT.md).
    options.warmUp = expectedMessages > 0;
    QString error;
    const auto result = Bench::measureRawFetch(target, options, &error);
    if (!result)
        return fail(error);
    Bench::printRawFetch("raw_fetch", *result);
    if (expectedMessages > 0 && result->messages < expectedMessages)
        return fail(QStringLiteral("%1 FETCH responses, expected %2").arg(result->messages).arg(expectedMessages));
    return 0;
}

// The default items, or each set given with --items in turn (each preceded by a "# items" line).
int runBenchmark(const Bench::RawTarget &target, qint64 expectedMessages, int repeat, const QStringList &itemSets)
{
    if (itemSets.isEmpty())
        return measure(target, expectedMessages, repeat, Bench::kRawFetchItems);
    for (const QString &items : itemSets) {
        std::printf("# items %s\n", qPrintable(items));
        if (const int status = measure(target, expectedMessages, repeat, items.toLatin1()); status != 0)
            return status;
    }
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Streams UID FETCH 1:* of a folder to nowhere and times it."));
    parser.addHelpOption();
    const QCommandLineOption hostOption(QStringLiteral("host"), QStringLiteral("IMAP server."), QStringLiteral("host"));
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port (143, or 993 with --tls)."),
                                        QStringLiteral("port"));
    const QCommandLineOption userOption(QStringLiteral("user"), QStringLiteral("Login name."), QStringLiteral("user"));
    const QCommandLineOption passwordOption(QStringLiteral("password"), QStringLiteral("Password."),
                                            QStringLiteral("password"));
    const QCommandLineOption folderOption(QStringLiteral("folder"), QStringLiteral("Folder (INBOX)."),
                                          QStringLiteral("folder"), QStringLiteral("INBOX"));
    const QCommandLineOption tlsOption(QStringLiteral("tls"), QStringLiteral("Implicit TLS (IMAPS)."));
    const QCommandLineOption caOption(QStringLiteral("ca"), QStringLiteral("PEM file of CA certificates to trust."),
                                      QStringLiteral("file"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
                                          QStringLiteral("Timed fetches; the median is printed (1)."),
                                          QStringLiteral("R"), QStringLiteral("1"));
    const QCommandLineOption fixtureOption(
        QStringLiteral("fixture"), QStringLiteral("Start a private Dovecot holding N generated messages."),
        QStringLiteral("N"));
    const QCommandLineOption itemsOption(
            QStringLiteral("items"),
            QStringLiteral("FETCH items with their parentheses instead of the baseline's; may be repeated."),
            QStringLiteral("items"));
    parser.addOptions({hostOption, portOption, userOption, passwordOption, folderOption, tlsOption, caOption,
                       repeatOption, fixtureOption, itemsOption});
    parser.process(app);

    Bench::RawTarget target;
    target.tls = parser.isSet(tlsOption);
    target.folder = parser.value(folderOption);
    const int repeat = parser.value(repeatOption).toInt();
    if (repeat <= 0)
        return fail(QStringLiteral("--repeat needs a positive count"));

    if (parser.isSet(fixtureOption)) {
        bool ok = false;
        const int count = parser.value(fixtureOption).toInt(&ok);
        if (!ok || count <= 0)
            return fail(QStringLiteral("--fixture needs a positive message count"));
#ifdef HERON_BENCH_HAVE_FIXTURE
        if (!Test::DovecotFixture::available())
            return fail(Test::DovecotFixture::unavailableReason());
        Test::DovecotFixture fixture;
        Test::DovecotFixture::Options options;
        options.fsync = false;
        options.compressDeflate = false;
        if (!fixture.start(options))
            return fail(QStringLiteral("Dovecot did not start: ") + fixture.errorString());

        const QString user = fixture.users().constFirst();
        QElapsedTimer deliveryTimer;
        deliveryTimer.start();
        QString error;
        if (!Bench::deliverCorpus(fixture, user, target.folder, count, &error))
            return fail(QStringLiteral("delivery failed: ") + error);
        Bench::printFigure("raw_fetch.delivery_seconds", double(deliveryTimer.nsecsElapsed()) / 1e9, "s");

        target.host = fixture.host();
        target.port = target.tls ? fixture.imapsPort() : fixture.imapPort();
        target.caCertificates = {fixture.caCertificate()};
        target.user = user;
        target.password = fixture.password(user);
        return runBenchmark(target, count, repeat, parser.values(itemsOption));
#else
        return fail(QStringLiteral("built without the test support library (configure with HERON_BUILD_TESTS=ON)"));
#endif
    }

    if (!parser.isSet(hostOption) || !parser.isSet(userOption) || !parser.isSet(passwordOption))
        return fail(QStringLiteral("give --host, --user and --password, or --fixture N (see --help)"));
    target.host = parser.value(hostOption);
    target.port = target.tls ? 993 : 143;
    if (parser.isSet(portOption))
        target.port = parser.value(portOption).toUShort();
    if (parser.isSet(caOption)) {
        target.caCertificates = QSslCertificate::fromPath(parser.value(caOption));
        if (target.caCertificates.isEmpty())
            return fail(QStringLiteral("no certificate in ") + parser.value(caOption));
    }
    target.user = parser.value(userOption);
    target.password = parser.value(passwordOption);
    return runBenchmark(target, 0, repeat, parser.values(itemsOption));
}
