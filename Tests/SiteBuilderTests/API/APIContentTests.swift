import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// The API built from the repository's real `content/`: complete, valid and reversible.
@Suite struct APIContentTests {
    static let contentDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/SiteBuilderTests/API
        .deletingLastPathComponent()  // Tests/SiteBuilderTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("content", isDirectory: true)

    static func load() -> ContentLoadResult {
        ContentLoader(contentDirectory: contentDirectory).load()
    }

    /// Entry files on disk: `content/<category>/<id>.md` except `_index.md`.
    static func entryFileCount() throws -> Int {
        let manager = FileManager.default
        var count = 0
        for category in try manager.contentsOfDirectory(atPath: contentDirectory.path) {
            let folder = contentDirectory.appendingPathComponent(category)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            count += try manager.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".md") && $0 != "_index.md" }.count
        }
        return count
    }

    @Test func realContentRoundTripsAndHasOneFilePerEntry() throws {
        let result = Self.load()
        let kb = result.knowledgeBase
        #expect(!kb.entries.isEmpty)
        let files = try APISample.files(kb)
        let data = try #require(files[APIWriter.entriesPath])
        #expect(try APIDocument.knowledgeBase(from: data) == kb)

        let root = try APISample.object(data)
        let published = try #require(root["entries"] as? [[String: Any]])
        #expect(published.count == kb.entries.count)
        #expect(files.keys.filter { $0.hasPrefix("api/v1/entries/") }.count == kb.entries.count)
        if !result.diagnostics.hasErrors {
            // With clean content every entry file is published (what `jq '.entries | length'` checks).
            #expect(published.count == (try Self.entryFileCount()))
        }
    }

    @Test func codesDocumentIsWrittenAsJSONEncoderWritesIt() throws {
        // The real content has reply codes, enhanced codes with variants and unregistered
        // statuses; with an absolute base URL every record has an `absolute_url`; without
        // entries every id list is empty.
        var absolute = Self.load().knowledgeBase
        absolute.site.baseURL = "https://help.example.com/kb/"
        var empty = APISample.knowledgeBase()
        empty.entries = []
        for kb in [Self.load().knowledgeBase, APISample.knowledgeBase(), absolute, empty] {
            let document = CodesDocument(knowledgeBase: kb, generator: APISample.generator)
            #expect(!document.replyCodes.isEmpty && !document.enhancedCodes.isEmpty)
            let written = APIWriter.codesJSON(for: kb, generator: APISample.generator)
            let encoded = try APIWriter.encode(document)
            let firstDifference = Array(zip(written, encoded)).firstIndex { $0 != $1 } ?? min(written.count, encoded.count)
            #expect(written == encoded, "first difference at byte \(firstDifference)")
        }
        // What the registry never holds: strings to escape, missing values, empty lists.
        var document = CodesDocument(knowledgeBase: APISample.knowledgeBase(), generator: "gen \"quoted\" \\ /slash\u{0}\u{1F}\u{7F}")
        let awkward = "line\nbreak\ttab\r\n\u{8}\u{C} é \u{2028} 📬 e\u{301}"
        document.classes[0].title = awkward
        document.subjects = []
        document.replyCodes[0].rfcs = []
        document.replyCodes[0].classMeaning = nil
        document.replyCodes[0].entries = ["a", awkward]
        document.enhancedCodes[0].variants[0].permanence = nil
        document.enhancedCodes[0].variants = [document.enhancedCodes[0].variants[0]]
        document.enhancedCodes[1].variants = []
        document.enhancedCodes[0].deprecated = true
        document.enhancedCodes[0].replacedBy = awkward
        document.unregisteredStatuses = []
        var written = APIWriter.codesDocumentJSON(document)
        written.append(0x0A)
        #expect(Data(written) == (try APIWriter.encode(document)))
    }

    @Test func realContentValidatesAgainstTheSchemas() throws {
        let files = try APISample.files(Self.load().knowledgeBase)
        let folder = try APISample.writeToTemporaryFolder(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = files.keys.sorted().compactMap { path -> (file: URL, schema: String)? in
            let file = folder.appendingPathComponent(path)
            switch path {
            case APIWriter.entriesPath: return (file, "entries")
            case APIWriter.codesPath: return (file, "codes")
            case _ where path.hasPrefix("api/v1/entries/"): return (file, "entry")
            default: return nil
            }
        }
        let outcome = try APISchemaValidator.validate(pairs, schemaFolder: folder.appendingPathComponent("api/v1/schema"))
        #expect(outcome.succeeded, "\(outcome.output)")
    }
}
