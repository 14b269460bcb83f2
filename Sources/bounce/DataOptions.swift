import ArgumentParser
import BounceKB
import Foundation

/// Where the knowledge base comes from: the copy built into the program, or `--data`.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Use this knowledge base instead of the built-in one: a content folder, or a published api/v1/entries.json.",
        valueName: "path"
    ))
    var data: String?

    /// The matcher for the chosen knowledge base; the built-in one comes with its index, and its
    /// entries without their long texts (see `fullEntry`), which keeps start-up fast.
    func matcher(forManyLookups: Bool) throws -> Matcher {
        let knowledgeBase = try self.knowledgeBase(bodies: false)
        if data == nil, let index = try? MatchIndex.decodeCompact(EmbeddedKnowledgeBase.matchIndex) {
            return Matcher(knowledgeBase: knowledgeBase, index: index, forManyLookups: forManyLookups)
        }
        return Matcher(knowledgeBase: knowledgeBase, forManyLookups: forManyLookups)
    }

    /// `entry` with all its texts (the built-in knowledge base is read without them at first).
    func fullEntry(_ entry: Entry) -> Entry {
        guard data == nil, entry.resolution.isEmpty, entry.details.isEmpty else { return entry }
        return (try? KnowledgeBaseArchive.entry(entry.id, in: EmbeddedKnowledgeBase.archive)) ?? entry
    }

    /// Loads the knowledge base, or fails with exit status 2 and a message. `bodies: false`
    /// lets the built-in one skip the entries' details, resolutions and references.
    func knowledgeBase(bodies: Bool = true) throws -> KnowledgeBase {
        guard let path = data else {
            do {
                return try KnowledgeBaseArchive.decode(EmbeddedKnowledgeBase.archive, bodies: bodies)
            } catch {
                throw CommandFailure(message: "the built-in knowledge base is damaged (\(error)); use --data")
            }
        }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(message: "--data \(path): no such file or folder")
        }
        if isDirectory.boolValue {
            let result = ContentLoader(contentDirectory: url).load()
            if result.diagnostics.hasErrors {
                let errors = result.diagnostics.filter { $0.severity == .error }.sorted().prefix(20)
                let listed = errors.map { "  " + $0.description }.joined(separator: "\n")
                throw CommandFailure(message: "--data \(path): the content has errors:\n\(listed)")
            }
            return result.knowledgeBase
        }
        do {
            let bytes = try Data(contentsOf: url)
            return try APIDocument.knowledgeBase(from: bytes)
        } catch let error as APIDocumentError {
            throw CommandFailure(message: "--data \(path): \(error.description)")
        } catch {
            throw CommandFailure(message: "--data \(path): \(error.localizedDescription)")
        }
    }
}

/// Output options shared by the subcommands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Never use colour (NO_COLOR in the environment does the same).")
    var noColor = false

    @Flag(name: [.short, .long], help: ArgumentHelp(
        "Print only the essentials: one line per result (recipient, entry id, reason); for list one id per line, for show the title.",
        discussion: "Fields are separated by tabs; '-' stands for a missing recipient or entry. The exit status is the same as without it."
    ))
    var quiet = false

    @Flag(name: [.short, .long], help: "Print more: scores, matched phrases, codes found and the normalised text.")
    var verbose = false

    /// How much text output says.
    var detail: Detail { quiet ? .quiet : verbose ? .verbose : .normal }

    enum Detail: Sendable { case quiet, normal, verbose }

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }

    func terminal() -> Terminal {
        Terminal.current(environment: ProcessInfo.processInfo.environment, forceNoColor: noColor)
    }
}

extension KnowledgeBase {
    /// The page of an entry: absolute when the site's base URL is, else from the site root.
    func url(of entry: Entry) -> String {
        let path = "\(entry.category)/\(entry.id)/"
        if let absolute = site.absoluteBaseURL { return absolute + path }
        let base = site.baseURL.hasSuffix("/") ? site.baseURL : site.baseURL + "/"
        return base + path
    }
}
