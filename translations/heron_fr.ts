<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name>CommandLine</name>
    <message>
        <source>Heron, a desktop IMAP mail client.</source>
        <translation>Heron, un client de messagerie IMAP pour le bureau.</translation>
    </message>
    <message>
        <source>Keep accounts, settings and messages in &lt;dir&gt;.</source>
        <translation>Conserver les comptes, les réglages et les messages dans &lt;dossier&gt;.</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>dossier</translation>
    </message>
    <message>
        <source>Open a local demo mailbox.</source>
        <translation>Ouvrir une boîte aux lettres de démonstration locale.</translation>
    </message>
    <message>
        <source>heron: unexpected argument &quot;%1&quot;</source>
        <translation>heron : argument inattendu « %1 »</translation>
    </message>
</context>
<context>
    <name>Heron::App::MainWindow</name>
    <message>
        <source>No accounts configured.</source>
        <translation>Aucun compte configuré.</translation>
    </message>
    <message>
        <source>The demo mailbox is not available in this version of Heron.</source>
        <translation>La boîte aux lettres de démonstration n’est pas encore disponible dans cette version de Heron.</translation>
    </message>
    <message>
        <source>Demo not available</source>
        <translation>Démonstration indisponible</translation>
    </message>
    <message>
        <source>About Heron</source>
        <translation>À propos de Heron</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;A desktop IMAP mail client.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;Un client de messagerie IMAP pour le bureau.&lt;/p&gt;&lt;p&gt;Distribué sous la licence publique générale GNU, version 3 ou ultérieure.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Folders</source>
        <translation>Dossiers</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;About Heron</source>
        <translation>À &amp;propos de Heron</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
</context>
</TS>
