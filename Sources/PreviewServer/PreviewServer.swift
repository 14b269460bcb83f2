import BounceKB
import FlyingFox
import FlyingSocks
import Foundation
import SiteBuilder

/// Where `bouncekb serve` reads from and listens.
public struct PreviewConfiguration: Sendable {
    public var contentDirectory: URL
    public var templatesDirectory: URL
    /// Diagnostics show paths relative to this folder (normally the working directory).
    public var displayRoot: URL?
    /// An IPv4 or IPv6 address, or `localhost`.
    public var host: String
    /// 0 picks a free port; `PreviewServer.start()` returns the one in use.
    public var port: UInt16
    /// Seconds between two looks at the folders for changes; nil never looks (tests rebuild by hand).
    public var pollInterval: TimeInterval?

    public init(
        contentDirectory: URL, templatesDirectory: URL, displayRoot: URL? = nil,
        host: String = "127.0.0.1", port: UInt16 = 8000, pollInterval: TimeInterval? = 0.5
    ) {
        self.contentDirectory = contentDirectory
        self.templatesDirectory = templatesDirectory
        self.displayRoot = displayRoot
        self.host = host
        self.port = port
        self.pollInterval = pollInterval
    }
}

/// What the preview reports as it runs; the command decides what to print.
public enum PreviewEvent: Sendable {
    /// A build succeeded. `changed` lists the files whose edit started it (empty for the first build).
    case built(pages: Int, files: Int, seconds: Double, warnings: [Diagnostic], changed: [String])
    /// A build failed; the last good build, if any, is still served.
    case failed(BuildFailure, seconds: Double, changed: [String], servingLastGoodBuild: Bool)
    /// A request was answered.
    case request(method: String, path: String, status: Int)
}

/// Why the preview could not start.
public enum PreviewServerError: Error, CustomStringConvertible, Equatable {
    case invalidHost(String)
    case cannotListen(host: String, port: UInt16, reason: String)

    public var description: String {
        switch self {
        case .invalidHost(let host):
            return "'\(host)' is not an IP address; use 127.0.0.1 (the default), ::1 or localhost"
        case .cannotListen(let host, let port, let reason):
            return "cannot listen on \(host):\(port): \(reason); is another server using the port? Pass --port to pick another"
        }
    }
}

