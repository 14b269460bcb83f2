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

    /// `build` with `extra` on a copy of the good fixture, which must succeed with nothing on
    /// standard error.
    static func successfulBuild(_ extra: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CommandOutput {
        let copy = try FixtureCopy("content-good")
        defer { copy.remove() }
        let result = try build(extra, in: copy)
        #expect(result.status == 0, sourceLocation: sourceLocation)
        #expect(result.stderr == "", sourceLocation: sourceLocation)
        return result
    }

    @Test func aPipeGetsTheSummaryAndNoProgress() throws {
        let result = try Self.successfulBuild([])
        #expect(result.stdout.hasPrefix("built "), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\r"))
    }

    @Test func verboseAddsTheTimeOfEachStep() throws {
        let result = try Self.successfulBuild(["--verbose"])
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
        let result = try Self.successfulBuild(["--quiet"])
        #expect(result.stdout == "")
    }
}
