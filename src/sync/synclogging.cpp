// SPDX-License-Identifier: GPL-3.0-or-later
#include "synclogging.h"

Q_LOGGING_CATEGORY(lcSync, "heron.sync", QtInfoMsg)
