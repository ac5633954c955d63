// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "core/uidset.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace Heron::Test {

// A private Dovecot on loopback for integration tests, the demo and the benchmarks: its own temp
// dir, generated config, users, TLS certificates and random ports. It also acts on the mail store
// as "another device" would (flags, expunge, move, folders, UIDVALIDITY reset) through doveadm.
// Everything it started is stopped and removed when it is destroyed, even when a test fails.
class DovecotFixture : public QObject {
    Q_OBJECT

public:
    // Which certificate the server presents on the IMAPS port and after STARTTLS.
    enum class ServerCertificate {
        SignedByTestCa,  // valid for localhost and 127.0.0.1, issued by caCertificate()
        WrongHost,       // issued by caCertificate() but for wrong.heron.invalid only
        Expired,         // issued by caCertificate() for localhost, validity ended yesterday
        SelfSigned,      // for localhost, signed by itself (not by caCertificate())
    };

    enum class MailFormat { Maildir, Sdbox };

    struct Options {
        QStringList users = {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};
        QString defaultPassword = QStringLiteral("secret");
        QHash<QString, QString> passwords;            // per-user override of defaultPassword
        QChar hierarchySeparator = QLatin1Char('/');  // Maildir++ keeps '.' on disk either way
        // Fixed ports (e.g. for a demo a person connects to); 0 picks a free one for each run.
        quint16 imapPort = 0;
        quint16 imapsPort = 0;
        bool compressDeflate = true;  // load imap_zlib: COMPRESS=DEFLATE (RFC 4978)
        int maxUserIpConnections = 100;
        // Dovecot counts loopback connections as secure and allows LOGIN before STARTTLS on them
        // whatever disable_plaintext_auth says; STARTTLS-required cases need the scripted server.
        QString authMechanisms = QStringLiteral("plain login");
        // Overrides the advertised capability list ("imap_capability"), e.g. to hide CONDSTORE
        // and QRESYNC from a client; "+XFOO" appends. Empty keeps Dovecot's own list.
        QString imapCapability;
        ServerCertificate serverCertificate = ServerCertificate::SignedByTestCa;
        bool fsync = false;           // mail_fsync; off makes bulk work much faster
        bool verboseLogging = false;  // auth_verbose, mail_debug, verbose_ssl
        QByteArray extraConfig;       // appended verbatim to the generated dovecot.conf
        // How Dovecot stores mail. Maildir is what the tests use; sdbox keeps everything Dovecot
        // needs to answer STATUS in its index, where maildir re-reads a dovecot-uidlist line per
        // message on each open (about 0.1 s for 100,000 messages): benchmarks that time a
        // client's resync use sdbox so that the server's share is small.
        MailFormat mailFormat = MailFormat::Maildir;
        // Where the instance's temp dir goes. Empty: $HERON_DOVECOT_DIR if set, else /dev/shm when
        // it has 1 GiB free (a tmpfs makes bulk delivery many times faster than a busy disk), else
        // the system temp dir. Benchmarks with huge mailboxes should name a disk directory.
        QString parentDirectory;
    };

    Q_ENUM(ServerCertificate)

    enum class FlagMode { Add, Remove, Replace };

    struct MailboxStatus {
        quint32 messages = 0;
        quint32 unseen = 0;
        quint32 recent = 0;
        quint32 uidNext = 0;
        quint32 uidValidity = 0;
        quint64 highestModSeq = 0;
    };

    explicit DovecotFixture(QObject *parent = nullptr);
    ~DovecotFixture() override;

    // True when the dovecot, doveadm and openssl binaries are installed.
    static bool available();
    // Why available() is false, for QSKIP.
    static QString unavailableReason();

    // Creates everything and starts the server; returns once it greets on the IMAP port.
    // Retries with fresh ports (3 attempts) when a port was taken meanwhile.
    bool start(const Options &options);
    bool start();
    // Stops the server, makes sure no process of this instance remains, removes the temp dir.
    void stop();
    bool isRunning() const;
    QString errorString() const { return m_error; }

    QString host() const { return QStringLiteral("127.0.0.1"); }
    quint16 imapPort() const { return m_imapPort; }
    quint16 imapsPort() const { return m_imapsPort; }
    QStringList users() const { return m_options.users; }
    QString password(const QString &user) const;
    QString configPath() const;
    QString baseDir() const;
    QString instanceName() const { return m_instanceName; }
    QString lmtpSocketPath() const;
    qint64 masterPid() const { return m_masterPid; }
    QString logContents() const;
    // Milliseconds from start() to the first greeting (includes config and certificates).
    qint64 startupMilliseconds() const { return m_startupMs; }

