<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>CommandLine</name>
    <message>
        <source>Heron, a desktop IMAP mail client.</source>
        <translation>Heron, ein IMAP-E-Mail-Programm für den Desktop.</translation>
    </message>
    <message>
        <source>Keep accounts, settings and messages in &lt;dir&gt;.</source>
        <translation>Konten, Einstellungen und Nachrichten in &lt;Verzeichnis&gt; ablegen.</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>Verzeichnis</translation>
    </message>
    <message>
        <source>Open a local demo mailbox.</source>
        <translation>Ein lokales Demo-Postfach öffnen.</translation>
    </message>
    <message>
        <source>heron: unexpected argument &quot;%1&quot;</source>
        <translation>heron: unerwartetes Argument „%1“</translation>
    </message>
    <message>
        <source>Allow keeping passwords in the profile&apos;s own file (not encrypted) where there is no system keychain.</source>
        <translation>Erlauben, Passwörter unverschlüsselt in einer eigenen Datei des Profils abzulegen, wenn das System keinen Schlüsselbund hat.</translation>
    </message>
    <message>
        <source>Commands say more on stderr.</source>
        <translation>Befehle geben ausführlichere Meldungen auf stderr aus.</translation>
    </message>
    <message>
        <source>A command (listed above) to run without a window.</source>
        <translation>Ein Befehl (siehe Liste oben), der ohne Fenster ausgeführt wird.</translation>
    </message>
</context>
<context>
    <name>Heron::App::DemoSession</name>
    <message>
        <source>Starting the demo mailbox…</source>
        <translation>Das Demo-Postfach wird gestartet…</translation>
    </message>
    <message>
        <source>Heron demo</source>
        <translation>Heron-Demo</translation>
    </message>
    <message>
        <source>The demo mailbox stopped: %1</source>
        <translation>Das Demo-Postfach läuft nicht mehr: %1</translation>
    </message>
</context>
<context>
    <name>Heron::Demo::DemoServer</name>
    <message>
        <source>Cannot write %1 for the demo mail server: %2.</source>
        <translation>%1 kann für den Demo-Mailserver nicht geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>The demo mail server did not answer within %1 seconds.</source>
        <translation>Der Demo-Mailserver hat nicht innerhalb von %1 Sekunden geantwortet.</translation>
    </message>
    <message>
        <source>The demo mailbox needs the Dovecot mail server, which is not installed. Install the package dovecot-imapd (on Debian and Ubuntu: sudo apt install dovecot-imapd) and try again.</source>
        <translation>Das Demo-Postfach braucht den Mailserver Dovecot, der nicht installiert ist. Installieren Sie das Paket dovecot-imapd (unter Debian und Ubuntu: sudo apt install dovecot-imapd) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Heron runs as root, and the demo mail server then needs the system users &quot;dovecot&quot; and &quot;dovenull&quot;, which are missing. Reinstall the package dovecot-core, or start Heron as an ordinary user.</source>
        <translation>Heron läuft als root, und dann braucht der Demo-Mailserver die Systembenutzer „dovecot“ und „dovenull“, die fehlen. Installieren Sie das Paket dovecot-core neu oder starten Sie Heron als normaler Benutzer.</translation>
    </message>
    <message>
        <source>Cannot create a folder for the demo mailbox in %1: %2.</source>
        <translation>In %1 kann kein Ordner für das Demo-Postfach angelegt werden: %2.</translation>
    </message>
    <message>
        <source>Cannot hand the demo mailbox in %1 over to the dovecot user.</source>
        <translation>Das Demo-Postfach in %1 kann nicht dem Benutzer dovecot übergeben werden.</translation>
    </message>
    <message>
        <source>No free network port on this computer for the demo mail server: %1.</source>
        <translation>Auf diesem Computer ist kein Netzwerkport für den Demo-Mailserver frei: %1.</translation>
    </message>
    <message>
        <source>Cannot hand the demo mail server&apos;s user list over to the dovecot user.</source>
        <translation>Die Benutzerliste des Demo-Mailservers kann nicht dem Benutzer dovecot übergeben werden.</translation>
    </message>
    <message>
        <source>The demo mail server (%1) could not be started: %2.</source>
        <translation>Der Demo-Mailserver (%1) konnte nicht gestartet werden: %2.</translation>
    </message>
    <message>
        <source>Another program answered on the demo mail server&apos;s port %1.</source>
        <translation>Auf Port %1 des Demo-Mailservers hat ein anderes Programm geantwortet.</translation>
    </message>
    <message>
        <source>The demo mail server stopped while starting.</source>
        <translation>Der Demo-Mailserver wurde während des Startens beendet.</translation>
    </message>
    <message>
        <source>The demo mail server stopped unexpectedly.</source>
        <translation>Der Demo-Mailserver wurde unerwartet beendet.</translation>
    </message>
    <message>
        <source>Its log ends with:</source>
        <translation>Sein Protokoll endet mit:</translation>
    </message>
