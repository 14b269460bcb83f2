import Foundation

/// A JSON value whose object keys keep the order they were written in, so output is stable
/// and follows the documented shape.
indirect enum JSON {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    /// Already-rendered JSON (pretty-printed with two-space indentation).
    case raw(String)
    /// Already-rendered JSON, indented for the depth it is written at: copied as it is.
    case verbatim(String)

    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }

    /// Pretty-printed with two-space indentation.
    func rendered(depth: Int = 0) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        render(into: &output, depth: depth)
        return String(decoding: output, as: UTF8.self)
    }

    // Rendering works on bytes: a batch writes thousands of results a second.
    private func render(into output: inout [UInt8], depth: Int) {
        switch self {
        case .object(let members):
            if members.isEmpty { output += Array("{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            output.append(UInt8(ascii: "\n"))
            for (position, member) in members.enumerated() {
                JSON.indent(&output, depth + 1)
                JSON.escape(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                member.1.render(into: &output, depth: depth + 1)
                if position < members.count - 1 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "\n"))
            }
            JSON.indent(&output, depth)
            output.append(UInt8(ascii: "}"))
        case .array(let items):
            if items.isEmpty { output += Array("[]".utf8); return }
            output.append(UInt8(ascii: "["))
            output.append(UInt8(ascii: "\n"))
            for (position, item) in items.enumerated() {
                JSON.indent(&output, depth + 1)
                item.render(into: &output, depth: depth + 1)
                if position < items.count - 1 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "\n"))
            }
            JSON.indent(&output, depth)
            output.append(UInt8(ascii: "]"))
        case .string(let text):
            JSON.escape(text, into: &output)
        case .int(let value):
            output += Array(String(value).utf8)
        case .double(let value):
            if value.isFinite {
                let text = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
                output += Array(text.utf8)
            } else {
                output += Array("null".utf8)
            }
        case .bool(let value):
            output += Array((value ? "true" : "false").utf8)
        case .null:
            output += Array("null".utf8)
        case .raw(let text):
            // Re-indent the nested document; JSON strings never hold raw line breaks.
            for byte in text.utf8 {
                output.append(byte)
                if byte == UInt8(ascii: "\n") { JSON.indent(&output, depth) }
            }
        case .verbatim(let text):
            output += Array(text.utf8)
        }
    }

    private static func indent(_ output: inout [UInt8], _ depth: Int) {
        for _ in 0..<(depth * 2) { output.append(UInt8(ascii: " ")) }
    }

    static func escape(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// A `Codable` value rendered by Foundation's encoder with sorted keys.
    static func encoded<T: Encodable>(_ value: T) -> JSON {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return .null }
        return .raw(String(decoding: data, as: UTF8.self))
    }
}
