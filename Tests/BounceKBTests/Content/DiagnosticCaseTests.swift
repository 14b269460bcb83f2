import Foundation
import Testing
@testable import BounceKB

/// One fixture of `Fixtures/content-cases/<name>/`: files laid over `content-good` with a single
/// mistake, and every diagnostic the loader must report for it (file, line, column, message).
struct DiagnosticCase: Sendable, CustomTestStringConvertible {
    var name: String
    var removing: [String] = []
    var expected: [Diagnostic]

    init(_ name: String, removing: [String] = [], _ expected: [Diagnostic]) {
        self.name = name
        self.removing = removing
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("One fixture per diagnostic kind")
struct DiagnosticCaseTests {
    static let cases: [DiagnosticCase] = [
        DiagnosticCase("bad-reference", [
            .e("content/recipient/mailbox-disabled-account.md", 12, 5, "reference is missing its url; add '  url: https://...' under the title"),
            .w("content/recipient/mailbox-disabled-account.md", 13, 5, "unknown reference field 'link' is ignored; a reference has only 'title' and 'url'"),
            .e("content/recipient/mailbox-disabled-account.md", 14, 5, "reference is missing its title; add '- title: ...' before the url"),
            .e("content/recipient/mailbox-disabled-account.md", 14, 10, "reference url 'example.com' must be an absolute web address starting with https://"),
        ]),
        DiagnosticCase("category-errors", [
            .e("content/recipient/_index.md", 3, 8, "order must be a whole number such as 1; 'second' is not"),
            .e("content/recipient/_index.md", 4, 1, "missing required field 'summary'; add a line such as 'summary: One line that says what the category holds.' to the front matter"),
            .w("content/recipient/_index.md", 4, 1, "the category has no description; write a paragraph after the front matter that says which bounces belong here"),
        ]),
        DiagnosticCase("class-mismatch", [
            .w("content/recipient/mailbox-disabled-account.md", 4, 9, "reply 550 is class 5 but status 4.2.1 is class 4; make the first digits agree (4xx goes with 4.x.x, 5xx with 5.x.x)"),
        ]),
        DiagnosticCase("duplicate-id", [
            .e("content/recipient/mailbox-does-not-exist.md", 0, 0, "duplicate id 'mailbox-does-not-exist': content/sender/mailbox-does-not-exist.md has the same file name; ids must be unique across all categories, so rename one of them"),
            .e("content/sender/mailbox-does-not-exist.md", 0, 0, "duplicate id 'mailbox-does-not-exist': content/recipient/mailbox-does-not-exist.md has the same file name; ids must be unique across all categories, so rename one of them"),
        ]),
        DiagnosticCase("empty-match", [
            .w("content/recipient/mailbox-disabled-account.md", 7, 8, "match list is empty; add phrases that really appear in bounces for this cause, otherwise lookups can find the entry only by its codes"),
        ]),
        DiagnosticCase("empty-title", [
            .e("content/recipient/mailbox-disabled-account.md", 2, 7, "title is empty; write a value after 'title:', e.g. 'title: Gmail rejects mail to an address that does not exist'"),
        ]),
        DiagnosticCase("extra-section", [
            .e("content/recipient/mailbox-disabled-account.md", 18, 1, "unexpected section '## Notes'; an entry has exactly two sections, '## Details' then '## Resolution', so make this a '###' subsection of one of them"),
        ]),
        DiagnosticCase("folder-without-index", [
            .e("content/orphans/", 0, 0, "category folder has no _index.md, so its entries are not loaded; add _index.md with title, order and summary, or move the entries into another category"),
        ]),
        DiagnosticCase("front-matter-not-mapping", [
            .e("content/recipient/mailbox-disabled-account.md", 2, 1, "front matter must be 'field: value' lines such as 'title: ...', not a list"),
        ]),
        DiagnosticCase("invalid-id", [
            .e("content/sender/Sender_Domain.md", 0, 0, "invalid id 'Sender_Domain': entry file names must be kebab-case (lower-case letters, digits, single hyphens); rename it to 'sender-domain.md'"),
        ]),
        DiagnosticCase("invalid-override", [
            .e("content/recipient/mailbox-disabled-account.md", 11, 13, "unknown permanence 'permanant'; did you mean 'permanent'?"),
            .e("content/recipient/mailbox-disabled-account.md", 12, 9, "unknown action 'retry'; did you mean 'retry-later'?"),
        ]),
        DiagnosticCase("invalid-reply", [
            .e("content/recipient/mailbox-disabled-account.md", 3, 8, "reply 559 is not an SMTP reply code; use one of 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556"),
        ]),
        DiagnosticCase("lint-ambiguous", [
            .w("content/recipient/mailbox-disabled-account.md", 8, 5, "entry 'mailbox-does-not-exist' has the same codes (550 5.1.1) and match phrase 'user unknown', so lookups cannot tell them apart; make the phrases more specific, or name each other in related if both causes really share this message"),
            .w("content/recipient/mailbox-does-not-exist.md", 8, 5, "entry 'mailbox-disabled-account' has the same codes (550 5.1.1) and match phrase 'user unknown', so lookups cannot tell them apart; make the phrases more specific, or name each other in related if both causes really share this message"),
        ]),
        DiagnosticCase("lint-generic-phrase", [
            .w("content/recipient/mailbox-disabled-account.md", 8, 5, "match phrase 'rejected' is too generic to identify this cause (a single common word); use the distinctive words around it in the bounce text"),
            .w("content/recipient/mailbox-disabled-account.md", 9, 5, "match phrase 'no user' is too generic to identify this cause (shorter than 8 characters and no code or tag); use the distinctive words around it in the bounce text"),
            .w("content/recipient/mailbox-disabled-account.md", 10, 5, "match phrase '{email}' is too generic to identify this cause (it has no words besides placeholders); use the distinctive words around it in the bounce text"),
        ]),
        DiagnosticCase("lint-no-action", [
            .w("content/recipient/mailbox-disabled-account.md", 18, 1, "Resolution has no actionable step; add a numbered list of steps, or sentences that start with a verb such as 'Check', 'Ask' or 'Stop'"),
        ]),
        DiagnosticCase("lint-short-sections", [
            .w("content/recipient/mailbox-disabled-account.md", 13, 1, "Details has only 4 words; explain what happened, at which SMTP step, and who refused the message"),
            .w("content/recipient/mailbox-disabled-account.md", 17, 1, "Resolution has only 4 words; give concrete steps and say whether to retry or stop mailing the address"),
        ]),
        DiagnosticCase("lint-summary", [
            .w("content/recipient/mailbox-disabled-account.md", 6, 10, "summary is only 17 characters; say in one sentence what happened and who refused the message (30-220 characters)"),
        ]),
        DiagnosticCase("lint-summary-long", [
            .w("content/recipient/mailbox-disabled-account.md", 6, 10, "summary is 281 characters; keep it to one sentence of at most 220 and move the rest into Details"),
        ]),
        DiagnosticCase("lint-summary-multiline", [
            .w("content/recipient/mailbox-disabled-account.md", 6, 10, "summary must be a single line; join the lines into one sentence"),
        ]),
        DiagnosticCase("malformed-status", [
            .e("content/recipient/mailbox-disabled-account.md", 4, 9, "status '5.8.1' is not an enhanced status code; write class.subject.detail such as 5.1.1 (class 2, 4 or 5; subject 0-7; detail 0-999; no leading zeros)"),
        ]),
        DiagnosticCase("missing-details", [
            .e("content/recipient/mailbox-disabled-account.md", 13, 1, "missing '## Details' section; add a line '## Details' above this text"),
        ]),
        DiagnosticCase("missing-front-matter", [
            .e("content/recipient/mailbox-disabled-account.md", 1, 1, "missing front matter: the file must start with a line '---', then fields such as 'title: ...', then a closing '---' line"),
        ]),
        DiagnosticCase("missing-required", [
            .e("content/recipient/mailbox-disabled-account.md", 10, 1, "missing required field 'reason'; add a line such as 'reason: mailbox-not-found' to the front matter"),
        ]),
        DiagnosticCase("missing-resolution", [
            .e("content/recipient/mailbox-disabled-account.md", 18, 1, "missing '## Resolution' section; add a line '## Resolution' after the details, followed by the steps that fix the problem"),
        ]),
        DiagnosticCase("multiline-title", [
            .e("content/recipient/mailbox-disabled-account.md", 2, 8, "title must be a single line; write it on the same line as 'title:'"),
        ]),
        DiagnosticCase("placeholder-mapping", [
            .e("content/recipient/mailbox-disabled-account.md", 8, 5, "an item of match is a set of fields, not text; put items that start with '{' or contain ': ' in double quotes, e.g. - \"{email} does not exist\""),
        ]),
        DiagnosticCase("placeholder-unquoted", [
            .e("content/recipient/mailbox-disabled-account.md", 8, 13, "invalid YAML in front matter: did not find expected '-' indicator (while parsing a block collection at line 8); a value that starts with '{' or '[' must be put in double quotes, e.g. - \"{email} does not exist\""),
        ]),
        DiagnosticCase("quoted-reply", [
            .e("content/recipient/mailbox-disabled-account.md", 3, 8, "reply must be a whole number such as 550, not text; remove the quotes around 550"),
        ]),
        DiagnosticCase("redundant-override", [
            .w("content/recipient/mailbox-disabled-account.md", 11, 13, "permanence 'permanent' is already the default of reason 'mailbox-disabled'; delete the line"),
        ]),
        DiagnosticCase("related-wrong-category", [
            .e("content/sender/sender-domain-not-found.md", 11, 11, "unknown related id 'mailbox-does-not-exist' in category 'sender'; it is in category 'recipient', so write 'mailbox-does-not-exist'"),
        ]),
        DiagnosticCase("related-self-and-twice", [
            .w("content/recipient/mailbox-disabled-account.md", 10, 35, "the entry lists itself in related; delete 'mailbox-disabled-account'"),
            .w("content/recipient/mailbox-disabled-account.md", 10, 61, "'recipient/mailbox-does-not-exist' is listed twice in related; delete one"),
        ]),
        DiagnosticCase("sections-out-of-order", [
            .e("content/recipient/mailbox-disabled-account.md", 13, 1, "'## Resolution' comes before '## Details'; put the Details section first"),
        ]),
        DiagnosticCase("site-errors", [
            .e("content/site.yml", 2, 11, "base_url 'help/' must be a path starting with '/' (such as '/' or '/help/') or an absolute https:// address"),
            .e("content/site.yml", 3, 11, "language 'english' is not a language tag; write one such as 'en' or 'en-GB'"),
            .e("content/site.yml", 4, 1, "missing required field 'title'; add a line such as 'title: BounceKB' to site.yml"),
            .w("content/site.yml", 4, 1, "unknown field 'theme' is ignored; known fields are title, description, base_url, language"),
        ]),
        DiagnosticCase("stray-files", [
            .w("content/README.md", 0, 0, "stray file is ignored: Markdown files directly in content/ are not read; put entries in a category folder, e.g. content/<category>/README.md"),
            .w("content/sender/drafts/", 0, 0, "stray folder is ignored: category folders hold only <id>.md entries and _index.md; move its files up into content/sender/"),
            .w("content/sender/notes.txt", 0, 0, "stray file is ignored: category folders hold only <id>.md entries and _index.md; move it out of content/"),
        ]),
        DiagnosticCase("unclosed-front-matter", [
            .e("content/recipient/mailbox-disabled-account.md", 1, 1, "front matter is never closed; add a line '---' after the last front matter field"),
        ]),
        DiagnosticCase("unknown-key", [
            .w("content/recipient/mailbox-disabled-account.md", 11, 1, "unknown field 'provider' is ignored; did you mean 'providers'?"),
        ]),
        DiagnosticCase("unknown-placeholder", [
            .e("content/recipient/mailbox-disabled-account.md", 8, 5, "unknown placeholder '{user}' in match phrase; use {email}, {domain}, {ip}, {host}, {n}"),
        ]),
        DiagnosticCase("unknown-provider", [
            .w("content/recipient/mailbox-disabled-account.md", 11, 13, "unknown provider 'GMail'; write it as 'Gmail'"),
            .w("content/recipient/mailbox-disabled-account.md", 11, 20, "unknown provider 'Outlok.com'; did you mean 'Outlook.com'?"),
        ]),
        DiagnosticCase("unknown-reason", [
            .e("content/sender/x.md", 4, 9, "unknown reason 'mailbox-unknow'; did you mean 'mailbox-not-found'?"),
        ]),
        DiagnosticCase("unknown-related-category", [
            .e("content/sender/sender-domain-not-found.md", 11, 11, "unknown category 'recipients' in related 'recipients/mailbox-does-not-exist'; did you mean 'recipient'?"),
        ]),
        DiagnosticCase("unknown-related-id", [
            .e("content/recipient/mailbox-disabled-account.md", 10, 11, "unknown related id 'mailbox-does-not-exit'; did you mean 'mailbox-does-not-exist'?"),
        ]),
        DiagnosticCase("wrong-type-list", [
            .e("content/recipient/mailbox-disabled-account.md", 10, 10, "related must be a list, e.g. 'related: [other-entry-id]'; a single value was given"),
        ]),
        DiagnosticCase("wrong-type-reply", [
            .e("content/recipient/mailbox-disabled-account.md", 3, 8, "reply must be a whole number such as 550; 'abc' is not"),
        ]),
        DiagnosticCase("wrong-type-title", [
            .e("content/recipient/mailbox-disabled-account.md", 2, 8, "title must be text, not a list; write it on the same line, e.g. 'title: Gmail rejects mail to an address that does not exist'"),
        ]),
        DiagnosticCase("yaml-alias-bomb", [
            .e("content/recipient/mailbox-disabled-account.md", 11, 4, "YAML anchors and aliases ('&name', '*name') are not supported in content files; write each value out in full, and put text that starts with '&' or '*' in double quotes"),
        ]),
        DiagnosticCase("yaml-anchor", [
            .e("content/recipient/mailbox-disabled-account.md", 10, 10, "YAML anchors and aliases ('&name', '*name') are not supported in content files; write each value out in full, and put text that starts with '&' or '*' in double quotes"),
        ]),
        DiagnosticCase("yaml-duplicate-key", [
            .e("content/recipient/mailbox-disabled-account.md", 4, 1, "field 'reply' appears more than once; keep one and delete the others"),
        ]),
        DiagnosticCase("yaml-syntax", [
            .e("content/recipient/mailbox-disabled-account.md", 6, 14, "invalid YAML in front matter: mapping values are not allowed in this context; a value that contains ': ' must be put in double quotes"),
        ]),
        DiagnosticCase("yaml-tab", [
            .e("content/recipient/mailbox-disabled-account.md", 8, 1, "invalid YAML in front matter: found character that cannot start any token (while scanning for the next token at line 8); YAML does not allow tabs for indentation; indent with spaces"),
        ]),
    ]

    @Test(arguments: cases)
    func reportsExactlyTheMistake(_ testCase: DiagnosticCase) throws {
        let diagnostics = try ContentSandbox.diagnostics(overlay: testCase.name, removing: testCase.removing)
        #expect(diagnostics == testCase.expected.sorted())
    }

    @Test func everyCaseFolderHasATest() throws {
        let folders = try FileManager.default.contentsOfDirectory(
            atPath: ContentSandbox.fixtures.appendingPathComponent("content-cases").path).filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(Self.cases.map(\.name)))
    }
}
