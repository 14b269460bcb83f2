import BounceKB
import Foundation
import SiteBuilder
import Testing
@testable import PreviewServer

/// The preview server on a real loopback socket: pages, 404s, rebuilds and the error overlay.
@Suite(.serialized)
struct PreviewServerTests {
    @Test func servesPagesAnd404sOnLoopback() async throws {
        let fixture = try SiteFixture()
        let server = PreviewServer(configuration: PreviewConfiguration(
            contentDirectory: fixture.content, templatesDirectory: fixture.templates, displayRoot: fixture.root,
            port: 0, pollInterval: nil))
        let url = try await server.start()
        defer { Task { await server.stop() } }
        let port = try #require(url.port)
        #expect(url.host == "127.0.0.1")

        let home = try await httpRequest(port: port, rawPath: "/")
        #expect(home.status == 200)
        #expect(home.headers["content-type"] == "text/html; charset=utf-8")
        #expect(home.text.contains("Preview Test"))
        #expect(home.text.contains(PreviewResponder.scriptPath))
        #expect(home.headers["cache-control"] == "no-store")

        let entry = try await httpRequest(port: port, rawPath: "/mailbox/sample-mailbox-full/")
        #expect(entry.status == 200)
        #expect(entry.text.contains("Sample mailbox is full"))

        let redirect = try await httpRequest(port: port, rawPath: "/mailbox")
        #expect(redirect.status == 301)
        #expect(redirect.headers["location"] == "/mailbox/")

        let css = try await httpRequest(port: port, rawPath: "/assets/site.css")
        #expect(css.status == 200)
        #expect(css.headers["content-type"] == "text/css; charset=utf-8")
        #expect(!css.text.contains(PreviewResponder.scriptPath))

        let missing = try await httpRequest(port: port, rawPath: "/no/such/page/")
        #expect(missing.status == 404)
        #expect(missing.headers["content-type"] == "text/html; charset=utf-8")
        // The site's own 404 page, with links from the server root whatever base_url says.
        #expect(missing.text.contains("href=\"/assets/") || missing.text.contains("href=\"/\""))
        #expect(!missing.text.contains("/help/"))

        for attack in ["/../content/site.yml", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fcontent%2fsite.yml", "/..", "/assets%2fsite.css"] {
            let answer = try await httpRequest(port: port, rawPath: attack)
            #expect(answer.status == 404, "\(attack)")
            #expect(!answer.text.contains("base_url"), "\(attack)")
        }

        let head = try await httpRequest(port: port, rawPath: "/", method: "HEAD")
        #expect(head.status == 200)
        #expect(Int(head.headers["content-length"] ?? "") == home.body.count)

        let post = try await httpRequest(port: port, rawPath: "/", method: "POST")
        #expect(post.status == 405)

        let version = try await httpRequest(port: port, rawPath: PreviewResponder.versionPath)
        #expect(version.headers["content-type"] == "application/json; charset=utf-8")
        #expect(version.text.contains("\"ok\":true"))
        await server.stop()
    }

