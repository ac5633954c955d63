// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/scriptedserver.h"

#include "imap/compressor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTest>

namespace Heron::Test {

namespace {

QString tlsDataPath(const QString &file)
{
    QString base = qEnvironmentVariable("HERON_TEST_DATA");
    if (base.isEmpty())
        base = QFileInfo(QStringLiteral(__FILE__)).dir().filePath(QStringLiteral("../data"));
    return QDir(base).filePath(QStringLiteral("tls/") + file);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("ScriptedServer: cannot read %s", qPrintable(path));
        return {};
    }
    return file.readAll();
}

QByteArray unescape(const QString &text)
{
    const QByteArray in = text.toUtf8();
    QByteArray out;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c != '\\' || i + 1 >= in.size()) {
            out += c;
            continue;
        }
        const char e = in.at(++i);
        switch (e) {
        case 'r':
            out += '\r';
            break;
        case 'n':
            out += '\n';
            break;
        case '\\':
            out += '\\';
            break;
        case 'x':
            if (i + 2 < in.size()) {
                out += char(in.mid(i + 1, 2).toInt(nullptr, 16));
                i += 2;
            }
            break;
        default:
            out += '\\';
            out += e;
        }
    }
    return out;
}

}  // namespace

ScriptedServer::ScriptedServer(QObject *parent)
    : QTcpServer(parent)
{
}

ScriptedServer::~ScriptedServer()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

QSslCertificate ScriptedServer::certificate()
{
    return QSslCertificate(readFile(tlsDataPath(QStringLiteral("cert.pem"))), QSsl::Pem);
}

QSslKey ScriptedServer::privateKey()
{
    return QSslKey(readFile(tlsDataPath(QStringLiteral("key.pem"))), QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
}

void ScriptedServer::setScript(const QString &script)
{
    setScript(script.split(QLatin1Char('\n')));
}

void ScriptedServer::setScript(const QStringList &lines)
{
    m_steps.clear();
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            addError(QStringLiteral("bad script line: %1").arg(line));
            continue;
        }
        const QString kind = line.left(colon);
        QString rest = line.mid(colon + 1);
        if (rest.startsWith(QLatin1Char(' ')))
            rest.remove(0, 1);
        Step step;
        step.text = line;
        if (kind == QLatin1String("S")) {
            step.kind = Step::Kind::Send;
            step.data = rest.toUtf8() + "\r\n";
        } else if (kind == QLatin1String("S-raw")) {
            step.kind = Step::Kind::Send;
            step.data = unescape(rest);
        } else if (kind == QLatin1String("C")) {
            step.kind = rest == QLatin1String("*") ? Step::Kind::ExpectAny : Step::Kind::Expect;
            step.data = rest.toUtf8();
        } else if (kind == QLatin1String("C~")) {
            step.kind = Step::Kind::ExpectRegex;
            step.data = rest.toUtf8();
        } else if (kind == QLatin1String("X")) {
            if (rest == QLatin1String("starttls"))
                step.kind = Step::Kind::StartTls;
            else if (rest == QLatin1String("deflate"))
                step.kind = Step::Kind::Deflate;
            else if (rest == QLatin1String("no-pending-input"))
                step.kind = Step::Kind::NoPendingInput;
            else if (rest == QLatin1String("wait-close"))
                step.kind = Step::Kind::WaitClose;
            else if (rest == QLatin1String("close"))
                step.kind = Step::Kind::Close;
            else if (rest == QLatin1String("silent"))
                step.kind = Step::Kind::Silent;
            else
                addError(QStringLiteral("unknown action: %1").arg(line));
        } else {
            addError(QStringLiteral("bad script line: %1").arg(line));
            continue;
        }
        m_steps.append(step);
    }
}

bool ScriptedServer::start(Tls tls)
{
    m_tls = tls;
    return listen(QHostAddress::LocalHost, 0);
}

bool ScriptedServer::receivedLineMatching(const QString &pattern) const
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    for (const QByteArray &line : m_receivedLines) {
        if (re.match(QString::fromUtf8(line)).hasMatch())
            return true;
    }
    return false;
}

bool ScriptedServer::waitForScriptEnd(int timeoutMs)
{
    (void)QTest::qWaitFor([this] { return m_done || !m_errors.isEmpty(); }, timeoutMs);
    if (!m_done && m_errors.isEmpty()) {
        const QString pending = m_next < m_steps.size() ? m_steps.at(m_next).text : QStringLiteral("(end)");
        addError(QStringLiteral("script did not finish; waiting at step %1: %2").arg(m_next + 1).arg(pending));
    }
    return m_done && m_errors.isEmpty();
}

void ScriptedServer::addError(const QString &error)
{
    qWarning("ScriptedServer: %s", qPrintable(error));
    m_errors.append(error);
}

