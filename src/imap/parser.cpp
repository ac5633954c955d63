// SPDX-License-Identifier: GPL-3.0-or-later
#include "parser.h"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// The small lexing helpers run once per token; GCC does not always inline them on its own.
#if defined(__GNUC__)
#define HERON_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define HERON_ALWAYS_INLINE inline
#endif

namespace Heron::Imap {

namespace {

constexpr char kCR = '\r';
constexpr char kLF = '\n';

inline char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}
inline char asciiUpper(char c)
{
    return (c >= 'a' && c <= 'z') ? char(c - ('a' - 'A')) : c;
}
inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Case-insensitive comparison of a token with an upper-case literal.
inline bool equalsUpper(const char *p, qsizetype n, const char *upper)
{
    for (qsizetype i = 0; i < n; ++i) {
        if (upper[i] == 0 || asciiUpper(p[i]) != upper[i])
            return false;
    }
    return upper[n] == 0;
}

QByteArray upperCopy(const char *p, qsizetype n)
{
    QByteArray out(p, n);
    for (char &c : out)
        c = asciiUpper(c);
    return out;
}

// Strings that recur in nearly every FETCH response. Returning a copy of a literal-backed
// QByteArray costs no allocation, which matters at hundreds of thousands of messages a second.
struct InternTable {
    static constexpr size_t kSlots = 256;
    std::array<QByteArray, kSlots> slots;

    static size_t slot(const char *p, qsizetype n)
    {
        return (size_t(n) * 31 + size_t(asciiLower(p[0])) * 7 + size_t(asciiLower(p[n - 1]))) % kSlots;
    }
    InternTable()
    {
        for (const char *s : {"text", "plain", "html", "multipart", "mixed", "alternative", "related", "signed",
                              "report", "application", "octet-stream", "pdf", "image", "jpeg", "png", "gif",
                              "message", "rfc822", "delivery-status", "7bit", "8bit", "binary", "base64",
                              "quoted-printable", "charset", "utf-8", "us-ascii", "iso-8859-1", "name", "filename",
                              "attachment", "inline", "boundary", "format", "flowed", "calendar", "zip",
                              "pgp-signature", "protocol", "type", "size", "windows-1252"}) {
            const auto n = qsizetype(std::strlen(s));
            QByteArray &target = slots[slot(s, n)];
            if (target.isNull())  // on a collision the later word is simply not interned
                target = QByteArray::fromRawData(s, n);
        }
    }
    // Returns the interned lower-case value equal (ignoring case) to [p, p+n), or a null array.
    QByteArray find(const char *p, qsizetype n) const
    {
        const QByteArray &v = slots[slot(p, n)];
        if (v.size() != n)
            return {};
        for (qsizetype j = 0; j < n; ++j) {
            if (asciiLower(p[j]) != v.at(j))
                return {};
        }
        return v;
    }
};

const InternTable &internTable()
{
    static const InternTable table;
    return table;
}

struct FlagTable {
    std::array<QByteArray, 12> values;
    int count = 0;
    FlagTable()
    {
        for (const char *s : {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent", "$Forwarded",
                              "$Junk", "$NotJunk", "NonJunk", "$MDNSent", "\\*"}) {
            values[size_t(count++)] = QByteArray::fromRawData(s, qsizetype(std::strlen(s)));
        }
    }
    QByteArray make(const char *p, qsizetype n) const
    {
        for (int i = 0; i < count; ++i) {
            const QByteArray &v = values[size_t(i)];
            if (v.size() == n && std::memcmp(v.constData(), p, size_t(n)) == 0)
                return v;
        }
        return QByteArray(p, n);
    }
};

const FlagTable &flagTable()
{
    static const FlagTable table;
    return table;
}

// Characters that end the fast scan of a quoted string.
const std::array<bool, 256> &quotedSpecials()
{
    static const std::array<bool, 256> table = [] {
        std::array<bool, 256> t{};
        for (unsigned char c : {'"', '\\', '\r', '\n', '\0'})
            t[c] = true;
        return t;
    }();
    return table;
}

// The first character in [p, end) that ends a quoted string's fast path, or end.
const char *findQuotedSpecial(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i nul = _mm_setzero_si128();
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        const __m128i hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)), _mm_cmpeq_epi8(v, nul)));
        const int mask = _mm_movemask_epi8(hits);
        if (mask != 0)
            return p + __builtin_ctz(unsigned(mask));
        p += 16;
    }
#endif
    const auto &special = quotedSpecials();
    while (p < end && !special[static_cast<unsigned char>(*p)])
        ++p;
    return p;
}

// RFC 3501 ATOM-CHAR, without ']' (which ends response codes and sections).
const std::array<bool, 256> &atomChars()
{
    static const std::array<bool, 256> table = [] {
        std::array<bool, 256> t{};
        for (int c = 0x21; c < 0x7f; ++c)
            t[size_t(c)] = true;
        for (unsigned char c : {'(', ')', '{', '"', '%', '*', '\\', ']'})
            t[c] = false;
        // 8-bit bytes pass in atoms: servers with UTF8=ACCEPT send them in mailbox names.
        for (int c = 0x80; c < 0x100; ++c)
            t[size_t(c)] = true;
        return t;
    }();
    return table;
}

const char *kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

// RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", day possibly space-padded.
std::optional<int64_t> parseInternalDate(QByteArrayView s)
{
    qsizetype i = 0;
    auto digits = [&](int count, int &out) {
        out = 0;
        for (int k = 0; k < count; ++k) {
            if (i >= s.size() || !isDigit(s[i]))
                return false;
            out = out * 10 + (s[i++] - '0');
        }
        return true;
    };
    while (i < s.size() && s[i] == ' ')
        ++i;
    int day = 0;
    if (i < s.size() && isDigit(s[i])) {
        day = s[i++] - '0';
        if (i < s.size() && isDigit(s[i]))
            day = day * 10 + (s[i++] - '0');
    } else {
        return std::nullopt;
    }
    if (i + 5 > s.size() || s[i] != '-')
        return std::nullopt;
    ++i;
    int month = -1;
    for (int m = 0; m < 12; ++m) {
        if (asciiUpper(s[i]) == kMonths[m][0] && asciiUpper(s[i + 1]) == kMonths[m][1]
            && asciiUpper(s[i + 2]) == kMonths[m][2]) {
            month = m + 1;
            break;
        }
    }
    if (month < 0)
        return std::nullopt;
    i += 3;
    if (s[i] != '-')
        return std::nullopt;
    ++i;
    int year = 0, hour = 0, minute = 0, second = 0, zone = 0;
    if (!digits(4, year) || i >= s.size() || s[i++] != ' ')
        return std::nullopt;
    if (!digits(2, hour) || i >= s.size() || s[i++] != ':' || !digits(2, minute) || i >= s.size() || s[i++] != ':'
        || !digits(2, second) || i >= s.size() || s[i++] != ' ')
        return std::nullopt;
    if (i >= s.size() || (s[i] != '+' && s[i] != '-'))
        return std::nullopt;
    const int sign = s[i++] == '-' ? -1 : 1;
    if (!digits(4, zone) || i != s.size())
        return std::nullopt;
    if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || zone % 100 > 59)
        return std::nullopt;
    const int64_t offset = sign * ((zone / 100) * 3600 + (zone % 100) * 60);
    return daysFromCivil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 + minute * 60 + second - offset;
}

