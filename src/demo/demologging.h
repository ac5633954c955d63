// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The demo mailbox's category, "heron.demo" (STYLE.md, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcDemo)
