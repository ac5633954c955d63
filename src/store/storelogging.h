// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

// The store layer's category, "heron.store" (STYLE.md, "Logging").
Q_DECLARE_LOGGING_CATEGORY(lcStore)
