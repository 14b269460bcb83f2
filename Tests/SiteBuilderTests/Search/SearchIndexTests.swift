import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// The search index script: generated from the matcher's definition, safe to load, deterministic.
@Suite struct SearchIndexTests {
    static let prefix = "globalThis.\(SearchIndex.globalName)="

    /// The JSON object inside an index script.
    static func object(_ script: String) throws -> [String: Any] {
        let start = try #require(script.range(of: prefix))
        var json = script[start.upperBound...]
        json = json.dropLast(json.hasSuffix(";\n") ? 2 : 0)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func script(_ kb: KnowledgeBase, normalizer: Normalizer = .standard) -> String {
        SearchIndex.script(knowledgeBase: kb, codes: .registry, export: SearchExport(matcher: Matcher(knowledgeBase: kb, normalizer: normalizer)))
    }

    /// The build makes its export from the match index alone, without building a matcher's
    /// lookup tables: the index script must not tell the two apart.
    @Test func anExportFromTheMatchIndexIsTheMatchersExport() throws {
        let kb = Fixtures.knowledgeBase
        let viaIndex = SearchIndex.script(knowledgeBase: kb, codes: .registry, export: SearchExport(index: MatchIndex(knowledgeBase: kb)))
        #expect(viaIndex == Self.script(kb))
        let lowerThreshold = Normalizer(weights: { var weights = Normalizer.Weights.standard; weights.minimumCoverage /= 2; return weights }())
        let matcher = Matcher(knowledgeBase: kb, normalizer: lowerThreshold)
        let fromIndex = SearchExport(index: MatchIndex(knowledgeBase: kb, normalizer: lowerThreshold), normalizer: lowerThreshold)
        #expect(fromIndex.index == matcher.index)
        #expect(fromIndex.weights == matcher.normalizer.weights)
        #expect(SearchIndex.script(knowledgeBase: kb, codes: .registry, export: fromIndex) == Self.script(kb, normalizer: lowerThreshold))
    }

    /// The tokens a row's token ids stand for: terms first, then the extra words.
    static func tokens(_ ids: [Any], in object: [String: Any]) throws -> [String] {
        let terms = try #require(object["terms"] as? [[Any]]).flatMap { group in
            ((group[1] as? String) ?? "").split(separator: " ").map(String.init)
        }
        let words = try #require(object["words"] as? String).split(separator: " ").map(String.init)
        let vocabulary = terms + words
        return ids.compactMap { ($0 as? Int).map { vocabulary[$0] } }
    }

    /// Each row takes its texts and words from its own entry (the first with its id), whether
    /// the match index lists the knowledge base's entries or others.
    @Test func eachRowTakesItsEntrysTextsAndWords() throws {
        var kb = Fixtures.knowledgeBase
        // Two entries with one id (a knowledge base built in memory): the first one's counts.
        var copy = try #require(kb.entries.last)
        copy.title = "A different title for the copy"
        copy.summary = "Another summary that only the copy has."
        kb.entries.append(copy)
        var fewer = kb
        fewer.entries.removeFirst()
        for index in [MatchIndex(knowledgeBase: kb), MatchIndex(knowledgeBase: fewer)] {
            let object = try Self.object(SearchIndex.script(knowledgeBase: kb, codes: .registry, export: SearchExport(index: index)))
            let rows = try #require(object["entries"] as? [[Any]])
            #expect(rows.count == index.entries.count)
            for (row, info) in zip(rows, index.entries) {
                let entry = try #require(kb.entries.first { $0.id == info.id })
                #expect(row[0] as? String == entry.id)
                #expect(row[2] as? String == entry.title && row[3] as? String == entry.summary)
                let titleWords = Normalizer.standard.tokens(entry.title).map(\.text).filter { !Normalizer.isPlaceholder($0) }
                let summaryWords = Normalizer.standard.tokens(entry.summary).map(\.text).filter { !Normalizer.isPlaceholder($0) }
                #expect(try Self.tokens(try #require(row[10] as? [Any]), in: object) == titleWords.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
                #expect(try Self.tokens(try #require(row[11] as? [Any]), in: object) == summaryWords.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
            }
        }
    }

