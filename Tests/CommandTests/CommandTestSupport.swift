import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repository root, found from this file's path (Tests/CommandTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The content fixtures shared with the library tests.
let contentFixtures = repositoryRoot.appendingPathComponent("Tests/BounceKBTests/Fixtures")

/// What a finished subprocess printed and returned.
struct CommandOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Finds a built executable of this package: `$BOUNCEKB_BIN_DIR/<name>` when set, otherwise next to
/// the test bundle (SwiftPM puts test bundles and executables in the same build products folder).
func productURL(_ name: String) throws -> URL {
    var folders: [URL] = []
    if let dir = ProcessInfo.processInfo.environment["BOUNCEKB_BIN_DIR"] {
        folders.append(URL(fileURLWithPath: dir))
    }
    folders.append(Bundle.main.bundleURL)
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    if let executable = Bundle.main.executableURL {
        folders.append(executable.deletingLastPathComponent())
    }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        folders.append(bundle.bundleURL.deletingLastPathComponent())
    }
    for folder in folders {
        let candidate = folder.appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw ProductNotFound(name: name, searched: folders.map(\.path))
}

struct ProductNotFound: Error, CustomStringConvertible {
    var name: String
    var searched: [String]
    var description: String {
        "executable '\(name)' not found in \(searched.joined(separator: ", ")); build it first (swift build) or set BOUNCEKB_BIN_DIR"
    }
}

/// Runs `bouncekb` with `arguments` in `directory` and waits for it.
func runBounceKB(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) throws -> CommandOutput {
    let process = Process()
    process.executableURL = try productURL("bouncekb")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = environment ?? ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NO_COLOR")
    if let environment, environment["NO_COLOR"] != nil { env["NO_COLOR"] = environment["NO_COLOR"] }
    process.environment = env
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Read before waiting so a large output cannot fill the pipe and block the child.
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutput(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
}

/// Runs `bouncekb` with its standard output on a pseudo-terminal, as when a person runs it.
func runBounceKBOnTerminal(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> CommandOutput {
    let pts = try PseudoTerminalFunctions()
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    guard master >= 0, pts.grant(master) == 0, pts.unlock(master) == 0, let name = pts.name(master) else {
        throw TerminalUnavailable()
    }
    let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
    guard slave >= 0 else { throw TerminalUnavailable() }
    let process = Process()
    process.executableURL = try productURL("bouncekb")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = environment
    process.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
    try process.run()
    close(slave)
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        // Reading the master fails with EIO once the child has exited and closed the terminal.
        let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        output.append(contentsOf: buffer[0..<count])
    }
    process.waitUntilExit()
    close(master)
    return CommandOutput(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: "")
}

/// A temporary folder holding a copy of a content fixture as `content/`.
struct FixtureCopy {
    let root: URL

    init(_ fixture: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-command-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: contentFixtures.appendingPathComponent(fixture), to: root.appendingPathComponent("content"))
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// grantpt, unlockpt and ptsname, which Swift's Glibc module leaves out (they need _XOPEN_SOURCE),
/// looked up at run time instead.
struct PseudoTerminalFunctions {
    typealias IntFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    let grant: IntFunction
    let unlock: IntFunction
    let name: NameFunction

    init() throws {
        let handle = dlopen(nil, RTLD_NOW)
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(handle, name) else { throw TerminalUnavailable() }
            return unsafeBitCast(pointer, to: type)
        }
        grant = try symbol("grantpt", as: IntFunction.self)
        unlock = try symbol("unlockpt", as: IntFunction.self)
        name = try symbol("ptsname", as: NameFunction.self)
    }
}

struct TerminalUnavailable: Error {}
