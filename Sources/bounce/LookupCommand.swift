import ArgumentParser
import BounceKB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The default command: explain codes, a pasted line, or bounce emails on standard input.
struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Explain codes, a pasted bounce line, or bounce email on standard input (the default).",
        discussion: """
        With no text (or with '-'), standard input is read: one bounce email (one result per \
        failed recipient), an mbox file (one or more results per message), or a pasted line. \
        At most 10 MiB of each message is read.
        """
    )

    @Argument(help: ArgumentHelp("Codes (550, 5.7.26) or the text of a bounce line; '-' or nothing reads standard input.", valueName: "text"))
    var text: [String] = []

    @Option(name: .long, help: "Show at most this many matching entries per result.")
    var limit = 5

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard (1...50).contains(limit) else { throw ValidationError("--limit must be between 1 and 50.") }
    }

    func run() throws {
        let readsInput = text.isEmpty || text == ["-"]
        if readsInput && text.isEmpty && isatty(STDIN_FILENO) == 1 {
            throw ValidationError("Give a code or a bounce line, or pipe a bounce email into bounce (see bounce --help).")
        }
        let matcher = try dataOptions.matcher(forManyLookups: readsInput)
        let knowledgeBase = matcher.knowledgeBase
        let terminal = outputOptions.terminal()
        var renderer = ResultRenderer(knowledgeBase: knowledgeBase, terminal: terminal, json: outputOptions.json, fullEntry: dataOptions.fullEntry)
        var matched = false

        if readsInput {
            var reader = InputReader(descriptor: STDIN_FILENO, limit: BounceReport.maximumInputSize)
            var messageNumber = 0
            let isMailbox = try reader.read { message, isMailbox in
                messageNumber += 1
                let results = matcher.lookup(message, limit: limit)
                matched = matched || results.contains { !$0.match.matches.isEmpty }
                Output.standard(renderer.add(results, message: isMailbox ? messageNumber : nil))
            }
            if reader.truncated {
                Output.error("bounce: warning: input longer than 10 MiB per message; the rest was not read")
            }
            if messageNumber == 0 && !isMailbox {
                throw ValidationError("Standard input was empty.")
            }
        } else {
            let input = text.joined(separator: " ")
            let results = matcher.lookup(input, limit: limit)
            matched = results.contains { !$0.match.matches.isEmpty }
            Output.standard(renderer.add(results, message: nil))
        }
        Output.standard(renderer.finish())
        if !matched { throw ExitCode(1) }
    }
}
