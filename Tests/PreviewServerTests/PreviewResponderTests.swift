import BounceKB
import Foundation
import SiteBuilder
import Testing
@testable import PreviewServer

/// Request routing without a socket.
struct PreviewResponderTests {
    let site = PreviewSite(files: [
        OutputFile(path: "index.html", text: "<!DOCTYPE html><html><body><h1>Home</h1></body></html>"),
        OutputFile(path: "404.html", text: "<html><body>Nothing here</body></html>"),
        OutputFile(path: "mailbox/index.html", text: "<html><body>Mailbox</body></html>"),
        OutputFile(path: "assets/site.css", text: "body{}"),
        OutputFile(path: "api/v1/entries.json", text: "[]"),
        OutputFile(path: "assets/icon.svg", text: "<svg/>"),
    ], pages: 3)

    var good: PreviewSnapshot { PreviewSnapshot(site: site, failure: nil, version: "v1") }

    @Test func mapsRequestPathsToSiteFiles() {
        #expect(PreviewResponder.sitePath("/") == "index.html")
        #expect(PreviewResponder.sitePath("/mailbox/") == "mailbox/index.html")
        #expect(PreviewResponder.sitePath("/assets/site.css") == "assets/site.css")
        #expect(PreviewResponder.sitePath("/codes/x.7.26/") == "codes/x.7.26/index.html")
        #expect(PreviewResponder.sitePath("/a%20b/") == "a b/index.html")
        for bad in ["/../x", "/a/../../x", "/%2e%2e/x", "/a%2fb", "/a%5cb", "/a%00b", "/./x", "x", "/__bouncekb/other", "/%zz"] {
            #expect(PreviewResponder.sitePath(bad) == nil, "\(bad)")
        }
    }

    @Test func contentTypesFollowTheExtension() {
        #expect(ContentTypes.type(forPath: "a/index.html") == "text/html; charset=utf-8")
        #expect(ContentTypes.type(forPath: "assets/site.css") == "text/css; charset=utf-8")
        #expect(ContentTypes.type(forPath: "api/v1/entries.json") == "application/json; charset=utf-8")
        #expect(ContentTypes.type(forPath: "sitemap.xml") == "application/xml; charset=utf-8")
        #expect(ContentTypes.type(forPath: "assets/icon.svg") == "image/svg+xml")
        #expect(ContentTypes.type(forPath: "assets/logo.PNG") == "image/png")
        #expect(ContentTypes.type(forPath: "README") == "application/octet-stream")
        #expect(ContentTypes.type(forPath: ".hidden") == "application/octet-stream")
    }

    @Test func injectsTheReloadScriptIntoHTMLOnly() {
        let home = PreviewResponder.respond(method: "GET", rawPath: "/", snapshot: good)
        #expect(home.status == 200)
        #expect(home.text.contains("<script src=\"/__bouncekb/live.js\" data-version=\"v1\"></script>\n</body>"))
        let json = PreviewResponder.respond(method: "GET", rawPath: "/api/v1/entries.json", snapshot: good)
        #expect(json.text == "[]")
        #expect(json.header("Content-Type") == "application/json; charset=utf-8")
        let script = PreviewResponder.respond(method: "GET", rawPath: PreviewResponder.scriptPath, snapshot: good)
        #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
        #expect(script.text.contains(PreviewResponder.versionPath))
    }

    @Test func unknownPathsGetThe404PageWithStatus404() {
        let missing = PreviewResponder.respond(method: "GET", rawPath: "/nope/", snapshot: good)
        #expect(missing.status == 404)
        #expect(missing.text.contains("Nothing here"))
        #expect(missing.text.contains("live.js"))
        let redirect = PreviewResponder.respond(method: "GET", rawPath: "/mailbox", query: "a=1", snapshot: good)
        #expect(redirect.status == 301)
        #expect(redirect.header("Location") == "/mailbox/?a=1")
        let traversal = PreviewResponder.respond(method: "GET", rawPath: "/../Package.swift", snapshot: good)
        #expect(traversal.status == 404)
    }

    @Test func headKeepsTheLengthAndDropsTheBody() {
        let head = PreviewResponder.respond(method: "HEAD", rawPath: "/assets/site.css", snapshot: good)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == "6")
        #expect(PreviewResponder.respond(method: "DELETE", rawPath: "/", snapshot: good).status == 405)
    }

    @Test func overlayListsDiagnosticsEscaped() {
        let failure = BuildFailure(step: .validate, message: "content has errors", diagnostics: [
            .warning("a warning", file: "content/a/b.md", line: 2, column: 1),
            .error("unknown reason '<script>alert(1)</script>'", file: "content/a/b.md", line: 5, column: 9),
        ])
        let snapshot = PreviewSnapshot(site: site, failure: failure, version: "v2")
        let page = PreviewResponder.respond(method: "GET", rawPath: "/", snapshot: snapshot).text
        #expect(page.contains("<h1>Home</h1>"))
        #expect(page.contains("content/a/b.md:5:9"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script>alert(1)"))
        #expect(page.contains("1 error"))
        // Errors first, then warnings.
        let errorAt = page.range(of: "content/a/b.md:5:9")?.lowerBound
        let warningAt = page.range(of: "content/a/b.md:2:1")?.lowerBound
        #expect(errorAt != nil && warningAt != nil && errorAt! < warningAt!)
        let state = PreviewResponder.respond(method: "GET", rawPath: PreviewResponder.versionPath, snapshot: snapshot).text
        #expect(state.contains("\"ok\":false"))
        #expect(state.contains("\"line\":5"))
    }

    @Test func pageWithoutBodyTagStillGetsTheScript() {
        let html = LiveReload.inject(into: "<p>fragment", snapshot: good)
        #expect(html.hasPrefix("<p>fragment<script src="))
    }
}
