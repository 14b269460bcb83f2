import Foundation
import Testing
@testable import BounceKB

/// Runs the built `bounce` binary as people do: arguments, standard input, exit status, and a
/// real terminal through tmux.
@Suite("bounce command", .serialized)
struct BounceCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(output.utf8))
            return try #require(object as? [String: Any])
        }
    }

    /// The `bounce` built next to this test bundle (`swift build` / `swift test` put every
    /// product in the same folder).
    static let binary: URL? = {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("bounce"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("bounce"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bounce"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static func run(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> Run {
        let binary = try #require(binary, "the bounce binary was not built next to the tests")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe()
        let error = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input)) }
        try stdin.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
    }

    @Test func codesMatchAndExitZero() throws {
        let run = try Self.run(["550", "5.7.26", "--json"])
        #expect(run.status == 0)
        let results = try #require(try run.json()["results"] as? [[String: Any]])
        #expect(results.count == 1)
        let result = results[0]
        for key in ["recipient", "reply", "status", "diagnostic", "code", "matches"] {
            #expect(result.keys.contains(key), "missing \(key)")
        }
        #expect(result["reply"] as? Int == 550)
        #expect(result["status"] as? String == "5.7.26")
        #expect(result["recipient"] is NSNull)
        let code = try #require(result["code"] as? [String: Any])
        #expect(code["status_title"] as? String != nil)
        let matches = try #require(result["matches"] as? [[String: Any]])
        #expect(!matches.isEmpty)
        for key in ["id", "title", "category", "reason", "permanence", "action", "score", "url"] {
            #expect(matches[0].keys.contains(key), "missing match key \(key)")
        }
    }

    @Test func pastedLineFindsTheEntry() throws {
        let run = try Self.run(["--json", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking - gsmtp"])
        #expect(run.status == 0)
        let results = try #require(try run.json()["results"] as? [[String: Any]])
        let first = try #require((results[0]["matches"] as? [[String: Any]])?.first)
        #expect(first["reason"] as? String == "mailbox-not-found")
    }

    @Test func nothingMatchedExitsOneButExplainsTheCode() throws {
        let run = try Self.run(["550"])
        #expect(run.status == 1)
        #expect(run.output.contains("550"))
        #expect(!run.output.isEmpty)
        let json = try Self.run(["--json", "421"])
        #expect(json.status == 1)
        let results = try #require(try json.json()["results"] as? [[String: Any]])
        #expect((results[0]["matches"] as? [Any])?.isEmpty == true)
        #expect((results[0]["code"] as? [String: Any])?["reply"] as? Int == 421)
    }

    @Test func usageAndDataErrorsExitTwo() throws {
        #expect(try Self.run(["--limit", "0", "550"]).status == 2)
        #expect(try Self.run(["--no-such-option"]).status == 2)
        #expect(try Self.run(["list", "--category", "no-such-category"]).status == 2)
        #expect(try Self.run(["--data", "/no/such/path", "550"]).status == 2)
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bounce-bad-\(getpid()).json")
        try Data("{\"schema_version\": \"9.0\"}".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let run = try Self.run(["--data", bad.path, "550"])
        #expect(run.status == 2)
        #expect(run.error.contains("schema_version"))
    }

    /// Pasted text that starts with dashes is text, not an unknown option.
    @Test func pastedTextStartingWithDashesIsText() throws {
        let transcript = "----- Transcript of session follows ----- ... while talking to mx.example.net.: >>> RCPT To:<ann@example.net> <<< 550 5.1.1 <ann@example.net>... User unknown"
        let run = try Self.run(["--json", transcript])
        #expect(run.status == 0, "\(run.error)")
        let results = try #require(try run.json()["results"] as? [[String: Any]])
        #expect(results.first?["status"] as? String == "5.1.1")
        let first = try #require((results.first?["matches"] as? [[String: Any]])?.first)
        #expect(first["reason"] as? String == "mailbox-not-found")
        // A fragment with a leading dash, after an option.
        #expect(try Self.run(["--json", "-5.1.1 user unknown"]).status == 0)
        // Real options keep working, and unknown ones are still refused.
        #expect(try Self.run(["--no-such-option"]).status == 2)
        #expect(try Self.run(["--limit=0", "550"]).status == 2)
        #expect(try Self.run(["-q", "550 5.1.1 user unknown"]).status == 0)
    }

    @Test func showAndList() throws {
        let list = try Self.run(["list", "--reason", "mailbox-full", "--json"])
        #expect(list.status == 0)
        let entries = try #require(try list.json()["entries"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        #expect(entries.allSatisfy { $0["reason"] as? String == "mailbox-full" })
        let id = try #require(entries.first?["id"] as? String)
        let show = try Self.run(["show", id])
        #expect(show.status == 0)
        #expect(show.output.contains("What to do"))
        #expect(try Self.run(["show", "no-such-entry"]).status == 1)
    }

    @Test func emailOnStandardInputGivesOneResultPerFailedRecipient() throws {
        let email = try MatchingFixtures.email("postfix-two-recipients.eml")
        let run = try Self.run(["--json"], input: email)
        #expect(run.status == 0)
        let results = try #require(try run.json()["results"] as? [[String: Any]])
        #expect(results.map { $0["recipient"] as? String } == ["alice@fabrikam.com", "bob@fabrikam.com"])
        #expect(results.map { $0["status"] as? String } == ["5.1.1", "5.2.2"])
        let dash = try Self.run(["-", "--json"], input: email)
        #expect(dash.output == run.output)
    }

    @Test func mailboxBatch() throws {
        var mbox = ""
        for name in ["qmail-plain.eml", "yahoo-plain.eml", "office365-base64-dsn.eml"] {
            mbox += "From MAILER-DAEMON Mon Mar  4 10:15:40 2024\n"
            mbox += String(decoding: try MatchingFixtures.email(name), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            mbox += "\n"
        }
        let run = try Self.run(["--json"], input: Array(mbox.utf8))
        #expect(run.status == 0)
        let results = try #require(try run.json()["results"] as? [[String: Any]])
        #expect(results.map { $0["message"] as? Int } == [1, 1, 2, 3])
        #expect(results.map { $0["recipient"] as? String } == ["mike@proseware.example", "nina@proseware.example", "victor@yahoo.com", "carol@contoso.org"])
    }

    @Test func plainTextWhenNotATerminal() throws {
        let run = try Self.run(["550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"], environment: ["COLUMNS": "60"])
        #expect(run.status == 0)
        #expect(!run.output.contains("\u{1B}["))
        #expect(run.output.split(separator: "\n").allSatisfy { $0.count <= 60 })
    }

    /// `--quiet`: one tab-separated line per result (recipient, entry, reason), the same exit
    /// status; for an mbox the message number comes first.
    @Test func quietPrintsOneLinePerResult() throws {
        let line = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
        let full = try Self.run(["--json", line])
        let first = try #require(((try full.json()["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first?["id"] as? String)
        let quiet = try Self.run(["--quiet", line])
        #expect(quiet.status == 0)
        #expect(quiet.output == "-\t\(first)\tmailbox-not-found\n")
        let nothing = try Self.run(["-q", "xyzzy plugh"])
        #expect(nothing.status == 1)
        #expect(nothing.output == "-\t-\tunclassified\n")

        let email = try MatchingFixtures.email("postfix-two-recipients.eml")
        let lines = try Self.run(["-q"], input: email).output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(lines.map(\.count) == [3, 3])
        #expect(lines.map { $0.first.map(String.init) } == ["alice@fabrikam.com", "bob@fabrikam.com"])
        #expect(lines.map { $0.last.map(String.init) } == ["mailbox-not-found", "mailbox-full"])

        let list = try Self.run(["list", "--quiet", "--reason", "mailbox-full"])
        let ids = try #require(try Self.run(["list", "--json", "--reason", "mailbox-full"]).json()["entries"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        #expect(list.output == ids.map { $0 + "\n" }.joined())
        #expect(try Self.run(["--quiet", "--verbose", "550"]).status == 2)
    }

    /// `--verbose`: the normal text plus how the result came about.
    @Test func verboseAddsScoresPhrasesAndTheNormalisedText() throws {
        let line = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"
        let normal = try Self.run([line])
        let verbose = try Self.run(["--verbose", line])
        #expect(verbose.status == 0)
        #expect(verbose.output.hasPrefix(normal.output), "verbose output starts with the normal one")
        #expect(verbose.output.contains("Codes found: reply 550, status 5.1.1"))
        #expect(verbose.output.contains("Normalised: {email} recipient address rejected user unknown"))
        #expect(verbose.output.contains("\"recipient address rejected: user unknown"), "the matched phrase")
        let json = try Self.run(["--json", line])
        #expect(try Self.run(["--json", "--verbose", line]).output == json.output, "JSON keeps its one shape")
    }

    /// Control characters a forged bounce carries (in the recipient, the action, the diagnostic)
    /// are never printed as they are.
    @Test func controlCharactersFromTheInputAreNotPrinted() throws {
        let mail = "From: MAILER-DAEMON@example.com\nTo: me@example.org\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x\u{1B}]0;title\u{07}\u{9B}2J@example.com\nAction: failed\u{1B}[2J\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown \u{1B}[31m\n\n--b--\n"
        for arguments in [[], ["--verbose"], ["--quiet"]] {
            let run = try Self.run(arguments, input: Array(mail.utf8))
            #expect(run.status == 0)
            #expect(!run.output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" }, "\(arguments): \(run.output)")
            #expect(run.output.contains("example.com"))
        }
    }

    /// Common arguments skip the argument parser (`LookupCommand.quickParse`); naming the
    /// subcommand goes through it. Both must read the arguments alike.
    @Test func theQuickArgumentPathReadsArgumentsLikeTheParser() throws {
        let cases: [[String]] = [
            ["550", "5.7.26"], ["--json", "550 5.1.1 user unknown"], ["user", "unknown", "--json"],
            ["-q", "452", "4.2.2", "mailbox", "full"], ["--no-color", "-v", "550 5.1.1 user unknown"], ["--quiet", "xyzzy"],
        ]
        for arguments in cases {
            let quick = try Self.run(arguments)
            let parsed = try Self.run(["lookup"] + arguments)
            #expect(quick.status == parsed.status && quick.output == parsed.output && quick.error == parsed.error, "\(arguments)")
            #expect(!quick.output.isEmpty)
        }
        // What the quick path does not take is left to the parser, errors included.
        let repeated = try Self.run(["--json", "--json", "550"])
        let repeatedParsed = try Self.run(["lookup", "--json", "--json", "550"])
        #expect(repeated.status == repeatedParsed.status && repeated.error == repeatedParsed.error)
        #expect(try Self.run(["-q", "-v", "550"]).status == 2)
        #expect(try Self.run(["--limit", "1", "-q", "user unknown"]).output.split(separator: "\n").count == 1)
    }

    /// Text shows the first 1,000 recipients of a message and says how many more there are;
    /// `--quiet` lists every one.
    @Test func textOutputStopsAfterAThousandRecipients() throws {
        let report = "From: MAILER-DAEMON@example.com\nSubject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\n"
            + (0..<1_003).map { "Final-Recipient: rfc822; u\($0)@example.com\nAction: failed\nStatus: 5.1.1\n\n" }.joined() + "--b--\n"
        let text = try Self.run([], input: Array(report.utf8))
        #expect(text.status == 0)
        #expect(text.output.components(separatedBy: "Recipient: ").count - 1 == 1_000)
        #expect(text.output.contains("… and 3 more recipients (use --json or --quiet for all)"))
        let quiet = try Self.run(["-q"], input: Array(report.utf8))
        #expect(quiet.output.split(separator: "\n").count == 1_003)
    }

    @Test func embeddedDataIsCurrent() throws {
        let run = try Self.run(["embed", "--check", "--content", MatchingFixtures.repositoryRoot.appendingPathComponent("content").path,
                                "--output", EmbeddedKnowledgeBaseTests.embeddedFile.path])
        #expect(run.status == 0, "\(run.error)")
    }

    @Test func runsFromAnotherFolderWithNoFiles() throws {
        let binary = try #require(Self.binary)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bounce-alone-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("bounce")
        try FileManager.default.copyItem(at: binary, to: copy)
        let process = Process()
        process.executableURL = copy
        process.arguments = ["--json", "452 4.2.2 The recipient's inbox is out of storage space."]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self).contains("mailbox-full"))
    }

    /// A real terminal: tmux runs bounce in an 80×40 window; the screen must be wrapped to 80
    /// columns and coloured, and plain with NO_COLOR. The test uses its own tmux server (`-L`),
    /// so it never touches anyone else's sessions.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
    func terminalOutputInTmux() throws {
        let binary = try #require(Self.binary)
        let socket = "bounce-test-\(getpid())"
        var serverPID: pid_t?
        defer {
            _ = try? Self.tmux(socket, ["kill-server"])
            if let serverPID { kill(serverPID, SIGKILL) }
        }
        for noColor in [false, true] {
            let session = "screen\(noColor ? 1 : 0)"
            let prefix = noColor ? "NO_COLOR=1 " : ""
            let command = "\(prefix)\(binary.path) '552 5.2.2 <bob@example.com>: Recipient address rejected: Mailbox full'; echo BOUNCE-$((40+2))-$?"
            try Self.tmux(socket, ["new-session", "-d", "-s", session, "-x", "80", "-y", "40", "/bin/sh"])
            if serverPID == nil {
                serverPID = pid_t(try Self.tmux(socket, ["display-message", "-p", "#{pid}"], capture: true).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            try Self.tmux(socket, ["send-keys", "-t", session, command, "Enter"])
            var screen = ""
            for _ in 0..<100 {
                usleep(100_000)
                screen = try Self.tmux(socket, ["capture-pane", "-p", "-e", "-t", session], capture: true)
                // The typed command shows "$((40+2))"; only the shell's output says 42.
                if screen.contains("BOUNCE-42-") { break }
            }
            #expect(screen.contains("BOUNCE-42-0"), "screen:\n\(screen)")
            #expect(screen.lowercased().contains("mailbox"))
            #expect(screen.contains("\u{1B}[") == !noColor)
            let plain = try Self.tmux(socket, ["capture-pane", "-p", "-t", session], capture: true)
            #expect(plain.split(separator: "\n").allSatisfy { $0.count <= 80 })
        }
    }

    /// Runs tmux on a private server and returns what it printed. tmux is started with
    /// posix_spawn and every descriptor above 2 closed: the server that `new-session` forks
    /// would otherwise inherit Foundation's process-watching descriptor, and `Process` would
    /// wait for the server to exit.
    @discardableResult
    static func tmux(_ socket: String, _ arguments: [String], capture: Bool = false) throws -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("bounce-tmux-\(getpid()).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outputPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 && fcntl(descriptor, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        let argv = (["/usr/bin/tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        // The window decides about colour, not the environment the tests run in.
        let environment = ProcessInfo.processInfo.environment.filter { $0.key != "NO_COLOR" && $0.key != "TMUX" && $0.key != "COLUMNS" }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environment)
        try #require(spawned == 0, "cannot start tmux")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard capture else { return "" }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }
}
