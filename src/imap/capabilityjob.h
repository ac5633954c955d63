// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// CAPABILITY (RFC 3501 §6.1.1): reads the server's capabilities and stores them in the session.
class CapabilityJob : public Job {
    Q_OBJECT

public:
    explicit CapabilityJob(Session *session);

    const Strings &capabilities() const { return m_capabilities; }

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    Strings m_capabilities;
};

}  // namespace Heron::Imap
