// SPDX-License-Identifier: GPL-3.0-or-later
// textPart: which part a reader sees as a message's text, for either preference.
#include "store/textpart.h"

#include <QTest>

using namespace Heron;

namespace {

Store::MessagePart part(const char *section, const char *type, bool attachment = false, const char *disposition = "")
{
    Store::MessagePart result;
    result.section = QString::fromLatin1(section);
    result.mimeType = QString::fromLatin1(type);
    result.isAttachment = attachment;
    result.disposition = QString::fromLatin1(disposition);
    return result;
}

}  // namespace

class TestTextPart : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void choice_data();
    void choice();
};

void TestTextPart::choice_data()
{
    QTest::addColumn<QList<Store::MessagePart>>("parts");
    QTest::addColumn<QString>("plainFirst");  // the section chosen, empty for none
    QTest::addColumn<QString>("htmlFirst");

    const QList<Store::MessagePart> alternative = {part("1", "text/plain"), part("2", "text/html")};
    QTest::newRow("alternative") << alternative << QStringLiteral("1") << QStringLiteral("2");
    QTest::newRow("html only") << QList{part("1", "text/html")} << QStringLiteral("1") << QStringLiteral("1");
    QTest::newRow("plain only") << QList{part("1", "TEXT/PLAIN")} << QStringLiteral("1") << QStringLiteral("1");
    QTest::newRow("attached text skipped")
            << QList{part("1", "text/plain", true), part("2", "text/html", false, "attachment"), part("3", "text/html")}
            << QStringLiteral("3") << QStringLiteral("3");
    QTest::newRow("no text") << QList{part("1", "image/png"), part("2", "application/pdf", true)} << QString()
                             << QString();
    QTest::newRow("no parts") << QList<Store::MessagePart>() << QString() << QString();
}

void TestTextPart::choice()
{
    QFETCH(QList<Store::MessagePart>, parts);
    QFETCH(QString, plainFirst);
    QFETCH(QString, htmlFirst);
    Store::MessageMetadata message;
    message.parts = parts;
    const auto plain = Store::textPart(message, Store::TextPreference::Plain);
    const auto html = Store::textPart(message, Store::TextPreference::Html);
    QCOMPARE(plain ? plain->section : QString(), plainFirst);
    QCOMPARE(html ? html->section : QString(), htmlFirst);
    QCOMPARE(Store::textPart(message) ? Store::textPart(message)->section : QString(), plainFirst);
}

QTEST_GUILESS_MAIN(TestTextPart)
#include "tst_textpart.moc"
