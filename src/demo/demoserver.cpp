// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoserver.h"

#include "demologging.h"
#include "maildirwriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#ifdef Q_OS_UNIX
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <sys/statvfs.h>
#endif

namespace Heron::Demo {

namespace {

constexpr int kStartTimeoutMs = 20000;
constexpr int kProbeIntervalMs = 50;
constexpr int kStopGraceMs = 3000;       // SIGTERM, then SIGKILL
constexpr int kProcessGroupPollMs = 20;  // after the master is gone, until its children are too
constexpr int kProcessGroupGiveUpMs = 6000;
constexpr int kLaunchAttempts = 3;                          // a new port each time another program took the last one
constexpr quint64 kMinimumTmpfsBytes = quint64(256) << 20;  // the mailbox and Dovecot's indexes take ~40 MB
const QString kUserName = QStringLiteral("demo");

bool runningAsRoot()
{
#ifdef Q_OS_UNIX
    return ::geteuid() == 0;
#else
    return false;
#endif
}

// Where the temp dir goes unless the caller says: a roomy tmpfs when there is one, as 5,000
// small files are written and then indexed there many times faster than on a busy disk; else the
// system's temp dir. As root, Dovecot's processes reach it as the "dovecot" user, so every parent
// must be traversable by others; a TMPDIR inside a private home is not, and /tmp is used then.
QString parentDirectoryFor(const QString &wanted)
{
    QString parent = wanted.isEmpty() ? QDir::tempPath() : wanted;
#ifdef Q_OS_LINUX
    struct statvfs shm {};
    if (wanted.isEmpty() && ::statvfs("/dev/shm", &shm) == 0 && ::access("/dev/shm", W_OK | X_OK) == 0 &&
        quint64(shm.f_bavail) * shm.f_frsize >= kMinimumTmpfsBytes)
        parent = QStringLiteral("/dev/shm");
#endif
#ifdef Q_OS_UNIX
    if (!runningAsRoot())
        return parent;
    for (QDir dir(parent); !dir.isRoot(); dir.cdUp()) {
        struct stat info {};
        if (::stat(QFile::encodeName(dir.absolutePath()).constData(), &info) != 0 || !(info.st_mode & S_IXOTH))
            return QStringLiteral("/tmp");
    }
#endif
    return parent;
}

QString randomToken(int length)
{
    static const char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString token;
    for (int i = 0; i < length; ++i)
        token += QLatin1Char(kAlphabet[QRandomGenerator::system()->bounded(int(sizeof(kAlphabet) - 1))]);
    return token;
}

Result<bool> writeFile(const QString &path, const QByteArray &contents, QFileDevice::Permissions permissions)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(permissions) ||
        file.write(contents) != contents.size() || !file.flush())
        return makeError(Error::Code::Io, QCoreApplication::translate("Heron::Demo::DemoServer",
                                                                      "Cannot write %1 for the demo mail server: %2.")
                                                  .arg(path, file.errorString()));
    return true;
}

struct ConfigValues {
    QString base;
    QString instanceName;
    quint16 port = 0;
    QByteArray internalUser;
    QByteArray internalGroup;
    QByteArray loginUser;
    QByteArray mailUser;
    QByteArray mailGroup;
    bool unprivileged = false;
};

QByteArray configText(const ConfigValues &values)
{
    const QByteArray base = values.base.toUtf8();
    QByteArray config;
    config += "# The Heron demo mailbox, written for one run and removed with it.\n";
    config += "base_dir = " + base + "/run\n";
    config += "state_dir = " + base + "/run/state\n";
    config += "instance_name = " + values.instanceName.toUtf8() + "\n";
    config += "protocols = imap\n";
    config += "listen = 127.0.0.1\n";
    config += "log_path = " + base + "/log/dovecot.log\n";
    // The greeting names the instance, so that a probe recognizes this server and no other.
    config += "login_greeting = Heron demo mailbox " + values.instanceName.toUtf8() + " ready.\n";
    // Loopback only, and a password made up for this run that guards made-up mail: plain LOGIN
    // without TLS is enough, and spares a certificate.
    config += "ssl = no\n";
    config += "disable_plaintext_auth = no\n";
    config += "auth_mechanisms = plain login\n";
    config += "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + base + "/users\n}\n";
    config += "userdb {\n  driver = static\n  args = uid=" + values.mailUser + " gid=" + values.mailGroup +
              " home=" + base + "/mail/%u\n}\n";
    config += "mail_location = maildir:~/Maildir\n";
    config += "mail_fsync = never\n";
    config += "mail_max_userip_connections = 20\n";
    config += "first_valid_uid = 0\nfirst_valid_gid = 0\n";
    config += "default_internal_user = " + values.internalUser + "\n";
    config += "default_internal_group = " + values.internalGroup + "\n";
    config += "default_login_user = " + values.loginUser + "\n";
    config += "namespace inbox {\n  inbox = yes\n  separator = /\n";
    for (const DemoFolder &folder : MailGenerator::folders()) {
        if (!folder.specialUse.isEmpty())
            config += "  mailbox " + folder.path.toUtf8() + " {\n    special_use = " + folder.specialUse.toUtf8() +
                      "\n    auto = subscribe\n  }\n";
    }
    config += "}\n";
    config += "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = " +
              QByteArray::number(values.port) + "\n  }\n  inet_listener imaps {\n    port = 0\n  }\n  chroot =\n}\n";
    config += "service anvil {\n  chroot =\n}\n";
    if (values.unprivileged)
        config += "service auth-worker {\n  user = $default_internal_user\n}\n";
    return config;
}

}  // namespace

