import BounceKB
import Foundation
import FuzzKit
import SiteBuilder
import Testing

/// The committed hostile corpus (Fixtures/hostile-content/): payloads in every field that
/// reaches a page. It is valid content, so it loads and builds; the tests prove that what comes
/// out is inert, first by reading the HTML, then by letting a real browser run it.
///
/// Every payload tries to write the marker `PW` + `NED` (built by concatenation, so the marker
/// itself only appears if a script ran) into `document.title` or the page.
@Suite struct HostileSiteTests {
    static let corpus = hardeningFixtures.appendingPathComponent("hostile-content")
    static let marker = "PW" + "NED"

    /// Builds the corpus with the project's templates into a temporary folder.
    static func buildSite() throws -> (folder: TemporaryFolder, output: URL) {
        let folder = try TemporaryFolder("site")
        let output = folder.path("public")
        let options = SiteBuildOptions(
            contentDirectory: corpus, templatesDirectory: repositoryRoot.appendingPathComponent("templates"),
            outputDirectory: output, displayRoot: repositoryRoot)
        do {
            try SiteBuilder(options: options).build()
        } catch {
            folder.remove()
            throw error
        }
        return (folder, output)
    }

    @Test func corpusLoadsAsDataWithoutErrors() throws {
        let result = ContentLoader(contentDirectory: Self.corpus, displayRoot: repositoryRoot).load()
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.filter { $0.severity == .error })")
        #expect(result.knowledgeBase.entries.count == 4)
        // Unknown providers (markup, traversal) are warned about, and kept as text.
        let providerWarnings = result.diagnostics.filter { $0.message.hasPrefix("unknown provider") }
        #expect(providerWarnings.count == 3)
        // The loader keeps text as written; escaping is the renderer's job, done once.
        let entry = try #require(result.knowledgeBase.entry("script-in-every-field"))
        #expect(entry.title.hasPrefix("<script>document.title='PW'+'NED'</script>"))
        #expect(entry.providers.contains("../../etc/passwd"))
        // CRLF line ends and a byte order mark change nothing.
        let windows = try #require(result.knowledgeBase.entry("crlf-and-bom"))
        #expect(windows.title == "CRLF line ends and a byte order mark")
        #expect(!windows.details.contains("\r") && !windows.resolution.contains("\r"))
    }

    @Test func everyPageIsInert() throws {
        let (folder, output) = try Self.buildSite()
        defer { folder.remove() }
        let pages = files(under: output).filter { $0.hasSuffix(".html") }
        #expect(pages.count > 20)
        for page in pages {
            let html = try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8)
            #expect(!html.contains(Self.marker), "\(page): the marker is in the page")
            for problem in PageSafety.problems(in: html) {
                Issue.record("\(page): \(problem)")
            }
        }
        // Unsafe reference URLs were dropped, not written as links.
        let entry = try String(contentsOf: output.appendingPathComponent("hostile/script-in-every-field/index.html"), encoding: .utf8)
        let hrefs = HTMLSafety.tags(in: entry).flatMap { $0.attributes.filter { $0.0 == "href" }.map(\.1) }
        // The reference whose URL holds `"><script>` is dropped; one with quotes only inside a
        // query stays, escaped, and is harmless inside a double-quoted attribute.
        #expect(!hrefs.contains { $0.contains("&quot;") || $0.contains("&lt;") || $0.lowercased().contains("%3cscript") }, "\(hrefs)")
        #expect(hrefs.contains("https://example.com/safe?a=1&amp;b=2"))
    }

    /// The JSON API carries the payloads as data, exactly as written, and stays valid JSON.
    @Test func apiKeepsPayloadsAsData() throws {
        let (folder, output) = try Self.buildSite()
        defer { folder.remove() }
        let data = try Data(contentsOf: output.appendingPathComponent("api/v1/entries.json"))
        let document = try APIDocument.decode(from: data)
        let loaded = ContentLoader(contentDirectory: Self.corpus).load().knowledgeBase
        #expect(document.knowledgeBase().entries.map(\.title) == loaded.entries.map(\.title))
        #expect(document.knowledgeBase().entries.map(\.match) == loaded.entries.map(\.match))
        for record in document.entries {
            #expect(HTMLSafety.problems(in: record.details.html).isEmpty, "\(record.id) details html")
            #expect(HTMLSafety.problems(in: record.resolution.html).isEmpty, "\(record.id) resolution html")
            #expect(!record.details.text.contains("<script") || record.details.markdown.contains("`"), "\(record.id): raw HTML in plain text")
        }
    }

    /// Data embedded in pages or shipped as JavaScript (the search index, once it exists) must
    /// not be able to end its script element or break out of its string literals.
    @Test func embeddedDataCannotEndItsScript() throws {
        let (folder, output) = try Self.buildSite()
        defer { folder.remove() }
        for page in files(under: output).filter({ $0.hasSuffix(".html") }) {
            let html = try String(contentsOf: output.appendingPathComponent(page), encoding: .utf8)
            for block in PageSafety.inlineScripts(in: html) {
                let lower = block.lowercased()
                #expect(!lower.contains("<!--") && !lower.contains("<script"), "\(page): inline script data is not escaped for HTML")
                #expect(!block.contains("PW'+'NED"), "\(page): a payload reached an inline script unescaped")
            }
        }
        let scripts = files(under: output).filter { $0.hasSuffix(".js") || $0.hasSuffix(".mjs") }
        guard !scripts.isEmpty, FileManager.default.isExecutableFile(atPath: "/usr/bin/node") else { return }
        for script in scripts {
            // A payload that broke out of a string literal makes the file invalid or changes its code.
            let check = try run("/usr/bin/node", ["--check", output.appendingPathComponent(script).path], timeout: 30)
            #expect(check.status == 0, "\(script) is not valid JavaScript: \(check.err)")
        }
    }

    /// Headless Chromium opens every page of the hostile site inside a probe page, fires the
    /// usual events at every element, and reports whether any payload ran. A control page with
    /// live payloads proves that the probe would notice.
    @Test func browserRunsNoPayload() throws {
        guard let chromium = Browser.path else {
            Issue.record("chromium not found; install it (scripts/ensure-test-deps.sh) to run the browser test")
            return
        }
        let (folder, output) = try Self.buildSite()
        defer { folder.remove() }
        try folder.write("control.html", """
            <!DOCTYPE html><html><head><title>control</title></head><body>
            <img src="x" onerror="document.title='PW'+'NED'">
            <div onmouseover="document.documentElement.setAttribute('data-pwned','1')">control</div>
            </body></html>
            """)
        // Every page that shows content (the code pages only repeat the layout's site title and
        // description, so the browser opens those that list hostile entries and the index).
        let usedCodes = ["550", "421", "552", "554", "x.7.1", "x.2.2", "index.html"]
        let pages = files(under: output).filter { $0.hasSuffix(".html") }
            .filter { path in !path.hasPrefix("codes/") || usedCodes.contains { path.hasPrefix("codes/\($0)") } }
            .map { "public/" + $0 }
        let report = try Browser.probe(chromium: chromium, folder: folder, pages: ["control.html"] + pages)
        let control = try #require(report.first { $0.url == "control.html" })
        #expect(control.title == Self.marker && control.pwned == "1", "the probe cannot detect a payload that runs; the test proves nothing")
        #expect(report.count == pages.count + 1, "the probe reported \(report.count) of \(pages.count + 1) pages")
        // The search script ran on the hostile index and rendered results (with highlights).
        let usesSearch = try pages.contains { try String(contentsOf: folder.path($0), encoding: .utf8).contains("search.js") }
        if usesSearch {
            #expect(report.contains { $0.searched > 0 && $0.marks > 0 }, "no page rendered search results; the search part of the test proved nothing")
        }
        for page in report where page.url != "control.html" {
            #expect(page.loaded, "\(page.url) could not be inspected")
            #expect(page.title != Self.marker, "\(page.url): a payload changed the title")
            #expect(page.pwned == nil, "\(page.url): a payload wrote to the page")
            #expect(page.handlers.isEmpty, "\(page.url): event handler attributes \(page.handlers)")
            #expect(page.scriptLinks.isEmpty, "\(page.url): script links \(page.scriptLinks)")
        }
    }
}

