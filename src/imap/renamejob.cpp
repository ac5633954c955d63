// SPDX-License-Identifier: GPL-3.0-or-later
#include "renamejob.h"

#include "imap/session.h"

namespace Heron::Imap {

RenameJob::RenameJob(Session *session) : Job(session) {}

void RenameJob::doStart()
{
    if (m_from.isEmpty() || m_to.isEmpty()) {
        fail(makeError(Error::Code::InvalidInput, tr("RENAME needs the old and the new mailbox name.")));
        return;
    }
    Command command(QByteArrayLiteral("RENAME"));
    command.string(m_from).string(m_to);
    sendCommand(command);
}

}  // namespace Heron::Imap
