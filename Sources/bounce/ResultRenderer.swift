import BounceKB
import Markdown

/// Turns lookup results into the text people read or the documented JSON.
struct ResultRenderer {
    let knowledgeBase: KnowledgeBase
    let terminal: Terminal
    let json: Bool
    /// Gives an entry with all its texts, for the entries shown in full.
    let fullEntry: (Entry) -> Entry

    private var jsonCount = 0
    private var wroteText = false
    private var codeCache: [String: JSON] = [:]

    init(knowledgeBase: KnowledgeBase, terminal: Terminal, json: Bool, fullEntry: @escaping (Entry) -> Entry = { $0 }) {
        self.knowledgeBase = knowledgeBase
        self.terminal = terminal
        self.json = json
        self.fullEntry = fullEntry
    }

    /// The output for `results`, to be written at once, so a batch streams in bounded memory.
    mutating func add(_ results: [LookupResult], message: Int?) -> String {
        var output = ""
        if json {
            for result in results {
                output += jsonCount == 0 ? "{\n  \"results\": [\n" : ",\n"
                output += "    " + jsonValue(result, message: message).rendered(depth: 2)
                jsonCount += 1
            }
            return output
        }
        if let message {
            output += (wroteText ? "\n" : "") + terminal.bold("Message \(message)") + "\n"
            wroteText = false
        }
        for result in results {
            if wroteText { output += "\n" }
            output += human(result, showRecipient: results.count > 1 || result.recipient != nil)
            wroteText = true
        }
        return output
    }

    /// What remains to be written after the last result.
    func finish() -> String {
        guard json else { return "" }
        return jsonCount == 0 ? "{\n  \"results\": []\n}\n" : "\n  ]\n}\n"
    }

    // MARK: - JSON

    private mutating func jsonValue(_ result: LookupResult, message: Int?) -> JSON {
        let match = result.match
        var members: [(String, JSON)] = []
        if let message { members.append(("message", .int(message))) }
        members += [
            ("recipient", .optional(result.recipient)),
            ("reply", .optional(match.reply)),
            ("status", .optional(match.status?.description)),
            ("diagnostic", .optional(result.diagnostic)),
            ("code", codeJSON(match)),
            ("matches", .array(match.matches.map(matchJSON))),
            ("reason", .object([
                ("id", .string(match.reason.id)),
                ("source", .string(match.reason.source.rawValue)),
            ])),
            ("kind", .string(match.kind.rawValue)),
        ]
        return .object(members)
    }

    private mutating func codeJSON(_ match: MatchResult) -> JSON {
        let key = "\(match.reply ?? 0)|\(match.status?.description ?? "")"
        if let cached = codeCache[key] { return cached }
        // Rendered once per pair of codes, already indented for where it is written.
        let value = JSON.verbatim(JSON.encoded(match.code).rendered(depth: 3))
        codeCache[key] = value
        return value
    }

    private func matchJSON(_ item: EntryMatch) -> JSON {
        let entry = item.entry
        return .object([
            ("id", .string(entry.id)),
            ("title", .string(entry.title)),
            ("category", .string(entry.category)),
            ("reason", .string(entry.reason)),
            ("permanence", .string(entry.permanence.rawValue)),
            ("action", .string(entry.action.rawValue)),
            ("score", .double(item.score)),
            ("url", .string(knowledgeBase.url(of: entry))),
            ("tied", .bool(item.tied)),
            ("phrase", .optional(item.phrase)),
        ])
    }

    // MARK: - Text

