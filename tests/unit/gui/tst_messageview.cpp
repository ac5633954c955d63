// SPDX-License-Identifier: GPL-3.0-or-later
// MessageView: headers shown as text and never as markup, plain text escaped before it is
// linkified, parts that arrive late or for another message, cid: images served only from the
// message on screen, the attachment list, and the notice of a delivery report.
#include "gui/messagebrowser.h"
#include "gui/messageview.h"
#include "gui/plaintexthtml.h"
#include "unit/gui/pngbytes.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimeZone>
#include <QTreeWidget>

using namespace Heron;
using Heron::Gui::MessageBrowser;
using Heron::Gui::MessageView;

namespace {

Store::MessagePart part(const char *section, const char *type, const char *contentId = "", bool attachment = false,
                        const QString &fileName = {})
{
    Store::MessagePart result;
    result.section = QString::fromLatin1(section);
    result.mimeType = QString::fromLatin1(type);
    result.contentId = QString::fromLatin1(contentId);
    result.isAttachment = attachment;
    result.fileName = fileName;
    result.encoding = QStringLiteral("base64");
    result.charset = result.mimeType.startsWith(QLatin1String("text/")) ? QStringLiteral("utf-8") : QString();
    result.size = 4000;
    return result;
}

Store::MessageMetadata message(qint64 id, const QList<Store::MessagePart> &parts)
{
    Store::MessageMetadata result;
    result.id = id;
    result.subject = QStringLiteral("Subject %1").arg(id);
    result.from = {{QStringLiteral("Alice"), QStringLiteral("alice@example.org")}};
    result.to = {{QString(), QStringLiteral("bob@example.org")}};
    result.date = QDateTime(QDate(2024, 3, 1), QTime(9, 30), QTimeZone(3600));
    result.parts = parts;
    return result;
}

MessageBrowser *body(MessageView &view)
{
    return view.findChild<MessageBrowser *>(QStringLiteral("body"));
}

QLabel *label(MessageView &view, const char *name)
{
    return view.findChild<QLabel *>(QString::fromLatin1(name));
}

QSize imageSize(MessageBrowser *browser, const char *url)
{
    return browser->loadResource(QTextDocument::ImageResource, QUrl(QString::fromLatin1(url))).value<QImage>().size();
}

QStringList anchors(const QTextDocument *document)
{
    QStringList hrefs;
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor() && !format.anchorHref().isEmpty() && !hrefs.contains(format.anchorHref()))
                hrefs.append(format.anchorHref());
        }
    }
    return hrefs;
}

}  // namespace

class TestMessageView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void headersAreTextNotMarkup();
    void longAddressListsAreCut();
    void plainTextIsEscapedThenLinkified();
    void plainTextLinksEndWhereTheTextSaysSo_data();
    void plainTextLinksEndWhereTheTextSaysSo();
    void partsArrivingLateOrForAnotherMessage();
    void partAnsweredWhileAsking();
    void textThatFailsToLoadSaysSo();
    void htmlIsSanitizedAndRemoteContentCounted();
    void cidImagesComeOnlyFromTheMessageOnScreen();
    void trustedSendersShowRemoteContentAtOnce();
    void arrivedImageIsPainted();
    void attachmentList();
    void attachmentProgressAndFailure();
    void deliveryReportNotice();
    void clearForgetsTheMessage();
};

