import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Everything read from a content folder, with every problem found on the way.
public struct ContentLoadResult: Sendable {
    /// Every entry and category that could be read. Callers stop when `diagnostics.hasErrors`.
    public var knowledgeBase: KnowledgeBase
    /// All problems of all files, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// Entry id → the entry file's path as shown in diagnostics.
    public var sourceFiles: [String: String]
    /// Entry id → where each of the entry's fields is written.
    public var entrySources: [String: EntrySource]
    /// Entry files examined, including those that could not be loaded.
    public var entryFileCount: Int
    /// Category folders examined, including those without a usable `_index.md`.
    public var categoryFolderCount: Int
    /// The checks of every entry's Markdown sections, still to run, when the loader was asked
    /// to leave them to its caller (`ContentLoader.defersSectionLint`) and found no error.
    package var sectionLint: SectionLint?

    public init(knowledgeBase: KnowledgeBase, diagnostics: [Diagnostic], sourceFiles: [String: String],
                entrySources: [String: EntrySource] = [:], entryFileCount: Int = 0, categoryFolderCount: Int = 0) {
        self.knowledgeBase = knowledgeBase
        self.diagnostics = diagnostics
        self.sourceFiles = sourceFiles
        self.entrySources = entrySources
        self.entryFileCount = entryFileCount
        self.categoryFolderCount = categoryFolderCount
    }
}

/// Reads `content/`: `site.yml`, `<category>/_index.md` and `<category>/<id>.md`.
///
/// Loading never stops at the first problem: every file is read, every problem becomes a
/// `Diagnostic`, and then `ContentValidator.validate` and `ContentValidator.lint` run over the
/// result. Files are visited in sorted order, so output is the same on every machine.
public struct ContentLoader: Sendable {
    /// The folder holding `site.yml` and the category folders.
    public var contentDirectory: URL
    /// Paths in diagnostics are shown relative to this folder (normally the working directory);
    /// files outside it are shown with their absolute path.
    public var displayRoot: URL?
    /// Whether `load()` also runs `ContentValidator.lint` (warnings only).
    public var lints = true
    /// Whether `load()` leaves the lint's checks of each entry's Markdown sections to the
    /// caller, in `sectionLint`: a site build runs them on the parse it renders the sections
    /// from. Content with errors is linted in full all the same, since a build stops there.
    package var defersSectionLint = false

    /// - Parameters:
    ///   - contentDirectory: the `content/` folder.
    ///   - displayRoot: base for the paths in diagnostics; by default the content folder's parent,
    ///     so paths read `content/sender/x.md`.
    public init(contentDirectory: URL, displayRoot: URL? = nil) {
        self.contentDirectory = contentDirectory
        self.displayRoot = displayRoot
    }

    private struct LoadedEntry {
        var id: String
        var file: String
        var folderHasCategory: Bool
        var parsed: ContentFileParser.ParsedEntry
    }

    /// An entry file found while walking the folders, parsed once the walk is done.
    private struct PendingEntry {
        var id: String
        var category: String
        /// The file's path on disk.
        var path: String
        /// The file's path as shown in diagnostics.
        var file: String
        var folderHasCategory: Bool
    }

