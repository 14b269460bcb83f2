import BounceKB
import Foundation
import Markdown
import SiteBuilder

/// The parsers under test. Each turns bytes into a call of the public API that real input reaches.
public enum FuzzTargetKind: String, CaseIterable, Sendable {
    /// Front matter + Markdown loading: the bytes become a content file and `ContentLoader` reads
    /// the folder (validation and lint included); loaded Markdown is rendered as the site does.
    case loader
    /// Code extraction and normalisation of free text (`CodeExtractor`, `Normalizer`).
    case codes
    /// DSN/MIME parsing (`BounceReport`).
    case dsn
    /// The matcher as `bounce` uses it (`Matcher.lookup`, which detects emails itself).
    case matcher

    /// The largest input generated for this target. Larger inputs are cut by each parser's own
    /// limit (1 MiB content files, 10 MiB emails), which the hostile-input tests cover.
    public var maximumSize: Int {
        switch self {
        case .loader: return 256 * 1024
        case .codes: return 128 * 1024
        case .dsn: return 512 * 1024
        case .matcher: return 128 * 1024
        }
    }
}

/// One fuzz target ready to run: its seed corpus, its mutator, and what it needs (a content
/// folder to write into, a matcher).
///
/// Input `i` of a run with seed `s` is a pure function of `(s, i)`, so every finding can be
/// made again with `fuzz-driver dump`.
public final class FuzzHarness: @unchecked Sendable {
    public let kind: FuzzTargetKind
    public let seeds: [[UInt8]]
    let mutator: Mutator
    let maximumSize: Int
    private let matcher: Matcher?
    private let workspace: URL?

    /// - Parameters:
    ///   - repositoryRoot: the package folder; seeds come from `Fuzz/corpus/<target>/` and the
    ///     project's own fixtures and content.
    ///   - maximumSize: overrides the target's input size limit (the test slice uses smaller inputs).
    ///   - knowledgeBase: for the matcher; loaded from `content/` when nil.
    public init(kind: FuzzTargetKind, repositoryRoot: URL, maximumSize: Int? = nil, knowledgeBase: KnowledgeBase? = nil) throws {
        self.kind = kind
        let limit = maximumSize ?? kind.maximumSize
        self.maximumSize = limit
        seeds = Self.loadSeeds(kind, root: repositoryRoot).map { Array($0.prefix(limit)) }
        mutator = Mutator(dictionary: Self.dictionary(kind), maximumSize: limit)
        switch kind {
        case .loader:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-fuzz-\(getpid())-\(UUID().uuidString)")
            try Self.prepareWorkspace(folder)
            workspace = folder
            matcher = nil
        case .matcher:
            let kb = knowledgeBase ?? ContentLoader(contentDirectory: repositoryRoot.appendingPathComponent("content")).load().knowledgeBase
            matcher = Matcher(knowledgeBase: kb)
            workspace = nil
        case .codes, .dsn:
            matcher = nil
            workspace = nil
        }
    }

    deinit {
        removeWorkspace()
    }