// Recursive-descent parser over one complete response. Every method returns false on error,
// with the first error kept in m_error. The grammar follows RFC 3501 §9 / RFC 9051 §9, made
// lenient where real servers are known to deviate (STYLE.md; the parser test tables name them).
class ResponseReader {
public:
    // arena holds exactly the bytes of one response; strings handed out share its storage.
    ResponseReader(const QByteArray &arena, const ParserLimits &limits)
        : m_arena(arena), m_begin(arena.constData()), m_p(m_begin), m_end(m_begin + arena.size()), m_limits(limits)
    {
    }

    Result<Response> read();

private:
    // --- errors ---
    bool fail(Error::Code code, const char *what)
    {
        if (!m_error.isError()) {
            m_error.code = code;
            m_error.message = QString::fromLatin1(what) + QStringLiteral(" at offset ")
                + QString::number(m_p - m_begin);
        }
        return false;
    }
    bool protocolError(const char *what) { return fail(Error::Code::Protocol, what); }
    bool limitError(const char *what) { return fail(Error::Code::LimitExceeded, what); }

    // --- lexing ---
    bool atEnd() const { return m_p >= m_end; }
    char peek() const { return m_p < m_end ? *m_p : '\0'; }
    bool atLineEnd() const { return m_p >= m_end || *m_p == kCR || *m_p == kLF; }
    bool tryChar(char c)
    {
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    HERON_ALWAYS_INLINE bool expectChar(char c, const char *what)
    {
        if (tryChar(c))
            return true;
        return protocolError(what);
    }
    // Servers send doubled and trailing spaces; accept any run where one SP belongs.
    HERON_ALWAYS_INLINE bool skipSpaces()
    {
        const char *start = m_p;
        while (m_p < m_end && *m_p == ' ')
            ++m_p;
        return m_p != start;
    }
    HERON_ALWAYS_INLINE bool expectSpace()
    {
        if (skipSpaces())
            return true;
        return protocolError("expected a space");
    }
    bool expectLineEnd()
    {
        skipSpaces();
        if (m_p < m_end && *m_p == kCR)
            ++m_p;
        if (m_p < m_end && *m_p == kLF)
            ++m_p;
        else
            return protocolError("expected the end of the line");
        if (m_p != m_end)
            return protocolError("unexpected data after the response");
        return true;
    }
    bool enter()
    {
        if (++m_depth > m_limits.maxNesting)
            return limitError("lists nested too deeply");
        return true;
    }
    void leave() { --m_depth; }

    static bool isAtomChar(char c) { return atomChars()[static_cast<unsigned char>(c)]; }

    // An atom-like token: the characters up to a space, paren, bracket or line end.
    HERON_ALWAYS_INLINE QByteArrayView token()
    {
        const char *start = m_p;
        while (m_p < m_end && isAtomChar(*m_p))
            ++m_p;
        return QByteArrayView(start, m_p - start);
    }
    // FETCH item names include "[section]<origin>" and "BINARY.SIZE[1]".
    QByteArrayView fetchItemName()
    {
        const char *start = m_p;
        while (m_p < m_end && isAtomChar(*m_p))
            ++m_p;
        return QByteArrayView(start, m_p - start);
    }

    HERON_ALWAYS_INLINE bool number64(uint64_t &out)
    {
        const char *start = m_p;
        uint64_t value = 0;
        while (m_p < m_end && isDigit(*m_p)) {
            const auto digit = uint64_t(*m_p - '0');
            if (value > (UINT64_MAX - digit) / 10)
                return protocolError("number too large");
            value = value * 10 + digit;
            ++m_p;
        }
        if (m_p == start)
            return protocolError("expected a number");
        out = value;
        return true;
    }
    bool number32(uint32_t &out)
    {
        uint64_t v = 0;
        if (!number64(v))
            return false;
        if (v > 0xFFFFFFFFull)
            return protocolError("number out of range");
        out = uint32_t(v);
        return true;
    }
    bool nzNumber(uint32_t &out)
    {
        if (!number32(out))
            return false;
        if (out == 0)
            return protocolError("zero where a non-zero number belongs");
        return true;
    }

    HERON_ALWAYS_INLINE bool isNil() const
    {
        return m_end - m_p >= 3 && asciiUpper(m_p[0]) == 'N' && asciiUpper(m_p[1]) == 'I' && asciiUpper(m_p[2]) == 'L'
            && (m_end - m_p == 3 || !isAtomChar(m_p[3]));
    }

    bool quoted(QByteArray &out);
    bool literal(QByteArray &out, bool allowBinary, bool section);
    // string / nstring / astring, leniently: a bare atom or number stands for a string (quirk of
    // several servers), NIL for a null string when allowNil.
    bool string(QByteArray &out, bool allowNil = true, bool section = false);
    bool stringLower(QByteArray &out);
    bool flagList(Strings &out);
    bool atomList(Strings &out);
    bool skipValue();
    bool sequenceSet(UidSet &out);
    bool delimiter(char &out);

    bool responseCode(ResponseCode &code);
    bool statusTail(StatusResponse &status);
    bool textToEnd(QByteArray &out);

    bool capabilityData(Strings &out);
    bool listData(ListResponse &list);
    bool statusData(StatusDataResponse &status);
    bool searchData(SearchResponse &search);
    bool esearchData(ESearchResponse &search);
    bool fetchData(FetchResponse &fetch);
    bool envelope(Envelope &envelope);
    bool addresses(Addresses &out);
    bool body(BodyPart &part, int mimeDepth);
    bool bodyParameters(Parameters &out);
    bool bodyExtension(BodyPart &part, bool multipart);
    bool disposition(Disposition &out);
    bool language(Strings &out);
    bool skipExtensions();
    bool namespaceData(NamespaceResponse &ns);
    bool namespaceGroup(QList<NamespaceEntry> &out);
    bool idData(IdResponse &id);
    bool quotaData(QuotaResponse &quota);
    bool quotaRootData(QuotaRootResponse &quotaRoot);

    // A string of the response without a copy: it shares (and keeps alive) the arena.
    QByteArray slice(const char *p, qsizetype n)
    {
        auto *header = m_arena.data_ptr().d_ptr();
        if (!header)
            return QByteArray(p, n);
        header->ref();
        return QByteArray(QByteArray::DataPointer(header, const_cast<char *>(p), n));
    }

    QByteArray m_arena;
    const char *m_begin;
    const char *m_p;
    const char *m_end;
    const ParserLimits &m_limits;
    int m_depth = 0;
    int m_parts = 0;
    Error m_error;
};

bool ResponseReader::quoted(QByteArray &out)
{
    ++m_p;  // opening quote
    const char *start = m_p;
    // Fast path: no escapes.
    const char *q = findQuotedSpecial(m_p, m_end);
    if (q < m_end && *q == '"') {
        out = slice(start, q - start);
        m_p = q + 1;
        return true;
    }
    QByteArray value(start, q - start);
    m_p = q;
    while (m_p < m_end) {
        const char c = *m_p;
        if (c == '"') {
            ++m_p;
            out = std::move(value);
            return true;
        }
        if (c == kCR || c == kLF)
            return protocolError("unterminated quoted string");
        if (c == '\0')
            return protocolError("NUL in a quoted string");
        if (c == '\\') {
            ++m_p;
            if (m_p >= m_end)
                break;
            // RFC 3501 allows only \\ and \"; others are kept as sent (lenient).
            if (*m_p != '"' && *m_p != '\\')
                value.append('\\');
            value.append(*m_p++);
            continue;
        }
        value.append(c);
        ++m_p;
    }
    return protocolError("unterminated quoted string");
}

bool ResponseReader::literal(QByteArray &out, bool allowBinary, bool section)
{
    const bool binary = tryChar('~');
    if (binary && !allowBinary)
        return protocolError("literal8 where it is not allowed");
    if (!expectChar('{', "expected a literal"))
        return false;
    uint64_t size = 0;
    if (!number64(size))
        return false;
    if (!expectChar('}', "expected } after a literal size"))
        return false;
    tryChar(kCR);
    if (!expectChar(kLF, "expected a line break after a literal size"))
        return false;
    const uint64_t limit = uint64_t(section ? m_limits.maxSectionLiteral : m_limits.maxLiteral);
    if (size > limit)
        return limitError("literal too large");
    if (uint64_t(m_end - m_p) < size)
        return protocolError("literal shorter than announced");
    out = slice(m_p, qsizetype(size));
    m_p += size;
    return true;
}

bool ResponseReader::string(QByteArray &out, bool allowNil, bool section)
{
    const char c = peek();
    if (c == '"')
        return quoted(out);
    if (c == '{' || c == '~')
        return literal(out, section, section);
    if (allowNil && isNil()) {
        m_p += 3;
        out = QByteArray();
        return true;
    }
    const QByteArrayView t = token();
    if (t.isEmpty())
        return protocolError("expected a string");
    out = slice(t.data(), t.size());
    return true;
}

bool ResponseReader::stringLower(QByteArray &out)
{
    const char c = peek();
    if (c != '"') {
        if (!string(out))
            return false;
        if (!out.isNull())  // NIL stays null; a mutable loop would turn it into ""
            for (char &ch : out)
                ch = asciiLower(ch);
        return true;
    }
    // Quoted, the common case: look up the interned value first.
    const char *q = findQuotedSpecial(m_p + 1, m_end);
    if (q < m_end && *q == '"' && q > m_p + 1) {
        QByteArray interned = internTable().find(m_p + 1, q - m_p - 1);
        if (!interned.isNull()) {
            out = std::move(interned);
            m_p = q + 1;
            return true;
        }
    }
    if (!quoted(out))
        return false;
    for (char &ch : out)
        ch = asciiLower(ch);
    return true;
}

bool ResponseReader::flagList(Strings &out)
{
    if (!expectChar('(', "expected a flag list"))
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated flag list");
        if (out.size() >= m_limits.maxListItems)
            return limitError("too many flags");
        if (peek() == '"' || peek() == '{') {
            QByteArray flag;
            if (!string(flag, false))
                return false;
            out.append(std::move(flag));
        } else {
            const char *start = m_p;
            const bool system = *m_p == '\\';
            if (system)
                ++m_p;
            const char *name = m_p;
            // "\*" is a valid flag in PERMANENTFLAGS.
            if (system && m_p < m_end && *m_p == '*')
                ++m_p;
            else
                while (m_p < m_end && isAtomChar(*m_p))
                    ++m_p;
            if (m_p == name)
                return protocolError("bad flag");
            out.append(flagTable().make(start, m_p - start));
        }
        skipSpaces();
    }
    return true;
}