/// Checks on a whole generated page: the templates may use `<meta>`, `<link>` and inline SVG,
/// but nothing may run script.
enum PageSafety {
    static func problems(in html: String) -> [String] {
        var problems: [String] = []
        for tag in HTMLSafety.tags(in: html) {
            if ["iframe", "frame", "object", "embed", "applet", "base", "portal"].contains(tag.name) {
                problems.append("<\(tag.name)> element")
            }
            if tag.name == "script" {
                let source = tag.attributes.first { $0.0 == "src" }?.1 ?? ""
                let type = tag.attributes.first { $0.0 == "type" }?.1.lowercased() ?? ""
                // Allowed: the site's own scripts by relative path, and JSON data islands.
                let sameSite = !source.isEmpty && !source.hasPrefix("//") && !source.contains(":")
                if !sameSite && !type.contains("json") {
                    problems.append("<script> element \(tag.attributes)")
                }
            }
            if tag.name == "meta", tag.attributes.contains(where: { $0.0 == "http-equiv" }) {
                problems.append("<meta http-equiv>")
            }
            for (name, value) in tag.attributes {
                if name.hasPrefix("on") { problems.append("event handler \(name) on <\(tag.name)>") }
                if name == "style" && (value.lowercased().contains("expression(") || value.lowercased().contains("url(")) {
                    problems.append("style attribute with url() or expression() on <\(tag.name)>")
                }
            }
        }
        // Script URLs anywhere in attributes (href, src, action, formaction, ...).
        problems += HTMLSafety.problems(in: html).filter { $0.hasPrefix("script URL") || $0.hasPrefix("event handler") }
        return Array(Set(problems)).sorted()
    }

