// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "store/messagemetadata.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace Heron::Sync {
class ContentCache;
class SyncEngine;
}  // namespace Heron::Sync

namespace Heron::Cli {

class Context;

// Gets the transfer-decoded bytes of one body part for `show` and `fetch-part`: from the content
// cache when it holds them (no connection at all), else from the server through the sync engine,
// which connects the account on its content connection and keeps a copy in the cache.
class PartLoader {
public:
    explicit PartLoader(Context &context);
    ~PartLoader();

    PartLoader(const PartLoader &) = delete;
    PartLoader &operator=(const PartLoader &) = delete;

    Result<QByteArray> load(const Store::MessageMetadata &message, const QString &section);
    // Whether the last load came from the cache.
    bool lastFromCache() const { return m_lastFromCache; }
    // Logs out when the engine connected; call before the command ends.
    void finish();

private:
    Context &m_context;
    std::unique_ptr<Sync::ContentCache> m_cache;
    std::unique_ptr<Sync::SyncEngine> m_engine;
    bool m_lastFromCache = false;
};

}  // namespace Heron::Cli
