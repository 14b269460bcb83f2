import BounceKB
import Foundation
@testable import SiteBuilder

/// Helpers for the search tests: the committed Node harness, external programs, built sites.
enum SearchSupport {
    static let repository = Fixtures.repository
    /// The browser engine, as shipped.
    static let searchScript = repository.appendingPathComponent("templates/assets/search.js")
    /// Tests/SearchParity/: the Node harness and the parity queries.
    static let parityFolder = repository.appendingPathComponent("Tests/SearchParity")

    /// A program on PATH (or nil), e.g. `node` or `chromium`.
    static func program(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static var node: String? { ProcessInfo.processInfo.environment["NODE"] ?? program(["node", "nodejs"]) }
    static var chromium: String? { ProcessInfo.processInfo.environment["CHROMIUM"] ?? program(["chromium", "chromium-browser", "google-chrome"]) }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` to completion, reading both pipes while it runs.
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = stderr.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Output(status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self), stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// Builds a site into `<new temporary folder>/public` and returns that folder.
    static func buildSite(_ name: String, content: URL? = nil, kb: KnowledgeBase? = nil, baseURL: String? = nil) throws -> URL {
        let parent = try Fixtures.temporaryFolder(name)
        let output = parent.appendingPathComponent("public")
        let options = SiteBuildOptions(
            contentDirectory: content ?? parent.appendingPathComponent("content"), templatesDirectory: Fixtures.templates,
            outputDirectory: output, baseURL: baseURL
        )
        let builder = kb.map { SiteBuilder(options: options, services: Fixtures.services($0)) } ?? SiteBuilder(options: options)
        try builder.build()
        return output
    }

    /// The project's content, loaded.
    static func realKnowledgeBase() throws -> KnowledgeBase {
        let result = ContentLoader(contentDirectory: Fixtures.content).load()
        guard !result.knowledgeBase.entries.isEmpty else { throw FixtureError("content/ has no entries") }
        return result.knowledgeBase
    }

    /// Queries of Tests/SearchParity/queries.tsv (`kind<TAB>text`, `\n` and `\\` escaped).
    static func parityQueries() throws -> [(kind: String, text: String)] {
        let text = try String(contentsOf: parityFolder.appendingPathComponent("queries.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> (String, String)? in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return (String(line[..<tab]), unescape(String(line[line.index(after: tab)...])))
        }
    }

    /// The real-world bounce lines of the matcher's accuracy tests, when present.
    static func realWorldLines() -> [String] {
        let url = repository.appendingPathComponent("Tests/BounceKBTests/Fixtures/realworld/lines.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("reason\t"), let tab = line.firstIndex(of: "\t") else { return nil }
            let value = String(line[line.index(after: tab)...])
            return value.replacingOccurrences(of: "\\n", with: "\n")
        }
    }

    static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `file://` URL of the search page in `site` with `query`.
    static func searchURL(_ site: URL, _ query: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return site.appendingPathComponent("search/index.html").absoluteString + "?q=" + encoded
    }
}
