// SPDX-License-Identifier: GPL-3.0-or-later
// Entry point: the headless command line (heron --profile DIR <command>), or translations and the main window.
#include "accounts/profile.h"
#include "cli/commandline.h"
#include "core/logging.h"
#include "demosession.h"
#include "gui/mailbackend.h"
#include "gui/mainwindow.h"

#include <QApplication>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTranslator>

#include <cstdio>

namespace {

// What the command line asked for.
struct Options {
    QString profileDir;  // --profile: where accounts, settings and the store live
    bool demo = false;   // --demo: open the local demo mailbox
};

struct CommandLine {
    QCommandLineOption help;
    QCommandLineOption version;
    QCommandLineOption profile;
    QCommandLineOption demo;
    QCommandLineOption insecurePasswordStore;
    QCommandLineOption verbose;
};

// Declares Heron's options on the parser. Called once the translators are installed, so the help text is localized.
CommandLine describeCommandLine(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate("CommandLine", "Heron, a desktop IMAP mail client.") +
                                     QStringLiteral("\n\n") + Heron::Cli::CommandLine::commandsOverview());
    QCommandLineOption help = parser.addHelpOption();
    QCommandLineOption version = parser.addVersionOption();
    QCommandLineOption profile(
            QStringLiteral("profile"),
            QCoreApplication::translate("CommandLine", "Keep accounts, settings and messages in <dir>."),
            QCoreApplication::translate("CommandLine", "dir"));
    QCommandLineOption demo(QStringLiteral("demo"),
                            QCoreApplication::translate("CommandLine", "Open a local demo mailbox."));
    QCommandLineOption insecurePasswordStore(
            QStringLiteral("insecure-password-store"),
            QCoreApplication::translate("CommandLine",
                                        "Allow keeping passwords in the profile's own file (not encrypted) where "
                                        "there is no system keychain."));
    QCommandLineOption verbose(QStringLiteral("verbose"),
                               QCoreApplication::translate("CommandLine", "Commands say more on stderr."));
    parser.addOption(profile);
    parser.addOption(demo);
    parser.addOption(insecurePasswordStore);
    parser.addOption(verbose);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QCoreApplication::translate("CommandLine", "A command (listed above) to run without a "
                                                                            "window."),
                                 QStringLiteral("[command [arguments]]"));
    return {help, version, profile, demo, insecurePasswordStore, verbose};
}

// --help and --version are answered on the terminal and must work without a display, so they are recognized
// before deciding whether a GUI application (which needs one) is created.
bool answeredOnTerminal(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    QCommandLineParser parser;
    const CommandLine options = describeCommandLine(parser);
    // An unknown option is also answered on the terminal: the error needs no display either.
    if (!parser.parse(arguments))
        return true;
    return parser.isSet(options.help) || parser.isSet(QStringLiteral("help-all")) || parser.isSet(options.version);
}

// Loads Qt's and Heron's translations for the system locale; a missing one leaves that part in English.
void installTranslations(QCoreApplication &app)
{
    auto *qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);
    auto *heronTranslator = new QTranslator(&app);
    if (heronTranslator->load(QLocale(), QStringLiteral("heron"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(heronTranslator);
}

}  // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setApplicationName(QStringLiteral("heron"));
    // Settings in ~/.config/heron/heron.conf, the profile in ~/.local/share/heron/heron (Linux).
    QCoreApplication::setOrganizationName(QStringLiteral("heron"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HERON_VERSION));

    // A command runs headless: a QCoreApplication, no display, the same engine as the window.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    if (Heron::Cli::CommandLine::hasCommand(arguments)) {
        QCoreApplication app(argc, argv);
        installTranslations(app);
        return Heron::Cli::CommandLine::run(QCoreApplication::arguments());
    }

    if (answeredOnTerminal(argc, argv)) {
        QCoreApplication app(argc, argv);
        installTranslations(app);
        QCommandLineParser parser;
        describeCommandLine(parser);
        parser.process(app);  // prints help, version or the error, and exits
        return 0;
    }

    QApplication app(argc, argv);
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Heron"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.heron.Heron"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/heron.svg")));
    installTranslations(app);

    QCommandLineParser parser;
    const CommandLine commandLine = describeCommandLine(parser);
    parser.process(app);  // exits with a message on unknown options
    if (!parser.positionalArguments().isEmpty()) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QCoreApplication::translate("CommandLine", "heron: unexpected argument \"%1\"")
                                        .arg(parser.positionalArguments().constFirst())));
        return 1;
    }

    Options options;
    options.profileDir = parser.isSet(commandLine.profile)
                                 ? QDir(parser.value(commandLine.profile)).absolutePath()
                                 : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    options.demo = parser.isSet(commandLine.demo);
    qCDebug(lcApp) << "profile directory" << options.profileDir;

    if (options.demo) {
        // A throwaway server and profile; the server stops when the window closes.
        QApplication::setQuitOnLastWindowClosed(false);
        Heron::App::DemoSession demo;
        QObject::connect(&demo, &Heron::App::DemoSession::finished, &app, &QCoreApplication::exit);
        demo.start();
        return app.exec();
    }

    Heron::Accounts::Profile::Options profileOptions;
    profileOptions.allowInsecurePasswordStore = parser.isSet(commandLine.insecurePasswordStore);
    auto profile = Heron::Accounts::Profile::open(options.profileDir, profileOptions);
    if (!profile) {
        QMessageBox::critical(nullptr, QCoreApplication::translate("Main", "Heron cannot start"),
                              QCoreApplication::translate("Main", "The profile in %1 cannot be opened: %2")
                                      .arg(QDir::toNativeSeparators(options.profileDir), profile.error().message));
        return 1;
    }
    Heron::Gui::MailBackend backend(**profile);
    Heron::Gui::MainWindow window(&(*profile)->database(), &backend);
    // The window quits the application once the servers got their LOGOUT.
    QApplication::setQuitOnLastWindowClosed(false);
    QObject::connect(&window, &Heron::Gui::MainWindow::closed, &app, &QCoreApplication::quit);
    QObject::connect(&window, &Heron::Gui::MainWindow::addAccountRequested, &window, [&window, &options] {
        QMessageBox::information(
                &window, QCoreApplication::translate("Main", "Add Account"),
                QCoreApplication::translate("Main", "The account assistant is not part of this version yet. Until "
                                                    "then, add an account from a terminal, then start Heron again:\n\n"
                                                    "heron --profile \"%1\" account add --email ADDRESS --host "
                                                    "IMAP-SERVER")
                        .arg(QDir::toNativeSeparators(options.profileDir)));
    });
    QObject::connect(&window, &Heron::Gui::MainWindow::demoRequested, &window, [&window] {
        // The demo runs in a process of its own, on a profile of its own.
        if (!QProcess::startDetached(QCoreApplication::applicationFilePath(), {QStringLiteral("--demo")}))
            QMessageBox::warning(&window, QCoreApplication::translate("Main", "Demo"),
                                 QCoreApplication::translate("Main", "The demo could not be started."));
    });
    window.show();
    backend.start();
    return app.exec();
}
