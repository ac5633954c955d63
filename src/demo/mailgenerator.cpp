// SPDX-License-Identifier: GPL-3.0-or-later
#include "mailgenerator.h"

#include <QRandomGenerator>
#include <QStringList>

#include <algorithm>
#include <array>
#include <span>

#include <zlib.h>

namespace Heron::Demo {

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

// INBOX's 3,000: conversations at work and with friends, newsletters, notifications, the bounce.
constexpr int kInboxWork = 1850;
constexpr int kInboxNewsletters = 150;
constexpr int kInboxNotifications = 250;
constexpr int kInboxCount = 3000;
constexpr int kInboxPrivate = kInboxCount - kInboxWork - kInboxNewsletters - kInboxNotifications - 1;
// Sent's 600: the bounced original, the owner's replies while there is room, then new messages,
// at least this many.
constexpr int kSentCount = 600;
constexpr int kMinOwnNewMessages = 60;

struct FolderPlan {
    const char *path;
    const char *specialUse;
    int messageCount;
};

// Parents before their children; the counts add up to 5,000.
constexpr std::array<FolderPlan, 12> kFolders = {{
        {"INBOX", "", kInboxCount},
        {"Archive", "\\Archive", 800},
        {"Drafts", "\\Drafts", 10},
        {"Sent", "\\Sent", kSentCount},
        {"Junk", "\\Junk", 30},
        {"Trash", "\\Trash", 40},
        {"Lists", "", 0},
        {"Lists/heron-devel", "", 320},
        {"Projets", "", 0},
        {"Projets/Été", "", 120},
        {"Reisen", "", 0},
        {"Reisen/Äpfel & Birnen", "", 80},
}};

const char *const kInbox = "INBOX";
const char *const kArchive = "Archive";
const char *const kDrafts = "Drafts";
const char *const kSent = "Sent";
const char *const kJunk = "Junk";
const char *const kTrash = "Trash";
const char *const kList = "Lists/heron-devel";
const char *const kProjects = "Projets/Été";
const char *const kTravel = "Reisen/Äpfel & Birnen";

struct Person {
    const char *name;  // UTF-8
    const char *address;
    int utcOffsetMinutes;
};

const Person kOwner = {"Robin Demo", "demo@heron.invalid", 60};
const Person kListAddress = {"heron-devel", "heron-devel@lists.heron.invalid", 0};
const Person kMailerDaemon = {"Mail Delivery System", "MAILER-DAEMON@mx.heron.invalid", 0};

constexpr Person kColleagues[] = {
        {"Alice Johnson", "alice.johnson@northwind.example", -300},
        {"Bjørn Håland", "bjorn.haland@northwind.example", 60},
        {"Chloé Martin", "chloe.martin@northwind.example", 60},
        {"Дмитрий Волков", "dmitri.volkov@northwind.example", 180},
        {"Emma Schmidt", "emma.schmidt@northwind.example", 60},
        {"Grace O'Neill", "grace.oneill@northwind.example", 0},
        {"田中 宏", "hiroshi.tanaka@northwind.example", 540},
        {"Ingrid Lindqvist", "ingrid.lindqvist@northwind.example", 60},
        {"José Álvarez", "jose.alvarez@northwind.example", 60},
        {"Priya Raman", "priya.raman@northwind.example", 330},
        {"Zoë Brennan", "zoe.brennan@northwind.example", 0},
};
constexpr Person kFriends[] = {
        {"Tom Becker", "tom.becker@posteo.example", 60},  {"Łucja Nowak", "lucja@poczta.example", 60},
        {"Sam Okafor", "sam.okafor@mailbox.example", 0},  {"Anaïs Leroy", "anais.leroy@courriel.example", 60},
        {"Kai Müller", "kai@mueller-family.example", 60}, {"Margaret Demo", "margaret@familymail.example", 0},
};
constexpr Person kProjectTeam[] = {
        {"Hélène Dubois", "helene.dubois@atelier-lumiere.example", 60},
        {"François Lefèvre", "francois.lefevre@atelier-lumiere.example", 60},
        {"Camille Rousseau", "camille.rousseau@atelier-lumiere.example", 60},
        {"Noël Garnier", "noel.garnier@atelier-lumiere.example", 60},
        {"Inès Benali", "ines.benali@atelier-lumiere.example", 60},
};
constexpr Person kTravelContacts[] = {
        {"Jürgen Köhler", "juergen@obsthof-koehler.example", 60},
        {"Pension Birnbaum", "zimmer@pension-birnbaum.example", 60},
        {"Sabine Weiß", "sabine.weiss@elbmail.example", 60},
        {"Elbfähre Glückstadt", "tickets@elbfaehre.example", 60},
        {"Bahnreisen Süd", "buchung@bahnreisen-sued.example", 60},
};
constexpr Person kListMembers[] = {
        {"Mara Lindgren", "mara@lindgren.example", 60},   {"Oskar Åberg", "oskar.aberg@kodverk.example", 60},
        {"Renée Fontaine", "renee@fontaine.example", 60}, {"Tariq Aziz", "tariq@aziz.example", 0},
        {"陈伟", "chen.wei@huaxia.example", 480},         {"Nicolás Ortega", "nortega@pampa.example", -180},
        {"Ayşe Yılmaz", "ayse@yilmaz.example", 180},      {"Pádraig Ó Súilleabháin", "padraig@eire.example", 0},
};
constexpr Person kNotifiers[] = {
        {"Build Robot", "ci@builds.northwind.example", 0},
        {"Northwind Calendar", "calendar@northwind.example", 60},
        {"Aurora Bank", "noreply@aurora-bank.example", 60},
        {"Paketdienst Nord", "sendung@paketdienst-nord.example", 60},
        {"Heron Issue Tracker", "issues@tracker.heron.invalid", 0},
};
constexpr Person kNewsletters[] = {
        {"Fjord Outdoor", "news@fjord-outdoor.example", 60},
        {"Café Lumière", "bonjour@cafe-lumiere.example", 60},
        {"The Weekly Byte", "digest@weeklybyte.example", -300},
        {"Bücherstube am Markt", "post@buecherstube.example", 60},
};
constexpr Person kSpammers[] = {
        {"Prize Department", "winner@prizes-4u.example", 0},
        {"Secure Account Team", "security@account-verify.example", 0},
        {"Лучшие Цены", "sale@deals.example", 180},
        {"Dr. Fortune", "fortune@lucky-mail.example", 0},
};

enum class Language { English, German, French };

struct AttachmentIdea {
    const char *fileName;  // UTF-8; non-ASCII names go out as RFC 2231 parameters
    const char *title;     // ASCII, for the generated document
};

// The people, words and documents of one part of the owner's life.
struct Theme {
    Language language;
    std::span<const Person> people;
    std::span<const char *const> subjects;
    std::span<const char *const> sentences;
    std::span<const AttachmentIdea> attachments;
    bool mailingList = false;
};

constexpr const char *kWorkSubjects[] = {
        "Quarterly report",
        "Release checklist for 2.%1",
        "Budget review",
        "Offsite in Lisbon",
        "Customer call notes",
        "Hiring plan for Q%1",
        "Server migration on Saturday",
        "Design review: new onboarding",
        "Invoice %1",
        "Slides for Thursday",
        "Résumé of the workshop",
        "Zürich office move",
        "Müller GmbH contract renewal",
        "Feedback on the proposal",
        "Security audit findings",
        "Roadmap Q%1",
};
constexpr const char *kWorkSentences[] = {
        "I went through the numbers again and they look good except for the travel costs.",
        "Could you have a look before Thursday?",
        "The customer asked whether we can move the deadline by a week.",
        "I have attached the latest version; the changes are marked in yellow.",
        "Let's discuss this in the weekly sync rather than by mail.",
        "The migration went fine, only the search index needed a rebuild.",
        "We are still waiting for legal to approve the contract.",
        "Please add your items to the agenda by tomorrow noon.",
        "Thanks for the quick turnaround, that helped a lot.",
        "I am out of office on Friday, Emma will cover for me.",
        "The new build fixes the crash we saw on Tuesday.",
        "Can we agree on the scope first and talk about dates afterwards?",
        "Our Zürich colleagues will join the call at 15:00 CET.",
        "The résumé of the workshop is in the shared folder.",
        "I booked the big meeting room for the whole afternoon.",
        "Two of the five items are done, the rest should follow next week.",
        "Finance needs the final figures by the end of the month.",
        "I think we should keep the old behaviour behind a setting.",
};
constexpr AttachmentIdea kWorkAttachments[] = {
        {"Quarterly report.pdf", "Quarterly report"},
        {"budget-2024.csv", "Budget"},
        {"Präsentation Übersicht.pdf", "Presentation overview"},
        {"architecture-diagram.png", "Architecture"},
        {"meeting-notes.txt", "Meeting notes"},
        {"Résumé atelier.pdf", "Workshop summary"},
};

constexpr const char *kFriendSubjects[] = {
        "Dinner on Saturday?",      "Photos from the weekend",
        "Birthday plans for Kai",   "Grüße aus Hamburg",
        "Café tomorrow?",           "Book swap",
        "Holiday in Łódź",          "Movie night",
        "The recipe you asked for", "Help on moving day",
};
constexpr const char *kFriendSentences[] = {
        "It was so good to see you last weekend!",
        "Are you free on Saturday evening?",
        "I found the photos from the lake, some of them are really nice.",
        "Bring your bike, the weather is supposed to be great.",
        "Kai wants a small party, nothing big this time.",
        "The café on the corner has reopened, we should try it.",
        "I finished the book you lent me, you were right about the ending.",
        "Let me know if you need a hand with the boxes.",
        "Mum says hello and asks when you visit next.",
        "The recipe is below, go easy on the sugar.",
        "We could take the early train and be back by dinner.",
        "Happy to host, just tell me how many of you are coming.",
};
constexpr AttachmentIdea kFriendAttachments[] = {
        {"IMG_2041.png", "Photo"},
        {"Rezept für Käsekuchen.txt", "Recipe"},
        {"Ticket Łódź.pdf", "Ticket"},
        {"party-list.txt", "Party list"},
};

constexpr const char *kProjectSubjects[] = {
        "Planning de l'été",      "Réunion de lancement", "Budget prévisionnel",          "Devis pour l'éclairage",
        "Compte rendu du comité", "Photos du chantier",   "Présentation aux partenaires", "Questions sur le calendrier",
};
constexpr const char *kProjectSentences[] = {
        "Voici le planning mis à jour pour les mois de juillet et d'août.",
        "Peux-tu relire la présentation avant jeudi ?",
        "Le devis de l'électricien est arrivé, il est un peu plus élevé que prévu.",
        "La réunion de lancement aura lieu mardi à 10 h dans la grande salle.",
        "J'ai ajouté les photos du chantier dans le dossier partagé.",
        "Le comité a validé le budget, avec une réserve sur les frais de transport.",
        "Merci pour ton retour rapide, c'est très utile.",
        "Nous attendons encore la réponse de la mairie.",
        "Il faudrait fixer une date pour la visite du site.",
        "Les partenaires souhaitent une version courte de la présentation.",
        "Je serai en congé la semaine prochaine, Noël prend le relais.",
        "L'éclairage de la façade sera installé fin juin.",
};
constexpr AttachmentIdea kProjectAttachments[] = {
        {"Compte rendu – réunion.pdf", "Compte rendu"},
        {"Budget été.csv", "Budget"},
        {"Plan façade.png", "Plan"},
        {"Devis éclairage.pdf", "Devis"},
};

constexpr const char *kTravelSubjects[] = {
        "Buchungsbestätigung Pension Birnbaum",
        "Ihre Fahrkarte Hamburg – Stade",
        "Apfelernte im Oktober",
        "Fährzeiten über die Elbe",
        "Fotos vom Obsthof",
        "Rechnung Übernachtung",
        "Radtour durchs Alte Land",
};
constexpr const char *kTravelSentences[] = {
        "Vielen Dank für Ihre Buchung, wir freuen uns auf Ihren Besuch.",
        "Das Zimmer ist ab 15 Uhr für Sie bereit.",
        "Die Fähre fährt am Wochenende stündlich, die letzte um 19:30 Uhr.",
        "Zur Apfelernte sind alle Helfer herzlich willkommen.",
        "Im Anhang finden Sie Ihre Fahrkarte und die Rechnung.",
        "Die Birnen sind dieses Jahr besonders früh reif.",
        "Fahrräder können Sie bei uns im Hof kostenlos ausleihen.",
        "Bitte geben Sie uns Bescheid, falls sich Ihre Anreise verschiebt.",
        "Die Radtour führt an der Lühe entlang bis nach Jork.",
        "Frühstück gibt es zwischen 7 und 10 Uhr im Wintergarten.",
};
constexpr AttachmentIdea kTravelAttachments[] = {
        {"Buchungsbestätigung.pdf", "Booking confirmation"},
        {"Fahrkarte Hamburg–Stade.pdf", "Train ticket"},
        {"Obsthof Köhler.png", "Orchard"},
        {"Rechnung Übernachtung.pdf", "Invoice"},
};

constexpr const char *kListSubjects[] = {
        "Crash when opening huge folders", "RFC: CONDSTORE fallback", "Patch: fix IDLE timeout",
        "Release 0.%1 planning",           "Translations for 0.%1",   "Build failure on macOS",
        "Proposal: threading view",        "Dovecot test flakiness",  "Packaging for Flatpak",
        "Keyboard shortcuts overhaul",
};
constexpr const char *kListSentences[] = {
        "I can reproduce this on a folder with about 200,000 messages.",
        "The backtrace points at the body structure parser.",
        "Would it make sense to fall back to a plain UID scan here?",
        "Patch attached; it passes the test suite locally.",
        "We should not block the GUI thread for this, even briefly.",
        "The string freeze for the release is next Monday.",
        "CI is green again after the runner update.",
        "I would rather keep this out of the release and land it afterwards.",
        "Dovecot answers with VANISHED (EARLIER) here, which we handle already.",
        "+1 from me, nice work.",
        "Could you add a test row for the empty literal case?",
        "The Flatpak build needs the keychain portal permission.",
};

const Theme kWork = {Language::English, kColleagues, kWorkSubjects, kWorkSentences, kWorkAttachments};
const Theme kPrivate = {Language::English, kFriends, kFriendSubjects, kFriendSentences, kFriendAttachments};
const Theme kProject = {Language::French, kProjectTeam, kProjectSubjects, kProjectSentences, kProjectAttachments};
const Theme kTrip = {Language::German, kTravelContacts, kTravelSubjects, kTravelSentences, kTravelAttachments};
const Theme kMailingList = {Language::English, kListMembers, kListSubjects, kListSentences, {}, true};

const char *const kWeekDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
const char *const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// ---- Encoders ---------------------------------------------------------------------------------

bool isAscii(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; });
}

