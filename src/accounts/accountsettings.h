// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "imap/session.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Heron::Accounts {

// How a folder's changes are found (ARCHITECTURE.md, "Sync engine — the rules"). Automatic takes
// the cheapest the server offers; the others force a path, for tests and for broken servers.
enum class SyncStrategy { Automatic, QResync, CondStore, Plain };

QString strategyName(SyncStrategy strategy);  // "automatic", "qresync", "condstore", "plain"
std::optional<SyncStrategy> strategyFromName(const QString &name);

// The names of Imap::Security in settings and on the command line: "tls", "starttls", "none".
QString securityName(Imap::Security security);
std::optional<Imap::Security> securityFromName(const QString &name);

// The sliding window: which messages' metadata is kept locally. Off keeps the whole folder.
struct SyncWindow {
    enum class Kind { Off, LastDays, Since };
    Kind kind = Kind::Off;
    int days = 0;     // LastDays: 1 .. kMaxDays
    QDate sinceDate;  // Since
    static constexpr int kMaxDays = 36500;

    // The first instant inside the window (UTC midnight of the first day), invalid when Off.
    // LastDays N counts N calendar days in UTC, today included: 1 is "since UTC midnight today",
    // 2 adds yesterday. Since is UTC midnight of sinceDate (invalid without a date).
    QDateTime start(const QDateTime &now) const;
    bool operator==(const SyncWindow &) const = default;
};

// How an account synchronizes; the defaults are what a user gets.
struct SyncOptions {
    SyncStrategy strategy = SyncStrategy::Automatic;
    int batchSize = 1000;  // UIDs per flag-scan FETCH batch, twice that for new messages (100 .. 10,000)
    int maxConnections = 3;           // per account (1 .. 10)
    int pollIntervalSeconds = 30;     // incremental rounds without push (5 .. 86,400)
    int fullRoundIntervalHours = 24;  // full rounds (1 .. 720)
    bool push = true;                 // IDLE / NOTIFY when the server offers them

    static constexpr int kMinBatchSize = 100;
    static constexpr int kMaxBatchSize = 10000;
    static constexpr int kMinConnections = 1;
    static constexpr int kMaxConnections = 10;
    static constexpr int kMinPollIntervalSeconds = 5;
    static constexpr int kMaxPollIntervalSeconds = 86400;
    static constexpr int kMinFullRoundIntervalHours = 1;
    static constexpr int kMaxFullRoundIntervalHours = 720;
    bool operator==(const SyncOptions &) const = default;
};

// Where the password lives; chosen when the account is added and never changed silently.
enum class PasswordStorage { Keychain, ProfileFile };

// One account's settings, kept in the store (accounts.settings) as JSON.
struct AccountSettings {
    QString key;  // stable identifier, generated at creation
    QString email;
    QString displayName;  // the user's name, shown in From
    QString imapHost;
    quint16 imapPort = 993;
    Imap::Security imapSecurity = Imap::Security::ImplicitTls;
    QString userName;
    // Plain IMAP with credentials is refused except to a loopback host with this set (tests, demo).
    bool allowCleartextOnLoopback = false;
    // Extra CA certificates (PEM file) trusted for this account's server; empty for the system's.
    QString caCertificatesFile;
    QList<Imap::CertificatePin> pins;
    PasswordStorage passwordStorage = PasswordStorage::Keychain;
    SyncWindow window;
    SyncOptions sync;
    // Folder paths selected for sync when the folder is first seen (INBOX and the \Sent folder
    // are selected by default whatever this says).
    QStringList initiallySelected;

    // A name for messages and the command line: the email, else the key.
    QString label() const { return email.isEmpty() ? key : email; }
    // Checks ranges and required fields; the message says what to fix. Cleartext (Security::None)
    // is refused (Error::Code::Security) unless allowCleartextOnLoopback and the host is
    // 127.0.0.0/8, ::1 or localhost. A CA file, when named, must exist and hold a PEM certificate.
    Result<bool> validate() const;
    // The extra CA certificates are read from caCertificatesFile on each call.
    Imap::SessionSettings sessionSettings() const;
    // {"version": 1, "key", "email", "displayName",
    //  "imap": {"host", "port", "security": "tls"|"starttls"|"none", "userName",
    //           "allowCleartextOnLoopback", "caCertificatesFile", "pins": [{"host", "port", "sha256" (base64)}]},
    //  "passwordStorage": "keychain"|"profile-file",
    //  "window": {"kind": "off"|"days"|"since", "days", "since": "YYYY-MM-DD"},
    //  "sync": {"strategy", "batchSize", "maxConnections", "pollIntervalSeconds", "fullRoundIntervalHours", "push"},
    //  "initiallySelected": [...]}
    QByteArray toJson() const;
    // Exact inverse of toJson(). Unknown keys are ignored and missing ones keep their defaults; a
    // wrong type or an out-of-range value is an error naming the field ("imap.port"); a newer
    // version is Error::Code::Unsupported. It checks shape, not meaning: call validate() on edits.
    static Result<AccountSettings> fromJson(const QByteArray &json);
    bool operator==(const AccountSettings &) const = default;
};

}  // namespace Heron::Accounts
