import Foundation
import Markdown

/// The two sections of an entry's body: `## Details` and `## Resolution`.
struct EntryBody {
    var details = ""
    var resolution = ""
    var detailsHeading: SourceLocation?
    var resolutionHeading: SourceLocation?

    /// Splits `body` (whose first line is file line `firstLine`) at its `##` headings, as cmark
    /// finds them, so that `## Details` inside a code block is not mistaken for a heading.
    static func parse(_ body: String, firstLine: Int, file: String) -> (EntryBody, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var result = EntryBody()
        let lines = FastText.lines(body)
        func fileLine(_ bodyLine: Int) -> Int { bodyLine + firstLine - 1 }
        func error(_ message: String, _ bodyLine: Int, column: Int = 1) {
            diagnostics.append(.error(message, file: file, line: fileLine(bodyLine), column: column))
        }

        // Sections are delimited by level-2 headings; deeper headings belong to the section they are in.
        let headings = MarkdownDocument.headings(in: body, upToLevel: 2)
        var sections: [(name: String, line: Int)] = []
        for heading in headings {
            let name = FastText.trimming(heading.text, .whitespaces, ascii: FastText.whitespaces)
            if heading.level == 1 {
                diagnostics.append(.warning(
                    "the page title comes from 'title:' in the front matter; remove the heading '# \(name)' or make it a '###' subsection",
                    file: file, line: fileLine(heading.line), column: 1))
                continue
            }
            let sourceLine = heading.line <= lines.count ? lines[heading.line - 1] : ""
            if !FastText.trimming(sourceLine, .whitespaces, ascii: FastText.whitespaces).hasPrefix("##") {
                error("write the section heading as '## \(name)' (a line starting with '##'), not underlined", heading.line)
            }
            sections.append((name, heading.line))
        }

        // Text before the first section (other than a '#' heading, reported above) belongs nowhere.
        let firstContent = lines.indices.first { index in
            !FastText.isBlank(lines[index])
                && !headings.contains { $0.level == 1 && $0.line == index + 1 }
        }.map { $0 + 1 }
        let strayLeadingText = firstContent.flatMap { $0 < (sections.first?.line ?? Int.max) ? $0 : nil }
        let hasDetails = sections.contains { $0.name.lowercased() == "details" }
        if let strayLeadingText, hasDetails {
            error("text before '## Details' is not part of any section and would be lost; move it under '## Details'", strayLeadingText)
        }

        var seen: Set<String> = []
        for (index, section) in sections.enumerated() {
            let endLine = index + 1 < sections.count ? sections[index + 1].line : lines.count + 1
            let text = sectionText(lines, from: section.line + 1, to: endLine)
            let key = section.name.lowercased()
            let location = SourceLocation(line: fileLine(section.line), column: 1)
            switch key {
            case "details", "resolution":
                let proper = key == "details" ? "Details" : "Resolution"
                if seen.contains(key) {
                    error("second '## \(proper)' section; an entry has one '## Details' and one '## Resolution', so merge them", section.line)
                    continue
                }
                seen.insert(key)
                if section.name != proper {
                    diagnostics.append(.warning("write the heading as '## \(proper)'", file: file, line: location.line, column: 1))
                }
                if key == "resolution" && hasDetails && !seen.contains("details") {
                    error("'## Resolution' comes before '## Details'; put the Details section first", section.line)
                }
                if text.isEmpty {
                    error("the '## \(proper)' section is empty; \(key == "details" ? "explain what happened and who refused the message" : "list the steps that fix the problem")", section.line)
                }
                if key == "details" {
                    result.details = text
                    result.detailsHeading = location
                } else {
                    result.resolution = text
                    result.resolutionHeading = location
                }
            default:
                error("unexpected section '## \(section.name)'; an entry has exactly two sections, '## Details' then '## Resolution', so make this a '###' subsection of one of them",
                      section.line)
            }
        }
        // Point "add it here" diagnostics at the last line with text, or at the closing '---'.
        let lastContent = lines.lastIndex { !FastText.isBlank($0) }
        let endOfFile = lastContent.map { fileLine($0 + 1) } ?? max(1, firstLine - 1)
        if !seen.contains("details") {
            if let strayLeadingText {
                error("missing '## Details' section; add a line '## Details' above this text", strayLeadingText)
            } else {
                diagnostics.append(.error(
                    "missing '## Details' section; add a line '## Details' followed by what happened and why",
                    file: file, line: sections.first.map { fileLine($0.line) } ?? endOfFile, column: 1))
            }
        }
        if !seen.contains("resolution") {
            diagnostics.append(.error(
                "missing '## Resolution' section; add a line '## Resolution' after the details, followed by the steps that fix the problem",
                file: file, line: endOfFile, column: 1))
        }
        return (result, diagnostics)
    }

    /// Lines `from..<to` (1-based) without leading and trailing blank lines; `lines` are the
    /// lines of one text, split at its line feeds (`FastText.lines`).
    private static func sectionText(_ lines: [Substring], from: Int, to: Int) -> String {
        guard from < to, from >= 1 else { return "" }
        // An ArraySlice, so removeFirst() is O(1): on an Array it moved every line, and a
        // section opening with 200,000 blank lines took 70 s.
        var slice = lines[(from - 1)..<min(to - 1, lines.count)]
        while let first = slice.first, FastText.isBlank(first) { slice.removeFirst() }
        while let last = slice.last, FastText.isBlank(last) { slice.removeLast() }
        // The lines are consecutive slices of one text, one line feed apart: the text from the
        // first one's start to the last one's end is them joined, without joining them.
        guard let first = slice.first, let last = slice.last else { return "" }
        return String(Substring(first.base.utf8[first.startIndex..<last.endIndex]))
    }
}