    private func human(_ result: LookupResult, showRecipient: Bool) -> String {
        let match = result.match
        var lines: [String] = []
        if showRecipient {
            var head = "Recipient: " + (result.recipient ?? "(not named)")
            if let action = result.action, !action.isEmpty { head += " (\(action))" }
            lines.append(terminal.bold(head))
        }
        switch match.kind {
        case .failure: break
        case .delayed: lines.append(terminal.yellow("A delay warning: the sending server is still trying."))
        case .delivered: lines.append(terminal.green("A delivery report: the message was delivered."))
        case .autoReply: lines.append(terminal.green("An automatic reply, not a bounce."))
        case .feedback: lines.append(terminal.yellow("A spam complaint (ARF feedback report), not a bounce."))
        }
        if let codeLine = codeSummary(match) { lines.append(codeLine) }

        if match.matches.isEmpty {
            lines.append(contentsOf: codeDetails(match))
            lines.append("")
            lines.append(terminal.wrap("No entry in the knowledge base matches this text."))
            if match.reason.id != "unclassified" {
                let source: String
                switch match.reason.source {
                case .keywords: source = "from the wording"
                case .code: source = "from the codes alone"
                case .structure: source = "from the message's structure"
                case .entry, .none: source = "best guess"
                }
                let description = knowledgeBase.reason(match.reason.id)?.description ?? ""
                lines.append(terminal.wrap("Likely reason (\(source)): " + terminal.bold(match.reason.id) + (description.isEmpty ? "" : " — \(description)")))
                if let reason = knowledgeBase.reason(match.reason.id) {
                    lines.append(terminal.wrap("What to do: " + reason.action.label + "."))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }

        let top = match.matches[0]
        let shared = match.matches.filter { $0.tied && abs($0.score - top.score) < 0.001 }
        let shown = shared.count > 1 ? shared : [top]
        if shown.count > 1 {
            lines.append("")
            lines.append(terminal.wrap("\(shown.count) causes share this message; check which one applies:"))
        }
        for item in shown {
            lines.append("")
            lines.append(contentsOf: entryBlock(fullEntry(item.entry)))
        }
        let others = match.matches.filter { candidate in !shown.contains { $0.entry.id == candidate.entry.id } }
        if !others.isEmpty {
            lines.append("")
            lines.append(terminal.dim("Also possible:"))
            for item in others {
                lines.append(terminal.wrap("\(item.entry.title) " + terminal.dim("(bounce show \(item.entry.id))"), indent: "    ", firstIndent: "  - "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "550 5.1.1: Bad destination mailbox address" — the codes and their registry titles.
    private func codeSummary(_ match: MatchResult) -> String? {
        let code = match.code
        var parts: [String] = []
        if let reply = match.reply { parts.append(String(reply)) }
        if let status = match.status { parts.append(status.description) }
        guard !parts.isEmpty else { return nil }
        var titles: [String] = []
        if let title = code.statusTitle { titles.append(title) } else if let title = code.replyTitle { titles.append(title) }
        let permanence = code.permanence.map { value -> String in
            switch value {
            case .permanent: return "permanent"
            case .transient: return "transient"
            case .none: return "not a failure"
            }
        }
        var line = terminal.bold(parts.joined(separator: " "))
        if !titles.isEmpty { line += ": " + titles.joined(separator: "; ") }
        if let permanence { line += terminal.dim(" (\(permanence))") }
        return terminal.wrap(line)
    }

    /// The registry's explanation, for results with no entry.
    private func codeDetails(_ match: MatchResult) -> [String] {
        let code = match.code
        var lines: [String] = []
        for sentence in [code.classMeaning, code.replyExplanation, code.subjectMeaning, code.statusExplanation].compactMap({ $0 }) {
            lines.append(terminal.wrap(sentence, indent: "  ", firstIndent: "  "))
        }
        for note in code.notes { lines.append(terminal.dim(terminal.wrap(note, indent: "  ", firstIndent: "  "))) }
        return lines
    }

    private func entryBlock(_ entry: Entry) -> [String] {
        var lines: [String] = []
        lines.append(terminal.wrap(terminal.bold(entry.title)))
        var facts = [String(entry.reply)]
        if let status = entry.status { facts.append(status) }
        let permanence: String
        switch entry.permanence {
        case .permanent: permanence = terminal.red("permanent")
        case .transient: permanence = terminal.yellow("transient")
        case .none: permanence = terminal.green("not a failure")
        }
        lines.append(terminal.wrap(facts.joined(separator: " ") + " · " + permanence + " · " + entry.reason + " · " + entry.action.label))
        lines.append("")
        lines.append(terminal.wrap(entry.summary))
        let resolution = MarkdownDocument(entry.resolution).terminalText(width: terminal.width - 2, styled: terminal.color)
        if !resolution.isEmpty {
            lines.append("")
            lines.append(terminal.bold("What to do"))
            lines.append(resolution.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))
        }
        if knowledgeBase.site.absoluteBaseURL != nil {
            lines.append("")
            lines.append(terminal.dim("More: ") + knowledgeBase.url(of: entry))
        } else {
            lines.append("")
            lines.append(terminal.dim("More: bounce show \(entry.id)"))
        }
        return lines
    }
}
