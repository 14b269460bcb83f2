import Testing
@testable import BounceKB

/// `KnowledgeBase` keeps its entries by category position, then id, whatever order they come in.
@Suite struct KnowledgeBaseOrderTests {
    static let categories = [
        Category(id: "zeta", title: "Zeta", order: 1, summary: "First by order.", description: ""),
        Category(id: "alpha", title: "Alpha", order: 2, summary: "Second by order.", description: ""),
    ]

    static func entry(_ id: String, _ category: String, title: String = "T") -> Entry {
        Entry(id: id, category: category, title: title, reply: 550, reason: "mailbox-not-found", permanence: .permanent,
              action: .suppressAddress, summary: "S", details: "D", resolution: "R")
    }

    static func order(_ entries: [Entry]) -> [String] {
        KnowledgeBase(site: Site(title: "S", description: "D"), categories: categories, entries: entries).entries.map { "\($0.category)/\($0.id)" }
    }

    @Test func entriesAreSortedByCategoryPositionThenIDFromAnyStartingOrder() {
        let expected = ["zeta/a", "zeta/b", "zeta/c", "alpha/a", "alpha/d", "nowhere/b", "nowhere/e"]
        let entries = [
            Self.entry("a", "zeta"), Self.entry("b", "zeta"), Self.entry("c", "zeta"),
            Self.entry("a", "alpha"), Self.entry("d", "alpha"), Self.entry("b", "nowhere"), Self.entry("e", "nowhere"),
        ]
        // Already in order (the loader's usual case), reversed, and rotated.
        #expect(Self.order(entries) == expected)
        #expect(Self.order(entries.reversed()) == expected)
        #expect(Self.order(Array(entries[3...] + entries[..<3])) == expected)
    }

    @Test func entriesThatCompareEqualKeepTheirOrder() {
        // Two entries with one id in one category (only a knowledge base built in memory can
        // have them): the order they were given in decides, sorted or not.
        let first = Self.entry("same", "alpha", title: "first")
        let second = Self.entry("same", "alpha", title: "second")
        let kb = KnowledgeBase(site: Site(title: "S", description: "D"), categories: Self.categories,
                               entries: [Self.entry("z", "alpha"), first, second, Self.entry("a", "zeta")])
        #expect(kb.entries.map(\.title) == ["T", "first", "second", "T"])
        #expect(kb.entries.map(\.id) == ["a", "same", "same", "z"])
    }
}