void TestMessageView::headersAreTextNotMarkup()
{
    MessageView view;
    Store::MessageMetadata shown = message(1, {});
    shown.from = {{QStringLiteral("<b>Boss</b> <img src=x>"), QStringLiteral("boss@evil.example")}};
    shown.subject = QStringLiteral("<script>alert(1)</script> & more\r\nBcc: everyone invoice\u202Efdp.exe");
    shown.cc = {};
    view.showMessage(shown);

    QLabel *from = label(view, "fromValue");
    QLabel *subject = label(view, "subjectValue");
    for (QLabel *value : {from, subject, label(view, "toValue"), label(view, "dateValue")})
        QCOMPARE(value->textFormat(), Qt::PlainText);
    QCOMPARE(from->text(), QStringLiteral("<b>Boss</b> <img src=x> <boss@evil.example>"));
    QVERIFY(!subject->text().contains(QLatin1Char('\n')) && !subject->text().contains(QLatin1Char('\r')));
    QVERIFY(!subject->text().contains(QChar(0x202e)));
    QVERIFY(subject->text().startsWith(QStringLiteral("<script>alert(1)</script> & more")));
    // Tooltips are rich text: the name must arrive there escaped.
    QVERIFY2(from->toolTip().contains(QStringLiteral("&lt;b&gt;Boss&lt;/b&gt;")), qPrintable(from->toolTip()));
    QVERIFY(!from->toolTip().contains(QStringLiteral("<b>")) && !from->toolTip().contains(QStringLiteral("<img")));
    QVERIFY(!label(view, "ccValue")->isVisibleTo(&view));
    QVERIFY(label(view, "toValue")->isVisibleTo(&view));
    QVERIFY(!label(view, "dateValue")->text().isEmpty());
}

void TestMessageView::longAddressListsAreCut()
{
    MessageView view;
    Store::MessageMetadata shown = message(1, {});
    shown.to.clear();
    for (int i = 0; i < MessageView::kMaxShownAddresses + 5; ++i)
        shown.to.append({QStringLiteral("R%1").arg(i), QStringLiteral("r%1@example.org").arg(i)});
    view.showMessage(shown);
    QLabel *to = label(view, "toValue");
    QVERIFY(to->text().contains(QStringLiteral("r0@example.org")));
    QVERIFY(!to->text().contains(QStringLiteral("r%1@example.org").arg(MessageView::kMaxShownAddresses)));
    QVERIFY2(to->text().endsWith(QStringLiteral("and 5 more")), qPrintable(to->text()));
    QVERIFY(to->toolTip().contains(QStringLiteral("r%1@example.org").arg(MessageView::kMaxShownAddresses + 4)));
}

void TestMessageView::plainTextIsEscapedThenLinkified()
{
    MessageView view;
    view.showMessage(message(7, {part("1", "text/plain")}));
    const QString text = QStringLiteral("<script>alert(1)</script> <b>not bold</b> &amp; stays\n"
                                        "see https://example.org/a?b=1&c=2. and <http://x.example/path>\n"
                                        "write to mailto:bob@example.org or javascript:alert(1)\n"
                                        "http://evil.example/\"><img src=http://evil.example/p.png>");
    view.partArrived(7, QStringLiteral("1"), text.toUtf8());

    QTextDocument *document = body(view)->document();
    QCOMPARE(document->toPlainText(), text);
    QCOMPARE(anchors(document),
             (QStringList{QStringLiteral("https://example.org/a?b=1&c=2"), QStringLiteral("http://x.example/path"),
                          QStringLiteral("mailto:bob@example.org"), QStringLiteral("http://evil.example/"),
                          QStringLiteral("http://evil.example/p.png")}));
    QVERIFY(body(view)->imageSources().isEmpty());
    const QString html = Gui::plainTextToHtml(text);
    QVERIFY(!html.contains(QStringLiteral("<script")) && !html.contains(QStringLiteral("<b>")) &&
            !html.contains(QStringLiteral("<img")));
}

