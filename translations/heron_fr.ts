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
    <message>
        <source>Allow keeping passwords in the profile&apos;s own file (not encrypted) where there is no system keychain.</source>
        <translation>Autoriser la conservation des mots de passe dans un fichier propre au profil (non chiffré) en l&apos;absence de trousseau système.</translation>
    </message>
    <message>
        <source>Commands say more on stderr.</source>
        <translation>Les commandes affichent des messages plus détaillés sur stderr.</translation>
    </message>
    <message>
        <source>A command (listed above) to run without a window.</source>
        <translation>Une commande (voir la liste ci-dessus) à exécuter sans fenêtre.</translation>
    </message>
</context>
<context>
    <name>Heron::App::DemoSession</name>
    <message>
        <source>Starting the demo mailbox…</source>
        <translation>Démarrage de la boîte aux lettres de démonstration…</translation>
    </message>
    <message>
        <source>Heron demo</source>
        <translation>Démo de Heron</translation>
    </message>
    <message>
        <source>The demo mailbox stopped: %1</source>
        <translation>La boîte aux lettres de démonstration s&apos;est arrêtée : %1</translation>
    </message>
</context>
<context>
    <name>Heron::Demo::DemoServer</name>
    <message>
        <source>Cannot write %1 for the demo mail server: %2.</source>
        <translation>Impossible d&apos;écrire %1 pour le serveur de messagerie de démonstration : %2.</translation>
    </message>
    <message>
        <source>The demo mail server did not answer within %1 seconds.</source>
        <translation>Le serveur de messagerie de démonstration n&apos;a pas répondu dans un délai de %1 secondes.</translation>
    </message>
    <message>
        <source>The demo mailbox needs the Dovecot mail server, which is not installed. Install the package dovecot-imapd (on Debian and Ubuntu: sudo apt install dovecot-imapd) and try again.</source>
        <translation>La boîte aux lettres de démonstration a besoin du serveur de messagerie Dovecot, qui n&apos;est pas installé. Installez le paquet dovecot-imapd (sous Debian et Ubuntu : sudo apt install dovecot-imapd), puis réessayez.</translation>
    </message>
    <message>
        <source>Heron runs as root, and the demo mail server then needs the system users &quot;dovecot&quot; and &quot;dovenull&quot;, which are missing. Reinstall the package dovecot-core, or start Heron as an ordinary user.</source>
        <translation>Heron s&apos;exécute en tant que root, et le serveur de messagerie de démonstration a alors besoin des utilisateurs système « dovecot » et « dovenull », qui sont absents. Réinstallez le paquet dovecot-core ou lancez Heron en tant qu&apos;utilisateur ordinaire.</translation>
    </message>
    <message>
        <source>Cannot create a folder for the demo mailbox in %1: %2.</source>
        <translation>Impossible de créer un dossier pour la boîte aux lettres de démonstration dans %1 : %2.</translation>
    </message>
    <message>
        <source>Cannot hand the demo mailbox in %1 over to the dovecot user.</source>
        <translation>Impossible de céder à l&apos;utilisateur dovecot la boîte aux lettres de démonstration située dans %1.</translation>
    </message>
    <message>
        <source>No free network port on this computer for the demo mail server: %1.</source>
        <translation>Aucun port réseau libre sur cet ordinateur pour le serveur de messagerie de démonstration : %1.</translation>
    </message>
    <message>
        <source>Cannot hand the demo mail server&apos;s user list over to the dovecot user.</source>
        <translation>Impossible de céder à l&apos;utilisateur dovecot la liste des utilisateurs du serveur de messagerie de démonstration.</translation>
    </message>
    <message>
        <source>The demo mail server (%1) could not be started: %2.</source>
        <translation>Le serveur de messagerie de démonstration (%1) n&apos;a pas pu être démarré : %2.</translation>
    </message>
    <message>
        <source>Another program answered on the demo mail server&apos;s port %1.</source>
        <translation>Un autre programme a répondu sur le port %1 du serveur de messagerie de démonstration.</translation>
    </message>
    <message>
        <source>The demo mail server stopped while starting.</source>
        <translation>Le serveur de messagerie de démonstration s&apos;est arrêté pendant son démarrage.</translation>
    </message>
    <message>
        <source>The demo mail server stopped unexpectedly.</source>
        <translation>Le serveur de messagerie de démonstration s&apos;est arrêté de manière inattendue.</translation>
    </message>
    <message>
        <source>Its log ends with:</source>
        <translation>Son journal se termine par :</translation>
    </message>
