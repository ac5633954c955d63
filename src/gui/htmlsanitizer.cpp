// SPDX-License-Identifier: GPL-3.0-or-later
#include "htmlsanitizer.h"

#include <QHash>
#include <QSet>
#include <QUrl>

#include <cctype>
#include <optional>

namespace Heron::Gui {

namespace {

// Elements kept, with the attributes each may carry besides the common ones.
const QHash<QString, QSet<QString>> &allowedElements()
{
    static const QHash<QString, QSet<QString>> elements = [] {
        QHash<QString, QSet<QString>> map;
        for (const char *name :
             {"abbr", "acronym", "address", "b", "bdo", "big", "blockquote", "br", "caption", "center", "cite", "code",
              "dd", "del", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd",
              "li", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var",
              "tbody", "tfoot", "thead", "tr"}) {
            map.insert(QString::fromLatin1(name), {});
        }
        map.insert(QStringLiteral("a"), {QStringLiteral("href"), QStringLiteral("name")});
        map.insert(QStringLiteral("img"), {QStringLiteral("src"), QStringLiteral("alt")});
        map.insert(QStringLiteral("font"), {QStringLiteral("color"), QStringLiteral("face"), QStringLiteral("size")});
        map.insert(QStringLiteral("ol"), {QStringLiteral("start"), QStringLiteral("type")});
        map.insert(QStringLiteral("ul"), {QStringLiteral("type")});
        const QSet<QString> cell = {QStringLiteral("colspan"), QStringLiteral("rowspan"), QStringLiteral("nowrap")};
        map.insert(QStringLiteral("td"), cell);
        map.insert(QStringLiteral("th"), cell);
        map.insert(QStringLiteral("table"), {QStringLiteral("border"), QStringLiteral("cellpadding"),
                                             QStringLiteral("cellspacing")});
        map.insert(QStringLiteral("col"), {QStringLiteral("span")});
        map.insert(QStringLiteral("colgroup"), {QStringLiteral("span")});
        return map;
    }();
    return elements;
}

const QSet<QString> &commonAttributes()
{
    static const QSet<QString> attributes = {
            QStringLiteral("align"), QStringLiteral("valign"), QStringLiteral("width"),   QStringLiteral("height"),
            QStringLiteral("title"), QStringLiteral("dir"),    QStringLiteral("lang"),    QStringLiteral("bgcolor"),
            QStringLiteral("style"),
    };
    return attributes;
}

bool isVoid(const QString &name)
{
    static const QSet<QString> names = {QStringLiteral("br"), QStringLiteral("hr"), QStringLiteral("img"),
                                        QStringLiteral("col")};
    return names.contains(name);
}

// Their text is not markup (HTML's raw text elements), and none of it is shown.
bool isRawTextDropped(const QString &name)
{
    static const QSet<QString> names = {QStringLiteral("script"),   QStringLiteral("style"),
                                        QStringLiteral("title"),    QStringLiteral("textarea"),
                                        QStringLiteral("xmp"),      QStringLiteral("iframe"),
                                        QStringLiteral("noembed"),  QStringLiteral("noframes"),
                                        QStringLiteral("noscript"), QStringLiteral("plaintext")};
    return names.contains(name);
}

// Dropped with everything inside them.
bool isSubtreeDropped(const QString &name)
{
    static const QSet<QString> names = {QStringLiteral("head"),   QStringLiteral("svg"),      QStringLiteral("math"),
                                        QStringLiteral("object"), QStringLiteral("applet"),   QStringLiteral("template"),
                                        QStringLiteral("select"), QStringLiteral("frameset"), QStringLiteral("video"),
                                        QStringLiteral("audio"),  QStringLiteral("canvas"),   QStringLiteral("map")};
    return names.contains(name);
}

bool isNameChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char(':') || c == QLatin1Char('_');
}

QString escapeAttribute(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (const QChar c : value) {
        switch (c.unicode()) {
        case u'&': out += QLatin1StringView("&amp;"); break;
        case u'"': out += QLatin1StringView("&quot;"); break;
        case u'<': out += QLatin1StringView("&lt;"); break;
        case u'>': out += QLatin1StringView("&gt;"); break;
        default: out += c;
        }
    }
    return out;
}

// Lower case, and without the whitespace and control characters a browser skips inside a
// scheme ("java\tscript:" is javascript:).
QString compactLower(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (const QChar c : value) {
        if (c.unicode() > 0x20)
            out += c.toLower();
    }
    return out;
}

bool isRemote(const QString &compact)
{
    return compact.startsWith(QLatin1StringView("http:")) || compact.startsWith(QLatin1StringView("https:")) ||
           compact.startsWith(QLatin1StringView("//")) || compact.startsWith(QLatin1StringView("ftp:"));
}

// A link target that may be opened: http, https, mailto, or a place in the same message.
std::optional<QString> linkTarget(const QString &value)
{
    const QString compact = compactLower(value);
    if (compact.startsWith(QLatin1Char('#')))
        return value.trimmed();
    const QUrl url(value.trimmed(), QUrl::StrictMode);
    if (!url.isValid())
        return std::nullopt;
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https") && scheme != QLatin1String("mailto"))
        return std::nullopt;
    // The scheme QUrl saw must be the one a browser sees after skipping control characters.
    if (!compact.startsWith(scheme + QLatin1Char(':')))
        return std::nullopt;
    return url.toString(QUrl::FullyEncoded);
}

// Inline data images of raster types; an SVG can carry script and links.
bool isSafeDataImage(const QString &compact)
{
    for (const char *type : {"data:image/png", "data:image/jpeg", "data:image/jpg", "data:image/gif",
                             "data:image/webp", "data:image/bmp"}) {
        const QLatin1StringView prefix(type);
        if (compact.startsWith(prefix) && compact.size() > prefix.size() &&
            (compact.at(prefix.size()) == QLatin1Char(';') || compact.at(prefix.size()) == QLatin1Char(',')))
            return true;
    }
    return false;
}

// Keeps the declarations of a style attribute that cannot fetch or run anything.
QString filterStyle(const QString &style, int *blockedRemote)
{
    QStringList kept;
    for (const QString &declaration : style.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const QString compact = compactLower(declaration);
        if (compact.isEmpty())
            continue;
        // Escapes and comments could spell anything below; no legitimate message needs them.
        const bool dangerous = compact.contains(QLatin1Char('\\')) || compact.contains(QLatin1StringView("/*")) ||
                               compact.contains(QLatin1StringView("url(")) ||
                               compact.contains(QLatin1StringView("image(")) ||
                               compact.contains(QLatin1StringView("image-set(")) ||
                               compact.contains(QLatin1StringView("expression(")) ||
                               compact.contains(QLatin1StringView("@import")) ||
                               compact.contains(QLatin1StringView("behavior")) ||
                               compact.contains(QLatin1StringView("binding")) ||
                               compact.contains(QLatin1StringView("script:")) || !compact.contains(QLatin1Char(':'));
        if (dangerous) {
            if (compact.contains(QLatin1StringView("http")) || compact.contains(QLatin1StringView("//")))
                ++*blockedRemote;
            continue;
        }
        kept.append(declaration.trimmed());
    }
    return kept.join(QStringLiteral("; "));
}

struct Tag {
    QString name;
    bool end = false;
    bool selfClosing = false;
    QList<std::pair<QString, QString>> attributes;  // name lower case, value decoded
};

class Tokenizer {
public:
    explicit Tokenizer(const QString &input)
        : m_in(input)
    {
    }

