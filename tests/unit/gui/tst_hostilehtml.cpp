// SPDX-License-Identifier: GPL-3.0-or-later
// The message view against hostile HTML (tests/data/html/hostile, one attack per file, named in
// its first line). Every remote reference in the corpus points at a local HTTP sink that counts
// what reaches it. Each message is rendered in a real MessageView, shown and painted, and then
// nothing may reach the sink, no script or event handler may be left in the document, and no
// link the reader clicks may open anything but http, https or mailto. Last, "Load Remote
// Content" on one message must bring exactly its images to the sink: the sink works, so the
// zeros before it mean something.
#include "gui/messagebrowser.h"
#include "gui/messageview.h"
#include "unit/gui/httpsink.h"
#include "unit/gui/pngbytes.h"

#include <QDir>
#include <QNetworkProxyFactory>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

#include <memory>

using namespace Heron;
using Heron::Gui::LinkPolicy;
using Heron::Gui::MessageBrowser;
using Heron::Gui::MessageView;

namespace {

// How long a rendered message gets to misbehave before the sink is checked.
constexpr int kQuietMs = 150;

// Links of a document with the document position of their first character.
QList<std::pair<int, QString>> anchors(const QTextDocument *document)
{
    QList<std::pair<int, QString>> found;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (fragment.charFormat().isAnchor() && !fragment.charFormat().anchorHref().isEmpty())
                found.append({fragment.position(), fragment.charFormat().anchorHref()});
        }
    }
    return found;
}

const QRegularExpression &eventHandler()
{
    static const QRegularExpression pattern(QStringLiteral("<[^>]*\\son[a-z]+\\s*="),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

}  // namespace

class TestHostileHtml : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void corpusIsThere();
    void hostileMessage_data();
    void hostileMessage();
    void nothingReachedTheSinkAfterAll();
    void remoteContentLoadsOnlyItsImagesWhenAllowed();
    void cleanupTestCase();

private:
    QString corpusFile(const QString &name) const;
    Store::MessageMetadata message(const QString &html);
    void answerParts(MessageView *view);

    Test::HttpSink m_sink;
    QHash<qint64, QByteArray> m_html;  // message id → its HTML part
    qint64 m_nextId = 1;
    std::vector<std::unique_ptr<MessageView>> m_views;  // kept shown until the end, still able to misbehave
    QList<QUrl> m_opened;
    QList<LinkPolicy::Decision> m_asked;
};

void TestHostileHtml::initTestCase()
{
    // Straight to the loopback sink, whatever proxy the environment names.
    QNetworkProxyFactory::setUseSystemConfiguration(false);
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    QVERIFY(m_sink.listen());
}

QString TestHostileHtml::corpusFile(const QString &name) const
{
    return QDir(qEnvironmentVariable("HERON_TEST_DATA")).filePath(QStringLiteral("html/hostile/") + name);
}

void TestHostileHtml::corpusIsThere()
{
    const QDir dir(QFileInfo(corpusFile(QStringLiteral("x"))).absolutePath());
    const QStringList files = dir.entryList({QStringLiteral("*.html")}, QDir::Files);
    QVERIFY2(files.size() >= 30, qPrintable(dir.path()));
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(file.readLine().startsWith("<!-- attacks: "), qPrintable(name));
    }
}

Store::MessageMetadata TestHostileHtml::message(const QString &html)
{
    Store::MessageMetadata result;
    result.id = m_nextId++;
    result.subject = QStringLiteral("Hostile %1").arg(result.id);
    result.from = {{QStringLiteral("Sender"), QStringLiteral("sender@example.org")}};
    Store::MessagePart text;
    text.section = QStringLiteral("1");
    text.mimeType = QStringLiteral("text/html");
    text.charset = QStringLiteral("utf-8");
    Store::MessagePart logo;
    logo.section = QStringLiteral("2");
    logo.mimeType = QStringLiteral("image/png");
    logo.contentId = QStringLiteral("logo@example");
    result.parts = {text, logo};
    m_html.insert(result.id, html.toUtf8());
    return result;
}

// The owner's side: answers every part at once, as a warm cache would.
void TestHostileHtml::answerParts(MessageView *view)
{
    connect(view, &MessageView::partNeeded, view, [this, view](qint64 id, const QString &section) {
        if (section == QLatin1String("1"))
            view->partArrived(id, section, m_html.value(id));
        else
            view->partArrived(id, section, Test::pngBytes(4, 4));
    });
}

void TestHostileHtml::hostileMessage_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QFileInfo(corpusFile(QStringLiteral("x"))).absolutePath());
    for (const QString &name : dir.entryList({QStringLiteral("*.html")}, QDir::Files))
        QTest::newRow(qPrintable(name)) << name;
}

