import Foundation
import Testing
@testable import BounceKB

@Suite("Embedded knowledge base")
struct EmbeddedKnowledgeBaseTests {
    static let embeddedFile = MatchingFixtures.repositoryRoot.appendingPathComponent("Sources/bounce/EmbeddedKnowledgeBase.swift")

    @Test("The copy carried by bounce equals a fresh load of content/")
    func embeddedCopyIsCurrent() throws {
        let source = try String(contentsOf: Self.embeddedFile, encoding: .utf8)
        let literals = KnowledgeBaseArchive.literals(inSwiftSource: source)
        try #require(literals.count == 2, "Sources/bounce/EmbeddedKnowledgeBase.swift is not a generated file")
        let embedded = try KnowledgeBaseArchive.decode(literals[0])
        let fresh = MatchingFixtures.knowledgeBase
        let freshByID = Dictionary(fresh.entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let embeddedIDs = Set(embedded.entries.map(\.id))
        let added = fresh.entries.map(\.id).filter { !embeddedIDs.contains($0) }
        let removed = embedded.entries.map(\.id).filter { freshByID[$0] == nil }
        let changed = embedded.entries.filter { entry in freshByID[entry.id].map { $0 != entry } ?? false }.map(\.id)
        let advice = "run `\(KnowledgeBaseArchive.regenerateCommand)`"
        #expect(added.isEmpty, "entries missing from the embedded copy (\(advice)): \(added.prefix(20))")
        #expect(removed.isEmpty, "entries no longer in content/ (\(advice)): \(removed.prefix(20))")
        #expect(changed.isEmpty, "entries changed since embedding (\(advice)): \(changed.prefix(20))")
        #expect(embedded.site == fresh.site && embedded.categories == fresh.categories && embedded.reasons == fresh.reasons, "site, categories or reasons changed (\(advice))")
        // The whole file, index included, is exactly what the generator writes today.
        let current = source == KnowledgeBaseArchive.swiftSource(for: fresh)
        #expect(current, "Sources/bounce/EmbeddedKnowledgeBase.swift is stale: \(advice)")
        #expect(try MatchIndex.decodeCompact(literals[1]) == MatchIndex(knowledgeBase: embedded))
    }

    @Test func archiveRoundTrip() throws {
        for knowledgeBase in [SyntheticKnowledgeBase.knowledgeBase, MatchingFixtures.knowledgeBase] {
            let text = KnowledgeBaseArchive.encode(knowledgeBase)
            #expect(try KnowledgeBaseArchive.decode(text) == knowledgeBase)
            #expect(KnowledgeBaseArchive.encode(try KnowledgeBaseArchive.decode(text)) == text)
        }
    }

    @Test func awkwardCharactersSurvive() throws {
        var entry = SyntheticKnowledgeBase.entry("odd", reply: 550, reason: "unclassified", match: ["tab\there", "quote \"\"\"# and \\ backslash"])
        entry.details = "Line one\r\nline two\n\n## Not a heading #1 \"\"\"#"
        entry.references = [Reference(title: "A\tB", url: "https://example.com/?a=1#frag")]
        let knowledgeBase = KnowledgeBase(site: Site(title: "T#", description: "D\"", baseURL: "https://x.example/help/"), categories: SyntheticKnowledgeBase.knowledgeBase.categories, entries: [entry])
        let text = KnowledgeBaseArchive.encode(knowledgeBase)
        #expect(!text.contains("\"") && !text.contains("#") && !text.contains("\r"))
        #expect(try KnowledgeBaseArchive.decode(text) == knowledgeBase)
        let source = KnowledgeBaseArchive.swiftSource(for: knowledgeBase)
        #expect(try KnowledgeBaseArchive.decode(KnowledgeBaseArchive.literals(inSwiftSource: source)[0]) == knowledgeBase)
    }

    @Test func readingWithoutBodiesThenOneEntryWhole() throws {
        let knowledgeBase = MatchingFixtures.knowledgeBase
        let text = KnowledgeBaseArchive.encode(knowledgeBase)
        let light = try KnowledgeBaseArchive.decode(text, bodies: false)
        #expect(light.entries.map(\.id) == knowledgeBase.entries.map(\.id))
        #expect(light.entries.allSatisfy { $0.details.isEmpty && $0.resolution.isEmpty && $0.references.isEmpty && $0.match.isEmpty })
        #expect(light.entries.map(\.summary) == knowledgeBase.entries.map(\.summary))
        #expect(light.site == knowledgeBase.site && light.categories == knowledgeBase.categories)
        for entry in knowledgeBase.entries.prefix(40) {
            #expect(try KnowledgeBaseArchive.entry(entry.id, in: text) == entry)
        }
        #expect(try KnowledgeBaseArchive.entry("no-such-entry", in: text) == nil)
    }

    @Test func damagedArchivesAreErrors() {
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try KnowledgeBaseArchive.decode("") }
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try KnowledgeBaseArchive.decode("something else\t2\n") }
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try KnowledgeBaseArchive.decode("bouncekb-archive\t1\nsite\tT\tD\t/\ten\n") }
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try KnowledgeBaseArchive.decode("bouncekb-archive\t2\nsite\tT\tD\t/\ten\nentry\ttoo\tfew\n") }
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try KnowledgeBaseArchive.decode("bouncekb-archive\t2\nsite\tT\tD\t/\ten\nbodies\nbody\tghost\tx\ty\n") }
        #expect(throws: KnowledgeBaseArchive.FormatError.self) { try MatchIndex.decodeCompact("match-index\t1\nphrase\t9\tx\tx\t1\n") }
    }
}
