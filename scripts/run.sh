#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, builds heron (preset "release") and starts it; arguments go to heron.
#
#   scripts/run.sh             open Heron
#   scripts/run.sh --demo      open Heron on the local demo mailbox
#   scripts/run.sh --help      heron's own options
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/deps.sh

build_dir=build/release
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    log=$(mktemp)
    if ! cmake --preset release >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "scripts/run.sh: configuring the release build failed." >&2
        exit 1
    fi
    rm -f "$log"
fi
cmake --build --preset release --target heron -j "$(nproc 2>/dev/null || echo 2)"

heron=$build_dir/src/app/heron
opens_window=yes
for argument in "$@"; do
    case "$argument" in
        -h | --help | --help-all | -v | --version) opens_window=no ;;
    esac
done
if [[ $opens_window == yes && "$(uname -s)" == Linux && -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]]; then
    echo "scripts/run.sh: no display found (DISPLAY and WAYLAND_DISPLAY are unset); Heron's window needs one." >&2
    echo "Without a desktop, try: xvfb-run -a scripts/run.sh $*" >&2
fi
exec "$heron" "$@"