void TestMessageView::plainTextLinksEndWhereTheTextSaysSo_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("links");

    QTest::newRow("sentence end") << QStringLiteral("Go to https://example.org/x.")
                                  << QStringList{"https://example.org/x"};
    QTest::newRow("in parentheses") << QStringLiteral("(see https://example.org/a)")
                                    << QStringList{"https://example.org/a"};
    QTest::newRow("parentheses of the URL") << QStringLiteral("https://en.example.org/wiki/Mail_(disambiguation)")
                                            << QStringList{"https://en.example.org/wiki/Mail_(disambiguation)"};
    QTest::newRow("quoted") << QStringLiteral("\"https://example.org/q\"") << QStringList{"https://example.org/q"};
    QTest::newRow("upper case scheme") << QStringLiteral("HTTPS://EXAMPLE.ORG/") << QStringList{"https://example.org/"};
    QTest::newRow("scheme alone") << QStringLiteral("http:// nothing") << QStringList{};
    QTest::newRow("mailto without address") << QStringLiteral("mailto: someone") << QStringList{};
    QTest::newRow("inside a word") << QStringLiteral("xhttp://example.org/") << QStringList{};
    QTest::newRow("ftp is not linked") << QStringLiteral("ftp://example.org/") << QStringList{};
    QTest::newRow("no scheme") << QStringLiteral("www.example.org") << QStringList{};
}

void TestMessageView::plainTextLinksEndWhereTheTextSaysSo()
{
    QFETCH(QString, text);
    QFETCH(QStringList, links);
    QTextDocument document;
    document.setHtml(Gui::plainTextToHtml(text));
    QCOMPARE(document.toPlainText(), text);
    QCOMPARE(anchors(&document), links);
}

void TestMessageView::partsArrivingLateOrForAnotherMessage()
{
    MessageView view;
    QSignalSpy needed(&view, &MessageView::partNeeded);
    view.showMessage(message(1, {part("1", "text/plain")}));
    QCOMPARE(needed.size(), 1);
    QCOMPARE(needed.at(0).at(0).toLongLong(), 1);
    QCOMPARE(needed.at(0).at(1).toString(), QStringLiteral("1"));
    const QString loading = body(view)->toPlainText();
    QVERIFY(!loading.isEmpty());

    view.showMessage(message(2, {part("1", "text/html"), part("2", "text/plain")}));
    QCOMPARE(needed.size(), 2);
    QCOMPARE(needed.at(1).at(0).toLongLong(), 2);
    QCOMPARE(needed.at(1).at(1).toString(), QStringLiteral("1"));  // HTML preferred by default

    // The same section, for the message shown before.
    view.partArrived(1, QStringLiteral("1"), "text of the first message");
    QCOMPARE(body(view)->toPlainText(), loading);
    view.partArrived(2, QStringLiteral("2"), "the alternative nobody asked for");
    QCOMPARE(body(view)->toPlainText(), loading);
    view.partFailed(1, QStringLiteral("1"), QStringLiteral("stale failure"));
    QCOMPARE(body(view)->toPlainText(), loading);

    view.partArrived(2, QStringLiteral("1"), "<p>second <b>message</b></p>");
    QCOMPARE(body(view)->toPlainText(), QStringLiteral("second message"));
    // A second answer for a part already shown changes nothing.
    view.partArrived(2, QStringLiteral("1"), "<p>replaced</p>");
    QCOMPARE(body(view)->toPlainText(), QStringLiteral("second message"));
    QCOMPARE(needed.size(), 2);

    view.setTextPreference(Store::TextPreference::Plain);
    view.showMessage(message(3, {part("1", "text/plain"), part("2", "text/html")}));
    QCOMPARE(needed.last().at(1).toString(), QStringLiteral("1"));
    QCOMPARE(view.textSection(), QStringLiteral("1"));
}

void TestMessageView::partAnsweredWhileAsking()
{
    MessageView view;
    connect(&view, &MessageView::partNeeded, &view, [&view](qint64 id, const QString &section) {
        view.partArrived(id, section, QByteArray("from the cache: \xc3\xa9t\xc3\xa9"));
    });
    view.showMessage(message(4, {part("1", "text/plain")}));
    QCOMPARE(body(view)->toPlainText(), QStringLiteral("from the cache: été"));
}

