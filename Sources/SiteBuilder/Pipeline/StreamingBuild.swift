import BounceKB
import Dispatch
import Foundation

extension SiteBuilder {
    /// Entries rendered (page and API record) per batch: enough to keep every core busy, few
    /// enough that a batch's pages and records are a few megabytes whatever the site's size.
    static let entryBatch = 512
    /// Up to this many entries the index is made at the same time as the entry pages (using both
    /// cores to the end); above it, after them, so that the index's memory and what the render
    /// threads' arenas hold are never held together. Measured at 100,000 entries: 825-896 MiB
    /// at the peak when overlapped, 774-784 MiB after (a 1 GiB budget); until the entries'
    /// plain text stopped being held from loading to rendering, overlapping went to 0.98 GB.
    static let overlappedIndexLimit = 100_000
    /// Above this many entry files a build gets two malloc arenas (`limitAllocatorArenas`).
    static let fewArenasAbove = 25_000

    /// The render, index, JSON API and write steps of `build()`, interleaved so that memory stays
    /// flat however large the site: pages are written to the temporary folder as soon as they
    /// are rendered, and an entry's page and API record come from one rendering of its Markdown.
    ///
    /// Order: entry pages and records first, then the other pages. The index (sitemap, search)
    /// is made on a thread of its own meanwhile: beside the entry pages up to
    /// `overlappedIndexLimit` entries, and beside the other pages above that, since it is the
    /// largest single allocation of a big site.
    ///
    /// Failures are those of the separate steps, named after them, and leave the output as it
    /// was. Every output path, the index's included (`indexPaths(for:)`), is checked before the
    /// first file is written, so two outputs claiming one file fail the write step before
    /// anything renders. With the standard JSON API the entry ids are checked before any page
    /// is written, so a bad id fails the `json-api` step before a missing template would fail
    /// `render`; both are caught by earlier checks (`load`, `validate`) in practice.
    ///
    /// The section lint the loader left to the build runs on each entry's rendering; a build
    /// that fails before every entry is rendered runs it on all of them, so that it reports
    /// every warning `bouncekb check` reports.
    func renderAndWrite(_ loaded: inout Loaded, diagnostics: inout [Diagnostic], leftovers: DeferredRelease) throws(BuildFailure) -> SiteBuildSummary {
        let sectionLint = loaded.content.sectionLint
        loaded.content.sectionLint = nil
        do throws(BuildFailure) {
            return try renderAndWrite(&loaded, sectionLint: sectionLint, diagnostics: &diagnostics, leftovers: leftovers)
        } catch {
            guard let sectionLint else { throw error }
            // A failure may come before the entries' warnings were added, or carry diagnostics
            // gathered before they were (the index's, made on its own thread).
            var failure = error
            failure.diagnostics = sectionLint.completing(failure.diagnostics, for: loaded.content.knowledgeBase)
            throw failure
        }
    }

