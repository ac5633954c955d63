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
</context>
<context>
    <name>Heron::App::MainWindow</name>
    <message>
        <source>No accounts configured.</source>
        <translation>Keine Konten eingerichtet.</translation>
    </message>
    <message>
        <source>The demo mailbox is not available in this version of Heron.</source>
        <translation>Das Demo-Postfach ist in dieser Version von Heron noch nicht verfügbar.</translation>
    </message>
    <message>
        <source>Demo not available</source>
        <translation>Demo nicht verfügbar</translation>
    </message>
    <message>
        <source>About Heron</source>
        <translation>Über Heron</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;A desktop IMAP mail client.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;Ein IMAP-E-Mail-Programm für den Desktop.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder neuer.&lt;/p&gt;</translation>
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
        <source>Message</source>
        <translation>Nachricht</translation>
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
</context>
</TS>
