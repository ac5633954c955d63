// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// Leaves the selected mailbox without expunging anything: UNSELECT (RFC 3691) where offered,
// otherwise CLOSE, which only expunges a mailbox selected read-write (RFC 3501 §6.4.2) — so
// without UNSELECT the job refuses to run on a read-write selection. Afterwards the session is
// Authenticated. Nothing to do when no mailbox is selected.
class CloseJob : public Job {
    Q_OBJECT
public:
    explicit CloseJob(Session *session);
    // Set when the mailbox was selected with EXAMINE (the caller knows; the session does not).
    void setSelectedReadOnly(bool readOnly) { m_readOnly = readOnly; }

protected:
    void doStart() override;
    void handleTagged(const StatusResponse &response) override;

private:
    bool m_readOnly = false;
};

}  // namespace Heron::Imap
