#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang and runs the IMAP parser fuzzer.
#
#   scripts/fuzz.sh [seconds]        (default 60)
#
# Environment: HERON_FUZZ_BUILD_DIR (default build/fuzz), HERON_FUZZ_JOBS (build jobs, default 2).
#
# The build directory is configured with
#   CC=clang CXX=clang++ -DHERON_BUILD_FUZZ=ON -DHERON_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined"
# so that the parser library itself carries coverage instrumentation and the sanitizers; the fuzz
# target links with -fsanitize=fuzzer,address,undefined. Only the fuzz_parser target is built.
#
# The seed corpus (tests/fuzz/corpus/parser) is copied into a temporary working corpus: the run
# never writes into the source tree. A crash, leak or timeout leaves its input in the temporary
# directory, whose path is printed; the script then exits with libFuzzer's non-zero code.
# Replay one input with "build/fuzz/tests/fuzz/fuzz_parser FILE", shrink it with
# "fuzz_parser -minimize_crash=1 -runs=10000 FILE", and keep it in tests/fuzz/crashers/ once the
# parser has a regression row for it. Seed and crash files start with two selector bytes (chunking
# pattern, limits; see tests/fuzz/fuzz_parser.cpp) before the server bytes.
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [seconds]" >&2
    exit 2
fi

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${HERON_FUZZ_BUILD_DIR:-$source_dir/build/fuzz}"
jobs="${HERON_FUZZ_JOBS:-2}"
seed_dir="$source_dir/tests/fuzz/corpus/parser"
dict="$source_dir/tests/fuzz/imap.dict"

for tool in clang clang++ cmake; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "scripts/fuzz.sh: $tool is missing (scripts/deps.sh installs it)." >&2
        exit 1
    fi
done

generator=()
if command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi

if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build_dir" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
        -DHERON_BUILD_TESTS=ON \
        -DHERON_BUILD_BENCH=OFF \
        -DHERON_BUILD_FUZZ=ON >/dev/null
fi
cmake --build "$build_dir" --target fuzz_parser -j "$jobs"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/heron-fuzz.XXXXXX")"
corpus_dir="$work_dir/corpus"
artifact_dir="$work_dir/artifacts"
mkdir -p "$corpus_dir" "$artifact_dir"
cp "$seed_dir"/* "$corpus_dir"/
log="$work_dir/fuzz.log"

set +e
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# -rss_limit_mb: one input must not balloon memory; -timeout: one input, in seconds.
"$build_dir/tests/fuzz/fuzz_parser" \
    -max_total_time="$seconds" \
    -dict="$dict" \
    -max_len=65536 \
    -rss_limit_mb=2048 \
    -timeout=25 \
    -print_final_stats=1 \
    -artifact_prefix="$artifact_dir/" \
    "$corpus_dir" "$seed_dir" 2>"$log"
status=$?
set -e

# libFuzzer ends a clean run with "Done N runs in S second(s)".
done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)"
if [[ -n "$done_line" ]]; then
    echo "$done_line"
    runs="$(sed -E 's/^Done ([0-9]+) runs.*/\1/' <<<"$done_line")"
    echo "fuzz_parser.executions $runs runs"
fi
if [[ $status -ne 0 ]]; then
    tail -n 60 "$log" >&2
    echo "scripts/fuzz.sh: fuzz_parser failed (exit $status). Log and failing input: $work_dir" >&2
    ls -l "$artifact_dir" >&2
    exit "$status"
fi
grep -E '^stat::number_of_executed_units|cov:|corp:' "$log" | tail -n 2 || true
rm -rf "$work_dir"
