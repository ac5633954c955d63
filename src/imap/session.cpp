// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/session.h"

#include "core/logging.h"
#include "imap/compressor.h"
#include "imap/idlejob.h"
#include "imap/job.h"
#include "imap/wirelog.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QPointer>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

#include <atomic>

namespace Heron::Imap {

namespace {

constexpr qint64 kReadChunk = 16 * 1024;

std::atomic<int> s_connectionCounter{0};

bool containsCapability(const Strings &capabilities, QByteArrayView capability)
{
    for (const QByteArray &c : capabilities) {
        if (QByteArrayView(c).compare(capability, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Commands after which nothing else may be sent until their tagged response: the stream changes
// (STARTTLS, COMPRESS: RFC 3501 §6.2.1, RFC 4978 §3), or the server reads the next line as a
// continuation (IDLE: RFC 2177; AUTHENTICATE: RFC 3501 §6.2.2).
bool isExclusive(const QByteArray &name)
{
    return name == "STARTTLS" || name == "COMPRESS" || name == "IDLE" || name == "AUTHENTICATE";
}

bool expectsContinuation(const QByteArray &name)
{
    return name == "IDLE" || name == "AUTHENTICATE";
}

// Verification failures a user's pin of exactly this leaf key may override. Anything else (no
// certificate at all, a revoked or blacklisted one, a protocol failure) is never overridden.
bool isPinnable(QSslError::SslError error)
{
    switch (error) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
    case QSslError::CertificateNotYetValid:
    case QSslError::CertificateExpired:
    case QSslError::HostNameMismatch:
    case QSslError::InvalidCaCertificate:
    case QSslError::PathLengthExceeded:
        return true;
    default:
        return false;
    }
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(ms / 1000.0, 'f', 1);
}

}  // namespace

QByteArray publicKeySha256(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    // A key Qt cannot read (Ed25519, for one) comes out empty; the hash of nothing would be shared by
    // every such certificate, so there is nothing to pin.
    const QByteArray key = certificate.publicKey().toDer();
    if (key.isEmpty())
        return {};
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256);
}

// The connection's machinery. Session keeps the state jobs read; Private owns the socket, the
// parser and the queues.
class Session::Private {
public:
    // Where the connection is in its opening sequence.
    enum class Phase {
        Closed,
        Connecting,        // TCP connect (and TLS handshake for implicit TLS)
        Greeting,          // waiting for "* OK" / "* PREAUTH" / "* BYE"
        PreTlsCapability,  // STARTTLS: the greeting had no capabilities, asking for them
        StartTls,          // STARTTLS sent; nothing else goes out until TLS is up
        TlsHandshake,      // STARTTLS accepted, handshake running
        Capability,        // reading capabilities before opened()
        Ready,
        LoggingOut,
    };

    // Commands the session sends itself.
    enum class Internal { None, Capability, StartTls, Logout };

    struct InFlight {
        QByteArray tag;
        QPointer<Job> job;
        Internal internal = Internal::None;
        bool exclusive = false;
        bool continuation = false;
        bool written = false;
    };

    struct Outgoing {
        QByteArray tag;
        QList<QByteArray> chunks;
        qsizetype next = 0;
        bool exclusive = false;
        QByteArray description;
    };

    explicit Private(Session *session)
        : q(session)
    {
        commandTimer.setSingleShot(true);
        connectTimer.setSingleShot(true);
        QObject::connect(&commandTimer, &QTimer::timeout, q, [this] { onCommandTimeout(); });
        QObject::connect(&connectTimer, &QTimer::timeout, q, [this] { onConnectTimeout(); });
    }

    Session *q;
    QSslSocket *socket = nullptr;
    Parser parser;
    QTimer commandTimer;
    QTimer connectTimer;
    std::unique_ptr<Compressor> compressor;
    WireLog wireLog;
    Phase phase = Phase::Closed;
    int tagCounter = 0;
    QList<InFlight> inFlight;
    QList<Outgoing> queue;
    bool awaitingLiteralContinuation = false;
    QByteArray exclusiveTag;  // an exclusive command on the wire, awaiting its tagged response
    QList<QPointer<Job>> suspended;
    bool byeReceived = false;
    QByteArray byeText;
    // False for everything before STARTTLS completes: such data is never shown nor kept.
    bool trusted = false;
    bool preauth = false;
    Strings preTlsCapabilities;
    // The (decompressed) chunk being parsed, to recover the bytes after "COMPRESS" OK.
    QByteArray currentChunk;
    // What the socket is read into: one buffer for the whole connection, not an allocation per
    // read (a big FETCH is thousands of reads).
    QByteArray readBuffer;
    bool inflatePending = false;
    QByteArray leftoverToInflate;
    QSslCertificate peerCertificate;
    bool certificateRejected = false;
    bool keyChanged = false;
    QList<QSslCertificate> rejectedChain;
    QList<QSslError> rejectedErrors;

    void open();
    void abort(const Error &error, bool clean = false);
    void teardownSocket(bool graceful);

    void onConnected();
    void onEncrypted();
    void onSslErrors(const QList<QSslError> &errors);
    void onSocketError(QAbstractSocket::SocketError error);
    void onDisconnected();
    void onReadyRead();
    void onCommandTimeout();
    void onConnectTimeout();

    void feed(QByteArray data);
    void drain();
    void handleResponse(Response &&response);
    void handleGreeting(const Response &response);
    void handleUntagged(Response &&response);
    void handleTagged(const StatusResponse &response);
    void handleInternal(Internal kind, const StatusResponse &response);
    void handleContinuation(const ContinuationRequest &request);
    void finishOpening();
    void startTls();

    QByteArray nextTag() { return 'A' + QByteArray::number(++tagCounter).rightJustified(4, '0'); }
    QByteArray enqueue(Job *job, const Command &command, Internal internal);
    void flushQueue();
    void writeRaw(const QByteArray &bytes);
    void updateTimer();
    LiteralSupport literalSupport() const;
    void maybeEmitAlert(const StatusResponse &response);
    QString hostDescription() const;
};

// ---------------------------------------------------------------------------------------------
// Opening and closing

void Session::Private::open()
{
    const SessionSettings &settings = q->m_settings;
    wireLog = WireLog(++s_connectionCounter);
    parser = Parser(settings.limits);
    compressor.reset();
    currentChunk.clear();
    inflatePending = false;
    leftoverToInflate.clear();
    tagCounter = 0;
    inFlight.clear();
    queue.clear();
    suspended.clear();
    awaitingLiteralContinuation = false;
    exclusiveTag.clear();
    byeReceived = false;
    byeText.clear();
    trusted = settings.security != Security::StartTls;
    preauth = false;
    preTlsCapabilities.clear();
    certificateRejected = false;
    keyChanged = false;
    rejectedChain.clear();
    rejectedErrors.clear();
    peerCertificate = QSslCertificate();
    q->m_capabilities.clear();
    q->m_enabled.clear();
    q->m_selectedMailbox.clear();
    q->m_stats = SessionStats{};

    socket = new QSslSocket(q);
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!settings.extraCaCertificates.isEmpty()) {
        // Setting any CA list turns off loading the system's on demand: add them explicitly.
        // Reading the system store takes a noticeable time: once per process is enough.
        static const QList<QSslCertificate> systemCertificates = QSslConfiguration::systemCaCertificates();
        configuration.setCaCertificates(systemCertificates + settings.extraCaCertificates);
    }
    socket->setSslConfiguration(configuration);
    socket->setPeerVerifyName(settings.host);

    QObject::connect(socket, &QSslSocket::connected, q, [this] { onConnected(); });
    QObject::connect(socket, &QSslSocket::encrypted, q, [this] { onEncrypted(); });
    QObject::connect(socket, &QSslSocket::sslErrors, q, [this](const QList<QSslError> &errors) { onSslErrors(errors); });
    QObject::connect(socket, &QSslSocket::errorOccurred, q,
                     [this](QAbstractSocket::SocketError error) { onSocketError(error); });
    QObject::connect(socket, &QSslSocket::disconnected, q, [this] { onDisconnected(); });
    QObject::connect(socket, &QSslSocket::readyRead, q, [this] { onReadyRead(); });

    phase = Phase::Connecting;
    q->setState(State::Connecting);
    connectTimer.start(settings.connectTimeoutMs);
    wireLog.note("connecting to " + settings.host.toUtf8() + ':' + QByteArray::number(settings.port));
    if (settings.security == Security::ImplicitTls)
        socket->connectToHostEncrypted(settings.host, settings.port);
    else
        socket->connectToHost(settings.host, settings.port);
}

void Session::Private::teardownSocket(bool graceful)
{
    commandTimer.stop();
    connectTimer.stop();
    if (!socket)
        return;
    QSslSocket *old = socket;
    socket = nullptr;
    QObject::disconnect(old, nullptr, q, nullptr);
    if (graceful)
        old->disconnectFromHost();
    else
        old->abort();
    // We may be inside one of the socket's signals, and a slot may delete the session next: the socket
    // must not go with it (as a child) before its signal returns.
    old->setParent(nullptr);
    old->deleteLater();
}

void Session::Private::abort(const Error &error, bool clean)
{
    if (phase == Phase::Closed)
        return;
    phase = Phase::Closed;
    if (clean)
        wireLog.note("closed");
    else
        wireLog.note("aborted: " + error.message.toUtf8());
    if (!clean)
        qCInfo(lcImap) << "Connection to" << q->m_settings.host << "closed:" << error.message;
    teardownSocket(clean);
    compressor.reset();
    queue.clear();
    awaitingLiteralContinuation = false;
    exclusiveTag.clear();
    suspended.clear();
    const QList<InFlight> lost = std::exchange(inFlight, {});

    QPointer<Session> guard(q);
    q->m_selectedMailbox.clear();
    q->setState(State::Disconnected);
    if (!guard)
        return;

    const Error jobError = clean ? makeError(Error::Code::Cancelled, tr("The connection was closed."))
                                 : error;
    QList<Job *> failed;
    for (const InFlight &entry : lost) {
        Job *job = entry.job.data();
        if (!job || failed.contains(job))
            continue;
        failed.append(job);
        job->sessionLost(jobError);
        if (!guard)
            return;
    }
    Q_EMIT q->closed(clean ? Error{} : error);
}

QString Session::Private::hostDescription() const
{
    return q->m_settings.host;
}

void Session::Private::onConnected()
{
    if (q->m_settings.security == Security::ImplicitTls)
        return;  // wait for encrypted()
    wireLog.note("connected");
    phase = Phase::Greeting;
}

void Session::Private::onEncrypted()
{
    if (!socket)
        return;
    peerCertificate = socket->peerCertificate();
    wireLog.note("TLS established (" + socket->sessionCipher().name().toUtf8() + ')');
    if (phase == Phase::TlsHandshake) {
        // RFC 3501 §6.2.1 / RFC 8314 §4: forget everything learnt before TLS and ask again.
        connectTimer.stop();
        trusted = true;
        parser.reset();
        wireLog.reset();
        preTlsCapabilities.clear();
        q->m_capabilities.clear();
        phase = Phase::Capability;
        enqueue(nullptr, Command(QByteArrayLiteral("CAPABILITY")), Internal::Capability);
        return;
    }
    phase = Phase::Greeting;
}

void Session::Private::onSslErrors(const QList<QSslError> &errors)
{
    if (!socket)
        return;
    const SessionSettings &settings = q->m_settings;
    const QSslCertificate leaf = socket->peerCertificate();
    const QByteArray key = publicKeySha256(leaf);
    bool pinned = false;
    for (const CertificatePin &pin : settings.pins) {
        if (pin.host.compare(settings.host, Qt::CaseInsensitive) == 0 && pin.port == settings.port && !key.isEmpty()
            && pin.publicKeySha256 == key) {
            pinned = true;
            break;
        }
    }
    bool pinnable = !errors.isEmpty();
    for (const QSslError &error : errors)
        pinnable = pinnable && isPinnable(error.error());
    if (pinned && pinnable) {
        wireLog.note("certificate accepted by the user's exception for this host, port and key");
        socket->ignoreSslErrors(errors);
        return;
    }
    // The handshake fails once this returns; onSocketError reports it.
    for (const CertificatePin &pin : settings.pins) {
        if (pin.host.compare(settings.host, Qt::CaseInsensitive) == 0 && pin.port == settings.port && !pinned) {
            keyChanged = true;  // an exception exists for this server, but for another key
            break;
        }
    }
    certificateRejected = true;
    rejectedChain = socket->peerCertificateChain();
    rejectedErrors = errors;
}

void Session::Private::onSocketError(QAbstractSocket::SocketError error)
{
    if (phase == Phase::Closed || !socket)
        return;
    const QString host = hostDescription();
    const quint16 port = q->m_settings.port;
    if (certificateRejected || error == QAbstractSocket::SslHandshakeFailedError) {
        QStringList reasons;
        for (const QSslError &e : std::as_const(rejectedErrors))
            reasons.append(e.errorString());
        QString detail = reasons.isEmpty() ? socket->errorString() : reasons.join(QStringLiteral("; "));
        if (keyChanged)
            detail = tr("the certificate changed since it was accepted (%1)").arg(detail);
        const Error tlsError = makeError(Error::Code::Tls, tr("The secure connection to %1 could not be established: %2")
                                                               .arg(host, detail));
        if (certificateRejected) {
            QPointer<Session> guard(q);
            const QList<QSslCertificate> chain = rejectedChain;
            const QList<QSslError> errors = rejectedErrors;
            teardownSocket(false);
            Q_EMIT q->certificateRejected(host, port, chain, errors);
            if (!guard)
                return;
        }
        abort(tlsError);
        return;
    }
    switch (error) {
    case QAbstractSocket::RemoteHostClosedError:
        onDisconnected();
        return;
    case QAbstractSocket::HostNotFoundError:
        abort(makeError(Error::Code::Network, tr("The server %1 could not be found.").arg(host)));
        return;
    case QAbstractSocket::ConnectionRefusedError:
        abort(makeError(Error::Code::Network, tr("%1 refused the connection on port %2.").arg(host).arg(port)));
        return;
    default:
        break;
    }
    abort(makeError(Error::Code::Network, tr("The connection to %1 failed: %2").arg(host, socket->errorString())));
}

void Session::Private::onDisconnected()
{
    if (phase == Phase::Closed)
        return;
    // Anything still buffered (a BYE right before the close) is read first.
    if (socket && socket->bytesAvailable() > 0) {
        QPointer<Session> guard(q);
        onReadyRead();
        if (!guard || phase == Phase::Closed)
            return;
    }
    if (phase == Phase::LoggingOut) {
        abort(Error{}, true);
        return;
    }
    if (byeReceived) {
        const QString text = QString::fromUtf8(byeText).trimmed();
        abort(makeError(Error::Code::ServerBye, text.isEmpty() ? tr("The server closed the connection.")
                                                               : tr("The server closed the connection: %1").arg(text)));
        return;
    }
    abort(makeError(Error::Code::Network, tr("The connection to %1 was lost.").arg(hostDescription())));
}

void Session::Private::onConnectTimeout()
{
    abort(makeError(Error::Code::Timeout, tr("The server %1 did not answer within %2 seconds.")
                                              .arg(hostDescription(), seconds(q->m_settings.connectTimeoutMs))));
}

void Session::Private::onCommandTimeout()
{
    if (phase == Phase::LoggingOut) {
        abort(Error{}, true);
        return;
    }
    abort(makeError(Error::Code::Timeout,
                    tr("The server did not answer for %1 seconds.").arg(seconds(q->m_settings.commandTimeoutMs))));
}

// ---------------------------------------------------------------------------------------------
// Reading

void Session::Private::onReadyRead()
{
    QPointer<Session> guard(q);
    while (guard && socket && phase != Phase::Closed && socket->bytesAvailable() > 0) {
        if (phase == Phase::TlsHandshake) {
            // Plain bytes after the STARTTLS OK and before TLS: an injection attempt (RFC 3501 §6.2.1).
            abort(makeError(Error::Code::Security, tr("The server sent data after accepting STARTTLS; the "
                                                      "connection was closed to prevent a STARTTLS injection.")));
            return;
        }
        // The previous chunk is parsed; releasing it leaves readBuffer unshared, filled in place.
        currentChunk.clear();
        readBuffer.resize(kReadChunk);
        const qint64 got = socket->read(readBuffer.data(), kReadChunk);
        if (got <= 0)
            break;
        readBuffer.resize(got);
        QByteArray chunk = readBuffer;
        q->m_stats.bytesIn += quint64(chunk.size());
        if (commandTimer.isActive())
            commandTimer.start();
        if (compressor) {
            Result<QByteArray> inflated = compressor->decompress(chunk);
            if (!inflated) {
                abort(inflated.error());
                return;
            }
            chunk = std::move(inflated).value();
        }
        feed(std::move(chunk));
    }
}

void Session::Private::feed(QByteArray data)
{
    wireLog.received(data);
    parser.append(data);
    currentChunk = std::move(data);
    drain();
}

void Session::Private::drain()
{
    QPointer<Session> guard(q);
    while (guard && phase != Phase::Closed) {
        if (inflatePending) {
            // COMPRESS was accepted in the middle of a chunk: the rest of it is already deflated.
            inflatePending = false;
            const QByteArray raw = std::exchange(leftoverToInflate, {});
            if (!raw.isEmpty()) {
                Result<QByteArray> inflated = compressor->decompress(raw);
                if (!inflated) {
                    abort(inflated.error());
                    return;
                }
                currentChunk = std::move(inflated).value();
                wireLog.received(currentChunk);
                parser.append(currentChunk);
            }
        }
        std::optional<Result<Response>> next = parser.takeResponse();
        if (!next)
            return;
        if (!next->ok()) {
            abort(next->error());
            return;
        }
        handleResponse(std::move(*next).value());
    }
}

void Session::Private::handleResponse(Response &&response)
{
    switch (phase) {
    case Phase::Closed:
        return;
    case Phase::Connecting:
    case Phase::Greeting:
        handleGreeting(response);
        return;
    case Phase::TlsHandshake:
        abort(makeError(Error::Code::Security, tr("The server sent data after accepting STARTTLS; the connection "
                                                  "was closed to prevent a STARTTLS injection.")));
        return;
    default:
        break;
    }
    if (auto *continuation = std::get_if<ContinuationRequest>(&response)) {
        handleContinuation(*continuation);
        return;
    }
    if (auto *status = std::get_if<StatusResponse>(&response); status && status->isTagged()) {
        handleTagged(*status);
        return;
    }
    handleUntagged(std::move(response));
}

void Session::Private::handleGreeting(const Response &response)
{
    const auto *status = std::get_if<StatusResponse>(&response);
    if (!status || status->isTagged()
        || (status->status != StatusResponse::Status::Ok && status->status != StatusResponse::Status::Preauth
            && status->status != StatusResponse::Status::Bye)) {
        abort(makeError(Error::Code::Protocol, tr("%1 does not greet like an IMAP server.").arg(hostDescription())));
        return;
    }
    connectTimer.stop();
    const Security security = q->m_settings.security;
    if (status->status == StatusResponse::Status::Bye) {
        const QString text = QString::fromUtf8(status->text).trimmed();
        abort(makeError(Error::Code::ServerBye, tr("The server refused the connection: %1").arg(text)));
        return;
    }
    if (status->status == StatusResponse::Status::Preauth && security == Security::StartTls) {
        // RFC 3501 §6.2.1 / RFC 8314: a PREAUTH greeting cannot be upgraded to TLS; an attacker may send it.
        abort(makeError(Error::Code::Security, tr("The server skipped authentication (PREAUTH) on a connection "
                                                  "that must be encrypted; the connection was closed.")));
        return;
    }
    QPointer<Session> guard(q);
    maybeEmitAlert(*status);
    if (!guard || phase == Phase::Closed)
        return;
    const bool hasCapabilities = status->code.kind == ResponseCode::Kind::Capability;
    if (security == Security::StartTls) {
        if (hasCapabilities) {
            preTlsCapabilities = status->code.strings;
            startTls();
        } else {
            phase = Phase::PreTlsCapability;
            enqueue(nullptr, Command(QByteArrayLiteral("CAPABILITY")), Internal::Capability);
        }
        return;
    }
    preauth = status->status == StatusResponse::Status::Preauth;
    if (hasCapabilities) {
        q->setCapabilities(status->code.strings);
        finishOpening();
    } else {
        phase = Phase::Capability;
        enqueue(nullptr, Command(QByteArrayLiteral("CAPABILITY")), Internal::Capability);
    }
}

void Session::Private::startTls()
{
    if (!containsCapability(preTlsCapabilities, "STARTTLS")) {
        abort(makeError(Error::Code::Security, tr("%1 does not offer STARTTLS, and this account requires an "
                                                  "encrypted connection.").arg(hostDescription())));
        return;
    }
    phase = Phase::StartTls;
    enqueue(nullptr, Command(QByteArrayLiteral("STARTTLS")), Internal::StartTls);
}

void Session::Private::finishOpening()
{
    phase = Phase::Ready;
    wireLog.note("ready");
    QPointer<Session> guard(q);
    q->setState(preauth ? State::Authenticated : State::NotAuthenticated);
    if (guard && phase == Phase::Ready)
        Q_EMIT q->opened();
}

void Session::Private::maybeEmitAlert(const StatusResponse &response)
{
    if (response.code.kind != ResponseCode::Kind::Alert)
        return;
    if (!trusted) {
        // QUALITY.md: alerts from before STARTTLS could come from anyone on the path.
        qCInfo(lcImap) << "Ignoring an [ALERT] received before TLS";
        return;
    }
    Q_EMIT q->alertReceived(QString::fromUtf8(response.text).trimmed());
}

void Session::Private::handleUntagged(Response &&response)
{
    if (phase == Phase::PreTlsCapability || phase == Phase::StartTls) {
        // Before TLS only the capability list (to see STARTTLS) is read; the rest is dropped.
        if (const auto *capability = std::get_if<CapabilityResponse>(&response); capability
            && phase == Phase::PreTlsCapability)
            preTlsCapabilities = capability->capabilities;
        return;
    }
    QPointer<Session> guard(q);
    if (const auto *status = std::get_if<StatusResponse>(&response)) {
        maybeEmitAlert(*status);
        if (!guard || phase == Phase::Closed)
            return;
        if (status->code.kind == ResponseCode::Kind::Capability)
            q->setCapabilities(status->code.strings);
        if (status->status == StatusResponse::Status::Bye) {
            // RFC 3501 §7.1.5: the server is about to close; jobs fail with this text when it does.
            byeReceived = true;
            byeText = status->text;
            return;
        }
    } else if (const auto *capability = std::get_if<CapabilityResponse>(&response)) {
        q->setCapabilities(capability->capabilities);
    }

    QList<QPointer<Job>> offered;
    const QList<InFlight> current = inFlight;
    for (const InFlight &entry : current) {
        // A command still in the queue has not reached the server: this cannot be its answer.
        if (!entry.written || !entry.job || offered.contains(entry.job))
            continue;
        offered.append(entry.job);
        const bool claimed = entry.job->handleUntagged(response);
        if (!guard || phase == Phase::Closed)
            return;
        if (claimed)
            return;
    }
    Q_EMIT q->unsolicited(response);
}

void Session::Private::handleTagged(const StatusResponse &response)
{
    qsizetype index = -1;
    for (qsizetype i = 0; i < inFlight.size(); ++i) {
        if (inFlight.at(i).tag == response.tag && inFlight.at(i).written) {
            index = i;
            break;
        }
    }
    if (index < 0) {
        abort(makeError(Error::Code::Protocol, tr("The server answered a command that was never sent (tag %1).")
                                                   .arg(QString::fromLatin1(response.tag.left(40)))));
        return;
    }
    const InFlight entry = inFlight.takeAt(index);
    if (exclusiveTag == entry.tag)
        exclusiveTag.clear();
    if (awaitingLiteralContinuation && !queue.isEmpty() && queue.first().tag == entry.tag) {
        // The server refused a synchronizing literal instead of sending "+" (RFC 3501 §7.5).
        awaitingLiteralContinuation = false;
        queue.removeFirst();
    }
    suspended.removeAll(entry.job);
    updateTimer();

    QPointer<Session> guard(q);
    if (phase != Phase::PreTlsCapability && phase != Phase::StartTls) {
        maybeEmitAlert(response);
        if (!guard || phase == Phase::Closed)
            return;
    }
    if (entry.internal != Internal::None)
        handleInternal(entry.internal, response);
    else if (entry.job)
        entry.job->dispatchTagged(response);
    if (!guard || phase == Phase::Closed)
        return;
    flushQueue();
}

void Session::Private::handleInternal(Internal kind, const StatusResponse &response)
{
    const bool ok = response.status == StatusResponse::Status::Ok;
    const QString text = QString::fromUtf8(response.text).trimmed();
    switch (kind) {
    case Internal::None:
        return;
    case Internal::Capability:
        if (!ok) {
            abort(makeError(Error::Code::Protocol, tr("The server refused to list its capabilities: %1").arg(text)));
            return;
        }
        if (phase == Phase::PreTlsCapability) {
            startTls();
        } else if (phase == Phase::Capability) {
            if (response.code.kind == ResponseCode::Kind::Capability)
                q->setCapabilities(response.code.strings);
            finishOpening();
        }
        return;
    case Internal::StartTls:
        if (!ok) {
            // No plaintext fallback, ever (QUALITY.md).
            abort(makeError(Error::Code::Security, tr("The server refused STARTTLS (%1); the connection was closed "
                                                      "because this account requires encryption.").arg(text)));
            return;
        }
        // RFC 3501 §6.2.1: TLS starts right after the CRLF of the OK. Any byte already here came before
        // the handshake and was injected by someone on the path (CVE-2011-0411 style).
        if (parser.bufferedBytes() > 0 || (socket && socket->bytesAvailable() > 0)) {
            abort(makeError(Error::Code::Security, tr("The server sent data after accepting STARTTLS; the "
                                                      "connection was closed to prevent a STARTTLS injection.")));
            return;
        }
        phase = Phase::TlsHandshake;
        parser.reset();
        connectTimer.start(q->m_settings.connectTimeoutMs);
        wireLog.note("starting TLS");
        socket->startClientEncryption();
        return;
    case Internal::Logout:
        abort(Error{}, true);
        return;
    }
}

void Session::Private::handleContinuation(const ContinuationRequest &request)
{
    if (awaitingLiteralContinuation) {
        awaitingLiteralContinuation = false;
        flushQueue();
        return;
    }
    // Not for a literal: the oldest command that reads continuations (IDLE, AUTHENTICATE), else the
    // oldest job on the wire.
    Job *target = nullptr;
    for (const InFlight &entry : std::as_const(inFlight)) {
        if (entry.written && entry.continuation && entry.job) {
            target = entry.job;
            break;
        }
    }
    if (!target) {
        for (const InFlight &entry : std::as_const(inFlight)) {
            if (entry.written && entry.job) {
                target = entry.job;
                break;
            }
        }
    }
    if (!target) {
        abort(makeError(Error::Code::Protocol, tr("The server asked for data no command was going to send.")));
        return;
    }
    target->handleContinuation(request);
}

// ---------------------------------------------------------------------------------------------
// Writing

LiteralSupport Session::Private::literalSupport() const
{
    if (q->hasCapability("LITERAL+"))
        return LiteralSupport::LiteralPlus;
    if (q->hasCapability("LITERAL-") || q->hasCapability("IMAP4rev2"))
        return LiteralSupport::LiteralMinus;
    return LiteralSupport::Synchronizing;
}

QByteArray Session::Private::enqueue(Job *job, const Command &command, Internal internal)
{
    const QByteArray tag = nextTag();
    InFlight entry;
    entry.tag = tag;
    entry.job = job;
    entry.internal = internal;
    entry.exclusive = isExclusive(command.name());
    entry.continuation = expectsContinuation(command.name());
    inFlight.append(entry);

    Outgoing outgoing;
    outgoing.tag = tag;
    outgoing.chunks = command.serialize(tag, literalSupport());
    outgoing.exclusive = entry.exclusive;
    outgoing.description = command.describe(tag);
    queue.append(std::move(outgoing));
    ++q->m_stats.commands;
    flushQueue();
    return tag;
}

void Session::Private::flushQueue()
{
    while (socket && phase != Phase::Closed && !queue.isEmpty() && !awaitingLiteralContinuation) {
        Outgoing &item = queue.first();
        qsizetype entryIndex = -1;
        for (qsizetype i = 0; i < inFlight.size(); ++i) {
            if (inFlight.at(i).tag == item.tag) {
                entryIndex = i;
                break;
            }
        }
        if (item.next == 0) {
            // Nothing goes out while an exclusive command runs, and an exclusive one waits for the rest.
            if (!exclusiveTag.isEmpty())
                break;
            bool othersWaiting = false;
            for (const InFlight &entry : std::as_const(inFlight))
                othersWaiting = othersWaiting || entry.written;
            if (item.exclusive && othersWaiting)
                break;
            if (!othersWaiting)
                ++q->m_stats.roundTrips;
            if (entryIndex >= 0)
                inFlight[entryIndex].written = true;
            if (item.exclusive)
                exclusiveTag = item.tag;
            wireLog.sent(item.description);
        }
        const QByteArray chunk = item.chunks.at(item.next++);
        const bool more = item.next < item.chunks.size();
        if (more)
            awaitingLiteralContinuation = true;  // RFC 3501 §7.5: wait for "+" before the literal data
        else
            queue.removeFirst();
        writeRaw(chunk);
        if (more)
            break;
    }
    updateTimer();
}

void Session::Private::writeRaw(const QByteArray &bytes)
{
    if (!socket)
        return;
    QByteArray out = bytes;
    if (compressor) {
        Result<QByteArray> deflated = compressor->compress(bytes);
        if (!deflated) {
            abort(deflated.error());
            return;
        }
        out = std::move(deflated).value();
    }
    q->m_stats.bytesOut += quint64(out.size());
    socket->write(out);
}

void Session::Private::updateTimer()
{
    bool waiting = false;
    if (phase != Phase::Closed) {
        for (const InFlight &entry : std::as_const(inFlight)) {
            if (entry.written && (!entry.job || !suspended.contains(entry.job))) {
                waiting = true;
                break;
            }
        }
    }
    if (waiting && !commandTimer.isActive())
        commandTimer.start(q->m_settings.commandTimeoutMs);
    else if (!waiting)
        commandTimer.stop();
}

// ---------------------------------------------------------------------------------------------
// Session

Session::Session(QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
}

Session::~Session()
{
    if (d->phase != Private::Phase::Closed) {
        d->phase = Private::Phase::Closed;
        d->teardownSocket(false);
        const auto lost = std::exchange(d->inFlight, {});
        const Error error = makeError(Error::Code::Cancelled, tr("The connection was closed."));
        for (const auto &entry : lost) {
            if (entry.job)
                entry.job->sessionLost(error);
        }
    }
}

void Session::setSettings(const SessionSettings &settings)
{
    m_settings = settings;
}

void Session::open()
{
    if (d->phase != Private::Phase::Closed) {
        qCWarning(lcImap) << "Session::open() on a connection that is already open";
        return;
    }
    d->open();
}

void Session::logout()
{
    switch (d->phase) {
    case Private::Phase::Closed:
    case Private::Phase::LoggingOut:
        return;
    case Private::Phase::Ready: {
        d->phase = Private::Phase::LoggingOut;
        QPointer<Session> guard(this);
        setState(State::LoggingOut);
        if (!guard || d->phase != Private::Phase::LoggingOut)
            return;
        // RFC 2177 §3: LOGOUT waits behind IDLE; end it now rather than at its next renewal.
        const auto entries = d->inFlight;
        for (const auto &entry : entries) {
            if (auto *idle = qobject_cast<IdleJob *>(entry.job.data()))
                idle->stop();
        }
        if (!guard || d->phase != Private::Phase::LoggingOut)
            return;
        d->enqueue(nullptr, Command(QByteArrayLiteral("LOGOUT")), Private::Internal::Logout);
        return;
    }
    default:
        // Still opening: nothing to log out of.
        d->abort(Error{}, true);
        return;
    }
}

void Session::abort(const Error &error)
{
    d->abort(error.isError() ? error : makeError(Error::Code::Cancelled, tr("The connection was closed.")));
}

bool Session::isEncrypted() const
{
    return d->socket && d->socket->isEncrypted();
}

bool Session::mayUseCredentials() const
{
    if (!d->socket || d->phase == Private::Phase::Closed)
        return false;
    if (d->socket->isEncrypted())
        return true;
    // RFC 8314 §3: no clear-text credentials, except to this machine when the user said so.
    return m_settings.security == Security::None && m_settings.allowCleartextOnLoopback
        && d->socket->peerAddress().isLoopback();
}

bool Session::hasCapability(QByteArrayView capability) const
{
    return containsCapability(m_capabilities, capability);
}

QSslCertificate Session::peerCertificate() const
{
    return d->peerCertificate;
}

QByteArray Session::send(Job *job, const Command &command)
{
    if (d->phase != Private::Phase::Ready || !d->socket)
        return {};
    return d->enqueue(job, command, Private::Internal::None);
}

void Session::sendLine(Job *job, const QByteArray &line, bool sensitive)
{
    Q_UNUSED(job);
    if (d->phase == Private::Phase::Closed || !d->socket)
        return;
    d->wireLog.sentLine(line, sensitive);
    d->writeRaw(line + "\r\n");
}

void Session::setCapabilities(const Strings &capabilities)
{
    Strings upper;
    upper.reserve(capabilities.size());
    for (const QByteArray &c : capabilities)
        upper.append(c.toUpper());
    m_capabilities = std::move(upper);
}

void Session::addEnabled(const Strings &capabilities)
{
    for (const QByteArray &c : capabilities) {
        const QByteArray upper = c.toUpper();
        if (!m_enabled.contains(upper))
            m_enabled.append(upper);
    }
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    if (state != State::Selected)
        m_selectedMailbox.clear();
    Q_EMIT stateChanged(state);
}

void Session::setSelectedMailbox(const QByteArray &mailbox)
{
    m_selectedMailbox = mailbox;
}

void Session::startCompression()
{
    if (d->compressor || d->phase == Private::Phase::Closed)
        return;
    const qsizetype buffered = d->parser.bufferedBytes();
    if (buffered > d->currentChunk.size()) {
        d->abort(makeError(Error::Code::Protocol, tr("The server's data could not be split at the start of "
                                                     "compression.")));
        return;
    }
    // RFC 4978 §3: compression starts right after the CRLF of the tagged OK; what followed it in the
    // same read is already compressed.
    d->leftoverToInflate = d->currentChunk.right(buffered);
    d->inflatePending = true;
    d->parser.reset();
    d->wireLog.reset();
    d->wireLog.note("compression started");
    d->compressor = std::make_unique<Compressor>();
    if (!d->compressor->isValid())
        d->abort(makeError(Error::Code::Protocol, tr("Compression could not be started.")));
}

void Session::suspendTimeout(Job *job, bool suspended)
{
    d->suspended.removeAll(QPointer<Job>(job));
    if (suspended)
        d->suspended.append(job);
    d->updateTimer();
}

}  // namespace Heron::Imap
