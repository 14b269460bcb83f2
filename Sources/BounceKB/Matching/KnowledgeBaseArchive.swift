/// A compact text form of a whole `KnowledgeBase`, made to be compiled into a program as one
/// string literal and read back in well under a millisecond (JSON decoding of the same data
/// through Foundation takes several).
///
/// Format, version 2: one record per line, fields separated by tabs. In every field `\\` is
/// written `\\\\`, tab `\\t`, line feed `\\n`, carriage return `\\r`, `"` `\\q` and `#` `\\h`, so
/// a field never contains a raw tab, line break, quote or hash (the last two keep the text safe
/// inside a Swift raw string literal). The first section holds what a lookup needs; the long
/// texts follow a `bodies` line, so a lookup can stop reading there:
///
///     bouncekb-archive  2
///     site              title  description  base_url  language
///     category          id  order  title  summary  description
///     reason            id  permanence  action  description
///     entry             id  category  title  reply  status  reason  permanence  action  summary
///     bodies
///     body              id  details  resolution
///     match             phrase...          (these belong to the body above)
///     providers         name...
///     related           id...
///     reference         title  url
public enum KnowledgeBaseArchive {
    /// Why an archive could not be read.
    public struct FormatError: Error, Equatable, CustomStringConvertible, Sendable {
        public var line: Int
        public var message: String

        public var description: String { "knowledge base archive line \(line): \(message)" }
    }

    /// The command that regenerates `Sources/bounce/EmbeddedKnowledgeBase.swift`.
    public static let regenerateCommand = "swift run bounce embed --content content --output Sources/bounce/EmbeddedKnowledgeBase.swift"

    static let magic = "bouncekb-archive"
    static let version = "2"

