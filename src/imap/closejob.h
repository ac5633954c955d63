// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// Leaves the selected mailbox without expunging anything: UNSELECT (RFC 3691) where offered.
// Otherwise CLOSE is no option (it expunges a read-write selection, RFC 3501 §6.4.2), so the job
// EXAMINEs a name no mailbox has: the refused EXAMINE leaves no mailbox selected (§6.3.1).
// Afterwards the session is Authenticated. Nothing to do when no mailbox is selected.
class CloseJob : public Job {
    Q_OBJECT
public:
    explicit CloseJob(Session *session);

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;

private:
    bool m_viaExamine = false;
};

}  // namespace Heron::Imap
