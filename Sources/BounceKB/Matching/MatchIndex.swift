import Foundation

/// Everything the ranking needs about a knowledge base, precomputed: the normalised match
/// phrases, how rare each token is across entries, the entries' codes and the reason cues.
///
/// This is the data the site's search index is generated from: it is `Codable`, holds no
/// dictionaries in its encoded form, and together with `Normalizer` (tokenising rules and
/// `Normalizer.Weights`) fully defines the scores `Matcher` computes.
public struct MatchIndex: Codable, Equatable, Sendable {
    /// What the index says about one entry.
    public struct EntryInfo: Codable, Equatable, Sendable {
        public var id: String
        public var reply: Int
        /// The enhanced code as written in the entry, e.g. "5.7.26".
        public var status: String?
        public var reason: String
        /// True when the entry describes a cause in general terms (its providers include
        /// "Any server", or it names no provider), so it may stand in for its reason.
        public var generic: Bool
    }

    /// One match phrase of one entry.
    public struct Phrase: Codable, Equatable, Sendable {
        /// Position of the entry in `entries`.
        public var entry: Int
        /// The phrase as written in the content.
        public var text: String
        /// The phrase's tokens (`Token.text`).
        public var tokens: [String]
        /// The weight of each token (see `tokenWeights`; placeholders weigh `weights.placeholder`).
        public var weights: [Double]
    }

    /// A keyword cue with its tokens.
    public struct Cue: Codable, Equatable, Sendable {
        public var reason: String
        public var tokens: [String]
        public var weight: Double
    }

    /// How rare a token is among the entries' phrases.
    public struct TokenWeight: Codable, Equatable, Sendable {
        public var token: String
        public var weight: Double
    }

    /// The format version of the encoded index.
    public var version: Int
    public var weights: Normalizer.Weights
    public var entries: [EntryInfo]
    public var phrases: [Phrase]
    public var cues: [Cue]

    /// Every literal token of the phrases with its weight, sorted by token. A token's weight is
    /// `ln(1 + N / df)`, N the number of entries and df the number of entries whose phrases
    /// contain it; placeholders weigh `weights.placeholder`.
    public var tokenWeights: [TokenWeight] {
        var table: [String: Double] = [:]
        for phrase in phrases {
            for (token, weight) in zip(phrase.tokens, phrase.weights) where !Normalizer.isPlaceholder(token) {
                table[token] = weight
            }
        }
        return table.keys.sorted().map { TokenWeight(token: $0, weight: table[$0] ?? 0) }
    }

    enum CodingKeys: String, CodingKey {
        case version, weights, entries, phrases, cues
        case tokenWeights = "token_weights"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        weights = try container.decode(Normalizer.Weights.self, forKey: .weights)
        entries = try container.decode([EntryInfo].self, forKey: .entries)
        phrases = try container.decode([Phrase].self, forKey: .phrases)
        cues = try container.decode([Cue].self, forKey: .cues)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(weights, forKey: .weights)
        try container.encode(entries, forKey: .entries)
        try container.encode(phrases, forKey: .phrases)
        try container.encode(tokenWeights, forKey: .tokenWeights)
        try container.encode(cues, forKey: .cues)
    }

    /// Builds the index of `knowledgeBase` with `normalizer`'s rules and weights.
    public init(knowledgeBase: KnowledgeBase, normalizer: Normalizer = .standard, cues: [ReasonCue] = ReasonCue.standard) {
        version = 1
        weights = normalizer.weights
        var entries: [EntryInfo] = []
        var phrases: [Phrase] = []
        var documentFrequency: [String: Int] = [:]
        // Tokenising is most of the work and each phrase stands alone: on all cores, in order.
        let tokenized = Parallel.map(knowledgeBase.entries, minimumBatch: 256) { entry in
            entry.match.map { normalizer.tokens($0).map(\.text) }
        }
        for (position, entry) in knowledgeBase.entries.enumerated() {
            let generic = entry.providers.isEmpty || entry.providers.contains { $0.lowercased() == "any server" }
            entries.append(EntryInfo(id: entry.id, reply: entry.reply, status: entry.status, reason: entry.reason, generic: generic))
            var seen = Set<String>()
            for (text, tokens) in zip(entry.match, tokenized[position]) {
                guard !tokens.isEmpty else { continue }
                phrases.append(Phrase(entry: position, text: text, tokens: tokens, weights: []))
                for token in tokens where !Normalizer.isPlaceholder(token) && seen.insert(token).inserted {
                    documentFrequency[token, default: 0] += 1
                }
            }
        }
        for position in phrases.indices {
            phrases[position].weights = phrases[position].tokens.map { token in
                Normalizer.isPlaceholder(token)
                    ? normalizer.weights.placeholder
                    : Self.rarity(entries: entries.count, frequency: documentFrequency[token] ?? 1)
            }
        }
        self.entries = entries
        self.phrases = phrases
        self.cues = cues.compactMap { cue in
            let tokens = normalizer.tokens(cue.phrase).map(\.text)
            return tokens.isEmpty ? nil : Cue(reason: cue.reason, tokens: tokens, weight: cue.weight)
        }
    }

