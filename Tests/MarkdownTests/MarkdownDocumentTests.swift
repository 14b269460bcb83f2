import Testing
@testable import Markdown

@Test func safeModeDropsRawHTMLAndScriptLinks() {
    let html = MarkdownDocument("Hi <script>alert(1)</script> [x](javascript:alert(1))\n\n<div>raw</div>\n").html()
    #expect(!html.contains("<script"))
    #expect(!html.contains("javascript:"))
    #expect(!html.contains("<div>"))
}