bool ResponseReader::atomList(Strings &out)
{
    // Atoms to the end of the line or a closing bracket (CAPABILITY, ENABLED).
    while (true) {
        skipSpaces();
        if (atLineEnd() || peek() == ']')
            return true;
        const QByteArrayView t = token();
        if (t.isEmpty())
            return protocolError("expected an atom");
        if (out.size() >= m_limits.maxListItems)
            return limitError("too many items");
        out.append(upperCopy(t.data(), t.size()));
    }
}

bool ResponseReader::skipValue()
{
    const char c = peek();
    if (c == '(') {
        ++m_p;
        if (!enter())
            return false;
        skipSpaces();
        while (!tryChar(')')) {
            if (atLineEnd())
                return protocolError("unterminated list");
            if (!skipValue())
                return false;
            skipSpaces();
        }
        leave();
        return true;
    }
    if (c == '"' || c == '{' || c == '~') {
        QByteArray ignored;
        return string(ignored, true, true);
    }
    const char *start = m_p;
    // atoms, numbers, "\flags" and section specs "BODY[...]"
    while (m_p < m_end && *m_p != ' ' && *m_p != '(' && *m_p != ')' && *m_p != kCR && *m_p != kLF) {
        if (*m_p == '[') {
            while (m_p < m_end && *m_p != ']' && *m_p != kCR && *m_p != kLF)
                ++m_p;
            if (m_p < m_end && *m_p == ']')
                ++m_p;
            continue;
        }
        ++m_p;
    }
    if (m_p == start)
        return protocolError("expected a value");
    return true;
}

bool ResponseReader::sequenceSet(UidSet &out)
{
    const char *start = m_p;
    while (m_p < m_end && (isDigit(*m_p) || *m_p == ':' || *m_p == ',' || *m_p == '*'))
        ++m_p;
    auto parsed = UidSet::parse(QByteArrayView(start, m_p - start));
    if (!parsed) {
        m_p = start;
        return protocolError("bad sequence set");
    }
    out = std::move(parsed).value();
    return true;
}

bool ResponseReader::delimiter(char &out)
{
    if (isNil()) {
        m_p += 3;
        out = 0;
        return true;
    }
    QByteArray value;
    if (peek() != '"' || !quoted(value))
        return protocolError("expected a hierarchy delimiter");
    if (value.size() != 1)
        return protocolError("hierarchy delimiter must be one character");
    out = value.at(0);
    return true;
}

bool ResponseReader::textToEnd(QByteArray &out)
{
    const char *start = m_p;
    const char *e = m_end;
    while (e > start && (e[-1] == kLF || e[-1] == kCR))
        --e;
    for (const char *q = start; q < e; ++q) {
        if (*q == kCR || *q == kLF)
            return protocolError("line break inside response text");
        if (*q == '\0')
            return protocolError("NUL in response text");  // RFC 3501 §9: TEXT-CHAR excludes NUL
    }
    // Trailing spaces (iCloud and others) are not part of the text.
    while (e > start && e[-1] == ' ')
        --e;
    out = QByteArray(start, e - start);
    m_p = e;
    return true;
}

