import BounceKB
import Markdown

/// Turns lookup results into the text people read or the documented JSON.
struct ResultRenderer {
    let knowledgeBase: KnowledgeBase
    let terminal: Terminal
    let json: Bool
    /// How much the text output says (JSON always has one shape).
    let detail: OutputOptions.Detail
    /// Reads text the way the matcher did, for `--verbose`.
    let normalizer: Normalizer
    /// Gives an entry with all its texts, for the entries shown in full.
    private let loadEntry: (Entry) -> Entry

    private var jsonCount = 0
    private var wroteText = false
    private var codeCache: [String: JSON] = [:]
    /// Entries already read whole and made printable, by id: the recipients of one report
    /// mostly share a cause, and reading an entry from the built-in archive scans all of it.
    private var entryCache: [String: Entry] = [:]

    init(
        knowledgeBase: KnowledgeBase, terminal: Terminal, json: Bool, detail: OutputOptions.Detail = .normal,
        normalizer: Normalizer = .standard, fullEntry: @escaping (Entry) -> Entry = { $0 }
    ) {
        self.knowledgeBase = knowledgeBase
        self.terminal = terminal
        self.json = json
        self.detail = detail
        self.normalizer = normalizer
        self.loadEntry = fullEntry
    }

    /// `entry` with all its texts, printable (see `Terminal.printable`), read once per id.
    mutating func fullEntry(_ entry: Entry) -> Entry {
        if let cached = entryCache[entry.id] { return cached }
        let full = Self.printable(loadEntry(entry))
        entryCache[entry.id] = full
        return full
    }

    /// Every text of `entry` that output shows, with control characters replaced.
    static func printable(_ entry: Entry) -> Entry {
        var entry = entry
        entry.id = Terminal.printable(entry.id)
        entry.title = Terminal.printable(entry.title)
        entry.summary = Terminal.printable(entry.summary)
        entry.details = Terminal.printable(entry.details)
        entry.resolution = Terminal.printable(entry.resolution)
        entry.category = Terminal.printable(entry.category)
        entry.reason = Terminal.printable(entry.reason)
        entry.status = entry.status.map(Terminal.printable)
        entry.match = entry.match.map(Terminal.printable)
        entry.providers = entry.providers.map(Terminal.printable)
        entry.related = entry.related.map(Terminal.printable)
        entry.references = entry.references.map { Reference(title: Terminal.printable($0.title), url: Terminal.printable($0.url)) }
        return entry
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
        if detail == .quiet {
            for result in results { output += quietLine(result, message: message) }
            return output
        }
        if let message {
            output += (wroteText ? "\n" : "") + terminal.bold("Message \(message)") + "\n"
            wroteText = false
        }
        for result in results.prefix(Self.maximumTextResults) {
            if wroteText { output += "\n" }
            output += human(result, showRecipient: results.count > 1 || result.recipient != nil)
            wroteText = true
        }
        if results.count > Self.maximumTextResults {
            let more = results.count - Self.maximumTextResults
            output += "\n" + terminal.bold("… and \(more) more recipient\(more == 1 ? "" : "s") (use --json or --quiet for all)") + "\n"
        }
        return output
    }

    /// Most results of one message shown in full as text: a report naming thousands of
    /// recipients is for `--json` or `--quiet`, which list every one.
    static let maximumTextResults = 1_000

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

    /// `--quiet`: recipient, best entry and reason, tab-separated ('-' for none), and for an
    /// mbox the message number first.
    private func quietLine(_ result: LookupResult, message: Int?) -> String {
        var fields: [String] = []
        if let message { fields.append(String(message)) }
        fields.append(result.recipient.map { Terminal.printable($0).replacingTabs() } ?? "-")
        fields.append(result.match.matches.first.map { Terminal.printable($0.entry.id) } ?? "-")
        fields.append(Terminal.printable(result.match.reason.id))
        return fields.joined(separator: "\t") + "\n"
    }

