#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the benchmarks optimized and runs them; every figure is one "name value unit" line.
#
#   scripts/bench.sh [parser] [raw_fetch]        (default: all)
#
# Environment:
#   HERON_BENCH_BUILD_DIR   build directory (default build/bench; Release, tests on for the fixture)
#   HERON_BENCH_MESSAGES    folder sizes for raw_fetch against a private Dovecot (default "10000 100000")
#   HERON_BENCH_JOBS        build jobs (default 2)
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${HERON_BENCH_BUILD_DIR:-$source_dir/build/bench}"
jobs="${HERON_BENCH_JOBS:-2}"
read -r -a message_counts <<<"${HERON_BENCH_MESSAGES:-10000 100000}"

benches=("$@")
if [[ ${#benches[@]} -eq 0 ]]; then
    benches=(parser raw_fetch)
fi
targets=()
for bench in "${benches[@]}"; do
    case "$bench" in
        parser | raw_fetch) targets+=("bench_$bench") ;;
        *)
            echo "usage: $0 [parser] [raw_fetch]" >&2
            exit 2
            ;;
    esac
done

generator=()
if command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    # Tests on: bench_raw_fetch links the Dovecot fixture of tests/support for --fixture.
    cmake -S "$source_dir" -B "$build_dir" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=Release \
        -DHERON_BUILD_TESTS=ON \
        -DHERON_BUILD_BENCH=ON \
        -DHERON_BUILD_FUZZ=OFF >/dev/null
fi
cmake --build "$build_dir" --target "${targets[@]}" -j "$jobs" >&2

status=0
for bench in "${benches[@]}"; do
    case "$bench" in
        parser)
            "$build_dir/bench/bench_parser" || status=1
            ;;
        raw_fetch)
            for count in "${message_counts[@]}"; do
                echo "# raw_fetch against a private Dovecot with $count messages" >&2
                "$build_dir/bench/bench_raw_fetch" --fixture "$count" --repeat 3 || status=1
            done
            ;;
    esac
done
exit "$status"
