// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace Heron::Cli {

// The headless command line, `heron --profile DIR <command> [arguments] [options]`: the same
// profile, store and sync engine as the window, for terminals, scripts and servers. Needs a
// QCoreApplication and no display. Results go to stdout, errors in plain words to stderr; the
// exit code is 0 on success, 1 when the command failed, 2 when the command line is wrong.
//
//   account add --email E [--name N] --host H [--port P] [--security tls|starttls|none] [--user U]
//               (--password-env VAR | --password-stdin) [--ca-file PEM] [--days N | --since DATE]
//   account list
//   account remove ACCOUNT
//   folders [--account A]
//   select FOLDER on|off [--account A]
//   window (--days N | --since YYYY-MM-DD | --off) [--account A]
//   sync [--account A] [--once] [--full]
//   list FOLDER [--limit N] [--account A]
//   show ID
//   search QUERY... [--limit N] [--account A]
//   flag ID (+seen|-seen|+flagged|-flagged)... [--offline]
//   move ID FOLDER [--offline]
//   delete ID [--offline]
//   fetch-part ID SECTION --out FILE|-
//
// Global options, anywhere on the line: --profile DIR, --insecure-password-store, --verbose.
class CommandLine {
public:
    // True when the arguments (argv, program name first) hold a positional argument, that is a
    // command for the command line rather than options for the window.
    static bool hasCommand(const QStringList &arguments);
    // The commands and one line on each, for `heron --help`.
    static QString commandsOverview();
    static QStringList commandNames();

    // Runs the command in arguments (argv, program name first). Needs a QCoreApplication.
    static int run(const QStringList &arguments);
};

}  // namespace Heron::Cli
