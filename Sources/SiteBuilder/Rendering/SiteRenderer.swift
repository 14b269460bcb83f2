import BounceKB
import Dispatch
import Foundation

/// Renders every page of the site from a knowledge base, a code catalog and a template set.
public struct SiteRenderer: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let codes: CodeCatalog
    public let templates: TemplateSet
    let model: SiteModel
    /// Header, footer and the like, rendered once per link root (see `FixedPartials`).
    let fixedPartials: FixedPartialCache

    /// - Throws: `SiteRenderError` when the site's base URL is unusable or an id cannot be a
    ///   folder name (the validate step reports these as diagnostics first).
    public init(knowledgeBase: KnowledgeBase, codes: CodeCatalog, templates: TemplateSet) throws {
        guard let base = BaseURL(knowledgeBase.site.baseURL) else {
            throw SiteRenderError(message: "base_url \"\(knowledgeBase.site.baseURL)\" is not \"/\", a path or an absolute http(s) URL")
        }
        // Ids become folder names: refuse anything that could leave the output folder.
        for category in knowledgeBase.categories where !SitePaths.isSafeSegment(category.id) || SitePaths.reservedFolders.contains(category.id) {
            throw SiteRenderError(message: "category id \"\(category.id)\" cannot be used as a folder name")
        }
        for entry in knowledgeBase.entries where !SitePaths.isSafeSegment(entry.id) || entry.id == "index.html" {
            throw SiteRenderError(message: "entry id \"\(entry.id)\" cannot be used as a folder name")
        }
        self.knowledgeBase = knowledgeBase
        self.codes = codes
        self.templates = templates
        model = SiteModel(kb: knowledgeBase, codes: codes, base: base, templates: templates)
        fixedPartials = FixedPartialCache(
            templates: templates, fixed: templates.fixedPartials,
            pageTemplates: Set(TemplateSet.required.map(\.name) + [SiteSearch.templateName]))
    }

    /// Output paths of every page, in render order.
    public var pagePaths: [String] { model.jobs.map(\.path) }

    /// Renders every page, spreading the work over all cores. The result is in job order, so it
    /// is the same whatever the scheduling.
    public func renderPages() throws -> [OutputFile] {
        let jobs = model.jobs
        let pages = Parallel.map(jobs, minimumBatch: 4) { job in renderPage(job) }
        var files: [OutputFile] = []
        files.reserveCapacity(jobs.count)
        for (job, page) in zip(jobs, pages) {
            guard let page else { throw Self.missingTemplate(job) }
            files.append(OutputFile(path: job.path, contents: page))
        }
        return files
    }

    /// One page's bytes; nil when its template is missing. `sections` are the entry's Markdown
    /// sections when the caller has already rendered them (entry pages only).
    func renderPage(_ job: PageJob, sections: EntrySections? = nil) -> Data? {
        renderPageOutput(job, sections: sections).map { page in page.withUTF8 { Data($0) } }
    }

    /// `renderPage` as text.
    func renderPageText(_ job: PageJob, sections: EntrySections? = nil) -> String? {
        renderPageOutput(job, sections: sections)?.text
    }

    /// `renderPage` as the shape cache made it, which can be written without another copy.
    func renderPageOutput(_ job: PageJob, sections: EntrySections? = nil) -> RenderedPage? {
        let name = SiteModel.template(for: job.kind)
        let context: Any
        if case .entry(let position) = job.kind {
            // Most entry pages are filled into a skeleton, which needs no dictionary.
            context = model.entryPage(for: job, position: position, sections: sections)
        } else {
            context = model.context(for: job, sections: sections)
        }
        let root = Links(page: job.path, base: model.base).root
        return templates.shapes.renderPage(name, context: context) { value in
            let value = (value as? EntryPage)?.dictionary ?? value
            if let page = value as? [String: Any],
               let library = fixedPartials.library(for: page, root: root, frame: model.frame(root: root)) {
                return library.render(page, withTemplate: name)
            }
            return templates.library.render(value, withTemplate: name)
        }
    }

    static func missingTemplate(_ job: PageJob) -> SiteRenderError {
        SiteRenderError(message: "template \"\(SiteModel.template(for: job.kind))\" is missing", path: job.path)
    }

    /// Where `sitemap()` writes, when it writes anything: a site with an absolute base URL has one.
    var sitemapPath: String? {
        model.base.absolute == nil ? nil : SitePaths.sitemap
    }

    /// `sitemap.xml` listing every page but the 404 page, when the base URL is absolute.
    public func sitemap() -> OutputFile? {
        guard let path = sitemapPath, let absolute = model.base.absolute else { return nil }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in pagePaths.sorted() where path != SitePaths.notFound {
            xml += "  <url><loc>\(HTML.escape(absolute + SitePaths.prettyURL(for: path)))</loc></url>\n"
        }
        xml += "</urlset>\n"
        return OutputFile(path: path, text: xml)
    }
}

/// A page that could not be rendered.
public struct SiteRenderError: Error, CustomStringConvertible {
    public var message: String
    public var path: String?

    public init(message: String, path: String? = nil) {
        self.message = message
        self.path = path
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}