bool ResponseReader::responseCode(ResponseCode &code)
{
    ++m_p;  // '['
    const char *nameStart = m_p;
    while (m_p < m_end && *m_p != ']' && *m_p != ' ' && *m_p != kCR && *m_p != kLF)
        ++m_p;
    const qsizetype n = m_p - nameStart;
    if (n == 0)
        return protocolError("empty response code");
    code.name = upperCopy(nameStart, n);
    const char *argsStart = m_p;
    using K = ResponseCode::Kind;
    const QByteArray &name = code.name;

    // Finds the closing bracket for the raw-text forms, skipping quoted strings.
    auto rawToBracket = [&]() -> bool {
        skipSpaces();
        // RFC 3501 §9: atom [SP 1*<any TEXT-CHAR except "]">]; quotes have no special meaning.
        const char *start = m_p;
        while (m_p < m_end && *m_p != ']' && *m_p != kCR && *m_p != kLF)
            ++m_p;
        if (m_p >= m_end || *m_p != ']')
            return protocolError("unterminated response code");
        code.text = QByteArray(start, m_p - start);
        while (!code.text.isEmpty() && code.text.endsWith(' '))
            code.text.chop(1);
        ++m_p;
        return true;
    };
    auto close = [&]() -> bool {
        skipSpaces();
        return expectChar(']', "expected ] after a response code");
    };

    bool ok = true;
    if (name == "ALERT") {
        code.kind = K::Alert;
    } else if (name == "PARSE") {
        code.kind = K::Parse;
    } else if (name == "READ-ONLY") {
        code.kind = K::ReadOnly;
    } else if (name == "READ-WRITE") {
        code.kind = K::ReadWrite;
    } else if (name == "TRYCREATE") {
        code.kind = K::TryCreate;
    } else if (name == "NOMODSEQ") {
        code.kind = K::NoModSeq;
    } else if (name == "UIDNOTSTICKY") {
        code.kind = K::UidNotSticky;
    } else if (name == "CLOSED") {
        code.kind = K::Closed;
    } else if (name == "COMPRESSIONACTIVE") {
        code.kind = K::CompressionActive;
    } else if (name == "REFERRAL") {
        code.kind = K::Referral;
        return rawToBracket();
    } else if (name == "CAPABILITY") {
        code.kind = K::Capability;
        ok = atomList(code.strings);
    } else if (name == "BADCHARSET") {
        code.kind = K::BadCharset;
        skipSpaces();
        if (tryChar('(')) {
            skipSpaces();
            while (ok && !tryChar(')')) {
                QByteArray charset;
                ok = !atLineEnd() && string(charset, false);
                if (ok)
                    code.strings.append(std::move(charset));
                skipSpaces();
            }
        }
    } else if (name == "PERMANENTFLAGS") {
        code.kind = K::PermanentFlags;
        ok = skipSpaces() && flagList(code.strings);
    } else if (name == "UIDNEXT" || name == "UIDVALIDITY" || name == "UNSEEN") {
        code.kind = name == "UIDNEXT" ? K::UidNext : name == "UIDVALIDITY" ? K::UidValidity : K::Unseen;
        uint32_t value = 0;
        ok = skipSpaces() && number32(value);
        code.number = value;
    } else if (name == "HIGHESTMODSEQ") {
        code.kind = K::HighestModSeq;
        ok = skipSpaces() && number64(code.number);
    } else if (name == "MODIFIED") {
        code.kind = K::Modified;
        ok = skipSpaces() && sequenceSet(code.set);
    } else if (name == "APPENDUID") {
        code.kind = K::AppendUid;
        uint32_t validity = 0;
        ok = skipSpaces() && nzNumber(validity) && expectSpace() && sequenceSet(code.set);
        code.number = validity;
    } else if (name == "COPYUID") {
        code.kind = K::CopyUid;
        uint32_t validity = 0;
        ok = skipSpaces() && nzNumber(validity) && expectSpace() && sequenceSet(code.sourceSet) && expectSpace()
            && sequenceSet(code.set);
        code.number = validity;
    } else {
        code.kind = K::Other;
        return rawToBracket();
    }
    if (ok && close())
        return true;
    // A known code with arguments we cannot read (seen from old servers): keep the response,
    // degrade the code to Other with its raw text, rather than drop the connection.
    m_error = Error{};
    m_p = argsStart;
    code = ResponseCode{};
    code.kind = K::Other;
    code.name = upperCopy(nameStart, n);
    return rawToBracket();
}

bool ResponseReader::statusTail(StatusResponse &status)
{
    // resp-text = ["[" resp-text-code "]" SP] text; the SP and text are often missing.
    skipSpaces();
    if (peek() == '[') {
        if (!responseCode(status.code))
            return false;
        skipSpaces();
    }
    return textToEnd(status.text) && expectLineEnd();
}

bool ResponseReader::listData(ListResponse &list)
{
    if (!expectSpace() || !flagList(list.attributes) || !expectSpace() || !delimiter(list.delimiter)
        || !expectSpace() || !string(list.mailbox, false))
        return false;
    skipSpaces();
    if (tryChar('(')) {
        // mbox-list-extended (RFC 5258 §9): tag SP value pairs
        if (!enter())
            return false;
        skipSpaces();
        while (!tryChar(')')) {
            if (atLineEnd())
                return protocolError("unterminated LIST extended data");
            QByteArray tag;
            if (!string(tag, false) || !expectSpace())
                return false;
            tag = tag.toUpper();
            if (tag == "CHILDINFO" && peek() == '(') {
                ++m_p;
                skipSpaces();
                while (!tryChar(')')) {
                    QByteArray value;
                    if (atLineEnd() || !string(value, false))
                        return protocolError("bad CHILDINFO");
                    list.childInfo.append(value.toUpper());
                    skipSpaces();
                }
            } else if (tag == "OLDNAME" && peek() == '(') {
                ++m_p;
                skipSpaces();
                if (!string(list.oldName, false))
                    return false;
                skipSpaces();
                if (!expectChar(')', "expected ) after OLDNAME"))
                    return false;
            } else if (!skipValue()) {
                return false;
            }
            skipSpaces();
        }
        leave();
    }
    return expectLineEnd();
}

bool ResponseReader::statusData(StatusDataResponse &status)
{
    if (!expectSpace() || !string(status.mailbox, false))
        return false;
    skipSpaces();
    if (!expectChar('(', "expected ( in STATUS"))
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated STATUS list");
        const QByteArrayView item = token();
        if (item.isEmpty() || !expectSpace())
            return protocolError("bad STATUS item");
        uint64_t value = 0;
        if (!number64(value))
            return false;
        auto as32 = [&](std::optional<uint32_t> &field) {
            if (value > 0xFFFFFFFFull)
                return protocolError("STATUS value out of range");
            field = uint32_t(value);
            return true;
        };
        bool ok = true;
        if (equalsUpper(item.data(), item.size(), "MESSAGES"))
            ok = as32(status.messages);
        else if (equalsUpper(item.data(), item.size(), "RECENT"))
            ok = as32(status.recent);
        else if (equalsUpper(item.data(), item.size(), "UIDNEXT"))
            ok = as32(status.uidNext);
        else if (equalsUpper(item.data(), item.size(), "UIDVALIDITY"))
            ok = as32(status.uidValidity);
        else if (equalsUpper(item.data(), item.size(), "UNSEEN"))
            ok = as32(status.unseen);
        else if (equalsUpper(item.data(), item.size(), "HIGHESTMODSEQ"))
            status.highestModSeq = value;
        else if (equalsUpper(item.data(), item.size(), "SIZE"))
            status.size = value;
        if (!ok)
            return false;
        skipSpaces();
    }
    return expectLineEnd();
}

bool ResponseReader::searchData(SearchResponse &search)
{
    while (true) {
        skipSpaces();
        if (atLineEnd())
            break;
        if (peek() == '(') {
            // RFC 7162 §3.1.5: "(MODSEQ n)" ends the list
            ++m_p;
            skipSpaces();
            const QByteArrayView t = token();
            uint64_t modSeq = 0;
            if (!equalsUpper(t.data(), t.size(), "MODSEQ") || !expectSpace() || !number64(modSeq))
                return protocolError("bad MODSEQ in SEARCH");
            skipSpaces();
            if (!expectChar(')', "expected ) after MODSEQ"))
                return false;
            search.highestModSeq = modSeq;
            continue;
        }
        if (search.ids.size() >= m_limits.maxListItems)
            return limitError("too many search results");
        uint32_t id = 0;
        if (!nzNumber(id))
            return false;
        search.ids.append(id);
    }
    return expectLineEnd();
}

