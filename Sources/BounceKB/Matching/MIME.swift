/// Just enough MIME (RFC 2045-2049) to find the parts of a bounce: header blocks with folding,
/// `Content-Type` parameters, multipart bodies (nested), base64 and quoted-printable bodies,
/// charsets decoded leniently, and RFC 2047 encoded words in headers.
///
/// Input is bytes with line feeds only (`MIME.normalizeLineEnds` turns CRLF and CR into LF
/// first). Every step is linear in the input size; nesting is limited to `maximumDepth`.
enum MIME {
    static let maximumDepth = 12
    static let maximumParts = 500

    /// One header field with its value unfolded and decoded to text.
    struct Field: Equatable {
        /// Lower-cased.
        var name: String
        var value: String
    }

    struct Headers: Equatable {
        var fields: [Field] = []

        func value(_ name: String) -> String? {
            fields.first { $0.name == name }?.value
        }

        func values(_ name: String) -> [String] {
            fields.filter { $0.name == name }.map(\.value)
        }

        var isEmpty: Bool { fields.isEmpty }
    }

    struct ContentType: Equatable {
        /// Lower-cased, e.g. "multipart".
        var type: String
        /// Lower-cased, e.g. "report".
        var subtype: String
        /// Parameter names lower-cased, values unquoted.
        var parameters: [String: String]

        var mimeType: String { "\(type)/\(subtype)" }

        static let plainText = ContentType(type: "text", subtype: "plain", parameters: [:])
    }

    struct Part {
        var headers: Headers
        /// The body as transmitted (still transfer-encoded).
        var body: ArraySlice<UInt8>
        var contentType: ContentType

        var transferEncoding: String {
            (headers.value("content-transfer-encoding") ?? "7bit").trimmed.lowercased()
        }

        /// The body with its transfer encoding undone and line ends normalised.
        func decodedBody() -> [UInt8] {
            switch transferEncoding {
            case "base64": return MIME.normalizeLineEnds(MIME.decodeBase64(body))
            case "quoted-printable": return MIME.normalizeLineEnds(MIME.decodeQuotedPrintable(body))
            default: return Array(body)
            }
        }

        /// The decoded body as text, in its declared charset.
        func text() -> String {
            MIME.decodeText(decodedBody(), charset: contentType.parameters["charset"])
        }
    }

    // MARK: - Parsing

    /// Splits a message or body part into its header block and body.
    static func parsePart(_ bytes: ArraySlice<UInt8>, defaultType: ContentType = .plainText) -> Part {
        let (headerLines, bodyStart) = headerBlock(bytes)
        let headers = parseHeaders(headerLines)
        let type = headers.value("content-type").map(parseContentType) ?? defaultType
        return Part(headers: headers, body: bytes[bodyStart...], contentType: type)
    }

    /// The raw header lines (folded lines already joined) and where the body starts. A block
    /// that does not start with a header field has no headers: the body is everything.
    static func headerBlock(_ bytes: ArraySlice<UInt8>) -> ([ArraySlice<UInt8>], Int) {
        var lines: [ArraySlice<UInt8>] = []
        var index = bytes.startIndex
        let end = bytes.endIndex
        var first = true
        while index < end {
            var lineEnd = index
            while lineEnd < end && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = bytes[index..<lineEnd]
            let next = lineEnd < end ? lineEnd + 1 : end
            if line.isEmpty { return (lines, next) }
            if let firstByte = line.first, firstByte == UInt8(ascii: " ") || firstByte == UInt8(ascii: "\t") {
                if lines.isEmpty {
                    // Indented text where headers should be: there is no header block.
                    if first { return ([], bytes.startIndex) }
                } else {
                    lines[lines.count - 1] = bytes[lines[lines.count - 1].startIndex..<lineEnd]
                }
            } else if isHeaderLine(line) {
                lines.append(line)
            } else if first && startsWith(line, "From ") {
                // An mbox separator line before the headers.
            } else {
                // Not a header: the block ended without a blank line (or never started).
                return lines.isEmpty ? ([], bytes.startIndex) : (lines, index)
            }
            first = false
            index = next
        }
        return (lines, end)
    }

