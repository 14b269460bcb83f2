import Foundation
import Markdown

/// Checks that need the whole knowledge base or the registries: codes, reasons, categories,
/// related ids, providers and placeholders. `lint(_:sources:)` adds the style warnings.
///
/// `ContentLoader.load()` already runs both; call them directly only for a knowledge base
/// built in memory. Without `sources`, diagnostics name `content/<category>/<id>.md` with no position.
public enum ContentValidator {
    /// Errors and warnings about the entries of `kb`.
    ///
    /// - Parameters:
    ///   - sources: where each entry (by id) was read from, for positions in diagnostics.
    ///   - unloadedEntryIDs: ids of entry files that exist but could not be loaded; naming them in
    ///     `related` is not reported again, since their own file already has an error.
    public static func validate(_ kb: KnowledgeBase, sources: [String: EntrySource] = [:], unloadedEntryIDs: Set<String> = []) -> [Diagnostic] {
        let categoryIDs = kb.categories.map(\.id)
        var allIDs = Set<String>(minimumCapacity: kb.entries.count + unloadedEntryIDs.count)
        for position in kb.entries.indices { allIDs.insert(kb.entries[position].id) }
        allIDs.formUnion(unloadedEntryIDs)
        let knownIDs = allIDs
        // Only an unknown related id needs these, so they are made the first time one is met:
        // sorting 100,000 ids was a serial tenth of a second of every large build.
        let suggestionIDs = SharedLazyValue { knownIDs.sorted() }
        let reasonIDs = kb.reasons.map(\.id)
        // Entry ids per category, for `category/id` related items: scanning every entry for
        // every such item would make validation quadratic. Built once, the first time such an
        // item is met (one pass over the entries, small beside checking them).
        let entries = kb.entries
        let idsByCategory = SharedLazyValue { () -> [String: (ordered: [String], set: Set<String>)] in
            var idsByCategory: [String: (ordered: [String], set: Set<String>)] = [:]
            for entry in entries {
                idsByCategory[entry.category, default: ([], [])].ordered.append(entry.id)
                idsByCategory[entry.category, default: ([], [])].set.insert(entry.id)
            }
            return idsByCategory
        }
        @Sendable func ids(in category: String) -> (ordered: [String], set: Set<String>) {
            idsByCategory.value[category] ?? ([], [])
        }

        // Each entry is checked on its own, so entries go to all cores; results in entry order.
        let perEntry = Parallel.map(kb.entries, minimumBatch: 64) { entry -> [Diagnostic] in
            var diagnostics: [Diagnostic] = []
            let source = sources[entry.id] ?? EntrySource(file: "content/\(entry.category)/\(entry.id).md")
            func report(_ severity: Diagnostic.Severity, _ message: String, field: String, item: Int? = nil) {
                let location = sources[entry.id] == nil ? SourceLocation(line: 0, column: 0) : source.bestLocation(of: field, item: item)
                diagnostics.append(Diagnostic(file: source.file, line: location.line, column: location.column, severity: severity, message: message))
            }

            if !categoryIDs.contains(entry.category) {
                var message = "category '\(entry.category)' does not exist"
                if let suggestion = Suggestions.closest(to: entry.category, in: categoryIDs) { message += "; did you mean '\(suggestion)'?" }
                report(.error, message + " (a category is a folder of content/ with an _index.md)", field: "title")
            }

            if !ContentRules.isKnownReply(entry.reply) {
                report(.error, replyMessage(entry.reply), field: "reply")
            }
            if let status = entry.status {
                if let code = StatusCode(status) {
                    if let info = CodeRegistry.enhanced(code), info.deprecated {
                        let replacement = info.replacedBy.map { " (read it as \($0))" } ?? ""
                        report(.warning, "status \(status) is a deprecated enhanced status code\(replacement); use the current code", field: "status")
                    }
                    if ContentRules.isKnownReply(entry.reply), entry.reply / 100 != code.klass {
                        report(.warning, "reply \(entry.reply) is class \(entry.reply / 100) but status \(status) is class \(code.klass); "
                               + "make the first digits agree (4xx goes with 4.x.x, 5xx with 5.x.x)", field: "status")
                    }
                } else {
                    report(.error, "status '\(status)' is not an enhanced status code; write class.subject.detail such as 5.1.1 "
                           + "(class 2, 4 or 5; subject 0-7; detail 0-999; no leading zeros)", field: "status")
                }
            }

            if let reason = kb.reason(entry.reason) {
                if source.writes("permanence"), !source.rejectedFields.contains("permanence"), entry.permanence == reason.permanence {
                    report(.warning, "permanence '\(entry.permanence.rawValue)' is already the default of reason '\(reason.id)'; delete the line", field: "permanence")
                }
                if source.writes("action"), !source.rejectedFields.contains("action"), entry.action == reason.action {
                    report(.warning, "action '\(entry.action.rawValue)' is already the default of reason '\(reason.id)'; delete the line", field: "action")
                }
            } else {
                var message = "unknown reason '\(entry.reason)'"
                if let suggestion = Suggestions.closest(to: entry.reason, in: reasonIDs, aliases: ContentRules.reasonAliases) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; use one of the reasons in docs/content-format.md, e.g. mailbox-not-found or sender-blocked"
                }
                report(.error, message, field: "reason")
            }

            if entry.match.isEmpty {
                report(.warning, "match list is empty; add phrases that really appear in bounces for this cause, "
                       + "otherwise lookups can find the entry only by its codes", field: "match")
            }
            var seenPhrases: Set<String> = []
            for (index, phrase) in entry.match.enumerated() {
                for placeholder in placeholders(in: phrase) where !ContentRules.placeholders.contains(placeholder) {
                    var message = "unknown placeholder '\(placeholder)' in match phrase"
                    if let suggestion = Suggestions.closest(to: placeholder, in: ContentRules.placeholders) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message += "; use \(ContentRules.placeholders.joined(separator: ", "))"
                    }
                    report(.error, message, field: "match", item: index)
                }
                if !seenPhrases.insert(normalisedPhrase(phrase)).inserted {
                    report(.warning, "match phrase '\(phrase)' is listed twice; delete one", field: "match", item: index)
                }
            }

