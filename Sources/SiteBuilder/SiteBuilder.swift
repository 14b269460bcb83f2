import BounceKB
import Foundation

/// Where a build reads from and writes to.
public struct SiteBuildOptions: Sendable {
    public var contentDirectory: URL
    public var templatesDirectory: URL
    public var outputDirectory: URL
    /// Overrides `base_url` from site.yml when set.
    public var baseURL: String?
    /// Paths in diagnostics are shown relative to this folder (normally the working directory).
    public var displayRoot: URL?
    /// Names the tool in generated files that carry it (the JSON API).
    public var generator: String
    /// Top-level files of the previous output kept when the new site lacks them.
    public var preservedFiles: [String]

    public init(
        contentDirectory: URL, templatesDirectory: URL, outputDirectory: URL, baseURL: String? = nil,
        displayRoot: URL? = nil, generator: String = "bouncekb \(ProductVersion.current)", preservedFiles: [String] = ["README.md"]
    ) {
        self.contentDirectory = contentDirectory
        self.templatesDirectory = templatesDirectory
        self.outputDirectory = outputDirectory
        self.baseURL = baseURL
        self.displayRoot = displayRoot
        self.generator = generator
        self.preservedFiles = preservedFiles
    }
}

/// What a successful build produced.
public struct SiteBuildSummary: Sendable {
    /// HTML pages rendered.
    public var pages: Int
    /// Every file written, pages included.
    public var files: Int
    public var bytes: Int
    /// Warnings found on the way, sorted.
    public var diagnostics: [Diagnostic]
    /// How the templates were rendered (see `TemplateRenderCounts`).
    public var templateRenders = TemplateRenderCounts()
}

/// How a build rendered its templates: pages, entry cards and search lines filled into the
/// skeleton of their shape, and those rendered tag by tag by swift-mustache (the first of each
/// shape, shapes met once, and everything when the templates use transforms or change
/// delimiters). docs/performance.md explains the shapes.
public struct TemplateRenderCounts: Sendable, Equatable {
    /// Renders filled from a skeleton.
    public var filled = 0
    /// Renders done tag by tag.
    public var rendered = 0
    /// Shapes with a usable skeleton.
    public var shapes = 0

    public init(filled: Int = 0, rendered: Int = 0, shapes: Int = 0) {
        self.filled = filled
        self.rendered = rendered
        self.shapes = shapes
    }
}

/// Content as the load step reads it: the knowledge base, what went wrong reading it, and
/// which file each entry came from (for diagnostics).
public struct LoadedContent: Sendable {
    public var knowledgeBase: KnowledgeBase
    public var diagnostics: [Diagnostic]
    /// Entry id → file path as shown in diagnostics.
    public var sourceFiles: [String: String]
    /// The lint's checks of the entries' Markdown sections, when the loader left them to the
    /// build (which runs them on the parse it renders each entry from); not yet in `diagnostics`.
    package var sectionLint: SectionLint?

    public init(knowledgeBase: KnowledgeBase, diagnostics: [Diagnostic] = [], sourceFiles: [String: String] = [:]) {
        self.knowledgeBase = knowledgeBase
        self.diagnostics = diagnostics
        self.sourceFiles = sourceFiles
    }
}

/// What `SiteBuilder.build()` reports while it runs, for a progress display or step timings.
///
/// Steps are reported as they start; a step may start more than once (the JSON API's fixed
/// files are made between the render step's preparation and its pages). Pages are reported in
/// batches, so `pagesDone` counts add up to the planned total when the build succeeds.
public enum SiteBuildEvent: Sendable, Equatable {
    /// A step begins.
    case stepStarted(StepName)
    /// The render step will render `total` pages (the index step may add a few more).
    case pagesPlanned(total: Int)
    /// `count` more pages were rendered and written.
    case pagesDone(count: Int)
}

/// The services a build uses; the defaults are the project's own (`SiteServices.standard`),
/// and tests swap in others, e.g. a knowledge base built in memory.
public struct SiteServices: Sendable {
    /// Reads and validates the content folder (content folder, display root). The standard one
    /// is `ContentLoader`, which runs the same validation and lint as `bouncekb check`.
    public var loadContent: @Sendable (URL, URL?) -> LoadedContent
    /// Files of the JSON API, relative to the output.
    public var apiFiles: @Sendable (KnowledgeBase, String) throws -> [OutputFile] {
        get { storedAPIFiles }
        set {
            storedAPIFiles = newValue
            writesStandardAPI = false
        }
    }
    /// The codes that get pages.
    public var codes: CodeCatalog

