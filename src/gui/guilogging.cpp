// SPDX-License-Identifier: GPL-3.0-or-later
#include "guilogging.h"

Q_LOGGING_CATEGORY(lcGui, "heron.gui", QtInfoMsg)
