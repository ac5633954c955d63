// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the incremental IMAP response parser.
//
// Input layout: byte 0 picks how the stream is cut into chunks (% 4: whole, byte by byte, random
// sizes 1-16, random sizes 1-4096; bit 0x10 also checks reset()), byte 1 picks the limits (% 3:
// tight, roomy, production); the rest is the server byte stream. Every stream is parsed twice,
// in one append and in chunks, and both runs must produce the same responses, the same error and
// the same leftover: the parser promises identical results whatever the chunking (parser.h).

#include "imap/parser.h"
#include "imap/response.h"

#include <QByteArray>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

using Heron::Imap::Parser;
using Heron::Imap::ParserLimits;
using Heron::Imap::Response;

namespace {

// Everything a run produced: the responses in order, then the error that stopped it, if any.
struct Outcome {
    std::vector<Response> responses;
    std::vector<QByteArray> descriptions;
    Heron::Error::Code error = Heron::Error::Code::None;
    qsizetype buffered = 0;  // bytes left over at the end, when there was no error
};

// Small deterministic generator (splitmix64) so a crashing input replays exactly.
class ChunkSizes {
public:
    explicit ChunkSizes(uint64_t seed) : m_state(seed) {}

    size_t next(size_t maxSize)
    {
        m_state += 0x9E3779B97F4A7C15ull;
        uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return 1 + size_t(z % maxSize);
    }

private:
    uint64_t m_state;
};

ParserLimits limitsFor(uint8_t selector)
{
    ParserLimits limits;
    switch (selector % 3) {
    case 0:  // tight: every limit is within reach of a short input
        limits.maxLineLength = 512;
        limits.maxLiteral = 256;
        limits.maxSectionLiteral = 2048;
        limits.maxResponseSize = 4096;
        limits.maxNesting = 8;
        limits.maxMimeDepth = 4;
        limits.maxParts = 16;
        limits.maxAddresses = 8;
        limits.maxListItems = 64;
        break;
    case 1:  // roomy enough for realistic responses, still reachable with -max_len=65536
        limits.maxLineLength = 16 << 10;
        limits.maxLiteral = 4 << 10;
        limits.maxSectionLiteral = 32 << 10;
        limits.maxResponseSize = 48 << 10;
        limits.maxNesting = 24;
        limits.maxMimeDepth = 10;
        limits.maxParts = 200;
        limits.maxAddresses = 100;
        limits.maxListItems = 2000;
        break;
    default:  // the production limits
        break;
    }
    return limits;
}

// Takes every complete response; returns false once the parser has failed.
bool drain(Parser &parser, Outcome &outcome)
{
    while (true) {
        auto next = parser.takeResponse();
        if (!next)
            return !parser.failed();
        if (!next->ok()) {
            if (!parser.failed())
                __builtin_trap();  // an error result must leave the parser failed
            outcome.error = next->error().code;
            if (outcome.error == Heron::Error::Code::None)
                __builtin_trap();
            return false;
        }
        outcome.descriptions.push_back(Heron::Imap::describe(next->value()));
        outcome.responses.push_back(std::move(*next).value());
    }
}

Outcome parseWhole(const ParserLimits &limits, QByteArrayView stream)
{
    Parser parser(limits);
    Outcome outcome;
    parser.append(stream);
    if (drain(parser, outcome))
        outcome.buffered = parser.bufferedBytes();
    return outcome;
}

Outcome parseChunked(const ParserLimits &limits, QByteArrayView stream, uint8_t mode, uint64_t seed)
{
    Parser parser(limits);
    Outcome outcome;
    ChunkSizes sizes(seed);
    qsizetype position = 0;
    while (position < stream.size()) {
        qsizetype size = 1;
        switch (mode % 4) {
        case 0:
            size = stream.size();
            break;
        case 1:
            size = 1;
            break;
        case 2:
            size = qsizetype(sizes.next(16));
            break;
        default:
            size = qsizetype(sizes.next(4096));
            break;
        }
        size = std::min(size, stream.size() - position);
        parser.append(stream.sliced(position, size));
        position += size;
        if (!drain(parser, outcome))
            return outcome;
    }
    outcome.buffered = parser.bufferedBytes();
    return outcome;
}

void requireSame(const Outcome &a, const Outcome &b)
{
    if (a.error != b.error || a.buffered != b.buffered || a.responses.size() != b.responses.size())
        __builtin_trap();
    for (size_t i = 0; i < a.responses.size(); ++i) {
        if (a.descriptions[i] != b.descriptions[i])
            __builtin_trap();
        if (!(a.responses[i] == b.responses[i]))
            __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t mode = data[0];
    const ParserLimits limits = limitsFor(data[1]);
    const QByteArrayView stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    uint64_t seed = 0xCBF29CE484222325ull;  // FNV-1a of the whole input
    for (size_t i = 0; i < size; ++i)
        seed = (seed ^ data[i]) * 0x100000001B3ull;

    const Outcome whole = parseWhole(limits, stream);
    const Outcome chunked = parseChunked(limits, stream, mode, seed);
    requireSame(whole, chunked);

    // reset() must give a parser that behaves like a new one.
    if ((mode & 0x10) != 0) {
        Parser parser(limits);
        parser.append(stream.first(stream.size() / 2));
        parser.reset();
        Outcome again;
        parser.append(stream);
        if (drain(parser, again))
            again.buffered = parser.bufferedBytes();
        requireSame(whole, again);
    }
    return 0;
}
