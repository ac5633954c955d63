// SPDX-License-Identifier: GPL-3.0-or-later
#include "removals.h"

namespace Heron::Imap {

bool Removals::collect(const Response &response)
{
    if (const auto *number = std::get_if<NumberResponse>(&response)) {
        if (number->kind != NumberResponse::Kind::Expunge)
            return false;
        expungedSequences.append(number->number);
        return true;
    }
    if (const auto *vanished = std::get_if<VanishedResponse>(&response)) {
        // VANISHED (EARLIER) reports the past (RFC 7162 §3.2.10.1), not what this command removed.
        if (vanished->earlier)
            return false;
        vanishedUids.unite(vanished->uids);
        return true;
    }
    return false;
}

}  // namespace Heron::Imap
