import Foundation
import Markdown

/// Text helpers for the loader's hot paths that give exactly the results of the Foundation calls
/// they stand in for, without bridging to `NSString` for the common all-ASCII case.
///
/// Foundation's `trimmingCharacters(in:)` goes through `NSString` on Linux, which costs a few
/// microseconds per call and returns a UTF-16-backed string that is slow to iterate; the loader
/// calls it for every line and field of every file. ASCII text trims here against a table made
/// from the same `CharacterSet`; anything else still goes to Foundation, so results never differ.
enum FastText {
    /// Membership of the 128 ASCII scalars in a `CharacterSet`.
    struct ASCIISet: Sendable {
        private let low: UInt64
        private let high: UInt64

        init(_ set: CharacterSet) {
            var low: UInt64 = 0
            var high: UInt64 = 0
            for value in 0..<128 where set.contains(Unicode.Scalar(UInt8(value))) {
                if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
            }
            self.low = low
            self.high = high
        }

        /// `byte` must be below 0x80.
        @inline(__always)
        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : high & (1 << UInt64(byte - 64)) != 0
        }
    }

    static let whitespaces = ASCIISet(.whitespaces)
    static let whitespacesAndNewlines = ASCIISet(.whitespacesAndNewlines)
    static let punctuation = ASCIISet(.punctuationCharacters)

    /// `text.trimmingCharacters(in: set)`, where `ascii` is `set`'s ASCII table.
    /// `set` is made only for non-ASCII text: Foundation builds a new `CharacterSet` each time
    /// `.whitespaces` is read.
    static func trimming<S: StringProtocol>(_ text: S, _ set: @autoclosure () -> CharacterSet, ascii: ASCIISet) -> String {
        let fast: String?? = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var start = 0
            var end = bytes.count
            for byte in bytes where byte >= 0x80 { return nil }
            while start < end, ascii.contains(bytes[start]) { start += 1 }
            while end > start, ascii.contains(bytes[end - 1]) { end -= 1 }
            if start == 0 && end == bytes.count, let whole = text as? String { return whole }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        if let fast, let result = fast { return result }
        return text.trimmingCharacters(in: set())
    }

    /// `text.trimmingCharacters(in: .whitespaces).isEmpty`.
    static func isBlank<S: StringProtocol>(_ text: S) -> Bool {
        let fast: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if !whitespaces.contains(byte) { return false }
            }
            return true
        }
        if let fast, let result = fast { return result }
        return text.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// `text.contains("\n")`. Without a CR, a line feed is always a character of its own, so a
    /// byte scan gives the same answer; text with a CR (only possible through YAML escapes) asks Foundation.
    static func containsLineFeed(_ text: String) -> Bool {
        if ByteScan.contains(0x0D, in: text) { return text.contains("\n") }
        return ByteScan.contains(0x0A, in: text)
    }

    /// `text.split(whereSeparator: { $0.isWhitespace }).count`: the number of runs of
    /// non-whitespace characters. In ASCII text every byte is a character (CR LF is one, but both
    /// halves are whitespace) and the whitespace characters are tab to CR and space; text with
    /// other characters takes the character-by-character path, which is some 50 times slower.
    static func wordCount(_ text: String) -> Int {
        let fast: Int?? = text.utf8.withContiguousStorageIfAvailable(asciiWordCount)
        if let fast, let result = fast { return result }
        return text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// `wordCount` of ASCII bytes, eight at a time (every build counts the words of every
    /// section); nil when a byte is not ASCII.
    static func asciiWordCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var count = 0
        var previousIsSpace = true
        var index = 0
        if let base = bytes.baseAddress {
            let high: UInt64 = 0x8080_8080_8080_8080
            let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
            while index + 8 <= bytes.count {
                // Byte 0 in the low bits whatever the machine's byte order, as the shifts below assume.
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                if word & high != 0 { return nil }
                // With every byte below 0x80 no sum below carries into the next byte, so each
                // test is exact per byte: its answer is that byte's high bit.
                let notSpace = word ^ 0x2020_2020_2020_2020
                let isSpace = ~(((notSpace & low) &+ low) | notSpace) & high
                let atLeastTab = (word &+ 0x7777_7777_7777_7777) & high
                let atMostCarriageReturn = ~(word &+ 0x7272_7272_7272_7272) & high
                let whitespace = isSpace | (atLeastTab & atMostCarriageReturn)
                // Each byte's flag moved onto the byte after it; the first byte gets the last
                // one of the previous word.
                let afterSpace = (whitespace << 8) | (previousIsSpace ? 0x80 : 0)
                count += (~whitespace & high & afterSpace).nonzeroBitCount
                previousIsSpace = whitespace >> 63 != 0
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            let isSpace = isASCIIWhitespace(byte)
            if !isSpace && previousIsSpace { count += 1 }
            previousIsSpace = isSpace
            index += 1
        }
        return count
    }

    /// `text` split at LF into lines, keeping empty ones: the same as
    /// `text.split(separator: "\n", omittingEmptySubsequences: false)` (a line feed is always a
    /// character of its own once CR has been normalised away), without walking grapheme clusters.
    static func lines(_ text: String) -> [Substring] {
        let utf8 = text.utf8
        // Line-feed offsets from a pointer scan; the string's own indices cost far more a byte.
        guard let breaks = utf8.withContiguousStorageIfAvailable({ bytes -> [Int] in
            var offsets: [Int] = []
            ByteScan.forEachOffset(of: 0x0A, in: UnsafeRawBufferPointer(bytes)) { offsets.append($0) }
            return offsets
        }) else {
            return text.split(separator: "\n", omittingEmptySubsequences: false)
        }
        var result: [Substring] = []
        result.reserveCapacity(breaks.count + 1)
        var start = utf8.startIndex
        for offset in breaks {
            let end = utf8.index(utf8.startIndex, offsetBy: offset)
            // From the UTF-8 view: `text[start..<end]` would round both ends to character
            // boundaries, walking grapheme clusters, though a line feed is always one.
            result.append(Substring(utf8[start..<end]))
            start = utf8.index(after: end)
        }
        result.append(Substring(utf8[start..<utf8.endIndex]))
        return result
    }

    /// `text` with every occurrence of each of `targets` replaced by `replacement`, in turn, as
    /// successive `replacingOccurrences(of:with:)` calls would. ASCII text is compared byte by
    /// byte, which is what Foundation's search amounts to there; other text goes to Foundation
    /// (which on Linux works through `NSString`, slowly, and returns a bridged string that is
    /// slow to scan, so the result is copied back into a native one).
    static func replacing(_ targets: [String], with replacement: String, in text: String) -> String {
        guard ByteScan.isASCII(text), targets.allSatisfy(ByteScan.isASCII) else {
            var result = text
            for target in targets { result = result.replacingOccurrences(of: target, with: replacement) }
            return String(decoding: Array(result.utf8), as: UTF8.self)
        }
        return targets.reduce(text) { ByteScan.replacing($1, with: replacement, in: $0) }
    }

    /// `Character.isWhitespace` for an ASCII byte: tab to CR, and space.
    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `lowercased()` for an ASCII byte: A-Z become a-z.
    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
