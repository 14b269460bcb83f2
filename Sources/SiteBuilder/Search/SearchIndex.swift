import Foundation
import BounceKB

/// The site search index, `assets/search-index.js`: a script that sets
/// `globalThis.BounceKBSearchIndex` to the data templates/assets/search.js searches.
///
/// A script rather than a JSON file so that a site opened from disk works: browsers refuse to
/// `fetch` `file://` URLs but run `<script>` files from them.
///
/// Everything the ranking uses is generated from `SearchExport` (the library's matcher) and
/// nothing is restated here: weights, thresholds, code word lists, cues, what codes imply, and
/// each entry's phrases as ids into a vocabulary grouped by rarity weight.
///
/// Format 1, one JSON object (members in this order):
/// - `format`, `algorithm`: this layout's version and `SearchExport.algorithmVersion`.
/// - `weights`: `Normalizer.Weights` under their snake_case coding keys.
/// - `rules`: `subjects` (`[class or null, subject or null, first detail, last detail, reason]`,
///   `Matcher.subjectRules` in order), `long_tlds` (`Normalizer.longTopLevelDomains`), `scan` (bytes
///   searched for codes), `keywords`, `blockers`, `units` (the code extractor's word lists),
///   `replies` (`[code, implied reason or null]` for every registered reply code) and `statuses`
///   (`[subject, detail, class 4, class 5]`, each a reason, `""` for "implies nothing" or null
///   for "ask the reply code").
/// - `reasons`, `categories`: ids that entries and cues refer to by position.
/// - `terms`: `[weight, "token token …"]` groups; a token's id is its position over all groups.
/// - `words`: `"token token …"`, tokens of titles and summaries that no phrase has; their ids
///   continue after the terms'.
/// - `cues`: `[reason, weight, "token token …"]`.
/// - `entries`: `[id, category, title, summary, reply, status or "", permanence (0 permanent,
///   1 transient, 2 none), reason, generic (0|1), [[token id, …] per phrase], [title token ids],
///   [summary token ids]]`. Titles and summaries are tokenised here, by the library's
///   normaliser, for the browser's keyword tier: it then needs no tokenising at load.
/// - `codes`: what code pages say, for queries nothing matches: `reply` `[code, title,
///   explanation]`, `enhanced` `[slug, label, title, explanation]`, `classes` and `subjects`
///   `[digit, title, meaning]`.
public enum SearchIndex {
    /// Where the index is written, relative to the output folder.
    public static let path = "assets/search-index.js"
    /// The global variable the script sets.
    public static let globalName = "BounceKBSearchIndex"
    /// Version of the layout above.
    public static let format = 1

    /// The whole script.
    public static func script(knowledgeBase kb: KnowledgeBase, codes: CodeCatalog, export: SearchExport) -> String {
        String(decoding: scriptData(knowledgeBase: kb, codes: codes, export: export), as: UTF8.self)
    }

    /// `script` as the file's bytes, written once into one buffer: at 100,000 entries the index
    /// is some 100 MB, and joining it into strings copied it four times over.
    static func scriptData(knowledgeBase kb: KnowledgeBase, codes: CodeCatalog, export: SearchExport) -> Data {
        let prefix = "/* BounceKB site search index, written by `bouncekb build`. Do not edit: rebuild the site. */\n"
            + "globalThis.\(globalName)="
        let members = jsonMembers(knowledgeBase: kb, codes: codes, export: export)
        var data = Data(capacity: prefix.utf8.count + members.byteCount + 2)
        data.append(contentsOf: prefix.utf8)
        members.write(to: &data)
        data.append(contentsOf: ";\n".utf8)
        return data
    }

    /// The index as JSON (see the type's documentation for the layout).
    public static func json(knowledgeBase kb: KnowledgeBase, codes: CodeCatalog, export: SearchExport) -> String {
        let members = jsonMembers(knowledgeBase: kb, codes: codes, export: export)
        var data = Data(capacity: members.byteCount)
        members.write(to: &data)
        return String(decoding: data, as: UTF8.self)
    }

    /// The index's top-level object, its members in order; the entries, the bulk of it, as
    /// their separate lines.
    private struct Members {
        /// Every member but `entries`, as `ScriptJSON.object` writes them, split where the
        /// entries go.
        let head: [(String, String)]
        /// Each entry's line, as `ScriptJSON.array` would write it, in bytes.
        let entries: [[UInt8]]
        let tail: [(String, String)]

