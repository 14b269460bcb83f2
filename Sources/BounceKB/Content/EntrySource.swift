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
    var fieldKeys: [String: SourceLocation] = [:]
    var fieldValues: [String: SourceLocation] = [:]
    var listItems: [String: [SourceLocation]] = [:]
    /// Fields whose written value could not be used (the entry got a default instead).
    var rejectedFields: Set<String> = []

    public init(file: String, frontMatterEnd: SourceLocation = SourceLocation(line: 1, column: 1)) {
        self.file = file
        self.frontMatterEnd = frontMatterEnd
    }

    /// Whether the file wrote `field` at all (as opposed to the entry inheriting a default).
    public func writes(_ field: String) -> Bool {
        fieldKeys[field] != nil
    }

    /// Where the value of `field` starts, or where its `item`-th list element starts.
    public func location(of field: String, item: Int? = nil) -> SourceLocation? {
        if let item, let items = listItems[field], items.indices.contains(item) {
            return items[item]
        }
        return fieldValues[field]
    }

    /// Where `field`'s value is, falling back to the file's front matter when it is not written.
    func bestLocation(of field: String, item: Int? = nil) -> SourceLocation {
        location(of: field, item: item) ?? fieldKeys[field] ?? frontMatterEnd
    }
}
