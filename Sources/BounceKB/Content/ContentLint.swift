import Foundation
import Markdown

extension ContentValidator {
    /// Bounds for a summary, in characters: long enough to say what happened, short enough for a listing.
    public static let summaryLength = 30...220

    /// Style warnings that make entries easier to find and act on: ambiguous lookups, summary
    /// length, resolutions with nothing to do, match phrases too generic to identify a cause,
    /// and sections that are suspiciously short or long. Never errors.
    public static func lint(_ kb: KnowledgeBase, sources: [String: EntrySource] = [:]) -> [Diagnostic] {
        lint(kb, sources: sources, checksSections: true)
    }

    /// `lint(_:sources:)`, without the checks of each entry's Markdown sections unless
    /// `checksSections` (a site build runs those on the parse it renders from: `SectionLint`).
    static func lint(_ kb: KnowledgeBase, sources: [String: EntrySource], checksSections: Bool) -> [Diagnostic] {
        // Entries are checked independently, so on all cores; results are joined in entry order.
        var diagnostics = Parallel.map(kb.entries, minimumBatch: 32) { entry in
            lintEntry(entry, source: sources[entry.id], checksSections: checksSections)
        }.flatMap { $0 }
        for finding in ambiguousPairs(kb) {
            diagnostics.append(lintWarning(finding.message, entry: finding.entry, source: sources[finding.entry.id], field: "match", item: finding.item))
        }
        return diagnostics
    }

    private static func lintWarning(_ message: String, entry: Entry, source: EntrySource?, field: String, item: Int? = nil) -> Diagnostic {
        guard let source else { return .warning(message, file: defaultFile(of: entry)) }
        let location = source.bestLocation(of: field, item: item)
        return .warning(message, file: source.file, line: location.line, column: location.column)
    }

    /// The file warnings about `entry` name when its source is unknown.
    static func defaultFile(of entry: Entry) -> String {
        "content/\(entry.category)/\(entry.id).md"
    }

    /// The warnings about one entry on its own (everything but ambiguous pairs).
    private static func lintEntry(_ entry: Entry, source: EntrySource?, checksSections: Bool) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        func report(_ message: String, field: String, item: Int? = nil) {
            diagnostics.append(lintWarning(message, entry: entry, source: source, field: field, item: item))
        }

        let summary = entry.summary
        if FastText.containsLineFeed(summary) {
            report("summary must be a single line; join the lines into one sentence", field: "summary")
        } else if summary.count < summaryLength.lowerBound {
            report("summary is only \(summary.count) characters; say in one sentence what happened and who refused the message (\(summaryLength.lowerBound)-\(summaryLength.upperBound) characters)", field: "summary")
        } else if summary.count > summaryLength.upperBound {
            report("summary is \(summary.count) characters; keep it to one sentence of at most \(summaryLength.upperBound) and move the rest into Details", field: "summary")
        }

        for (index, phrase) in entry.match.enumerated() {
            if let problem = genericPhraseProblem(phrase) {
                report("match phrase '\(phrase)' is too generic to identify this cause (\(problem)); use the distinctive words around it in the bounce text", field: "match", item: index)
            }
        }

