// SPDX-License-Identifier: GPL-3.0-or-later
#include "imap/compressjob.h"

#include "imap/session.h"

namespace Heron::Imap {

CompressJob::CompressJob(Session *session)
    : Job(session)
{
}

void CompressJob::doStart()
{
    if (!session()->hasCapability("COMPRESS=DEFLATE")) {
        fail(makeError(Error::Code::Unsupported, tr("The server does not support compression (COMPRESS=DEFLATE).")));
        return;
    }
    sendCommand(Command(QByteArrayLiteral("COMPRESS")).atom("DEFLATE"));
}

void CompressJob::handleTagged(const StatusResponse &response)
{
    if (response.status == StatusResponse::Status::Ok) {
        // RFC 4978 §3: compression starts right after the CRLF of this OK, in both directions.
        session()->startCompression();
        finish();
        return;
    }
    if (response.code.kind == ResponseCode::Kind::CompressionActive) {
        finish();  // RFC 4978 §3: already on (for example negotiated by a proxy)
        return;
    }
    failFromResponse(response, tr("to compress the connection"));
}

}  // namespace Heron::Imap
