/// What kind of message a bounce is, as far as its structure tells.
public enum BounceKind: String, Codable, Sendable, CaseIterable {
    /// A delivery failure (the default for pasted text).
    case failure
    /// A delay warning (`Action: delayed`): the server is still retrying.
    case delayed
    /// A successful delivery, relay or expansion report.
    case delivered
    /// An auto-reply such as an out-of-office message (RFC 3834 `Auto-Submitted`).
    case autoReply = "auto-reply"
    /// An ARF feedback (complaint) report.
    case feedback
}

/// The reason a result is filed under, and what decided it.
public struct ReasonVerdict: Codable, Equatable, Sendable {
    public enum Source: String, Codable, Sendable {
        /// The best matching entry's reason.
        case entry
        /// Keyword cues in the text (with the codes' support), no entry matched.
        case keywords
        /// Only the codes: the reason the registry says they imply.
        case code
        /// The message's structure (a delivery report, auto-reply or complaint).
        case structure
        /// Nothing to go on.
        case none
    }

    /// A reason id from the taxonomy.
    public var id: String
    public var source: Source

    public init(id: String, source: Source) {
        self.id = id
        self.source = source
    }
}

/// One knowledge-base entry that fits a bounce, with its score.
public struct EntryMatch: Equatable, Sendable {
    public var entry: Entry
    /// Higher is better; only comparable within one result.
    public var score: Double
    /// The entry's match phrase that fitted best, if any did.
    public var phrase: String?
    /// Share of that phrase's weight found in the text (0...1).
    public var coverage: Double
    /// True when another returned entry has the same score: the causes share one message.
    public var tied: Bool

    public init(entry: Entry, score: Double, phrase: String?, coverage: Double, tied: Bool) {
        self.entry = entry
        self.score = score
        self.phrase = phrase
        self.coverage = coverage
        self.tied = tied
    }
}

/// The outcome of matching one bounce (a code, a line, or one recipient of a bounce email).
public struct MatchResult: Equatable, Sendable {
    /// The text that was matched.
    public var text: String
    /// The codes found, with the final outcome's pair.
    public var codes: ExtractedCodes
    /// The registry's explanation of the final reply and enhanced code.
    public var code: CodeExplanation
    /// Entries that fit, best first; empty when nothing specific matched.
    public var matches: [EntryMatch]
    /// The reason the bounce is filed under, even when no entry matched.
    public var reason: ReasonVerdict
    /// What the message is, structurally.
    public var kind: BounceKind

    /// The final reply code.
    public var reply: Int? { codes.reply }
    /// The final enhanced status code.
    public var status: StatusCode? { codes.status }
}

/// Extra knowledge about a bounce from outside its text, such as the structure of the email it
/// came in.
public struct MatchHint: Equatable, Sendable {
    public var kind: BounceKind
    /// Codes that override what is found in the text (e.g. a DSN's `Status:` field).
    public var reply: Int?
    public var status: StatusCode?
    /// Wording to consider along with the text (e.g. `Action: delayed`), not shown to people.
    public var context: String

    public init(kind: BounceKind = .failure, reply: Int? = nil, status: StatusCode? = nil, context: String = "") {
        self.kind = kind
        self.reply = reply
        self.status = status
        self.context = context
    }

    /// The reason a structural kind implies, if any.
    var structuralReason: String? {
        switch kind {
        case .failure: return nil
        case .delayed, .delivered, .autoReply: return "not-a-failure"
        case .feedback: return "complaint"
        }
    }
}

