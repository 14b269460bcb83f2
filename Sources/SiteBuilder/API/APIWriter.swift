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
        for entry in kb.entries where !isSafeID(entry.id) {
            throw Failure.unsafeEntryID(entry.id)
        }
        let document = APIDocument(knowledgeBase: kb, generator: generator)
        var files: [(path: String, contents: Data)] = [
            (entriesPath, try encode(document)),
            (codesPath, try encode(CodesDocument(knowledgeBase: kb, generator: generator))),
            ("\(root)/schema/entries.schema.json", try encode(APISchemas.entries)),
            ("\(root)/schema/entry.schema.json", try encode(APISchemas.entry)),
            ("\(root)/schema/codes.schema.json", try encode(APISchemas.codes)),
        ]
        for record in document.entries {
            files.append((entryPath(record.id), try encode(record)))
        }
        return files.sorted { $0.path < $1.path }
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
