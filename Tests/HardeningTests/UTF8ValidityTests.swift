import FuzzKit
import Testing
@testable import BounceKB

/// `SourceText.decode` takes the standard library's UTF-8 validation for valid files and its own
/// scan only to say where a file goes wrong: the two must agree on which bytes are valid UTF-8.
@Suite struct UTF8ValidityTests {
    @Test func theStandardLibraryAndTheScanAgreeOnValidity() {
        // Byte strings built from pieces near every boundary of RFC 3629 (overlongs, surrogates,
        // the largest scalar, truncated and stray continuation bytes), mixed by a seeded generator.
        let pieces: [[UInt8]] = [
            [0x41], [0x7F], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF],
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
        ]
        var random = SeededRandom(seed: 3629)
        var disagreements: [[UInt8]] = []
        var invalid = 0
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0...random.below(6) { bytes += random.pick(pieces) }
            let standard = bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) } != nil
            let scanned = SourceText.firstInvalidUTF8Offset(bytes[...]) == nil
            if standard != scanned { disagreements.append(bytes) }
            if !scanned { invalid += 1 }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
        #expect(invalid > 1_000 && invalid < 19_000, "both kinds were tried")
    }
}