    QSslCertificate caCertificate() const;
    QString caCertificatePath() const;
    QString serverCertificatePath() const;
    QSslCertificate serverCertificate() const;

    // Processes of an instance: the master (its command line names configPath), its children
    // (named "dovecot-<instanceName>/...") and anything in its process group.
    static QList<qint64> processesOf(const QString &configPath, const QString &instanceName, qint64 processGroup);
    QList<qint64> processes() const { return processesOf(configPath(), m_instanceName, m_masterPid); }

    // --- Delivery -------------------------------------------------------------------------------

    // Appends one message over IMAP (APPEND, RFC 3501 §6.3.11) as the user; returns its UID from
    // APPENDUID (RFC 4315 §3). An invalid internalDate takes the Date header, else now.
    Result<quint32> deliver(const QString &user, const QByteArray &rfc822,
                            const QString &folder = QStringLiteral("INBOX"), const QStringList &flags = {},
                            const QDateTime &internalDate = {});
    // Bulk path for 10,000+ messages: writes maildir files directly (tmp/ then cur/, Maildir++
    // layout, right owner, mtime = INTERNALDATE from the Date header), then has Dovecot index
    // them. Needs the running server (doveadm looks users up through it). UIDs follow list order;
    // the folder is created when missing. With MailFormat::Sdbox the files go to a staging
    // maildir that "doveadm import" copies in (folder names without hierarchy only).
    Result<UidSet> deliverMany(const QString &user, const QString &folder, const QList<QByteArray> &messages,
                               const QStringList &flags = {});
    // A deterministic, realistic RFC 5322 message of about 1-2 KB: varying senders, Cc, threads
    // (In-Reply-To/References to earlier indexes of the same seed), RFC 2047 subjects, plain,
    // multipart/alternative and multipart/mixed with a small attachment. Dates grow with index.
    static QByteArray generateMessage(int index, quint32 seed);
    static QByteArray messageIdFor(int index, quint32 seed);

    // --- Another device acting on the server (doveadm) --------------------------------------------

    bool setFlags(const QString &user, const QString &folder, const UidSet &uids, const QStringList &flags,
                  FlagMode mode = FlagMode::Add);
    bool expunge(const QString &user, const QString &folder, const UidSet &uids);
    bool move(const QString &user, const QString &folder, const UidSet &uids, const QString &targetFolder);
    bool copy(const QString &user, const QString &folder, const UidSet &uids, const QString &targetFolder);
    bool createFolder(const QString &user, const QString &folder, bool subscribe = true);
    bool renameFolder(const QString &user, const QString &from, const QString &to);
    bool deleteFolder(const QString &user, const QString &folder);
    bool subscribe(const QString &user, const QString &folder);
    bool unsubscribe(const QString &user, const QString &folder);
    // Gives the folder a new UIDVALIDITY (newValue 0: current + 1), as a server restore would.
    bool resetUidValidity(const QString &user, const QString &folder, quint32 newValue = 0);

    // --- What the server holds (doveadm) ----------------------------------------------------------

    Result<MailboxStatus> status(const QString &user, const QString &folder = QStringLiteral("INBOX"));
    Result<quint32> messageCount(const QString &user, const QString &folder = QStringLiteral("INBOX"));
    Result<UidSet> uids(const QString &user, const QString &folder = QStringLiteral("INBOX"));
    Result<QStringList> flags(const QString &user, const QString &folder, quint32 uid);
    Result<QStringList> folders(const QString &user, bool subscribedOnly = false);

    // Runs "doveadm -c CONFIG <arguments>"; on failure sets errorString() (with stderr) and logs it.
    Result<QByteArray> doveadm(const QStringList &arguments, int timeoutMs = 60000);

private:
    bool startOnce(QString *failure, bool *portsTaken);
    bool writeFiles(QString *failure);
    QByteArray configText() const;
    bool waitForGreeting(int timeoutMs, QString *failure);
    void killInstance();
    bool fail(const QString &message);
    Error failure(const QString &message);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_master;
    QString m_instanceName;
    QString m_error;
    quint16 m_imapPort = 0;
    quint16 m_imapsPort = 0;
    qint64 m_masterPid = 0;
    qint64 m_startupMs = 0;
    quint64 m_deliveryCounter = 0;
    qint64 m_deliveryBaseTime = 0;
    int m_mailUid = -1;
    int m_mailGid = -1;
};

}  // namespace Heron::Test