</context>
<context>
    <name>Heron::Demo::MaildirWriter</name>
    <message>
        <source>Cannot write %1 for the demo mailbox: %2.</source>
        <translation>%1 kann für das Demo-Postfach nicht geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>the folder cannot be created</source>
        <translation>der Ordner kann nicht angelegt werden</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::FolderTreeModel</name>
    <message>
        <source>Inbox</source>
        <translation>Posteingang</translation>
    </message>
    <message>
        <source>All inboxes</source>
        <translation>Alle Posteingänge</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1 (offline)</translation>
    </message>
    <message>
        <source>%1 (error)</source>
        <translation>%1 (Fehler)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The inboxes of every account, together</source>
        <translation>Die Posteingänge aller Konten zusammen</translation>
    </message>
    <message>
        <source>Not synchronized</source>
        <translation>Nicht synchronisiert</translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation>Wird synchronisiert…</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>aktuell</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>verbinde…</translation>
    </message>
    <message>
        <source>synchronizing…</source>
        <translation>synchronisiere…</translation>
    </message>
    <message>
        <source>up to date, waiting for new mail</source>
        <translation>aktuell, wartet auf neue Nachrichten</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s), %1 unread</source>
        <translation>
            <numerusform>%Ln Nachricht, %1 ungelesen</numerusform>
            <numerusform>%Ln Nachrichten, %1 ungelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MailBackend</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot read the folder&apos;s unread messages: %1</source>
        <translation>Die ungelesenen Nachrichten des Ordners lassen sich nicht lesen: %1</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MainWindow</name>
    <message>
        <source>Saved %1</source>
        <translation>Gespeichert: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Synchronization problems</source>
        <translation>Probleme bei der Synchronisation</translation>
    </message>
    <message>
        <source>No accounts configured.</source>
        <translation>Keine Konten eingerichtet.</translation>
    </message>
    <message>
        <source>%1 — Heron</source>
        <translation>%1 — Heron</translation>
    </message>
    <message>
        <source>attachment</source>
        <translation>Anhang</translation>
    </message>
    <message>
        <source>Cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>Save Attachment</source>
        <translation>Anhang speichern</translation>
    </message>
    <message>
        <source>Move To</source>
        <translation>Verschieben nach</translation>
    </message>
    <message>
        <source>Move the selected messages to:</source>
        <translation>Die ausgewählten Nachrichten verschieben nach:</translation>
    </message>
    <message>
        <source>No more unread messages here.</source>
        <translation>Hier gibt es keine weiteren ungelesenen Nachrichten.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) found</source>
        <translation>
            <numerusform>%n Nachricht gefunden</numerusform>
            <numerusform>%n Nachrichten gefunden</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark All as &amp;Read</source>
        <translation>Alle als &amp;gelesen markieren</translation>
    </message>
    <message>
        <source>&amp;Sync Now</source>
        <translation>Jetzt &amp;synchronisieren</translation>
    </message>
    <message>
        <source>S&amp;ynchronize This Folder</source>
        <translation>&amp;Diesen Ordner synchronisieren</translation>
    </message>
    <message>
        <source>&amp;Properties…</source>
        <translation>&amp;Eigenschaften…</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>Ordner: %1</translation>
    </message>
    <message>
        <source>Messages: %1 (%2 unread)</source>
        <translation>Nachrichten: %1 (%2 ungelesen)</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Größe: %1</translation>
    </message>
    <message>
        <source>UIDVALIDITY: %1</source>
        <translation>UIDVALIDITY: %1</translation>
    </message>
    <message>
        <source>Last full synchronization: %1</source>
        <translation>Letzte vollständige Synchronisation: %1</translation>
    </message>
    <message>
        <source>Last incremental synchronization: %1</source>
        <translation>Letzte inkrementelle Synchronisation: %1</translation>
    </message>
    <message>
        <source>Strategy used: %1</source>
        <translation>Verwendete Strategie: %1</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <source>Synchronized: %1</source>
        <translation>Synchronisiert: %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Folder Properties</source>
        <translation>Ordnereigenschaften</translation>
    </message>
    <message>
        <source>Account %1</source>
        <translation>Konto %1</translation>
    </message>
    <message>
        <source>%1: %2 (%3 of %4)</source>
        <translation>%1: %2 (%3 von %4)</translation>
    </message>
    <message>
        <source>%1/%2 messages</source>
        <translation>%1/%2 Nachrichten</translation>
    </message>
    <message>
        <source>%1: %2 &lt;a href=&quot;#details&quot;&gt;Details&lt;/a&gt;</source>
        <translation>%1: %2 &lt;a href=&quot;#details&quot;&gt;Details&lt;/a&gt;</translation>
    </message>
    <message>
        <source>New mail</source>
        <translation>Neue Nachrichten</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s) for %1</source>
        <translation>
            <numerusform>%n neue Nachricht für %1</numerusform>
            <numerusform>%n neue Nachrichten für %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Heron: %n unread message(s)</source>
        <translation>
            <numerusform>Heron: %n ungelesene Nachricht</numerusform>
            <numerusform>Heron: %n ungelesene Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>About Heron</source>
        <translation>Über Heron</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;A desktop IMAP mail client.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;Ein IMAP-E-Mail-Programm für den Desktop.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder neuer.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>The server search failed: %1</source>
        <translation>Die Suche auf dem Server ist fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n more found on the server, shown in italics</source>
        <translation>
            <numerusform>%n weitere auf dem Server gefunden, kursiv dargestellt</numerusform>
            <numerusform>%n weitere auf dem Server gefunden, kursiv dargestellt</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MessageListModel</name>
    <message>
        <source>Cannot list the messages: %1</source>
        <translation>Die Nachrichten können nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Cannot count the messages: %1</source>
        <translation>Die Nachrichten können nicht gezählt werden: %1</translation>
    </message>
    <message>
        <source>Found on the server: older than the synchronized period, or in a folder that is not synchronized.</source>
        <translation>Auf dem Server gefunden: älter als der synchronisierte Zeitraum oder in einem Ordner, der nicht synchronisiert wird.</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MessageView</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>und %n weitere</numerusform>
            <numerusform>und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>the address does not exist</source>
        <translation>die Adresse existiert nicht</translation>
    </message>
    <message>
        <source>the domain does not exist</source>
        <translation>die Domain existiert nicht</translation>
    </message>
    <message>
        <source>the mailbox is full</source>
        <translation>das Postfach ist voll</translation>
    </message>
    <message>
        <source>the message is too large</source>
        <translation>die Nachricht ist zu groß</translation>
    </message>
    <message>
        <source>the delivery took too long</source>
        <translation>die Zustellung hat zu lange gedauert</translation>
    </message>
    <message>
        <source>the receiving server refused it</source>
        <translation>der empfangende Server hat sie abgelehnt</translation>
    </message>
    <message>
        <source>Not delivered to %1: %2</source>
        <translation>Nicht zugestellt an %1: %2</translation>
    </message>
    <message>
        <source>Delivery to %1 is delayed: %2</source>
        <translation>Die Zustellung an %1 verzögert sich: %2</translation>
    </message>
    <message>
        <source>Delivered to %1.</source>
        <translation>An %1 zugestellt.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>This message reports that a message you sent could not be delivered as sent.</source>
        <translation>Diese Nachricht meldet, dass eine von Ihnen gesendete Nachricht nicht wie vorgesehen zugestellt werden konnte.</translation>
    </message>
    <message>
        <source>This message has no text to show.</source>
        <translation>Diese Nachricht enthält keinen Text zum Anzeigen.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(kein Betreff)</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>The text of this message could not be loaded: %1</source>
        <translation>Der Text dieser Nachricht konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>(This text goes on for %n more characters, which are not shown.)</source>
        <translation>
            <numerusform>(Es folgt noch %n weiteres Zeichen, das nicht angezeigt wird.)</numerusform>
            <numerusform>(Es folgen noch %n weitere Zeichen, die nicht angezeigt werden.)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>To protect your privacy, %n remote resource(s) in this message were not loaded.</source>
        <translation>
            <numerusform>Zum Schutz Ihrer Privatsphäre wurde %n externer Inhalt in dieser Nachricht nicht geladen.</numerusform>
            <numerusform>Zum Schutz Ihrer Privatsphäre wurden %n externe Inhalte in dieser Nachricht nicht geladen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Your message “%1” was returned.</source>
        <translation>Ihre Nachricht „%1“ kam als unzustellbar zurück.</translation>
    </message>
    <message>
        <source>Your message &lt;%1&gt; was returned.</source>
        <translation>Ihre Nachricht &lt;%1&gt; kam als unzustellbar zurück.</translation>
    </message>
    <message>
        <source>A message you sent was returned.</source>
        <translation>Eine von Ihnen gesendete Nachricht kam als unzustellbar zurück.</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more recipient(s).</source>
        <translation>
            <numerusform>… und %n weiterer Empfänger.</numerusform>
            <numerusform>… und %n weitere Empfänger.</numerusform>
        </translation>
    </message>
    <message>
        <source>Part %1 (%2)</source>
        <translation>Teil %1 (%2)</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::RemoteImageFetcher</name>
    <message>
        <source>The image is larger than %1 bytes.</source>
        <translation>Das Bild ist größer als %1 Byte.</translation>
    </message>
    <message>
        <source>The server sent %1, not an image.</source>
        <translation>Der Server hat %1 gesendet, kein Bild.</translation>
    </message>
    <message>
        <source>The server redirected to a place that is not a web address.</source>
        <translation>Der Server hat auf ein Ziel umgeleitet, das keine Webadresse ist.</translation>
    </message>
    <message>
        <source>The server did not send a picture Heron can show.</source>
        <translation>Der Server hat kein Bild gesendet, das Heron anzeigen kann.</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::ThreadListModel</name>
    <message>
        <source>Cannot read the folder&apos;s threads: %1</source>
        <translation>Die Unterhaltungen des Ordners lassen sich nicht lesen: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a thread&apos;s subject and its number of messages</comment>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Heron cannot start</source>
        <translation>Heron kann nicht starten</translation>
    </message>
    <message>
        <source>The profile in %1 cannot be opened: %2</source>
        <translation>Das Profil in %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Add Account</source>
        <translation>Konto hinzufügen</translation>
    </message>
    <message>
        <source>The account assistant is not part of this version yet. Until then, add an account from a terminal, then start Heron again:

