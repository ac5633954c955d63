// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkpolicy.h"

#include "guilogging.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QMessageBox>
#include <QRegularExpression>
#include <QUrlQuery>

namespace Heron::Gui {

namespace {

QString translated(const char *text)
{
    return QCoreApplication::translate("Heron::Gui::LinkPolicy", text);
}

// Lower-case ASCII (IDNA, RFC 5891) form of a host, so that a look-alike in Unicode and its
// xn-- form compare as what they are. A host IDNA refuses stays as written, which never equals
// a valid one.
QString asciiHost(QString host)
{
    host = host.toLower();
    while (host.endsWith(QLatin1Char('.')))
        host.chop(1);
    const QByteArray ace = QUrl::toAce(host);
    return ace.isEmpty() ? host : QString::fromLatin1(ace).toLower();
}

QString withoutWww(const QString &host)
{
    return host.startsWith(QLatin1StringView("www.")) ? host.mid(4) : host;
}

// The target belongs to the host the text names: the same host, or a host below it
// ("bank.example" may link to "login.bank.example", not the other way round).
bool belongsTo(const QString &targetHost, const QString &shownHost)
{
    const QString target = withoutWww(targetHost);
    const QString shown = withoutWww(shownHost);
    return target == shown || target.endsWith(QLatin1Char('.') + shown);
}

// Characters that change nothing visible (zero-width spaces, bidi controls, soft hyphens): a
// phisher may put them into the text to hide what it names.
QString withoutFormatCharacters(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c.category() != QChar::Other_Format)
            out += c;
    }
    return out;
}

// A word of text without the punctuation around it ("(www.bank.example)," → www.bank.example).
QString withoutPunctuation(QString word)
{
    static const QRegularExpression trailing(QStringLiteral("[.,;:!?)\\]>'\"]+$"));
    static const QRegularExpression leading(QStringLiteral("^[(\\[<'\"]+"));
    word.remove(trailing);
    word.remove(leading);
    return word;
}

// The host of a word that is a URL with a scheme or starts with "www."; empty otherwise.
QString hostOfToken(const QString &token)
{
    if (token.isEmpty())
        return {};
    if (token.contains(QLatin1StringView("://"))) {
        const QUrl url(token, QUrl::TolerantMode);
        return url.host().isEmpty() ? QString() : asciiHost(url.host());
    }
    if (token.startsWith(QLatin1StringView("www."), Qt::CaseInsensitive)) {
        const QUrl url(QStringLiteral("http://") + token, QUrl::TolerantMode);
        return url.host().isEmpty() ? QString() : asciiHost(url.host());
    }
    return {};
}

// The first address of a mailto: URL (RFC 6068 §2), its domain.
QString mailtoHost(const QUrl &url)
{
    const QString addresses = url.path(QUrl::FullyDecoded);
    const QString first = addresses.section(QLatin1Char(','), 0, 0).trimmed();
    const qsizetype at = first.lastIndexOf(QLatin1Char('@'));
    return at < 0 ? QString() : asciiHost(first.mid(at + 1));
}

bool defaultConfirm(const LinkPolicy::Decision &decision, QWidget *parent)
{
    QMessageBox box(QMessageBox::Warning, translated("Open Link?"), QString(), QMessageBox::Yes | QMessageBox::No,
                    parent);
    // The hosts come from the message: never let them be read as markup.
    box.setTextFormat(Qt::PlainText);
    box.setText(decision.shownHost.isEmpty()
                        ? translated("This link goes to %1, which is not what it appears to be.")
                                  .arg(decision.targetHost)
                        : translated("The text of this link shows %1, but the link goes to %2.")
                                  .arg(decision.shownHost, decision.targetHost));
    box.setInformativeText(translated("Open %1 anyway?").arg(decision.target.toDisplayString()));
    box.setDefaultButton(QMessageBox::No);
    return box.exec() == QMessageBox::Yes;
}

}  // namespace

LinkPolicy::LinkPolicy()
    : LinkPolicy([](const QUrl &target) { return QDesktopServices::openUrl(target); }, defaultConfirm)
{
}

LinkPolicy::LinkPolicy(Opener opener, Confirmer confirmer)
    : m_open(std::move(opener)),
      m_confirm(std::move(confirmer))
{
}

