// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoprofile.h"

#include "demo/mailgenerator.h"
#include "demologging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace Heron::Demo {

namespace {

// Marks a folder as a demo profile, which prepareDemoProfile() may clear.
const QString kMarkerName = QStringLiteral("heron-demo-profile");

QString translated(const char *text)
{
    return QCoreApplication::translate("Heron::Demo::DemoProfile", text);
}

void deliverLater(const DemoProfileCallback &done, const Error &error)
{
    QMetaObject::invokeMethod(
            QCoreApplication::instance(), [done, error] { done(error); }, Qt::QueuedConnection);
}

}  // namespace

QString defaultDemoProfileDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation) + QStringLiteral("/heron-demo");
}

void prepareDemoProfile(const QString &requested, const DemoLogin &login, DemoProfileCallback done)
{
    const QString directory = requested.isEmpty() ? defaultDemoProfileDirectory() : requested;
    const QDir dir(directory);
    if (dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot) &&
        !dir.exists(kMarkerName)) {
        return deliverLater(done, makeError(Error::Code::InvalidInput,
                                            translated("The folder %1 holds files that are not a demo profile, so "
                                                       "Heron leaves it alone. Choose an empty folder for the demo.")
                                                    .arg(directory)));
    }
    if (!QDir().mkpath(directory))
        return deliverLater(
                done, makeError(Error::Code::Io, translated("Cannot create the demo profile in %1.").arg(directory)));
    QFile marker(dir.filePath(kMarkerName));
    if (!marker.exists()) {
        if (!marker.open(QIODevice::WriteOnly) ||
            marker.write(
                    "This folder is the profile of Heron's demo mailbox; each demo run replaces what is in it.\n") < 0)
            return deliverLater(
                    done, makeError(Error::Code::Io,
                                    translated("Cannot write %1: %2.").arg(marker.fileName(), marker.errorString())));
        marker.close();
    }

    // The profile-local password file is not encrypted, only private to the user. That is
    // acceptable here and nowhere else: the password is made up for one run of a server that
    // listens on loopback only and serves generated mail.
    Accounts::Profile::Options options;
    options.allowInsecurePasswordStore = true;
    auto opened = Accounts::Profile::open(directory, options);
    if (!opened)
        return deliverLater(done, opened.error());
    auto prepared = std::make_shared<DemoProfile>();
    prepared->profile = std::move(opened.value());
    Accounts::Profile &profile = *prepared->profile;

    // The last run's account pointed at a server that is gone, with other UIDVALIDITYs: start afresh.
    auto previous = profile.accounts();
    if (!previous)
        return deliverLater(done, previous.error());
    for (const Accounts::Account &account : std::as_const(*previous)) {
        if (auto removed = profile.removeAccount(account.id); !removed)
            return deliverLater(done, removed.error());
    }

    Accounts::AccountSettings settings;
    settings.email = MailGenerator::ownerAddress();
    settings.displayName = MailGenerator::ownerName();
    settings.imapHost = login.host;
    settings.imapPort = login.port;
    settings.imapSecurity = Imap::Security::None;
    settings.allowCleartextOnLoopback = true;
    settings.userName = login.userName;
    settings.passwordStorage = Accounts::PasswordStorage::ProfileFile;
    for (const DemoFolder &folder : MailGenerator::folders())
        settings.initiallySelected.append(folder.path);
    auto added = profile.addAccount(settings);
    if (!added)
        return deliverLater(done, added.error());
    prepared->account = *added;

    Accounts::PasswordStore *store = profile.passwordStore(Accounts::PasswordStorage::ProfileFile);
    store->writePassword(added->settings.key, login.password, [prepared, done](Result<bool> written) {
        if (!written) {
            done(written.error());
            return;
        }
        qCInfo(lcDemo) << "Demo profile ready in" << prepared->profile->directory();
        done(std::move(*prepared));
    });
}

}  // namespace Heron::Demo