/// Ranks knowledge-base entries against bounce text.
///
/// The score of an entry is, in order of importance:
/// 1. **Phrases**: for each of the entry's `match` phrases, the weight of its tokens found in
///    the text (rare tokens weigh more), times the share of the phrase found (coverage), with a
///    bonus for tokens found in the phrase's order. The entry takes its best phrase (plus a
///    little for each further phrase that fits). Phrases covering less than
///    `Weights.minimumCoverage`, and entries whose best phrase scores below
///    `Weights.minimumPhraseScore`, do not count.
/// 2. **Codes**: equal enhanced codes add a bonus; different ones subtract a penalty that shrinks
///    as phrase evidence grows; equal replies add a little and a 4xx/5xx disagreement subtracts.
/// 3. **Cues**: keyword cues for the entry's reason add a small, capped bonus.
///
/// A text made only of codes lists the entries with that exact enhanced code. When no entry
/// fits, the result has no matches, and its `reason` comes from keyword cues and codes.
public struct Matcher: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let index: MatchIndex
    public let normalizer: Normalizer

    private let prepared: [PreparedPhrase]
    /// Every token of the phrases and cues, numbered; matching works on these numbers.
    private let vocabulary: Vocabulary
    /// Phrase positions by token id; empty when the matcher was made for a few lookups only.
    private let phrasesByToken: [[Int32]]
    private let entryStatus: [StatusCode?]
    private let cues: [PreparedCue]

    /// A matcher for `knowledgeBase`. Pass `index` when it was computed before (e.g. carried
    /// in the program) for this knowledge base and normaliser; otherwise it is built here.
    /// `forManyLookups: false` skips building the token → phrase table, which pays off only
    /// over many lookups (a batch); results are the same either way.
    public init(knowledgeBase: KnowledgeBase, index: MatchIndex? = nil, normalizer: Normalizer = .standard, forManyLookups: Bool = true) {
        self.knowledgeBase = knowledgeBase
        self.normalizer = normalizer
        let usable = index.map { $0.entries.map(\.id) == knowledgeBase.entries.map(\.id) } ?? false
        let index = usable ? (index ?? MatchIndex(knowledgeBase: knowledgeBase, normalizer: normalizer))
            : MatchIndex(knowledgeBase: knowledgeBase, normalizer: normalizer)
        self.index = index
        var vocabulary = Vocabulary()
        var prepared: [PreparedPhrase] = []
        prepared.reserveCapacity(index.phrases.count)
        for phrase in index.phrases {
            let ids = phrase.tokens.map { vocabulary.add($0) }
            prepared.append(PreparedPhrase(entry: phrase.entry, text: phrase.text, tokens: ids, weights: phrase.weights, total: phrase.weights.reduce(0, +)))
        }
        cues = index.cues.map { cue in PreparedCue(reason: cue.reason, tokens: cue.tokens.map { vocabulary.add($0) }, weight: cue.weight) }
        var byToken: [[Int32]] = []
        if forManyLookups {
            byToken = Array(repeating: [], count: vocabulary.count)
            for (position, phrase) in prepared.enumerated() {
                for token in phrase.tokens where !vocabulary.isPlaceholder(token) {
                    // A phrase is listed once per token, however often the token occurs in it.
                    if byToken[Int(token)].last != Int32(position) { byToken[Int(token)].append(Int32(position)) }
                }
            }
        }
        self.vocabulary = vocabulary
        self.prepared = prepared
        phrasesByToken = byToken
        entryStatus = index.entries.map { $0.status.flatMap(StatusCode.init) }
    }

    /// Matches a code, a pasted line or a diagnostic text.
    public func match(_ text: String, limit: Int = 5) -> MatchResult {
        match(text, hint: MatchHint(), limit: limit)
    }

    /// Matches `text` with what is known about it from elsewhere (its email's structure).
    public func match(_ text: String, hint: MatchHint, limit: Int = 5) -> MatchResult {
        var codes = CodeExtractor.extract(text)
        if let status = hint.status {
            codes.status = status
            codes.expired = status.subject == 4 && status.detail == 7
            // The reply in the text is the error the queue last saw, not the outcome.
            if codes.expired && hint.reply == nil { codes.reply = nil }
        }
        if let reply = hint.reply { codes.reply = reply }
        let weights = normalizer.weights
        let evidence = hint.context.isEmpty ? text : text + "\n" + hint.context
        let tokens = normalizer.tokens(evidence)
        let view = TextView(tokens, vocabulary: vocabulary)

        // Cues: evidence for reasons, independent of entries.
        var cueScores: [String: Double] = [:]
        for cue in cues where view.containsSequence(cue.tokens) {
            cueScores[cue.reason, default: 0] += cue.weight
        }
        // Structure, then queue expiry, decide the reason before any wording does: a delay
        // report is not a failure, and an expired queue is the outcome whatever error it wraps.
        let expired = codes.expired || (cueScores["delivery-expired"] ?? 0) >= Self.expiryCueScore
        let priorityReason = hint.structuralReason ?? (expired ? "delivery-expired" : nil)

        // Phrases.
        var candidatePhrases: [Int] = []
        if !phrasesByToken.isEmpty {
            var seen = [Bool](repeating: false, count: prepared.count)
            for token in view.presentLiterals {
                for phrase in phrasesByToken[Int(token)] where !seen[Int(phrase)] {
                    seen[Int(phrase)] = true
                    candidatePhrases.append(Int(phrase))
                }
            }
            candidatePhrases.sort()
        } else {
            for (position, phrase) in prepared.enumerated()
            where phrase.tokens.contains(where: { !vocabulary.isPlaceholder($0) && view.occurs($0) }) {
                candidatePhrases.append(position)
            }
        }
        var best: [Int: PhraseHit] = [:]
        var scratch = RunScratch()
        for phrase in candidatePhrases {
            let item = prepared[phrase]
            let (score, coverage) = item.score(in: view, weights: weights, scratch: &scratch)
            guard score > 0 else { continue }
            var hit = best[item.entry] ?? PhraseHit()
            hit.add(score: score, coverage: coverage, text: item.text)
            best[item.entry] = hit
        }

        let codeOnly = !tokens.contains { !Normalizer.isPlaceholder($0.text) }
        var scored: [ScoredEntry] = []
        for position in index.entries.indices {
            let info = index.entries[position]
            let hit = best[position]
            let phraseScore = hit.map { $0.best + weights.extraPhrase * ($0.sum - $0.best) } ?? 0
            let isPriority = info.reason == priorityReason
            var eligible = phraseScore >= weights.minimumPhraseScore || isPriority
            if codeOnly, let status = codes.status, let entryStatus = entryStatus[position],
               entryStatus.subject == status.subject, entryStatus.detail == status.detail {
                eligible = true
            }
            guard eligible else { continue }
            var total = phraseScore
            total += codeScore(entry: position, codes: codes, phraseScore: phraseScore)
            total += min(cueScores[info.reason] ?? 0, weights.cueCap) * weights.cue
            scored.append(ScoredEntry(position: position, total: total, phraseScore: phraseScore, hit: hit, priority: isPriority))
        }
        let explanation = CodeRegistry.explain(reply: codes.reply, status: codes.status)
        let verdictFromCues = cueVerdict(cueScores: cueScores, implied: explanation.impliedReason)
        scored = filterWeak(scored, cueVerdict: verdictFromCues, cueScores: cueScores, priorityReason: priorityReason)
        scored.sort { lhs, rhs in
            if lhs.priority != rhs.priority { return lhs.priority }
            if abs(lhs.total - rhs.total) > weights.tie { return lhs.total > rhs.total }
            // Without other evidence, an entry about the cause in general beats a provider's.
            let lhsGeneric = index.entries[lhs.position].generic
            if lhsGeneric != index.entries[rhs.position].generic { return lhsGeneric }
            return lhs.position < rhs.position
        }
        if let top = scored.first(where: { !$0.priority })?.total, top > 0 {
            scored = scored.filter { $0.priority || $0.total >= top * weights.relativeCutoff }
        }
        if priorityReason != nil {
            // Entries of the deciding reason without wording of their own: keep the best one.
            var kept = 0
            scored = scored.filter { item in
                guard item.priority && item.phraseScore == 0 else { return true }
                kept += 1
                return kept <= 1
            }
        }
        let kept = Array(scored.prefix(max(0, limit)))
        let matches = kept.map { item -> EntryMatch in
            let tied = kept.contains { $0.position != item.position && abs($0.total - item.total) <= weights.tie }
            return EntryMatch(
                entry: knowledgeBase.entries[item.position], score: (item.total * 1000).rounded() / 1000,
                phrase: item.hit?.bestText, coverage: item.hit?.bestCoverage ?? 0, tied: tied
            )
        }

        let verdict: ReasonVerdict
        if let first = matches.first {
            let structural = priorityReason == first.entry.reason && first.phrase == nil
            verdict = ReasonVerdict(id: first.entry.reason, source: structural ? .structure : .entry)
        } else if let reason = priorityReason {
            verdict = ReasonVerdict(id: reason, source: .structure)
        } else if let cue = verdictFromCues {
            verdict = cue
        } else if let implied = explanation.impliedReason {
            verdict = ReasonVerdict(id: implied, source: .code)
        } else {
            verdict = ReasonVerdict(id: "unclassified", source: .none)
        }
        return MatchResult(text: text, codes: codes, code: explanation, matches: matches, reason: verdict, kind: hint.kind)
    }

    // MARK: - Scoring parts

    /// Bonus or penalty from how the entry's codes agree with the text's.
    private func codeScore(entry position: Int, codes: ExtractedCodes, phraseScore: Double) -> Double {
        let weights = normalizer.weights
        let info = index.entries[position]
        var score = 0.0
        // Strong phrase evidence (a long, rare phrase found whole) outweighs a code disagreement.
        let doubt = max(0, 1 - phraseScore / strongPhraseScore)
        if let status = codes.status, let entryStatus = entryStatus[position] {
            if status == entryStatus {
                score += weights.statusExact
            } else if status.subject == entryStatus.subject && status.detail == entryStatus.detail {
                score += weights.statusOtherClass
            } else if CodeExtractor.isGeneric(status) || CodeExtractor.isGeneric(entryStatus) {
                // X.0.0 says nothing either way.
            } else if status.subject == entryStatus.subject {
                score -= weights.statusOtherDetail * doubt
            } else {
                score -= weights.statusOtherSubject * doubt
            }
        }
        let textClass = codes.reply.map { $0 / 100 } ?? codes.status?.klass
        if let reply = codes.reply, reply == info.reply {
            score += weights.replyExact
        } else if let textClass, textClass == 4 || textClass == 5 {
            let entryClass = info.reply / 100
            if (entryClass == 4 || entryClass == 5) && entryClass != textClass {
                score -= weights.replyOtherClass * doubt
            }
        }
        return score
    }

    var strongPhraseScore: Double { 15 }

    /// The reason keyword cues and the codes point at, when the evidence is enough.
    private func cueVerdict(cueScores: [String: Double], implied: String?) -> ReasonVerdict? {
        let weights = normalizer.weights
        var scores = cueScores
        if let implied { scores[implied, default: 0] += weights.codePrior }
        // Only cues count as keywords; a code alone is reported as a code verdict by the caller.
        guard !cueScores.isEmpty else { return nil }
        let ranked = scores.sorted { lhs, rhs in
            lhs.value != rhs.value ? lhs.value > rhs.value : lhs.key < rhs.key
        }
        guard let top = ranked.first, top.value >= weights.minimumReasonScore else { return nil }
        if top.key == implied && (cueScores[top.key] ?? 0) == 0 { return nil }
        return ReasonVerdict(id: top.key, source: .keywords)
    }

    /// Cue weight at which expiry wording decides the outcome (e.g. "retry timeout exceeded").
    static let expiryCueScore = 3.0

    /// Drops entries whose only support is a weak phrase when cues clearly point elsewhere.
    private func filterWeak(_ scored: [ScoredEntry], cueVerdict: ReasonVerdict?, cueScores: [String: Double], priorityReason: String?) -> [ScoredEntry] {
        guard let cueVerdict else { return scored }
        let verdictScore = cueScores[cueVerdict.id] ?? 0
        return scored.filter { item in
            let reason = index.entries[item.position].reason
            if reason == cueVerdict.id || reason == priorityReason { return true }
            if item.phraseScore >= weakPhraseScore { return true }
            return (cueScores[reason] ?? 0) + weakCueMargin >= verdictScore
        }
    }

    var weakPhraseScore: Double { 6 }

    /// How far below the verdict's cue score an entry's own reason's cues may be for it to stay.
    var weakCueMargin: Double { 1.5 }
}

