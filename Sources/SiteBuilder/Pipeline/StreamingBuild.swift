import BounceKB
import Dispatch
import Foundation

extension SiteBuilder {
    /// Entries rendered (page and API record) per batch: enough to keep every core busy, few
    /// enough that a batch's pages and records are a few megabytes whatever the site's size.
    static let entryBatch = 512

    /// The render, index, JSON API and write steps of `build()`, interleaved so that memory stays
    /// flat however large the site: pages are written to the temporary folder as soon as they
    /// are rendered, and an entry's page and API record come from one rendering of its Markdown.
    /// The index (sitemap, search) is made on a thread of its own meanwhile.
    ///
    /// Failures are those of the separate steps, named after them, and leave the output as it
    /// was. With the standard JSON API the entry ids are checked before any page is written,
    /// so a bad id fails the `json-api` step before a missing template would fail `render`; both
    /// are caught by earlier checks (`load`, `validate`) in practice.
    func renderAndWrite(_ loaded: Loaded, diagnostics: inout [Diagnostic]) throws(BuildFailure) -> SiteBuildSummary {
        let kb = loaded.content.knowledgeBase
        let services = services
        let templates = loaded.templates
        let generator = options.generator
        let renderer = try BuildStep<Void, SiteRenderer>(.render) { _, _ in
            try SiteRenderer(knowledgeBase: kb, codes: services.codes, templates: templates)
        }.run((), diagnostics: &diagnostics)
        let empty = Rendered(knowledgeBase: kb, renderer: renderer, files: [], pages: 0)

        // The index needs nothing the pages produce.
        let indexStep = index
        let diagnosticsSoFar = diagnostics
        let indexTask = BackgroundResult { () -> (Result<Rendered, BuildFailure>, [Diagnostic]) in
            var local = diagnosticsSoFar
            do throws(BuildFailure) {
                return (.success(try indexStep.run(empty, diagnostics: &local)), local)
            } catch {
                return (.failure(error), local)
            }
        }

        // The JSON API: with the standard one, the files that do not grow with each entry now
        // and the entry records later, beside their pages; otherwise whatever the service makes.
        let standardAPI = services.writesStandardAPI
        let apiPrepared: (files: [OutputFile], frame: APIWriter.EntriesFrame?)
        do throws(BuildFailure) {
            apiPrepared = try BuildStep<Void, ([OutputFile], APIWriter.EntriesFrame?)>(.api) { _, _ in
                guard standardAPI else {
                    return (try services.apiFiles(kb, generator), nil)
                }
                try APIWriter.checkIDs(kb)
                let fixed = try APIWriter.fixedFiles(for: kb, generator: generator).map { OutputFile(path: $0.path, contents: $0.contents) }
                return (fixed, try APIWriter.entriesDocumentFrame(for: kb, generator: generator))
            }.run((), diagnostics: &diagnostics)
        } catch {
            _ = indexTask.value
            throw error
        }

        let jobs = renderer.model.jobs
        var entryJobs: [(job: PageJob, position: Int)] = []
        var otherJobs: [PageJob] = []
        for job in jobs {
            if case .entry(let position) = job.kind { entryJobs.append((job, position)) } else { otherJobs.append(job) }
        }
        var knownPaths = jobs.map(\.path) + templates.assets.map(\.path) + apiPrepared.files.map(\.path)
        if apiPrepared.frame != nil {
            knownPaths.append(APIWriter.entriesPath)
            knownPaths += kb.entries.map { APIWriter.entryPath($0.id) }
        }

        let writer = writer
        let pathsToCheck = knownPaths
        let session: AtomicSiteWriter.Session
        do throws(BuildFailure) {
            session = try BuildStep<Void, AtomicSiteWriter.Session>(.write) { _, _ in
                try writer.begin(paths: pathsToCheck)
            }.run((), diagnostics: &diagnostics)
        } catch {
            _ = indexTask.value
            throw error
        }
        var bytes = 0
        var fileCount = 0
        let outcome: Result<(pages: Int, index: Rendered), BuildFailure>
        do throws(BuildFailure) {
            // Small files first; then every page but entries'; then entries in batches.
            let small = templates.assets + apiPrepared.files
            try BuildStep<Void, Void>(.write) { _, _ in try writer.write(small, in: session) }.run((), diagnostics: &diagnostics)
            bytes += small.reduce(0) { $0 + $1.contents.count }
            fileCount += small.count

            let others = try writePages(otherJobs, renderer: renderer, writer: writer, session: session, diagnostics: &diagnostics)
            bytes += others
            fileCount += otherJobs.count

            let entries = try writeEntries(
                entryJobs, renderer: renderer, plainText: loaded.content.plainText, apiFrame: apiPrepared.frame,
                writer: writer, session: session, diagnostics: &diagnostics)
            bytes += entries.bytes
            fileCount += entries.files

            // The index, made meanwhile.
            let (indexResult, indexDiagnostics) = indexTask.value
            diagnostics = indexDiagnostics
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
            let (indexResult, _) = indexTask.value
            let indexPaths = (try? indexResult.get())?.files.map(\.path) ?? []
            do throws(BuildFailure) {
                try writer.checkPathsOnly(knownPaths + indexPaths)
            } catch {
                throw BuildFailure(step: .write, path: error.path, message: error.message, diagnostics: diagnostics.sorted())
            }
            throw failure
        case .success(let result):
            let allPaths = knownPaths + result.index.files.map(\.path)
            try BuildStep<Void, Void>(.write) { _, _ in
                do throws(BuildFailure) {
                    try writer.checkPathsOnly(allPaths)
                } catch {
                    writer.abort(session)
                    throw error
                }
                try writer.finish(session, produced: Set(allPaths))
            }.run((), diagnostics: &diagnostics)
            let pages = result.pages + result.index.pages
            return SiteBuildSummary(pages: pages, files: fileCount, bytes: bytes, diagnostics: diagnostics.filter { $0.severity == .warning }.sorted())
        }
    }

