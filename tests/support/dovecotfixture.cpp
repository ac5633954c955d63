// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/dovecotfixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <array>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcDovecotFixture, "heron.test.dovecot")

namespace Heron::Test {

namespace {

constexpr int kStartAttempts = 3;
constexpr int kGreetingTimeoutMs = 10000;
constexpr int kStopTimeoutMs = 5000;

QString findTool(const QString &name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty()) {
        // /usr/sbin is often not in an ordinary user's PATH.
        path = QStandardPaths::findExecutable(
                name, {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin"), QStringLiteral("/sbin")});
    }
    return path;
}

struct ProcessOutput {
    int exitCode = -1;
    bool crashedOrTimedOut = false;
    QByteArray out;
    QByteArray err;
};

ProcessOutput runProcess(const QString &program, const QStringList &arguments, const QByteArray &input = {},
                         int timeoutMs = 60000)
{
    ProcessOutput result;
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(timeoutMs)) {
        result.crashedOrTimedOut = true;
        result.err = process.errorString().toUtf8();
        return result;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.crashedOrTimedOut = true;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitCode();
    if (process.exitStatus() != QProcess::NormalExit)
        result.crashedOrTimedOut = true;
    return result;
}

// ---- TLS material: generated once per process run, copied into each instance -----------------

struct KeyPair {
    QByteArray certificate;
    QByteArray key;
};

struct CertificateStore {
    std::mutex mutex;
    KeyPair ca;
    std::map<DovecotFixture::ServerCertificate, KeyPair> servers;
    QString error;
};

CertificateStore &certificateStore()
{
    static CertificateStore store;
    return store;
}

bool runOpenssl(const QStringList &arguments, QString *error)
{
    const ProcessOutput result = runProcess(findTool(QStringLiteral("openssl")), arguments);
    if (result.crashedOrTimedOut || result.exitCode != 0) {
        *error = QStringLiteral("openssl %1 failed: %2")
                         .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(result.err));
        return false;
    }
    return true;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Elliptic-curve keys: generating one takes milliseconds where RSA 2048 takes most of a second.
const QStringList kEcKey = {QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};

bool generateServerPair(const QString &dir, DovecotFixture::ServerCertificate kind, KeyPair *pair, QString *error)
{
    using Kind = DovecotFixture::ServerCertificate;
    const QString caCert = dir + QStringLiteral("/ca.pem");
    const QString caKey = dir + QStringLiteral("/ca.key");
    const QString cert = dir + QStringLiteral("/server-%1.pem").arg(int(kind));
    const QString key = dir + QStringLiteral("/server-%1.key").arg(int(kind));
    const bool wrongHost = kind == Kind::WrongHost;
    const QString subject = wrongHost ? QStringLiteral("/CN=wrong.heron.invalid") : QStringLiteral("/CN=localhost");
    const QString san = wrongHost ? QStringLiteral("subjectAltName=DNS:wrong.heron.invalid")
                                  : QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1");

    if (kind == Kind::Expired) {
        // "req -x509" cannot backdate; "x509 -req -days -1" ends the validity a day ago.
        const QString csr = dir + QStringLiteral("/expired.csr");
        const QString ext = dir + QStringLiteral("/expired.ext");
        QFile extFile(ext);
        if (!extFile.open(QIODevice::WriteOnly))
            return false;
        extFile.write(san.toUtf8() + "\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n");
        extFile.close();
        if (!runOpenssl(QStringList{QStringLiteral("req"), QStringLiteral("-new")} + kEcKey +
                                QStringList{QStringLiteral("-keyout"), key, QStringLiteral("-out"), csr,
                                            QStringLiteral("-subj"), subject},
                        error) ||
            !runOpenssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                         QStringLiteral("-CA"), caCert, QStringLiteral("-CAkey"), caKey, QStringLiteral("-days"),
                         QStringLiteral("-1"), QStringLiteral("-extfile"), ext, QStringLiteral("-out"), cert},
                        error)) {
            return false;
        }
    } else {
        QStringList arguments = QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kEcKey +
                                QStringList{
                                        QStringLiteral("-keyout"), key,
                                        QStringLiteral("-out"),    cert,
                                        QStringLiteral("-days"),   QStringLiteral("30"),
                                        QStringLiteral("-subj"),   subject,
                                        QStringLiteral("-addext"), san,
                                        QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:FALSE"),
                                        QStringLiteral("-addext"), QStringLiteral("extendedKeyUsage=serverAuth")};
        if (kind != Kind::SelfSigned)
            arguments << QStringLiteral("-CA") << caCert << QStringLiteral("-CAkey") << caKey;
        if (!runOpenssl(arguments, error))
            return false;
    }
    pair->certificate = readAll(cert);
    pair->key = readAll(key);
    return !pair->certificate.isEmpty() && !pair->key.isEmpty();
}

// Returns the CA and the server pair of the wanted kind, generating them on first use.
bool certificates(DovecotFixture::ServerCertificate kind, KeyPair *ca, KeyPair *server, QString *error)
{
    CertificateStore &store = certificateStore();
    std::lock_guard lock(store.mutex);
    if (store.ca.certificate.isEmpty() || !store.servers.count(kind)) {
        QTemporaryDir dir;
        if (!dir.isValid()) {
            *error = QStringLiteral("cannot create a temporary directory for certificates");
            return false;
        }
        const QString caCert = dir.filePath(QStringLiteral("ca.pem"));
        const QString caKey = dir.filePath(QStringLiteral("ca.key"));
        if (store.ca.certificate.isEmpty()) {
            if (!runOpenssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kEcKey +
                                    QStringList{QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), caCert,
                                                QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                                                QStringLiteral("/O=Heron Tests/CN=Heron Test CA"),
                                                QStringLiteral("-addext"),
                                                QStringLiteral("basicConstraints=critical,CA:TRUE"),
                                                QStringLiteral("-addext"),
                                                QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                            error)) {
                return false;
            }
            store.ca = {readAll(caCert), readAll(caKey)};
        } else {
            QFile certFile(caCert);
            QFile keyFile(caKey);
            if (!certFile.open(QIODevice::WriteOnly) || !keyFile.open(QIODevice::WriteOnly))
                return false;
            certFile.write(store.ca.certificate);
            keyFile.write(store.ca.key);
        }
        KeyPair pair;
        if (!generateServerPair(dir.path(), kind, &pair, error))
            return false;
        store.servers[kind] = pair;
    }
    *ca = store.ca;
    *server = store.servers[kind];
    return true;
}

// ---- Small encoders --------------------------------------------------------------------------

// RFC 3501 §5.1.3: mailbox names on the wire are modified UTF-7.
QByteArray toModifiedUtf7(const QString &name)
{
    QByteArray out;
    QByteArray pending;  // UTF-16BE bytes awaiting base64
    auto flush = [&] {
        if (pending.isEmpty())
            return;
        QByteArray encoded = pending.toBase64(QByteArray::OmitTrailingEquals);
        encoded.replace('/', ',');
        out += '&' + encoded + '-';
        pending.clear();
    };
    for (const QChar c : name) {
        const ushort u = c.unicode();
        if (u >= 0x20 && u <= 0x7e) {
            flush();
            out += u == '&' ? QByteArrayLiteral("&-") : QByteArray(1, char(u));
        } else {
            pending += char(u >> 8);
            pending += char(u & 0xff);
        }
    }
    flush();
    return out;
}

