import Foundation

/// Turns the text of one content file into a model value plus diagnostics.
///
/// Only what can be judged from the file alone is checked here (syntax, field types, sections);
/// whether a reason, code or related id exists is `ContentValidator`'s job, so the same rules
/// apply to entries built in memory.
enum ContentFileParser {
    struct ParsedEntry {
        var entry: Entry?
        var source: EntrySource
        var diagnostics: [Diagnostic]
    }

    static func parseEntry(_ text: SourceText, id: String, category: String, file: String) -> ParsedEntry {
        var source = EntrySource(file: file)
        let split: FrontMatterSplit
        switch FrontMatterSplit.split(text, file: file) {
        case .success(let value): split = value
        case .failure(let diagnostic): return ParsedEntry(entry: nil, source: source, diagnostics: [diagnostic])
        }
        source.frontMatterEnd = SourceLocation(line: split.closingLine, column: 1)
        var diagnostics: [Diagnostic] = []
        let (body, bodyDiagnostics) = EntryBody.parse(split.body, firstLine: split.bodyFirstLine, file: file)
        source.detailsHeading = body.detailsHeading
        source.resolutionHeading = body.resolutionHeading

        guard let pairs = mappingPairs(split, file: file, emptyHint: "add title, reply, reason and summary", diagnostics: &diagnostics) else {
            return ParsedEntry(entry: nil, source: source, diagnostics: diagnostics + bodyDiagnostics)
        }
        for pair in pairs {
            var items: [SourceLocation] = []
            if case .sequence(let values) = pair.value.kind { items = values.map(\.location) }
            source.record(key: pair.key, keyLocation: pair.keyLocation, valueLocation: pair.value.location, items: items)
        }

        var reader = FieldReader(file: file, pairs: pairs, missingFieldLocation: source.frontMatterEnd)
        reader.checkUnknownKeys(known: ContentRules.entryFields)
        let title = reader.text("title", required: true, example: "title: Gmail rejects mail to an address that does not exist", singleLine: true)
        let reply = reader.integer("reply", required: true, example: "reply: 550", digits: 3...3)
        let status = reader.text("status", required: false, example: "status: 5.1.1", singleLine: true)
        let reason = reader.text("reason", required: true, example: "reason: mailbox-not-found", singleLine: true)
        let summary = reader.text("summary", required: true, example: "summary: One plain sentence saying what happened.")
        let match = reader.textList("match", example: "match: [\"user unknown\"]")
        let providers = reader.textList("providers", example: "providers: [Gmail, Google Workspace]")
        let related = reader.textList("related", example: "related: [other-entry-id]")
        let permanence = reader.choice("permanence", from: Permanence.allCases.map(\.rawValue))
        let action = reader.choice("action", from: Action.allCases.map(\.rawValue))
        let references = readReferences(&reader)
        for field in ["permanence", "action"] where source.writes(field) {
            if (field == "permanence" ? permanence == nil : action == nil) { source.rejectedFields.insert(field) }
        }
        diagnostics += reader.diagnostics + bodyDiagnostics

        guard let title, let reply, let reason, let summary else {
            return ParsedEntry(entry: nil, source: source, diagnostics: diagnostics)
        }
        // An unknown reason is reported by the validator; until it is fixed the entry behaves as unclassified.
        let defaults = Reason.named(reason) ?? Reason.named("unclassified")
        let entry = Entry(
            id: id, category: category, title: title, reply: reply,
            status: status.flatMap { $0.isEmpty ? nil : $0 },
            reason: reason,
            permanence: permanence.flatMap { Permanence(rawValue: $0.value) } ?? defaults?.permanence ?? .transient,
            action: action.flatMap { Action(rawValue: $0.value) } ?? defaults?.action ?? .retryLater,
            summary: summary,
            match: match?.map(\.text) ?? [],
            providers: providers?.map(\.text) ?? [],
            related: related?.map(\.text) ?? [],
            references: references,
            details: body.details, resolution: body.resolution)
        return ParsedEntry(entry: entry, source: source, diagnostics: diagnostics)
    }

