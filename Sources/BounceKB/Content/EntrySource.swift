/// Where an entry came from and where each of its fields is written, so that checks run after
/// loading (validation, lint) can point at the exact line and column of a value.
public struct EntrySource: Equatable, Sendable {
    /// The entry file's path as shown in diagnostics.
    public var file: String
    /// The closing `---` of the front matter: where a missing field would be added.
    public var frontMatterEnd: SourceLocation
    /// The `## Details` heading, when present.
    public var detailsHeading: SourceLocation?
    /// The `## Resolution` heading, when present.
    public var resolutionHeading: SourceLocation?
    /// Where each written field is, in file order. A short list rather than dictionaries: an
    /// entry has a dozen fields, and a site of 100,000 entries keeps all their sources at once.
    private var fields: [Field] = []
    /// Fields whose written value could not be used (the entry got a default instead).
    var rejectedFields: Set<String> = []

    private struct Field: Equatable, Sendable {
        var key: String
        var keyLocation: SourceLocation
        var valueLocation: SourceLocation
        /// Where each list item starts, when the value is a list.
        var items: [SourceLocation]
    }

    public init(file: String, frontMatterEnd: SourceLocation = SourceLocation(line: 1, column: 1)) {
        self.file = file
        self.frontMatterEnd = frontMatterEnd
    }

    /// Whether the file wrote `field` at all (as opposed to the entry inheriting a default).
    public func writes(_ field: String) -> Bool {
        fields.contains { $0.key == field }
    }

    /// Where the value of `field` starts, or where its `item`-th list element starts.
    public func location(of field: String, item: Int? = nil) -> SourceLocation? {
        guard let written = fields.first(where: { $0.key == field }) else { return nil }
        if let item, written.items.indices.contains(item) {
            return written.items[item]
        }
        return written.valueLocation
    }

    /// Where `field`'s value is, falling back to the file's front matter when it is not written.
    func bestLocation(of field: String, item: Int? = nil) -> SourceLocation {
        location(of: field, item: item) ?? frontMatterEnd
    }

    /// Records where `key` and its value (and, for a list, each item) are written; a key
    /// recorded twice keeps the later positions.
    mutating func record(key: String, keyLocation: SourceLocation, valueLocation: SourceLocation, items: [SourceLocation]) {
        let field = Field(key: key, keyLocation: keyLocation, valueLocation: valueLocation, items: items)
        if let index = fields.firstIndex(where: { $0.key == key }) {
            fields[index] = field
        } else {
            fields.append(field)
        }
    }
}
