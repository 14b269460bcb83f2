import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Failures while `bouncekb build` writes the site: whatever goes wrong, the previous `public/`
/// stays intact and complete, no temporary folder is left beside it, and the exit status and
/// message say what happened. These run the real command as root, which ignores permission
/// bits, so the failures are provoked with an immutable folder (`chattr +i`), a read-only bind
/// mount, a file where a folder should be, and a tiny tmpfs that fills up.
///
/// The tests change mounts and file attributes, so they run one at a time.
@Suite(.serialized) struct WriteFailureTests {
    /// A site built from the hostile corpus: a few hundred files, about 2 MB.
    struct Workspace {
        let folder: TemporaryFolder
        var content: URL { folder.path("content") }
        let templates = repositoryRoot.appendingPathComponent("templates")

        init(_ label: String, corpusSize: Int? = nil) throws {
            folder = try TemporaryFolder(label)
            if let corpusSize {
                let generated = try run("/usr/bin/python3", [repositoryRoot.appendingPathComponent("Benchmarks/generate-corpus.py").path, String(corpusSize), content.path], timeout: 120)
                guard generated.status == 0 else { throw Skip(reason: "generate-corpus.py failed: \(generated.err)") }
            } else {
                try FileManager.default.copyItem(at: hardeningFixtures.appendingPathComponent("hostile-content"), to: content)
            }
        }

        @discardableResult
        func build(into output: URL, timeout: Double = 120) throws -> ProcessResult {
            try run(try productPath("bouncekb"), ["build", "--content", content.path, "--templates", templates.path, "--output", output.path],
                    directory: folder.url, timeout: timeout)
        }

        func remove() { folder.remove() }
    }

    /// Whether this machine lets the tests mount file systems (root with CAP_SYS_ADMIN); where
    /// it does not, the mount tests are skipped with this reason rather than failed.
    static let mountPermitted: Bool = {
        guard let folder = try? TemporaryFolder("mount-probe") else { return false }
        defer { folder.remove() }
        guard let mounted = try? run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", folder.url.path]), mounted.status == 0 else { return false }
        _ = try? run("/usr/bin/umount", [folder.url.path])
        return true
    }()

    /// Whether `chattr +i` works here (root, and a file system with the immutable attribute).
    static let immutablePermitted: Bool = {
        guard let folder = try? TemporaryFolder("chattr-probe"),
              let set = try? run("/usr/bin/chattr", ["+i", folder.url.path]) else { return false }
        _ = try? run("/usr/bin/chattr", ["-i", folder.url.path])
        folder.remove()
        return set.status == 0
    }()

    struct Skip: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Path → contents hash of every file under `folder`: "intact and complete" means equal.
    static func manifest(_ folder: URL) -> [String: Int] {
        var result: [String: Int] = [:]
        for path in files(under: folder) {
            result[path] = (try? Data(contentsOf: folder.appendingPathComponent(path)))?.hashValue ?? -1
        }
        return result
    }

