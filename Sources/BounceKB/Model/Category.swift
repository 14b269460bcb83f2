/// A group of entries: the folder `content/<id>/` with its `_index.md`.
public struct Category: Codable, Equatable, Hashable, Sendable, Identifiable {
    /// The folder name.
    public var id: String
    public var title: String
    /// Sort key for listings; lower comes first, ties broken by id.
    public var order: Int
    /// One plain-text line.
    public var summary: String
    /// The body of `_index.md` as Markdown.
    public var description: String

    public init(id: String, title: String, order: Int, summary: String, description: String) {
        self.id = id
        self.title = title
        self.order = order
        self.summary = summary
        self.description = description
    }
}

/// Site-wide settings from `content/site.yml`.
public struct Site: Codable, Equatable, Hashable, Sendable {
    public var title: String
    public var description: String
    /// Where the site is published: `/`, a sub-path such as `/help/`, or an absolute URL.
    public var baseURL: String
    /// A BCP 47 language tag, e.g. "en".
    public var language: String

    public init(title: String, description: String, baseURL: String = "/", language: String = "en") {
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.language = language
    }

    /// The base URL when it is absolute (`http://` or `https://`), with a trailing slash.
    public var absoluteBaseURL: String? {
        let lower = baseURL.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        return baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
    }

    enum CodingKeys: String, CodingKey {
        case title, description, language
        case baseURL = "base_url"
    }
}
