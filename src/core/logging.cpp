// SPDX-License-Identifier: GPL-3.0-or-later
#include "logging.h"

Q_LOGGING_CATEGORY(lcCore, "heron.core", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImap, "heron.imap", QtInfoMsg)
// The wire log is off unless asked for: QT_LOGGING_RULES="heron.imap.wire.debug=true".
Q_LOGGING_CATEGORY(lcImapWire, "heron.imap.wire", QtWarningMsg)
Q_LOGGING_CATEGORY(lcApp, "heron.app", QtInfoMsg)