bool ResponseReader::esearchData(ESearchResponse &search)
{
    skipSpaces();
    if (peek() == '(') {
        // search-correlator: (TAG "A282")
        ++m_p;
        skipSpaces();
        const QByteArrayView t = token();
        if (!equalsUpper(t.data(), t.size(), "TAG") || !expectSpace() || !string(search.tag, false))
            return protocolError("bad ESEARCH correlator");
        skipSpaces();
        if (!expectChar(')', "expected ) after the ESEARCH tag"))
            return false;
    }
    while (true) {
        skipSpaces();
        if (atLineEnd())
            break;
        const QByteArrayView name = token();
        if (name.isEmpty())
            return protocolError("bad ESEARCH item");
        if (equalsUpper(name.data(), name.size(), "UID")) {
            search.uid = true;
            continue;
        }
        if (!expectSpace())
            return false;
        uint32_t value = 0;
        if (equalsUpper(name.data(), name.size(), "MIN")) {
            if (!number32(value))
                return false;
            search.min = value;
        } else if (equalsUpper(name.data(), name.size(), "MAX")) {
            if (!number32(value))
                return false;
            search.max = value;
        } else if (equalsUpper(name.data(), name.size(), "COUNT")) {
            if (!number32(value))
                return false;
            search.count = value;
        } else if (equalsUpper(name.data(), name.size(), "ALL")) {
            if (!sequenceSet(search.all))
                return false;
        } else if (equalsUpper(name.data(), name.size(), "MODSEQ")) {
            uint64_t modSeq = 0;
            if (!number64(modSeq))
                return false;
            search.modSeq = modSeq;
        } else if (!skipValue()) {
            return false;
        }
    }
    return expectLineEnd();
}

bool ResponseReader::addresses(Addresses &out)
{
    if (isNil()) {
        m_p += 3;
        return true;
    }
    if (!expectChar('(', "expected an address list") || !enter())
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated address list");
        if (out.size() >= m_limits.maxAddresses)
            return limitError("too many addresses in one header");
        if (!expectChar('(', "expected an address") || !enter())
            return false;
        if (out.isEmpty())
            out.reserve(2);
        Address &a = out.emplaceBack();
        skipSpaces();
        if (!string(a.name) || !expectSpace() || !string(a.adl) || !expectSpace() || !string(a.mailbox)
            || !expectSpace() || !string(a.host))
            return false;
        skipSpaces();
        if (!expectChar(')', "expected ) after an address"))
            return false;
        leave();
        skipSpaces();
    }
    leave();
    return true;
}

bool ResponseReader::envelope(Envelope &e)
{
    if (!expectChar('(', "expected an envelope") || !enter())
        return false;
    skipSpaces();
    if (!string(e.date) || !expectSpace() || !string(e.subject) || !expectSpace())
        return false;
    const char *fromStart = m_p;
    if (!addresses(e.from))
        return false;
    const qsizetype fromLength = m_p - fromStart;
    // Servers repeat From as Sender and Reply-To when those headers are absent (RFC 3501 §7.4.2):
    // share the parsed list instead of parsing and allocating it twice more.
    auto sameAsFrom = [&](Addresses &target) {
        if (m_end - m_p >= fromLength && std::memcmp(m_p, fromStart, size_t(fromLength)) == 0 && fromLength > 3) {
            target = e.from;
            m_p += fromLength;
            return true;
        }
        return addresses(target);
    };
    if (!expectSpace() || !sameAsFrom(e.sender) || !expectSpace() || !sameAsFrom(e.replyTo) || !expectSpace()
        || !addresses(e.to) || !expectSpace() || !addresses(e.cc) || !expectSpace() || !addresses(e.bcc)
        || !expectSpace() || !string(e.inReplyTo) || !expectSpace() || !string(e.messageId))
        return false;
    skipSpaces();
    if (!expectChar(')', "expected ) after an envelope"))
        return false;
    leave();
    return true;
}

bool ResponseReader::bodyParameters(Parameters &out)
{
    if (isNil()) {
        m_p += 3;
        return true;
    }
    if (!expectChar('(', "expected body parameters") || !enter())
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated body parameters");
        if (out.size() >= m_limits.maxListItems)
            return limitError("too many body parameters");
        if (out.isEmpty())
            out.reserve(2);
        auto &parameter = out.emplaceBack();
        if (!stringLower(parameter.first) || !expectSpace() || !string(parameter.second))
            return false;
        skipSpaces();
    }
    leave();
    return true;
}

bool ResponseReader::disposition(Disposition &out)
{
    if (isNil()) {
        m_p += 3;
        return true;
    }
    if (peek() != '(') {
        // Some servers send a bare string; keep it as the type.
        return stringLower(out.type);
    }
    ++m_p;
    if (!enter())
        return false;
    skipSpaces();
    if (!stringLower(out.type))
        return false;
    skipSpaces();
    if (peek() != ')' && !bodyParameters(out.parameters))
        return false;
    skipSpaces();
    if (!expectChar(')', "expected ) after a disposition"))
        return false;
    leave();
    return true;
}

bool ResponseReader::language(Strings &out)
{
    if (peek() == '(') {
        ++m_p;
        if (!enter())
            return false;
        skipSpaces();
        while (!tryChar(')')) {
            QByteArray value;
            if (atLineEnd() || !string(value))
                return protocolError("bad body language list");
            out.append(std::move(value));
            skipSpaces();
        }
        leave();
        return true;
    }
    QByteArray value;
    if (!string(value))
        return false;
    if (!value.isNull())
        out.append(std::move(value));
    return true;
}

bool ResponseReader::skipExtensions()
{
    while (true) {
        skipSpaces();
        if (peek() == ')' || atLineEnd())
            return true;
        if (!skipValue())
            return false;
    }
}

// body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
// body-ext-mpart = body-fld-param [SP ...the same...]
// Every field is optional from the left: the body's ")" may come after any of them.
bool ResponseReader::bodyExtension(BodyPart &part, bool multipart)
{
    skipSpaces();
    if (peek() == ')')
        return true;
    if (!(multipart ? bodyParameters(part.parameters) : string(part.md5)))
        return false;
    skipSpaces();
    if (peek() == ')')
        return true;
    if (!disposition(part.disposition))
        return false;
    skipSpaces();
    if (peek() == ')')
        return true;
    if (!language(part.language))
        return false;
    skipSpaces();
    if (peek() == ')')
        return true;
    if (!string(part.location))
        return false;
    return skipExtensions();
}