bool isLatin1(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() <= 0xff; });
}

// RFC 5322 §3.3, in the sender's offset from UTC.
QByteArray dateHeader(qint64 utcSeconds, int offsetMinutes)
{
    const QDateTime local = QDateTime::fromSecsSinceEpoch(utcSeconds + offsetMinutes * kMinute, Qt::UTC);
    const QDate d = local.date();
    const QTime t = local.time();
    const int offset = std::abs(offsetMinutes);
    return QByteArray(kWeekDays[d.dayOfWeek() - 1]) + ", " + QByteArray::number(d.day()) + ' ' +
           kMonths[d.month() - 1] + ' ' + QByteArray::number(d.year()) + ' ' +
           QByteArray::number(t.hour()).rightJustified(2, '0') + ':' +
           QByteArray::number(t.minute()).rightJustified(2, '0') + ':' +
           QByteArray::number(t.second()).rightJustified(2, '0') + ' ' + (offsetMinutes < 0 ? '-' : '+') +
           QByteArray::number(offset / 60).rightJustified(2, '0') +
           QByteArray::number(offset % 60).rightJustified(2, '0');
}

// RFC 2047 §4.2 "Q" encoding of one encoded word's bytes.
QByteArray qEncoded(const QByteArray &bytes)
{
    QByteArray out;
    for (const char c : bytes) {
        const uchar u = uchar(c);
        if (u == ' ')
            out += '_';
        else if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '!' || u == '*' ||
                 u == '+' || u == '-' || u == '/')
            out += char(u);
        else
            out += '=' + QByteArray::number(u, 16).toUpper().rightJustified(2, '0');
    }
    return out;
}

