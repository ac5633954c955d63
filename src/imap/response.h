// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/uidset.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

// Typed IMAP server responses (RFC 3501/9051 and the extensions Heron speaks). Strings stay
// raw bytes here: decoding (RFC 2047, modified UTF-7, charsets) belongs to the layers above.
// A NIL string is a null QByteArray (isNull()), "" is empty but not null.
// Strings usually share the storage of the response they came from (no copy per string), like
// QByteArray::fromRawData they are then not NUL-terminated: use size(), never constData() as a C string.
namespace Heron::Imap {

using Strings = QList<QByteArray>;

// A response code in brackets after OK/NO/BAD/PREAUTH/BYE (RFC 3501 §7.1, RFC 5530, extensions).
struct ResponseCode {
    enum class Kind {
        None,
        Alert,
        BadCharset,      // strings: accepted charsets
        Capability,      // strings: capabilities
        Parse,
        PermanentFlags,  // strings: flags, "\*" included
        ReadOnly,
        ReadWrite,
        TryCreate,
        UidNext,         // number
        UidValidity,     // number
        Unseen,          // number
        HighestModSeq,   // number (RFC 7162)
        NoModSeq,
        Modified,        // set (RFC 7162 §3.1.3)
        AppendUid,       // number = uidvalidity, set = assigned UIDs (RFC 4315)
        CopyUid,         // number = uidvalidity, sourceSet, set = destination UIDs (RFC 4315)
        UidNotSticky,
        Closed,          // RFC 7162 §3.2.11
        Referral,        // text = the URL; never followed (RFC 2221)
        CompressionActive,
        Other,           // name holds the atom, text the raw arguments
    };

    Kind kind = Kind::None;
    QByteArray name;  // the code's atom as sent, upper-cased
    uint64_t number = 0;
    Strings strings;
    UidSet sourceSet;
    UidSet set;
    QByteArray text;

    bool operator==(const ResponseCode &) const = default;
};

// Tagged or untagged OK/NO/BAD, untagged PREAUTH and BYE.
struct StatusResponse {
    enum class Status { Ok, No, Bad, Preauth, Bye };

    QByteArray tag;  // empty for untagged
    Status status = Status::Ok;
    ResponseCode code;
    QByteArray text;  // human-readable text, possibly empty

    bool isTagged() const { return !tag.isEmpty(); }
    bool operator==(const StatusResponse &) const = default;
};

struct CapabilityResponse {
    Strings capabilities;  // upper-cased
    bool operator==(const CapabilityResponse &) const = default;
};

struct EnabledResponse {
    Strings capabilities;  // upper-cased
    bool operator==(const EnabledResponse &) const = default;
};

// LIST/LSUB, with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154) and CHILDINFO.
struct ListResponse {
    bool lsub = false;
    Strings attributes;      // as sent ("\HasNoChildren", "\Sent", ...)
    char delimiter = 0;      // 0 for NIL (flat namespace)
    QByteArray mailbox;      // raw: modified UTF-7, or UTF-8 after UTF8=ACCEPT
    Strings childInfo;       // CHILDINFO ("SUBSCRIBED")
    QByteArray oldName;      // OLDNAME (RFC 5465)

    bool operator==(const ListResponse &) const = default;
};

// STATUS (RFC 3501 §7.2.4, RFC 7162 HIGHESTMODSEQ, RFC 8438 SIZE).
struct StatusDataResponse {
    QByteArray mailbox;
    std::optional<uint32_t> messages;
    std::optional<uint32_t> recent;
    std::optional<uint32_t> uidNext;
    std::optional<uint32_t> uidValidity;
    std::optional<uint32_t> unseen;
    std::optional<uint64_t> highestModSeq;
    std::optional<uint64_t> size;

    bool operator==(const StatusDataResponse &) const = default;
};

// SEARCH (RFC 3501 §7.2.5), with the MODSEQ of RFC 7162 §3.1.5.
struct SearchResponse {
    QList<uint32_t> ids;
    std::optional<uint64_t> highestModSeq;
    bool operator==(const SearchResponse &) const = default;
};

// ESEARCH (RFC 4731).
struct ESearchResponse {
    QByteArray tag;  // from (TAG "..."), may be empty
    bool uid = false;
    std::optional<uint32_t> min;
    std::optional<uint32_t> max;
    std::optional<uint32_t> count;
    UidSet all;
    std::optional<uint64_t> modSeq;
    bool operator==(const ESearchResponse &) const = default;
};

struct FlagsResponse {
    Strings flags;
    bool operator==(const FlagsResponse &) const = default;
};

// "* n EXISTS", "* n RECENT", "* n EXPUNGE".
struct NumberResponse {
    enum class Kind { Exists, Recent, Expunge };
    Kind kind = Kind::Exists;
    uint32_t number = 0;
    bool operator==(const NumberResponse &) const = default;
};

// VANISHED (RFC 7162 §3.2.10).
struct VanishedResponse {
    bool earlier = false;
    UidSet uids;
    bool operator==(const VanishedResponse &) const = default;
};

struct Address {
    QByteArray name;
    QByteArray adl;
    QByteArray mailbox;
    QByteArray host;  // NIL host marks RFC 822 group syntax (start when mailbox set, end when not)
    bool operator==(const Address &) const = default;
};
using Addresses = QList<Address>;

struct Envelope {
    QByteArray date;
    QByteArray subject;
    Addresses from;
    Addresses sender;
    Addresses replyTo;
    Addresses to;
    Addresses cc;
    Addresses bcc;
    QByteArray inReplyTo;
    QByteArray messageId;
    bool operator==(const Envelope &) const = default;
};

using Parameters = QList<std::pair<QByteArray, QByteArray>>;

struct Disposition {
    QByteArray type;  // null when NIL/absent
    Parameters parameters;
    bool operator==(const Disposition &) const = default;
};

// One node of BODYSTRUCTURE (RFC 3501 §7.4.2 / RFC 9051 §7.5.2), extension data included.
struct BodyPart {
    QByteArray type;     // lower-cased: "text", "multipart", ...
    QByteArray subtype;  // lower-cased
    Parameters parameters;
    // Single parts only:
    QByteArray id;
    QByteArray description;
    QByteArray encoding;
    uint64_t size = 0;
    std::optional<uint64_t> lines;  // text/* and message/rfc822; servers sometimes send -1 → absent
    // message/rfc822 only:
    std::shared_ptr<Envelope> envelope;
    // Extension data (optional on the wire):
    QByteArray md5;
    Disposition disposition;
    Strings language;
    QByteArray location;
    // multipart children, or the one body of a message/rfc822 part
    std::vector<BodyPart> children;