    /// `--verbose`: how the result came about.
    private func verboseLines(_ result: LookupResult) -> [String] {
        let match = result.match
        var lines = ["", terminal.bold("How this was matched")]
        var codes: [String] = []
        if let reply = match.reply { codes.append("reply \(reply)") }
        if let status = match.status { codes.append("status \(status)") }
        if match.codes.expired { codes.append("queue expired") }
        lines.append(terminal.wrap("Codes found: " + (codes.isEmpty ? "none" : codes.joined(separator: ", ")), indent: "    ", firstIndent: "  "))
        lines.append(terminal.wrap("Reason: \(Terminal.printable(match.reason.id)) (from \(match.reason.source.rawValue))", indent: "    ", firstIndent: "  "))
        if let diagnostic = result.diagnostic {
            lines.append(terminal.wrap("Text matched: " + Terminal.printable(diagnostic).replacingLineBreaks(), indent: "    ", firstIndent: "  "))
        }
        let tokens = normalizer.tokens(match.text).map(\.text).joined(separator: " ")
        lines.append(terminal.wrap("Normalised: " + (tokens.isEmpty ? "(nothing but codes)" : Terminal.printable(tokens)), indent: "    ", firstIndent: "  "))
        if match.matches.isEmpty {
            lines.append("  Scores: no entry reached the threshold")
        } else {
            lines.append("  Scores:")
            for item in match.matches {
                let score = "\(item.score)"
                var line = String(repeating: " ", count: max(0, 8 - score.count)) + score + "  " + Terminal.printable(item.entry.id)
                if let phrase = item.phrase {
                    line += terminal.dim("  \"\(Terminal.printable(phrase))\" \(Int((item.coverage * 100).rounded()))%")
                }
                if item.tied { line += terminal.dim(" (tied)") }
                lines.append("  " + line)
            }
        }
        return lines
    }

    private mutating func human(_ result: LookupResult, showRecipient: Bool) -> String {
        let text = humanBody(result, showRecipient: showRecipient)
        guard detail == .verbose else { return text }
        return text + verboseLines(result).joined(separator: "\n") + "\n"
    }

    private mutating func humanBody(_ result: LookupResult, showRecipient: Bool) -> String {
        let match = result.match
        var lines: [String] = []
        if showRecipient {
            var head = "Recipient: " + Terminal.printable(result.recipient ?? "(not named)")
            if let action = result.action, !action.isEmpty { head += " (\(Terminal.printable(action)))" }
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
                let description = Terminal.printable(knowledgeBase.reason(match.reason.id)?.description ?? "")
                lines.append(terminal.wrap("Likely reason (\(source)): " + terminal.bold(Terminal.printable(match.reason.id)) + (description.isEmpty ? "" : " — \(description)")))
                if let reason = knowledgeBase.reason(match.reason.id) {
                    lines.append(terminal.wrap("What to do: " + reason.action.label + "."))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }

        if match.codesOnly {
            // Codes alone: list the entries that carry them rather than guessing one.
            lines.append(contentsOf: codeDetails(match))
            lines.append("")
            lines.append(terminal.wrap("Entries with \(match.status.map { $0.pattern } ?? "these codes"):"))
            for item in match.matches {
                let entry = Self.printable(item.entry)
                lines.append(terminal.wrap(terminal.bold(entry.title) + " " + terminal.dim("(bounce show \(entry.id))"), indent: "    ", firstIndent: "  - "))
                lines.append(terminal.wrap(entry.summary, indent: "    ", firstIndent: "    "))
            }
            lines.append("")
            lines.append(terminal.wrap(terminal.dim("Paste the server's whole reply to tell these apart.")))
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
                let entry = Self.printable(item.entry)
                lines.append(terminal.wrap("\(entry.title) " + terminal.dim("(bounce show \(entry.id))"), indent: "    ", firstIndent: "  - "))
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

private extension String {
    func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
    func replacingLineBreaks() -> String { split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " / ") }
}
