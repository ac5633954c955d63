// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// ENABLE (RFC 5161): turns on extensions such as QRESYNC or CONDSTORE for this connection. The
// ones the server confirmed (the ENABLED response) are recorded in the session.
class EnableJob : public Job {
    Q_OBJECT

public:
    explicit EnableJob(Session *session);

    void setCapabilities(const Strings &capabilities) { m_requested = capabilities; }
    // What the server enabled; may be fewer than asked for.
    const Strings &enabled() const { return m_enabled; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    Strings m_requested;
    Strings m_enabled;
};

}  // namespace Heron::Imap