    bool atEnd() const { return m_pos >= m_in.size(); }

    // Text up to the next '<' that opens markup.
    QStringView text()
    {
        const qsizetype start = m_pos;
        while (m_pos < m_in.size()) {
            if (m_in.at(m_pos) == QLatin1Char('<') && m_pos + 1 < m_in.size()) {
                const QChar next = m_in.at(m_pos + 1);
                if (next.isLetter() || next == QLatin1Char('/') || next == QLatin1Char('!') ||
                    next == QLatin1Char('?'))
                    break;
            }
            ++m_pos;
        }
        return QStringView(m_in).mid(start, m_pos - start);
    }

    // At '<': a tag, or nullopt for a comment, doctype or processing instruction (skipped).
    std::optional<Tag> markup()
    {
        Q_ASSERT(m_in.at(m_pos) == QLatin1Char('<'));
        if (QStringView(m_in).mid(m_pos).startsWith(QLatin1StringView("<!--"))) {
            const qsizetype end = m_in.indexOf(QLatin1StringView("-->"), m_pos + 4);
            m_pos = end < 0 ? m_in.size() : end + 3;
            return std::nullopt;
        }
        const QChar second = m_in.at(m_pos + 1);
        if (second == QLatin1Char('!') || second == QLatin1Char('?')) {
            const qsizetype end = m_in.indexOf(QLatin1Char('>'), m_pos);
            m_pos = end < 0 ? m_in.size() : end + 1;
            return std::nullopt;
        }
        Tag tag;
        ++m_pos;
        if (m_in.at(m_pos) == QLatin1Char('/')) {
            tag.end = true;
            ++m_pos;
        }
        const qsizetype nameStart = m_pos;
        while (m_pos < m_in.size() && isNameChar(m_in.at(m_pos)))
            ++m_pos;
        tag.name = m_in.mid(nameStart, m_pos - nameStart).toLower();
        // Attributes, until '>'.
        while (m_pos < m_in.size()) {
            const QChar c = m_in.at(m_pos);
            if (c == QLatin1Char('>')) {
                ++m_pos;
                break;
            }
            if (c.isSpace() || c == QLatin1Char('/')) {
                if (c == QLatin1Char('/') && m_pos + 1 < m_in.size() && m_in.at(m_pos + 1) == QLatin1Char('>'))
                    tag.selfClosing = true;
                ++m_pos;
                continue;
            }
            const qsizetype attrStart = m_pos;
            while (m_pos < m_in.size() && !m_in.at(m_pos).isSpace() && m_in.at(m_pos) != QLatin1Char('=') &&
                   m_in.at(m_pos) != QLatin1Char('>') && m_in.at(m_pos) != QLatin1Char('/'))
                ++m_pos;
            if (m_pos == attrStart) {
                ++m_pos;  // a stray '=' or quote
                continue;
            }
            const QString attrName = m_in.mid(attrStart, m_pos - attrStart).toLower();
            skipSpaces();
            QString value;
            if (m_pos < m_in.size() && m_in.at(m_pos) == QLatin1Char('=')) {
                ++m_pos;
                skipSpaces();
                value = attributeValue();
            }
            tag.attributes.append({attrName, HtmlSanitizer::decodeCharacterReferences(value)});
        }
        return tag;
    }