void TestMessageView::textThatFailsToLoadSaysSo()
{
    MessageView view;
    view.showMessage(message(5, {part("1", "text/plain")}));
    view.partFailed(5, QStringLiteral("1"), QStringLiteral("<b>The server is offline</b>"));
    QVERIFY2(body(view)->toPlainText().contains(QStringLiteral("<b>The server is offline</b>")),
             qPrintable(body(view)->toPlainText()));

    view.showMessage(message(6, {part("1", "image/png", "", true)}));
    QVERIFY(view.textSection().isEmpty());
    QVERIFY(!body(view)->toPlainText().isEmpty());
}

void TestMessageView::htmlIsSanitizedAndRemoteContentCounted()
{
    MessageView view;
    view.showMessage(message(8, {part("1", "text/html")}));
    auto *bar = view.findChild<QWidget *>(QStringLiteral("remoteContentBar"));
    QVERIFY(!bar->isVisibleTo(&view));
    view.partArrived(8, QStringLiteral("1"),
                     "<p onclick=alert(1)>Hi <a href=\"javascript:alert(1)\">x</a><a href=\"https://example.org/\">"
                     "site</a></p><img src=\"http://tracker.example/p.gif\"><div style=\"background:"
                     "url(http://tracker.example/bg)\">t</div><script>alert(2)</script>");
    QVERIFY(bar->isVisibleTo(&view));
    QVERIFY2(label(view, "remoteContentText")->text().contains(QLatin1Char('2')),
             qPrintable(label(view, "remoteContentText")->text()));
    QCOMPARE(anchors(body(view)->document()), QStringList{QStringLiteral("https://example.org/")});
    QVERIFY(body(view)->imageSources().isEmpty());
    QVERIFY(!body(view)->toHtml().contains(QStringLiteral("alert")));

    view.loadRemoteContent();
    QVERIFY(!bar->isVisibleTo(&view));
    QCOMPARE(body(view)->imageSources(), QList<QUrl>{QUrl(QStringLiteral("http://tracker.example/p.gif"))});
    // Not yet here: an empty image, never something Qt finds by itself.
    QCOMPARE(imageSize(body(view), "http://tracker.example/p.gif"), QSize(1, 1));

    // The consent is for one message only.
    view.showMessage(message(9, {part("1", "text/html")}));
    view.partArrived(9, QStringLiteral("1"), "<img src=\"http://tracker.example/p.gif\">");
    QVERIFY(bar->isVisibleTo(&view));
    QVERIFY(body(view)->imageSources().isEmpty());
}

void TestMessageView::trustedSendersShowRemoteContentAtOnce()
{
    MessageView view;
    QSignalSpy trusted(&view, &MessageView::senderTrusted);
    auto *bar = view.findChild<QWidget *>(QStringLiteral("remoteContentBar"));
    const QByteArray html = "<img src=\"http://tracker.example/p.gif\">";
    view.showMessage(message(8, {part("1", "text/html")}));
    view.partArrived(8, QStringLiteral("1"), html);
    QVERIFY(bar->isVisibleTo(&view));
    QVERIFY(body(view)->imageSources().isEmpty());

    // "Always for This Sender": this message now, and the sender's next ones without asking.
    view.findChild<QPushButton *>(QStringLiteral("alwaysRemoteButton"))->click();
    QCOMPARE(trusted.size(), 1);
    QCOMPARE(trusted.first().first().toString(), QStringLiteral("alice@example.org"));
    QVERIFY(!bar->isVisibleTo(&view));
    QCOMPARE(body(view)->imageSources(), QList<QUrl>{QUrl(QStringLiteral("http://tracker.example/p.gif"))});
    view.showMessage(message(9, {part("1", "text/html")}));
    view.partArrived(9, QStringLiteral("1"), html);
    QVERIFY(!bar->isVisibleTo(&view));
    QCOMPARE(body(view)->imageSources().size(), 1);

    // Another sender still asks; so does a view told of no trusted senders.
    Store::MessageMetadata other = message(10, {part("1", "text/html")});
    other.from = {{QStringLiteral("Mallory"), QStringLiteral("mallory@example.net")}};
    view.showMessage(other);
    view.partArrived(10, QStringLiteral("1"), html);
    QVERIFY(bar->isVisibleTo(&view));
    view.setTrustedSenders({});
    view.showMessage(message(11, {part("1", "text/html")}));
    view.partArrived(11, QStringLiteral("1"), html);
    QVERIFY(bar->isVisibleTo(&view));
    QVERIFY(body(view)->imageSources().isEmpty());
}

