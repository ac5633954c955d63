// SPDX-License-Identifier: GPL-3.0-or-later
// B1 baseline (QUALITY.md): the fastest a client can take in a folder's metadata. Logs in,
// selects the folder and streams "UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE
// INTERNALDATE)" to nowhere, timing the FETCH alone.
//
//   bench_raw_fetch --host H --port P --user U --password W [--folder F] [--tls] [--ca FILE]
//   bench_raw_fetch --fixture N [--tls]    (private Dovecot with N generated messages)
//   --repeat R times the FETCH R times and prints the median.

#include "common/benchreport.h"
#include "raw_fetch/rawreader.h"

#ifdef HERON_BENCH_HAVE_FIXTURE
#include "support/dovecotfixture.h"
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>

using namespace Heron;

namespace {

constexpr int kTimeoutMs = 10 * 60 * 1000;
constexpr quint32 kCorpusSeed = 20240717;

struct Target {
    QString host;
    quint16 port = 143;
    bool tls = false;
    QList<QSslCertificate> caCertificates;  // empty: the system's
    QString user;
    QString password;
    QString folder = QStringLiteral("INBOX");
};

// One blocking IMAP connection that understands nothing but where a tagged response ends.
class RawConnection {
public:
    bool open(const Target &target)
    {
        m_socket = std::make_unique<QSslSocket>();
        if (target.tls) {
            if (!target.caCertificates.isEmpty()) {
                QSslConfiguration configuration = m_socket->sslConfiguration();
                configuration.setCaCertificates(target.caCertificates);
                m_socket->setSslConfiguration(configuration);
            }
            m_socket->connectToHostEncrypted(target.host, target.port);
            if (!m_socket->waitForEncrypted(kTimeoutMs))
                return fail(QStringLiteral("TLS connection failed: ") + m_socket->errorString());
        } else {
            m_socket->connectToHost(target.host, target.port);
            if (!m_socket->waitForConnected(kTimeoutMs))
                return fail(QStringLiteral("connection failed: ") + m_socket->errorString());
        }
        while (!m_socket->canReadLine()) {
            if (!m_socket->waitForReadyRead(kTimeoutMs))
                return fail(QStringLiteral("no greeting: ") + m_socket->errorString());
        }
        const QByteArray greeting = m_socket->readLine();
        if (!greeting.startsWith("* OK"))
            return fail(QStringLiteral("unexpected greeting: ") + QString::fromUtf8(greeting.trimmed()));
        return true;
    }

    // Sends one command and reads up to its tagged response; the bytes read, or nullopt.
    std::optional<qint64> run(const QByteArray &command, qint64 *untagged = nullptr)
    {
        const QByteArray tag = "r" + QByteArray::number(++m_tagCounter);
        m_socket->write(tag + ' ' + command + "\r\n");
        Bench::RawResponseScanner scanner(tag);
        qint64 bytes = 0;
        while (true) {
            if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(kTimeoutMs)) {
                fail(QStringLiteral("reading the response to %1 failed: %2")
                         .arg(QString::fromUtf8(redacted(command)), m_socket->errorString()));
                return std::nullopt;
            }
            const qint64 read = m_socket->read(m_buffer, sizeof m_buffer);
            if (read < 0) {
                fail(m_socket->errorString());
                return std::nullopt;
            }
            bytes += read;
            const auto state = scanner.scan(m_buffer, read);
            if (state == Bench::RawResponseScanner::State::More)
                continue;
            if (untagged)
                *untagged = scanner.untaggedResponses();
            if (state != Bench::RawResponseScanner::State::TaggedOk) {
                fail(QStringLiteral("%1 failed: %2")
                         .arg(QString::fromUtf8(redacted(command)), QString::fromUtf8(scanner.taggedLine())));
                return std::nullopt;
            }
            return bytes;
        }
    }

    void close()
    {
        if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
            run("LOGOUT");
            m_socket->disconnectFromHost();
        }
    }

    QString errorString() const { return m_error; }

