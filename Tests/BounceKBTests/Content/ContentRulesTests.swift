import Foundation
import FuzzKit
import Testing
@testable import BounceKB

@Suite("Content rules, suggestions and YAML safety")
struct ContentRulesTests {
    @Test func kebabCase() {
        #expect(ContentRules.isKebabCase("gmail-dmarc-5-7-26"))
        for bad in ["", "Gmail", "a--b", "-a", "a-", "a_b", "a b", "é"] {
            #expect(!ContentRules.isKebabCase(bad), "\(bad)")
        }
        // Generated ids, held to the rule as written character by character.
        func rule(_ id: String) -> Bool {
            guard !id.isEmpty, !id.hasPrefix("-"), !id.hasSuffix("-"), !id.contains("--") else { return false }
            return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
        let pieces = ["a", "z", "0", "9", "-", "-", "ab", "12", "A", "_", " ", ".", "é", "e\u{301}", "-\u{301}", "\u{2010}", "\u{0}"]
        var random = SeededRandom(seed: 1130)
        var kebab = 0
        for _ in 0..<20_000 {
            let id = (0..<random.below(7)).map { _ in random.pick(pieces) }.joined()
            #expect(ContentRules.isKebabCase(id) == rule(id), "\(id.unicodeScalars.map(\.value))")
            if rule(id) { kebab += 1 }
        }
        #expect(kebab > 1_000)
        #expect(ContentRules.kebabCased("Sender_Domain") == "sender-domain")
        #expect(ContentRules.kebabCased("GmailDMARC policy") == "gmail-dmarc-policy")
    }

    @Test func suggestions() {
        let reasons = Reason.all.map(\.id)
        #expect(Suggestions.closest(to: "mailbox-unknow", in: reasons, aliases: ContentRules.reasonAliases) == "mailbox-not-found")
        #expect(Suggestions.closest(to: "mailbox-ful", in: reasons) == "mailbox-full")
        #expect(Suggestions.closest(to: "userunknown", in: reasons, aliases: ContentRules.reasonAliases) == "mailbox-not-found")
        #expect(Suggestions.closest(to: "retry", in: Action.allCases.map(\.rawValue)) == "retry-later")
        #expect(Suggestions.closest(to: "completely-different", in: reasons) == nil)
        #expect(Suggestions.editDistance("kitten", "sitting") == 3)
    }

    @Test func replyCodesComeFromTheRegistry() {
        #expect(ContentRules.isKnownReply(550))
        #expect(ContentRules.isKnownReply(421))
        #expect(!ContentRules.isKnownReply(559))
        #expect(!ContentRules.isKnownReply(600))
    }

    @Test func safetyScanIgnoresQuotedAndLiteralText() {
        let fine = """
            title: AT&T refuses mail with *stars* in it
            match:
              - "&amp; is not an anchor"
              - '*nor is this'
              - "it's \\"quoted\\" & fine"   # &comment
            summary: >
              &folded text is literal
              *and so is this
            providers: [Gmail, "&x"]
            """
        #expect(YAMLSafetyScan.firstProblem(in: fine, maximumDepth: 32) == nil)
        let (value, diagnostics) = YAMLReader.read(fine, firstLine: 2, file: "f.md")
        #expect(diagnostics == [])
        #expect(value != nil)
    }

    @Test func safetyScanFindsAnchorsAndAliases() {
        // Columns count characters, as the parser's marks do, also after non-ASCII text.
        for (yaml, column) in [("a: &x 1", 4), ("- *x", 3), ("a: [1, &x 2]", 8), ("a: {k: *x}", 8),
                               ("é: [ü, &x 2]", 8), ("t: ok\n\"ñ\\\"\": [日本, *x]", 13), ("a: \"é\\é\"\nb: &y 1", 4)] {
            let problem = YAMLSafetyScan.firstProblem(in: yaml, maximumDepth: 32)
            #expect(problem?.column == column, "\(yaml)")
            #expect(problem?.line == (yaml.hasPrefix("a: \"é") || yaml.hasPrefix("t:") ? 2 : 1), "\(yaml)")
            #expect(problem?.message == YAMLReader.anchorMessage)
        }
    }

    @Test func yamlErrorsMapToFileLines() {
        let (_, diagnostics) = YAMLReader.read("title: ok\nsummary: \"never closed\n", firstLine: 2, file: "f.md")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.file == "f.md")
        #expect(diagnostics.first?.line ?? 0 >= 3)
        #expect(diagnostics.first?.message.hasPrefix("invalid YAML in front matter: ") == true)
    }

