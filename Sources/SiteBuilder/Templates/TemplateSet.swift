import BounceKB
import Foundation
import Mustache

/// The site's look: Mustache templates and static assets read from a templates folder.
///
/// Loading never crashes on a bad folder: unreadable, unparsable or missing templates and
/// partials that name no template all become diagnostics with the file, line and column.
public struct TemplateSet: Sendable {
    /// The templates every build needs, and what each renders.
    public static let required: [(name: String, purpose: String)] = [
        ("layout", "the page frame every page template inherits"),
        ("home", "the home page"),
        ("category", "category pages"),
        ("entry", "entry pages"),
        ("code", "code pages"),
        ("codes", "the list of all codes"),
        ("providers", "the providers page"),
        ("404", "the not-found page"),
    ]

    let library: MustacheLibrary
    /// Every template name, sorted (`entry`, `partials/header`, …).
    public let names: [String]
    /// Files under `assets/`, with paths as they appear in the output (`assets/site.css`), sorted.
    public let assets: [OutputFile]
    /// Partials that print the same on every page with the same page-wide values.
    let fixedPartials: FixedPartials
    /// Skeletons of rendered pages by context shape, shared by every copy of this set.
    let shapes: ShapeCache

    init(library: MustacheLibrary, names: [String], assets: [OutputFile], fixedPartials: FixedPartials = FixedPartials(reads: [:]), shapes: ShapeCache) {
        self.library = library
        self.names = names
        self.assets = assets
        self.fixedPartials = fixedPartials
        self.shapes = shapes
    }

    /// Renders the template `name` with `context`; nil when there is no such template.
    func render(_ name: String, context: [String: Any]) -> String? {
        render(name, object: context)
    }

    /// Renders the template `name` with any context object (a `MustacheParent` such as
    /// `LayeredContext`); nil when there is no such template.
    func render(_ name: String, object: Any) -> String? {
        shapes.render(name, context: object) { library.render($0, withTemplate: name) }
    }

    /// Reads every `*.mustache` file under `directory` (names keep their subfolder, without the
    /// extension) and every file under `directory/assets/`.
    ///
    /// - Parameter displayRoot: paths in diagnostics are shown relative to this folder.
    /// - Returns: the set, or nil when any diagnostic is an error.
    public static func load(from directory: URL, displayRoot: URL? = nil) -> (templates: TemplateSet?, diagnostics: [Diagnostic]) {
        let display = DisplayPaths(root: displayRoot)
        let fileManager = FileManager.default
        var diagnostics: [Diagnostic] = []
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (nil, [.error("templates folder not found (pass --templates DIR)", file: display.display(directory))])
        }