    /// `renderAndWrite(_:diagnostics:leftovers:)`, checking each entry's sections with
    /// `sectionLint` as it renders them.
    private func renderAndWrite(_ loaded: inout Loaded, sectionLint: SectionLint?, diagnostics: inout [Diagnostic],
                                leftovers: DeferredRelease) throws(BuildFailure) -> SiteBuildSummary {
        let kb = loaded.content.knowledgeBase
        let services = services
        let templates = loaded.templates
        let generator = options.generator
        // Already merged into `diagnostics` and used by the validate step only.
        loaded.content.sourceFiles = [:]
        loaded.content.diagnostics = []
        // The API's fixed files (codes.json, the schemas) need nothing the pages need: with the
        // standard API they are made on a thread of their own while the renderer is set up and
        // the pages render, and written after the pages.
        let standardAPI = services.writesStandardAPI
        let fixedAPIFiles = standardAPI ? BackgroundResult { () -> Result<[OutputFile], any Error> in
            Result { try APIWriter.fixedFiles(for: kb, generator: generator).map { OutputFile(path: $0.path, contents: $0.contents) } }
        } : nil

        report(.stepStarted(.render))
        let renderer = try BuildStep<Void, SiteRenderer>(.render) { _, _ in
            try SiteRenderer(knowledgeBase: kb, codes: services.codes, templates: templates)
        }.run((), diagnostics: &diagnostics)

        // The JSON API: with the standard one, the files that do not grow with each entry now
        // and the entry records later, beside their pages; otherwise whatever the service makes.
        report(.stepStarted(.api))
        let apiPrepared = try BuildStep<Void, ([OutputFile], APIWriter.EntriesFrame?)>(.api) { _, _ in
            guard standardAPI else {
                return (try services.apiFiles(kb, generator), nil)
            }
            try APIWriter.checkIDs(kb)
            return ([], try APIWriter.entriesDocumentFrame(for: kb, generator: generator))
        }.run((), diagnostics: &diagnostics)
        let apiFiles = apiPrepared.0
        let apiFrame = apiPrepared.1

        let jobs = renderer.model.jobs
        var entryJobs: [(job: PageJob, position: Int)] = []
        var otherJobs: [PageJob] = []
        for job in jobs {
            if case .entry(let position) = job.kind { entryJobs.append((job, position)) } else { otherJobs.append(job) }
        }
        var knownPaths = jobs.map(\.path) + templates.assets.map(\.path) + apiFiles.map(\.path)
        if fixedAPIFiles != nil { knownPaths += APIWriter.fixedPaths }
        if apiFrame != nil {
            knownPaths.append(APIWriter.entriesPath)
            knownPaths += kb.entries.map { APIWriter.entryPath($0.id) }
        }
        // Checked now with the rest; at the end only a path the index adds beyond these is.
        let predictedIndexPaths = Self.indexPaths(for: renderer)
        knownPaths += predictedIndexPaths
        let unpredicted = { (paths: [String]) in paths.filter { !predictedIndexPaths.contains($0) } }

        let writer = writer
        let pathsToCheck = knownPaths
        let session = try BuildStep<Void, AtomicSiteWriter.Session>(.write) { _, _ in
            try writer.begin(paths: pathsToCheck)
        }.run((), diagnostics: &diagnostics)
        var bytes = 0
        var fileCount = 0
        var indexTask: BackgroundResult<(Result<Rendered, BuildFailure>, [Diagnostic])>?
        let outcome: Result<(pages: Int, index: Rendered), BuildFailure>
        do throws(BuildFailure) {
            let small = templates.assets + apiFiles
            try BuildStep<Void, Void>(.write) { _, _ in try writer.write(small, in: session) }.run((), diagnostics: &diagnostics)
            bytes += small.reduce(0) { $0 + $1.contents.count }
            fileCount += small.count
            report(.stepStarted(.render))
            report(.pagesPlanned(total: jobs.count))

            // The index needs nothing the pages produce: it is made on a thread of its own while
            // pages render. Its diagnostics are the ones it adds to those it was started with.
            let indexStep = index
            let empty = Rendered(knowledgeBase: kb, renderer: renderer, files: [], pages: 0)
            let startIndex = { (diagnosticsSoFar: [Diagnostic]) in
                BackgroundResult { () -> (Result<Rendered, BuildFailure>, [Diagnostic]) in
                    var local = diagnosticsSoFar
                    do throws(BuildFailure) {
                        return (.success(try indexStep.run(empty, diagnostics: &local)), Array(local.dropFirst(diagnosticsSoFar.count)))
                    } catch {
                        return (.failure(error), Array(local.dropFirst(diagnosticsSoFar.count)))
                    }
                }
            }
            // Beside the entry pages when the site is small enough for the index and the render
            // threads to share memory; after them otherwise.
            if kb.entries.count <= Self.overlappedIndexLimit { indexTask = startIndex(diagnostics) }

            let entries = try writeEntries(
                entryJobs, renderer: renderer, sectionLint: sectionLint, apiFrame: apiFrame,
                writer: writer, session: session, diagnostics: &diagnostics)
            bytes += entries.bytes
            fileCount += entries.files
            diagnostics += entries.sectionWarnings
            if indexTask == nil {
                // Hand what the entry pages freed back to the system first: glibc keeps each
                // render thread's freed memory in that thread's arena, where the index thread
                // cannot reuse it, and the index is the peak of a large build.
                Self.releaseFreedMemory()
                indexTask = startIndex(diagnostics)
            }

            let others = try writePages(otherJobs, renderer: renderer, writer: writer, session: session, diagnostics: &diagnostics)
            bytes += others
            fileCount += otherJobs.count

            if let fixedAPIFiles {
                let fixed = try BuildStep<Void, [OutputFile]>(.api) { _, _ in try fixedAPIFiles.value.get() }.run((), diagnostics: &diagnostics)
                try BuildStep<Void, Void>(.write) { _, _ in
                    try writer.prepareFolders(for: fixed.map(\.path), in: session)
                    try writer.write(fixed, in: session)
                }.run((), diagnostics: &diagnostics)
                bytes += fixed.reduce(0) { $0 + $1.contents.count }
                fileCount += fixed.count
            }

            report(.stepStarted(.index))
            let (indexResult, indexDiagnostics) = indexTask?.value ?? (.success(empty), [])
            diagnostics += indexDiagnostics
            let indexed = try indexResult.get()
            try BuildStep<Void, Void>(.write) { _, _ in
                try writer.prepareFolders(for: indexed.files.map(\.path), in: session)
                try writer.write(indexed.files, in: session)
            }.run((), diagnostics: &diagnostics)
            bytes += indexed.files.reduce(0) { $0 + $1.contents.count }
            fileCount += indexed.files.count
            outcome = .success((jobs.count, indexed))
        } catch {
            outcome = .failure(error)
        }

        switch outcome {
        case .failure(let failure):
            writer.abort(session)
            // A write that failed because two outputs claim one path is reported as that clash.
            let indexPaths = ((try? indexTask?.value.0.get())?.files ?? []).map(\.path)
            do throws(BuildFailure) {
                try writer.checkPathsOnly(knownPaths + unpredicted(indexPaths))
            } catch {
                throw BuildFailure(step: .write, path: error.path, message: error.message, diagnostics: diagnostics.sorted())
            }
            throw failure
        case .success(let result):
            report(.stepStarted(.write))
            let indexPaths = result.index.files.map(\.path)
            let allPaths = knownPaths + unpredicted(indexPaths)
            try BuildStep<Void, Void>(.write) { _, _ in
                do throws(BuildFailure) {
                    // Every path was checked before the first file was written, unless the
                    // index wrote other files than predicted (then all are checked again).
                    if Set(indexPaths) != Set(predictedIndexPaths) { try writer.checkPathsOnly(allPaths) }
                } catch {
                    writer.abort(session)
                    throw error
                }
                // Only whether a preserved file was written matters, so only those are listed.
                let preserved = Set(writer.preservedFiles)
                try writer.finish(session, produced: Set(allPaths.filter(preserved.contains)))
            }.run((), diagnostics: &diagnostics)
            let pages = result.pages + result.index.pages
            // What the build made to get here, freed once the build has returned (see
            // `DeferredRelease`); the last references are the ones added here.
            leftovers.add(renderer, jobs, entryJobs, otherJobs, knownPaths, allPaths, result.index, indexTask as Any)
            return SiteBuildSummary(pages: pages, files: fileCount, bytes: bytes, diagnostics: diagnostics.filter { $0.severity == .warning }.sorted(),
                                    templateRenders: loaded.templates.shapes.counts)
        }
    }