void TestHostileHtml::hostileMessage()
{
    QFETCH(QString, file);
    QFile source(corpusFile(file));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QString html = QString::fromUtf8(source.readAll());
    html.replace(QStringLiteral("{{SINK}}"), m_sink.base()).replace(QStringLiteral("{{SINK_HOST}}"), m_sink.host());
    QVERIFY(html.contains(m_sink.host()) || !html.contains(QStringLiteral("{{")));

    auto view = std::make_unique<MessageView>();
    view->setLinkPolicy(LinkPolicy([this](const QUrl &url) { m_opened.append(url); return true; },
                                   [this](const LinkPolicy::Decision &decision, QWidget *) {
                                       m_asked.append(decision);
                                       return true;
                                   }));
    answerParts(view.get());
    view->resize(800, 600);
    view->show();
    QVERIFY(QTest::qWaitForWindowExposed(view.get()));
    view->showMessage(message(html));
    auto *browser = view->findChild<MessageBrowser *>(QStringLiteral("body"));
    QVERIFY(browser);
    view->grab();  // lays out and paints the document: every image it has is asked for now

    // Nothing remote reached the sink, and nothing is waiting to.
    QVERIFY2(!QTest::qWaitFor([this] { return m_sink.touched(); }, kQuietMs),
             qPrintable(m_sink.paths().join(QLatin1Char(' '))));

    // No script, no handler, no script URL in what the engine holds.
    const QString rendered = browser->toHtml();
    const QString lower = rendered.toLower();
    for (const char *forbidden : {"<script", "javascript:", "vbscript:", "data:text", "<iframe", "<object", "<embed",
                                  "<form", "<input", "<meta http-equiv", "<link", "<base", "<svg", "@import"})
        QVERIFY2(!lower.contains(QLatin1String(forbidden)), forbidden);
    QVERIFY2(!eventHandler().match(rendered).hasMatch(), qPrintable(eventHandler().match(rendered).captured()));

    // The images are the message's own or nothing: remote ones and local files are the empty image.
    for (const QUrl &image : browser->imageSources()) {
        const QString scheme = image.scheme().toLower();
        QVERIFY2(scheme == QLatin1String("cid") || scheme == QLatin1String("data"), qPrintable(image.toString()));
        const QImage loaded = browser->loadResource(QTextDocument::ImageResource, image).value<QImage>();
        if (image != QUrl(QStringLiteral("cid:logo@example")))
            QCOMPARE(loaded.size(), QSize(1, 1));
    }

    // Click every link for real: the browser navigates nowhere and only web and mail links open.
    const QString text = browser->toPlainText();
    m_opened.clear();
    const QList<std::pair<int, QString>> links = anchors(browser->document());
    for (const auto &[position, href] : links) {
        QTextCursor cursor(browser->document());
        cursor.setPosition(position + 1);
        browser->setTextCursor(cursor);
        browser->ensureCursorVisible();
        const QPoint point = browser->cursorRect(cursor).center() - QPoint(2, 0);
        QSignalSpy activated(browser, &MessageBrowser::linkActivated);
        QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, point);
        QVERIFY2(activated.size() == 1 || href.startsWith(QLatin1Char('#')), qPrintable(href));
    }
    for (const QUrl &opened : std::as_const(m_opened)) {
        const QString scheme = opened.scheme().toLower();
        QVERIFY2(scheme == QLatin1String("http") || scheme == QLatin1String("https") ||
                         scheme == QLatin1String("mailto"),
                 qPrintable(opened.toString()));
    }
    QVERIFY(browser->source().isEmpty());
    QCOMPARE(browser->toPlainText(), text);
    if (file == QLatin1String("link-text-mismatch.html")) {
        // Both links are misleading: each was asked about before it opened.
        QCOMPARE(links.size(), 2);
        QCOMPARE(m_asked.size(), 2);
        QCOMPARE(m_asked.at(0).shownHost, QStringLiteral("www.bank.example"));
        QCOMPARE(m_opened.size(), 2);
    }
    QVERIFY2(!QTest::qWaitFor([this] { return m_sink.touched(); }, kQuietMs),
             qPrintable(m_sink.paths().join(QLatin1Char(' '))));
    m_views.push_back(std::move(view));
}

void TestHostileHtml::nothingReachedTheSinkAfterAll()
{
    QVERIFY(m_views.size() >= 30);
    for (const auto &view : m_views)
        view->grab();
    QVERIFY2(!QTest::qWaitFor([this] { return m_sink.touched(); }, 4 * kQuietMs),
             qPrintable(m_sink.paths().join(QLatin1Char(' '))));
    QCOMPARE(m_sink.connections(), 0);
}

void TestHostileHtml::remoteContentLoadsOnlyItsImagesWhenAllowed()
{
    QFile source(corpusFile(QStringLiteral("remote-images-control.html")));
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QString html = QString::fromUtf8(source.readAll()).replace(QStringLiteral("{{SINK}}"), m_sink.base());

    MessageView view;
    answerParts(&view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showMessage(message(html));
    view.grab();
    QVERIFY(!QTest::qWaitFor([this] { return m_sink.touched(); }, kQuietMs));

    auto *button = view.findChild<QPushButton *>(QStringLiteral("loadRemoteButton"));
    QVERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(!button->isVisible());

    // The two images, the repeated one once; not the CSS background, not the link.
    const QStringList expected = {QStringLiteral("/control/a.png"), QStringLiteral("/control/b.png")};
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.paths().size(), 2, 10'000);
    QStringList paths = m_sink.paths();
    paths.sort();
    QCOMPARE(paths, expected);
    auto *browser = view.findChild<MessageBrowser *>(QStringLiteral("body"));
    const QUrl a(m_sink.base() + QStringLiteral("/control/a.png"));
    QTRY_COMPARE(browser->loadResource(QTextDocument::ImageResource, a).value<QImage>().size(), QSize(2, 3));
    view.grab();
    QVERIFY2(!QTest::qWaitFor([this] { return m_sink.paths().size() > 2; }, 4 * kQuietMs),
             qPrintable(m_sink.paths().join(QLatin1Char(' '))));
    QCOMPARE(m_sink.connections(), 2);
}

void TestHostileHtml::cleanupTestCase()
{
    m_views.clear();
}

QTEST_MAIN(TestHostileHtml)
#include "tst_hostilehtml.moc"
