// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "imap/job.h"

namespace Heron::Imap {

// ID (RFC 2971): tells the server who we are and reads what it says about itself. Fails with
// Unsupported when the server lacks ID; callers treat that as harmless.
class IdJob : public Job {
    Q_OBJECT

public:
    using Fields = QList<std::pair<QByteArray, QByteArray>>;

    explicit IdJob(Session *session);

    // Defaults to name "Heron" and the version.
    void setClientFields(const Fields &fields) { m_clientFields = fields; }
    // The server's fields; empty when it answered NIL.
    const Fields &serverFields() const { return m_serverFields; }
    QByteArray serverField(QByteArrayView name) const;

protected:
    void doStart() override;
    bool handleUntagged(const Response &response) override;
    void handleTagged(const StatusResponse &response) override;

private:
    Fields m_clientFields;
    Fields m_serverFields;
};

}  // namespace Heron::Imap
