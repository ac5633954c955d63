// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QCommandLineParser;

namespace Heron::Cli {

class Context;

// One function per command of `heron --profile DIR <command>`; each returns the exit code
// (ExitCode). The parser holds the command's own options and positional arguments (after the
// command words); the global options are in the context. See CommandLine for the syntax.

int accountAdd(Context &context, const QCommandLineParser &parser);
int accountList(Context &context, const QCommandLineParser &parser);
int accountRemove(Context &context, const QCommandLineParser &parser);

int folders(Context &context, const QCommandLineParser &parser);
int select(Context &context, const QCommandLineParser &parser);
int window(Context &context, const QCommandLineParser &parser);

int sync(Context &context, const QCommandLineParser &parser);

int list(Context &context, const QCommandLineParser &parser);
int show(Context &context, const QCommandLineParser &parser);
int search(Context &context, const QCommandLineParser &parser);
int fetchPart(Context &context, const QCommandLineParser &parser);

int flag(Context &context, const QCommandLineParser &parser);
int move(Context &context, const QCommandLineParser &parser);
int remove(Context &context, const QCommandLineParser &parser);

}  // namespace Heron::Cli
