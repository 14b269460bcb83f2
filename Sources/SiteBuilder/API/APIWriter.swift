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
            codesJSON(for: kb, generator: generator),
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

    /// `codes.json`: `CodesDocument` as `encode(_:)` writes it, written directly
    /// (`codesDocumentJSON`): through `JSONEncoder` it was the largest fixed cost of a build.
    static func codesJSON(for kb: KnowledgeBase, generator: String) -> Data {
        var bytes = codesDocumentJSON(CodesDocument(knowledgeBase: kb, generator: generator))
        bytes.append(0x0A)
        return Data(bytes)
    }

    /// `document` as `JSONEncoder` writes it with the API's format, without the final line
    /// feed: every member written in the order sorted keys put it in.
    static func codesDocumentJSON(_ document: CodesDocument) -> [UInt8] {
        // The registry's document is some 250 KB.
        var json = PrettyJSON(capacity: 1 << 18)
        func permanence(_ value: Permanence?) { json.optionalString(value?.rawValue) }
        func variants(_ records: [CodesDocument.VariantRecord]) {
            json.beginArray()
            for record in records {
                json.element()
                json.beginObject()
                json.key("class_meaning"); json.optionalString(record.classMeaning)
                json.key("code"); json.string(record.code)
                json.key("entries"); json.strings(record.entries)
                json.key("implied_reason"); json.optionalString(record.impliedReason)
                json.key("permanence"); permanence(record.permanence)
                json.key("subject_meaning"); json.optionalString(record.subjectMeaning)
                json.endObject()
            }
            json.endArray()
        }
        json.beginObject()
        json.key("classes")
        json.beginArray()
        for record in document.classes {
            json.element()
            json.beginObject()
            json.key("digit"); json.integer(record.digit)
            json.key("meaning"); json.string(record.meaning)
            json.key("permanence"); permanence(record.permanence)
            json.key("title"); json.string(record.title)
            json.endObject()
        }
        json.endArray()
        json.key("enhanced_codes")
        json.beginArray()
        for record in document.enhancedCodes {
            json.element()
            json.beginObject()
            json.key("absolute_url"); json.optionalString(record.absoluteURL)
            json.key("deprecated"); json.boolean(record.deprecated)
            json.key("detail"); json.integer(record.detail)
            json.key("entries"); json.strings(record.entries)
            json.key("explanation"); json.string(record.explanation)
            json.key("implied_reason"); json.optionalString(record.impliedReason)
            json.key("pattern"); json.string(record.pattern)
            json.key("reference"); json.string(record.reference)
            json.key("replaced_by"); json.optionalString(record.replacedBy)
            json.key("subject"); json.integer(record.subject)
            json.key("subject_meaning"); json.optionalString(record.subjectMeaning)
            json.key("subject_title"); json.optionalString(record.subjectTitle)
            json.key("title"); json.string(record.title)
            json.key("url"); json.string(record.url)
            json.key("variants"); variants(record.variants)
            json.endObject()
        }
        json.endArray()
        json.key("generator"); json.string(document.generator)
        json.key("reply_codes")
        json.beginArray()
        for record in document.replyCodes {
            json.element()
            json.beginObject()
            json.key("absolute_url"); json.optionalString(record.absoluteURL)
            json.key("class_meaning"); json.optionalString(record.classMeaning)
            json.key("code"); json.integer(record.code)
            json.key("entries"); json.strings(record.entries)
            json.key("explanation"); json.string(record.explanation)
            json.key("implied_reason"); json.optionalString(record.impliedReason)
            json.key("permanence"); permanence(record.permanence)
            json.key("rfcs"); json.strings(record.rfcs)
            json.key("title"); json.string(record.title)
            json.key("url"); json.string(record.url)
            json.endObject()
        }
        json.endArray()
        json.key("schema_version"); json.string(document.schemaVersion)
        json.key("subjects")
        json.beginArray()
        for record in document.subjects {
            json.element()
            json.beginObject()
            json.key("digit"); json.integer(record.digit)
            json.key("meaning"); json.string(record.meaning)
            json.key("title"); json.string(record.title)
            json.endObject()
        }
        json.endArray()
        json.key("unregistered_statuses"); variants(document.unregisteredStatuses)
        json.endObject()
        return json.bytes
    }

    private static func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = 0
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
