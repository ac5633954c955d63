// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QImage>

namespace Heron::Gui {

// The largest image a message may show, in pixels; larger ones are refused before decoding.
inline constexpr qint64 kMaxImagePixels = qint64(8192) * 8192;

// Bytes of an image from a message (an inline part, a data: URL, a remote image) as a QImage, or
// a null image. Only raster formats that cannot refer to anything else are read (PNG, JPEG, GIF,
// BMP, WebP), whatever the bytes claim to be: an SVG may load files and carries links.
QImage decodeMessageImage(const QByteArray &bytes);

}  // namespace Heron::Gui
