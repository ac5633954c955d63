// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QStringList>
#include <QTcpServer>

#include <memory>

class QSslSocket;

namespace Heron::Imap {
class Compressor;
}

namespace Heron::Test {

// An IMAP server on 127.0.0.1 that plays a script of exact exchanges, for protocol tests and
// hostile-server cases. One line per step:
//
//   S: * OK ready             send the text and CRLF
//   S-raw: A1 OK x\r\n* O     send bytes as given (\r \n \\ \xHH escapes), no CRLF added
//   C: A0001 LOGIN a b        expect exactly this line from the client
//   C: *                      expect any one line
//   C~: A\d+ NOOP             expect a line matching the regular expression (whole line)
//   X: starttls               switch to TLS (after the OK to STARTTLS)
//   X: deflate                COMPRESS=DEFLATE both ways from here on
//   X: no-pending-input       the client must have sent nothing more yet (synchronizing literals)
//   X: wait-close             wait until the client closes; any line it sends instead is an error
//   X: close                  close the connection
//   X: silent                 stop answering (the script ends; later lines are only recorded)
//
// Blank lines and lines starting with '#' are skipped. A mismatch, a second connection or a line
// received after the script ended is recorded in errors(); tests end with
// QVERIFY(server.waitForScriptEnd()) and QCOMPARE(server.errors(), QStringList()).
class ScriptedServer : public QTcpServer {
    Q_OBJECT

public:
    enum class Tls { None, Implicit };

    explicit ScriptedServer(QObject *parent = nullptr);
    ~ScriptedServer() override;

    void setScript(const QString &script);
    void setScript(const QStringList &lines);

    // Listens on 127.0.0.1 on a free port.
    bool start(Tls tls = Tls::None);
    quint16 port() const { return serverPort(); }

    QStringList errors() const { return m_errors; }
    // Every line the client sent, in order (decompressed).
    const QList<QByteArray> &receivedLines() const { return m_receivedLines; }
    bool receivedLineMatching(const QString &pattern) const;
    int connectionCount() const { return m_connections; }
    bool isScriptDone() const { return m_done; }
    bool clientClosed() const { return m_clientClosed; }
    // True once TLS was established with the client (implicit or after X: starttls).
    bool tlsEstablished() const { return m_tlsEstablished; }

    // Waits (processing events) until every step ran, or an error was recorded.
    bool waitForScriptEnd(int timeoutMs = 5000);

    // The test certificate in tests/data/tls (self-signed, CN=localhost, SAN localhost and 127.0.0.1,
    // valid until 2126) and its key.
    static QSslCertificate certificate();
    static QSslKey privateKey();

Q_SIGNALS:
    void scriptFinished();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Step {
        enum class Kind { Send, Expect, ExpectAny, ExpectRegex, StartTls, Deflate, NoPendingInput, WaitClose, Close,
                          Silent };
        Kind kind = Kind::Send;
        QByteArray data;
        QString text;  // the script line, for messages
    };

    void addError(const QString &error);
    void advance();
    void onReadyRead();
    void onDisconnected();
    void writeBytes(const QByteArray &bytes);
    void finishScript();

    QList<Step> m_steps;
    qsizetype m_next = 0;
    Tls m_tls = Tls::None;
    QSslSocket *m_socket = nullptr;
    QByteArray m_input;
    QList<QByteArray> m_pendingLines;
    QList<QByteArray> m_receivedLines;
    QStringList m_errors;
    std::unique_ptr<Imap::Compressor> m_compressor;
    int m_connections = 0;
    bool m_done = false;
    bool m_silent = false;
    bool m_waitingForTls = false;
    bool m_tlsEstablished = false;
    bool m_clientClosed = false;
    bool m_advancing = false;
};

}  // namespace Heron::Test
