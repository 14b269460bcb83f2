import BounceKB
import Foundation
import SiteBuilder
import Testing

/// Hostile input for `bounce`: whatever a mail server (or an attacker posing as one) sent back.
/// Each case must end with a clear message and a documented exit status (0 matched, 1 nothing
/// matched, 2 usage or data error), within a time bound, in bounded memory.
///
/// `bounce` reads at most 10 MiB of each message from standard input (BounceReport.maximumInputSize,
/// enforced while reading by InputReader), so memory stays bounded whatever the input's size.
@Suite struct BounceInputTests {
    /// Address-space cap for the child: generous for a debug build, small enough that reading a
    /// 100 MB input whole (or several copies of it) would fail.
    static let memoryCapMiB = 1_536
    /// Peak RSS allowed for any single lookup.
    static let peakLimitKiB = 400 * 1024

    static func bounce(_ arguments: [String], stdin: URL? = nil, timeout: Double = 60) throws -> ProcessResult {
        let result = try run(try productPath("bounce"), arguments, stdin: stdin, timeout: timeout, memoryCapMiB: memoryCapMiB)
        #expect(!result.signalled, "bounce \(arguments) crashed with signal \(result.status): \(result.err.suffix(500))")
        if let peak = result.peakKiB {
            #expect(peak < peakLimitKiB, "bounce \(arguments) used \(peak / 1024) MiB")
        }
        return result
    }

    static func file(_ folder: TemporaryFolder, _ name: String, _ data: Data) throws -> URL {
        try folder.write(name, data)
        return folder.path(name)
    }

    /// Deterministic pseudo-random bytes, NULs and invalid UTF-8 included.
    static func binary(_ count: Int) -> Data {
        var state: UInt64 = 0x1234_5678
        return Data((0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        })
    }

    @Test func emptyInput() throws {
        let folder = try TemporaryFolder("bounce-empty")
        defer { folder.remove() }
        for (name, data) in [("empty", Data()), ("blank", Data(" \n\t\r\n\n".utf8))] {
            let result = try Self.bounce([], stdin: try Self.file(folder, name, data))
            #expect(result.status == 2, "\(name): status \(result.status)")
            #expect(result.err.contains("Standard input was empty"), "\(name): \(result.err)")
        }
    }

    @Test func binaryData() throws {
        let folder = try TemporaryFolder("bounce-binary")
        defer { folder.remove() }
        let result = try Self.bounce([], stdin: try Self.file(folder, "binary", Self.binary(256 * 1024)))
        #expect([0, 1].contains(result.status), "status \(result.status): \(result.err)")
        #expect(!result.out.isEmpty)
        // Control bytes of the input never reach the terminal.
        #expect(!result.stdout.contains(0x1B) && !result.stdout.contains(0x00))
    }

    /// 100 MB on standard input: only the first 10 MiB are kept, the rest is read and dropped,
    /// with a warning; memory stays far below the input's size. The input is 64 KiB of bounce
    /// lines and then blank lines, so that the test measures the reading, not the matching of
    /// 10 MiB of text in a debug build (docs/security.md gives the release figures for that).
    @Test func hundredMegabyteInput() throws {
        let folder = try TemporaryFolder("bounce-huge")
        defer { folder.remove() }
        let path = folder.path("huge.txt")
        _ = FileManager.default.createFile(atPath: path.path, contents: nil)
        let handle = try FileHandle(forWritingTo: path)
        let line = Data("550 5.1.1 <user@example.com>: Recipient address rejected: User unknown in virtual mailbox table\n".utf8)
        var head = Data()
        while head.count < 64 << 10 { head += line }
        handle.write(head)
        let blank = Data(repeating: UInt8(ascii: "\n"), count: 1 << 20)
        for _ in 0..<100 { handle.write(blank) }
        try handle.close()
        let result = try Self.bounce([], stdin: path, timeout: 120)
        #expect([0, 1].contains(result.status), "status \(result.status): \(result.err)")
        #expect(result.err.contains("input longer than 10 MiB"), "\(result.err)")
    }

    @Test func oneMegabyteSingleLine() throws {
        let folder = try TemporaryFolder("bounce-line")
        defer { folder.remove() }
        var line = "550 5.7.1 Message rejected "
        while line.utf8.count < 1 << 20 { line += "because the sender is listed on a block list 192.0.2.1 " }
        // One line of 1 MiB on standard input, and 100 KB of it as an argument.
        let result = try Self.bounce([], stdin: try Self.file(folder, "line", Data(line.utf8)))
        #expect([0, 1].contains(result.status))
        #expect(result.seconds < 30)
        // The same line as an argument.
        let argument = try Self.bounce([String(line.prefix(100_000))])
        #expect([0, 1].contains(argument.status))
    }

