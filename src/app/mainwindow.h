// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

#include <memory>

namespace Ui {
class MainWindow;
}

namespace Heron::App {

// The main window: folder tree | message list | message view side by side, menus and a status bar.
// The form is ui/mainwindow.ui; the panes stay empty until accounts and the message store exist.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Tells the user that the demo mailbox (--demo) is not part of this version, instead of ignoring the request.
    void showDemoUnavailable();

private:
    void showAbout();

    std::unique_ptr<Ui::MainWindow> m_ui;
};

}  // namespace Heron::App