QByteArray imapQuoted(const QByteArray &value)
{
    QByteArray out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

const std::array<const char *, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const std::array<const char *, 7> kWeekDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// RFC 3501 §9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz".
QByteArray imapDateTime(const QDateTime &when)
{
    const QDateTime utc = when.toUTC();
    const QDate d = utc.date();
    const QTime t = utc.time();
    return QString::asprintf("\"%02d-%s-%04d %02d:%02d:%02d +0000\"", d.day(), kMonths[d.month() - 1], d.year(),
                             t.hour(), t.minute(), t.second())
            .toLatin1();
}

// RFC 5322 §3.3 date-time in the given offset from UTC.
QByteArray rfc5322Date(qint64 utcSeconds, int offsetMinutes)
{
    const QDateTime local = QDateTime::fromSecsSinceEpoch(utcSeconds + offsetMinutes * 60, Qt::UTC);
    const QDate d = local.date();
    const QTime t = local.time();
    const int absOffset = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
    return QString::asprintf("%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", kWeekDays[d.dayOfWeek() - 1], d.day(),
                             kMonths[d.month() - 1], d.year(), t.hour(), t.minute(), t.second(),
                             offsetMinutes < 0 ? '-' : '+', absOffset / 60, absOffset % 60)
            .toLatin1();
}

QDateTime dateHeader(const QByteArray &message)
{
    qsizetype headerEnd = message.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        headerEnd = message.indexOf("\n\n");
    const QByteArrayView headers = QByteArrayView(message).first(headerEnd < 0 ? message.size() : headerEnd);
    qsizetype pos = 0;
    while (pos < headers.size()) {
        qsizetype eol = headers.indexOf('\n', pos);
        if (eol < 0)
            eol = headers.size();
        const QByteArrayView line = headers.sliced(pos, eol - pos);
        if (line.size() > 5 && qstrnicmp(line.data(), "Date:", 5) == 0)
            return QDateTime::fromString(QString::fromLatin1(line.sliced(5).trimmed()), Qt::RFC2822Date);
        pos = eol + 1;
    }
    return {};
}

// Maildir info flags ("2,<letters>", letters in ASCII order); keywords are not expressible here.
QByteArray maildirFlagLetters(const QStringList &flags)
{
    QByteArray letters;
    const std::array<std::pair<const char *, char>, 5> known = {
            {{"\\Draft", 'D'}, {"\\Flagged", 'F'}, {"\\Answered", 'R'}, {"\\Seen", 'S'}, {"\\Deleted", 'T'}}};
    for (const auto &[flag, letter] : known) {
        if (flags.contains(QLatin1String(flag), Qt::CaseInsensitive))
            letters += letter;
    }
    return letters;
}

QStringList keywordsOnly(const QStringList &flags)
{
    QStringList keywords;
    for (const QString &flag : flags) {
        if (!flag.startsWith(QLatin1Char('\\')))
            keywords << flag;
    }
    return keywords;
}

QString uidArgument(const UidSet &uids)
{
    return QString::fromLatin1(uids.toByteArray());
}

// ---- A blocking IMAP conversation, enough to APPEND as another client ------------------------

class BlockingImap {
public:
    explicit BlockingImap(int timeoutMs) : m_deadline(timeoutMs) {}

    bool connect(const QString &host, quint16 port)
    {
        m_socket.connectToHost(host, port);
        if (!m_socket.waitForConnected(int(m_deadline.remainingTime())))
            return setError(QStringLiteral("connect: ") + m_socket.errorString());
        const QByteArray greeting = readLine();
        if (!greeting.startsWith("* OK"))
            return setError(QStringLiteral("unexpected greeting: ") + QString::fromUtf8(greeting));
        return true;
    }

    // Sends a command (tag added) and returns the tagged response line, or empty on error.
    QByteArray command(const QByteArray &text)
    {
        const QByteArray tag = "f" + QByteArray::number(++m_tag);
        m_socket.write(tag + ' ' + text + "\r\n");
        while (true) {
            const QByteArray line = readLine();
            if (line.isEmpty())
                return {};
            if (line.startsWith(tag + ' '))
                return line.mid(tag.size() + 1);
        }
    }

    QString error() const { return m_error; }

private:
    QByteArray readLine()
    {
        while (!m_socket.canReadLine()) {
            if (m_deadline.hasExpired() || !m_socket.waitForReadyRead(int(m_deadline.remainingTime()))) {
                setError(QStringLiteral("no response: ") + m_socket.errorString());
                return {};
            }
        }
        return m_socket.readLine().trimmed();
    }

    bool setError(const QString &message)
    {
        m_error = message;
        return false;
    }

    QTcpSocket m_socket;
    QDeadlineTimer m_deadline;
    QString m_error;
    int m_tag = 0;
};

// ---- /proc ----------------------------------------------------------------------------------

qint64 processGroupOf(qint64 pid)
{
    const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    // After "pid (comm)": state ppid pgrp ...
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    return fields.size() > 2 ? fields.at(2).toLongLong() : -1;
}

// ---- The message generator's vocabulary -------------------------------------------------------

class Prng {
public:
    explicit Prng(quint64 seed) : m_state(seed) {}
    quint64 next()
    {
        // splitmix64: fixed output for a fixed seed on every platform.
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % quint64(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T, size_t N>
    const T &pick(const std::array<T, N> &values)
    {
        return values[size_t(below(int(N)))];
    }

private:
    quint64 m_state;
};

Prng streamFor(int index, quint32 seed, quint64 purpose)
{
    return Prng((quint64(seed) << 32) ^ quint64(quint32(index)) ^ (purpose * 0xD1B54A32D192ED03ull));
}

const std::array<const char *, 26> kFirstNames = {
        "Alice",  "Bob",     "Carol", "Dave",   "Erin",  "Frank",     "Grace", "Heidi", "Ivan",
        "Judy",   "Mallory", "Niaj",  "Olivia", "Peggy", "Rupert",    "Sybil", "Trent", "Victor",
        "Walter", "Zoë",     "José",  "Łukasz", "Søren", "Françoise", "Chloé", "Иван"};
const std::array<const char *, 16> kLastNames = {"Smith",  "Jones",  "Müller", "García",   "Nowak",   "Rossi",
                                                 "Dubois", "Jensen", "Tanaka", "Kowalski", "Ødegård", "Novak",
                                                 "Brown",  "Wilson", "Martin", "Petrov"};
const std::array<const char *, 5> kDomains = {"example.org", "example.com", "example.net", "mail.example.org",
                                              "lists.example.com"};
const std::array<const char *, 20> kTopics = {
        "Quarterly report",   "Lunch on Friday",     "Build failure on main", "Meeting notes",
        "Invoice 2024-117",   "Holiday plans",       "Release checklist",     "Question about the API",
        "Server maintenance", "Welcome aboard",      "Draft proposal",        "Travel booking",
        "Weekly sync",        "Code review request", "Budget update",         "Photos from the trip",
        "Conference talk",    "Password policy",     "Migration schedule",    "Feedback wanted"};
const std::array<const char *, 8> kUnicodeTopics = {"Café au lait à Paris", "Grüße aus München", "Résumé für Zoë",
                                                    "日本語のテスト",       "Привет из Москвы",  "Ελληνικά νέα",
                                                    "Spår i snön",          "Zażółć gęślą jaźń"};
const std::array<const char *, 40> kWords = {
        "the",   "server",  "message", "folder", "sync",     "today",  "please",  "review",   "attached", "report",
        "we",    "should",  "update",  "before", "release",  "thanks", "meeting", "tomorrow", "numbers",  "look",
        "good",  "except",  "for",     "one",    "small",    "issue",  "with",    "cache",    "index",    "client",
        "needs", "restart", "after",   "change", "schedule", "next",   "week",    "team",     "budget",   "draft"};
const std::array<int, 6> kOffsets = {0, 60, 120, -300, 330, -480};

QString nameFor(Prng &rng)
{
    return QString::fromUtf8(rng.pick(kFirstNames)) + QLatin1Char(' ') + QString::fromUtf8(rng.pick(kLastNames));
}

// RFC 2047 §4.1 "B" encoded words, at most 75 characters each, split between characters.
QByteArray encodeWords(const QString &text)
{
    bool ascii = true;
    for (const QChar c : text)
        ascii = ascii && c.unicode() < 0x80;
    if (ascii)
        return text.toUtf8();
    QByteArray out;
    QByteArray chunk;
    auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + chunk.toBase64() + "?=";
        chunk.clear();
    };
    for (const char32_t codePoint : text.toUcs4()) {
        const QByteArray bytes = QString::fromUcs4(&codePoint, 1).toUtf8();
        if (chunk.size() + bytes.size() > 45)
            flush();
        chunk += bytes;
    }
    flush();
    return out;
}

QByteArray mailbox(const QString &name, Prng &rng)
{
    QByteArray local = name.section(QLatin1Char(' '), 0, 0).toLower().toUtf8();
    bool ascii = true;
    for (const char c : local)
        ascii = ascii && uchar(c) < 0x80;
    if (!ascii)
        local = "user" + QByteArray::number(rng.below(1000));
    const QByteArray displayName = encodeWords(name);
    const QByteArray quoted = displayName.startsWith("=?") ? displayName : '"' + displayName + '"';
    return quoted + " <" + local + '@' + rng.pick(kDomains) + '>';
}

QByteArray sentence(Prng &rng, int words)
{
    QByteArray line;
    for (int i = 0; i < words; ++i) {
        if (i)
            line += ' ';
        line += rng.pick(kWords);
    }
    if (!line.isEmpty())
        line[0] = char(std::toupper(uchar(line[0])));
    return line + '.';
}

QByteArray paragraphText(Prng &rng, int lines)
{
    QByteArray text;
    for (int i = 0; i < lines; ++i)
        text += sentence(rng, 6 + rng.below(7)) + "\r\n";
    return text;
}

// The message this one replies to (an earlier index), or -1.
int parentOf(int index, quint32 seed)
{
    if (index <= 0)
        return -1;
    Prng rng = streamFor(index, seed, 1);
    if (!rng.chance(30))
        return -1;
    return index - 1 - rng.below(std::min(index, 40));
}

QString topicOf(int index, quint32 seed)
{
    Prng rng = streamFor(index, seed, 2);
    if (rng.chance(15))
        return QString::fromUtf8(rng.pick(kUnicodeTopics));
    return QString::fromUtf8(rng.pick(kTopics)) + QStringLiteral(" #%1").arg(rng.below(1000));
}

}  // namespace

// ---- DovecotFixture ----------------------------------------------------------------------------

DovecotFixture::DovecotFixture(QObject *parent) : QObject(parent) {}

DovecotFixture::~DovecotFixture()
{
    stop();
}

bool DovecotFixture::available()
{
    return unavailableReason().isEmpty();
}

QString DovecotFixture::unavailableReason()
{
    QStringList missing;
    for (const QString &tool : {QStringLiteral("dovecot"), QStringLiteral("doveadm"), QStringLiteral("openssl")}) {
        if (findTool(tool).isEmpty())
            missing << tool;
    }
    if (missing.isEmpty())
        return {};
    return QStringLiteral("Dovecot is not installed (missing %1); install dovecot-imapd and openssl (scripts/deps.sh)")
            .arg(missing.join(QStringLiteral(", ")));
}

bool DovecotFixture::fail(const QString &message)
{
    m_error = message;
    qCWarning(lcDovecotFixture).noquote() << message;
    return false;
}

Error DovecotFixture::failure(const QString &message)
{
    fail(message);
    return makeError(Error::Code::Io, message);
}

QString DovecotFixture::password(const QString &user) const
{
    return m_options.passwords.value(user, m_options.defaultPassword);
}

QString DovecotFixture::baseDir() const
{
    return m_dir ? m_dir->path() : QString();
}

QString DovecotFixture::configPath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("dovecot.conf")) : QString();
}