// MARK: - Internals

private struct PreparedPhrase: Sendable {
    var entry: Int
    var text: String
    /// Token ids (see `Vocabulary`).
    var tokens: [Int32]
    var weights: [Double]
    var total: Double

    /// The phrase's score in `view` and its coverage. `previous` and `current` are scratch
    /// space, reused from phrase to phrase.
    func score(in view: TextView, weights settings: Normalizer.Weights, scratch: inout RunScratch) -> (Double, Double) {
        guard total > 0 else { return (0, 0) }
        var matched = 0.0
        var longestRun = 0.0
        scratch.previous.removeAll(keepingCapacity: true)
        for (offset, token) in tokens.enumerated() {
            let positions = view.positions(of: token)
            let weight = weights[offset]
            if positions.isEmpty {
                scratch.previous.removeAll(keepingCapacity: true)
                continue
            }
            matched += weight
            scratch.current.removeAll(keepingCapacity: true)
            var cursor = 0
            for position in positions {
                while cursor < scratch.previous.count && scratch.previous[cursor].position < position - 1 { cursor += 1 }
                var run = weight
                if cursor < scratch.previous.count && scratch.previous[cursor].position == position - 1 {
                    run += scratch.previous[cursor].run
                }
                scratch.current.append((position, run))
                longestRun = max(longestRun, run)
            }
            swap(&scratch.previous, &scratch.current)
        }
        let coverage = matched / total
        guard coverage >= settings.minimumCoverage, longestRun >= settings.minimumRun * total else { return (0, coverage) }
        let order = (1 - settings.order) + settings.order * (longestRun / total)
        return (matched * coverage * order, coverage)
    }
}