enum class WordEncoding { Base64, Quoted, Latin1Quoted };

// RFC 2047 encoded words for a header text: ASCII stays as it is; otherwise words of at most 75
// characters, split between characters and folded onto continuation lines (RFC 2047 §2, §5).
QByteArray encodedWords(const QString &text, WordEncoding encoding)
{
    if (isAscii(text))
        return text.toUtf8();
    if (encoding == WordEncoding::Latin1Quoted && !isLatin1(text))
        encoding = WordEncoding::Quoted;
    const QByteArray prefix = encoding == WordEncoding::Base64   ? "=?UTF-8?B?"
                              : encoding == WordEncoding::Quoted ? "=?UTF-8?Q?"
                                                                 : "=?ISO-8859-1?Q?";
    const auto encode = [encoding](const QByteArray &chunk) {
        return encoding == WordEncoding::Base64 ? chunk.toBase64() : qEncoded(chunk);
    };
    QByteArray out;
    QByteArray chunk;
    for (const char32_t codePoint : text.toUcs4()) {
        const QString character = QString::fromUcs4(&codePoint, 1);
        const QByteArray bytes = encoding == WordEncoding::Latin1Quoted ? character.toLatin1() : character.toUtf8();
        if (!chunk.isEmpty() && prefix.size() + encode(chunk + bytes).size() + 2 > 75) {
            out += (out.isEmpty() ? "" : "\r\n ") + prefix + encode(chunk) + "?=";
            chunk.clear();
        }
        chunk += bytes;
    }
    if (!chunk.isEmpty())
        out += (out.isEmpty() ? "" : "\r\n ") + prefix + encode(chunk) + "?=";
    return out;
}

QByteArray mailbox(const Person &person, WordEncoding encoding)
{
    const QString name = QString::fromUtf8(person.name);
    QByteArray phrase = encodedWords(name, encoding);
    // RFC 5322 §3.2.3: an ASCII name with specials must be quoted.
    if (isAscii(name) && phrase.contains('.'))
        phrase = '"' + phrase + '"';
    return phrase + " <" + person.address + '>';
}

QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += 76)
        out += encoded.mid(i, 76) + "\r\n";
    return out;
}

// RFC 2045 §6.7; input lines end in '\n', output lines in CRLF, the last one too.
QByteArray quotedPrintable(QByteArrayView text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(text.size() + text.size() / 8 + 16);
    int column = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const uchar u = uchar(text[i]);
        if (u == '\n') {
            out += "\r\n";
            column = 0;
            continue;
        }
        const bool lineEnd = i + 1 == text.size() || text[i + 1] == '\n';
        const bool literal = u != '=' && u < 0x7f && (u >= 0x20 || u == '\t') && !((u == ' ' || u == '\t') && lineEnd);
        const int width = literal ? 1 : 3;
        if (column + width > 75) {
            out += "=\r\n";  // a soft line break
            column = 0;
        }
        if (literal) {
            out += char(u);
        } else {
            out += '=';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
        column += width;
    }
    return out + "\r\n";
}

QByteArray crlf(QByteArray text)
{
    text.replace("\n", "\r\n");
    return text;
}

// RFC 2231 §4: an extended parameter value, UTF-8 and percent-encoded.
QByteArray extendedParameter(const QString &value)
{
    QByteArray out = "UTF-8''";
    for (const char c : value.toUtf8()) {
        const uchar u = uchar(c);
        const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
                           u == '.' || u == '_' || u == '~';
        out += plain ? QByteArray(1, char(u)) : '%' + QByteArray::number(u, 16).toUpper().rightJustified(2, '0');
    }
    return out;
}

// The file name as Content-Type's name and Content-Disposition's filename parameters: RFC 2231
// for a non-ASCII name (and RFC 2047 in "name", as many mailers still write it).
std::pair<QByteArray, QByteArray> fileNameParameters(const QString &fileName)
{
    if (isAscii(fileName)) {
        const QByteArray quoted = '"' + fileName.toUtf8() + '"';
        return {"; name=" + quoted, "; filename=" + quoted};
    }
    return {"; name=\"" + encodedWords(fileName, WordEncoding::Base64).replace("\r\n ", " ") + '"',
            ";\r\n filename*=" + extendedParameter(fileName)};
}

// Paragraphs as <p>; quoted lines ("> ") as a <blockquote>, nested as deep as they are quoted.
QString htmlParagraphs(const QStringList &lines)
{
    QString html;
    qsizetype i = 0;
    while (i < lines.size()) {
        qsizetype end = i;
        if (lines.at(i).startsWith(QLatin1Char('>'))) {
            QStringList quoted;
            for (; end < lines.size() && lines.at(end).startsWith(QLatin1Char('>')); ++end)
                quoted.append(lines.at(end).mid(lines.at(end).startsWith(QStringLiteral("> ")) ? 2 : 1));
            html += QStringLiteral("<blockquote style=\"border-left: 2px solid #ccc; margin-left: 4px; "
                                   "padding-left: 8px;\">\n") +
                    htmlParagraphs(quoted) + QStringLiteral("</blockquote>\n");
        } else if (lines.at(i).isEmpty()) {
            end = i + 1;
        } else {
            QStringList paragraph;
            for (; end < lines.size() && !lines.at(end).isEmpty() && !lines.at(end).startsWith(QLatin1Char('>')); ++end)
                paragraph.append(lines.at(end).toHtmlEscaped());
            html += QStringLiteral("<p>") + paragraph.join(QStringLiteral("<br>\n")) + QStringLiteral("</p>\n");
        }
        i = end;
    }
    return html;
}

QString htmlFromText(const QString &text)
{
    QStringList lines = text.split(QLatin1Char('\n'));
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
                          "<body style=\"font-family: sans-serif; font-size: 14px;\">\n") +
           htmlParagraphs(lines) + QStringLiteral("</body></html>\n");
}

