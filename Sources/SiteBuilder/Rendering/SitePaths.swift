/// Where every page of the site lives, and how one page links to another.
///
/// Paths are relative to the output folder and always end in a file name (`…/index.html`):
/// links name the file explicitly so the site works when opened from disk, where a browser does
/// not turn a folder into its `index.html`.
public enum SitePaths {
    public static let home = "index.html"
    public static let notFound = "404.html"
    public static let codesIndex = "codes/index.html"
    public static let providers = "providers/index.html"
    public static let sitemap = "sitemap.xml"
    public static let assets = "assets"

    /// Top-level folder names the builder uses itself; a category with one of these ids would
    /// overwrite generated pages.
    public static let reservedFolders: Set<String> = ["assets", "codes", "providers", "api", "search", "404.html", "index.html", "sitemap.xml"]

    public static func category(_ id: String) -> String { "\(id)/index.html" }

    public static func entry(category: String, id: String) -> String { "\(category)/\(id)/index.html" }

    /// `codes/550/index.html` or `codes/x.7.26/index.html`.
    public static func code(slug: String) -> String { "codes/\(slug)/index.html" }

    /// A link from the page at `from` to the file at `to` (both output-relative paths), such
    /// as `../../codes/550/index.html`.
    public static func relative(from: String, to: String) -> String {
        rootPrefix(for: from) + to
    }

    /// The `../` prefix that leads from the page at `path` back to the output root
    /// (empty for a top-level page).
    public static func rootPrefix(for path: String) -> String {
        let depth = path.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "/") ? 1 : 0) }
        return String(repeating: "../", count: depth)
    }

    /// The pretty URL of a page (`authentication/foo/` for `authentication/foo/index.html`),
    /// used where an address is shown or published rather than followed from disk.
    public static func prettyURL(for path: String) -> String {
        if path == home { return "" }
        if path.hasSuffix("/index.html") { return String(path.dropLast("index.html".count)) }
        return path
    }

    /// Whether `segment` can be used as one folder name in the output: lower-case letters,
    /// digits, `-`, `_` and `.` only, not starting with a dot. Anything else (slashes, `..`,
    /// markup) is refused before any path is built from it.
    public static func isSafeSegment(_ segment: String) -> Bool {
        guard let first = segment.utf8.first, first != UInt8(ascii: "."), segment.utf8.count <= 200 else { return false }
        return segment.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// An anchor id for a provider name: `Microsoft 365` → `microsoft-365`.
    public static func slug(_ name: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingDash && !result.isEmpty { result += "-" }
                pendingDash = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return result.isEmpty ? "provider" : result
    }
}
