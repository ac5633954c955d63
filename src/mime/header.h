// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace Heron::Mime {

// Header field text → display string. Unfolds (RFC 5322 §2.2.3), decodes RFC 2047 encoded words
// including the broken forms real mail carries (encoded words inside a word, bad padding, split
// multi-byte characters, unknown charsets), and reads raw 8-bit text as UTF-8 when valid and
// windows-1252 otherwise. The input need not be NUL-terminated.
QString decodeHeader(QByteArrayView raw);

namespace Detail {

// The two decoders of encoded words behind decodeHeader(), for its tests; both take unfolded,
// trimmed text and give it before control characters are replaced. The forms nearly every header
// uses, read without GMime: UTF-8 and US-ASCII words, B or Q, whole tokens between ASCII words.
// nullopt for anything else. Where it gives a text, GMime gives the same one.
std::optional<QString> decodeEncodedWordsSimply(QByteArrayView text);
// Everything, through GMime; nullopt when GMime gives nothing.
std::optional<QString> decodeEncodedWordsWithGMime(QByteArrayView text);
// Text for a GMime parser that decodes encoded words itself: its B words rewritten as Q words of
// the same bytes. GMime 3.2 joins the base64 of adjacent B words, and padding ends it there
// ("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=" would be one "é").
QByteArray bWordsAsQWordsForGMime(const QByteArray &text);

}  // namespace Detail

// Raw MIME parameters as an IMAP BODYSTRUCTURE or a header carries them: (attribute, value) with
// quotes already removed, RFC 2231 sections ("filename*0*") still apart.
using Parameters = QList<std::pair<QByteArray, QByteArray>>;

// One parameter's value, decoded: RFC 2231 extended values (charset'language'%XX) and continuations
// (name*0*, name*1, ...), and RFC 2047 encoded words inside a quoted value, which RFC 2047 §5 forbids
// but common mailers send. Attribute names compare case-insensitively. Null when absent.
QString parameterValue(const Parameters &parameters, QByteArrayView attribute);

// The attachment name of a part from its Content-Disposition "filename" parameter, else its
// Content-Type "name" parameter (RFC 2183 §2.3, RFC 2045 §5.1), decoded but not sanitized. Both
// arguments are header field bodies; either may be empty.
QString fileNameFromHeaders(QByteArrayView contentDisposition, QByteArrayView contentType);

// A name fit to suggest in a save dialog: the last path component only, no control or bidi
// override characters, no characters Windows forbids, no leading dots, no trailing dots or spaces,
// no Windows device names, at most kMaxFileNameBytes of UTF-8 with the extension kept.
// An empty result means nothing usable was left; the caller picks its own default.
inline constexpr qsizetype kMaxFileNameBytes = 200;
QString safeFileName(const QString &name);

}  // namespace Heron::Mime
