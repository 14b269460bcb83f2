import Markdown

/// Escaping and URL checks for values that end up in generated HTML.
///
/// Templates escape `{{x}}` themselves; these helpers exist for the few places where the builder
/// produces HTML fragments (handed to templates as `{{{x}}}`) and for attribute values that come
/// from content, which must be checked before they can become an `href`.
public enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in element
    /// content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        // On UTF-8 bytes: the five characters are ASCII, and a byte below 0x80 is always a
        // whole character in UTF-8. Most text needs no escaping and is returned as it is.
        guard needsAnyEscaping(text) else { return text }
        var source = text
        var result: [UInt8] = []
        result.reserveCapacity(source.utf8.count + 32)
        source.withUTF8 { append(escaping: $0, to: &result) }
        return String(decoding: result, as: UTF8.self)
    }

    /// `escape(text)`'s bytes appended to `output`.
    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        var source = text
        source.withUTF8 { bytes in
            if bytes.contains(where: needsEscaping) {
                append(escaping: bytes, to: &output)
            } else {
                output.append(contentsOf: bytes)
            }
        }
    }

    /// Whether any byte of `text` is one of the five; scanned through a pointer when the
    /// string is contiguous (iterating `String.UTF8View` costs several times more per byte).
    private static func needsAnyEscaping(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(where: needsEscaping) } ?? text.utf8.contains(where: needsEscaping)
    }

    @inline(__always)
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to result: inout [UInt8]) {
        var start = 0
        for index in 0..<bytes.count where needsEscaping(bytes[index]) {
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            switch bytes[index] {
            case UInt8(ascii: "&"): result.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): result.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): result.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): result.append(contentsOf: "&quot;".utf8)
            default: result.append(contentsOf: "&#39;".utf8)
            }
            start = index + 1
        }
        result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
    }

    /// The placeholders a `match` phrase may contain, in the order they are documented.
    public static let matchPlaceholders = ["email", "domain", "ip", "host", "n"]

    /// A `match` phrase as HTML: escaped, with each placeholder such as `{email}` shown as
    /// `<var>email</var>` so readers see which part of the bounce text varies.
    public static func matchPhrase(_ phrase: String) -> String {
        var html = escape(phrase)
        for name in matchPlaceholders {
            // Braces survive escaping unchanged, so the placeholder is still literal here.
            // `replacing` works on characters and is slow; where the placeholder's bytes do not
            // occur it cannot match, so it only runs where it may.
            let placeholder = "{\(name)}"
            guard containsBytes(html, placeholder) else { continue }
            // In ASCII text every byte is a character, so replacing bytes is replacing characters.
            if ByteScan.isASCII(html) {
                html = ByteScan.replacing(placeholder, with: "<var>\(name)</var>", in: html)
            } else {
                html = html.replacing(placeholder, with: "<var>\(name)</var>")
            }
        }
        return html
    }

    /// Whether the UTF-8 bytes of `needle` occur in `text` (a necessary condition for a
    /// character-wise match).
    static func containsBytes(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard let first = pattern.first else { return true }
                guard haystack.count >= pattern.count else { return false }
                var index = 0
                let last = haystack.count - pattern.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < pattern.count && haystack[index + matched] == pattern[matched] { matched += 1 }
                        if matched == pattern.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// Whether `url` may be used as a link target taken from content: only absolute `http:`,
    /// `https:` and `mailto:` URLs, without whitespace or control characters (which browsers
    /// strip, and which could hide a different scheme).
    public static func isSafeExternalURL(_ url: String) -> Bool {
        guard !url.isEmpty, url.utf8.count <= 2048 else { return false }
        for scalar in url.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "\"" || scalar == "<"
                || scalar == ">" || scalar == "\\" || scalar == "`" {
                return false
            }
            if scalar.properties.generalCategory == .format { return false }
        }
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            let rest = lower.drop { $0 != "/" }.dropFirst(2)
            return !rest.isEmpty && !rest.hasPrefix("/")
        }
        if lower.hasPrefix("mailto:") {
            return lower.count > "mailto:".count
        }
        return false
    }

    /// Shifts the headings in cmark's HTML down, keeping their hierarchy, so that the highest one
    /// is at least `minimumLevel`: a fragment placed under an `h2` is given `minimumLevel` 3, and
    /// `# Title` in it becomes `h3`, `## Part` `h4`. Levels stop at `h6`. Keeps "exactly one h1"
    /// true whatever the content author wrote.
    ///
    /// cmark's safe mode never passes raw HTML through, so `<hN>` in its output is always a
    /// real heading tag and never text.
    public static func demoteHeadings(_ html: String, minimumLevel: Int) -> String {
        // Byte search first: without the bytes there can be no character-wise match, and most
        // fragments have no heading at all.
        guard containsBytes(html, "<h"), html.contains("<h") else { return html }
        guard let highest = (1...6).first(where: { html.contains("<h\($0)>") }), highest < minimumLevel else { return html }
        let shift = minimumLevel - highest
        var result = html
        // Highest numbers first, so a renamed tag is never renamed twice.
        for level in stride(from: 6, through: 1, by: -1) {
            let target = min(6, level + shift)
            guard target != level else { continue }
            result = result.replacing("<h\(level)>", with: "<h\(target)>")
                .replacing("</h\(level)>", with: "</h\(target)>")
        }
        return result
    }
}
