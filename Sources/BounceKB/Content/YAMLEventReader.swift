// libyaml, as Yams bundles it: the events Yams builds its nodes from.
import CYaml

/// Reads front matter into a `YAMLValue` straight from libyaml's events, for front matter that
/// reads cleanly; says "unsure" for anything else, which `YAMLReader` then reads through Yams.
///
/// Yams composes a tree of nodes first (resolving a tag for every scalar, and hashing every
/// mapping's keys to look for duplicates), which `YAMLReader` then converts: most of the cost
/// of loading an entry. The events are the same ones Yams reads, so a document without
/// errors gives the same values and positions either way. Every way of going wrong (a parse
/// error, a second document, an anchor or alias, a key that is not a scalar, two keys with
/// the same text, too many nodes or too deep) is left to the Yams path, so that its
/// diagnostics stay exactly what they were. `YAMLEventReaderTests` hold the two paths to each
/// other.
enum YAMLEventReader {
    enum Outcome {
        case value(YAMLValue)
        /// No document at all (empty, or only comments).
        case empty
        /// Read it through Yams.
        case unsure
    }

    /// Reads `yaml`, whose line 1 is file line `lineOffset + 1`.
    static func read(_ yaml: String, lineOffset: Int) -> Outcome {
        var yaml = yaml
        return yaml.withUTF8 { bytes -> Outcome in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return .unsure }
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return .unsure }
            defer { yaml_parser_delete(&parser) }
            return withUnsafeMutablePointer(to: &parser) { parser in
                yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
                yaml_parser_set_input_string(parser, base, bytes.count)
                var events = Events(parser: parser, lineOffset: lineOffset)
                defer { events.finish() }
                return events.document()
            }
        }
    }

    /// The parser's events, one at a time, and the tree read from them. `parser` is valid for
    /// as long as the value is used.
    private struct Events {
        let parser: UnsafeMutablePointer<yaml_parser_t>
        let lineOffset: Int
        var event = yaml_event_t()
        var holdsEvent = false
        var budget = YAMLReader.maximumNodes

        init(parser: UnsafeMutablePointer<yaml_parser_t>, lineOffset: Int) {
            self.parser = parser
            self.lineOffset = lineOffset
        }

        /// Moves to the next event; false on a parse error.
        mutating func advance() -> Bool {
            finish()
            guard yaml_parser_parse(parser, &event) == 1 else { return false }
            holdsEvent = true
            return true
        }

        /// Frees the current event.
        mutating func finish() {
            if holdsEvent { yaml_event_delete(&event) }
            holdsEvent = false
        }

        var type: yaml_event_type_t { event.type }

        var location: SourceLocation {
            SourceLocation(line: Int(event.start_mark.line) + 1 + lineOffset, column: Int(event.start_mark.column) + 1)
        }

        /// As `Parser.singleRoot()` reads a stream: one document, or none.
        mutating func document() -> Outcome {
            guard advance(), type == YAML_STREAM_START_EVENT, advance() else { return .unsure }
            if type == YAML_STREAM_END_EVENT { return .empty }
            guard type == YAML_DOCUMENT_START_EVENT, advance(), let root = node(depth: 0) else { return .unsure }
            guard advance(), type == YAML_DOCUMENT_END_EVENT, advance(), type == YAML_STREAM_END_EVENT else { return .unsure }
            return .value(root)
        }

        /// The node whose first event is the current one, with the limits `YAMLReader`'s
        /// conversion applies; nil when unsure.
        mutating func node(depth: Int) -> YAMLValue? {
            budget -= 1
            guard budget > 0, depth <= YAMLReader.maximumDepth else { return nil }
            let here = location
            switch type {
            case YAML_SCALAR_EVENT:
                guard event.data.scalar.anchor == nil else { return nil }
                return YAMLValue(kind: .scalar(scalarText, plain: isPlainScalar), location: here)
            case YAML_SEQUENCE_START_EVENT:
                guard event.data.sequence_start.anchor == nil else { return nil }
                var items: [YAMLValue] = []
                while true {
                    guard advance() else { return nil }
                    if type == YAML_SEQUENCE_END_EVENT { break }
                    guard let item = node(depth: depth + 1) else { return nil }
                    items.append(item)
                }
                return YAMLValue(kind: .sequence(items), location: here)
            case YAML_MAPPING_START_EVENT:
                guard event.data.mapping_start.anchor == nil else { return nil }
                var pairs: [YAMLPair] = []
                var keys: Set<String> = []
                while true {
                    guard advance() else { return nil }
                    if type == YAML_MAPPING_END_EVENT { break }
                    guard type == YAML_SCALAR_EVENT, event.data.scalar.anchor == nil else { return nil }
                    let key = scalarText
                    // Whether two keys are duplicates is Yams' call (it compares nodes).
                    guard keys.insert(key).inserted else { return nil }
                    let keyLocation = location
                    guard advance(), let value = node(depth: depth + 1) else { return nil }
                    pairs.append(YAMLPair(key: key, keyLocation: keyLocation, value: value))
                }
                return YAMLValue(kind: .mapping(pairs), location: here)
            default:
                // An alias, or an event no node starts with.
                return nil
            }
        }

        var scalarText: String {
            let scalar = event.data.scalar
            return String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
        }

        var isPlainScalar: Bool {
            let style = event.data.scalar.style
            return style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE
        }
    }
}