    /// Deletes the loader's temporary content folder; call it before `exit()`, which skips deinit.
    public func removeWorkspace() {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    // MARK: - Inputs

    /// Input `index` of the run seeded with `seed`.
    public func input(seed: UInt64, index: Int) -> [UInt8] {
        var random = SeededRandom(seed: seed, index: index)
        let roll = random.below(100)
        var bytes: [UInt8]
        if roll < 45 && !seeds.isEmpty {
            bytes = mutator.mutate(random.pick(seeds), others: seeds, random: &random)
        } else if roll < 80 {
            bytes = generated(&random)
        } else if roll < 95 {
            bytes = mutator.mutate(generated(&random), others: seeds, random: &random)
        } else {
            bytes = (0..<random.skewedSize(maximum: 4096)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
        if bytes.count > maximumSize { bytes.removeSubrange(maximumSize...) }
        return bytes
    }

    private func generated(_ random: inout SeededRandom) -> [UInt8] {
        switch kind {
        case .loader: return Generators.contentFile(&random)
        case .codes: return Generators.bounceLine(&random)
        case .dsn: return Generators.email(&random)
        case .matcher:
            guard let matcher, random.chance(75) else { return Generators.email(&random) }
            // Real match phrases with their placeholders filled in, among codes and noise.
            var text = ""
            for _ in 0..<(1 + random.below(4)) {
                let entry = random.pick(matcher.knowledgeBase.entries)
                let phrase = entry.match.isEmpty ? entry.title : random.pick(entry.match)
                text += phrase.replacingAll("{email}", with: "user@example.com").replacingAll("{ip}", with: "192.0.2.1")
                    .replacingAll("{domain}", with: "example.com").replacingAll("{host}", with: "mx.example.com")
                    .replacingAll("{n}", with: "\(random.below(10_000))")
                text += " " + String(decoding: Generators.bounceLine(&random), as: UTF8.self) + " "
            }
            return Array(text.utf8)
        }
    }

    // MARK: - Running

    /// Runs one input; returns the properties it broke (empty when all held). A crash or a hang
    /// is the caller's to catch (see `FuzzRunner`).
    public func run(_ bytes: [UInt8]) -> [String] {
        switch kind {
        case .loader: return runLoader(bytes)
        case .codes: return runCodes(bytes)
        case .dsn: return runDSN(bytes)
        case .matcher: return runMatcher(bytes)
        }
    }

    private func runLoader(_ bytes: [UInt8]) -> [String] {
        guard let workspace else { return ["no workspace"] }
        let content = workspace.appendingPathComponent("content")
        // Which file the bytes become is decided by the bytes, so a saved input replays alike.
        let hash = Self.fnv1a(bytes)
        let role = hash % 10
        let names = ["fuzz-entry.md", "fuzz-entry.md", "fuzz-entry.md", "Fuzz Entry.md", "..md", "-x-.md", "é.md", "a.md.md"]
        let entryName = names[Int((hash / 10) % UInt64(names.count))]
        let path: URL
        switch role {
        case 0...6: path = content.appendingPathComponent("fuzz/\(entryName)")
        case 7, 8: path = content.appendingPathComponent("fuzz/_index.md")
        default: path = content.appendingPathComponent("site.yml")
        }
        let original = FileManager.default.contents(atPath: path.path)
        defer {
            if role <= 6 {
                unlink(path.path)
            } else if let original {
                _ = FileManager.default.createFile(atPath: path.path, contents: original)
            }
        }
        guard FileManager.default.createFile(atPath: path.path, contents: Data(bytes)) else { return ["cannot write \(path.path)"] }

        let loader = ContentLoader(contentDirectory: content, displayRoot: workspace)
        let result = loader.load()
        var problems: [String] = []
        for diagnostic in result.diagnostics {
            if diagnostic.line < 0 || diagnostic.column < 0 { problems.append("negative position in \(diagnostic)") }
            if diagnostic.message.isEmpty || diagnostic.file.isEmpty { problems.append("diagnostic without message or file: \(diagnostic)") }
        }
        if hash % 8 == 0 {
            let again = loader.load()
            if again.diagnostics != result.diagnostics || again.knowledgeBase != result.knowledgeBase {
                problems.append("loading the same files twice gave different results")
            }
        }
        // What the site does with loaded text: Markdown in safe mode, fields escaped.
        for entry in result.knowledgeBase.entries {
            for markdown in [entry.details, entry.resolution] {
                let document = MarkdownDocument(markdown)
                problems += HTMLSafety.problems(in: document.html())
                _ = document.plainText()
            }
            for field in [entry.title, entry.summary] + entry.match + entry.providers {
                let escaped = HTML.escape(field)
                if escaped.contains(where: { "<>\"'".contains($0) }) { problems.append("HTML.escape left markup in \(escaped)") }
            }
            for reference in entry.references where HTML.isSafeExternalURL(reference.url) {
                let lower = reference.url.lowercased()
                if !(lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:")) {
                    problems.append("unsafe URL accepted: \(reference.url)")
                }
            }
        }
        for category in result.knowledgeBase.categories {
            problems += HTMLSafety.problems(in: MarkdownDocument(category.description).html())
        }
        return problems
    }

    private func runCodes(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let codes = CodeExtractor.extract(text)
        var problems: [String] = []
        let size = text.utf8.count
        for mention in codes.replies {
            if !(200...599).contains(mention.code) { problems.append("reply \(mention.code) out of range") }
            if mention.offset < 0 || mention.offset >= size { problems.append("reply offset \(mention.offset) outside the text") }
        }
        for mention in codes.statuses {
            if ![2, 4, 5].contains(mention.code.klass) { problems.append("status class \(mention.code.klass)") }
            if StatusCode(mention.code.description) != mention.code { problems.append("status \(mention.code) does not round-trip") }
            if mention.offset < 0 || mention.offset >= size { problems.append("status offset \(mention.offset) outside the text") }
        }
        if let reply = codes.reply, !codes.replies.contains(where: { $0.code == reply }) { problems.append("chosen reply \(reply) was never seen") }
        if let status = codes.status, !codes.statuses.contains(where: { $0.code == status }) { problems.append("chosen status \(status) was never seen") }
        let tokens = Normalizer.standard.tokens(text)
        if tokens.contains(where: { $0.text.isEmpty }) { problems.append("empty token") }
        _ = CodeRegistry.explain(reply: codes.reply, status: codes.status)
        return problems
    }

    private func runDSN(_ bytes: [UInt8]) -> [String] {
        let report = BounceReport(bytes: bytes)
        var problems: [String] = []
        if report.recipients.count > 10_000 { problems.append("\(report.recipients.count) recipients") }
        if Self.fnv1a(bytes) % 8 == 0 && BounceReport(bytes: bytes) != report { problems.append("parsing twice gave different reports") }
        _ = BounceReport.looksLikeEmail(String(decoding: bytes.prefix(65_536), as: UTF8.self))
        return problems
    }

    private func runMatcher(_ bytes: [UInt8]) -> [String] {
        guard let matcher else { return ["no matcher"] }
        let text = String(decoding: bytes, as: UTF8.self)
        var problems: [String] = []
        let results = matcher.lookup(text, limit: 5)
        let tie = matcher.normalizer.weights.tie
        for result in results {
            let matches = result.match.matches
            if matches.count > 5 { problems.append("\(matches.count) matches for limit 5") }
            if matches.contains(where: { !$0.score.isFinite || !$0.coverage.isFinite }) { problems.append("score not finite") }
            // Entries of a deciding reason (structure, queue expiry) lead on purpose; the rest is by score.
            let ranked = matches.drop { ["delivery-expired", "not-a-failure", "complaint"].contains($0.entry.reason) }
            for (lhs, rhs) in zip(ranked, ranked.dropFirst()) where lhs.score + tie + 0.001 < rhs.score {
                problems.append("matches out of order: \(lhs.score) before \(rhs.score)")
            }
            if Reason.named(result.match.reason.id) == nil { problems.append("unknown reason \(result.match.reason.id)") }
        }
        return problems
    }

    // MARK: - Setup

    /// A minimal valid content folder: site.yml and one category, into which inputs are written.
    private static func prepareWorkspace(_ folder: URL) throws {
        let content = folder.appendingPathComponent("content")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("fuzz"), withIntermediateDirectories: true)
        try "title: Fuzz\ndescription: A folder the fuzzer writes into.\nbase_url: /\nlanguage: en\n"
            .write(to: content.appendingPathComponent("site.yml"), atomically: false, encoding: .utf8)
        try "---\ntitle: Fuzz\norder: 1\nsummary: Entries written by the fuzzer.\n---\n\nWhatever the fuzzer writes.\n"
            .write(to: content.appendingPathComponent("fuzz/_index.md"), atomically: false, encoding: .utf8)
    }

    static func loadSeeds(_ kind: FuzzTargetKind, root: URL) -> [[UInt8]] {
        var files: [URL] = []
        let own = root.appendingPathComponent("Fuzz/corpus/\(kind.rawValue)")
        files += listFiles(own, suffixes: [""])
        switch kind {
        case .loader:
            files += listFiles(root.appendingPathComponent("content"), suffixes: [".md", ".yml"]).prefix(60)
            files += listFiles(root.appendingPathComponent("Tests/BounceKBTests/Fixtures/content-cases"), suffixes: [".md", ".yml"])
        case .dsn:
            files += listFiles(root.appendingPathComponent("Tests/BounceKBTests/Fixtures/realworld/emails"), suffixes: [".eml"])
            files += listFiles(root.appendingPathComponent("Tests/BounceKBTests/Fixtures/bounces"), suffixes: [".eml"])
        case .codes, .matcher:
            break
        }
        var seeds = files.compactMap { FileManager.default.contents(atPath: $0.path).map { Array($0) } }
        if kind == .codes || kind == .matcher {
            // Each line of the real-world table is one seed.
            let table = root.appendingPathComponent("Tests/BounceKBTests/Fixtures/realworld/lines.tsv")
            if let text = try? String(contentsOf: table, encoding: .utf8) {
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    guard let tab = line.firstIndex(of: "\t") else { continue }
                    seeds.append(Array(String(line[line.index(after: tab)...]).replacingAll("\\n", with: "\n").utf8))
                }
            }
        }
        return seeds
    }

    private static func listFiles(_ folder: URL, suffixes: [String]) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var result: [URL] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            if suffixes.contains(where: { $0.isEmpty || url.lastPathComponent.hasSuffix($0) }) { result.append(url) }
        }
        return result.sorted { $0.path < $1.path }
    }

    static func dictionary(_ kind: FuzzTargetKind) -> [String] {
        switch kind {
        case .loader:
            return ["---\n", "---", "title: ", "reply: ", "status: ", "reason: ", "summary: ", "match:\n  - ", "references:\n  - title: x\n    url: ",
                    "related: [", "providers: [Gmail]", "&a ", "*a", "<<: *a", "!!binary ", "!!python/object ", "? ", "- ", "[", "{", "|\n", ">\n",
                    "\t", "\u{FEFF}", "## Details\n", "## Resolution\n", "```\n", "> ", "<script>", "</script>", "javascript:", "\"", "'", ": ",
                    "%YAML 1.2\n", "%TAG ! tag:x:\n", "...\n", "#", "\r\n", "  ", "](", "![", "<!--", "&#", "\\"]
        case .codes, .matcher:
            return ["550", "5.1.1", "4.4.7", "smtp; ", "said: ", "Error ", "code ", "#", "(", "[", "550-", "550 5.7.26 ", "<<< ", ">>> ",
                    ".", ":", ";", "\n", " ", "{email}", "{n}", "192.0.2.1", "user@example.com", "mx.example.com", "=?utf-8?B?", "?=",
                    "From: a@b\n", "Subject: x\n", "Final-Recipient: rfc822; a@b\n", "Action: failed\n", "Status: 5.1.1\n"]
        case .dsn:
            return ["Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n", "--b\n", "--b--\n",
                    "Content-Type: message/delivery-status\n\n", "Content-Type: message/rfc822\n\n", "Content-Type: text/rfc822-headers\n\n",
                    "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n", "=?utf-8?B?", "=?iso-8859-1?Q?",
                    "?=", "=\n", "=3D", "Final-Recipient: rfc822; ", "Original-Recipient: rfc822;", "Action: failed\n", "Action: delayed\n",
                    "Status: 5.1.1\n", "Diagnostic-Code: smtp; 550 5.1.1 ", "Reporting-MTA: dns; x\n", "From: MAILER-DAEMON\n",
                    "Subject: Undelivered Mail\n", "Auto-Submitted: auto-replied\n", "\n\n", "\r\n", "\n ", "boundary=", "charset=", ";",
                    "From ", "<user@example.com>: ", "said: ", "The following address(es) failed:\n\n  ", "Remote Server returned '"]
        }
    }

    /// FNV-1a: a fixed hash (Swift's `Hasher` is seeded per process, so it cannot be used to
    /// make choices that must replay).
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Checks on HTML produced from untrusted Markdown: no element that runs script, no event
/// handler attribute, no script URL.
public enum HTMLSafety {
    /// What is unsafe in `html`; empty when nothing is.
    public static func problems(in html: String) -> [String] {
        var problems: [String] = []
        let lower = html.lowercased()
        for element in ["<script", "<iframe", "<object", "<embed", "<style", "<svg", "<math", "<form", "<base", "<meta", "<link"] where lower.contains(element) {
            problems.append("HTML contains \(element)")
        }
        for tag in tags(in: html) {
            for (name, value) in tag.attributes {
                if name.hasPrefix("on") { problems.append("event handler attribute \(name) on <\(tag.name)>") }
                if ["href", "src", "action", "formaction", "xlink:href"].contains(name) {
                    let target = decodeCharacterReferences(value).filter { !$0.isWhitespace && !$0.isASCIIControl }.lowercased()
                    let imageData = tag.name == "img" && name == "src" && target.hasPrefix("data:image/") && !target.hasPrefix("data:image/svg")
                    if target.hasPrefix("javascript:") || target.hasPrefix("vbscript:") || (target.hasPrefix("data:") && !imageData) {
                        problems.append("script URL in \(name) of <\(tag.name)>: \(value)")
                    }
                }
            }
        }
        return problems
    }