        var byteCount: Int {
            (head + tail).reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 } + entries.reduce(16) { $0 + $1.count + 2 }
        }

        /// What `ScriptJSON.object(head + [("entries", "[\n" + entries joined by ",\n" + "\n]")] + tail)` gives.
        func write(to data: inout Data) {
            data.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String) {
                if !first { data.append(UInt8(ascii: ",")) }
                first = false
                data.append(contentsOf: ScriptJSON.string(key).utf8)
                data.append(UInt8(ascii: ":"))
            }
            for (key, value) in head {
                member(key)
                data.append(contentsOf: value.utf8)
            }
            member("entries")
            data.append(contentsOf: "[\n".utf8)
            for (index, entry) in entries.enumerated() {
                if index > 0 { data.append(contentsOf: ",\n".utf8) }
                data.append(contentsOf: entry)
            }
            data.append(contentsOf: "\n]".utf8)
            for (key, value) in tail {
                member(key)
                data.append(contentsOf: value.utf8)
            }
            data.append(UInt8(ascii: "}"))
        }
    }

    private static func jsonMembers(knowledgeBase kb: KnowledgeBase, codes: CodeCatalog, export: SearchExport) -> Members {
        let index = export.index
        let weights = export.weights

        // Reasons and categories, referred to by position.
        let reasons = Array(Set(index.entries.map(\.reason) + index.cues.map(\.reason))).sorted()
        let reasonPosition = Dictionary(uniqueKeysWithValues: reasons.enumerated().map { ($1, $0) })
        var categories = kb.categories.map(\.id)
        for entry in kb.entries where !categories.contains(entry.category) { categories.append(entry.category) }
        let categoryPosition = Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        // The vocabulary, grouped by weight (heaviest first), tokens sorted within a group.
        var weightOf: [String: Double] = [:]
        for phrase in index.phrases {
            for (token, weight) in zip(phrase.tokens, phrase.weights) { weightOf[token] = weight }
        }
        var groups: [Double: [String]] = [:]
        for (token, weight) in weightOf { groups[weight, default: []].append(token) }
        var termID: [String: Int] = [:]
        var terms: [String] = []
        for weight in groups.keys.sorted(by: >) {
            let tokens = (groups[weight] ?? []).sorted()
            for token in tokens { termID[token] = termID.count }
            terms.append(ScriptJSON.array([ScriptJSON.number(weight), ScriptJSON.string(tokens.joined(separator: " "))]))
        }

        // Keyword tier: the distinct literal tokens of each title and summary.
        let normalizer = export.normalizer
        @Sendable func words(_ text: String) -> [String] {
            SiteModel.uniqueInOrder(normalizer.tokens(text).map(\.text).filter { !Normalizer.isPlaceholder($0) })
        }
        // Per entry on all cores (results in entry order): at 100,000 entries this index is
        // built after the pages, on its own.
        let entryWords = Parallel.map(kb.entries, minimumBatch: 256) { (title: words($0.title), summary: words($0.summary)) }
        // Without joining every entry's words into one list first (two million at 100,000 entries).
        var extraWordSet: Set<String> = []
        for words in entryWords {
            for word in words.title where termID[word] == nil { extraWordSet.insert(word) }
            for word in words.summary where termID[word] == nil { extraWordSet.insert(word) }
        }
        let extraWords = extraWordSet.sorted()
        var wordID = termID
        for word in extraWords { wordID[word] = wordID.count }

        var phrasesByEntry = Array(repeating: [[UInt8]](), count: index.entries.count)
        let frozenTermID = termID
        // Each phrase's term numbers written straight into its bytes, as `ScriptJSON.array` of
        // `ScriptJSON.number`s would read (a string per number, then one joined).
        let phraseJSON = Parallel.map(index.phrases, minimumBatch: 256) { phrase -> [UInt8] in
            var bytes: [UInt8] = [UInt8(ascii: "[")]
            for (position, token) in phrase.tokens.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                ScriptJSON.appendNumber(frozenTermID[token] ?? 0, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
            return bytes
        }
        for (phrase, json) in zip(index.phrases, phraseJSON) where phrase.entry < phrasesByEntry.count {
            phrasesByEntry[phrase.entry].append(json)
        }

        // Each id's first entry, by position: the entry and its words are then read from the
        // arrays (a table of entries by id copied every entry's fields).
        let entries = kb.entries
        var positionByID: [String: Int] = [:]
        positionByID.reserveCapacity(entries.count)
        for position in entries.indices { positionByID.keepingFirst(position, forKey: entries[position].id) }
        let firstPositions = positionByID
        let frozenWordID = wordID, frozenPhrases = phrasesByEntry, indexEntries = index.entries
        // Each line written straight into its bytes, as `ScriptJSON.array` of the values would
        // read: a string per value and per word made this the index's largest part.
        let entryLines = Parallel.map(Array(indexEntries.indices), minimumBatch: 256) { (position: Int) -> [UInt8]? in
            let info = indexEntries[position]
            guard let kbPosition = firstPositions[info.id] else { return nil }
            let entry = entries[kbPosition]
            let words = entryWords[kbPosition]
            let status = info.status.flatMap(StatusCode.init)?.description ?? ""
            var line: [UInt8] = [UInt8(ascii: "[")]
            line.reserveCapacity(entry.title.utf8.count + entry.summary.utf8.count + 256)
            let comma = UInt8(ascii: ",")
            ScriptJSON.appendString(entry.id, to: &line)
            line.append(comma)
            ScriptJSON.appendNumber(categoryPosition[entry.category] ?? 0, to: &line)
            line.append(comma)
            ScriptJSON.appendString(entry.title, to: &line)
            line.append(comma)
            ScriptJSON.appendString(entry.summary, to: &line)
            line.append(comma)
            ScriptJSON.appendNumber(info.reply, to: &line)
            line.append(comma)
            ScriptJSON.appendString(status, to: &line)
            line.append(comma)
            ScriptJSON.appendNumber(permanenceCode(entry.permanence), to: &line)
            line.append(comma)
            ScriptJSON.appendNumber(reasonPosition[info.reason] ?? 0, to: &line)
            line.append(comma)
            line.append(info.generic ? UInt8(ascii: "1") : UInt8(ascii: "0"))
            line.append(comma)
            line.append(UInt8(ascii: "["))
            for (index, phrase) in frozenPhrases[position].enumerated() {
                if index > 0 { line.append(comma) }
                line.append(contentsOf: phrase)
            }
            line.append(UInt8(ascii: "]"))
            for tokens in [words.title, words.summary] {
                line.append(comma)
                line.append(UInt8(ascii: "["))
                var first = true
                for token in tokens {
                    guard let id = frozenWordID[token] else { continue }
                    if !first { line.append(comma) }
                    first = false
                    ScriptJSON.appendNumber(id, to: &line)
                }
                line.append(UInt8(ascii: "]"))
            }
            line.append(UInt8(ascii: "]"))
            return line
        }.compactMap { $0 }

        let cues = index.cues.map { cue in
            ScriptJSON.array([
                ScriptJSON.number(reasonPosition[cue.reason] ?? 0), ScriptJSON.number(cue.weight),
                ScriptJSON.string(cue.tokens.joined(separator: " ")),
            ])
        }

        return Members(
            head: [
                ("format", ScriptJSON.number(format)),
                ("algorithm", ScriptJSON.number(SearchExport.algorithmVersion)),
                ("weights", weightsJSON(weights)),
                ("rules", rulesJSON(export)),
                ("reasons", ScriptJSON.strings(reasons)),
                ("categories", ScriptJSON.strings(categories)),
                ("terms", ScriptJSON.array(terms)),
                ("words", ScriptJSON.string(extraWords.joined(separator: " "))),
                ("cues", ScriptJSON.array(cues)),
            ],
            entries: entryLines,
            tail: [("codes", codesJSON(codes))])
    }

    static func permanenceCode(_ permanence: Permanence) -> Int {
        switch permanence {
        case .permanent: return 0
        case .transient: return 1
        case .none: return 2
        }
    }

    private static func weightsJSON(_ weights: Normalizer.Weights) -> String {
        // Every member under its coding key (SearchIndexTests compares with the Codable form).
        let numbers: [(String, Double)] = [
            ("placeholder", weights.placeholder), ("minimum_coverage", weights.minimumCoverage),
            ("minimum_run", weights.minimumRun), ("order", weights.order),
            ("minimum_phrase_score", weights.minimumPhraseScore), ("extra_phrase", weights.extraPhrase),
            ("status_exact", weights.statusExact), ("status_other_class", weights.statusOtherClass),
            ("status_other_detail", weights.statusOtherDetail), ("status_other_subject", weights.statusOtherSubject),
            ("reply_exact", weights.replyExact), ("reply_other_class", weights.replyOtherClass),
            ("strong_phrase", weights.strongPhrase), ("weak_phrase", weights.weakPhrase),
            ("support_margin", weights.supportMargin), ("decisive_cue", weights.decisiveCue), ("expiry_cue", weights.expiryCue),
            ("cue", weights.cue), ("cue_cap", weights.cueCap), ("code_prior", weights.codePrior),
            ("minimum_reason_score", weights.minimumReasonScore), ("relative_cutoff", weights.relativeCutoff),
            ("tie", weights.tie),
        ]
        return ScriptJSON.object(numbers.map { ($0.0, ScriptJSON.number($0.1)) } + [("short_phrase", ScriptJSON.number(weights.shortPhrase))])
    }

    private static func rulesJSON(_ export: SearchExport) -> String {
        func outcome(_ value: SearchExport.StatusImplication.Outcome) -> String {
            switch value {
            case .reason(let reason): return ScriptJSON.string(reason)
            case .none: return ScriptJSON.string("")
            case .reply: return "null"
            }
        }
        return ScriptJSON.object([
            ("subjects", ScriptJSON.array(export.subjectRules.map { rule in
                ScriptJSON.array([
                    rule.klass.map(ScriptJSON.number) ?? "null", rule.subject.map(ScriptJSON.number) ?? "null",
                    ScriptJSON.number(rule.details.lowerBound), ScriptJSON.number(rule.details.upperBound), ScriptJSON.string(rule.reason),
                ])
            })),
            ("long_tlds", ScriptJSON.strings(export.longTopLevelDomains)),
            ("scan", ScriptJSON.number(export.maximumScan)),
            ("keywords", ScriptJSON.strings(export.codeKeywords)),
            ("blockers", ScriptJSON.strings(export.weakReplyBlockers)),
            ("units", ScriptJSON.strings(export.unitWords)),
            ("replies", ScriptJSON.array(export.replyCodes.map { ScriptJSON.array([ScriptJSON.number($0.code), ScriptJSON.optional($0.impliedReason)]) })),
            ("statuses", ScriptJSON.array(export.statusImplications.map {
                ScriptJSON.array([ScriptJSON.number($0.subject), ScriptJSON.number($0.detail), outcome($0.transient), outcome($0.permanent)])
            })),
        ])
    }

    private static func codesJSON(_ codes: CodeCatalog) -> String {
        let replies = codes.replyCodes.compactMap { code -> String? in
            guard let number = Int(code.slug) else { return nil }
            return ScriptJSON.array([ScriptJSON.number(number), ScriptJSON.string(code.title), ScriptJSON.string(code.explanation)])
        }
        let enhanced = codes.enhancedCodes.map { code in
            ScriptJSON.array([ScriptJSON.string(code.slug), ScriptJSON.string(code.label), ScriptJSON.string(code.title), ScriptJSON.string(code.explanation)])
        }
        let classes = (2...5).compactMap { digit -> String? in
            codes.classMeaning(digit).map { ScriptJSON.array([ScriptJSON.number(digit), ScriptJSON.string($0.title), ScriptJSON.string($0.meaning)]) }
        }
        let subjects = (0...7).compactMap { digit -> String? in
            codes.subjectMeaning(digit).map { ScriptJSON.array([ScriptJSON.number(digit), ScriptJSON.string($0.title), ScriptJSON.string($0.meaning)]) }
        }
        return ScriptJSON.object([
            ("reply", ScriptJSON.array(replies)),
            ("enhanced", ScriptJSON.array(enhanced)),
            ("classes", ScriptJSON.array(classes)),
            ("subjects", ScriptJSON.array(subjects)),
        ])
    }
}