    private init(version: Int, weights: Normalizer.Weights, entries: [EntryInfo], phrases: [Phrase], cues: [Cue]) {
        self.version = version
        self.weights = weights
        self.entries = entries
        self.phrases = phrases
        self.cues = cues
    }
}

// MARK: - Compact form

extension MatchIndex {
    /// The index as lines of tab-separated fields (escaped like `KnowledgeBaseArchive`), so a
    /// program can carry it precomputed and skip tokenising every phrase at start-up:
    ///
    ///     match-index  1
    ///     entry   id  reply  status  reason  generic(0|1)
    ///     phrase  entry-position  text  token  df  token  df ...
    ///     cue     reason  weight  token ...
    ///
    /// For each token the phrase record holds its document frequency (0 for a placeholder), from
    /// which the weight is computed exactly as when the index is built. `Normalizer.Weights` are
    /// not stored: they come from the program reading the index.
    public func compactText() -> String {
        var lines: [String] = [Self.record(["match-index", String(version)])]
        for entry in entries {
            lines.append(Self.record(["entry", entry.id, String(entry.reply), entry.status ?? "", entry.reason, entry.generic ? "1" : "0"]))
        }
        let frequencies = documentFrequencies()
        for phrase in phrases {
            var fields = ["phrase", String(phrase.entry), phrase.text]
            for token in phrase.tokens {
                fields.append(token)
                fields.append(String(Normalizer.isPlaceholder(token) ? 0 : frequencies[token] ?? 1))
            }
            lines.append(Self.record(fields))
        }
        for cue in cues {
            lines.append(Self.record(["cue", cue.reason, String(cue.weight)] + cue.tokens))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads `compactText()` back; `weights` are the program's.
    public static func decodeCompact(_ text: String, weights: Normalizer.Weights = .standard) throws -> MatchIndex {
        var entries: [EntryInfo] = []
        var phrases: [Phrase] = []
        var cues: [Cue] = []
        var version: Int?
        try KnowledgeBaseArchive.forEachRecord(text) { fields, lineNumber in
            func fail(_ message: String) -> KnowledgeBaseArchive.FormatError {
                KnowledgeBaseArchive.FormatError(line: lineNumber, message: message)
            }
            switch fields[0] {
            case "match-index":
                guard fields.count == 2, let number = Int(fields[1]), number == 1 else { throw fail("unsupported match index") }
                version = number
            case "entry":
                guard fields.count == 6, let reply = Int(fields[2]) else { throw fail("bad entry record") }
                entries.append(EntryInfo(id: fields[1], reply: reply, status: fields[3].isEmpty ? nil : fields[3], reason: fields[4], generic: fields[5] == "1"))
            case "phrase":
                guard fields.count >= 5, fields.count % 2 == 1, let entry = Int(fields[1]), entry < entries.count else {
                    throw fail("bad phrase record")
                }
                var tokens: [String] = []
                var tokenWeights: [Double] = []
                var index = 3
                while index + 1 < fields.count {
                    guard let frequency = Int(fields[index + 1]) else { throw fail("bad document frequency") }
                    tokens.append(fields[index])
                    tokenWeights.append(frequency == 0 ? weights.placeholder : Self.rarity(entries: entries.count, frequency: frequency))
                    index += 2
                }
                phrases.append(Phrase(entry: entry, text: fields[2], tokens: tokens, weights: tokenWeights))
            case "cue":
                guard fields.count >= 4, let weight = Double(fields[2]) else { throw fail("bad cue record") }
                cues.append(Cue(reason: fields[1], tokens: Array(fields[3...]), weight: weight))
            default:
                throw fail("unknown record '\(fields[0])'")
            }
            return true
        }
        guard let version else { throw KnowledgeBaseArchive.FormatError(line: 0, message: "not a match index") }
        return MatchIndex(version: version, weights: weights, entries: entries, phrases: phrases, cues: cues)
    }

    /// How many entries' phrases contain each literal token.
    func documentFrequencies() -> [String: Int] {
        var frequencies: [String: Int] = [:]
        var seen: [String: Int] = [:]
        for phrase in phrases {
            for token in phrase.tokens where !Normalizer.isPlaceholder(token) && seen[token] != phrase.entry {
                seen[token] = phrase.entry
                frequencies[token, default: 0] += 1
            }
        }
        return frequencies
    }

    /// The weight of a token found in the phrases of `frequency` of `entries` entries.
    static func rarity(entries: Int, frequency: Int) -> Double {
        log(1 + Double(max(1, entries)) / Double(max(1, frequency)))
    }

    private static func record(_ fields: [String]) -> String {
        fields.map(KnowledgeBaseArchive.escape).joined(separator: "\t")
    }
}
