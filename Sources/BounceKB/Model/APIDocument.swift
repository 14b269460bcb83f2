import Foundation
import Markdown

/// The published JSON API file `api/v1/entries.json`: the whole knowledge base, with each
/// Markdown field also rendered to HTML and plain text.
///
/// This type is the single definition of that format: the site builder encodes it and
/// `bounce --data FILE` decodes it, so a file written by one version can be read back into an equal
/// `KnowledgeBase` (`APIDocument.decode(from:)` then `knowledgeBase()`). Keys are snake_case and every
/// key is always present (`null` when empty). Within major version 1 fields are only ever added;
/// a file with a newer major version is refused with `APIDocumentError.unsupportedSchemaVersion`.
public struct APIDocument: Codable, Equatable, Sendable {
    /// The format version written by this library: "major.minor". Minor versions only add fields.
    public static let currentSchemaVersion = "1.0"
    /// The major version this library can read.
    public static let supportedMajorVersion = 1

    /// "major.minor", e.g. "1.0".
    public var schemaVersion: String
    /// The program and version that wrote the file, e.g. "bouncekb 1.0.0".
    public var generator: String
    public var site: Site
    /// Sorted by `order`, then id.
    public var categories: [CategoryRecord]
    public var reasons: [Reason]
    /// Sorted by their category's position, then id.
    public var entries: [EntryRecord]

    /// The document for `knowledgeBase`, rendering every Markdown field.
    public init(knowledgeBase: KnowledgeBase, generator: String) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generator = generator
        self.site = knowledgeBase.site
        self.categories = knowledgeBase.categories.map { CategoryRecord($0, site: knowledgeBase.site) }
        self.reasons = knowledgeBase.reasons
        self.entries = knowledgeBase.entries.map { EntryRecord($0, site: knowledgeBase.site) }
    }

    /// The knowledge base the document describes. The rendered `html` and `text` and the URLs are
    /// derived data and are ignored; the Markdown sources are what count.
    public func knowledgeBase() -> KnowledgeBase {
        KnowledgeBase(
            site: site,
            categories: categories.map(\.category),
            reasons: reasons,
            entries: entries.map(\.entry)
        )
    }

    /// Decodes a document after checking that its `schema_version` is one this library reads.
    public static func decode(from data: Data) throws -> APIDocument {
        let probe: VersionProbe
        do {
            probe = try JSONDecoder().decode(VersionProbe.self, from: data)
        } catch {
            throw APIDocumentError.notAnAPIDocument(describe(error))
        }
        guard let version = probe.version else { throw APIDocumentError.missingSchemaVersion }
        guard let major = Self.majorVersion(of: version) else {
            throw APIDocumentError.malformedSchemaVersion(version)
        }
        guard major == supportedMajorVersion else {
            throw APIDocumentError.unsupportedSchemaVersion(found: version, supportedMajor: supportedMajorVersion)
        }
        do {
            return try JSONDecoder().decode(APIDocument.self, from: data)
        } catch {
            throw APIDocumentError.notAnAPIDocument(describe(error))
        }
    }

    /// A decoding failure as one line that names the field, e.g.
    /// "at entries[3].reply: Expected to decode Int but found a string instead."
    static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return String(describing: error) }
        let context: DecodingError.Context
        var problem: String?
        switch decodingError {
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            context = c
        case .keyNotFound(let key, let c):
            context = c
            problem = "the required key \"\(key.stringValue)\" is missing"
        case .dataCorrupted(let c):
            context = c
            if let underlying = c.underlyingError as NSError?,
               let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String {
                problem = "\(c.debugDescription) \(detail)"
            }
        @unknown default:
            return String(describing: error)
        }
        let message = problem ?? context.debugDescription
        let path = codingPathText(context.codingPath)
        return path.isEmpty ? message : "at \(path): \(message)"
    }

    /// `[entries, 3, reply]` as "entries[3].reply".
    static func codingPathText(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// Reads a published `entries.json` straight into a knowledge base (what `bounce --data` does).
    public static func knowledgeBase(from data: Data) throws -> KnowledgeBase {
        try decode(from: data).knowledgeBase()
    }

    /// The major number of "major.minor", or nil when the text is not of that form.
    static func majorVersion(of version: String) -> Int? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return Int(parts[0])
    }

    enum CodingKeys: String, CodingKey {
        case generator, site, categories, reasons, entries
        case schemaVersion = "schema_version"
    }

    /// Reads only `schema_version`, tolerating any type, so that the version check can explain itself.
    private struct VersionProbe: Decodable {
        var version: String?

        enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let text = try? container.decodeIfPresent(String.self, forKey: .schemaVersion) {
                version = text
            } else if let number = try? container.decodeIfPresent(Double.self, forKey: .schemaVersion) {
                version = String(describing: number)
            } else {
                version = nil
            }
        }
    }
}

