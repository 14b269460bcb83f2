import Markdown

/// The lint's checks of an entry's two Markdown sections: too few or too many words, and a
/// resolution with nothing to do.
///
/// They read each section's plain text, so each section must be parsed. `ContentValidator.lint`
/// parses them itself. A site build parses them anyway to render its pages, so it asks the
/// loader to leave these checks out (`ContentLoader.defersSectionLint`) and runs them on the
/// parse it renders from, one entry at a time: no section is parsed twice, and no plain text
/// is held from loading to rendering.
package struct SectionLint: Sendable {
    /// What the checks read of an entry's sections.
    package struct Text: Sendable {
        /// The plain text of Details (`MarkdownDocument.plainText()`).
        package var details: String
        /// The plain text of Resolution.
        package var resolution: String
        /// How many list items Resolution has.
        package var resolutionListItems: Int

        package init(details: String, resolution: String, resolutionListItems: Int) {
            self.details = details
            self.resolution = resolution
            self.resolutionListItems = resolutionListItems
        }

        /// Parses `entry`'s sections; an empty section is not parsed (its text is empty).
        package init(_ entry: Entry) {
            details = entry.details.isEmpty ? "" : MarkdownDocument(entry.details).plainText()
            if entry.resolution.isEmpty {
                resolution = ""
                resolutionListItems = 0
            } else {
                let document = MarkdownDocument(entry.resolution)
                resolution = document.plainText()
                resolutionListItems = document.listItemCount
            }
        }
    }

    /// The section a finding is about; its warning points at that section's heading.
    private enum Section {
        case details
        case resolution
    }

    /// Where one entry's warnings point: each section's heading, or the entry's title when the
    /// heading's place is unknown; no line at all when the entry's source is unknown.
    private struct Target: Sendable {
        var file: String
        var details: SourceLocation?
        var resolution: SourceLocation?

        init(_ entry: Entry, source: EntrySource?) {
            guard let source else {
                file = ContentValidator.defaultFile(of: entry)
                return
            }
            let title = source.bestLocation(of: "title")
            file = source.file
            details = source.detailsHeading ?? title
            resolution = source.resolutionHeading ?? title
        }
    }

    /// By entry position in the knowledge base the lint was made for.
    private let targets: [Target]

    /// The checks for the entries of `kb`, reported at the places `sources` gives.
    package init(_ kb: KnowledgeBase, sources: [String: EntrySource]) {
        targets = kb.entries.map { Target($0, source: sources[$0.id]) }
    }

    /// The warnings about the entry at `position` of the knowledge base this lint was made for,
    /// whose sections read `text`.
    package func warnings(forEntryAt position: Int, _ entry: Entry, text: Text) -> [Diagnostic] {
        Self.warnings(entry, at: targets[position], text: text)
    }

    /// The warnings about `entry`, written at `source`, whose sections read `text`.
    static func warnings(_ entry: Entry, source: EntrySource?, text: Text) -> [Diagnostic] {
        warnings(entry, at: Target(entry, source: source), text: text)
    }

    private static func warnings(_ entry: Entry, at target: Target, text: Text) -> [Diagnostic] {
        findings(entry, text: text).map { finding in
            let location = finding.section == .details ? target.details : target.resolution
            return .warning(finding.message, file: target.file, line: location?.line ?? 0, column: location?.column ?? 0)
        }
    }

    /// Every entry's warnings, each section parsed here: for a build that stops before it
    /// renders the entries, so that it still reports what `bouncekb check` reports.
    package func allWarnings(_ kb: KnowledgeBase) -> [Diagnostic] {
        Parallel.map(Array(kb.entries.enumerated()), minimumBatch: 32) { position, entry in
            warnings(forEntryAt: position, entry, text: Text(entry))
        }.flatMap { $0 }
    }

    /// `diagnostics` with every warning of `allWarnings(kb)` they lack, sorted: for a build that
    /// stops before, or while, it renders the entries (a failure may already carry some of the
    /// warnings, or none), so that it reports what `bouncekb check` reports, each once.
    package func completing(_ diagnostics: [Diagnostic], for kb: KnowledgeBase) -> [Diagnostic] {
        let reported = Set(diagnostics)
        return (diagnostics + allWarnings(kb).filter { !reported.contains($0) }).sorted()
    }

    /// What is wrong with `entry`'s sections, whose text is `text`. Empty sections are left to
    /// the validator.
    private static func findings(_ entry: Entry, text: Text) -> [(message: String, section: Section)] {
        var findings: [(message: String, section: Section)] = []
        if !entry.details.isEmpty {
            let words = FastText.wordCount(text.details)
            if words < 20 {
                findings.append(("Details has only \(words) words; explain what happened, at which SMTP step, and who refused the message", .details))
            } else if words > 600 {
                findings.append(("Details has \(words) words; keep it under 600 by cutting background that does not help fix this bounce", .details))
            }
        }
        if !entry.resolution.isEmpty {
            let words = FastText.wordCount(text.resolution)
            if words < 15 {
                findings.append(("Resolution has only \(words) words; give concrete steps and say whether to retry or stop mailing the address", .resolution))
            } else if words > 600 {
                findings.append(("Resolution has \(words) words; keep it under 600 by focusing on the steps that fix this bounce", .resolution))
            }
            if !ContentValidator.isActionable(listItemCount: text.resolutionListItems, plainText: text.resolution) {
                findings.append(("Resolution has no actionable step; add a numbered list of steps, or sentences that start with a verb such as 'Check', 'Ask' or 'Stop'", .resolution))
            }
        }
        return findings
    }
}
