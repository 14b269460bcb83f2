/// Everything the site, the JSON API and `bounce` are built from.
public struct KnowledgeBase: Codable, Equatable, Sendable {
    public var site: Site
    /// Sorted by `order`, then id.
    public var categories: [Category]
    public var reasons: [Reason]
    /// Sorted by their category's position, then id.
    public var entries: [Entry]

    public init(site: Site, categories: [Category], reasons: [Reason] = Reason.all, entries: [Entry]) {
        self.site = site
        self.categories = categories.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
        self.reasons = reasons
        let position = Dictionary(uniqueKeysWithValues: self.categories.enumerated().map { ($1.id, $0) })
        // Each entry's category position looked up once, not at every comparison (two hashed
        // look-ups each, some 3.4 million of them at 100,000 entries); the input position last,
        // so entries that compare equal keep their order.
        let categoryPosition = entries.map { position[$0.category] ?? Int.max }
        func inOrder(_ a: Int, _ b: Int) -> Bool {
            (categoryPosition[a], entries[a].id, a) < (categoryPosition[b], entries[b].id, b)
        }
        // The loader reads folders and files in name order, which is often this order already.
        if entries.indices.dropFirst().allSatisfy({ inOrder($0 - 1, $0) }) {
            self.entries = entries
        } else {
            self.entries = entries.indices.sorted(by: inOrder).map { entries[$0] }
        }
    }

    /// The entry with `id`, if any.
    public func entry(_ id: String) -> Entry? {
        entries.first { $0.id == id }
    }

    /// The category with `id`, if any.
    public func category(_ id: String) -> Category? {
        categories.first { $0.id == id }
    }

    /// The reason with `id`, if any.
    public func reason(_ id: String) -> Reason? {
        reasons.first { $0.id == id }
    }
}