extension APIDocument {
    /// A Markdown field together with its renderings.
    public struct RenderedText: Codable, Equatable, Sendable {
        /// The source, exactly as written in the content file.
        public var markdown: String
        /// HTML rendered in safe mode: raw HTML and unsafe links are removed.
        public var html: String
        /// Plain text without any markup or HTML.
        public var text: String

        public init(markdown: String) {
            let document = MarkdownDocument(markdown)
            self.markdown = markdown
            self.html = document.html()
            self.text = document.plainText()
        }
    }

    /// A category with its description rendered and its page URL.
    public struct CategoryRecord: Codable, Equatable, Sendable {
        public var id: String
        public var title: String
        public var order: Int
        public var summary: String
        public var description: RenderedText
        /// The category page relative to the site root, e.g. "sender/".
        public var url: String
        /// The category page as an absolute URL, when the site's `base_url` is absolute.
        public var absoluteURL: String?

        public init(_ category: Category, site: Site) {
            id = category.id
            title = category.title
            order = category.order
            summary = category.summary
            description = RenderedText(markdown: category.description)
            let url = "\(category.id)/"
            self.url = url
            absoluteURL = site.absoluteBaseURL.map { $0 + url }
        }

        /// The model value the record was made from.
        public var category: Category {
            Category(id: id, title: title, order: order, summary: summary, description: description.markdown)
        }

        enum CodingKeys: String, CodingKey {
            case id, title, order, summary, description, url
            case absoluteURL = "absolute_url"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            title = try c.decode(String.self, forKey: .title)
            order = try c.decode(Int.self, forKey: .order)
            summary = try c.decode(String.self, forKey: .summary)
            description = try c.decode(RenderedText.self, forKey: .description)
            url = try c.decode(String.self, forKey: .url)
            absoluteURL = try c.decodeIfPresent(String.self, forKey: .absoluteURL)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(order, forKey: .order)
            try c.encode(summary, forKey: .summary)
            try c.encode(description, forKey: .description)
            try c.encode(url, forKey: .url)
            try c.encode(absoluteURL, forKey: .absoluteURL)
        }
    }

    /// One cause as published: the same object in `entries.json` and in `entries/<id>.json`.
    public struct EntryRecord: Codable, Equatable, Sendable {
        public var id: String
        /// The entry page relative to the site root, e.g. "sender/spf-fail/".
        public var url: String
        /// The entry page as an absolute URL, when the site's `base_url` is absolute.
        public var absoluteURL: String?
        public var title: String
        public var category: String
        public var reply: Int
        public var status: String?
        public var reason: String
        public var permanence: Permanence
        public var action: Action
        public var summary: String
        public var match: [String]
        public var providers: [String]
        public var related: [String]
        public var references: [Reference]
        public var details: RenderedText
        public var resolution: RenderedText