/// `bouncekb serve`: builds the site in memory, serves it over HTTP, and rebuilds it whenever a
/// file under the content or templates folder changes. A failed rebuild keeps the last good
/// site online and shows its errors in every page until the next build succeeds.
public actor PreviewServer {
    public let configuration: PreviewConfiguration
    private let builder: PreviewBuilder
    private let progress: BuildProgress?
    private let onEvent: @Sendable (PreviewEvent) -> Void
    /// Tells versions of different server runs apart, so a page left open across a restart reloads.
    private let session = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private var builds = 0
    private var snapshot: PreviewSnapshot
    private var folders = FolderSnapshot()
    private var http: HTTPServer?
    private var serverTask: Task<Void, Never>?
    private var watchTask: Task<Void, Never>?

    /// - Parameters:
    ///   - services: the build's loader, validator and API (tests may swap them).
    ///   - progress: shown during builds that take more than a second.
    ///   - onEvent: called for every build and request, from any thread.
    public init(
        configuration: PreviewConfiguration, services: SiteServices = .standard, progress: BuildProgress? = nil,
        onEvent: @escaping @Sendable (PreviewEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        builder = PreviewBuilder(
            contentDirectory: configuration.contentDirectory, templatesDirectory: configuration.templatesDirectory,
            displayRoot: configuration.displayRoot, services: services)
        self.progress = progress
        self.onEvent = onEvent
        snapshot = PreviewSnapshot(site: nil, failure: nil, version: "\(session)-0")
    }

    /// What is served right now.
    public var current: PreviewSnapshot { snapshot }

    /// Builds the site, starts listening and starts watching the folders.
    ///
    /// A first build that fails does not stop the server: it serves the errors until they are fixed.
    /// - Returns: the address pages are served at, e.g. `http://127.0.0.1:8000/`.
    public func start() async throws -> URL {
        let address = try Self.socketAddress(host: configuration.host, port: configuration.port)
        folders = scanFolders()
        await rebuild(changed: [])

        let handler = Handler(server: self, onEvent: onEvent)
        let server = HTTPServer(config: HTTPServer.Configuration(address: address, timeout: 30, logger: .disabled), handler: handler)
        let failure = StartFailure()
        serverTask = Task {
            do {
                try await server.run()
            } catch {
                await failure.record(error)
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while !(await server.isListening) {
            if let reason = await failure.reason {
                throw PreviewServerError.cannotListen(host: configuration.host, port: configuration.port, reason: reason)
            }
            if Date() > deadline {
                serverTask?.cancel()
                throw PreviewServerError.cannotListen(host: configuration.host, port: configuration.port, reason: "timed out")
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        http = server
        let url = Self.url(for: await server.listeningAddress, fallbackHost: configuration.host, fallbackPort: configuration.port)

        if let interval = configuration.pollInterval {
            watchTask = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(max(0.05, interval) * 1_000_000_000))
                    guard let self, !Task.isCancelled else { return }
                    await self.checkForChanges()
                }
            }
        }
        return url
    }

    /// Waits until the server stops (it runs until `stop()` or the process ends).
    public func waitUntilStopped() async {
        await serverTask?.value
    }

    /// Stops watching and listening.
    public func stop() async {
        watchTask?.cancel()
        watchTask = nil
        await http?.stop(timeout: 1)
        http = nil
        serverTask?.cancel()
    }

    /// Looks at the folders once and rebuilds when a file was added, removed or changed.
    /// - Returns: whether a rebuild ran.
    @discardableResult
    public func checkForChanges() async -> Bool {
        let now = scanFolders()
        guard now != folders else { return false }
        // Editors often save in several writes (temporary file, rename); let them finish.
        try? await Task.sleep(nanoseconds: 120_000_000)
        let settled = scanFolders()
        let changed = settled.changes(since: folders)
        folders = settled
        await rebuild(changed: changed)
        return true
    }

    /// Builds the site now and serves the result: the new site when it built, otherwise the
    /// previous site with the errors on top. Every build, good or bad, gets a new version.
    @discardableResult
    public func rebuild(changed: [String]) async -> PreviewBuildOutcome {
        let started = Date()
        let outcome = await builder.buildInBackground(progress: progress)
        let seconds = Date().timeIntervalSince(started)
        builds += 1
        let version = "\(session)-\(builds)"
        switch outcome {
        case .built(let site, let warnings):
            snapshot = PreviewSnapshot(site: site, failure: nil, version: version)
            onEvent(.built(pages: site.pages, files: site.fileCount, seconds: seconds, warnings: warnings, changed: changed))
        case .failed(let failure):
            snapshot = PreviewSnapshot(site: snapshot.site, failure: failure, version: version)
            onEvent(.failed(failure, seconds: seconds, changed: changed, servingLastGoodBuild: snapshot.site != nil))
        }
        return outcome
    }

    private func scanFolders() -> FolderSnapshot {
        FolderSnapshot.scan([configuration.contentDirectory, configuration.templatesDirectory], displayRoot: configuration.displayRoot)
    }

    /// Whether `host` names this machine only (127.0.0.0/8, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func socketAddress(host: String, port: UInt16) throws -> any SocketAddress {
        let literal = host == "localhost" ? "127.0.0.1" : host
        do {
            if literal.contains(":") {
                return try sockaddr_in6.inet6(ip6: literal, port: port)
            }
            return try sockaddr_in.inet(ip4: literal, port: port)
        } catch {
            throw PreviewServerError.invalidHost(host)
        }
    }

    static func url(for address: Socket.Address?, fallbackHost: String, fallbackPort: UInt16) -> URL {
        let text: String
        switch address {
        case .ip4(let host, let port):
            text = "http://\(host):\(port)/"
        case .ip6(let host, let port):
            text = "http://[\(host)]:\(port)/"
        default:
            text = fallbackHost.contains(":") ? "http://[\(fallbackHost)]:\(fallbackPort)/" : "http://\(fallbackHost):\(fallbackPort)/"
        }
        return URL(string: text) ?? URL(fileURLWithPath: "/")
    }

    /// Answers requests from the current snapshot.
    private struct Handler: HTTPHandler {
        let server: PreviewServer
        let onEvent: @Sendable (PreviewEvent) -> Void

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            let snapshot = await server.current
            let answer = PreviewResponder.respond(
                method: request.method.rawValue, rawPath: request.target.path(), query: request.target.query(), snapshot: snapshot)
            onEvent(.request(method: request.method.rawValue, path: request.target.rawValue, status: answer.status))
            var headers = HTTPHeaders()
            for header in answer.headers { headers.addValue(header.value, for: HTTPHeader(header.name)) }
            return HTTPResponse(statusCode: Self.statusCode(answer.status), headers: headers, body: answer.body)
        }

        static func statusCode(_ code: Int) -> HTTPStatusCode {
            switch code {
            case 200: return .ok
            case 301: return .movedPermanently
            case 404: return .notFound
            case 405: return .methodNotAllowed
            case 500: return .internalServerError
            default: return HTTPStatusCode(code, phrase: "Status \(code)")
            }
        }
    }
}

/// The error of a server that stopped before it listened.
private actor StartFailure {
    private(set) var reason: String?

    func record(_ error: any Error) {
        reason = (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }
}
