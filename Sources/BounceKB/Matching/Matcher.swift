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
    /// True when the text held nothing but codes: the matches are the entries with that code.
    public var codesOnly: Bool = false

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
    /// The report says the sending server gave up on an error that was only temporary (a DSN
    /// `Action: failed` with a 4.x.x status or a 4xx reply): its queue expired, whatever the
    /// error was.
    public var gaveUpOnTransientError: Bool

    public init(kind: BounceKind = .failure, reply: Int? = nil, status: StatusCode? = nil, context: String = "", gaveUpOnTransientError: Bool = false) {
        self.kind = kind
        self.reply = reply
        self.status = status
        self.context = context
        self.gaveUpOnTransientError = gaveUpOnTransientError
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

/// One rule of `Matcher.subjectRules`: an enhanced code of this class (nil: any), subject (nil:
/// any) and detail range suggests `reason`.
public struct SubjectRule: Equatable, Sendable {
    public var klass: Int?
    public var subject: Int?
    public var details: ClosedRange<Int>
    public var reason: String

    public init(klass: Int? = nil, subject: Int? = nil, details: ClosedRange<Int> = 0...999, reason: String) {
        self.klass = klass
        self.subject = subject
        self.details = details
        self.reason = reason
    }

    /// Whether `status` is one this rule speaks for.
    public func fits(_ status: StatusCode) -> Bool {
        (klass.map { $0 == status.klass } ?? true) && (subject.map { $0 == status.subject } ?? true) && details.contains(status.detail)
    }
}

/// Ranks knowledge-base entries against bounce text.
///
/// The algorithm, in the order it runs (every constant is in `Normalizer.Weights`; the site's
/// search engine re-implements exactly this):
/// 1. **Codes.** `CodeExtractor` finds the final reply and enhanced code; a hint (a DSN's
///    `Status`) may override the enhanced code. An X.4.7 status means the queue expired, and the
///    reply then counts only if it was written with it. So does a hint that the report failed a
///    recipient on a temporary error (`MatchHint.gaveUpOnTransientError`, emails only).
/// 2. **Cues.** Each `ReasonCue` whose tokens occur consecutively adds its weight to its reason.
/// 3. **Deciding reason.** The structure (delay/delivery report, auto-reply: `not-a-failure`;
///    ARF: `complaint`) decides first; else an expiry (an X.4.7 status, or expiry cues weighing
///    `expiryCue`) makes it `delivery-expired`, unless delay wording weighs `decisiveCue` for
///    `not-a-failure` (Exchange writes "4.4.7 Message delayed" in warnings). Entries of the
///    deciding reason are all candidates and rank before every other entry.
/// 4. **Phrases.** For each phrase: `matched` = weight of its tokens found anywhere in the text
///    (placeholders match their class, `{host}` any host name), `coverage` = matched / total,
///    `run` = weight of the longest run of consecutive phrase tokens found consecutively. It
///    counts when coverage ≥ `minimumCoverage`, run ≥ `minimumRun` × total, and — for a phrase
///    of at most `shortPhrase` tokens — its rarest word (the heaviest, placeholders aside; any
///    of them when several weigh the same) is found. Its score is
///    matched × coverage × ((1 − `order`) + `order` × run / total). An entry takes its best
///    phrase plus `extraPhrase` × the others' scores, and is a candidate from
///    `minimumPhraseScore`. Text made of codes only makes every entry with that enhanced code
///    (any class) a candidate.
/// 5. **Entry score** = phrase score + code score + min(cue score of its reason, `cueCap`) ×
///    `cue`. Code score: equal enhanced codes +`statusExact`; same subject and detail, other
///    class +`statusOtherClass`; X.0.0 on either side 0; same subject −`statusOtherDetail` ×
///    doubt; other subject −`statusOtherSubject` × doubt; equal replies +`replyExact`, 4xx vs 5xx
///    −`replyOtherClass` × doubt; doubt = max(0, 1 − phrase score / `strongPhrase`).
/// 6. **Support check** (not for code-only text). Support of a reason = its cue score, plus
///    `codePrior` for the reason the codes imply (the registry's, else `subjectReason`). When the
///    best-supported reason reaches `minimumReasonScore`, an entry of another reason (not the
///    deciding one) whose support is more than `supportMargin` below is dropped if its phrase
///    score is under `weakPhrase` and it is a partial match or cues back the best reason, or if
///    it is a partial match and the best reason's cues weigh `decisiveCue`.
/// 7. **Order.** Deciding-reason entries first, then by score; equal scores (within `tie`) are
///    ties, listed generic entries ("Any server") first, then in knowledge-base order. Entries
///    below `relativeCutoff` × the best non-deciding score are dropped; of the deciding reason's
///    entries without a phrase of their own only the best is kept.
/// 8. **Reason.** The first entry's; with no entry: the deciding reason, else the best-supported
///    reason when cues back it, else the reason the codes imply, else `unclassified`.
public struct Matcher: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let index: MatchIndex
    public let normalizer: Normalizer

    /// The phrases, flattened: phrase `p` has the tokens `phraseTokens[phraseStart[p]..<phraseStart[p + 1]]`
    /// with the matching `phraseWeights`. Flat arrays keep scoring free of reference counting.
    private let phrases: PhraseTable
    /// Every token of the phrases and cues, numbered; matching works on these numbers.
    private let vocabulary: Vocabulary
    /// For each token id, the phrases containing it with the token's total weight in each;
    /// empty when the matcher was made for a few lookups only.
    private let phrasesByToken: [[Posting]]
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
        var table = PhraseTable()
        for phrase in index.phrases {
            table.append(entry: phrase.entry, text: phrase.text, tokens: phrase.tokens.map { vocabulary.add($0) }, weights: phrase.weights, vocabulary: vocabulary)
        }
        cues = index.cues.map { cue in PreparedCue(reason: cue.reason, tokens: cue.tokens.map { vocabulary.add($0) }, weight: cue.weight) }
        var byToken: [[Posting]] = []
        if forManyLookups {
            byToken = Array(repeating: [], count: vocabulary.count)
            for phrase in 0..<table.count {
                for offset in table.range(phrase) where !vocabulary.isPlaceholder(table.tokens[offset]) {
                    let token = Int(table.tokens[offset])
                    // One posting per phrase and token, carrying all of the token's weight in it.
                    if let last = byToken[token].last, last.phrase == Int32(phrase) {
                        byToken[token][byToken[token].count - 1].weight += table.weights[offset]
                    } else {
                        byToken[token].append(Posting(phrase: Int32(phrase), weight: table.weights[offset]))
                    }
                }
            }
        }
        self.vocabulary = vocabulary
        phrases = table
        phrasesByToken = byToken
        entryStatus = index.entries.map { entry in entry.status.flatMap { CodeExtractor.exactStatus($0) ?? StatusCode($0) } }
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
        // Exchange also writes 4.4.7 in delay warnings ("4.4.7 Message delayed"): wording that says
        // the message is only delayed keeps the queue from being read as expired.
        let delayWording = (cueScores["not-a-failure"] ?? 0) >= weights.decisiveCue
        let expired = !delayWording
            && (codes.expired || hint.gaveUpOnTransientError || (cueScores["delivery-expired"] ?? 0) >= weights.expiryCue)
        let priorityReason = hint.structuralReason ?? (expired ? "delivery-expired" : nil)

        // Phrases: only those that could reach the coverage threshold are scored. The bound is
        // the weight of the phrase's tokens present anywhere in the text, plus its placeholders.
        var candidatePhrases: [Int] = []
        if !phrasesByToken.isEmpty {
            var found = [Double](repeating: 0, count: phrases.count)
            var touched: [Int] = []
            for token in view.presentLiterals {
                for posting in phrasesByToken[Int(token)] {
                    let phrase = Int(posting.phrase)
                    if found[phrase] == 0 { touched.append(phrase) }
                    found[phrase] += posting.weight
                }
            }
            for phrase in touched where phrases.couldCover(phrase, found: found[phrase], minimum: weights.minimumCoverage) {
                candidatePhrases.append(phrase)
            }
            candidatePhrases.sort()
        } else {
            for phrase in 0..<phrases.count {
                var found = 0.0
                var literal = false
                for offset in phrases.range(phrase) where !vocabulary.isPlaceholder(phrases.tokens[offset]) && view.occurs(phrases.tokens[offset]) {
                    found += phrases.weights[offset]
                    literal = true
                }
                if literal && phrases.couldCover(phrase, found: found, minimum: weights.minimumCoverage) { candidatePhrases.append(phrase) }
            }
        }
        var best: [Int: PhraseHit] = [:]
        var scratch = RunScratch()
        for phrase in candidatePhrases {
            let (score, coverage) = phrases.score(phrase, in: view, weights: weights, scratch: &scratch)
            guard score > 0 else { continue }
            let entry = phrases.entries[phrase]
            var hit = best[entry] ?? PhraseHit()
            hit.add(score: score, coverage: coverage, text: phrases.texts[phrase])
            best[entry] = hit
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
        let codeReason = explanation.impliedReason ?? codes.status.flatMap(Self.subjectReason)
        let support = reasonScores(cueScores: cueScores, codeReason: codeReason)
        let verdictFromCues = cueVerdict(reasonScores: support, cueScores: cueScores)
        // A query of codes only lists the entries with that code: nothing to weigh against.
        if !codeOnly {
            scored = filterWeak(scored, reasonScores: support, cueScores: cueScores, priorityReason: priorityReason)
        }
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
        } else if let implied = codeReason {
            verdict = ReasonVerdict(id: implied, source: .code)
        } else {
            verdict = ReasonVerdict(id: "unclassified", source: .none)
        }
        return MatchResult(text: text, codes: codes, code: explanation, matches: matches, reason: verdict, kind: hint.kind, codesOnly: codeOnly)
    }

    // MARK: - Scoring parts

    /// Bonus or penalty from how the entry's codes agree with the text's.
    private func codeScore(entry position: Int, codes: ExtractedCodes, phraseScore: Double) -> Double {
        let weights = normalizer.weights
        let info = index.entries[position]
        var score = 0.0
        // Strong phrase evidence (a long, rare phrase found whole) outweighs a code disagreement.
        let doubt = max(0, 1 - phraseScore / weights.strongPhrase)
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

    /// Evidence for each reason from the wording (cue weights) and the codes (the reason they
    /// imply, weighted `Weights.codePrior`).
    private func reasonScores(cueScores: [String: Double], codeReason: String?) -> [String: Double] {
        var scores = cueScores
        if let codeReason { scores[codeReason, default: 0] += normalizer.weights.codePrior }
        return scores
    }

    /// The best supported reason and its score, if the evidence reaches `Weights.minimumReasonScore`.
    private func bestReason(_ scores: [String: Double]) -> (id: String, score: Double)? {
        let ranked = scores.sorted { lhs, rhs in lhs.value != rhs.value ? lhs.value > rhs.value : lhs.key < rhs.key }
        guard let top = ranked.first, top.value >= normalizer.weights.minimumReasonScore else { return nil }
        return (top.key, top.value)
    }

    /// The reason keyword cues (with the codes' support) point at, when the evidence is enough.
    /// A reason supported by the codes alone is not a keyword verdict: the caller reports it as
    /// a code verdict.
    private func cueVerdict(reasonScores: [String: Double], cueScores: [String: Double]) -> ReasonVerdict? {
        guard let best = bestReason(reasonScores), (cueScores[best.id] ?? 0) > 0 else { return nil }
        return ReasonVerdict(id: best.id, source: .keywords)
    }

    /// The reason an enhanced code's subject suggests when the registry names none for the code
    /// itself: a weak hint, used only when nothing better is known. The first of `subjectRules`
    /// that fits decides.
    static func subjectReason(_ status: StatusCode) -> String? {
        subjectRules.first { $0.fits(status) }?.reason
    }

    /// What an enhanced code's class and subject suggest, in order (data, so that the site's
    /// search reads the same rules from its index; see `SearchExport.subjectRules`).
    public static let subjectRules: [SubjectRule] = [
        SubjectRule(klass: 2, reason: "not-a-failure"),
        SubjectRule(subject: 1, details: 7...8, reason: "sender-address-rejected"),
        SubjectRule(subject: 1, reason: "mailbox-not-found"),
        SubjectRule(subject: 3, reason: "remote-server-error"),
        SubjectRule(subject: 4, reason: "remote-server-error"),
        SubjectRule(subject: 5, reason: "smtp-session-error"),
        SubjectRule(subject: 6, reason: "message-malformed"),
    ]

    /// Drops entries that the wording and codes contradict: entries whose only support is a
    /// weak phrase, and entries whose phrase was found only in part while decisive wording
    /// points at another reason ("Sender address rejected: Access denied" is not the entry
    /// for "Recipient address rejected: Access denied").
    private func filterWeak(_ scored: [ScoredEntry], reasonScores: [String: Double], cueScores: [String: Double], priorityReason: String?) -> [ScoredEntry] {
        let weights = normalizer.weights
        guard let best = bestReason(reasonScores) else { return scored }
        let decisive = (cueScores[best.id] ?? 0) >= weights.decisiveCue
        return scored.filter { item in
            let reason = index.entries[item.position].reason
            if reason == best.id || reason == priorityReason { return true }
            let supported = (reasonScores[reason] ?? 0) + weights.supportMargin >= best.score
            let complete = (item.hit?.bestCoverage ?? 0) >= 1
            // A whole phrase, however short (a provider tag such as "[PH01]"), outweighs what the
            // codes alone suggest; wording can still overrule it.
            if item.phraseScore < weights.weakPhrase && (!complete || (cueScores[best.id] ?? 0) > 0) { return supported }
            if decisive && !complete { return supported }
            return true
        }
    }

    /// How far below the verdict's cue score an entry's own reason's cues may be for it to stay.
}