    /// The archive text of `knowledgeBase`. Deterministic: the same knowledge base always gives
    /// the same text.
    public static func encode(_ knowledgeBase: KnowledgeBase) -> String {
        var lines: [String] = [record(magic, version)]
        let site = knowledgeBase.site
        lines.append(record("site", site.title, site.description, site.baseURL, site.language))
        for category in knowledgeBase.categories {
            lines.append(record("category", category.id, String(category.order), category.title, category.summary, category.description))
        }
        for reason in knowledgeBase.reasons {
            lines.append(record("reason", reason.id, reason.permanence.rawValue, reason.action.rawValue, reason.description))
        }
        for entry in knowledgeBase.entries {
            lines.append(record(
                "entry", entry.id, entry.category, entry.title, String(entry.reply), entry.status ?? "",
                entry.reason, entry.permanence.rawValue, entry.action.rawValue, entry.summary
            ))
        }
        lines.append("bodies")
        for entry in knowledgeBase.entries {
            lines += bodyRecords(entry)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func bodyRecords(_ entry: Entry) -> [String] {
        var lines = [record("body", entry.id, entry.details, entry.resolution)]
        if !entry.match.isEmpty { lines.append(record(["match"] + entry.match)) }
        if !entry.providers.isEmpty { lines.append(record(["providers"] + entry.providers)) }
        if !entry.related.isEmpty { lines.append(record(["related"] + entry.related)) }
        for reference in entry.references {
            lines.append(record("reference", reference.title, reference.url))
        }
        return lines
    }

    /// Reads an archive written by `encode`. Without `bodies`, entries come without their
    /// details, resolution, match phrases, providers, related ids and references (all empty),
    /// which is several times faster; `entry(_:in:)` then reads one entry whole.
    public static func decode(_ text: String, bodies: Bool = true) throws -> KnowledgeBase {
        var reader = Reader(bodies: bodies)
        try forEachRecord(text) { fields, line in
            try reader.read(fields, line: line)
            return !reader.done
        }
        return try reader.knowledgeBase()
    }

    /// The entry `id` of an archive, whole, or nil when there is none.
    public static func entry(_ id: String, in text: String) throws -> Entry? {
        let escaped = escape(id)
        var copy = text
        let lines = copy.withUTF8 { bytes -> (header: String, body: String)? in
            guard let header = recordLines(in: bytes, startingWith: "entry\t" + escaped + "\t", following: false),
                  let body = recordLines(in: bytes, startingWith: "body\t" + escaped + "\t", following: true)
            else { return nil }
            return (header, body)
        }
        guard let lines else { return nil }
        let archive = "\(magic)\t\(version)\nsite\t\t\t/\ten\n\(lines.header)\nbodies\n\(lines.body)"
        return try decode(archive).entries.first
    }

    /// The line starting with `prefix` and, with `following`, the lines after it up to the next
    /// `body` record.
    private static func recordLines(in bytes: UnsafeBufferPointer<UInt8>, startingWith prefix: String, following: Bool) -> String? {
        let marker = Array(prefix.utf8)
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            if line.starts(with: marker) {
                var end = lineEnd
                while following && end < bytes.count {
                    let next = end + 1
                    var nextEnd = next
                    while nextEnd < bytes.count && bytes[nextEnd] != UInt8(ascii: "\n") { nextEnd += 1 }
                    let candidate = UnsafeBufferPointer(rebasing: bytes[min(next, bytes.count)..<nextEnd])
                    if next >= bytes.count || candidate.isEmpty || candidate.starts(with: "body\t".utf8) { break }
                    end = nextEnd
                }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// Builds the knowledge base record by record.
    private struct Reader {
        let bodies: Bool
        var site: Site?
        var categories: [Category] = []
        var reasons: [Reason] = []
        var entries: [Entry] = []
        var positions: [String: Int] = [:]
        var sawMagic = false
        var inBodies = false
        var done = false
        /// The entry the current `body` record and its list records belong to.
        var current: Int?

        init(bodies: Bool) {
            self.bodies = bodies
            entries.reserveCapacity(512)
        }

        mutating func read(_ fields: [String], line: Int) throws {
            guard !done, let kind = fields.first else { return }
            func fail(_ message: String) -> FormatError { FormatError(line: line, message: message) }
            func need(_ count: Int) throws {
                guard fields.count == count else { throw fail("\(kind) needs \(count - 1) fields, found \(fields.count - 1)") }
            }
            if !sawMagic {
                guard kind == KnowledgeBaseArchive.magic, fields.count == 2 else { throw fail("not a knowledge base archive") }
                guard fields[1] == KnowledgeBaseArchive.version else { throw fail("unsupported archive version \(fields[1])") }
                sawMagic = true
                return
            }
            switch kind {
            case "site":
                try need(5)
                site = Site(title: fields[1], description: fields[2], baseURL: fields[3], language: fields[4])
            case "category":
                try need(6)
                guard let order = Int(fields[2]) else { throw fail("category order is not a number") }
                categories.append(Category(id: fields[1], title: fields[3], order: order, summary: fields[4], description: fields[5]))
            case "reason":
                try need(5)
                guard let permanence = Permanence(rawValue: fields[2]), let action = Action(rawValue: fields[3]) else {
                    throw fail("unknown permanence or action")
                }
                reasons.append(Reason(id: fields[1], permanence: permanence, action: action, description: fields[4]))
            case "entry":
                try need(10)
                guard !inBodies else { throw fail("entry after bodies") }
                guard let reply = Int(fields[4]), let permanence = Permanence(rawValue: fields[7]),
                      let action = Action(rawValue: fields[8])
                else { throw fail("bad reply, permanence or action") }
                positions[fields[1]] = entries.count
                entries.append(Entry(
                    id: fields[1], category: fields[2], title: fields[3], reply: reply,
                    status: fields[5].isEmpty ? nil : fields[5], reason: fields[6], permanence: permanence,
                    action: action, summary: fields[9], details: "", resolution: ""
                ))
            case "bodies":
                inBodies = true
                done = !bodies
            case "body":
                try need(4)
                guard inBodies, let position = positions[fields[1]] else { throw fail("body of unknown entry '\(fields[1])'") }
                entries[position].details = fields[2]
                entries[position].resolution = fields[3]
                current = position
            case "match", "providers", "related", "reference":
                guard let position = current else { throw fail("\(kind) before any body") }
                let values = Array(fields.dropFirst())
                switch kind {
                case "match": entries[position].match = values
                case "providers": entries[position].providers = values
                case "related": entries[position].related = values
                default:
                    try need(3)
                    entries[position].references.append(Reference(title: values[0], url: values[1]))
                }
            default:
                throw fail("unknown record '\(kind)'")
            }
        }

        func knowledgeBase() throws -> KnowledgeBase {
            guard sawMagic else { throw FormatError(line: 0, message: "empty archive") }
            guard let site else { throw FormatError(line: 0, message: "no site record") }
            // Records are written in the knowledge base's order, so sorting again changes nothing.
            return KnowledgeBase(site: site, categories: categories, reasons: reasons, entries: entries)
        }
    }

    /// Calls `body` with the unescaped fields and the 1-based line number of every non-empty
    /// line, until it returns false. Works on bytes: this runs at every start of `bounce`.
    static func forEachRecord(_ text: String, _ body: ([String], Int) throws -> Bool) throws {
        var copy = text
        try copy.withUTF8 { bytes in try forEachRecord(bytes, body) }
    }

    static func forEachRecord(_ bytes: UnsafeBufferPointer<UInt8>, _ body: ([String], Int) throws -> Bool) throws {
        var fields: [String] = []
        fields.reserveCapacity(32)
        var lineNumber = 0
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            lineNumber += 1
            if lineEnd > lineStart {
                fields.removeAll(keepingCapacity: true)
                var fieldStart = lineStart
                var escaped = false
                var index = lineStart
                while index <= lineEnd {
                    if index == lineEnd || bytes[index] == UInt8(ascii: "\t") {
                        let slice = UnsafeBufferPointer(rebasing: bytes[fieldStart..<index])
                        fields.append(escaped ? unescape(slice) : String(decoding: slice, as: UTF8.self))
                        fieldStart = index + 1
                        escaped = false
                    } else if bytes[index] == UInt8(ascii: "\\") {
                        escaped = true
                    }
                    index += 1
                }
                guard try body(fields, lineNumber) else { return }
            }
            lineStart = lineEnd + 1
        }
    }

    /// A Swift source file declaring `enum <typeName>` with the archive of `knowledgeBase` in a
    /// raw string literal, plus a comment saying how to regenerate it.
    public static func swiftSource(for knowledgeBase: KnowledgeBase, typeName: String = "EmbeddedKnowledgeBase", command: String = regenerateCommand) -> String {
        let index = MatchIndex(knowledgeBase: knowledgeBase)
        return """
        // Generated by `\(command)`. Do not edit: regenerate it when content/ changes
        // (a test fails while this copy differs from content/).

        /// The knowledge base built from content/, carried inside the program so that it needs
        /// no files at run time: `archive` is a `KnowledgeBaseArchive`, `matchIndex` the
        /// `MatchIndex.compactText()` of the same knowledge base, precomputed for a fast start.
        enum \(typeName) {
            static let archive = #\"\"\"
        \(encode(knowledgeBase))\"\"\"#

            static let matchIndex = #\"\"\"
        \(index.compactText())\"\"\"#
        }

        """
    }

    /// The texts of the raw string literals in a file written by `swiftSource`: the archive
    /// first, then the match index.
    public static func literals(inSwiftSource source: String) -> [String] {
        var literals: [String] = []
        var rest = source[...]
        while let start = rest.firstRange(of: "#\"\"\"\n"), let end = rest[start.upperBound...].firstRange(of: "\"\"\"#") {
            literals.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return literals
    }

    // MARK: - Escaping

    private static func record(_ fields: String...) -> String {
        record(fields)
    }

    private static func record(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: "\t")
    }

    static func escape(_ field: String) -> String {
        var output = ""
        output.reserveCapacity(field.utf8.count)
        for scalar in field.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\t": output += "\\t"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\"": output += "\\q"
            case "#": output += "\\h"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var segmentStart = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                let next = index + 1 < bytes.count ? bytes[index + 1] : UInt8(ascii: "\\")
                switch next {
                case UInt8(ascii: "t"): output.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "n"): output.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): output.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "q"): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "h"): output.append(UInt8(ascii: "#"))
                default: output.append(next)
                }
                index += 2
                segmentStart = index
            } else {
                index += 1
            }
        }
        if segmentStart < bytes.count {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<bytes.count]))
        }
        return String(decoding: output, as: UTF8.self)
    }
}
