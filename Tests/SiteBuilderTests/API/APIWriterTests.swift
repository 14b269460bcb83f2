import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

@Suite struct APIWriterTests {
    // MARK: Files and paths

    @Test func writesEveryFileSortedByPath() throws {
        let written = try APIWriter.files(for: APISample.knowledgeBase(), generator: APISample.generator)
        let paths = written.map(\.path)
        #expect(paths == paths.sorted())
        #expect(Set(paths) == [
            "api/v1/entries.json", "api/v1/codes.json",
            "api/v1/schema/entries.schema.json", "api/v1/schema/entry.schema.json", "api/v1/schema/codes.schema.json",
            "api/v1/entries/mailbox-unknown.json", "api/v1/entries/mailbox-full.json",
            "api/v1/entries/account-suspended.json", "api/v1/entries/dmarc-reject.json",
            "api/v1/entries/banned-ip.json",
        ])
        for file in written {
            #expect(String(data: file.contents, encoding: .utf8) != nil, "\(file.path) is valid UTF-8")
            #expect(file.contents.last == 0x0A, "\(file.path) ends with a newline")
        }
    }

    @Test func refusesIDsThatAreNotSafeFileNames() {
        var kb = APISample.knowledgeBase()
        kb.entries[0].id = "../escape"
        #expect(throws: APIWriter.Failure.unsafeEntryID("../escape")) {
            try APIWriter.files(for: kb, generator: APISample.generator)
        }
    }

    // MARK: entries.json

    @Test func entriesDocumentShape() throws {
        let root = try APISample.object(try APISample.files()["api/v1/entries.json"])
        #expect(Set(root.keys) == ["schema_version", "generator", "site", "categories", "reasons", "entries"])
        #expect(root["schema_version"] as? String == "1.0")
        #expect(root["generator"] as? String == APISample.generator)
        let site = try #require(root["site"] as? [String: Any])
        #expect(Set(site.keys) == ["title", "description", "base_url", "language"])
        #expect((root["reasons"] as? [Any])?.count == Reason.all.count)

        let categories = try #require(root["categories"] as? [[String: Any]])
        #expect(categories.map { $0["id"] as? String } == ["sender", "recipient", "authentication"])
        #expect(Set(categories[0].keys) == ["id", "title", "order", "summary", "description", "url", "absolute_url"])
        #expect(categories[0]["url"] as? String == "sender/")

        let entries = try #require(root["entries"] as? [[String: Any]])
        // Category order, then id.
        #expect(entries.map { $0["id"] as? String } == [
            "account-suspended", "mailbox-full", "mailbox-unknown", "banned-ip", "dmarc-reject",
        ])
        let entry = try #require(entries.first { $0["id"] as? String == "mailbox-unknown" })
        #expect(Set(entry.keys) == [
            "id", "url", "absolute_url", "title", "category", "reply", "status", "reason", "permanence", "action",
            "summary", "match", "providers", "related", "references", "details", "resolution",
        ])
        #expect(entry["url"] as? String == "recipient/mailbox-unknown/")
        #expect(entry["absolute_url"] is NSNull, "no absolute URL for a relative base_url")
        #expect(entry["reply"] as? Int == 550)
        #expect(entry["status"] as? String == "5.1.1")
        #expect(entry["permanence"] as? String == "permanent")
        #expect(entry["action"] as? String == "suppress-address")
        #expect(entry["match"] as? [String] == ["user unknown", "no such user {email}"])
        let references = try #require(entry["references"] as? [[String: String]])
        #expect(references == [["title": "RFC 3463", "url": "https://www.rfc-editor.org/rfc/rfc3463"]])

        let noStatus = try #require(entries.first { $0["id"] as? String == "account-suspended" })
        #expect(noStatus["status"] is NSNull)
        #expect(noStatus["match"] as? [String] == [])
    }

    @Test func markdownFieldsCarryThreeRenderingsAndNoRawHTML() throws {
        let root = try APISample.object(try APISample.files()["api/v1/entries.json"])
        let entries = try #require(root["entries"] as? [[String: Any]])
        let entry = try #require(entries.first { $0["id"] as? String == "mailbox-unknown" })
        let details = try #require(entry["details"] as? [String: String])
        #expect(Set(details.keys) == ["markdown", "html", "text"])
        #expect(details["markdown"]?.contains("<script>") == true, "the source is kept as written")
        let html = try #require(details["html"])
        #expect(html.contains("<em>no</em>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("javascript:"))
        let text = try #require(details["text"])
        #expect(text.contains("The server said no."))
        for entry in entries {
            for field in ["details", "resolution"] {
                let rendered = try #require((entry[field] as? [String: String])?["text"])
                #expect(!rendered.contains("<script") && !rendered.contains("<b>") && !rendered.contains("</"),
                        "\(entry["id"] ?? "") \(field).text holds no HTML")
            }
        }
        let resolution = try #require(entry["resolution"] as? [String: String])
        #expect(resolution["html"]?.contains("<ol>") == true)
        #expect(resolution["text"] == "1. Check the address.\n2. Stop mailing it.")
    }

    @Test func absoluteURLsWhenBaseURLIsAbsolute() throws {
        let kb = APISample.knowledgeBase(baseURL: "https://bounces.example.org/help")
        let files = try APISample.files(kb)
        let root = try APISample.object(files["api/v1/entries.json"])
        let entry = try #require((root["entries"] as? [[String: Any]])?.first)
        #expect(entry["url"] as? String == "sender/account-suspended/")
        #expect(entry["absolute_url"] as? String == "https://bounces.example.org/help/sender/account-suspended/")
        let category = try #require((root["categories"] as? [[String: Any]])?.first)
        #expect(category["absolute_url"] as? String == "https://bounces.example.org/help/sender/")
        let codes = try APISample.object(files["api/v1/codes.json"])
        let reply = try #require((codes["reply_codes"] as? [[String: Any]])?.first { $0["code"] as? Int == 550 })
        #expect(reply["absolute_url"] as? String == "https://bounces.example.org/help/codes/550/")
    }

    @Test func perEntryFilesHoldTheSameObjects() throws {
        let files = try APISample.files()
        let root = try APISample.object(files["api/v1/entries.json"])
        let entries = try #require(root["entries"] as? [[String: Any]])
        #expect(entries.count == 5)
        for entry in entries {
            let id = try #require(entry["id"] as? String)
            let single = try APISample.object(files["api/v1/entries/\(id).json"])
            #expect(NSDictionary(dictionary: single).isEqual(to: entry), "entries/\(id).json matches entries.json")
        }
    }

    // MARK: Determinism

    @Test func outputIsByteIdentical() throws {
        let first = try APIWriter.files(for: APISample.knowledgeBase(), generator: APISample.generator)
        let second = try APIWriter.files(for: APISample.knowledgeBase(), generator: APISample.generator)
        #expect(first.map(\.path) == second.map(\.path))
        #expect(first.map(\.contents) == second.map(\.contents))

        // The order entries were loaded in does not matter either.
        let kb = APISample.knowledgeBase()
        let shuffled = KnowledgeBase(site: kb.site, categories: kb.categories.reversed(), entries: kb.entries.reversed())
        let third = try APIWriter.files(for: shuffled, generator: APISample.generator)
        #expect(first.map(\.contents) == third.map(\.contents))
    }

    @Test func keysAreSortedAndSlashesUnescaped() throws {
        let text = String(decoding: try #require(try APISample.files()["api/v1/entries.json"]), as: UTF8.self)
        #expect(text.contains("https://www.rfc-editor.org/rfc/rfc3463"))
        #expect(!text.contains("\\/"))
        #expect(text.hasPrefix("{\n  \"categories\""))
        #expect(text.contains("café ✓"), "non-ASCII text is written as UTF-8, not escaped")
    }

    // MARK: Round trip and versioning

    @Test(arguments: ["/", "/help/", "https://bounces.example.org/"])
    func entriesRoundTripToAnEqualKnowledgeBase(baseURL: String) throws {
        let kb = APISample.knowledgeBase(baseURL: baseURL)
        let data = try #require(try APISample.files(kb)["api/v1/entries.json"])
        let decoded = try APIDocument.knowledgeBase(from: data)
        #expect(decoded == kb)
        #expect(try APIDocument.decode(from: data) == APIDocument(knowledgeBase: kb, generator: APISample.generator))
    }

    @Test func singleEntryFilesDecodeToTheirEntries() throws {
        let kb = APISample.knowledgeBase()
        let files = try APISample.files(kb)
        for entry in kb.entries {
            let data = try #require(files["api/v1/entries/\(entry.id).json"])
            #expect(try JSONDecoder().decode(APIDocument.EntryRecord.self, from: data).entry == entry)
        }
    }

    @Test func newerMinorVersionsWithExtraFieldsStillDecode() throws {
        var root = try APISample.object(try APISample.files()["api/v1/entries.json"])
        root["schema_version"] = "1.4"
        root["added_later"] = ["anything": true]
        var entries = try #require(root["entries"] as? [[String: Any]])
        entries[0]["new_field"] = 42
        root["entries"] = entries
        let data = try JSONSerialization.data(withJSONObject: root)
        #expect(try APIDocument.knowledgeBase(from: data) == APISample.knowledgeBase())
    }

    @Test func refusesOtherMajorVersionsClearly() throws {
        var root = try APISample.object(try APISample.files()["api/v1/entries.json"])
        root["schema_version"] = "2.0"
        let error = #expect(throws: APIDocumentError.self) {
            try APIDocument.decode(from: try JSONSerialization.data(withJSONObject: root))
        }
        #expect(error == .unsupportedSchemaVersion(found: "2.0", supportedMajor: 1))
        #expect(error?.description.contains("reads only version 1.x") == true)

        root["schema_version"] = "one"
        #expect(throws: APIDocumentError.malformedSchemaVersion("one")) {
            try APIDocument.decode(from: try JSONSerialization.data(withJSONObject: root))
        }
        root.removeValue(forKey: "schema_version")
        #expect(throws: APIDocumentError.missingSchemaVersion) {
            try APIDocument.decode(from: try JSONSerialization.data(withJSONObject: root))
        }
        #expect(throws: APIDocumentError.self) {
            try APIDocument.decode(from: Data("[1, 2]".utf8))
        }
    }

    // MARK: codes.json

    @Test func codesDocumentCoversTheRegistryAndLinksEntries() throws {
        let root = try APISample.object(try APISample.files()["api/v1/codes.json"])
        #expect(Set(root.keys) == [
            "schema_version", "generator", "classes", "subjects", "reply_codes", "enhanced_codes", "unregistered_statuses",
        ])
        let replies = try #require(root["reply_codes"] as? [[String: Any]])
        #expect(replies.map { $0["code"] as? Int } == CodeRegistry.replyCodes.map(\.code))
        let r550 = try #require(replies.first { $0["code"] as? Int == 550 })
        #expect(r550["entries"] as? [String] == ["mailbox-unknown", "banned-ip", "dmarc-reject"])
        #expect(r550["url"] as? String == "codes/550/")
        #expect(r550["permanence"] as? String == "permanent")
        #expect(r550["implied_reason"] is NSNull)
        #expect(r550["rfcs"] as? [String] == ["RFC5321"])

        let enhanced = try #require(root["enhanced_codes"] as? [[String: Any]])
        #expect(enhanced.count == 81)
        let x726 = try #require(enhanced.first { $0["pattern"] as? String == "X.7.26" })
        #expect(x726["url"] as? String == "codes/x.7.26/")
        #expect(x726["entries"] as? [String] == ["dmarc-reject"])
        #expect(x726["implied_reason"] as? String == "sender-auth-failed")
        let variants = try #require(x726["variants"] as? [[String: Any]])
        #expect(variants.map { $0["code"] as? String } == ["2.7.26", "4.7.26", "5.7.26"])
        #expect(variants.map { $0["permanence"] as? String } == ["none", "transient", "permanent"])
        #expect(variants.map { $0["entries"] as? [String] } == [[], [], ["dmarc-reject"]])
        #expect(variants.first?["implied_reason"] as? String == "not-a-failure")

        let x610 = try #require(enhanced.first { $0["pattern"] as? String == "X.6.10" })
        #expect(x610["deprecated"] as? Bool == true)
        #expect(x610["replaced_by"] as? String == "X.6.8")

        let unregistered = try #require(root["unregistered_statuses"] as? [[String: Any]])
        #expect(unregistered.map { $0["code"] as? String } == ["5.7.606"])
        #expect(unregistered.first?["entries"] as? [String] == ["banned-ip"])

        #expect((root["classes"] as? [[String: Any]])?.map { $0["digit"] as? Int } == [2, 3, 4, 5])
        #expect((root["subjects"] as? [Any])?.count == 8)
    }

    // MARK: Schemas

    @Test func everyFileValidatesAgainstItsSchema() throws {
        for baseURL in ["/", "https://bounces.example.org/"] {
            let folder = try APISample.writeToTemporaryFolder(try APISample.files(APISample.knowledgeBase(baseURL: baseURL)))
            defer { try? FileManager.default.removeItem(at: folder) }
            let api = folder.appendingPathComponent("api/v1")
            let entryFiles = try FileManager.default.contentsOfDirectory(atPath: api.appendingPathComponent("entries").path)
                .sorted()
                .map { (file: api.appendingPathComponent("entries/\($0)"), schema: "entry") }
            #expect(entryFiles.count == 5)
            let pairs = [
                (file: api.appendingPathComponent("entries.json"), schema: "entries"),
                (file: api.appendingPathComponent("codes.json"), schema: "codes"),
            ] + entryFiles
            let outcome = try APISchemaValidator.validate(pairs, schemaFolder: api.appendingPathComponent("schema"))
            #expect(outcome.succeeded, "\(outcome.output)")
            #expect(outcome.output.contains("checked 7 files against 3 schemas"), "\(outcome.output)")
        }
    }

    @Test func schemaValidationCatchesBrokenFiles() throws {
        var files = try APISample.files()
        var root = try APISample.object(files["api/v1/entries.json"])
        var entries = try #require(root["entries"] as? [[String: Any]])
        entries[0].removeValue(forKey: "summary")
        entries[1]["reply"] = 99
        entries[2]["undeclared"] = "x"
        root["entries"] = entries
        files["api/v1/entries.json"] = try JSONSerialization.data(withJSONObject: root)
        let folder = try APISample.writeToTemporaryFolder(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        let api = folder.appendingPathComponent("api/v1")
        let outcome = try APISchemaValidator.validate(
            [(file: api.appendingPathComponent("entries.json"), schema: "entries")],
            schemaFolder: api.appendingPathComponent("schema")
        )
        #expect(!outcome.succeeded)
        #expect(outcome.output.contains("'summary' is a required property"), "\(outcome.output)")
        #expect(outcome.output.contains("99 is less than the minimum"), "\(outcome.output)")
        #expect(outcome.output.contains("[strict entries schema] at /entries/2"), "\(outcome.output)")
    }
}
