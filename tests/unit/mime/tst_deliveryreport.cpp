// SPDX-License-Identifier: GPL-3.0-or-later
// Bounce detection: multipart/report; report-type=delivery-status (RFC 3462, RFC 3464).
#include "mime/deliveryreport.h"

#include <QFile>
#include <QTest>

using namespace Heron;
using namespace Heron::Mime;

using Action = RecipientStatus::Action;
Q_DECLARE_METATYPE(Heron::Mime::RecipientStatus::Action)

namespace {

QByteArray readData(const QString &name)
{
    const QByteArray root = qgetenv("HERON_TEST_DATA");
    QFile file(QString::fromLocal8Bit(root) + QStringLiteral("/mime/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s (is HERON_TEST_DATA set?)", qPrintable(file.fileName()));
    return file.readAll();
}

}  // namespace

class TestDeliveryReport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bounce_data();
    void bounce();
    void eximSecondRecipientIsDelayed();
    void notAReport_data();
    void notAReport();
    void statusFields_data();
    void statusFields();
};

void TestDeliveryReport::bounce_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("reportingMta");
    QTest::addColumn<int>("recipients");
    QTest::addColumn<Action>("action");
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QString>("finalRecipient");
    QTest::addColumn<QString>("diagnostic");
    QTest::addColumn<QByteArray>("originalMessageId");
    QTest::addColumn<QString>("originalSubject");

    QTest::newRow("postfix, returned message/rfc822")
            << QStringLiteral("bounce-postfix.eml") << QStringLiteral("mx.example.org") << 1 << Action::Failed
            << QByteArray("5.1.1") << QStringLiteral("nobody@example.net")
            << QStringLiteral("550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown")
            << QByteArray("original.42@example.org") << QStringLiteral("Meeting à 10h");
    QTest::newRow("exim, returned text/rfc822-headers")
            << QStringLiteral("bounce-exim.eml") << QStringLiteral("relay.example.com") << 2 << Action::Failed
            << QByteArray("5.0.0") << QStringLiteral("full@example.com") << QStringLiteral("552 5.2.2 Mailbox full")
            << QByteArray("original.exim.7@example.org") << QStringLiteral("Quarterly numbers");
}

void TestDeliveryReport::bounce()
{
    QFETCH(QString, file);
    QFETCH(QString, reportingMta);
    QFETCH(int, recipients);
    QFETCH(Action, action);
    QFETCH(QByteArray, status);
    QFETCH(QString, finalRecipient);
    QFETCH(QString, diagnostic);
    QFETCH(QByteArray, originalMessageId);
    QFETCH(QString, originalSubject);

    const Result<ParsedMessage> message = parseMessage(readData(file));
    QVERIFY(message.ok());
    const std::optional<DeliveryReport> report = parseDeliveryReport(*message);
    QVERIFY(report.has_value());
    QCOMPARE(report->reportingMta, reportingMta);
    QCOMPARE(report->recipients.size(), recipients);
    const RecipientStatus &first = report->recipients.first();
    QCOMPARE(first.action, action);
    QCOMPARE(first.status, status);
    QCOMPARE(first.finalRecipient, finalRecipient);
    QCOMPARE(first.diagnosticCode, diagnostic);
    QCOMPARE(report->originalMessageId, originalMessageId);
    QCOMPARE(report->originalSubject, originalSubject);
    QVERIFY(report->hasFailures());
}

void TestDeliveryReport::eximSecondRecipientIsDelayed()
{
    const Result<ParsedMessage> message = parseMessage(readData(QStringLiteral("bounce-exim.eml")));
    QVERIFY(message.ok());
    const std::optional<DeliveryReport> report = parseDeliveryReport(*message);
    QVERIFY(report.has_value());
    QCOMPARE(report->recipients.value(1).action, Action::Delayed);
    QCOMPARE(report->recipients.value(1).status, QByteArray("4.0.0"));
    QCOMPARE(report->recipients.value(1).finalRecipient, QStringLiteral("later@example.com"));
    QCOMPARE(report->recipients.value(0).remoteMta, QStringLiteral("mx.example.com"));
}

void TestDeliveryReport::notAReport_data()
{
    QTest::addColumn<QByteArray>("data");

    QTest::newRow("ordinary message") << readData(QStringLiteral("nested-multipart.eml"));
    QTest::newRow("report of another type")
            << QByteArray("Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n"
                          "--b\r\nContent-Type: text/plain\r\n\r\nread\r\n"
                          "--b\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/"
                          "MDN-sent-manually; displayed\r\n--b--\r\n");
    QTest::newRow("report without a status part")
            << QByteArray("Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
                          "--b\r\nContent-Type: text/plain\r\n\r\nsorry\r\n--b--\r\n");
}

void TestDeliveryReport::notAReport()
{
    QFETCH(QByteArray, data);
    const Result<ParsedMessage> message = parseMessage(data);
    QVERIFY(message.ok());
    QVERIFY(!parseDeliveryReport(*message).has_value());
}

void TestDeliveryReport::statusFields_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("recipients");
    QTest::addColumn<Action>("action");
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QString>("originalRecipient");

    QTest::newRow("lf only, lower-case names, action comment")
            << QByteArray(
                       "reporting-mta: dns; a.example\n\nfinal-recipient: rfc822; x@example.org\n"
                       "original-recipient: rfc822; X@Example.org\naction: failed (bad mailbox)\nstatus: 5.1.1 (x)\n")
            << 1 << Action::Failed << QByteArray("5.1.1") << QStringLiteral("X@Example.org");
    QTest::newRow("delivered")
            << QByteArray("Reporting-MTA: dns; a.example\r\n\r\nFinal-Recipient: rfc822;y@example.org\r\n"
                          "Action: delivered\r\nStatus: 2.0.0\r\n")
            << 1 << Action::Delivered << QByteArray("2.0.0") << QString();
    QTest::newRow("unknown action") << QByteArray("\r\nFinal-Recipient: rfc822;z@example.org\r\nAction: exploded\r\n")
                                    << 1 << Action::Unknown << QByteArray() << QString();
    QTest::newRow("empty") << QByteArray() << 0 << Action::Unknown << QByteArray() << QString();
}

void TestDeliveryReport::statusFields()
{
    QFETCH(QByteArray, body);
    QFETCH(int, recipients);
    QFETCH(Action, action);
    QFETCH(QByteArray, status);
    QFETCH(QString, originalRecipient);

    const DeliveryReport report = parseDeliveryStatusFields(body);
    QCOMPARE(report.recipients.size(), recipients);
    if (recipients) {
        QCOMPARE(report.recipients[0].action, action);
        QCOMPARE(report.recipients[0].status, status);
        QCOMPARE(report.recipients[0].originalRecipient, originalRecipient);
    }
}

QTEST_GUILESS_MAIN(TestDeliveryReport)
#include "tst_deliveryreport.moc"
