// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QFlags>
#include <QList>
#include <QString>

namespace Heron::Demo {

// One folder of the demo mailbox.
struct DemoFolder {
    QString path;        // levels separated by '/', as IMAP shows it decoded: "Reisen/Äpfel & Birnen"
    QString specialUse;  // RFC 6154 attribute ("\Sent"), empty for an ordinary folder
    int messageCount = 0;
};

// The system flags a generated message starts with (RFC 3501 §2.3.2).
enum class MessageFlag { Seen = 0x1, Answered = 0x2, Flagged = 0x4, Draft = 0x8 };
Q_DECLARE_FLAGS(MessageFlags, MessageFlag)
Q_DECLARE_OPERATORS_FOR_FLAGS(MessageFlags)

// One generated message and the folder it belongs in.
struct GeneratedMessage {
    QString folder;      // a DemoFolder path
    QByteArray content;  // RFC 5322, CRLF line ends
    QDateTime received;  // the INTERNALDATE it should get (UTC)
    MessageFlags flags;
    QByteArray messageId;  // without angle brackets

    bool operator==(const GeneratedMessage &) const = default;
};

// Writes the demo mailbox: about 5,000 realistic messages over the folders of folders(), spread
// over the two years before `now`. Plain and HTML mail (some with inline cid: images, some with
// remote images), attachments with non-ASCII names (RFC 2231), RFC 2047 names and subjects,
// conversations across INBOX and Sent, a mailing list, and one delivery-status report whose
// original is in Sent. The same seed and `now` give the same bytes on every platform.
class MailGenerator {
public:
    static constexpr quint32 kDefaultSeed = 20240917;

    explicit MailGenerator(quint32 seed = kDefaultSeed, const QDateTime &now = QDateTime::currentDateTimeUtc());

    // Every folder of the mailbox with the number of messages generate() puts in it, parents first.
    static QList<DemoFolder> folders();
    // The mailbox owner, who writes what is in Sent and Drafts.
    static QString ownerName();     // "Robin Demo"
    static QString ownerAddress();  // "demo@heron.invalid"

    // Messages of each folder in the order they arrived; folders in the order of folders().
    QList<GeneratedMessage> generate() const;

private:
    quint32 m_seed;
    QDateTime m_now;
};

}  // namespace Heron::Demo
