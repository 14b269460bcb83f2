import ArgumentParser
import BounceKB
import Foundation

/// `bounce embed`: regenerates the knowledge base compiled into `bounce` from content/.
/// Hidden: it is a build step, not something people run.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write the Swift source that carries the knowledge base inside bounce.",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The content folder.")
    var content = "content"

    @Option(name: .long, help: "The Swift file to write.")
    var output = "Sources/bounce/EmbeddedKnowledgeBase.swift"

    @Flag(name: .long, help: "Only check that the file is up to date (exit 1 when it is not).")
    var check = false

    func run() throws {
        let result = ContentLoader(contentDirectory: URL(fileURLWithPath: content)).load()
        if result.diagnostics.hasErrors {
            let listed = result.diagnostics.filter { $0.severity == .error }.sorted().prefix(20).map { "  " + $0.description }
            throw CommandFailure(message: "\(content) has errors; fix them first:\n" + listed.joined(separator: "\n"))
        }
        let source = KnowledgeBaseArchive.swiftSource(for: result.knowledgeBase)
        let existing = try? String(contentsOfFile: output, encoding: .utf8)
        if check {
            if existing == source {
                Output.standard("\(output) is up to date (\(result.knowledgeBase.entries.count) entries)\n")
                return
            }
            Output.error("bounce: \(output) is stale; run bounce embed")
            throw ExitCode(1)
        }
        if existing == source {
            Output.standard("\(output) already up to date (\(result.knowledgeBase.entries.count) entries)\n")
            return
        }
        do {
            try source.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "cannot write \(output): \(error.localizedDescription)")
        }
        Output.standard("wrote \(output) (\(result.knowledgeBase.entries.count) entries)\n")
    }
}
