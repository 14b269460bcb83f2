import Foundation
import FuzzKit
import Testing
@testable import SiteBuilder

/// `ScriptJSON` writes the data the site embeds in JavaScript (the search index). Property test
/// over seeded random strings (hostile values, markup, every Unicode plane, controls, lone
/// surrogate-range scalars are impossible in Swift strings): the output is printable ASCII
/// without `<`, `>` or `&` (so it can never spell `</script>` or `<!--`, whatever charset the
/// browser assumes, and U+2028/U+2029 never appear raw), and it reads back as the same string
/// both as JSON and as a JavaScript literal.
@Suite struct ScriptJSONTests {
    static func randomString(_ random: inout SeededRandom) -> String {
        var text = ""
        for _ in 0..<random.below(12) {
            switch random.below(5) {
            case 0: text += random.pick(Generators.hostileValues)
            case 1: text += random.pick(["</script>", "</SCRIPT >", "<!--", "-->", "<![CDATA[", "]]>", "\u{2028}", "\u{2029}", "\\", "\"", "'", "`", "${x}", "\u{0}", "\u{7F}", "\u{85}", "\u{FEFF}", "\u{1F600}", "\u{10FFFF}"])
            case 2:
                let value = UInt32(random.below(0x11_0000))
                if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            case 3:
                if let scalar = Unicode.Scalar(UInt32(random.below(0x80))) { text.unicodeScalars.append(scalar) }
            default: text += "plain text "
            }
        }
        return text
    }

    @Test func stringsAreSafeAndRoundTrip() throws {
        var random = SeededRandom(seed: 2026)
        var samples: [String] = []
        for _ in 0..<5_000 {
            let text = Self.randomString(&random)
            let encoded = ScriptJSON.string(text)
            #expect(encoded.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "not printable ASCII: \(encoded)")
            #expect(!encoded.contains("<") && !encoded.contains(">") && !encoded.contains("&"), "\(encoded)")
            let decoded = try JSONDecoder().decode(String.self, from: Data(encoded.utf8))
            #expect(decoded == text, "JSON round trip failed for \(encoded)")
            if samples.count < 400 { samples.append(encoded) }
        }
        // JavaScript reads the literals the same way (node is there for the site's JS tests).
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/node") else { return }
        let folder = try TemporaryFolder("scriptjson")
        defer { folder.remove() }
        let script = "const values = [\n" + samples.joined(separator: ",\n") + "\n];\n"
            + "process.stdout.write(JSON.stringify(values));\n"
        try folder.write("check.js", script)
        let result = try run("/usr/bin/node", [folder.path("check.js").path], timeout: 30)
        #expect(result.status == 0, "\(result.err)")
        let fromJS = try JSONDecoder().decode([String].self, from: result.stdout)
        let expected = try samples.map { try JSONDecoder().decode(String.self, from: Data($0.utf8)) }
        #expect(fromJS == expected)
    }

    /// The byte writers the search index builds its lines with give what `string` and
    /// `number` give, after whatever the buffer already holds (a string that turns out not to
    /// be ASCII part-way takes back what it wrote).
    @Test func appendingWritesWhatTheStringFormsGive() throws {
        var random = SeededRandom(seed: 1130)
        for _ in 0..<5_000 {
            let prefix = Self.randomString(&random)
            let text = Self.randomString(&random)
            var bytes = Array(prefix.utf8)
            ScriptJSON.appendString(text, to: &bytes)
            #expect(bytes == Array((prefix + ScriptJSON.string(text)).utf8), "\(text.debugDescription)")
            // Checked on its own too, since `string` is written by `appendString`.
            #expect(bytes.starts(with: prefix.utf8))
            let appended = Data(bytes.dropFirst(prefix.utf8.count))
            #expect(try JSONDecoder().decode(String.self, from: appended) == text, "\(text.debugDescription)")
        }
        var numbers = [0, 1, 9, 10, 99, 100, -1, -10, 1_234_567, Int.max, Int.min, Int.max - 1, Int.min + 1]
        for _ in 0..<2_000 { numbers.append(Int(truncatingIfNeeded: random.next()) >> random.below(63)) }
        for number in numbers {
            var bytes = Array("[1,".utf8)
            ScriptJSON.appendNumber(number, to: &bytes)
            #expect(bytes == Array(("[1," + ScriptJSON.number(number)).utf8), "\(number)")
        }
    }
}
