import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed CommonMark document.
///
/// This is the project's only wrapper over libcmark. HTML is always rendered in
/// cmark's safe mode: raw HTML is omitted and `javascript:`, `vbscript:`, `file:`
/// and non-image `data:` links are dropped, whatever the author wrote.
public final class MarkdownDocument: @unchecked Sendable {
    // The root node is owned by this object and freed in `deinit`; it is never mutated
    // after parsing, so sharing it read-only across threads is safe.
    private let root: OpaquePointer

    /// The Markdown source the document was parsed from.
    public let source: String

    /// Parses `source` as CommonMark.
    public init(_ source: String) {
        self.source = source
        let options = CMARK_OPT_SOURCEPOS | CMARK_OPT_SAFE
        root = source.withCString { pointer in
            cmark_parse_document(pointer, strlen(pointer), options)
        }
    }

    deinit {
        cmark_node_free(root)
    }

    /// HTML for the document, with raw HTML and unsafe links removed.
    public func html() -> String {
        // Not CMARK_OPT_SOURCEPOS here: data-sourcepos attributes are noise in published pages.
        guard let rendered = cmark_render_html(root, CMARK_OPT_SAFE) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Every heading, in document order, with its level, plain text and 1-based source line.
    public var headings: [Heading] {
        var result: [Heading] = []
        walk { node, entering in
            guard entering, cmark_node_get_type(node) == CMARK_NODE_HEADING else { return true }
            result.append(Heading(
                level: Int(cmark_node_get_heading_level(node)),
                text: Self.inlineText(of: node),
                line: Int(cmark_node_get_start_line(node))
            ))
            return false
        }
        return result
    }

    /// Links and images in document order, with their destinations and source lines.
    public var links: [Link] {
        var result: [Link] = []
        walk { node, entering in
            let type = cmark_node_get_type(node)
            guard entering, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { return true }
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            result.append(Link(destination: url, isImage: type == CMARK_NODE_IMAGE, line: Int(cmark_node_get_start_line(node))))
            return true
        }
        return result
    }

    /// Number of list items in the document: a cheap signal of step-by-step instructions.
    public var listItemCount: Int {
        var count = 0
        walk { node, entering in
            if entering, cmark_node_get_type(node) == CMARK_NODE_ITEM { count += 1 }
            return true
        }
        return count
    }

    /// Plain text: block structure as blank-line separated paragraphs, list items prefixed
    /// with "- " or "1. ", all markup removed. Contains no HTML.
    public func plainText() -> String {
        PlainTextWriter.render(root)
    }

    /// `plainText()` as `TextRenderer` makes it: what `PlainTextWriter` is held to in tests.
    var plainTextByBlocks: String {
        TextRenderer(style: .plain).render(root)
    }

    /// Text for a terminal: wrapped to `width` columns; with `styled`, headings and strong
    /// text are bold and code is dimmed using ANSI escapes.
    public func terminalText(width: Int, styled: Bool) -> String {
        TextRenderer(style: styled ? .ansi : .plain, width: max(20, width)).render(root)
    }

    private func walk(_ visit: (OpaquePointer, Bool) -> Bool) {
        guard let iterator = cmark_iter_new(root) else { return }
        defer { cmark_iter_free(iterator) }
        var skipping: OpaquePointer?
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let entering = event == CMARK_EVENT_ENTER
            if let skipped = skipping {
                if node == skipped && !entering { skipping = nil }
                continue
            }
            let descend = visit(node, entering)
            if entering && !descend && cmark_node_first_child(node) != nil { skipping = node }
        }
    }

    static func inlineText(of node: OpaquePointer) -> String {
        var text = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(current) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                text += inlineText(of: current)
            }
            child = cmark_node_next(current)
        }
        return text
    }
}

/// A heading found in a Markdown document.
public struct Heading: Equatable, Sendable {
    /// 1 to 6.
    public var level: Int
    /// The heading's text without markup.
    public var text: String
    /// 1-based line in the source.
    public var line: Int

    public init(level: Int, text: String, line: Int) {
        self.level = level
        self.text = text
        self.line = line
    }
}

/// A link or image destination found in a Markdown document.
public struct Link: Equatable, Sendable {
    public var destination: String
    public var isImage: Bool
    /// 1-based line in the source.
    public var line: Int
}
