// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>

#include <functional>
#include <optional>

namespace Heron::Imap {
class Command;
}  // namespace Heron::Imap

namespace Heron::Store {
struct SearchQuery;
}  // namespace Heron::Store

namespace Heron::Sync {

// A search of the store (Store::SearchQuery, the command line's and the search field's syntax) as
// the server's SEARCH (RFC 3501 §6.4.4) over the part of a folder the store does not hold: with a
// sliding window, the messages that arrived before the window's first day; without one (a folder
// that is not synchronized), the whole folder.
struct ServerSearchCriteria {
    QByteArray charset;                          // "UTF-8" when a string is not ASCII, else empty
    std::function<void(Imap::Command &)> build;  // for Imap::SearchJob::setCriteria
    // has:attachment has no SEARCH key: the server finds a superset, and the caller keeps only
    // the messages whose body structure has an attachment.
    bool needsAttachmentFilter = false;
};

// nullopt when the query cannot be asked of the server, or would list every message asked about:
// nothing but has:attachment or folder:.
std::optional<ServerSearchCriteria> serverSearchCriteria(const Store::SearchQuery &query, const QDateTime &windowStart);

}  // namespace Heron::Sync