DemoServer::DemoServer(QObject *parent) : QObject(parent), m_socket(new QTcpSocket(this))
{
    m_probeTimer.setSingleShot(true);
    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &DemoServer::probe);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_state == State::Starting) {
            fail(tr("The demo mail server did not answer within %1 seconds.").arg(kStartTimeoutMs / 1000) +
                 logExcerpt());
        } else if (m_state == State::Stopping) {
            qCWarning(lcDemo) << "The demo mail server did not stop on SIGTERM; killing it.";
            signalProcesses(Signal::Kill);
            m_killedGroup = true;
        }
    });
    m_groupTimer.setInterval(kProcessGroupPollMs);
    connect(&m_groupTimer, &QTimer::timeout, this, &DemoServer::awaitProcessGroup);
    connect(m_socket, &QTcpSocket::readyRead, this, &DemoServer::readGreeting);
    // Refused while Dovecot is still binding its port: try again shortly.
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_state == State::Starting && !m_probeTimer.isActive())
            m_probeTimer.start();
    });
}

DemoServer::~DemoServer()
{
    if (m_writer) {
        m_cancelWriting->store(true);
        m_writer->wait();
    }
    m_socket->abort();
    if (m_process) {
        m_process->disconnect(this);
        signalProcesses(Signal::Kill);
        delete m_process;  // reaps the master
    }
    removeDirectory();
}

QString DemoServer::findDovecot()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("dovecot"));
    if (path.isEmpty()) {
        // /usr/sbin is often not in an ordinary user's PATH.
        path = QStandardPaths::findExecutable(QStringLiteral("dovecot"),
                                              {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin"),
                                               QStringLiteral("/sbin"), QStringLiteral("/opt/homebrew/sbin")});
    }
    return path;
}

QString DemoServer::host() const
{
    return QStringLiteral("127.0.0.1");
}

QString DemoServer::userName() const
{
    return kUserName;
}

QString DemoServer::directory() const
{
    return m_directory ? m_directory->path() : QString();
}

QString DemoServer::configPath() const
{
    return m_directory ? m_directory->filePath(QStringLiteral("dovecot.conf")) : QString();
}

void DemoServer::start()
{
    start(Options());
}

