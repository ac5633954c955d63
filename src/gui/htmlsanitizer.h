// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

namespace Heron::Gui {

// Turns the HTML of a message part into HTML that is safe to give QTextBrowser: an allowlist of
// elements and attributes, links only to http, https and mailto, images only from the message
// itself (cid:) or inline data, and remote images only once the user allowed them. Scripts,
// frames, forms, objects, SVG, style sheets, meta refresh and event handlers never come out.
// The input is any text, however broken; the output is always well-formed enough to render.
class HtmlSanitizer {
public:
    struct Options {
        bool allowRemoteImages = false;  // "Load remote content" was clicked for this message
    };

    struct Result {
        QString html;
        int blockedRemoteResources = 0;  // images, backgrounds and style URLs left out
        QStringList contentIds;          // cid: references kept, without the scheme
    };

    static Result sanitize(const QString &html, const Options &options);
    static Result sanitize(const QString &html) { return sanitize(html, Options()); }

    // The value of an attribute as a browser reads it: character references decoded.
    static QString decodeCharacterReferences(const QString &text);
};

}  // namespace Heron::Gui
