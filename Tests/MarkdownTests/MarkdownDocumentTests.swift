import Testing
@testable import Markdown

@Test func safeModeDropsRawHTMLAndScriptLinks() {
    let html = MarkdownDocument("Hi <script>alert(1)</script> [x](javascript:alert(1))\n\n<div>raw</div>\n").html()
    #expect(!html.contains("<script"))
    #expect(!html.contains("javascript:"))
    #expect(!html.contains("<div>"))
}

/// Past `TextRenderer.maximumDepth` the text is kept, flat, instead of recursing further.
@Test(arguments: ["> ", "- ", "*"])
func deepNestingKeepsTheTextWithoutRecursing(_ unit: String) {
    let count = 20_000
    let source = String(repeating: unit, count: count) + "innermost words" + (unit == "*" ? String(repeating: unit, count: count) : "")
    let document = MarkdownDocument("Before.\n\n" + source + "\n")
    let plain = document.plainText()
    #expect(plain.hasPrefix("Before."))
    #expect(plain.contains("innermost words"))
    #expect(document.terminalText(width: 60, styled: false).contains("innermost"))
}

/// Shallow nesting is still rendered with its structure.
@Test func shallowNestingKeepsItsStructure() {
    let text = MarkdownDocument("> quoted\n>\n> - item one\n> - item two\n").terminalText(width: 80, styled: false)
    #expect(text.contains("> quoted"))
    #expect(text.contains("> - item one"))
}

/// Plain text keeps hard line breaks and indents every line of a nested block.
@Test func plainTextIndentsEveryLineOfNestedBlocks() {
    let text = MarkdownDocument("- first  \n  second\n- third\n\n> quote  \n> more\n").plainText()
    #expect(text == "- first\n  second\n- third\n\n> quote\n> more")
}
