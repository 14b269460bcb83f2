import BounceKB
import Foundation
import SiteBuilder

/// What the preview serves at one moment: the last site that built, the failure of the latest
/// build when it failed, and a version that changes with every build, good or bad.
public struct PreviewSnapshot: Sendable {
    /// The last good build; nil until one succeeds.
    public var site: PreviewSite?
    /// Why the latest build failed; nil when it succeeded.
    public var failure: BuildFailure?
    /// Changes after every build; the page script reloads when it sees a new one.
    public var version: String

    public init(site: PreviewSite?, failure: BuildFailure?, version: String) {
        self.site = site
        self.failure = failure
        self.version = version
    }
}

/// An HTTP answer, independent of the server library so it can be tested without a socket.
public struct PreviewResponse: Sendable, Equatable {
    public var status: Int
    /// Header name and value pairs, in a fixed order.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(status: Int, headers: [(name: String, value: String)], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    public static func == (lhs: PreviewResponse, rhs: PreviewResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }
}

/// Maps a request to a response: site files by path, pretty URLs to their `index.html`, the
/// site's own 404 page for anything else, and the preview's endpoints under `/__bouncekb/`.
///
/// Files are looked up in the in-memory site only, and a path with `.` or `..` segments, an
/// encoded slash or a NUL is refused before any lookup, so nothing outside the build is reachable.
public enum PreviewResponder {
    /// The prefix of the preview's own URLs; no site page can live there (ids never start with `_`).
    public static let internalPrefix = "/__bouncekb/"
    public static let versionPath = "/__bouncekb/version"
    public static let scriptPath = "/__bouncekb/live.js"
    public static let stylesheetPath = "/__bouncekb/overlay.css"

    /// Answers `method` on `rawPath` (the request target's path, still percent-encoded).
    public static func respond(method: String, rawPath: String, query: String = "", snapshot: PreviewSnapshot) -> PreviewResponse {
        let isHead = method == "HEAD"
        guard method == "GET" || isHead else {
            return finish(PreviewResponse(
                status: 405, headers: [("Allow", "GET, HEAD"), ("Content-Type", ContentTypes.text)],
                body: Data("Only GET and HEAD are served.\n".utf8)), head: false)
        }
        return finish(answer(rawPath: rawPath, query: query, snapshot: snapshot), head: isHead)
    }

    private static func answer(rawPath: String, query: String, snapshot: PreviewSnapshot) -> PreviewResponse {
        switch rawPath {
        case versionPath:
            return PreviewResponse(status: 200, headers: [("Content-Type", ContentTypes.json)], body: versionDocument(snapshot))
        case scriptPath:
            return PreviewResponse(status: 200, headers: [("Content-Type", ContentTypes.javascript)], body: Data(LiveReload.script.utf8))
        case stylesheetPath:
            return PreviewResponse(status: 200, headers: [("Content-Type", ContentTypes.css)], body: Data(LiveReload.stylesheet.utf8))
        default:
            break
        }
        guard let site = snapshot.site else {
            // Nothing has built yet: a page that only shows the errors, and reloads once fixed.
            let page = LiveReload.errorPage(snapshot: snapshot)
            return PreviewResponse(status: 500, headers: [("Content-Type", ContentTypes.html)], body: Data(page.utf8))
        }
        guard let path = sitePath(rawPath) else {
            return notFound(site: site, snapshot: snapshot)
        }
        if let data = site.file(path) {
            return page(data, path: path, status: 200, snapshot: snapshot)
        }
        // Pretty URLs: /mailbox → /mailbox/ when that folder has a page, as static hosts do.
        if !rawPath.hasSuffix("/"), !path.isEmpty, site.contains(path + "/index.html") {
            let location = rawPath + "/" + (query.isEmpty ? "" : "?" + query)
            return PreviewResponse(status: 301, headers: [("Location", location), ("Content-Type", ContentTypes.text)], body: Data("Moved to \(location)\n".utf8))
        }
        return notFound(site: site, snapshot: snapshot)
    }

