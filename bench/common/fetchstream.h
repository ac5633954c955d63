// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <cstdint>

namespace Heron::Bench {

// Deterministic pseudo-random numbers (splitmix64): the same seed gives the same corpus on
// every machine and every run.
class Random {
public:
    explicit Random(uint64_t seed) : m_state(seed) {}

    uint64_t next();
    uint32_t below(uint32_t bound) { return uint32_t(next() % bound); }
    bool chance(int percent) { return below(100) < uint32_t(percent); }
    template <typename T, size_t N>
    const T &pick(const T (&items)[N])
    {
        return items[below(uint32_t(N))];
    }

private:
    uint64_t m_state;
};

// Realistic untagged FETCH responses as a server answers
// "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)" (RFC 3501 §7.4.2):
// varied senders and recipients, threads, RFC 2047 subjects, a few literals and escaped quotes,
// plain, multipart/alternative and multipart/mixed bodies with attachments.
class FetchStreamGenerator {
public:
    explicit FetchStreamGenerator(uint64_t seed) : m_random(seed) {}

    // One response, CRLF included, appended to out.
    void appendResponse(QByteArray &out, uint32_t sequence, uint32_t uid);

    // count responses with sequence numbers 1..count and increasing UIDs.
    static QByteArray stream(int count, uint64_t seed);

private:
    void appendString(QByteArray &out, QByteArrayView text);
    void appendAddress(QByteArray &out);
    void appendAddressList(QByteArray &out, int count);
    void appendEnvelope(QByteArray &out, int64_t time, const char *zone);
    void appendTextPart(QByteArray &out, const char *subtype, bool extension);
    void appendAttachment(QByteArray &out);
    void appendBodyStructure(QByteArray &out);

    Random m_random;
};

}  // namespace Heron::Bench
