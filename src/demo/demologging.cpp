// SPDX-License-Identifier: GPL-3.0-or-later
#include "demologging.h"

Q_LOGGING_CATEGORY(lcDemo, "heron.demo", QtInfoMsg)
