// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "accounts/profile.h"
#include "core/result.h"

#include <QString>

#include <functional>
#include <memory>

namespace Heron::Demo {

// Where DemoServer::ready() says the demo mailbox is, and how to log in.
struct DemoLogin {
    QString host;
    quint16 port = 0;
    QString userName;
    QString password;
};

// The prepared demo profile: open (its lock held), with one account for the demo mailbox.
struct DemoProfile {
    std::unique_ptr<Accounts::Profile> profile;
    Accounts::Account account;
};

using DemoProfileCallback = std::function<void(Result<DemoProfile>)>;

// "heron-demo" in the user's private runtime directory ($XDG_RUNTIME_DIR on Linux).
QString defaultDemoProfileDirectory();

// Opens the throwaway demo profile in `directory` (empty: defaultDemoProfileDirectory()),
// creating it, or clearing what a previous demo left in it: a folder that holds anything but a
// demo profile is refused. The profile then has one account, the mailbox owner's
// (MailGenerator::ownerAddress()), pointing at `login` in clear text on loopback, with every demo
// folder selected for sync. `done` runs from the event loop, never inside this call.
void prepareDemoProfile(const QString &directory, const DemoLogin &login, DemoProfileCallback done);

}  // namespace Heron::Demo
