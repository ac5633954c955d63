// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Heron::Store {

// One forward-only step of the schema: the statements that take a store from version - 1 to
// version. Steps are never edited once released; a change of schema is a new step appended.
struct Migration {
    int version = 0;
    QStringList statements;
    // Table rebuilds (SQLite's ALTER TABLE recipe) run with foreign keys off and are followed by
    // PRAGMA foreign_key_check; everything else runs with them on.
    bool rebuildsTables = false;
};

namespace Migrations {
// Every step of the schema, in order; the last one's version is the current schema version.
QList<Migration> all();
int latestVersion();
}  // namespace Migrations

}  // namespace Heron::Store
