import Foundation
import Yams

/// A YAML value with the position where it starts in the content file.
///
/// Content files only need text, lists and maps, so the YAML tree is reduced to these
/// before any field is read; every value keeps its file line and column for diagnostics.
struct YAMLValue: Equatable {
    indirect enum Kind: Equatable {
        /// `plain` is false for quoted and block (`|`, `>`) scalars.
        case scalar(String, plain: Bool)
        case sequence([YAMLValue])
        case mapping([YAMLPair])
    }

    var kind: Kind
    var location: SourceLocation

    /// Plain `~`, `null` or nothing at all: YAML's ways of writing no value.
    var isNull: Bool {
        if case .scalar(let text, plain: true) = kind {
            return ["", "~", "null", "Null", "NULL"].contains(text)
        }
        return false
    }

    /// A short description of the value's shape for "must be X, not Y" messages.
    var shapeName: String {
        switch kind {
        case .scalar: return isNull ? "empty" : "a single value"
        case .sequence: return "a list"
        case .mapping: return "a set of 'key: value' fields"
        }
    }
}

/// A `key: value` pair of a YAML mapping.
struct YAMLPair: Equatable {
    var key: String
    var keyLocation: SourceLocation
    var value: YAMLValue
}

/// The part of a Markdown content file between the opening and closing `---` lines, and the body after it.
struct FrontMatterSplit {
    /// The YAML text, LF line ends.
    var yaml: String
    /// File line of the first YAML line (2 when the file starts with `---`).
    var yamlFirstLine: Int
    /// File line of the closing `---`.
    var closingLine: Int
    /// Everything after the closing line.
    var body: String
    /// File line of the first body line.
    var bodyFirstLine: Int

    static func split(_ source: SourceText, file: String) -> Result<FrontMatterSplit, Diagnostic> {
        let lines = source.lines
        if source.text.allSatisfy(\.isWhitespace) {
            return .failure(.error(
                "file is empty; start it with a '---' line, the front matter fields, and a closing '---' line",
                file: file, line: 1, column: 1))
        }
        guard let first = lines.first, isDelimiter(first) else {
            return .failure(.error(
                "missing front matter: the file must start with a line '---', then fields such as 'title: ...', then a closing '---' line",
                file: file, line: 1, column: 1))
        }
        guard let closing = lines.indices.dropFirst().first(where: { isDelimiter(lines[$0]) }) else {
            return .failure(.error(
                "front matter is never closed; add a line '---' after the last front matter field",
                file: file, line: 1, column: 1))
        }
        // The lines are slices of `source.text` split at its line feeds, so a run of them joined
        // with "\n" is the text from the first one's start to the last one's end: sliced, not joined.
        let text = source.text
        let yaml = closing > 1 ? String(text[lines[1].startIndex..<lines[closing - 1].endIndex]) : ""
        let body = closing + 1 < lines.count ? String(text[lines[closing + 1].startIndex...]) : ""
        return .success(FrontMatterSplit(
            yaml: yaml, yamlFirstLine: 2, closingLine: closing + 1, body: body, bodyFirstLine: closing + 2))
    }

    /// Whether `line` is `---` followed only by spaces and tabs. Byte by byte, which decides the
    /// same as comparing characters (a hyphen, space or tab with a combining mark after it is
    /// neither, and its mark is a byte that is neither), at a tenth of the cost of `hasPrefix`
    /// on every line until the closing one.
    static func isDelimiter(_ line: Substring) -> Bool {
        var bytes = line.utf8.makeIterator()
        for _ in 0..<3 {
            guard bytes.next() == UInt8(ascii: "-") else { return false }
        }
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") else { return false }
        }
        return true
    }
}

/// Turns YAML text into a `YAMLValue`, mapping every problem to a diagnostic at its file position.
enum YAMLReader {
    /// Front matter is a handful of short fields; anything bigger is a mistake or an attack.
    static let maximumBytes = 64 * 1024
    /// Real front matter nests three or four levels deep; deeper nesting only serves to
    /// exhaust the parser's stack.
    static let maximumDepth = 32
    /// A bound on tree size, as a second line of defence after the anchor check.
    static let maximumNodes = 20_000

    /// One Yams constructor for every file: `Constructor.default` builds a new one, with three
    /// tables, on every call, and nothing is ever constructed through it here (field readers
    /// decide what values mean). Yams does not mark `Constructor` `Sendable`, but it is a final
    /// class holding only constant tables of closures that capture nothing, so threads share it.
    nonisolated(unsafe) private static let sharedConstructor = Constructor.default