QString DovecotFixture::lmtpSocketPath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("run/lmtp")) : QString();
}

QString DovecotFixture::caCertificatePath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("ca.pem")) : QString();
}

QString DovecotFixture::serverCertificatePath() const
{
    return m_dir ? m_dir->filePath(QStringLiteral("cert.pem")) : QString();
}

QSslCertificate DovecotFixture::caCertificate() const
{
    const QList<QSslCertificate> list = QSslCertificate::fromPath(caCertificatePath());
    return list.isEmpty() ? QSslCertificate() : list.first();
}

QSslCertificate DovecotFixture::serverCertificate() const
{
    const QList<QSslCertificate> list = QSslCertificate::fromPath(serverCertificatePath());
    return list.isEmpty() ? QSslCertificate() : list.first();
}

QString DovecotFixture::logContents() const
{
    if (!m_dir)
        return {};
    return QString::fromUtf8(readAll(m_dir->filePath(QStringLiteral("log/dovecot.log"))) +
                             readAll(m_dir->filePath(QStringLiteral("log/master.out"))));
}

bool DovecotFixture::isRunning() const
{
    return m_master && m_master->state() == QProcess::Running;
}

bool DovecotFixture::start()
{
    return start(Options());
}

bool DovecotFixture::start(const Options &options)
{
    stop();
    m_options = options;
    m_error.clear();
    if (!available())
        return fail(unavailableReason());
    for (const QString &user : std::as_const(m_options.users)) {
        const QString pass = password(user);
        for (const QString &field : {user, pass}) {
            if (field.isEmpty() || field.contains(QLatin1Char(':')) || field.contains(QLatin1Char('\n')))
                return fail(QStringLiteral("user names and passwords must be non-empty, without ':' or newlines"));
        }
    }

    QElapsedTimer timer;
    timer.start();
    QString failure;
    for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
        bool portsTaken = false;
        if (startOnce(&failure, &portsTaken)) {
            m_startupMs = timer.elapsed();
            qCDebug(lcDovecotFixture) << "Dovecot" << m_instanceName << "ready in" << m_startupMs << "ms on ports"
                                      << m_imapPort << m_imapsPort;
            return true;
        }
        const QString log = logContents();
        stop();
        const bool fixedPorts = m_options.imapPort || m_options.imapsPort;
        if (!portsTaken || fixedPorts)
            return fail(failure + QStringLiteral("\n--- log ---\n") + log);
        qCInfo(lcDovecotFixture) << "port taken before Dovecot bound it, retrying";
    }
    return fail(failure);
}

