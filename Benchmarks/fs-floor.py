#!/usr/bin/env python3
"""What the file system alone costs for a site: the floor under any build of it.

usage: Benchmarks/fs-floor.py SITE [--threads N] [--rounds R]

Reads every file of SITE (a built site, e.g. public/) into memory, then, R times (default 3):
  - writes the same tree into a new folder beside SITE (same file system): every folder made
    (mkdir), every file created, written and closed, on N threads (default: the cores);
  - removes that tree again (unlink every file, rmdir every folder, deepest first), on N threads.

Prints the median wall time and the median kernel CPU time (system time of this process) of each,
and their sum: the kernel work a rebuild that writes a new tree and removes the previous one
(as `bouncekb build` does, for its atomic swap) cannot avoid, whatever the generator. The system
calls release Python's lock, so the threads do run the kernel's work in parallel; the Python
overhead shows as user time and is not part of the floor.
"""
import os
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time


def read_tree(root):
    folders, files = [], []
    for folder, subfolders, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        if relative != ".":
            folders.append(relative)
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                files.append((os.path.join(relative, name) if relative != "." else name, handle.read()))
    # Parents before children, as a writer must make them.
    folders.sort(key=lambda path: path.count(os.sep))
    return folders, files


def on_threads(count, items, work):
    """Calls work(item) for every item, the items dealt round-robin to `count` threads."""
    def run(share):
        for item in share:
            work(item)
    threads = [threading.Thread(target=run, args=(items[index::count],)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def timed(step):
    wall, (user, system) = time.perf_counter(), cpu()
    step()
    (user2, system2) = cpu()
    return time.perf_counter() - wall, user2 - user, system2 - system


def write_tree(target, folders, files, threads):
    os.mkdir(target)
    # Level by level, each level on all threads, so that every parent exists first.
    levels = {}
    for folder in folders:
        levels.setdefault(folder.count(os.sep), []).append(folder)
    for depth in sorted(levels):
        on_threads(threads, levels[depth], lambda folder: os.mkdir(os.path.join(target, folder)))

    def write(item):
        path, data = item
        descriptor = os.open(os.path.join(target, path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        os.write(descriptor, data)
        os.close(descriptor)
    on_threads(threads, files, write)


def remove_tree(target, folders, files, threads):
    on_threads(threads, [path for path, _ in files], lambda path: os.unlink(os.path.join(target, path)))
    levels = {}
    for folder in folders:
        levels.setdefault(folder.count(os.sep), []).append(folder)
    for depth in sorted(levels, reverse=True):
        on_threads(threads, levels[depth], lambda folder: os.rmdir(os.path.join(target, folder)))
    os.rmdir(target)


def main(arguments):
    if not arguments or arguments[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if arguments else 2
    site = arguments[0]
    threads = os.cpu_count() or 1
    rounds = 3
    options = arguments[1:]
    while options:
        option = options.pop(0)
        if option == "--threads" and options:
            threads = int(options.pop(0))
        elif option == "--rounds" and options:
            rounds = int(options.pop(0))
        else:
            print(f"fs-floor.py: unknown option {option}", file=sys.stderr)
            return 2
    if not os.path.isdir(site):
        print(f"fs-floor.py: no folder {site}", file=sys.stderr)
        return 2
    folders, files = read_tree(site)
    size = sum(len(data) for _, data in files)
    parent = os.path.dirname(os.path.abspath(site))
    writes, removals = [], []
    for _ in range(rounds):
        target = tempfile.mkdtemp(prefix=".fs-floor-", dir=parent)
        os.rmdir(target)
        try:
            writes.append(timed(lambda: write_tree(target, folders, files, threads)))
            removals.append(timed(lambda: remove_tree(target, folders, files, threads)))
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def median(samples, index):
        return statistics.median(sample[index] for sample in samples)
    print(f"file system floor for {site}: {len(files):,} files, {len(folders):,} folders, {size:,} bytes; "
          f"{threads} threads, medians of {rounds} rounds")
    print(f"| {'step':<26} | {'wall':>8} | {'kernel CPU':>10} | {'Python CPU':>10} |")
    print(f"|{'-' * 28}|{'-' * 10}|{'-' * 12}|{'-' * 12}|")
    for label, samples in (("write the tree", writes), ("remove the tree", removals)):
        print(f"| {label:<26} | {median(samples, 0):7.3f}s | {median(samples, 2):9.3f}s | {median(samples, 1):9.3f}s |")
    total = [median(writes, index) + median(removals, index) for index in range(3)]
    print(f"| {'rebuild (write + remove)':<26} | {total[0]:7.3f}s | {total[2]:9.3f}s | {total[1]:9.3f}s |")
    print(f"kernel CPU / {threads} cores = {total[2] / threads:.3f} s: the least wall time any build of this site "
          f"that writes a new tree and removes the old one can take here")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
