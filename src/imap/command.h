// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/uidset.h"

#include <QByteArray>
#include <QList>

namespace Heron::Imap {

// How the server lets us send literals (RFC 7888).
enum class LiteralSupport {
    Synchronizing,  // "{n}", wait for "+" before the data
    LiteralMinus,   // "{n+}" for n <= 4096, "{n}" otherwise
    LiteralPlus,    // "{n+}" always
};

// One IMAP command, built from typed arguments. The session adds the tag and picks the literal
// form; Command chooses atom, quoted string or literal for each string argument so that any
// byte sequence is sent correctly (RFC 3501 §4.3, §9 "astring").
class Command {
public:
    explicit Command(QByteArray name);  // "UID FETCH", "SELECT", ...

    Command &atom(QByteArrayView text);         // sent as is: atoms, "(FLAGS)", "BODY.PEEK[1]"
    Command &number(uint64_t value);
    Command &set(const UidSet &set);
    Command &string(QByteArrayView text);       // astring: atom, quoted or literal as needed
    Command &quoted(QByteArrayView text);       // string: quoted or literal, never an atom
    Command &literal(QByteArray data, bool binary = false);  // always a literal; binary: "~{n}" (RFC 3516)
    Command &openList();                        // "(" with no space after it
    Command &closeList();                       // ")"

    // Arguments are replaced by "<redacted>" in the wire log (LOGIN, AUTHENTICATE).
    Command &setSensitive(bool sensitive = true);
    bool isSensitive() const { return m_sensitive; }

    const QByteArray &name() const { return m_name; }

    // False when a name or an atom() argument holds CR, LF or NUL: sent, it would end the command
    // early and let the rest be read as another command. Job::sendCommand refuses such commands.
    bool isValid() const { return m_valid; }

    // The bytes to send, split where a synchronizing literal must wait for "+": every chunk but
    // the last ends with "{n}\r\n"; the last ends with "\r\n".
    QList<QByteArray> serialize(QByteArrayView tag, LiteralSupport literals) const;

    // "TAG NAME <redacted>" or the full text with literal data elided, for logs.
    QByteArray describe(QByteArrayView tag) const;

private:
    struct Part {
        enum class Kind { Text, Literal } kind = Kind::Text;
        QByteArray bytes;
        bool binary = false;
        bool spaceBefore = true;
    };
    void addText(QByteArray text);

    QByteArray m_name;
    QList<Part> m_parts;
    bool m_sensitive = false;
    bool m_openListPending = false;
    bool m_valid = true;
};

}  // namespace Heron::Imap
