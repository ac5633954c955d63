// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>

#include <memory>
#include <optional>

class QSslSocket;

namespace Heron::Bench {

// Where the raw reader connects.
struct RawTarget {
    QString host;
    quint16 port = 143;
    bool tls = false;
    QList<QSslCertificate> caCertificates;  // empty: the system's
    QString user;
    QString password;
    QString folder = QStringLiteral("INBOX");
};

// One blocking IMAP connection that understands nothing but where a tagged response ends: the
// least work a client can do, so that what it measures is the server and the wire.
class RawConnection {
public:
    RawConnection();
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    // Connects and reads the greeting.
    bool open(const RawTarget &target);
    // Sends one command and reads up to its tagged response; the bytes read, or nullopt.
    // untagged, when given, receives the number of untagged responses.
    std::optional<qint64> run(const QByteArray &command, qint64 *untagged = nullptr);
    // LOGOUT, then disconnects.
    void close();

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &message);

    std::unique_ptr<QSslSocket> m_socket;
    int m_tagCounter = 0;
    QString m_error;
    std::unique_ptr<char[]> m_buffer;
};

// A quoted string (RFC 3501 §4.3), escaping " and \.
QByteArray quotedString(const QString &text);

// CPU seconds this process has used so far.
double processCpuSeconds();

// What the B1 baseline fetches: the metadata a client needs for a message list.
inline constexpr const char *kRawFetchItems = "(UID FLAGS ENVELOPE BODYSTRUCTURE RFC822.SIZE INTERNALDATE)";

struct RawFetchOptions {
    int repeat = 3;  // timed fetches; the median is reported
    // One untimed fetch first: Dovecot builds its cache on the first ENVELOPE/BODYSTRUCTURE
    // fetch of a fresh maildir (DOVECOT.md), which is not what a client's fetch costs.
    bool warmUp = true;
    QByteArray items = kRawFetchItems;
};

struct RawFetchResult {
    qint64 messages = 0;        // untagged responses to the last timed fetch
    qint64 bytes = 0;           // received by the last timed fetch
    double seconds = 0;         // median of the timed fetches
    double cpuSeconds = 0;      // median CPU time of this process during a fetch
    double warmupSeconds = -1;  // -1 without warm-up
    QList<double> samples;
};

// Logs in, selects target.folder and times "UID FETCH 1:* items" (the FETCH alone).
std::optional<RawFetchResult> measureRawFetch(const RawTarget &target, const RawFetchOptions &options, QString *error);

// Prints prefix.warmup_seconds (when warmed up), .messages, .seconds, .bytes, .rate, .message_rate
// and .client_cpu_seconds.
void printRawFetch(const char *prefix, const RawFetchResult &result);

}  // namespace Heron::Bench
