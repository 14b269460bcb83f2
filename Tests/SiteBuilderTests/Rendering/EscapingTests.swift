import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// A knowledge base with markup, quotes and `javascript:` links in every field must render inert.
@Suite struct EscapingTests {
    static let hostile = #"<script>alert("x")</script> "quoted" 'single' <img src=x onerror=alert(1)> javascript:alert(1) &amp;"#
    static let hostileMarkdown = """
        Text <script>alert(1)</script> and <img src=x onerror="alert(1)">.

        [click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](VBScript:msgbox) <javascript:alert(1)>

        <iframe src="https://evil.example"></iframe>

        # Heading "with" <b>markup</b>

        ![img](javascript:alert(1))
        """

    static var knowledgeBase: KnowledgeBase {
        let h = hostile
        return KnowledgeBase(
            site: Site(title: h, description: h, baseURL: "/", language: #"en"><script>alert(1)</script>"#),
            categories: [Category(id: "hostile", title: h, order: 1, summary: h, description: hostileMarkdown)],
            entries: [
                Entry(
                    id: "evil-entry", category: "hostile", title: h, reply: 550, status: "5.7.1", reason: "content-filtered",
                    permanence: .permanent, action: .fixContent, summary: h, match: [h, "{email} \(h)"], providers: [h, "Gmail"],
                    related: ["other-entry", h], references: [
                        Reference(title: h, url: "javascript:alert(1)"),
                        Reference(title: h, url: "JaVaScRiPt:alert(1)"),
                        Reference(title: h, url: " javascript:alert(1)"),
                        Reference(title: h, url: "java\nscript:alert(1)"),
                        Reference(title: h, url: "data:text/html,<script>alert(1)</script>"),
                        Reference(title: h, url: #"https://example.com/" onmouseover="alert(1)"#),
                        Reference(title: h, url: "https://example.com/safe?a=1&b='2'"),
                    ],
                    details: hostileMarkdown, resolution: hostileMarkdown
                ),
                Entry(
                    id: "other-entry", category: "hostile", title: h, reply: 421, status: nil, reason: "rate-limited",
                    permanence: .transient, action: .retryLater, summary: h, match: [], providers: [h], related: ["evil-entry"],
                    references: [], details: h, resolution: h
                ),
            ]
        )
    }

    @Test func everyPageIsInert() throws {
        let pages = try Fixtures.render(Self.knowledgeBase)
        #expect(pages.count > 10)
        for (path, html) in pages {
            // The site's own search script and forms are the only scripts and forms allowed.
            let lower = HTMLInspection.withoutSiteSearchMarkup(html, page: path).lowercased()
            for element in ["<script", "<iframe", "<object", "<embed", "<style", "<form", "<base", "<meta http-equiv"] {
                #expect(!lower.contains(element), "\(path): \(element) element")
            }
            #expect(!lower.contains("<img src=x"), "\(path): injected img element")
            let handlers = HTMLInspection.attributeNames(in: html).filter { $0.lowercased().hasPrefix("on") }
            #expect(handlers.isEmpty, "\(path): event handler attributes \(handlers)")
            for link in HTMLInspection.links(in: html) {
                let squeezed = link.lowercased().filter { !$0.isWhitespace && !$0.isNewline }
                #expect(!squeezed.hasPrefix("javascript:") && !squeezed.hasPrefix("data:") && !squeezed.hasPrefix("vbscript:"),
                        "\(path): unsafe link \(link)")
            }
        }
    }

    @Test func onlyTheSiteSearchMarkupIsLetThrough() {
        let own = #"<script src="../../assets/search.js" defer></script><form class="site-search" role="search" action="../../search/index.html">"#
        #expect(HTMLInspection.withoutSiteSearchMarkup(own, page: "a/b/index.html").isEmpty)
        for hostile in [
            #"<script src="../../assets/search.js" defer onload="alert(1)"></script>"#,
            #"<script src="https://evil.example/assets/search.js" defer></script>"#,
            #"<script src="../assets/search.js" defer></script>"#,
            #"<script>alert(1)</script>"#,
            #"<form class="site-search" role="search" action="javascript:alert(1)">"#,
            #"<form class="search-page-form" role="search" action="index.html" data-search-page>"#,
        ] {
            #expect(HTMLInspection.withoutSiteSearchMarkup(hostile, page: "a/b/index.html") == hostile, "\(hostile)")
        }
    }

    @Test func hostileTextIsShownEscaped() throws {
        let pages = try Fixtures.render(Self.knowledgeBase)
        let entry = try #require(pages["hostile/evil-entry/index.html"])
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;quoted&quot; &#39;single&#39;"
        #expect(entry.contains("<h1>\(escaped)"))
        #expect(entry.contains("&amp;amp;"))
        #expect(entry.contains(#"<html lang="en">"#), "a bad language tag falls back to en")
        // Safe references survive (escaped); unsafe ones are dropped.
        #expect(entry.contains(#"href="https://example.com/safe?a=1&amp;b=&#39;2&#39;""#))
        #expect(HTMLInspection.count(of: #"rel="external""#, in: entry) == 1)
        // The hostile provider gets a harmless anchor.
        #expect(entry.contains("#provider-script-alert-x-script-quoted-single-img-src-x-onerror-alert-1-javascript-alert-1-amp"))
    }

    @Test func siteChecksWarnAboutDroppedReferences() {
        let diagnostics = SiteChecks().diagnostics(for: Self.knowledgeBase)
        let dropped = diagnostics.filter { $0.message.contains("dropped") }
        #expect(dropped.count == 6)
        #expect(dropped.allSatisfy { $0.severity == .warning && $0.file == "content/hostile/evil-entry.md" })
        #expect(diagnostics.contains { $0.message.contains("language") && $0.severity == .warning })
        #expect(!diagnostics.hasErrors)
    }
}
