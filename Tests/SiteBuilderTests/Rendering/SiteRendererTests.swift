import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

@Suite struct SiteRendererTests {
    @Test func fixturePageSetAndURLs() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let expected = [
            "index.html", "404.html", "codes/index.html", "providers/index.html",
            "authentication/index.html", "mailbox/index.html",
            "authentication/gmail-dmarc/index.html", "authentication/gmail-unauthenticated/index.html",
            "mailbox/unknown-user/index.html", "mailbox/mailbox-full/index.html",
            "codes/550/index.html", "codes/452/index.html", "codes/221/index.html",
            "codes/x.7.26/index.html", "codes/x.1.1/index.html", "codes/x.2.2/index.html", "codes/x.0.0/index.html",
        ]
        for path in expected { #expect(pages[path] != nil, "missing \(path)") }
        let codePages = pages.keys.filter { $0.hasPrefix("codes/") && $0 != "codes/index.html" }
        let catalog = CodeCatalog.registry
        #expect(codePages.count == catalog.replyCodes.count + catalog.enhancedCodes.count)
        #expect(Set(CodeRegistry.replyCodes.map(\.code)).count == catalog.replyCodes.count)
        #expect(CodeRegistry.enhancedCodes.count == catalog.enhancedCodes.count)
        #expect(pages.count == 4 + 2 + 4 + codePages.count)
        #expect(pages.keys.allSatisfy { $0 == "404.html" || $0.hasSuffix("/index.html") || $0 == "index.html" })
    }

