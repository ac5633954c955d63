// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/rawfetch.h"

#include "common/benchreport.h"
#include "common/rawreader.h"

#include <QElapsedTimer>
#include <QSslConfiguration>
#include <QSslSocket>

#include <algorithm>
#include <ctime>

namespace Heron::Bench {

namespace {

constexpr int kTimeoutMs = 10 * 60 * 1000;
constexpr qsizetype kBufferSize = 64 << 10;

QByteArray redacted(const QByteArray &command)
{
    return command.startsWith("LOGIN ") ? QByteArrayLiteral("LOGIN <redacted>") : command;
}

}  // namespace

RawConnection::RawConnection() : m_buffer(std::make_unique<char[]>(kBufferSize)) {}

RawConnection::~RawConnection() = default;

bool RawConnection::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool RawConnection::open(const RawTarget &target)
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

std::optional<qint64> RawConnection::run(const QByteArray &command, qint64 *untagged)
{
    const QByteArray tag = "r" + QByteArray::number(++m_tagCounter);
    m_socket->write(tag + ' ' + command + "\r\n");
    RawResponseScanner scanner(tag);
    qint64 bytes = 0;
    while (true) {
        if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(kTimeoutMs)) {
            fail(QStringLiteral("reading the response to %1 failed: %2")
                         .arg(QString::fromUtf8(redacted(command)), m_socket->errorString()));
            return std::nullopt;
        }
        const qint64 read = m_socket->read(m_buffer.get(), kBufferSize);
        if (read < 0) {
            fail(m_socket->errorString());
            return std::nullopt;
        }
        bytes += read;
        const auto state = scanner.scan(m_buffer.get(), read);
        if (state == RawResponseScanner::State::More)
            continue;
        if (untagged)
            *untagged = scanner.untaggedResponses();
        if (state != RawResponseScanner::State::TaggedOk) {
            fail(QStringLiteral("%1 failed: %2")
                         .arg(QString::fromUtf8(redacted(command)), QString::fromUtf8(scanner.taggedLine())));
            return std::nullopt;
        }
        return bytes;
    }
}

void RawConnection::close()
{
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        run("LOGOUT");
        m_socket->disconnectFromHost();
    }
}

QByteArray quotedString(const QString &text)
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

std::optional<RawFetchResult> measureRawFetch(const RawTarget &target, const RawFetchOptions &options, QString *error)
{
    const auto failed = [error](const QString &message) -> std::optional<RawFetchResult> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    RawConnection connection;
    if (!connection.open(target))
        return failed(connection.errorString());
    if (!connection.run("LOGIN " + quotedString(target.user) + ' ' + quotedString(target.password)))
        return failed(connection.errorString());
    if (!connection.run("SELECT " + quotedString(target.folder)))
        return failed(connection.errorString());

    RawFetchResult result;
    const QByteArray fetch = "UID FETCH 1:* " + options.items;
    if (options.warmUp) {
        QElapsedTimer warmTimer;
        warmTimer.start();
        if (!connection.run(fetch))
            return failed(connection.errorString());
        result.warmupSeconds = double(warmTimer.nsecsElapsed()) / 1e9;
    }

    QList<double> cpuSamples;  // this process only: shows the reader is not what limits the rate
    for (int run = 0; run < std::max(1, options.repeat); ++run) {
        QElapsedTimer timer;
        const double cpuStart = processCpuSeconds();
        timer.start();
        const auto read = connection.run(fetch, &result.messages);
        result.samples.append(double(timer.nsecsElapsed()) / 1e9);
        cpuSamples.append(processCpuSeconds() - cpuStart);
        if (!read)
            return failed(connection.errorString());
        result.bytes = *read;
    }
    result.seconds = median(result.samples);
    result.cpuSeconds = median(cpuSamples);
    connection.close();
    return result;
}

void printRawFetch(const char *prefix, const RawFetchResult &result)
{
    const auto name = [prefix](const char *figure) { return QByteArray(prefix) + '.' + figure; };
    if (result.warmupSeconds >= 0)
        printFigure(name("warmup_seconds").constData(), result.warmupSeconds, "s");
    printFigure(name("messages").constData(), result.messages, "msg");
    printFigure(name("seconds").constData(), result.seconds, "s");
    printFigure(name("bytes").constData(), result.bytes, "B");
    printFigure(name("rate").constData(), double(result.bytes) / result.seconds / 1e6, "MB/s");
    printFigure(name("message_rate").constData(), double(result.messages) / result.seconds, "msg/s");
    printFigure(name("client_cpu_seconds").constData(), result.cpuSeconds, "s");
}

}  // namespace Heron::Bench
