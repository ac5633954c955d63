// SPDX-License-Identifier: GPL-3.0-or-later
#include "accountsettings.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QSslCertificate>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Heron::Accounts {

namespace {

constexpr int kJsonVersion = 1;
constexpr int kMinBatchSize = SyncOptions::kMinBatchSize;
constexpr int kMaxBatchSize = SyncOptions::kMaxBatchSize;
constexpr int kMinConnections = SyncOptions::kMinConnections;
constexpr int kMaxConnections = SyncOptions::kMaxConnections;
constexpr int kMinPollSeconds = SyncOptions::kMinPollIntervalSeconds;
constexpr int kMaxPollSeconds = SyncOptions::kMaxPollIntervalSeconds;
constexpr int kMinFullRoundHours = SyncOptions::kMinFullRoundIntervalHours;
constexpr int kMaxFullRoundHours = SyncOptions::kMaxFullRoundIntervalHours;
constexpr int kSha256Size = 32;

QString storageName(PasswordStorage storage)
{
    return storage == PasswordStorage::ProfileFile ? QStringLiteral("profile-file") : QStringLiteral("keychain");
}

std::optional<PasswordStorage> storageFromName(const QString &name)
{
    if (name == QLatin1String("keychain"))
        return PasswordStorage::Keychain;
    if (name == QLatin1String("profile-file"))
        return PasswordStorage::ProfileFile;
    return std::nullopt;
}

QString windowKindName(SyncWindow::Kind kind)
{
    switch (kind) {
    case SyncWindow::Kind::Off:
        return QStringLiteral("off");
    case SyncWindow::Kind::LastDays:
        return QStringLiteral("days");
    case SyncWindow::Kind::Since:
        return QStringLiteral("since");
    }
    return QStringLiteral("off");
}

std::optional<SyncWindow::Kind> windowKindFromName(const QString &name)
{
    if (name == QLatin1String("off"))
        return SyncWindow::Kind::Off;
    if (name == QLatin1String("days"))
        return SyncWindow::Kind::LastDays;
    if (name == QLatin1String("since"))
        return SyncWindow::Kind::Since;
    return std::nullopt;
}

bool hasSpaceOrControl(const QString &text)
{
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return true;
    }
    return false;
}

bool isLoopbackHost(const QString &host)
{
    QString name = host.trimmed();
    if (name.startsWith(QLatin1Char('[')) && name.endsWith(QLatin1Char(']')))
        name = name.mid(1, name.size() - 2);
    if (name.endsWith(QLatin1Char('.')))
        name.chop(1);
    if (name.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(name);
    return !address.isNull() && address.isLoopback();
}

// The latest date that is "today" somewhere the user could be: the local date or the UTC date.
QDate latestToday()
{
    const QDate local = QDate::currentDate();
    const QDate utc = QDateTime::currentDateTimeUtc().date();
    return local > utc ? local : utc;
}

Error invalid(const QString &message)
{
    return makeError(Error::Code::InvalidInput, message);
}

Error rangeError(const QString &what, int min, int max, qint64 value)
{
    return invalid(QStringLiteral("%1 must be between %2 and %3 (it is %4).")
                           .arg(what, QString::number(min), QString::number(max), QString::number(value)));
}

// Reads the fields of one JSON object, remembering the path of the object so that every error
// names the field as "imap.port" or "sync.batchSize". A missing key keeps the default; a key of
// the wrong type or out of range is an error.
class FieldReader {
public:
    FieldReader(const QJsonObject &object, QString prefix) : m_object(object), m_prefix(std::move(prefix)) {}

    QString path(const QString &key) const { return m_prefix.isEmpty() ? key : m_prefix + QLatin1Char('.') + key; }

    Error fieldError(const QString &key, const QString &expected) const
    {
        return invalid(QStringLiteral("The account settings are damaged: \"%1\" must be %2.").arg(path(key), expected));
    }

    std::optional<Error> readString(const QString &key, QString &out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return std::nullopt;
        if (!value.isString())
            return fieldError(key, QStringLiteral("text"));
        out = value.toString();
        return std::nullopt;
    }

    std::optional<Error> readBool(const QString &key, bool &out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return std::nullopt;
        if (!value.isBool())
            return fieldError(key, QStringLiteral("true or false"));
        out = value.toBool();
        return std::nullopt;
    }

    template <typename Int>
    std::optional<Error> readInt(const QString &key, Int &out, qint64 min, qint64 max) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return std::nullopt;
        const QString expected = QStringLiteral("a whole number from %1 to %2").arg(min).arg(max);
        if (!value.isDouble())
            return fieldError(key, expected);
        const double number = value.toDouble();
        if (!std::isfinite(number) || std::floor(number) != number || number < double(min) || number > double(max))
            return fieldError(key, expected);
        out = static_cast<Int>(number);
        return std::nullopt;
    }

    std::optional<Error> readStringList(const QString &key, QStringList &out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return std::nullopt;
        if (!value.isArray())
            return fieldError(key, QStringLiteral("a list of texts"));
        QStringList result;
        for (const QJsonValue &item : value.toArray()) {
            if (!item.isString())
                return fieldError(key, QStringLiteral("a list of texts"));
            result.append(item.toString());
        }
        out = result;
        return std::nullopt;
    }

    // A nested object; a missing one reads as empty (all defaults).
    std::optional<Error> readObject(const QString &key, QJsonObject &out) const
    {
        const QJsonValue value = m_object.value(key);
        if (value.isUndefined())
            return std::nullopt;
        if (!value.isObject())
            return fieldError(key, QStringLiteral("an object"));
        out = value.toObject();
        return std::nullopt;
    }

    template <typename Enum>
    std::optional<Error> readName(const QString &key, Enum &out, std::optional<Enum> (*fromName)(const QString &),
                                  const QString &allowed) const
    {
        QString name;
        bool present = m_object.contains(key);
        if (auto error = readString(key, name))
            return error;
        if (!present)
            return std::nullopt;
        const std::optional<Enum> parsed = fromName(name);
        if (!parsed)
            return fieldError(key, QStringLiteral("one of %1").arg(allowed));
        out = *parsed;
        return std::nullopt;
    }

private:
    QJsonObject m_object;
    QString m_prefix;
};

