// SPDX-License-Identifier: GPL-3.0-or-later
#include "response.h"

namespace Heron::Imap {

bool BodyPart::operator==(const BodyPart &other) const
{
    const bool envelopesEqual = (!envelope && !other.envelope)
        || (envelope && other.envelope && *envelope == *other.envelope);
    return envelopesEqual && type == other.type && subtype == other.subtype && parameters == other.parameters
        && id == other.id && description == other.description && encoding == other.encoding && size == other.size
        && lines == other.lines && md5 == other.md5 && disposition == other.disposition
        && language == other.language && location == other.location && children == other.children;
}

void FetchResponse::merge(FetchResponse &&other)
{
    if (other.uid)
        uid = other.uid;
    if (other.flags)
        flags = std::move(other.flags);
    if (other.modSeq)
        modSeq = other.modSeq;
    if (other.internalDate)
        internalDate = other.internalDate;
    if (other.rfc822Size)
        rfc822Size = other.rfc822Size;
    if (other.envelope)
        envelope = std::move(other.envelope);
    if (other.bodyStructure)
        bodyStructure = std::move(other.bodyStructure);
    for (auto &section : other.sections)
        sections.append(std::move(section));
    for (auto &size : other.binarySizes)
        binarySizes.append(std::move(size));
    if (other.gmailMessageId)
        gmailMessageId = other.gmailMessageId;
    if (other.gmailThreadId)
        gmailThreadId = other.gmailThreadId;
    if (other.gmailLabels)
        gmailLabels = std::move(other.gmailLabels);
}

namespace {

void appendString(QByteArray &out, const QByteArray &s)
{
    if (s.isNull()) {
        out += "NIL";
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (static_cast<unsigned char>(c) < 0x20)
            out += "\\x" + QByteArray::number(static_cast<unsigned char>(c), 16);
        else
            out += c;
    }
    out += '"';
}

void appendList(QByteArray &out, const Strings &list)
{
    out += '(';
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (i)
            out += ' ';
        appendString(out, list.at(i));
    }
    out += ')';
}

template <typename T>
void appendOptional(QByteArray &out, const char *name, const std::optional<T> &value)
{
    if (!value)
        return;
    out += ' ';
    out += name;
    out += '=';
    out += QByteArray::number(*value);
}

void appendCode(QByteArray &out, const ResponseCode &code)
{
    if (code.kind == ResponseCode::Kind::None)
        return;
    out += " [";
    out += code.name;
    out += " kind=" + QByteArray::number(int(code.kind));
    if (code.number)
        out += " n=" + QByteArray::number(code.number);
    if (!code.strings.isEmpty()) {
        out += ' ';
        appendList(out, code.strings);
    }
    if (!code.sourceSet.isEmpty())
        out += " src=" + code.sourceSet.toByteArray();
    if (!code.set.isEmpty())
        out += " set=" + code.set.toByteArray();
    if (!code.text.isEmpty()) {
        out += " text=";
        appendString(out, code.text);
    }
    out += ']';
}

void appendAddresses(QByteArray &out, const Addresses &addresses)
{
    out += '(';
    for (const Address &a : addresses) {
        out += '(';
        appendString(out, a.name);
        out += ' ';
        appendString(out, a.adl);
        out += ' ';
        appendString(out, a.mailbox);
        out += ' ';
        appendString(out, a.host);
        out += ')';
    }
    out += ')';
}

void appendEnvelope(QByteArray &out, const Envelope &e)
{
    out += "ENVELOPE(";
    appendString(out, e.date);
    out += ' ';
    appendString(out, e.subject);
    for (const Addresses *list : {&e.from, &e.sender, &e.replyTo, &e.to, &e.cc, &e.bcc}) {
        out += ' ';
        appendAddresses(out, *list);
    }
    out += ' ';
    appendString(out, e.inReplyTo);
    out += ' ';
    appendString(out, e.messageId);
    out += ')';
}

void appendParameters(QByteArray &out, const Parameters &parameters)
{
    out += '(';
    for (const auto &[name, value] : parameters) {
        appendString(out, name);
        out += '=';
        appendString(out, value);
        out += ' ';
    }
    out += ')';
}

void appendBody(QByteArray &out, const BodyPart &part)
{
    out += '(';
    out += part.type + '/' + part.subtype;
    out += ' ';
    appendParameters(out, part.parameters);
    if (!part.isMultipart()) {
        out += " id=";
        appendString(out, part.id);
        out += " desc=";
        appendString(out, part.description);
        out += " enc=";
        appendString(out, part.encoding);
        out += " size=" + QByteArray::number(part.size);
        if (part.lines)
            out += " lines=" + QByteArray::number(*part.lines);
        if (part.envelope) {
            out += ' ';
            appendEnvelope(out, *part.envelope);
        }
    }
    if (!part.md5.isNull()) {
        out += " md5=";
        appendString(out, part.md5);
    }
    if (!part.disposition.type.isNull()) {
        out += " dsp=";
        appendString(out, part.disposition.type);
        appendParameters(out, part.disposition.parameters);
    }
    if (!part.language.isEmpty()) {
        out += " lang=";
        appendList(out, part.language);
    }
    if (!part.location.isNull()) {
        out += " loc=";
        appendString(out, part.location);
    }
    for (const BodyPart &child : part.children) {
        out += ' ';
        appendBody(out, child);
    }
    out += ')';
}

struct Describer {
    QByteArray out;