    @Test func entryPageShowsEverything() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let html = try #require(pages["authentication/gmail-dmarc/index.html"])
        #expect(HTMLInspection.count(of: "<h1", in: html) == 1)
        #expect(html.contains("<h1>Gmail rejects mail that fails DMARC</h1>"))
        #expect(html.contains(#"<html lang="en">"#))
        // Codes link to their pages; breadcrumbs lead home and to the category.
        let links = HTMLInspection.links(in: html)
        for link in [
            "../../codes/550/index.html", "../../codes/x.7.26/index.html", "../../index.html", "../../authentication/index.html",
            "../../authentication/gmail-unauthenticated/index.html", "../../providers/index.html#provider-gmail",
            "../../providers/index.html#provider-google-workspace", "https://www.rfc-editor.org/rfc/rfc7489",
            "../../assets/site.css",
        ] {
            #expect(links.contains(link), "missing link \(link)")
        }
        #expect(html.contains(#"<span class="badge badge-permanent">Permanent</span>"#))
        #expect(html.contains("Fix the sending setup"))
        #expect(html.contains("<code>sender-auth-failed</code>"))
        #expect(html.contains("<var>domain</var>"))
        #expect(html.contains(#"<h2 id="details">Details</h2>"#))
        #expect(html.contains(#"<h2 id="resolution">Resolution</h2>"#))
        #expect(html.contains("<h3>A sub-heading</h3>"))
        #expect(html.contains("<code>dig +short MX example.com</code>"))
        #expect(html.contains(#"<nav class="breadcrumbs" aria-label="Breadcrumb">"#))
        #expect(html.contains(##"<a class="skip-link" href="#main">"##))
        #expect(html.contains(#"<main id="main""#))
        #expect(!html.contains("canonical"))
    }

    @Test func missingFieldsNeverBorrowFromTheEnclosingPage() throws {
        var kb = Fixtures.knowledgeBase
        kb.entries[kb.entries.firstIndex { $0.id == "gmail-unauthenticated" }!].status = nil
        let pages = try Fixtures.render(kb)
        let html = try #require(pages["authentication/gmail-dmarc/index.html"])
        // The related entry has no enhanced code: its card shows only its reply code.
        let card = try #require(html.split(separator: "<li class=\"entry-card\">").dropFirst().first)
        #expect(!card.contains("5.7.26"))
        #expect(!card.contains("false"))
    }

    @Test func unknownRelatedIdsAndSelfLinksAreLeftOut() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let html = try #require(pages["mailbox/mailbox-full/index.html"])
        #expect(html.contains("../../mailbox/unknown-user/index.html"))
        #expect(!html.contains("no-such-entry"))
        #expect(html.contains(#"<span class="badge badge-transient">Transient</span>"#))
    }

    @Test func codePagesListTheEntriesThatUseThem() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let reply = try #require(pages["codes/550/index.html"])
        #expect(reply.contains("../../authentication/gmail-dmarc/index.html"))
        #expect(reply.contains("../../mailbox/unknown-user/index.html"))
        #expect(!reply.contains("../../mailbox/mailbox-full/index.html"))
        #expect(reply.contains("3 entries"))
        let enhanced = try #require(pages["codes/x.7.26/index.html"])
        #expect(enhanced.contains("X.7.26"))
        #expect(enhanced.contains("As 5.7.26"))
        #expect(enhanced.contains("../../authentication/gmail-unauthenticated/index.html"))
        let unused = try #require(pages["codes/x.0.0/index.html"])
        #expect(unused.contains("No entry in this knowledge base uses this code yet."))
        let index = try #require(pages["codes/index.html"])
        #expect(index.contains(#"href="../codes/550/index.html""#))
        #expect(index.contains(#"href="../codes/x.7.26/index.html""#))
        #expect(index.contains(#"aria-current="page">Codes</a>"#))
    }

    @Test func homeListsCategoriesWithCountsAndCommonCodes() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let home = try #require(pages["index.html"])
        #expect(home.contains(#"href="authentication/index.html""#))
        #expect(home.contains("2 entries"))
        // Categories come in their `order`.
        let auth = try #require(home.range(of: "authentication/index.html"))
        let mailbox = try #require(home.range(of: "mailbox/index.html"))
        #expect(auth.lowerBound < mailbox.lowerBound)
        #expect(home.contains(#"href="codes/550/index.html""#))
        #expect(home.contains(#"href="codes/x.7.26/index.html""#))
        #expect(home.contains(#"<form class="site-search" role="search" action="search/index.html">"#), "the search box is shown")
        #expect(home.contains(#"<input name="q" type="search""#))
        #expect(home.contains("<title>Fixture Help</title>"))
    }

    @Test func providersPageHasAnAnchorPerProvider() throws {
        let pages = try Fixtures.render(Fixtures.knowledgeBase)
        let html = try #require(pages["providers/index.html"])
        for anchor in ["provider-exim", "provider-gmail", "provider-google-workspace", "provider-postfix"] {
            #expect(html.contains(#"id="\#(anchor)""#))
        }
        #expect(html.contains("../mailbox/mailbox-full/index.html"))
    }

    @Test func notFoundPageLinksFromTheBasePath() throws {
        var kb = Fixtures.knowledgeBase
        kb.site.baseURL = "https://help.example.com/kb"
        let pages = try Fixtures.render(kb)
        let html = try #require(pages["404.html"])
        #expect(html.contains(#"href="/kb/assets/site.css""#))
        #expect(html.contains(#"href="/kb/codes/index.html""#))
        let entry = try #require(pages["mailbox/unknown-user/index.html"])
        #expect(entry.contains(#"<link rel="canonical" href="https://help.example.com/kb/mailbox/unknown-user/">"#))
        #expect(entry.contains(#"href="../../assets/site.css""#))
    }

    @Test func sitemapOnlyForAnAbsoluteBaseURL() throws {
        let templates = try Fixtures.templateSet()
        var kb = Fixtures.knowledgeBase
        #expect(try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templates).sitemap() == nil)
        kb.site.baseURL = "/help/"
        #expect(try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templates).sitemap() == nil)
        kb.site.baseURL = "https://help.example.com/"
        let sitemap = try #require(try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templates).sitemap())
        let xml = String(decoding: sitemap.contents, as: UTF8.self)
        #expect(xml.contains("<loc>https://help.example.com/</loc>"))
        #expect(xml.contains("<loc>https://help.example.com/mailbox/unknown-user/</loc>"))
        #expect(xml.contains("<loc>https://help.example.com/codes/x.7.26/</loc>"))
        #expect(!xml.contains("404"))
    }

    @Test func refusesIdsThatCannotBeFolders() throws {
        let templates = try Fixtures.templateSet()
        var kb = Fixtures.knowledgeBase
        kb.entries[0].id = "../../escape"
        #expect(throws: SiteRenderError.self) { try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templates) }
        kb = Fixtures.knowledgeBase
        kb.categories[0].id = "codes"
        #expect(throws: SiteRenderError.self) { try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templates) }
    }

    @Test func renderingIsDeterministicAcrossRuns() throws {
        let first = try Fixtures.render(Fixtures.knowledgeBase)
        let second = try Fixtures.render(Fixtures.knowledgeBase)
        #expect(first == second)
    }
}
