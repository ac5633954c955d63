// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "demo/mailgenerator.h"

#include <QList>
#include <QString>

#include <atomic>
#include <optional>

namespace Heron::Demo {

// Writes messages straight into a Maildir++ tree laid out as Dovecot keeps one ("maildir:" with
// the default layout): INBOX at the root, every other folder in "<root>/.<level>.<level>" with
// each level in modified UTF-7 (RFC 3501 §5.1.3). Dovecot indexes the files on first access, in
// the order of the times in their names, which makes UIDs follow arrival.
class MaildirWriter {
public:
    // `root`: the user's maildir, what mail_location's "~/Maildir" names.
    explicit MaildirWriter(const QString &root);

    // Running as root, what is written must belong to the user Dovecot reads mail as.
    void setOwner(uint userId, uint groupId);

    // Creates every folder (cur/, new/, tmp/, and "maildirfolder" below the root) and subscribes
    // to all of them.
    Result<bool> createFolders(const QList<DemoFolder> &folders);
    // Writes each message into cur/ of its folder: flags in the name (":2,DFRS"), the INTERNALDATE
    // as modification time. Stops with Error::Code::Cancelled as soon as `cancelled` is set.
    Result<bool> writeMessages(const QList<GeneratedMessage> &messages, const std::atomic_bool &cancelled);

    QString folderDirectory(const QString &path) const;

private:
    Result<bool> handOver(const QString &path) const;

    QString m_root;
    std::optional<std::pair<uint, uint>> m_owner;
    quint64 m_written = 0;
};

}  // namespace Heron::Demo