void DemoServer::start(const Options &options)
{
    if (m_state != State::Idle) {
        qCWarning(lcDemo) << "The demo mail server is already" << m_state;
        return;
    }
    m_options = options;
    if (!m_options.now.isValid())
        m_options.now = QDateTime::currentDateTimeUtc();
    m_clock.start();
    m_preparationMs = 0;
    m_startupMs = 0;
    m_launchAttempts = 0;
    m_state = State::Preparing;
    // failed() must not come before start() has returned.
    const auto failSoon = [this](const QString &message) {
        QMetaObject::invokeMethod(
                this, [this, message] { fail(message); }, Qt::QueuedConnection);
    };

    m_dovecot = m_options.dovecotProgram.isEmpty() ? findDovecot() : m_options.dovecotProgram;
    if (m_dovecot.isEmpty() || !QFileInfo(m_dovecot).isExecutable())
        return failSoon(tr("The demo mailbox needs the Dovecot mail server, which is not installed. Install the "
                           "package dovecot-imapd (on Debian and Ubuntu: sudo apt install dovecot-imapd) and try "
                           "again."));
    std::optional<std::pair<uint, uint>> owner;
#ifdef Q_OS_UNIX
    if (runningAsRoot()) {
        // Dovecot's login processes refuse to run as root: mail belongs to "dovecot", logins run
        // as "dovenull", both made by the dovecot-core package.
        // getpwnam() answers in static storage: read each answer before the next call.
        const passwd *mailUser = ::getpwnam("dovecot");
        if (mailUser) {
            m_mailUserId = mailUser->pw_uid;
            m_mailGroupId = mailUser->pw_gid;
            owner = std::make_pair(m_mailUserId, m_mailGroupId);
        }
        if (!owner || !::getpwnam("dovenull"))
            return failSoon(tr("Heron runs as root, and the demo mail server then needs the system users "
                               "\"dovecot\" and \"dovenull\", which are missing. Reinstall the package dovecot-core, "
                               "or start Heron as an ordinary user."));
    }
#endif

    const QString parent = parentDirectoryFor(m_options.parentDirectory);
    m_directory = std::make_unique<QTemporaryDir>(parent + QStringLiteral("/heron-demo-XXXXXX"));
    const QString base = m_directory->path();
    if (!m_directory->isValid() || !QDir(base).mkpath(QStringLiteral("log")) ||
        !QDir(base).mkpath(QStringLiteral("mail/demo"))) {
        const QString reason = m_directory->errorString();
        m_directory.reset();
        return failSoon(tr("Cannot create a folder for the demo mailbox in %1: %2.").arg(parent, reason));
    }
    QFile::setPermissions(base, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                                        QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                        QFileDevice::ExeOther);
#ifdef Q_OS_UNIX
    for (const QString &home : {QStringLiteral("/mail"), QStringLiteral("/mail/demo")}) {
        if (owner && ::chown(QFile::encodeName(base + home).constData(), owner->first, owner->second) != 0)
            return failSoon(tr("Cannot hand the demo mailbox in %1 over to the dovecot user.").arg(base));
    }
#endif
    m_instanceName = QStringLiteral("heron-demo-") + randomToken(8).toLower();
    m_password = randomToken(20);

    // Generating and writing 5,000 messages takes a moment: not on the caller's thread.
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    auto error = std::make_shared<QString>();
    m_cancelWriting = cancelled;
    const QString maildir = base + QStringLiteral("/mail/demo/Maildir");
    const quint32 seed = m_options.seed;
    const QDateTime now = m_options.now;
    m_writer = QThread::create([maildir, seed, now, owner, cancelled, error] {
        MaildirWriter writer(maildir);
        if (owner)
            writer.setOwner(owner->first, owner->second);
        QElapsedTimer clock;
        clock.start();
        const QList<GeneratedMessage> messages = MailGenerator(seed, now).generate();
        const qint64 generated = clock.restart();
        Result<bool> written = writer.createFolders(MailGenerator::folders());
        if (written)
            written = writer.writeMessages(messages, *cancelled);
        if (!written)
            *error = written.error().message;
        qCDebug(lcDemo) << messages.size() << "messages generated in" << generated << "ms, written in"
                        << clock.elapsed() << "ms";
    });
    connect(m_writer, &QThread::finished, this, [this, error] { mailboxWritten(*error); });
    connect(m_writer, &QThread::finished, m_writer, &QObject::deleteLater);
    m_writer->start();
}

void DemoServer::mailboxWritten(const QString &error)
{
    m_writer = nullptr;
    m_preparationMs = m_clock.elapsed();
    if (m_state == State::Stopping)
        return finishStop();
    if (!error.isEmpty())
        return fail(error);
    qCInfo(lcDemo) << "Demo mailbox written in" << m_preparationMs << "ms";
    launch();
}