    private static func readReferences(_ reader: inout FieldReader) -> [Reference] {
        guard let pair = reader.pair("references"), !pair.value.isNull else { return [] }
        guard case .sequence(let items) = pair.value.kind else {
            reader.error("references must be a list of links, each with '- title: ...' and '  url: https://...'", at: pair.value.location)
            return []
        }
        var references: [Reference] = []
        for item in items {
            guard case .mapping(let fields) = item.kind else {
                reader.error("each reference needs a title and a url, written as '- title: ...' with '  url: https://...' on the next line", at: item.location)
                continue
            }
            var title: String?
            var url: String?
            for field in fields {
                guard field.key == "title" || field.key == "url" else {
                    let hint = Suggestions.closest(to: field.key, in: ["title", "url"]).map { "; did you mean '\($0)'?" } ?? "; a reference has only 'title' and 'url'"
                    reader.warning("unknown reference field '\(field.key)' is ignored\(hint)", at: field.keyLocation)
                    continue
                }
                guard case .scalar(let raw, _) = field.value.kind, !field.value.isNull,
                      !FastText.trimming(raw, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines).isEmpty else {
                    reader.error("reference \(field.key) must be text on the same line", at: field.value.location)
                    continue
                }
                let value = FastText.trimming(raw, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines)
                if field.key == "title" {
                    title = value
                } else {
                    let lower = value.lowercased()
                    if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
                        url = value
                    } else {
                        reader.error("reference url '\(value)' must be an absolute web address starting with https://", at: field.value.location)
                    }
                }
            }
            if fields.contains(where: { $0.key == "url" }) == false {
                reader.error("reference is missing its url; add '  url: https://...' under the title", at: item.location)
            }
            if fields.contains(where: { $0.key == "title" }) == false {
                reader.error("reference is missing its title; add '- title: ...' before the url", at: item.location)
            }
            if let title, let url { references.append(Reference(title: title, url: url)) }
        }
        return references
    }

    /// The front matter's `key: value` pairs, or nil after reporting why there are none.
    private static func mappingPairs(_ split: FrontMatterSplit, file: String, emptyHint: String, diagnostics: inout [Diagnostic]) -> [YAMLPair]? {
        let (root, problems) = YAMLReader.read(split.yaml, firstLine: split.yamlFirstLine, file: file)
        diagnostics += problems
        guard problems.isEmpty else { return nil }
        return pairs(of: root, file: file, emptyLocation: SourceLocation(line: 1, column: 1), emptyMessage: "front matter is empty; \(emptyHint)", diagnostics: &diagnostics)
    }

    private static func pairs(of root: YAMLValue?, file: String, emptyLocation: SourceLocation, emptyMessage: String, diagnostics: inout [Diagnostic]) -> [YAMLPair]? {
        guard let root, !root.isNull else {
            diagnostics.append(.error(emptyMessage, file: file, line: emptyLocation.line, column: emptyLocation.column))
            return nil
        }
        guard case .mapping(let pairs) = root.kind else {
            diagnostics.append(.error(
                "front matter must be 'field: value' lines such as 'title: ...', not \(root.shapeName)",
                file: file, line: root.location.line, column: root.location.column))
            return nil
        }
        return pairs
    }

    struct ParsedCategory {
        var category: Category?
        var diagnostics: [Diagnostic]
    }

    static func parseCategory(_ text: SourceText, id: String, file: String) -> ParsedCategory {
        let split: FrontMatterSplit
        switch FrontMatterSplit.split(text, file: file) {
        case .success(let value): split = value
        case .failure(let diagnostic): return ParsedCategory(category: nil, diagnostics: [diagnostic])
        }
        var diagnostics: [Diagnostic] = []
        guard let pairs = mappingPairs(split, file: file, emptyHint: "add title, order and summary", diagnostics: &diagnostics) else {
            return ParsedCategory(category: nil, diagnostics: diagnostics)
        }
        var reader = FieldReader(file: file, pairs: pairs, missingFieldLocation: SourceLocation(line: split.closingLine, column: 1))
        reader.checkUnknownKeys(known: ContentRules.categoryFields)
        let title = reader.text("title", required: true, example: "title: Sender account and address", singleLine: true)
        let order = reader.integer("order", required: true, example: "order: 1")
        let summary = reader.text("summary", required: true, example: "summary: One line that says what the category holds.")
        diagnostics += reader.diagnostics
        let description = FastText.trimming(split.body, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines)
        if description.isEmpty {
            diagnostics.append(.warning(
                "the category has no description; write a paragraph after the front matter that says which bounces belong here",
                file: file, line: split.closingLine, column: 1))
        }
        guard let title, let order, let summary else { return ParsedCategory(category: nil, diagnostics: diagnostics) }
        return ParsedCategory(
            category: Category(id: id, title: title, order: order, summary: summary, description: description),
            diagnostics: diagnostics)
    }

    struct ParsedSite {
        var site: Site?
        var diagnostics: [Diagnostic]
    }

    static func parseSite(_ text: SourceText, file: String) -> ParsedSite {
        var diagnostics: [Diagnostic] = []
        let (root, problems) = YAMLReader.read(text.text, firstLine: 1, file: file)
        guard problems.isEmpty else { return ParsedSite(site: nil, diagnostics: problems) }
        guard let pairs = pairs(of: root, file: file, emptyLocation: SourceLocation(line: 1, column: 1),
                                emptyMessage: "site.yml is empty; add 'title:' and 'description:' lines", diagnostics: &diagnostics) else {
            return ParsedSite(site: nil, diagnostics: diagnostics)
        }
        let end = SourceLocation(line: max(1, text.lines.count - (text.lines.last?.isEmpty == true ? 1 : 0)), column: 1)
        var reader = FieldReader(file: file, pairs: pairs, missingFieldLocation: end, container: "site.yml")
        reader.checkUnknownKeys(known: ContentRules.siteFields)
        let title = reader.text("title", required: true, example: "title: BounceKB")
        let description = reader.text("description", required: true, example: "description: What email bounces mean and how to fix them.")
        var baseURL = reader.text("base_url", required: false, example: "base_url: /") ?? "/"
        if baseURL.isEmpty { baseURL = "/" }
        let lowerBase = baseURL.lowercased()
        if !(baseURL.hasPrefix("/") || lowerBase.hasPrefix("https://") || lowerBase.hasPrefix("http://")),
           let location = reader.pair("base_url")?.value.location {
            reader.error("base_url '\(baseURL)' must be a path starting with '/' (such as '/' or '/help/') or an absolute https:// address", at: location)
        }
        var language = reader.text("language", required: false, example: "language: en") ?? "en"
        if language.isEmpty { language = "en" }
        if !isLanguageTag(language), let location = reader.pair("language")?.value.location {
            reader.error("language '\(language)' is not a language tag; write one such as 'en' or 'en-GB'", at: location)
        }
        diagnostics += reader.diagnostics
        guard let title, let description else { return ParsedSite(site: nil, diagnostics: diagnostics) }
        return ParsedSite(site: Site(title: title, description: description, baseURL: baseURL, language: language), diagnostics: diagnostics)
    }

    /// A loose BCP 47 check: a 2-3 letter language, then letter/digit subtags of 1-8 characters.
    private static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}
