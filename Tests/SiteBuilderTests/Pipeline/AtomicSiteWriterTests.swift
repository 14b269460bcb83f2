import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

@Suite struct AtomicSiteWriterTests {
    static func files(_ pairs: [(String, String)]) -> [OutputFile] {
        pairs.map { OutputFile(path: $0.0, text: $0.1) }
    }

    /// Names in `folder` that look like the writer's temporary or backup folders.
    static func leftovers(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") || $0.contains(".old-") }
    }

    @Test func writesIntoANewFolder() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("public")
        let bytes = try AtomicSiteWriter(output: output).write(Self.files([("index.html", "home"), ("a/b/index.html", "deep")]))
        #expect(bytes == 8)
        #expect(try Fixtures.snapshot(of: output) == ["index.html": Data("home".utf8), "a/b/index.html": Data("deep".utf8)])
        #expect(try Self.leftovers(in: parent).isEmpty)
    }

    @Test func replacesThePreviousSiteAndKeepsItsReadme() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("public")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try "tracked by git".write(to: output.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try AtomicSiteWriter(output: output).write(Self.files([("index.html", "one"), ("stale/index.html", "old")]))
        try AtomicSiteWriter(output: output).write(Self.files([("index.html", "two")]))
        #expect(try Fixtures.snapshot(of: output) == ["index.html": Data("two".utf8), "README.md": Data("tracked by git".utf8)])
        #expect(try Self.leftovers(in: parent).isEmpty)
    }

    @Test func aFailedWriteLeavesThePreviousSiteUntouched() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("public")
        try AtomicSiteWriter(output: output).write(Self.files([("index.html", "good"), ("assets/site.css", "body{}")]))
        let before = try Fixtures.snapshot(of: output)

        // "x" as both a file and a folder cannot be written.
        #expect {
            try AtomicSiteWriter(output: output).write(Self.files([("index.html", "new"), ("x", "file"), ("x/y", "nested")]))
        } throws: { error in
            (error as? BuildFailure)?.step == .write && (error as? BuildFailure)?.message.contains("both a file and a folder") == true
        }
        // An output path that escapes the folder is refused.
        #expect(throws: BuildFailure.self) { try AtomicSiteWriter(output: output).write(Self.files([("../escape.html", "x")])) }
        #expect(throws: BuildFailure.self) { try AtomicSiteWriter(output: output).write(Self.files([("index.html", "a"), ("index.html", "b")])) }

        #expect(try Fixtures.snapshot(of: output) == before)
        #expect(try Self.leftovers(in: parent).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("escape.html").path))
    }

    @Test func aFailureWhileWritingFilesCleansUpTheTemporaryFolder() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("public")
        try AtomicSiteWriter(output: output).write(Self.files([("index.html", "good")]))
        let before = try Fixtures.snapshot(of: output)
        // A name longer than the file system allows fails in the middle of writing.
        let long = String(repeating: "n", count: 300)
        #expect(throws: BuildFailure.self) {
            try AtomicSiteWriter(output: output).write(Self.files([("a.html", "a"), ("\(long).html", "b"), ("z.html", "z")]))
        }
        #expect(try Fixtures.snapshot(of: output) == before)
        #expect(try Self.leftovers(in: parent).isEmpty)
    }

    @Test func refusesToReplaceAFolderThatIsNotASite() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try "precious".write(to: output.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: BuildFailure.self) { try AtomicSiteWriter(output: output).write(Self.files([("index.html", "x")])) }
        #expect(try Fixtures.snapshot(of: output) == ["notes.txt": Data("precious".utf8)])
    }

    @Test func refusesToReplaceAFolderHoldingTheSources() throws {
        let parent = try Fixtures.temporaryFolder()
        let content = parent.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try "x".write(to: parent.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let writer = AtomicSiteWriter(output: parent, protectedFolders: [content])
        #expect(throws: BuildFailure.self) { try writer.write(Self.files([("index.html", "x")])) }
        #expect(FileManager.default.fileExists(atPath: content.path))
    }
}