bool ResponseReader::body(BodyPart &part, int mimeDepth)
{
    if (mimeDepth > m_limits.maxMimeDepth)
        return limitError("MIME structure nested too deeply");
    if (++m_parts > m_limits.maxParts)
        return limitError("too many MIME parts");
    if (!expectChar('(', "expected a body") || !enter())
        return false;
    skipSpaces();
    if (peek() == '(') {
        // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
        part.children.reserve(4);
        while (peek() == '(') {
            part.children.emplace_back();
            if (!body(part.children.back(), mimeDepth + 1))
                return false;
            skipSpaces();
        }
        part.type = internTable().find("multipart", 9);
        // A missing subtype is seen from broken servers; RFC 2046 says treat it as "mixed".
        if (peek() != ')' && !stringLower(part.subtype))
            return false;
        if (!bodyExtension(part, true))
            return false;
    } else {
        // body-type-1part: type SP subtype SP params SP id SP desc SP enc SP octets ...
        uint64_t size = 0;
        if (!stringLower(part.type) || !expectSpace() || !stringLower(part.subtype) || !expectSpace()
            || !bodyParameters(part.parameters) || !expectSpace() || !string(part.id) || !expectSpace()
            || !string(part.description) || !expectSpace() || !stringLower(part.encoding) || !expectSpace())
            return false;
        // body-fld-octets; NIL and -1 are seen from broken servers and mean "unknown".
        if (isNil()) {
            m_p += 3;
        } else {
            if (tryChar('-')) {
                if (!number64(size))
                    return false;
                size = 0;
            } else if (!number64(size)) {
                return false;
            }
        }
        part.size = size;
        skipSpaces();
        const bool isMessage = part.type == "message" && (part.subtype == "rfc822" || part.subtype == "global");
        if (isMessage && peek() == '(') {
            // body-type-msg: SP envelope SP body SP body-fld-lines
            part.envelope = std::make_shared<Envelope>();
            if (!envelope(*part.envelope) || !expectSpace())
                return false;
            part.children.emplace_back();
            if (!body(part.children.back(), mimeDepth + 1))
                return false;
            skipSpaces();
        }
        // body-fld-lines (text/* and message/rfc822); "-1" and NIL are seen in the wild.
        if (isDigit(peek()) || peek() == '-') {
            const bool negative = tryChar('-');
            uint64_t lines = 0;
            if (!number64(lines))
                return false;
            if (!negative)
                part.lines = lines;
        } else if (isNil() && (part.type == "text" || isMessage)) {
            m_p += 3;
        }
        if (!bodyExtension(part, false))
            return false;
    }
    skipSpaces();
    if (!expectChar(')', "expected ) after a body"))
        return false;
    leave();
    return true;
}

bool ResponseReader::fetchData(FetchResponse &fetch)
{
    skipSpaces();
    if (!expectChar('(', "expected ( in FETCH") || !enter())
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated FETCH");
        const QByteArrayView item = fetchItemName();
        if (item.isEmpty())
            return protocolError("expected a FETCH item");
        const char *name = item.data();
        const qsizetype n = item.size();
        const bool sectioned = m_p < m_end && *m_p == ']';
        if (!sectioned && !expectSpace())
            return false;
        // The frequent items first, told apart by length and first letter before any comparison.
        const char first = asciiUpper(name[0]);
        if (n == 3 && first == 'U' && equalsUpper(name, n, "UID")) {
            uint32_t uid = 0;
            if (!nzNumber(uid))
                return false;
            fetch.uid = uid;
        } else if (n == 5 && first == 'F' && equalsUpper(name, n, "FLAGS")) {
            Strings flags;
            if (!flagList(flags))
                return false;
            fetch.flags = std::move(flags);
        } else if (n == 11 && first == 'R' && equalsUpper(name, n, "RFC822.SIZE")) {
            uint64_t size = 0;
            if (!number64(size))
                return false;
            fetch.rfc822Size = size;
        } else if (n == 12 && first == 'I' && equalsUpper(name, n, "INTERNALDATE")) {
            QByteArray date;
            if (!string(date))
                return false;
            // A date we cannot read (seen from Exchange) leaves the item unset instead of failing the message.
            fetch.internalDate = date.isNull() ? std::nullopt : parseInternalDate(date);
        } else if (n == 6 && first == 'M' && equalsUpper(name, n, "MODSEQ")) {
            uint64_t modSeq = 0;
            skipSpaces();
            if (!expectChar('(', "expected ( after MODSEQ"))
                return false;
            skipSpaces();
            if (!number64(modSeq))
                return false;
            skipSpaces();
            if (!expectChar(')', "expected ) after MODSEQ"))
                return false;
            fetch.modSeq = modSeq;
        } else if (n == 8 && first == 'E' && equalsUpper(name, n, "ENVELOPE")) {
            Envelope e;
            if (!envelope(e))
                return false;
            fetch.envelope = std::move(e);
        } else if (first == 'B' && (equalsUpper(name, n, "BODYSTRUCTURE") || equalsUpper(name, n, "BODY"))) {
            BodyPart part;
            m_parts = 0;
            if (!body(part, 1))
                return false;
            fetch.bodyStructure = std::move(part);
        } else if (equalsUpper(name, n, "X-GM-MSGID") || equalsUpper(name, n, "X-GM-THRID")) {
            uint64_t id = 0;
            if (!number64(id))
                return false;
            (asciiUpper(name[5]) == 'M' ? fetch.gmailMessageId : fetch.gmailThreadId) = id;
        } else if (equalsUpper(name, n, "X-GM-LABELS")) {
            Strings labels;
            if (!flagList(labels))
                return false;
            fetch.gmailLabels = std::move(labels);
        } else if (n >= 5 && (equalsUpper(name, 5, "BODY[") || (n >= 7 && equalsUpper(name, 7, "BINARY[")))) {
            SectionData section;
            section.binary = asciiUpper(name[1]) == 'I';
            const qsizetype open = section.binary ? 7 : 5;
            // The section may contain spaces: HEADER.FIELDS (A B). Find its closing bracket.
            const char *sectionStart = name + open;
            const char *q = sectionStart;
            while (q < m_end && *q != ']' && *q != kCR && *q != kLF)
                ++q;
            if (q >= m_end || *q != ']')
                return protocolError("unterminated section");
            section.section = QByteArray(sectionStart, q - sectionStart);
            m_p = q + 1;
            if (tryChar('<')) {
                uint32_t origin = 0;
                if (!number32(origin) || !expectChar('>', "expected > after a section origin"))
                    return false;
                section.origin = origin;
            }
            if (!expectSpace() || !string(section.data, true, true))
                return false;
            fetch.sections.append(std::move(section));
        } else if (n >= 12 && equalsUpper(name, 12, "BINARY.SIZE[")) {
            const char *q = name + 12;
            while (q < m_end && *q != ']' && *q != kCR && *q != kLF)
                ++q;
            if (q >= m_end || *q != ']')
                return protocolError("unterminated section");
            QByteArray spec(name + 12, q - name - 12);
            m_p = q + 1;
            uint64_t size = 0;
            if (!expectSpace() || !number64(size))
                return false;
            fetch.binarySizes.append({std::move(spec), size});
        } else if (equalsUpper(name, n, "RFC822") || equalsUpper(name, n, "RFC822.HEADER")
                   || equalsUpper(name, n, "RFC822.TEXT")) {
            SectionData section;
            section.section = n == 6 ? QByteArray() : upperCopy(name + 7, n - 7);
            if (!string(section.data, true, true))
                return false;
            fetch.sections.append(std::move(section));
        } else {
            // Unknown item (PREVIEW, EMAILID, ...): skip its value.
            if (!skipValue())
                return false;
        }
        skipSpaces();
    }
    leave();
    return expectLineEnd();
}

bool ResponseReader::namespaceGroup(QList<NamespaceEntry> &out)
{
    if (isNil()) {
        m_p += 3;
        return true;
    }
    if (!expectChar('(', "expected a namespace group") || !enter())
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated namespace group");
        NamespaceEntry entry;
        if (!expectChar('(', "expected a namespace") || !enter())
            return false;
        skipSpaces();
        if (!string(entry.prefix, false) || !expectSpace() || !delimiter(entry.delimiter))
            return false;
        // Namespace-Response-Extensions (RFC 2342 §5): skip.
        if (!skipExtensions() || !expectChar(')', "expected ) after a namespace"))
            return false;
        leave();
        out.append(std::move(entry));
        skipSpaces();
    }
    leave();
    return true;
}

bool ResponseReader::namespaceData(NamespaceResponse &ns)
{
    return expectSpace() && namespaceGroup(ns.personal) && expectSpace() && namespaceGroup(ns.otherUsers)
        && expectSpace() && namespaceGroup(ns.shared) && expectLineEnd();
}

