import Foundation
import Testing
@testable import BounceKB

/// A published file that decodes wrongly must say where: `bounce --data` users fix files by hand.
@Suite struct APIDocumentDecodingTests {
    static func publishedObject() throws -> [String: Any] {
        let entries = ["first", "second"].map { id in
            Entry(id: id, category: "mailbox", title: "Title \(id)", reply: 550, status: "5.1.1",
                  reason: "mailbox-not-found", permanence: .permanent, action: .suppressAddress,
                  summary: "A summary for \(id).", details: "Details.", resolution: "Resolution.")
        }
        let kb = KnowledgeBase(site: Site(title: "T", description: "D"),
                               categories: [Category(id: "mailbox", title: "Mailbox", order: 1, summary: "S", description: "D")],
                               entries: entries)
        let data = try JSONEncoder().encode(APIDocument(knowledgeBase: kb, generator: "tests"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func decodingError(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try APIDocument.decode(from: data)
        } catch {
            return String(describing: error)
        }
        Issue.record("the document decoded")
        return ""
    }

    @Test func aWronglyTypedFieldIsNamedWithItsEntry() throws {
        var root = try Self.publishedObject()
        var entries = try #require(root["entries"] as? [[String: Any]])
        entries[1]["reply"] = "550"
        root["entries"] = entries
        let message = try Self.decodingError(root)
        #expect(message.hasPrefix("not a BounceKB API file"))
        #expect(message.contains("at entries[1].reply:"), "\(message)")
    }

    @Test func aMissingKeyIsNamed() throws {
        var root = try Self.publishedObject()
        var entries = try #require(root["entries"] as? [[String: Any]])
        entries[0].removeValue(forKey: "title")
        root["entries"] = entries
        let message = try Self.decodingError(root)
        #expect(message.contains("at entries[0]"), "\(message)")
        #expect(message.contains("\"title\" is missing"), "\(message)")
    }

    @Test func invalidJSONSaysSo() throws {
        do {
            _ = try APIDocument.decode(from: Data("{\"schema_version\": ".utf8))
            Issue.record("the document decoded")
        } catch {
            #expect(String(describing: error).contains("not valid JSON"), "\(error)")
        }
    }
}
