#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, then builds and runs every test tier:
#   1. preset "asan" (Debug with AddressSanitizer + UndefinedBehaviorSanitizer, benchmarks built
#      too): unit, integration, gui and package tests, every one of them under the sanitizers;
#   2. preset "fuzz" (clang + libFuzzer), when clang is installed: scripts/fuzz.sh for a short run.
# One sanitized build instead of a plain Debug one and a sanitized one: the two compiled the same
# code twice, which was most of the run's time. Developers' plain Debug builds use preset
# "default" (README.md).
# A build failure stops at once; a test failure is reported and the remaining stages still run.
# Exits non-zero if anything failed. With CI set (CI=true), warnings are errors.
#
# Environment: HERON_FUZZ_SECONDS (default 60) bounds the fuzzing run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${HERON_FUZZ_SECONDS:-60}
failed=()

configure_args=()
case "${CI:-}" in
    "" | false | 0) ;;
    # CI reads no debugger sessions, only sanitizer and test reports: line tables (-g1) keep
    # their file:line and cost the compiler and linker far less than full debug information.
    *) configure_args+=(-DHERON_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG=-g1
                        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG") ;;
esac

# Each stage says how long the run has taken so far, so slow stages show in CI logs.
stage() {
    printf '\n==> %s (at %dm%02ds)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60))
}

# Configures a preset quietly; prints CMake's output only when it fails.
configure() {
    local preset=$1 log
    shift
    log=$(mktemp)
    if ! cmake --preset "$preset" "${configure_args[@]}" "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "scripts/test.sh: configuring preset $preset failed." >&2
        exit 1
    fi
    grep -E '^CMake (Warning|Deprecation)' -A 6 "$log" >&2 || true
    rm -f "$log"
}

build() {
    local preset=$1
    if ! cmake --build --preset "$preset" -j "$jobs"; then
        echo "scripts/test.sh: building preset $preset failed." >&2
        exit 1
    fi
}

# Counts over every ctest run, for the closing "N passed, N failed" line.
tests_total=0
tests_failed=0

run_tests() {
    local preset=$1 log summary
    log=$(mktemp)
    if ! ctest --preset "$preset" -j "$jobs" </dev/null | tee "$log"; then
        failed+=("tests ($preset)")
    fi
    # "100% tests passed, 0 tests failed out of 10"
    summary=$(grep -E '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [[ $summary =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
        tests_failed=$((tests_failed + BASH_REMATCH[1]))
        tests_total=$((tests_total + BASH_REMATCH[2]))
    fi
    rm -f "$log"
}

stage "Dependencies"
scripts/deps.sh

stage "AddressSanitizer + UndefinedBehaviorSanitizer build and all test tiers (preset asan)"
configure asan
build asan
run_tests asan

stage "Fuzzing (preset fuzz)"
if ! command -v clang++ >/dev/null 2>&1; then
    echo "clang++ is not installed: fuzzing skipped."
elif [[ ! -f tests/fuzz/CMakeLists.txt || ! -x scripts/fuzz.sh ]]; then
    echo "No fuzz targets in this tree (tests/fuzz, scripts/fuzz.sh): fuzzing skipped."
else
    configure fuzz
    if ! HERON_FUZZ_BUILD_DIR="$PWD/build/fuzz" HERON_FUZZ_JOBS="$jobs" scripts/fuzz.sh "$fuzz_seconds" </dev/null; then
        failed+=("fuzzing")
    fi
fi

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "scripts/test.sh: FAILED: ${failed[*]} (after $((SECONDS / 60))m$((SECONDS % 60))s)" >&2
    echo "ctest: $((tests_total - tests_failed)) passed, ${tests_failed} failed"
    exit 1
fi
echo "scripts/test.sh: all stages passed in $((SECONDS / 60))m$((SECONDS % 60))s."
echo "ctest: $((tests_total - tests_failed)) passed, ${tests_failed} failed"
