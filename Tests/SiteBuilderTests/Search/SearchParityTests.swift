import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// One definition, two engines: the browser's search engine (templates/assets/search.js, run
/// under Node by Tests/SearchParity/harness.js) against the Swift `Matcher`, on the index the
/// build writes from the library's rules and weights.
///
/// The engines must agree on complete tokens (see `SearchExport`): the same first result for
/// every query, including "no result" (what the issue asks), and beyond that the same top five
/// with the same scores, the same codes, implied reason and tokens. The full search (matcher
/// tier, then keyword tier with prefix and typo matching) must open with that same result
/// whenever `bounce` has one.
@Suite(.serialized) struct SearchParityTests {
    struct Outcome: Decodable {
        var query: String
        var ids: [String]
        var scores: [Double]
        var reply: Int?
        var status: String?
        var expired: Bool
        var implied: String?
        var tokens: [String]
        var searchFirst: String?
        var typingFirst: String?
    }

    /// Runs the harness on `queries` against `kb`'s index.
    static func runHarness(_ kb: KnowledgeBase, queries: [String], name: String = #function) throws -> [Outcome] {
        guard let node = SearchSupport.node else { throw FixtureError("node is not installed (the project's test setup installs Debian's nodejs)") }
        let folder = try Fixtures.temporaryFolder(name)
        let index = folder.appendingPathComponent("search-index.js")
        let queryFile = folder.appendingPathComponent("queries.json")
        let export = SearchExport(matcher: Matcher(knowledgeBase: kb))
        try SearchIndex.script(knowledgeBase: kb, codes: .registry, export: export).write(to: index, atomically: true, encoding: .utf8)
        try JSONEncoder().encode(queries).write(to: queryFile)
        let output = try SearchSupport.run(node, [
            SearchSupport.parityFolder.appendingPathComponent("harness.js").path, SearchSupport.searchScript.path, index.path, queryFile.path,
        ])
        guard output.status == 0 else { throw FixtureError("harness failed (\(output.status)): \(output.stderr.prefix(2000))") }
        return try JSONDecoder().decode([Outcome].self, from: Data(output.stdout.utf8))
    }

    /// Every way the two engines differ on `outcomes`, as readable lines.
    static func disagreements(_ outcomes: [Outcome], matcher: Matcher) -> (problems: [String], sameLists: Int) {
        var problems: [String] = []
        var sameLists = 0
        for outcome in outcomes {
            let text = outcome.query
            let shown = text.count > 90 ? String(text.prefix(90)) + "…" : text
            let swift = matcher.match(text, limit: 5)
            let ids = swift.matches.map(\.entry.id)
            if ids.first != outcome.ids.first {
                problems.append("first result for \"\(shown)\": swift \(ids.first ?? "none") \(swift.matches.map(\.score)), js \(outcome.ids.first ?? "none") \(outcome.scores)")
            }
            if ids == outcome.ids {
                sameLists += 1
                // Same entries: the same scores too (both rounded to 0.001), so a weight read
                // differently shows even where it does not change the order.
                let scores = swift.matches.map(\.score)
                if zip(scores, outcome.scores).contains(where: { abs($0 - $1) > 0.0015 }) {
                    problems.append("scores for \"\(shown)\": swift \(scores), js \(outcome.scores)")
                }
            } else {
                problems.append("top 5 for \"\(shown)\": swift \(ids), js \(outcome.ids)")
            }
            if let first = ids.first {
                if outcome.searchFirst != first { problems.append("search page for \"\(shown)\" opens with \(outcome.searchFirst ?? "nothing"), not \(first)") }
                if outcome.typingFirst != first { problems.append("typing \"\(shown)\" opens with \(outcome.typingFirst ?? "nothing"), not \(first)") }
            }
            if swift.codes.reply != outcome.reply || swift.codes.status?.description != outcome.status || swift.codes.expired != outcome.expired {
                problems.append("codes of \"\(shown)\": swift \(swift.codes.reply.map(String.init) ?? "-") \(swift.codes.status?.description ?? "-"), js \(outcome.reply.map(String.init) ?? "-") \(outcome.status ?? "-")")
            }
            if swift.code.impliedReason != outcome.implied {
                problems.append("implied reason of \"\(shown)\": swift \(swift.code.impliedReason ?? "none"), js \(outcome.implied ?? "none")")
            }
            let tokens = matcher.normalizer.tokens(text).map { ($0.isHost ? "host:" : "") + $0.text }
            if tokens != outcome.tokens {
                problems.append("tokens of \"\(shown)\": swift \(tokens), js \(outcome.tokens)")
            }
        }
        return (problems, sameLists)
    }

