import BounceKB
import Foundation
import FuzzKit
import Testing

/// A short, seeded slice of the fuzz run of `Fuzz/run.sh`: the same generators and properties,
/// fewer and smaller inputs, so that every `make test` replays a few thousand hostile inputs
/// against each parser. A crash here fails the whole test run, which is the point.
@Suite struct FuzzSliceTests {
    /// Debug builds are several times slower than the release build the fuzz script uses, so
    /// the per-input bound here is looser than the script's 1 s; it still catches anything
    /// quadratic on these input sizes.
    static let timeLimit = 2.0
    static let seed: UInt64 = 9

    static let knowledgeBase = ContentLoader(contentDirectory: repositoryRoot.appendingPathComponent("content")).load().knowledgeBase

    static func check(_ kind: FuzzTargetKind, count: Int, maximumSize: Int) throws {
        let harness = try FuzzHarness(kind: kind, repositoryRoot: repositoryRoot, maximumSize: maximumSize,
                                      knowledgeBase: kind == .matcher ? knowledgeBase : nil)
        var runner = FuzzRunner(harness: harness, seed: seed)
        runner.timeLimit = timeLimit
        let totals = runner.run(count: count)
        #expect(totals.inputs == count)
        for failure in totals.failures.prefix(10) {
            Issue.record("\(kind.rawValue) input #\(failure.index) (seed \(seed)): \(failure.problem); replay with: fuzz-driver dump \(kind.rawValue) --seed \(seed) --index \(failure.index)")
        }
        for slow in totals.slowInputs.prefix(10) {
            Issue.record("\(kind.rawValue) input #\(slow.index) (seed \(seed)) took \(slow.seconds) s")
        }
    }

    @Test func contentLoader() throws {
        try Self.check(.loader, count: 400, maximumSize: 16 * 1024)
    }

    @Test func codeExtraction() throws {
        try Self.check(.codes, count: 2_000, maximumSize: 8 * 1024)
    }

    @Test func bounceReports() throws {
        try Self.check(.dsn, count: 600, maximumSize: 32 * 1024)
    }

    @Test func matcher() throws {
        try Self.check(.matcher, count: 600, maximumSize: 8 * 1024)
    }

    /// Inputs are a pure function of (seed, index): what the script reports can be replayed.
    @Test func inputsAreReproducible() throws {
        for kind in FuzzTargetKind.allCases where kind != .matcher {
            let harness = try FuzzHarness(kind: kind, repositoryRoot: repositoryRoot)
            for index in [0, 1, 77, 4_711] {
                #expect(harness.input(seed: 5, index: index) == harness.input(seed: 5, index: index))
            }
            #expect(harness.input(seed: 5, index: 1) != harness.input(seed: 6, index: 1))
        }
    }
}