    void operator()(const StatusResponse &r)
    {
        static const char *names[] = {"OK", "NO", "BAD", "PREAUTH", "BYE"};
        out = "Status tag=" + (r.tag.isEmpty() ? QByteArray("*") : r.tag) + ' ' + names[int(r.status)];
        appendCode(out, r.code);
        out += " text=";
        appendString(out, r.text);
    }
    void operator()(const CapabilityResponse &r)
    {
        out = "Capability ";
        appendList(out, r.capabilities);
    }
    void operator()(const EnabledResponse &r)
    {
        out = "Enabled ";
        appendList(out, r.capabilities);
    }
    void operator()(const ListResponse &r)
    {
        out = r.lsub ? "Lsub " : "List ";
        appendList(out, r.attributes);
        out += " delim=" + (r.delimiter ? QByteArray(1, r.delimiter) : QByteArray("NIL")) + ' ';
        appendString(out, r.mailbox);
        if (!r.childInfo.isEmpty()) {
            out += " childinfo=";
            appendList(out, r.childInfo);
        }
        if (!r.oldName.isNull()) {
            out += " oldname=";
            appendString(out, r.oldName);
        }
    }
    void operator()(const StatusDataResponse &r)
    {
        out = "StatusData ";
        appendString(out, r.mailbox);
        appendOptional(out, "messages", r.messages);
        appendOptional(out, "recent", r.recent);
        appendOptional(out, "uidnext", r.uidNext);
        appendOptional(out, "uidvalidity", r.uidValidity);
        appendOptional(out, "unseen", r.unseen);
        appendOptional(out, "highestmodseq", r.highestModSeq);
        appendOptional(out, "size", r.size);
    }
    void operator()(const SearchResponse &r)
    {
        out = "Search";
        for (uint32_t id : r.ids)
            out += ' ' + QByteArray::number(id);
        appendOptional(out, "modseq", r.highestModSeq);
    }
    void operator()(const ESearchResponse &r)
    {
        out = "ESearch tag=" + r.tag + (r.uid ? " UID" : "");
        appendOptional(out, "min", r.min);
        appendOptional(out, "max", r.max);
        appendOptional(out, "count", r.count);
        if (!r.all.isEmpty())
            out += " all=" + r.all.toByteArray();
        appendOptional(out, "modseq", r.modSeq);
    }
    void operator()(const FlagsResponse &r)
    {
        out = "Flags ";
        appendList(out, r.flags);
    }
    void operator()(const NumberResponse &r)
    {
        static const char *names[] = {"EXISTS", "RECENT", "EXPUNGE"};
        out = QByteArray::number(r.number) + ' ' + names[int(r.kind)];
    }
    void operator()(const VanishedResponse &r)
    {
        out = QByteArray("Vanished") + (r.earlier ? " (EARLIER) " : " ") + r.uids.toByteArray();
    }
    void operator()(const FetchResponse &r)
    {
        out = "Fetch " + QByteArray::number(r.sequence);
        appendOptional(out, "uid", r.uid);
        if (r.flags) {
            out += " flags=";
            appendList(out, *r.flags);
        }
        appendOptional(out, "modseq", r.modSeq);
        appendOptional(out, "internaldate", r.internalDate);
        appendOptional(out, "size", r.rfc822Size);
        if (r.envelope) {
            out += ' ';
            appendEnvelope(out, *r.envelope);
        }
        if (r.bodyStructure) {
            out += " BODY";
            appendBody(out, *r.bodyStructure);
        }
        for (const SectionData &s : r.sections) {
            out += s.binary ? " BINARY[" : " BODY[";
            out += s.section + ']';
            if (s.origin)
                out += '<' + QByteArray::number(*s.origin) + '>';
            out += '=';
            appendString(out, s.data.left(200));
        }
        for (const auto &[section, size] : r.binarySizes)
            out += " BINARY.SIZE[" + section + "]=" + QByteArray::number(size);
        appendOptional(out, "gm-msgid", r.gmailMessageId);
        appendOptional(out, "gm-thrid", r.gmailThreadId);
        if (r.gmailLabels) {
            out += " gm-labels=";
            appendList(out, *r.gmailLabels);
        }
    }
    static void appendNamespaces(QByteArray &out, const QList<NamespaceEntry> &entries)
    {
        out += " (";
        for (const NamespaceEntry &e : entries) {
            out += '(';
            appendString(out, e.prefix);
            out += ' ' + (e.delimiter ? QByteArray(1, e.delimiter) : QByteArray("NIL")) + ')';
        }
        out += ')';
    }
    void operator()(const NamespaceResponse &r)
    {
        out = "Namespace";
        appendNamespaces(out, r.personal);
        appendNamespaces(out, r.otherUsers);
        appendNamespaces(out, r.shared);
    }
    void operator()(const IdResponse &r)
    {
        out = "Id";
        for (const auto &[key, value] : r.fields) {
            out += ' ';
            appendString(out, key);
            out += '=';
            appendString(out, value);
        }
    }
    void operator()(const QuotaResponse &r)
    {
        out = "Quota ";
        appendString(out, r.root);
        for (const QuotaResource &q : r.resources)
            out += ' ' + q.name + ' ' + QByteArray::number(q.usage) + '/' + QByteArray::number(q.limit);
    }
    void operator()(const QuotaRootResponse &r)
    {
        out = "QuotaRoot ";
        appendString(out, r.mailbox);
        out += ' ';
        appendList(out, r.roots);
    }
    void operator()(const ContinuationRequest &r)
    {
        out = "Continuation ";
        appendString(out, r.text);
    }
    void operator()(const UnhandledResponse &r)
    {
        out = "Unhandled " + r.name + ' ';
        appendString(out, r.raw.left(200));
    }
};

}  // namespace

QByteArray describe(const Response &response)
{
    Describer describer;
    std::visit(describer, response);
    return describer.out;
}

}  // namespace Heron::Imap
