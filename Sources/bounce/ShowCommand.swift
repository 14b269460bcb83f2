import ArgumentParser
import BounceKB
import Markdown

/// `bounce show <id>`: one entry in full.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one entry of the knowledge base in full."
    )

    @Argument(help: "The entry id, as printed by 'bounce list'.")
    var id: String

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let knowledgeBase = try dataOptions.knowledgeBase()
        guard let found = knowledgeBase.entry(id) else {
            let similar = knowledgeBase.entries.map(\.id).filter { $0.contains(id) || id.contains($0) }.prefix(5)
            let hint = similar.isEmpty ? " (see bounce list)" : "; did you mean " + similar.joined(separator: ", ") + "?"
            throw CommandFailure(message: "no entry with id '\(id)'\(hint)", status: 1)
        }
        if outputOptions.json {
            let document = JSON.object([
                ("entry", JSON.encoded(found)),
                ("url", .string(knowledgeBase.url(of: found))),
            ])
            Output.standard(document.rendered() + "\n")
            return
        }
        // Text from `--data` is printed: without control characters.
        let entry = ResultRenderer.printable(found)
        if outputOptions.detail == .quiet {
            Output.standard(entry.title + "\n")
            return
        }
        let terminal = outputOptions.terminal()
        var lines: [String] = []
        lines.append(terminal.wrap(terminal.bold(entry.title)))
        var facts = ["reply \(entry.reply)"]
        if let status = entry.status { facts.append("status \(status)") }
        facts += [entry.permanence.rawValue, entry.reason, entry.action.label]
        lines.append(terminal.dim(facts.joined(separator: " · ")))
        if let category = knowledgeBase.category(entry.category) {
            lines.append(terminal.dim("Category: " + Terminal.printable(category.title)))
        }
        if !entry.providers.isEmpty { lines.append(terminal.dim("Seen from: " + entry.providers.joined(separator: ", "))) }
        lines.append("")
        lines.append(terminal.wrap(entry.summary))
        for (heading, markdown) in [("Details", entry.details), ("What to do", entry.resolution)] {
            let body = MarkdownDocument(markdown).terminalText(width: terminal.width - 2, styled: terminal.color)
            guard !body.isEmpty else { continue }
            lines.append("")
            lines.append(terminal.bold(heading))
            lines.append(body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
        }
        if !entry.match.isEmpty {
            lines.append("")
            lines.append(terminal.bold("Typical wording"))
            for phrase in entry.match { lines.append(terminal.wrap(phrase, indent: "    ", firstIndent: "  - ")) }
        }
        if !entry.related.isEmpty {
            lines.append("")
            lines.append(terminal.bold("Related"))
            for related in entry.related {
                let title = Terminal.printable(knowledgeBase.entry(related)?.title ?? related)
                lines.append(terminal.wrap("\(title) " + terminal.dim("(\(related))"), indent: "    ", firstIndent: "  - "))
            }
        }
        if !entry.references.isEmpty {
            lines.append("")
            lines.append(terminal.bold("References"))
            for reference in entry.references { lines.append(terminal.wrap("\(reference.title): \(reference.url)", indent: "    ", firstIndent: "  - ")) }
        }
        lines.append("")
        lines.append(terminal.dim("Page: ") + knowledgeBase.url(of: entry))
        Output.standard(lines.joined(separator: "\n") + "\n")
    }
}