    /// Caps the C library's malloc arenas (glibc's `mallopt(M_ARENA_MAX, n)`, looked up at run
    /// time like `malloc_trim`), unless `MALLOC_ARENA_MAX` in `environment` already says how
    /// many: two when `contentDirectory` holds more than `fewArenasAbove` entry files (or
    /// is not given), four otherwise. glibc otherwise gives each thread an arena of its own,
    /// and memory freed in one is not reused by the others: at 100,000 entries two arenas keep
    /// the peak under 1 GiB (three or four go over it). With two, though, the render threads,
    /// the index thread and the main thread wait for each other's arena: at 10,000 entries
    /// four arenas cut context switches from about 2,500 to 600 and the build by a few
    /// percent. glibc fixes the limit when it first needs a new arena, so it is decided
    /// here, before the build, from a count of the entry files (which stops at the limit).
    /// Call it before a build; it changes the whole process's allocator, which is why the
    /// command, not the library, decides. Elsewhere than glibc it does nothing.
    public static func limitAllocatorArenas(environment: [String: String], contentDirectory: URL? = nil) {
        #if canImport(Glibc)
        guard environment["MALLOC_ARENA_MAX"] == nil else { return }
        let isLarge = contentDirectory.map { entryFileCount(in: $0, upTo: fewArenasAbove + 1) > fewArenasAbove } ?? true
        typealias Option = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX in <malloc.h>
        _ = unsafeBitCast(symbol, to: Option.self)(arenaMaximum, isLarge ? 2 : 4)
        #endif
    }