// MARK: - Internals

/// A phrase's share of one token: the phrase and the summed weight of the token in it.
struct Posting: Sendable {
    var phrase: Int32
    var weight: Double
}

/// All phrases in flat arrays.
private struct PhraseTable: Sendable {
    var starts: [Int] = [0]
    var tokens: [Int32] = []
    var weights: [Double] = []
    var totals: [Double] = []
    var placeholderTotals: [Double] = []
    /// The weight of each phrase's rarest word (0 when it has only placeholders).
    var heaviestWord: [Double] = []
    /// Whether each token (parallel to `tokens`) is a placeholder.
    var placeholders: [Bool] = []
    var entries: [Int] = []
    var texts: [String] = []

    var count: Int { entries.count }

    func range(_ phrase: Int) -> Range<Int> { starts[phrase]..<starts[phrase + 1] }

    mutating func append(entry: Int, text: String, tokens ids: [Int32], weights tokenWeights: [Double], vocabulary: Vocabulary) {
        tokens += ids
        weights += tokenWeights
        placeholders += ids.map { vocabulary.isPlaceholder($0) }
        starts.append(tokens.count)
        totals.append(tokenWeights.reduce(0, +))
        placeholderTotals.append(zip(ids, tokenWeights).filter { vocabulary.isPlaceholder($0.0) }.map(\.1).reduce(0, +))
        heaviestWord.append(zip(ids, tokenWeights).filter { !vocabulary.isPlaceholder($0.0) }.map(\.1).max() ?? 0)
        entries.append(entry)
        texts.append(text)
    }

