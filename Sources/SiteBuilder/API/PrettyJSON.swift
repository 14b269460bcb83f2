import BounceKB
import Foundation
import Markdown

/// JSON text byte for byte as `JSONEncoder` writes it with `[.prettyPrinted, .sortedKeys,
/// .withoutEscapingSlashes]`, for the API's hot paths: one record per entry, twice each (in
/// `entries.json` and in `entries/<id>.json`), where `JSONEncoder` spent most of the JSON API
/// step, and `codes.json`, the largest fixed cost of a build.
///
/// The format it reproduces: two-space indentation, `"key" : value`, members in byte order of
/// their keys (the caller writes them in that order), an empty array or object as `[`, a blank
/// line and `]` at the parent's indentation; strings escape `"`, `\` and the control characters
/// (`\b \f \n \r \t`, others as `\u00xx` in lower-case hex) and nothing else. Tests compare the
/// output with `JSONEncoder`'s for every entry of the real content and for awkward strings.
struct PrettyJSON {
    private(set) var bytes: [UInt8] = []
    private var indent = 0
    private var needsComma = [false]

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Values

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { source in
            var start = 0
            var index = 0
            while index < source.count {
                // Eight bytes at a time while none needs escaping: most of an entry's text.
                if index + 8 <= source.count,
                   !Self.needsEscaping(UnsafeRawPointer(source.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = source[index]
                let escaped = index
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<escaped]))
                start = escaped + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<source.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether one of the eight bytes in `word` is a control character, `"` or `\\`. Exact for
    /// the word as a whole (a borrow can mark a byte beside the one that needs escaping, so the
    /// caller then looks at each byte).
    private static func needsEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highBits != 0 }
        let hasControl = (word &- 0x20 &* ones) & ~word & highBits != 0
        return hasControl || hasZeroByte(word ^ (UInt64(UInt8(ascii: "\"")) &* ones)) || hasZeroByte(word ^ (UInt64(UInt8(ascii: "\\")) &* ones))
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { bytes.append(contentsOf: "null".utf8) }
    }

    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func boolean(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values {
            element()
            string(value)
        }
        endArray()
    }

    // MARK: Structure

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    /// Starts the member `key` of the current object; the value follows.
    mutating func key(_ key: String) {
        element()
        string(key)
        bytes.append(contentsOf: " : ".utf8)
    }

    /// Starts the next element of the current array (or member of the current object).
    mutating func element() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        newline()
    }

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        indent += 2
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let wasEmpty = !(needsComma.removeLast())
        indent -= 2
        // An empty container is written with a blank line inside.
        if wasEmpty { bytes.append(0x0A) }
        newline()
        bytes.append(bracket)
    }

    private mutating func newline() {
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    // MARK: Re-indenting

    /// `json` (pretty-printed, starting at indentation 0) moved `spaces` to the right, as it
    /// appears nested in a larger document: every line but blank ones gets the extra spaces.
    /// Strings hold no raw line breaks, so every line feed in `json` is layout.
    static func indented(_ json: [UInt8], by spaces: Int, into output: inout [UInt8]) {
        let pad = [UInt8](repeating: UInt8(ascii: " "), count: spaces)
        output.append(contentsOf: pad)
        json.withUnsafeBytes { source in
            var start = 0
            // Found a word or a vector at a time; a byte-by-byte loop was most of this copy.
            ByteScan.forEachOffset(of: 0x0A, in: source) { index in
                output.append(contentsOf: source[start...index])
                start = index + 1
                if start < source.count && source[start] != 0x0A { output.append(contentsOf: pad) }
            }
            output.append(contentsOf: source[start...])
        }
    }
}

extension APIWriter {
    /// `entries/<id>.json` without its final line feed: the entry's record, as `JSONEncoder`
    /// writes `APIDocument.EntryRecord`. `sections` must hold the plain text of both sections.
    static func entryRecordJSON(_ entry: Entry, site: Site, sections: EntrySections) -> [UInt8] {
        let url = "\(entry.category)/\(entry.id)/"
        var json = PrettyJSON(capacity: 2 * (entry.details.utf8.count + entry.resolution.utf8.count) + 2048)
        json.beginObject()
        // Keys in byte order, as `.sortedKeys` orders them.
        json.key("absolute_url")
        json.optionalString(site.absoluteBaseURL.map { $0 + url })
        json.key("action")
        json.string(entry.action.rawValue)
        json.key("category")
        json.string(entry.category)
        json.key("details")
        renderedText(&json, markdown: entry.details, section: sections.details)
        json.key("id")
        json.string(entry.id)
        json.key("match")
        json.strings(entry.match)
        json.key("permanence")
        json.string(entry.permanence.rawValue)
        json.key("providers")
        json.strings(entry.providers)
        json.key("reason")
        json.string(entry.reason)
        json.key("references")
        json.beginArray()
        for reference in entry.references {
            json.element()
            json.beginObject()
            json.key("title")
            json.string(reference.title)
            json.key("url")
            json.string(reference.url)
            json.endObject()
        }
        json.endArray()
        json.key("related")
        json.strings(entry.related)
        json.key("reply")
        json.integer(entry.reply)
        json.key("resolution")
        renderedText(&json, markdown: entry.resolution, section: sections.resolution)
        json.key("status")
        json.optionalString(entry.status)
        json.key("summary")
        json.string(entry.summary)
        json.key("title")
        json.string(entry.title)
        json.key("url")
        json.string(url)
        json.endObject()
        return json.bytes
    }

    private static func renderedText(_ json: inout PrettyJSON, markdown: String, section: EntrySections.Section) {
        json.beginObject()
        json.key("html")
        json.string(section.html)
        json.key("markdown")
        json.string(markdown)
        json.key("text")
        json.string(section.text ?? MarkdownDocument(markdown).plainText())
        json.endObject()
    }
}