bool DovecotFixture::startOnce(QString *failure, bool *portsTaken)
{
    // The dovecot users must reach the temp dir: every parent needs o+x. A TMPDIR inside a
    // private home would not do, so fall back to /tmp.
    QString root = m_options.parentDirectory;
    if (root.isEmpty())
        root = qEnvironmentVariable("HERON_DOVECOT_DIR");
    if (root.isEmpty()) {
        struct statvfs shm {};
        const bool roomyShm = ::statvfs("/dev/shm", &shm) == 0 && ::access("/dev/shm", W_OK | X_OK) == 0 &&
                              quint64(shm.f_bavail) * shm.f_frsize >= (quint64(1) << 30);
        root = roomyShm ? QStringLiteral("/dev/shm") : QDir::tempPath();
    }
    for (QDir dir(root); !dir.isRoot(); dir.cdUp()) {
        struct stat info {};
        if (::stat(QFile::encodeName(dir.absolutePath()).constData(), &info) != 0 || !(info.st_mode & S_IXOTH)) {
            root = QStringLiteral("/tmp");
            break;
        }
    }
    m_dir = std::make_unique<QTemporaryDir>(root + QStringLiteral("/heron-dovecot-XXXXXX"));
    if (!m_dir->isValid()) {
        *failure = QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString();
        return false;
    }
    ::chmod(QFile::encodeName(m_dir->path()).constData(), 0755);
    m_instanceName = QStringLiteral("heron-test-%1")
                             .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_deliveryBaseTime = QDateTime::currentSecsSinceEpoch();
    m_deliveryCounter = 0;

    if (::geteuid() == 0) {
        const passwd *pw = ::getpwnam("dovecot");
        if (!pw) {
            *failure = QStringLiteral("running as root but there is no 'dovecot' user");
            return false;
        }
        m_mailUid = int(pw->pw_uid);
        m_mailGid = int(pw->pw_gid);
    } else {
        m_mailUid = int(::geteuid());
        m_mailGid = int(::getegid());
    }

    // Two listening servers at once so the two ports differ; closed just before Dovecot binds.
    {
        QTcpServer plain;
        QTcpServer tls;
        if (!plain.listen(QHostAddress::LocalHost, 0) || !tls.listen(QHostAddress::LocalHost, 0)) {
            *failure = QStringLiteral("cannot find free loopback ports");
            return false;
        }
        m_imapPort = m_options.imapPort ? m_options.imapPort : plain.serverPort();
        m_imapsPort = m_options.imapsPort ? m_options.imapsPort : tls.serverPort();
    }

    if (!writeFiles(failure))
        return false;

    m_master = std::make_unique<QProcess>();
    m_master->setProgram(findTool(QStringLiteral("dovecot")));
    m_master->setArguments({QStringLiteral("-F"), QStringLiteral("-c"), configPath()});
    m_master->setProcessChannelMode(QProcess::MergedChannels);
    m_master->setStandardOutputFile(m_dir->filePath(QStringLiteral("log/master.out")));
    m_master->setStandardInputFile(QProcess::nullDevice());
    const pid_t parent = ::getpid();
    m_master->setChildProcessModifier([parent] {
        // Its own process group, so teardown can signal every Dovecot process at once; and the
        // master dies with us if the test process crashes or is killed. SIGKILL rather than
        // SIGTERM: nothing is left to read a clean shutdown's log, and the children notice the
        // master's death and exit sooner than after an orderly stop.
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(1);
    });
    m_master->start();
    if (!m_master->waitForStarted(5000)) {
        *failure = QStringLiteral("cannot run dovecot: ") + m_master->errorString();
        return false;
    }
    m_masterPid = m_master->processId();
    if (processGroupOf(m_masterPid) != m_masterPid)
        qCWarning(lcDovecotFixture) << "dovecot master is not a process group leader";

    if (!waitForGreeting(kGreetingTimeoutMs, failure)) {
        const QString log = logContents();
        *portsTaken = log.contains(QLatin1String("Address already in use"));
        return false;
    }
    return true;
}