    private var storedAPIFiles: @Sendable (KnowledgeBase, String) throws -> [OutputFile]
    /// True while `apiFiles` is the project's own API (`SiteServices.standard`): `build()` then
    /// writes each entry's API record as it renders the entry's page, from the same rendered
    /// Markdown, instead of calling `apiFiles`. Replacing `apiFiles` clears it.
    var writesStandardAPI = false

    public init(
        loadContent: @escaping @Sendable (URL, URL?) -> LoadedContent,
        apiFiles: @escaping @Sendable (KnowledgeBase, String) throws -> [OutputFile],
        codes: CodeCatalog
    ) {
        self.loadContent = loadContent
        self.storedAPIFiles = apiFiles
        self.codes = codes
    }
}

/// `bouncekb build`: load → validate → render → index → JSON API → write, each a named `BuildStep`.
///
/// A build either replaces the output folder with a complete new site or leaves it untouched.
/// The same input always gives byte-identical output: everything is sorted and nothing depends
/// on the clock, the machine or the order threads finish in.
public struct SiteBuilder: Sendable {
    public var options: SiteBuildOptions
    public var services: SiteServices
    /// Hears what `build()` is doing (see `SiteBuildEvent`); called from several threads while
    /// pages render, so it must be thread-safe. Nil by default: a build reports nothing.
    public var onEvent: (@Sendable (SiteBuildEvent) -> Void)?

    public init(options: SiteBuildOptions, services: SiteServices = .standard, onEvent: (@Sendable (SiteBuildEvent) -> Void)? = nil) {
        self.options = options
        self.services = services
        self.onEvent = onEvent
    }

    /// Passes `event` to `onEvent`, if any.
    func report(_ event: SiteBuildEvent) {
        onEvent?(event)
    }

    /// What the load step hands on.
    public struct Loaded: Sendable {
        public var content: LoadedContent
        public var templates: TemplateSet
    }

    /// What the render step hands on.
    public struct Rendered: Sendable {
        public var knowledgeBase: KnowledgeBase
        public var renderer: SiteRenderer
        public var files: [OutputFile]
        public var pages: Int
    }

    /// Reads the templates, then the content (which the loader also validates); applies `--base-url`.
    /// Fails on template errors; content errors are judged by the validate step.
    public var load: BuildStep<SiteBuildOptions, Loaded> {
        let services = services
        return BuildStep(.load) { options, diagnostics in
            if let baseURL = options.baseURL, BaseURL(baseURL) == nil {
                throw BuildFailure(step: .load, message: "--base-url must be \"/\", a path such as \"/help/\", or an absolute http(s) URL; got \"\(baseURL)\"")
            }
            // The templates are read and parsed on a thread of their own while the content loads
            // (on every core): parsing them is serial work that would otherwise leave a core idle.
            let templatesTask = BackgroundResult { TemplateSet.load(from: options.templatesDirectory, displayRoot: options.displayRoot) }
            var content = services.loadContent(options.contentDirectory, options.displayRoot)
            let templates = templatesTask.value
            diagnostics += templates.diagnostics
            guard let set = templates.templates else {
                throw BuildFailure(step: .load, message: "templates have errors", diagnostics: diagnostics.sorted())
            }
            if let baseURL = options.baseURL { content.knowledgeBase.site.baseURL = baseURL }
            return Loaded(content: content, templates: set)
        }
    }

    /// Stops on content errors, reporting exactly what `bouncekb check` reports; otherwise adds
    /// the publishing checks (ids that cannot be folders, unsafe links, …).
    public var validate: BuildStep<Loaded, Loaded> {
        BuildStep(.validate) { [options] loaded, diagnostics in
            diagnostics += loaded.content.diagnostics
            // A build that stops here still reports every warning `bouncekb check` reports.
            let withSectionLint = { (diagnostics: [Diagnostic]) in
                loaded.content.sectionLint?.completing(diagnostics, for: loaded.content.knowledgeBase) ?? diagnostics.sorted()
            }
            if diagnostics.hasErrors {
                throw BuildFailure(step: .validate, message: "content has errors", diagnostics: withSectionLint(diagnostics))
            }
            let contentPath = DisplayPaths(root: options.displayRoot).display(options.contentDirectory)
            let checks = SiteChecks(contentPath: contentPath, sourceFiles: loaded.content.sourceFiles)
            diagnostics += checks.diagnostics(for: loaded.content.knowledgeBase)
            if diagnostics.hasErrors {
                throw BuildFailure(step: .validate, message: "content cannot be published", diagnostics: withSectionLint(diagnostics))
            }
            return loaded
        }
    }