        public init(_ entry: Entry, site: Site) {
            let url = "\(entry.category)/\(entry.id)/"
            id = entry.id
            self.url = url
            absoluteURL = site.absoluteBaseURL.map { $0 + url }
            title = entry.title
            category = entry.category
            reply = entry.reply
            status = entry.status
            reason = entry.reason
            permanence = entry.permanence
            action = entry.action
            summary = entry.summary
            match = entry.match
            providers = entry.providers
            related = entry.related
            references = entry.references
            details = RenderedText(markdown: entry.details)
            resolution = RenderedText(markdown: entry.resolution)
        }

        /// The model value the record was made from.
        public var entry: Entry {
            Entry(
                id: id, category: category, title: title, reply: reply, status: status, reason: reason,
                permanence: permanence, action: action, summary: summary, match: match, providers: providers,
                related: related, references: references, details: details.markdown, resolution: resolution.markdown
            )
        }

        enum CodingKeys: String, CodingKey {
            case id, url, title, category, reply, status, reason, permanence, action, summary
            case match, providers, related, references, details, resolution
            case absoluteURL = "absolute_url"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            url = try c.decode(String.self, forKey: .url)
            absoluteURL = try c.decodeIfPresent(String.self, forKey: .absoluteURL)
            title = try c.decode(String.self, forKey: .title)
            category = try c.decode(String.self, forKey: .category)
            reply = try c.decode(Int.self, forKey: .reply)
            status = try c.decodeIfPresent(String.self, forKey: .status)
            reason = try c.decode(String.self, forKey: .reason)
            permanence = try c.decode(Permanence.self, forKey: .permanence)
            action = try c.decode(Action.self, forKey: .action)
            summary = try c.decode(String.self, forKey: .summary)
            match = try c.decodeIfPresent([String].self, forKey: .match) ?? []
            providers = try c.decodeIfPresent([String].self, forKey: .providers) ?? []
            related = try c.decodeIfPresent([String].self, forKey: .related) ?? []
            references = try c.decodeIfPresent([Reference].self, forKey: .references) ?? []
            details = try c.decode(RenderedText.self, forKey: .details)
            resolution = try c.decode(RenderedText.self, forKey: .resolution)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(url, forKey: .url)
            try c.encode(absoluteURL, forKey: .absoluteURL)
            try c.encode(title, forKey: .title)
            try c.encode(category, forKey: .category)
            try c.encode(reply, forKey: .reply)
            try c.encode(status, forKey: .status)
            try c.encode(reason, forKey: .reason)
            try c.encode(permanence, forKey: .permanence)
            try c.encode(action, forKey: .action)
            try c.encode(summary, forKey: .summary)
            try c.encode(match, forKey: .match)
            try c.encode(providers, forKey: .providers)
            try c.encode(related, forKey: .related)
            try c.encode(references, forKey: .references)
            try c.encode(details, forKey: .details)
            try c.encode(resolution, forKey: .resolution)
        }
    }
}

/// Why an `entries.json` file could not be read.
public enum APIDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data is not a JSON object.
    case notAnAPIDocument(String)
    /// The file has no `schema_version`.
    case missingSchemaVersion
    /// `schema_version` is not of the form "major.minor".
    case malformedSchemaVersion(String)
    /// The file was written for a major version this library cannot read.
    case unsupportedSchemaVersion(found: String, supportedMajor: Int)

    public var description: String {
        switch self {
        case .notAnAPIDocument(let detail):
            return "not a BounceKB API file (expected a JSON object like api/v\(APIDocument.supportedMajorVersion)/entries.json): \(detail)"
        case .missingSchemaVersion:
            return "the file has no \"schema_version\"; is it a BounceKB api/v\(APIDocument.supportedMajorVersion)/entries.json?"
        case .malformedSchemaVersion(let version):
            return "schema_version \"\(version)\" is not of the form MAJOR.MINOR (e.g. \"\(APIDocument.currentSchemaVersion)\")"
        case .unsupportedSchemaVersion(let found, let major):
            return "the file has schema_version \(found), but this program reads only version \(major).x; "
                + "use the site's api/v\(major)/entries.json or a newer version of this program"
        }
    }
}
