import BounceKB
import Foundation

/// Produces the versioned JSON API under `api/v1/`: the data files and their JSON Schemas.
///
/// The output is deterministic: keys sorted, two-space pretty printing, slashes unescaped, a final
/// newline, entries in knowledge-base order; the same knowledge base and generator give the same bytes.
public enum APIWriter {
    /// The folder of the current API version, relative to the output root.
    public static let root = "api/v1"

    /// Why the API could not be written.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// An entry id that would not make a safe file name; the validator should have caught it.
        case unsafeEntryID(String)

        public var description: String {
            switch self {
            case .unsafeEntryID(let id):
                return "entry id '\(id)' cannot be used as a file name in \(APIWriter.root)/entries/; ids must be kebab-case (a-z, 0-9, -)"
            }
        }
    }

    /// Every file of the API, as paths relative to the output root with their contents, sorted by path:
    /// `api/v1/entries.json`, `api/v1/entries/<id>.json` (one per entry), `api/v1/codes.json`, and
    /// `api/v1/schema/{entries,entry,codes}.schema.json`.
    ///
    /// - Parameter generator: the program and version recorded in the files, e.g. "bouncekb 1.0.0".
    ///   Keep it free of build dates so that builds stay byte-identical.
    public static func files(for kb: KnowledgeBase, generator: String) throws -> [(path: String, contents: Data)] {
        try checkIDs(kb)
        // Each entry's record is written once and used twice: as entries/<id>.json and, indented,
        // inside entries.json. Records are independent, so they are made on all cores.
        let site = kb.site
        let records = Parallel.map(kb.entries, minimumBatch: 32) { entry in
            entryRecordJSON(entry, site: site, sections: EntrySections(entry, plainText: true))
        }
        let frame = try entriesDocumentFrame(for: kb, generator: generator)
        var entries = frame.head
        for (index, record) in records.enumerated() { appendEntry(record, index: index, to: &entries) }
        entries += frame.tail(hasEntries: !records.isEmpty)
        var files: [(path: String, contents: Data)] = [(entriesPath, Data(entries))]
        files += try fixedFiles(for: kb, generator: generator)
        for (entry, record) in zip(kb.entries, records) {
            files.append((entryPath(entry.id), Data(record + [0x0A])))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Throws `Failure.unsafeEntryID` for the first entry whose id cannot be a file name.
    static func checkIDs(_ kb: KnowledgeBase) throws {
        for entry in kb.entries where !isSafeID(entry.id) {
            throw Failure.unsafeEntryID(entry.id)
        }
    }

    /// The paths of `fixedFiles`, in its order.
    static let fixedPaths = [
        codesPath, "\(root)/schema/entries.schema.json", "\(root)/schema/entry.schema.json", "\(root)/schema/codes.schema.json",
    ]

    /// The files whose size does not grow with every entry's text: `codes.json` and the schemas.
    static func fixedFiles(for kb: KnowledgeBase, generator: String) throws -> [(path: String, contents: Data)] {
        let contents = [
            try codesJSON(for: kb, generator: generator),
            try encode(APISchemas.entries), try encode(APISchemas.entry), try encode(APISchemas.codes),
        ]
        return zip(fixedPaths, contents).map { ($0, $1) }
    }

    /// `entries.json` around its entries: the document without entries as `JSONEncoder` writes
    /// it, cut open where the entries go. The file is `head`, then each record through
    /// `appendEntry`, then `tail(hasEntries:)`.
    struct EntriesFrame {
        /// Up to and including `"entries" : [`.
        var head: [UInt8]
        /// From the blank line of the empty list on.
        var rest: [UInt8]

        func tail(hasEntries: Bool) -> [UInt8] {
            // Without entries the list keeps its blank line; with entries it goes.
            hasEntries ? Array(rest.dropFirst()) : rest
        }
    }

    static func entriesDocumentFrame(for kb: KnowledgeBase, generator: String) throws -> EntriesFrame {
        let empty = KnowledgeBase(site: kb.site, categories: kb.categories, reasons: kb.reasons, entries: [])
        let bytes = [UInt8](try encode(APIDocument(knowledgeBase: empty, generator: generator)))
        // The only raw line feeds are layout, so this is the top-level member.
        let marker = Array("\n  \"entries\" : [".utf8)
        guard let start = firstIndex(of: marker, in: bytes) else {
            throw CocoaError(.coderInvalidValue)
        }
        let cut = start + marker.count
        return EntriesFrame(head: Array(bytes[..<cut]), rest: Array(bytes[cut...]))
    }

    /// Appends the `index`-th record (from `entryRecordJSON`) to `entries.json`'s list.
    static func appendEntry(_ record: [UInt8], index: Int, to output: inout [UInt8]) {
        appendIndentedEntry(indentedEntry(record), index: index, to: &output)
    }

    /// A record (from `entryRecordJSON`) indented as `entries.json`'s list holds it; made
    /// where the record is, on any thread, so that only the appending is left in order.
    static func indentedEntry(_ record: [UInt8]) -> [UInt8] {
        var indented: [UInt8] = []
        indented.reserveCapacity(record.count + record.count / 8)
        PrettyJSON.indented(record, by: 4, into: &indented)
        return indented
    }

    /// Appends the `index`-th record, already indented by `indentedEntry`.
    static func appendIndentedEntry(_ indented: [UInt8], index: Int, to output: inout [UInt8]) {
        if index > 0 { output.append(UInt8(ascii: ",")) }
        output.append(0x0A)
        output.append(contentsOf: indented)
    }

    /// `codes.json`: `CodesDocument` as `JSONEncoder` writes it, except that the entry id lists,
    /// which grow with the knowledge base, are written directly. `JSONEncoder` writes the
    /// document with a placeholder in each list, and each placeholder is replaced by its ids.
    static func codesJSON(for kb: KnowledgeBase, generator: String) throws -> Data {
        let document = CodesDocument(knowledgeBase: kb, generator: generator)
        return try splicedCodesJSON(document) ?? encode(document)
    }

    /// `codesJSON`'s fast path: nil when the encoded placeholders are not laid out as expected.
    static func splicedCodesJSON(_ original: CodesDocument) throws -> Data? {
        var document = original
        var lists: [[String]] = []
        func placeholder(_ ids: inout [String]) {
            lists.append(ids)
            ids = ["\u{1}\(lists.count - 1)"]
        }
        for index in document.replyCodes.indices { placeholder(&document.replyCodes[index].entries) }
        for index in document.enhancedCodes.indices {
            placeholder(&document.enhancedCodes[index].entries)
            for variant in document.enhancedCodes[index].variants.indices { placeholder(&document.enhancedCodes[index].variants[variant].entries) }
        }
        for index in document.unregisteredStatuses.indices { placeholder(&document.unregisteredStatuses[index].entries) }
        let encoded = [UInt8](try encode(document))

        // A placeholder is the only element of its list: `[`, LF, indent, "\u0001N", LF, indent, `]`.
        let open = Array("\"\\u0001".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + lists.reduce(0) { $0 + $1.count * 24 })
        var position = 0
        var replaced = 0
        var isReplaced = [Bool](repeating: false, count: lists.count)
        while let found = firstIndex(of: open, in: encoded, from: position) {
            var digitsEnd = found + open.count
            var number = 0
            while digitsEnd < encoded.count, encoded[digitsEnd] >= UInt8(ascii: "0"), encoded[digitsEnd] <= UInt8(ascii: "9") {
                number = number * 10 + Int(encoded[digitsEnd] - UInt8(ascii: "0"))
                digitsEnd += 1
            }
            // Sorted keys put the lists in another order than they were numbered in (enhanced
            // codes before reply codes); each number must still come exactly once.
            guard number < lists.count, !isReplaced[number], digitsEnd < encoded.count, encoded[digitsEnd] == UInt8(ascii: "\"") else {
                return nil
            }
            var lineStart = found
            while lineStart > 0 && encoded[lineStart - 1] == UInt8(ascii: " ") { lineStart -= 1 }
            let indent = Array(encoded[lineStart..<found])
            let ids = lists[number]
            if ids.isEmpty {
                output.append(contentsOf: encoded[position..<lineStart])
            } else {
                output.append(contentsOf: encoded[position..<found])
                for (offset, id) in ids.enumerated() {
                    if offset > 0 {
                        output.append(contentsOf: [UInt8(ascii: ","), 0x0A])
                        output.append(contentsOf: indent)
                    }
                    var json = PrettyJSON(capacity: id.utf8.count + 2)
                    json.string(id)
                    output.append(contentsOf: json.bytes)
                }
            }
            position = digitsEnd + 1
            isReplaced[number] = true
            replaced += 1
        }
        guard replaced == lists.count else { return nil }
        output.append(contentsOf: encoded[position...])
        return Data(output)
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == first && bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }

    /// `api/v1/entries.json`.
    public static let entriesPath = "\(root)/entries.json"
    /// `api/v1/codes.json`.
    public static let codesPath = "\(root)/codes.json"

    /// `api/v1/entries/<id>.json`.
    public static func entryPath(_ id: String) -> String { "\(root)/entries/\(id).json" }

    /// The site page of a reply code, relative to the site root: `codes/550/`.
    public static func codePagePath(reply: Int) -> String { "codes/\(reply)/" }

    /// The site page of an enhanced code pattern, relative to the site root: `codes/x.7.26/`.
    public static func codePagePath(pattern: String) -> String { "codes/\(pattern.lowercased())/" }

    /// The one encoder configuration of the API, so every file is formatted the same way.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    private static func isSafeID(_ id: String) -> Bool {
        !id.isEmpty && !id.hasPrefix("-") && !id.hasSuffix("-")
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