    /// The contents of inline `<script>` elements (none today; the search feature may add a
    /// JSON data island).
    static func inlineScripts(in html: String) -> [String] {
        var blocks: [String] = []
        var rest = Substring(html)
        while let open = rest.range(of: "<script", options: .caseInsensitive) {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let bodyStart = rest.index(after: tagEnd)
            guard let close = rest[bodyStart...].range(of: "</script", options: .caseInsensitive) else { break }
            blocks.append(String(rest[bodyStart..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return blocks
    }
}

/// Headless Chromium, driven through a probe page.
enum Browser {
    static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct PageReport: Decodable {
        var url: String
        var loaded: Bool
        var title: String?
        var pwned: String?
        var handlers: [String]
        var scriptLinks: [String]
        /// Queries typed into the page's search boxes, and the most highlighted words seen.
        var searched: Int
        var marks: Int
    }

    /// Loads each page (paths relative to `folder`) in an iframe of a probe page, fires events
    /// at every element, waits, and reads back what the page's document looks like.
    static func probe(chromium: String, folder: TemporaryFolder, pages: [String]) throws -> [PageReport] {
        let list = String(decoding: try JSONEncoder().encode(pages), as: UTF8.self)
        // The result markers are built by concatenation so that the probe's own source never matches.
        try folder.write("probe.html", """
            <!DOCTYPE html><html><head><title>probe</title></head><body><pre id="out"></pre>
            <script>
            const pages = \(list);
            const events = ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'click', 'dblclick', 'focus', 'focusin',
              'blur', 'keydown', 'keyup', 'input', 'change', 'submit', 'error', 'load', 'animationstart', 'transitionend', 'toggle', 'pointerover'];
            const queries = ['script', 'PW', 'onerror', 'javascript:', 'mustache {{email}}', '\\u003c/script\\u003e', '550 5.7.1', 'quoted'];
            const results = [];
            const pause = ms => new Promise(resolve => setTimeout(resolve, ms));
            function scan(doc, report) {
              for (const element of doc.querySelectorAll('*')) {
                for (const attribute of element.attributes) {
                  const name = element.tagName + '[' + attribute.name + ']';
                  if (attribute.name.toLowerCase().startsWith('on') && !report.handlers.includes(name)) report.handlers.push(name);
                }
                for (const type of events) { try { element.dispatchEvent(new Event(type, { bubbles: true })); } catch (e) {} }
              }
              for (const element of doc.querySelectorAll('a[href], area[href], iframe[src], embed[src], object[data], form[action], img[src]')) {
                const target = element.href || element.src || element.data || element.action || '';
                const scheme = String(target).trim().toLowerCase();
                const rasterImage = /^data:image\\/(png|gif|jpeg|webp)[;,]/.test(scheme);
                if (scheme.startsWith('javascript:') || scheme.startsWith('vbscript:') || (scheme.startsWith('data:') && !rasterImage)) {
                  report.scriptLinks.push(element.tagName + ' ' + target);
                }
              }
            }
            function inspect(url) {
              return new Promise(resolve => {
                const frame = document.createElement('iframe');
                frame.onload = async () => {
                  let doc = null;
                  try { doc = frame.contentDocument; } catch (e) {}
                  const report = { url, loaded: !!doc, title: null, pwned: null, handlers: [], scriptLinks: [], searched: 0, marks: 0 };
                  if (doc) {
                    scan(doc, report);
                    // Type hostile queries into every search box, so the search script renders
                    // results made from the hostile entries, then look again.
                    const input = doc.querySelector('input[type=search], input[name=q]');
                    if (input) {
                      for (const query of queries) {
                        input.value = query;
                        input.dispatchEvent(new Event('input', { bubbles: true }));
                        await pause(120);
                        report.searched += 1;
                        report.marks = Math.max(report.marks, doc.querySelectorAll('mark').length);
                      }
                      scan(doc, report);
                    }
                  }
                  await pause(50);
                  if (doc) { report.title = doc.title; report.pwned = doc.documentElement.getAttribute('data-pwned'); }
                  results.push(report);
                  frame.remove();
                  resolve();
                };
                frame.src = url;
                document.body.appendChild(frame);
              });
            }
            const finish = text => { document.getElementById('out').textContent = 'PROBE' + '-BEGIN' + text + 'PROBE' + '-END'; };
            window.onerror = (message, source, line) => finish('"probe error: ' + String(message).replace(/"/g, "'") + ' at ' + line + '"');
            (async () => {
              for (const page of pages) await inspect(page);
              finish(JSON.stringify(results));
            })().catch(error => finish('"probe error: ' + String(error).replace(/"/g, "'") + '"'));
            </script></body></html>
            """)
        let profile = folder.path("chromium-profile")
        let result = try run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--allow-file-access-from-files", "--user-data-dir=\(profile.path)", "--virtual-time-budget=600000",
            "--dump-dom", folder.path("probe.html").absoluteString,
        ], timeout: 120)
        let dom = result.out
        guard let begin = dom.range(of: "PROBE-BEGIN"), let end = dom.range(of: "PROBE-END", range: begin.upperBound..<dom.endIndex) else {
            throw ProbeFailed(message: "the probe page did not report (status \(result.status)): \(result.err.suffix(2000))")
        }
        // The DOM dump escapes text: undo the three entities it uses.
        let json = String(dom[begin.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        if json.hasPrefix("\"") { throw ProbeFailed(message: json) }
        return try JSONDecoder().decode([PageReport].self, from: Data(json.utf8))
    }

    struct ProbeFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