    /// `Name: value` where the name is printable ASCII without spaces.
    static func isHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
        var count = 0
        for byte in line {
            if byte == UInt8(ascii: ":") { return count > 0 }
            if byte <= 32 || byte >= 127 { return false }
            count += 1
            if count > 76 { return false }
        }
        return false
    }

    static func parseHeaders(_ lines: [ArraySlice<UInt8>]) -> Headers {
        var headers = Headers()
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let raw = unfold(line[(colon + 1)...])
            let value = decodeEncodedWords(decodeText(raw, charset: nil))
            headers.fields.append(Field(name: name, value: withoutControlCharacters(value).trimmed))
        }
        return headers
    }

    /// `text` without C0 controls, DEL and C1 controls (U+0080-U+009F): a header value is one
    /// line of text, and a forged bounce must not carry terminal escape sequences through one,
    /// encoded words included.
    static func withoutControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.filter { !isControl($0) })
        return String(scalars)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Joins folded lines: a line break followed by spaces or tabs becomes one space.
    static func unfold(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                var next = index + 1
                while next < bytes.endIndex && (bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t")) { next += 1 }
                output.append(UInt8(ascii: " "))
                index = next
                continue
            }
            output.append(byte == UInt8(ascii: "\t") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return output
    }

    static func parseContentType(_ value: String) -> ContentType {
        let pieces = splitParameters(value)
        let mime = (pieces.first ?? "").trimmed.lowercased()
        let halves = mime.split(separator: "/", maxSplits: 1).map(String.init)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmed.lowercased()
            var value = piece[piece.index(after: equals)...].trimmed
            if value.hasPrefix("\""), value.hasSuffix("\""), value.utf8.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingBackslashEscapes()
            }
            if parameters[name] == nil { parameters[name] = value }
        }
        guard halves.count == 2, !halves[0].isEmpty, !halves[1].isEmpty else {
            return ContentType(type: "text", subtype: "plain", parameters: parameters)
        }
        return ContentType(type: halves[0], subtype: halves[1], parameters: parameters)
    }

    /// Splits at `;` outside double quotes (a backslash escapes the next character in quotes).
    private static func splitParameters(_ value: String) -> [String] {
        let bytes = Array(value.utf8)
        var pieces: [String] = []
        var start = 0
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted && byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ";") && !quoted {
                pieces.append(String(decoding: bytes[start..<index], as: UTF8.self))
                start = index + 1
            }
            index += 1
        }
        pieces.append(String(decoding: bytes[min(start, bytes.count)...], as: UTF8.self))
        return pieces
    }

    /// The body parts of a multipart body, split at `--boundary` lines. A missing closing
    /// delimiter (a truncated message) ends the last part at the end of the data.
    static func multipartChildren(of part: Part) -> [Part] {
        guard let boundary = part.contentType.parameters["boundary"], !boundary.isEmpty else { return [] }
        let delimiter = Array(("--" + boundary).utf8)
        let body = part.body
        var children: [Part] = []
        var partStart: Int?
        var index = body.startIndex
        let end = body.endIndex
        let childDefault = part.contentType.subtype == "digest"
            ? ContentType(type: "message", subtype: "rfc822", parameters: [:]) : .plainText
        while index < end {
            var lineEnd = index
            while lineEnd < end && body[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd - index >= delimiter.count && body[index] == UInt8(ascii: "-")
                && body[index..<(index + delimiter.count)].elementsEqual(delimiter) {
                let rest = body[(index + delimiter.count)..<lineEnd]
                let closing = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                let onlySpace = rest.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if closing || onlySpace {
                    if let start = partStart {
                        // The line break before the delimiter belongs to the delimiter.
                        let stop = max(start, index - 1)
                        children.append(parsePart(body[start..<stop], defaultType: childDefault))
                        if children.count >= maximumParts { return children }
                    }
                    if closing { return children }
                    partStart = lineEnd < end ? lineEnd + 1 : end
                }
            }
            index = lineEnd < end ? lineEnd + 1 : end
        }
        if let start = partStart, start < end {
            children.append(parsePart(body[start..<end], defaultType: childDefault))
        }
        return children
    }

    // MARK: - Decoding

    static func normalizeLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\r")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") {
                output.append(UInt8(ascii: "\n"))
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        // The URL-safe alphabet turns up in the wild too.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes base64, skipping anything outside the alphabet (line breaks, stray characters)
    /// and stopping at padding.
    static func decodeBase64<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            if byte == UInt8(ascii: "=") { break }
            let value = base64Values[Int(byte)]
            if value == 255 { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Decodes quoted-printable: `=XX` escapes and `=` soft line breaks (trailing spaces before
    /// the break allowed); a malformed `=` is kept as it is.
    static func decodeQuotedPrintable<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                var probe = index + 1
                while probe < end && (bytes[probe] == UInt8(ascii: " ") || bytes[probe] == UInt8(ascii: "\t")) { probe += 1 }
                if probe < end && bytes[probe] == UInt8(ascii: "\n") {
                    index = probe + 1
                    continue
                }
                if probe >= end {
                    index = end
                    continue
                }
                if index + 2 < end, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return output
    }

    /// Bytes to text in `charset`, leniently: UTF-8 (invalid sequences replaced), ASCII,
    /// ISO-8859-1 and -15, Windows-1252; any other or unknown charset is read as UTF-8 when it
    /// is valid UTF-8 and as Windows-1252 otherwise (bounce text is nearly all ASCII).
    static func decodeText<C: Collection>(_ bytes: C, charset: String?) -> String where C.Element == UInt8 {
        let name = (charset ?? "").trimmed.lowercased()
        let isASCII = !bytes.contains { $0 >= 0x80 }
        if isASCII { return String(decoding: bytes, as: UTF8.self) }
        switch name {
        case "utf-8", "utf8":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "iso8859-1", "iso_8859-1", "l1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "iso-8859-15", "latin-9", "iso8859-15":
            return decodeSingleByte(bytes, high: latin9)
        case "windows-1252", "cp1252", "us-ascii", "ascii":
            return decodeSingleByte(bytes, high: windows1252)
        default:
            if let valid = String(validating: bytes, as: UTF8.self) { return valid }
            return decodeSingleByte(bytes, high: windows1252)
        }
    }

    private static let windows1252: [UInt32: UInt32] = [
        0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
        0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8E: 0x017D, 0x91: 0x2018,
        0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC,
        0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A, 0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
    ]

    private static let latin9: [UInt32: UInt32] = [
        0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178,
    ]

    private static func decodeSingleByte<C: Collection>(_ bytes: C, high: [UInt32: UInt32]) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = high[UInt32(byte)] ?? UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// Decodes RFC 2047 encoded words (`=?charset?B?...?=`, `=?charset?Q?...?=`); whitespace
    /// between two encoded words is dropped, as the RFC says.
    static func decodeEncodedWords(_ text: String) -> String {
        guard text.includes("=?") else { return text }
        var output = ""
        var rest = Substring(text)
        var previousWasEncoded = false
        while let start = rest.firstRange(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            // charset?encoding?text?=
            let pieces = afterStart.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
            guard pieces.count == 3, let close = pieces[2].firstRange(of: "?=") else {
                output += rest
                return output
            }
            let charset = pieces[0].split(separator: "*").first.map(String.init) ?? ""
            let encoding = pieces[1].lowercased()
            let payload = pieces[2][..<close.lowerBound]
            let bytes: [UInt8]
            if encoding == "b" {
                bytes = decodeBase64(Array(payload.utf8))
            } else if encoding == "q" {
                bytes = decodeQuotedPrintable(Array(payload.utf8).map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 })
            } else {
                output += rest[..<start.upperBound]
                rest = afterStart
                previousWasEncoded = false
                continue
            }
            if !(previousWasEncoded && before.allSatisfy({ $0 == " " || $0 == "\t" })) {
                output += before
            }
            output += decodeText(bytes, charset: charset)
            previousWasEncoded = true
            rest = pieces[2][close.upperBound...]
        }
        output += rest
        return output
    }

    static func startsWith(_ line: ArraySlice<UInt8>, _ prefix: String) -> Bool {
        line.starts(with: prefix.utf8)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmed: String {
        let text = Substring(self)
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while start < end && isSpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start && isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return String(text[start..<end])
    }
}

private extension String {
    func replacingBackslashEscapes() -> String {
        guard includes("\\") else { return self }
        var output = ""
        var escaped = false
        for character in self {
            if escaped {
                output.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                output.append(character)
            }
        }
        return output
    }
}
