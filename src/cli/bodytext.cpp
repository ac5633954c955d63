// SPDX-License-Identifier: GPL-3.0-or-later
#include "bodytext.h"

#include <QHash>
#include <QRegularExpression>

namespace Heron::Cli {

namespace {

QString decodeEntity(const QString &name)
{
    if (name.startsWith(QLatin1Char('#'))) {
        bool ok = false;
        const uint code = name.startsWith(QLatin1String("#x"), Qt::CaseInsensitive) ? name.mid(2).toUInt(&ok, 16)
                                                                                    : name.mid(1).toUInt(&ok, 10);
        // Surrogates and values past Unicode are not characters; NUL is not text.
        if (!ok || code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return QString(QChar(QChar::ReplacementCharacter));
        const char32_t c = code;
        return QString::fromUcs4(&c, 1);
    }
    static const QHash<QString, QString> kNamed = {
            {QStringLiteral("amp"), QStringLiteral("&")},    {QStringLiteral("lt"), QStringLiteral("<")},
            {QStringLiteral("gt"), QStringLiteral(">")},     {QStringLiteral("quot"), QStringLiteral("\"")},
            {QStringLiteral("apos"), QStringLiteral("'")},   {QStringLiteral("nbsp"), QStringLiteral(" ")},
            {QStringLiteral("ndash"), QStringLiteral("–")},  {QStringLiteral("mdash"), QStringLiteral("—")},
            {QStringLiteral("hellip"), QStringLiteral("…")}, {QStringLiteral("copy"), QStringLiteral("©")},
            {QStringLiteral("reg"), QStringLiteral("®")},    {QStringLiteral("euro"), QStringLiteral("€")},
            {QStringLiteral("laquo"), QStringLiteral("«")},  {QStringLiteral("raquo"), QStringLiteral("»")},
            {QStringLiteral("lsquo"), QStringLiteral("‘")},  {QStringLiteral("rsquo"), QStringLiteral("’")},
            {QStringLiteral("ldquo"), QStringLiteral("“")},  {QStringLiteral("rdquo"), QStringLiteral("”")},
            {QStringLiteral("bull"), QStringLiteral("•")},   {QStringLiteral("middot"), QStringLiteral("·")},
    };
    const auto it = kNamed.constFind(name.toLower());
    return it == kNamed.constEnd() ? QLatin1Char('&') + name + QLatin1Char(';') : *it;
}

}  // namespace

QString htmlToText(const QString &html)
{
    using Re = QRegularExpression;
    const auto options = Re::CaseInsensitiveOption | Re::DotMatchesEverythingOption;
    static const Re kHidden(QStringLiteral("<(script|style|head|title)\\b.*?</\\1\\s*>"), options);
    static const Re kComment(QStringLiteral("<!--.*?-->"), options);
    static const Re kLineBreak(QStringLiteral("<br\\b[^>]*>"), options);
    static const Re kBlockEnd(QStringLiteral("</(p|div|h[1-6]|tr|table|blockquote|pre|ul|ol|section|article)\\s*>"),
                              options);
    static const Re kListItem(QStringLiteral("<li\\b[^>]*>"), options);
    static const Re kCell(QStringLiteral("</t[dh]\\s*>"), options);
    static const Re kTag(QStringLiteral("<[^>]*>"), options);
    static const Re kEntity(QStringLiteral("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"));
    static const Re kSpaces(QStringLiteral("[ \\t\\x{00A0}]+"));
    static const Re kSpaceAroundBreak(QStringLiteral(" *\\n *"));
    static const Re kBlankLines(QStringLiteral("\\n{3,}"));

    QString text = html;
    text.replace(kHidden, QString());
    text.replace(kComment, QString());
    // Line breaks in the source are only spaces in HTML.
    text.replace(QLatin1String("\r\n"), QLatin1String(" "));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(kLineBreak, QStringLiteral("\n"));
    text.replace(kBlockEnd, QStringLiteral("\n\n"));
    text.replace(kListItem, QStringLiteral("\n• "));
    text.replace(kCell, QStringLiteral("\t"));
    text.replace(kTag, QString());

    QString decoded;
    decoded.reserve(text.size());
    qsizetype last = 0;
    for (auto it = kEntity.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        decoded.append(QStringView(text).mid(last, match.capturedStart() - last));
        decoded.append(decodeEntity(match.captured(1)));
        last = match.capturedEnd();
    }
    decoded.append(QStringView(text).mid(last));

    decoded.replace(kSpaces, QStringLiteral(" "));
    decoded.replace(kSpaceAroundBreak, QStringLiteral("\n"));
    decoded.replace(kBlankLines, QStringLiteral("\n\n"));
    return decoded.trimmed();
}

}  // namespace Heron::Cli