    /// Temporary and backup folders of a build, left beside the output.
    static func leftovers(beside output: URL) -> [String] {
        let name = output.lastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)) ?? []
        return siblings.filter { $0.hasPrefix(".\(name).tmp-") || $0.hasPrefix(".\(name).old-") }.sorted()
    }

    /// Builds once, breaks something, builds again: the second build must fail cleanly.
    func expectCleanFailure(_ workspace: Workspace, output: URL, message: String, breaking: () throws -> Void, repairing: () -> Void) throws {
        let first = try workspace.build(into: output)
        try #require(first.status == 0, "the first build failed: \(first.err)")
        let before = Self.manifest(output)
        try breaking()
        defer { repairing() }
        let second = try workspace.build(into: output)
        #expect(second.status == 1, "status \(second.status): \(second.err)")
        #expect(!second.signalled)
        #expect(second.err.contains(message), "\(second.err)")
        #expect(second.err.contains("was not changed"), "\(second.err)")
        repairing()
        #expect(Self.manifest(output) == before, "the previous site changed")
        #expect(Self.leftovers(beside: output).isEmpty, "left behind: \(Self.leftovers(beside: output))")
    }

    @Test(.enabled(if: immutablePermitted, "chattr +i is not permitted here (needs root on a file system with attributes)"))
    func parentFolderIsImmutable() throws {
        let workspace = try Workspace("write-immutable")
        defer { workspace.remove() }
        let site = workspace.folder.path("site")
        let output = site.appendingPathComponent("public")
        try expectCleanFailure(workspace, output: output, message: "cannot create a temporary folder beside the output",
                               breaking: { try #require(try run("/usr/bin/chattr", ["+i", site.path]).status == 0, "chattr +i is not available here") },
                               repairing: { _ = try? run("/usr/bin/chattr", ["-i", site.path]) })
    }

    @Test(.enabled(if: immutablePermitted, "chattr +i is not permitted here (needs root on a file system with attributes)"))
    func outputFolderIsImmutable() throws {
        let workspace = try Workspace("write-immutable-output")
        defer { workspace.remove() }
        let output = workspace.folder.path("public")
        // The temporary folder can be written, but the previous site cannot be moved aside.
        try expectCleanFailure(workspace, output: output, message: "public",
                               breaking: { try #require(try run("/usr/bin/chattr", ["+i", output.path]).status == 0) },
                               repairing: { _ = try? run("/usr/bin/chattr", ["-i", output.path]) })
    }

    @Test(.enabled(if: mountPermitted, "mount is not permitted here (needs root with CAP_SYS_ADMIN)"))
    func readOnlyFileSystem() throws {
        let workspace = try Workspace("write-readonly")
        defer { workspace.remove() }
        let site = workspace.folder.path("site")
        let output = site.appendingPathComponent("public")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        var mounted = false
        try expectCleanFailure(workspace, output: output, message: "cannot create a temporary folder beside the output",
                               breaking: {
                                   let bind = try run("/usr/bin/mount", ["--bind", site.path, site.path])
                                   try #require(bind.status == 0, "mount --bind is not permitted here: \(bind.err)")
                                   mounted = true
                                   try #require(try run("/usr/bin/mount", ["-o", "remount,ro,bind", site.path]).status == 0)
                               },
                               repairing: { if mounted { _ = try? run("/usr/bin/umount", [site.path]); mounted = false } })
    }

    @Test func fileWhereTheOutputFolderShouldBe() throws {
        let workspace = try Workspace("write-file")
        defer { workspace.remove() }
        try workspace.folder.write("public", "not a folder\n")
        let result = try workspace.build(into: workspace.folder.path("public"))
        #expect(result.status == 1)
        #expect(result.err.contains("the output exists and is not a folder"), "\(result.err)")
        #expect(try String(contentsOf: workspace.folder.path("public"), encoding: .utf8) == "not a folder\n")

        let nested = try workspace.build(into: workspace.folder.path("public/site"))
        #expect(nested.status == 1)
        #expect(nested.err.contains("cannot create the folder that holds the output"), "\(nested.err)")
    }

    /// A disk that fills up halfway through the write: the site needs about twice its size
    /// while the new copy is written beside the old one, so a tmpfs of 1.5 times the site's
    /// size takes the first build and fails the second.
    @Test(.enabled(if: mountPermitted, "mount is not permitted here (needs root with CAP_SYS_ADMIN)"))
    func diskFillsUpMidBuild() throws {
        let workspace = try Workspace("write-full")
        defer { workspace.remove() }
        let disk = workspace.folder.path("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = try run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.path])
        try #require(mount.status == 0, "cannot mount a tmpfs: \(mount.err)")
        defer { _ = try? run("/usr/bin/umount", [disk.path]) }
        let output = disk.appendingPathComponent("public")
        try expectCleanFailure(workspace, output: output, message: "No space left on device", breaking: {
            // Shrink the disk to 1.5 times what the first build used: the second build needs twice.
            var stats = statvfs()
            try #require(statvfs(disk.path, &stats) == 0)
            let used = Int(stats.f_blocks - stats.f_bfree) * Int(stats.f_frsize)
            try #require(try run("/usr/bin/mount", ["-o", "remount,size=\(used * 3 / 2)", disk.path]).status == 0)
        }, repairing: {})
    }

    /// SIGINT or SIGTERM while the site is being written (a synthetic corpus, big enough that
    /// the write takes a while): the previous site stays, the temporary folder is removed, a
    /// message says so, and the process ends by that signal, so the shell reports 130 or 143.
    ///
    /// `HARDENING_CORPUS_SIZE` sets the corpus size (default 300 entries; docs/security.md also
    /// reports a run with 3000).
    @Test func interruptedBuild() throws {
        let size = Int(ProcessInfo.processInfo.environment["HARDENING_CORPUS_SIZE"] ?? "") ?? 300
        let workspace = try Workspace("write-interrupt", corpusSize: size)
        defer { workspace.remove() }
        let output = workspace.folder.path("public")
        try #require(try workspace.build(into: output, timeout: 600).status == 0)
        let before = Self.manifest(output)
        for signal in [SIGINT, SIGTERM] {
            let process = Process()
            // The test runner may ignore or block SIGINT and SIGTERM, and children inherit that;
            // a small Python shim restores the defaults before it execs the build.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", """
                import os, signal, sys
                for s in (signal.SIGINT, signal.SIGTERM):
                    signal.signal(s, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT, signal.SIGTERM])
                os.execv(sys.argv[1], sys.argv[1:])
                """, try productPath("bouncekb"),
                "build", "--content", workspace.content.path, "--templates", workspace.templates.path, "--output", output.path]
            let errors = workspace.folder.path("stderr-\(signal).txt")
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errors)
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            // Wait until the write step has started (its temporary folder exists), then interrupt.
            let deadline = Date().addingTimeInterval(600)
            var sawTemporary = false
            while process.isRunning && Date() < deadline {
                if !Self.leftovers(beside: output).isEmpty {
                    sawTemporary = true
                    kill(process.processIdentifier, signal)
                    break
                }
                usleep(1_000)
            }
            process.waitUntilExit()
            try #require(sawTemporary, "the build finished before it could be interrupted; raise HARDENING_CORPUS_SIZE")
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                    "ended with \(process.terminationReason == .exit ? "exit status" : "signal") \(process.terminationStatus)")
            #expect(Self.manifest(output) == before, "the previous site changed")
            #expect(Self.leftovers(beside: output).isEmpty, "left behind: \(Self.leftovers(beside: output))")
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            #expect(message.contains("interrupted by \(signal == SIGINT ? "SIGINT" : "SIGTERM")") && message.contains("temporary folder was removed"), "\(message)")
        }
    }
}
