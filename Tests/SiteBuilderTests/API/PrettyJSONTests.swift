import Foundation
import Testing
@testable import SiteBuilder

/// `PrettyJSON`'s string escaping and re-indenting, which scan several bytes at a time, against
/// `JSONEncoder` and a byte-by-byte reading of the same rules.
@Suite struct PrettyJSONTests {
    private static func encoderString(_ text: String) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(text))
    }

    @Test func everyByteThatNeedsEscapingIsEscapedWhereverItSits() throws {
        // Each ASCII byte, and a few longer characters, at every offset of a text longer than two
        // eight-byte words: whichever word and byte of the word it falls in.
        let filler = Array("abcdefghijklmnopqrstuvwx".utf8)
        var specials = (0..<0x80).map { String(decoding: [UInt8($0)], as: UTF8.self) }
        specials += ["é", "✓", "😀", "\u{7F}", "\\\"", "\r\n"]
        var checked = 0
        for special in specials {
            for offset in 0...filler.count {
                let text = String(decoding: filler[..<offset], as: UTF8.self) + special + String(decoding: filler[offset...], as: UTF8.self)
                var json = PrettyJSON()
                json.string(text)
                #expect(json.bytes == (try Self.encoderString(text)), "\(special.unicodeScalars.map(\.value)) at \(offset)")
                checked += 1
            }
        }
        #expect(checked == specials.count * (filler.count + 1))
    }

    @Test func textsOfEveryLengthRoundTrip() throws {
        for length in 0..<40 {
            let text = String(repeating: "q\"\\\u{1}ü", count: length / 5 + 1).unicodeScalars.prefix(length).map(String.init).joined()
            var json = PrettyJSON()
            json.string(text)
            #expect(json.bytes == (try Self.encoderString(text)), "length \(length)")
        }
    }

    @Test func reIndentingMovesEveryLineButBlankOnes() {
        let documents = ["", "{}", "{\n  \"a\" : 1\n}", "[\n\n]", "{\n  \"a\" : [\n\n  ],\n  \"b\" : \"x\"\n}\n", "\n\n", "x\n"]
        for document in documents {
            var output: [UInt8] = []
            PrettyJSON.indented(Array(document.utf8), by: 4, into: &output)
            // The rule, a line at a time: four spaces first and after every line feed not followed
            // by another line feed or the end.
            var expected = Array("    ".utf8)
            let bytes = Array(document.utf8)
            for (index, byte) in bytes.enumerated() {
                expected.append(byte)
                if byte == 0x0A, index + 1 < bytes.count, bytes[index + 1] != 0x0A { expected += Array("    ".utf8) }
            }
            #expect(output == expected, "\(document.debugDescription)")
        }
    }
}