        var sources: [String: (text: String, file: String)] = [:]
        // Every template file found, readable or not: an unreadable one is not also "missing".
        var present: Set<String> = []
        for relative in files(under: directory, skipping: "assets") where relative.hasSuffix(".mustache") {
            present.insert(String(relative.dropLast(".mustache".count)))
            let url = directory.appendingPathComponent(relative)
            let file = display.display(url)
            guard let data = fileManager.contents(atPath: url.path) else {
                diagnostics.append(.error("cannot read template", file: file))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error("template is not valid UTF-8", file: file))
                continue
            }
            sources[String(relative.dropLast(".mustache".count))] = (text, file)
        }

        // Before parsing: `{{% CONTENT_TYPE: HTML }}` picks its escaper when a template is parsed.
        UTF8HTMLContentType.register()
        var parsed: [String: MustacheTemplate] = [:]
        for name in sources.keys.sorted() {
            guard let source = sources[name] else { continue }
            do {
                parsed[name] = try MustacheTemplate(string: source.text)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(.error(
                    "template syntax: \(describe(error.error))",
                    file: source.file, line: error.context.lineNumber, column: error.context.columnNumber
                ))
            } catch {
                diagnostics.append(.error("template syntax: \(error)", file: source.file))
            }
        }

        for (name, purpose) in required where !present.contains(name) {
            diagnostics.append(.error(
                "missing template \(name).mustache (\(purpose))",
                file: display.display(directory.appendingPathComponent("\(name).mustache"))
            ))
        }
        for name in sources.keys.sorted() {
            guard let source = sources[name] else { continue }
            for reference in partialReferences(in: source.text) where !present.contains(reference.name) {
                diagnostics.append(.error(
                    "partial '\(reference.name)' not found (expected \(reference.name).mustache in the templates folder)",
                    file: source.file, line: reference.line, column: reference.column
                ))
            }
        }

        let assetsDirectory = directory.appendingPathComponent("assets")
        var assets: [OutputFile] = []
        if fileManager.fileExists(atPath: assetsDirectory.path) {
            for relative in files(under: assetsDirectory, skipping: nil) {
                let url = assetsDirectory.appendingPathComponent(relative)
                guard let data = fileManager.contents(atPath: url.path) else {
                    diagnostics.append(.error("cannot read asset", file: display.display(url)))
                    continue
                }
                assets.append(OutputFile(path: "\(SitePaths.assets)/\(relative)", contents: data))
            }
        } else {
            diagnostics.append(.warning("no assets folder: pages will have no stylesheet", file: display.display(assetsDirectory)))
        }

        diagnostics.sort()
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        // Scanned once for both users of the scans.
        let scans = sources.mapValues { TagScan($0.text) }
        let templates = TemplateSet(
            library: MustacheLibrary(templates: parsed), names: parsed.keys.sorted(), assets: assets,
            fixedPartials: FixedPartials.find(scans: scans), shapes: ShapeCache(scans: scans))
        return (templates, diagnostics)
    }

    /// Regular files below `directory`, as sorted relative paths, leaving out hidden files and folders
    /// and the top-level folder `skipping`.
    static func files(under directory: URL, skipping: String?) -> [String] {
        let base = directory.standardizedFileURL.resolvingSymlinksInPath()
        guard let enumerator = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey], options: [.skipsHiddenFiles]
        ) else { return [] }
        var result: [String] = []
        let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            if let skipping, relative == skipping {
                enumerator.skipDescendants()
                continue
            }
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey])
            if values?.isRegularFile == true { result.append(relative) }
        }
        return result.sorted()
    }

    /// `{{> name}}` and `{{< name}}` tags with the 1-based line and column of their `{{`.
    /// Dynamic partials (`{{>*name}}`) name a variable, not a template, and are skipped.
    static func partialReferences(in text: String) -> [(name: String, line: Int, column: Int)] {
        var result: [(String, Int, Int)] = []
        // Such a tag starts with the bytes `{{>` or `{{<`; lines without them (most) are skipped
        // before any character is looked at, which the search below does slowly.
        guard mayHoldPartialTag(text) else { return [] }
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where mayHoldPartialTag(line) {
            var rest = line[...]
            while let open = rest.firstRange(of: "{{") {
                let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                var tag = rest[open.upperBound...]
                rest = tag
                guard let sigil = tag.first, sigil == ">" || sigil == "<" else { continue }
                tag = tag.dropFirst().drop { $0 == " " || $0 == "\t" }
                guard tag.first != "*", let close = tag.firstRange(of: "}}") else { continue }
                let name = tag[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { result.append((name, lineIndex + 1, column)) }
                rest = tag[close.upperBound...]
            }
        }
        return result
    }

    /// Whether `text` holds the bytes `{{>` or `{{<`, without which there is no partial tag.
    private static func mayHoldPartialTag<Text: StringProtocol>(_ text: Text) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(mayHoldPartialTag) ?? mayHoldPartialTag(text.utf8)
    }

    private static func mayHoldPartialTag<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var braces = 0
        for byte in bytes {
            if byte == UInt8(ascii: "{") {
                braces += 1
            } else {
                if braces >= 2 && (byte == UInt8(ascii: ">") || byte == UInt8(ascii: "<")) { return true }
                braces = 0
            }
        }
        return false
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "closing tag does not match the open section"
        case .unfinishedName: return "tag is not closed with }}"
        case .expectedSectionEnd: return "section is never closed (missing {{/name}})"
        case .invalidSetDelimiter: return "badly formed set-delimiter tag"
        case .transformAppliedToInheritanceSection: return "a transform cannot be applied to a block"
        case .illegalTokenInsideInheritSection: return "only {{$block}} definitions may appear inside {{<parent}}"
        case .textInsideInheritSection: return "text inside {{<parent}} outside a block"
        case .invalidConfigVariableSyntax: return "badly formed {{% pragma}}"
        case .unrecognisedConfigVariable: return "unknown {{% pragma}}"
        }
    }
}
