// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "demo/demoprofile.h"

#include <QObject>

#include <memory>

class QLabel;

namespace Heron::Demo {
class DemoServer;
}  // namespace Heron::Demo

namespace Heron::Gui {
class MailBackend;
class MainWindow;
}  // namespace Heron::Gui

namespace Heron::App {

// `heron --demo`: starts the throwaway demo server, prepares the demo profile on it, then opens
// the main window there. When the window closes (after the engine's LOGOUT) the profile is let go
// and the server stopped; finished() follows, with the exit code for the application.
class DemoSession : public QObject {
    Q_OBJECT
public:
    explicit DemoSession(QObject *parent = nullptr);
    ~DemoSession() override;

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    void onServerReady(const QString &host, quint16 port, const QString &userName, const QString &password);
    void openWindow(Demo::DemoProfile profile);
    void fail(const QString &message);
    void stopServer(int exitCode);

    std::unique_ptr<Demo::DemoServer> m_server;
    std::unique_ptr<QLabel> m_starting;  // shown until the window opens
    Demo::DemoProfile m_profile;
    std::unique_ptr<Gui::MailBackend> m_backend;
    std::unique_ptr<Gui::MainWindow> m_window;
    bool m_finishing = false;
};

}  // namespace Heron::App
