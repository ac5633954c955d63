// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "sync/contentcache.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace Heron::Imap {
class Job;
class Session;
struct FetchResponse;
}  // namespace Heron::Imap

namespace Heron::Sync {

// What to fetch: one body section of one message of one mailbox.
struct PartRequest {
    QByteArray mailbox;       // the wire name (see PartFetcher::wireMailboxName)
    quint32 uidValidity = 0;  // the folder's UIDVALIDITY the UID belongs to
    quint32 uid = 0;
    QString section;          // "1.2", "TEXT", "HEADER", "" for the whole message
    QString encoding;         // the part's Content-Transfer-Encoding (Store::MessagePart::encoding)
    qint64 expectedSize = 0;  // the part's encoded size from BODYSTRUCTURE; 0 when unknown
};

// Fetches one body part of one message over an authenticated session and hands out its
// transfer-decoded bytes, storing them in the content cache when one is given. EXAMINEs the
// mailbox first unless the session has it selected, and refuses to go on when its UIDVALIDITY is
// not the expected one. Uses BINARY.PEEK (RFC 3516) where the server offers it for a leaf part,
// BODY.PEEK otherwise; big parts come in ranges of kRangeBytes, up to kMaxRangesInFlight
// pipelined, with progress. Callers look in the cache before starting one. The session must not
// select another mailbox while a fetch runs. Emits exactly one of finished() or failed(), once
// every command it sent is done; deleting a running fetcher leaves its commands to finish on the
// session, so the next fetch of the same message should wait for them.
class PartFetcher : public QObject {
    Q_OBJECT

public:
    static constexpr qint64 kRangeBytes = qint64(1) << 20;
    static constexpr int kMaxRangesInFlight = 4;

    PartFetcher(Imap::Session *session, const PartRequest &request, QObject *parent = nullptr);
    ~PartFetcher() override;

    // Also store the decoded bytes in cache under address (not owned; must outlive the fetch).
    void setCache(ContentCache *cache, const PartAddress &address);
    // Server data beyond this is refused with LimitExceeded; default the cache's entry limit.
    void setMaxBytes(qint64 maxBytes) { m_maxBytes = maxBytes; }

    void start();

    const PartRequest &request() const { return m_request; }
    bool isRunning() const { return m_running; }
    // Octets of section data received from the server (encoded unless BINARY was used).
    qint64 bytesFetched() const { return m_received; }
    // FETCH commands sent for the part's data: its ranges, or 1 for a part fetched in one go.
    int rangesFetched() const { return m_rangesFetched; }
    // Whether the data came through BINARY (already decoded by the server).
    bool usedBinary() const { return m_binary; }
    // Whether an EXAMINE was needed first.
    bool examined() const { return m_examined; }

    // The wire form of a decoded mailbox path on this session: UTF-8 after ENABLE UTF8=ACCEPT
    // (RFC 6855 §3), modified UTF-7 otherwise (RFC 3501 §5.1.3).
    static QByteArray wireMailboxName(const Imap::Session &session, const QString &path);
    // "", "TEXT", "HEADER", "1", "1.2", "1.2.TEXT", "1.2.HEADER", "1.2.MIME"; nothing else.
    static bool isValidSection(const QString &section);

Q_SIGNALS:
    // total is 0 while unknown.
    void progress(qint64 received, qint64 total);
    void finished(const QByteArray &decoded);
    void failed(const Heron::Error &error);

private:
    void examine();
    void beginFetch();
    void scheduleRanges();
    void sendRange(qint64 offset, bool withSize);
    void sendFetch(const QList<QByteArray> &items, qint64 offset);
    void handleResponse(quint64 generation, const Imap::FetchResponse &response);
    void storeChunk(qint64 offset, const QByteArray &data);
    void jobDone(Imap::Job *job, const Error *error, const QByteArray &codeName);
    void abandon(const Error &error);
    void settle();
    void complete();
    void fail(Error error);
    QByteArray itemName(bool peek) const;
    qint64 lowerBoundOfDecodedSize() const;

    QPointer<Imap::Session> m_session;
    PartRequest m_request;
    ContentCache *m_cache = nullptr;
    PartAddress m_address;
    qint64 m_maxBytes = ContentCache::kMaxEntryBytes;

    bool m_running = false;
    bool m_done = false;
    bool m_examined = false;
    bool m_binary = false;
    bool m_ranged = false;
    bool m_binaryRefused = false;  // [UNKNOWN-CTE]: the server cannot decode this part
    bool m_retried = false;        // asked again after an answer without data
    // Bumped when a fetch starts over: data for older commands is ignored.
    quint64 m_generation = 0;

    QHash<Imap::Job *, qint64> m_jobs;  // FETCH commands in flight → their range's offset (-1: whole)
    std::optional<Error> m_failure;     // reported once the commands in flight are done
    bool m_restart = false;             // start over (without BINARY) once they are done
    bool m_sawNil = false;

    qint64 m_nextOffset = 0;
    qint64 m_planned = 0;                // octets known to exist (size announced or estimated)
    std::optional<qint64> m_exactSize;   // BINARY.SIZE, trusted to end the fetch
    std::optional<qint64> m_end;         // where the data ends, once a short range came back
    QHash<qint64, qint64> m_arrived;     // offset → octets received
    QMap<qint64, QByteArray> m_pending;  // chunks that came before an earlier one
    QByteArray m_data;                   // contiguous data from offset 0
    qint64 m_received = 0;
    int m_rangesFetched = 0;
};

}  // namespace Heron::Sync
