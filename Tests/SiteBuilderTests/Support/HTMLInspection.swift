import Foundation

/// Small, regex-based readers for the HTML the site builder writes (always double-quoted attributes).
enum HTMLInspection {
    /// Values of `href`, `src` and `action` attributes, in document order, with character references decoded.
    static func links(in html: String) -> [String] {
        let pattern = /\s(?:href|src|action)\s*=\s*"([^"]*)"/
        return html.matches(of: pattern).map { decodeReferences(String($0.output.1)) }
    }

    /// Values of `id` attributes.
    static func ids(in html: String) -> Set<String> {
        Set(html.matches(of: /\sid="([^"]*)"/).map { decodeReferences(String($0.output.1)) })
    }

    /// Names of every attribute of every start tag. Attribute values are always double-quoted
    /// in the builder's output, so markup-like text inside a value is skipped, not mistaken for a tag.
    static func attributeNames(in html: String) -> [String] {
        var names: [String] = []
        for tag in html.matches(of: /<[a-zA-Z][a-zA-Z0-9-]*((?:\s+[^\s"'>\/=]+(?:\s*=\s*"[^"]*")?)*)\s*\/?>/) {
            for attribute in tag.output.1.matches(of: /\s+([^\s"'>\/=]+)(?:\s*=\s*"[^"]*")?/) {
                names.append(String(attribute.output.1))
            }
        }
        return names
    }

    static func count(of needle: String, in html: String) -> Int {
        html.ranges(of: needle).count
    }

    /// Decodes the references the builder's escaper and Mustache produce, and numeric ones.
    static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">")] {
            result = result.replacing(entity, with: character)
        }
        result = result.replacing(/&#(x?)([0-9a-fA-F]+);/) { match in
            let radix = match.output.1.isEmpty ? 10 : 16
            guard let value = UInt32(match.output.2, radix: radix), let scalar = Unicode.Scalar(value) else { return "" }
            return String(Character(scalar))
        }
        return result.replacing("&amp;", with: "&")
    }

    /// Whether a link leaves the site.
    static func isExternal(_ link: String) -> Bool {
        let lower = link.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:")
    }

    /// Resolves a relative link from the page at `page` (output-relative) to an output-relative
    /// path and fragment; nil when it climbs above the output root.
    static func resolve(_ link: String, from page: String) -> (path: String, fragment: String?)? {
        let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let target = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : nil
        if target.isEmpty { return (page, fragment) }
        var segments = target.hasPrefix("/") ? [] : page.split(separator: "/").dropLast().map(String.init)
        for segment in target.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            } else {
                segments.append(String(segment))
            }
        }
        return (segments.joined(separator: "/"), fragment)
    }

    /// Every broken internal link and asset reference of the pages and stylesheets in `files`
    /// (output-relative path → contents), as "page: link (why)". `paths` lists every file of the
    /// site. Pages link relatively; 404.html links from `basePath` (e.g. "/" or "/help/").
    static func brokenLinks(in files: [String: String], paths: Set<String>, basePath: String = "/") -> [String] {
        var idsByPage: [String: Set<String>] = [:]
        for (path, html) in files where path.hasSuffix(".html") { idsByPage[path] = ids(in: html) }
        var problems: [String] = []
        for (page, html) in files.sorted(by: { $0.key < $1.key }) where page.hasSuffix(".html") || page.hasSuffix(".css") {
            let found = page.hasSuffix(".css")
                ? css(html)
                : links(in: html)
            for link in found {
                if isExternal(link) { continue }
                var relative = link
                if page == "404.html" && !link.hasPrefix("#") {
                    guard link.hasPrefix(basePath) else { problems.append("\(page): \(link) (not under \(basePath))"); continue }
                    relative = String(link.dropFirst(basePath.count))
                } else if link.hasPrefix("/") || link.contains("://") || link.hasPrefix("//") {
                    problems.append("\(page): \(link) (not relative)")
                    continue
                }
                let from = page == "404.html" && !link.hasPrefix("#") ? "index.html" : page
                guard let target = resolve(relative, from: from) else {
                    problems.append("\(page): \(link) (climbs above the site root)")
                    continue
                }
                guard paths.contains(target.path) else {
                    let folder = paths.contains(target.path + (target.path.hasSuffix("/") || target.path.isEmpty ? "" : "/") + "index.html")
                    problems.append("\(page): \(link) (\(folder ? "names a folder, which does not open from disk" : "no file \(target.path)"))")
                    continue
                }
                if let fragment = target.fragment, !fragment.isEmpty, target.path.hasSuffix(".html"),
                   !(idsByPage[target.path] ?? []).contains(fragment) {
                    problems.append("\(page): \(link) (no id \(fragment) in \(target.path))")
                }
            }
        }
        return problems
    }

    /// `html` without the site's own search markup: the deferred search script (and its index),
    /// loaded from the page's root, and the search forms, which submit to the search page. Only
    /// these exact tags are taken out, so any other `<script` or `<form` (or a search tag with an
    /// extra attribute or a foreign URL) stays in for the caller to catch. Pages link from their
    /// root relatively (`../../`); 404.html links from `basePath`.
    static func withoutSiteSearchMarkup(_ html: String, page: String, basePath: String = "/") -> String {
        let root = page == "404.html" ? basePath : String(repeating: "../", count: page.count { $0 == "/" })
        var allowed = [
            #"<script src="\#(root)assets/search.js" defer></script>"#,
            #"<script src="\#(root)assets/search-index.js" defer></script>"#,
            #"<form class="site-search" role="search" action="\#(root)search/index.html">"#,
        ]
        if page == "search/index.html" {
            allowed.append(#"<form class="search-page-form" role="search" action="index.html" data-search-page>"#)
        }
        var result = html
        for tag in allowed { result = result.replacing(tag, with: "") }
        return result
    }

    /// `url(...)` references in a stylesheet.
    static func css(_ text: String) -> [String] {
        text.matches(of: /url\(\s*["']?([^"')]+)["']?\s*\)/).map { String($0.output.1) }.filter { !$0.hasPrefix("data:") }
    }
}