    static let brokenMIME: [(String, String)] = [
        ("boundary never appears", "From: MAILER-DAEMON@example.com\nSubject: Undelivered Mail\nContent-Type: multipart/report; boundary=\"nowhere\"\n\n550 5.1.1 user unknown\n"),
        ("no closing delimiter", "From: MAILER-DAEMON@example.com\nSubject: Undelivered\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b\nAction: failed\nStatus: 5.1.1\n"),
        ("empty boundary", "From: a@b\nSubject: x\nContent-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n----\n"),
        ("nested 2000 deep", "From: a@b\nSubject: Undelivered\n" + (0..<2_000).map { "Content-Type: multipart/mixed; boundary=\"b\($0)\"\n\n--b\($0)\n" }.joined() + "\n550 5.1.1 user unknown\n"),
        ("garbage base64", "From: a@b\nSubject: Undelivered\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!====%%%%\u{7F}\u{7F}AAAA====\n"),
        ("broken encoded words", "From: =?utf-8?B?====?= <a@b>\nSubject: =?x?Q?=ZZ=?= =?utf-8?B?\nContent-Type: text/plain; charset=\"unterminated\n\n550 user unknown\n"),
        ("header without end", "From: a@b\nSubject: " + String(repeating: "x", count: 200_000)),
    ]

    static func manyRecipients(_ count: Int) -> String {
        "From: MAILER-DAEMON@example.com\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n"
            + (0..<count).map { "Final-Recipient: rfc822; u\($0)@example.com\nAction: failed\nStatus: 5.1.1\n\n" }.joined() + "--b--\n"
    }