    /// The `.md` files in the folders directly inside `contentDirectory`, counted up to `limit`.
    static func entryFileCount(in contentDirectory: URL, upTo limit: Int) -> Int {
        let root = contentDirectory.path.hasSuffix("/") ? contentDirectory.path : contentDirectory.path + "/"
        var count = 0
        for folder in DirectoryListing.entries(root) ?? [] where !folder.name.hasPrefix(".") {
            for file in DirectoryListing.entries(root + folder.name) ?? [] where file.name.hasSuffix(".md") {
                count += 1
                if count >= limit { return count }
            }
        }
        return count
    }

    /// Returns memory that was freed but is still held by the allocator to the system, where
    /// the C library can (glibc's `malloc_trim`, looked up at run time because Swift's Glibc
    /// module leaves out `<malloc.h>`); elsewhere nothing happens.
    static func releaseFreedMemory() {
        #if canImport(Glibc)
        typealias Trim = @convention(c) (Int) -> Int32
        // A null handle is glibc's RTLD_DEFAULT: search every loaded library.
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    /// Renders and writes `jobs` (no entry pages) on all cores; returns the bytes written.
    private func writePages(_ jobs: [PageJob], renderer: SiteRenderer, writer: AtomicSiteWriter, session: AtomicSiteWriter.Session,
                            diagnostics: inout [Diagnostic]) throws(BuildFailure) -> Int {
        let results = Parallel.map(jobs, minimumBatch: 2) { job -> PageOutcome in
            guard WriteInterruption.received == nil else { return .skipped }
            guard let page = renderer.renderPageOutput(job) else { return .missingTemplate }
            if let message = writer.write(page: page, to: job.path, in: session) { return .writeFailed(message) }
            return .written(page.byteCount)
        }
        report(.pagesDone(count: jobs.count))
        return try collect(results, paths: jobs.map(\.path), jobs: jobs, writer: writer, diagnostics: &diagnostics)
    }

    /// Renders and writes every entry's page and, with the standard JSON API, its record
    /// (`entries/<id>.json`, and in order into `entries.json`), batch by batch.
    /// With `sectionLint`, each entry's sections are checked from the parse they are rendered
    /// from; the warnings are returned, not added to `diagnostics`.
    private func writeEntries(_ jobs: [(job: PageJob, position: Int)], renderer: SiteRenderer, sectionLint: SectionLint?,
                              apiFrame: APIWriter.EntriesFrame?,
                              writer: AtomicSiteWriter, session: AtomicSiteWriter.Session,
                              diagnostics: inout [Diagnostic]) throws(BuildFailure) -> (bytes: Int, files: Int, sectionWarnings: [Diagnostic]) {
        let kb = renderer.knowledgeBase
        let site = kb.site
        let withAPI = apiFrame != nil
        var bytes = 0
        var files = 0
        var sectionWarnings: [Diagnostic] = []
        // entries.json goes to disk batch by batch: at 100,000 entries it is half a gigabyte.
        var entriesFile: AtomicSiteWriter.StreamedFile?
        if let apiFrame {
            let file = try BuildStep<Void, AtomicSiteWriter.StreamedFile>(.write) { _, _ in
                try writer.streamedFile(APIWriter.entriesPath, in: session)
            }.run((), diagnostics: &diagnostics)
            file.append(apiFrame.head)
            entriesFile = file
        }
        var recordIndex = 0
        var batchStart = 0
        while batchStart < jobs.count {
            let batch = Array(jobs[batchStart..<min(jobs.count, batchStart + Self.entryBatch)])
            batchStart += batch.count
            let results = Parallel.map(batch, minimumBatch: 2) { item -> (page: PageOutcome, indentedRecord: [UInt8]?, recordOutcome: PageOutcome, warnings: [Diagnostic]) in
                guard WriteInterruption.received == nil else { return (.skipped, nil, .skipped, []) }
                let entry = kb.entries[item.position]
                let sections = EntrySections(entry, plainText: withAPI, forSectionLint: sectionLint != nil)
                let warnings = sectionLint.flatMap { lint in
                    sections.sectionLintText.map { lint.warnings(forEntryAt: item.position, entry, text: $0) }
                } ?? []
                var pageOutcome = PageOutcome.missingTemplate
                if let page = renderer.renderPageOutput(item.job, sections: sections) {
                    if let message = writer.write(page: page, to: item.job.path, in: session) {
                        pageOutcome = .writeFailed(message)
                    } else {
                        pageOutcome = .written(page.byteCount)
                    }
                }
                guard withAPI else { return (pageOutcome, nil, .skipped, warnings) }
                let record = APIWriter.entryRecordJSON(entry, site: site, sections: sections)
                let file = Data(record + [0x0A])
                // `entries.json` holds the record indented: indented here, on all cores.
                let indented = APIWriter.indentedEntry(record)
                if let message = writer.write(file, to: APIWriter.entryPath(entry.id), in: session) {
                    return (pageOutcome, indented, .writeFailed(message), warnings)
                }
                return (pageOutcome, indented, .written(file.count), warnings)
            }
            for result in results { sectionWarnings += result.warnings }
            bytes += try collect(results.map(\.page), paths: batch.map(\.job.path), jobs: batch.map(\.job), writer: writer, diagnostics: &diagnostics)
            files += batch.count
            report(.pagesDone(count: batch.count))
            if withAPI {
                let recordPaths = batch.map { APIWriter.entryPath(kb.entries[$0.position].id) }
                bytes += try collect(results.map(\.recordOutcome), paths: recordPaths, jobs: batch.map(\.job), writer: writer, diagnostics: &diagnostics)
                files += batch.count
                var chunk: [UInt8] = []
                for result in results {
                    guard let indented = result.indentedRecord else { continue }
                    APIWriter.appendIndentedEntry(indented, index: recordIndex, to: &chunk)
                    recordIndex += 1
                }
                entriesFile?.append(chunk)
            }
        }
        if let apiFrame, let entriesFile {
            entriesFile.append(apiFrame.tail(hasEntries: recordIndex > 0))
            if let message = entriesFile.close() {
                var failure = writer.writeFailure(message, path: entriesFile.path)
                failure.diagnostics = diagnostics.sorted()
                throw failure
            }
            bytes += entriesFile.bytes
            files += 1
        }
        return (bytes, files, sectionWarnings)
    }

    private enum PageOutcome: Sendable {
        case written(Int)
        case missingTemplate
        case writeFailed(String)
        case skipped
    }

    /// The bytes written, or the first failure in path order (render failures first, as the
    /// render step comes before the write step).
    private func collect(_ outcomes: [PageOutcome], paths: [String], jobs: [PageJob], writer: AtomicSiteWriter,
                         diagnostics: inout [Diagnostic]) throws(BuildFailure) -> Int {
        var bytes = 0
        for (index, outcome) in outcomes.enumerated() {
            if case .missingTemplate = outcome {
                let error = SiteRenderer.missingTemplate(jobs[index])
                throw BuildFailure(step: .render, path: error.path, message: error.message, diagnostics: diagnostics.sorted())
            }
        }
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .written(let count): bytes += count
            case .writeFailed(let message):
                var failure = writer.writeFailure(message, path: paths[index])
                failure.diagnostics = diagnostics.sorted()
                throw failure
            case .skipped:
                if var failure = writer.interruption() {
                    failure.diagnostics = diagnostics.sorted()
                    throw failure
                }
            case .missingTemplate: break
            }
        }
        return bytes
    }
}