        if checksSections {
            diagnostics += SectionLint.warnings(entry, source: source, text: SectionLint.Text(entry))
        }
        return diagnostics
    }

    /// Entries a lookup could not tell apart: same reply and status and a shared match phrase,
    /// with neither naming the other in `related`. Warns in both files.
    private static func ambiguousPairs(_ kb: KnowledgeBase) -> [(entry: Entry, message: String, item: Int)] {
        var findings: [(entry: Entry, message: String, item: Int)] = []
        // Entry positions, not entries: the table holds every phrase of the knowledge base.
        // The first phrase with each key; keys met again get the list of all their phrases,
        // and are visited in the order their first phrase was met. Most keys are met once, so
        // the table holds no list for them.
        var firstWithKey: [String: (rank: Int, position: Int, item: Int)] = [:]
        var sharedKeys: [String: [(position: Int, item: Int)]] = [:]
        // Each entry's keys on all cores (normalising the phrases is most of the work); the
        // table is then filled in entry order, as before.
        let entryKeys = Parallel.map(kb.entries, minimumBatch: 256) { entry -> [(key: String, item: Int)] in
            var seen: Set<String> = []
            var found: [(key: String, item: Int)] = []
            for (index, phrase) in entry.match.enumerated() {
                let key = "\(entry.reply) \(entry.status ?? "-") \(normalisedPhrase(phrase))"
                if seen.insert(key).inserted { found.append((key, index)) }
            }
            return found
        }
        firstWithKey.reserveCapacity(entryKeys.reduce(0) { $0 + $1.count })
        for position in entryKeys.indices {
            for (key, index) in entryKeys[position] {
                let first = (rank: firstWithKey.count, position: position, item: index)
                if let earlier = firstWithKey.keepingFirst(first, forKey: key) {
                    sharedKeys[key, default: [(earlier.position, earlier.item)]].append((position, index))
                }
            }
        }
        let keys = sharedKeys.keys.sorted { (firstWithKey[$0]?.rank ?? 0) < (firstWithKey[$1]?.rank ?? 0) }
        // One warning per pair, at the first phrase they share, in the order phrases were met.
        var reported: Set<String> = []
        for key in keys {
            guard let positions = sharedKeys[key], positions.count > 1 else { continue }
            let group = positions.map { (entry: kb.entries[$0.position], item: $0.item) }
            for (a, first) in group.enumerated() {
                for second in group[(a + 1)...] {
                    let pair = "\(first.entry.id) \(second.entry.id)"
                    guard !reported.contains(pair), !mentions(first.entry, second.entry) else { continue }
                    reported.insert(pair)
                    let codes = "\(first.entry.reply)\(first.entry.status.map { " " + $0 } ?? "")"
                    let phrase = first.entry.match[first.item]
                    let advice = "so lookups cannot tell them apart; make the phrases more specific, or name each other in related if both causes really share this message"
                    findings.append((first.entry, "entry '\(second.entry.id)' has the same codes (\(codes)) and match phrase '\(phrase)', \(advice)", first.item))
                    findings.append((second.entry, "entry '\(first.entry.id)' has the same codes (\(codes)) and match phrase '\(phrase)', \(advice)", second.item))
                }
            }
        }
        return findings
    }

    private static func mentions(_ a: Entry, _ b: Entry) -> Bool {
        a.related.map(relatedID).contains(b.id) || b.related.map(relatedID).contains(a.id)
    }

    /// Single words that occur in bounces of every kind and so identify nothing by themselves.
    static let commonWords: Set<String> = [
        "access", "account", "address", "again", "auth", "authentication", "banned", "blacklisted",
        "block", "blocked", "blocklisted", "bounce", "bounced", "busy", "closed", "connection", "content",
        "deferred", "delivery", "denied", "deny", "disabled", "dkim", "dmarc", "dns", "domain", "email",
        "error", "exceeded", "expired", "fail", "failed", "failure", "forbidden", "found", "full", "host",
        "inactive", "invalid", "issue", "large", "later", "limit", "listed", "loop", "mail", "mailbox",
        "message", "not", "permanent", "policy", "problem", "prohibited", "quota", "recipient", "refused",
        "reject", "rejected", "relay", "reputation", "restricted", "retry", "sender", "server", "service",
        "size", "smtp", "spam", "spf", "suspended", "suspicious", "temporary", "timeout", "tls",
        "transaction", "try", "unauthorized", "unavailable", "undeliverable", "unknown", "user", "virus",
    ]

    /// Why `phrase` is too generic to be evidence for one cause, or nil when it is specific enough.
    static func genericPhraseProblem(_ phrase: String) -> String? {
        var core = phrase
        // Only a phrase with a brace can hold a placeholder.
        if ByteScan.contains(UInt8(ascii: "{"), in: phrase) {
            core = FastText.replacing(ContentRules.placeholders, with: " ", in: core)
        }
        return asciiGenericPhraseProblem(core) ?? characterwiseGenericPhraseProblem(core)
    }

    /// Punctuation a plain sentence has; any other symbol (or a digit) in a phrase marks a code
    /// or tag.
    private static let sentencePunctuation = ".,;!?'\"-"

    /// `genericPhraseProblem` for text without placeholders, character by character: for text
    /// that is not ASCII, and the reference the byte-wise path is tested against.
    static func characterwiseGenericPhraseProblem(_ core: String) -> String? {
        let rawWords = core.lowercased().split(whereSeparator: { $0.isWhitespace })
        let words = rawWords.map { FastText.trimming($0, .punctuationCharacters, ascii: FastText.punctuation) }.filter { !$0.isEmpty }
        if words.isEmpty { return "it has no words besides placeholders" }
        // Digits ("5.7.1", "tss04") or symbols other than sentence punctuation ("rtr:bl", "[ticket#")
        // mark a code or tag, which identifies a cause even when short.
        let hasCodeLikeToken = rawWords.contains { word in
            word.contains { $0.isNumber || !($0.isLetter || sentencePunctuation.contains($0)) }
        }
        if words.count == 1, commonWords.contains(words[0]) { return "a single common word" }
        if words.joined(separator: " ").count < 8 && !hasCodeLikeToken { return "shorter than 8 characters and no code or tag" }
        return nil
    }

    /// `genericPhraseProblem` for ASCII text in one pass over its bytes, without making a string
    /// per word (most phrases are ASCII, and every build lints every phrase): in ASCII every byte
    /// is a character, and the character tests are byte tests. Nil (no answer) for other text.
    private static func asciiGenericPhraseProblem(_ text: String) -> String?? {
        var text = text
        return text.withUTF8 { bytes -> String?? in
            for byte in bytes where byte >= 0x80 { return nil }
            let sentencePunctuation = Self.sentencePunctuation.utf8
            var wordCount = 0
            var length = 0
            var firstWord = 0..<0
            var hasCodeLikeToken = false
            var index = 0
            while index < bytes.count {
                while index < bytes.count, FastText.isASCIIWhitespace(bytes[index]) { index += 1 }
                guard index < bytes.count else { break }
                let start = index
                while index < bytes.count, !FastText.isASCIIWhitespace(bytes[index]) {
                    let byte = bytes[index]
                    let isLetter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
                    if !isLetter && !sentencePunctuation.contains(byte) { hasCodeLikeToken = true }
                    index += 1
                }
                var wordStart = start
                var wordEnd = index
                while wordStart < wordEnd, FastText.punctuation.contains(bytes[wordStart]) { wordStart += 1 }
                while wordEnd > wordStart, FastText.punctuation.contains(bytes[wordEnd - 1]) { wordEnd -= 1 }
                guard wordStart < wordEnd else { continue }
                if wordCount == 0 { firstWord = wordStart..<wordEnd }
                wordCount += 1
                length += wordEnd - wordStart
            }
            if wordCount == 0 { return "it has no words besides placeholders" }
            if wordCount == 1 {
                let word = String(decoding: bytes[firstWord].map(FastText.asciiLowercased), as: UTF8.self)
                if commonWords.contains(word) { return "a single common word" }
            }
            length += wordCount - 1
            if length < 8 && !hasCodeLikeToken { return "shorter than 8 characters and no code or tag" }
            return .some(nil)
        }
    }

    /// Whether a resolution tells the reader to do something: a list of steps, or a sentence or
    /// clause that starts with an imperative verb.
    static func isActionable(_ markdown: String) -> Bool {
        let document = MarkdownDocument(markdown)
        return isActionable(listItemCount: document.listItemCount, plainText: document.plainText())
    }

    /// `isActionable(_:)` for a document already parsed: its list items and its plain text.
    static func isActionable(listItemCount: Int, plainText: String) -> Bool {
        if listItemCount > 0 { return true }
        let clauses = plainText.split(whereSeparator: { ".!?;:,\n".contains($0) })
        return clauses.contains { clause in
            guard let first = clause.split(whereSeparator: { $0.isWhitespace }).first else { return false }
            let word = FastText.trimming(first.lowercased(), punctuationAndSymbols, ascii: asciiPunctuationAndSymbols)
            return imperativeVerbs.contains(word)
        }
    }

    /// What is trimmed off the first word of a clause before it is compared with the verbs.
    private static let punctuationAndSymbols = CharacterSet.punctuationCharacters.union(.symbols)
    private static let asciiPunctuationAndSymbols = FastText.ASCIISet(punctuationAndSymbols)

    static let imperativeVerbs: Set<String> = [
        "add", "adjust", "allow", "ask", "avoid", "call", "change", "check", "clean", "compare", "configure",
        "confirm", "contact", "correct", "create", "delete", "disable", "do", "don't", "enable", "ensure",
        "find", "fix", "follow", "forward", "get", "give", "identify", "include", "increase", "inform",
        "install", "investigate", "keep", "let", "limit", "look", "lower", "make", "mark", "monitor", "move",
        "never", "open", "pause", "publish", "put", "query", "raise", "re-send", "reach", "read", "reduce",
        "register", "remove", "rename", "renew", "replace", "request", "resend", "reset", "resubmit",
        "retry", "review", "rotate", "run", "search", "see", "send", "set", "sign", "slow", "split",
        "spread", "start", "stop", "submit", "suppress", "switch", "tell", "test", "treat", "try", "turn",
        "unsubscribe", "update", "upgrade", "use", "verify", "wait", "watch", "write",
    ]
}