    /// Renders and writes `jobs` (no entry pages) on all cores; returns the bytes written.
    private func writePages(_ jobs: [PageJob], renderer: SiteRenderer, writer: AtomicSiteWriter, session: AtomicSiteWriter.Session,
                            diagnostics: inout [Diagnostic]) throws(BuildFailure) -> Int {
        let results = Parallel.map(jobs, minimumBatch: 2) { job -> PageOutcome in
            guard WriteInterruption.received == nil else { return .skipped }
            guard let page = renderer.renderPage(job) else { return .missingTemplate }
            if let message = writer.write(page, to: job.path, in: session) { return .writeFailed(message) }
            return .written(page.count)
        }
        return try collect(results, paths: jobs.map(\.path), jobs: jobs, writer: writer, diagnostics: &diagnostics)
    }

    /// Renders and writes every entry's page and, with the standard JSON API, its record
    /// (`entries/<id>.json`, and in order into `entries.json`), batch by batch.
    private func writeEntries(_ jobs: [(job: PageJob, position: Int)], renderer: SiteRenderer, plainText: [String: EntryPlainText],
                              apiFrame: APIWriter.EntriesFrame?,
                              writer: AtomicSiteWriter, session: AtomicSiteWriter.Session,
                              diagnostics: inout [Diagnostic]) throws(BuildFailure) -> (bytes: Int, files: Int) {
        let kb = renderer.knowledgeBase
        let site = kb.site
        let withAPI = apiFrame != nil
        var bytes = 0
        var files = 0
        var entriesJSON = apiFrame?.head ?? []
        var recordIndex = 0
        var batchStart = 0
        while batchStart < jobs.count {
            let batch = Array(jobs[batchStart..<min(jobs.count, batchStart + Self.entryBatch)])
            batchStart += batch.count
            let results = Parallel.map(batch, minimumBatch: 2) { item -> (page: PageOutcome, record: [UInt8]?, recordOutcome: PageOutcome) in
                guard WriteInterruption.received == nil else { return (.skipped, nil, .skipped) }
                let entry = kb.entries[item.position]
                let sections = EntrySections(entry, plainText: withAPI, knownText: plainText[entry.id])
                var pageOutcome = PageOutcome.missingTemplate
                if let page = renderer.renderPage(item.job, sections: sections) {
                    if let message = writer.write(page, to: item.job.path, in: session) {
                        pageOutcome = .writeFailed(message)
                    } else {
                        pageOutcome = .written(page.count)
                    }
                }
                guard withAPI else { return (pageOutcome, nil, .skipped) }
                let record = APIWriter.entryRecordJSON(entry, site: site, sections: sections)
                let file = Data(record + [0x0A])
                if let message = writer.write(file, to: APIWriter.entryPath(entry.id), in: session) {
                    return (pageOutcome, record, .writeFailed(message))
                }
                return (pageOutcome, record, .written(file.count))
            }
            bytes += try collect(results.map(\.page), paths: batch.map(\.job.path), jobs: batch.map(\.job), writer: writer, diagnostics: &diagnostics)
            files += batch.count
            if withAPI {
                let recordPaths = batch.map { APIWriter.entryPath(kb.entries[$0.position].id) }
                bytes += try collect(results.map(\.recordOutcome), paths: recordPaths, jobs: batch.map(\.job), writer: writer, diagnostics: &diagnostics)
                files += batch.count
                for result in results {
                    guard let record = result.record else { continue }
                    APIWriter.appendEntry(record, index: recordIndex, to: &entriesJSON)
                    recordIndex += 1
                }
            }
        }
        if let apiFrame {
            entriesJSON += apiFrame.tail(hasEntries: recordIndex > 0)
            let file = OutputFile(path: APIWriter.entriesPath, contents: Data(entriesJSON))
            try BuildStep<Void, Void>(.write) { _, _ in try writer.write([file], in: session) }.run((), diagnostics: &diagnostics)
            bytes += file.contents.count
            files += 1
        }
        return (bytes, files)
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
