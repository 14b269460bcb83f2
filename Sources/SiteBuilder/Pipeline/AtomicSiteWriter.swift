import BounceKB
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
        let session = try begin(paths: files.map(\.path))
        do throws(BuildFailure) {
            try write(files, in: session)
        } catch {
            abort(session)
            throw error
        }
        try finish(session, produced: Set(files.map(\.path)))
        return files.reduce(0) { $0 + $1.contents.count }
    }

    /// A write in progress: the hidden folder beside the output that files go to until the swap.
    /// Files may be written from several threads at once, each file once.
    final class Session: Sendable {
        /// The temporary folder, with a trailing slash.
        let folder: String
        let url: URL
        /// The temporary folder, open, for creating its files and folders relative to it (-1
        /// when it could not be opened: paths are then made whole). Opening a file by a path
        /// under `/dev/shm/…/.public.tmp-…/` looks every folder of that path up again, which
        /// for 20,000 files was a noticeable part of the kernel's share of a large build.
        private let descriptor: Int32

        init(url: URL) {
            self.url = url
            folder = url.path.hasSuffix("/") ? url.path : url.path + "/"
            descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }

        deinit {
            if descriptor >= 0 { _ = posixClose(descriptor) }
        }

        /// Creates the file `path` (relative to the folder) for writing; its descriptor, or -1
        /// with `errno` set.
        func create(_ path: String) -> Int32 {
            let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
            return descriptor >= 0 ? openat(descriptor, path, flags, 0o644) : open(folder + path, flags, 0o644)
        }

        /// Creates the folder `path` (relative to the folder); 0, or -1 with `errno` set.
        func makeFolder(_ path: String) -> Int32 {
            descriptor >= 0 ? mkdirat(descriptor, path, 0o755) : mkdir(folder + path, 0o755)
        }
    }

    /// Checks `paths` (every file the site will have) and the output folder, creates the
    /// temporary folder with every folder the paths need, and starts deferring interrupting
    /// signals. Every session ends with `finish` or `abort`.
    func begin(paths: [String]) throws(BuildFailure) -> Session {
        let folders = try checkPaths(paths)
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
        do {
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            WriteInterruption.end(output: displayPath)
            throw failure("cannot create a temporary folder beside the output: \(error.localizedDescription)")
        }
        let session = Session(url: temporary)
        do throws(BuildFailure) {
            try createFolders(folders, in: session)
        } catch {
            abort(session)
            throw error
        }
        return session
    }

    /// Writes `files` into the session's folder, on all cores.
    func write(_ files: [OutputFile], in session: Session) throws(BuildFailure) {
        let errors = Parallel.map(files, minimumBatch: 8) { file -> String? in
            guard WriteInterruption.received == nil else { return nil }
            return Self.writeFile(file.contents, to: file.path, in: session)
        }
        for (file, message) in zip(files, errors) {
            if let message { throw failure("cannot write file: \(message)", path: file.path) }
        }
    }

    /// Writes one file into the session's folder; nil on success, the reason otherwise. Safe to
    /// call from several threads for different files.
    func write(_ contents: Data, to path: String, in session: Session) -> String? {
        Self.writeFile(contents, to: path, in: session)
    }

    /// A file of the session written piece by piece, in order: for a file too large to hold in
    /// memory whole (`api/v1/entries.json` of a large site).
    final class StreamedFile {
        let path: String
        private var descriptor: Int32
        /// The first write error, if any; later appends are skipped.
        private(set) var failure: String?
        private(set) var bytes = 0

        fileprivate init(path: String, descriptor: Int32) {
            self.path = path
            self.descriptor = descriptor
        }

        func append(_ data: [UInt8]) {
            guard failure == nil, descriptor >= 0 else { return }
            failure = data.withUnsafeBytes { AtomicSiteWriter.writeAll($0, to: descriptor) }
            if failure == nil { bytes += data.count }
        }

        /// Closes the file; returns the first error of its life, if any.
        func close() -> String? {
            if descriptor >= 0 {
                if posixClose(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
                descriptor = -1
            }
            return failure
        }

        deinit { _ = close() }
    }

    /// Creates `path` in the session's folder for writing in pieces.
    func streamedFile(_ path: String, in session: Session) throws(BuildFailure) -> StreamedFile {
        let descriptor = session.create(path)
        guard descriptor >= 0 else { throw writeFailure(String(cString: strerror(errno)), path: path) }
        return StreamedFile(path: path, descriptor: descriptor)
    }

    /// `write(_:to:in:)` for a rendered page, written as UTF-8 without first copying it into `Data`.
    func write(page: RenderedPage, to path: String, in session: Session) -> String? {
        let descriptor = session.create(path)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure = page.withUTF8 { Self.writeAll($0, to: descriptor) }
        if posixClose(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// The failure `write(_:to:in:)`'s message stands for.
    func writeFailure(_ message: String, path: String) -> BuildFailure {
        failure("cannot write file: \(message)", path: path)
    }

    /// Keeps the preserved files the new site lacks and swaps the new site in; on failure the
    /// previous output stays and the temporary folder is removed. `produced` holds the paths
    /// written, or at least those of them that are preserved files.
    func finish(_ session: Session, produced: Set<String>) throws(BuildFailure) {
        defer { WriteInterruption.end(output: displayPath) }
        do throws(BuildFailure) {
            try carryOverPreservedFiles(into: session.url, produced: produced)
            if let signal = WriteInterruption.received {
                throw failure("interrupted by \(WriteInterruption.name(of: signal))")
            }
            try swapIn(session.url)
        } catch {
            Self.removeTree(session.url.path)
            throw error
        }
    }

    /// Gives up: removes the temporary folder; the previous output is untouched.
    func abort(_ session: Session) {
        Self.removeTree(session.url.path)
        WriteInterruption.end(output: displayPath)
    }

    /// The interrupting signal received during the write, as the failure to report, if any.
    func interruption() -> BuildFailure? {
        WriteInterruption.received.map { failure("interrupted by \(WriteInterruption.name(of: $0))") }
    }

    /// Creates the folders `paths` need that do not exist yet (for files known only later).
    func prepareFolders(for paths: [String], in session: Session) throws(BuildFailure) {
        var seen: Set<Substring> = []
        var folders: [Substring] = []
        for path in paths { try Self.forEachNewFolder(of: path, seen: &seen) { folders.append($0) } }
        try createFolders(folders, in: session)
    }

    /// The path checks of `write(_:)` on their own: inside the output, one file per path, no
    /// path both a file and a folder.
    func checkPathsOnly(_ paths: [String]) throws(BuildFailure) {
        _ = try checkPaths(paths)
    }

    /// Calls `body` with each folder `path` is in, deepest first, that `seen` does not hold
    /// yet, and adds it: a folder already seen had its own parents seen with it.
    private static func forEachNewFolder(of path: String, seen: inout Set<Substring>, _ body: (Substring) throws(BuildFailure) -> Void) throws(BuildFailure) {
        var end = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        while let slash = end {
            let folder = path[..<slash]
            guard seen.insert(folder).inserted else { return }
            try body(folder)
            end = folder.utf8.lastIndex(of: UInt8(ascii: "/"))
        }
    }

    /// Creates `folders`, which must include every parent of each (as `checkPaths` and
    /// `forEachNewFolder` list them).
    private func createFolders(_ folders: [Substring], in session: Session) throws(BuildFailure) {
        // Level by level, each level on all cores, so every parent exists before its children: a
        // large site has a folder per entry page, and making 100,000 of them one after another
        // was a serial second of the build.
        var levels: [[Substring]] = []
        for directory in folders {
            let depth = directory.utf8.reduce(0) { $1 == UInt8(ascii: "/") ? $0 + 1 : $0 }
            while levels.count <= depth { levels.append([]) }
            levels[depth].append(directory)
        }
        let folder = session.folder
        for level in levels {
            // mkdir(2) directly: FileManager costs several times more per folder.
            let failed = Parallel.map(level, minimumBatch: 64) { directory -> Bool in
                if session.makeFolder(String(directory)) == 0 { return false }
                var info = stat()
                return !(errno == EEXIST && stat(folder + directory, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR)
            }
            // FileManager's error message is the one reported, so a failure is retried through
            // it; in name order, so that with several failures the same one is reported.
            for (directory, _) in zip(level, failed).filter(\.1).sorted(by: { $0.0 < $1.0 }) {
                do {
                    try FileManager.default.createDirectory(at: session.url.appendingPathComponent(String(directory)), withIntermediateDirectories: false)
                } catch {
                    throw failure("cannot create folder: \(error.localizedDescription)", path: String(directory))
                }
            }
        }
    }

    /// Writes `data` to a new file with plain POSIX calls; nil on success, the reason otherwise.
    ///
    /// Not `Data.write(to:)`: it syncs every file to disk, which makes writing thousands of pages
    /// several times slower, and durability is not what makes the swap safe (the rename is).
    private static func writeFile(_ data: Data, to path: String, in session: Session) -> String? {
        let descriptor = session.create(path)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        var failure = data.withUnsafeBytes { writeAll($0, to: descriptor) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        return failure
    }

    /// Writes all of `buffer` to `descriptor`; nil on success, the reason otherwise.
    fileprivate static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) -> String? {
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let written = posixWrite(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }

    /// Removes the folder at `path` and everything in it, without following symbolic links,
    /// ignoring errors (what cannot be removed stays). Level by level on all cores: each level's
    /// folders are listed, their files unlinked, then the folders are removed deepest level
    /// first. A previous site of 100,000 entries is hundreds of thousands of files, most of
    /// them in a few large folders (`api/v1/entries/`), so splitting by top-level folder left
    /// one core doing most of the work.
    static func removeTree(_ path: String) {
        var levels: [[String]] = []
        var current = [path]
        while !current.isEmpty {
            levels.append(current)
            let listings = Parallel.map(current, minimumBatch: 1) { listFolder($0) }
            let files = listings.flatMap(\.files)
            Parallel.forEachIndex(count: files.count, minimumBatch: 256) { index in
                _ = unlink(files[index])
            }
            current = listings.flatMap(\.folders)
        }
        for level in levels.reversed() {
            Parallel.forEachIndex(count: level.count, minimumBatch: 64) { index in
                _ = rmdir(level[index])
            }
        }
    }

    /// The paths of what `path` holds: folders, and everything else (files, links).
    private static func listFolder(_ path: String) -> (files: [String], folders: [String]) {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var files: [String] = []
        var folders: [String] = []
        for entry in DirectoryListing.entries(path) ?? [] {
            var isFolder = entry.kind == .directory
            if entry.kind == .unknown {
                // Without following links: a link to a folder is removed as a file.
                var info = stat()
                isFolder = lstat(prefix + entry.name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            if isFolder {
                folders.append(prefix + entry.name)
            } else {
                files.append(prefix + entry.name)
            }
        }
        return (files, folders)
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
            Self.removeTree(temporary.path)
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
        Self.removeTree(backup.path)
    }

    /// Every path must stay inside the output folder and be claimed by one file only.
    /// Checks `paths` (see `checkPathsOnly`) and returns the folders they are in, each once,
    /// parents included.
    private func checkPaths(_ paths: [String]) throws(BuildFailure) -> [Substring] {
        // Substrings of the paths, so that looking a folder up makes no new string.
        var seen = Set<Substring>(minimumCapacity: paths.count)
        for path in paths {
            if !Self.isInsideOutput(path) {
                throw failure("refusing to write a file outside the output folder", path: path)
            }
            if !seen.insert(path[...]).inserted {
                throw failure("two outputs claim the same file", path: path)
            }
        }
        // A file may not also be a folder of another file (e.g. "a" and "a/b"). In input order,
        // so that with several clashes the same one is reported every time; each folder once.
        var folderSet: Set<Substring> = []
        var folders: [Substring] = []
        for path in paths {
            try Self.forEachNewFolder(of: path, seen: &folderSet) { (folder: Substring) throws(BuildFailure) in
                if seen.contains(folder) { throw failure("\(folder) is both a file and a folder", path: String(folder)) }
                folders.append(folder)
            }
        }
        return folders
    }

    /// Whether `path` is relative, without empty, `.` or `..` segments, and without NUL.
    private static func isInsideOutput(_ path: String) -> Bool {
        // A site has hundreds of thousands of paths; ASCII ones (all real ones) are checked on
        // bytes, where a byte is a character. Others take the character-wise check.
        let ascii: Bool? = path.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            if bytes.isEmpty || bytes.contains(0) { return false }
            var segmentStart = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                let length = index - segmentStart
                let dot = UInt8(ascii: ".")
                if length == 0 || (length == 1 && bytes[segmentStart] == dot) || (length == 2 && bytes[segmentStart] == dot && bytes[segmentStart + 1] == dot) {
                    return false
                }
                segmentStart = index + 1
            }
            return true
        } ?? nil
        if let ascii { return ascii }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return !(path.isEmpty || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) || path.contains("\0"))
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

/// `close(2)`, reachable from inside `StreamedFile`, whose own `close()` hides the C function.
private func posixClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}

/// `write(2)`, reachable from inside `AtomicSiteWriter`, whose own `write(_:)` hides the C function.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
