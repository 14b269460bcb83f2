import Foundation

/// An RFC 3463 enhanced mail system status code such as `5.7.26`: class, subject and detail.
///
/// Only codes that can really occur are accepted: the class is 2, 4 or 5, the subject is one of
/// the eight registered subjects (0-7), and the detail has one to three digits (RFC 3463 limits
/// both sub-codes to three digits). A code is written without leading zeros, so parsing
/// `description` always gives the same code back.
public struct StatusCode: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The class digit: 2 (success), 4 (transient failure) or 5 (permanent failure).
    public let klass: Int
    /// The subject digit, 0-7 (addressing, mailbox, mail system, network, protocol, content, policy).
    public let subject: Int
    /// The detail number, 0-999.
    public let detail: Int

    /// A code from its parts, or nil when a part is out of range.
    public init?(klass: Int, subject: Int, detail: Int) {
        guard [2, 4, 5].contains(klass), (0...7).contains(subject), (0...999).contains(detail) else { return nil }
        self.klass = klass
        self.subject = subject
        self.detail = detail
    }

    /// Parses `"5.7.26"`. Surrounding whitespace is ignored; anything else that is not exactly
    /// `class.subject.detail` (e.g. `"6.1.1"`, `"5.8.1"`, `"5.1.1000"`, `"1.2"`, `"5.01.1"`) gives nil.
    public init?(_ text: String) {
        // ASCII text, nearly all, is read byte by byte: splitting and checking characters cost
        // some 10,000 instructions a code, and a large site parses each entry's code several times.
        if let parsed = text.utf8.withContiguousStorageIfAvailable(Self.parseASCII), let known = parsed {
            guard let code = known else { return nil }
            self = code
            return
        }
        let parts = FastText.trimming(text, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines)
            .split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let klass = Self.number(parts[0], maxDigits: 1),
              let subject = Self.number(parts[1], maxDigits: 3),
              let detail = Self.number(parts[2], maxDigits: 3)
        else { return nil }
        self.init(klass: klass, subject: subject, detail: detail)
    }

    /// `init?(_:)` for ASCII `bytes`: the code, or `.some(nil)` when they are not one; nil when
    /// `bytes` are not all ASCII (the character-wise parse decides those).
    private static func parseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> StatusCode?? {
        for byte in bytes where byte >= 0x80 { return nil }
        var start = 0
        var end = bytes.count
        while start < end, FastText.whitespacesAndNewlines.contains(bytes[start]) { start += 1 }
        while end > start, FastText.whitespacesAndNewlines.contains(bytes[end - 1]) { end -= 1 }
        var parts = (0, 0, 0)
        var part = 0
        var digits = 0
        var value = 0
        var index = start
        while true {
            let atEnd = index == end
            if atEnd || bytes[index] == UInt8(ascii: ".") {
                // One to `maxDigits` digits, without a leading zero unless the part is 0.
                let maxDigits = part == 0 ? 1 : 3
                guard digits > 0, digits <= maxDigits, digits == 1 || bytes[index - digits] != UInt8(ascii: "0") else { return .some(nil) }
                switch part {
                case 0: parts.0 = value
                case 1: parts.1 = value
                default: parts.2 = value
                }
                if atEnd { break }
                part += 1
                guard part < 3 else { return .some(nil) }
                digits = 0
                value = 0
            } else {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 3 else { return .some(nil) }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            }
            index += 1
        }
        guard part == 2 else { return .some(nil) }
        return .some(StatusCode(klass: parts.0, subject: parts.1, detail: parts.2))
    }

    /// `"5.7.26"`.
    public var description: String { "\(klass).\(subject).\(detail)" }

    /// The registry pattern with the class replaced by `X`, e.g. `"X.7.26"`.
    public var pattern: String { "X.\(subject).\(detail)" }

    public static func < (lhs: StatusCode, rhs: StatusCode) -> Bool {
        (lhs.klass, lhs.subject, lhs.detail) < (rhs.klass, rhs.subject, rhs.detail)
    }

    /// Encoded as its text form, `"5.7.26"`, the way it appears in bounces and content files.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let code = StatusCode(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text)' is not an enhanced status code like 5.7.26 (class 2, 4 or 5; subject 0-7)"
            )
        }
        self = code
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// ASCII digits only, no sign, no leading zero unless the number is 0.
    private static func number(_ text: Substring, maxDigits: Int) -> Int? {
        guard !text.isEmpty, text.count <= maxDigits,
              text.allSatisfy({ $0.isASCII && $0.isNumber }),
              text == "0" || !text.hasPrefix("0")
        else { return nil }
        return Int(text)
    }
}

