import Foundation
import Markdown
import Testing
@testable import BounceKB

/// The section checks a build runs on its own parse (`SectionLint`) must add up, with the rest
/// of a deferring load, to exactly what a plain load (`bouncekb check`) reports.
@Suite("Section lint")
struct SectionLintTests {
    /// Every diagnostic case and the whole fixture set of mistakes, plus the repository's content.
    static let cases: [(fixture: String, overlay: String?)] = {
        let overlays = (try? FileManager.default.contentsOfDirectory(atPath: ContentSandbox.fixtures.appendingPathComponent("content-cases").path)) ?? []
        return [("content-good", nil), ("content-all-mistakes", nil)] + overlays.sorted().map { ("content-good", $0) }
    }()

    @Test func aDeferringLoadPlusTheSectionLintIsAPlainLoad() throws {
        #expect(Self.cases.count > 40)
        var deferredSomewhere = false
        for (fixture, overlay) in Self.cases {
            let sandbox = try ContentSandbox(fixture: fixture, overlay: overlay)
            defer { sandbox.remove() }
            let plain = sandbox.load()
            var loader = ContentLoader(contentDirectory: sandbox.content, displayRoot: sandbox.root)
            loader.defersSectionLint = true
            let deferring = loader.load()
            let name = overlay ?? fixture
            #expect(deferring.knowledgeBase == plain.knowledgeBase, "\(name)")
            if plain.diagnostics.hasErrors {
                // A build stops at the validate step: nothing is left for later.
                #expect(deferring.sectionLint == nil, "\(name)")
                #expect(deferring.diagnostics == plain.diagnostics, "\(name)")
            } else {
                let sectionLint = try #require(deferring.sectionLint, "\(name)")
                let later = sectionLint.allWarnings(deferring.knowledgeBase)
                #expect((deferring.diagnostics + later).sorted() == plain.diagnostics, "\(name)")
                // Entry by entry, from text parsed apart from the lint (every section, empty ones
                // too, as the site's renderer parses them), the same.
                let byEntry = deferring.knowledgeBase.entries.enumerated().flatMap { position, entry in
                    sectionLint.warnings(forEntryAt: position, entry, text: SectionLint.Text(
                        details: MarkdownTextFixture.plainText(entry.details),
                        resolution: MarkdownTextFixture.plainText(entry.resolution),
                        resolutionListItems: MarkdownTextFixture.listItems(entry.resolution)))
                }
                #expect(byEntry == later, "\(name)")
                if !later.isEmpty {
                    deferredSomewhere = true
                    #expect(!deferring.diagnostics.contains { later.contains($0) }, "\(name): a deferred warning was also reported by the load")
                }
            }
        }
        #expect(deferredSomewhere)
    }

    @Test func theRepositoryContentGivesTheSameWarningsEitherWay() {
        let content = repositoryRoot.appendingPathComponent("content")
        let plain = ContentLoader(contentDirectory: content, displayRoot: repositoryRoot).load()
        var loader = ContentLoader(contentDirectory: content, displayRoot: repositoryRoot)
        loader.defersSectionLint = true
        let deferring = loader.load()
        #expect(!plain.diagnostics.hasErrors)
        let later = deferring.sectionLint?.allWarnings(deferring.knowledgeBase) ?? [Diagnostic.e("-", 0, 0, "no section lint")]
        #expect((deferring.diagnostics + later).sorted() == plain.diagnostics)
    }

    @Test func warningsPointAtTheSectionHeadingOrTheFileWhenTheSourceIsUnknown() {
        let entry = Entry(id: "short-one", category: "recipient", title: "Short", reply: 550, status: "5.1.1", reason: "mailbox-not-found",
                          permanence: .permanent, action: .suppressAddress, summary: "A summary long enough to pass the summary length check.", match: ["short one phrase"],
                          details: "Too short.", resolution: "It is gone.")
        let kb = KnowledgeBase(site: Site(title: "t", description: "d"), categories: [], entries: [entry])
        var source = EntrySource(file: "content/recipient/short-one.md")
        source.detailsHeading = SourceLocation(line: 12, column: 1)
        source.resolutionHeading = SourceLocation(line: 16, column: 1)
        let withSource = SectionLint(kb, sources: ["short-one": source]).allWarnings(kb)
        #expect(withSource.map { "\($0.line):\($0.column) \($0.message.prefix(while: { $0 != ";" }))" } == [
            "12:1 Details has only 2 words",
            "16:1 Resolution has only 3 words",
            "16:1 Resolution has no actionable step",
        ])
        let withoutSource = SectionLint(kb, sources: [:]).allWarnings(kb)
        #expect(withoutSource.map(\.file) == Array(repeating: "content/recipient/short-one.md", count: 3))
        #expect(withoutSource.allSatisfy { $0.line == 0 && $0.column == 0 && $0.severity == .warning })
    }
}

/// Plain text and list items of Markdown, made the way the site's renderer makes them: every
/// section parsed, empty ones too.
private enum MarkdownTextFixture {
    static func plainText(_ markdown: String) -> String {
        MarkdownDocument(markdown).plainText()
    }

    static func listItems(_ markdown: String) -> Int {
        MarkdownDocument(markdown).listItemCount
    }
}
