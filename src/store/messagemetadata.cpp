// SPDX-License-Identifier: GPL-3.0-or-later
#include "messagemetadata.h"

#include <algorithm>

namespace Heron::Store {

namespace {

struct SystemFlag {
    MessageFlags::Bit bit;
    QLatin1StringView name;
};

constexpr SystemFlag kSystemFlags[] = {
        {MessageFlags::Seen, QLatin1StringView("\\Seen")},
        {MessageFlags::Answered, QLatin1StringView("\\Answered")},
        {MessageFlags::Flagged, QLatin1StringView("\\Flagged")},
        {MessageFlags::Deleted, QLatin1StringView("\\Deleted")},
        {MessageFlags::Draft, QLatin1StringView("\\Draft")},
};

}  // namespace

MessageFlags MessageFlags::fromStrings(const QStringList &flags)
{
    MessageFlags result;
    for (const QString &flag : flags) {
        if (flag.isEmpty())
            continue;
        bool system = false;
        for (const SystemFlag &known : kSystemFlags) {
            if (flag.compare(known.name, Qt::CaseInsensitive) == 0) {
                result.bits |= known.bit;
                system = true;
                break;
            }
        }
        // RFC 3501 §2.3.2: \Recent belongs to the session, not to the message.
        if (!system && flag.compare(QLatin1StringView("\\Recent"), Qt::CaseInsensitive) != 0)
            result.keywords.append(flag);
    }
    result.normalize();
    return result;
}

QStringList MessageFlags::toStrings() const
{
    QStringList result;
    for (const SystemFlag &known : kSystemFlags) {
        if (bits & known.bit)
            result.append(QString(known.name));
    }
    result.append(keywords);
    return result;
}

void MessageFlags::normalize()
{
    std::sort(keywords.begin(), keywords.end());
    keywords.erase(std::unique(keywords.begin(), keywords.end()), keywords.end());
}

}  // namespace Heron::Store
