/// Byte-level mutations in the style of AFL and libFuzzer, plus the two that matter most for
/// text parsers: inserting tokens of the input language, and repeating one many times (the
/// nesting and amplification bombs that make parsers recurse or go quadratic).
public struct Mutator: Sendable {
    /// Words of the input language (field names, delimiters, escapes) inserted whole.
    public var dictionary: [[UInt8]]
    /// Inputs never grow beyond this many bytes.
    public var maximumSize: Int

    public init(dictionary: [String], maximumSize: Int) {
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maximumSize = maximumSize
    }

    /// Bytes parsers treat specially, and the edges of UTF-8.
    static let interestingBytes: [UInt8] = [
        0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x20, 0x22, 0x23, 0x26, 0x27, 0x2A, 0x2D, 0x2E, 0x3A, 0x3B,
        0x3C, 0x3D, 0x3E, 0x3F, 0x5B, 0x5C, 0x5D, 0x60, 0x7B, 0x7C, 0x7D, 0x7F, 0x80, 0xBF, 0xC0, 0xC3,
        0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF,
    ]

    /// Applies between one and eight random mutations; `others` supplies splice partners.
    public func mutate(_ input: [UInt8], others: [[UInt8]], random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let rounds = 1 + random.below(8)
        for _ in 0..<rounds {
            mutateOnce(&bytes, others: others, random: &random)
        }
        if bytes.count > maximumSize { bytes.removeSubrange(maximumSize...) }
        return bytes
    }

    private func mutateOnce(_ bytes: inout [UInt8], others: [[UInt8]], random: inout SeededRandom) {
        let position = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
        switch random.below(12) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let at = random.below(bytes.count)
            bytes[at] ^= UInt8(1 << random.below(8))
        case 1 where !bytes.isEmpty:  // set an interesting byte
            bytes[random.below(bytes.count)] = random.pick(Self.interestingBytes)
        case 2:  // insert interesting bytes
            let count = 1 + random.below(4)
            insert((0..<count).map { _ in random.pick(Self.interestingBytes) }, at: position, into: &bytes)
        case 3 where !bytes.isEmpty:  // delete a range
            let length = min(bytes.count - min(position, bytes.count - 1), 1 + random.skewedSize(maximum: 256))
            let start = min(position, bytes.count - 1)
            bytes.removeSubrange(start..<min(bytes.count, start + length))
        case 4 where !bytes.isEmpty:  // duplicate a range in place
            let start = random.below(bytes.count)
            let length = min(bytes.count - start, 1 + random.skewedSize(maximum: 512))
            insert(Array(bytes[start..<(start + length)]), at: position, into: &bytes)
        case 5, 6:  // insert a dictionary word
            if let word = dictionary.isEmpty ? nil : random.pick(dictionary) {
                insert(word, at: lineStart(in: bytes, near: position, random: &random), into: &bytes)
            }
        case 7 where !others.isEmpty:  // splice in a piece of another input
            let other = random.pick(others)
            guard !other.isEmpty else { return }
            let start = random.below(other.count)
            let length = min(other.count - start, 1 + random.skewedSize(maximum: 2048))
            insert(Array(other[start..<(start + length)]), at: position, into: &bytes)
        case 8 where !bytes.isEmpty:  // swap two bytes (shuffles line order characters)
            let a = random.below(bytes.count)
            let b = random.below(bytes.count)
            bytes.swapAt(a, b)
        case 9:  // an ASCII number in a tricky form
            let numbers = ["0", "-1", "550", "5.1.1", "4.4.7", "999", "2147483648", "9223372036854775808",
                           "1e308", "0x1F", "5.01.1", "127.0.0.1", "00550", "5.5.5.5"]
            insert(Array(random.pick(numbers).utf8), at: position, into: &bytes)
        case 10:  // repeat a dictionary word or a short piece many times: nesting and amplification
            let unit: [UInt8]
            if !dictionary.isEmpty && random.chance(70) {
                unit = random.pick(dictionary)
            } else if !bytes.isEmpty {
                let start = random.below(bytes.count)
                unit = Array(bytes[start..<min(bytes.count, start + 1 + random.below(8))])
            } else {
                unit = [0x5B]
            }
            guard !unit.isEmpty else { return }
            let room = max(0, maximumSize - bytes.count) / unit.count
            let times = min(room, random.skewedSize(maximum: 20_000))
            guard times > 0 else { return }
            var block: [UInt8] = []
            block.reserveCapacity(times * unit.count)
            for _ in 0..<times { block += unit }
            insert(block, at: position, into: &bytes)
        default:  // truncate
            if !bytes.isEmpty { bytes.removeSubrange(random.below(bytes.count)...) }
        }
    }

    /// Dictionary words are mostly structural (`---`, `Content-Type:`), so they usually go at
    /// the start of a line.
    private func lineStart(in bytes: [UInt8], near position: Int, random: inout SeededRandom) -> Int {
        guard random.chance(60), position > 0 else { return position }
        var index = min(position, bytes.count)
        while index > 0 && bytes[index - 1] != 0x0A { index -= 1 }
        return index
    }

    private func insert(_ piece: [UInt8], at position: Int, into bytes: inout [UInt8]) {
        let room = maximumSize - bytes.count
        guard room > 0 else { return }
        bytes.insert(contentsOf: piece.prefix(room), at: min(position, bytes.count))
    }
}