QString LinkPolicy::hostNamedBy(const QString &visibleText)
{
    const QString text = withoutFormatCharacters(visibleText).trimmed();
    if (text.isEmpty())
        return {};
    static const QRegularExpression spaces(QStringLiteral("\\s+"));
    const QStringList tokens = text.split(spaces, Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        const QString host = hostOfToken(withoutPunctuation(token));
        if (!host.isEmpty())
            return host;
    }
    if (tokens.size() != 1)
        return {};
    // The whole text is one word: an e-mail address or a bare domain name.
    static const QRegularExpression domain(
            QStringLiteral("^[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}[\\p{L}\\p{N}-]+\\.?(:[0-9]+)?(/.*)?$"));
    const QString word = withoutPunctuation(tokens.constFirst());
    const qsizetype at = word.lastIndexOf(QLatin1Char('@'));
    if (at > 0 && !word.contains(QLatin1Char('/')))
        return asciiHost(word.mid(at + 1));
    if (domain.match(word).hasMatch()) {
        const QUrl url(QStringLiteral("http://") + word, QUrl::TolerantMode);
        return url.host().isEmpty() ? QString() : asciiHost(url.host());
    }
    return {};
}

QUrl LinkPolicy::filterMailto(const QUrl &url)
{
    if (url.scheme().compare(QLatin1StringView("mailto"), Qt::CaseInsensitive) != 0)
        return {};
    static const QStringList kept = {QStringLiteral("to"), QStringLiteral("cc"), QStringLiteral("bcc"),
                                     QStringLiteral("subject"), QStringLiteral("body")};
    QUrlQuery filtered;
    const QUrlQuery query(url);
    for (const auto &[name, value] : query.queryItems(QUrl::FullyEncoded)) {
        const QString lower = name.toLower();
        if (kept.contains(lower))
            filtered.addQueryItem(lower, value);
    }
    QString text = QStringLiteral("mailto:") + url.path(QUrl::FullyEncoded);
    if (!filtered.isEmpty())
        text += QLatin1Char('?') + filtered.query(QUrl::FullyEncoded);
    const QUrl result(text, QUrl::StrictMode);
    return result.isValid() ? result : QUrl();
}

LinkPolicy::Decision LinkPolicy::evaluate(const QUrl &target, const QString &visibleText)
{
    Decision decision;
    if (!target.isValid())
        return decision;
    const QString scheme = target.scheme().toLower();
    QString targetHost;
    if (scheme == QLatin1StringView("http") || scheme == QLatin1StringView("https")) {
        if (target.host().isEmpty())
            return decision;
        decision.target = target;
        targetHost = asciiHost(target.host());
        const QString shown = target.host(QUrl::PrettyDecoded).toLower();
        decision.targetHost = shown == targetHost ? targetHost : QStringLiteral("%1 (%2)").arg(shown, targetHost);
    } else if (scheme == QLatin1StringView("mailto")) {
        decision.target = filterMailto(target);
        if (decision.target.isEmpty())
            return decision;
        targetHost = mailtoHost(decision.target);
        decision.targetHost = targetHost;
    } else {
        return decision;
    }

    decision.verdict = Verdict::Open;
    // "http://www.bank.example@evil.example/" goes to evil.example; the user part is a disguise.
    if (!target.userInfo().isEmpty()) {
        decision.verdict = Verdict::Confirm;
        decision.shownHost = target.userName(QUrl::PrettyDecoded);
        return decision;
    }
    decision.shownHost = hostNamedBy(visibleText);
    if (!decision.shownHost.isEmpty() && (targetHost.isEmpty() || !belongsTo(targetHost, decision.shownHost)))
        decision.verdict = Verdict::Confirm;
    return decision;
}

bool LinkPolicy::activate(const QUrl &target, const QString &visibleText, QWidget *parent) const
{
    const Decision decision = evaluate(target, visibleText);
    switch (decision.verdict) {
    case Verdict::Refuse:
        qCInfo(lcGui) << "Not opening a link with the scheme" << target.scheme().left(32);
        return false;
    case Verdict::Confirm:
        if (!m_confirm || !m_confirm(decision, parent))
            return false;
        break;
    case Verdict::Open:
        break;
    }
    return m_open && m_open(decision.target);
}

}  // namespace Heron::Gui