/// Reusable buffers for `PreparedPhrase.score`: the runs ending at each position of the
/// previous and the current phrase token.
struct RunScratch {
    var previous: [(position: Int32, run: Double)] = []
    var current: [(position: Int32, run: Double)] = []
}

private struct PreparedCue: Sendable {
    var reason: String
    var tokens: [Int32]
    var weight: Double
}

private struct PhraseHit {
    var best = 0.0
    var bestCoverage = 0.0
    var bestText: String?
    var sum = 0.0

    mutating func add(score: Double, coverage: Double, text: String) {
        sum += score
        if score > best {
            best = score
            bestCoverage = coverage
            bestText = text
        }
    }
}

private struct ScoredEntry {
    var position: Int
    var total: Double
    var phraseScore: Double
    var hit: PhraseHit?
    /// Of the reason the structure or a queue expiry decides: ranked before all others.
    var priority: Bool
}

/// The tokens of the phrases and cues, numbered from 0.
struct Vocabulary: Sendable {
    private var ids: [String: Int32] = [:]
    private var placeholders: [Bool] = []
    /// The id of `{host}`, which also matches every host name in a text.
    private(set) var host: Int32 = -1

    var count: Int { placeholders.count }

    mutating func add(_ token: String) -> Int32 {
        if let id = ids[token] { return id }
        let id = Int32(placeholders.count)
        ids[token] = id
        placeholders.append(Normalizer.isPlaceholder(token))
        if token == Normalizer.Placeholder.host { host = id }
        return id
    }