bool ResponseReader::idData(IdResponse &id)
{
    if (!expectSpace())
        return false;
    if (isNil()) {
        m_p += 3;
        return expectLineEnd();
    }
    if (!expectChar('(', "expected ( in ID") || !enter())
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated ID list");
        if (id.fields.size() >= 30)
            return limitError("too many ID fields");
        QByteArray key, value;
        if (!string(key, false) || !expectSpace() || !string(value))
            return false;
        id.fields.append({std::move(key), std::move(value)});
        skipSpaces();
    }
    leave();
    return expectLineEnd();
}

bool ResponseReader::quotaData(QuotaResponse &quota)
{
    if (!expectSpace() || !string(quota.root, false) || !expectSpace() || !expectChar('(', "expected ( in QUOTA"))
        return false;
    skipSpaces();
    while (!tryChar(')')) {
        if (atLineEnd())
            return protocolError("unterminated QUOTA list");
        const QByteArrayView name = token();
        QuotaResource resource;
        if (name.isEmpty() || !expectSpace() || !number64(resource.usage) || !expectSpace()
            || !number64(resource.limit))
            return protocolError("bad QUOTA resource");
        resource.name = upperCopy(name.data(), name.size());
        quota.resources.append(std::move(resource));
        skipSpaces();
    }
    return expectLineEnd();
}

bool ResponseReader::quotaRootData(QuotaRootResponse &quotaRoot)
{
    if (!expectSpace() || !string(quotaRoot.mailbox, false))
        return false;
    while (true) {
        skipSpaces();
        if (atLineEnd())
            break;
        QByteArray root;
        if (!string(root, false))
            return false;
        quotaRoot.roots.append(std::move(root));
    }
    return expectLineEnd();
}

Result<Response> ResponseReader::read()
{
    auto finish = [&](Response &&r) -> Result<Response> {
        if (m_error.isError())
            return m_error;
        return std::move(r);
    };

    if (tryChar('+')) {
        // continue-req = "+" SP (resp-text / base64) CRLF; the SP is often missing.
        ContinuationRequest c;
        skipSpaces();
        if (!textToEnd(c.text) || !expectLineEnd())
            return m_error;
        return finish(std::move(c));
    }

    QByteArray tag;
    if (!tryChar('*')) {
        const char *start = m_p;
        while (m_p < m_end && isAtomChar(*m_p) && *m_p != '+')
            ++m_p;
        if (m_p == start) {
            protocolError("expected a tag, * or +");
            return m_error;
        }
        tag = QByteArray(start, m_p - start);
    }
    if (!expectSpace())
        return m_error;

    if (!tag.isEmpty()) {
        const QByteArrayView word = token();
        StatusResponse status;
        status.tag = std::move(tag);
        if (equalsUpper(word.data(), word.size(), "OK"))
            status.status = StatusResponse::Status::Ok;
        else if (equalsUpper(word.data(), word.size(), "NO"))
            status.status = StatusResponse::Status::No;
        else if (equalsUpper(word.data(), word.size(), "BAD"))
            status.status = StatusResponse::Status::Bad;
        else {
            protocolError("a tagged response must be OK, NO or BAD");
            return m_error;
        }
        if (!statusTail(status))
            return m_error;
        return finish(std::move(status));
    }

    if (isDigit(peek())) {
        uint32_t number = 0;
        if (!number32(number) || !expectSpace())
            return m_error;
        const QByteArrayView word = token();
        const char *w = word.data();
        const qsizetype n = word.size();
        if (equalsUpper(w, n, "FETCH")) {
            // "* 0 FETCH" is invalid but seen; the sync layer ignores what it cannot place.
            // Built in place: a FETCH is large, and each move of it shows in the parser benchmark.
            Result<Response> result{Response{std::in_place_type<FetchResponse>}};
            auto &fetch = std::get<FetchResponse>(result.value());
            fetch.sequence = number;
            if (!fetchData(fetch))
                return m_error;
            return result;
        }
        NumberResponse r;
        r.number = number;
        if (equalsUpper(w, n, "EXISTS")) {
            r.kind = NumberResponse::Kind::Exists;
        } else if (equalsUpper(w, n, "RECENT")) {
            r.kind = NumberResponse::Kind::Recent;
        } else if (equalsUpper(w, n, "EXPUNGE")) {
            r.kind = NumberResponse::Kind::Expunge;
            if (number == 0) {
                protocolError("EXPUNGE of message 0");
                return m_error;
            }
        } else {
            protocolError("unknown numeric response");
            return m_error;
        }
        if (!expectLineEnd())
            return m_error;
        return finish(std::move(r));
    }

    const QByteArrayView word = token();
    const char *w = word.data();
    const qsizetype n = word.size();
    auto status = [&](StatusResponse::Status s) -> Result<Response> {
        StatusResponse r;
        r.status = s;
        if (!statusTail(r))
            return m_error;
        return finish(std::move(r));
    };
    if (equalsUpper(w, n, "OK"))
        return status(StatusResponse::Status::Ok);
    if (equalsUpper(w, n, "NO"))
        return status(StatusResponse::Status::No);
    if (equalsUpper(w, n, "BAD"))
        return status(StatusResponse::Status::Bad);
    if (equalsUpper(w, n, "BYE"))
        return status(StatusResponse::Status::Bye);
    if (equalsUpper(w, n, "PREAUTH"))
        return status(StatusResponse::Status::Preauth);
    if (equalsUpper(w, n, "CAPABILITY")) {
        CapabilityResponse r;
        if (!atomList(r.capabilities) || !expectLineEnd())
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "ENABLED")) {
        EnabledResponse r;
        if (!atomList(r.capabilities) || !expectLineEnd())
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "LIST") || equalsUpper(w, n, "LSUB") || equalsUpper(w, n, "XLIST")) {
        ListResponse r;
        r.lsub = asciiUpper(w[1]) == 'S';
        if (!listData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "STATUS")) {
        StatusDataResponse r;
        if (!statusData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "SEARCH")) {
        SearchResponse r;
        if (!searchData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "ESEARCH")) {
        ESearchResponse r;
        if (!esearchData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "FLAGS")) {
        FlagsResponse r;
        skipSpaces();
        if (!flagList(r.flags) || !expectLineEnd())
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "VANISHED")) {
        VanishedResponse r;
        skipSpaces();
        if (tryChar('(')) {
            skipSpaces();
            const QByteArrayView t = token();
            if (!equalsUpper(t.data(), t.size(), "EARLIER")) {
                protocolError("unknown VANISHED modifier");
                return m_error;
            }
            skipSpaces();
            if (!expectChar(')', "expected ) after EARLIER") || !expectSpace())
                return m_error;
            r.earlier = true;
        }
        if (!sequenceSet(r.uids) || !expectLineEnd())
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "NAMESPACE")) {
        NamespaceResponse r;
        if (!namespaceData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "ID")) {
        IdResponse r;
        if (!idData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "QUOTA")) {
        QuotaResponse r;
        if (!quotaData(r))
            return m_error;
        return finish(std::move(r));
    }
    if (equalsUpper(w, n, "QUOTAROOT")) {
        QuotaRootResponse r;
        if (!quotaRootData(r))
            return m_error;
        return finish(std::move(r));
    }
    // Every response name is an atom starting with a letter; "* -1 EXISTS" is a broken number.
    if (n == 0 || asciiUpper(w[0]) < 'A' || asciiUpper(w[0]) > 'Z') {
        protocolError("expected a response name");
        return m_error;
    }
    UnhandledResponse r;
    r.name = upperCopy(w, n);
    const char *e = m_end;
    while (e > m_begin && (e[-1] == kLF || e[-1] == kCR))
        --e;
    r.raw = QByteArray(m_begin, e - m_begin);
    return Response(std::move(r));
}