    // Skips raw text up to the end tag of name (case-insensitive), which is consumed too.
    void skipRawText(const QString &name)
    {
        const QString close = QStringLiteral("</") + name;
        for (;;) {
            const qsizetype at = m_in.indexOf(close, m_pos, Qt::CaseInsensitive);
            if (at < 0) {
                m_pos = m_in.size();
                return;
            }
            const qsizetype after = at + close.size();
            if (after < m_in.size() && isNameChar(m_in.at(after))) {
                m_pos = after;  // "</scripts" is not the end of script
                continue;
            }
            const qsizetype end = m_in.indexOf(QLatin1Char('>'), after);
            m_pos = end < 0 ? m_in.size() : end + 1;
            return;
        }
    }

private:
    void skipSpaces()
    {
        while (m_pos < m_in.size() && m_in.at(m_pos).isSpace())
            ++m_pos;
    }

    QString attributeValue()
    {
        if (m_pos >= m_in.size())
            return {};
        const QChar quote = m_in.at(m_pos);
        if (quote == QLatin1Char('"') || quote == QLatin1Char('\'')) {
            const qsizetype end = m_in.indexOf(quote, m_pos + 1);
            const qsizetype stop = end < 0 ? m_in.size() : end;
            const QString value = m_in.mid(m_pos + 1, stop - m_pos - 1);
            m_pos = end < 0 ? m_in.size() : end + 1;
            return value;
        }
        const qsizetype start = m_pos;
        while (m_pos < m_in.size() && !m_in.at(m_pos).isSpace() && m_in.at(m_pos) != QLatin1Char('>'))
            ++m_pos;
        return m_in.mid(start, m_pos - start);
    }

