#!/usr/bin/env bash
# Benchmarks `bouncekb build` and prints a table: synthetic corpora of 1,000, 10,000 and 100,000
# entries (Benchmarks/generate-corpus.py) and the real content/, each built with the output on
# tmpfs and on disk, and what the file system alone costs for the 10,000-entry site
# (Benchmarks/fs-floor.swift: its tree written and removed). Then runs the `bounce` and
# site-search benchmarks (Benchmarks/bounce/*.sh, Benchmarks/search/*.sh) when they are present.
# docs/performance.md explains the figures.
#
# usage: Benchmarks/run.sh [--quick] [--no-extras]
#   --quick       1,000 and 10,000 entries only (a few minutes instead of half an hour)
#   --no-extras   skip the bounce and site-search benchmarks
# environment:
#   SCRATCH   build folder for `swift build` (default: .build)
#   RUNS      hyperfine runs per build up to 10,000 entries (default 5; 100,000 entries: 3,
#             on disk at 10,000 and more: 2)
#   WORK      folder for corpora and on-disk outputs (default: a new folder under $TMPDIR,
#             removed at the end)
#   SHM       tmpfs folder for the tmpfs outputs (default /dev/shm)
#
# Needs: swift, python3, hyperfine, GNU time (/usr/bin/time; `apt-get install time`).
set -euo pipefail

quick=0
extras=1
for argument in "$@"; do
    case "$argument" in
        --quick) quick=1 ;;
        --no-extras) extras=0 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $argument" >&2; exit 2 ;;
    esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="${SCRATCH:-.build}"
runs="${RUNS:-5}"
shm="${SHM:-/dev/shm}"
sizes=(1000 10000 100000)
[ "$quick" = 1 ] && sizes=(1000 10000)

for tool in swift python3 hyperfine; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "run.sh: GNU time is required (apt-get install time)" >&2; exit 1; }
[ -d "$shm" ] && [ -w "$shm" ] || { echo "run.sh: no writable tmpfs at $shm (set SHM)" >&2; exit 1; }

work="${WORK:-}"
if [ -z "$work" ]; then
    work="$(mktemp -d "${TMPDIR:-/tmp}/bouncekb-bench.XXXXXX")"
    trap 'rm -rf "$work" "$shm"/bouncekb-bench-$$' EXIT
else
    mkdir -p "$work"
    trap 'rm -rf "$shm"/bouncekb-bench-$$' EXIT
fi
# Corpora on tmpfs as well: writing 100,000 small files to disk takes minutes, and the build
# reads them from the page cache either way.
corpora="$shm/bouncekb-bench-$$/corpora"
tmpfs_out="$shm/bouncekb-bench-$$/out"
disk_out="$work/out"
mkdir -p "$corpora" "$tmpfs_out" "$disk_out"
results="$work/results.tsv"
: > "$results"

echo "== machine" >&2
echo "nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}'); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "== building bouncekb (release, $scratch)" >&2
swift build -c release --scratch-path "$scratch" --product bouncekb >&2
bouncekb="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/bouncekb"

