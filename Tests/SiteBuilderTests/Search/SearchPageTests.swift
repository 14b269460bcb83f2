import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// The search page and the search box on every page, as HTML (no browser).
@Suite struct SearchPageTests {
    static let site = Result { () throws -> (URL, [String: String]) in
        let output = try Fixtures.temporaryFolder("search-page").appendingPathComponent("public")
        try Fixtures.build(Fixtures.knowledgeBase, into: output, baseURL: "/help/")
        var pages: [String: String] = [:]
        for (path, data) in try Fixtures.snapshot(of: output) where path.hasSuffix(".html") { pages[path] = String(decoding: data, as: UTF8.self) }
        return (output, pages)
    }

    @Test func everyPageLoadsTheScriptAndHasTheBoxButTheSearchPageItsOwn() throws {
        let pages = try Self.site.get().1
        #expect(pages.count > 10)
        for (path, html) in pages where path != SitePaths.notFound {
            let root = SitePaths.rootPrefix(for: path)
            #expect(html.contains("<script src=\"\(root)assets/search.js\" defer></script>"), "\(path): relative script")
            #expect(HTMLInspection.count(of: "<script", in: html) == 1, "\(path): one script, no inline code")
            if path == SiteSearch.pagePath {
                #expect(!html.contains("class=\"site-search\""), "the search page has its own box")
                #expect(html.contains(#"<form class="search-page-form" role="search" action="index.html" data-search-page>"#))
                #expect(html.contains(#"<input id="search-input" name="q" type="search""#))
                #expect(html.contains(#"<div id="search-results" class="search-results"></div>"#))
                #expect(html.contains(#"<p id="search-status" class="search-status" role="status"></p>"#))
            } else {
                #expect(html.contains("<form class=\"site-search\" role=\"search\" action=\"\(root)search/index.html\">"), "\(path): the box submits to the search page")
            }
            // Two boxes on the home page: the box carries no id, so ids stay unique.
            let ids = html.matches(of: /\sid="([^"]*)"/).map { String($0.output.1) }
            #expect(ids.count == Set(ids).count, "\(path): duplicate ids")
        }
        // The 404 page is served at any depth, so it links from the base path.
        #expect(pages[SitePaths.notFound]?.contains(#"<script src="/help/assets/search.js" defer></script>"#) == true)
    }

    @Test func withoutJavaScriptTheSearchPageListsEveryEntryAndCode() throws {
        let (_, pages) = try Self.site.get()
        let html = try #require(pages[SiteSearch.pagePath])
        let kb = Fixtures.knowledgeBase
        for entry in kb.entries {
            #expect(html.contains("<a href=\"../\(entry.category)/\(entry.id)/index.html\">\(HTML.escape(entry.title))</a>"), "\(entry.id) listed")
        }
        for code in CodeCatalog.registry.replyCodes + CodeCatalog.registry.enhancedCodes {
            #expect(html.contains("href=\"../codes/\(code.slug)/index.html\""), "\(code.label) listed")
        }
        #expect(html.contains(#"<link rel="stylesheet" href="../assets/search.css">"#))
        #expect(html.contains("<link rel=\"canonical\" href=\"/help/search/\">") || !html.contains("rel=\"canonical\""))
        #expect(HTMLInspection.count(of: "<h1", in: html) == 1)
        #expect(html.contains(#"<nav class="breadcrumbs" aria-label="Breadcrumb">"#))
    }

    @Test func theEngineNeverParsesDataAsHTML() throws {
        let script = try String(contentsOf: SearchSupport.searchScript, encoding: .utf8)
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('on", "srcdoc"] {
            #expect(!script.contains(sink), "search.js uses \(sink)")
        }
        #expect(script.contains("document.createTextNode(") && script.contains("element('mark'"), "text nodes and <mark> elements")
    }
}