    /// Parses `yaml`, whose first line is file line `firstLine`. Returns nil (with diagnostics)
    /// when the text is not usable YAML, and nil without diagnostics when it is empty.
    static func read(_ yaml: String, firstLine: Int, file: String) -> (YAMLValue?, [Diagnostic]) {
        if yaml.utf8.count > maximumBytes {
            return (nil, [.error(
                "front matter is larger than \(maximumBytes / 1024) KiB; keep it to the documented fields and put long text in the body",
                file: file, line: firstLine, column: 1)])
        }
        if let problem = YAMLSafetyScan.firstProblem(in: yaml, maximumDepth: maximumDepth) {
            return (nil, [problem.diagnostic(file: file, lineOffset: firstLine - 1)])
        }
        switch YAMLEventReader.read(yaml, lineOffset: firstLine - 1) {
        case .value(let value): return (value, [])
        case .empty: return (nil, [])
        case .unsure: return readThroughYams(yaml, firstLine: firstLine, file: file)
        }
    }

    /// `read(_:firstLine:file:)` through Yams' parser and nodes, after the size and safety
    /// checks: for front matter the event reader is unsure of, and every diagnostic.
    static func readThroughYams(_ yaml: String, firstLine: Int, file: String) -> (YAMLValue?, [Diagnostic]) {
        do {
            // Every plain scalar stays text (`.basic` resolves nothing): field readers decide
            // what a value means, so `title: yes` is a title and `reply: 0550` is not octal.
            // `.utf8` spelt out: the default, `Parser.Encoding.default`, reads the whole process
            // environment on every call (to honour YAMS_DEFAULT_ENCODING), which cost more than the
            // parse itself. Swift strings are UTF-8, which is what the default picks anyway.
            let parser = try Parser(yaml: yaml, resolver: .basic, constructor: sharedConstructor, encoding: .utf8)
            guard let root = try parser.singleRoot() else { return (nil, []) }
            var budget = maximumNodes
            // The parser owns the anchors; nodes only hold them weakly, so keep it alive while converting.
            return withExtendedLifetime(parser) {
                do {
                    return (try convert(root, lineOffset: firstLine - 1, depth: 0, budget: &budget), [])
                } catch let problem as ConversionProblem {
                    return (nil, [problem.diagnostic(file: file)])
                } catch {
                    return (nil, [.error("cannot read front matter: \(error)", file: file, line: firstLine, column: 1)])
                }
            }
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, yaml: yaml, firstLine: firstLine, file: file)])
        } catch {
            return (nil, [.error("cannot read front matter: \(error)", file: file, line: firstLine, column: 1)])
        }
    }

    private struct ConversionProblem: Error {
        var message: String
        var location: SourceLocation
        func diagnostic(file: String) -> Diagnostic {
            .error(message, file: file, line: location.line, column: location.column)
        }
    }

    private static func location(_ mark: Mark?, lineOffset: Int) -> SourceLocation {
        SourceLocation(line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
    }

    private static func convert(_ node: Node, lineOffset: Int, depth: Int, budget: inout Int) throws -> YAMLValue {
        let here = location(node.mark, lineOffset: lineOffset)
        budget -= 1
        guard budget > 0, depth <= maximumDepth else {
            throw ConversionProblem(message: "front matter is too large or too deeply nested; keep it to the documented fields", location: here)
        }
        if node.anchor != nil {
            throw ConversionProblem(message: anchorMessage, location: here)
        }
        switch node {
        case .scalar(let scalar):
            return YAMLValue(kind: .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any), location: here)
        case .sequence(let sequence):
            var items: [YAMLValue] = []
            for item in sequence {
                items.append(try convert(item, lineOffset: lineOffset, depth: depth + 1, budget: &budget))
            }
            return YAMLValue(kind: .sequence(items), location: here)
        case .mapping(let mapping):
            var pairs: [YAMLPair] = []
            for (key, value) in mapping {
                let keyLocation = location(key.mark, lineOffset: lineOffset)
                guard case .scalar(let keyScalar) = key else {
                    throw ConversionProblem(message: "a field name must be a plain word such as 'title', not \(key.sequence != nil ? "a list" : "a mapping")", location: keyLocation)
                }
                let converted = try convert(value, lineOffset: lineOffset, depth: depth + 1, budget: &budget)
                pairs.append(YAMLPair(key: keyScalar.string, keyLocation: keyLocation, value: converted))
            }
            return YAMLValue(kind: .mapping(pairs), location: here)
        case .alias:
            throw ConversionProblem(message: anchorMessage, location: here)
        }
    }

    static let anchorMessage = "YAML anchors and aliases ('&name', '*name') are not supported in content files; "
        + "write each value out in full, and put text that starts with '&' or '*' in double quotes"

    /// Maps a Yams error to the file position of the problem, with a hint for the usual mistakes.
    static func diagnostic(for error: YamlError, yaml: String, firstLine: Int, file: String) -> Diagnostic {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        func at(_ mark: Mark, _ message: String) -> Diagnostic {
            .error(message, file: file, line: mark.line + firstLine - 1, column: mark.column)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML in front matter: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line + firstLine - 1))"
            }
            let lineText = mark.line >= 1 && mark.line <= lines.count ? String(lines[mark.line - 1]) : ""
            message += "; " + hint(problem: problem, line: lineText)
            return at(mark, message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            // Yams marks the first occurrence; the later one is usually the line to delete.
            var line = context.mark.line
            let column = context.mark.column
            if let key = duplicates.first {
                let indent = String(repeating: " ", count: max(0, column - 1))
                let later = lines.indices.dropFirst(max(0, line)).first {
                    lines[$0].hasPrefix(indent + key + ":") || lines[$0].hasPrefix(indent + "\"" + key + "\":")
                }
                if let later { line = later + 1 }
            }
            return .error("field \(names) appears more than once; keep one and delete the others",
                          file: file, line: line + firstLine - 1, column: column)
        case .reader(let problem, let offset, _, _):
            var line = firstLine
            var column = 1
            if let offset {
                let prefix = yaml.prefix(offset)
                line += prefix.filter { $0 == "\n" }.count
                column = prefix.split(separator: "\n", omittingEmptySubsequences: false).last.map { $0.unicodeScalars.count + 1 } ?? 1
            }
            return .error("invalid character in front matter (\(problem)); remove it or put the value in double quotes",
                          file: file, line: line, column: column)
        default:
            return .error("cannot read front matter: \(error)", file: file, line: firstLine, column: 1)
        }
    }

    private static func hint(problem: String, line: String) -> String {
        var value = line.drop { $0 == " " }
        if value.hasPrefix("- ") {
            value = value.dropFirst(2).drop { $0 == " " }
        } else if let colon = value.range(of: ": ") {
            value = value[colon.upperBound...].drop { $0 == " " }
        }
        if line.contains("\t") {
            return "YAML does not allow tabs for indentation; indent with spaces"
        }
        if value.hasPrefix("{") || value.hasPrefix("[") && !value.hasSuffix("]") {
            return "a value that starts with '{' or '[' must be put in double quotes, e.g. - \"{email} does not exist\""
        }
        if problem.contains("mapping values are not allowed") {
            return "a value that contains ': ' must be put in double quotes"
        }
        if problem.contains("cannot start any token") {
            return "put values that start with @, `, %, |, > or ! in double quotes"
        }
        if problem.contains("did not find expected ',' or '}'") || problem.contains("did not find expected ',' or ']'") {
            return "a value that starts with '{' or '[' must be put in double quotes, e.g. - \"{email} does not exist\""
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-' indicator") {
            return "check the indentation, and put values that contain quotes or ': ' in double quotes"
        }
        if problem.contains("undefined alias") {
            return "put text that starts with '*' in double quotes"
        }
        if problem.contains("found unexpected end of stream") || problem.contains("found unknown escape") {
            return "check that every quoted value has its closing quote and uses valid escapes (write \\\\ for a backslash)"
        }
        return "check the quoting and indentation of this line"
    }
}