    bool isMultipart() const { return type == "multipart"; }
    bool operator==(const BodyPart &other) const;
};

// A BODY[section]<origin> or BINARY[section]<origin> item of a FETCH.
struct SectionData {
    QByteArray section;  // the text between [ and ], as sent ("1.2", "HEADER.FIELDS (SUBJECT)")
    std::optional<uint32_t> origin;
    QByteArray data;     // null for NIL
    bool binary = false;
    bool operator==(const SectionData &) const = default;
};

// One FETCH response (RFC 3501 §7.4.2). Only the items the server sent are set. Two responses
// for the same message are merged by FetchResponse::merge (Gmail and others split them).
struct FetchResponse {
    uint32_t sequence = 0;
    std::optional<uint32_t> uid;
    std::optional<Strings> flags;
    std::optional<uint64_t> modSeq;
    std::optional<int64_t> internalDate;  // seconds since the epoch, UTC
    std::optional<uint64_t> rfc822Size;
    std::optional<Envelope> envelope;
    std::optional<BodyPart> bodyStructure;
    QList<SectionData> sections;
    QList<std::pair<QByteArray, uint64_t>> binarySizes;  // BINARY.SIZE[section]
    // Gmail's X-GM-MSGID / X-GM-THRID / X-GM-LABELS
    std::optional<uint64_t> gmailMessageId;
    std::optional<uint64_t> gmailThreadId;
    std::optional<Strings> gmailLabels;

    void merge(FetchResponse &&other);
    bool operator==(const FetchResponse &) const = default;
};

// NAMESPACE (RFC 2342).
struct NamespaceEntry {
    QByteArray prefix;
    char delimiter = 0;
    bool operator==(const NamespaceEntry &) const = default;
};
struct NamespaceResponse {
    QList<NamespaceEntry> personal;
    QList<NamespaceEntry> otherUsers;
    QList<NamespaceEntry> shared;
    bool operator==(const NamespaceResponse &) const = default;
};

// ID (RFC 2971); empty for NIL.
struct IdResponse {
    QList<std::pair<QByteArray, QByteArray>> fields;
    bool operator==(const IdResponse &) const = default;
};

// QUOTA and QUOTAROOT (RFC 9208).
struct QuotaResource {
    QByteArray name;  // upper-cased: STORAGE, MESSAGE, ...
    uint64_t usage = 0;
    uint64_t limit = 0;
    bool operator==(const QuotaResource &) const = default;
};
struct QuotaResponse {
    QByteArray root;
    QList<QuotaResource> resources;
    bool operator==(const QuotaResponse &) const = default;
};
struct QuotaRootResponse {
    QByteArray mailbox;
    Strings roots;
    bool operator==(const QuotaRootResponse &) const = default;
};

// "+ text" or "+ base64"
struct ContinuationRequest {
    QByteArray text;
    bool operator==(const ContinuationRequest &) const = default;
};

// An untagged response Heron does not interpret (METADATA, XLIST extras, future extensions):
// kept so that it can be logged, and skipped without tearing the connection down.
struct UnhandledResponse {
    QByteArray name;  // upper-cased response name
    QByteArray raw;   // the whole response line(s), CRLF stripped
    bool operator==(const UnhandledResponse &) const = default;
};

using Response = std::variant<StatusResponse, CapabilityResponse, EnabledResponse, ListResponse, StatusDataResponse,
                              SearchResponse, ESearchResponse, FlagsResponse, NumberResponse, VanishedResponse,
                              FetchResponse, NamespaceResponse, IdResponse, QuotaResponse, QuotaRootResponse,
                              ContinuationRequest, UnhandledResponse>;

// A readable one-line rendering of a response, for test failure messages and debug logs.
QByteArray describe(const Response &response);

}  // namespace Heron::Imap
