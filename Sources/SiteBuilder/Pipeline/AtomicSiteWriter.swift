import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a complete site so that the output folder is either the previous site or the new one,
/// never a mixture: files go to a hidden folder beside the output, which is renamed into place
/// only when every file has been written.
public struct AtomicSiteWriter: Sendable {
    /// The folder to replace, e.g. `public/`.
    public var output: URL
    /// Top-level files kept from the previous output when the new site does not have them
    /// (`public/README.md` is tracked by git and describes the folder).
    public var preservedFiles: [String]
    /// Folders the output must never be, nor contain (the content and templates folders, the
    /// working directory): replacing one of them would delete the user's sources.
    public var protectedFolders: [URL]
    /// How the output folder is named in messages.
    public var displayPath: String

    public init(output: URL, preservedFiles: [String] = ["README.md"], protectedFolders: [URL] = [], displayPath: String? = nil) {
        self.output = output.standardizedFileURL
        self.preservedFiles = preservedFiles
        self.protectedFolders = protectedFolders
        self.displayPath = displayPath ?? output.path
    }

    /// Writes `files` (paths relative to the output) and swaps them in. Returns the number of bytes written.
    ///
    /// On failure the previous output is left as it was and the temporary folder is removed.
    @discardableResult
    public func write(_ files: [OutputFile]) throws(BuildFailure) -> Int {
        try checkPaths(files)
        try checkOutputIsReplaceable()

        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        let name = output.lastPathComponent
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create the folder that holds the output: \(error.localizedDescription)")
        }
        let temporary = parent.appendingPathComponent(".\(name).tmp-\(Self.randomSuffix())")
        // From here on SIGINT, SIGTERM and SIGHUP only set a flag: the write stops at the next
        // file, the temporary folder is removed, and then the process ends by the signal (see
        // `WriteInterruption`), so an interrupted build never leaves a half-written folder.
        WriteInterruption.begin()
        defer { WriteInterruption.end(output: displayPath) }
        do {
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw failure("cannot create a temporary folder beside the output: \(error.localizedDescription)")
        }

        do throws(BuildFailure) {
            let bytes = try writeAll(files, into: temporary)
            try carryOverPreservedFiles(into: temporary, produced: Set(files.map(\.path)))
            if let signal = WriteInterruption.received {
                throw failure("interrupted by \(WriteInterruption.name(of: signal))")
            }
            try swapIn(temporary)
            return bytes
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw error
        }
    }

    private func writeAll(_ files: [OutputFile], into folder: URL) throws(BuildFailure) -> Int {
        var directories: Set<String> = []
        for file in files {
            var components = file.path.split(separator: "/").dropLast()
            while !components.isEmpty {
                directories.insert(components.joined(separator: "/"))
                components = components.dropLast()
            }
        }
        // Sorted, so every parent is created before its children.
        for directory in directories.sorted() {
            do {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(directory), withIntermediateDirectories: false)
            } catch {
                throw failure("cannot create folder: \(error.localizedDescription)", path: directory)
            }
        }

        let count = files.count
        let errors = UnsafeMutableBufferPointer<String?>.allocate(capacity: count)
        errors.initialize(repeating: nil)
        defer {
            errors.deinitialize()
            errors.deallocate()
        }
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let slots = errors
        let chunks = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var index = chunk
            while index < count && WriteInterruption.received == nil {
                slots[index] = Self.writeFile(files[index].contents, to: folder.appendingPathComponent(files[index].path).path)
                index += chunks
            }
        }
        for (index, message) in errors.enumerated() {
            if let message { throw failure("cannot write file: \(message)", path: files[index].path) }
        }
        return files.reduce(0) { $0 + $1.contents.count }
    }

    /// Writes `data` to a new file with plain POSIX calls; nil on success, the reason otherwise.
    ///
    /// Not `Data.write(to:)`: it syncs every file to disk, which makes writing thousands of pages
    /// several times slower, and durability is not what makes the swap safe (the rename is).
    private static func writeFile(_ data: Data, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure: String?
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = posixWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    private func carryOverPreservedFiles(into folder: URL, produced: Set<String>) throws(BuildFailure) {
        for name in preservedFiles where !produced.contains(name) {
            let previous = output.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: previous.path) else { continue }
            do {
                try FileManager.default.copyItem(at: previous, to: folder.appendingPathComponent(name))
            } catch {
                throw failure("cannot keep \(name) from the previous output: \(error.localizedDescription)", path: name)
            }
        }
    }

    private func swapIn(_ temporary: URL) throws(BuildFailure) {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: output.path) else {
            guard rename(temporary.path, output.path) == 0 else {
                throw failure("cannot move the new site into place: \(String(cString: strerror(errno)))")
            }
            return
        }
        // One atomic exchange where the system has it: there is no moment without an output
        // folder, even if the process is killed outright between two steps.
        if Self.exchange(temporary.path, output.path) {
            // `temporary` now holds the previous site.
            try? fileManager.removeItem(at: temporary)
            return
        }
        let backup = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(Self.randomSuffix())")
        guard rename(output.path, backup.path) == 0 else {
            throw failure("cannot move the previous output aside: \(String(cString: strerror(errno)))")
        }
        guard rename(temporary.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(backup.path, output.path)
            throw failure("cannot move the new site into place: \(reason)")
        }
        // The new site is in place; a backup that cannot be removed is litter, not a failed build.
        try? fileManager.removeItem(at: backup)
    }

    /// Every path must stay inside the output folder and be claimed by one file only.
    private func checkPaths(_ files: [OutputFile]) throws(BuildFailure) {
        var seen: Set<String> = []
        for file in files {
            let segments = file.path.split(separator: "/", omittingEmptySubsequences: false)
            if file.path.isEmpty || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) || file.path.contains("\0") {
                throw failure("refusing to write a file outside the output folder", path: file.path)
            }
            if !seen.insert(file.path).inserted {
                throw failure("two outputs claim the same file", path: file.path)
            }
        }
        // A file may not also be a folder of another file (e.g. "a" and "a/b").
        for path in seen {
            var prefix = path.split(separator: "/").dropLast()
            while !prefix.isEmpty {
                let folder = prefix.joined(separator: "/")
                if seen.contains(folder) { throw failure("\(folder) is both a file and a folder", path: folder) }
                prefix = prefix.dropLast()
            }
        }
    }

    /// The output may be replaced only if it is missing, empty, holds nothing but preserved
    /// files, or holds a previous build (an `index.html`), and if it is none of the protected folders.
    public func checkOutputIsReplaceable() throws(BuildFailure) {
        let outputPath = output.resolvingSymlinksInPath().path
        if outputPath == "/" { throw failure("refusing to use / as the output folder") }
        for folder in protectedFolders {
            let protected = folder.standardizedFileURL.resolvingSymlinksInPath().path
            if protected == outputPath || protected.hasPrefix(outputPath.hasSuffix("/") ? outputPath : outputPath + "/") {
                throw failure("refusing to replace a folder that holds \(folder.lastPathComponent)/; choose another --output")
            }
        }
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw failure("the output exists and is not a folder") }
        let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        let unknown = contents.filter { !preservedFiles.contains($0) }
        if !unknown.isEmpty && !contents.contains("index.html") {
            throw failure("refusing to replace a folder that does not hold a previous build (no index.html); empty it or choose another --output")
        }
    }

    private func failure(_ message: String, path: String? = nil) -> BuildFailure {
        BuildFailure(step: .write, path: path.map { "\(displayPath)/\($0)" } ?? displayPath, message: message)
    }

    private static func randomSuffix() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Swaps two paths atomically with Linux's `renameat2(RENAME_EXCHANGE)`; false where that is
    /// unavailable (other systems, old kernels, file systems without it), and the caller falls
    /// back to two renames.
    private static func exchange(_ first: String, _ second: String) -> Bool {
        #if os(Linux)
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let atCurrentDirectory: Int32 = -100, renameExchange: UInt32 = 2
        return renameat2(atCurrentDirectory, first, atCurrentDirectory, second, renameExchange) == 0
        #else
        return false
        #endif
    }
}