void TestMessageView::cidImagesComeOnlyFromTheMessageOnScreen()
{
    const QList<Store::MessagePart> parts = {part("1", "text/html"), part("2", "image/png", "<Logo@Example>"),
                                             part("3", "application/octet-stream", "blob@example")};
    const QByteArray html = "<p>Logo: <img src=\"cid:logo@example\"> <img src=\"cid:blob@example\"> "
                            "<img src=\"cid:elsewhere@example\"></p>";
    MessageView view;
    QSignalSpy needed(&view, &MessageView::partNeeded);
    view.showMessage(message(1, parts));
    view.partArrived(1, QStringLiteral("1"), html);
    // Only the image part of this message the HTML refers to is asked for.
    QCOMPARE(needed.size(), 2);
    QCOMPARE(needed.at(1).at(0).toLongLong(), 1);
    QCOMPARE(needed.at(1).at(1).toString(), QStringLiteral("2"));
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(1, 1));
    view.partArrived(1, QStringLiteral("2"), Test::pngBytes(3, 2));
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(3, 2));
    QCOMPARE(body(view)
                     ->document()
                     ->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("cid:logo@example")))
                     .value<QImage>()
                     .size(),
             QSize(3, 2));
    // Parts nobody asked for are not shown, whatever their content id.
    view.partArrived(1, QStringLiteral("3"), Test::pngBytes(9, 9));
    QCOMPARE(imageSize(body(view), "cid:blob@example"), QSize(1, 1));

    // Another message with the same content id does not see the first one's image.
    view.showMessage(message(2, parts));
    view.partArrived(2, QStringLiteral("1"), html);
    QCOMPARE(needed.last().at(0).toLongLong(), 2);
    QCOMPARE(needed.last().at(1).toString(), QStringLiteral("2"));
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(1, 1));
    QCOMPARE(body(view)
                     ->document()
                     ->resource(QTextDocument::ImageResource, QUrl(QStringLiteral("cid:logo@example")))
                     .value<QImage>()
                     .size(),
             QSize(1, 1));
    view.partArrived(1, QStringLiteral("2"), Test::pngBytes(3, 2));
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(1, 1));
    view.partArrived(2, QStringLiteral("2"), Test::pngBytes(5, 4));
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(5, 4));

    // Bytes that are no raster image (here SVG, which can load files) show nothing.
    view.showMessage(message(3, parts));
    view.partArrived(3, QStringLiteral("1"), html);
    view.partArrived(3, QStringLiteral("2"),
                     "<svg xmlns=\"http://www.w3.org/2000/svg\"><image href=\"/etc/x.png\"/></svg>");
    QCOMPARE(imageSize(body(view), "cid:logo@example"), QSize(1, 1));
}