std::optional<Error> readPins(const FieldReader &imap, const QJsonObject &object, QList<Imap::CertificatePin> &out)
{
    const QJsonValue value = object.value(QStringLiteral("pins"));
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isArray())
        return imap.fieldError(QStringLiteral("pins"), QStringLiteral("a list of certificate exceptions"));
    QList<Imap::CertificatePin> pins;
    const QJsonArray array = value.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString prefix = imap.path(QStringLiteral("pins[%1]").arg(i));
        if (!array.at(i).isObject())
            return invalid(QStringLiteral("The account settings are damaged: \"%1\" must be an object.").arg(prefix));
        const FieldReader reader(array.at(i).toObject(), prefix);
        Imap::CertificatePin pin;
        QString sha256;
        if (auto error = reader.readString(QStringLiteral("host"), pin.host))
            return error;
        if (auto error = reader.readInt(QStringLiteral("port"), pin.port, 1, 65535))
            return error;
        if (auto error = reader.readString(QStringLiteral("sha256"), sha256))
            return error;
        const auto decoded = QByteArray::fromBase64Encoding(sha256.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (pin.host.isEmpty())
            return reader.fieldError(QStringLiteral("host"), QStringLiteral("a host name"));
        if (pin.port == 0)
            return reader.fieldError(QStringLiteral("port"), QStringLiteral("a whole number from 1 to 65535"));
        if (!decoded || decoded.decoded.size() != kSha256Size)
            return reader.fieldError(QStringLiteral("sha256"), QStringLiteral("a SHA-256 digest in base64"));
        pin.publicKeySha256 = decoded.decoded;
        pins.append(pin);
    }
    out = pins;
    return std::nullopt;
}

}  // namespace

QString securityName(Imap::Security security)
{
    switch (security) {
    case Imap::Security::ImplicitTls:
        return QStringLiteral("tls");
    case Imap::Security::StartTls:
        return QStringLiteral("starttls");
    case Imap::Security::None:
        return QStringLiteral("none");
    }
    return QStringLiteral("tls");
}

std::optional<Imap::Security> securityFromName(const QString &name)
{
    if (name == QLatin1String("tls"))
        return Imap::Security::ImplicitTls;
    if (name == QLatin1String("starttls"))
        return Imap::Security::StartTls;
    if (name == QLatin1String("none"))
        return Imap::Security::None;
    return std::nullopt;
}

QString strategyName(SyncStrategy strategy)
{
    switch (strategy) {
    case SyncStrategy::Automatic:
        return QStringLiteral("automatic");
    case SyncStrategy::QResync:
        return QStringLiteral("qresync");
    case SyncStrategy::CondStore:
        return QStringLiteral("condstore");
    case SyncStrategy::Plain:
        return QStringLiteral("plain");
    }
    return QStringLiteral("automatic");
}

