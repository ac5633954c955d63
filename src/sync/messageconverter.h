// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/response.h"
#include "store/messagemetadata.h"

#include <QByteArrayView>
#include <QDateTime>

namespace Heron::Sync {

// The FETCH items that give a message's metadata: UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
// BODYSTRUCTURE and BODY.PEEK[HEADER.FIELDS (REFERENCES LIST-ID)] (the envelope lacks both),
// plus MODSEQ when withModSeq (RFC 7162 §3.1.5).
Imap::Strings metadataFetchItems(bool withModSeq);

// One FETCH response → the store's metadata: envelope decoded for display (RFC 2047 subject and
// names, the Date header), flags, size, dates, References and List-Id from the header fields,
// the parts worth listing from BODYSTRUCTURE (file names via RFC 2231/2047), whether it has
// attachments and whether it is a delivery report. Missing items leave their fields empty.
Store::MessageMetadata metadataFromFetch(const Imap::FetchResponse &response);

// Whether a FETCH response carries the metadata asked for with metadataFetchItems(), rather than
// only flags (another client's change pushed in the middle of a batch).
bool carriesMetadata(const Imap::FetchResponse &response);

// The flags of a FETCH response as the store keeps them.
Store::MessageFlags flagsFromFetch(const Imap::FetchResponse &response);

// Threading needs the nearest ancestors most: a longer References list keeps its last ids.
inline constexpr qsizetype kMaxReferences = 100;
// The header fields section is read up to this many bytes; the rest is ignored.
inline constexpr qsizetype kMaxHeaderFieldBytes = 64 * 1024;

// An RFC 5322 §3.3 date-time, read tolerantly: the obsolete forms of §4.3 (zone names such as
// "EST", two- and three-digit years, comments), a missing day name, seconds or zone (taken as UTC),
// "01-Jul-2003" and asctime order. In UTC; invalid for anything that is not a date.
QDateTime parseDateHeader(QByteArrayView raw);

}  // namespace Heron::Sync