void TestMessageView::arrivedImageIsPainted()
{
    MessageView view;
    view.resize(400, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showMessage(message(1, {part("1", "text/html"), part("2", "image/png", "logo@example")}));
    // No size in the markup: the layout must make room for the image once it is here.
    view.partArrived(1, QStringLiteral("1"), "<p><img src=\"cid:logo@example\"></p>");
    const auto redPixels = [&view] {
        const QImage shot = body(view)->viewport()->grab().toImage();
        int count = 0;
        for (int y = 0; y < std::min(shot.height(), 100); ++y) {
            for (int x = 0; x < std::min(shot.width(), 100); ++x)
                count += shot.pixelColor(x, y) == QColor(Qt::red) ? 1 : 0;
        }
        return count;
    };
    QCOMPARE(redPixels(), 0);
    view.partArrived(1, QStringLiteral("2"), Test::pngBytes(30, 20));
    QTRY_COMPARE(redPixels(), 30 * 20);
}

void TestMessageView::attachmentList()
{
    const QList<Store::MessagePart> parts = {
            part("1.1", "text/plain"),
            part("1.2", "text/html"),
            part("2", "image/png", "logo@example"),
            part("3", "image/jpeg", "unused@example"),
            part("4", "application/pdf", "", true, QStringLiteral("invoice\u202Efdp.exe")),
            part("5", "text/plain", "", true, QStringLiteral("notes.txt")),
    };
    MessageView view;
    view.showMessage(message(1, parts));
    // Until the HTML says which images it shows, those with a content id are taken as inline.
    QCOMPARE(view.attachmentSections(), (QStringList{QStringLiteral("4"), QStringLiteral("5")}));
    view.partArrived(1, QStringLiteral("1.2"), "<img src=\"cid:logo@example\">");
    QCOMPARE(view.attachmentSections(), (QStringList{QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("5")}));

    auto *list = view.findChild<QTreeWidget *>(QStringLiteral("attachmentList"));
    QVERIFY(list->isVisibleTo(&view));
    QTreeWidgetItem *invoice = list->topLevelItem(1);
    QVERIFY2(!invoice->text(0).contains(QChar(0x202e)), qPrintable(invoice->text(0)));
    QVERIFY(invoice->text(0).startsWith(QStringLiteral("invoice")));
    QVERIFY(!invoice->text(1).isEmpty());
    QVERIFY(!invoice->icon(0).isNull());
    QVERIFY(list->topLevelItem(0)->text(0).contains(QStringLiteral("3")));  // no name: the section

    auto *save = view.findChild<QPushButton *>(QStringLiteral("saveAttachmentButton"));
    auto *open = view.findChild<QPushButton *>(QStringLiteral("openAttachmentButton"));
    list->setCurrentItem(nullptr);
    QVERIFY(!save->isEnabled() && !open->isEnabled());
    QSignalSpy requested(&view, &MessageView::attachmentRequested);
    list->setCurrentItem(invoice);
    QVERIFY(save->isEnabled() && open->isEnabled());
    save->click();
    open->click();
    QCOMPARE(requested.size(), 2);
    QCOMPARE(requested.at(0).at(0).toLongLong(), 1);
    QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral("4"));
    QCOMPARE(requested.at(0).at(2).value<MessageView::AttachmentAction>(), MessageView::AttachmentAction::Save);
    QCOMPARE(requested.at(1).at(2).value<MessageView::AttachmentAction>(), MessageView::AttachmentAction::Open);

    // A plain-text message lists its images with content ids: nothing shows them inline.
    view.showMessage(message(2, {part("1", "text/plain"), part("2", "image/png", "logo@example")}));
    QCOMPARE(view.attachmentSections(), QStringList{QStringLiteral("2")});
    view.showMessage(message(3, {part("1", "text/plain")}));
    QVERIFY(view.attachmentSections().isEmpty());
    QVERIFY(!list->isVisibleTo(&view));
}

void TestMessageView::attachmentProgressAndFailure()
{
    MessageView view;
    view.showMessage(
            message(1, {part("1", "text/plain"), part("2", "application/zip", "", true, QStringLiteral("a.zip"))}));
    auto *list = view.findChild<QTreeWidget *>(QStringLiteral("attachmentList"));
    QTreeWidgetItem *zip = list->topLevelItem(0);
    view.partProgress(1, QStringLiteral("2"), 50, 200);
    QCOMPARE(zip->text(2), QStringLiteral("25 %"));
    view.partProgress(2, QStringLiteral("2"), 150, 200);  // another message
    QCOMPARE(zip->text(2), QStringLiteral("25 %"));
    view.partProgress(1, QStringLiteral("2"), 200, 200);
    QCOMPARE(zip->text(2), QString());
    view.partFailed(1, QStringLiteral("2"), QStringLiteral("<i>disk full</i>"));
    QVERIFY(!zip->text(2).isEmpty());
    QCOMPARE(zip->toolTip(2), QStringLiteral("&lt;i&gt;disk full&lt;/i&gt;"));
    view.partProgress(1, QStringLiteral("9"), 1, 2);  // no such attachment: nothing happens
}

