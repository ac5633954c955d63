#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every package Heron needs to build, test and package on Debian or Ubuntu.
# Idempotent: asks dpkg what is missing and installs only that; silent when nothing is.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config file
    # Qt 6: widgets, network, sql (SQLite driver), test, translations tools, SVG icons
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6svg6 libgl-dev
    # MIME, passwords, compression, and SQLite for the store's writes on Qt's connection
    libgmime-3.0-dev qtkeychain-qt6-dev zlib1g-dev libsqlite3-dev
    # the real IMAP server the integration tests and the demo mailbox (run.sh --demo) start, and
    # certificates for the tests; dovecot-imapd brings dovecot-core, which adds the users it needs
    dovecot-imapd dovecot-lmtpd openssl
    # clang for the fuzzers and its sanitizer/libFuzzer runtimes
    clang libclang-rt-dev
    # a virtual display for GUI checks
    xvfb xauth
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/deps.sh: this system has no apt/dpkg; it only knows Debian and Ubuntu." >&2
    echo "See \"Dependencies on other systems\" in README.md for Fedora, Homebrew and MSYS2." >&2
    exit 1
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
    if [[ "$status" != ii* ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "scripts/deps.sh: missing packages: ${missing[*]}" >&2
    echo "Installing them needs root, and sudo is not available. Run this script as root." >&2
    exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
echo "Dependencies installed."