</context>
<context>
    <name>Heron::Demo::MaildirWriter</name>
    <message>
        <source>Cannot write %1 for the demo mailbox: %2.</source>
        <translation>Impossible d&apos;écrire %1 pour la boîte aux lettres de démonstration : %2.</translation>
    </message>
    <message>
        <source>the folder cannot be created</source>
        <translation>le dossier ne peut pas être créé</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::FolderTreeModel</name>
    <message>
        <source>Inbox</source>
        <translation>Boîte de réception</translation>
    </message>
    <message>
        <source>All inboxes</source>
        <translation>Toutes les boîtes de réception</translation>
    </message>
    <message>
        <source>%1 (offline)</source>
        <translation>%1 (hors ligne)</translation>
    </message>
    <message>
        <source>%1 (error)</source>
        <translation>%1 (erreur)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>The inboxes of every account, together</source>
        <translation>Les boîtes de réception de tous les comptes, réunies</translation>
    </message>
    <message>
        <source>Not synchronized</source>
        <translation>Non synchronisé</translation>
    </message>
    <message>
        <source>Synchronizing…</source>
        <translation>Synchronisation…</translation>
    </message>
    <message>
        <source>up to date</source>
        <translation>à jour</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>connexion…</translation>
    </message>
    <message>
        <source>synchronizing…</source>
        <translation>synchronisation…</translation>
    </message>
    <message>
        <source>up to date, waiting for new mail</source>
        <translation>à jour, en attente de nouveaux messages</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message numerus="yes">
        <source>%Ln message(s), %1 unread</source>
        <translation>
            <numerusform>%Ln message, %1 non lus</numerusform>
            <numerusform>%Ln messages, %1 non lus</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MailBackend</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>Cannot read the folder&apos;s unread messages: %1</source>
        <translation>Impossible de lire les messages non lus du dossier : %1</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MainWindow</name>
    <message>
        <source>Saved %1</source>
        <translation>Enregistré : %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Synchronization problems</source>
        <translation>Problèmes de synchronisation</translation>
    </message>
    <message>
        <source>No accounts configured.</source>
        <translation>Aucun compte configuré.</translation>
    </message>
    <message>
        <source>%1 — Heron</source>
        <translation>%1 — Heron</translation>
    </message>
    <message>
        <source>attachment</source>
        <translation>pièce jointe</translation>
    </message>
    <message>
        <source>Cannot create %1</source>
        <translation>Impossible de créer %1</translation>
    </message>
    <message>
        <source>Save Attachment</source>
        <translation>Enregistrer la pièce jointe</translation>
    </message>
    <message>
        <source>Move To</source>
        <translation>Déplacer vers</translation>
    </message>
    <message>
        <source>Move the selected messages to:</source>
        <translation>Déplacer les messages sélectionnés vers :</translation>
    </message>
    <message>
        <source>No more unread messages here.</source>
        <translation>Il n&apos;y a plus de message non lu ici.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) found</source>
        <translation>
            <numerusform>%n message trouvé</numerusform>
            <numerusform>%n messages trouvés</numerusform>
        </translation>
    </message>
    <message>
        <source>Mark All as &amp;Read</source>
        <translation>Tout marquer comme &amp;lu</translation>
    </message>
    <message>
        <source>&amp;Sync Now</source>
        <translation>&amp;Synchroniser maintenant</translation>
    </message>
    <message>
        <source>S&amp;ynchronize This Folder</source>
        <translation>Synchroniser &amp;ce dossier</translation>
    </message>
    <message>
        <source>&amp;Properties…</source>
        <translation>&amp;Propriétés…</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Folder: %1</source>
        <translation>Dossier : %1</translation>
    </message>
    <message>
        <source>Messages: %1 (%2 unread)</source>
        <translation>Messages : %1 (%2 non lus)</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Taille : %1</translation>
    </message>
    <message>
        <source>UIDVALIDITY: %1</source>
        <translation>UIDVALIDITY : %1</translation>
    </message>
    <message>
        <source>Last full synchronization: %1</source>
        <translation>Dernière synchronisation complète : %1</translation>
    </message>
    <message>
        <source>Last incremental synchronization: %1</source>
        <translation>Dernière synchronisation incrémentielle : %1</translation>
    </message>
    <message>
        <source>Strategy used: %1</source>
        <translation>Stratégie utilisée : %1</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>aucune pour le moment</translation>
    </message>
    <message>
        <source>Synchronized: %1</source>
        <translation>Synchronisé : %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Dernière erreur : %1</translation>
    </message>
    <message>
        <source>Folder Properties</source>
        <translation>Propriétés du dossier</translation>
    </message>
    <message>
        <source>Account %1</source>
        <translation>Compte %1</translation>
    </message>
    <message>
        <source>%1: %2 (%3 of %4)</source>
        <translation>%1 : %2 (%3 sur %4)</translation>
    </message>
    <message>
        <source>%1/%2 messages</source>
        <translation>%1/%2 messages</translation>
    </message>
    <message>
        <source>%1: %2 &lt;a href=&quot;#details&quot;&gt;Details&lt;/a&gt;</source>
        <translation>%1 : %2 &lt;a href=&quot;#details&quot;&gt;Détails&lt;/a&gt;</translation>
    </message>
    <message>
        <source>New mail</source>
        <translation>Nouveaux messages</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s) for %1</source>
        <translation>
            <numerusform>%n nouveau message pour %1</numerusform>
            <numerusform>%n nouveaux messages pour %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Heron: %n unread message(s)</source>
        <translation>
            <numerusform>Heron : %n message non lu</numerusform>
            <numerusform>Heron : %n messages non lus</numerusform>
        </translation>
    </message>
    <message>
        <source>About Heron</source>
        <translation>À propos de Heron</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;A desktop IMAP mail client.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Heron %1&lt;/h3&gt;&lt;p&gt;Un client de messagerie IMAP pour le bureau.&lt;/p&gt;&lt;p&gt;Distribué sous la licence publique générale GNU, version 3 ou ultérieure.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <source>The server search failed: %1</source>
        <translation>La recherche sur le serveur a échoué : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n more found on the server, shown in italics</source>
        <translation>
            <numerusform>%n autre trouvé sur le serveur, affiché en italique</numerusform>
            <numerusform>%n autres trouvés sur le serveur, affichés en italique</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MessageListModel</name>
    <message>
        <source>Cannot list the messages: %1</source>
        <translation>Impossible d&apos;afficher la liste des messages : %1</translation>
    </message>
    <message>
        <source>Cannot count the messages: %1</source>
        <translation>Impossible de compter les messages : %1</translation>
    </message>
    <message>
        <source>Found on the server: older than the synchronized period, or in a folder that is not synchronized.</source>
        <translation>Trouvé sur le serveur : antérieur à la période synchronisée, ou dans un dossier qui n’est pas synchronisé.</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::MessageView</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>et %n autre</numerusform>
            <numerusform>et %n autres</numerusform>
        </translation>
    </message>
    <message>
        <source>the address does not exist</source>
        <translation>l&apos;adresse n&apos;existe pas</translation>
    </message>
    <message>
        <source>the domain does not exist</source>
        <translation>le domaine n&apos;existe pas</translation>
    </message>
    <message>
        <source>the mailbox is full</source>
        <translation>la boîte aux lettres est pleine</translation>
    </message>
    <message>
        <source>the message is too large</source>
        <translation>le message est trop volumineux</translation>
    </message>
    <message>
        <source>the delivery took too long</source>
        <translation>l&apos;acheminement a pris trop de temps</translation>
    </message>
    <message>
        <source>the receiving server refused it</source>
        <translation>le serveur destinataire l&apos;a refusé</translation>
    </message>
    <message>
        <source>Not delivered to %1: %2</source>
        <translation>Non distribué à %1 : %2</translation>
    </message>
    <message>
        <source>Delivery to %1 is delayed: %2</source>
        <translation>La distribution à %1 est retardée : %2</translation>
    </message>
    <message>
        <source>Delivered to %1.</source>
        <translation>Distribué à %1.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>This message reports that a message you sent could not be delivered as sent.</source>
        <translation>Ce message signale qu&apos;un message que vous avez envoyé n&apos;a pas pu être distribué comme prévu.</translation>
    </message>
    <message>
        <source>This message has no text to show.</source>
        <translation>Ce message ne contient aucun texte à afficher.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(sans sujet)</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(inconnue)</translation>
    </message>
    <message>
        <source>The text of this message could not be loaded: %1</source>
        <translation>Le texte de ce message n&apos;a pas pu être chargé : %1</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>(This text goes on for %n more characters, which are not shown.)</source>
        <translation>
            <numerusform>(Ce texte se poursuit sur %n caractère supplémentaire, qui n&apos;est pas affiché.)</numerusform>
            <numerusform>(Ce texte se poursuit sur %n caractères supplémentaires, qui ne sont pas affichés.)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>To protect your privacy, %n remote resource(s) in this message were not loaded.</source>
        <translation>
            <numerusform>Pour protéger votre vie privée, %n ressource distante de ce message n&apos;a pas été chargée.</numerusform>
            <numerusform>Pour protéger votre vie privée, %n ressources distantes de ce message n&apos;ont pas été chargées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Your message “%1” was returned.</source>
        <translation>Votre message « %1 » vous a été retourné.</translation>
    </message>
    <message>
        <source>Your message &lt;%1&gt; was returned.</source>
        <translation>Votre message &lt;%1&gt; vous a été retourné.</translation>
    </message>
    <message>
        <source>A message you sent was returned.</source>
        <translation>Un message que vous avez envoyé vous a été retourné.</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more recipient(s).</source>
        <translation>
            <numerusform>… et %n autre destinataire.</numerusform>
            <numerusform>… et %n autres destinataires.</numerusform>
        </translation>
    </message>
    <message>
        <source>Part %1 (%2)</source>
        <translation>Partie %1 (%2)</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::RemoteImageFetcher</name>
    <message>
        <source>The image is larger than %1 bytes.</source>
        <translation>L&apos;image dépasse %1 octets.</translation>
    </message>
    <message>
        <source>The server sent %1, not an image.</source>
        <translation>Le serveur a envoyé %1, et non une image.</translation>
    </message>
    <message>
        <source>The server redirected to a place that is not a web address.</source>
        <translation>Le serveur a redirigé vers un emplacement qui n&apos;est pas une adresse web.</translation>
    </message>
    <message>
        <source>The server did not send a picture Heron can show.</source>
        <translation>Le serveur n&apos;a pas envoyé d&apos;image que Heron puisse afficher.</translation>
    </message>
