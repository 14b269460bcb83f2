import Foundation
import Testing
@testable import BounceKB

@Suite("Aggregate fixture: one mistake of each kind")
struct AggregateFixtureTests {
    /// Every diagnostic of `Fixtures/content-all-mistakes`, in output order. The entry saved with a
    /// byte order mark and CRLF line ends (sender/valid-bom-crlf.md) is correct and must not appear.
    static let expected: [Diagnostic] = [
        .e("content/orphans/", 0, 0, "category folder has no _index.md, so its entries are not loaded; add _index.md with title, order and summary, or move the entries into another category"),
        .e("content/orphans/duplicate.md", 0, 0, "duplicate id 'duplicate': content/sender/duplicate.md has the same file name; ids must be unique across all categories, so rename one of them"),
        .e("content/recipient/_index.md", 3, 8, "order must be a whole number such as 1; 'first' is not"),
        .w("content/recipient/ambiguous-one.md", 8, 5, "entry 'ambiguous-two' has the same codes (550 5.1.1) and match phrase 'shared ambiguous phrase', so lookups cannot tell them apart; make the phrases more specific, or name each other in related if both causes really share this message"),
        .w("content/recipient/ambiguous-two.md", 8, 5, "entry 'ambiguous-one' has the same codes (550 5.1.1) and match phrase 'shared ambiguous phrase', so lookups cannot tell them apart; make the phrases more specific, or name each other in related if both causes really share this message"),
        .e("content/sender/Invalid_Id.md", 0, 0, "invalid id 'Invalid_Id': entry file names must be kebab-case (lower-case letters, digits, single hyphens); rename it to 'invalid-id.md'"),
        .e("content/sender/alias-bomb.md", 9, 4, "YAML anchors and aliases ('&name', '*name') are not supported in content files; write each value out in full, and put text that starts with '&' or '*' in double quotes"),
        .e("content/sender/broken-yaml.md", 6, 25, "invalid YAML in front matter: mapping values are not allowed in this context; a value that contains ': ' must be put in double quotes"),
        .w("content/sender/class-mismatch.md", 4, 9, "reply 550 is class 5 but status 4.1.1 is class 4; make the first digits agree (4xx goes with 4.x.x, 5xx with 5.x.x)"),
        .e("content/sender/duplicate.md", 0, 0, "duplicate id 'duplicate': content/orphans/duplicate.md has the same file name; ids must be unique across all categories, so rename one of them"),
        .w("content/sender/empty-match.md", 7, 8, "match list is empty; add phrases that really appear in bounces for this cause, otherwise lookups can find the entry only by its codes"),
        .w("content/sender/generic-phrase.md", 8, 5, "match phrase 'rejected' is too generic to identify this cause (a single common word); use the distinctive words around it in the bounce text"),
        .e("content/sender/invalid-reply.md", 3, 8, "reply 559 is not an SMTP reply code; use one of 500, 501, 502, 503, 504, 521, 530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556"),
        .e("content/sender/malformed-status.md", 4, 9, "status '5.8.1' is not an enhanced status code; write class.subject.detail such as 5.1.1 (class 2, 4 or 5; subject 0-7; detail 0-999; no leading zeros)"),
        .e("content/sender/missing-details.md", 11, 1, "missing '## Details' section; add a line '## Details' above this text"),
        .e("content/sender/missing-reason.md", 8, 1, "missing required field 'reason'; add a line such as 'reason: mailbox-not-found' to the front matter"),
        .e("content/sender/missing-resolution.md", 14, 1, "missing '## Resolution' section; add a line '## Resolution' after the details, followed by the steps that fix the problem"),
        .w("content/sender/no-action.md", 16, 1, "Resolution has no actionable step; add a numbered list of steps, or sentences that start with a verb such as 'Check', 'Ask' or 'Stop'"),
        .e("content/sender/no-front-matter.md", 1, 1, "missing front matter: the file must start with a line '---', then fields such as 'title: ...', then a closing '---' line"),
        .e("content/sender/not-utf8.md", 2, 14, "file is not valid UTF-8: byte 0xE9 at byte offset 17 cannot be decoded; save the file with UTF-8 encoding"),
        .w("content/sender/notes.txt", 0, 0, "stray file is ignored: category folders hold only <id>.md entries and _index.md; move it out of content/"),
        .w("content/sender/short-summary.md", 6, 10, "summary is only 8 characters; say in one sentence what happened and who refused the message (30-220 characters)"),
        .w("content/sender/unknown-key.md", 9, 1, "unknown field 'provider' is ignored; did you mean 'providers'?"),
        .e("content/sender/unknown-placeholder.md", 8, 5, "unknown placeholder '{user}' in match phrase; use {email}, {domain}, {ip}, {host}, {n}"),
        .e("content/sender/unknown-related-category.md", 9, 11, "unknown category 'recipents' in related 'recipents/valid-bom-crlf'; did you mean 'recipient'?"),
        .e("content/sender/unknown-related-id.md", 9, 11, "unknown related id 'valid-bom-crfl'; did you mean 'valid-bom-crlf'?"),
        .e("content/sender/wrong-type.md", 3, 8, "reply must be a whole number such as 550; 'abc' is not"),
        .e("content/sender/x.md", 5, 9, "unknown reason 'mailbox-unknow'; did you mean 'mailbox-not-found'?"),
        .e("content/site.yml", 3, 11, "base_url 'help/' must be a path starting with '/' (such as '/' or '/help/') or an absolute https:// address"),
    ]

    @Test func reportsEveryMistakeWithItsPosition() throws {
        let sandbox = try ContentSandbox(fixture: "content-all-mistakes")
        defer { sandbox.remove() }
        let result = sandbox.load()
        #expect(result.diagnostics == Self.expected)
        #expect(result.diagnostics.errorCount == 20)
        #expect(result.diagnostics.warningCount == 9)
        #expect(!result.diagnostics.contains { $0.file.hasSuffix("valid-bom-crlf.md") })
        #expect(result.knowledgeBase.entry("valid-bom-crlf") != nil)
        #expect(result.entryFileCount == 26)
        #expect(result.categoryFolderCount == 3)
    }
}