    /// The output path for a request path, or nil when the path is unusable or tries to leave the site.
    ///
    /// `/` → `index.html`; `/mailbox/` → `mailbox/index.html`; `/assets/site.css` → itself.
    public static func sitePath(_ rawPath: String) -> String? {
        guard rawPath.hasPrefix("/"), !rawPath.hasPrefix(internalPrefix) else { return nil }
        var segments: [String] = []
        for raw in rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard let segment = String(raw).removingPercentEncoding else { return nil }
            if segment.isEmpty { continue }
            if segment == "." || segment == ".." || segment.contains("/") || segment.contains("\\") || segment.contains("\0") {
                return nil
            }
            segments.append(segment)
        }
        if rawPath.hasSuffix("/") { segments.append("index.html") }
        return segments.joined(separator: "/")
    }

    private static func notFound(site: PreviewSite, snapshot: PreviewSnapshot) -> PreviewResponse {
        guard let data = site.file(SitePaths.notFound) else {
            return PreviewResponse(status: 404, headers: [("Content-Type", ContentTypes.text)], body: Data("Not found.\n".utf8))
        }
        return page(data, path: SitePaths.notFound, status: 404, snapshot: snapshot)
    }

    private static func page(_ data: Data, path: String, status: Int, snapshot: PreviewSnapshot) -> PreviewResponse {
        let type = ContentTypes.type(forPath: path)
        guard type == ContentTypes.html else {
            return PreviewResponse(status: status, headers: [("Content-Type", type)], body: data)
        }
        let html = LiveReload.inject(into: String(decoding: data, as: UTF8.self), snapshot: snapshot)
        return PreviewResponse(status: status, headers: [("Content-Type", type)], body: Data(html.utf8))
    }

    /// Adds the headers every answer carries; a HEAD answer keeps its length but drops the body.
    private static func finish(_ response: PreviewResponse, head: Bool) -> PreviewResponse {
        var response = response
        // A preview must never be served from the browser's cache after a rebuild.
        response.headers.append(("Cache-Control", "no-store"))
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        if head {
            response.headers.append(("Content-Length", String(response.body.count)))
            response.body = Data()
        }
        return response
    }

    /// `{"version": "…", "ok": true|false, "errors": n, "warnings": n, "diagnostics": [...]}`.
    static func versionDocument(_ snapshot: PreviewSnapshot) -> Data {
        struct Document: Encodable {
            struct Item: Encodable {
                var file: String
                var line: Int
                var column: Int
                var severity: String
                var message: String
            }
            var version: String
            var ok: Bool
            var message: String?
            var errors: Int
            var warnings: Int
            var diagnostics: [Item]
        }
        let diagnostics = snapshot.failure?.diagnostics ?? []
        let document = Document(
            version: snapshot.version,
            ok: snapshot.failure == nil,
            message: snapshot.failure?.description,
            errors: diagnostics.errorCount,
            warnings: diagnostics.warningCount,
            diagnostics: diagnostics.sorted().map {
                Document.Item(file: $0.file, line: $0.line, column: $0.column, severity: $0.severity.rawValue, message: $0.message)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }
}

/// Content types by file extension, with a charset for text.
public enum ContentTypes {
    public static let html = "text/html; charset=utf-8"
    public static let css = "text/css; charset=utf-8"
    public static let javascript = "text/javascript; charset=utf-8"
    public static let json = "application/json; charset=utf-8"
    public static let text = "text/plain; charset=utf-8"

    static let byExtension: [String: String] = [
        "html": html, "htm": html, "css": css, "js": javascript, "mjs": javascript, "json": json,
        "txt": text, "md": "text/markdown; charset=utf-8", "xml": "application/xml; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "ico": "image/x-icon",
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "webmanifest": "application/manifest+json", "map": json, "pdf": "application/pdf",
        "wasm": "application/wasm",
    ]

    /// The type for a file path; `application/octet-stream` for unknown extensions.
    public static func type(forPath path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "application/octet-stream" }
        return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
