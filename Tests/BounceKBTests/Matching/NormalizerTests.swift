import Foundation
import FuzzKit
import Testing
@testable import BounceKB

@Suite("Normalizer")
struct NormalizerTests {
    private func tokens(_ text: String) -> [String] {
        Normalizer.standard.tokens(text).map { $0.isHost ? "~" + $0.text : $0.text }
    }

    @Test("The shared test vectors give the documented tokens", arguments: MatchingFixtures.rows(of: "normalizer-vectors.tsv"))
    func vectors(_ row: [String]) {
        let input = row[0].replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
        let expected = row.count > 1 ? row[1].split(separator: " ").map(String.init) : []
        #expect(tokens(input) == expected, "input: \(input)")
    }

    @Test func addressesAndNumbersBecomePlaceholders() {
        #expect(tokens("mail for alice@example.com from 198.51.100.7 (size 52428800)") == ["mail", "for", "{email}", "from", "{ip}", "size", "{n}"])
        #expect(tokens("[IPv6:2001:db8:85a3::8a2e:370:7334]") == ["ipv6", "{n}", "db8", "{n}", "8a2e", "{n}", "{n}"] || tokens("[2001:db8:85a3::8a2e:370:7334]") == ["{ip}"])
        #expect(tokens("[2001:db8:85a3::8a2e:370:7334]") == ["{ip}"])
        #expect(tokens("at 10:15:32") == ["at", "{n}", "{n}", "{n}"])
    }

    @Test func placeholdersInPhrasesAreRead() {
        #expect(tokens("{email} {domain} {host} {ip} {n}") == ["{email}", "{host}", "{host}", "{ip}", "{n}"])
        #expect(tokens("{EMAIL} {unknown}") == ["{email}", "unknown"])
    }

    @Test func codesAreNotWords() {
        #expect(tokens("550 5.1.1") == [])
        #expect(tokens("550-5.7.26 This mail is unauthenticated") == ["this", "mail", "is", "unauthenticated"])
        // A three-digit number on its own stays as a number: it may be a quantity.
        #expect(tokens("limit of 250 recipients") == ["limit", "of", "{n}", "recipient"])
    }

    @Test func hostPlaceholderMatchesAnyHostName() {
        let host = Token("{host}")
        #expect(host.matches(Token("mx.example.com", isHost: true)))
        #expect(!host.matches(Token("mx")))
        #expect(Token("gsmtp").matches(Token("gsmtp")))
    }

    @Test func normaliseJoinsTokens() {
        #expect(Normalizer.standard.normalize("  User UNKNOWN\r\n in   table ") == "user unknown in table")
    }

    @Test func weightsEncodeWithStableKeys() throws {
        let weights = Normalizer.Weights.standard
        #expect(weights.minimumPhraseScore > 0 && weights.minimumCoverage > 0 && weights.minimumCoverage <= 1)
        #expect(weights.statusExact > weights.replyExact)
    }

    /// Plain words skip the full classification (`Scanner.flush()`); the tokens must be those
    /// the full classification gives, for every fixture text, every entry's text and phrases,
    /// and generated text mixing words with everything `classify` tells apart.
    @Test func thePlainWordShortcutChangesNoToken() throws {
        var texts: [String] = []
        let fixtures = MatchingFixtures.repositoryRoot.appendingPathComponent("Tests/BounceKBTests/Fixtures")
        let files = FileManager.default.enumerator(atPath: fixtures.path)?.compactMap { $0 as? String } ?? []
        for file in files where file.hasSuffix(".tsv") || file.hasSuffix(".eml") || file.hasSuffix(".txt") {
            if let text = try? String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8) { texts.append(text) }
        }
        #expect(texts.count > 10)
        for entry in MatchingFixtures.knowledgeBase.entries {
            texts += [entry.title, entry.summary, entry.details, entry.resolution] + entry.match
        }
        let pieces = ["mailbox", "unavailable", "users", "address", "recipients", "dnsbls", "s", "ss", "ab", "abcd", "abcds",
                      "Mailbox", "USER", "550", "5.7.26", "4.2.2", "452-4.2.2", "1.2.3.4", "example.com", "mx.example.org",
                      "alice@example.com", "[2001:db8::1]", "a:b", "x-y", "-word-", ".word.", "word.", "@", "{email}", "{host}",
                      "caf\u{E9}", "na\u{EF}ve", "\u{2019}s", "don't", "`q`", " ", " ", "\n", "\t", ",", ";", "(", ")", "<", ">"]
        var random = SeededRandom(seed: 5321)
        for _ in 0..<5_000 {
            texts.append((0..<random.below(16)).map { _ in random.pick(pieces) }.joined(separator: random.below(3) == 0 ? "" : " "))
        }
        let normalizer = Normalizer.standard
        for text in texts {
            #expect(normalizer.tokens(text) == normalizer.tokensClassifyingEveryAtom(text), "\(text.prefix(200))")
        }
    }
}
