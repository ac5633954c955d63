// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QUrl>

#include <functional>

class QWidget;

namespace Heron::Gui {

// Decides what happens when the reader clicks a link in a message: only http, https and mailto
// open, a link whose visible text names another host than its target asks first, and a mailto:
// link keeps only to, cc, bcc, subject and body. The decision itself is a pure function
// (evaluate); opening and asking are injectable so tests observe them without a desktop.
class LinkPolicy {
public:
    enum class Verdict {
        Open,     // open without asking
        Confirm,  // ask the reader first (see Decision::shownHost and targetHost)
        Refuse,   // never open: a scheme we do not hand out, or no usable target
    };

    struct Decision {
        Verdict verdict = Verdict::Refuse;
        QUrl target;         // what would be opened: the link, mailto: already filtered
        QString shownHost;   // the host the visible text names, when it names one
        QString targetHost;  // the host the link really goes to, as Unicode and ASCII when they differ
    };

    // Opens a URL outside Heron; the default is QDesktopServices::openUrl.
    using Opener = std::function<bool(const QUrl &target)>;
    // Asks whether to open a link that looks misleading; the default is a QMessageBox question.
    using Confirmer = std::function<bool(const Decision &decision, QWidget *parent)>;

    LinkPolicy();
    LinkPolicy(Opener opener, Confirmer confirmer);

    // The verdict for a link with this target, shown as visibleText.
    static Decision evaluate(const QUrl &target, const QString &visibleText);

    // A mailto: URL with only the recipients and the to, cc, bcc, subject and body fields
    // (RFC 6068 §2); other fields (attach, from, in-reply-to, custom ones) are dropped.
    static QUrl filterMailto(const QUrl &url);

    // The host the visible text of a link names: the text is a URL, starts with "www.", or is
    // a bare domain or e-mail address as a whole. Lower case, in ASCII (IDNA); empty when none.
    static QString hostNamedBy(const QString &visibleText);

    // Evaluates, asks when needed, and opens. True when the link was opened.
    bool activate(const QUrl &target, const QString &visibleText, QWidget *parent) const;

private:
    Opener m_open;
    Confirmer m_confirm;
};

}  // namespace Heron::Gui
