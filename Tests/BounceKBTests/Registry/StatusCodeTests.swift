import Foundation
import FuzzKit
import Testing
@testable import BounceKB

@Suite struct StatusCodeTests {
    @Test(arguments: [
        ("5.7.26", 5, 7, 26),
        ("4.2.2", 4, 2, 2),
        ("2.0.0", 2, 0, 0),
        ("5.1.10", 5, 1, 10),
        ("5.7.999", 5, 7, 999),
        (" 5.1.1\n", 5, 1, 1),
    ])
    func parsesValidCodes(text: String, klass: Int, subject: Int, detail: Int) throws {
        let code = try #require(StatusCode(text))
        #expect(code.klass == klass)
        #expect(code.subject == subject)
        #expect(code.detail == detail)
    }

    @Test(arguments: [
        "6.1.1", "1.1.1", "3.1.1", "5.8.1", "5.1.1000", "1.2", "5.1", "5.1.1.1", "", "5..1", "5.1.",
        "x.1.1", "X.7.26", "5.01.1", "5.1.01", "+5.1.1", "5.-1.1", "5.1.1a", "5 .1.1", "５.1.1",
    ])
    func rejectsInvalidCodes(text: String) {
        #expect(StatusCode(text) == nil, "'\(text)' should not parse")
    }

    @Test func rejectsOutOfRangeParts() {
        #expect(StatusCode(klass: 3, subject: 1, detail: 1) == nil)
        #expect(StatusCode(klass: 5, subject: 8, detail: 1) == nil)
        #expect(StatusCode(klass: 5, subject: 1, detail: 1000) == nil)
        #expect(StatusCode(klass: 5, subject: 1, detail: -1) == nil)
    }

    @Test func descriptionAndPatternRoundTrip() throws {
        let code = try #require(StatusCode("5.7.26"))
        #expect(code.description == "5.7.26")
        #expect(code.pattern == "X.7.26")
        #expect(StatusCode(code.description) == code)
    }

    @Test func ordersByClassSubjectDetail() throws {
        let codes = ["5.7.26", "4.2.2", "5.1.1", "5.7.3", "2.0.0"].compactMap(StatusCode.init)
        #expect(codes.sorted().map(\.description) == ["2.0.0", "4.2.2", "5.1.1", "5.7.3", "5.7.26"])
    }

    @Test func codableAsString() throws {
        let code = try #require(StatusCode("4.7.0"))
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["4.7.0"]"#)
        #expect(try JSONDecoder().decode([StatusCode].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([StatusCode].self, from: Data(#"["5.8.1"]"#.utf8))
        }
    }

    /// The documented rule, spelled out character by character: what the parser must accept.
    private static func expected(_ text: String) -> (Int, Int, Int)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        var numbers: [Int] = []
        for (index, part) in parts.enumerated() {
            let maxDigits = index == 0 ? 1 : 3
            guard !part.isEmpty, part.count <= maxDigits, part.allSatisfy({ "0123456789".contains($0) }),
                  part == "0" || !part.hasPrefix("0"), let number = Int(part) else { return nil }
            numbers.append(number)
        }
        guard [2, 4, 5].contains(numbers[0]), numbers[1] <= 7 else { return nil }
        return (numbers[0], numbers[1], numbers[2])
    }

    @Test func parsesExactlyWhatTheRuleAccepts() {
        // Generated texts around real codes: digits, dots, whitespace (ASCII and not), signs,
        // letters, leading zeros, long parts, and non-ASCII digits and marks.
        let pieces = ["0", "1", "2", "4", "5", "7", "8", "9", "00", "01", "10", "26", "99", "100", "999", "0999", "1000",
                      ".", ".", ".", " ", "\t", "\n", "\r\n", "\u{A0}", "\u{2003}", "a", "X", "+", "-", "\u{FF15}", "\u{301}", "\u{660}"]
        var random = SeededRandom(seed: 3463)
        var accepted = 0
        for round in 0..<40_000 {
            var text = ""
            if round % 3 == 0 {
                // Close to a code: class.subject.detail with a sprinkle of noise.
                text = pieces[random.below(6)] + "." + pieces[random.below(9)] + "." + pieces[random.below(16)]
                if random.below(4) == 0 { text.insert(contentsOf: pieces[random.below(pieces.count)], at: text.startIndex) }
                if random.below(4) == 0 { text += pieces[random.below(pieces.count)] }
            } else {
                for _ in 0..<random.below(8) { text += pieces[random.below(pieces.count)] }
            }
            let code = StatusCode(text)
            let rule = Self.expected(text)
            #expect(code.map { [$0.klass, $0.subject, $0.detail] } == rule.map { [$0.0, $0.1, $0.2] }, "\(text.unicodeScalars.map(\.value))")
            if code != nil { accepted += 1 }
        }
        #expect(accepted > 1_000, "the generated texts include many codes")
    }
}
