// SPDX-License-Identifier: GPL-3.0-or-later
#include "partfetcher.h"

#include "imap/fetchjob.h"
#include "imap/mailboxname.h"
#include "imap/selectjob.h"
#include "imap/session.h"
#include "mime/codec.h"
#include "sync/synclogging.h"

#include <algorithm>

namespace Heron::Sync {

namespace {

bool isNumber(QStringView part)
{
    if (part.isEmpty() || part.size() > 9 || part.front() == QLatin1Char('0'))
        return false;
    return std::all_of(part.cbegin(), part.cend(),
                       [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

// "1", "1.2", ...: a part number, which BINARY accepts and whose transfer encoding applies.
bool isLeafNumber(const QString &section)
{
    if (section.isEmpty())
        return false;
    const QList<QStringView> parts = QStringView(section).split(QLatin1Char('.'));
    return std::all_of(parts.cbegin(), parts.cend(), isNumber);
}

bool isTextSection(const QString &section)
{
    return section == QLatin1String("TEXT") || section.endsWith(QLatin1String(".TEXT"));
}

bool sameMailbox(const QByteArray &a, const QByteArray &b)
{
    // RFC 3501 §5.1: INBOX is case-insensitive; every other name is compared as sent.
    if (a.compare("INBOX", Qt::CaseInsensitive) == 0)
        return b.compare("INBOX", Qt::CaseInsensitive) == 0;
    return a == b;
}

bool hasEnabled(const Imap::Session &session, QByteArrayView capability)
{
    const Imap::Strings &enabled = session.enabledCapabilities();
    return std::any_of(enabled.cbegin(), enabled.cend(), [&](const QByteArray &c) {
        return QByteArrayView(c).compare(capability, Qt::CaseInsensitive) == 0;
    });
}

Error messageGone()
{
    return makeError(Error::Code::InvalidInput, QStringLiteral("The message no longer exists on the server."));
}

Error tooLarge(qint64 maxBytes)
{
    const QString limit = maxBytes >= (qint64(1) << 20) ? QStringLiteral("%1 MiB").arg(maxBytes >> 20)
                                                        : QStringLiteral("%1 bytes").arg(maxBytes);
    return makeError(Error::Code::LimitExceeded,
                     QStringLiteral("The part is larger than %1, the most Heron keeps of one part.").arg(limit));
}

}  // namespace

PartFetcher::PartFetcher(Imap::Session *session, const PartRequest &request, QObject *parent)
    : QObject(parent),
      m_session(session),
      m_request(request)
{
}

PartFetcher::~PartFetcher() = default;

void PartFetcher::setCache(ContentCache *cache, const PartAddress &address)
{
    m_cache = cache;
    m_address = address;
    if (cache)
        m_maxBytes = cache->options().maxEntryBytes;
}

QByteArray PartFetcher::wireMailboxName(const Imap::Session &session, const QString &path)
{
    return hasEnabled(session, "UTF8=ACCEPT") ? Imap::encodeMailboxNameUtf8(path) : Imap::encodeMailboxName(path);
}

bool PartFetcher::isValidSection(const QString &section)
{
    if (section.isEmpty() || section == QLatin1String("TEXT") || section == QLatin1String("HEADER"))
        return true;
    const QList<QStringView> parts = QStringView(section).split(QLatin1Char('.'));
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (isNumber(parts.at(i)))
            continue;
        // RFC 3501 §6.4.5: TEXT, HEADER and MIME follow a part number, last.
        const bool last = i == parts.size() - 1 && i > 0;
        if (!last || (parts.at(i) != QLatin1String("TEXT") && parts.at(i) != QLatin1String("HEADER") &&
                      parts.at(i) != QLatin1String("MIME")))
            return false;
    }
    return true;
}

void PartFetcher::start()
{
    if (m_running || m_done) {
        qCWarning(lcSync) << "A part fetch was started twice";
        return;
    }
    m_running = true;
    if (!m_session || (m_session->state() != Imap::Session::State::Authenticated &&
                       m_session->state() != Imap::Session::State::Selected)) {
        fail(makeError(Error::Code::Network, tr("Not connected to the server.")));
        return;
    }
    if (m_request.mailbox.isEmpty() || m_request.uid == 0 || m_request.uidValidity == 0) {
        fail(makeError(Error::Code::InvalidInput, tr("The part to fetch names no folder or message.")));
        return;
    }
    // The section goes into the command as it is: only the grammar's forms pass.
    if (!isValidSection(m_request.section)) {
        fail(makeError(Error::Code::InvalidInput, tr("\"%1\" is not a body section.").arg(m_request.section.left(80))));
        return;
    }
    if (m_session->state() == Imap::Session::State::Selected &&
        sameMailbox(m_session->selectedMailbox(), m_request.mailbox))
        beginFetch();
    else
        examine();
}

void PartFetcher::examine()
{
    // EXAMINE, not SELECT: reading a part must not change \Recent or anything else (RFC 3501 §6.3.2).
    auto *job = new Imap::SelectJob(m_session);
    job->setMailbox(m_request.mailbox);
    job->setReadOnly(true);
    m_examined = true;
    connect(job, &Imap::Job::finished, this, [this, job] {
        if (m_done)
            return;
        // RFC 3501 §2.3.1.1: under another UIDVALIDITY the UID may name another message.
        if (job->uidValidity() != m_request.uidValidity) {
            qCInfo(lcSync, "UIDVALIDITY is %u instead of %u; not fetching the part", job->uidValidity(),
                   m_request.uidValidity);
            fail(makeError(Error::Code::InvalidInput,
                           tr("The folder changed on the server; synchronize and try again.")));
            return;
        }
        beginFetch();
    });
    connect(job, &Imap::Job::failed, this, [this](const Error &error) { fail(error); });
    job->start();
}

qint64 PartFetcher::lowerBoundOfDecodedSize() const
{
    const qint64 encoded = m_request.expectedSize;
    const QString encoding = m_request.encoding.trimmed().toLower();
    // base64 gives 3 octets per 4 characters, less for line breaks (76 + CRLF per line: 57/78,
    // a short last line less still); quoted-printable at worst 1 per 3 ("=XX").
    if (encoding == QLatin1String("base64"))
        return encoded * 7 / 10;
    if (encoding == QLatin1String("quoted-printable"))
        return encoded / 3;
    return encoded;
}

void PartFetcher::beginFetch()
{
    if (m_done)
        return;
    ++m_generation;
    m_nextOffset = 0;
    m_exactSize.reset();
    m_end.reset();
    m_failure.reset();
    m_restart = false;
    m_sawNil = false;
    m_pending.clear();
    m_arrived.clear();
    m_data.clear();
    m_received = 0;
    m_rangesFetched = 0;

    // RFC 3516 §4.2: BINARY takes part numbers only, not HEADER/TEXT/MIME or the whole message.
    m_binary = !m_binaryRefused && m_session && m_session->hasCapability("BINARY") && isLeafNumber(m_request.section);
    if (!m_binary && m_request.expectedSize > m_maxBytes) {
        // The encoded size is what would come; with BINARY, BINARY.SIZE tells the decoded one.
        fail(tooLarge(m_maxBytes));
        return;
    }
    if (m_binary) {
        // The decoded size is unknown until BINARY.SIZE arrives with the first range; until then
        // only what surely exists is asked for in parallel.
        m_ranged = true;
        m_planned = lowerBoundOfDecodedSize();
    } else {
        m_ranged = m_request.expectedSize == 0 || m_request.expectedSize > kRangeBytes;
        m_planned = m_request.expectedSize;
    }
    if (m_request.expectedSize > 0)
        m_data.reserve(qsizetype(std::min<qint64>(m_request.expectedSize, m_maxBytes)));
    qCDebug(lcSync) << "Fetching part" << m_request.section << "of UID" << m_request.uid << "with"
                    << (m_binary ? "BINARY" : "BODY") << (m_ranged ? "in ranges" : "in one go");
    if (!m_ranged) {
        sendFetch({itemName(true)}, -1);
        return;
    }
    sendRange(0, m_binary);
    scheduleRanges();
}

QByteArray PartFetcher::itemName(bool peek) const
{
    QByteArray name = m_binary ? QByteArrayLiteral("BINARY") : QByteArrayLiteral("BODY");
    if (peek)
        name += ".PEEK";
    return name + '[' + m_request.section.toLatin1() + ']';
}

void PartFetcher::scheduleRanges()
{
    if (!m_ranged)
        return;
    while (!m_done && !m_failure && !m_restart && !m_end && m_jobs.size() < kMaxRangesInFlight) {
        // Only while everything before the ranges in flight has come in full: a range answered
        // without data means the message is gone (settle() says so), not that more should be asked.
        qint64 lowestInFlight = m_nextOffset;
        for (auto it = m_jobs.cbegin(); it != m_jobs.cend(); ++it)
            lowestInFlight = std::min(lowestInFlight, it.value());
        if (m_data.size() < lowestInFlight)
            break;
        qint64 limit = 0;
        if (m_exactSize) {
            limit = *m_exactSize;
        } else if (m_nextOffset < m_planned) {
            limit = m_planned;
        } else if (m_planned == 0 && !m_data.isEmpty()) {
            // Size unknown and the first range came back full: keep the pipeline full; the ranges
            // past the end come back empty.
            limit = m_nextOffset + 1;
        } else {
            // Past what the announced size promised: one range at a time until one is short.
            if (!m_jobs.isEmpty())
                break;
            limit = m_nextOffset + 1;
        }
        if (m_nextOffset >= limit)
            break;
        sendRange(m_nextOffset, false);
    }
}

void PartFetcher::sendRange(qint64 offset, bool withSize)
{
    Imap::Strings items;
    if (withSize)
        items.append("BINARY.SIZE[" + m_request.section.toLatin1() + ']');
    // RFC 3501 §6.4.5: <origin.octets> asks for a substring; past the end it is empty.
    items.append(itemName(true) + '<' + QByteArray::number(offset) + '.' + QByteArray::number(kRangeBytes) + '>');
    m_nextOffset = offset + kRangeBytes;
    sendFetch(items, offset);
}

void PartFetcher::sendFetch(const QList<QByteArray> &items, qint64 offset)
{
    auto *job = new Imap::FetchJob(m_session);
    job->setUids(UidSet::fromRange(m_request.uid, m_request.uid));
    job->setItems(items);
    const quint64 generation = m_generation;
    // Every command of this fetch asks about the same UID, and the session hands a FETCH response
    // to the first command in flight that claims it; servers may also answer pipelined commands
    // interleaved. So data is filed by its origin whichever command delivered it, and judged only
    // once every command is done.
    connect(job, &Imap::FetchJob::messageFetched, this,
            [this, generation](const Imap::FetchResponse &response) { handleResponse(generation, response); });
    connect(job, &Imap::Job::finished, this, [this, job] { jobDone(job, nullptr, {}); });
    connect(job, &Imap::Job::failed, this, [this, job](const Error &error) {
        const Imap::ResponseCode &code = job->result().code;
        jobDone(job, &error, code.kind == Imap::ResponseCode::Kind::Other ? code.name : QByteArray());
    });
    // A job deleted with its session never reports; it must not leave the fetch waiting.
    connect(job, &QObject::destroyed, this, [this, job] {
        if (!m_jobs.contains(job))
            return;
        const Error lost = makeError(Error::Code::Network, tr("The connection to the server was closed."));
        jobDone(job, &lost, {});
    });
    m_jobs.insert(job, offset);
    ++m_rangesFetched;
    job->start();
}

void PartFetcher::handleResponse(quint64 generation, const Imap::FetchResponse &response)
{
    if (generation != m_generation || m_done || m_failure || m_restart || response.uid != m_request.uid)
        return;
    const QByteArray section = m_request.section.toLatin1();
    for (const auto &[sizeSection, size] : response.binarySizes) {
        if (sizeSection.compare(section, Qt::CaseInsensitive) != 0)
            continue;
        if (size > uint64_t(m_maxBytes)) {
            abandon(tooLarge(m_maxBytes));
            return;
        }
        m_exactSize = qint64(size);
        m_planned = qint64(size);
    }
    for (const Imap::SectionData &data : response.sections) {
        if (data.binary != m_binary || data.section.compare(section, Qt::CaseInsensitive) != 0)
            continue;
        const qint64 offset = m_ranged ? qint64(data.origin.value_or(0)) : 0;
        if (data.data.isNull()) {
            // NIL: the server has no such section for this message (any more).
            m_sawNil = true;
            continue;
        }
        if (m_arrived.contains(offset))
            continue;  // a duplicate FETCH for the same range
        if (m_ranged && data.data.size() > kRangeBytes) {
            abandon(makeError(Error::Code::Protocol, tr("The server sent more of a part than was asked for.")));
            return;
        }
        m_arrived.insert(offset, data.data.size());
        if (!m_ranged) {
            m_end = data.data.size();
        } else if (data.data.size() < kRangeBytes) {
            // RFC 3501 §6.4.5: a short substring means the data ends there.
            const qint64 end = offset + data.data.size();
            m_end = m_end ? std::min(*m_end, end) : end;
        }
        storeChunk(offset, data.data);
        if (m_failure)
            return;
    }
}

void PartFetcher::storeChunk(qint64 offset, const QByteArray &data)
{
    m_received += data.size();
    if (m_received > m_maxBytes) {
        abandon(tooLarge(m_maxBytes));
        return;
    }
    if (offset == m_data.size()) {
        // As a view: the parser's strings may share its buffer, so this always copies.
        m_data.append(QByteArrayView(data));
        // Chunks that came before this one are appended in order.
        for (auto it = m_pending.find(m_data.size()); it != m_pending.end(); it = m_pending.find(m_data.size())) {
            const QByteArray next = it.value();
            m_pending.erase(it);
            if (next.isEmpty())
                break;
            m_data.append(QByteArrayView(next));
        }
    } else if (offset > m_data.size() && !data.isEmpty()) {
        m_pending.insert(offset, QByteArray(data.constData(), data.size()));
    }
    qint64 total = m_exactSize ? *m_exactSize : (m_binary ? 0 : m_request.expectedSize);
    if (total > 0)
        total = std::max(total, m_received);
    Q_EMIT progress(m_received, total);
}

void PartFetcher::abandon(const Error &error)
{
    // Commands still in flight are left to finish before failed() is emitted, so that none of
    // them outlives this fetch and takes data meant for the next one.
    if (!m_failure)
        m_failure = error;
    m_data = QByteArray();
    m_pending.clear();
}

void PartFetcher::jobDone(Imap::Job *job, const Error *error, const QByteArray &codeName)
{
    const auto it = m_jobs.find(job);
    if (it == m_jobs.end())
        return;
    m_jobs.erase(it);
    if (m_done)
        return;
    if (error && !m_failure && !m_restart) {
        if (m_binary && !m_binaryRefused && codeName == "UNKNOWN-CTE") {
            // RFC 3516 §4.1: the server cannot decode this part; fetch it encoded and decode here.
            qCInfo(lcSync, "The server cannot decode part %s; fetching it encoded", qPrintable(m_request.section));
            m_binaryRefused = true;
            m_restart = true;
        } else if (codeName == "EXPUNGEISSUED" || codeName == "NONEXISTENT") {
            abandon(messageGone());  // RFC 5530 §3
        } else {
            abandon(*error);
        }
    }
    scheduleRanges();
    if (m_jobs.isEmpty())
        settle();
}

void PartFetcher::settle()
{
    if (m_failure) {
        fail(*m_failure);
        return;
    }
    if (m_restart) {
        beginFetch();
        return;
    }
    if (m_sawNil) {
        fail(messageGone());
        return;
    }
    qint64 end = -1;
    if (m_end) {
        end = *m_end;
        if (m_exactSize && *m_exactSize != end) {
            fail(makeError(Error::Code::Protocol,
                           tr("The server sent %1 bytes of a part it said has %2.").arg(end).arg(*m_exactSize)));
            return;
        }
    } else if (m_exactSize) {
        end = *m_exactSize;
    }
    if (end >= 0 && m_data.size() >= end) {
        m_data.truncate(qsizetype(end));
        complete();
        return;
    }
    if (m_arrived.isEmpty()) {
        // RFC 3501 §6.4.8: UID FETCH of a UID that is not there answers OK with no data. On a
        // mailbox selected a while ago the message may just be newer than what the server has
        // announced on this connection; the completed command announced it, so ask once more.
        if (!m_examined && !m_retried) {
            m_retried = true;
            beginFetch();
            return;
        }
        fail(messageGone());
        return;
    }
    fail(makeError(Error::Code::Protocol, tr("The server sent the part incompletely.")));
}

void PartFetcher::complete()
{
    QByteArray decoded;
    const bool encoded = isLeafNumber(m_request.section) || isTextSection(m_request.section);
    if (m_binary || !encoded) {
        decoded = std::move(m_data);
    } else {
        Result<QByteArray> result = Mime::decodeTransferEncoding(m_data, m_request.encoding.toLatin1());
        if (!result) {
            fail(result.error());
            return;
        }
        decoded = std::move(result).value();
    }
    m_data = QByteArray();
    m_pending.clear();
    if (m_cache) {
        const Result<QString> written = m_cache->write(m_address, decoded);
        if (!written)
            qCWarning(lcSync) << "Cannot keep the fetched part in the cache:" << written.error().message;
    }
    m_done = true;
    m_running = false;
    Q_EMIT finished(decoded);
}

void PartFetcher::fail(Error error)
{
    if (m_done)
        return;
    m_done = true;
    m_running = false;
    m_data = QByteArray();
    m_pending.clear();
    qCDebug(lcSync) << "Fetching part" << m_request.section << "of UID" << m_request.uid << "failed:" << error.message;
    Q_EMIT failed(error);
}

}  // namespace Heron::Sync
