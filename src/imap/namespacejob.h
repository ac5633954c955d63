// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// NAMESPACE (RFC 2342): the personal, other users' and shared mailbox prefixes. Without the
// NAMESPACE capability it finishes with one personal namespace "" and no delimiter known.
class NamespaceJob : public Job {
    Q_OBJECT

public:
    explicit NamespaceJob(Session *session);

    const NamespaceResponse &namespaces() const { return m_namespaces; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    NamespaceResponse m_namespaces;
};

}  // namespace Heron::Imap
