#!/bin/sh
# Benchmarks `bounce`: start-up for a code lookup and for a pasted line, compared with a Swift
# hello world built the same way, and batch throughput on a synthetic mbox of bounce emails
# (`bounce --json < many.mbox`).
#
# usage: Benchmarks/bounce/run.sh [COUNT]     COUNT bounce emails in the batch (default 5000)
# environment: SCRATCH (build folder, default .build-bench-bounce), RUNS (start-up runs, default 50)
#
# bounce is built in release mode with the Swift runtime and Foundation linked statically
# (--static-swift-stdlib): that halves process start-up, which dominates a single lookup.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COUNT=${1:-5000}
RUNS=${RUNS:-50}
SCRATCH=${SCRATCH:-$ROOT/.build-bench-bounce}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$ROOT"

swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product bounce >&2
BOUNCE="$SCRATCH/release/bounce"

cat > "$WORK/hello.swift" <<'SWIFT'
import Foundation
print("hello, \(ProcessInfo.processInfo.processIdentifier > 0)")
SWIFT
swiftc -O "$WORK/hello.swift" -o "$WORK/hello" >&2
swiftc -O -static-stdlib "$WORK/hello.swift" -o "$WORK/hello-static" >&2

python3 Benchmarks/bounce/generate-bounces.py "$COUNT" "$WORK/bounces.mbox"

LINE="550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. - gsmtp"
# Exit status 1 ("nothing matched") is not an error for a benchmark, hence -i.
hyperfine -N -i --warmup 5 --runs "$RUNS" --export-json "$WORK/startup.json" \
    -n "hello world (Foundation, dynamic)" "$WORK/hello" \
    -n "hello world (Foundation, static)" "$WORK/hello-static" \
    -n "bounce 550 5.7.26" "$BOUNCE 550 5.7.26" \
    -n "bounce '<pasted Gmail line>'" "$BOUNCE \"$LINE\""

hyperfine --warmup 1 --runs 5 --export-json "$WORK/batch.json" \
    -n "bounce --json < $COUNT emails" "$BOUNCE --json < $WORK/bounces.mbox > /dev/null"

"$BOUNCE" --json < "$WORK/bounces.mbox" > "$WORK/results.json"

python3 - "$WORK" "$COUNT" <<'PY'
import json, sys
work, count = sys.argv[1], int(sys.argv[2])
startup = {r["command"]: r["median"] * 1000 for r in json.load(open(f"{work}/startup.json"))["results"]}
batch = json.load(open(f"{work}/batch.json"))["results"][0]
results = json.load(open(f"{work}/results.json"))["results"]
hello = startup["hello world (Foundation, dynamic)"]
print("\nmedians")
for name, ms in startup.items():
    print(f"  {name:40s} {ms:7.1f} ms   {ms / hello:4.2f} x hello world")
print(f"  {batch['command']:40s} {batch['median']:7.2f} s    {count / batch['median']:,.0f} emails/s")
matched = sum(1 for r in results if r["matches"])
print(f"  batch: {len(results)} results from {count} emails, {matched / len(results):.1%} with a matching entry")
PY