// "RFC822", "RFC822.HEADER" and "RFC822.TEXT" carry whole messages, as BODY[] does.
bool endsWithMessageItem(const char *begin, const char *end)
{
    const char *p = end;
    while (p > begin && p[-1] != ' ' && p[-1] != '(')
        --p;
    const qsizetype n = end - p;
    return equalsUpper(p, n, "RFC822") || equalsUpper(p, n, "RFC822.HEADER") || equalsUpper(p, n, "RFC822.TEXT");
}

// True when a literal announced at the end of the first line may really be one: the trailing
// text of a status response or a continuation request is free text (RFC 3501 §9 "text").
bool firstLineMayHaveLiterals(const char *p, const char *end)
{
    if (p < end && *p == '+')
        return false;
    // skip the tag
    while (p < end && *p != ' ')
        ++p;
    while (p < end && *p == ' ')
        ++p;
    const char *word = p;
    while (p < end && *p != ' ' && *p != '[' && *p != '\r' && *p != '\n')
        ++p;
    const qsizetype n = p - word;
    for (const char *status : {"OK", "NO", "BAD", "BYE", "PREAUTH"}) {
        if (equalsUpper(word, n, status))
            return false;
    }
    return true;
}

}  // namespace

Parser::Parser(ParserLimits limits)
    : m_limits(limits)
{
}

void Parser::reset()
{
    m_buffer.clear();
    m_consumed = 0;
    m_scan = 0;
    m_lineStart = 0;
    m_literalRemaining = 0;
    m_failed = false;
    m_error = Error{};
}

void Parser::append(QByteArrayView bytes)
{
    if (m_failed || bytes.isEmpty())
        return;
    // Drop what was consumed before growing, so the buffer holds one response at most.
    if (m_consumed > 0 && (m_consumed == m_buffer.size() || m_consumed > (64 << 10))) {
        m_buffer.remove(0, m_consumed);
        m_scan -= m_consumed;
        m_lineStart -= m_consumed;
        m_consumed = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

Error Parser::fail(Error error)
{
    m_failed = true;
    m_error = error;
    return error;
}

std::optional<qsizetype> Parser::findResponseEnd()
{
    const char *data = m_buffer.constData();
    const qsizetype size = m_buffer.size();
    while (true) {
        if (m_literalRemaining > 0) {
            const qsizetype available = size - m_scan;
            if (available < m_literalRemaining) {
                m_literalRemaining -= available;
                m_scan = size;
                return std::nullopt;
            }
            m_scan += m_literalRemaining;
            m_literalRemaining = 0;
            m_lineStart = m_scan;
        }
        if (m_scan >= size)
            return std::nullopt;
        const void *found = std::memchr(data + m_scan, kLF, size_t(size - m_scan));
        if (!found) {
            // The line so far, its line break not counted: a final CR may be the start of CRLF.
            qsizetype pending = size - m_lineStart;
            if (pending > 0 && data[size - 1] == kCR)
                --pending;
            if (pending > m_limits.maxLineLength) {
                fail(makeError(Error::Code::LimitExceeded, QStringLiteral("response line longer than the limit")));
                return std::nullopt;
            }
            m_scan = size;
            return std::nullopt;
        }
        const qsizetype lf = static_cast<const char *>(found) - data;
        qsizetype lineLength = lf - m_lineStart;  // CRLF (or a lone LF) not counted
        if (lineLength > 0 && data[lf - 1] == kCR)
            --lineLength;
        if (lineLength > m_limits.maxLineLength) {
            fail(makeError(Error::Code::LimitExceeded, QStringLiteral("response line longer than the limit")));
            return std::nullopt;
        }
        m_scan = lf + 1;
        // Does the line end with a literal announcement "{n}" or "~{n}"?
        qsizetype q = lf;
        if (q > m_lineStart && data[q - 1] == kCR)
            --q;
        if (q - m_lineStart >= 3 && data[q - 1] == '}') {
            qsizetype d = q - 2;
            while (d > m_lineStart && isDigit(data[d]))
                --d;
            if (data[d] == '{' && d < q - 2
                && (m_lineStart != m_consumed || firstLineMayHaveLiterals(data + m_consumed, data + lf))) {
                uint64_t length = 0;
                for (qsizetype i = d + 1; i < q - 1; ++i) {
                    length = length * 10 + uint64_t(data[i] - '0');
                    if (length > uint64_t(m_limits.maxResponseSize)) {
                        fail(makeError(Error::Code::LimitExceeded, QStringLiteral("literal larger than the limit")));
                        return std::nullopt;
                    }
                }
                // A section literal ("BODY[1]<0> {n}", "BINARY[2] ~{n}") may be larger.
                qsizetype before = d;
                if (before > m_lineStart && data[before - 1] == '~')
                    --before;
                while (before > m_lineStart && data[before - 1] == ' ')
                    --before;
                bool section = false;
                if (before > m_lineStart && data[before - 1] == '>') {
                    while (before > m_lineStart && data[before - 1] != '<')
                        --before;
                    if (before > m_lineStart)
                        --before;
                }
                section = (before > m_lineStart && data[before - 1] == ']')
                    || endsWithMessageItem(data + m_lineStart, data + before);
                const auto limit = uint64_t(section ? m_limits.maxSectionLiteral : m_limits.maxLiteral);
                if (length > limit) {
                    fail(makeError(Error::Code::LimitExceeded, QStringLiteral("literal larger than the limit")));
                    return std::nullopt;
                }
                if (qsizetype(length) + (m_scan - m_consumed) > m_limits.maxResponseSize) {
                    fail(makeError(Error::Code::LimitExceeded, QStringLiteral("response larger than the limit")));
                    return std::nullopt;
                }
                m_literalRemaining = qsizetype(length);
                m_lineStart = m_scan;
                if (m_literalRemaining == 0)
                    continue;
                continue;
            }
        }
        return m_scan;
    }
}

std::optional<Result<Response>> Parser::takeResponse()
{
    if (m_failed)
        return std::nullopt;
    const std::optional<qsizetype> end = findResponseEnd();
    if (m_failed)
        return Result<Response>(m_error);
    if (!end)
        return std::nullopt;
    const char *data = m_buffer.constData();
    ResponseReader reader(QByteArray(data + m_consumed, *end - m_consumed), m_limits);
    Result<Response> result = reader.read();
    m_consumed = *end;
    m_scan = m_consumed;
    m_lineStart = m_consumed;
    if (!result.ok()) {
        fail(result.error());
        return result;
    }
    if (m_consumed == m_buffer.size()) {
        m_buffer.clear();
        m_consumed = m_scan = m_lineStart = 0;
    }
    return result;
}

Result<Response> Parser::parseOne(QByteArrayView bytes, const ParserLimits &limits)
{
    Parser parser(limits);
    parser.append(bytes);
    auto response = parser.takeResponse();
    if (!response)
        return makeError(Error::Code::Protocol, QStringLiteral("incomplete response"));
    if (response->ok() && parser.bufferedBytes() > 0)
        return makeError(Error::Code::Protocol, QStringLiteral("data after the response"));
    return std::move(*response);
}

}  // namespace Heron::Imap