    /// Numeric and the few named character references a browser would decode in an attribute
    /// before looking at a URL's scheme.
    static func decodeCharacterReferences(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var output = ""
        var rest = Substring(value)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            let body = after.prefix { $0 != ";" && $0 != "&" }.prefix(12)
            var decoded: Unicode.Scalar?
            if body.hasPrefix("#x") || body.hasPrefix("#X") {
                decoded = UInt32(body.dropFirst(2).prefix { $0.isHexDigit }, radix: 16).flatMap(Unicode.Scalar.init)
            } else if body.hasPrefix("#") {
                decoded = UInt32(body.dropFirst().prefix { $0.isNumber }).flatMap(Unicode.Scalar.init)
            } else {
                decoded = ["colon": ":", "tab": "\t", "newline": "\n", "amp": "&", "lpar": "(", "rpar": ")"][String(body.lowercased())]
                    .flatMap { $0.unicodeScalars.first }
            }
            if let decoded {
                output.unicodeScalars.append(decoded)
                rest = after.dropFirst(body.count)
                if rest.first == ";" { rest = rest.dropFirst() }
            } else {
                output += "&"
                rest = after
            }
        }
        return output + rest
    }

    /// A start tag: its lower-cased name and attributes (values unescaped only as far as the
    /// browser would need to recognise a scheme: `&#58;` is left as text, which is harmless).
    public struct Tag: Sendable {
        public var name: String
        public var attributes: [(String, String)]
    }

    /// The start tags of `html`, read the way a browser tokenizer would for well-formed markup.
    public static func tags(in html: String) -> [Tag] {
        var result: [Tag] = []
        let scalars = Array(html.unicodeScalars)
        var index = 0
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\n" || s == "\t" || s == "\r" || s == "\u{0C}" }
        while index < scalars.count {
            guard scalars[index] == "<", index + 1 < scalars.count, scalars[index + 1].properties.isAlphabetic else {
                index += 1
                continue
            }
            index += 1
            var name = ""
            while index < scalars.count, !isSpace(scalars[index]), scalars[index] != ">", scalars[index] != "/" {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            var attributes: [(String, String)] = []
            while index < scalars.count && scalars[index] != ">" {
                while index < scalars.count && (isSpace(scalars[index]) || scalars[index] == "/") { index += 1 }
                var attribute = ""
                while index < scalars.count, !isSpace(scalars[index]), scalars[index] != ">", scalars[index] != "=", scalars[index] != "/" {
                    attribute.unicodeScalars.append(scalars[index])
                    index += 1
                }
                var value = ""
                if index < scalars.count && scalars[index] == "=" {
                    index += 1
                    if index < scalars.count, scalars[index] == "\"" || scalars[index] == "'" {
                        let quote = scalars[index]
                        index += 1
                        while index < scalars.count && scalars[index] != quote {
                            value.unicodeScalars.append(scalars[index])
                            index += 1
                        }
                        index += 1
                    } else {
                        while index < scalars.count, !isSpace(scalars[index]), scalars[index] != ">" {
                            value.unicodeScalars.append(scalars[index])
                            index += 1
                        }
                    }
                }
                if !attribute.isEmpty { attributes.append((attribute.lowercased(), value)) } else if index < scalars.count && scalars[index] != ">" { index += 1 }
            }
            result.append(Tag(name: name.lowercased(), attributes: attributes))
        }
        return result
    }
}

extension Character {
    var isASCIIControl: Bool { asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }
}
