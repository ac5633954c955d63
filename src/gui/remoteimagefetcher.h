// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace Heron::Gui {

// Fetches the remote images of the message on screen once the reader allowed them, and nothing
// else: GET over http or https only, no cookies, no cache, no credentials, redirects only to
// http or https, at most kMaxImages per message of at most kMaxBytes each, and only bodies that
// decode as a raster image. The text engine never fetches; this is the one way in.
class RemoteImageFetcher : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kMaxBytes = 5 * 1024 * 1024;
    static constexpr int kMaxImages = 64;
    static constexpr int kMaxRedirects = 5;
    static constexpr int kTimeoutMs = 30'000;

    explicit RemoteImageFetcher(QObject *parent = nullptr);
    ~RemoteImageFetcher() override;

    // Starts fetching url. False, and nothing sent, when it is not an http or https URL with a
    // host, was asked for since the last reset, or kMaxImages were asked for already.
    bool fetch(const QUrl &url);

    // Aborts every transfer and forgets what was asked: the next message starts afresh. No signal
    // is emitted for what was under way.
    void reset();

    int requestCount() const { return int(m_asked.size()); }

Q_SIGNALS:
    void imageFetched(const QUrl &url, const QImage &image);
    void fetchFailed(const QUrl &url, const QString &reason);

private:
    struct Transfer {
        QUrl url;
        QByteArray body;
    };

    QNetworkAccessManager *manager();
    void onMetaData(QNetworkReply *reply);
    void onReadyRead(QNetworkReply *reply);
    void onRedirected(QNetworkReply *reply, const QUrl &target);
    void onFinished(QNetworkReply *reply);
    void fail(QNetworkReply *reply, const QString &reason);

    QNetworkAccessManager *m_manager = nullptr;
    QHash<QNetworkReply *, Transfer> m_transfers;
    QSet<QUrl> m_asked;
};

}  // namespace Heron::Gui
