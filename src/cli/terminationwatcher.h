// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

class QSocketNotifier;
class QTimer;

namespace Heron::Cli {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop, so that `heron sync` can log out
// of its servers before it ends. The POSIX signal handler only writes one byte to a socket pair
// (write() is async-signal-safe); a QSocketNotifier reads it on the event loop. While a watcher
// exists it owns the two signals; the previous handlers come back when it is destroyed.
// At most one watcher at a time.
class TerminationWatcher : public QObject {
    Q_OBJECT

public:
    explicit TerminationWatcher(QObject *parent = nullptr);
    ~TerminationWatcher() override;

    // False when the handlers could not be installed (the signals then end the process as usual).
    bool isActive() const { return m_active; }

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void readSignal();

    bool m_active = false;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_poll = nullptr;
};

}  // namespace Heron::Cli
