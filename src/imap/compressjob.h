// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// COMPRESS DEFLATE (RFC 4978): after the server's OK, the session deflates everything it sends and
// inflates everything it reads. Finishes at once when compression is already active.
class CompressJob : public Job {
    Q_OBJECT

public:
    explicit CompressJob(Session *session);

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;
};

}  // namespace Heron::Imap
