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
}