# One row: label, corpus folder, output folder, hyperfine runs.
measure() {
    local label="$1" content="$2" output="$3" count="$4"
    local json="$work/hyperfine-$label.json"
    local command="$bouncekb build --content $content --templates $root/templates --output $output --quiet"
    rm -rf "$output"
    # The first build (a warm-up) creates the output; every measured one replaces it, as a rebuild does.
    hyperfine --warmup 1 --runs "$count" --export-json "$json" --command-name "$label" "$command" >&2
    # Peak memory and the summary line of one more build.
    local timing="$work/time-$label.txt"
    /usr/bin/time -v $bouncekb build --content "$content" --templates "$root/templates" --output "$output" > "$work/summary-$label.txt" 2> "$timing"
    python3 - "$json" "$timing" "$work/summary-$label.txt" "$label" >> "$results" <<'PY'
import json, re, sys
data = json.load(open(sys.argv[1]))["results"][0]
timing = open(sys.argv[2]).read()
summary = open(sys.argv[3]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
line = [l for l in summary.splitlines() if l.startswith("built ")][-1]
pages, files, size = re.search(r"built (\d+) pages? \((\d+) files?, (\d+) bytes?\)", line).groups()
# hyperfine reports the mean user and system time of a run.
cpu = data["user"] + data["system"]
print("\t".join([sys.argv[4], f"{data['median']:.3f}", f"{min(data['times']):.3f}", f"{max(data['times']):.3f}",
                 f"{cpu:.3f}", str(len(data["times"])), str(rss), pages, files, size]))
PY
    rm -rf "$output"
}

echo "== real content (content/)" >&2
measure "real-tmpfs" "$root/content" "$tmpfs_out/real" "$((runs * 2))"
measure "real-disk" "$root/content" "$disk_out/real" "$runs"

for n in "${sizes[@]}"; do
    echo "== $n entries" >&2
    python3 Benchmarks/generate-corpus.py "$n" "$corpora/corpus-$n"
    tmpfs_runs=$runs
    disk_runs=$runs
    [ "$n" -ge 100000 ] && tmpfs_runs=3
    [ "$n" -ge 10000 ] && disk_runs=2
    measure "$n-tmpfs" "$corpora/corpus-$n" "$tmpfs_out/site-$n" "$tmpfs_runs"
    if [ "$n" = 10000 ]; then
        # The file system's own share of such a build: the same tree written and removed. A
        # failure here only loses that table, not the figures around it.
        if swiftc -O Benchmarks/fs-floor.swift -o "$work/fs-floor" >&2 \
            && "$bouncekb" build --content "$corpora/corpus-$n" --templates "$root/templates" --output "$tmpfs_out/site-$n" --quiet; then
            "$work/fs-floor" "$tmpfs_out/site-$n" > "$work/fs-floor.txt" || echo "run.sh: fs-floor failed" >&2
        else
            echo "run.sh: could not measure the file system floor" >&2
        fi
        rm -rf "$tmpfs_out/site-$n"
    fi
    measure "$n-disk" "$corpora/corpus-$n" "$disk_out/site-$n" "$disk_runs"
    [ "$n" -lt 100000 ] || rm -rf "$corpora/corpus-$n"
done

echo >&2
python3 - "$results" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
by = {r[0]: r for r in rows}
print("bouncekb build: medians of hyperfine runs (the first, warm-up build is not counted)")
print()
print(f"| {'corpus':<16} | {'output':<6} | {'median':>8} | {'min':>8} | {'max':>8} | {'CPU/run':>8} | {'runs':>4} | {'peak RSS':>9} | {'pages':>7} | {'files':>7} | {'bytes':>13} |")
print(f"|{'-'*18}|{'-'*8}|{'-'*10}|{'-'*10}|{'-'*10}|{'-'*10}|{'-'*6}|{'-'*11}|{'-'*9}|{'-'*9}|{'-'*15}|")
for r in rows:
    label, median, low, high, cpu, runs, rss, pages, files, size = r
    corpus, output = label.rsplit("-", 1)
    corpus = "content/ (real)" if corpus == "real" else f"{int(corpus):,} entries"
    print(f"| {corpus:<16} | {output:<6} | {float(median):7.3f}s | {float(low):7.3f}s | {float(high):7.3f}s | {float(cpu):7.3f}s | {runs:>4} | {int(rss) / 1024:6.0f} MiB | {int(pages):>7,} | {int(files):>7,} | {int(size):>13,} |")
print()
if "10000-tmpfs" in by and "100000-tmpfs" in by:
    ratio = float(by["100000-tmpfs"][1]) / float(by["10000-tmpfs"][1])
    print(f"10k -> 100k (tmpfs medians): x{ratio:.2f} (target: at most x11, i.e. linear)")
targets = [("real-tmpfs", 0.1, "real content on tmpfs under 0.1 s"), ("10000-tmpfs", 1.0, "10,000 entries on tmpfs in at most 1.0 s")]
for label, limit, text in targets:
    if label in by:
        value = float(by[label][1])
        print(f"target {text}: {value:.3f} s -> {'met' if value <= limit else 'NOT met'}")
if "100000-tmpfs" in by:
    rss = int(by["100000-tmpfs"][6]) / 1024
    print(f"target 100,000 entries under 1 GiB peak memory: {rss:.0f} MiB -> {'met' if rss < 1024 else 'NOT met'}")
PY
if [ -s "$work/fs-floor.txt" ]; then
    echo
    cat "$work/fs-floor.txt"
fi

if [ "$extras" = 1 ]; then
    for script in Benchmarks/bounce/*.sh; do
        [ -e "$script" ] || continue
        echo >&2
        echo "== $script" >&2
        # bounce is built its own way (statically linked), in its own scratch folder.
        bash "$script" || echo "run.sh: $script failed" >&2
    done
    for script in Benchmarks/search/*.sh; do
        [ -e "$script" ] || continue
        echo >&2
        echo "== $script" >&2
        search_sizes=(1000 10000)
        mkdir -p "$work/search"
        BOUNCEKB="$bouncekb" WORK="$work/search" bash "$script" "${search_sizes[@]}" || echo "run.sh: $script failed" >&2
        rm -rf "$work/search"
    done
fi
