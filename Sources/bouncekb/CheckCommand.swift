import ArgumentParser
import BounceKB
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the content for errors and style problems.",
        discussion: """
            Prints every problem as 'file:line:column: error|warning: message', sorted by file and line, \
            then a summary line. Exit status: 0 when there are no errors (warnings are allowed), \
            1 when there are errors, 2 on a usage error.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The content folder, holding site.yml and the category folders.", valueName: "dir"))
    var content = "content"

    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        var isDirectory: ObjCBool = false
        let url = CommandEnvironment.current().url(for: content)
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no content folder at '\(content)'; run from the repository root or pass --content DIR")
        }
    }

    func run() throws {
        let environment = CommandEnvironment.current()
        let result = ContentLoader(contentDirectory: environment.url(for: content), displayRoot: environment.workingDirectory).load()
        let formatter = environment.stdoutFormatter
        let output: String
        switch verbosity.level {
        case .quiet:
            output = formatter.format(result.diagnostics.filter { $0.severity == .error })
        case .normal, .verbose:
            var summary = formatter.summary(
                entries: result.entryFileCount, categories: result.categoryFolderCount, diagnostics: result.diagnostics) + "\n"
            if verbosity.level == .verbose {
                let kb = result.knowledgeBase
                let counts = kb.categories.map { category in
                    "  \(category.id): \(kb.entries.filter { $0.category == category.id }.count) entries\n"
                }
                summary = counts.joined() + summary
            }
            output = formatter.format(result.diagnostics) + summary
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if result.diagnostics.hasErrors {
            throw CommandExit.failure
        }
    }
}