bool DovecotFixture::writeFiles(QString *failure)
{
    const QString base = m_dir->path();
    for (const QString &sub : {QStringLiteral("log"), QStringLiteral("mail")}) {
        if (!QDir(base).mkpath(sub)) {
            *failure = QStringLiteral("cannot create ") + sub;
            return false;
        }
    }
    if (::geteuid() == 0 && ::chown(QFile::encodeName(base + QStringLiteral("/mail")).constData(), uid_t(m_mailUid),
                                    gid_t(m_mailGid)) != 0) {
        *failure = QStringLiteral("cannot chown the mail directory to dovecot");
        return false;
    }

    KeyPair ca;
    KeyPair server;
    if (!certificates(m_options.serverCertificate, &ca, &server, failure))
        return false;

    QByteArray users;
    for (const QString &user : std::as_const(m_options.users))
        users += user.toUtf8() + ":{PLAIN}" + password(user).toUtf8() + '\n';

    const std::array<std::pair<QString, QByteArray>, 5> files = {{
            {QStringLiteral("ca.pem"), ca.certificate},
            {QStringLiteral("cert.pem"), server.certificate},
            {QStringLiteral("key.pem"), server.key},
            {QStringLiteral("users"), users},
            {QStringLiteral("dovecot.conf"), configText()},
    }};
    for (const auto &[name, contents] : files) {
        QFile file(m_dir->filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size()) {
            *failure = QStringLiteral("cannot write ") + file.fileName();
            return false;
        }
        // The auth process (user dovecot) reads the users file.
        file.setPermissions(name == QLatin1String("key.pem")
                                    ? QFile::ReadOwner | QFile::WriteOwner
                                    : QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }
    return true;
}

QByteArray DovecotFixture::configText() const
{
    const QByteArray base = m_dir->path().toUtf8();
    QByteArray internalUser = "dovecot";
    QByteArray internalGroup = "dovecot";
    QByteArray loginUser = "dovenull";
    QByteArray mailUser = "dovecot";
    QByteArray mailGroup = "dovecot";
    QByteArray unprivileged;
    if (::geteuid() != 0) {
        // Without root, every process runs as the current user; Dovecot allows it when the
        // internal, login and mail users are all that user.
        const passwd *pw = ::getpwuid(::geteuid());
        const group *gr = ::getgrgid(::getegid());
        internalUser = loginUser = mailUser = pw ? QByteArray(pw->pw_name) : QByteArray::number(::geteuid());
        internalGroup = mailGroup = gr ? QByteArray(gr->gr_name) : QByteArray::number(::getegid());
        unprivileged = "service auth-worker {\n  user = $default_internal_user\n}\n";
    }

    QByteArray config;
    config += "# Generated for one test run.\n";
    config += "base_dir = " + base + "/run\n";
    config += "state_dir = " + base + "/run/state\n";
    config += "instance_name = " + m_instanceName.toUtf8() + "\n";
    config += "protocols = imap lmtp\n";
    config += "listen = 127.0.0.1\n";
    config += "log_path = " + base + "/log/dovecot.log\n";
    config += "ssl = yes\n";
    config += "ssl_cert = <" + base + "/cert.pem\n";
    config += "ssl_key = <" + base + "/key.pem\n";
    config += "ssl_min_protocol = TLSv1.2\n";
    config += "disable_plaintext_auth = no\n";
    config += "auth_mechanisms = " + m_options.authMechanisms.toUtf8() + "\n";
    config += "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + base + "/users\n}\n";
    config += "userdb {\n  driver = static\n  args = uid=" + mailUser + " gid=" + mailGroup + " home=" + base +
              "/mail/%u\n}\n";
    config += m_options.mailFormat == MailFormat::Sdbox ? "mail_location = sdbox:~/sdbox\n"
                                                        : "mail_location = maildir:~/Maildir\n";
    config += "first_valid_uid = 0\n";
    config += "auth_failure_delay = 0\n";
    config += "first_valid_gid = 0\n";
    config += "default_internal_user = " + internalUser + "\n";
    config += "default_internal_group = " + internalGroup + "\n";
    config += "default_login_user = " + loginUser + "\n";
    config += "mail_max_userip_connections = " + QByteArray::number(m_options.maxUserIpConnections) + "\n";
    config += "mail_fsync = " + QByteArray(m_options.fsync ? "optimized" : "never") + "\n";
    if (!m_options.imapCapability.isEmpty())
        config += "imap_capability = " + m_options.imapCapability.toUtf8() + "\n";
    if (m_options.verboseLogging)
        config += "auth_verbose = yes\nmail_debug = yes\nverbose_ssl = yes\n";
    config += "namespace inbox {\n  inbox = yes\n  separator = " + QString(m_options.hierarchySeparator).toUtf8() +
              "\n"
              "  mailbox Drafts {\n    special_use = \\Drafts\n    auto = subscribe\n  }\n"
              "  mailbox Sent {\n    special_use = \\Sent\n    auto = subscribe\n  }\n"
              "  mailbox Trash {\n    special_use = \\Trash\n    auto = subscribe\n  }\n"
              "}\n";
    if (m_options.compressDeflate)
        config += "protocol imap {\n  mail_plugins = $mail_plugins imap_zlib\n}\n";
    config += "service imap-login {\n"
              "  inet_listener imap {\n    address = 127.0.0.1\n    port = " +
              QByteArray::number(m_imapPort) +
              "\n  }\n"
              "  inet_listener imaps {\n    address = 127.0.0.1\n    port = " +
              QByteArray::number(m_imapsPort) +
              "\n    ssl = yes\n  }\n"
              "  chroot =\n"
              "}\n";
    config += "service lmtp {\n  unix_listener lmtp {\n    mode = 0666\n  }\n}\n";
    config += "service anvil {\n  chroot =\n}\n";
    config += unprivileged;
    config += m_options.extraConfig;
    return config;
}

bool DovecotFixture::waitForGreeting(int timeoutMs, QString *failure)
{
    // QProcess notices the master's exit only inside its own waits, hence waitForFinished(0).
    const auto masterAlive = [this] { return m_master->state() == QProcess::Running && !m_master->waitForFinished(0); };
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!masterAlive()) {
            *failure = QStringLiteral("dovecot exited with code %1 before greeting").arg(m_master->exitCode());
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_imapPort);
        if (socket.waitForConnected(int(deadline.remainingTime()))) {
            // In slices: whatever accepted the connection may not be Dovecot (a port taken
            // meanwhile), and then only the master's exit tells.
            while (!socket.canReadLine() && !deadline.hasExpired() && masterAlive() &&
                   socket.state() == QAbstractSocket::ConnectedState) {
                socket.waitForReadyRead(int(qMin<qint64>(deadline.remainingTime(), 20)));
            }
            const QByteArray greeting = socket.readLine();
            if (greeting.startsWith("* OK"))
                return true;
            if (!masterAlive())
                continue;
            *failure = QStringLiteral("unexpected greeting: ") + QString::fromUtf8(greeting);
            return false;
        }
        // Refused: the listener is not bound yet. Waiting on the master returns early if it dies.
        m_master->waitForFinished(5);
    }
    *failure = QStringLiteral("no IMAP greeting within %1 ms").arg(timeoutMs);
    return false;
}

QList<qint64> DovecotFixture::processesOf(const QString &configPath, const QString &instanceName, qint64 processGroup)
{
    QList<qint64> found;
    const QByteArray config = configPath.toUtf8();
    const QByteArray childPrefix = "dovecot-" + instanceName.toUtf8() + '/';
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || pid == ::getpid())
            continue;
        QByteArray cmdline = readAll(QStringLiteral("/proc/%1/cmdline").arg(pid));
        cmdline.replace('\0', ' ');
        const bool named = (!config.isEmpty() && cmdline.contains(config)) ||
                           (!instanceName.isEmpty() && cmdline.contains(childPrefix));
        if (named || (processGroup > 1 && processGroupOf(pid) == processGroup))
            found << pid;
    }
    return found;
}

void DovecotFixture::killInstance()
{
    const qint64 group = (m_masterPid > 1 && processGroupOf(m_masterPid) == m_masterPid) ? m_masterPid : 0;
    if (m_master && m_master->state() != QProcess::NotRunning) {
        // SIGTERM to the whole group: the master shuts down and so does every child.
        ::kill(pid_t(group ? -group : m_masterPid), SIGTERM);
        if (!m_master->waitForFinished(kStopTimeoutMs)) {
            qCWarning(lcDovecotFixture) << "dovecot did not stop on SIGTERM, killing it";
            ::kill(pid_t(group ? -group : m_masterPid), SIGKILL);
            m_master->waitForFinished(kStopTimeoutMs);
        }
    }
    if (m_masterPid <= 0)
        return;
    // Children may outlive the master for a moment; they notice its death and exit.
    QDeadlineTimer deadline(kStopTimeoutMs);
    bool killed = false;
    while (true) {
        const QList<qint64> left = processesOf(configPath(), m_instanceName, group);
        if (left.isEmpty())
            break;
        if (deadline.hasExpired()) {
            qCWarning(lcDovecotFixture) << "Dovecot processes left behind:" << left;
            break;
        }
        if (!killed && deadline.remainingTime() < kStopTimeoutMs / 2) {
            for (const qint64 pid : left)
                ::kill(pid_t(pid), SIGKILL);
            killed = true;
        }
        QThread::msleep(5);
    }
}

