// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Heron::Imap {

// Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3) before UTF8=ACCEPT, raw UTF-8
// after it (RFC 6855 §3). Decoding is strict: anything but the one canonical form is an
// Error::Code::Protocol, so a hostile name never turns into NUL, a stray surrogate or a
// second spelling of another folder.

// Modified UTF-7 of `name`. `&` becomes "&-"; characters outside printable US-ASCII become
// modified base64 of their UTF-16 (astral characters as surrogate pairs). A lone surrogate in
// `name` is sent as U+FFFD.
QByteArray encodeMailboxName(const QString &name);

// Decodes modified UTF-7. Rejects: a shift not closed by '-', characters outside the modified
// base64 alphabet ('/', '='), non-zero or excess leftover bits, printable ASCII inside a shift,
// two shifts back to back, broken surrogate pairs, NUL (raw or encoded), control characters
// and 8-bit bytes outside a shift.
Result<QString> decodeMailboxName(QByteArrayView wire);

// UTF8=ACCEPT: the name is sent as UTF-8.
QByteArray encodeMailboxNameUtf8(const QString &name);

// UTF8=ACCEPT: validates strict UTF-8 (no overlong forms, no encoded surrogates, nothing
// above U+10FFFF) and rejects NUL and other C0 controls.
Result<QString> decodeMailboxNameUtf8(QByteArrayView wire);

// Decodes a name as the server sent it, in the form the session negotiated.
inline Result<QString> decodeMailboxName(QByteArrayView wire, bool utf8Accepted)
{
    return utf8Accepted ? decodeMailboxNameUtf8(wire) : decodeMailboxName(wire);
}

}  // namespace Heron::Imap