    /// Reads and checks everything under `contentDirectory`.
    public func load() -> ContentLoadResult {
        var diagnostics: [Diagnostic] = []
        let root = contentDirectory.standardizedFileURL
        let rootDisplay = display(root, isDirectory: true)
        var site: Site?
        var categories: [Category] = []
        var pendingEntries: [PendingEntry] = []
        var categoryFolderCount = 0
        var sawSiteFile = false

        guard case .directory = ContentFileReader.kind(of: root.path) else {
            diagnostics.append(.error("content folder not found; pass the folder that holds site.yml and the category folders", file: rootDisplay))
            return ContentLoadResult(knowledgeBase: KnowledgeBase(site: Site(title: "", description: ""), categories: [], entries: []),
                                     diagnostics: diagnostics, sourceFiles: [:])
        }

        // Links are followed only when they stay inside the content folder (compared by real path).
        let realRoot = Self.realPath(root.path) ?? root.path
        for (name, _) in listing(root, display: rootDisplay, within: realRoot, diagnostics: &diagnostics) {
            let url = root.appendingPathComponent(name)
            let path = display(url)
            switch ContentFileReader.kind(of: url.path) {
            case .directory:
                categoryFolderCount += 1
                loadCategoryFolder(url, id: name, within: realRoot, categories: &categories, entries: &pendingEntries, diagnostics: &diagnostics)
            case _ where name == "site.yml":
                sawSiteFile = true
                switch ContentFileReader.readFile(path: url.path, display: path).flatMap({ SourceText.decode($0, file: path) }) {
                case .success(let text):
                    let parsed = ContentFileParser.parseSite(text, file: path)
                    site = parsed.site
                    diagnostics += parsed.diagnostics
                case .failure(let diagnostic):
                    diagnostics.append(diagnostic)
                }
            default:
                let hint: String
                if name.hasSuffix(".md") {
                    hint = "Markdown files directly in content/ are not read; put entries in a category folder, e.g. content/<category>/\(name)"
                } else if name == "site.yaml" || name.lowercased() == "site.yml" {
                    hint = "the site settings file must be named site.yml; rename it"
                } else {
                    hint = "content/ holds only site.yml and category folders; move it elsewhere"
                }
                diagnostics.append(.warning("stray file is ignored: \(hint)", file: path))
            }
        }
        if !sawSiteFile {
            diagnostics.append(.error(
                "missing site.yml; create it with 'title:', 'description:', 'base_url: /' and 'language: en'",
                file: display(root.appendingPathComponent("site.yml"))))
        }

        // Entry files are independent of each other: parse them on all cores, results in walk order.
        var loadedEntries = Parallel.map(pendingEntries) { pending in
            LoadedEntry(id: pending.id, file: pending.file, folderHasCategory: pending.folderHasCategory, parsed: Self.parseEntryFile(pending))
        }

        // Ids must be unique across categories: report each copy, keep the first one found.
        // One table of first positions; the files of an id are only listed when it has copies.
        var firstPosition: [String: Int] = [:]
        firstPosition.reserveCapacity(loadedEntries.count)
        var filesForCopiedID: [String: [String]] = [:]
        for position in loadedEntries.indices {
            let id = loadedEntries[position].id
            if let first = firstPosition.keepingFirst(position, forKey: id) {
                filesForCopiedID[id, default: [loadedEntries[first].file]].append(loadedEntries[position].file)
            }
        }
        var entries: [Entry] = []
        entries.reserveCapacity(loadedEntries.count)
        var sources: [String: EntrySource] = [:]
        sources.reserveCapacity(loadedEntries.count)
        var unloaded: Set<String> = []
        for position in loadedEntries.indices {
            // Moved out, not copied: at 100,000 entries copying every entry's fields (and
            // releasing them again) was a serial tenth of a second.
            var parsed = ContentFileParser.ParsedEntry(entry: nil, source: EntrySource(file: ""), diagnostics: [])
            swap(&parsed, &loadedEntries[position].parsed)
            let id = loadedEntries[position].id
            let file = loadedEntries[position].file
            diagnostics += parsed.diagnostics
            if let files = filesForCopiedID[id] {
                let others = files.filter { $0 != file }.joined(separator: ", ")
                diagnostics.append(.error(
                    "duplicate id '\(id)': \(others) has the same file name; ids must be unique across all categories, so rename one of them",
                    file: file))
            }
            guard firstPosition[id] == position, loadedEntries[position].folderHasCategory, let entry = parsed.entry else {
                unloaded.insert(id)
                continue
            }
            sources[id] = parsed.source
            entries.append(entry)
        }
        if !unloaded.isEmpty { unloaded.subtract(entries.map(\.id)) }

        var orders: [Int: String] = [:]
        for category in categories.sorted(by: { $0.id < $1.id }) where category.order != Int.max {
            if let other = orders[category.order] {
                diagnostics.append(.warning(
                    "order \(category.order) is also used by category '\(other)'; give each category its own order",
                    file: display(root.appendingPathComponent(category.id).appendingPathComponent("_index.md"))))
            } else {
                orders[category.order] = category.id
            }
        }

        var knowledgeBase = KnowledgeBase(site: site ?? Site(title: "", description: ""), categories: categories, entries: entries)
        diagnostics += ContentValidator.validate(knowledgeBase, sources: sources, unloadedEntryIDs: unloaded)
        var sectionLint: SectionLint?
        if lints {
            let defers = defersSectionLint && !diagnostics.hasErrors
            diagnostics += ContentValidator.lint(knowledgeBase, sources: sources, checksSections: !defers)
            if defers { sectionLint = SectionLint(knowledgeBase, sources: sources) }
        }
        // `related` may name `category/id`; once checked, everyone downstream wants plain ids.
        // A byte test is enough to decide whether to look closer (no slash byte, no slash).
        if knowledgeBase.entries.contains(where: { $0.related.contains { $0.utf8.contains(UInt8(ascii: "/")) } }) {
            knowledgeBase.entries = knowledgeBase.entries.map { entry in
                var entry = entry
                entry.related = entry.related.map(ContentValidator.relatedID)
                return entry
            }
        }
        var result = ContentLoadResult(
            knowledgeBase: knowledgeBase,
            diagnostics: diagnostics.sorted(),
            sourceFiles: sources.mapValues(\.file),
            entrySources: sources,
            entryFileCount: loadedEntries.count,
            categoryFolderCount: categoryFolderCount)
        result.sectionLint = sectionLint
        return result
    }

