#!/usr/bin/env bash
# Runs the seeded fuzz harness over every parser: front matter + Markdown loading (loader),
# code extraction from free text (codes), DSN/MIME parsing (dsn) and the matcher (matcher).
#
#   Fuzz/run.sh [COUNT] [SEED]        default: 100000 inputs per target, seed 20261129
#
# Each target runs in its own process (so its peak RSS is its own), built in release mode as
# shipped. A run fails when any input crashes, breaks a property, takes longer than
# FUZZ_TIME_LIMIT seconds of CPU time (default 1; CPU rather than wall-clock time, so that other
# work on a shared machine does not count), or when a process's peak RSS exceeds FUZZ_MAX_RSS_MIB
# (default 1024). Crashing, failing and slow inputs are saved in Fuzz/findings/ for
# `fuzz-driver replay TARGET FILE`; each should become a regression test in Tests/HardeningTests.
#
# Environment: SWIFT_FLAGS (default: --scratch-path .build-harden), FUZZ_TARGETS (default: all four).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

count="${1:-100000}"
seed="${2:-20261129}"
flags="${SWIFT_FLAGS:---scratch-path .build-harden}"
targets="${FUZZ_TARGETS:-loader codes dsn matcher}"
time_limit="${FUZZ_TIME_LIMIT:-1}"
max_rss="${FUZZ_MAX_RSS_MIB:-1024}"
log_dir="Fuzz/findings"
mkdir -p "$log_dir"

# shellcheck disable=SC2086
swift build -c release $flags --product fuzz-driver >&2 || { echo "fuzz: build failed" >&2; exit 2; }
# shellcheck disable=SC2086
bin="$(swift build -c release $flags --show-bin-path)/fuzz-driver"

status=0
summary=()
for target in $targets; do
    log="$log_dir/$target.log"
    # The driver has its own hang watchdog; `timeout` is the last resort for a wedged process.
    timeout 7200 "$bin" run "$target" --count "$count" --seed "$seed" --time-limit "$time_limit" \
        --max-rss-mib "$max_rss" --hang 30 --findings "$log_dir" 2>&1 | tee "$log"
    code=${PIPESTATUS[0]}
    line="$(grep '^TOTALS ' "$log" | sed 's/^TOTALS //')"
    if [ "$code" -ne 0 ]; then
        status=1
        if [ -z "$line" ]; then
            line="$target: stopped with status $code (crash or hang; the input is in $log_dir/$target-seed$seed-last-input.bin)"
        else
            line="$line  [FAILED, status $code]"
        fi
    fi
    summary+=("$line")
done

echo
echo "fuzz totals (seed $seed, $count inputs per target, time limit ${time_limit} s CPU per input, RSS cap ${max_rss} MiB):"
for line in "${summary[@]}"; do echo "  $line"; done
[ "$status" -eq 0 ] && echo "fuzz: all targets passed" || echo "fuzz: FAILED; see $log_dir/"
exit "$status"
