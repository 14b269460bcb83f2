import Testing
@testable import SiteBuilder

@Suite struct HTMLTests {
    @Test func escapesEveryCharacterThatMattersInTextAndAttributes() {
        #expect(HTML.escape(#"<a href="x" title='y'>&</a>"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTML.escape("plain ünïcode") == "plain ünïcode")
    }

    @Test func matchPhrasesShowPlaceholdersAsVariables() {
        #expect(HTML.matchPhrase("{email}: user <unknown>") == "<var>email</var>: user &lt;unknown&gt;")
        #expect(HTML.matchPhrase("{nope} {n}") == "{nope} <var>n</var>")
    }

    @Test(arguments: [
        "https://www.rfc-editor.org/rfc/rfc5321", "http://example.com/", "mailto:postmaster@example.com", "HTTPS://EXAMPLE.COM/x",
    ])
    func acceptsWebAndMailLinks(_ url: String) {
        #expect(HTML.isSafeExternalURL(url))
    }

    @Test(arguments: [
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>",
        "vbscript:x", "/relative", "../up", "//example.com", "https://", "https:///path", "http://a b", "file:///etc/passwd",
        "https://example.com/\u{200B}", "", "mailto:",
    ])
    func rejectsEverythingElse(_ url: String) {
        #expect(!HTML.isSafeExternalURL(url))
    }

    @Test func demotesHeadingsKeepingTheirHierarchy() {
        let html = "<h1>A</h1>\n<h2>B</h2>\n<p>x</p>\n<h3>C</h3>"
        #expect(HTML.demoteHeadings(html, minimumLevel: 3) == "<h3>A</h3>\n<h4>B</h4>\n<p>x</p>\n<h5>C</h5>")
        #expect(HTML.demoteHeadings("<h3>Deep</h3><h4>x</h4>", minimumLevel: 3) == "<h3>Deep</h3><h4>x</h4>")
        #expect(HTML.demoteHeadings("<h1>a</h1><h6>b</h6>", minimumLevel: 3) == "<h3>a</h3><h6>b</h6>")
        #expect(HTML.demoteHeadings("<p>no headings</p><hr />", minimumLevel: 3) == "<p>no headings</p><hr />")
    }
}

@Suite struct SitePathsTests {
    @Test func linksAreRelativeAndNameTheFile() {
        #expect(SitePaths.relative(from: "index.html", to: "codes/550/index.html") == "codes/550/index.html")
        #expect(SitePaths.relative(from: "mailbox/index.html", to: "index.html") == "../index.html")
        #expect(SitePaths.relative(from: "mailbox/full/index.html", to: "codes/x.2.2/index.html") == "../../codes/x.2.2/index.html")
    }

    @Test func prettyURLsDropTheIndexFile() {
        #expect(SitePaths.prettyURL(for: "index.html") == "")
        #expect(SitePaths.prettyURL(for: "mailbox/full/index.html") == "mailbox/full/")
        #expect(SitePaths.prettyURL(for: "404.html") == "404.html")
    }

    @Test func onlyPlainSegmentsBecomeFolders() {
        #expect(SitePaths.isSafeSegment("gmail-dmarc-policy"))
        #expect(SitePaths.isSafeSegment("x.7.26"))
        for bad in ["", ".", "..", ".hidden", "a/b", "A", "<script>", "a b", "%2e%2e"] {
            #expect(!SitePaths.isSafeSegment(bad), "\(bad)")
        }
    }

    @Test func providerAnchors() {
        #expect(SitePaths.slug("Microsoft 365") == "microsoft-365")
        #expect(SitePaths.slug("Apple iCloud") == "apple-icloud")
        #expect(SitePaths.slug("<script>") == "script")
        #expect(SitePaths.slug("!!!") == "provider")
    }

    @Test func baseURLs() {
        #expect(BaseURL("/") == BaseURL("/"))
        #expect(BaseURL("/")?.path == "/")
        #expect(BaseURL("/help")?.path == "/help/")
        #expect(BaseURL("/help/")?.absolute == nil)
        #expect(BaseURL("https://example.com")?.absolute == "https://example.com/")
        #expect(BaseURL("https://example.com/kb")?.absolute == "https://example.com/kb/")
        #expect(BaseURL("https://example.com/kb")?.path == "/kb/")
        for bad in ["", "help", "javascript:alert(1)", "//evil.example", "https://", "/a\"b", "https://x/?q=1"] {
            #expect(BaseURL(bad) == nil, "\(bad)")
        }
    }
}
