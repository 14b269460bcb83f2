import Foundation
import FuzzKit
import Testing
@testable import Markdown

/// The line scan (`PlainHeadingScan`) must find exactly the headings cmark finds, whenever it
/// answers at all; `MarkdownDocument.headings(in:upToLevel:)` must always.
@Suite struct HeadingScanTests {
    /// Lines for generated documents: headings and every construct the scan must either follow
    /// (fences at column 1, lists and quotes beside headings) or give up on.
    static let lines: [String] = [
        "## Details", "## Resolution", "# Title", "### Sub", "###### Six", "####### seven", "#5 not a heading",
        "## Closed ##", "##", "#", "##   ", "##   Leading and trailing   ", "## Ünïcödé and émojis 📬", "## A & B",
        "## With *emphasis*", "## With `code`", "## [link](https://example.com)", "## a\\b", "## Tab\there",
        "##\u{A0}no-break space", "## Details\u{A0}", "\\## escaped", "  ## two spaces", "   # three spaces",
        "    ## four spaces", "- ## in a list", "> ## in a quote", "1. # in a numbered list", ">## tight quote",
        "```", "```swift", "~~~", "````", "~~~~ text", "  ```", "   ~~~", "    ```", "- ```", "> ```", "``` a`b",
        "  ## Details", "<div>", "</div>", "  <p>", "- <span>", "Setext words", "===", "  ==", "= not", "a == b",
        "---", "- - -", "  ---", "-", "- item", "  continued item", "1. step one", "10) step", "> quote",
        "", "", "", "   ", "Plain paragraph text.", "text with `code` and *stars*", "    indented code", "***",
        "___", "line with a carriage return\r", "\tTabbed", "form\u{0C}feed", "2024 # not a heading",
        "* star item", "+ plus item", "#hashtag", "Paragraph.  ", "``", "~~ two", "carriage\rreturn", "##\tTab after hashes",
        "## Heading\u{0B}with a vertical tab", "\u{FEFF}## After a byte order mark", "\u{FEFF}```", "\u{FEFF}",
    ]

    static func cmarkHeadings(_ source: String, upToLevel level: Int) -> [Heading] {
        MarkdownDocument(source).headings.filter { $0.level <= level }
    }

    @Test func agreesWithCmarkOnGeneratedDocuments() {
        var random = SeededRandom(seed: 20_261_130)
        var answered = 0
        var answeredWithHeadings = 0
        let count = 30_000
        for _ in 0..<count {
            let lineCount = Int.random(in: 1...10, using: &random)
            var source = (0..<lineCount).map { _ in Self.lines.randomElement(using: &random)! }.joined(separator: "\n")
            // Some documents open with a byte order mark, which cmark drops there and only there.
            if random.next() % 16 == 0 { source = "\u{FEFF}" + source }
            if Bool.random(using: &random) { source += "\n" }
            for level in [2, 7] {
                let expected = Self.cmarkHeadings(source, upToLevel: level)
                if let scanned = PlainHeadingScan.headings(in: source, upToLevel: level) {
                    #expect(scanned == expected, "\(source.debugDescription)")
                    if level == 2 {
                        answered += 1
                        if !scanned.isEmpty { answeredWithHeadings += 1 }
                    }
                }
                #expect(MarkdownDocument.headings(in: source, upToLevel: level) == expected)
            }
        }
        // The scan must answer for a good share, or this test would prove nothing.
        #expect(answered > count / 20, "the scan answered \(answered) of \(count)")
        #expect(answeredWithHeadings > count / 40)
    }

    @Test func followsFencesAndGivesUpInsideContainers() throws {
        let fenced = "## Details\n\n```\n## Resolution\n```\n\n~~~~\n# Title\n~~~\n## Not yet\n~~~~\n## Resolution\n"
        let scanned = try #require(PlainHeadingScan.headings(in: fenced, upToLevel: 2))
        #expect(scanned == [Heading(level: 2, text: "Details", line: 1), Heading(level: 2, text: "Resolution", line: 12)])
        #expect(scanned == Self.cmarkHeadings(fenced, upToLevel: 2))
        // An unclosed fence runs to the end.
        #expect(PlainHeadingScan.headings(in: "## Details\n```\n## Resolution", upToLevel: 2) == [Heading(level: 2, text: "Details", line: 1)])
        for source in ["- ## Details", "> ## Details", "Details\n-------", "Details\n===", "<div>\n## Details\n</div>",
                       "- a\n  ```\n## x\n  ```", "## *Details*", "\t## Details", "## Details\r\n", "\u{FEFF}## Details\n## Resolution"] {
            #expect(PlainHeadingScan.headings(in: source, upToLevel: 2) == nil, "\(source.debugDescription)")
        }
    }

    /// The repository's entries: the scan answers for nearly all of them, and agrees.
    @Test func answersForTheRepositoryContent() throws {
        let content = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("content")
        let files = (FileManager.default.enumerator(atPath: content.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".md") && !$0.hasSuffix("_index.md") }
        #expect(files.count > 100)
        var answered = 0
        for file in files {
            let text = try String(contentsOf: content.appendingPathComponent(file), encoding: .utf8)
            // The body: everything after the front matter's closing line.
            guard let close = text.range(of: "\n---\n") else { continue }
            let body = String(text[close.upperBound...])
            let expected = Self.cmarkHeadings(body, upToLevel: 2)
            #expect(expected.count >= 2, "\(file)")
            if let scanned = PlainHeadingScan.headings(in: body, upToLevel: 2) {
                answered += 1
                #expect(scanned == expected, "\(file)")
            }
        }
        #expect(answered * 10 >= files.count * 9, "the scan answered for \(answered) of \(files.count) entries")
    }
}
