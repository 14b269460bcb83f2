import Foundation
import FuzzKit
import Testing
@testable import BounceKB

/// The loader's byte-level text helpers must give exactly what the Character-wise and
/// Foundation calls they stand in for give, on ASCII text (their fast path) and on everything else.
@Suite struct FastTextTests {
    /// Inputs that trip Character-wise code: CR LF as one character, combining marks after the
    /// characters the helpers look for, non-ASCII spaces, emoji, and empty pieces.
    static let awkward = [
        "", "\n", "a\nb", "a\n\nb\n", "trailing\n", "\r\n", "a\r\nb\rc", "tab\tsep  spaces",
        "  Leading and TRAILING  ", "Mixed CASE {Email} {email}x{n}", "{email}\u{301} after", "e\u{301}\n\u{301}x",
        "no\u{A0}break\u{85}next\u{2028}line", "😀 {domain} 🇫🇷", "ÀÉÎ õ ß", "x\u{0}y", "{ip}{ip}{ip}", "{{email}}",
        "550 5.7.1 <user@example.com>: Recipient address rejected", "Ünïcode\r\n{host}\r\n",
    ]

    @Test func wordCountMatchesSplittingAtWhitespace() {
        // Every ASCII byte at every offset of a text longer than two words (the byte-wise path
        // reads eight at a time), runs of whitespace across the eight-byte boundaries, and the
        // awkward texts, which take the character-wise path when they are not ASCII.
        var texts = Self.awkward
        let sentence = Array("one two three four five six".utf8)
        for byte in UInt8(0)..<0x80 {
            for offset in 0...sentence.count {
                var bytes = sentence
                bytes.insert(byte, at: offset)
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        var random = SeededRandom(seed: 1130)
        let pieces = ["word", " ", "  ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "x", "\u{1F}", "é", "a.b", "\u{7F}"]
        for _ in 0..<3_000 {
            texts.append((0..<random.below(40)).map { _ in random.pick(pieces) }.joined())
        }
        for text in texts {
            #expect(FastText.wordCount(text) == text.split(whereSeparator: { $0.isWhitespace }).count, "\(text.debugDescription)")
        }
    }

    @Test func linesMatchSplittingAtLineFeeds() {
        // Its callers hand it text whose CRs `SourceText` has already turned into LFs.
        for text in Self.awkward where !text.utf8.contains(0x0D) {
            let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(FastText.lines(text).map(String.init) == expected, "\(text.debugDescription)")
        }
    }

    @Test func replacingMatchesFoundation() {
        for text in Self.awkward {
            var expected = text
            for target in ContentRules.placeholders { expected = expected.replacingOccurrences(of: target, with: " ") }
            #expect(FastText.replacing(ContentRules.placeholders, with: " ", in: text) == expected, "\(text.debugDescription)")
            let lineEnds = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            #expect(FastText.replacing(["\r\n", "\r"], with: "\n", in: text) == lineEnds, "\(text.debugDescription)")
        }
    }

    @Test func normalisedPhrasesMatchTheCharacterWiseForm() {
        for text in Self.awkward {
            let expected = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(ContentValidator.normalisedPhrase(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test func genericPhraseVerdictsDoNotDependOnThePath() {
        // The same phrase with a non-ASCII letter appended takes the Character-wise path; for
        // these phrases that letter only lengthens a word, so short/long verdicts line up.
        #expect(ContentValidator.genericPhraseProblem("no user") == "shorter than 8 characters and no code or tag")
        #expect(ContentValidator.genericPhraseProblem("no usér") == "shorter than 8 characters and no code or tag")
        #expect(ContentValidator.genericPhraseProblem("Rejected") == "a single common word")
        #expect(ContentValidator.genericPhraseProblem("  REJECTED!  ") == "a single common word")
        #expect(ContentValidator.genericPhraseProblem("{email} {domain}") == "it has no words besides placeholders")
        #expect(ContentValidator.genericPhraseProblem("[ticket#") == nil, "a symbol marks a tag")
        #expect(ContentValidator.genericPhraseProblem("tss04") == nil)
        #expect(ContentValidator.genericPhraseProblem("abc-def") == "shorter than 8 characters and no code or tag")
        #expect(ContentValidator.genericPhraseProblem("abcd-éfg") == nil, "8 characters, counted as characters")
        #expect(ContentValidator.genericPhraseProblem("abc\tdefg") == nil, "8 characters with the single space")
    }

    @Test func bytewiseGenericPhraseVerdictsAreTheCharacterwiseOnes() throws {
        // Every phrase of the real content, and awkward ASCII ones: the byte-wise pass must give
        // what the character-wise reference gives.
        let content = ContentLoader(contentDirectory: repositoryRoot.appendingPathComponent("content")).load().knowledgeBase
        var phrases = content.entries.flatMap(\.match)
        #expect(phrases.count > 100)
        phrases += ["", " ", "\t\n", "!!!", "a", "Rejected.", "...rejected...", "no-user", "no user!", "abcdefg", "abcdefgh",
                    "a b c d", "abc defg", "ab cd ef", "(550)", "x_y", "user@", "\"quoted\" text", "it's gone", "TLS", "tls required", "-- --",
                    "a\u{0B}b", "mailbox full;", "over quota", "5.7.1", "rtr:bl", "[ticket#", "q?", "spam detected"]
        for phrase in phrases {
            var core = phrase
            if core.contains("{") { core = FastText.replacing(ContentRules.placeholders, with: " ", in: core) }
            #expect(ContentValidator.genericPhraseProblem(phrase) == ContentValidator.characterwiseGenericPhraseProblem(core),
                    "\(phrase.debugDescription)")
        }
    }
}