void DemoServer::launch()
{
    ++m_launchAttempts;
    m_state = State::Starting;
    {
        // A port free now; Dovecot binds it a moment later (and if another program took it in
        // between, Dovecot exits and launch() runs again).
        QTcpServer freePort;
        if (!freePort.listen(QHostAddress::LocalHost, 0))
            return fail(tr("No free network port on this computer for the demo mail server: %1.")
                                .arg(freePort.errorString()));
        m_port = freePort.serverPort();
    }

    ConfigValues values;
    values.base = m_directory->path();
    values.instanceName = m_instanceName;
    values.port = m_port;
    values.internalUser = "dovecot";
    values.internalGroup = "dovecot";
    values.loginUser = "dovenull";
    values.mailUser = "dovecot";
    values.mailGroup = "dovecot";
#ifdef Q_OS_UNIX
    if (!runningAsRoot()) {
        // Without root every process runs as this user; Dovecot allows it when the internal,
        // login and mail users are all that user.
        const passwd *user = ::getpwuid(::geteuid());
        const group *userGroup = ::getgrgid(::getegid());
        values.internalUser = values.loginUser = values.mailUser = user ? QByteArray(user->pw_name)
                                                                        : QByteArray::number(::geteuid());
        values.internalGroup = values.mailGroup = userGroup ? QByteArray(userGroup->gr_name)
                                                            : QByteArray::number(::getegid());
        values.unprivileged = true;
    }
#endif
    const QString usersPath = m_directory->filePath(QStringLiteral("users"));
    Result<bool> written = writeFile(usersPath, kUserName.toUtf8() + ":{PLAIN}" + m_password.toUtf8() + '\n',
                                     QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup);
    if (written)
        written = writeFile(configPath(), configText(values),
                            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                                    QFileDevice::ReadOther);
    if (!written)
        return fail(written.error().message);
#ifdef Q_OS_UNIX
    // Dovecot's auth process reads the users file as the dovecot user: its group may read it.
    if (runningAsRoot() && ::chown(QFile::encodeName(usersPath).constData(), 0, m_mailGroupId) != 0)
        return fail(tr("Cannot hand the demo mail server's user list over to the dovecot user."));
#endif

    m_process = new QProcess(this);
    m_process->setProgram(m_dovecot);
    m_process->setArguments({QStringLiteral("-F"), QStringLiteral("-c"), configPath()});
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(m_directory->filePath(QStringLiteral("log/master.out")));
    m_process->setStandardInputFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    const pid_t parent = ::getpid();
    m_process->setChildProcessModifier([parent] {
        // Its own process group, so that one signal reaches every Dovecot process; and gone with
        // Heron if Heron dies without stopping it.
        ::setpgid(0, 0);
#ifdef Q_OS_LINUX
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        if (::getppid() != parent)
            ::_exit(1);
    });
#endif
    connect(m_process, &QProcess::started, this, [this] {
        m_processId = m_process->processId();
        if (m_state == State::Stopping)
            signalProcesses(Signal::Terminate);
        else
            probe();
    });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(tr("The demo mail server (%1) could not be started: %2.").arg(m_dovecot, m_process->errorString()));
    });
    connect(m_process, &QProcess::finished, this, &DemoServer::processFinished);
    m_deadline.start(kStartTimeoutMs);
    m_process->start();
}

void DemoServer::probe()
{
    if (m_state != State::Starting)
        return;
    m_socket->abort();
    m_socket->connectToHost(QHostAddress::LocalHost, m_port);
}

void DemoServer::readGreeting()
{
    if (m_state != State::Starting || !m_socket->canReadLine())
        return;
    const QByteArray greeting = m_socket->readLine();
    m_socket->abort();
    if (!greeting.startsWith("* OK") || !greeting.contains(m_instanceName.toLatin1()))
        return fail(tr("Another program answered on the demo mail server's port %1.").arg(m_port));
    m_deadline.stop();
    m_state = State::Ready;
    m_startupMs = m_clock.elapsed();
    qCInfo(lcDemo) << "Demo mail server ready on port" << m_port << "after" << m_startupMs << "ms";
    Q_EMIT ready(host(), m_port, kUserName, m_password);
}

void DemoServer::processFinished()
{
    switch (m_state) {
    case State::Starting: {
        const QString excerpt = logExcerpt();
        if (excerpt.contains(QLatin1String("Address already in use")) && m_launchAttempts < kLaunchAttempts) {
            qCInfo(lcDemo) << "Another program took port" << m_port << "first; trying another";
            m_deadline.stop();
            signalProcesses(Signal::Kill);
            m_process->disconnect(this);
            m_process->deleteLater();
            m_process = nullptr;
            return launch();
        }
        return fail(tr("The demo mail server stopped while starting.") + excerpt);
    }
    case State::Ready:
        return fail(tr("The demo mail server stopped unexpectedly.") + logExcerpt());
    case State::Stopping:
        qCDebug(lcDemo) << "Dovecot's master ended" << m_clock.elapsed() << "ms after the stop";
        m_deadline.stop();
        return awaitProcessGroup();
    case State::Idle:
    case State::Preparing:
        break;
    }
}

