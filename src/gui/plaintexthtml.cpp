// SPDX-License-Identifier: GPL-3.0-or-later
#include "plaintexthtml.h"

#include <QRegularExpression>
#include <QUrl>

namespace Heron::Gui {

namespace {

// A URL ends at white space or at an escaped '<', '>' or '"', the characters that delimit URLs
// in text (RFC 3986 Appendix C).
const QRegularExpression &urlPattern()
{
    static const QRegularExpression pattern(QStringLiteral("\\b(?:https?://|mailto:)(?:(?!&lt;|&gt;|&quot;)\\S)+"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

// Punctuation that ends a sentence rather than the URL; a ')' only when the URL has no '(' to
// match it ("(see https://example.org/a)" versus "https://en.wikipedia.org/wiki/Mail_(disambiguation)").
qsizetype urlLength(QStringView candidate)
{
    qsizetype length = candidate.size();
    while (length > 0) {
        const QChar last = candidate.at(length - 1);
        if (QStringView(u".,;:!?'*").contains(last)) {
            --length;
        } else if (last == QLatin1Char(')') &&
                   candidate.first(length).count(QLatin1Char('(')) < candidate.first(length).count(QLatin1Char(')'))) {
            --length;
        } else {
            break;
        }
    }
    return length;
}

}  // namespace

QString plainTextToHtml(const QString &text)
{
    QString normalized = text;
    normalized.replace(QLatin1StringView("\r\n"), QLatin1StringView("\n"));
    const QString escaped = normalized.toHtmlEscaped();

    QString html = QStringLiteral("<div style=\"white-space: pre-wrap\">");
    html.reserve(escaped.size() + escaped.size() / 8 + 64);
    qsizetype last = 0;
    for (auto it = urlPattern().globalMatch(escaped); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        const QStringView candidate = QStringView(escaped).mid(match.capturedStart(), match.capturedLength());
        const QStringView shown = candidate.first(urlLength(candidate));
        // Only "&amp;" can be in the escaped match; the URL is the text as written.
        QString written = shown.toString();
        written.replace(QLatin1StringView("&amp;"), QLatin1StringView("&"));
        const QUrl url(written, QUrl::TolerantMode);
        const bool mailto = url.scheme().compare(QLatin1StringView("mailto"), Qt::CaseInsensitive) == 0;
        if (!url.isValid() || (mailto ? url.path().isEmpty() : url.host().isEmpty()))
            continue;
        html += QStringView(escaped).mid(last, match.capturedStart() - last);
        html += QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), shown);
        last = match.capturedStart() + shown.size();
    }
    html += QStringView(escaped).mid(last);
    html += QLatin1StringView("</div>");
    return html;
}

}  // namespace Heron::Gui
