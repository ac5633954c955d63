// SPDX-License-Identifier: GPL-3.0-or-later
#include "messageimage.h"

#include <QBuffer>
#include <QImageReader>

namespace Heron::Gui {

QImage decodeMessageImage(const QByteArray &bytes)
{
    QByteArray data = bytes;
    QBuffer buffer(&data);
    if (!buffer.open(QIODevice::ReadOnly))
        return {};
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    static const QList<QByteArray> raster = {"png", "jpeg", "jpg", "gif", "bmp", "webp"};
    if (!raster.contains(reader.format().toLower()))
        return {};
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > kMaxImagePixels)
        return {};
    QImage image;
    if (!reader.read(&image))
        return {};
    return image;
}

}  // namespace Heron::Gui
