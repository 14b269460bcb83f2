import ArgumentParser
import BounceKB
import Dispatch
import Foundation
import PreviewServer
import SiteBuilder

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Preview the site on this machine, rebuilt and reloaded as you edit.",
        discussion: """
            Builds the site in memory (public/ is never touched) and serves it at \
            http://127.0.0.1:8000/. Every change under the content and templates folders rebuilds \
            it, and open pages reload by themselves. When a build fails, the terminal and every \
            page show the errors as file:line:column and the last good build stays online. The \
            preview is served from the root of the address whatever base_url says. Stop with Ctrl-C.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The content folder, holding site.yml and the category folders.", valueName: "dir"))
    var content = "content"

    @Option(name: .long, help: ArgumentHelp("The templates folder: *.mustache files and assets/.", valueName: "dir"))
    var templates = "templates"

    @Option(name: .long, help: ArgumentHelp("The address to listen on; keep the default to serve this machine only.", valueName: "ip"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
    var port = 8000

    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        let environment = CommandEnvironment.current()
        for (option, path) in [("--content", content), ("--templates", templates)] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: environment.url(for: path).path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("no folder at '\(path)'; run from the repository root or pass \(option) DIR")
            }
        }
    }

    func run() throws {
        let environment = CommandEnvironment.current()
        let log = ServeLog(formatter: environment.stderrFormatter, verbosity: verbosity.level, content: content, templates: templates)
        let progress = BuildProgress.standardError(
            stderrIsTerminal: environment.stderrIsTerminal, environment: environment.variables, quiet: verbosity.quiet)
        let server = PreviewServer(
            configuration: PreviewConfiguration(
                contentDirectory: environment.url(for: content), templatesDirectory: environment.url(for: templates),
                displayRoot: environment.workingDirectory, host: host, port: UInt16(port)),
            progress: progress,
            onEvent: { log.report($0) })
        if !PreviewServer.isLoopback(host) {
            writeToStandardError("bouncekb: warning: serving on \(host): other machines on the network can read the preview\n")
        }

        // The command line runs synchronously; the server lives on Swift's concurrency threads
        // until the process is interrupted.
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let url = try await server.start()
                log.listening(url)
                await server.waitUntilStopped()
            } catch {
                outcome.set("\(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = outcome.message {
            writeToStandardError("bouncekb: \(message)\n")
            throw CommandExit.failure
        }
    }
}

/// The message of a server that could not start, handed from its task to the command.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?

    func set(_ message: String) {
        lock.lock()
        stored = message
        lock.unlock()
    }

    var message: String? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// What `serve` prints: diagnostics on standard error exactly as `check` formats them, and one
/// line per build; with --verbose also every request, with --quiet only errors.
private struct ServeLog: Sendable {
    let formatter: DiagnosticFormatter
    let verbosity: Verbosity
    let content: String
    let templates: String

    func listening(_ url: URL) {
        guard verbosity != .quiet else { return }
        write("Serving the preview at \(url.absoluteString)\nWatching \(content)/ and \(templates)/ for changes; press Ctrl-C to stop.\n")
    }

    func report(_ event: PreviewEvent) {
        switch event {
        case .built(let pages, let files, let seconds, let warnings, let changed):
            guard verbosity != .quiet else { return }
            var text = formatter.format(warnings)
            text += "\(stamp())\(changedText(changed))built \(pages) pages (\(files) files) in \(String(format: "%.2f", seconds)) s"
            if !warnings.isEmpty { text += ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")" }
            write(text + "\n")
        case .failed(let failure, _, let changed, let servingLastGoodBuild):
            let shown = verbosity == .quiet ? failure.diagnostics.filter { $0.severity == .error } : failure.diagnostics
            var text = formatter.format(shown)
            text += "\(stamp())\(changedText(changed))\(failure)"
            text += servingLastGoodBuild ? "; still serving the last good build\n" : "; the preview shows the errors until they are fixed\n"
            write(text)
        case .request(let method, let path, let status):
            guard verbosity == .verbose else { return }
            write("\(stamp())\(status) \(method) \(path)\n")
        }
    }

    private func changedText(_ changed: [String]) -> String {
        guard let first = changed.first else { return "" }
        return changed.count == 1 ? "\(first) changed: " : "\(first) and \(changed.count - 1) more changed: "
    }

    /// `[14:03:27] ` so successive rebuilds can be told apart.
    private func stamp() -> String {
        let parts = Calendar.current.dateComponents([.hour, .minute, .second], from: Date())
        return String(format: "[%02d:%02d:%02d] ", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
