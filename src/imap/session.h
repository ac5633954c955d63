// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "imap/command.h"
#include "imap/parser.h"
#include "imap/response.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QString>

#include <memory>

class QSslSocket;
class QTimer;

namespace Heron::Imap {

class Job;
class Compressor;

enum class Security {
    ImplicitTls,  // TLS from the first byte (port 993); the default
    StartTls,     // plain connect, STARTTLS required before anything else; failure aborts
    None,         // no TLS at all; credentials only to a loopback host with allowCleartextOnLoopback
};

// A user's exception for one certificate: exactly (host, port, SHA-256 of the leaf public key).
struct CertificatePin {
    QString host;
    quint16 port = 0;
    QByteArray publicKeySha256;
    bool operator==(const CertificatePin &) const = default;
};

struct SessionSettings {
    QString host;
    quint16 port = 993;
    Security security = Security::ImplicitTls;
    // Clear-text credentials are refused unless the host is loopback and this is set.
    bool allowCleartextOnLoopback = false;
    QList<CertificatePin> pins;
    // Extra CA certificates to trust (tests use the fixture's generated CA).
    QList<QSslCertificate> extraCaCertificates;
    int connectTimeoutMs = 30000;
    int commandTimeoutMs = 60000;  // no byte from the server for this long while a command waits
    ParserLimits limits;
};

// Byte and round-trip counters, for benchmarks and the sync summary.
struct SessionStats {
    quint64 bytesIn = 0;    // on the wire (compressed when COMPRESS is on)
    quint64 bytesOut = 0;
    quint64 commands = 0;   // tagged commands sent
    quint64 roundTrips = 0; // times we had to wait for the server with nothing left to send
};

// One IMAP connection over QSslSocket: transport, TLS and STARTTLS, greeting, capabilities,
// tagging, pipelining, synchronizing literals, COMPRESS=DEFLATE, timeouts, wire log. It routes
// untagged responses to the jobs in flight and tagged ones to their owner. Every error path tears
// the connection down and fails every job in flight. Fully asynchronous; never blocks.
class Session : public QObject {
    Q_OBJECT

public:
    enum class State { Disconnected, Connecting, NotAuthenticated, Authenticated, Selected, LoggingOut };
    Q_ENUM(State)

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    void setSettings(const SessionSettings &settings);
    const SessionSettings &settings() const { return m_settings; }

    // Connects, reads the greeting, does STARTTLS when required and reads CAPABILITY (again after
    // TLS). Emits opened() once ready for a LoginJob (or in Authenticated state after PREAUTH on an
    // encrypted connection), or closed(error).
    void open();
    // LOGOUT, then close; emits closed() without error.
    void logout();
    // Tears the connection down at once, failing every job in flight with error.
    void abort(const Error &error);

    State state() const { return m_state; }
    bool isEncrypted() const;
    // True when credentials may be sent on this connection (TLS, or loopback with the setting).
    bool mayUseCredentials() const;

    const Strings &capabilities() const { return m_capabilities; }
    bool hasCapability(QByteArrayView capability) const;  // case-insensitive; "AUTH=PLAIN" works
    const Strings &enabledCapabilities() const { return m_enabled; }
    QByteArray selectedMailbox() const { return m_selectedMailbox; }
    const SessionStats &stats() const { return m_stats; }
    QSslCertificate peerCertificate() const;

    // --- used by jobs ---
    // Tags the command and writes it at once (pipelining), or queues it: behind a synchronizing
    // literal waiting for "+", and around the exclusive commands STARTTLS, COMPRESS, IDLE and
    // AUTHENTICATE, which wait for every earlier command to complete and hold back every later one
    // until their own tagged response. Returns the tag; empty when the session is not open.
    QByteArray send(Job *job, const Command &command);
    // Writes a bare line at once, never queued (DONE, an AUTHENTICATE response); CRLF is added.
    void sendLine(Job *job, const QByteArray &line, bool sensitive);
    void setCapabilities(const Strings &capabilities);
    void addEnabled(const Strings &capabilities);
    void setState(State state);
    void setSelectedMailbox(const QByteArray &mailbox);
    // Switches the stream to DEFLATE both ways after "COMPRESS DEFLATE" got OK (RFC 4978).
    void startCompression();
    // Puts a job into the "waiting for continuation" position (IDLE, AUTHENTICATE).
    void suspendTimeout(Job *job, bool suspended);

Q_SIGNALS:
    void opened();
    void closed(const Heron::Error &error);  // error.code == None for a clean logout
    void stateChanged(Heron::Imap::Session::State state);
    // Untagged data no job claimed (EXISTS, EXPUNGE, FETCH pushed during IDLE, ...).
    void unsolicited(const Heron::Imap::Response &response);
    // An [ALERT] the user must see (RFC 3501 §7.1); never raised for pre-TLS data.
    void alertReceived(const QString &text);
    // The certificate failed verification and no pin matched; the connection is already closed.
    // The GUI may offer an exception and retry with a pin for (host, port, leaf key).
    void certificateRejected(const QString &host, quint16 port, const QList<QSslCertificate> &chain,
                             const QList<QSslError> &errors);

private:
    class Private;
    std::unique_ptr<Private> d;
    friend class Private;

    SessionSettings m_settings;
    State m_state = State::Disconnected;
    Strings m_capabilities;
    Strings m_enabled;
    QByteArray m_selectedMailbox;
    SessionStats m_stats;
};

// SHA-256 of a certificate's public key (SubjectPublicKeyInfo DER), as stored in CertificatePin.
QByteArray publicKeySha256(const QSslCertificate &certificate);

}  // namespace Heron::Imap
