import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A document's plain text, exactly as `TextRenderer(style: .plain)` (no width) renders it,
/// written into one byte buffer.
///
/// Why: the site build makes the plain text of every entry's two sections (for the JSON API and
/// the section lint), and `TextRenderer` builds it from a string per literal, an array per block
/// and a join per level, some 30,000 instructions a section. The rules below are that renderer's,
/// and `MarkdownTests` hold the two to the same text for generated and real documents.
struct PlainTextWriter {
    private var bytes: [UInt8] = []

    /// The plain text of the document whose root is `root`.
    static func render(_ root: OpaquePointer) -> String {
        var writer = PlainTextWriter()
        writer.bytes.reserveCapacity(2_048)
        var child = cmark_node_first_child(root)
        while let node = child {
            // Top-level blocks that come out empty are left out with their separator.
            let mark = writer.bytes.count
            if mark > 0 { writer.bytes.append(contentsOf: [0x0A, 0x0A]) }
            let start = writer.bytes.count
            writer.block(node, indent: [], firstPrefix: nil, depth: 0)
            if writer.bytes.count == start { writer.bytes.removeSubrange(mark...) }
            child = cmark_node_next(node)
        }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes `node`'s block; false when it has none (an HTML block), so that a caller joining
    /// blocks writes no separator for it.
    @discardableResult
    private mutating func block(_ node: OpaquePointer, indent: [UInt8], firstPrefix: [UInt8]?, depth: Int) -> Bool {
        guard depth < TextRenderer.maximumDepth else {
            wrap(Array(TextRenderer.flatText(node).utf8), indent: indent, firstPrefix: firstPrefix)
            return true
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            wrapInline(node, depth: depth, indent: indent, firstPrefix: firstPrefix)
        case CMARK_NODE_HEADING:
            bytes.append(contentsOf: indent)
            inline(node, depth: depth)
        case CMARK_NODE_CODE_BLOCK:
            codeBlock(node, indent: indent)
        case CMARK_NODE_THEMATIC_BREAK:
            bytes.append(contentsOf: indent)
            bytes.append(contentsOf: [0x2D, 0x2D, 0x2D])
        case CMARK_NODE_BLOCK_QUOTE:
            childBlocks(of: node, separator: [0x0A] + indent + [0x3E, 0x0A], indent: indent + [0x3E, 0x20], firstPrefix: nil, depth: depth + 1)
        case CMARK_NODE_LIST:
            list(node, indent: indent, depth: depth)
        case CMARK_NODE_HTML_BLOCK:
            return false
        default:
            wrapInline(node, depth: depth, indent: indent, firstPrefix: firstPrefix)
        }
        return true
    }

    private mutating func list(_ node: OpaquePointer, indent: [UInt8], depth: Int) {
        let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
        var number = Int(cmark_node_get_list_start(node))
        if number == 0 && ordered { number = 1 }
        var firstItem = true
        // The indentation of the items' blocks: the same for markers of the same length.
        var inner: [UInt8] = []
        var item = cmark_node_first_child(node)
        while let current = item {
            if !firstItem { bytes.append(0x0A) }
            firstItem = false
            let marker = ordered ? Array("\(number). ".utf8) : Self.bulletMarker
            number += 1
            if inner.count != indent.count + marker.count { inner = indent + [UInt8](repeating: 0x20, count: marker.count) }
            // The marker goes on the item's first block, even when that block is not written.
            if !childBlocks(of: current, separator: [0x0A], indent: inner, firstPrefix: indent + marker, depth: depth + 1) {
                // The marker without its trailing space.
                bytes.append(contentsOf: indent)
                bytes.append(contentsOf: marker.dropLast())
            }
            item = cmark_node_next(current)
        }
    }

    private static let bulletMarker: [UInt8] = [0x2D, 0x20]

    /// Writes the blocks inside `node` (a quote's or a list item's), `separator` between two
    /// written ones, `firstPrefix` (when given) on the first; false when none was written (an
    /// HTML block is not, and takes no separator).
    @discardableResult
    private mutating func childBlocks(of node: OpaquePointer, separator: [UInt8], indent: [UInt8], firstPrefix: [UInt8]?, depth: Int) -> Bool {
        var wroteBlock = false
        var prefix = firstPrefix
        var child = cmark_node_first_child(node)
        while let current = child {
            let mark = bytes.count
            if wroteBlock { bytes.append(contentsOf: separator) }
            if block(current, indent: indent, firstPrefix: prefix, depth: depth) {
                wroteBlock = true
            } else {
                bytes.removeSubrange(mark...)
            }
            prefix = nil
            child = cmark_node_next(current)
        }
        return wroteBlock
    }

    private mutating func codeBlock(_ node: OpaquePointer, indent: [UInt8]) {
        guard let literal = cmark_node_get_literal(node) else { return }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(literal).assumingMemoryBound(to: UInt8.self), count: strlen(literal))
        // Lines split at lone line feeds, as `TextRenderer`'s split by characters does (a CR LF
        // is one character); cmark ends code lines with line feeds only, so that is a precaution.
        // A final line feed ends the last line instead of starting an empty one.
        var end = text.count
        if end > 0, text[end - 1] == 0x0A, end < 2 || text[end - 2] != 0x0D { end -= 1 }
        let prefix = indent + [0x20, 0x20, 0x20, 0x20]
        bytes.append(contentsOf: prefix)
        appendIndentingLines(UnsafeBufferPointer(rebasing: text[0..<end]), indent: prefix)
    }