private:
    static QByteArray redacted(const QByteArray &command)
    {
        return command.startsWith("LOGIN ") ? QByteArrayLiteral("LOGIN <redacted>") : command;
    }

    bool fail(const QString &message)
    {
        m_error = message;
        return false;
    }

    std::unique_ptr<QSslSocket> m_socket;
    int m_tagCounter = 0;
    QString m_error;
    char m_buffer[64 << 10];
};

QByteArray quoted(const QString &text)
{
    QByteArray out = "\"";
    for (char c : text.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

double processCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "bench_raw_fetch: %s\n", qPrintable(message));
    return 1;
}

int runBenchmark(const Target &target, qint64 expectedMessages, int repeat)
{
    auto connection = std::make_unique<RawConnection>();
    if (!connection->open(target))
        return fail(connection->errorString());
    if (!connection->run("LOGIN " + quoted(target.user) + ' ' + quoted(target.password)))
        return fail(connection->errorString());
    if (!connection->run("SELECT " + quoted(target.folder)))
        return fail(connection->errorString());

    const QByteArray fetch = "UID FETCH 1:* (UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE INTERNALDATE)";
    if (expectedMessages > 0) {
        // Dovecot builds its cache on the first ENVELOPE/BODYSTRUCTURE fetch (DOVECOT.md).
        QElapsedTimer warmTimer;
        warmTimer.start();
        if (!connection->run(fetch))
            return fail(connection->errorString());
        Bench::printFigure("raw_fetch.warmup_seconds", double(warmTimer.nsecsElapsed()) / 1e9, "s");
    }

    qint64 responses = 0;
    qint64 bytes = 0;
    QList<double> samples;
    QList<double> cpuSamples;  // this process only: shows the reader is not what limits the rate
    for (int run = 0; run < repeat; ++run) {
        QElapsedTimer timer;
        const double cpuStart = processCpuSeconds();
        timer.start();
        const auto read = connection->run(fetch, &responses);
        samples.append(double(timer.nsecsElapsed()) / 1e9);
        cpuSamples.append(processCpuSeconds() - cpuStart);
        if (!read)
            return fail(connection->errorString());
        bytes = *read;
    }
    const double seconds = Bench::median(samples);
    connection->close();

    Bench::printFigure("raw_fetch.messages", responses, "msg");
    Bench::printFigure("raw_fetch.seconds", seconds, "s");
    Bench::printFigure("raw_fetch.bytes", bytes, "B");
    Bench::printFigure("raw_fetch.rate", double(bytes) / seconds / 1e6, "MB/s");
    Bench::printFigure("raw_fetch.message_rate", double(responses) / seconds, "msg/s");
    Bench::printFigure("raw_fetch.client_cpu_seconds", Bench::median(cpuSamples), "s");
    if (expectedMessages > 0 && responses < expectedMessages)
        return fail(QStringLiteral("%1 FETCH responses, expected %2").arg(responses).arg(expectedMessages));
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
    parser.addOptions({hostOption, portOption, userOption, passwordOption, folderOption, tlsOption, caOption,
                       repeatOption, fixtureOption});
    parser.process(app);

    Target target;
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
        constexpr int kBatch = 5000;
        for (int first = 0; first < count; first += kBatch) {
            QList<QByteArray> messages;
            for (int index = first; index < std::min(count, first + kBatch); ++index)
                messages.append(Test::DovecotFixture::generateMessage(index, kCorpusSeed));
            const auto delivered = fixture.deliverMany(user, target.folder, messages);
            if (!delivered)
                return fail(QStringLiteral("delivery failed: ") + delivered.error().message);
        }
        Bench::printFigure("raw_fetch.delivery_seconds", double(deliveryTimer.nsecsElapsed()) / 1e9, "s");

        target.host = fixture.host();
        target.port = target.tls ? fixture.imapsPort() : fixture.imapPort();
        target.caCertificates = {fixture.caCertificate()};
        target.user = user;
        target.password = fixture.password(user);
        return runBenchmark(target, count, repeat);
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
    return runBenchmark(target, 0, repeat);
}