    func id(of token: String) -> Int32? { ids[token] }

    func isPlaceholder(_ id: Int32) -> Bool { placeholders[Int(id)] }
}

/// Where each known token occurs in a text. Tokens no phrase or cue contains are dropped: they
/// can never match. The tables live in one allocation, read through pointers: scoring asks for
/// positions hundreds of times per text, and array slices would cost reference counting each time.
final class TextView {
    /// For token id `i`, its positions are `flat[starts[i]..<starts[i + 1]]`, ascending.
    private let starts: UnsafeMutableBufferPointer<Int32>
    private let flat: UnsafeMutableBufferPointer<Int32>
    /// The literal (non-placeholder) token ids found, in order of first occurrence.
    let presentLiterals: [Int32]

    init(_ tokens: [Token], vocabulary: Vocabulary) {
        var ids: [(id: Int32, position: Int32)] = []
        ids.reserveCapacity(tokens.count + 8)
        let starts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: vocabulary.count + 1)
        starts.initialize(repeating: 0)
        var present: [Int32] = []
        for (position, token) in tokens.enumerated() {
            if let id = vocabulary.id(of: token.text) {
                ids.append((id, Int32(position)))
                if starts[Int(id)] == 0 && !vocabulary.isPlaceholder(id) { present.append(id) }
                starts[Int(id)] += 1
            }
            // A host name is also an occurrence of the `{host}` placeholder.
            if token.isHost && vocabulary.host >= 0 {
                ids.append((vocabulary.host, Int32(position)))
                starts[Int(vocabulary.host)] += 1
            }
        }
        // Counts to start offsets.
        var running: Int32 = 0
        for id in 0..<vocabulary.count {
            let count = starts[id]
            starts[id] = running
            running += count
        }
        starts[vocabulary.count] = running
        let flat = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, Int(running)))
        flat.initialize(repeating: 0)
        // `ids` is in text order, so each token's positions come out ascending; `starts` is
        // used as the fill cursor and restored afterwards.
        for item in ids {
            flat[Int(starts[Int(item.id)])] = item.position
            starts[Int(item.id)] += 1
        }
        for item in ids.reversed() { starts[Int(item.id)] -= 1 }
        self.starts = starts
        self.flat = flat
        presentLiterals = present
    }

    deinit {
        starts.deallocate()
        flat.deallocate()
    }

    func positions(of id: Int32) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(rebasing: flat[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])])
    }

    func occurs(_ id: Int32) -> Bool {
        starts[Int(id) + 1] > starts[Int(id)]
    }

    /// Whether the tokens `sequence` occur consecutively.
    func containsSequence(_ sequence: [Int32]) -> Bool {
        guard let first = sequence.first, occurs(first) else { return false }
        for token in sequence.dropFirst() where !occurs(token) { return false }
        if sequence.count == 1 { return true }
        return positions(of: first).contains { start in
            sequence.dropFirst().enumerated().allSatisfy { offset, token in
                TextView.sortedContains(positions(of: token), start + Int32(offset) + 1)
            }
        }
    }

    static func sortedContains(_ list: UnsafeBufferPointer<Int32>, _ value: Int32) -> Bool {
        var low = list.startIndex
        var high = list.endIndex
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < list.endIndex && list[low] == value
    }
}