    /// `text` with `firstPrefix` (or `indent`) before its first line and `indent` before every
    /// other, lines ending at lone line feeds.
    private mutating func wrap(_ text: [UInt8], indent: [UInt8], firstPrefix: [UInt8]?) {
        bytes.append(contentsOf: firstPrefix ?? indent)
        appendIndentingLines(text, indent: indent)
    }

    /// `wrap(_:indent:firstPrefix:)` of `node`'s inline text, written in place: the text is
    /// written after the prefix, and only text with a line break in it is written again.
    private mutating func wrapInline(_ node: OpaquePointer, depth: Int, indent: [UInt8], firstPrefix: [UInt8]?) {
        bytes.append(contentsOf: firstPrefix ?? indent)
        let start = bytes.count
        inline(node, depth: depth)
        guard !indent.isEmpty, bytes[start...].contains(0x0A) else { return }
        let text = Array(bytes[start...])
        bytes.removeSubrange(start...)
        appendIndentingLines(text, indent: indent)
    }

    /// Appends `text` with `indent` after each of its lone line feeds: where `TextRenderer`'s
    /// split by characters ends a line (a CR LF is one character, which ends none).
    private mutating func appendIndentingLines<Text: RandomAccessCollection>(_ text: Text, indent: [UInt8])
    where Text.Element == UInt8, Text.Index == Int {
        guard !indent.isEmpty else {
            bytes.append(contentsOf: text)
            return
        }
        for index in text.indices {
            let byte = text[index]
            bytes.append(byte)
            if byte == 0x0A, index == text.startIndex || text[index - 1] != 0x0D { bytes.append(contentsOf: indent) }
        }
    }

    private mutating func inline(_ node: OpaquePointer, depth: Int) {
        guard depth < TextRenderer.maximumDepth else {
            bytes.append(contentsOf: TextRenderer.flatText(node).utf8)
            return
        }
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                appendLiteral(of: current)
            case CMARK_NODE_SOFTBREAK:
                bytes.append(0x20)
            case CMARK_NODE_LINEBREAK:
                bytes.append(0x0A)
            case CMARK_NODE_HTML_INLINE:
                break
            case CMARK_NODE_LINK:
                let start = bytes.count
                inline(current, depth: depth + 1)
                let url = cmark_node_get_url(current).map { String(cString: $0) } ?? ""
                // Compared as strings, as `TextRenderer` compares them.
                if !url.isEmpty, url != String(decoding: bytes[start...], as: UTF8.self) {
                    bytes.append(contentsOf: [0x20, 0x28])
                    bytes.append(contentsOf: url.utf8)
                    bytes.append(0x29)
                }
            default:
                inline(current, depth: depth + 1)
            }
            child = cmark_node_next(current)
        }
    }

    private mutating func appendLiteral(of node: OpaquePointer) {
        guard let literal = cmark_node_get_literal(node) else { return }
        bytes.append(contentsOf: UnsafeBufferPointer(start: UnsafeRawPointer(literal).assumingMemoryBound(to: UInt8.self), count: strlen(literal)))
    }
}
