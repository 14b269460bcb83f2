// What the file system alone costs for a site: a floor under any build of it.
//
// usage: swiftc -O Benchmarks/fs-floor.swift -o fs-floor && ./fs-floor SITE [--threads N] [--rounds R]
//
// Reads every file of SITE (a built site, e.g. public/; it holds no links) into memory, then, R
// times (default 3), once on one thread and once on N threads (default: the cores this process
// may use):
//   - writes the same tree into a new folder beside SITE (same file system): every folder made,
//     every file created, written and closed, as `bouncekb build` writes its temporary folder;
//   - removes that tree again: every file unlinked, then every folder removed, deepest first, as
//     `bouncekb build` removes the previous site after the swap.
// Prints the median wall time and kernel CPU time (this process's system time) of each: the work
// no generator can avoid when it writes a new tree and removes the previous one, whatever it
// spends on rendering. Written in Swift with plain system calls, so that nothing but the kernel's
// work is measured (a Python version's interpreter lock halved its use of the second core).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Tree {
    var folders: [String] = []
    /// `folders` by depth, parents' level first: worked out once, outside the timed steps.
    var levels: [[String]] = []
    var files: [(path: String, bytes: [UInt8])] = []
    var byteCount: Int { files.reduce(0) { $0 + $1.bytes.count } }
}

func readTree(_ root: String) -> Tree? {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue,
          let enumerator = FileManager.default.enumerator(atPath: root) else { return nil }
    var tree = Tree()
    while let relative = enumerator.nextObject() as? String {
        let path = root + "/" + relative
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            tree.folders.append(relative)
        case S_IFREG:
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            tree.files.append((relative, [UInt8](data)))
        default:
            break
        }
    }
    tree.levels = levels(tree.folders)
    return tree
}

/// Calls `body(index)` for every index below `count`, spread over `threads` threads in
/// interleaved shares; true when every call succeeded.
func onThreads(_ threads: Int, _ count: Int, _ body: (Int) -> Bool) -> Bool {
    let failures = UnsafeMutablePointer<Int>.allocate(capacity: threads)
    defer { failures.deallocate() }
    failures.initialize(repeating: 0, count: threads)
    func run(_ share: Int) {
        var index = share
        while index < count {
            if !body(index) { failures[share] += 1 }
            index += threads
        }
    }
    if threads == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: threads) { run($0) } }
    return (0..<threads).allSatisfy { failures[$0] == 0 }
}

func levels(_ folders: [String]) -> [[String]] {
    var result: [[String]] = []
    for folder in folders {
        let depth = folder.split(separator: "/").count - 1
        while result.count <= depth { result.append([]) }
        result[depth].append(folder)
    }
    return result
}

func writeTree(_ tree: Tree, into target: String, threads: Int) -> Bool {
    for level in tree.levels {
        guard onThreads(threads, level.count, { mkdir(target + "/" + level[$0], 0o755) == 0 }) else { return false }
    }
    return onThreads(threads, tree.files.count) { index in
        let descriptor = open(target + "/" + tree.files[index].path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return tree.files[index].bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }
}

func removeTree(_ tree: Tree, from target: String, threads: Int) -> Bool {
    guard onThreads(threads, tree.files.count, { unlink(target + "/" + tree.files[$0].path) == 0 }) else { return false }
    for level in tree.levels.reversed() {
        guard onThreads(threads, level.count, { rmdir(target + "/" + level[$0]) == 0 }) else { return false }
    }
    return rmdir(target) == 0
}

struct Sample {
    var wall = 0.0, kernel = 0.0
}

func timed(_ step: () -> Bool) -> Sample? {
    func clock() -> (Double, Double) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9, Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }
    let before = clock()
    guard step() else { return nil }
    let after = clock()
    return Sample(wall: after.0 - before.0, kernel: after.1 - before.1)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fs-floor: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let site = arguments.first, !site.hasPrefix("-") else {
    fail("usage: fs-floor SITE [--threads N] [--rounds R]")
}
arguments.removeFirst()
// The cores this process may use (its CPU affinity and quota, as Foundation reads them).
let cores = ProcessInfo.processInfo.activeProcessorCount
var threads = max(1, cores)
var rounds = 3
while !arguments.isEmpty {
    let option = arguments.removeFirst()
    guard !arguments.isEmpty, let value = Int(arguments[0]), value > 0, option == "--threads" || option == "--rounds" else {
        fail("bad option \(option); usage: fs-floor SITE [--threads N] [--rounds R]")
    }
    arguments.removeFirst()
    if option == "--threads" { threads = min(value, 64) } else { rounds = value }
}
guard let tree = readTree(site) else { fail("cannot read the folder \(site)") }
let parent = (site as NSString).deletingLastPathComponent.isEmpty ? "." : (site as NSString).deletingLastPathComponent

print("file system floor for \(site): \(tree.files.count) files, \(tree.folders.count) folders, \(tree.byteCount) bytes; \(cores) cores, medians of \(rounds) rounds")
print("| step                     | threads |     wall | kernel CPU |")
print("|--------------------------|---------|----------|------------|")
func cell(_ seconds: Double, _ width: Int) -> String {
    let text = String(format: "%.3fs", seconds)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}
func row(_ label: String, _ count: Int, _ sample: Sample) {
    print("| \(label.padding(toLength: 24, withPad: " ", startingAt: 0)) | \(String(repeating: " ", count: max(0, 7 - String(count).count)))\(count) | \(cell(sample.wall, 8)) | \(cell(sample.kernel, 10)) |")
}
var totals: [Int: Sample] = [:]
for count in Set([1, threads]).sorted() {
    var writes: [Sample] = [], removals: [Sample] = []
    for _ in 0..<rounds {
        var template = Array("\(parent)/.fs-floor-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { fail("cannot make a folder in \(parent)") }
        let target = String(cString: made)
        guard let write = timed({ writeTree(tree, into: target, threads: count) }),
              let remove = timed({ removeTree(tree, from: target, threads: count) }) else {
            try? FileManager.default.removeItem(atPath: target)
            fail("writing or removing the tree in \(target) failed")
        }
        writes.append(write)
        removals.append(remove)
    }
    let write = Sample(wall: median(writes.map(\.wall)), kernel: median(writes.map(\.kernel)))
    let remove = Sample(wall: median(removals.map(\.wall)), kernel: median(removals.map(\.kernel)))
    row("write the tree", count, write)
    row("remove the tree", count, remove)
    let total = Sample(wall: write.wall + remove.wall, kernel: write.kernel + remove.kernel)
    row("both (sum of medians)", count, total)
    totals[count] = total
}
let best = totals.min { $0.value.wall < $1.value.wall }!
print(String(format: "a rebuild's file system work alone (write the new tree, remove the old): %.3f s of wall time on %d threads, %.3f s of kernel CPU",
             best.value.wall, best.key, best.value.kernel))
