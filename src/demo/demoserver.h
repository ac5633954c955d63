// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "demo/mailgenerator.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <atomic>
#include <memory>

class QProcess;
class QTcpSocket;
class QTemporaryDir;
class QThread;

namespace Heron::Demo {

// A throwaway Dovecot serving the generated demo mailbox on loopback: its own temp dir, the
// MailGenerator's messages written straight into a maildir (on a worker thread), a config with
// one user "demo" whose password is made up for the run, a free port. Everything is asynchronous:
// start() returns at once and ready() or failed() follows; stop() ends the server and removes the
// temp dir, then stopped(). Works as an ordinary user and as root (mail then belongs to the
// "dovecot" user, as Dovecot's login processes refuse to run as root).
class DemoServer : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Preparing, Starting, Ready, Stopping };
    Q_ENUM(State)

    struct Options {
        quint32 seed = MailGenerator::kDefaultSeed;
        QDateTime now;            // the mailbox ends here; invalid: the current time
        QString dovecotProgram;   // empty: findDovecot()
        QString parentDirectory;  // where the temp dir goes; empty: /dev/shm when roomy, else the temp dir
    };

    explicit DemoServer(QObject *parent = nullptr);
    // Stops a running server at once (SIGKILL to all its processes) and removes its temp dir.
    // Prefer stop() and stopped(), which let Dovecot end cleanly.
    ~DemoServer() override;

    // The dovecot binary from PATH or the sbin directories; empty when it is not installed.
    static QString findDovecot();

    // Prepares the mailbox and starts Dovecot; ready() or failed() follows. Does nothing unless Idle.
    void start(const Options &options);
    void start();
    // Ends the server (SIGTERM, then SIGKILL after a grace period) and removes the temp dir;
    // stopped() follows, also when nothing was running.
    void stop();

    State state() const { return m_state; }
    QString host() const;
    quint16 port() const { return m_port; }
    QString userName() const;
    QString password() const { return m_password; }

    // For checks and diagnostics: where the instance lives and what identifies its processes
    // (the master's command line names the config; the children's names carry the instance).
    QString directory() const;
    QString configPath() const;
    QString instanceName() const { return m_instanceName; }
    qint64 processId() const { return m_processId; }  // the master's, also its process group
    // Milliseconds spent generating and writing the mailbox, and from start() to ready().
    qint64 preparationMilliseconds() const { return m_preparationMs; }
    qint64 startupMilliseconds() const { return m_startupMs; }

Q_SIGNALS:
    void ready(const QString &host, quint16 port, const QString &userName, const QString &password);
    // In plain words, ready to show. Also after ready() when Dovecot stops by itself; the temp
    // dir is gone by then and the state is Idle again.
    void failed(const QString &message);
    void stopped();

private:
    void mailboxWritten(const QString &error);
    void launch();
    void probe();
    void readGreeting();
    void processFinished();
    void awaitProcessGroup();
    void finishStop();
    void fail(const QString &message);
    enum class Signal { Terminate, Kill };
    // To every process of the instance (its process group) where there are groups.
    void signalProcesses(Signal signal);
    bool processGroupAlive() const;
    void removeDirectory();
    QString logExcerpt() const;

    State m_state = State::Idle;
    Options m_options;
    QString m_dovecot;
    std::unique_ptr<QTemporaryDir> m_directory;
    QProcess *m_process = nullptr;
    QTcpSocket *m_socket = nullptr;
    QThread *m_writer = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancelWriting;
    QTimer m_probeTimer;  // the next connection attempt while Dovecot starts
    QTimer m_deadline;    // start-up or shutdown taking too long
    QTimer m_groupTimer;  // checks that every process of the instance is gone
    QElapsedTimer m_clock;
    QString m_instanceName;
    QString m_password;
    quint16 m_port = 0;
    qint64 m_processId = 0;
    int m_launchAttempts = 0;
    bool m_killedGroup = false;
    qint64 m_preparationMs = 0;
    qint64 m_startupMs = 0;
    uint m_mailUserId = 0;
    uint m_mailGroupId = 0;
};

}  // namespace Heron::Demo
