import BounceKB
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Hostile content files: each must give a clear diagnostic (file, line, what to do), quickly,
/// without crashing, hanging or reading anything outside `content/`.
@Suite struct HostileContentTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Path inside content/ and the bytes written there.
        var file: String
        var bytes: [UInt8]
        /// A diagnostic whose message contains this must be reported for `file`.
        var expected: String
        var severity: Diagnostic.Severity = .error
        var line: Int?
        var testDescription: String { name }

        init(_ name: String, file: String = "mailbox/hostile.md", _ text: String, expect expected: String,
             severity: Diagnostic.Severity = .error, line: Int? = nil) {
            self.init(name, file: file, bytes: Array(text.utf8), expect: expected, severity: severity, line: line)
        }

        init(_ name: String, file: String = "mailbox/hostile.md", bytes: [UInt8], expect expected: String,
             severity: Diagnostic.Severity = .error, line: Int? = nil) {
            self.name = name
            self.file = file
            self.bytes = bytes
            self.expected = expected
            self.severity = severity
            self.line = line
        }
    }

    static let front = "---\ntitle: Hostile\nreply: 550\nstatus: 5.1.1\nreason: mailbox-not-found\nsummary: A hostile entry used by the hardening tests to check diagnostics.\n"
    static let body = "---\n\n## Details\n\nSomething went wrong with the address.\n\n## Resolution\n\n1. Check the address.\n"

    static let cases: [Case] = [
        Case("YAML alias bomb (billion laughs)", """
            ---
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            title: *h
            \(body)
            """, expect: "anchors and aliases", line: 2),
        Case("YAML merge key", front + "base: &base {title: x}\n<<: *base\n" + body, expect: "anchors and aliases", line: 7),
        Case("YAML alias as a key", front + "? *a\n: x\n" + body, expect: "anchors and aliases"),
        Case("YAML nesting bomb", front + "match: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n" + body,
             expect: "nested too deeply", line: 7),
        Case("YAML block nesting", front + (0..<200).map { String(repeating: "  ", count: $0) + "- " }.joined(separator: "\n") + "x\n" + body,
             expect: "nested too deeply"),
        // Tags are ignored, not resolved: the value is plain data (here the one-word phrase "id").
        Case("YAML language-specific tag", front + "match: !!python/object/apply:os.system [\"id\"]\n" + body,
             expect: "match phrase 'id' is too generic", severity: .warning, line: 7),
        Case("front matter over 64 KiB", front + "match:\n" + String(repeating: "  - \"a phrase that fills the front matter\"\n", count: 2_000) + body,
             expect: "front matter is larger than 64 KiB"),
        Case("invalid UTF-8", bytes: Array((front + "match: [\"caf").utf8) + [0xE9] + Array("\"]\n\(body)".utf8),
             expect: "not valid UTF-8: byte 0xE9", line: 7),
        Case("UTF-16 with a byte order mark", bytes: [0xFF, 0xFE] + Array("---\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
             expect: "not valid UTF-8", line: 1),
        Case("overlong UTF-8 encoding of '/'", bytes: Array(front.utf8) + [0xC0, 0xAF] + Array(body.utf8), expect: "not valid UTF-8: byte 0xC0"),
        Case("UTF-8 encoded surrogate", bytes: Array(front.utf8) + [0xED, 0xA0, 0x80] + Array(body.utf8), expect: "not valid UTF-8: byte 0xED"),
        Case("NUL byte in front matter", bytes: Array(front.utf8) + [0x00] + Array(body.utf8), expect: "front matter"),
        Case("related path traversal", front + "related: [\"../../etc/passwd\"]\n" + body, expect: "unknown category '..'", line: 7),
        Case("related traversal inside a category", front + "related: [\"mailbox/../../x\"]\n" + body, expect: "unknown related id", line: 7),
        Case("javascript: reference", front + "references:\n  - title: x\n    url: \"javascript:alert(1)\"\n" + body,
             expect: "must be an absolute web address", line: 9),
        Case("data: reference", front + "references:\n  - title: x\n    url: \"data:text/html,<script>alert(1)</script>\"\n" + body,
             expect: "must be an absolute web address", line: 9),
        Case("template syntax as a placeholder", front + "match: [\"{{title}} {{#x}}\"]\n" + body, expect: "unknown placeholder"),
        Case("entry id with a traversal-like name", file: "mailbox/a..b.md", goodEntry, expect: "entry file names must be kebab-case"),
        Case("entry id with upper case and spaces", file: "mailbox/Evil Entry.md", goodEntry, expect: "entry file names must be kebab-case"),
        Case("entry id with non-ASCII letters", file: "mailbox/caf\u{E9}.md", goodEntry, expect: "entry file names must be kebab-case"),
        Case("category name with markup", file: "<script>x/_index.md", "---\ntitle: x\norder: 2\nsummary: y\n---\n\nz\n", expect: "not kebab-case"),
        Case("site language with markup", file: "site.yml", "title: x\ndescription: y\nlanguage: \"en\\\"><script>alert(1)</script>\"\n",
             expect: "is not a language tag", line: 3),
        Case("site base_url with a script scheme", file: "site.yml", "title: x\ndescription: y\nbase_url: \"javascript:alert(1)//\"\n",
             expect: "must be a path starting with '/'", line: 3),
    ]

    @Test(arguments: cases)
    func givesAClearDiagnostic(_ hostile: Case) throws {
        let folder = try TemporaryFolder("content")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        try folder.write("content/" + hostile.file, Data(hostile.bytes))
        let started = Date()
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        #expect(Date().timeIntervalSince(started) < 5)
        let matching = result.diagnostics.filter {
            $0.file.hasPrefix("content/" + hostile.file.split(separator: "/").dropLast().joined(separator: "/")) && $0.message.contains(hostile.expected) && $0.severity == hostile.severity
        }
        #expect(!matching.isEmpty, "expected \(hostile.severity) containing '\(hostile.expected)' for \(hostile.file); got:\n\(result.diagnostics.map(\.description).joined(separator: "\n"))")
        if let line = hostile.line {
            #expect(matching.contains { $0.line == line }, "expected line \(line); got \(matching.map(\.description))")
        }
        // The good entry beside it is unaffected (content errors never leak across files).
        #expect(result.knowledgeBase.entry("mailbox-full") != nil || hostile.file == "site.yml")
    }

    /// Folders and files whose names start with a dot (`..x`, `.git`) are editor and system
    /// litter: skipped, so nothing in them reaches the site.
    @Test func dotFoldersAreIgnored() throws {
        let folder = try TemporaryFolder("dot")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        try folder.write("content/..x/_index.md", "---\ntitle: Dot\norder: 2\nsummary: A dot folder.\n---\n\nHidden.\n")
        try folder.write("content/..x/hidden-entry.md", goodEntry)
        try folder.write("content/mailbox/.hidden-entry.md", goodEntry)
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        #expect(result.knowledgeBase.categories.map(\.id) == ["mailbox"])
        #expect(result.knowledgeBase.entries.map(\.id) == ["mailbox-full"])
    }

    /// A 10 MB entry is refused from its size, before it is parsed, and in bounded time.
    @Test func tenMegabyteEntry() throws {
        let folder = try TemporaryFolder("big")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        var text = Self.front + Self.body
        let paragraph = String(repeating: "The mailbox is over its quota and refuses the message. ", count: 40) + "\n\n"
        while text.utf8.count < 10_000_000 { text += paragraph }
        try folder.write("content/mailbox/huge.md", text)
        let started = Date()
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.diagnostics.contains { $0.file == "content/mailbox/huge.md" && $0.message.contains("larger than 1024 KiB") })
        #expect(result.knowledgeBase.entry("huge") == nil)
    }

    /// CRLF, lone CR and a byte order mark: the same entry as with LF, and diagnostics on the
    /// same lines an editor shows.
    @Test(arguments: ["\r\n", "\r"])
    func lineEndingsAndByteOrderMark(_ newline: String) throws {
        let folder = try TemporaryFolder("crlf")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        let converted = goodEntry.replacingOccurrences(of: "\n", with: newline)
        try folder.write("content/mailbox/windows.md", Data([0xEF, 0xBB, 0xBF]) + Data(converted.utf8))
        try folder.write("content/mailbox/broken-windows.md", (Self.front + "reply: 550\n" + Self.body).replacingOccurrences(of: "\n", with: newline))
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        let windows = try #require(result.knowledgeBase.entry("windows"))
        let unix = try #require(result.knowledgeBase.entry("mailbox-full"))
        #expect(windows.title == unix.title && windows.details == unix.details && windows.resolution == unix.resolution && windows.match == unix.match)
        #expect(result.diagnostics.contains { $0.file == "content/mailbox/broken-windows.md" && $0.line == 7 && $0.message.contains("more than once") })
    }

    /// Special files never block or get slurped: a FIFO named like an entry, a link to a
    /// device, a dangling link, a link loop, a folder named like an entry.
    @Test func specialFiles() throws {
        let folder = try TemporaryFolder("special")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        let mailbox = folder.path("content/mailbox").path
        #expect(mkfifo(mailbox + "/fifo.md", 0o644) == 0)
        #expect(symlink("/dev/zero", mailbox + "/zero.md") == 0)
        #expect(symlink(mailbox + "/missing-target.md", mailbox + "/dangling.md") == 0)
        #expect(symlink(mailbox + "/loop-b.md", mailbox + "/loop-a.md") == 0)
        #expect(symlink(mailbox + "/loop-a.md", mailbox + "/loop-b.md") == 0)
        try FileManager.default.createDirectory(atPath: mailbox + "/folder.md", withIntermediateDirectories: false)
        let started = Date()
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        #expect(Date().timeIntervalSince(started) < 5)
        func message(_ file: String) -> String { result.diagnostics.filter { $0.file.hasPrefix("content/mailbox/" + file) }.map(\.message).joined(separator: " | ") }
        #expect(message("fifo.md").contains("not a regular file"))
        // A link to a device is refused for leading out of content/ before its kind matters.
        #expect(message("zero.md").contains("outside the content folder"))
        #expect(message("dangling.md").contains("cannot read file"))
        #expect(message("loop-a.md").contains("cannot read file"))
        #expect(message("folder.md").contains("stray folder"))
        #expect(result.knowledgeBase.entry("mailbox-full") != nil)
    }

    /// A symbolic link that leads out of content/ must not pull an outside file (a secret, a
    /// file of another project) into the site: it is refused with an error naming the link.
    @Test func symbolicLinksOutOfContentAreRefused() throws {
        let folder = try TemporaryFolder("symlink")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        // Outside content/: a secret-looking entry, and a whole folder of entries.
        try folder.write("outside/secret.md", goodEntry.replacingOccurrences(of: "The recipient's mailbox is full", with: "SECRET from outside content"))
        try folder.write("outside/category/_index.md", "---\ntitle: Outside\norder: 9\nsummary: A folder outside content.\n---\n\nNot content.\n")
        try folder.write("outside/category/outside-entry.md", goodEntry)
        #expect(symlink(folder.path("outside/secret.md").path, folder.path("content/mailbox/secret.md").path) == 0)
        #expect(symlink(folder.path("outside/category").path, folder.path("content/linked").path) == 0)
        #expect(symlink("/etc/passwd", folder.path("content/mailbox/passwd.md").path) == 0)
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        // /etc/passwd has no front matter, so it only ever produces a "missing front matter" error.
        #expect(!result.diagnostics.contains { $0.message.contains("root:") })
        #expect(result.knowledgeBase.entry("secret") == nil, "an entry was read through a link to a file outside content/")
        #expect(result.knowledgeBase.entry("outside-entry") == nil, "entries were read through a linked folder outside content/")
        #expect(result.diagnostics.contains { $0.file == "content/mailbox/secret.md" && $0.severity == .error && $0.message.contains("outside") })
        #expect(result.diagnostics.contains { $0.file == "content/linked" && $0.message.contains("outside") })
        #expect(result.diagnostics.contains { $0.file == "content/mailbox/passwd.md" && $0.message.contains("outside") })
        #expect(result.diagnostics.hasErrors)
    }

    /// Markdown nested tens of thousands of levels deep (block quotes, lists, emphasis) must
    /// give a diagnostic or load, never crash. Run through `bouncekb check` in a child process,
    /// because a stack overflow would take the test runner down with it.
    ///
    /// `TextRenderer` (used by `plainText()` in the lint and the JSON API, and by `terminalText`
    /// in `bounce show`) recursed once per nesting level and overflowed the stack; past
    /// `TextRenderer.maximumDepth` it now renders the rest flat with cmark's iterator.
    @Test(arguments: [("blockquotes", "> ", 100_000), ("lists", "- ", 100_000), ("emphasis", "*", 200_000)])
    func deeplyNestedMarkdown(_ name: String, _ unit: String, _ count: Int) throws {
        let folder = try TemporaryFolder("deep")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        let nested = String(repeating: unit, count: count) + "deep" + (unit == "*" ? String(repeating: unit, count: count) : "")
        try folder.write("content/mailbox/deep-\(name).md", Self.front + Self.body.replacingOccurrences(of: "Something went wrong with the address.", with: nested))
        let result = try run(try productPath("bouncekb"), ["check", "--content", folder.path("content").path], directory: folder.url, timeout: 60)
        #expect(!result.signalled, "bouncekb check crashed with signal \(result.status) on \(name) nested \(count) deep")
        #expect(result.seconds < 30)
    }
}