    const QString &m_in;
    qsizetype m_pos = 0;
};

}  // namespace

QString HtmlSanitizer::decodeCharacterReferences(const QString &text)
{
    if (!text.contains(QLatin1Char('&')))
        return text;
    static const QHash<QString, QString> named = {
            {QStringLiteral("amp"), QStringLiteral("&")},   {QStringLiteral("lt"), QStringLiteral("<")},
            {QStringLiteral("gt"), QStringLiteral(">")},    {QStringLiteral("quot"), QStringLiteral("\"")},
            {QStringLiteral("apos"), QStringLiteral("'")},  {QStringLiteral("nbsp"), QString(QChar(0xa0))},
            {QStringLiteral("colon"), QStringLiteral(":")}, {QStringLiteral("tab"), QStringLiteral("\t")},
            {QStringLiteral("newline"), QStringLiteral("\n")},
    };
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&')) {
            out += text.at(i);
            continue;
        }
        qsizetype j = i + 1;
        if (j < text.size() && text.at(j) == QLatin1Char('#')) {
            ++j;
            const bool hex = j < text.size() && (text.at(j) == QLatin1Char('x') || text.at(j) == QLatin1Char('X'));
            if (hex)
                ++j;
            const qsizetype digitsStart = j;
            while (j < text.size() && (hex ? isxdigit(text.at(j).toLatin1()) : text.at(j).isDigit()) &&
                   j - digitsStart < 8)
                ++j;
            bool ok = false;
            const uint code = text.mid(digitsStart, j - digitsStart).toUInt(&ok, hex ? 16 : 10);
            if (j > digitsStart && ok) {
                // Browsers take the reference with or without its ';'.
                if (j < text.size() && text.at(j) == QLatin1Char(';'))
                    ++j;
                const char32_t valid = (code == 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
                                               ? char32_t(0xfffd)
                                               : char32_t(code);
                out += QString::fromUcs4(&valid, 1);
                i = j - 1;
                continue;
            }
            out += text.at(i);
            continue;
        }
        while (j < text.size() && text.at(j).isLetterOrNumber() && j - i <= 10)
            ++j;
        const auto found = named.constFind(text.mid(i + 1, j - i - 1).toLower());
        if (found != named.constEnd() && j < text.size() && text.at(j) == QLatin1Char(';')) {
            out += *found;
            i = j;
            continue;
        }
        out += text.at(i);
    }
    return out;
}

