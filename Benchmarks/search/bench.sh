#!/usr/bin/env bash
# Site search benchmark: for each corpus size, generates a synthetic corpus
# (Benchmarks/generate-corpus.py), builds it with `bouncekb build`, and runs bench.js on it:
# index bytes per entry and milliseconds per keystroke of the browser engine under Node.
#
# usage: Benchmarks/search/bench.sh [N ...]        (default: 1000 10000)
#   BOUNCEKB=path/to/bouncekb  the binary to build with (default: built here in release mode)
#   WORK=dir                   where corpora and sites go (default: a temporary folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

if [ -z "${BOUNCEKB:-}" ]; then
    (cd "$repo" && swift build -c release --product bouncekb >&2)
    BOUNCEKB="$(cd "$repo" && swift build -c release --show-bin-path)/bouncekb"
fi
work="${WORK:-$(mktemp -d)}"
echo "bench: working in $work (load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a))" >&2

for n in "${sizes[@]}"; do
    corpus="$work/corpus-$n"
    site="$work/site-$n"
    python3 "$repo/Benchmarks/generate-corpus.py" "$n" "$corpus"
    start=$(date +%s.%N)
    "$BOUNCEKB" build --content "$corpus" --templates "$repo/templates" --output "$site" --quiet
    end=$(date +%s.%N)
    echo "bench: built $n entries in $(echo "$end - $start" | bc) s" >&2
    node "$repo/Benchmarks/search/bench.js" "$site" "$repo/templates/assets/search.js"
done
