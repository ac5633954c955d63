// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"
#include "imap/response.h"

#include <QByteArray>

#include <optional>

namespace Heron::Imap {

// The hard limits of QUALITY.md; reaching one is a clean Error::Code::LimitExceeded.
struct ParserLimits {
    qsizetype maxLineLength = 1 << 20;            // one response line, literals excluded
    qsizetype maxLiteral = 64 << 10;              // a literal outside body sections
    qsizetype maxSectionLiteral = qsizetype(64) << 20;  // BODY[...] / BINARY[...] literals
    qsizetype maxResponseSize = qsizetype(80) << 20;    // lines and literals of one response together
    int maxNesting = 64;                          // parenthesised lists
    int maxMimeDepth = 32;                        // nested BODYSTRUCTURE parts
    int maxParts = 10000;                         // BODYSTRUCTURE nodes per message
    int maxAddresses = 10000;                     // addresses in one envelope field
    int maxListItems = 1000000;                   // flags, search results, capability atoms
};

// Incremental IMAP response parser. Bytes go in with append() in chunks of any size; complete
// responses come out of takeResponse() in order, identical whatever the chunking. Framing
// (lines and {n}/~{n} literals) is incremental; a response is parsed once it is complete, so a
// slow server costs buffer space bounded by the limits, never re-parsing.
//
// After the first error the parser stays failed: the connection must be torn down.
class Parser {
public:
    explicit Parser(ParserLimits limits = {});

    void append(QByteArrayView bytes);

    // The next complete response; std::nullopt when more bytes are needed. An Error result
    // means the stream is broken (protocol violation or limit): failed() is then true.
    std::optional<Result<Response>> takeResponse();

    bool failed() const { return m_failed; }
    const Error &error() const { return m_error; }

    // Bytes received but not yet returned as responses (STARTTLS: must be 0 after the tagged OK).
    qsizetype bufferedBytes() const { return m_buffer.size() - m_consumed; }

    void reset();

    // Parses one complete response (its bytes, CRLF included). For tests and the fuzzer.
    static Result<Response> parseOne(QByteArrayView bytes, const ParserLimits &limits = {});

    const ParserLimits &limits() const { return m_limits; }

private:
    // Framing: scans m_buffer from m_scan for the end of the current response.
    std::optional<qsizetype> findResponseEnd();
    Error fail(Error error);

    ParserLimits m_limits;
    QByteArray m_buffer;
    qsizetype m_consumed = 0;       // bytes of m_buffer already returned as responses
    qsizetype m_scan = 0;           // framing position within the current response
    qsizetype m_lineStart = 0;      // start of the current line segment (after the last literal)
    qsizetype m_literalRemaining = 0;
    bool m_failed = false;
    Error m_error;
};

}  // namespace Heron::Imap