    @Test func changeIsVisibleAfterRebuildAndBrokenEntryShowsOverlay() async throws {
        let fixture = try SiteFixture()
        let events = EventLog()
        let server = PreviewServer(
            configuration: PreviewConfiguration(
                contentDirectory: fixture.content, templatesDirectory: fixture.templates, displayRoot: fixture.root,
                port: 0, pollInterval: nil),
            onEvent: { events.append($0) })
        let url = try await server.start()
        let port = try #require(url.port)
        let page = "/mailbox/sample-mailbox-full/"
        let firstVersion = await server.current.version

        // An edit shows after the next look at the folders.
        try fixture.write("content/mailbox/sample-mailbox-full.md", SiteFixture.entry(title: "Sample mailbox ran out of space"))
        #expect(await server.checkForChanges())
        let edited = try await httpRequest(port: port, rawPath: page)
        #expect(edited.status == 200)
        #expect(edited.text.contains("Sample mailbox ran out of space"))
        #expect(await server.current.version != firstVersion)
        #expect(events.changed.contains("content/mailbox/sample-mailbox-full.md"))

        // A broken entry: the last good page is still served, with the errors on top.
        try fixture.write("content/mailbox/sample-mailbox-full.md", SiteFixture.entry(title: "Broken <b>title</b>", reason: "no-such-reason"))
        #expect(await server.checkForChanges())
        let broken = try await httpRequest(port: port, rawPath: page)
        #expect(broken.status == 200)
        #expect(broken.text.contains("Sample mailbox ran out of space"))
        #expect(broken.text.contains("id=\"bouncekb-overlay\""))
        #expect(broken.text.contains("content/mailbox/sample-mailbox-full.md:5:9"))
        #expect(broken.text.contains("unknown reason &#39;no-such-reason&#39;") || broken.text.contains("unknown reason &apos;no-such-reason&apos;") || broken.text.contains("unknown reason 'no-such-reason'"))
        let state = try await httpRequest(port: port, rawPath: PreviewResponder.versionPath)
        #expect(state.text.contains("\"ok\":false"))
        #expect(state.text.contains("no-such-reason"))
        #expect(events.failures == 1)

        // Fixed again: the overlay goes away.
        try fixture.write("content/mailbox/sample-mailbox-full.md", SiteFixture.entry(title: "Sample mailbox fixed"))
        #expect(await server.checkForChanges())
        let fixed = try await httpRequest(port: port, rawPath: page)
        #expect(fixed.text.contains("Sample mailbox fixed"))
        #expect(!fixed.text.contains("bouncekb-overlay\""))
        #expect(await server.checkForChanges() == false)
        await server.stop()
    }

    @Test func watcherRebuildsByItself() async throws {
        let fixture = try SiteFixture()
        let server = PreviewServer(configuration: PreviewConfiguration(
            contentDirectory: fixture.content, templatesDirectory: fixture.templates, displayRoot: fixture.root,
            port: 0, pollInterval: 0.2))
        let url = try await server.start()
        let port = try #require(url.port)
        try fixture.write("templates/assets/site.css", "body { color: rebeccapurple; }\n")
        let seen = try await eventually(within: 20) {
            try await httpRequest(port: port, rawPath: "/assets/site.css").text.contains("rebeccapurple")
        }
        #expect(seen)
        await server.stop()
    }

    @Test func firstBuildFailureServesTheErrors() async throws {
        let fixture = try SiteFixture()
        try fixture.write("content/mailbox/sample-mailbox-full.md", SiteFixture.entry(title: "Broken", reason: "nope"))
        let server = PreviewServer(configuration: PreviewConfiguration(
            contentDirectory: fixture.content, templatesDirectory: fixture.templates, displayRoot: fixture.root,
            port: 0, pollInterval: nil))
        let url = try await server.start()
        let answer = try await httpRequest(port: try #require(url.port), rawPath: "/")
        #expect(answer.status == 500)
        #expect(answer.text.contains("bouncekb-overlay"))
        #expect(answer.text.contains("content/mailbox/sample-mailbox-full.md:5:9"))
        await server.stop()
    }

    @Test func busyPortIsAClearError() async throws {
        let fixture = try SiteFixture()
        let first = PreviewServer(configuration: PreviewConfiguration(
            contentDirectory: fixture.content, templatesDirectory: fixture.templates, port: 0, pollInterval: nil))
        let url = try await first.start()
        let port = try #require(url.port)
        let second = PreviewServer(configuration: PreviewConfiguration(
            contentDirectory: fixture.content, templatesDirectory: fixture.templates, port: UInt16(port), pollInterval: nil))
        await #expect(throws: PreviewServerError.self) { _ = try await second.start() }
        await first.stop()
    }

    @Test func rejectsAHostThatIsNotAnAddress() async throws {
        #expect(throws: PreviewServerError.invalidHost("example.com")) { _ = try PreviewServer.socketAddress(host: "example.com", port: 1) }
        #expect(PreviewServer.isLoopback("127.0.0.1") && PreviewServer.isLoopback("::1") && !PreviewServer.isLoopback("0.0.0.0"))
    }
}

/// Events collected from the server's callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [PreviewEvent] = []

    func append(_ event: PreviewEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var changed: [String] {
        lock.lock()
        defer { lock.unlock() }
        return events.flatMap { event -> [String] in
            switch event {
            case .built(_, _, _, _, let changed), .failed(_, _, let changed, _): return changed
            case .request: return []
            }
        }
    }

    var failures: Int {
        lock.lock()
        defer { lock.unlock() }
        return events.filter { if case .failed = $0 { return true } else { return false } }.count
    }
}