</context>
<context>
    <name>Heron::Gui::ThreadListModel</name>
    <message>
        <source>Cannot read the folder&apos;s threads: %1</source>
        <translation>Impossible de lire les fils de discussion du dossier : %1</translation>
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
        <translation>Heron ne peut pas démarrer</translation>
    </message>
    <message>
        <source>The profile in %1 cannot be opened: %2</source>
        <translation>Impossible d&apos;ouvrir le profil situé dans %1 : %2</translation>
    </message>
    <message>
        <source>Add Account</source>
        <translation>Ajouter un compte</translation>
    </message>
    <message>
        <source>The account assistant is not part of this version yet. Until then, add an account from a terminal, then start Heron again:

heron --profile &quot;%1&quot; account add --email ADDRESS --host IMAP-SERVER</source>
        <translation>L&apos;assistant de création de compte ne fait pas encore partie de cette version. En attendant, ajoutez un compte depuis un terminal, puis relancez Heron :

heron --profile &quot;%1&quot; account add --email ADRESSE --host SERVEUR-IMAP</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>Démo</translation>
    </message>
    <message>
        <source>The demo could not be started.</source>
        <translation>La démo n&apos;a pas pu être lancée.</translation>
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
    <message>
        <source>&lt;h1&gt;Welcome to Heron&lt;/h1&gt;</source>
        <translation>&lt;h1&gt;Bienvenue dans Heron&lt;/h1&gt;</translation>
    </message>
    <message>
        <source>There is no mail account yet. Add one to start, or look around in a demo mailbox first.</source>
        <translation>Aucun compte de messagerie n&apos;est encore configuré. Ajoutez-en un pour commencer, ou découvrez d&apos;abord une boîte aux lettres de démonstration.</translation>
    </message>
    <message>
        <source>&amp;Add Account…</source>
        <translation>&amp;Ajouter un compte…</translation>
    </message>
    <message>
        <source>&amp;Try the Demo</source>
        <translation>&amp;Essayer la démo</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Recherche</translation>
    </message>
    <message>
        <source>Search (words, from:, to:, subject:, is:unread, has:attachment …)</source>
        <translation>Rechercher (mots, from:, to:, subject:, is:unread, has:attachment…)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>&amp;Message</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>A&amp;ller</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>Barre d&apos;outils</translation>
    </message>
    <message>
        <source>&amp;Sync Now</source>
        <translation>&amp;Synchroniser maintenant</translation>
    </message>
    <message>
        <source>Check every account for new mail now</source>
        <translation>Relever maintenant les nouveaux messages de tous les comptes</translation>
    </message>
    <message>
        <source>F5</source>
        <translation>F5</translation>
    </message>
    <message>
        <source>&amp;Search…</source>
        <translation>&amp;Rechercher…</translation>
    </message>
    <message>
        <source>Search all messages</source>
        <translation>Rechercher dans tous les messages</translation>
    </message>
    <message>
        <source>Ctrl+F</source>
        <translation>Ctrl+F</translation>
    </message>
    <message>
        <source>Mark as &amp;Read</source>
        <translation>Marquer comme &amp;lu</translation>
    </message>
    <message>
        <source>Mark the selected messages as read</source>
        <translation>Marquer les messages sélectionnés comme lus</translation>
    </message>
    <message>
        <source>Mark as &amp;Unread</source>
        <translation>Marquer comme &amp;non lu</translation>
    </message>
    <message>
        <source>Mark the selected messages as unread</source>
        <translation>Marquer les messages sélectionnés comme non lus</translation>
    </message>
    <message>
        <source>&amp;Flag</source>
        <translation>Sui&amp;vre</translation>
    </message>
    <message>
        <source>Flag or unflag the selected messages</source>
        <translation>Suivre ou ne plus suivre les messages sélectionnés</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Move the selected messages to the trash</source>
        <translation>Déplacer les messages sélectionnés dans la corbeille</translation>
    </message>
    <message>
        <source>Del</source>
        <translation>Del</translation>
    </message>
    <message>
        <source>&amp;Move To…</source>
        <translation>&amp;Déplacer vers…</translation>
    </message>
    <message>
        <source>Move the selected messages to another folder</source>
        <translation>Déplacer les messages sélectionnés vers un autre dossier</translation>
    </message>
    <message>
        <source>M</source>
        <translation>M</translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation>&amp;Archiver</translation>
    </message>
    <message>
        <source>Move the selected messages to the archive</source>
        <translation>Déplacer les messages sélectionnés dans les archives</translation>
    </message>
    <message>
        <source>A</source>
        <translation>A</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Répondre</translation>
    </message>
    <message>
        <source>Writing messages is not available yet</source>
        <translation>La rédaction de messages n&apos;est pas encore disponible</translation>
    </message>
    <message>
        <source>Reply &amp;All</source>
        <translation>Répondre à &amp;tous</translation>
    </message>
    <message>
        <source>&amp;Forward</source>
        <translation>Trans&amp;férer</translation>
    </message>
    <message>
        <source>&amp;Next Unread</source>
        <translation>Message non lu &amp;suivant</translation>
    </message>
    <message>
        <source>Go to the next unread message</source>
        <translation>Aller au message non lu suivant</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>&amp;Previous Unread</source>
        <translation>Message non lu &amp;précédent</translation>
    </message>
    <message>
        <source>Go to the previous unread message</source>
        <translation>Aller au message non lu précédent</translation>
    </message>
    <message>
        <source>P</source>
        <translation>P</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Fils de discussion</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>Affic&amp;hage</translation>
    </message>
    <message>
        <source>&amp;Threads</source>
        <translation>&amp;Fils de discussion</translation>
    </message>
    <message>
        <source>Group the messages of a conversation together</source>
        <translation>Regrouper les messages d&apos;une même conversation</translation>
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
        <translation>De :</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>À :</translation>
    </message>
    <message>
        <source>Cc:</source>
        <translation>Cc :</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>Date :</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Sujet :</translation>
    </message>
    <message>
        <source>Open Original Message</source>
        <translation>Ouvrir le message d&apos;origine</translation>
    </message>
    <message>
        <source>Load Remote Content</source>
        <translation>Charger le contenu distant</translation>
    </message>
    <message>
        <source>Always for This Sender</source>
        <translation>Toujours pour cet expéditeur</translation>
    </message>
    <message>
        <source>Load remote content of every message from this address. Anyone can write this address in a message&apos;s From line.</source>
        <translation>Charger le contenu distant de chaque message provenant de cette adresse. N&apos;importe qui peut inscrire cette adresse dans la ligne « De » d&apos;un message.</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>Pièce jointe</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transfert</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Enregistrer…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
</context>
</TS>
