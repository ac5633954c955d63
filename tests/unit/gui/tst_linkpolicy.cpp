// SPDX-License-Identifier: GPL-3.0-or-later
// LinkPolicy: which links open, which ask first, which never open, and what is left of a mailto:
// link; at the edges (look-alike hosts, user info, invisible characters, case, punctuation).
#include "gui/linkpolicy.h"

#include <QTest>

using Heron::Gui::LinkPolicy;
using Verdict = LinkPolicy::Verdict;

class TestLinkPolicy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void verdict_data();
    void verdict();
    void hostNamedByText_data();
    void hostNamedByText();
    void mailtoKeepsOnlyAllowedFields_data();
    void mailtoKeepsOnlyAllowedFields();
    void lookAlikeTargetShowsItsAsciiForm();
    void refusedLinksReachNeitherOpenerNorQuestion();
    void misleadingLinkOpensOnlyWhenConfirmed();
    void mailtoOpensFiltered();
};

void TestLinkPolicy::verdict_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("text");
    QTest::addColumn<Verdict>("expected");

    const auto row = [](const char *name, const char *target, const char *text, Verdict verdict) {
        QTest::newRow(name) << QString::fromUtf8(target) << QString::fromUtf8(text) << verdict;
    };
    row("http", "http://example.org/", "click here", Verdict::Open);
    row("https", "https://example.org/a?b=c#d", "read more", Verdict::Open);
    row("mailto", "mailto:alice@example.org", "write to us", Verdict::Open);
    row("scheme in upper case", "HTTPS://example.org/", "site", Verdict::Open);
    row("javascript", "javascript:alert(1)", "click", Verdict::Refuse);
    row("javascript upper case", "JavaScript:alert(1)", "click", Verdict::Refuse);
    row("vbscript", "vbscript:msgbox(1)", "click", Verdict::Refuse);
    row("data html", "data:text/html;base64,PHNjcmlwdD4=", "click", Verdict::Refuse);
    row("file", "file:///etc/passwd", "click", Verdict::Refuse);
    row("ftp", "ftp://example.org/file", "click", Verdict::Refuse);
    row("custom handler", "ms-settings:privacy", "click", Verdict::Refuse);
    row("relative", "page.html", "click", Verdict::Refuse);
    row("http without host", "http:///etc/passwd", "click", Verdict::Refuse);
    row("empty", "", "click", Verdict::Refuse);

    row("text names another host", "http://evil.example/login", "www.bank.com", Verdict::Confirm);
    row("text is a URL of another host", "https://evil.example/", "https://www.bank.com/login", Verdict::Confirm);
    row("text names the host inside a sentence", "https://evil.example/", "Log in at www.bank.com today",
        Verdict::Confirm);
    row("text in brackets", "https://evil.example/", "(www.bank.com),", Verdict::Confirm);
    row("text's host as a prefix of the target", "https://www.bank.com.evil.example/", "www.bank.com",
        Verdict::Confirm);
    row("target is a parent of the text's host", "https://evil.example/", "bank.com.evil.example", Verdict::Confirm);
    row("text is an address of another domain", "mailto:help@evil.example", "help@bank.com", Verdict::Confirm);
    row("user info disguise", "http://www.bank.com@evil.example/", "click", Verdict::Confirm);
    row("user info with the shown host", "https://www.bank.com@www.bank.com/", "www.bank.com", Verdict::Confirm);
    row("look-alike text for the real host", "https://www.bank.com/", "www.b\xd0\xb0nk.com", Verdict::Confirm);
    row("look-alike target", "https://www.b\xd0\xb0nk.com/", "www.bank.com", Verdict::Confirm);

    row("same host", "https://www.bank.com/login", "www.bank.com", Verdict::Open);
    row("www dropped", "https://bank.com/", "www.bank.com", Verdict::Open);
    row("host below the text's", "https://login.bank.com/", "bank.com", Verdict::Open);
    row("case", "https://bank.com/", "WWW.BANK.COM", Verdict::Open);
    row("trailing dot", "https://bank.com/", "bank.com.", Verdict::Open);
    row("zero-width space in the text", "https://bank.com/", "www.bank\xe2\x80\x8b.com", Verdict::Open);
    row("same address", "mailto:help@bank.com?subject=Hi", "help@bank.com", Verdict::Open);
    row("text names no host", "https://tracker.example/c/123", "Unsubscribe", Verdict::Open);
    row("version number is no host", "https://example.org/", "Version 1.2", Verdict::Open);
    row("image link", "https://example.org/", "", Verdict::Open);
}

