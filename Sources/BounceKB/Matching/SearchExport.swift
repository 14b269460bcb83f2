/// Everything `Matcher` decides with, as plain data: the precomputed index (phrases, token
/// rarities, cues), `Normalizer.Weights` (every weight and threshold), the subject rules, the
/// long top-level domains the normaliser knows, the code extractor's word lists and what the
/// code registry says codes imply. What only emails have (`MatchHint`: structure, a DSN's
/// status, a queue that gave up) is not exported: the site search reads single texts.
///
/// The site search index is generated from this value, and the browser engine
/// (templates/assets/search.js) re-implements `Normalizer.tokens`, `CodeExtractor.extract` and
/// `Matcher.match` on top of it, so the two engines cannot drift apart through a changed weight,
/// word list or phrase: only through a changed algorithm, which the parity test
/// (Tests/SiteBuilderTests/Search/SearchParityTests.swift) catches.
///
/// ## When the two engines must agree
/// The engines agree on **complete tokens**: every token of the text, the last one included, is
/// read as written, exactly as `bounce` reads it. For any text, the browser's first *matcher*
/// result is `Matcher.match(text).matches.first`, and it has none when `bounce` has none.
///
/// Prefix matching (the word being typed) and typo tolerance (one edit in a word of five or more
/// letters) belong to the browser's second, *keyword* tier only: it searches titles, summaries
/// and phrase words, and its results are listed after every matcher result. So partial typing
/// can add results, never reorder or replace what `bounce` would say, and the Swift side needs
/// no prefix or typo rule of its own.
public struct SearchExport: Sendable {
    /// Version of the algorithm contract between `Matcher` and its re-implementations: raise it
    /// when a change to the matcher needs a matching change in search.js.
    public static let algorithmVersion = 2

    /// What an enhanced code implies for each failure class, as `CodeRegistry.explain` reads it.
    public struct StatusImplication: Equatable, Sendable {
        /// How the registry treats a code of one class (4 or 5) once the reply's class is a failure.
        public enum Outcome: Equatable, Sendable {
            /// The code implies this reason, whatever the reply code implies.
            case reason(String)
            /// The code is known to imply nothing, and the reply is not asked either.
            case none
            /// The code says nothing; the reply code's implied reason applies.
            case reply
        }

        public var subject: Int
        public var detail: Int
        /// For class 4 (e.g. 4.2.2).
        public var transient: Outcome
        /// For class 5 (e.g. 5.2.2).
        public var permanent: Outcome
    }

    /// The matcher's index: entries, phrases with token weights, cues.
    public var index: MatchIndex
    /// The normaliser the matcher reads text with (also what the site search's keyword tier
    /// reads titles and summaries with).
    public var normalizer: Normalizer
    public var weights: Normalizer.Weights
    /// What an enhanced code's class and subject suggest when the registry names no reason for
    /// the code (`Matcher.subjectRules`, first fitting rule wins).
    public var subjectRules: [SubjectRule]
    /// Top-level domains over six letters that still end a host name (`Normalizer.longTopLevelDomains`).
    public var longTopLevelDomains: [String]
    /// Words right before a number that make it a code (`said: 550`), sorted.
    public var codeKeywords: [String]
    /// Words after which a number is a quantity, not a code (`port 587`), sorted.
    public var weakReplyBlockers: [String]
    /// Words that, after a number, make it a quantity (`552 recipients`), sorted.
    public var unitWords: [String]
    /// Bytes of text searched for codes.
    public var maximumScan: Int
    /// Every registered reply code with the reason it implies on its own, by code.
    public var replyCodes: [(code: Int, impliedReason: String?)]
    /// Every registered enhanced code, by subject and detail.
    public var statusImplications: [StatusImplication]

    /// The definition `matcher` ranks with.
    public init(matcher: Matcher) {
        self.init(index: matcher.index, normalizer: matcher.normalizer)
    }

    /// The definition a `Matcher` built on `index` and `normalizer` ranks with, without
    /// building the matcher: its lookup tables (vocabulary, phrase table, postings) are not
    /// part of the export, and at 100,000 entries they took the site build about a second.
    public init(index: MatchIndex, normalizer: Normalizer = .standard) {
        self.index = index
        self.normalizer = normalizer
        weights = normalizer.weights
        subjectRules = Matcher.subjectRules
        longTopLevelDomains = Normalizer.longTopLevelDomains
        codeKeywords = CodeExtractor.codeKeywords.sorted()
        weakReplyBlockers = CodeExtractor.weakReplyBlockers.sorted()
        unitWords = CodeExtractor.unitWords.sorted()
        maximumScan = CodeExtractor.maximumScan
        replyCodes = CodeRegistry.replyCodes.map { ($0.code, $0.impliedReason) }.sorted { $0.code < $1.code }
        statusImplications = Self.implications()
    }

    /// Reads the registry's rule through its public `explain`, so that special cases written in
    /// code (a class whose code implies nothing) come out as data too.
    private static func implications() -> [StatusImplication] {
        // A failure reply that implies a reason of its own: shows whether a code defers to it.
        let probe = CodeRegistry.replyCodes.first { ($0.code / 100 == 4 || $0.code / 100 == 5) && $0.impliedReason != nil }
        func outcome(_ code: StatusCode?) -> StatusImplication.Outcome {
            guard let code else { return .reply }
            if let reason = CodeRegistry.explain(reply: nil, status: code).impliedReason { return .reason(reason) }
            guard let probe else { return .reply }
            let withReply = CodeRegistry.explain(reply: probe.code, status: code).impliedReason
            return withReply == nil ? .none : .reply
        }
        return CodeRegistry.enhancedCodes
            .sorted { ($0.subject, $0.detail) < ($1.subject, $1.detail) }
            .map { info in
                StatusImplication(
                    subject: info.subject, detail: info.detail,
                    transient: outcome(StatusCode(klass: 4, subject: info.subject, detail: info.detail)),
                    permanent: outcome(StatusCode(klass: 5, subject: info.subject, detail: info.detail))
                )
            }
    }
}
