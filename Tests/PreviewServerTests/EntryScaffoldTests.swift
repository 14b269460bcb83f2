import BounceKB
import Foundation
import SiteBuilder
import Testing
@testable import PreviewServer

/// `bouncekb new`: the file it writes loads without errors and builds, and bad input is refused.
struct EntryScaffoldTests {
    @Test func writesAnEntryThatLoadsWithWarningsOnly() throws {
        let fixture = try SiteFixture()
        let scaffold = try EntryScaffold(path: "mailbox/example-quota-full", reply: 452, status: "4.2.2", reason: "mailbox-full", title: "Example's quota is full")
        let file = try scaffold.write(into: fixture.content)
        #expect(file.lastPathComponent == "example-quota-full.md")

        let result = ContentLoader(contentDirectory: fixture.content, displayRoot: fixture.root).load()
        let own = result.diagnostics.filter { $0.file == "content/mailbox/example-quota-full.md" }
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        // The placeholders are what is left to write, and check says so.
        #expect(own.count >= 3, "\(own)")
        #expect(own.allSatisfy { $0.severity == .warning })
        #expect(own.contains { $0.message.contains("summary") })
        #expect(own.contains { $0.message.contains("match") })
        #expect(own.contains { $0.message.contains("Details") })
        #expect(own.contains { $0.message.contains("Resolution") })

        let entry = try #require(result.knowledgeBase.entry("example-quota-full"))
        #expect(entry.title == "Example's quota is full")
        #expect(entry.reply == 452)
        #expect(entry.status == "4.2.2")
        #expect(entry.reason == "mailbox-full")
        #expect(entry.permanence == .transient)
        #expect(!entry.details.isEmpty && !entry.resolution.isEmpty)

        // And the site builds with it.
        let outcome = PreviewBuilder(contentDirectory: fixture.content, templatesDirectory: fixture.templates, displayRoot: fixture.root).build()
        guard case .built(let site, _) = outcome else {
            Issue.record("build failed: \(outcome)")
            return
        }
        #expect(site.contains("mailbox/example-quota-full/index.html"))
    }

    @Test func refusesToOverwrite() throws {
        let fixture = try SiteFixture()
        let existing = try EntryScaffold(path: "mailbox/sample-mailbox-full", reply: 552, status: nil, reason: "mailbox-full", title: nil)
        let before = try Data(contentsOf: fixture.content.appendingPathComponent("mailbox/sample-mailbox-full.md"))
        #expect(throws: ScaffoldError.self) { try existing.write(into: fixture.content) }
        #expect(try Data(contentsOf: fixture.content.appendingPathComponent("mailbox/sample-mailbox-full.md")) == before)

        // The same id in another category is refused too: ids are unique across categories.
        try fixture.write("content/sender/_index.md", "---\ntitle: Sender\norder: 2\nsummary: Problems with the sending account and its address.\n---\n\nSender things.\n")
        let elsewhere = try EntryScaffold(path: "sender/sample-mailbox-full", reply: 550, status: nil, reason: "mailbox-full", title: nil)
        do {
            try elsewhere.write(into: fixture.content)
            Issue.record("wrote a duplicate id")
        } catch {
            guard case .exists(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("mailbox/sample-mailbox-full.md"))
        }
    }

    @Test func refusesUnknownCategory() throws {
        let fixture = try SiteFixture()
        let scaffold = try EntryScaffold(path: "nowhere/some-entry", reply: 550, status: nil, reason: "mailbox-not-found", title: nil)
        do {
            try scaffold.write(into: fixture.content)
            Issue.record("wrote into a missing category")
        } catch {
            guard case .invalid(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("categories: mailbox"))
        }
    }

    @Test(arguments: [
        ("mailbox", 550, nil, "mailbox-full"),                       // no id
        ("mailbox/Bad_Id", 550, nil, "mailbox-full"),               // not kebab-case
        ("mailbox/a/b", 550, nil, "mailbox-full"),                  // too many parts
        ("mailbox/ok-id", 599, nil, "mailbox-full"),                // unknown reply
        ("mailbox/ok-id", 550, "5.1", "mailbox-full"),              // malformed status
        ("mailbox/ok-id", 450, "5.2.2", "mailbox-full"),            // class mismatch
        ("mailbox/ok-id", 550, nil, "mailbox-unknown"),             // unknown reason
    ] as [(String, Int, String?, String)])
    func refusesInvalidArguments(path: String, reply: Int, status: String?, reason: String) {
        #expect(throws: ScaffoldError.self) {
            _ = try EntryScaffold(path: path, reply: reply, status: status, reason: reason, title: nil)
        }
    }

    @Test func defaultTitleAndQuoting() throws {
        let scaffold = try EntryScaffold(path: "mailbox/gmail-quota-exceeded.md", reply: 552, status: nil, reason: "mailbox-full", title: nil)
        #expect(scaffold.title == "Gmail quota exceeded")
        #expect(scaffold.text.contains("title: 'Gmail quota exceeded'"))
        #expect(!scaffold.text.contains("status:"))
        #expect(EntryScaffold.yamlQuoted("It's") == "'It''s'")
    }
}