void DemoServer::stop()
{
    switch (m_state) {
    case State::Idle:
        QMetaObject::invokeMethod(this, &DemoServer::stopped, Qt::QueuedConnection);
        return;
    case State::Stopping:
        return;
    case State::Preparing:
        // The writer notices and ends; mailboxWritten() finishes the stop.
        m_state = State::Stopping;
        if (m_cancelWriting)
            m_cancelWriting->store(true);
        return;
    case State::Starting:
    case State::Ready:
        break;
    }
    m_state = State::Stopping;
    m_clock.start();
    m_killedGroup = false;
    m_probeTimer.stop();
    m_socket->abort();
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return awaitProcessGroup();
    // The master passes SIGTERM on to its children and ends once they have.
    signalProcesses(Signal::Terminate);
    m_deadline.start(kStopGraceMs);
}

void DemoServer::awaitProcessGroup()
{
    if (!processGroupAlive()) {
        m_groupTimer.stop();
        return finishStop();
    }
    if (!m_groupTimer.isActive())
        m_groupTimer.start();
    const qint64 waited = m_clock.elapsed();
    if (!m_killedGroup && waited > kStopGraceMs) {
        signalProcesses(Signal::Kill);
        m_killedGroup = true;
    } else if (waited > kProcessGroupGiveUpMs) {
        qCWarning(lcDemo) << "Processes of the demo mail server are left in process group" << m_processId;
        m_groupTimer.stop();
        finishStop();
    }
}

void DemoServer::finishStop()
{
    m_groupTimer.stop();
    m_deadline.stop();
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
        m_process = nullptr;
    }
    qCDebug(lcDemo) << "Every process of the demo mail server ended" << m_clock.elapsed() << "ms after the stop";
    removeDirectory();
    m_processId = 0;
    m_state = State::Idle;
    qCInfo(lcDemo) << "Demo mail server stopped after" << m_clock.elapsed() << "ms";
    Q_EMIT stopped();
}

void DemoServer::fail(const QString &message)
{
    const bool stopping = m_state == State::Stopping;
    qCWarning(lcDemo).noquote() << message;
    m_probeTimer.stop();
    m_deadline.stop();
    m_groupTimer.stop();
    m_socket->abort();
    if (m_process) {
        m_process->disconnect(this);
        signalProcesses(Signal::Kill);
        m_process->kill();
        m_process->deleteLater();
        m_process = nullptr;
    }
    removeDirectory();
    m_processId = 0;
    m_state = State::Idle;
    if (stopping)
        Q_EMIT stopped();
    else
        Q_EMIT failed(message);
}

void DemoServer::signalProcesses(Signal signal)
{
#ifdef Q_OS_UNIX
    // The master leads its own process group (see launch()); its id names the group.
    if (m_processId > 1)
        ::kill(-pid_t(m_processId), signal == Signal::Terminate ? SIGTERM : SIGKILL);
#else
    if (m_process)
        signal == Signal::Terminate ? m_process->terminate() : m_process->kill();
#endif
}

bool DemoServer::processGroupAlive() const
{
    if (m_processId <= 1)
        return false;
#ifdef Q_OS_LINUX
    // Zombies do not count: children orphaned by the master belong to whoever reaps orphans here.
    QDirIterator processes(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (processes.hasNext()) {
        QFile stat(processes.next() + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        // After "pid (name)": state, parent, process group.
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 2 && fields.at(0) != "Z" && fields.at(2).toLongLong() == m_processId)
            return true;
    }
    return false;
#elif defined(Q_OS_UNIX)
    return ::kill(-pid_t(m_processId), 0) == 0;
#else
    return m_process && m_process->state() != QProcess::NotRunning;
#endif
}

void DemoServer::removeDirectory()
{
    if (!m_directory)
        return;
    if (!m_directory->remove())
        qCWarning(lcDemo) << "Could not remove every file of the demo mailbox in" << m_directory->path();
    m_directory.reset();
}

// The last lines Dovecot logged, to say why it stopped; empty when it logged nothing.
QString DemoServer::logExcerpt() const
{
    if (!m_directory)
        return {};
    QStringList lines;
    for (const char *name : {"log/dovecot.log", "log/master.out"}) {
        QFile file(m_directory->filePath(QLatin1String(name)));
        if (file.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : file.readAll().split('\n')) {
                if (!line.trimmed().isEmpty())
                    lines.append(QString::fromUtf8(line.trimmed()));
            }
        }
    }
    if (lines.isEmpty())
        return {};
    const QStringList last = lines.mid(std::max<qsizetype>(0, lines.size() - 4));
    return QLatin1Char(' ') + tr("Its log ends with:") + QLatin1Char('\n') + last.join(QLatin1Char('\n'));
}

}  // namespace Heron::Demo
