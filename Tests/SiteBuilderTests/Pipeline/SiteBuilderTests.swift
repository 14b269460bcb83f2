import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

@Suite struct SiteBuilderTests {
    static let fixtureContent = Fixtures.fixtures.appendingPathComponent("content")

    /// A copy of the on-disk fixture content in a temporary folder, to break on purpose.
    static func copyOfFixtureContent(in parent: URL) throws -> URL {
        let content = parent.appendingPathComponent("content")
        try FileManager.default.copyItem(at: fixtureContent.resolvingSymlinksInPath(), to: content)
        return content
    }

    static func options(content: URL, output: URL, baseURL: String? = nil, root: URL? = nil) -> SiteBuildOptions {
        SiteBuildOptions(contentDirectory: content, templatesDirectory: Fixtures.templates, outputDirectory: output, baseURL: baseURL, displayRoot: root)
    }

    @Test func entryFilesAreCountedForTheAllocatorUpToTheLimit() throws {
        // The count that decides how many malloc arenas a build gets (see `limitAllocatorArenas`):
        // `.md` files one folder down, `_index.md` included, nothing else, stopping at the limit.
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let content = try Self.copyOfFixtureContent(in: folder)
        let manager = FileManager.default
        var expected = 0
        for category in try manager.contentsOfDirectory(atPath: content.path) where !category.hasPrefix(".") {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: content.appendingPathComponent(category).path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            expected += try manager.contentsOfDirectory(atPath: content.appendingPathComponent(category).path).filter { $0.hasSuffix(".md") }.count
        }
        #expect(expected > 3)
        try Data().write(to: content.appendingPathComponent("stray.md"))
        #expect(SiteBuilder.entryFileCount(in: content, upTo: 1_000) == expected)
        #expect(SiteBuilder.entryFileCount(in: content, upTo: 3) == 3)
        #expect(SiteBuilder.entryFileCount(in: folder.appendingPathComponent("missing"), upTo: 10) == 0)
    }