void TestLinkPolicy::verdict()
{
    QFETCH(QString, target);
    QFETCH(QString, text);
    QFETCH(Verdict, expected);
    const LinkPolicy::Decision decision = LinkPolicy::evaluate(QUrl(target), text);
    QCOMPARE(decision.verdict, expected);
    if (expected == Verdict::Refuse)
        return;
    const QString scheme = decision.target.scheme().toLower();
    QVERIFY(scheme == QLatin1String("http") || scheme == QLatin1String("https") || scheme == QLatin1String("mailto"));
    if (expected == Verdict::Confirm)
        QVERIFY(!decision.targetHost.isEmpty());
}

void TestLinkPolicy::hostNamedByText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");

    QTest::newRow("bare domain") << QStringLiteral("bank.com") << QStringLiteral("bank.com");
    QTest::newRow("www") << QStringLiteral("www.bank.com/login") << QStringLiteral("www.bank.com");
    QTest::newRow("url") << QStringLiteral("https://Secure.Bank.com:8443/x") << QStringLiteral("secure.bank.com");
    QTest::newRow("address") << QStringLiteral("Help@Bank.com") << QStringLiteral("bank.com");
    QTest::newRow("url in a sentence") << QStringLiteral("see https://a.example/ or b.example")
                                       << QStringLiteral("a.example");
    QTest::newRow("unicode to ascii") << QStringLiteral("www.bücher.example")
                                      << QString::fromLatin1(QUrl::toAce(QStringLiteral("www.bücher.example")));
    QTest::newRow("words") << QStringLiteral("Click here") << QString();
    QTest::newRow("bare domain inside a sentence is not taken") << QStringLiteral("go to bank.com") << QString();
    QTest::newRow("number") << QStringLiteral("3.14") << QString();
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("only invisible characters") << QStringLiteral("\u200b\u200e") << QString();
}

void TestLinkPolicy::hostNamedByText()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QCOMPARE(LinkPolicy::hostNamedBy(text), host);
}

void TestLinkPolicy::mailtoKeepsOnlyAllowedFields_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("filtered");

    QTest::newRow("plain") << QStringLiteral("mailto:a@b.example") << QStringLiteral("mailto:a@b.example");
    QTest::newRow("all allowed fields")
            << QStringLiteral("mailto:a@b.example?to=c@d.example&cc=e@f.example&bcc=g@h.example&subject=Hi&body=Yo")
            << QStringLiteral("mailto:a@b.example?to=c@d.example&cc=e@f.example&bcc=g@h.example&subject=Hi&body=Yo");
    QTest::newRow("attach dropped") << QStringLiteral("mailto:a@b.example?subject=Hi&attach=/etc/passwd&body=x")
                                    << QStringLiteral("mailto:a@b.example?subject=Hi&body=x");
    QTest::newRow("attachment dropped") << QStringLiteral("mailto:a@b.example?attachment=file:///home/u/.ssh/id_rsa")
                                        << QStringLiteral("mailto:a@b.example");
    QTest::newRow("header fields dropped")
            << QStringLiteral("mailto:a@b.example?from=ceo@b.example&in-reply-to=%3Cx@y%3E&reply-to=e@v.example&"
                              "x-mailer=z&subject=s")
            << QStringLiteral("mailto:a@b.example?subject=s");
    QTest::newRow("names are case-insensitive") << QStringLiteral("mailto:a@b.example?SUBJECT=s&Body=b&ATTACH=x")
                                                << QStringLiteral("mailto:a@b.example?subject=s&body=b");
    QTest::newRow("encoding kept") << QStringLiteral("mailto:a@b.example?body=line%0D%0Aline&subject=a%26b")
                                   << QStringLiteral("mailto:a@b.example?body=line%0D%0Aline&subject=a%26b");
    QTest::newRow("no recipient") << QStringLiteral("mailto:?to=a@b.example&attach=x")
                                  << QStringLiteral("mailto:?to=a@b.example");
    QTest::newRow("fragment dropped") << QStringLiteral("mailto:a@b.example#x") << QStringLiteral("mailto:a@b.example");
    QTest::newRow("not mailto") << QStringLiteral("https://example.org/?subject=x") << QString();
}