    /// A report naming 3,000 recipients gives one result each; as JSON that is quick.
    @Test func thousandsOfRecipientsAsJSON() throws {
        let folder = try TemporaryFolder("bounce-recipients")
        defer { folder.remove() }
        let result = try Self.bounce(["--json"], stdin: try Self.file(folder, "mail.eml", Data(Self.manyRecipients(3_000).utf8)))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.seconds < 30)
    }

    /// The text output is as quick: each entry is read from the built-in archive once
    /// (`ResultRenderer.fullEntry` keeps the decoded entries; reading one scans the whole
    /// archive, about 30 ms in a debug build), not once per recipient.
    @Test func manyRecipientsAsText() throws {
        let folder = try TemporaryFolder("bounce-recipients-text")
        defer { folder.remove() }
        let result = try Self.bounce([], stdin: try Self.file(folder, "mail.eml", Data(Self.manyRecipients(100).utf8)))
        #expect(result.status == 0)
        #expect(result.seconds < 1, "100 recipients took \(result.seconds) s")
    }

    @Test(arguments: brokenMIME.map(\.0))
    func brokenMIMEStructure(_ name: String) throws {
        let folder = try TemporaryFolder("bounce-mime")
        defer { folder.remove() }
        let text = try #require(Self.brokenMIME.first { $0.0 == name }).1
        let result = try Self.bounce([], stdin: try Self.file(folder, "mail.eml", Data(text.utf8)))
        #expect([0, 1].contains(result.status), "\(name): status \(result.status): \(result.err)")
        #expect(!result.out.isEmpty)
        #expect(result.seconds < 30, "\(name) took \(result.seconds) s")
    }

    /// An attacker who sends a fake bounce chooses the recipient address and diagnostic text;
    /// `bounce` must not pass their terminal escape sequences (window title, clipboard via OSC
    /// 52, screen clearing) on to the terminal.
    ///
    /// `MIME.parseHeaders` drops control characters from header and delivery-status values, and
    /// the text output passes every string from input or `--data` through `Terminal.printable`
    /// (C0 controls other than `\n` and `\t`, DEL and C1 controls become U+FFFD) before styling.
    @Test func terminalEscapesFromTheBounceAreNotPrinted() throws {
        let folder = try TemporaryFolder("bounce-escape")
        defer { folder.remove() }
        let mail = """
            From: MAILER-DAEMON@example.com
            To: me@example.org
            Subject: Undelivered Mail
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            The message could not be delivered.

            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; evil\u{1B}]0;OWNED\u{07}@example.com
            Action: failed\u{1B}[2J
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown \u{1B}]52;c;ZWNobyBoaQ==\u{07} gone

            --b--

            """
        let result = try Self.bounce([], stdin: try Self.file(folder, "escape.eml", Data(mail.utf8)))
        #expect([0, 1].contains(result.status))
        #expect(!result.stdout.contains(0x1B), "an escape sequence from the input reached standard output")
        #expect(!result.stdout.contains(0x07))
        // JSON output escapes them.
        let json = try Self.bounce(["--json"], stdin: folder.path("escape.eml"))
        #expect(!json.stdout.contains(0x1B))
    }

    // MARK: - --data

    static func publishedEntriesJSON() throws -> Data {
        let kb = ContentLoader(contentDirectory: hardeningFixtures.appendingPathComponent("hostile-content")).load().knowledgeBase
        let files = try APIWriter.files(for: kb, generator: "hardening-tests")
        return try #require(files.first { $0.path == APIWriter.entriesPath }).contents
    }

    @Test func dataFromAPublishedFileWorks() throws {
        let folder = try TemporaryFolder("bounce-data")
        defer { folder.remove() }
        let file = try Self.file(folder, "entries.json", try Self.publishedEntriesJSON())
        let result = try Self.bounce(["--data", file.path, "show", "script-links"])
        _ = result
        let lookup = try Self.bounce(["--data", file.path, "550 5.2.2 mailbox full"])
        #expect([0, 1].contains(lookup.status), "\(lookup.err)")
    }

    static let corruptCases: [(name: String, expected: String)] = [
        ("not JSON", "not a BounceKB API file"),
        ("truncated", "not a BounceKB API file"),
        ("newer major version", "reads only version 1"),
        ("no schema version", "has no \"schema_version\""),
        ("malformed version", "not of the form MAJOR.MINOR"),
        ("JSON nested 100000 deep", "not a BounceKB API file"),
        ("wrong types", "not a BounceKB API file"),
        ("empty file", "not a BounceKB API file"),
        ("missing file", "no such file or folder"),
    ]

    @Test(arguments: corruptCases.map(\.name))
    func corruptData(_ name: String) throws {
        let folder = try TemporaryFolder("bounce-corrupt")
        defer { folder.remove() }
        let valid = try Self.publishedEntriesJSON()
        let text = String(decoding: valid, as: UTF8.self)
        let data: Data?
        switch name {
        case "not JSON": data = Data("<html>this is a web page</html>".utf8)
        case "truncated": data = valid.prefix(valid.count / 2)
        case "newer major version": data = Data(text.replacingOccurrences(of: "\"schema_version\" : \"1.0\"", with: "\"schema_version\" : \"2.0\"").utf8)
        case "no schema version": data = Data(text.replacingOccurrences(of: "\"schema_version\" : \"1.0\",", with: "").utf8)
        case "malformed version": data = Data(text.replacingOccurrences(of: "\"schema_version\" : \"1.0\"", with: "\"schema_version\" : \"one\"").utf8)
        case "JSON nested 100000 deep": data = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        case "wrong types": data = Data(text.replacingOccurrences(of: "\"reply\" : 550", with: "\"reply\" : \"550\"").utf8)
        case "empty file": data = Data()
        default: data = nil
        }
        let path = folder.path("entries.json")
        if let data { try data.write(to: path) }
        #expect(data.map { $0 != valid } ?? true, "the corruption did not change the file")
        let expected = try #require(Self.corruptCases.first { $0.name == name }).expected
        let result = try Self.bounce(["--data", path.path, "550 5.1.1 user unknown"])
        #expect(result.status == 2, "\(name): status \(result.status)")
        #expect(result.err.hasPrefix("bounce: --data "), "\(name): \(result.err)")
        if name == "wrong types" {
            // The field and the entry are named, so the file can be fixed.
            #expect(result.err.contains("entries["), "\(result.err)")
            #expect(result.err.contains("].reply"), "\(result.err)")
            #expect(result.err.contains(expected), "\(name): \(result.err)")
        } else {
            #expect(result.err.contains(expected), "\(name): \(result.err)")
        }
    }

    /// `--data` pointing at something that is not a regular file must not be read forever.
    @Test func dataFromADevice() throws {
        let result = try Self.bounce(["--data", "/dev/zero", "550"], timeout: 30)
        #expect(result.status == 2, "status \(result.status)")
        #expect(result.err.contains("--data /dev/zero"))
    }
}
