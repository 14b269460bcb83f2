extension MarkdownDocument {
    /// The headings of `source` up to level `maxLevel`, exactly as
    /// `MarkdownDocument(source).headings` lists them.
    ///
    /// Most documents are read line by line without a parse (`PlainHeadingScan`): that is a
    /// fraction of the cost, and every entry's body is split at its headings when it loads.
    /// Documents holding anything the line scan cannot judge are parsed.
    public static func headings(in source: String, upToLevel maxLevel: Int) -> [Heading] {
        if let headings = PlainHeadingScan.headings(in: source, upToLevel: maxLevel) { return headings }
        return MarkdownDocument(source).headings.filter { $0.level <= maxLevel }
    }
}

/// Finds the ATX headings (`## Title`) of a CommonMark document from its lines alone, for
/// documents whose block structure leaves no doubt about them; says nil, "parse it", for any
/// other document.
///
/// A line of at most three spaces and then one to six `#` and a space (or nothing) is an ATX
/// heading wherever it stands, except inside a fenced code block or an HTML block: headings
/// interrupt paragraphs, close lists and block quotes they are not indented into, and need
/// no blank line around them. So the scan follows fences that open at column 1 (which are
/// never inside a container) and gives up on everything else that could change the answer:
/// - a `#`, fence or `<` after a container marker (`>`, `-`, `+`, `*`, `1.`, `1)`) or after
///   more than three spaces: a heading, fence or HTML block inside a list item or quote;
/// - an indented fence, or a line starting with `<` (an HTML block);
/// - a line of only `=` or of `-` (with spaces and markers): a setext heading underline;
/// - a tab, carriage return or other control character (tabs change indentation), or a byte
///   order mark at the start (cmark drops it);
/// - heading text with a `#` or anything inline parsing would change (`\`, `` ` ``, `*`,
///   `_`, `[`, `]`, `<`, `&`): such a heading's text is what cmark makes of it.
///
/// `HeadingScanTests` hold the scan to cmark on generated documents built from exactly these
/// constructs.
enum PlainHeadingScan {
    static func headings(in source: String, upToLevel maxLevel: Int) -> [Heading]? {
        var source = source
        return source.withUTF8 { scan($0, upToLevel: maxLevel) }
    }

    private static let space = UInt8(ascii: " ")
    private static let hash = UInt8(ascii: "#")
    private static let backtick = UInt8(ascii: "`")
    private static let tilde = UInt8(ascii: "~")

    /// Bytes that may open a line inside a container (block quote or list item markers).
    private static func isContainerByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "*"),
             UInt8(ascii: "."), UInt8(ascii: ")"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return false
        }
    }

    /// Bytes in heading text that inline parsing could turn into something else.
    private static func isInlineSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "#"), UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: "&"):
            return true
        default:
            return false
        }
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, upToLevel maxLevel: Int) -> [Heading]? {
        // cmark drops a byte order mark at the start of a document, which moves what follows
        // to column 1; the scan leaves such documents to it.
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return nil }
        var headings: [Heading] = []
        // The open fence's character and length, if any.
        var fence: (byte: UInt8, count: Int)?
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            // The line's end; a control character other than the line feed ends the scan.
            var end = start
            while end < bytes.count {
                let byte = bytes[end]
                if byte < 0x20 {
                    if byte == 0x0A { break }
                    return nil
                }
                end += 1
            }
            lineNumber += 1
            defer { start = end + 1 }

            var firstNonSpace = start
            while firstNonSpace < end && bytes[firstNonSpace] == space { firstNonSpace += 1 }
            let indent = firstNonSpace - start

            if let open = fence {
                // A closing fence: up to three spaces, at least as many of the same character,
                // then nothing but spaces.
                guard indent <= 3 else { continue }
                var index = firstNonSpace
                while index < end && bytes[index] == open.byte { index += 1 }
                guard index - firstNonSpace >= open.count else { continue }
                while index < end && bytes[index] == space { index += 1 }
                if index == end { fence = nil }
                continue
            }

            var first = start
            while first < end && isContainerByte(bytes[first]) { first += 1 }
            guard first < end else {
                // Only spaces and markers: a dash makes it a possible setext underline.
                for index in start..<end where bytes[index] == UInt8(ascii: "-") { return nil }
                continue
            }
            let isPlainIndent = first == firstNonSpace
            switch bytes[first] {
            case UInt8(ascii: "<"):
                return nil
            case UInt8(ascii: "="):
                var index = first
                while index < end && (bytes[index] == UInt8(ascii: "=") || bytes[index] == space) { index += 1 }
                if index == end { return nil }
            case hash:
                guard isPlainIndent && indent <= 3 else { return nil }
                var index = first
                while index < end && bytes[index] == hash { index += 1 }
                let level = index - first
                guard level <= 6, index == end || bytes[index] == space else { continue }
                var textStart = index
                while textStart < end && bytes[textStart] == space { textStart += 1 }
                var textEnd = end
                while textEnd > textStart && bytes[textEnd - 1] == space { textEnd -= 1 }
                for position in textStart..<textEnd where isInlineSyntax(bytes[position]) { return nil }
                if level <= maxLevel {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[textStart..<textEnd]), as: UTF8.self)
                    headings.append(Heading(level: level, text: text, line: lineNumber))
                }
            case backtick, tilde:
                let byte = bytes[first]
                var index = first
                while index < end && bytes[index] == byte { index += 1 }
                let count = index - first
                guard count >= 3 else { continue }
                guard first == start else { return nil }
                // A backtick fence's info string has no backtick; with one, the line is text.
                if byte == backtick, bytes[index..<end].contains(backtick) { continue }
                fence = (byte, count)
            default:
                continue
            }
        }
        return headings
    }
}