/// Values a build no longer needs, released on a thread of their own once the build is done:
/// freeing a large site's model, page list and index took the main thread some 0.4 s at
/// 100,000 entries (a twelfth of a second at 10,000), and `bouncekb build`, which exits right
/// after, need not wait for it. Add a value only when nothing else will hold it once the
/// function adding it returns, so that the last reference is the one released here.
final class DeferredRelease: @unchecked Sendable {
    // Filled by the build's thread, then emptied by the releasing thread it starts.
    private var values: [Any] = []

    func add(_ values: Any...) {
        self.values += values
    }

    /// Releases everything added on a new thread.
    func releaseInBackground() {
        guard !values.isEmpty else { return }
        let thread = Thread { [self] in values.removeAll() }
        // Freeing nested values can recurse; as much stack as the main thread.
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// A value computed on a thread of its own, waited for with `value`.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private let work: @Sendable () -> Value
    // Written once by the background thread before `leave()`, read only after `wait()`.
    private var result: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        group.enter()
        let thread = Thread { [self] in
            result = work()
            group.leave()
        }
        // As much stack as the main thread: the work may render templates, which recurse.
        thread.stackSize = 8 << 20
        thread.start()
    }

    var value: Value {
        group.wait()
        // Always set once `wait()` returns; computing it here is only a formal fallback.
        return result ?? work()
    }
}
