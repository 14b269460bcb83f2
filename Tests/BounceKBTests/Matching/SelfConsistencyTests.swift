import Testing
@testable import BounceKB

/// Issue 7, item 4: every match phrase of every entry, placed in a realistic bounce line with the
/// entry's codes and real-looking addresses, finds that entry within the top three.
@Suite("Content self-consistency")
struct SelfConsistencyTests {
    /// The phrase with its placeholders filled in, after the entry's codes unless the phrase
    /// carries codes of its own.
    static func line(for entry: Entry, phrase: String) -> String {
        var text = phrase
        for (placeholder, value) in [
            ("{email}", "jane.doe@example.net"), ("{domain}", "example.net"), ("{host}", "mx1.example.net"),
            ("{ip}", "203.0.113.45"), ("{n}", "42"),
        ] {
            text = text.replacingOccurrences(of: placeholder, with: value)
        }
        let codes = CodeExtractor.extract(text)
        guard codes.reply == nil && codes.status == nil else { return text }
        return ([String(entry.reply)] + (entry.status.map { [$0] } ?? []) + [text]).joined(separator: " ")
    }

    @Test("Every phrase finds its own entry within the top three")
    func everyPhraseFindsItsEntry() {
        let knowledgeBase = MatchingFixtures.knowledgeBase
        #expect(!knowledgeBase.entries.isEmpty)
        var failures: [String] = []
        for entry in knowledgeBase.entries {
            for phrase in entry.match {
                let text = Self.line(for: entry, phrase: phrase)
                let top = MatchingFixtures.matcher.match(text, limit: 3).matches.map(\.entry.id)
                if !top.contains(entry.id) {
                    failures.append("\(entry.id): \"\(phrase)\" → \(top.isEmpty ? "nothing" : top.joined(separator: ", "))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) phrases do not find their entry:\n\(failures.joined(separator: "\n"))")
    }
}
