// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminationwatcher.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <csignal>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace Heron::Cli {

namespace {

#ifdef Q_OS_UNIX
int s_sockets[2] = {-1, -1};  // [0] written by the handler, [1] read on the event loop
struct sigaction s_previousInt;
struct sigaction s_previousTerm;

extern "C" void onTerminationSignal(int signalNumber)
{
    const int savedErrno = errno;
    const char byte = char(signalNumber);
    const ssize_t written = ::write(s_sockets[0], &byte, 1);
    static_cast<void>(written);  // nothing to do about a full socket: one byte is enough
    errno = savedErrno;
}

bool makeNonBlocking(int fd)
{
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}
#else
volatile std::sig_atomic_t s_caught = 0;

extern "C" void onTerminationSignal(int signalNumber)
{
    s_caught = signalNumber;
}
#endif

}  // namespace

TerminationWatcher::TerminationWatcher(QObject *parent) : QObject(parent)
{
#ifdef Q_OS_UNIX
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_sockets) != 0)
        return;
    if (!makeNonBlocking(s_sockets[0]) || !makeNonBlocking(s_sockets[1])) {
        ::close(s_sockets[0]);
        ::close(s_sockets[1]);
        s_sockets[0] = s_sockets[1] = -1;
        return;
    }
    m_notifier = new QSocketNotifier(s_sockets[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &TerminationWatcher::readSignal);
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    m_active = ::sigaction(SIGINT, &action, &s_previousInt) == 0 && ::sigaction(SIGTERM, &action, &s_previousTerm) == 0;
#else
    // Without socket pairs, the handler sets a flag that a timer looks at.
    s_caught = 0;
    std::signal(SIGINT, onTerminationSignal);
    std::signal(SIGTERM, onTerminationSignal);
    m_poll = new QTimer(this);
    connect(m_poll, &QTimer::timeout, this, &TerminationWatcher::readSignal);
    m_poll->start(200);
    m_active = true;
#endif
}

TerminationWatcher::~TerminationWatcher()
{
#ifdef Q_OS_UNIX
    if (m_active) {
        ::sigaction(SIGINT, &s_previousInt, nullptr);
        ::sigaction(SIGTERM, &s_previousTerm, nullptr);
    }
    delete m_notifier;
    m_notifier = nullptr;
    if (s_sockets[0] >= 0) {
        ::close(s_sockets[0]);
        ::close(s_sockets[1]);
        s_sockets[0] = s_sockets[1] = -1;
    }
#else
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
#endif
}

void TerminationWatcher::readSignal()
{
#ifdef Q_OS_UNIX
    char byte = 0;
    int signalNumber = 0;
    while (::read(s_sockets[1], &byte, 1) == 1)
        signalNumber = byte;
    if (signalNumber != 0)
        Q_EMIT terminationRequested(signalNumber);
#else
    const int signalNumber = s_caught;
    if (signalNumber != 0) {
        s_caught = 0;
        Q_EMIT terminationRequested(signalNumber);
    }
#endif
}

}  // namespace Heron::Cli
