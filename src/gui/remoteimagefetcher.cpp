// SPDX-License-Identifier: GPL-3.0-or-later
#include "remoteimagefetcher.h"

#include "guilogging.h"
#include "messageimage.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Heron::Gui {

namespace {

bool isWebUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.isValid() && !url.host().isEmpty() &&
           (scheme == QLatin1StringView("http") || scheme == QLatin1StringView("https"));
}

QString tooLarge()
{
    return RemoteImageFetcher::tr("The image is larger than %1 bytes.").arg(RemoteImageFetcher::kMaxBytes);
}

}  // namespace

RemoteImageFetcher::RemoteImageFetcher(QObject *parent)
    : QObject(parent)
{
}

RemoteImageFetcher::~RemoteImageFetcher()
{
    reset();
}

QNetworkAccessManager *RemoteImageFetcher::manager()
{
    if (!m_manager)
        m_manager = new QNetworkAccessManager(this);
    return m_manager;
}

bool RemoteImageFetcher::fetch(const QUrl &url)
{
    if (!isWebUrl(url) || m_asked.contains(url) || m_asked.size() >= kMaxImages)
        return false;
    m_asked.insert(url);

    QNetworkRequest request(url);
    // Every hop is checked by onRedirected; a redirect to file:, data: or ftp: is refused.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);
    request.setMaximumRedirectsAllowed(kMaxRedirects);
    // A sender must learn nothing it could tie to an earlier visit: no cookies either way, no
    // cached copy (whose revalidation would tell), no credentials reused from elsewhere.
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    request.setTransferTimeout(kTimeoutMs);
    request.setRawHeader("Accept", "image/png, image/jpeg, image/gif, image/webp, image/bmp");

    QNetworkReply *reply = manager()->get(request);
    reply->setReadBufferSize(kMaxBytes + 1);
    m_transfers.insert(reply, Transfer{url, {}});
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] { onMetaData(reply); });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] { onReadyRead(reply); });
    connect(reply, &QNetworkReply::redirected, this, [this, reply](const QUrl &target) { onRedirected(reply, target); });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onFinished(reply); });
    return true;
}

void RemoteImageFetcher::reset()
{
    const QHash<QNetworkReply *, Transfer> transfers = std::exchange(m_transfers, {});
    for (auto it = transfers.cbegin(); it != transfers.cend(); ++it) {
        QNetworkReply *reply = it.key();
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    m_asked.clear();
}

void RemoteImageFetcher::onMetaData(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 200 || status >= 300)
        return;  // a redirect, or an error that finished() reports
    const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && length.toLongLong() > kMaxBytes) {
        fail(reply, tooLarge());
        return;
    }
    const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString().trimmed().toLower();
    if (!type.isEmpty() && (!type.startsWith(QLatin1StringView("image/")) || type.contains(QLatin1StringView("svg"))))
        fail(reply, tr("The server sent %1, not an image.").arg(type.left(64)));
}

void RemoteImageFetcher::onReadyRead(QNetworkReply *reply)
{
    const auto it = m_transfers.find(reply);
    if (it == m_transfers.end())
        return;
    it->body += reply->readAll();
    if (it->body.size() > kMaxBytes)
        fail(reply, tooLarge());
}

void RemoteImageFetcher::onRedirected(QNetworkReply *reply, const QUrl &target)
{
    if (!isWebUrl(target)) {
        fail(reply, tr("The server redirected to a place that is not a web address."));
        return;
    }
    Q_EMIT reply->redirectAllowed();
}

void RemoteImageFetcher::onFinished(QNetworkReply *reply)
{
    const auto it = m_transfers.find(reply);
    if (it == m_transfers.end())
        return;
    Transfer transfer = std::move(*it);
    m_transfers.erase(it);
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
        Q_EMIT fetchFailed(transfer.url, reply->errorString());
        return;
    }
    transfer.body += reply->readAll();
    if (transfer.body.size() > kMaxBytes) {
        Q_EMIT fetchFailed(transfer.url, tooLarge());
        return;
    }
    const QImage image = decodeMessageImage(transfer.body);
    if (image.isNull()) {
        Q_EMIT fetchFailed(transfer.url, tr("The server did not send a picture Heron can show."));
        return;
    }
    Q_EMIT imageFetched(transfer.url, image);
}

void RemoteImageFetcher::fail(QNetworkReply *reply, const QString &reason)
{
    const auto it = m_transfers.find(reply);
    if (it == m_transfers.end())
        return;
    const QUrl url = it->url;
    m_transfers.erase(it);
    disconnect(reply, nullptr, this, nullptr);
    // Not abort(): this runs inside the reply's own signals, where aborting trips Qt up. Deleting
    // the reply closes its connection; until then it reads at most its buffer, and no one listens.
    reply->deleteLater();
    qCDebug(lcGui) << "Remote image not loaded:" << reason;
    Q_EMIT fetchFailed(url, reason);
}

}  // namespace Heron::Gui
