// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/compressor.h"

#include <zlib.h>

namespace Heron::Imap {

namespace {
// RFC 4978 §4: raw deflate, which zlib selects with negative window bits.
constexpr int kWindowBits = -15;
constexpr qsizetype kChunk = 16 * 1024;
}  // namespace

struct Compressor::Streams {
    z_stream deflater{};
    z_stream inflater{};
    bool deflaterReady = false;
    bool inflaterReady = false;
    bool broken = false;
};

Compressor::Compressor()
    : m_streams(std::make_unique<Streams>())
{
    m_streams->deflaterReady = deflateInit2(&m_streams->deflater, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kWindowBits, 8,
                                            Z_DEFAULT_STRATEGY)
        == Z_OK;
    m_streams->inflaterReady = inflateInit2(&m_streams->inflater, kWindowBits) == Z_OK;
}

Compressor::~Compressor()
{
    if (m_streams->deflaterReady)
        deflateEnd(&m_streams->deflater);
    if (m_streams->inflaterReady)
        inflateEnd(&m_streams->inflater);
}

bool Compressor::isValid() const
{
    return m_streams->deflaterReady && m_streams->inflaterReady && !m_streams->broken;
}

Result<QByteArray> Compressor::compress(QByteArrayView data)
{
    if (!isValid())
        return makeError(Error::Code::Protocol, QStringLiteral("The compression stream is not usable."));
    z_stream &z = m_streams->deflater;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    do {
        const qsizetype used = out.size();
        out.resize(used + kChunk);
        z.next_out = reinterpret_cast<Bytef *>(out.data() + used);
        z.avail_out = static_cast<uInt>(kChunk);
        const int rc = deflate(&z, Z_SYNC_FLUSH);
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            m_streams->broken = true;
            return makeError(Error::Code::Protocol, QStringLiteral("Compressing data for the server failed."));
        }
        out.resize(used + kChunk - z.avail_out);
        // A sync flush is complete once zlib leaves output space unused.
    } while (z.avail_out == 0);
    return out;
}

Result<QByteArray> Compressor::decompress(QByteArrayView data)
{
    if (!isValid())
        return makeError(Error::Code::Protocol, QStringLiteral("The compression stream is not usable."));
    z_stream &z = m_streams->inflater;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    if (data.isEmpty())
        return out;
    // Loop while input remains or zlib filled the whole buffer (it may hold more output).
    do {
        const qsizetype used = out.size();
        out.resize(used + kChunk);
        z.next_out = reinterpret_cast<Bytef *>(out.data() + used);
        z.avail_out = static_cast<uInt>(kChunk);
        const int rc = inflate(&z, Z_SYNC_FLUSH);
        out.resize(used + kChunk - z.avail_out);
        if (rc == Z_STREAM_END) {
            // The peer ended the deflate stream; nothing may follow it in IMAP.
            if (z.avail_in > 0) {
                m_streams->broken = true;
                return makeError(Error::Code::Protocol, QStringLiteral("The server sent data after the end of "
                                                                       "the compressed stream."));
            }
            break;
        }
        if (rc == Z_BUF_ERROR && z.avail_out > 0)
            break;  // needs more input
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            m_streams->broken = true;
            return makeError(Error::Code::Protocol, QStringLiteral("The server sent corrupt compressed data."));
        }
    } while (z.avail_in > 0 || z.avail_out == 0);
    return out;
}

}  // namespace Heron::Imap