    @Test func genericPhrases() {
        #expect(ContentValidator.genericPhraseProblem("rejected") == "a single common word")
        #expect(ContentValidator.genericPhraseProblem("no user") != nil)
        #expect(ContentValidator.genericPhraseProblem("{email} {domain}") != nil)
        #expect(ContentValidator.genericPhraseProblem("TSS04") == nil)
        #expect(ContentValidator.genericPhraseProblem("(rtr:bl)") == nil)
        #expect(ContentValidator.genericPhraseProblem("5.1.1") == nil)
        #expect(ContentValidator.genericPhraseProblem("greylisted") == nil)
        #expect(ContentValidator.genericPhraseProblem("user unknown in virtual mailbox table") == nil)
    }

    @Test func actionableResolutions() {
        #expect(ContentValidator.isActionable("1. Fix it.\n2. Resend."))
        #expect(ContentValidator.isActionable("Check the record with `dig`."))
        #expect(ContentValidator.isActionable("If the address is new, wait an hour and retry."))
        #expect(!ContentValidator.isActionable("The account is gone and will not come back."))
    }

    @Test func placeholdersAreFound() {
        #expect(ContentValidator.placeholders(in: "{email} and {n} of {user") == ["{email}", "{n}"])
        #expect(ContentValidator.placeholders(in: "no braces at all, café").isEmpty)
        // A brace with a combining mark is another character, not a brace.
        #expect(ContentValidator.placeholders(in: "{\u{301}x} {domain}") == ["{domain}"])
    }

    @Test func relatedIDsDropTheirCategory() {
        #expect(ContentValidator.relatedID("mailbox/mailbox-full") == "mailbox-full")
        #expect(ContentValidator.relatedID("mailbox-full") == "mailbox-full")
        #expect(ContentValidator.relatedID("a/b/c") == "b/c")
        #expect(ContentValidator.relatedID("x/\u{301}y") == "x/\u{301}y", "a slash with a combining mark is not a slash")
    }

    @Test func validatorWorksOnAnInMemoryKnowledgeBase() {
        let entry = Entry(id: "a", category: "nowhere", title: "T", reply: 599, status: "5.1", reason: "nope",
                          permanence: .permanent, action: .none, summary: "S", match: [], related: ["b"],
                          details: "d", resolution: "r")
        let kb = KnowledgeBase(site: Site(title: "t", description: "d"), categories: [], entries: [entry])
        let messages = ContentValidator.validate(kb).map(\.description)
        #expect(messages == [
            "content/nowhere/a.md: error: category 'nowhere' does not exist (a category is a folder of content/ with an _index.md)",
            "content/nowhere/a.md: error: reply 599 is not an SMTP reply code; use one of 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556",
            "content/nowhere/a.md: error: status '5.1' is not an enhanced status code; write class.subject.detail such as 5.1.1 (class 2, 4 or 5; subject 0-7; detail 0-999; no leading zeros)",
            "content/nowhere/a.md: error: unknown reason 'nope'; use one of the reasons in docs/content-format.md, e.g. mailbox-not-found or sender-blocked",
            "content/nowhere/a.md: warning: match list is empty; add phrases that really appear in bounces for this cause, otherwise lookups can find the entry only by its codes",
            "content/nowhere/a.md: error: unknown related id 'b'; related lists ids of other entries (their file names without .md)",
        ])
    }
}

@Suite("Diagnostic formatting")
struct DiagnosticFormatterTests {
    let diagnostics: [Diagnostic] = [
        .w("content/b.md", 2, 1, "second"),
        .e("content/a.md", 10, 3, "first"),
        .e("content/a.md", 0, 0, "whole file"),
    ]

    @Test func plainOutputIsSortedByFileAndLine() {
        let text = DiagnosticFormatter(colored: false).format(diagnostics)
        #expect(text == """
            content/a.md: error: whole file
            content/a.md:10:3: error: first
            content/b.md:2:1: warning: second

            """)
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() {
        #expect(DiagnosticFormatter.shouldColor(isTerminal: true, environment: [:]))
        #expect(!DiagnosticFormatter.shouldColor(isTerminal: false, environment: [:]))
        #expect(!DiagnosticFormatter.shouldColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!DiagnosticFormatter.shouldColor(isTerminal: true, environment: ["TERM": "dumb"]))
        let colored = DiagnosticFormatter(colored: true).format(Diagnostic.e("content/a.md", 10, 3, "first"))
        #expect(colored == "\u{1B}[1mcontent/a.md:10:3:\u{1B}[0m \u{1B}[1;31merror:\u{1B}[0m \u{1B}[1mfirst\u{1B}[0m")
        #expect(!DiagnosticFormatter(colored: false).format(diagnostics).contains("\u{1B}"))
    }

    @Test func summaryLine() {
        let formatter = DiagnosticFormatter()
        #expect(formatter.summary(entries: 150, categories: 9, diagnostics: diagnostics) == "checked 150 entries in 9 categories: 2 errors, 1 warning")
        #expect(formatter.summary(entries: 1, categories: 1, diagnostics: []) == "checked 1 entry in 1 category: 0 errors, 0 warnings")
    }
}
