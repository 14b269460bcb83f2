import ArgumentParser
import BounceKB

/// `bounce list`: the entries, optionally of one category or reason.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the entries of the knowledge base."
    )

    @Option(name: .long, help: "Only entries of this category (a folder id such as 'mailbox').")
    var category: String?

    @Option(name: .long, help: "Only entries of this reason (such as 'mailbox-full').")
    var reason: String?

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let knowledgeBase = try dataOptions.knowledgeBase()
        if let category, knowledgeBase.category(category) == nil {
            let known = knowledgeBase.categories.map(\.id).joined(separator: ", ")
            throw CommandFailure(message: "unknown category '\(category)'; categories: \(known)")
        }
        if let reason, knowledgeBase.reason(reason) == nil {
            let known = knowledgeBase.reasons.map(\.id).joined(separator: ", ")
            throw CommandFailure(message: "unknown reason '\(reason)'; reasons: \(known)")
        }
        let entries = knowledgeBase.entries.filter { entry in
            (category == nil || entry.category == category) && (reason == nil || entry.reason == reason)
        }
        if outputOptions.json {
            let items = entries.map { entry -> JSON in
                .object([
                    ("id", .string(entry.id)),
                    ("title", .string(entry.title)),
                    ("category", .string(entry.category)),
                    ("reason", .string(entry.reason)),
                    ("reply", .int(entry.reply)),
                    ("status", .optional(entry.status)),
                    ("permanence", .string(entry.permanence.rawValue)),
                    ("action", .string(entry.action.rawValue)),
                    ("url", .string(knowledgeBase.url(of: entry))),
                ])
            }
            Output.standard(JSON.object([("entries", .array(items))]).rendered() + "\n")
        } else if outputOptions.detail == .quiet {
            if !entries.isEmpty { Output.standard(entries.map { Terminal.printable($0.id) + "\n" }.joined()) }
        } else {
            let terminal = outputOptions.terminal()
            var lines: [String] = []
            for category in knowledgeBase.categories {
                let inCategory = entries.filter { $0.category == category.id }
                guard !inCategory.isEmpty else { continue }
                if !lines.isEmpty { lines.append("") }
                lines.append(terminal.bold(Terminal.printable(category.title)) + terminal.dim(" (\(Terminal.printable(category.id)))"))
                for entry in inCategory.map(ResultRenderer.printable) {
                    let codes = ([String(entry.reply)] + (entry.status.map { [$0] } ?? [])).joined(separator: " ")
                    let head = "  " + entry.id + "  " + terminal.dim(codes)
                    lines.append(head)
                    lines.append(terminal.wrap(entry.title, indent: "      ", firstIndent: "      "))
                }
            }
            if !lines.isEmpty { Output.standard(lines.joined(separator: "\n") + "\n") }
        }
        if entries.isEmpty {
            Output.error("bounce: no entries match")
            throw ExitCode(1)
        }
    }
}
