import BounceKB
import Foundation

/// Site search: the index script (`assets/search-index.js`, see `SearchIndex`) and the search
/// page (`search/index.html`, from the `search` template).
///
/// The search page lists every entry and every code, so the header's search form, which
/// submits to it, still leads somewhere useful with JavaScript off; templates/assets/search.js
/// replaces the list with results as the reader types.
public enum SiteSearch {
    /// The search page, relative to the output folder.
    public static let pagePath = "search/index.html"
    /// The template that renders it.
    public static let templateName = "search"

    /// The paths `files(for:)` writes for `renderer`, known before it runs: the index, and the
    /// page when there is a `search` template.
    public static func paths(for renderer: SiteRenderer) -> [String] {
        writesPage(renderer) ? [SearchIndex.path, pagePath] : [SearchIndex.path]
    }

    private static func writesPage(_ renderer: SiteRenderer) -> Bool {
        renderer.templates.names.contains(templateName)
    }

    /// The files search adds to a rendered site, and how many of them are pages. Without a
    /// `search` template only the index is written.
    public static func files(for renderer: SiteRenderer) throws -> (files: [OutputFile], pages: Int) {
        let model = renderer.model
        let export = SearchExport(index: MatchIndex(knowledgeBase: renderer.knowledgeBase))
        var files = [OutputFile(path: SearchIndex.path, contents: SearchIndex.scriptData(knowledgeBase: renderer.knowledgeBase, codes: model.codes, export: export))]
        guard writesPage(renderer) else { return (files, 0) }
        guard let html = renderer.templates.render(templateName, context: model.searchPageContext(templates: renderer.templates)) else {
            throw SiteRenderError(message: "template \"\(templateName)\" is missing", path: pagePath)
        }
        files.append(OutputFile(path: pagePath, text: html))
        return (files, 1)
    }

    /// Adds the search files to what the render step produced; the build's index step calls this.
    static func add(to rendered: inout SiteBuilder.Rendered) throws {
        let search = try files(for: rendered.renderer)
        rendered.files += search.files
        rendered.pages += search.pages
    }
}

extension SiteModel {
    /// The partial that renders one entry of the search page's list into `entriesHTML`.
    static let searchEntryTemplate = "partials/search-entry"

    /// The search page's context: the frame every page has, plus every entry by category and
    /// every code, for the list shown without JavaScript (and before anything is typed).
    ///
    /// - Parameter templates: renders each category's `entriesHTML` (every entry through
    ///   `partials/search-entry`, each followed by a line break); without it, or without that
    ///   partial, `entriesHTML` is empty.
    func searchPageContext(templates: TemplateSet? = nil) -> [String: Any] {
        let path = SiteSearch.pagePath
        // The not-found page's context is the bare frame (no breadcrumbs, lists or navigation
        // state); its own title, description and link base are replaced below.
        var context = context(for: PageJob(path: path, kind: .notFound))
        let links = Links(page: path, base: base)
        var page: [String: Any] = [
            "path": path, "canonical": false, "title": "Search",
            "description": "Search \(kb.site.title) by bounce text, reply code, enhanced status code or words.",
        ]
        if let absolute = base.absolute { page["canonical"] = absolute + SitePaths.prettyURL(for: path) }
        context["page"] = page
        context["root"] = links.root
        context["search"] = true
        context["searchPage"] = true
        context["searchStylesheetHref"] = links.to("\(SitePaths.assets)/search.css")
        context["entryCountLabel"] = Self.count(kb.entries.count, "entry", "entries")
        context["breadcrumbs"] = [
            ["title": "Home", "last": false, "href": links.to(SitePaths.home)] as [String: Any],
            ["title": "Search", "last": true, "href": false] as [String: Any],
        ]

        // Texts as `TextValue`s: the same output as strings, and each entry's line can then be
        // rendered from one skeleton (see `ShapeCache`).
        let cards = kb.entries.map { entry -> [String: any Sendable] in
            [
                "title": TextValue(entry.title), "href": TextValue(links.to(SitePaths.entry(category: entry.category, id: entry.id))),
                "reply": TextValue(String(entry.reply)), "status": TextValue.orFalse(entry.status),
                "permanence": Self.permanenceValue(entry.permanence),
            ]
        }
        // Each line is rendered on its own with the card on top of the page-wide values; the
        // card has every name the shipped line reads, so nothing falls through to the page.
        let renders = templates?.names.contains(Self.searchEntryTemplate) == true ? templates : nil
        let layout = layout(root: links.root)
        var byCategory: [String: [Int]] = [:]
        for (position, entry) in kb.entries.enumerated() { byCategory[entry.category, default: []].append(position) }
        context["searchCategories"] = kb.categories.compactMap { category -> [String: Any]? in
            guard let positions = byCategory[category.id], !positions.isEmpty else { return nil }
            // One category's lines at a time, so a large site never holds them all at once.
            let lines = Parallel.map(positions, minimumBatch: 64) { position in
                renders?.render(Self.searchEntryTemplate, object: LayeredContext(top: cards[position], over: layout)) ?? ""
            }
            var html = ""
            html.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 1 })
            for line in lines {
                html += line
                if !line.hasSuffix("\n") { html += "\n" }
            }
            return [
                "id": category.id, "title": category.title, "entries": positions.map { cards[$0] as [String: Any] },
                "entriesHTML": TextValue(html),
            ]
        }
        let code: (CodeInfo) -> [String: Any] = { info in
            ["label": info.label, "title": info.title, "href": links.to(SitePaths.code(slug: info.slug))]
        }
        context["searchReplyCodes"] = codes.replyCodes.map(code)
        context["searchEnhancedCodes"] = codes.enhancedCodes.map(code)
        Self.addPresenceFlags(to: &context)
        return context
    }
}