// Words wrapped at 72 columns, paragraphs kept.
QString wrapped(const QString &paragraph)
{
    QStringList lines;
    QString line;
    for (const QString &word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > 72) {
            lines.append(line);
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines.append(line);
    return lines.join(QLatin1Char('\n'));
}

// ---- Generated documents ----------------------------------------------------------------------

QByteArray pngChunk(const char *type, const QByteArray &data)
{
    QByteArray chunk;
    const quint32 length = quint32(data.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        chunk += char((length >> shift) & 0xff);
    const QByteArray body = QByteArray(type, 4) + data;
    chunk += body;
    const quint32 crc = quint32(crc32(0, reinterpret_cast<const Bytef *>(body.constData()), uInt(body.size())));
    for (int shift = 24; shift >= 0; shift -= 8)
        chunk += char((crc >> shift) & 0xff);
    return chunk;
}

// A small landscape picture (sky, sun, hills) in the given hue. Integer arithmetic only, and the
// image data in uncompressed deflate blocks (RFC 1951 §3.2.4): the bytes are the same everywhere.
QByteArray pictureBytes(int hue)
{
    constexpr int kWidth = 64;
    constexpr int kHeight = 40;
    QByteArray raw;
    for (int y = 0; y < kHeight; ++y) {
        raw += char(0);  // filter type None
        for (int x = 0; x < kWidth; ++x) {
            const int wave = (x + hue) % 32;
            const int hill = 22 + (wave < 16 ? wave : 32 - wave) / 2;
            const int dx = x - 46;
            const int dy = y - 10;
            int r, g, b;
            if (y > hill) {
                r = 40 + hue % 60;
                g = 120 + (y - hill) * 3;
                b = 50;
            } else if (dx * dx + dy * dy < 36) {
                r = 250;
                g = 210;
                b = 60;
            } else {
                r = 90 + y * 2;
                g = 150 + y * 2;
                b = 230 - (hue * 7) % 40;
            }
            raw += char(r & 0xff);
            raw += char(std::min(g, 255));
            raw += char(b & 0xff);
        }
    }
    QByteArray zlibStream = "\x78\x01";
    for (qsizetype offset = 0; offset < raw.size(); offset += 65535) {
        const qsizetype length = std::min<qsizetype>(65535, raw.size() - offset);
        zlibStream += char(offset + length >= raw.size() ? 1 : 0);
        zlibStream += char(length & 0xff);
        zlibStream += char(length >> 8);
        zlibStream += char(~length & 0xff);
        zlibStream += char((~length >> 8) & 0xff);
        zlibStream += raw.mid(offset, length);
    }
    const quint32 adler = quint32(adler32(1, reinterpret_cast<const Bytef *>(raw.constData()), uInt(raw.size())));
    for (int shift = 24; shift >= 0; shift -= 8)
        zlibStream += char((adler >> shift) & 0xff);

    QByteArray header;
    for (const quint32 value : {quint32(kWidth), quint32(kHeight)}) {
        for (int shift = 24; shift >= 0; shift -= 8)
            header += char((value >> shift) & 0xff);
    }
    header += QByteArray("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter, not interlaced
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", header) + pngChunk("IDAT", zlibStream) +
           pngChunk("IEND", {});
}

// A one-page PDF showing the title and a line of text.
QByteArray documentBytes(const char *title, const QByteArray &line)
{
    const auto pdfString = [](QByteArray text) {
        text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        return '(' + text + ')';
    };
    const QByteArray content = "BT /F1 20 Tf 72 760 Td " + pdfString(title) + " Tj ET\nBT /F1 11 Tf 72 730 Td " +
                               pdfString(line) + " Tj ET\n";
    const QList<QByteArray> objects = {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length " + QByteArray::number(content.size()) + " >>\nstream\n" + content + "endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    QByteArray pdf = "%PDF-1.4\n";
    QList<qsizetype> offsets;
    for (qsizetype i = 0; i < objects.size(); ++i) {
        offsets.append(pdf.size());
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects.at(i) + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

// ---- The mailbox --------------------------------------------------------------------------------

struct Attachment {
    QString fileName;
    QByteArray mimeType;
    QByteArray data;
};

enum class BodyKind { Plain, Alternative, InlineImage, RemoteImages, Attachments };

struct Body {
    BodyKind kind = BodyKind::Plain;
    QString text;  // lines end in '\n'
    QString html;  // RemoteImages only; the others derive theirs from the text
    QList<Attachment> attachments;
};

struct Envelope {
    const Person *from = nullptr;
    QList<const Person *> to;
    QList<const Person *> cc;
    QString subject;
    qint64 sent = 0;
    QByteArray messageId;
    QList<QByteArray> references;  // oldest first; the last one is In-Reply-To
    QByteArray extraHeaders;       // complete lines
    bool cameIn = true;            // delivered to the owner: a Received line
    qint64 delivered = 0;          // when it reached the mailbox; the INTERNALDATE
};

// A produced message and what later steps need to know of it.
struct Produced {
    GeneratedMessage message;
    qsizetype folderIndex = 0;  // in kFolders
};

qsizetype folderIndex(const char *path)
{
    const auto found = std::find_if(kFolders.cbegin(), kFolders.cend(),
                                    [path](const FolderPlan &plan) { return qstrcmp(plan.path, path) == 0; });
    Q_ASSERT(found != kFolders.cend());
    return found - kFolders.cbegin();
}

// Where a conversation stands: who takes part and what was said last.
struct Conversation {
    QString subject;
    QList<const Person *> others;
    QList<QByteArray> ids;
    QString lastText;
    const Person *lastAuthor = nullptr;
    qint64 lastSent = 0;
    qsizetype lastIndex = -1;  // in the produced list
};

// Writes the whole mailbox from one random stream, folder by folder in a fixed order, so that a
// seed gives the same messages every time.
class MailboxComposer {
public:
    MailboxComposer(quint32 seed, qint64 now) : m_rng(seed), m_now(now)
    {
        for (int hue = 0; hue < 6; ++hue)
            m_pictures.append(pictureBytes(hue * 11));
    }

    QList<GeneratedMessage> write();

private:
    int below(int n) { return int(m_rng.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T>
    const T &pick(std::span<const T> values)
    {
        return values[size_t(below(int(values.size())))];
    }
    const Person *pickPerson(std::span<const Person> people) { return &pick(people); }

    // A moment in [from, to]: weekdays and office hours in the writer's zone preferred, and
    // with favourRecent, newer days.
    qint64 pickTime(qint64 from, qint64 to, bool favourRecent, int offsetMinutes);
    QByteArray nextMessageId(const Person &author, qint64 when);
    WordEncoding pickEncoding();
    QString subjectText(const char *pattern);
    QString sentences(const Theme &theme, int count);
    QString messageText(const Theme &theme, const Person &author, const Person *addressee, const Conversation *replyTo);
    Attachment attachmentFor(const Theme &theme);
    Body bodyFor(const Theme &theme, QString text, bool ownMessage);
    QByteArray headersFor(const Envelope &envelope);
    QByteArray contentFor(const Body &body);
    // Composes the message; an envelope without a delivery time was delivered when sent.
    qsizetype add(const char *folder, Envelope envelope, const Body &body);

    void conversations(const Theme &theme, const char *folder, int quota, qint64 from, qint64 to, int ownReplyPercent);
    void newsletters(const char *folder, int count, qint64 from, qint64 to);
    void notifications(const char *folder, int count, qint64 from, qint64 to);
    void spam(int count);
    void bounce();
    void ownMessages(const char *folder, int count, qint64 from, qint64 to);
    void assignFlags();

    QRandomGenerator m_rng;
    qint64 m_now;
    QList<QByteArray> m_pictures;
    QList<Produced> m_produced;
    int m_serial = 0;
    int m_sentLeft = 0;  // room in Sent for replies
};

qint64 MailboxComposer::pickTime(qint64 from, qint64 to, bool favourRecent, int offsetMinutes)
{
    // Integers only, for the same dates on every platform. The product of two uniform draws
    // leans towards zero: half of the messages get that, half a uniform age.
    const quint32 span = quint32(std::max<qint64>(1, (to - from) / kMinute));
    qint64 age = m_rng.bounded(span);
    if (favourRecent && chance(50))
        age = age * qint64(m_rng.bounded(span)) / span;
    qint64 day = (to - age * kMinute) / kDay * kDay;
    const int weekDay = QDateTime::fromSecsSinceEpoch(day, Qt::UTC).date().dayOfWeek();
    if (weekDay >= 6 && chance(65))
        day -= (weekDay - 5) * kDay;
    static constexpr int kHours[] = {7,  8,  9,  9,  10, 10, 11, 11, 12, 13, 14,
                                     14, 15, 15, 16, 16, 17, 18, 19, 20, 21, 22};
    const int hour = kHours[below(int(std::size(kHours)))];
    qint64 when = day + hour * kHour + below(60) * kMinute + below(60) - offsetMinutes * kMinute;
    return std::clamp(when, from, to);
}

QByteArray MailboxComposer::nextMessageId(const Person &author, qint64 when)
{
    const QByteArray address(author.address);
    const QByteArray domain = address.mid(address.indexOf('@') + 1);
    return QByteArray::number(when, 36) + '.' + QByteArray::number(++m_serial) + '.' +
           QByteArray::number(m_rng.generate(), 36) + '@' + domain;
}

WordEncoding MailboxComposer::pickEncoding()
{
    const int roll = below(10);
    return roll < 5 ? WordEncoding::Base64 : roll < 8 ? WordEncoding::Quoted : WordEncoding::Latin1Quoted;
}

QString MailboxComposer::subjectText(const char *pattern)
{
    QString subject = QString::fromUtf8(pattern);
    if (subject.contains(QLatin1String("%1")))
        subject = subject.arg(1 + below(9));
    return subject;
}

QString MailboxComposer::sentences(const Theme &theme, int count)
{
    // Distinct sentences: a person does not say the same thing twice in one mail.
    QList<int> picked;
    const int available = int(theme.sentences.size());
    while (picked.size() < std::min(count, available)) {
        const int index = below(available);
        if (!picked.contains(index))
            picked.append(index);
    }
    QStringList text;
    for (const int index : std::as_const(picked))
        text.append(QString::fromUtf8(theme.sentences[size_t(index)]));
    return wrapped(text.join(QLatin1Char(' ')));
}

QString MailboxComposer::messageText(const Theme &theme, const Person &author, const Person *addressee,
                                     const Conversation *replyTo)
{
    const QString addresseeName = addressee ? QString::fromUtf8(addressee->name).section(QLatin1Char(' '), 0, 0)
                                            : QString();
    QString greeting;
    QString closing;
    switch (theme.language) {
    case Language::English:
        greeting = (chance(50) ? QStringLiteral("Hi %1,") : QStringLiteral("Hello %1,")).arg(addresseeName);
        closing = chance(50) ? QStringLiteral("Best regards,") : QStringLiteral("Cheers,");
        break;
    case Language::German:
        greeting = QStringLiteral("Hallo %1,").arg(addresseeName);
        closing = chance(50) ? QStringLiteral("Viele Grüße") : QStringLiteral("Liebe Grüße");
        break;
    case Language::French:
        greeting = (chance(60) ? QStringLiteral("Bonjour %1,") : QStringLiteral("Salut %1,")).arg(addresseeName);
        closing = chance(50) ? QStringLiteral("Bien à vous,") : QStringLiteral("À bientôt,");
        break;
    }
    if (!addressee)
        greeting = theme.language == Language::French   ? QStringLiteral("Bonjour,")
                   : theme.language == Language::German ? QStringLiteral("Hallo,")
                                                        : QStringLiteral("Hi all,");
    QString text = greeting + QStringLiteral("\n\n");
    const int first = 1 + below(3);
    const QString said = sentences(theme, chance(40) ? first + 1 + below(3) : first);
    // A paragraph break after the first few sentences, where a line of the wrapped text ends.
    const QStringList saidLines = said.split(QLatin1Char('\n'));
    const qsizetype breakAt = std::min<qsizetype>(saidLines.size(), 1 + first / 2);
    text += saidLines.mid(0, breakAt).join(QLatin1Char('\n'));
    if (breakAt < saidLines.size())
        text += QStringLiteral("\n\n") + saidLines.mid(breakAt).join(QLatin1Char('\n'));
    text += QStringLiteral("\n\n") + closing + QLatin1Char('\n') +
            QString::fromUtf8(author.name).section(QLatin1Char(' '), 0, 0) + QLatin1Char('\n');

    if (replyTo && replyTo->lastAuthor) {
        const QString when = QString::fromLatin1(dateHeader(replyTo->lastSent, replyTo->lastAuthor->utcOffsetMinutes));
        const QString who = QString::fromUtf8(replyTo->lastAuthor->name);
        QString attribution = theme.language == Language::French   ? QStringLiteral("Le %1, %2 a écrit :")
                              : theme.language == Language::German ? QStringLiteral("Am %1 schrieb %2:")
                                                                   : QStringLiteral("On %1, %2 wrote:");
        text += QLatin1Char('\n') + attribution.arg(when, who) + QLatin1Char('\n');
        const QStringList quoted = replyTo->lastText.split(QLatin1Char('\n'));
        QStringList lines;
        for (const QString &line : quoted.mid(0, 12))
            lines.append(line.startsWith(QLatin1Char('>')) ? QLatin1Char('>') + line : QStringLiteral("> ") + line);
        while (!lines.isEmpty() && lines.constLast().trimmed() == QLatin1String(">"))
            lines.removeLast();
        text += lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
    }
    return text;
}

Attachment MailboxComposer::attachmentFor(const Theme &theme)
{
    const AttachmentIdea &idea = pick(theme.attachments);
    Attachment attachment;
    attachment.fileName = QString::fromUtf8(idea.fileName);
    const QString suffix = attachment.fileName.section(QLatin1Char('.'), -1).toLower();
    if (suffix == QLatin1String("pdf")) {
        attachment.mimeType = "application/pdf";
        attachment.data = documentBytes(idea.title, "Reference " + QByteArray::number(1000 + below(9000)));
    } else if (suffix == QLatin1String("png")) {
        attachment.mimeType = "image/png";
        attachment.data = m_pictures.at(below(int(m_pictures.size())));
    } else if (suffix == QLatin1String("csv")) {
        attachment.mimeType = "text/csv";
        attachment.data = "month,planned,actual\r\n";
        for (int month = 1; month <= 12; ++month)
            attachment.data += QByteArray::number(month) + ',' + QByteArray::number(1000 + below(500)) + ',' +
                               QByteArray::number(900 + below(700)) + "\r\n";
    } else {
        attachment.mimeType = "text/plain; charset=utf-8";
        attachment.data = crlf(sentences(theme, 4).toUtf8() + '\n');
    }
    return attachment;
}

Body MailboxComposer::bodyFor(const Theme &theme, QString text, bool ownMessage)
{
    Body body;
    body.text = std::move(text);
    const int roll = below(100);
    if (roll < 12 && !theme.attachments.empty()) {
        body.kind = BodyKind::Attachments;
        body.attachments.append(attachmentFor(theme));
        if (chance(25))
            body.attachments.append(attachmentFor(theme));
    } else if (roll < 16 && !ownMessage) {
        body.kind = BodyKind::InlineImage;
    } else if (roll < (ownMessage ? 30 : 45)) {
        body.kind = BodyKind::Alternative;
    }
    return body;
}

QByteArray MailboxComposer::headersFor(const Envelope &envelope)
{
    const WordEncoding encoding = pickEncoding();
    const auto addressList = [encoding](const QList<const Person *> &people) {
        QByteArray list;
        for (const Person *person : people)
            list += (list.isEmpty() ? "" : ",\r\n ") + mailbox(*person, encoding);
        return list;
    };

    QByteArray headers;
    if (envelope.cameIn) {
        const QByteArray address(envelope.from->address);
        const QByteArray domain = address.mid(address.indexOf('@') + 1);
        headers += "Return-Path: <" + address + ">\r\n";
        headers += "Received: from mail." + domain + " (mail." + domain + " [192.0.2." +
                   QByteArray::number(1 + below(250)) + "])\r\n\tby mx.heron.invalid with ESMTPS id " +
                   QByteArray::number(m_rng.generate(), 36).toUpper() + "\r\n\tfor <" + kOwner.address + ">; " +
                   dateHeader(envelope.delivered, kOwner.utcOffsetMinutes) + "\r\n";
    }
    headers += "From: " + mailbox(*envelope.from, encoding) + "\r\n";
    headers += "To: " + addressList(envelope.to) + "\r\n";
    if (!envelope.cc.isEmpty())
        headers += "Cc: " + addressList(envelope.cc) + "\r\n";
    headers += "Subject: " + encodedWords(envelope.subject, encoding) + "\r\n";
    headers += "Date: " + dateHeader(envelope.sent, envelope.from->utcOffsetMinutes) + "\r\n";
    headers += "Message-ID: <" + envelope.messageId + ">\r\n";
    if (!envelope.references.isEmpty()) {
        // RFC 5322 §3.6.4: the parent in In-Reply-To, the chain down to it in References.
        headers += "In-Reply-To: <" + envelope.references.constLast() + ">\r\n";
        headers += "References:";
        for (const QByteArray &id : envelope.references)
            headers += "\r\n <" + id + '>';
        headers += "\r\n";
    }
    headers += envelope.extraHeaders;
    headers += "MIME-Version: 1.0\r\n";
    return headers;
}

// The body's Content-Type and what follows it. Separators are unique per message: m_serial
// was just advanced by the message's Message-ID.
QByteArray MailboxComposer::contentFor(const Body &body)
{
    const QByteArray textBytes = body.text.toUtf8();
    QByteArray textPart;
    if (isAscii(body.text)) {
        textPart = "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" +
                   crlf(textBytes);
    } else if (chance(70)) {
        textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
                   quotedPrintable(textBytes.endsWith('\n') ? textBytes.chopped(1) : textBytes);
    } else {
        textPart = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
                   crlf(textBytes);
    }
    const auto htmlPart = [](const QString &html) {
        const QByteArray bytes = html.toUtf8();
        return "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
               quotedPrintable(bytes.endsWith('\n') ? bytes.chopped(1) : bytes);
    };
    const QByteArray separator = "=_heron_demo_" + QByteArray::number(m_serial) + '_';
    const auto multipart = [&separator](char level, const QByteArray &subtype, const QList<QByteArray> &parts,
                                        const QByteArray &parameters = {}, const QByteArray &preamble = {}) {
        const QByteArray boundary = separator + level;
        QByteArray out = "Content-Type: multipart/" + subtype + ";\r\n boundary=\"" + boundary + '"' + parameters +
                         "\r\n\r\n" + preamble;
        for (const QByteArray &part : parts)
            out += "--" + boundary + "\r\n" + part + (part.endsWith("\r\n") ? "" : "\r\n");
        return out + "--" + boundary + "--\r\n";
    };

    switch (body.kind) {
    case BodyKind::Plain:
        return textPart;
    case BodyKind::Alternative:
        return multipart('a', "alternative", {textPart, htmlPart(htmlFromText(body.text))});
    case BodyKind::RemoteImages:
        return multipart('a', "alternative", {textPart, htmlPart(body.html)});
    case BodyKind::InlineImage: {
        // RFC 2387 multipart/related: the HTML shows the picture through its Content-ID (RFC 2392).
        const QByteArray contentId = "picture." + QByteArray::number(m_serial) + "@heron.invalid";
        QString html = htmlFromText(body.text);
        html.replace(QStringLiteral("</body>"),
                     QStringLiteral("<p><img src=\"cid:%1\" alt=\"A picture\" width=\"320\"></p>\n</body>")
                             .arg(QString::fromLatin1(contentId)));
        const QByteArray picture = "Content-Type: image/png; name=\"picture.png\"\r\nContent-ID: <" + contentId +
                                   ">\r\nContent-Disposition: inline; filename=\"picture.png\"\r\n"
                                   "Content-Transfer-Encoding: base64\r\n\r\n" +
                                   base64Lines(m_pictures.at(below(int(m_pictures.size()))));
        const QByteArray related = multipart('r', "related", {htmlPart(html), picture}, "; type=\"text/html\"");
        return multipart('a', "alternative", {textPart, related});
    }
    case BodyKind::Attachments: {
        QList<QByteArray> parts = {
                chance(40) ? multipart('a', "alternative", {textPart, htmlPart(htmlFromText(body.text))}) : textPart};
        for (const Attachment &attachment : body.attachments) {
            const auto [name, fileName] = fileNameParameters(attachment.fileName);
            parts.append("Content-Type: " + attachment.mimeType + name + "\r\nContent-Disposition: attachment" +
                         fileName + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(attachment.data));
        }
        return multipart('m', "mixed", parts, {}, "This is a multi-part message in MIME format.\r\n");
    }
    }
    return textPart;
}

qsizetype MailboxComposer::add(const char *folder, Envelope envelope, const Body &body)
{
    envelope.delivered = std::min(std::max(envelope.delivered, envelope.sent), m_now);
    Produced produced;
    produced.message.folder = QString::fromUtf8(folder);
    produced.message.content = headersFor(envelope) + contentFor(body);
    produced.message.received = QDateTime::fromSecsSinceEpoch(envelope.delivered, Qt::UTC);
    produced.folderIndex = folderIndex(folder);
    produced.message.messageId = envelope.messageId;
    m_produced.append(std::move(produced));
    return m_produced.size() - 1;
}

// Threads between the owner and people of a theme: their messages go to `folder` (quota of
// them), the owner's replies to Sent while there is room.
void MailboxComposer::conversations(const Theme &theme, const char *folder, int quota, qint64 from, qint64 to,
                                    int ownReplyPercent)
{
    const bool list = theme.mailingList;
    int produced = 0;
    while (produced < quota) {
        Conversation thread;
        thread.subject = subjectText(pick(theme.subjects));
        const int participants = 1 + (chance(30) ? below(3) : 0);
        while (thread.others.size() < participants) {
            const Person *person = pickPerson(theme.people);
            if (!thread.others.contains(person))
                thread.others.append(person);
        }
        const int roll = below(100);
        const int length = roll < 45 ? 1 : roll < 65 ? 2 : roll < 80 ? 3 : 4 + below(5);
        qint64 when = pickTime(from, to, true, thread.others.first()->utcOffsetMinutes);

        for (int k = 0; k < length && produced < quota; ++k) {
            const bool own = k > 0 && thread.lastAuthor != &kOwner && m_sentLeft > 0 && chance(ownReplyPercent);
            const Person *author = own ? &kOwner
                                       : (k == 0 ? thread.others.first()
                                                 : thread.others.at(below(int(thread.others.size()))));
            if (!own && author == thread.lastAuthor && thread.others.size() > 1)
                author = thread.others.at((thread.others.indexOf(author) + 1) % thread.others.size());

            Envelope envelope;
            envelope.from = author;
            envelope.sent = when;
            envelope.cameIn = !own;
            envelope.messageId = nextMessageId(*author, when);
            envelope.references = thread.ids.mid(std::max<qsizetype>(0, thread.ids.size() - 10));
            const QString prefix = theme.language == Language::German && !own ? QStringLiteral("AW: ")
                                                                              : QStringLiteral("Re: ");
            envelope.subject = (list ? QStringLiteral("[heron-devel] ") : QString()) + (k == 0 ? QString() : prefix) +
                               thread.subject;
            const Person *addressee = nullptr;
            if (list) {
                envelope.to = {&kListAddress};
                envelope.extraHeaders = "List-Id: Heron development <heron-devel.lists.heron.invalid>\r\n"
                                        "List-Post: <mailto:heron-devel@lists.heron.invalid>\r\n"
                                        "List-Archive: <https://lists.heron.invalid/archive/heron-devel/>\r\n"
                                        "List-Unsubscribe: <mailto:heron-devel-leave@lists.heron.invalid>\r\n"
                                        "Precedence: list\r\n";
            } else if (own) {
                addressee = thread.lastAuthor;
                envelope.to = {thread.lastAuthor};
                for (const Person *person : std::as_const(thread.others)) {
                    if (person != thread.lastAuthor)
                        envelope.cc.append(person);
                }
            } else {
                addressee = &kOwner;
                envelope.to = {&kOwner};
                for (const Person *person : std::as_const(thread.others)) {
                    if (person != author)
                        envelope.cc.append(person);
                }
            }
            const QString text = messageText(theme, *author, addressee, k > 0 ? &thread : nullptr);
            const Body body = bodyFor(theme, text, own);
            if (!own)
                envelope.delivered = when + 20 + below(300);
            const qsizetype index = add(own ? kSent : folder, envelope, body);
            if (own) {
                --m_sentLeft;
                if (thread.lastIndex >= 0)
                    m_produced[thread.lastIndex].message.flags |= MessageFlag::Answered;
            } else {
                ++produced;
            }
            thread.ids.append(envelope.messageId);
            thread.lastText = text;
            thread.lastAuthor = author;
            thread.lastSent = when;
            thread.lastIndex = index;

            // Replies come minutes to a day or two later.
            when += 5 * kMinute + below(90) * kMinute * (qint64(1) << below(6));
            if (when > m_now - 10 * kMinute)
                break;
        }
    }
}

void MailboxComposer::newsletters(const char *folder, int count, qint64 from, qint64 to)
{
    static constexpr const char *kSubjects[] = {
            "Spring sale: 20 % off all tents",  "Nouveautés de la semaine ☕", "Issue #%1: the week in open source",
            "Neu im Regal: unsere Herbsttipps", "Last chance: free shipping", "Notre sélection de cafés d'été",
    };
    for (int i = 0; i < count; ++i) {
        const Person *sender = pickPerson(std::span<const Person>(kNewsletters));
        Envelope envelope;
        envelope.from = sender;
        envelope.to = {&kOwner};
        envelope.sent = pickTime(from, to, true, sender->utcOffsetMinutes);
        envelope.messageId = nextMessageId(*sender, envelope.sent);
        envelope.subject = subjectText(pick(std::span<const char *const>(kSubjects)));
        const QByteArray address(sender->address);
        const QByteArray domain = address.mid(address.indexOf('@') + 1);
        envelope.extraHeaders = "List-Unsubscribe: <https://" + domain +
                                "/unsubscribe?u=" + QByteArray::number(m_rng.generate(), 16) +
                                ">\r\nList-Unsubscribe-Post: "
                                "List-Unsubscribe=One-Click\r\nPrecedence: bulk\r\n";

        Body body;
        body.kind = BodyKind::RemoteImages;
        const QString site = QString::fromLatin1(domain);
        const QString name = QString::fromUtf8(sender->name).toHtmlEscaped();
        body.text = envelope.subject + QStringLiteral("\n\nView this newsletter in your browser: https://") + site +
                    QStringLiteral("/newsletter/") + QString::number(i) + QStringLiteral("\n\n") +
                    sentences(kPrivate, 2) + QStringLiteral("\n\nUnsubscribe: https://") + site +
                    QStringLiteral("/unsubscribe\n");
        // Remote images and a tracking pixel: the viewer must not load them until allowed.
        body.html = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n"
                                   "<table width=\"600\" align=\"center\" style=\"font-family: sans-serif;\">\n"
                                   "<tr><td><img src=\"https://%1/img/header-%2.jpg\" width=\"600\" height=\"180\" "
                                   "alt=\"%3\"></td></tr>\n"
                                   "<tr><td><h1>%4</h1><p>%5</p></td></tr>\n"
                                   "<tr><td><a href=\"https://%1/offer/%2\"><img src=\"https://%1/img/offer-%2.png\" "
                                   "width=\"600\" alt=\"Our offer\"></a></td></tr>\n"
                                   "<tr><td style=\"font-size: 11px;\"><a href=\"https://%1/unsubscribe\">"
                                   "Unsubscribe</a></td></tr>\n</table>\n"
                                   "<img src=\"https://track.%1/open.gif?m=%2\" width=\"1\" height=\"1\" alt=\"\">\n"
                                   "</body></html>\n")
                            .arg(site, QString::number(i), name, envelope.subject.toHtmlEscaped(),
                                 sentences(kPrivate, 2).toHtmlEscaped());
        envelope.delivered = envelope.sent + 30 + below(600);
        add(folder, envelope, body);
    }
}

void MailboxComposer::notifications(const char *folder, int count, qint64 from, qint64 to)
{
    for (int i = 0; i < count; ++i) {
        const int kind = below(int(std::size(kNotifiers)));
        const Person *sender = &kNotifiers[kind];
        Envelope envelope;
        envelope.from = sender;
        envelope.to = {&kOwner};
        envelope.sent = pickTime(from, to, true, sender->utcOffsetMinutes);
        envelope.messageId = nextMessageId(*sender, envelope.sent);
        const int number = 1000 + below(9000);
        Body body;
        switch (kind) {
        case 0:
            envelope.subject = chance(80) ? QStringLiteral("Build #%1 passed on main").arg(number)
                                          : QStringLiteral("Build #%1 FAILED on main").arg(number);
            body.text = envelope.subject + QStringLiteral("\n\nCommit: %1\nDuration: %2 min\n\n"
                                                          "https://builds.northwind.example/job/%3\n")
                                                   .arg(QString::number(m_rng.generate(), 16))
                                                   .arg(4 + below(20))
                                                   .arg(number);
            break;
        case 1:
            envelope.subject = QStringLiteral("Invitation: Weekly sync @ Tue 10:00 – 10:30 (CET)");
            body.text = QStringLiteral("You have been invited to a recurring meeting.\n\nWeekly sync\nWhen: Tuesdays "
                                       "10:00 – 10:30 (CET)\nWhere: Room Fjord / video call\n");
            body.kind = BodyKind::Alternative;
            break;
        case 2:
            envelope.subject = QStringLiteral("Ihr Kontoauszug ist verfügbar");
            body.text = QStringLiteral("Guten Tag,\n\nIhr elektronischer Kontoauszug Nr. %1 liegt im Online-Banking "
                                       "für Sie bereit.\n\nIhre Aurora Bank\n")
                                .arg(number);
            break;
        case 3:
            envelope.subject = QStringLiteral("Ihre Sendung %1 ist unterwegs").arg(number * 1000 + below(1000));
            body.text = QStringLiteral("Hallo Robin,\n\nIhre Sendung wurde heute an uns übergeben und wird "
                                       "voraussichtlich morgen zugestellt.\n\nPaketdienst Nord\n");
            body.kind = BodyKind::Alternative;
            break;
        default:
            envelope.subject = QStringLiteral("[Issue #%1] Folder list flickers while syncing").arg(number);
            body.text = QStringLiteral("A new comment was added to issue #%1:\n\n%2\n\n-- \nReply to this mail or "
                                       "view it at https://tracker.heron.invalid/issues/%1\n")
                                .arg(number)
                                .arg(sentences(kMailingList, 2));
            envelope.extraHeaders = "Auto-Submitted: auto-generated\r\n";
            break;
        }
        envelope.delivered = envelope.sent + 10 + below(120);
        add(folder, envelope, body);
    }
}

void MailboxComposer::spam(int count)
{
    static constexpr const char *kSubjects[] = {
            "Congratulations!!! You have been selected",
            "Your account will be suspended",
            "Ваш выигрыш ждёт вас",
            "Luxury watches -80 %",
            "Re: your invoice is overdue",
            "Gewinnbenachrichtigung: 1.000.000 €",
    };
    for (int i = 0; i < count; ++i) {
        const Person *sender = pickPerson(std::span<const Person>(kSpammers));
        Envelope envelope;
        envelope.from = sender;
        envelope.to = {&kOwner};
        envelope.sent = pickTime(m_now - 30 * kDay, m_now - kHour, false, sender->utcOffsetMinutes);
        envelope.messageId = nextMessageId(*sender, envelope.sent);
        envelope.subject = QString::fromUtf8(pick(std::span<const char *const>(kSubjects)));
        Body body;
        body.kind = BodyKind::RemoteImages;
        body.text = QStringLiteral("Click here to claim your prize: http://claim.prizes-4u.example/?id=%1\n")
                            .arg(m_rng.generate());
        body.html = QStringLiteral("<html><body><center><a href=\"http://claim.prizes-4u.example/?id=%1\">"
                                   "<img src=\"http://cdn.prizes-4u.example/banner-%2.gif\" alt=\"CLAIM NOW\"></a>"
                                   "<p style=\"color: #fff;\">%3</p></center>"
                                   "<img src=\"http://cdn.prizes-4u.example/pixel.gif?%1\" width=\"1\" height=\"1\">"
                                   "</body></html>\n")
                            .arg(m_rng.generate())
                            .arg(i)
                            .arg(sentences(kWork, 3).toHtmlEscaped());
        envelope.delivered = envelope.sent + below(60);
        add(kJunk, envelope, body);
    }
}

// The owner wrote to a mistyped address; the mail server returned it with a delivery-status
// report (RFC 3464) that carries the original in full.
void MailboxComposer::bounce()
{
    static constexpr Person kMistyped = {"John Smith", "jonh.smith@example.net", 0};
    Envelope original;
    original.from = &kOwner;
    original.to = {&kMistyped};
    original.sent = m_now - 2 * kDay - 3 * kHour - below(3600);
    original.messageId = nextMessageId(kOwner, original.sent);
    original.subject = QStringLiteral("Dinner on Saturday");
    original.cameIn = false;
    Body originalBody;
    originalBody.text = QStringLiteral("Hi John,\n\nare you and Maria free on Saturday? We would love to have you "
                                       "over for dinner,\naround seven.\n\nCheers,\nRobin\n");
    const qsizetype originalIndex = add(kSent, original, originalBody);
    const QByteArray returned = m_produced.at(originalIndex).message.content;

    Envelope report;
    report.from = &kMailerDaemon;
    report.to = {&kOwner};
    report.sent = original.sent + 41;
    report.messageId = nextMessageId(kMailerDaemon, report.sent);
    report.subject = QStringLiteral("Undelivered Mail Returned to Sender");
    report.cameIn = false;  // written by the owner's own mail server
    report.extraHeaders = "Auto-Submitted: auto-replied\r\n";
    const QByteArray boundary = "=_heron_demo_report_" + QByteArray::number(m_serial);
    const QByteArray arrival = dateHeader(original.sent + 2, 0);
    QByteArray content = "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"" + boundary +
                         "\"\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n--" + boundary +
                         "\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                         "This is the mail system at host mx.heron.invalid.\r\n\r\n"
                         "I'm sorry to have to inform you that your message could not\r\n"
                         "be delivered to one or more recipients. It's attached below.\r\n\r\n"
                         "<jonh.smith@example.net>: host mx.example.net[198.51.100.25] said:\r\n"
                         "    550 5.1.1 <jonh.smith@example.net>: Recipient address rejected:\r\n"
                         "    User unknown in virtual mailbox table\r\n\r\n--" +
                         boundary +
                         "\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"
                         "Reporting-MTA: dns; mx.heron.invalid\r\n"
                         "X-Postfix-Queue-ID: 4TqL2X0bK3z9sWb\r\n"
                         "Arrival-Date: " +
                         arrival +
                         "\r\n\r\n"
                         "Final-Recipient: rfc822; jonh.smith@example.net\r\n"
                         "Original-Recipient: rfc822;jonh.smith@example.net\r\n"
                         "Action: failed\r\n"
                         "Status: 5.1.1\r\n"
                         "Remote-MTA: dns; mx.example.net\r\n"
                         "Diagnostic-Code: smtp; 550 5.1.1 <jonh.smith@example.net>: Recipient address\r\n"
                         "    rejected: User unknown in virtual mailbox table\r\n\r\n--" +
                         boundary +
                         "\r\nContent-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n" +
                         returned + "\r\n--" + boundary + "--\r\n";

    Produced produced;
    produced.message.folder = QString::fromUtf8(kInbox);
    produced.folderIndex = folderIndex(kInbox);
    produced.message.content = headersFor(report) + content;
    produced.message.received = QDateTime::fromSecsSinceEpoch(report.sent, Qt::UTC);
    produced.message.messageId = report.messageId;
    m_produced.append(std::move(produced));
}

// New messages from the owner (Sent) or unfinished ones (Drafts).
void MailboxComposer::ownMessages(const char *folder, int count, qint64 from, qint64 to)
{
    const bool drafts = qstrcmp(folder, kDrafts) == 0;
    for (int i = 0; i < count; ++i) {
        const Theme &theme = chance(70) ? kWork : chance(60) ? kPrivate : kProject;
        const Person *addressee = pickPerson(theme.people);
        Envelope envelope;
        envelope.from = &kOwner;
        envelope.to = {addressee};
        if (chance(20)) {
            const Person *other = pickPerson(theme.people);
            if (other != addressee)
                envelope.cc = {other};
        }
        envelope.sent = pickTime(from, to, true, kOwner.utcOffsetMinutes);
        envelope.messageId = nextMessageId(kOwner, envelope.sent);
        envelope.subject = subjectText(pick(theme.subjects));
        envelope.cameIn = false;
        QString text = messageText(theme, kOwner, addressee, nullptr);
        if (drafts)
            text = text.left(text.indexOf(QLatin1Char('.')) + 1) + QStringLiteral("\n\n");
        add(folder, envelope, bodyFor(theme, text, true));
    }
}

void MailboxComposer::assignFlags()
{
    for (Produced &produced : m_produced) {
        GeneratedMessage &message = produced.message;
        const qint64 age = m_now - message.received.toSecsSinceEpoch();
        const QByteArray folder = message.folder.toUtf8();
        bool seen = age > 4 * kDay ? !chance(1) : chance(35);
        if (folder == kSent || folder == kArchive || folder == kTrash) {
            seen = true;
        } else if (folder == kDrafts) {
            seen = true;
            message.flags |= MessageFlag::Draft;
        } else if (folder == kJunk) {
            seen = age > 10 * kDay && chance(50);
        } else if (folder == kList) {
            seen = age > 7 * kDay;
        } else if (message.flags.testFlag(MessageFlag::Answered)) {
            seen = true;
        }
        if (seen)
            message.flags |= MessageFlag::Seen;
        if ((folder == kInbox || folder == kProjects || folder == kTravel || folder == kArchive) && chance(3))
            message.flags |= MessageFlag::Flagged;
    }
}

QList<GeneratedMessage> MailboxComposer::write()
{
    const qint64 twoYearsAgo = m_now - 730 * kDay;
    m_sentLeft = kSentCount - 1 - kMinOwnNewMessages;

    bounce();
    conversations(kWork, kInbox, kInboxWork, m_now - 420 * kDay, m_now - kHour, 35);
    conversations(kPrivate, kInbox, kInboxPrivate, m_now - 420 * kDay, m_now - 2 * kHour, 40);
    newsletters(kInbox, kInboxNewsletters, m_now - 400 * kDay, m_now - 3 * kHour);
    notifications(kInbox, kInboxNotifications, m_now - 400 * kDay, m_now - 30 * kMinute);
    conversations(kWork, kArchive, 550, twoYearsAgo, m_now - 300 * kDay, 30);
    conversations(kPrivate, kArchive, 250, twoYearsAgo, m_now - 300 * kDay, 30);
    conversations(kMailingList, kList, 320, twoYearsAgo, m_now - 4 * kHour, 0);
    conversations(kProject, kProjects, 120, m_now - 330 * kDay, m_now - 5 * kDay, 35);
    conversations(kTrip, kTravel, 80, twoYearsAgo, m_now - 20 * kDay, 25);
    spam(30);
    notifications(kTrash, 25, m_now - 60 * kDay, m_now - 2 * kDay);
    newsletters(kTrash, 15, m_now - 60 * kDay, m_now - 2 * kDay);
    ownMessages(kDrafts, 10, m_now - 20 * kDay, m_now - kHour);
    ownMessages(kSent, kMinOwnNewMessages + m_sentLeft, twoYearsAgo, m_now - kHour);
    assignFlags();

    std::stable_sort(m_produced.begin(), m_produced.end(), [](const Produced &a, const Produced &b) {
        return a.folderIndex != b.folderIndex ? a.folderIndex < b.folderIndex : a.message.received < b.message.received;
    });
    QList<GeneratedMessage> messages;
    messages.reserve(m_produced.size());
    for (Produced &produced : m_produced)
        messages.append(std::move(produced.message));
    return messages;
}

}  // namespace

MailGenerator::MailGenerator(quint32 seed, const QDateTime &now) : m_seed(seed), m_now(now.toUTC()) {}

QList<DemoFolder> MailGenerator::folders()
{
    QList<DemoFolder> folders;
    for (const FolderPlan &plan : kFolders)
        folders.append({QString::fromUtf8(plan.path), QString::fromUtf8(plan.specialUse), plan.messageCount});
    return folders;
}

QString MailGenerator::ownerName()
{
    return QString::fromUtf8(kOwner.name);
}

QString MailGenerator::ownerAddress()
{
    return QString::fromUtf8(kOwner.address);
}

QList<GeneratedMessage> MailGenerator::generate() const
{
    return MailboxComposer(m_seed, m_now.toSecsSinceEpoch()).write();
}

}  // namespace Heron::Demo