    @Test func theIndexCarriesTheMatchersWeightsRulesAndPhrases() throws {
        let kb = Fixtures.knowledgeBase
        let matcher = Matcher(knowledgeBase: kb)
        let index = try Self.object(Self.script(kb))
        #expect(index["format"] as? Int == SearchIndex.format)
        #expect(index["algorithm"] as? Int == SearchExport.algorithmVersion)

        // Weights: every Normalizer.Weights member, under its coding key, with the same value.
        let weights = try #require(index["weights"] as? [String: Double])
        let encoded = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Normalizer.Weights.standard)) as? [String: Double])
        #expect(weights == encoded)

        let rules = try #require(index["rules"] as? [String: Any])
        let export = SearchExport(matcher: matcher)
        // The subject rules, in order, exactly as the matcher applies them.
        let subjects = try #require(rules["subjects"] as? [[Any]])
        #expect(subjects.count == Matcher.subjectRules.count && !subjects.isEmpty)
        for (row, rule) in zip(subjects, Matcher.subjectRules) {
            #expect(row[0] as? Int == rule.klass && row[1] as? Int == rule.subject)
            #expect(row[2] as? Int == rule.details.lowerBound && row[3] as? Int == rule.details.upperBound && row[4] as? String == rule.reason)
        }
        #expect(rules["long_tlds"] as? [String] == Normalizer.longTopLevelDomains && export.longTopLevelDomains.contains("invalid"))
        #expect(rules["keywords"] as? [String] == export.codeKeywords && export.codeKeywords.contains("smtp"))
        #expect(rules["units"] as? [String] == export.unitWords && rules["blockers"] as? [String] == export.weakReplyBlockers)
        #expect((rules["replies"] as? [Any])?.count == CodeRegistry.replyCodes.count)
        #expect((rules["statuses"] as? [Any])?.count == CodeRegistry.enhancedCodes.count)
        #expect((index["cues"] as? [Any])?.count == matcher.index.cues.count)

        // Phrases: ids into the vocabulary give back each phrase's tokens and exact weights.
        // Numbers are read with Double(String): Foundation's JSON parser rounds some of them off by
        // an ulp, while JavaScript's JSON.parse (and Double(String)) read them exactly.
        let script = Self.script(kb)
        let terms = try #require(script.firstRange(of: #""terms":"#).flatMap { start in
            script[start.upperBound...].firstRange(of: #","cues":"#).map { script[start.upperBound..<$0.lowerBound] }
        })
        var vocabulary: [(String, Double)] = []
        for group in terms.matches(of: /\[([-+0-9.e]+),("(?:[^"\\]|\\.)*")\]/) {
            let weight = try #require(Double(String(group.output.1)))
            let tokens = try #require(try JSONSerialization.jsonObject(with: Data("[\(group.output.2)]".utf8)) as? [String]).first ?? ""
            for token in tokens.split(separator: " ") { vocabulary.append((String(token), weight)) }
        }
        let entries = try #require(index["entries"] as? [[Any]])
        #expect(entries.map { $0[0] as? String } == kb.entries.map(\.id))
        var rebuilt: [(entry: Int, tokens: [String], weights: [Double])] = []
        for (position, row) in entries.enumerated() {
            for ids in try #require(row[9] as? [[Int]]) {
                rebuilt.append((position, ids.map { vocabulary[$0].0 }, ids.map { vocabulary[$0].1 }))
            }
        }
        #expect(rebuilt.map(\.tokens) == matcher.index.phrases.map(\.tokens))
        #expect(rebuilt.map(\.weights) == matcher.index.phrases.map(\.weights), "weights survive the trip bit for bit")
        #expect(rebuilt.map(\.entry) == matcher.index.phrases.map(\.entry))
    }

    @Test func otherWeightsGiveAnotherIndex() throws {
        var weights = Normalizer.Weights.standard
        weights.statusExact = 7.25
        weights.placeholder = 0.125
        let index = try Self.object(Self.script(Fixtures.knowledgeBase, normalizer: Normalizer(weights: weights)))
        let exported = try #require(index["weights"] as? [String: Double])
        #expect(exported["status_exact"] == 7.25)
        let terms = try #require(index["terms"] as? [[Any]])
        #expect(terms.contains { ($0[0] as? Double) == 0.125 && ($0[1] as? String)?.contains("{email}") == true }, "placeholders weigh what the normaliser says")
    }

    /// The registry's rule for what codes imply, as the index carries it, gives what
    /// `CodeRegistry.explain` gives for every registered code, class and reply.
    @Test func codeImplicationsAgreeWithTheRegistry() {
        let export = SearchExport(matcher: Matcher(knowledgeBase: Fixtures.knowledgeBase))
        let replies = Dictionary(export.replyCodes.map { ($0.code, $0.impliedReason) }, uniquingKeysWith: { first, _ in first })
        // search.js's impliedReason, in Swift.
        func implied(reply: Int?, status: StatusCode?) -> String? {
            let replyClass = reply.flatMap { (200...599).contains($0) ? $0 / 100 : nil }
            let effective = replyClass ?? status?.klass
            if effective == 2 { return "not-a-failure" }
            guard effective == 4 || effective == 5 else { return nil }
            if let status, status.klass != 2, let row = export.statusImplications.first(where: { $0.subject == status.subject && $0.detail == status.detail }) {
                switch status.klass == 4 ? row.transient : row.permanent {
                case .reason(let reason): return reason
                case .none: return nil
                case .reply: break
                }
            }
            guard let reply, replyClass != nil else { return nil }
            return replies[reply] ?? nil
        }
        var checked = 0
        let statuses = CodeRegistry.enhancedCodes.flatMap { info in [2, 4, 5].compactMap { StatusCode(klass: $0, subject: info.subject, detail: info.detail) } }
            + [nil, StatusCode("5.7.999"), StatusCode("4.9.1")].compactMap { $0 }
        for reply in [nil] + CodeRegistry.replyCodes.map(\.code) + [299, 571, 600] {
            for status in [nil] + statuses.map(Optional.some) {
                let expected = CodeRegistry.explain(reply: reply, status: status).impliedReason
                if implied(reply: reply, status: status) != expected {
                    Issue.record("reply \(reply.map(String.init) ?? "-") status \(status?.description ?? "-"): registry \(expected ?? "none"), index \(implied(reply: reply, status: status) ?? "none")")
                }
                checked += 1
            }
        }
        #expect(checked > 5_000)
    }

    @Test func scriptTextCannotEndAScriptElementOrALine() throws {
        let nasty = "</script><script>alert(1)</script> <!-- --> <img src=x onerror=alert(1)> & \u{2028} \u{2029} \"q\" \\ \n\r\t \u{0} \u{7F} é 😀 \u{FEFF}"
        let encoded = ScriptJSON.string(nasty)
        #expect(encoded.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "pure printable ASCII")
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] { #expect(!encoded.contains(forbidden)) }
        let decoded = try JSONSerialization.jsonObject(with: Data("[\(encoded)]".utf8)) as? [String]
        #expect(decoded == [nasty], "reads back exactly")
        for value in [0.4, 2.3978952727983707, 1e-06, 3.0, 0.1 + 0.2, 1.0 / 3.0] {
            #expect(Double(ScriptJSON.number(value)) == value)
        }
    }

    @Test func sameInputSameBytes() throws {
        let kb = Fixtures.knowledgeBase
        // Compared as booleans: a failure would otherwise print two whole indexes.
        let same = Self.script(kb) == Self.script(kb)
        #expect(same, "same bytes")
        var shuffled = kb
        let position = try #require(shuffled.entries.firstIndex { $0.match.filter { !Normalizer.standard.tokens($0).isEmpty }.count > 1 })
        shuffled.entries[position].match.reverse()
        let differs = Self.script(kb) != Self.script(shuffled)
        #expect(differs, "phrase order is kept: the first best phrase wins ties")
    }

    @Test func theBuildWritesTheIndexAndTheSearchPage() throws {
        let output = try Fixtures.temporaryFolder().appendingPathComponent("public")
        let summary = try Fixtures.build(Fixtures.knowledgeBase, into: output)
        let script = try String(contentsOf: output.appendingPathComponent(SearchIndex.path), encoding: .utf8)
        #expect((try Self.object(script)["entries"] as? [Any])?.count == Fixtures.knowledgeBase.entries.count)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(SiteSearch.pagePath).path))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("assets/search.js").path))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("assets/search.css").path))
        let pages = try Fixtures.snapshot(of: output).keys.filter { $0.hasSuffix(".html") }.count
        #expect(summary.pages == pages, "the search page counts as a page")
    }
}