    /// Whether a phrase whose literal tokens found in the text weigh `found` can reach the
    /// coverage threshold (placeholders are counted as if present).
    func couldCover(_ phrase: Int, found: Double, minimum: Double) -> Bool {
        totals[phrase] > 0 && found + placeholderTotals[phrase] >= minimum * totals[phrase] - 1e-9
    }

    /// The phrase's score in `view` and its coverage.
    func score(_ phrase: Int, in view: TextView, weights settings: Normalizer.Weights, scratch: inout RunScratch) -> (Double, Double) {
        let total = totals[phrase]
        guard total > 0 else { return (0, 0) }
        var matched = 0.0
        var longestRun = 0.0
        var missingRarest = false
        scratch.previous.removeAll(keepingCapacity: true)
        for offset in range(phrase) {
            let positions = view.positions(of: tokens[offset])
            let weight = weights[offset]
            if positions.isEmpty {
                if !placeholders[offset] && weight >= heaviestWord[phrase] { missingRarest = true }
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
        if missingRarest && range(phrase).count <= settings.shortPhrase { return (0, coverage) }
        guard coverage >= settings.minimumCoverage, longestRun >= settings.minimumRun * total else { return (0, coverage) }
        let order = (1 - settings.order) + settings.order * (longestRun / total)
        return (matched * coverage * order, coverage)
    }
}

/// Reusable buffers for `PhraseTable.score`: the runs ending at each position of the
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
