// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/command.h"

#include <utility>

namespace Heron::Imap {

namespace {

// RFC 3501 §9: ATOM-CHAR is any CHAR except atom-specials: "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]".
bool isAtomChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
        return false;
    switch (c) {
    case '(':
    case ')':
    case '{':
    case '%':
    case '*':
    case '"':
    case '\\':
    case ']':
        return false;
    default:
        return true;
    }
}

bool isAtom(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isAtomChar(c))
            return false;
    }
    // "NIL" is a valid astring atom, but some servers read it as the NIL token; quoting is harmless.
    return text.compare(QByteArrayView("NIL"), Qt::CaseInsensitive) != 0;
}

// Quoted strings carry 7-bit text without CR, LF or NUL (RFC 3501 §4.3, "QUOTED-CHAR"). We keep to
// printable characters: control characters go in a literal, which every server reads the same way.
bool isQuotable(QByteArrayView text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f)
            return false;
    }
    return true;
}

QByteArray quote(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace

static bool breaksLine(QByteArrayView text)
{
    return text.contains('\r') || text.contains('\n') || text.contains('\0');
}

Command::Command(QByteArray name)
    : m_name(std::move(name))
{
    m_valid = !breaksLine(m_name);
}

void Command::addText(QByteArray text)
{
    Part part;
    part.kind = Part::Kind::Text;
    part.bytes = std::move(text);
    part.spaceBefore = !m_openListPending;
    m_openListPending = false;
    m_parts.append(std::move(part));
}

Command &Command::atom(QByteArrayView text)
{
    if (breaksLine(text))
        m_valid = false;
    addText(text.toByteArray());
    return *this;
}

Command &Command::number(uint64_t value)
{
    addText(QByteArray::number(static_cast<qulonglong>(value)));
    return *this;
}

Command &Command::set(const UidSet &set)
{
    addText(set.toByteArray());
    return *this;
}

Command &Command::string(QByteArrayView text)
{
    if (isAtom(text))
        return atom(text);
    return quoted(text);
}

Command &Command::quoted(QByteArrayView text)
{
    if (isQuotable(text)) {
        addText(quote(text));
        return *this;
    }
    return literal(text.toByteArray());
}

Command &Command::literal(QByteArray data, bool binary)
{
    Part part;
    part.kind = Part::Kind::Literal;
    part.bytes = std::move(data);
    part.binary = binary;
    part.spaceBefore = !m_openListPending;
    m_openListPending = false;
    m_parts.append(std::move(part));
    return *this;
}

Command &Command::openList()
{
    addText(QByteArrayLiteral("("));
    m_openListPending = true;
    return *this;
}

Command &Command::closeList()
{
    Part part;
    part.kind = Part::Kind::Text;
    part.bytes = QByteArrayLiteral(")");
    part.spaceBefore = false;
    m_openListPending = false;
    m_parts.append(std::move(part));
    return *this;
}

Command &Command::setSensitive(bool sensitive)
{
    m_sensitive = sensitive;
    return *this;
}

QList<QByteArray> Command::serialize(QByteArrayView tag, LiteralSupport literals) const
{
    QList<QByteArray> chunks;
    QByteArray current;
    current += tag;
    if (!tag.isEmpty())
        current += ' ';
    current += m_name;
    for (const Part &part : m_parts) {
        if (part.spaceBefore)
            current += ' ';
        if (part.kind == Part::Kind::Text) {
            current += part.bytes;
            continue;
        }
        // RFC 7888: "{n+}" needs no "+" from the server; LITERAL- allows it up to 4096 bytes only.
        const qsizetype size = part.bytes.size();
        const bool nonSynchronizing = literals == LiteralSupport::LiteralPlus
            || (literals == LiteralSupport::LiteralMinus && size <= 4096);
        if (part.binary)
            current += '~';  // RFC 3516 literal8
        current += '{';
        current += QByteArray::number(size);
        if (nonSynchronizing)
            current += '+';
        current += "}\r\n";
        if (!nonSynchronizing) {
            chunks.append(std::move(current));
            current = QByteArray();
        }
        current += part.bytes;
    }
    current += "\r\n";
    chunks.append(std::move(current));
    return chunks;
}

QByteArray Command::describe(QByteArrayView tag) const
{
    QByteArray out;
    out += tag;
    if (!tag.isEmpty())
        out += ' ';
    out += m_name;
    if (m_sensitive) {
        if (!m_parts.isEmpty())
            out += " <redacted>";
        return out;
    }
    for (const Part &part : m_parts) {
        if (part.spaceBefore)
            out += ' ';
        if (part.kind == Part::Kind::Text) {
            out += part.bytes;
        } else {
            if (part.binary)
                out += '~';
            out += '{' + QByteArray::number(part.bytes.size()) + '}';
        }
    }
    return out;
}

}  // namespace Heron::Imap
