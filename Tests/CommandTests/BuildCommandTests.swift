import Foundation
import Testing

/// `bouncekb build`'s output in pipes and on terminals: the progress line (steps, pages done of
/// total) is for people at a terminal and for builds longer than about a second; pipes and CI
/// logs get only the summary, `--quiet` nothing, `--verbose` also the time of each step.
@Suite("bouncekb build")
struct BuildCommandTests {
    static let templates = repositoryRoot.appendingPathComponent("templates").path

    static func build(_ extra: [String], in copy: FixtureCopy) throws -> CommandOutput {
        try runBounceKB(["build", "--templates", templates, "--output", "public"] + extra, in: copy.root)
    }

    @Test func aPipeGetsTheSummaryAndNoProgress() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try Self.build([], in: copy)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout.hasPrefix("built "), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\r"))
    }

    @Test func verboseAddsTheTimeOfEachStep() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try Self.build(["--verbose"], in: copy)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let steps = try #require(lines.first { $0.hasPrefix("steps: ") }, "\(result.stdout)")
        for step in ["load", "validate", "render", "index", "json-api", "write"] {
            #expect(steps.contains(" \(step) ") , "\(steps)")
        }
        #expect(steps.range(of: #"^steps: load \d+\.\d\d s, validate \d+\.\d\d s"#, options: .regularExpression) != nil, "\(steps)")
        // How the templates were rendered: with dozens of pages of a few shapes, some are filled.
        let templates = try #require(lines.first { $0.hasPrefix("templates: ") }, "\(result.stdout)")
        let numbers = templates.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 3, "\(templates)")
        #expect(numbers.count == 3 && numbers[0] > 0 && numbers[0] <= numbers[1] && numbers[2] > 0, "\(templates)")
        #expect(lines.last?.hasPrefix("built ") == true)
    }

    @Test func quietPrintsNothing() throws {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try Self.build(["--quiet"], in: copy)
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "")
    }
}