    @Test func browserEngineAgreesWithTheMatcherOnTheRealContent() throws {
        let kb = try SearchSupport.realKnowledgeBase()
        let committed = try SearchSupport.parityQueries()
        let queries = committed.map(\.text) + SearchSupport.realWorldLines()
        #expect(committed.count >= 60)
        #expect(Set(committed.map(\.kind)) == ["code", "words", "line"])
        let outcomes = try Self.runHarness(kb, queries: queries)
        try #require(outcomes.count == queries.count)
        let matcher = Matcher(knowledgeBase: kb)
        let result = Self.disagreements(outcomes, matcher: matcher)
        let answered = outcomes.filter { !$0.ids.isEmpty }.count
        print("search parity: \(queries.count) queries (\(committed.count) committed, \(queries.count - committed.count) real-world lines), \(answered) with a match; first result agrees on \(queries.count - Set(result.problems.filter { $0.hasPrefix("first") }).count), whole top-5 list on \(result.sameLists)")
        #expect(result.problems.isEmpty, "\(result.problems.count) disagreements:\n\(result.problems.prefix(40).joined(separator: "\n"))")
    }

    @Test func theSeedQueryOpensWithTheUnauthenticatedMailEntry() throws {
        let kb = try SearchSupport.realKnowledgeBase()
        let outcomes = try Self.runHarness(kb, queries: ["550 5.7.26", "550-5.7.26 this mail is unauthenticated"])
        #expect(outcomes.map(\.searchFirst) == ["sender-unauthenticated-mail-blocked", "sender-unauthenticated-mail-blocked"])
    }

    /// The keyword tier's extras, which `bounce` has no part in: prefix matching of the word being
    /// typed (not after a space, not when the query is submitted whole) and one edit in words of
    /// five letters or more.
    @Test func prefixesWhileTypingAndOneTypoInLongerWords() throws {
        let kb = try SearchSupport.realKnowledgeBase()
        let outcomes = try Self.runHarness(kb, queries: ["quot", "quta", "qouta", "mailbox ful", "mailbox ful "])
        let byQuery = Dictionary(outcomes.map { ($0.query, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byQuery["quot"]?.typingFirst != nil, "a prefix while typing")
        #expect(byQuery["quot"]?.searchFirst == nil, "no prefix once submitted, and no typo rule under five letters")
        #expect(byQuery["quta"]?.typingFirst == nil && byQuery["quta"]?.searchFirst == nil, "four letters: no typo tolerated")
        #expect(byQuery["qouta"]?.searchFirst != nil, "five letters: one swap tolerated")
        #expect(byQuery["mailbox ful"]?.typingFirst != nil)
        #expect(byQuery["mailbox ful "]?.typingFirst == nil, "after a space the word is complete")
    }

    /// Edge cases of tokenising and code extraction, on the fixture knowledge base.
    @Test func awkwardTextTokenisesAndExtractsTheSame() throws {
        let queries = [
            "", "   ", "{email} {DOMAIN} {Host} {ip} {n} {x}", "Doesn’t exist; user's ‘quoted’ `tick`",
            "ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ naïve café e\u{301}cole", "日本語のメール 5.1.1 エラー",
            "2001:db8::1 fe80::1%eth0 ::ffff:192.0.2.1 [192.0.2.1]:25 10:30:00", "host-name.example.co.uk mx1.mail.example",
            "550-Mailbox unavailable 550-5.1.1 550 5.1.1", "4.5 2.5.1 5.1.1000 5.01.1 5.8.1 6.1.1 1.550.2",
            "port 550 size 552 after 421 recipients", "smtp; 550 said: 452 x-postfix; 554",
            "#5.1.1 (5.7.1) [4.7.0] Error 550: rejected", "a@b.c <user@example.com> 'quoted local'@example.com",
            "recipients addresses dnsbls boss class glass", "—–-‐ ‒ … ··· ¡¿ emoji 😀 mailbox💥full",
            "5.4.7 delivery expired after 421 4.7.0 try later", "Action: delayed\nStatus: 4.4.7",
            "550\r\n5.7.26\tthis mail", "𝐁𝐨𝐥𝐝 𝓈𝒸𝓇𝒾𝓅𝓉 ﬁle Ⅻ ½ ²",
        ]
        let outcomes = try Self.runHarness(Fixtures.knowledgeBase, queries: queries)
        let result = Self.disagreements(outcomes, matcher: Matcher(knowledgeBase: Fixtures.knowledgeBase))
        #expect(result.problems.isEmpty, "\(result.problems.joined(separator: "\n"))")
    }
}