HtmlSanitizer::Result HtmlSanitizer::sanitize(const QString &html, const Options &options)
{
    Result result;
    result.html.reserve(html.size());
    Tokenizer tokens(html);
    QList<QString> open;  // kept elements not closed yet
    while (!tokens.atEnd()) {
        const QStringView text = tokens.text();
        if (!text.isEmpty()) {
            // Text passes as written (its references are the renderer's to decode); a '<' in it
            // opens no markup (Tokenizer::text()), so it is written as a reference.
            for (const QChar c : text) {
                if (c == QLatin1Char('<'))
                    result.html += QLatin1StringView("&lt;");
                else
                    result.html += c;
            }
        }
        if (tokens.atEnd())
            break;
        const std::optional<Tag> tag = tokens.markup();
        if (!tag || tag->name.isEmpty())
            continue;

        if (!tag->end) {
            // Remote images in attributes of any element, kept or not, are counted as blocked:
            // backgrounds, srcset, a video's poster.
            for (const auto &[name, value] : tag->attributes) {
                if ((name == QLatin1String("background") || name == QLatin1String("srcset") ||
                     name == QLatin1String("lowsrc") || name == QLatin1String("dynsrc") ||
                     name == QLatin1String("poster")) &&
                    isRemote(compactLower(value)))
                    ++result.blockedRemoteResources;
            }
        }
        if (!tag->end && isRawTextDropped(tag->name)) {
            if (!tag->selfClosing || tag->name == QLatin1String("script"))
                tokens.skipRawText(tag->name);
            continue;
        }
        if (!tag->end && isSubtreeDropped(tag->name) && !tag->selfClosing) {
            // Skip to the matching end tag, counting nested ones of the same name.
            int depth = 1;
            while (depth > 0 && !tokens.atEnd()) {
                tokens.text();
                if (tokens.atEnd())
                    break;
                const std::optional<Tag> inner = tokens.markup();
                if (!inner || inner->name.isEmpty())
                    continue;
                if (!inner->end && isRawTextDropped(inner->name)) {
                    tokens.skipRawText(inner->name);
                    continue;
                }
                if (inner->name == tag->name && !inner->selfClosing)
                    depth += inner->end ? -1 : 1;
            }
            continue;
        }
        if (!tag->end && tag->name == QLatin1String("link")) {
            for (const auto &[name, value] : tag->attributes) {
                if (name == QLatin1String("href") && isRemote(compactLower(value)))
                    ++result.blockedRemoteResources;
            }
            continue;
        }
        const auto allowed = allowedElements().constFind(tag->name);
        if (allowed == allowedElements().constEnd())
            continue;  // unknown or unwanted element: its text stays, the tag goes

        if (tag->end) {
            const qsizetype at = open.lastIndexOf(tag->name);
            if (at < 0)
                continue;
            while (open.size() > at)
                result.html += QStringLiteral("</%1>").arg(open.takeLast());
            continue;
        }

        QString attributes;
        bool keep = true;
        for (const auto &[name, value] : tag->attributes) {
            if (!commonAttributes().contains(name) && !allowed->contains(name))
                continue;
            QString kept = value;
            if (name == QLatin1String("href")) {
                const auto target = linkTarget(value);
                if (!target)
                    continue;
                kept = *target;
            } else if (name == QLatin1String("src")) {
                const QString compact = compactLower(value);
                if (compact.startsWith(QLatin1StringView("cid:"))) {
                    result.contentIds.append(value.trimmed().mid(4));
                    kept = value.trimmed();
                } else if (isSafeDataImage(compact)) {
                    kept = value.trimmed();
                } else if (isRemote(compact) && options.allowRemoteImages) {
                    const QUrl url(value.trimmed());
                    if (!url.isValid()) {
                        keep = false;
                        continue;
                    }
                    kept = url.toString(QUrl::FullyEncoded);
                } else {
                    if (isRemote(compact))
                        ++result.blockedRemoteResources;
                    keep = false;  // an image with nowhere safe to come from
                    continue;
                }
            } else if (name == QLatin1String("style")) {
                kept = filterStyle(value, &result.blockedRemoteResources);
                if (kept.isEmpty())
                    continue;
            }
            attributes += QStringLiteral(" %1=\"%2\"").arg(name, escapeAttribute(kept));
        }
        if (!keep)
            continue;
        result.html += QLatin1Char('<') + tag->name + attributes + QLatin1Char('>');
        if (!isVoid(tag->name) && !tag->selfClosing)
            open.append(tag->name);
    }
    while (!open.isEmpty())
        result.html += QStringLiteral("</%1>").arg(open.takeLast());
    return result;
}

}  // namespace Heron::Gui
