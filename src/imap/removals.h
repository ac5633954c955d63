// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/uidset.h"
#include "imap/response.h"

#include <QList>

namespace Heron::Imap {

// The messages a command removed from the selected mailbox, as the server reports them:
// "* n EXPUNGE" (RFC 3501 §7.4.1) or, with QRESYNC enabled, "* VANISHED uids" (RFC 7162 §3.2.10).
// Shared by the jobs whose command expunges (UID EXPUNGE, UID MOVE).
struct Removals {
    QList<uint32_t> expungedSequences;  // in the order received; each is relative to the ones before
    UidSet vanishedUids;

    // Takes an EXPUNGE or a (non-EARLIER) VANISHED response; false for anything else.
    bool collect(const Response &response);
};

}  // namespace Heron::Imap
