import ArgumentParser
import BounceKB
import Foundation
import PreviewServer

struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Start a new entry: a file with its fields filled in and both sections outlined.",
        discussion: """
            Writes content/<category>/<id>.md with title, reply, status and reason filled in, and \
            TODO placeholders for the summary, Details and Resolution. It loads and builds at once; \
            'bouncekb check' reports the placeholders as warnings until they are written. Never \
            replaces a file. Exit status: 0 when written, 1 when the entry (or its id in another \
            category) already exists, 2 on a usage error (unknown category, reply, status or reason).

            Example: bouncekb new mailbox/example-mailbox-full --reply 552 --status 5.2.2 --reason mailbox-full
            """
    )

    @Argument(help: ArgumentHelp("Where the entry goes: a category folder and a kebab-case id.", valueName: "category/id"))
    var path: String

    @Option(name: .long, help: ArgumentHelp("The SMTP reply code the bounce comes with, e.g. 550.", valueName: "code"))
    var reply: Int

    @Option(name: .long, help: ArgumentHelp("The enhanced status code, e.g. 5.1.1; its class must agree with --reply.", valueName: "x.y.z"))
    var status: String?

    @Option(name: .long, help: ArgumentHelp("A reason id from the taxonomy, e.g. mailbox-not-found.", valueName: "reason"))
    var reason: String

    @Option(name: .long, help: ArgumentHelp("The page title (default: the id in words).", valueName: "text"))
    var title: String?

    @Option(name: .long, help: ArgumentHelp("The content folder, holding site.yml and the category folders.", valueName: "dir"))
    var content = "content"

    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        do {
            _ = try EntryScaffold(path: path, reply: reply, status: status, reason: reason, title: title)
        } catch {
            throw ValidationError(error.description)
        }
        var isDirectory: ObjCBool = false
        let url = CommandEnvironment.current().url(for: content)
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no content folder at '\(content)'; run from the repository root or pass --content DIR")
        }
    }

    func run() throws {
        let environment = CommandEnvironment.current()
        let contentURL = environment.url(for: content)
        let file: URL
        do {
            let scaffold = try EntryScaffold(path: path, reply: reply, status: status, reason: reason, title: title)
            file = try scaffold.write(into: contentURL)
        } catch {
            writeToStandardError("bouncekb: \(error.description)\n")
            // A wrong argument (unknown category) is a usage error, as in validate().
            if case .invalid = error { throw CommandExit.usage }
            throw CommandExit.failure
        }
        guard verbosity.level != .quiet else { return }

        // What is left to write, as `check` reports it for this file.
        let result = ContentLoader(contentDirectory: contentURL, displayRoot: environment.workingDirectory).load()
        let shownPath = Self.display(file, root: environment.workingDirectory)
        let own = result.diagnostics.filter { $0.file == shownPath }
        var text = "created \(shownPath)\n"
        if verbosity.level == .verbose {
            text += (try? String(contentsOf: file, encoding: .utf8)).map { "\n" + $0 + "\n" } ?? ""
        }
        if !own.isEmpty {
            text += "still to write (bouncekb check shows these until done):\n" + environment.stdoutFormatter.format(own)
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `file` relative to `root` when inside it, as diagnostics show paths.
    static func display(_ file: URL, root: URL) -> String {
        let path = file.standardizedFileURL.path
        var rootPath = root.standardizedFileURL.path
        if !rootPath.hasSuffix("/") { rootPath += "/" }
        return path.hasPrefix(rootPath) ? String(path.dropFirst(rootPath.count)) : path
    }
}
