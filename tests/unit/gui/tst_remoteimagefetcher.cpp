// SPDX-License-Identifier: GPL-3.0-or-later
// RemoteImageFetcher against a loopback HTTP server: only http and https are fetched, each URL
// once and no more than the limit; oversized, mislabelled and undecodable bodies, redirects away
// from the web and authentication challenges fail; cookies are neither kept nor sent; a reset
// silences what was under way.
#include "gui/remoteimagefetcher.h"
#include "unit/gui/httpsink.h"

#include <QNetworkProxyFactory>
#include <QSignalSpy>
#include <QTest>

using Heron::Gui::RemoteImageFetcher;
using Heron::Test::HttpSink;

namespace {

QByteArray response(const QByteArray &status, const QByteArray &headers, const QByteArray &body = {})
{
    return "HTTP/1.1 " + status + "\r\nConnection: close\r\n" + headers + "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

class TestRemoteImageFetcher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void onlyWebUrlsAreFetched();
    void imageArrives();
    void badAnswersFail_data();
    void badAnswersFail();
    void redirectsStayOnTheWeb();
    void noCookiesEitherWay();
    void limitPerMessage();
    void resetSilencesTransfers();

private:
    HttpSink m_sink;
};

void TestRemoteImageFetcher::initTestCase()
{
    QNetworkProxyFactory::setUseSystemConfiguration(false);
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QVERIFY(m_sink.listen());
    const QByteArray png = HttpSink::image();
    m_sink.setResponse(QStringLiteral("/big-declared"),
                       "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: " +
                               QByteArray::number(RemoteImageFetcher::kMaxBytes + 1) + "\r\n\r\n" + png);
    m_sink.setResponse(QStringLiteral("/big-streamed"),
                       "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n" + png +
                               QByteArray(RemoteImageFetcher::kMaxBytes, 'x'));
    m_sink.setResponse(QStringLiteral("/html"), response("200 OK", "Content-Type: text/html\r\n", "<html></html>"));
    m_sink.setResponse(QStringLiteral("/svg"),
                       response("200 OK", "Content-Type: image/svg+xml\r\n", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
    m_sink.setResponse(QStringLiteral("/svg-labelled-png"),
                       response("200 OK", "Content-Type: image/png\r\n", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
    m_sink.setResponse(QStringLiteral("/garbage"), response("200 OK", "Content-Type: image/png\r\n", "not a png"));
    m_sink.setResponse(QStringLiteral("/not-found"), response("404 Not Found", "Content-Type: image/png\r\n", png));
    m_sink.setResponse(QStringLiteral("/auth"),
                       response("401 Unauthorized", "WWW-Authenticate: Basic realm=\"x\"\r\n", "no"));
    m_sink.setResponse(QStringLiteral("/to-file"), response("302 Found", "Location: file:///etc/passwd\r\n"));
    m_sink.setResponse(QStringLiteral("/to-data"),
                       response("302 Found", "Location: data:image/png;base64," + png.toBase64() + "\r\n"));
    m_sink.setResponse(QStringLiteral("/to-web"),
                       response("302 Found", "Location: " + m_sink.base().toLatin1() + "/redirected.png\r\n"));
    m_sink.setResponse(QStringLiteral("/cookie.png"),
                       response("200 OK", "Content-Type: image/png\r\nSet-Cookie: session=secret; Path=/\r\n", png));
}

void TestRemoteImageFetcher::onlyWebUrlsAreFetched()
{
    RemoteImageFetcher fetcher;
    const QString host = m_sink.host();
    for (const QString &url : {QStringLiteral("ftp://%1/x.png").arg(host), QStringLiteral("file:///etc/passwd"),
                               QStringLiteral("//%1/relative.png").arg(host), QStringLiteral("data:image/png;base64,AA"),
                               QStringLiteral("cid:logo@example"), QStringLiteral("http:///nohost.png"),
                               QStringLiteral("gopher://%1/x").arg(host)})
        QVERIFY2(!fetcher.fetch(QUrl(url)), qPrintable(url));
    QCOMPARE(fetcher.requestCount(), 0);
    QVERIFY(!QTest::qWaitFor([this] { return m_sink.touched(); }, 200));
}

void TestRemoteImageFetcher::imageArrives()
{
    RemoteImageFetcher fetcher;
    QSignalSpy fetched(&fetcher, &RemoteImageFetcher::imageFetched);
    QSignalSpy failed(&fetcher, &RemoteImageFetcher::fetchFailed);
    const QUrl url = m_sink.url(QStringLiteral("/plain.png"));
    QVERIFY(fetcher.fetch(url));
    QVERIFY(!fetcher.fetch(url));  // once per message
    QTRY_COMPARE(fetched.size(), 1);
    QCOMPARE(fetched.at(0).at(0).toUrl(), url);
    QCOMPARE(fetched.at(0).at(1).value<QImage>().size(), QSize(2, 3));
    QCOMPARE(failed.size(), 0);
    QCOMPARE(m_sink.paths().count(QStringLiteral("/plain.png")), 1);
    const QByteArray head = m_sink.requestHeads().last().toLower();
    QVERIFY(head.startsWith("get "));
    QVERIFY2(!head.contains("referer:") && !head.contains("cookie:") && !head.contains("authorization:"),
             head.constData());
}

void TestRemoteImageFetcher::badAnswersFail_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("declared too large") << QStringLiteral("/big-declared");
    QTest::newRow("streamed too large") << QStringLiteral("/big-streamed");
    QTest::newRow("html") << QStringLiteral("/html");
    QTest::newRow("svg") << QStringLiteral("/svg");
    QTest::newRow("svg labelled png") << QStringLiteral("/svg-labelled-png");
    QTest::newRow("undecodable") << QStringLiteral("/garbage");
    QTest::newRow("not found") << QStringLiteral("/not-found");
    QTest::newRow("authentication") << QStringLiteral("/auth");
}

void TestRemoteImageFetcher::badAnswersFail()
{
    QFETCH(QString, path);
    RemoteImageFetcher fetcher;
    QSignalSpy fetched(&fetcher, &RemoteImageFetcher::imageFetched);
    QSignalSpy failed(&fetcher, &RemoteImageFetcher::fetchFailed);
    const int before = m_sink.paths().count(path);
    QVERIFY(fetcher.fetch(m_sink.url(path)));
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).toUrl(), m_sink.url(path));
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    QVERIFY(!QTest::qWaitFor([&] { return !fetched.isEmpty() || failed.size() > 1; }, 100));
    QCOMPARE(m_sink.paths().count(path), before + 1);  // asked once, never again with credentials
}

void TestRemoteImageFetcher::redirectsStayOnTheWeb()
{
    RemoteImageFetcher fetcher;
    QSignalSpy fetched(&fetcher, &RemoteImageFetcher::imageFetched);
    QSignalSpy failed(&fetcher, &RemoteImageFetcher::fetchFailed);
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/to-file"))));
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/to-data"))));
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/to-web"))));
    QTRY_COMPARE(failed.size() + fetched.size(), 3);
    QCOMPARE(fetched.size(), 1);
    QCOMPARE(fetched.at(0).at(0).toUrl(), m_sink.url(QStringLiteral("/to-web")));
    QVERIFY(m_sink.paths().contains(QStringLiteral("/redirected.png")));
}

void TestRemoteImageFetcher::noCookiesEitherWay()
{
    RemoteImageFetcher fetcher;
    QSignalSpy fetched(&fetcher, &RemoteImageFetcher::imageFetched);
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/cookie.png"))));
    QTRY_COMPARE(fetched.size(), 1);
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/after-cookie.png"))));
    QTRY_COMPARE(fetched.size(), 2);
    const QByteArray head = m_sink.requestHeads().last().toLower();
    QVERIFY(head.contains("/after-cookie.png"));
    QVERIFY2(!head.contains("cookie:") && !head.contains("secret"), head.constData());
}

void TestRemoteImageFetcher::limitPerMessage()
{
    RemoteImageFetcher fetcher;
    for (int i = 0; i < RemoteImageFetcher::kMaxImages; ++i)
        QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/many/%1.png").arg(i))));
    QVERIFY(!fetcher.fetch(m_sink.url(QStringLiteral("/many/one-too-many.png"))));
    QCOMPARE(fetcher.requestCount(), RemoteImageFetcher::kMaxImages);
    fetcher.reset();
    QCOMPARE(fetcher.requestCount(), 0);
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/many/next-message.png"))));
    fetcher.reset();
    QVERIFY(!m_sink.paths().contains(QStringLiteral("/many/one-too-many.png")));
}

void TestRemoteImageFetcher::resetSilencesTransfers()
{
    RemoteImageFetcher fetcher;
    QSignalSpy fetched(&fetcher, &RemoteImageFetcher::imageFetched);
    QSignalSpy failed(&fetcher, &RemoteImageFetcher::fetchFailed);
    QVERIFY(fetcher.fetch(m_sink.url(QStringLiteral("/silenced.png"))));
    fetcher.reset();
    QVERIFY(!QTest::qWaitFor([&] { return !fetched.isEmpty() || !failed.isEmpty(); }, 300));
}

QTEST_MAIN(TestRemoteImageFetcher)
#include "tst_remoteimagefetcher.moc"
