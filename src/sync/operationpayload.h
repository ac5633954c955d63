// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "core/uidset.h"
#include "store/operationjournal.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace Heron::Sync {

// What one journaled operation does on the server, stored as JSON in the journal's payload: the
// source folder (decoded path) with the UIDVALIDITY its UIDs belong to, the UIDs, the flags or the
// target, and the steps already done on the server, recorded as they complete so that a replay
// after a crash resumes where it stopped instead of repeating a step (a second COPY would
// duplicate the messages). One operation covers the messages of one source folder.
//
//   {"folder": "INBOX", "uidValidity": 1700000000, "uids": "1:5,9",
//    "add": ["\\Seen"], "remove": [],                      flag
//    "target": "Archive/2024",                             move, copy
//    "copyRequested": {"uidValidity": 42, "uidNext": 17},  COPY about to be sent (target's STATUS)
//    "copied": {"uidValidity": 42, "uids": "17:22"},       COPY done (COPYUID; 0 and "" without it)
//    "flagged": true,                                      \Deleted stored on the source UIDs
//    "expunged": true}                                     source UIDs expunged
struct OperationPayload {
    // Where the copies landed (RFC 4315 §3 COPYUID); uidValidity 0 and no UIDs when the server
    // did not say.
    struct Copied {
        quint32 uidValidity = 0;
        UidSet uids;

        bool operator==(const Copied &) const = default;
    };
    // The target's UIDVALIDITY and UIDNEXT just before the UID COPY was sent, recorded first: if
    // the COPY's answer is lost (a crash, a dropped connection), the copies it may have made are
    // among the target's messages from uidNext on (RFC 3501 §2.3.1.1), and the replay looks for
    // them there instead of copying again. Absent in payloads written before it existed.
    struct CopyRequest {
        quint32 uidValidity = 0;
        quint32 uidNext = 0;

        bool operator==(const CopyRequest &) const = default;
    };

    QString folder;
    quint32 uidValidity = 0;
    UidSet uids;
    QStringList addFlags;     // flag: IMAP flags as sent ("\Seen", "$Label1")
    QStringList removeFlags;  // flag
    QString target;           // move, copy: decoded path of the destination
    std::optional<CopyRequest> copyRequested;
    std::optional<Copied> copied;
    bool flagged = false;
    bool expunged = false;

    // Compact JSON; "add" and "remove" are written for flag operations only.
    QByteArray toJson(Store::Operation::Kind kind) const;
    // Parses and validates a payload for the kind: every field it needs present and well formed,
    // nothing that would send a malformed command. The error says what is wrong in plain words.
    static Result<OperationPayload> fromJson(Store::Operation::Kind kind, const QByteArray &json);
    // The checks of fromJson on a payload built in code.
    Result<bool> validate(Store::Operation::Kind kind) const;

    // True for a flag the server can be sent as one atom: "\Name" (RFC 3501 flag-extension) or a
    // keyword atom; "\Recent" and "\*" are not flags one can set.
    static bool isValidFlag(const QString &flag);

    bool operator==(const OperationPayload &) const = default;
};

}  // namespace Heron::Sync
