import CCmark

/// Renders a cmark tree as plain or ANSI-styled text, wrapping paragraphs when a width is given.
struct TextRenderer {
    enum Style { case plain, ansi }

    let style: Style
    var width: Int? = nil

    init(style: Style, width: Int? = nil) {
        self.style = style
        self.width = width
    }

    func render(_ root: OpaquePointer) -> String {
        var blocks: [String] = []
        var child = cmark_node_first_child(root)
        while let node = child {
            blocks.append(contentsOf: renderBlock(node, indent: "", depth: 0))
            child = cmark_node_next(node)
        }
        return blocks.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Nesting deeper than this is rendered as flat text: the walk below recurses once per level,
    /// and content nested tens of thousands of levels deep would otherwise overflow the stack.
    static let maximumDepth = 48

    private func renderBlock(_ node: OpaquePointer, indent: String, firstPrefix: String? = nil, depth: Int) -> [String] {
        guard depth < Self.maximumDepth else {
            return [wrap(Self.flatText(node), indent: indent, firstPrefix: firstPrefix)]
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            return [wrap(inline(node, depth: depth), indent: indent, firstPrefix: firstPrefix)]
        case CMARK_NODE_HEADING:
            let text = inline(node, depth: depth)
            return [indent + (style == .ansi ? "\u{1B}[1m\(text)\u{1B}[0m" : text)]
        case CMARK_NODE_CODE_BLOCK:
            let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            let lines = literal.split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast(literal.hasSuffix("\n") ? 1 : 0)
                .map { indent + "    " + $0 }
            return [lines.joined(separator: "\n")]
        case CMARK_NODE_THEMATIC_BREAK:
            return [indent + "---"]
        case CMARK_NODE_BLOCK_QUOTE:
            var parts: [String] = []
            var child = cmark_node_first_child(node)
            while let current = child {
                parts.append(contentsOf: renderBlock(current, indent: indent + "> ", depth: depth + 1))
                child = cmark_node_next(current)
            }
            return [parts.joined(separator: "\n" + indent + ">\n")]
        case CMARK_NODE_LIST:
            let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            var number = Int(cmark_node_get_list_start(node))
            if number == 0 && ordered { number = 1 }
            var items: [String] = []
            var item = cmark_node_first_child(node)
            while let current = item {
                let marker = ordered ? "\(number). " : "- "
                number += 1
                var parts: [String] = []
                var child = cmark_node_first_child(current)
                var first = true
                while let block = child {
                    let prefix = first ? indent + marker : nil
                    parts.append(contentsOf: renderBlock(block, indent: indent + String(repeating: " ", count: marker.count), firstPrefix: prefix, depth: depth + 1))
                    first = false
                    child = cmark_node_next(block)
                }
                if parts.isEmpty { parts = [indent + marker.trimmingTrailingSpace()] }
                items.append(parts.joined(separator: "\n"))
                item = cmark_node_next(current)
            }
            return [items.joined(separator: "\n")]
        case CMARK_NODE_HTML_BLOCK:
            return []
        default:
            return [wrap(inline(node, depth: depth), indent: indent, firstPrefix: firstPrefix)]
        }
    }

    private func inline(_ node: OpaquePointer, depth: Int) -> String {
        guard depth < Self.maximumDepth else { return Self.flatText(node) }
        var text = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            let literal = cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT:
                text += literal
            case CMARK_NODE_CODE:
                text += style == .ansi ? "\u{1B}[2m\(literal)\u{1B}[0m" : literal
            case CMARK_NODE_SOFTBREAK:
                text += " "
            case CMARK_NODE_LINEBREAK:
                text += "\n"
            case CMARK_NODE_HTML_INLINE:
                break
            case CMARK_NODE_STRONG:
                let inner = inline(current, depth: depth + 1)
                text += style == .ansi ? "\u{1B}[1m\(inner)\u{1B}[0m" : inner
            case CMARK_NODE_LINK:
                let inner = inline(current, depth: depth + 1)
                let url = cmark_node_get_url(current).map { String(cString: $0) } ?? ""
                text += (url.isEmpty || url == inner) ? inner : "\(inner) (\(url))"
            default:
                text += inline(current, depth: depth + 1)
            }
            child = cmark_node_next(current)
        }
        return text
    }

    /// The text of everything under `node`, blocks separated by spaces, without markup; walks
    /// the tree with cmark's iterator, so any depth costs no stack.
    static func flatText(_ node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK:
                text += cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING:
                if !text.isEmpty && text.last != " " { text += " " }
            default:
                break
            }
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    private func wrap(_ text: String, indent: String, firstPrefix: String?) -> String {
        if let width {
            return WordWrap.wrap(text, width: width, indent: indent, firstPrefix: firstPrefix)
        }
        // Plain text (no width) only puts the prefixes in front of each line. Done on UTF-8
        // bytes, because splitting by Character dominated the whole site build's lint and JSON
        // steps. A carriage return would pair with "\n" as one Character, so such text keeps
        // the Character-wise path and gives the same result as ever.
        let first = firstPrefix ?? indent
        guard !ByteScan.contains(UInt8(ascii: "\r"), in: text) else {
            return text.split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().map { ($0.offset == 0 ? first : indent) + $0.element }
                .joined(separator: "\n")
        }
        guard !indent.isEmpty, ByteScan.contains(UInt8(ascii: "\n"), in: text) else { return first + text }
        var output = first
        var lineStart = text.startIndex
        for position in text.utf8.indices where text.utf8[position] == UInt8(ascii: "\n") {
            output += text[lineStart...position]
            output += indent
            lineStart = text.utf8.index(after: position)
        }
        output += text[lineStart...]
        return output
    }
}

private extension String {
    func trimmingTrailingSpace() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
