import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The package folder, found from this file's path (Tests/HardeningTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The committed hostile corpus (Tests/HardeningTests/Fixtures/).
let hardeningFixtures = repositoryRoot.appendingPathComponent("Tests/HardeningTests/Fixtures")

/// A folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-hardening-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let target = path(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
    }

    func remove() {
        // Undo `chattr +i` and read-only modes a test may have left behind before deleting.
        _ = try? run("/usr/bin/chattr", ["-R", "-i", url.path])
        try? FileManager.default.removeItem(at: url)
    }
}

/// A small valid content folder (site.yml, one category, one entry) that a test adds one
/// hostile file to, so every diagnostic seen comes from that file.
func makeContentSkeleton(in folder: TemporaryFolder) throws {
    try folder.write("content/site.yml", "title: Hardening\ndescription: A content folder for hostile-input tests.\nbase_url: /\nlanguage: en\n")
    try folder.write("content/mailbox/_index.md", "---\ntitle: Mailbox state\norder: 1\nsummary: Bounces about the recipient's mailbox.\n---\n\nBounces that describe the state of the destination mailbox.\n")
    try folder.write("content/mailbox/mailbox-full.md", goodEntry)
}

/// A valid entry, used as the base of line-ending and encoding variants.
let goodEntry = """
---
title: The recipient's mailbox is full
reply: 552
status: 5.2.2
reason: mailbox-full
summary: The recipient's mailbox has reached its storage quota, so the server refused to store the message.
match: ["mailbox full", "quota exceeded for {email}"]
---

## Details

The receiving server accepted the address but could not store the message because the mailbox is over its quota.

## Resolution

1. Tell the recipient through another channel that their mailbox is full.
2. Retry later; if the mailbox stays full for weeks, stop mailing the address.

"""

/// What a finished subprocess printed and returned.
struct ProcessResult {
    var status: Int32
    /// True when the process ended through a signal (a crash), with `status` the signal number.
    var signalled: Bool
    var stdout: Data
    var stderr: Data
    var seconds: Double
    /// Peak resident set size in KiB, sampled while the process ran (nil if it ended at once).
    var peakKiB: Int?

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
}

/// Runs `executable` with `arguments`, feeding it `stdin` (a file) and waiting for it, killing
/// it after `timeout` seconds. With `memoryCapMiB`, its address space is capped (`prlimit`,
/// which execs the command, so the child keeps one process id): a runaway allocation fails the
/// child instead of the machine. Peak RSS is read from /proc while it runs.
@discardableResult
func run(_ executable: String, _ arguments: [String], stdin: URL? = nil, directory: URL? = nil,
         environment: [String: String]? = nil, timeout: Double = 60, memoryCapMiB: Int? = nil) throws -> ProcessResult {
    let process = Process()
    var command = [executable] + arguments
    if let memoryCapMiB, FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") {
        command = ["/usr/bin/prlimit", "--as=\(memoryCapMiB << 20)", "--"] + command
    }
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    if let directory { process.currentDirectoryURL = directory }
    var env = environment ?? ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    process.environment = env
    let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }
    // Files, not pipes: a child that prints a lot can never block on a full pipe.
    process.standardOutput = try FileHandle(forWritingTo: outFile)
    process.standardError = try FileHandle(forWritingTo: errFile)
    process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle(forReadingAtPath: "/dev/null")
    let started = Date()
    try process.run()
    let deadline = started.addingTimeInterval(timeout)
    var peak: Int?
    while process.isRunning && Date() < deadline {
        if let high = highWaterMarkKiB(process.processIdentifier) { peak = max(peak ?? 0, high) }
        usleep(10_000)
    }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        Issue.record("\(executable) \(arguments.joined(separator: " ").prefix(200)) did not finish within \(timeout) s")
    }
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                         stdout: (try? Data(contentsOf: outFile)) ?? Data(), stderr: (try? Data(contentsOf: errFile)) ?? Data(),
                         seconds: Date().timeIntervalSince(started), peakKiB: peak)
}

/// VmHWM (peak resident set size) of a running process, in KiB.
func highWaterMarkKiB(_ pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
    return Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
}

/// Finds a built executable of this package: `$BOUNCEKB_BIN_DIR/<name>` when set, otherwise
/// next to the test bundle (SwiftPM puts test bundles and executables in one products folder).
func productPath(_ name: String) throws -> String {
    var folders: [URL] = []
    if let dir = ProcessInfo.processInfo.environment["BOUNCEKB_BIN_DIR"] { folders.append(URL(fileURLWithPath: dir)) }
    folders.append(Bundle.main.bundleURL)
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        folders.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for folder in folders {
        let candidate = folder.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    }
    throw MissingProduct(name: name)
}

struct MissingProduct: Error, CustomStringConvertible {
    var name: String
    var description: String { "executable '\(name)' not found next to the tests; build it first (swift build) or set BOUNCEKB_BIN_DIR" }
}

/// Every regular file under `folder`, as paths relative to it, sorted.
func files(under folder: URL) -> [String] {
    guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var result: [String] = []
    let base = folder.standardizedFileURL.path + "/"
    for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
        result.append(String(url.standardizedFileURL.path.dropFirst(base.count)))
    }
    return result.sorted()
}
