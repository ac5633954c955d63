// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace Heron::Gui {

// A text/plain body as HTML for the message view: every character escaped first, then the
// http, https and mailto URLs in the escaped text made links, so nothing in the text can open
// markup. Line breaks and runs of spaces are kept (white-space: pre-wrap).
QString plainTextToHtml(const QString &text);

}  // namespace Heron::Gui
