import BounceKB
import Foundation

/// Why `bouncekb new` did not write an entry.
public enum ScaffoldError: Error, Equatable, CustomStringConvertible {
    /// An argument is wrong (usage error, exit status 2).
    case invalid(String)
    /// The entry (or its id elsewhere) already exists; nothing was written (exit status 1).
    case exists(String)
    /// The file could not be written (exit status 1).
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .invalid(let message), .exists(let message), .cannotWrite(let message): return message
        }
    }
}

/// A new entry file with every required field filled from the command line and both sections
/// outlined. The text still to write is left as short `TODO` placeholders, which `check` reports
/// as warnings (a summary that is too short, an empty match list, sections with too few words),
/// never as errors, so the scaffold loads and builds at once.
public struct EntryScaffold: Sendable, Equatable {
    public var category: String
    public var id: String
    public var title: String
    public var reply: Int
    public var status: StatusCode?
    public var reason: Reason

    /// Checks every argument against the registry and the taxonomy.
    ///
    /// - Parameters:
    ///   - path: `<category>/<id>`, e.g. `mailbox/example-mailbox-full`.
    ///   - title: the page title; by default the id in words (`Example mailbox full`).
    public init(path: String, reply: Int, status: String?, reason: String, title: String?) throws(ScaffoldError) {
        var trimmed = path.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix(".md") { trimmed.removeLast(3) }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalid("give the entry as <category>/<id>, for example mailbox/example-mailbox-full (got '\(path)')")
        }
        category = parts[0]
        id = parts[1]
        guard ContentRules.isKebabCase(category) else {
            throw .invalid("category '\(category)' is not kebab-case; category ids are folder names such as 'mailbox'")
        }
        guard ContentRules.isKebabCase(id) else {
            throw .invalid("id '\(id)' is not kebab-case: use lower-case letters, digits and single hyphens, e.g. '\(Self.kebab(id))'")
        }
        guard !id.hasPrefix("_"), id != "index" else {
            throw .invalid("'\(id)' cannot be an entry id")
        }

        guard let replyInfo = CodeRegistry.reply(reply) else {
            let bounceCodes = CodeRegistry.replyCodes.map(\.code).filter { $0 >= 400 }.sorted().map(String.init)
            throw .invalid("--reply \(reply) is not an SMTP reply code; bounces use one of \(bounceCodes.joined(separator: ", "))")
        }
        self.reply = replyInfo.code

        if let status {
            guard let code = StatusCode(status) else {
                throw .invalid("--status '\(status)' is not an enhanced status code; write class.subject.detail such as 5.1.1 (class 2, 4 or 5, subject 0-7)")
            }
            guard code.klass == reply / 100 else {
                throw .invalid("--reply \(reply) is class \(reply / 100) but --status \(status) is class \(code.klass); make the first digits agree (4xx with 4.x.x, 5xx with 5.x.x)")
            }
            if let info = CodeRegistry.enhanced(code), info.deprecated {
                let replacement = info.replacedBy.map { "; use \($0) instead" } ?? ""
                throw .invalid("--status \(status) is a deprecated enhanced status code\(replacement)")
            }
            self.status = code
        } else {
            self.status = nil
        }

        guard let reason = Reason.named(reason) else {
            let known = Reason.all.map(\.id).joined(separator: ", ")
            throw .invalid("--reason '\(reason)' is not a reason of the taxonomy; use one of: \(known)")
        }
        self.reason = reason

        let title = (title ?? Self.words(id)).trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, !title.contains(where: \.isNewline) else {
            throw .invalid("--title must be one non-empty line")
        }
        self.title = title
    }

    /// The file's path inside the content folder: `<category>/<id>.md`.
    public var relativePath: String { "\(category)/\(id).md" }

    /// The text of the new file.
    public var text: String {
        var lines = [
            "---",
            "title: \(Self.yamlQuoted(title))",
            "reply: \(reply)",
        ]
        if let status { lines.append("status: \(status)") }
        lines += [
            "reason: \(reason.id)",
            // Too short on purpose: `check` warns until a real one-line summary replaces it.
            "summary: \"TODO: one-line summary\"",
            "# Phrases copied from real bounces for this cause; {email} {domain} {ip} {host} {n} stand for the parts that vary.",
            "match: []",
            "# providers: [Any server]        # names as listed in docs/content-format.md",
            "# related: [another-entry-id]",
            "# references:",
            "#   - title: A page that explains this bounce",
            "#     url: https://example.com/",
            "# Reason '\(reason.id)' implies permanence '\(reason.permanence.rawValue)' and action '\(reason.action.rawValue)'; add permanence: or action: only to differ.",
            "---",
            "",
            "## Details",
            "",
            "TODO: what happened, at which SMTP step, and who refused the message.",
            "",
            "## Resolution",
            "",
            "1. TODO: the steps that fix it, and whether to retry.",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// Writes the file into `contentDirectory`, never replacing anything.
    ///
    /// - Returns: the file written.
    /// - Throws: `.invalid` when the category folder does not exist, `.exists` when the file
    ///   or an entry with the same id in another category exists.
    @discardableResult
    public func write(into contentDirectory: URL) throws(ScaffoldError) -> URL {
        let fileManager = FileManager.default
        let categories = Self.categories(in: contentDirectory)
        guard categories.contains(category) else {
            let list = categories.isEmpty ? "none found; is --content right?" : categories.joined(separator: ", ")
            throw .invalid("no category '\(category)' in \(contentDirectory.path) (a category is a folder with an _index.md); categories: \(list)")
        }
        let file = contentDirectory.appendingPathComponent(category).appendingPathComponent("\(id).md")
        if fileManager.fileExists(atPath: file.path) {
            throw .exists("\(category)/\(id).md already exists; refusing to overwrite it (edit it, or choose another id)")
        }
        for other in categories where other != category {
            if fileManager.fileExists(atPath: contentDirectory.appendingPathComponent(other).appendingPathComponent("\(id).md").path) {
                throw .exists("an entry '\(id)' already exists in \(other)/\(id).md; ids are unique across all categories, so choose another id")
            }
        }
        do {
            // .withoutOverwriting: a file created meanwhile is still not replaced.
            try Data(text.utf8).write(to: file, options: .withoutOverwriting)
        } catch {
            if fileManager.fileExists(atPath: file.path) {
                throw .exists("\(category)/\(id).md already exists; refusing to overwrite it")
            }
            throw .cannotWrite("cannot write \(file.path): \(error.localizedDescription)")
        }
        return file
    }

    /// Folders of `contentDirectory` that hold an `_index.md`, sorted.
    public static func categories(in contentDirectory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: contentDirectory.path)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && FileManager.default.fileExists(atPath: contentDirectory.appendingPathComponent(name).appendingPathComponent("_index.md").path)
        }.sorted()
    }

    /// `example-mailbox-full` → `Example mailbox full`.
    static func words(_ id: String) -> String {
        let text = id.split(separator: "-").joined(separator: " ")
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// A kebab-case spelling of `text`, for the "e.g." of an error message.
    static func kebab(_ text: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                result.append(character)
            } else if !result.isEmpty && !result.hasSuffix("-") {
                result.append("-")
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "my-entry" : result
    }

    /// A single-quoted YAML scalar: quotes are doubled, nothing else is special inside.
    static func yamlQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
