// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace Heron::Imap {

// Raw DEFLATE (RFC 1951, no zlib header) in both directions, as COMPRESS=DEFLATE needs
// (RFC 4978 §4): every compress() call ends with a sync flush so the peer can act on the
// data at once; decompress() accepts the peer's stream in chunks of any size.
class Compressor {
public:
    Compressor();
    ~Compressor();
    Compressor(const Compressor &) = delete;
    Compressor &operator=(const Compressor &) = delete;

    // False when zlib could not be set up; every call then fails.
    bool isValid() const;

    Result<QByteArray> compress(QByteArrayView data);
    Result<QByteArray> decompress(QByteArrayView data);

private:
    struct Streams;
    std::unique_ptr<Streams> m_streams;
};

}  // namespace Heron::Imap