    private func loadCategoryFolder(_ folder: URL, id: String, within realRoot: String, categories: inout [Category], entries: inout [PendingEntry], diagnostics: inout [Diagnostic]) {
        let folderDisplay = display(folder, isDirectory: true)
        let listed = listing(folder, display: folderDisplay, within: realRoot, diagnostics: &diagnostics)
        let names = listed.map(\.name)
        if !ContentRules.isKebabCase(id) {
            diagnostics.append(.error(
                "category folder name '\(id)' is not kebab-case (lower-case letters, digits, single hyphens); rename it to '\(ContentRules.kebabCased(id))'",
                file: folderDisplay))
        }
        let indexURL = folder.appendingPathComponent("_index.md")
        let indexDisplay = display(indexURL)
        var hasCategory = false
        // A `_index.md` the listing refused (a link out of content/) counts as missing.
        switch names.contains("_index.md") ? ContentFileReader.kind(of: indexURL.path) : .missing("not listed") {
        case .missing:
            diagnostics.append(.error(
                "category folder has no _index.md, so its entries are not loaded; add _index.md with title, order and summary, or move the entries into another category",
                file: folderDisplay))
        default:
            switch ContentFileReader.readFile(path: indexURL.path, display: indexDisplay).flatMap({ SourceText.decode($0, file: indexDisplay) }) {
            case .success(let text):
                let parsed = ContentFileParser.parseCategory(text, id: id, file: indexDisplay)
                diagnostics += parsed.diagnostics
                // A broken _index.md is reported once; its entries are still checked against a stand-in.
                categories.append(parsed.category ?? Category(id: id, title: id, order: Int.max, summary: "", description: ""))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                categories.append(Category(id: id, title: id, order: Int.max, summary: "", description: ""))
            }
            hasCategory = true
        }

        var entryCount = 0
        // Paths built as strings: URL manipulation costs microseconds per call, per file.
        let folderPath = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        for (name, listedKind) in listed where name != "_index.md" {
            let filePath = folderPath + name
            // A folder shown as "./" is the display root itself, whose files are shown bare.
            let path = folderDisplay == "./" ? display(URL(fileURLWithPath: filePath)) : folderDisplay + name
            // Links (and names the listing could not type) are followed to what they point at.
            var isFolder = listedKind == .directory
            if listedKind == .symbolicLink || listedKind == .unknown, case .directory = ContentFileReader.kind(of: filePath) { isFolder = true }
            if isFolder {
                diagnostics.append(.warning(
                    "stray folder is ignored: category folders hold only <id>.md entries and _index.md; move its files up into \(folderDisplay)",
                    file: display(URL(fileURLWithPath: filePath), isDirectory: true)))
                continue
            }
            guard name.hasSuffix(".md") else {
                let hint = name.lowercased().hasSuffix(".md") || name.hasSuffix(".markdown")
                    ? "entry files must end in '.md'; rename it"
                    : "category folders hold only <id>.md entries and _index.md; move it out of content/"
                diagnostics.append(.warning("stray file is ignored: \(hint)", file: path))
                continue
            }
            entryCount += 1
            let entryID = String(name.dropLast(3))
            if !ContentRules.isKebabCase(entryID) {
                diagnostics.append(.error(
                    "invalid id '\(entryID)': entry file names must be kebab-case (lower-case letters, digits, single hyphens); rename it to '\(ContentRules.kebabCased(entryID)).md'",
                    file: path))
            }
            entries.append(PendingEntry(id: entryID, category: id, path: filePath, file: path, folderHasCategory: hasCategory))
        }
        if entryCount == 0 && hasCategory {
            diagnostics.append(.warning("category has no entries yet; add <id>.md files or remove the folder", file: folderDisplay))
        }
    }

