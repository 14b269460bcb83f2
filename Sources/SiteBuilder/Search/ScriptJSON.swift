/// Compact JSON text meant to be embedded in a JavaScript file.
///
/// Strings are written in pure ASCII: every character outside printable ASCII becomes a `\u`
/// escape (so the file reads the same whatever charset a browser assumes for it, and U+2028 and
/// U+2029, which end a line in older JavaScript, never appear raw), and `<`, `>` and `&` are
/// escaped too, so no text from content can spell `</script>` or `<!--` in the output.
enum ScriptJSON {
    static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `string(text)` to `bytes`: for lines built byte by byte, without a string per
    /// value (the search index writes some twenty values for every entry).
    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        // ASCII text byte by byte (the same escapes); other text scalar by scalar below.
        let start = bytes.count
        let wasASCII: Bool? = text.utf8.withContiguousStorageIfAvailable { source -> Bool in
            bytes.reserveCapacity(bytes.count + source.count + 2)
            bytes.append(UInt8(ascii: "\""))
            for byte in source {
                switch byte {
                case 0x80...: return false
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case UInt8(ascii: "\n"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "t"))
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), 0x00..<0x20, 0x7F:
                    bytes.append(contentsOf: hex(UInt32(byte)).utf8)
                default:
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if wasASCII == true { return }
        bytes.removeSubrange(start...)
        bytes.append(contentsOf: scalarwiseString(text).utf8)
    }

    /// `string(_:)` scalar by scalar, for text that is not ASCII.
    private static func scalarwiseString(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<", ">", "&": result += hex(scalar.value)
            default:
                if scalar.value < 0x20 || scalar.value > 0x7E {
                    if scalar.value > 0xFFFF {
                        // Outside the BMP: a UTF-16 surrogate pair, as JavaScript strings hold it.
                        let value = scalar.value - 0x10000
                        result += hex(0xD800 + (value >> 10)) + hex(0xDC00 + (value & 0x3FF))
                    } else {
                        result += hex(scalar.value)
                    }
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Appends `number(value)` to `bytes`, digit by digit (the index writes some thirty numbers
    /// per entry; making each a string first cost several times more).
    static func appendNumber(_ value: Int, to bytes: inout [UInt8]) {
        // Negative numbers never occur in the index; `String` spells them (and `Int.min`) right.
        guard value >= 0 else {
            bytes.append(contentsOf: number(value).utf8)
            return
        }
        // Most significant digit first, so nothing is written twice or reversed.
        var unit = 1
        while unit <= value / 10 { unit *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / unit % 10))
            unit /= 10
        } while unit > 0
    }

    /// A number that reads back as exactly the same Double (Swift prints the shortest such form).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }

    static func number(_ value: Int) -> String { String(value) }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    static func strings(_ items: [String]) -> String { array(items.map(string)) }

    /// An object with members in the order given (never a dictionary's order).
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func optional(_ text: String?) -> String { text.map(string) ?? "null" }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
