import Foundation
import Testing
@testable import BounceKB

/// Paths and shared data for the matching tests.
enum MatchingFixtures {
    /// The repository root, found from this file's location (Tests/BounceKBTests/Matching/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let bouncesDirectory = repositoryRoot.appendingPathComponent("Tests/BounceKBTests/Fixtures/bounces")

    /// The real knowledge base in content/, loaded once. Entries that fail to load are absent;
    /// the content tests report those.
    static let content: ContentLoadResult = ContentLoader(contentDirectory: repositoryRoot.appendingPathComponent("content")).load()

    static var knowledgeBase: KnowledgeBase { content.knowledgeBase }

    /// One matcher over the real content, shared by the tests.
    static let matcher = Matcher(knowledgeBase: content.knowledgeBase)

    /// A row of lines.tsv.
    struct Line: CustomTestStringConvertible, Sendable {
        var server: String
        /// "-" when only the entry is asserted.
        var reason: String
        /// Entry ids that must take the first places ("a|b" means both in the top two); empty for none.
        var entries: [String]
        var text: String

        var testDescription: String { "\(server): \(text.prefix(70))" }
    }

    static func lines() -> [Line] {
        rows(of: "lines.tsv").compactMap { fields in
            guard fields.count == 4 else { return nil }
            let text = fields[3].replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
            let entries = fields[2] == "-" ? [] : fields[2].split(separator: "|").map(String.init)
            return Line(server: fields[0], reason: fields[1], entries: entries, text: text)
        }
    }

    /// A row of emails.tsv.
    struct EmailResult: Sendable {
        var file: String
        var recipient: String
        var kind: String
        var reason: String
        var entry: String?
        var status: String?
    }

    static func emailResults() -> [EmailResult] {
        rows(of: "emails.tsv").compactMap { fields in
            guard fields.count == 6 else { return nil }
            return EmailResult(
                file: fields[0], recipient: fields[1], kind: fields[2], reason: fields[3],
                entry: fields[4] == "-" ? nil : fields[4], status: fields[5] == "-" ? nil : fields[5]
            )
        }
    }

    static func email(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: bouncesDirectory.appendingPathComponent("emails").appendingPathComponent(name)))
    }

    /// Tab-separated rows, without comments and blank lines.
    static func rows(of name: String) -> [[String]] {
        let url = bouncesDirectory.appendingPathComponent(name)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The reason a result is filed under: its best entry's, else the verdict's.
    static func reason(of result: MatchResult) -> String {
        result.matches.first?.entry.reason ?? result.reason.id
    }
}

/// A small knowledge base for testing the ranking rules on their own.
enum SyntheticKnowledgeBase {
    static func entry(
        _ id: String, reply: Int, status: String? = nil, reason: String, match: [String], providers: [String] = ["Any server"]
    ) -> Entry {
        let defaults = Reason.named(reason) ?? Reason.all[0]
        return Entry(
            id: id, category: "test", title: "Title of \(id)", reply: reply, status: status, reason: reason,
            permanence: defaults.permanence, action: defaults.action, summary: "Summary of \(id).", match: match,
            providers: providers, details: "Details.", resolution: "1. Do something."
        )
    }

    static let knowledgeBase = KnowledgeBase(
        site: Site(title: "Test", description: "Test"),
        categories: [Category(id: "test", title: "Test", order: 1, summary: "Test", description: "Test")],
        entries: [
            entry("unknown-user", reply: 550, status: "5.1.1", reason: "mailbox-not-found", match: ["user unknown in local recipient table", "user unknown"]),
            entry("virtual-unknown", reply: 550, status: "5.1.1", reason: "mailbox-not-found", match: ["user unknown in virtual mailbox table"], providers: ["Postfix"]),
            entry("mailbox-full", reply: 552, status: "5.2.2", reason: "mailbox-full", match: ["mailbox full", "over quota"]),
            entry("blocked-user", reply: 550, status: "5.7.1", reason: "recipient-policy", match: ["recipient rejected"]),
            entry("no-such-mailbox", reply: 550, status: "5.1.1", reason: "mailbox-not-found", match: ["recipient rejected", "mailbox does not exist"]),
            entry("spf-fail", reply: 550, status: "5.7.23", reason: "sender-auth-failed", match: ["sender policy framework violation"]),
            entry("dmarc-fail", reply: 550, status: "5.7.26", reason: "sender-auth-failed", match: ["unauthenticated email from {domain} is not accepted due to domain's dmarc policy"], providers: ["Gmail"]),
            entry("unauthenticated", reply: 550, status: "5.7.26", reason: "sender-auth-failed", match: ["this mail is unauthenticated"], providers: ["Gmail"]),
            entry("queue-expired", reply: 451, status: "4.4.7", reason: "delivery-expired", match: ["retry timeout exceeded"]),
            entry("try-later", reply: 421, status: "4.7.0", reason: "rate-limited", match: ["try again later, closing connection"], providers: ["Gmail"]),
            entry("auto-reply", reply: 250, reason: "not-a-failure", match: ["out of office", "automatic reply"]),
            entry("delay-warning", reply: 250, reason: "not-a-failure", match: ["action: delayed"]),
            entry("arf", reply: 250, reason: "complaint", match: ["feedback-type: abuse"]),
        ]
    )

    static let matcher = Matcher(knowledgeBase: knowledgeBase)
}