void ScriptedServer::incomingConnection(qintptr descriptor)
{
    ++m_connections;
    if (m_socket) {
        addError(QStringLiteral("unexpected second connection"));
        QSslSocket extra;
        extra.setSocketDescriptor(descriptor);
        extra.abort();
        return;
    }
    m_socket = new QSslSocket(this);
    if (!m_socket->setSocketDescriptor(descriptor)) {
        addError(QStringLiteral("cannot take the connection: %1").arg(m_socket->errorString()));
        return;
    }
    QSslConfiguration configuration = m_socket->sslConfiguration();
    configuration.setLocalCertificate(certificate());
    configuration.setPrivateKey(privateKey());
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    m_socket->setSslConfiguration(configuration);
    connect(m_socket, &QSslSocket::readyRead, this, &ScriptedServer::onReadyRead);
    connect(m_socket, &QSslSocket::disconnected, this, &ScriptedServer::onDisconnected);
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        m_tlsEstablished = true;
        m_waitingForTls = false;
        advance();
    });
    if (m_tls == Tls::Implicit) {
        m_waitingForTls = true;
        m_socket->startServerEncryption();
        return;
    }
    advance();
}

void ScriptedServer::writeBytes(const QByteArray &bytes)
{
    if (!m_socket)
        return;
    if (m_compressor) {
        Result<QByteArray> deflated = m_compressor->compress(bytes);
        if (!deflated) {
            addError(QStringLiteral("compression failed"));
            return;
        }
        m_socket->write(deflated.value());
        return;
    }
    m_socket->write(bytes);
}

void ScriptedServer::onReadyRead()
{
    if (!m_socket)
        return;
    QByteArray data = m_socket->readAll();
    if (m_compressor) {
        Result<QByteArray> inflated = m_compressor->decompress(data);
        if (!inflated) {
            addError(QStringLiteral("the client sent corrupt compressed data"));
            return;
        }
        data = inflated.value();
    }
    m_input += data;
    qsizetype end;
    while ((end = m_input.indexOf("\r\n")) >= 0) {
        const QByteArray line = m_input.left(end);
        m_input.remove(0, end + 2);
        m_receivedLines.append(line);
        m_pendingLines.append(line);
    }
    advance();
}

void ScriptedServer::onDisconnected()
{
    m_clientClosed = true;
    advance();
}

void ScriptedServer::finishScript()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT scriptFinished();
}

void ScriptedServer::advance()
{
    if (m_advancing || !m_socket)
        return;
    m_advancing = true;
    while (!m_done && !m_waitingForTls) {
        if (m_next >= m_steps.size()) {
            finishScript();
            break;
        }
        const Step &step = m_steps.at(m_next);
        bool proceed = true;
        switch (step.kind) {
        case Step::Kind::Send:
            writeBytes(step.data);
            break;
        case Step::Kind::Expect:
        case Step::Kind::ExpectAny:
        case Step::Kind::ExpectRegex: {
            if (m_pendingLines.isEmpty()) {
                if (m_clientClosed)
                    addError(QStringLiteral("the client closed the connection; expected %1").arg(step.text));
                proceed = false;
                break;
            }
            const QByteArray line = m_pendingLines.takeFirst();
            bool match = step.kind == Step::Kind::ExpectAny;
            if (step.kind == Step::Kind::Expect)
                match = line == step.data;
            else if (step.kind == Step::Kind::ExpectRegex)
                match = QRegularExpression(QRegularExpression::anchoredPattern(QString::fromUtf8(step.data)))
                            .match(QString::fromUtf8(line))
                            .hasMatch();
            if (!match)
                addError(QStringLiteral("step %1: expected \"%2\", got \"C: %3\"")
                             .arg(m_next + 1)
                             .arg(step.text, QString::fromUtf8(line)));
            break;
        }
        case Step::Kind::StartTls:
            m_socket->flush();
            m_waitingForTls = true;
            m_input.clear();
            m_socket->startServerEncryption();
            break;
        case Step::Kind::Deflate:
            m_compressor = std::make_unique<Imap::Compressor>();
            break;
        case Step::Kind::NoPendingInput:
            if (!m_pendingLines.isEmpty() || !m_input.isEmpty() || m_socket->bytesAvailable() > 0)
                addError(QStringLiteral("step %1: the client sent data too early: \"%2\"")
                             .arg(m_next + 1)
                             .arg(QString::fromUtf8(m_pendingLines.isEmpty() ? m_input : m_pendingLines.first())));
            break;
        case Step::Kind::WaitClose:
            if (!m_pendingLines.isEmpty()) {
                addError(QStringLiteral("step %1: expected the client to close, got \"C: %2\"")
                             .arg(m_next + 1)
                             .arg(QString::fromUtf8(m_pendingLines.takeFirst())));
                break;
            }
            proceed = m_clientClosed;
            break;
        case Step::Kind::Close:
            m_socket->disconnectFromHost();
            break;
        case Step::Kind::Silent:
            m_silent = true;
            ++m_next;
            finishScript();
            m_advancing = false;
            return;
        }
        if (!proceed)
            break;
        ++m_next;
    }
    if (m_done && !m_silent) {
        while (!m_pendingLines.isEmpty())
            addError(QStringLiteral("line received after the end of the script: \"C: %1\"")
                         .arg(QString::fromUtf8(m_pendingLines.takeFirst())));
    }
    m_advancing = false;
}

}  // namespace Heron::Test