/// Defers SIGINT, SIGTERM and SIGHUP while a site is written, so that an interrupted build can
/// remove its temporary folder before it ends.
///
/// While any write is in progress, the three signals only record themselves (signals the
/// process was told to ignore stay ignored). When the last write ends, the previous handlers
/// come back and a recorded signal is raised again, so the process ends as that signal says
/// (the shell reports 130 for SIGINT, 143 for SIGTERM) after saying what became of the output.
enum WriteInterruption {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var active = 0
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]
    // Written by the signal handler, read by the writer threads; a plain aligned Int32 store is
    // all a handler may safely do.
    nonisolated(unsafe) private static var signalled: Int32 = 0

    /// The signal that arrived during the write, if any.
    static var received: Int32? {
        let value = signalled
        return value == 0 ? nil : value
    }

    static func begin() {
        lock.lock()
        defer { lock.unlock() }
        active += 1
        guard active == 1 else { return }
        signalled = 0
        for number in signals {
            var old = sigaction()
            guard sigaction(number, nil, &old) == 0 else { continue }
            // SIG_IGN is the handler value 1; a signal the process ignores stays ignored.
            if let handler = old.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) == 1 { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in WriteInterruption.record(number) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            if sigaction(number, &action, nil) == 0 { previous[number] = old }
        }
    }

    private static func record(_ number: Int32) {
        if signalled == 0 { signalled = number }
    }

    /// Restores the handlers; if a signal arrived, reports it and raises it again.
    static func end(output: String) {
        lock.lock()
        active -= 1
        guard active == 0 else {
            lock.unlock()
            return
        }
        for (number, var old) in previous { sigaction(number, &old, nil) }
        previous = [:]
        let number = signalled
        signalled = 0
        lock.unlock()
        guard number != 0 else { return }
        let program = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "bouncekb"
        let message = "\(program): interrupted by \(name(of: number)) while writing the site; \(output) was left complete "
            + "(the previous site, or the new one if it was already in place) and the temporary folder was removed\n"
        FileHandle.standardError.write(Data(message.utf8))
        raise(number)
    }

    static func name(of number: Int32) -> String {
        switch number {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}

/// `write(2)`, reachable from inside `AtomicSiteWriter`, whose own `write(_:)` hides the C function.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
