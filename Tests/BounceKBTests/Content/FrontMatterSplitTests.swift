import FuzzKit
import Testing
@testable import BounceKB

/// `FrontMatterSplit`: which lines open and close the front matter.
@Suite struct FrontMatterSplitTests {
    /// The rule as characters: three hyphens, then only spaces and tabs.
    private static func isDelimiterByCharacters(_ line: Substring) -> Bool {
        line.hasPrefix("---") && line.dropFirst(3).allSatisfy { $0 == " " || $0 == "\t" }
    }

    @Test func delimitersAreDecidedAsCharactersDecideThem() {
        // Hyphens, blanks, combining marks after each, other dashes, and line-end leftovers.
        let pieces = ["-", "-", "-", " ", "\t", "\u{301}", "\u{20DD}", "\u{2010}", "\u{FF0D}", "\r", "\u{A0}", "x", "—", "\u{0}"]
        var random = SeededRandom(seed: 45)
        var lines: [String] = ["---", "--- ", "---\t \t", "--", "----", "---x", "---\u{301}", "--- \u{301}", "", " ---", "---\r"]
        for _ in 0..<20_000 {
            // Half of them open like a delimiter, followed by a few blanks or other pieces.
            let opening = random.below(2) == 0 ? "---" : ""
            let blanks = random.below(2) == 0 ? [" ", "\t"] : pieces
            lines.append(opening + (0..<random.below(6)).map { _ in random.pick(blanks) }.joined())
        }
        var delimiters = 0
        for line in lines {
            let expected = Self.isDelimiterByCharacters(line[...])
            #expect(FrontMatterSplit.isDelimiter(line[...]) == expected, "\(line.unicodeScalars.map(\.value))")
            if expected { delimiters += 1 }
        }
        #expect(delimiters > 100, "the generated lines include delimiters")
    }
}
