// SPDX-License-Identifier: GPL-3.0-or-later
#include "maildirwriter.h"

#include "imap/mailboxname.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Heron::Demo {

namespace {

Error writeError(const QString &path, const QString &reason)
{
    return makeError(Error::Code::Io, QCoreApplication::translate("Heron::Demo::MaildirWriter",
                                                                  "Cannot write %1 for the demo mailbox: %2.")
                                              .arg(path, reason));
}

// Maildir's info part (":2," then the flag letters in ASCII order).
QByteArray flagLetters(MessageFlags flags)
{
    QByteArray letters;
    if (flags.testFlag(MessageFlag::Draft))
        letters += 'D';
    if (flags.testFlag(MessageFlag::Flagged))
        letters += 'F';
    if (flags.testFlag(MessageFlag::Answered))
        letters += 'R';
    if (flags.testFlag(MessageFlag::Seen))
        letters += 'S';
    return letters;
}

}  // namespace

MaildirWriter::MaildirWriter(const QString &root) : m_root(root) {}

void MaildirWriter::setOwner(uint userId, uint groupId)
{
    m_owner = std::make_pair(userId, groupId);
}

QString MaildirWriter::folderDirectory(const QString &path) const
{
    if (path.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
        return m_root;
    QByteArray name;
    for (const QString &level : path.split(QLatin1Char('/')))
        name += '.' + Imap::encodeMailboxName(level);
    return m_root + QLatin1Char('/') + QString::fromLatin1(name);
}

Result<bool> MaildirWriter::handOver(const QString &path) const
{
#ifdef Q_OS_UNIX
    if (m_owner && ::chown(QFile::encodeName(path).constData(), m_owner->first, m_owner->second) != 0)
        return writeError(path, QString::fromLocal8Bit(std::strerror(errno)));
#else
    Q_UNUSED(path);
#endif
    return true;
}

Result<bool> MaildirWriter::createFolders(const QList<DemoFolder> &folders)
{
    // Dovecot 2.3's subscriptions file: a version line, an empty line, then one folder a line with
    // its levels separated by tabs, each level in modified UTF-7.
    QByteArray subscriptions = "V\t2\n\n";
    QStringList created;
    for (const DemoFolder &folder : folders) {
        const QString directory = folderDirectory(folder.path);
        for (const char *sub : {"", "/cur", "/new", "/tmp"}) {
            const QString path = directory + QLatin1String(sub);
            if (!QDir().mkpath(path))
                return writeError(path, QCoreApplication::translate("Heron::Demo::MaildirWriter",
                                                                    "the folder cannot be created"));
            if (!created.contains(path))
                created.append(path);
        }
        if (directory != m_root) {
            // Maildir++ marks its subfolders so that delivery agents know them.
            QFile marker(directory + QStringLiteral("/maildirfolder"));
            if (!marker.open(QIODevice::WriteOnly))
                return writeError(marker.fileName(), marker.errorString());
            created.append(marker.fileName());
        }
        QByteArrayList levels;
        for (const QString &level : folder.path.split(QLatin1Char('/')))
            levels.append(Imap::encodeMailboxName(level));
        subscriptions += levels.join('\t') + '\n';
    }
    QFile file(m_root + QStringLiteral("/subscriptions"));
    if (!file.open(QIODevice::WriteOnly) || file.write(subscriptions) != subscriptions.size())
        return writeError(file.fileName(), file.errorString());
    file.close();
    created.append(file.fileName());
    for (const QString &path : std::as_const(created)) {
        if (auto handed = handOver(path); !handed)
            return handed;
    }
    return true;
}

Result<bool> MaildirWriter::writeMessages(const QList<GeneratedMessage> &messages, const std::atomic_bool &cancelled)
{
    const QByteArray process = QByteArray::number(QCoreApplication::applicationPid());
    QString lastFolder;
    QString directory;
    for (const GeneratedMessage &message : messages) {
        if (cancelled.load())
            return makeError(Error::Code::Cancelled, QStringLiteral("writing the demo mailbox was cancelled"));
        if (message.folder != lastFolder) {
            lastFolder = message.folder;
            directory = folderDirectory(message.folder) + QStringLiteral("/cur/");
        }
        // "<seconds>.M<microseconds>P<pid>.<host>,S=<size>:2,<flags>": Dovecot orders new files by
        // the time in the name, so a counter in the microseconds keeps arrival order within a second.
        const QByteArray name = QByteArray::number(message.received.toSecsSinceEpoch()) + ".M" +
                                QByteArray::number(m_written % 1000000) + 'P' + process +
                                ".heron-demo,S=" + QByteArray::number(message.content.size()) + ":2," +
                                flagLetters(message.flags);
        ++m_written;
        QFile file(directory + QString::fromLatin1(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
            file.write(message.content) != message.content.size() || !file.flush() ||
            !file.setFileTime(message.received, QFileDevice::FileModificationTime))
            return writeError(file.fileName(), file.errorString());
        file.close();
        if (auto handed = handOver(file.fileName()); !handed)
            return handed;
    }
    return true;
}

}  // namespace Heron::Demo
