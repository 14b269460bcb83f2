import Testing
import Markdown

@Test func wrapsAtSpacesWithPrefixesAndIgnoresStyling() {
    let bold = "\u{1B}[1mbold\u{1B}[0m"
    let text = WordWrap.wrap("one two three \(bold) four\nfive", width: 12, indent: "  ", firstPrefix: "- ")
    #expect(text == "- one two\n  three \(bold)\n  four\n  five")
    #expect(WordWrap.visibleLength(bold) == 4)
    // A word wider than the line stays whole.
    #expect(WordWrap.wrap("a averyveryverylongword b", width: 8) == "a\naveryveryverylongword\nb")
}