            var seenProviders: Set<String> = []
            for (index, provider) in entry.providers.enumerated() {
                if !seenProviders.insert(provider).inserted {
                    report(.warning, "provider '\(provider)' is listed twice; delete one", field: "providers", item: index)
                } else if !ContentRules.providers.contains(provider) {
                    var message = "unknown provider '\(provider)'"
                    if let exact = ContentRules.providers.first(where: { $0.lowercased() == provider.lowercased() }) {
                        message += "; write it as '\(exact)'"
                    } else if let suggestion = Suggestions.closest(to: provider, in: ContentRules.providers) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message += "; use one of the provider names in docs/content-format.md, or 'Any server'"
                    }
                    report(.warning, message, field: "providers", item: index)
                }
            }

            var seenRelated: Set<String> = []
            for (index, related) in entry.related.enumerated() {
                // The byte test first: no slash byte, no slash character (the usual case, and a
                // character search is slow).
                if ByteScan.contains(UInt8(ascii: "/"), in: related), let slash = related.firstIndex(of: "/") {
                    let category = String(related[..<slash])
                    let id = String(related[related.index(after: slash)...])
                    if !categoryIDs.contains(category) {
                        var message = "unknown category '\(category)' in related '\(related)'"
                        if let suggestion = Suggestions.closest(to: category, in: categoryIDs) { message += "; did you mean '\(suggestion)'?" }
                        report(.error, message, field: "related", item: index)
                        continue
                    }
                    let inCategory = ids(in: category)
                    if !inCategory.set.contains(id) && !unloadedEntryIDs.contains(id) {
                        var message = "unknown related id '\(id)' in category '\(category)'"
                        if let elsewhere = kb.entry(id) {
                            message += "; it is in category '\(elsewhere.category)', so write '\(elsewhere.id)'"
                        } else if let suggestion = Suggestions.closest(to: id, in: inCategory.ordered) {
                            message += "; did you mean '\(category)/\(suggestion)'?"
                        }
                        report(.error, message, field: "related", item: index)
                        continue
                    }
                } else if !knownIDs.contains(related) {
                    var message = "unknown related id '\(related)'"
                    if let suggestion = Suggestions.closest(to: related, in: suggestionIDs.value.filter { $0 != entry.id }) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message += "; related lists ids of other entries (their file names without .md)"
                    }
                    report(.error, message, field: "related", item: index)
                    continue
                }
                let id = relatedID(related)
                if id == entry.id {
                    report(.warning, "the entry lists itself in related; delete '\(related)'", field: "related", item: index)
                } else if !seenRelated.insert(id).inserted {
                    report(.warning, "'\(related)' is listed twice in related; delete one", field: "related", item: index)
                }
            }
            return diagnostics
        }
        return perEntry.flatMap { $0 }
    }

    static func replyMessage(_ reply: Int) -> String {
        let sameClass = ContentRules.knownReplyCodes.filter { $0 / 100 == reply / 100 && $0 >= 400 }
        var message = "reply \(reply) is not an SMTP reply code"
        if sameClass.isEmpty {
            message += "; bounces use 4xx (temporary) or 5xx (permanent) codes such as 421, 450, 550 or 554"
        } else {
            message += "; use one of \(sameClass.map(String.init).joined(separator: ", "))"
        }
        return message
    }

    /// The `{...}` tokens of a phrase.
    static func placeholders(in phrase: String) -> [String] {
        // Without a brace byte there is no brace character; most phrases have none.
        guard ByteScan.contains(UInt8(ascii: "{"), in: phrase) else { return [] }
        var result: [String] = []
        var current: String?
        for character in phrase {
            if character == "{" {
                current = "{"
            } else if character == "}", let open = current {
                result.append(open + "}")
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return result
    }

    /// Lower case, single spaces: the form in which two phrases count as the same.
    static func normalisedPhrase(_ phrase: String) -> String {
        // ASCII (nearly every phrase) on bytes: there lower-casing is A-Z only and the
        // whitespace characters are tab to CR and space, so this gives the same string.
        let ascii: String?? = phrase.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if FastText.isASCIIWhitespace(byte) {
                    pendingSpace = !result.isEmpty
                    continue
                }
                if pendingSpace {
                    result.append(0x20)
                    pendingSpace = false
                }
                result.append(FastText.asciiLowercased(byte))
            }
            return String(decoding: result, as: UTF8.self)
        }
        if let ascii, let result = ascii { return result }
        return phrase.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The entry id of a `related` item, written either as `id` or `category/id`.
    static func relatedID(_ related: String) -> String {
        guard ByteScan.contains(UInt8(ascii: "/"), in: related) else { return related }
        return related.split(separator: "/", maxSplits: 1).last.map(String.init) ?? related
    }
}