    /// The writer checks the index's paths before any file is written, from this prediction;
    /// the index must write exactly those files.
    @Test func theIndexWritesExactlyThePredictedPaths() throws {
        let builder = SiteBuilder(options: Self.options(content: Self.fixtureContent, output: URL(fileURLWithPath: "/nonexistent")))
        for baseURL in ["/", "/help/", "https://help.example.com/docs/"] {
            var kb = Fixtures.knowledgeBase
            kb.site.baseURL = baseURL
            let renderer = try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: Fixtures.templateSet())
            var diagnostics: [Diagnostic] = []
            let indexed = try builder.index.run(SiteBuilder.Rendered(knowledgeBase: kb, renderer: renderer, files: [], pages: 0), diagnostics: &diagnostics)
            let predicted = SiteBuilder.indexPaths(for: renderer)
            #expect(indexed.files.map(\.path).sorted() == predicted.sorted(), "base \(baseURL)")
            #expect(predicted.contains(SitePaths.sitemap) == baseURL.hasPrefix("https:"))
        }
        // Without a search template: the index script only.
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: Fixtures.templates, to: templates)
        try FileManager.default.removeItem(at: templates.appendingPathComponent("search.mustache"))
        let withoutSearch = try #require(TemplateSet.load(from: templates).templates)
        let renderer = try SiteRenderer(knowledgeBase: Fixtures.knowledgeBase, codes: .registry, templates: withoutSearch)
        var diagnostics: [Diagnostic] = []
        let indexed = try builder.index.run(SiteBuilder.Rendered(knowledgeBase: Fixtures.knowledgeBase, renderer: renderer, files: [], pages: 0), diagnostics: &diagnostics)
        #expect(indexed.files.map(\.path) == [SearchIndex.path])
        #expect(SiteBuilder.indexPaths(for: renderer) == [SearchIndex.path])
    }

    @Test func stepsRunInTheDocumentedOrder() {
        #expect(StepName.allCases.map(\.rawValue) == ["load", "validate", "render", "index", "json-api", "write"])
        let builder = SiteBuilder(options: Self.options(content: Self.fixtureContent, output: URL(fileURLWithPath: "/nonexistent")))
        #expect([builder.load.name, builder.validate.name, builder.render.name, builder.index.name, builder.api.name, builder.write.name] == StepName.allCases)
    }

    @Test func buildsTheFixtureContentWithTheRealLoader() throws {
        let parent = try Fixtures.temporaryFolder()
        let output = parent.appendingPathComponent("public")
        let summary = try SiteBuilder(options: Self.options(content: Self.fixtureContent, output: output)).build()
        let files = try Fixtures.snapshot(of: output)
        #expect(summary.files == files.count)
        #expect(summary.bytes == files.values.reduce(0) { $0 + $1.count })
        #expect(summary.pages == files.keys.filter { $0.hasSuffix(".html") }.count)
        #expect(summary.diagnostics.isEmpty, "\(summary.diagnostics)")
        for path in [
            "index.html", "404.html", "authentication/index.html", "authentication/fixture-dmarc-reject/index.html",
            "mailbox/fixture-unknown-user/index.html", "mailbox/fixture-mailbox-full/index.html", "codes/550/index.html",
            "codes/x.7.26/index.html", "providers/index.html", "assets/site.css", "api/v1/entries.json",
        ] {
            #expect(files[path] != nil, "missing \(path)")
        }
        #expect(files["sitemap.xml"] == nil)
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let parent = try Fixtures.temporaryFolder()
        let first = parent.appendingPathComponent("first")
        let second = parent.appendingPathComponent("second")
        try SiteBuilder(options: Self.options(content: Self.fixtureContent, output: first, baseURL: "https://help.example.com/")).build()
        try SiteBuilder(options: Self.options(content: Self.fixtureContent, output: second, baseURL: "https://help.example.com/")).build()
        let a = try Fixtures.snapshot(of: first)
        #expect(a == (try Fixtures.snapshot(of: second)))
        #expect(a["sitemap.xml"] != nil)
        // Rebuilding into the same folder gives the same bytes again.
        try SiteBuilder(options: Self.options(content: Self.fixtureContent, output: first, baseURL: "https://help.example.com/")).build()
        #expect(a == (try Fixtures.snapshot(of: first)))
    }

    @Test func aContentErrorFailsTheBuildAndLeavesTheSiteUntouched() throws {
        let parent = try Fixtures.temporaryFolder()
        let content = try Self.copyOfFixtureContent(in: parent)
        let output = parent.appendingPathComponent("public")
        try SiteBuilder(options: Self.options(content: content, output: output, root: parent)).build()
        let before = try Fixtures.snapshot(of: output)

        // Inject an error: an unknown reason in one entry.
        let entry = content.appendingPathComponent("mailbox/fixture-unknown-user.md")
        let text = try String(contentsOf: entry, encoding: .utf8).replacing("reason: mailbox-not-found", with: "reason: no-such-reason")
        try text.write(to: entry, atomically: true, encoding: .utf8)

        #expect {
            try SiteBuilder(options: Self.options(content: content, output: output, root: parent)).build()
        } throws: { error in
            guard let failure = error as? BuildFailure else { return false }
            return failure.step == .validate
                && failure.diagnostics.contains { $0.severity == .error && $0.file == "content/mailbox/fixture-unknown-user.md" && $0.line > 0 }
        }
        #expect(try Fixtures.snapshot(of: output) == before)
        #expect(try AtomicSiteWriterTests.leftovers(in: parent).isEmpty)
    }

    @Test func contentErrorsAreExactlyThoseOfCheck() throws {
        let parent = try Fixtures.temporaryFolder()
        let content = try Self.copyOfFixtureContent(in: parent)
        try "---\ntitle: Broken\n---\n".write(to: content.appendingPathComponent("mailbox/broken-entry.md"), atomically: true, encoding: .utf8)
        let checked = ContentLoader(contentDirectory: content, displayRoot: parent).load().diagnostics
        #expect(checked.hasErrors)
        do {
            try SiteBuilder(options: Self.options(content: content, output: parent.appendingPathComponent("public"), root: parent)).build()
            Issue.record("the build should fail")
        } catch {
            #expect(error.diagnostics == checked.sorted())
            #expect(error.step == .validate)
        }
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("public").path))
    }

    /// Copies the fixture content and gives one entry a Details section too short and another
    /// a Resolution with nothing to do: warnings of the section lint, which a build runs on
    /// the Markdown it renders. Returns the copy and what `bouncekb check` reports for it.
    static func contentWithSectionWarnings(in parent: URL) throws -> (content: URL, checked: [Diagnostic]) {
        let content = try copyOfFixtureContent(in: parent)
        let unknownUser = content.appendingPathComponent("mailbox/fixture-unknown-user.md")
        var text = try String(contentsOf: unknownUser, encoding: .utf8)
        let details = try #require(text.range(of: "## Details\n"))
        let resolution = try #require(text.range(of: "## Resolution"))
        text.replaceSubrange(details.upperBound..<resolution.lowerBound, with: "\nToo short to explain anything.\n\n")
        try text.write(to: unknownUser, atomically: true, encoding: .utf8)
        let dmarc = content.appendingPathComponent("authentication/fixture-dmarc-reject.md")
        text = try String(contentsOf: dmarc, encoding: .utf8)
        let heading = try #require(text.range(of: "## Resolution"))
        text.replaceSubrange(heading.lowerBound..., with: "## Resolution\n\nThe domain's policy is what it is, and this message will not get through while it stays so.\n")
        try text.write(to: dmarc, atomically: true, encoding: .utf8)
        let checked = ContentLoader(contentDirectory: content, displayRoot: parent).load().diagnostics
        #expect(!checked.hasErrors)
        #expect(checked.filter { $0.message.hasPrefix("Details has only") }.map(\.file) == ["content/mailbox/fixture-unknown-user.md"])
        #expect(checked.filter { $0.message.hasPrefix("Resolution has no actionable step") }.map(\.file) == ["content/authentication/fixture-dmarc-reject.md"])
        return (content, checked)
    }

    @Test func aBuildReportsTheWarningsOfCheck() throws {
        let parent = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let (content, checked) = try Self.contentWithSectionWarnings(in: parent)
        let summary = try SiteBuilder(options: Self.options(content: content, output: parent.appendingPathComponent("public"), root: parent)).build()
        #expect(summary.diagnostics == checked)
    }

    @Test func aBuildStoppedByThePublishingChecksReportsTheWarningsOfCheck() throws {
        let parent = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let (content, checked) = try Self.contentWithSectionWarnings(in: parent)
        // A category folder named like the site's own assets folder passes check, not the build.
        try FileManager.default.moveItem(at: content.appendingPathComponent("authentication"), to: content.appendingPathComponent("assets"))
        let checkedAfterMove = ContentLoader(contentDirectory: content, displayRoot: parent).load().diagnostics
        #expect(checkedAfterMove.count == checked.count)
        do {
            try SiteBuilder(options: Self.options(content: content, output: parent.appendingPathComponent("public"), root: parent)).build()
            Issue.record("the build should fail")
        } catch {
            #expect(error.step == .validate)
            #expect(error.diagnostics.filter { $0.severity == .warning } == checkedAfterMove)
            #expect(error.diagnostics.contains { $0.severity == .error && $0.message.contains("clashes with the site's own assets/ folder") })
        }
    }

    /// Builds the content of `contentWithSectionWarnings` with the temporary folder taken away
    /// at the first event `breaks` accepts: the build fails in the write step, and must report
    /// exactly the warnings of `bouncekb check`.
    func expectWriteFailureWithTheWarningsOfCheck(breakingAt breaks: @escaping @Sendable (SiteBuildEvent) -> Bool) throws {
        let parent = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let (content, checked) = try Self.contentWithSectionWarnings(in: parent)
        let output = parent.appendingPathComponent("public")
        let builder = SiteBuilder(options: Self.options(content: content, output: output, root: parent)) { event in
            guard breaks(event) else { return }
            for leftover in (try? AtomicSiteWriterTests.leftovers(in: parent)) ?? [] {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(leftover))
            }
        }
        do {
            try builder.build()
            Issue.record("the build should fail")
        } catch {
            #expect(error.step == .write)
            #expect(error.diagnostics == checked)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func aBuildThatFailsWhileWritingEntriesReportsTheWarningsOfCheck() throws {
        // Just before the pages are written: every entry's page fails to write, before the
        // section lint has seen any entry.
        try expectWriteFailureWithTheWarningsOfCheck { event in
            if case .pagesPlanned = event { return true }
            return false
        }
    }

    @Test func aBuildThatFailsAfterTheEntriesReportsTheWarningsOfCheckOnce() throws {
        // Once every page is written, when only the index's files are left: the failure then
        // carries the entries' warnings already, and must not get them twice.
        try expectWriteFailureWithTheWarningsOfCheck { $0 == .stepStarted(.index) }
    }

    @Test func brokenTemplatesFailTheLoadStepWithPositions() throws {
        let parent = try Fixtures.temporaryFolder()
        let templates = try TemplateSetTests.copyOfTemplates()
        try "{{#broken}}\n".write(to: templates.appendingPathComponent("entry.mustache"), atomically: true, encoding: .utf8)
        var options = Self.options(content: Self.fixtureContent, output: parent.appendingPathComponent("public"))
        options.templatesDirectory = templates
        do {
            try SiteBuilder(options: options).build()
            Issue.record("the build should fail")
        } catch {
            #expect(error.step == .load)
            #expect(error.diagnostics.contains { $0.file.hasSuffix("templates/entry.mustache") && $0.line > 0 })
        }
    }

    @Test func aBadBaseURLOverrideIsRefused() throws {
        let parent = try Fixtures.temporaryFolder()
        #expect(throws: BuildFailure.self) {
            try SiteBuilder(options: Self.options(content: Self.fixtureContent, output: parent.appendingPathComponent("p"), baseURL: "javascript:alert(1)")).build()
        }
    }

    @Test func publishingChecksStopUnsafeIds() throws {
        var kb = Fixtures.knowledgeBase
        kb.categories.append(Category(id: "assets", title: "Clash", order: 9, summary: "s", description: ""))
        let parent = try Fixtures.temporaryFolder()
        let options = Self.options(content: parent.appendingPathComponent("content"), output: parent.appendingPathComponent("public"))
        do {
            try SiteBuilder(options: options, services: Fixtures.services(kb)).build()
            Issue.record("the build should fail")
        } catch {
            #expect(error.step == .validate)
            #expect(error.diagnostics.contains { $0.message.contains("clashes with the site's own assets/ folder") })
        }
    }

    @Test func failuresNameTheirStep() {
        let failure = BuildFailure(step: .write, path: "public/x", message: "cannot write file")
        #expect(failure.description == "build failed in step write: public/x: cannot write file")
    }
}