void TestLinkPolicy::mailtoKeepsOnlyAllowedFields()
{
    QFETCH(QString, url);
    QFETCH(QString, filtered);
    QCOMPARE(LinkPolicy::filterMailto(QUrl(url)).toString(QUrl::FullyEncoded), filtered);
}

void TestLinkPolicy::lookAlikeTargetShowsItsAsciiForm()
{
    const auto decision = LinkPolicy::evaluate(QUrl(QStringLiteral("https://www.b\u0430nk.com/")),
                                               QStringLiteral("www.bank.com"));
    QCOMPARE(decision.verdict, Verdict::Confirm);
    QCOMPARE(decision.shownHost, QStringLiteral("www.bank.com"));
    QVERIFY2(decision.targetHost.contains(QStringLiteral("xn--")), qPrintable(decision.targetHost));
}

void TestLinkPolicy::refusedLinksReachNeitherOpenerNorQuestion()
{
    QList<QUrl> opened;
    int asked = 0;
    const LinkPolicy policy([&](const QUrl &url) { opened.append(url); return true; },
                            [&](const LinkPolicy::Decision &, QWidget *) { ++asked; return true; });
    for (const char *target : {"javascript:alert(document.cookie)", "  javascript:alert(1)", "data:text/html,<script>",
                               "file:///etc/passwd", "vbscript:x", "about:blank", "jar:http://x!/y"}) {
        QVERIFY2(!policy.activate(QUrl(QString::fromLatin1(target)), QStringLiteral("www.bank.com"), nullptr), target);
    }
    QCOMPARE(opened.size(), 0);
    QCOMPARE(asked, 0);
}

void TestLinkPolicy::misleadingLinkOpensOnlyWhenConfirmed()
{
    QList<QUrl> opened;
    QList<LinkPolicy::Decision> asked;
    bool answer = false;
    const LinkPolicy policy([&](const QUrl &url) { opened.append(url); return true; },
                            [&](const LinkPolicy::Decision &decision, QWidget *) {
                                asked.append(decision);
                                return answer;
                            });
    const QUrl evil(QStringLiteral("http://evil.example/login"));
    QVERIFY(!policy.activate(evil, QStringLiteral("www.bank.com"), nullptr));
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first().shownHost, QStringLiteral("www.bank.com"));
    QCOMPARE(asked.first().targetHost, QStringLiteral("evil.example"));
    QVERIFY(opened.isEmpty());

    answer = true;
    QVERIFY(policy.activate(evil, QStringLiteral("www.bank.com"), nullptr));
    QCOMPARE(opened, QList<QUrl>{evil});

    // A link that says what it is opens without a question.
    QVERIFY(policy.activate(QUrl(QStringLiteral("https://bank.com/")), QStringLiteral("www.bank.com"), nullptr));
    QCOMPARE(asked.size(), 2);
    QCOMPARE(opened.size(), 2);
}

void TestLinkPolicy::mailtoOpensFiltered()
{
    QList<QUrl> opened;
    const LinkPolicy policy([&](const QUrl &url) { opened.append(url); return true; },
                            [](const LinkPolicy::Decision &, QWidget *) { return false; });
    QVERIFY(policy.activate(QUrl(QStringLiteral("mailto:a@b.example?attach=/etc/shadow&subject=x")), QString(),
                            nullptr));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().toString(), QStringLiteral("mailto:a@b.example?subject=x"));
}

QTEST_MAIN(TestLinkPolicy)
#include "tst_linkpolicy.moc"
