// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The sync layer's category, "heron.sync" (STYLE.md, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcSync)
