import Foundation
import Testing
@testable import BounceKB

/// Measures how well the matcher generalises to bounces it was not written for.
///
/// The cases in `Fixtures/realworld/` were written independently of the `match` phrases in
/// `content/`, from what real MTAs and providers emit (Postfix, Exim, Sendmail, qmail,
/// Exchange/Microsoft 365, Gmail, Yahoo, iCloud, Mimecast, Proofpoint, regional providers ...),
/// and labelled with a taxonomy reason. A case counts as right when the reason the matcher
/// files it under (the top entry's reason, or the keyword/code fallback when no entry matched)
/// is the labelled one. The floors below are what the matcher achieved when the set was
/// written, rounded down to 5%; they guard against regressions, they are not a target.
@Suite("Real-world accuracy")
struct RealWorldAccuracyTests {
    /// Minimum share of `lines.tsv` cases filed under the right reason (93.6% when written).
    static let lineFloor = 0.90
    /// Minimum share of `emails.tsv` rows (one per failed recipient) filed under the right reason
    /// (82.6% when written).
    static let emailFloor = 0.80
    /// Minimum number of cases (lines and email rows together) per taxonomy reason.
    static let minimumCasesPerReason = 3

    @Test("every label is a taxonomy reason and every reason has several cases")
    func coverage() throws {
        let lines = try Self.lineCases()
        let emails = try Self.emailCases()
        #expect(lines.count >= 250, "lines.tsv has \(lines.count) cases")
        #expect(Set(emails.map(\.file)).count >= 30, "emails.tsv names \(Set(emails.map(\.file)).count) emails")
        var counts: [String: Int] = [:]
        for item in lines {
            #expect(Reason.named(item.reason) != nil, "lines.tsv:\(item.line): unknown reason \(item.reason)")
            counts[item.reason, default: 0] += 1
        }
        for item in emails {
            #expect(Reason.named(item.reason) != nil, "emails.tsv:\(item.line): unknown reason \(item.reason)")
            counts[item.reason, default: 0] += 1
            let url = Self.fixtures.appendingPathComponent("emails").appendingPathComponent(item.file)
            #expect(FileManager.default.fileExists(atPath: url.path), "emails.tsv:\(item.line): no file \(item.file)")
        }
        for reason in Reason.all {
            #expect((counts[reason.id] ?? 0) >= Self.minimumCasesPerReason,
                    "reason \(reason.id) has only \(counts[reason.id] ?? 0) cases")
        }
    }

    @Test("bounce lines land on the right reason")
    func lineAccuracy() throws {
        let matcher = try Self.matcher()
        var outcomes: [Outcome] = []
        for item in try Self.lineCases() {
            let result = matcher.match(item.text)
            outcomes.append(Outcome(source: "lines.tsv:\(item.line)", text: item.text, expected: item.reason,
                                    got: result.reason.id, via: Self.describe(result)))
        }
        let accuracy = Self.report(title: "lines.tsv", outcomes: outcomes)
        #expect(accuracy >= Self.lineFloor, "line accuracy \(Self.percent(accuracy)) is below the floor \(Self.percent(Self.lineFloor))")
    }

    /// A second line set (`Fixtures/heldout/lines.tsv`), written later by another author before
    /// looking at content/. Content was then edited where it failed (missing entries, misleading
    /// phrases), so it now guards against regressions rather than measuring generalisation
    /// (99.5% when the edits were done).
    static let secondSetFloor = 0.95

    @Test("the second line set lands on the right reason")
    func secondLineSetAccuracy() throws {
        let folder = Self.fixtures.deletingLastPathComponent().appendingPathComponent("heldout")
        let cases = try Self.rows(of: "lines.tsv", in: folder).compactMap { line, fields -> LineCase? in
            guard fields.count == 2 else {
                Issue.record("heldout/lines.tsv:\(line): expected 2 columns, found \(fields.count)")
                return nil
            }
            return LineCase(line: line, reason: fields[0], text: fields[1].replacingOccurrences(of: "\\n", with: "\n"))
        }
        #expect(cases.count >= 250, "heldout/lines.tsv has \(cases.count) cases")
        let matcher = try Self.matcher()
        var outcomes: [Outcome] = []
        for item in cases {
            #expect(Reason.named(item.reason) != nil, "heldout/lines.tsv:\(item.line): unknown reason \(item.reason)")
            let result = matcher.match(item.text)
            outcomes.append(Outcome(source: "heldout/lines.tsv:\(item.line)", text: item.text, expected: item.reason,
                                    got: result.reason.id, via: Self.describe(result)))
        }
        let accuracy = Self.report(title: "heldout/lines.tsv", outcomes: outcomes)
        #expect(accuracy >= Self.secondSetFloor, "accuracy \(Self.percent(accuracy)) is below the floor \(Self.percent(Self.secondSetFloor))")
    }

    @Test("whole bounce emails land on the right reason per recipient")
    func emailAccuracy() throws {
        let matcher = try Self.matcher()
        var outcomes: [Outcome] = []
        var resultsByFile: [String: [LookupResult]] = [:]
        var recipientMismatches: [String] = []
        let cases = try Self.emailCases()
        for item in cases {
            let results: [LookupResult]
            if let cached = resultsByFile[item.file] {
                results = cached
            } else {
                let url = Self.fixtures.appendingPathComponent("emails").appendingPathComponent(item.file)
                let bytes = try [UInt8](Data(contentsOf: url))
                results = matcher.lookup(report: BounceReport(bytes: bytes))
                resultsByFile[item.file] = results
            }
            let rowsForFile = cases.filter { $0.file == item.file }.count
            let wanted = Self.bareAddress(item.recipient)
            var picked = results.first { Self.bareAddress($0.recipient ?? "") == wanted }
            // The reason is judged even when the parser got the address wrong; the mismatch is
            // listed separately.
            if picked == nil && (item.recipient == "-" || (rowsForFile == 1 && results.count == 1)) {
                picked = results.first
                if item.recipient != "-" {
                    recipientMismatches.append("\(item.file): expected <\(item.recipient)>, reported \(picked?.recipient ?? "nil")")
                }
            }
            let got = picked?.match.reason.id ?? "(recipient not reported)"
            let via = picked.map { Self.describe($0.match) } ?? "reported: " + results.map { $0.recipient ?? "nil" }.joined(separator: ", ")
            let shown = picked?.diagnostic ?? ""
            outcomes.append(Outcome(source: "\(item.file) <\(item.recipient)>", text: shown, expected: item.reason, got: got, via: via))
        }
        let accuracy = Self.report(title: "emails.tsv", outcomes: outcomes)
        print((["-- recipient addresses parsed differently (not counted above): \(recipientMismatches.count)"]
            + recipientMismatches.map { "   " + $0 }).joined(separator: "\n"))
        #expect(accuracy >= Self.emailFloor, "email accuracy \(Self.percent(accuracy)) is below the floor \(Self.percent(Self.emailFloor))")
    }

    // MARK: - Cases

    struct LineCase {
        var line: Int
        var reason: String
        var text: String
    }

    struct EmailCase {
        var line: Int
        var file: String
        var recipient: String
        var reason: String
    }

    struct Outcome {
        var source: String
        var text: String
        var expected: String
        var got: String
        var via: String
        var correct: Bool { expected == got }
    }

    static func lineCases() throws -> [LineCase] {
        try rows(of: "lines.tsv").compactMap { line, fields in
            guard fields.count == 2 else {
                Issue.record("lines.tsv:\(line): expected 2 columns, found \(fields.count)")
                return nil
            }
            return LineCase(line: line, reason: fields[0], text: fields[1].replacingOccurrences(of: "\\n", with: "\n"))
        }
    }

    static func emailCases() throws -> [EmailCase] {
        try rows(of: "emails.tsv").compactMap { line, fields in
            guard fields.count == 3 else {
                Issue.record("emails.tsv:\(line): expected 3 columns, found \(fields.count)")
                return nil
            }
            return EmailCase(line: line, file: fields[0], recipient: fields[1], reason: fields[2])
        }
    }

    /// The data rows of a TSV fixture (comments, blank lines and the header row skipped), with
    /// their 1-based line numbers.
    static func rows(of name: String, in folder: URL = fixtures) throws -> [(Int, [String])] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        var rows: [(Int, [String])] = []
        var sawHeader = false
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !sawHeader {
                sawHeader = true
                continue
            }
            rows.append((offset + 1, line.components(separatedBy: "\t")))
        }
        return rows
    }

    // MARK: - Environment

    static let fixtures: URL = {
        let bundled = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent("realworld")
        if let bundled, FileManager.default.fileExists(atPath: bundled.path) { return bundled }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent("realworld")
    }()

    /// The real knowledge base from the repository's `content/` folder.
    static func matcher() throws -> Matcher {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let result = ContentLoader(contentDirectory: root.appendingPathComponent("content"), displayRoot: root).load()
        try #require(!result.knowledgeBase.entries.isEmpty, "no entries loaded from content/")
        return Matcher(knowledgeBase: result.knowledgeBase)
    }

    // MARK: - Reporting

    static func describe(_ result: MatchResult) -> String {
        if let top = result.matches.first {
            return "\(result.reason.source.rawValue): \(top.entry.id)"
        }
        return result.reason.source.rawValue
    }

    /// An address without angle brackets or an `rfc822;` prefix, lowercased, for comparison.
    static func bareAddress(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        if let semicolon = value.firstIndex(of: ";") { value = String(value[value.index(after: semicolon)...]) }
        return value.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")).lowercased()
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }

    /// Prints the per-reason accuracy, the confusions and the failures; returns the accuracy.
    static func report(title: String, outcomes: [Outcome]) -> Double {
        let total = outcomes.count
        let correct = outcomes.filter(\.correct).count
        let accuracy = total == 0 ? 0 : Double(correct) / Double(total)
        var lines = ["== \(title): \(correct)/\(total) correct (\(percent(accuracy)))"]

        var perReason: [String: (right: Int, all: Int)] = [:]
        for outcome in outcomes {
            var tally = perReason[outcome.expected] ?? (0, 0)
            tally.all += 1
            if outcome.correct { tally.right += 1 }
            perReason[outcome.expected] = tally
        }
        lines.append("-- per reason (expected): right/all")
        for reason in perReason.keys.sorted() {
            let tally = perReason[reason] ?? (0, 0)
            let share = tally.all == 0 ? 0 : Double(tally.right) / Double(tally.all)
            lines.append("   \(reason.padding(toLength: 24, withPad: " ", startingAt: 0)) \(tally.right)/\(tally.all) (\(percent(share)))")
        }

        var confusion: [String: Int] = [:]
        for outcome in outcomes where !outcome.correct {
            confusion["\(outcome.expected) -> \(outcome.got)", default: 0] += 1
        }
        lines.append("-- confusions (expected -> got): count")
        for pair in confusion.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("   \(pair.key): \(pair.value)")
        }

        lines.append("-- failures")
        for outcome in outcomes where !outcome.correct {
            let text = outcome.text.replacingOccurrences(of: "\n", with: "\\n")
            let shown = text.count > 220 ? String(text.prefix(220)) + "..." : text
            lines.append("   [\(outcome.source)] expected \(outcome.expected), got \(outcome.got) (\(outcome.via)): \(shown)")
        }
        print(lines.joined(separator: "\n"))
        return accuracy
    }
}
