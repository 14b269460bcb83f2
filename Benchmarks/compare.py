#!/usr/bin/env python3
"""Compares `bouncekb build` between binaries (or environments) by interleaving single runs.

On a shared machine whose speed drifts from minute to minute, two hyperfine runs taken one
after the other compare two different machines. Alternating one build of each configuration,
N rounds, and taking medians puts every configuration through the same drift.

usage: Benchmarks/compare.py [-n ROUNDS] CONTENT LABEL=BINARY [LABEL=BINARY ...]
  A configuration may set environment variables before its binary:
  'jemalloc=LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 .build/release/bouncekb'
  Builds run from the repository root (for templates/), into a folder under /dev/shm.

Prints, per configuration, the median and minimum wall time and the median CPU time (user +
system) of its builds.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def parse_configuration(text):
    label, separator, rest = text.partition("=")
    if not separator or not rest.strip():
        sys.exit(f"compare.py: expected LABEL=BINARY, got {text!r}")
    environment = dict(os.environ)
    words = rest.split()
    for word in words[:-1]:
        name, assigns, value = word.partition("=")
        if not assigns:
            sys.exit(f"compare.py: expected NAME=VALUE before the binary in {text!r}")
        environment[name] = value
    return label, environment, os.path.abspath(words[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=8)
    parser.add_argument("content")
    parser.add_argument("configurations", nargs="+")
    arguments = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    content = os.path.abspath(arguments.content)
    configurations = [parse_configuration(text) for text in arguments.configurations]
    output_root = tempfile.mkdtemp(prefix="bouncekb-compare-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    results = {label: ([], []) for label, _, _ in configurations}
    try:
        for _ in range(arguments.rounds):
            for label, environment, binary in configurations:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(
                    [binary, "build", "--content", content, "--output", os.path.join(output_root, "site"), "--quiet"],
                    env=environment, cwd=root, check=True)
                wall = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                results[label][0].append(wall)
                results[label][1].append(cpu)
    finally:
        shutil.rmtree(output_root, ignore_errors=True)
    width = max(len(label) for label in results)
    for label, (walls, cpus) in results.items():
        print(f"{label:<{width}}  wall median {statistics.median(walls):.3f} s  min {min(walls):.3f} s  "
              f"CPU median {statistics.median(cpus):.3f} s  ({len(walls)} builds)")


if __name__ == "__main__":
    main()