    /// Renders every page in parallel and adds the assets (and the section lint's warnings,
    /// when the loader left them to the build).
    public var render: BuildStep<Loaded, Rendered> {
        let services = services
        return BuildStep(.render) { loaded, diagnostics in
            let kb = loaded.content.knowledgeBase
            diagnostics += loaded.content.sectionLint?.allWarnings(kb) ?? []
            let renderer = try SiteRenderer(knowledgeBase: kb, codes: services.codes, templates: loaded.templates)
            let pages = try renderer.renderPages()
            return Rendered(knowledgeBase: kb, renderer: renderer, files: pages + loaded.templates.assets, pages: pages.count)
        }
    }

    /// Adds the files that index the pages.
    public var index: BuildStep<Rendered, Rendered> {
        BuildStep(.index) { rendered, _ in
            var rendered = rendered
            if let sitemap = rendered.renderer.sitemap() { rendered.files.append(sitemap) }
            try SiteSearch.add(to: &rendered)
            return rendered
        }
    }

    /// The paths `index` writes for `renderer`, known before it runs, so that the writer checks
    /// them with every other path before the first file is written; each part is told by the
    /// code that writes it (`SiteBuilderTests` holds the two to each other).
    static func indexPaths(for renderer: SiteRenderer) -> [String] {
        (renderer.sitemapPath.map { [$0] } ?? []) + SiteSearch.paths(for: renderer)
    }

    /// Adds the JSON API.
    public var api: BuildStep<Rendered, Rendered> {
        let services = services
        return BuildStep(.api) { [options] rendered, _ in
            var rendered = rendered
            rendered.files += try services.apiFiles(rendered.knowledgeBase, options.generator)
            return rendered
        }
    }

    /// The writer for `options`: it never replaces the sources or the working directory.
    var writer: AtomicSiteWriter {
        AtomicSiteWriter(
            output: options.outputDirectory,
            preservedFiles: options.preservedFiles,
            protectedFolders: [options.contentDirectory, options.templatesDirectory] + (options.displayRoot.map { [$0] } ?? []),
            displayPath: DisplayPaths(root: options.displayRoot).display(options.outputDirectory)
        )
    }

    /// Writes all files to a temporary folder and swaps it in for the output.
    public var write: BuildStep<Rendered, SiteBuildSummary> {
        let writer = writer
        return BuildStep(.write) { rendered, diagnostics in
            let files = rendered.files.sorted { $0.path < $1.path }
            let bytes = try writer.write(files)
            return SiteBuildSummary(pages: rendered.pages, files: files.count, bytes: bytes, diagnostics: diagnostics.filter { $0.severity == .warning }.sorted(),
                                    templateRenders: rendered.renderer.templates.shapes.counts)
        }
    }

    /// Runs every step in order.
    ///
    /// The output is what running `render`, `index`, `api` and `write` one after the other
    /// gives, byte for byte, but render, JSON API and write are interleaved: pages and API
    /// records are written as they are made instead of all being held in memory first (see
    /// `renderAndWrite`), and the index is made while the pages render.
    @discardableResult
    public func build() throws(BuildFailure) -> SiteBuildSummary {
        var diagnostics: [Diagnostic] = []
        // Refuse an unusable output folder before spending time on rendering.
        try writer.checkOutputIsReplaceable()
        report(.stepStarted(.load))
        // One variable holds the loaded content, so the build can release parts of it early.
        var validated = try load.run(options, diagnostics: &diagnostics)
        report(.stepStarted(.validate))
        validated = try validate.run(validated, diagnostics: &diagnostics)
        let leftovers = DeferredRelease()
        let summary = try renderAndWrite(&validated, diagnostics: &diagnostics, leftovers: leftovers)
        leftovers.add(consume validated)
        leftovers.releaseInBackground()
        return summary
    }
}