void DovecotFixture::stop()
{
    killInstance();
    m_master.reset();
    m_masterPid = 0;
    if (m_dir) {
        if (!m_dir->remove())
            qCWarning(lcDovecotFixture) << "cannot remove" << m_dir->path();
        m_dir.reset();
    }
}

// ---- doveadm --------------------------------------------------------------------------------

Result<QByteArray> DovecotFixture::doveadm(const QStringList &arguments, int timeoutMs)
{
    if (!m_dir)
        return failure(QStringLiteral("doveadm: the fixture is not started"));
    const ProcessOutput result = runProcess(findTool(QStringLiteral("doveadm")),
                                            QStringList{QStringLiteral("-c"), configPath()} + arguments, {}, timeoutMs);
    if (result.crashedOrTimedOut || result.exitCode != 0) {
        return failure(QStringLiteral("doveadm %1 failed (exit %2): %3")
                               .arg(arguments.join(QLatin1Char(' ')))
                               .arg(result.exitCode)
                               .arg(QString::fromUtf8(result.err.trimmed())));
    }
    return result.out;
}

bool DovecotFixture::setFlags(const QString &user, const QString &folder, const UidSet &uids, const QStringList &flags,
                              FlagMode mode)
{
    const QString command = mode == FlagMode::Add      ? QStringLiteral("add")
                            : mode == FlagMode::Remove ? QStringLiteral("remove")
                                                       : QStringLiteral("replace");
    return doveadm({QStringLiteral("flags"), command, QStringLiteral("-u"), user, flags.join(QLatin1Char(' ')),
                    QStringLiteral("mailbox"), folder, QStringLiteral("uid"), uidArgument(uids)})
            .ok();
}

bool DovecotFixture::expunge(const QString &user, const QString &folder, const UidSet &uids)
{
    return doveadm({QStringLiteral("expunge"), QStringLiteral("-u"), user, QStringLiteral("mailbox"), folder,
                    QStringLiteral("uid"), uidArgument(uids)})
            .ok();
}

bool DovecotFixture::move(const QString &user, const QString &folder, const UidSet &uids, const QString &targetFolder)
{
    return doveadm({QStringLiteral("move"), QStringLiteral("-u"), user, targetFolder, QStringLiteral("mailbox"), folder,
                    QStringLiteral("uid"), uidArgument(uids)})
            .ok();
}

bool DovecotFixture::copy(const QString &user, const QString &folder, const UidSet &uids, const QString &targetFolder)
{
    return doveadm({QStringLiteral("copy"), QStringLiteral("-u"), user, targetFolder, QStringLiteral("mailbox"), folder,
                    QStringLiteral("uid"), uidArgument(uids)})
            .ok();
}

bool DovecotFixture::createFolder(const QString &user, const QString &folder, bool subscribe)
{
    QStringList arguments = {QStringLiteral("mailbox"), QStringLiteral("create"), QStringLiteral("-u"), user};
    if (subscribe)
        arguments << QStringLiteral("-s");
    return doveadm(arguments << folder).ok();
}

bool DovecotFixture::renameFolder(const QString &user, const QString &from, const QString &to)
{
    return doveadm({QStringLiteral("mailbox"), QStringLiteral("rename"), QStringLiteral("-u"), user,
                    QStringLiteral("-s"), from, to})
            .ok();
}

bool DovecotFixture::deleteFolder(const QString &user, const QString &folder)
{
    return doveadm({QStringLiteral("mailbox"), QStringLiteral("delete"), QStringLiteral("-u"), user,
                    QStringLiteral("-s"), folder})
            .ok();
}

bool DovecotFixture::subscribe(const QString &user, const QString &folder)
{
    return doveadm({QStringLiteral("mailbox"), QStringLiteral("subscribe"), QStringLiteral("-u"), user, folder}).ok();
}

bool DovecotFixture::unsubscribe(const QString &user, const QString &folder)
{
    return doveadm({QStringLiteral("mailbox"), QStringLiteral("unsubscribe"), QStringLiteral("-u"), user, folder}).ok();
}

bool DovecotFixture::resetUidValidity(const QString &user, const QString &folder, quint32 newValue)
{
    if (newValue == 0) {
        const Result<MailboxStatus> current = status(user, folder);
        if (!current)
            return false;
        newValue = current->uidValidity + 1;
        if (newValue == 0)
            newValue = 1;
    }
    return doveadm({QStringLiteral("mailbox"), QStringLiteral("update"), QStringLiteral("-u"), user,
                    QStringLiteral("--uid-validity"), QString::number(newValue), folder})
            .ok();
}

Result<DovecotFixture::MailboxStatus> DovecotFixture::status(const QString &user, const QString &folder)
{
    const Result<QByteArray> out = doveadm({QStringLiteral("-f"), QStringLiteral("flow"), QStringLiteral("mailbox"),
                                            QStringLiteral("status"), QStringLiteral("-u"), user,
                                            QStringLiteral("messages unseen recent uidnext uidvalidity highestmodseq"),
                                            folder});
    if (!out)
        return out.error();
    MailboxStatus status;
    for (const QByteArray &pair : out->trimmed().split(' ')) {
        const qsizetype eq = pair.indexOf('=');
        if (eq < 0)
            continue;
        const QByteArray key = pair.left(eq);
        const QByteArray value = pair.mid(eq + 1);
        if (key == "messages")
            status.messages = value.toUInt();
        else if (key == "unseen")
            status.unseen = value.toUInt();
        else if (key == "recent")
            status.recent = value.toUInt();
        else if (key == "uidnext")
            status.uidNext = value.toUInt();
        else if (key == "uidvalidity")
            status.uidValidity = value.toUInt();
        else if (key == "highestmodseq")
            status.highestModSeq = value.toULongLong();
    }
    return status;
}

Result<quint32> DovecotFixture::messageCount(const QString &user, const QString &folder)
{
    const Result<MailboxStatus> current = status(user, folder);
    if (!current)
        return current.error();
    return current->messages;
}

Result<UidSet> DovecotFixture::uids(const QString &user, const QString &folder)
{
    const Result<QByteArray> out = doveadm({QStringLiteral("-f"), QStringLiteral("flow"), QStringLiteral("fetch"),
                                            QStringLiteral("-u"), user, QStringLiteral("uid"),
                                            QStringLiteral("mailbox"), folder, QStringLiteral("all")});
    if (!out)
        return out.error();
    UidSet set;
    for (const QByteArray &line : out->split('\n')) {
        if (line.startsWith("uid="))
            set.add(line.mid(4).trimmed().toUInt());
    }
    return set;
}

