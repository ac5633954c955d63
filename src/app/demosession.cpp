// SPDX-License-Identifier: GPL-3.0-or-later
#include "demosession.h"

#include "accounts/profile.h"
#include "demo/demoserver.h"
#include "gui/mailbackend.h"
#include "gui/mainwindow.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>

namespace Heron::App {

DemoSession::DemoSession(QObject *parent) : QObject(parent), m_server(std::make_unique<Demo::DemoServer>())
{
    connect(m_server.get(), &Demo::DemoServer::ready, this, &DemoSession::onServerReady);
    connect(m_server.get(), &Demo::DemoServer::failed, this, &DemoSession::fail);
}

DemoSession::~DemoSession() = default;

void DemoSession::start()
{
    m_starting = std::make_unique<QLabel>(tr("Starting the demo mailbox…"));
    m_starting->setWindowTitle(tr("Heron demo"));
    m_starting->setAlignment(Qt::AlignCenter);
    m_starting->setMargin(32);
    m_starting->show();
    m_server->start();
}

void DemoSession::onServerReady(const QString &host, quint16 port, const QString &userName, const QString &password)
{
    Demo::prepareDemoProfile({}, {host, port, userName, password}, [this](Result<Demo::DemoProfile> prepared) {
        if (!prepared) {
            fail(prepared.error().message);
            return;
        }
        openWindow(std::move(prepared).value());
    });
}

void DemoSession::openWindow(Demo::DemoProfile profile)
{
    m_profile = std::move(profile);
    m_backend = std::make_unique<Gui::MailBackend>(*m_profile.profile);
    m_window = std::make_unique<Gui::MainWindow>(&m_profile.profile->database(), m_backend.get());
    m_window->setWindowTitle(tr("Heron demo"));
    // Not from inside the window's close event: stopServer() deletes the window.
    connect(m_window.get(), &Gui::MainWindow::closed, this, [this] { stopServer(0); }, Qt::QueuedConnection);
    m_starting.reset();
    m_window->show();
    m_backend->start();
}

void DemoSession::fail(const QString &message)
{
    if (m_finishing)
        return;
    m_starting.reset();
    QMessageBox::critical(m_window.get(), tr("Heron demo"), tr("The demo mailbox stopped: %1").arg(message));
    stopServer(1);
}

void DemoSession::stopServer(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    // The window (its models read the store on threads of their own) and the engine go first
    // (the engine has logged out by now), then the profile and its store, then the server.
    m_window.reset();
    m_backend.reset();
    m_profile = {};
    connect(m_server.get(), &Demo::DemoServer::stopped, this, [this, exitCode] { Q_EMIT finished(exitCode); });
    m_server->stop();
}

}  // namespace Heron::App
