import Foundation
import Testing
@testable import BounceKB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Content loader")
struct LoaderTests {
    @Test func loadsGoodContent() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let result = sandbox.load()
        #expect(result.diagnostics == [])
        let kb = result.knowledgeBase
        #expect(kb.site == Site(title: "BounceKB test site", description: "A tiny knowledge base used by the loader tests.", baseURL: "/", language: "en"))
        #expect(kb.categories.map(\.id) == ["sender", "recipient"])
        #expect(kb.categories[0].description == "Entries here are about the sending side: the address in `MAIL FROM` and the account that sends.")
        #expect(kb.entries.map(\.id) == ["sender-domain-not-found", "mailbox-disabled-account", "mailbox-does-not-exist"])
        #expect(result.entryFileCount == 3)
        #expect(result.categoryFolderCount == 2)
        #expect(result.sourceFiles["mailbox-does-not-exist"] == "content/recipient/mailbox-does-not-exist.md")

        let entry = try #require(kb.entry("mailbox-does-not-exist"))
        #expect(entry.category == "recipient")
        #expect(entry.title == "The recipient's mailbox does not exist")
        #expect(entry.reply == 550)
        #expect(entry.status == "5.1.1")
        #expect(entry.reason == "mailbox-not-found")
        #expect(entry.permanence == .permanent)
        #expect(entry.action == .suppressAddress)
        #expect(entry.match == ["user unknown", "no such user here", "{email}: recipient address rejected: user unknown in virtual mailbox table"])
        #expect(entry.providers == ["Postfix", "Exim"])
        #expect(entry.related == ["mailbox-disabled-account"])
        #expect(entry.references == [Reference(title: "RFC 3463: Enhanced Mail System Status Codes", url: "https://www.rfc-editor.org/rfc/rfc3463")])
        #expect(entry.details == """
            The receiving server looked up the part of the address before the `@` and found no mailbox with
            that name. It refused the recipient during the `RCPT TO` step, before any message text was sent.
            """)
        #expect(entry.resolution.hasPrefix("1. Check the address for typing mistakes"))
        #expect(entry.resolution.hasSuffix("retrying will fail again."))

        // `related` may be written as category/id; the loaded entry holds the plain id.
        #expect(kb.entry("sender-domain-not-found")?.related == ["mailbox-does-not-exist"])

        let source = try #require(result.entrySources["mailbox-does-not-exist"])
        #expect(source.location(of: "reason") == SourceLocation(line: 5, column: 9))
        #expect(source.location(of: "match", item: 1) == SourceLocation(line: 9, column: 5))
        #expect(source.detailsHeading == SourceLocation(line: 18, column: 1))
    }

    @Test func loadingIsDeterministic() throws {
        let sandbox = try ContentSandbox(fixture: "content-all-mistakes")
        defer { sandbox.remove() }
        let first = sandbox.load()
        let second = sandbox.load()
        #expect(first.diagnostics == second.diagnostics)
        #expect(first.knowledgeBase == second.knowledgeBase)
    }

    @Test func byteOrderMarkAndCRLFAreTolerated() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let path = "recipient/mailbox-disabled-account.md"
        let original = try sandbox.read(path)
        let expected = sandbox.load().knowledgeBase.entry("mailbox-disabled-account")
        try sandbox.write(path, bytes: [0xEF, 0xBB, 0xBF] + Array(original.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let result = sandbox.load()
        #expect(result.diagnostics == [])
        #expect(result.knowledgeBase.entry("mailbox-disabled-account") == expected)

        // Positions stay right with CRLF: a mistake is reported where an editor shows it.
        let broken = original.replacingOccurrences(of: "reason: mailbox-disabled", with: "reason: mailbox-disable")
        try sandbox.write(path, bytes: [0xEF, 0xBB, 0xBF] + Array(broken.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(sandbox.load().diagnostics == [
            .e("content/\(path)", 5, 9, "unknown reason 'mailbox-disable'; did you mean 'mailbox-disabled'?"),
        ])
    }

    @Test func nonUTF8FileNamesTheByteOffset() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let path = "recipient/mailbox-disabled-account.md"
        var bytes = Array(try sandbox.read(path).utf8)
        // A lone Latin-1 "é" right after "---\ntitle: The recipient" (24 bytes; column 21 of line 2).
        let offset = "---\ntitle: The recipient".utf8.count
        bytes.insert(0xE9, at: offset)
        try sandbox.write(path, bytes: bytes)
        #expect(sandbox.load().diagnostics == [
            .e("content/\(path)", 2, 21, "file is not valid UTF-8: byte 0xE9 at byte offset \(offset) cannot be decoded; save the file with UTF-8 encoding"),
        ])
    }

    @Test func utf8ValidatorRejectsOverlongsAndSurrogates() {
        #expect(SourceText.firstInvalidUTF8Offset(Array("héllo – ✓ 𝄞".utf8)[...]) == nil)
        #expect(SourceText.firstInvalidUTF8Offset([0x41, 0xC0, 0x80][...]) == 1)
        #expect(SourceText.firstInvalidUTF8Offset([0xED, 0xA0, 0x80][...]) == 0)
        #expect(SourceText.firstInvalidUTF8Offset([0x41, 0x42, 0xE2, 0x82][...]) == 2)
        #expect(SourceText.firstInvalidUTF8Offset([0xF4, 0x90, 0x80, 0x80][...]) == 0)
    }

    @Test func emptyFileIsReported() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        try sandbox.write("sender/blank.md", "\n\n")
        #expect(sandbox.load().diagnostics == [
            .e("content/sender/blank.md", 1, 1, "file is empty; start it with a '---' line, the front matter fields, and a closing '---' line"),
        ])
    }

    @Test(.timeLimit(.minutes(5)))
    func hugeFileIsRefusedWithoutReadingItAll() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        try sandbox.write("sender/huge.md", bytes: [UInt8](repeating: 0x61, count: 3 << 20))
        let start = Date()
        #expect(sandbox.load().diagnostics == [
            .e("content/sender/huge.md", 0, 0, "file is larger than 1024 KiB; content files must be small text files, so split it or remove what does not belong"),
        ])
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test(.timeLimit(.minutes(5)))
    func aliasBombsAndDeepNestingAreRejectedQuickly() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let body = "\n## Details\n\nx\n\n## Resolution\n\n1. y\n"
        var bomb = "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1..<16 {
            let name = "l\(level)"
            let previous = level == 1 ? "a" : "l\(level - 1)"
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ",") + "]\n"
        }
        // The same bomb used as mapping keys, which Yams would hash in full.
        bomb += "? *l15\n: x\n---\n" + body
        try sandbox.write("sender/bomb.md", bomb)
        try sandbox.write("sender/deep-flow.md", "---\ntitle: " + String(repeating: "[", count: 60_000) + "\n---\n" + body)
        try sandbox.write("sender/deep-block.md", "---\ntitle:\n" + (1...200).map { String(repeating: " ", count: $0) + "- x:" }.joined(separator: "\n") + "\n---\n" + body)
        try sandbox.write("sender/deep-dashes.md", "---\ntitle: " + String(repeating: "- ", count: 20_000) + "x\n---\n" + body)
        let start = Date()
        let diagnostics = sandbox.load().diagnostics.filter { $0.severity == .error }
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(diagnostics.map(\.file) == ["content/sender/bomb.md", "content/sender/deep-block.md", "content/sender/deep-dashes.md", "content/sender/deep-flow.md"])
        #expect(diagnostics.first == .e("content/sender/bomb.md", 2, 4, YAMLReader.anchorMessage))
        #expect(diagnostics.dropFirst().allSatisfy { $0.message.contains("nested too deeply") || $0.message.contains("larger than") })
    }

    /// The reader sizes its buffer from the file: every size around that buffer's edges, the
    /// old 64 KiB chunk and the limit reads whole, byte for byte, and one byte over is refused.
    @Test func filesAreReadWholeAtEverySizeUpToTheLimit() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let limit = ContentFileReader.maximumSize
        for size in [0, 1, 2, 4095, 4096, 4097, 65_535, 65_536, 65_537, 200_003, limit - 1, limit] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
            try sandbox.write("sender/f\(size).md", bytes: bytes)
            let path = sandbox.content.appendingPathComponent("sender/f\(size).md").path
            #expect(try ContentFileReader.readFile(path: path, display: "f.md").get() == bytes, "size \(size)")
        }
        for size in [limit + 1, limit + 4096, 3 << 20] {
            try sandbox.write("sender/g\(size).md", bytes: [UInt8](repeating: 0x61, count: size))
            let path = sandbox.content.appendingPathComponent("sender/g\(size).md").path
            guard case .failure(let diagnostic) = ContentFileReader.readFile(path: path, display: "g.md") else {
                Issue.record("a file of \(size) bytes was read")
                continue
            }
            #expect(diagnostic.message.hasPrefix("file is larger than 1024 KiB"))
        }
    }

    /// `readAll` keeps what it has read when its buffer grows and reads on after short reads:
    /// a pipe hands the bytes over in pieces, and hints below, at and above the real size give
    /// every byte. A wrong hint never lets a file past the limit.
    @Test func readAllReadsEveryByteWhateverTheHint() throws {
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        for hint in [0, 1, 4096, 65_536, 299_999, 300_001, 1 << 20] {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            let writing = DispatchGroup()
            let writeEnd = ends[1]
            DispatchQueue.global().async(group: writing) {
                var offset = 0
                while offset < bytes.count {
                    let count = min(7_919, bytes.count - offset)
                    let written = bytes[offset..<(offset + count)].withUnsafeBytes { write(writeEnd, $0.baseAddress, count) }
                    guard written > 0 else { break }
                    offset += written
                }
                close(writeEnd)
            }
            let result = ContentFileReader.readAll(ends[0], sizeHint: hint, display: "pipe")
            // Whatever a broken reader left in the pipe is read away, so the writer never waits.
            var rest = [UInt8](repeating: 0, count: 65_536)
            while rest.withUnsafeMutableBytes({ read(ends[0], $0.baseAddress, $0.count) }) > 0 {}
            writing.wait()
            close(ends[0])
            #expect(try result.get() == bytes, "hint \(hint)")
        }
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let limit = ContentFileReader.maximumSize
        for size in [limit, limit + 1] {
            try sandbox.write("sender/h\(size).md", bytes: [UInt8](repeating: 0x62, count: size))
            let descriptor = open(sandbox.content.appendingPathComponent("sender/h\(size).md").path, O_RDONLY)
            try #require(descriptor >= 0)
            defer { close(descriptor) }
            let result = ContentFileReader.readAll(descriptor, sizeHint: 0, display: "h.md")
            if size == limit {
                #expect(try result.get().count == limit)
            } else if case .failure(let diagnostic) = result {
                #expect(diagnostic.message.hasPrefix("file is larger than 1024 KiB"))
            } else {
                Issue.record("a file of \(size) bytes was read with a hint of 0")
            }
        }
    }

    /// What will not open keeps the message its kind had: a socket named like an entry is not a
    /// regular file, not a permission problem.
    @Test func aSocketIsNotARegularFile() throws {
        var template = Array("/tmp/bk-sock-XXXXXX".utf8CString)
        let folder = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/x.md"
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socketDescriptor >= 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8CString)
        try #require(pathBytes.count <= MemoryLayout.size(ofValue: address.sun_path))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in pathBytes.withUnsafeBytes { raw.copyMemory(from: $0) } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        guard case .failure(let diagnostic) = ContentFileReader.readFile(path: path, display: "x.md") else {
            Issue.record("a socket was read")
            return
        }
        #expect(diagnostic.message == "not a regular file (a device, socket or pipe?); replace it with a plain text file")
    }

    @Test func unreadableFilesAreReportedNotFatal() throws {
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: sandbox.content.appendingPathComponent("sender/dangling.md").path,
            withDestinationPath: sandbox.root.appendingPathComponent("nowhere.md").path)
        #expect(mkfifo(sandbox.content.appendingPathComponent("sender/pipe.md").path, 0o644) == 0)
        #expect(sandbox.load().diagnostics == [
            .e("content/sender/dangling.md", 0, 0, "cannot read file: no such file or directory; if it is a symbolic link, point it at an existing file"),
            .e("content/sender/pipe.md", 0, 0, "not a regular file (a device, socket or pipe?); replace it with a plain text file"),
        ])
    }

    @Test func linksInsideContentAreFollowedToWhatTheyPointAt() throws {
        // The listing types names from their directory entries; a link is judged by its target:
        // a link to an entry file is an entry, a link to a folder is a stray folder.
        let sandbox = try ContentSandbox()
        defer { sandbox.remove() }
        let sender = sandbox.content.appendingPathComponent("sender")
        let entry = try #require(try FileManager.default.contentsOfDirectory(atPath: sender.path).first { $0.hasSuffix(".md") && $0 != "_index.md" })
        try FileManager.default.createSymbolicLink(atPath: sender.appendingPathComponent("linked-copy.md").path,
                                                   withDestinationPath: sender.appendingPathComponent(entry).path)
        try FileManager.default.createSymbolicLink(atPath: sender.appendingPathComponent("folder-link").path,
                                                   withDestinationPath: sandbox.content.appendingPathComponent("recipient").path)
        let result = sandbox.load()
        #expect(result.knowledgeBase.entry("linked-copy") != nil)
        #expect(result.diagnostics.contains { $0.file == "content/sender/folder-link/" && $0.message.hasPrefix("stray folder is ignored") })
    }

    @Test func missingFoldersAndFiles() throws {
        let missing = ContentLoader(contentDirectory: URL(fileURLWithPath: "/nonexistent/content"), displayRoot: URL(fileURLWithPath: "/nonexistent")).load()
        #expect(missing.diagnostics == [.e("content/", 0, 0, "content folder not found; pass the folder that holds site.yml and the category folders")])

        let sandbox = try ContentSandbox(removing: ["site.yml", "sender/sender-domain-not-found.md"])
        defer { sandbox.remove() }
        #expect(sandbox.load().diagnostics == [
            .w("content/sender/", 0, 0, "category has no entries yet; add <id>.md files or remove the folder"),
            .e("content/site.yml", 0, 0, "missing site.yml; create it with 'title:', 'description:', 'base_url: /' and 'language: en'"),
        ])
    }

    @Test func pathsOutsideTheDisplayRootAreAbsolute() throws {
        let sandbox = try ContentSandbox(overlay: "unknown-reason")
        defer { sandbox.remove() }
        let elsewhere = ContentLoader(contentDirectory: sandbox.content, displayRoot: URL(fileURLWithPath: "/nonexistent")).load()
        #expect(elsewhere.diagnostics.map(\.file) == [sandbox.content.appendingPathComponent("sender/x.md").standardizedFileURL.path])
        let defaultRoot = ContentLoader(contentDirectory: sandbox.content).load()
        #expect(defaultRoot.diagnostics.map(\.file) == ["content/sender/x.md"])
    }

    @Test func lintCanBeTurnedOff() throws {
        let sandbox = try ContentSandbox(overlay: "lint-summary")
        defer { sandbox.remove() }
        var loader = ContentLoader(contentDirectory: sandbox.content, displayRoot: sandbox.root)
        #expect(loader.load().diagnostics.count == 1)
        loader.lints = false
        #expect(loader.load().diagnostics == [])
    }

    @Test func realContentHasNoErrors() throws {
        let content = repositoryRoot.appendingPathComponent("content")
        let result = ContentLoader(contentDirectory: content, displayRoot: repositoryRoot).load()
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "content/ has errors:\n\(errors.map(\.description).joined(separator: "\n"))")
        #expect(result.knowledgeBase.entries.count == result.entryFileCount)
        #expect(!result.knowledgeBase.categories.isEmpty)
    }
}

