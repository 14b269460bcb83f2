import Foundation
import FuzzKit
import Testing
@testable import BounceKB

/// The event reader (`YAMLEventReader`) must read exactly what the Yams path reads whenever it
/// answers, and `YAMLReader.read` must give what the Yams path gives, diagnostics included.
@Suite struct YAMLEventReaderTests {
    /// Front matter lines, clean and broken, for generated documents.
    static let lines: [String] = [
        "title: A plain title", "title: 'Single quoted, with '' a quote'", "title: \"Double \\\"quoted\\\" \\u00e9 \\t tab\"",
        "reply: 550", "status: 5.1.1", "reason: mailbox-not-found", "summary: >\n  Folded text\n  over lines.",
        "summary: |\n  Literal\n  text\n", "summary: |-\n  stripped", "summary: >+\n  kept\n\n",
        "match:\n  - \"{email} does not exist\"\n  - plain item\n  - 'single'", "match: [a, 'b c', \"d\"]", "providers: [Gmail, Yahoo]",
        "related: []", "references:\n  - title: RFC 5321\n    url: https://www.rfc-editor.org/rfc/rfc5321",
        "references:\n  - {title: X, url: 'https://x.test'}", "empty:", "tilde: ~", "none: null", "# a comment", "",
        "key: value # trailing comment", "multi: first line\n  continued line", "unicode: Ünïcödé 📬", "colon: 'a: b'",
        "dup: 1", "dup: 2", "Dup: 3", "'dup': 4", "anchor: &a value", "alias: *a", "tagged: !!str 5", "tab:\tvalue",
        "\tindented: tab", "bad: \"unclosed", "bad2: 'unclosed", "list:\n- a\n- b", "nested:\n  inner:\n    deeper: x",
        "? complex key\n: value", "[a, b]: sequence key", "{a: b}: mapping key", "---", "...", "  misindented: x",
        "key with spaces: v", "\"quoted key\": v", "'single key': v", "number: 0550", "bool: yes", "date: 2024-01-01",
        "percent: %x", "at: @x", "backtick: `x`", "plain scalar alone", "- a list item", "key: [unclosed, flow",
        "key: {unclosed: flow", "escape: \"\\q\"", "nul: \"\\0\"", "long: " + String(repeating: "word ", count: 200),
        "%YAML 1.2", "!tag key: v", "key: !custom value", "key: \"line\\nbreak\"", "'': empty key", "? : empty",
    ]

    enum Answer { case value, empty, unsure }

    /// Holds the two paths to each other on `yaml`; returns what the event reader said.
    @discardableResult
    static func check(_ yaml: String, firstLine: Int = 2) -> Answer {
        let throughYams = YAMLReader.readThroughYams(yaml, firstLine: firstLine, file: "content/x/y.md")
        let answer: Answer
        switch YAMLEventReader.read(yaml, lineOffset: firstLine - 1) {
        case .value(let value):
            #expect(throughYams.0 == value && throughYams.1.isEmpty, "\(yaml.debugDescription)")
            answer = .value
        case .empty:
            #expect(throughYams.0 == nil && throughYams.1.isEmpty, "\(yaml.debugDescription)")
            answer = .empty
        case .unsure:
            answer = .unsure
        }
        // Past the size and safety checks, `read` is exactly the Yams path. (Where a list or
        // map is used twice as a key beside other repeated keys, Yams names the duplicates,
        // one of them as "<uncovertable>", in an order that changes from one parse to the
        // next; such input is not compared.)
        let yamsIsRepeatable = !throughYams.1.contains { $0.message.contains("<uncovertable>") }
        if yamsIsRepeatable, yaml.utf8.count <= YAMLReader.maximumBytes,
           YAMLSafetyScan.firstProblem(in: yaml, maximumDepth: YAMLReader.maximumDepth) == nil {
            let read = YAMLReader.read(yaml, firstLine: firstLine, file: "content/x/y.md")
            #expect(read.0 == throughYams.0 && read.1 == throughYams.1, "\(yaml.debugDescription)")
        }
        return answer
    }

    @Test func agreesWithYamsOnGeneratedFrontMatter() {
        var random = SeededRandom(seed: 1_130_2026)
        var answers: [Answer: Int] = [:]
        let count = 20_000
        for _ in 0..<count {
            let lineCount = Int.random(in: 1...8, using: &random)
            var yaml = (0..<lineCount).map { _ in Self.lines.randomElement(using: &random)! }.joined(separator: "\n")
            if Bool.random(using: &random) { yaml += "\n" }
            answers[Self.check(yaml), default: 0] += 1
        }
        // Enough of each kind for the comparison to mean something.
        #expect((answers[.value] ?? 0) > count / 10, "\(answers)")
        #expect((answers[.unsure] ?? 0) > count / 10, "\(answers)")
        #expect(Self.check("") == .unsure)
        #expect(Self.check("# only a comment\n") == .empty)
        // Past the conversion's limits on depth and size: left to the Yams path, which reports them.
        let depth = YAMLReader.maximumDepth + 2
        #expect(Self.check("key: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) == .unsure)
        #expect(Self.check("key: [" + Array(repeating: "1", count: YAMLReader.maximumNodes).joined(separator: ",") + "]") == .unsure)
        #expect(Self.check("key: [" + Array(repeating: "1", count: 100).joined(separator: ",") + "]") == .value)
        // Many keys (compared through a set past sixteen), and a key repeated among them.
        let keys = (0..<40).map { "key\($0): value \($0)" }
        #expect(Self.check(keys.joined(separator: "\n")) == .value)
        #expect(Self.check((keys + ["key30: again"]).joined(separator: "\n")) == .unsure)
        #expect(Self.check((keys[0..<5] + ["key3: again"] + keys[5...]).joined(separator: "\n")) == .unsure)
    }

    /// Every front matter of the repository and of the test fixtures: clean ones are all read
    /// by the event reader (or it would save nothing), and agree.
    @Test func readsEveryCleanFrontMatterOfTheRepository() throws {
        var roots = [repositoryRoot.appendingPathComponent("content")]
        roots += ["content-good", "content-all-mistakes", "content-cases"].map { ContentSandbox.fixtures.appendingPathComponent($0) }
        var cleanFiles = 0
        var read = 0
        for root in roots {
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".md") || file.hasSuffix(".yml") {
                let url = root.appendingPathComponent(file)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                let yaml: String
                if file.hasSuffix(".yml") {
                    yaml = text
                } else {
                    let parts = text.components(separatedBy: "\n---\n")
                    guard text.hasPrefix("---\n"), parts.count > 1 else { continue }
                    yaml = String(parts[0].dropFirst(4))
                }
                let answer = Self.check(yaml)
                if root.lastPathComponent == "content" && file.contains("/") {
                    cleanFiles += 1
                    if answer == .value { read += 1 }
                }
            }
        }
        #expect(cleanFiles > 300)
        #expect(read == cleanFiles, "the event reader read \(read) of \(cleanFiles) front matters of content/")
    }
}
