#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the benchmarks optimized and runs them; every figure is one "name value unit" line.
#
#   scripts/bench.sh [parser] [store_write] [raw_fetch] [sync_initial] [sync_resync] [sync_changes]
#                    [message_list]                                                 (default: all)
#
#   parser        B8: parser throughput on an in-memory FETCH stream
#   store_write   B1 and B3 without a server: parse, convert and store stages of 100,000 messages,
#                 then 1,000 removals and 200 flag changes (median of 3)
#   raw_fetch     B1 baseline: the raw reader against a private Dovecot, for each HERON_BENCH_MESSAGES
#   sync_initial  B1: initial sync of a 100,000-message folder (median of 5 fresh profiles, each
#                 paired with a raw fetch just before it; peak RSS)
#   sync_resync   B2: no-change resync of 3 accounts x 20 folders, one of 100,000 (median of 5)
#   sync_changes  B3: 200 flag changes and 1,000 expunges made elsewhere, one resync per strategy
#                 (median of 5 runs of fresh changes)
#   message_list  B4, B5: a 1,000,000-message folder in the message list, and full-text search
#                 over it (the store is built once, about a minute, and kept in the build directory)
# The sync benchmarks print their same-run raw_fetch baseline and a "target NAME <= LIMIT UNIT
# PASS|MISS" line per target; each takes a few minutes at full size.
#
# Environment:
#   HERON_BENCH_BUILD_DIR   build directory (default build/bench; Release, tests on for the fixture)
#   HERON_BENCH_MESSAGES    folder sizes for raw_fetch against a private Dovecot (default "10000 100000")
#   HERON_BENCH_SYNC_MESSAGES  the big folder of the sync benchmarks (default 100000)
#   HERON_BENCH_PROFILE_DIR    where the sync benchmarks put their profiles (default: the temp dir)
#   HERON_DOVECOT_DIR       where the fixture puts its mail (default /dev/shm when it has room)
#   HERON_BENCH_JOBS        build jobs (default 2)
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${HERON_BENCH_BUILD_DIR:-$source_dir/build/bench}"
jobs="${HERON_BENCH_JOBS:-2}"
read -r -a message_counts <<<"${HERON_BENCH_MESSAGES:-10000 100000}"
sync_messages="${HERON_BENCH_SYNC_MESSAGES:-100000}"

benches=("$@")
if [[ ${#benches[@]} -eq 0 ]]; then
    benches=(parser store_write raw_fetch sync_initial sync_resync sync_changes message_list)
fi
targets=()
for bench in "${benches[@]}"; do
    case "$bench" in
        parser | store_write | raw_fetch | sync_initial | sync_resync | sync_changes) targets+=("bench_$bench") ;;
        message_list) targets+=(bench_message_list) ;;
        *)
            echo "usage: $0 [parser] [store_write] [raw_fetch] [sync_initial] [sync_resync] [sync_changes]" \
                "[message_list]" >&2
            exit 2
            ;;
    esac
done

generator=()
if command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    # Tests on: bench_raw_fetch (--fixture) and the sync benchmarks link the Dovecot fixture of tests/support.
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
        store_write)
            "$build_dir/bench/bench_store_write" --runs 3 || status=1
            ;;
        raw_fetch)
            for count in "${message_counts[@]}"; do
                echo "# raw_fetch against a private Dovecot with $count messages" >&2
                "$build_dir/bench/bench_raw_fetch" --fixture "$count" --repeat 3 || status=1
            done
            ;;
        sync_initial)
            echo "# sync_initial: $sync_messages messages, empty store, median of 5" >&2
            "$build_dir/bench/bench_sync_initial" --fixture "$sync_messages" --runs 5 || status=1
            ;;
        sync_resync)
            echo "# sync_resync: 3 accounts x 20 folders, one of $sync_messages messages, median of 5" >&2
            "$build_dir/bench/bench_sync_resync" --big "$sync_messages" --runs 5 || status=1
            ;;
        sync_changes)
            echo "# sync_changes: 200 flags and 1,000 expunges in $sync_messages messages, per strategy, median of 5" >&2
            "$build_dir/bench/bench_sync_changes" --fixture "$sync_messages" || status=1
            ;;
        message_list)
            echo "# message_list: 1,000,000 messages in one folder, median of 5" >&2
            "$build_dir/bench/bench_message_list" --store "$build_dir/bench-list-1000000.sqlite" --runs 5 || status=1
            ;;
    esac
done
exit "$status"