Result<QStringList> DovecotFixture::flags(const QString &user, const QString &folder, quint32 uid)
{
    const Result<QByteArray> out = doveadm(
            {QStringLiteral("-f"), QStringLiteral("flow"), QStringLiteral("fetch"), QStringLiteral("-u"), user,
             QStringLiteral("flags"), QStringLiteral("mailbox"), folder, QStringLiteral("uid"), QString::number(uid)});
    if (!out)
        return out.error();
    const QByteArray line = out->trimmed();
    if (!line.startsWith("flags="))
        return failure(QStringLiteral("no message with UID %1 in %2").arg(uid).arg(folder));
    QStringList result;
    for (const QByteArray &flag : line.mid(6).split(' ')) {
        // \Recent belongs to a session, not to the message.
        if (!flag.isEmpty() && flag != "\\Recent")
            result << QString::fromUtf8(flag);
    }
    return result;
}

Result<QStringList> DovecotFixture::folders(const QString &user, bool subscribedOnly)
{
    QStringList arguments = {QStringLiteral("mailbox"), QStringLiteral("list"), QStringLiteral("-u"), user};
    if (subscribedOnly)
        arguments << QStringLiteral("-s");
    const Result<QByteArray> out = doveadm(arguments);
    if (!out)
        return out.error();
    QStringList result;
    for (const QByteArray &line : out->split('\n')) {
        if (!line.trimmed().isEmpty())
            result << QString::fromUtf8(line.trimmed());
    }
    return result;
}

// ---- Delivery -------------------------------------------------------------------------------

Result<quint32> DovecotFixture::deliver(const QString &user, const QByteArray &rfc822, const QString &folder,
                                        const QStringList &flags, const QDateTime &internalDate)
{
    if (!isRunning())
        return failure(QStringLiteral("deliver: the server is not running"));
    BlockingImap imap(30000);
    if (!imap.connect(host(), m_imapPort))
        return failure(QStringLiteral("deliver: ") + imap.error());
    const QByteArray login = imap.command("LOGIN " + imapQuoted(user.toUtf8()) + ' ' +
                                          imapQuoted(password(user).toUtf8()));
    if (!login.startsWith("OK"))
        return failure(
                QStringLiteral("deliver: LOGIN as %1 failed: %2 %3").arg(user, QString::fromUtf8(login), imap.error()));

    QDateTime when = internalDate.isValid() ? internalDate : dateHeader(rfc822);
    QByteArray command = "APPEND " + imapQuoted(toModifiedUtf7(folder)) + " (" + flags.join(QLatin1Char(' ')).toUtf8() +
                         ')';
    if (when.isValid())
        command += ' ' + imapDateTime(when);
    // RFC 7888 LITERAL+: no continuation round trip.
    command += " {" + QByteArray::number(rfc822.size()) + "+}\r\n" + rfc822;
    const QByteArray reply = imap.command(command);
    imap.command("LOGOUT");
    if (!reply.startsWith("OK"))
        return failure(QStringLiteral("deliver: APPEND to %1 failed: %2 %3")
                               .arg(folder, QString::fromUtf8(reply), imap.error()));
    // "OK [APPENDUID <uidvalidity> <uid>] ..." (RFC 4315 §3)
    const qsizetype at = reply.indexOf("[APPENDUID ");
    if (at < 0)
        return failure(QStringLiteral("deliver: no APPENDUID in: ") + QString::fromUtf8(reply));
    const QList<QByteArray> parts = reply.mid(at + 11, reply.indexOf(']', at) - at - 11).split(' ');
    bool ok = false;
    const quint32 uid = parts.size() == 2 ? parts.at(1).toUInt(&ok) : 0;
    if (!ok)
        return failure(QStringLiteral("deliver: unreadable APPENDUID in: ") + QString::fromUtf8(reply));
    return uid;
}

Result<UidSet> DovecotFixture::deliverMany(const QString &user, const QString &folder,
                                           const QList<QByteArray> &messages, const QStringList &flags)
{
    if (!isRunning())
        return failure(QStringLiteral("deliverMany: the server is not running"));
    const Result<QStringList> existing = folders(user);
    if (!existing)
        return existing.error();
    if (folder.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) != 0 && !existing->contains(folder) &&
        !createFolder(user, folder)) {
        return failure(m_error);
    }
    const Result<MailboxStatus> before = status(user, folder);
    if (!before)
        return before.error();
    if (messages.isEmpty())
        return UidSet();
    const bool staged = m_options.mailFormat == MailFormat::Sdbox;
    QByteArray dir;
    QString stagingRoot;
    if (staged) {
        if (folder.contains(QChar(m_options.hierarchySeparator)) || folder.startsWith(QLatin1Char('.')))
            return failure(QStringLiteral("deliverMany: sdbox staging takes flat folder names, not ") + folder);
        // A Maildir++ tree of its own: INBOX at the root, other folders as ".<name>".
        stagingRoot = baseDir() + QStringLiteral("/staging/") + QString::number(m_deliveryCounter);
        const QString folderDir = folder.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0
                                          ? stagingRoot
                                          : stagingRoot + QStringLiteral("/.") + folder;
        // The root is the staging INBOX: without it the tree is no maildir and lists nothing.
        for (const QString &maildir : {stagingRoot, folderDir}) {
            for (const char *sub : {"/cur", "/new", "/tmp"}) {
                if (!QDir().mkpath(maildir + QLatin1String(sub)))
                    return failure(QStringLiteral("deliverMany: cannot create ") + maildir);
            }
        }
        dir = QFile::encodeName(folderDir);
    } else {
        const Result<QByteArray> pathOut = doveadm(
                {QStringLiteral("mailbox"), QStringLiteral("path"), QStringLiteral("-u"), user, folder});
        if (!pathOut)
            return pathOut.error();
        dir = pathOut->trimmed();
    }
    const bool chownFiles = ::geteuid() == 0;
    QElapsedTimer timer;
    timer.start();
    const QByteArray info = ":2," + maildirFlagLetters(flags);

    for (const QByteArray &message : messages) {
        // Dovecot gives new files UIDs in the order of the time in their names (seconds, then
        // the M<microseconds> part), so a counter in those fields keeps the list order.
        const quint64 n = m_deliveryCounter++;
        const QByteArray name = QByteArray::number(m_deliveryBaseTime + qint64(n / 1000000)) + ".M" +
                                QByteArray::number(n % 1000000) + 'P' + QByteArray::number(::getpid()) + 'Q' +
                                QByteArray::number(n) + ".heron,S=" + QByteArray::number(message.size());
        const QByteArray tmpPath = dir + "/tmp/" + name;
        const QByteArray curPath = dir + "/cur/" + name + info;
        const int fd = ::open(tmpPath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return failure(QStringLiteral("deliverMany: cannot create ") + QString::fromUtf8(tmpPath));
        bool ok = ::write(fd, message.constData(), size_t(message.size())) == ssize_t(message.size());
        if (chownFiles)
            ok = ok && ::fchown(fd, uid_t(m_mailUid), gid_t(m_mailGid)) == 0;
        // Maildir's INTERNALDATE is the file's modification time.
        const QDateTime when = dateHeader(message);
        if (when.isValid()) {
            const struct timespec times[2] = {{when.toSecsSinceEpoch(), 0}, {when.toSecsSinceEpoch(), 0}};
            ok = ok && ::futimens(fd, times) == 0;
        }
        ok = (::close(fd) == 0) && ok;
        ok = ok && ::rename(tmpPath.constData(), curPath.constData()) == 0;
        if (!ok)
            return failure(QStringLiteral("deliverMany: cannot write ") + QString::fromUtf8(curPath));
    }

    const qint64 writeMs = timer.restart();
    if (staged) {
        if (chownFiles) {
            QStringList directories = {baseDir() + QStringLiteral("/staging"), stagingRoot};
            // Hidden too: Maildir++ folders are ".<name>".
            QDirIterator it(stagingRoot, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext())
                directories.append(it.next());
            for (const QString &path : std::as_const(directories)) {
                if (::chown(QFile::encodeName(path).constData(), uid_t(m_mailUid), gid_t(m_mailGid)) != 0)
                    return failure(QStringLiteral("deliverMany: cannot hand over ") + path);
            }
        }
        // The staging maildir's INBOX or ".<folder>" lands in the folder of the same name.
        const Result<QByteArray> imported =
                doveadm({QStringLiteral("import"), QStringLiteral("-u"), user,
                         QStringLiteral("maildir:") + stagingRoot, QString(), QStringLiteral("mailbox"), folder},
                        10 * 60 * 1000);
        QDir(stagingRoot).removeRecursively();
        if (!imported)
            return imported.error();
    }
    // A status request makes Dovecot scan the maildir and assign the UIDs.
    const Result<MailboxStatus> after = status(user, folder);
    if (!after)
        return after.error();
    qCDebug(lcDovecotFixture) << "deliverMany:" << messages.size() << "files written in" << writeMs << "ms, indexed in"
                              << timer.elapsed() << "ms";
    const quint32 added = after->uidNext - before->uidNext;
    if (added != quint32(messages.size())) {
        return failure(QStringLiteral("deliverMany: expected %1 new UIDs in %2, the server assigned %3 (another "
                                      "client appended meanwhile?)")
                               .arg(messages.size())
                               .arg(folder)
                               .arg(added));
    }
    const UidSet assigned = UidSet::fromRange(before->uidNext, after->uidNext - 1);
    const QStringList keywords = keywordsOnly(flags);
    if (!keywords.isEmpty() && !setFlags(user, folder, assigned, keywords, FlagMode::Add))
        return failure(m_error);
    return assigned;
}

