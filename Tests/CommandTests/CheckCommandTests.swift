import Foundation
import Testing

@Suite("bouncekb check")
struct CheckCommandTests {
    @Test func cleanContentExitsZero() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try runBounceKB(["check"], in: copy.root)
        #expect(result.status == 0)
        #expect(result.stdout == "checked 3 entries in 2 categories: 0 errors, 0 warnings\n")
        #expect(result.stderr == "")
    }

    @Test func warningsAloneExitZero() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        try "A note.\n".write(to: copy.root.appendingPathComponent("content/sender/notes.txt"), atomically: true, encoding: .utf8)
        let result = try runBounceKB(["check", "--content", "content"], in: copy.root)
        #expect(result.status == 0)
        #expect(result.stdout == """
            content/sender/notes.txt: warning: stray file is ignored: category folders hold only <id>.md entries and _index.md; move it out of content/
            checked 3 entries in 2 categories: 0 errors, 1 warning

            """)
    }

    @Test func errorsExitOneWithSortedDiagnosticsAndSummary() throws {
        let copy = try FixtureCopy("content-all-mistakes")
        defer { copy.remove() }
        let result = try runBounceKB(["check"], in: copy.root)
        #expect(result.status == 1)
        #expect(result.stderr == "")
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        lines.removeLast()
        #expect(lines.last == "checked 26 entries in 3 categories: 20 errors, 9 warnings")
        let diagnostics = lines.dropLast()
        #expect(diagnostics.count == 29)
        #expect(diagnostics.contains("content/sender/x.md:5:9: error: unknown reason 'mailbox-unknow'; did you mean 'mailbox-not-found'?"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")

        // file:line:column: severity: message, sorted by file, then line and column.
        let pattern = /^(content\/[^:]+)(?::(\d+)(?::(\d+))?)?: (error|warning): (.+)$/
        var keys: [(String, Int, Int)] = []
        for line in diagnostics {
            let match = try #require(line.wholeMatch(of: pattern), "not a diagnostic line: \(line)")
            keys.append((String(match.1), match.2.flatMap { Int($0) } ?? 0, match.3.flatMap { Int($0) } ?? 0))
        }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func pathsAreRelativeToTheWorkingDirectory() throws {
        let copy = try FixtureCopy("content-all-mistakes")
        defer { copy.remove() }
        let result = try runBounceKB(["check", "--content", "."], in: copy.root.appendingPathComponent("content"))
        #expect(result.status == 1)
        #expect(result.stdout.contains("\nsender/x.md:5:9: error: unknown reason 'mailbox-unknow'"))
        let fromBelow = try runBounceKB(["check", "--content", "../../content"], in: copy.root.appendingPathComponent("content/sender"))
        #expect(fromBelow.stdout.contains("\nx.md:5:9: error: unknown reason 'mailbox-unknow'"))
    }

    @Test(arguments: [
        ["check", "--bogus"],
        ["check", "--content"],
        ["check", "--content", "does-not-exist"],
        ["check", "extra-argument"],
        ["frobnicate"],
    ])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try runBounceKB(arguments, in: copy.root)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("Error:"))
        #expect(result.stderr.contains("Usage:"))
    }

    @Test func missingDefaultContentFolderIsAUsageError() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try runBounceKB(["check"], in: copy.root.appendingPathComponent("content/sender"))
        #expect(result.status == 2)
        #expect(result.stderr.contains("no content folder at 'content'; run from the repository root or pass --content DIR"))
    }

    @Test(arguments: [["--help"], ["check", "--help"], ["help", "check"]])
    func helpExitsZero(_ arguments: [String]) throws {
        let result = try runBounceKB(arguments, in: repositoryRoot)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() throws {
        let copy = try FixtureCopy("content-all-mistakes")
        defer { copy.remove() }
        let base = ["PATH": "/usr/bin:/bin", "TERM": "xterm"]
        let coloured = try runBounceKBOnTerminal(["check"], in: copy.root, environment: base)
        #expect(coloured.status == 1)
        #expect(coloured.stdout.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let plain = try runBounceKBOnTerminal(["check"], in: copy.root, environment: base.merging(["NO_COLOR": "1"]) { $1 })
        #expect(plain.status == 1)
        #expect(plain.stdout.contains("error: unknown reason"))
        #expect(!plain.stdout.contains("\u{1B}["))
    }
}