    /// Reads and parses one entry file; safe to run on several threads at once.
    private static func parseEntryFile(_ pending: PendingEntry) -> ContentFileParser.ParsedEntry {
        switch ContentFileReader.readFile(path: pending.path, display: pending.file).flatMap({ SourceText.decode($0, file: pending.file) }) {
        case .success(let text):
            return ContentFileParser.parseEntry(text, id: pending.id, category: pending.category, file: pending.file)
        case .failure(let diagnostic):
            return ContentFileParser.ParsedEntry(entry: nil, source: EntrySource(file: pending.file), diagnostics: [diagnostic])
        }
    }

    /// The visible names in `folder`, sorted, with what their directory entries say they are;
    /// dot files (editor and OS litter) are skipped, and so are symbolic links that resolve
    /// outside `realRoot` (reported as errors): content is read only from inside the content
    /// folder, whoever wrote the links.
    private func listing(_ folder: URL, display folderDisplay: String, within realRoot: String, diagnostics: inout [Diagnostic]) -> [(name: String, kind: DirectoryListing.Kind)] {
        let folderPath = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
        guard let listed = DirectoryListing.entries(folderPath) else {
            diagnostics.append(.error("cannot list folder: \(String(cString: strerror(errno))); check its permissions", file: folderDisplay))
            return []
        }
        let shownFolder = folderDisplay == "./" ? "" : folderDisplay
        return listed.filter { !$0.name.hasPrefix(".") }.sorted { $0.name < $1.name }.filter { entry in
            let path = folderPath + entry.name
            switch entry.kind {
            case .regular, .directory: return true
            case .unknown: guard Self.isSymbolicLink(path) else { return true }
            case .symbolicLink: break
            }
            // A dangling link or a loop reaches nothing; the reader reports it as unreadable.
            guard let target = Self.realPath(path) else { return true }
            let rootPrefix = realRoot.hasSuffix("/") ? realRoot : realRoot + "/"
            guard target == realRoot || target.hasPrefix(rootPrefix) else {
                diagnostics.append(.error(
                    "symbolic link points outside the content folder (to \(target)) and is not read; copy the file into content/ instead of linking to it",
                    file: shownFolder + entry.name))
                return false
            }
            return true
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The canonical absolute path with every link resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `url` relative to the display root when inside it, otherwise absolute.
    func display(_ url: URL, isDirectory: Bool = false) -> String {
        let base = (displayRoot ?? contentDirectory.standardizedFileURL.deletingLastPathComponent()).standardizedFileURL.path
        let path = url.standardizedFileURL.path
        var shown = path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        if path == base {
            shown = "."
        } else if path.hasPrefix(prefix) {
            shown = String(path.dropFirst(prefix.count))
        }
        return isDirectory && !shown.hasSuffix("/") ? shown + "/" : shown
    }
}