std::optional<SyncStrategy> strategyFromName(const QString &name)
{
    const QString lower = name.trimmed().toLower();
    if (lower == QLatin1String("automatic"))
        return SyncStrategy::Automatic;
    if (lower == QLatin1String("qresync"))
        return SyncStrategy::QResync;
    if (lower == QLatin1String("condstore"))
        return SyncStrategy::CondStore;
    if (lower == QLatin1String("plain"))
        return SyncStrategy::Plain;
    return std::nullopt;
}

// LastDays N holds N calendar days counted in UTC, today included: N = 1 is today since UTC
// midnight, N = 2 adds yesterday, and so on. An out-of-range N (which validate() refuses) is
// clamped rather than turned into "no window", so a damaged value never widens the sync to the
// whole folder.
QDateTime SyncWindow::start(const QDateTime &now) const
{
    switch (kind) {
    case Kind::Off:
        return {};
    case Kind::LastDays: {
        const int span = std::clamp(days, 1, kMaxDays);
        const QDate first = now.toUTC().date().addDays(-(span - 1));
        return QDateTime(first, QTime(0, 0), Qt::UTC);
    }
    case Kind::Since:
        if (!sinceDate.isValid())
            return {};
        return QDateTime(sinceDate, QTime(0, 0), Qt::UTC);
    }
    return {};
}

Result<bool> AccountSettings::validate() const
{
    const qsizetype at = email.indexOf(QLatin1Char('@'));
    if (email.isEmpty())
        return invalid(QStringLiteral("Enter the email address of the account."));
    if (at <= 0 || at == email.size() - 1 || email.indexOf(QLatin1Char('@'), at + 1) >= 0 || hasSpaceOrControl(email))
        return invalid(QStringLiteral("\"%1\" is not an email address. Enter it as name@example.org: one @, "
                                      "with the name before it and the domain after it, and no spaces.")
                               .arg(email));
    if (imapHost.isEmpty())
        return invalid(QStringLiteral("Enter the name of the IMAP server (for example imap.example.org)."));
    if (hasSpaceOrControl(imapHost))
        return invalid(QStringLiteral("The IMAP server name \"%1\" contains spaces or invisible characters. "
                                      "Enter it without them.")
                               .arg(imapHost));
    if (imapPort == 0)
        return invalid(QStringLiteral("The IMAP port must be between 1 and 65535 (usually 993 for TLS, "
                                      "143 for STARTTLS)."));
    if (userName.isEmpty())
        return invalid(QStringLiteral("Enter the user name for the IMAP server (often the email address)."));
    if (imapSecurity == Imap::Security::None && !(allowCleartextOnLoopback && isLoopbackHost(imapHost)))
        return makeError(Error::Code::Security,
                         QStringLiteral("Unencrypted connections are only allowed to this computer. Choose TLS or "
                                        "STARTTLS for %1.")
                                 .arg(imapHost));
    if (!caCertificatesFile.isEmpty()) {
        if (!QFileInfo(caCertificatesFile).isFile())
            return invalid(QStringLiteral("The CA certificates file %1 does not exist. Choose an existing PEM file "
                                          "or leave it empty to trust the system's certificates.")
                                   .arg(caCertificatesFile));
        if (QSslCertificate::fromPath(caCertificatesFile, QSsl::Pem, QSslCertificate::PatternSyntax::FixedString)
                    .isEmpty())
            return invalid(QStringLiteral("The file %1 holds no PEM certificate. Choose a file with one or more "
                                          "\"BEGIN CERTIFICATE\" blocks.")
                                   .arg(caCertificatesFile));
    }
    for (const Imap::CertificatePin &pin : pins) {
        if (pin.host.isEmpty() || pin.port == 0 || pin.publicKeySha256.size() != kSha256Size)
            return invalid(QStringLiteral("A certificate exception is incomplete. Remove it and accept the "
                                          "certificate again."));
    }
    switch (window.kind) {
    case SyncWindow::Kind::Off:
        break;
    case SyncWindow::Kind::LastDays:
        if (window.days < 1 || window.days > SyncWindow::kMaxDays)
            return rangeError(QStringLiteral("The number of days to keep"), 1, SyncWindow::kMaxDays, window.days);
        break;
    case SyncWindow::Kind::Since:
        if (!window.sinceDate.isValid())
            return invalid(QStringLiteral("Enter the date from which to keep mail, as YYYY-MM-DD."));
        if (window.sinceDate > latestToday())
            return invalid(QStringLiteral("The date from which to keep mail (%1) is in the future. Choose today "
                                          "or an earlier day.")
                                   .arg(window.sinceDate.toString(Qt::ISODate)));
        break;
    }
    if (sync.batchSize < kMinBatchSize || sync.batchSize > kMaxBatchSize)
        return rangeError(QStringLiteral("The batch size"), kMinBatchSize, kMaxBatchSize, sync.batchSize);
    if (sync.maxConnections < kMinConnections || sync.maxConnections > kMaxConnections)
        return rangeError(QStringLiteral("The number of connections"), kMinConnections, kMaxConnections,
                          sync.maxConnections);
    if (sync.pollIntervalSeconds < kMinPollSeconds || sync.pollIntervalSeconds > kMaxPollSeconds)
        return rangeError(QStringLiteral("The polling interval in seconds"), kMinPollSeconds, kMaxPollSeconds,
                          sync.pollIntervalSeconds);
    if (sync.fullRoundIntervalHours < kMinFullRoundHours || sync.fullRoundIntervalHours > kMaxFullRoundHours)
        return rangeError(QStringLiteral("The interval between full syncs in hours"), kMinFullRoundHours,
                          kMaxFullRoundHours, sync.fullRoundIntervalHours);
    return true;
}

