import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// The search page in a real browser: headless Chromium opens `file://…/public/search/index.html?q=…`
/// (no server, as a reader opening the built site from disk) and the test reads the rendered DOM.
@Suite(.serialized) struct SearchBrowserTests {
    /// The project's content built once, at the root and under a sub-path.
    static let realSite = Result { try SearchSupport.buildSite("browser-real", content: Fixtures.content) }
    static let subPathSite = Result { try SearchSupport.buildSite("browser-subpath", content: Fixtures.content, baseURL: "/help/") }

    /// The DOM of `url` after its scripts ran, from `chromium --dump-dom`.
    static func dom(_ url: String) throws -> String {
        guard let chromium = SearchSupport.chromium else {
            throw FixtureError("chromium is not installed: run scripts/ensure-test-deps.sh")
        }
        let profile = try Fixtures.temporaryFolder("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        let output = try SearchSupport.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=\(profile.path)", "--dump-dom", "--virtual-time-budget=3000", url,
        ], timeout: 90)
        guard output.status == 0, output.stdout.contains("</html>") else {
            throw FixtureError("chromium failed (\(output.status)) on \(url): \(output.stderr.suffix(800))")
        }
        return output.stdout
    }

    /// The inside of the element with `id` (up to the end of the DOM; enough for prefix checks).
    static func element(_ id: String, in dom: String) -> Substring? {
        guard let start = dom.range(of: "id=\"\(id)\"") else { return nil }
        return dom[start.upperBound...]
    }

    /// The `href` of the first result link in `#search-results`, relative to `site`.
    static func firstResult(_ dom: String, site: URL) -> String? {
        guard let results = element("search-results", in: dom),
              let link = results.firstMatch(of: /<a class="search-result" href="([^"]*)"/)
        else { return nil }
        let href = String(link.output.1)
        let root = site.absoluteString.hasSuffix("/") ? site.absoluteString : site.absoluteString + "/"
        return href.hasPrefix(root) ? String(href.dropFirst(root.count)) : href
    }

    /// Result count announced in the live region.
    static func status(_ dom: String) -> String? {
        dom.firstMatch(of: /id="search-status"[^>]*>([^<]*)</).map { String($0.output.1) }
    }

    @Test func theSeedCodeOpensWithTheUnauthenticatedMailEntry() throws {
        let site = try Self.realSite.get()
        let dom = try Self.dom(SearchSupport.searchURL(site, "550 5.7.26"))
        #expect(Self.firstResult(dom, site: site) == "sender/sender-unauthenticated-mail-blocked/index.html")
        #expect(Self.status(dom)?.hasSuffix("results.") == true, "a result count: \(Self.status(dom) ?? "none")")
        // Listbox semantics, and the list of every entry is hidden once there are results.
        #expect(dom.contains(#"id="search-results" class="search-results" role="listbox""#))
        #expect(dom.contains(#"role="option""#))
        #expect(dom.contains(#"id="search-browse" class="search-browse" aria-labelledby="search-browse-title" hidden"#))
        #expect(dom.contains(#"<span class="code"><mark>5.7.26</mark></span>"#), "the matched code is highlighted")
    }

    @Test func aPastedLineRanksTheMatchersFirstEntryFirst() throws {
        let site = try Self.realSite.get()
        let line = "host mx.example.org[192.0.2.10] said: 550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)"
        let expected = try #require(Matcher(knowledgeBase: try SearchSupport.realKnowledgeBase()).match(line).matches.first?.entry)
        let dom = try Self.dom(SearchSupport.searchURL(site, line))
        #expect(Self.firstResult(dom, site: site) == "\(expected.category)/\(expected.id)/index.html")
    }

    @Test func aTypoStillFindsTheEntry() throws {
        let site = try Self.realSite.get()
        let dom = try Self.dom(SearchSupport.searchURL(site, "greylistng"))
        let first = try #require(Self.firstResult(dom, site: site))
        #expect(first.contains("greylisting"), "first result \(first)")
        #expect(dom.contains("<mark>greylisting</mark>") || dom.contains("<mark>Greylisting</mark>"), "the corrected word is highlighted")
    }

    @Test func aCodeNothingMatchesShowsTheRegistryExplanation() throws {
        let site = try Self.realSite.get()
        let dom = try Self.dom(SearchSupport.searchURL(site, "550"))
        #expect(Self.firstResult(dom, site: site) == nil)
        #expect(Self.status(dom) == "No entry matches.")
        let codes = try #require(Self.element("search-codes", in: dom))
        let link = try #require(codes.firstMatch(of: /<a class="code" href="([^"]*)">550<\/a>/))
        #expect(link.output.1.hasSuffix("/codes/550/index.html"))
        #expect(codes.prefix(1500).contains(CodeRegistry.reply(550)?.title ?? "?"))
    }

    @Test func worksUnderASubPathFromDisk() throws {
        let site = try Self.subPathSite.get()
        let dom = try Self.dom(SearchSupport.searchURL(site, "ERR034"))
        let first = try #require(Self.firstResult(dom, site: site))
        #expect(first.hasSuffix("/index.html") && !first.hasPrefix("/"), "relative result link \(first)")
        let expected = try #require(Matcher(knowledgeBase: try SearchSupport.realKnowledgeBase()).match("ERR034").matches.first?.entry)
        #expect(first == "\(expected.category)/\(expected.id)/index.html")
    }

    @Test func withoutAQueryThePageListsEveryEntryAndCode() throws {
        let site = try Self.realSite.get()
        let dom = try Self.dom(site.appendingPathComponent("search/index.html").absoluteString)
        #expect(Self.firstResult(dom, site: site) == nil)
        let browse = try #require(Self.element("search-browse", in: dom))
        #expect(browse.hasPrefix(#" class="search-browse""#) && !browse.prefix(80).contains("hidden"), "the full list stays visible")
        #expect(dom.contains("codes/x.7.26/index.html") && dom.contains("codes/550/index.html"))
    }

    // MARK: Keyboard and accessibility

    /// A copy of the page at `path` (e.g. `search/index.html`) that also runs
    /// Tests/SearchParity/keyboard-driver.js; returns its file URL.
    static func driverPage(_ site: URL, _ path: String) throws -> URL {
        let driver = SearchSupport.parityFolder.appendingPathComponent("keyboard-driver.js")
        let target = site.appendingPathComponent("assets/test-driver.js")
        if !FileManager.default.fileExists(atPath: target.path) { try FileManager.default.copyItem(at: driver, to: target) }
        let page = site.appendingPathComponent(path)
        let html = try String(contentsOf: page, encoding: .utf8)
        let script = "<script src=\"\(SitePaths.rootPrefix(for: path))assets/test-driver.js\" defer></script>\n</body>"
        let copy = page.deletingLastPathComponent().appendingPathComponent("driver.html")
        try html.replacingOccurrences(of: "</body>", with: script).write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    /// What the driver logged, decoded.
    static func driverLog(_ dom: String) throws -> [String: Any] {
        let match = try #require(dom.firstMatch(of: /<pre id="driver-log">([^<]*)<\/pre>/), "the driver did not finish")
        let json = HTMLInspection.decodeReferences(String(match.output.1)).replacingOccurrences(of: "&amp;", with: "&")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func keyboardOnTheSearchPage() throws {
        let site = try Self.realSite.get()
        let page = try Self.driverPage(site, SiteSearch.pagePath)
        let log = try Self.driverLog(try Self.dom(page.absoluteString + "?driver-q=mailbox%20full#keys"))
        #expect(log["error"] == nil, "\(log["error"] ?? "")")
        #expect(log["slashFocused"] as? String == "search-input", "/ focuses the page's box")
        let typed = try #require(log["typed"] as? [String: Any])
        let count = try #require(typed["options"] as? Int)
        #expect(count >= 3 && typed["links"] as? Int == count, "every result is a link")
        #expect(typed["role"] as? String == "combobox" && typed["controls"] as? String == "search-results" && typed["listRole"] as? String == "listbox")
        #expect(typed["expanded"] as? String == "true")
        #expect(typed["status"] as? String == "\(count) results.", "the live region announces the count")
        #expect((log["down1"] as? [String: Any])?["active"] as? String == "search-result-0")
        #expect((log["down2"] as? [String: Any])?["active"] as? String == "search-result-1")
        #expect((log["down2"] as? [String: Any])?["selected"] as? [String] == ["search-result-1"], "one option is selected at a time")
        #expect((log["up"] as? [String: Any])?["active"] as? String == "search-result-0")
        #expect((log["wrapped"] as? [String: Any])?["active"] as? String == "search-result-\(count - 2)", "ArrowUp wraps to the end")
        #expect(log["browseHiddenWithResults"] as? Bool == true)
        let escaped = try #require(log["escaped"] as? [String: Any])
        #expect(escaped["value"] as? String == "" && escaped["options"] as? Int == 0 && escaped["expanded"] as? String == "false", "Escape clears")
        #expect(log["browseHiddenAfterEscape"] as? Bool == false, "the full list is back")
    }

    @Test func keyboardInTheHeaderBoxOfAnEntryPage() throws {
        let site = try Self.realSite.get()
        let kb = try SearchSupport.realKnowledgeBase()
        let entry = try #require(kb.entries.first)
        let page = try Self.driverPage(site, SitePaths.entry(category: entry.category, id: entry.id))
        let log = try Self.driverLog(try Self.dom(page.absoluteString + "?driver-q=ERR034#header"))
        #expect(log["inHeader"] as? Bool == true, "/ focuses the header box")
        let typed = try #require(log["typed"] as? [String: Any])
        #expect((typed["options"] as? Int ?? 0) >= 1 && typed["listRole"] as? String == "listbox")
        #expect(log["panelShown"] as? Bool == true)
        #expect((log["down1"] as? [String: Any])?["active"] as? String == "search-result-0")
        #expect((log["escaped"] as? [String: Any])?["value"] as? String == "")
        #expect(log["panelShownAfterEscape"] as? Bool == false)
    }

    @Test func enterOpensTheChosenResult() throws {
        let site = try Self.realSite.get()
        let page = try Self.driverPage(site, SiteSearch.pagePath)
        let dom = try Self.dom(page.absoluteString + "?driver-q=550%205.7.26#enter")
        // The second result for 550 5.7.26, as the matcher ranks it.
        let kb = try SearchSupport.realKnowledgeBase()
        let second = try #require(Matcher(knowledgeBase: kb).match("550 5.7.26").matches.dropFirst().first?.entry)
        let heading = dom.firstMatch(of: /<h1>([^<]*)<\/h1>/).map { HTMLInspection.decodeReferences(String($0.output.1)).replacingOccurrences(of: "&amp;", with: "&") }
        #expect(heading == second.title, "Enter opened \(second.id)")
    }

    @Test func hostileContentStaysText() throws {
        let hostile = "<img src=x onerror=alert(1)>"
        var kb = Fixtures.knowledgeBase
        kb.entries[0].title = "Hostile \(hostile) title"
        kb.entries[0].summary = "Summary </script><script>alert(2)</script> with \u{2028}line and \u{2029}paragraph separators and \"quotes\" & ampersands."
        kb.entries[0].match.append("hostile onerror phrase </script><!-- {email}")
        let site = try SearchSupport.buildSite("browser-hostile", kb: kb)
        let index = try String(contentsOf: site.appendingPathComponent(SearchIndex.path), encoding: .utf8)
        #expect(!index.lowercased().contains("</script") && !index.contains("<!--") && !index.contains("<img"))
        #expect(!index.contains("\u{2028}") && !index.contains("\u{2029}"))

        let dom = try Self.dom(SearchSupport.searchURL(site, "hostile img onerror"))
        #expect(Self.firstResult(dom, site: site) == "authentication/gmail-dmarc/index.html")
        let results = try #require(Self.element("search-results", in: dom))
        #expect(results.contains("&lt;<mark>img</mark> src=x <mark>onerror</mark>=alert(1)&gt;"), "the title is text, with words marked")
        #expect(results.contains("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"))
        #expect(!dom.contains("<img"), "no element was created from content")
        #expect(!dom.contains("<script>alert"), "no script was created from content")
    }
}
