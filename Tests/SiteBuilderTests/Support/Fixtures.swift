import BounceKB
import Foundation
@testable import SiteBuilder

/// Knowledge bases, folders and helpers shared by the site builder tests.
enum Fixtures {
    /// The repository root, found from this file's path.
    /// Symlinks are resolved, so tests that copy a folder to break it never copy a link to the original.
    static let repository: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The project's own templates/.
    static let templates = repository.appendingPathComponent("templates")

    /// The project's own content/.
    static let content = repository.appendingPathComponent("content")

    /// Tests/SiteBuilderTests/Fixtures/ (a copy bundled with the tests).
    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func entry(
        _ id: String, in category: String, title: String, reply: Int, status: String?, reason: String,
        summary: String, match: [String] = [], providers: [String] = [], related: [String] = [],
        references: [Reference] = [], details: String? = nil, resolution: String? = nil
    ) -> Entry {
        let defaults = Reason.named(reason)
        return Entry(
            id: id, category: category, title: title, reply: reply, status: status, reason: reason,
            permanence: defaults?.permanence ?? .permanent, action: defaults?.action ?? .none, summary: summary,
            match: match, providers: providers, related: related, references: references,
            details: details ?? "The receiving server refused the message during the SMTP conversation.\n\n- It answered `\(reply)`.\n- Nothing was delivered.\n\n### A sub-heading\n\nMore detail with a [link](https://example.org/docs).",
            resolution: resolution ?? "1. Check the address.\n2. Run `dig +short MX example.com`.\n3. Send again.\n\n```\n\(reply) example bounce line\n```"
        )
    }

    /// A small knowledge base with two categories and four entries.
    static var knowledgeBase: KnowledgeBase {
        KnowledgeBase(
            site: Site(title: "Fixture Help", description: "Bounce causes for tests.", baseURL: "/", language: "en"),
            categories: [
                Category(id: "mailbox", title: "Mailbox state", order: 2, summary: "Full, disabled and unknown mailboxes.", description: "Problems with the **recipient's** mailbox."),
                Category(id: "authentication", title: "Authentication", order: 1, summary: "SPF, DKIM and DMARC failures.", description: "Checks on the sender's identity.\n\n## Background\n\nSee the entries below."),
            ],
            entries: [
                entry("gmail-dmarc", in: "authentication", title: "Gmail rejects mail that fails DMARC", reply: 550, status: "5.7.26",
                      reason: "sender-auth-failed", summary: "Gmail refused the message because it failed the From domain's DMARC policy.",
                      match: ["unauthenticated email from {domain} is not accepted due to domain's dmarc policy", "5.7.26"],
                      providers: ["Gmail", "Google Workspace"], related: ["gmail-unauthenticated"],
                      references: [Reference(title: "RFC 7489: DMARC", url: "https://www.rfc-editor.org/rfc/rfc7489")]),
                entry("gmail-unauthenticated", in: "authentication", title: "Gmail requires authenticated mail", reply: 550, status: "5.7.26",
                      reason: "sender-auth-failed", summary: "Gmail refused a message that passed neither SPF nor DKIM.",
                      match: ["this mail has been blocked because the sender is unauthenticated"], providers: ["Gmail"], related: ["gmail-dmarc"]),
                entry("unknown-user", in: "mailbox", title: "The mailbox does not exist", reply: 550, status: "5.1.1",
                      reason: "mailbox-not-found", summary: "The receiving server has no mailbox for this address.",
                      match: ["{email}: recipient address rejected: user unknown in local recipient table"], providers: ["Postfix"]),
                entry("mailbox-full", in: "mailbox", title: "The mailbox is full", reply: 452, status: "4.2.2",
                      reason: "mailbox-full", summary: "The recipient is over quota; the sending server will retry for a while.",
                      match: ["mailbox full", "over quota"], providers: ["Postfix", "Exim"], related: ["unknown-user", "no-such-entry"]),
            ]
        )
    }

    /// Services that hand out `kb` instead of reading a content folder.
    static func services(_ kb: KnowledgeBase, diagnostics: [Diagnostic] = []) -> SiteServices {
        SiteServices(
            loadContent: { _, _ in LoadedContent(knowledgeBase: kb, diagnostics: diagnostics) },
            apiFiles: { _, _ in [] },
            codes: .registry
        )
    }

    /// The project's templates, loaded.
    static func templateSet() throws -> TemplateSet {
        let loaded = TemplateSet.load(from: templates)
        guard let set = loaded.templates else { throw FixtureError("templates do not load: \(loaded.diagnostics)") }
        return set
    }

    /// Every page and asset of `kb`, rendered with the project's templates, by output path.
    static func render(_ kb: KnowledgeBase) throws -> [String: String] {
        let renderer = try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: templateSet())
        var result: [String: String] = [:]
        for file in try renderer.renderPages() { result[file.path] = String(decoding: file.contents, as: UTF8.self) }
        return result
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-site-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Builds `kb` (or the content folder given) into `output` with the project's templates.
    @discardableResult
    static func build(_ kb: KnowledgeBase, into output: URL, baseURL: String? = nil) throws -> SiteBuildSummary {
        let options = SiteBuildOptions(
            contentDirectory: output.deletingLastPathComponent().appendingPathComponent("no-content"),
            templatesDirectory: templates, outputDirectory: output, baseURL: baseURL
        )
        return try SiteBuilder(options: options, services: services(kb)).build()
    }

    /// Every file below `folder` with its contents, by relative path.
    static func snapshot(of folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for relative in TemplateSet.files(under: folder, skipping: nil) {
            result[relative] = try Data(contentsOf: folder.appendingPathComponent(relative))
        }
        return result
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
