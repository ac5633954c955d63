// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "ui_mainwindow.h"

#include <QApplication>
#include <QMessageBox>
#include <QStatusBar>

namespace Heron::App {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
{
    m_ui->setupUi(this);

    // Folder tree narrow, the message list and the message view share the rest.
    m_ui->splitter->setStretchFactor(0, 0);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setStretchFactor(2, 1);
    m_ui->splitter->setSizes({220, 440, 440});

    m_ui->actionQuit->setShortcuts(QKeySequence::Quit);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_ui->actionAboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);

    statusBar()->showMessage(tr("No accounts configured."));
}

MainWindow::~MainWindow() = default;

void MainWindow::showDemoUnavailable()
{
    const QString text = tr("The demo mailbox is not available in this version of Heron.");
    statusBar()->showMessage(text);
    auto *box = new QMessageBox(QMessageBox::Information, tr("Demo not available"), text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Heron"),
                       tr("<h3>Heron %1</h3>"
                          "<p>A desktop IMAP mail client.</p>"
                          "<p>Licensed under the GNU General Public License, version 3 or later.</p>")
                               .arg(QCoreApplication::applicationVersion().toHtmlEscaped()));
}

}  // namespace Heron::App
