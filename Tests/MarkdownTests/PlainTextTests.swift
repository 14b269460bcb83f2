import Foundation
import FuzzKit
import Testing
@testable import Markdown

/// `PlainTextWriter` (the plain text of the site's sections) must give exactly the text
/// `TextRenderer` gives, for any document.
@Suite struct PlainTextTests {
    /// Lines for generated documents: every block and inline construct the renderers treat
    /// differently, nested, with line breaks of both kinds and raw HTML.
    static let lines: [String] = [
        "Plain paragraph text.", "text with `code` and *stars* and **strong** and _under_", "line with hard break  ",
        "line with backslash break\\", "[link](https://example.com)", "[https://example.com](https://example.com)",
        "<https://example.com/auto>", "[empty]()", "[caf\u{E9}](cafe\u{301})", "![image](https://example.com/i.png)",
        "<span>inline html</span> after", "<div>", "</div>", "<!-- comment -->", "# Title", "## Details", "###### Six",
        "#", "Setext", "===", "---", "***", "- item", "- ", "-", "* star", "+ plus", "1. one", "2) two", "0. zero",
        "10. ten", "  - nested item", "    - deeper item", "  continued", "> quote", "> > nested quote", ">", "> - quoted item",
        "- > item quote", "- <div>", "1. <div>", "> <div>", "```", "```swift", "~~~", "    indented code", "\tTabbed code",
        "code with\r", "carriage\rreturn", "crlf line\r\n", "", "", "", "   ", "Ünïcödé é 📬", "a & b < c", "\u{FEFF}bom",
        "- [x] task", "| a | b |", "term  ", "*", "**", "`", "\\*escaped\\*",
    ]

    private static func expectSame(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let document = MarkdownDocument(source)
        #expect(document.plainText() == document.plainTextByBlocks, "\(source.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func agreesWithTheBlockRendererOnGeneratedDocuments() {
        var random = SeededRandom(seed: 30_112_026)
        for _ in 0..<20_000 {
            let lineCount = Int.random(in: 1...12, using: &random)
            var lines: [String] = []
            for _ in 0..<lineCount {
                // Some lines nested under list or quote markers, to reach indented blocks.
                let prefix = ["", "", "", "- ", "  ", "> ", "1. ", "   "].randomElement(using: &random)!
                lines.append(prefix + Self.lines.randomElement(using: &random)!)
            }
            let separator = random.next() % 8 == 0 ? "\r\n" : "\n"
            Self.expectSame(lines.joined(separator: separator))
        }
    }

    @Test func agreesOnEdgeCases() {
        let sources = [
            "", "\n", "```\n```", "```\n\n```", "```\na\r\nb\n```", "```\na\n\n\n```", "- <div>\n  text\n- ", "1. \n2. \n",
            "> <div>\n> \n> text", "> ", "- a\n\n  <div>\n\n  b", "[x](x)", "[x](y)", "- # heading in item\n- ---",
            "\u{FEFF}# Title", "a  \nb\\\nc", "> a\n>\n> b", "3. three\n4. four\n\n   - sub\n\n     para",
            // A carriage return only reaches the text through an entity; before a hard line break
            // the two are one character, which gets no indentation after it.
            "- a&#13;\\\n  b&#13;\n  c", "> a&#13;\\\n> b", "- x&#13;  \n  y\\\n  z", "```\na&#13;\n```",
            // Deeper than the renderers' nesting limit: flattened the same way.
            String(repeating: "> ", count: 60) + "deep *quote*",
            String(repeating: "- ", count: 60) + "deep list",
            String(repeating: "*a ", count: 60) + "deep emphasis" + String(repeating: "*", count: 60),
            String(repeating: "[", count: 60) + "links" + String(repeating: "](u)", count: 60),
        ]
        for source in sources { Self.expectSame(source) }
    }

    /// The repository's entry bodies, which the site build renders.
    @Test func agreesOnTheRepositoryContent() throws {
        let content = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("content")
        let files = (FileManager.default.enumerator(atPath: content.path)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".md") }
        #expect(files.count > 100)
        for file in files {
            Self.expectSame(try String(contentsOf: content.appendingPathComponent(file), encoding: .utf8))
        }
    }
}