QByteArray DovecotFixture::messageIdFor(int index, quint32 seed)
{
    return "<heron." + QByteArray::number(seed) + '.' + QByteArray::number(index) + "@example.org>";
}

QByteArray DovecotFixture::generateMessage(int index, quint32 seed)
{
    Prng rng = streamFor(index, seed, 3);
    const qint64 epoch = 1704067200;  // 2024-01-01T00:00:00Z; ten minutes per index
    const qint64 sent = epoch + qint64(index) * 600 + rng.below(600);

    // Thread: the root's topic, every ancestor in References (RFC 5322 §3.6.4).
    QList<int> ancestors;
    for (int p = parentOf(index, seed); p >= 0 && ancestors.size() < 10; p = parentOf(p, seed))
        ancestors.prepend(p);
    const int root = ancestors.isEmpty() ? index : ancestors.first();
    const QString subject = (ancestors.isEmpty() ? QString() : QStringLiteral("Re: ")) + topicOf(root, seed);

    const QString fromName = nameFor(rng);
    QByteArray headers;
    headers += "Return-Path: <bounces@example.org>\r\n";
    headers += "From: " + mailbox(fromName, rng) + "\r\n";
    headers += "To: " + mailbox(nameFor(rng), rng);
    if (rng.chance(30))
        headers += ",\r\n " + mailbox(nameFor(rng), rng);
    headers += "\r\n";
    if (rng.chance(25))
        headers += "Cc: " + mailbox(nameFor(rng), rng) + "\r\n";
    headers += "Subject: " + encodeWords(subject) + "\r\n";
    headers += "Date: " + rfc5322Date(sent, rng.pick(kOffsets)) + "\r\n";
    headers += "Message-ID: " + messageIdFor(index, seed) + "\r\n";
    if (!ancestors.isEmpty()) {
        headers += "In-Reply-To: " + messageIdFor(ancestors.last(), seed) + "\r\n";
        headers += "References:";
        for (const int a : std::as_const(ancestors))
            headers += " " + messageIdFor(a, seed);
        headers += "\r\n";
    }
    if (rng.chance(10))
        headers += "List-Id: Heron developers <dev.lists.example.com>\r\n";
    headers += "MIME-Version: 1.0\r\n";

    QByteArray text = "Hello,\r\n\r\n" + paragraphText(rng, 6 + rng.below(10));
    if (!ancestors.isEmpty())
        text += "\r\n> " + sentence(rng, 8) + "\r\n> " + sentence(rng, 7) + "\r\n";
    text += "\r\n-- \r\n" + fromName.toUtf8() + "\r\n";
    bool utf8 = false;
    for (const char c : text)
        utf8 = utf8 || uchar(c) >= 0x80;
    const QByteArray textType = utf8 ? "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
                                     : "Content-Type: text/plain; charset=us-ascii\r\n";

    const QByteArray boundary = "=_heron_" + QByteArray::number(seed) + '_' + QByteArray::number(index);
    const int kind = rng.below(10);
    QByteArray body;
    if (kind < 6) {
        headers += textType;
        body = text;
    } else if (kind < 8) {
        headers += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
        QByteArray html = "<html><body><p>" + text;
        html.replace("\r\n\r\n", "</p>\r\n<p>");
        html += "</p></body></html>\r\n";
        body = "--" + boundary + "\r\n" + textType + "\r\n" + text + "--" + boundary + "\r\n" +
               "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + html + "--" +
               boundary + "--\r\n";
    } else {
        headers += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
        QByteArray payload;
        const int size = 120 + rng.below(500);
        for (int i = 0; i < size; ++i)
            payload += char(rng.below(256));
        const std::array<std::pair<const char *, const char *>, 4> attachments = {{{"report.pdf", "application/pdf"},
                                                                                   {"data.csv", "text/csv"},
                                                                                   {"photo.png", "image/png"},
                                                                                   {"notes.txt", "text/plain"}}};
        const auto &[fileName, mimeType] = rng.pick(attachments);
        // RFC 2231 §4: a non-ASCII file name as an extended parameter.
        const QByteArray disposition = rng.chance(25)
                                               ? QByteArray("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9-") + fileName
                                               : QByteArray("attachment; filename=\"") + fileName + '"';
        QByteArray encoded = payload.toBase64();
        QByteArray wrapped;
        for (qsizetype i = 0; i < encoded.size(); i += 76)
            wrapped += encoded.mid(i, 76) + "\r\n";
        body = "This is a multi-part message in MIME format.\r\n\r\n--" + boundary + "\r\n" + textType + "\r\n" + text +
               "--" + boundary + "\r\nContent-Type: " + mimeType + "\r\nContent-Disposition: " + disposition +
               "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped + "--" + boundary + "--\r\n";
    }
    return headers + "\r\n" + body;
}

}  // namespace Heron::Test