heron --profile &quot;%1&quot; account add --email ADDRESS --host IMAP-SERVER</source>
        <translation>Der Kontoassistent ist in dieser Version noch nicht enthalten. Fügen Sie bis dahin ein Konto in einem Terminal hinzu und starten Sie Heron dann erneut:

heron --profile &quot;%1&quot; account add --email ADRESSE --host IMAP-SERVER</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>The demo could not be started.</source>
        <translation>Die Demo konnte nicht gestartet werden.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Folders</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About Heron</source>
        <translation>&amp;Über Heron</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>&lt;h1&gt;Welcome to Heron&lt;/h1&gt;</source>
        <translation>&lt;h1&gt;Willkommen bei Heron&lt;/h1&gt;</translation>
    </message>
    <message>
        <source>There is no mail account yet. Add one to start, or look around in a demo mailbox first.</source>
        <translation>Es ist noch kein E-Mail-Konto eingerichtet. Fügen Sie eines hinzu, um loszulegen, oder sehen Sie sich zuerst in einem Demo-Postfach um.</translation>
    </message>
    <message>
        <source>&amp;Add Account…</source>
        <translation>Konto &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Try the Demo</source>
        <translation>&amp;Demo ausprobieren</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Search (words, from:, to:, subject:, is:unread, has:attachment …)</source>
        <translation>Suchen (Wörter, from:, to:, subject:, is:unread, has:attachment …)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>&amp;Nachricht</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Werkzeugleiste</translation>
    </message>
    <message>
        <source>&amp;Sync Now</source>
        <translation>Jetzt &amp;synchronisieren</translation>
    </message>
    <message>
        <source>Check every account for new mail now</source>
        <translation>Jetzt alle Konten auf neue Nachrichten prüfen</translation>
    </message>
    <message>
        <source>F5</source>
        <translation>F5</translation>
    </message>
    <message>
        <source>&amp;Search…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>Search all messages</source>
        <translation>Alle Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation>Als &amp;gelesen markieren</translation>
    </message>
    <message>
        <source>Mark the selected messages as read</source>
        <translation>Die ausgewählten Nachrichten als gelesen markieren</translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation>Als &amp;ungelesen markieren</translation>
    </message>
    <message>
        <source>Mark the selected messages as unread</source>
        <translation>Die ausgewählten Nachrichten als ungelesen markieren</translation>
    </message>
    <message>
        <source>&amp;Flag</source>
        <translation>&amp;Markieren</translation>
    </message>
    <message>
        <source>Flag or unflag the selected messages</source>
        <translation>Markierung der ausgewählten Nachrichten setzen oder entfernen</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Move the selected messages to the trash</source>
        <translation>Die ausgewählten Nachrichten in den Papierkorb verschieben</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>&amp;Move To…</source>
        <translation>&amp;Verschieben nach…</translation>
    </message>
    <message>
        <source>Move the selected messages to another folder</source>
        <translation>Die ausgewählten Nachrichten in einen anderen Ordner verschieben</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation>A&amp;rchivieren</translation>
    </message>
    <message>
        <source>Move the selected messages to the archive</source>
        <translation>Die ausgewählten Nachrichten ins Archiv verschieben</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Antworten</translation>
    </message>
    <message>
        <source>Writing messages is not available yet</source>
        <translation>Das Schreiben von Nachrichten ist noch nicht verfügbar</translation>
    </message>
    <message>
        <source>Reply &amp;All</source>
        <translation>Allen a&amp;ntworten</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>&amp;Weiterleiten</translation>
    </message>
    <message>
        <source>&amp;Next Unread</source>
        <translation>&amp;Nächste ungelesene Nachricht</translation>
    </message>
    <message>
        <source>Go to the next unread message</source>
        <translation>Zur nächsten ungelesenen Nachricht gehen</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>&amp;Previous Unread</source>
        <translation>&amp;Vorherige ungelesene Nachricht</translation>
    </message>
    <message>
        <source>Go to the previous unread message</source>
        <translation>Zur vorherigen ungelesenen Nachricht gehen</translation>
    </message>
    <message>
        <source>P</source>
        <translation>P</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Threads</source>
        <translation>&amp;Unterhaltungen</translation>
    </message>
    <message>
        <source>Group the messages of a conversation together</source>
        <translation>Die Nachrichten einer Unterhaltung zusammen anzeigen</translation>
    </message>
    <message>
        <source>T</source>
        <translation>T</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>An:</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation>CC:</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>Datum:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Betreff:</translation>
    </message>
    <message>
        <source>Open Original Message</source>
        <translation>Ursprüngliche Nachricht öffnen</translation>
    </message>
    <message>
        <source>Load Remote Content</source>
        <translation>Externe Inhalte laden</translation>
    </message>
    <message>
        <source>Always for This Sender</source>
        <translation>Immer für diesen Absender</translation>
    </message>
    <message>
        <source>Load remote content of every message from this address. Anyone can write this address in a message&apos;s From line.</source>
        <translation>Externe Inhalte jeder Nachricht von dieser Adresse laden. Jeder kann diese Adresse in die Von-Zeile einer Nachricht schreiben.</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>Anhang</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Übertragung</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
</TS>
