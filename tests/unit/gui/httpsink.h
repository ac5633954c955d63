// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "unit/gui/pngbytes.h"

#include <QHash>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>

namespace Heron::Test {

// An HTTP server on a random loopback port that records every connection and request. A request
// for a path given a response gets those raw bytes; any other gets a 2×3 PNG. Each connection is
// closed after its answer.
class HttpSink : public QObject {
public:
    HttpSink()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++m_connections;
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString base() const { return QStringLiteral("http://%1").arg(host()); }
    QString host() const { return QStringLiteral("127.0.0.1:%1").arg(m_server.serverPort()); }
    QUrl url(const QString &path) const { return QUrl(base() + path); }

    void setResponse(const QString &path, const QByteArray &raw) { m_responses.insert(path, raw); }

    int connections() const { return m_connections; }
    QStringList paths() const { return m_paths; }
    QList<QByteArray> requestHeads() const { return m_heads; }
    bool touched() const { return m_connections > 0 || !m_paths.isEmpty(); }

    static QByteArray image() { return pngBytes(2, 3, Qt::blue); }

private:
    void onReadyRead(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buffer.left(end);
        m_buffers.remove(socket);
        const QString path = QString::fromLatin1(head.left(head.indexOf("\r\n")).split(' ').value(1));
        m_paths.append(path);
        m_heads.append(head);
        const QByteArray png = image();
        socket->write(m_responses.value(path, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n"
                                              "Content-Length: " +
                                                      QByteArray::number(png.size()) + "\r\n\r\n" + png));
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QString, QByteArray> m_responses;
    int m_connections = 0;
    QStringList m_paths;
    QList<QByteArray> m_heads;
};

}  // namespace Heron::Test