void TestMessageView::deliveryReportNotice()
{
    MessageView view;
    auto *notice = view.findChild<QWidget *>(QStringLiteral("reportNotice"));
    auto *openOriginal = view.findChild<QPushButton *>(QStringLiteral("openOriginalButton"));
    view.showMessage(message(1, {part("1", "text/plain")}));
    QVERIFY(!notice->isVisibleTo(&view));

    Store::MessageMetadata bounce = message(2, {part("1", "text/plain"), part("2", "message/delivery-status"),
                                                part("3", "message/rfc822", "", true, QStringLiteral("Numbers.eml"))});
    bounce.isDeliveryReport = true;
    view.showMessage(bounce);
    QVERIFY(notice->isVisibleTo(&view));
    QVERIFY(!openOriginal->isVisibleTo(&view));
    QCOMPARE(view.attachmentSections(), QStringList{QStringLiteral("3")});
    const QString generic = label(view, "reportText")->text();
    QVERIFY(!generic.isEmpty());

    Mime::DeliveryReport report;
    report.originalSubject = QStringLiteral("Quarterly <b>numbers</b>");
    report.originalMessageId = "abc@example.org";
    Mime::RecipientStatus failed;
    failed.action = Mime::RecipientStatus::Action::Failed;
    failed.status = "5.1.1";
    failed.finalRecipient = QStringLiteral("carol@example.net");
    failed.diagnosticCode = QStringLiteral("550 5.1.1 <carol@example.net>: Recipient address rejected");
    Mime::RecipientStatus delayed;
    delayed.action = Mime::RecipientStatus::Action::Delayed;
    delayed.status = "4.4.7";
    delayed.finalRecipient = QStringLiteral("dave@example.net");
    report.recipients = {failed, delayed};

    view.setDeliveryReport(1, report, 77);  // for another message
    QCOMPARE(label(view, "reportText")->text(), generic);

    view.setDeliveryReport(2, report, 77);
    QLabel *text = label(view, "reportText");
    QCOMPARE(text->textFormat(), Qt::PlainText);
    QVERIFY2(text->text().contains(QStringLiteral("Quarterly <b>numbers</b>")), qPrintable(text->text()));
    QVERIFY(text->text().contains(QStringLiteral("carol@example.net")));
    QVERIFY(text->text().contains(QStringLiteral("Recipient address rejected")));
    QVERIFY(text->text().contains(QStringLiteral("dave@example.net")));
    QVERIFY(openOriginal->isVisibleTo(&view));
    QSignalSpy open(&view, &MessageView::openMessageRequested);
    openOriginal->click();
    QCOMPARE(open.size(), 1);
    QCOMPARE(open.at(0).at(0).toLongLong(), 77);

    // Unknown in the store: no button, the returned message named by its Message-ID.
    report.originalSubject.clear();
    view.setDeliveryReport(2, report, 0);
    QVERIFY(!openOriginal->isVisibleTo(&view));
    QVERIFY(label(view, "reportText")->text().contains(QStringLiteral("abc@example.org")));
}

void TestMessageView::clearForgetsTheMessage()
{
    MessageView view;
    view.showMessage(message(1, {part("1", "text/plain"), part("2", "application/pdf", "", true)}));
    view.clear();
    QCOMPARE(view.messageId(), 0);
    QVERIFY(view.attachmentSections().isEmpty());
    view.partArrived(1, QStringLiteral("1"), "late");
    QVERIFY(body(view)->toPlainText().isEmpty());
    QVERIFY(!view.findChild<QWidget *>(QStringLiteral("headerBlock"))->isVisibleTo(&view));
}

QTEST_MAIN(TestMessageView)
#include "tst_messageview.moc"
