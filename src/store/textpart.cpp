// SPDX-License-Identifier: GPL-3.0-or-later
#include "textpart.h"

namespace Heron::Store {

namespace {

std::optional<MessagePart> firstOfType(const MessageMetadata &message, QLatin1StringView type)
{
    for (const MessagePart &part : message.parts) {
        if (part.isAttachment || part.disposition.compare(QLatin1StringView("attachment"), Qt::CaseInsensitive) == 0)
            continue;
        if (part.mimeType.compare(type, Qt::CaseInsensitive) == 0)
            return part;
    }
    return std::nullopt;
}

}  // namespace

std::optional<MessagePart> textPart(const MessageMetadata &message, TextPreference preference)
{
    const QLatin1StringView plain("text/plain");
    const QLatin1StringView html("text/html");
    const bool plainFirst = preference == TextPreference::Plain;
    if (auto preferred = firstOfType(message, plainFirst ? plain : html))
        return preferred;
    return firstOfType(message, plainFirst ? html : plain);
}

}  // namespace Heron::Store
