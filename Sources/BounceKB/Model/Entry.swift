/// One bounce cause: a single file `content/<category>/<id>.md`.
///
/// This is also the shape of an entry in the JSON API (`public/api/v1/entries.json`),
/// so every stored property is part of a public contract: add fields, never rename them.
public struct Entry: Codable, Equatable, Hashable, Sendable, Identifiable {
    /// The file name without `.md`: kebab-case and unique across all categories.
    public var id: String
    /// The id of the category folder the entry lives in.
    public var category: String
    public var title: String
    /// The RFC 5321 reply code the cause is usually reported with, e.g. 550.
    public var reply: Int
    /// The RFC 3463 enhanced status code, e.g. "5.7.26", when the cause has a typical one.
    public var status: String?
    /// A reason id from the taxonomy (`Reason.all`).
    public var reason: String
    /// Whether retrying can help; the reason's default unless the entry overrides it.
    public var permanence: Permanence
    /// What the sender should do; the reason's default unless the entry overrides it.
    public var action: Action
    /// One plain-text line.
    public var summary: String
    /// Phrases that really appear in bounce text for this cause. `{email}`, `{domain}`,
    /// `{ip}`, `{host}` and `{n}` stand for variable parts.
    public var match: [String]
    /// Mail providers or servers known to send this bounce, e.g. "Gmail", "Postfix".
    public var providers: [String]
    /// Ids of entries a reader should compare this one with.
    public var related: [String]
    public var references: [Reference]
    /// The `## Details` section as Markdown.
    public var details: String
    /// The `## Resolution` section as Markdown.
    public var resolution: String

    public init(
        id: String, category: String, title: String, reply: Int, status: String? = nil,
        reason: String, permanence: Permanence, action: Action, summary: String,
        match: [String] = [], providers: [String] = [], related: [String] = [],
        references: [Reference] = [], details: String, resolution: String
    ) {
        self.id = id
        self.category = category
        self.title = title
        self.reply = reply
        self.status = status
        self.reason = reason
        self.permanence = permanence
        self.action = action
        self.summary = summary
        self.match = match
        self.providers = providers
        self.related = related
        self.references = references
        self.details = details
        self.resolution = resolution
    }
}

/// A link to further reading about a cause.
public struct Reference: Codable, Equatable, Hashable, Sendable {
    public var title: String
    public var url: String

    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}