Imap::SessionSettings AccountSettings::sessionSettings() const
{
    Imap::SessionSettings settings;
    settings.host = imapHost;
    settings.port = imapPort;
    settings.security = imapSecurity;
    settings.allowCleartextOnLoopback = allowCleartextOnLoopback;
    settings.pins = pins;
    // An unreadable file gives no extra certificate: the server is then checked against the
    // system's CAs only, which fails closed.
    if (!caCertificatesFile.isEmpty())
        settings.extraCaCertificates = QSslCertificate::fromPath(caCertificatesFile, QSsl::Pem,
                                                                 QSslCertificate::PatternSyntax::FixedString);
    return settings;
}

QByteArray AccountSettings::toJson() const
{
    QJsonArray pinArray;
    for (const Imap::CertificatePin &pin : pins) {
        pinArray.append(QJsonObject{
                {QStringLiteral("host"), pin.host},
                {QStringLiteral("port"), int(pin.port)},
                {QStringLiteral("sha256"), QString::fromLatin1(pin.publicKeySha256.toBase64())},
        });
    }
    const QJsonObject imap{
            {QStringLiteral("host"), imapHost},
            {QStringLiteral("port"), int(imapPort)},
            {QStringLiteral("security"), securityName(imapSecurity)},
            {QStringLiteral("userName"), userName},
            {QStringLiteral("allowCleartextOnLoopback"), allowCleartextOnLoopback},
            {QStringLiteral("caCertificatesFile"), caCertificatesFile},
            {QStringLiteral("pins"), pinArray},
    };
    QJsonObject windowObject{
            {QStringLiteral("kind"), windowKindName(window.kind)},
            {QStringLiteral("days"), window.days},
    };
    if (window.sinceDate.isValid())
        windowObject.insert(QStringLiteral("since"), window.sinceDate.toString(Qt::ISODate));
    const QJsonObject syncObject{
            {QStringLiteral("strategy"), strategyName(sync.strategy)},
            {QStringLiteral("batchSize"), sync.batchSize},
            {QStringLiteral("maxConnections"), sync.maxConnections},
            {QStringLiteral("pollIntervalSeconds"), sync.pollIntervalSeconds},
            {QStringLiteral("fullRoundIntervalHours"), sync.fullRoundIntervalHours},
            {QStringLiteral("push"), sync.push},
    };
    const QJsonObject root{
            {QStringLiteral("version"), kJsonVersion},
            {QStringLiteral("key"), key},
            {QStringLiteral("email"), email},
            {QStringLiteral("displayName"), displayName},
            {QStringLiteral("imap"), imap},
            {QStringLiteral("passwordStorage"), storageName(passwordStorage)},
            {QStringLiteral("window"), windowObject},
            {QStringLiteral("sync"), syncObject},
            {QStringLiteral("initiallySelected"), QJsonArray::fromStringList(initiallySelected)},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// Checks the shape of the JSON (types, names, ranges), not the meaning: a stored account whose
// CA file went missing must still load so that the user can fix it; validate() is for edits.
Result<AccountSettings> AccountSettings::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return invalid(QStringLiteral("The account settings are damaged: %1 at offset %2.")
                               .arg(parseError.errorString())
                               .arg(parseError.offset));
    if (!document.isObject())
        return invalid(QStringLiteral("The account settings are damaged: they are not a JSON object."));
    const QJsonObject root = document.object();
    const FieldReader reader(root, QString());

    if (!root.contains(QStringLiteral("version")))
        return reader.fieldError(QStringLiteral("version"), QStringLiteral("present"));
    int version = 0;
    if (auto error = reader.readInt(QStringLiteral("version"), version, 1, std::numeric_limits<int>::max()))
        return *error;
    if (version > kJsonVersion)
        return makeError(Error::Code::Unsupported,
                         QStringLiteral("The account settings were written by a newer version of Heron (format %1; "
                                        "this version reads format %2). Update Heron.")
                                 .arg(version)
                                 .arg(kJsonVersion));

    AccountSettings settings;
    QJsonObject imapObject;
    QJsonObject windowObject;
    QJsonObject syncObject;
    const std::optional<Error> rootErrors[] = {
            reader.readString(QStringLiteral("key"), settings.key),
            reader.readString(QStringLiteral("email"), settings.email),
            reader.readString(QStringLiteral("displayName"), settings.displayName),
            reader.readObject(QStringLiteral("imap"), imapObject),
            reader.readName(QStringLiteral("passwordStorage"), settings.passwordStorage, &storageFromName,
                            QStringLiteral("\"keychain\", \"profile-file\"")),
            reader.readObject(QStringLiteral("window"), windowObject),
            reader.readObject(QStringLiteral("sync"), syncObject),
            reader.readStringList(QStringLiteral("initiallySelected"), settings.initiallySelected),
    };
    for (const auto &error : rootErrors) {
        if (error)
            return *error;
    }

    const FieldReader imap(imapObject, QStringLiteral("imap"));
    const std::optional<Error> imapErrors[] = {
            imap.readString(QStringLiteral("host"), settings.imapHost),
            imap.readInt(QStringLiteral("port"), settings.imapPort, 1, 65535),
            imap.readName(QStringLiteral("security"), settings.imapSecurity, &securityFromName,
                          QStringLiteral("\"tls\", \"starttls\", \"none\"")),
            imap.readString(QStringLiteral("userName"), settings.userName),
            imap.readBool(QStringLiteral("allowCleartextOnLoopback"), settings.allowCleartextOnLoopback),
            imap.readString(QStringLiteral("caCertificatesFile"), settings.caCertificatesFile),
            readPins(imap, imapObject, settings.pins),
    };
    for (const auto &error : imapErrors) {
        if (error)
            return *error;
    }

    const FieldReader window(windowObject, QStringLiteral("window"));
    QString since;
    const bool hasSince = windowObject.contains(QStringLiteral("since"));
    const std::optional<Error> windowErrors[] = {
            window.readName(QStringLiteral("kind"), settings.window.kind, &windowKindFromName,
                            QStringLiteral("\"off\", \"days\", \"since\"")),
            window.readInt(QStringLiteral("days"), settings.window.days, 0, SyncWindow::kMaxDays),
            window.readString(QStringLiteral("since"), since),
    };
    for (const auto &error : windowErrors) {
        if (error)
            return *error;
    }
    if (hasSince) {
        settings.window.sinceDate = QDate::fromString(since, Qt::ISODate);
        if (!settings.window.sinceDate.isValid())
            return window.fieldError(QStringLiteral("since"), QStringLiteral("a date written YYYY-MM-DD"));
    }
    if (settings.window.kind == SyncWindow::Kind::LastDays && settings.window.days < 1)
        return window.fieldError(QStringLiteral("days"),
                                 QStringLiteral("a whole number from 1 to %1").arg(SyncWindow::kMaxDays));
    if (settings.window.kind == SyncWindow::Kind::Since && !settings.window.sinceDate.isValid())
        return window.fieldError(QStringLiteral("since"), QStringLiteral("a date written YYYY-MM-DD"));

    const FieldReader sync(syncObject, QStringLiteral("sync"));
    const std::optional<Error> syncErrors[] = {
            sync.readName(QStringLiteral("strategy"), settings.sync.strategy, &strategyFromName,
                          QStringLiteral("\"automatic\", \"qresync\", \"condstore\", \"plain\"")),
            sync.readInt(QStringLiteral("batchSize"), settings.sync.batchSize, kMinBatchSize, kMaxBatchSize),
            sync.readInt(QStringLiteral("maxConnections"), settings.sync.maxConnections, kMinConnections,
                         kMaxConnections),
            sync.readInt(QStringLiteral("pollIntervalSeconds"), settings.sync.pollIntervalSeconds, kMinPollSeconds,
                         kMaxPollSeconds),
            sync.readInt(QStringLiteral("fullRoundIntervalHours"), settings.sync.fullRoundIntervalHours,
                         kMinFullRoundHours, kMaxFullRoundHours),
            sync.readBool(QStringLiteral("push"), settings.sync.push),
    };
    for (const auto &error : syncErrors) {
        if (error)
            return *error;
    }
    return settings;
}

}  // namespace Heron::Accounts
