import BounceKB
import Foundation

/// Checks that matter for publishing rather than for the content itself: values that become
/// folder names, link targets or attributes. Run by the validate step after the content validator.
public struct SiteChecks: Sendable {
    /// The content folder as shown in diagnostics, e.g. `content`.
    public var contentPath: String
    /// Entry id → the entry file as shown in diagnostics (from `ContentLoadResult.sourceFiles`).
    public var sourceFiles: [String: String]

    public init(contentPath: String = "content", sourceFiles: [String: String] = [:]) {
        self.contentPath = contentPath
        self.sourceFiles = sourceFiles
    }

    /// The file an entry came from, for diagnostics.
    public func file(of entry: Entry) -> String {
        sourceFiles[entry.id] ?? "\(contentPath)/\(entry.category)/\(entry.id).md"
    }

    /// Every problem that would make the site unsafe or broken (errors) or that the build works
    /// around (warnings: unsafe reference links are dropped, a bad language tag becomes `en`).
    public func diagnostics(for kb: KnowledgeBase) -> [Diagnostic] {
        var result: [Diagnostic] = []
        let siteFile = "\(contentPath)/site.yml"
        if BaseURL(kb.site.baseURL) == nil {
            result.append(.error("base_url must be \"/\", a path such as \"/help/\", or an absolute http(s) URL; got \"\(kb.site.baseURL)\"", file: siteFile))
        }
        if !Self.isLanguageTag(kb.site.language) {
            result.append(.warning("language \"\(kb.site.language)\" is not a language tag such as \"en\" or \"pt-BR\"; pages use \"en\"", file: siteFile))
        }
        var categoryIDs: Set<String> = []
        for category in kb.categories {
            let file = "\(contentPath)/\(category.id)/_index.md"
            categoryIDs.insert(category.id)
            if !SitePaths.isSafeSegment(category.id) {
                result.append(.error("category folder \"\(category.id)\" cannot be published: use lower-case letters, digits and dashes", file: file))
            } else if SitePaths.reservedFolders.contains(category.id) {
                result.append(.error("category folder \"\(category.id)\" clashes with the site's own \(category.id)/ folder; rename it", file: file))
            }
        }
        // Each entry on its own, on all cores; the file is looked up only for a problem.
        let knownCategories = categoryIDs
        result += Parallel.map(kb.entries, minimumBatch: 256) { entry -> [Diagnostic] in
            var found: [Diagnostic] = []
            if !SitePaths.isSafeSegment(entry.id) || entry.id == "index.html" {
                found.append(.error("entry id \"\(entry.id)\" cannot be published: use lower-case letters, digits and dashes", file: file(of: entry)))
            }
            if !knownCategories.contains(entry.category) {
                found.append(.error("entry is in category \"\(entry.category)\", which has no _index.md", file: file(of: entry)))
            }
            for reference in entry.references where !HTML.isSafeExternalURL(reference.url) {
                found.append(.warning("reference \"\(reference.title)\" dropped from the site: its URL must be an absolute http, https or mailto link", file: file(of: entry)))
            }
            return found
        }.flatMap { $0 }
        return result.sorted()
    }

    /// Whether `tag` looks like a BCP 47 language tag: letters, digits and dashes, starting with a letter.
    static func isLanguageTag(_ tag: String) -> Bool {
        guard let first = tag.unicodeScalars.first, first.isASCIILetter, tag.count <= 35 else { return false }
        return tag.unicodeScalars.allSatisfy { $0.isASCIILetter || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") }
}

/// Where the site is published, parsed from `base_url`.
public struct BaseURL: Sendable, Equatable {
    /// The absolute URL with a trailing slash, when `base_url` is absolute.
    public let absolute: String?
    /// The path part with leading and trailing slashes: `/` or `/help/`.
    public let path: String

    /// Accepts `/`, `/help`, `/help/`, or an absolute `http(s)://host/path` URL; nil otherwise.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\`{}|^".unicodeScalars.contains($0) }) else { return nil }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            guard let schemeEnd = trimmed.range(of: "://") else { return nil }
            let afterScheme = trimmed[schemeEnd.upperBound...]
            let host = afterScheme.prefix { $0 != "/" }
            guard !host.isEmpty, !trimmed.contains("?"), !trimmed.contains("#") else { return nil }
            let path = afterScheme.dropFirst(host.count)
            self.path = Self.normalizedPath(String(path))
            absolute = "\(trimmed.prefix(trimmed.count - afterScheme.count))\(host)\(self.path)"
        } else if trimmed.hasPrefix("/") && !trimmed.hasPrefix("//") {
            guard !trimmed.contains("?"), !trimmed.contains("#") else { return nil }
            path = Self.normalizedPath(trimmed)
            absolute = nil
        } else {
            return nil
        }
    }

    private static func normalizedPath(_ path: String) -> String {
        var result = path.hasPrefix("/") ? path : "/" + path
        if !result.hasSuffix("/") { result += "/" }
        return result
    }
}
