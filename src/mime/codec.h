// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace Heron::Mime {

// Undo a Content-Transfer-Encoding (RFC 2045 §6): base64, quoted-printable, 7bit/8bit/binary and
// x-uuencode. Broken input is decoded as far as it makes sense (stray characters in base64, bad
// padding, a lone '=' in quoted-printable); an unknown encoding is an Error::Code::Unsupported.
Result<QByteArray> decodeTransferEncoding(QByteArrayView data, QByteArrayView encoding);

// Text bytes in a declared charset → QString. Charset names go through the usual aliases
// (latin1, cp1252, sjis, ks_c_5601-1987, ...); ISO-8859-1 and US-ASCII are read as windows-1252
// as every mail client does. Undecodable sequences become U+FFFD. An unknown or missing charset
// falls back to UTF-8 when the bytes are valid UTF-8 and windows-1252 otherwise.
Result<QString> decodeText(QByteArrayView bytes, QByteArrayView charset);

// The fallback alone: UTF-8 when valid, windows-1252 otherwise (raw 8-bit headers, undeclared text).
QString decodeUnlabelledText(QByteArrayView bytes);

// True when the bytes are well-formed UTF-8 (RFC 3629).
bool isValidUtf8(QByteArrayView bytes);

}  // namespace Heron::Mime
