// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/messagemetadata.h"

#include <QString>

#include <optional>

namespace Heron::Cli {

// The part `show` prints as the message's text: the first text/plain part that is not an
// attachment, else the first such text/html part; nullopt when the message has neither.
std::optional<Store::MessagePart> textPart(const Store::MessageMetadata &message);

// HTML as readable plain text for a terminal, without a layout engine: scripts, styles and
// comments dropped, block ends as line breaks, tags removed, the common entities and numeric
// character references decoded, runs of blank lines squeezed. Never fetches or runs anything.
QString htmlToText(const QString &html);

}  // namespace Heron::Cli
