// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/messagemetadata.h"

#include <optional>

namespace Heron::Store {

// Which kind of text part a reader wants when a message carries both (multipart/alternative).
enum class TextPreference { Plain, Html };

// The part to show as the message's text: the first text part of the preferred type that is not an
// attachment, else the first such part of the other type; nullopt when the message has neither.
std::optional<MessagePart> textPart(const MessageMetadata &message,
                                    TextPreference preference = TextPreference::Plain);

}  // namespace Heron::Store