/// A quick look over YAML text, before it reaches the parser, for the two inputs that could make
/// parsing slow or crash: anchors (the raw material of "billion laughs" alias bombs, which the
/// composer would expand while comparing keys) and nesting deep enough to exhaust a thread's stack.
///
/// The scan follows quoting, comments and block scalars, so `"&"` inside a quoted phrase is fine.
/// It errs on the side of caution: content files have no legitimate use for either.
enum YAMLSafetyScan {
    struct Problem {
        var message: String
        var line: Int
        var column: Int

        func diagnostic(file: String, lineOffset: Int) -> Diagnostic {
            .error(message, file: file, line: line + lineOffset, column: column)
        }
    }

    static func firstProblem(in yaml: String, maximumDepth: Int) -> Problem? {
        var text = yaml
        return text.withUTF8 { firstProblem(in: $0, maximumDepth: maximumDepth) }
    }

    /// Works on UTF-8 bytes: every character the scan looks for is ASCII, and no byte of a
    /// longer character equals one, so only a problem's column needs counting in characters
    /// (Unicode scalars, as the parser counts them).
    private static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) -> Problem? {
        enum Quote { case none, single, double }
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var quote = Quote.none
        var flowDepth = 0
        var indentStack: [Int] = []
        var blockScalarParentIndent: Int?
        var lineIndex = 0
        var lineStart = 0

        func problem(_ message: String, at index: Int, lineStart: Int, lineIndex: Int) -> Problem {
            let column = bytes[lineStart..<index].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            return Problem(message: message, line: lineIndex + 1, column: column)
        }

        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer {
                lineStart = lineEnd + 1
                lineIndex += 1
            }
            var indent = 0
            while lineStart + indent < lineEnd, bytes[lineStart + indent] == space { indent += 1 }
            var isBlank = true
            for offset in lineStart..<lineEnd where bytes[offset] != space && bytes[offset] != tab {
                isBlank = false
                break
            }

            if let parent = blockScalarParentIndent {
                if isBlank || indent > parent { continue }
                blockScalarParentIndent = nil
            }
            if quote == .none && flowDepth == 0 {
                if isBlank || bytes[lineStart + indent] == UInt8(ascii: "#") { continue }
                while let top = indentStack.last, top > indent { indentStack.removeLast() }
                if indentStack.last != indent { indentStack.append(indent) }
            }

            var index = quote == .none ? lineStart + indent : lineStart
            var atNodeStart = quote == .none
            var inlineDepth = 0
            while index < lineEnd {
                let character = bytes[index]
                let next: UInt8? = index + 1 < lineEnd ? bytes[index + 1] : nil
                let nextIsBreak = next == nil || next == space || next == tab
                switch quote {
                case .double:
                    if character == UInt8(ascii: "\\") { index += 2; continue }
                    if character == UInt8(ascii: "\"") { quote = .none }
                    index += 1
                    continue
                case .single:
                    if character == UInt8(ascii: "'") {
                        if next == UInt8(ascii: "'") { index += 2; continue }
                        quote = .none
                    }
                    index += 1
                    continue
                case .none:
                    break
                }
                if character == UInt8(ascii: "#") && (index == lineStart || bytes[index - 1] == space || bytes[index - 1] == tab) {
                    break
                }
                if atNodeStart {
                    switch character {
                    case space, tab:
                        break
                    case UInt8(ascii: "\""):
                        quote = .double
                        atNodeStart = false
                    case UInt8(ascii: "'"):
                        quote = .single
                        atNodeStart = false
                    case UInt8(ascii: "&") where !nextIsBreak, UInt8(ascii: "*") where !nextIsBreak:
                        return problem(YAMLReader.anchorMessage, at: index, lineStart: lineStart, lineIndex: lineIndex)
                    case UInt8(ascii: "-") where nextIsBreak, UInt8(ascii: "?") where nextIsBreak:
                        inlineDepth += 1
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flowDepth += 1
                    case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
                        blockScalarParentIndent = indent
                        index = lineEnd
                        continue
                    case UInt8(ascii: "!"):
                        while index + 1 < lineEnd && bytes[index + 1] != space { index += 1 }
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flowDepth = max(0, flowDepth - 1)
                        atNodeStart = false
                    default:
                        atNodeStart = false
                    }
                } else {
                    switch character {
                    case UInt8(ascii: ":") where nextIsBreak
                        || (flowDepth > 0 && (next == UInt8(ascii: ",") || next == UInt8(ascii: "]") || next == UInt8(ascii: "}"))):
                        atNodeStart = true
                    case UInt8(ascii: ",") where flowDepth > 0:
                        atNodeStart = true
                    case UInt8(ascii: "]") where flowDepth > 0, UInt8(ascii: "}") where flowDepth > 0:
                        flowDepth -= 1
                    default:
                        break
                    }
                }
                if indentStack.count + inlineDepth + flowDepth > maximumDepth {
                    return problem("front matter is nested too deeply; content files need at most a list of short fields",
                                   at: index, lineStart: lineStart, lineIndex: lineIndex)
                }
                index += 1
            }
        }
        return nil
    }
}
