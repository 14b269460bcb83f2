import ArgumentParser
import BounceKB
import Dispatch
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
        var renderer = ResultRenderer(
            knowledgeBase: knowledgeBase, terminal: terminal, json: outputOptions.json, detail: outputOptions.detail,
            normalizer: matcher.normalizer, fullEntry: dataOptions.fullEntry
        )
        var matched = false

        if readsInput {
            var reader = InputReader(descriptor: STDIN_FILENO, limit: BounceReport.maximumInputSize)
            var messageNumber = 0
            // The messages of an mbox are matched in batches on every core; results are written
            // in input order as each batch completes, so memory stays bounded by one batch.
            var batch: [String] = []
            var batchBytes = 0
            func flush() {
                for results in Self.lookUp(batch, matcher: matcher, limit: limit) {
                    messageNumber += 1
                    matched = matched || results.contains { !$0.match.matches.isEmpty }
                    Output.standard(renderer.add(results, message: messageNumber))
                }
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            let isMailbox = try reader.read { message, isMailbox in
                guard isMailbox else {
                    messageNumber += 1
                    let results = matcher.lookup(message, limit: limit)
                    matched = matched || results.contains { !$0.match.matches.isEmpty }
                    Output.standard(renderer.add(results, message: nil))
                    return
                }
                batch.append(message)
                batchBytes += message.utf8.count
                if batch.count >= Self.batchMessages || batchBytes >= Self.batchBytes { flush() }
            }
            if !batch.isEmpty { flush() }
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

    /// The command for the common arguments (words of text, `-` and the plain flags `--json`,
    /// `--no-color`, `-q`/`--quiet`, `-v`/`--verbose`, each at most once), built without the
    /// argument parser, whose reflection over the command's definition costs a few milliseconds
    /// at every start; nil for anything else, which the parser then reads (and reports).
    static func quickParse(_ arguments: [String]) -> LookupCommand? {
        var words: [String] = []
        var flags = Set<String>()
        for argument in arguments {
            switch argument {
            case "--json", "--no-color", "-q", "--quiet", "-v", "--verbose":
                let name = argument == "-q" ? "--quiet" : argument == "-v" ? "--verbose" : argument
                guard flags.insert(name).inserted else { return nil }
            default:
                guard argument == "-" || !argument.hasPrefix("-") else { return nil }
                words.append(argument)
            }
        }
        if flags.contains("--quiet") && flags.contains("--verbose") { return nil }
        if words.contains("-") && words != ["-"] { return nil }
        var data = DataOptions()
        data.data = nil
        var output = OutputOptions()
        output.json = flags.contains("--json")
        output.noColor = flags.contains("--no-color")
        output.quiet = flags.contains("--quiet")
        output.verbose = flags.contains("--verbose")
        var command = LookupCommand()
        command.text = words
        command.limit = 5
        command.dataOptions = data
        command.outputOptions = output
        return command
    }

    /// Most messages of an mbox matched together (enough to keep both cores busy).
    static let batchMessages = 256
    /// Most bytes of messages held at once, whatever their number.
    static let batchBytes = 8 << 20

    /// The results of each message, in order, matched concurrently.
    static func lookUp(_ messages: [String], matcher: Matcher, limit: Int) -> [[LookupResult]] {
        if messages.count <= 1 { return messages.map { matcher.lookup($0, limit: limit) } }
        let slots = Slots(count: messages.count)
        defer { slots.release() }
        DispatchQueue.concurrentPerform(iterations: messages.count) { index in
            slots.store(matcher.lookup(messages[index], limit: limit), at: index)
        }
        return Array(slots.buffer)
    }

    /// One result slot per message. Unchecked: each concurrent iteration writes its own slot
    /// only, and the slots are read after all iterations finished.
    private struct Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<[LookupResult]>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            _ = buffer.initialize(from: repeatElement([], count: count))
        }

        func store(_ results: [LookupResult], at index: Int) { buffer[index] = results }

        func release() {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
