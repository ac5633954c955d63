// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Heron::Cli {

// HTML as readable plain text for a terminal, without a layout engine: scripts, styles and
// comments dropped, block ends as line breaks, tags removed, the common entities and numeric
// character references decoded, runs of blank lines squeezed. Never fetches or runs anything.
QString htmlToText(const QString &html);

}  // namespace Heron::Cli
