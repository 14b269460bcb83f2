import Foundation
import Mustache

/// Partials whose output is the same on every page with the same link root, rendered once per
/// root instead of once per page.
///
/// swift-mustache spends some 15,000 instructions on every tag it looks up, and the header, the
/// search box and the footer are a sixth of the tags of an entry page, yet print the same thing
/// on all 10,000 entry pages of a large site. A partial qualifies when what it prints provably
/// depends on nothing but the page-wide values (`SiteModel.frame`):
///
/// - every name it reads (and the partials it includes read) is a name of `frame`, or a name the
///   page's context does not have at all, and the page's value for each frame name it reads is the
///   frame's own (the home page's `isHome` or the codes page's `nav` differ, so those pages render
///   the partial as usual);
/// - it is included only at the top of the context stack (outside any `{{#section}}`), from a
///   template nobody includes as a partial, on a line of its own without indentation (so Mustache
///   re-indents nothing), and from templates reached through `{{<parent}}` outside sections;
/// - it uses no blocks, parents, dynamic partials, set-delimiter tags, transforms or `.` lookups,
///   and its output has no `{{` (the rendered text is reparsed as a template of plain text);
/// - it is not also a parent (`{{<name}}`) or a template pages are rendered with.
///
/// Anything else keeps the normal rendering, so a customised template can only lose the speed-up,
/// never change the output.
struct FixedPartials: Sendable {
    /// Partial name → the first component of every name it reads, its own partials included.
    let reads: [String: Set<String>]

    /// The qualifying partials of a template set, from the template texts (name → source).
    static func find(in sources: [String: String]) -> FixedPartials {
        find(scans: sources.mapValues(TagScan.init))
    }

    /// `find(in:)` from the templates' scans, made once for this and `ShapeCache`.
    static func find(scans: [String: TagScan]) -> FixedPartials {
        // Other delimiters hide tags from the scan: then nothing is taken as fixed.
        guard !scans.values.contains(where: \.changesDelimiters) else { return FixedPartials(reads: [:]) }
        var includedAnywhere: Set<String> = []
        for scan in scans.values { includedAnywhere.formUnion(scan.partials.map(\.name)) }
        var reads: [String: Set<String>] = [:]
        for name in includedAnywhere.sorted() {
            guard let names = closureReads(of: name, scans: scans),
                  isIncludedOnlyAtTop(name, scans: scans, includedAnywhere: includedAnywhere) else { continue }
            reads[name] = names
        }
        return FixedPartials(reads: reads)
    }

    /// What `name` and the partials it includes read, or nil when any of them does something
    /// the rule above does not allow.
    private static func closureReads(of name: String, scans: [String: TagScan]) -> Set<String>? {
        TagScan.union(from: name, scans: scans, following: { $0.partials.map(\.name) }, of: { $0.isPlain ? $0.reads : nil })
    }

    /// Whether every `{{>name}}` is at the top of the stack in a template that is never itself
    /// a partial and is only used as a parent outside sections.
    private static func isIncludedOnlyAtTop(_ name: String, scans: [String: TagScan], includedAnywhere: Set<String>) -> Bool {
        for (includer, scan) in scans {
            let uses = scan.partials.filter { $0.name == name }
            guard !uses.isEmpty else { continue }
            if includedAnywhere.contains(includer) { return false }
            if uses.contains(where: { $0.nested || !$0.atLineStart }) { return false }
            if scans.values.contains(where: { $0.parents.contains { $0.name == includer && $0.nested } }) { return false }
        }
        // A template that is also some page's parent must keep rendering that page's blocks.
        return !scans.values.contains { $0.parents.contains { $0.name == name } }
    }
}

/// The libraries in which fixed partials are already rendered, one per link root and set of
/// partials that apply, made on first use. Safe to use from several threads at once.
final class FixedPartialCache: @unchecked Sendable {
    private let templates: TemplateSet
    /// Every name some fixed partial reads, sorted.
    private let names: [String]
    /// Each fixed partial with the positions in `names` of what it reads.
    private let partials: [(name: String, reads: [Int])]
    private let lock = NSLock()
    // Guarded by `lock`. Nil values: nothing could be replaced for that key.
    private var libraries: [String: MustacheLibrary?] = [:]

    /// - Parameter pageTemplates: templates pages are rendered with, which are never replaced
    ///   (a page template that is also included somewhere must still render its page).
    init(templates: TemplateSet, fixed: FixedPartials, pageTemplates: Set<String>) {
        self.templates = templates
        let reads = fixed.reads.filter { !pageTemplates.contains($0.key) }
        let names = reads.values.reduce(into: Set<String>()) { $0.formUnion($1) }.sorted()
        self.names = names
        partials = reads.keys.sorted().map { partial in
            (partial, reads[partial, default: []].compactMap { names.firstIndex(of: $0) })
        }
    }

    /// The library to render a page whose context is `context` and whose page-wide values are
    /// `frame` (for its link root `root`); nil when no partial can be taken as rendered.
    func library(for context: [String: Any], root: String, frame: [String: any Sendable]) -> MustacheLibrary? {
        guard !partials.isEmpty else { return nil }
        // Each name once: whether the page's value is the frame's (or both are missing).
        let unchanged = names.map { name -> Bool in
            switch (context[name], frame[name]) {
            case (nil, nil): return true
            case (let value?, let expected?): return Self.same(value, expected)
            default: return false
            }
        }
        let applicable = partials.filter { $0.reads.allSatisfy { unchanged[$0] } }.map(\.name)
        guard !applicable.isEmpty else { return nil }
        let key = ([root] + applicable).joined(separator: "\u{0}")
        lock.lock()
        if let cached = libraries[key] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        var library = templates.library
        var replaced = false
        for name in applicable {
            guard let text = templates.library.render(frame as [String: Any], withTemplate: name),
                  !text.contains("{{"),
                  let template = try? MustacheTemplate(string: text) else { continue }
            library.register(template, named: name)
            replaced = true
        }
        let result = replaced ? library : nil
        lock.lock()
        libraries[key] = result
        lock.unlock()
        return result
    }

    /// Equality for the kinds of values `SiteModel.frame` holds; anything else counts as different.
    static func same(_ value: Any, _ expected: Any) -> Bool {
        // Cast by the frame's type first: a failed cast costs as much as a successful one.
        if let expected = expected as? TextValue {
            return (value as? TextValue)?.text == expected.text
        }
        if let expected = expected as? Bool {
            return (value as? Bool) == expected
        }
        if let expected = expected as? [String: TextValue] {
            guard let value = value as? [String: TextValue], value.count == expected.count else { return false }
            return expected.allSatisfy { key, text in value[key]?.text == text.text }
        }
        if let expected = expected as? [String: Bool] {
            return (value as? [String: Bool]) == expected
        }
        return false
    }
}

/// The tags of one template, as much as `FixedPartials` needs to know of them.
struct TagScan {
    struct Use {
        let name: String
        /// Inside a `{{#section}}` or `{{^section}}`.
        let nested: Bool
        /// The tag starts its line.
        let atLineStart: Bool
    }

    /// `{{>name}}` tags.
    private(set) var partials: [Use] = []
    /// `{{<name}}` tags.
    private(set) var parents: [Use] = []
    /// First components of the names read by variable and section tags.
    private(set) var reads: Set<String> = []
    /// False when the template uses anything `FixedPartials` does not reason about.
    private(set) var isPlain = true
    /// The template has a set-delimiter tag, after which this scan no longer sees its tags.
    private(set) var changesDelimiters = false
    /// Some variable or section tag applies a transform (`{{uppercased(name)}}`).
    private(set) var usesTransforms = false
    /// Every part of every name read (`page.title` gives `page` and `title`), dynamic partial
    /// names included: no key outside this set is ever looked up.
    private(set) var nameParts: Set<String> = []
    /// The first part of every name read (`page.title` gives `page`): the only names looked up
    /// in the context stack, so the only keys of the page's own top level ever read.
    private(set) var firstNameParts: Set<String> = []
    /// Some `{{>*name}}` tag picks its partial from a value.
    private(set) var hasDynamicPartials = false
    /// Some tag reads the current object itself (`{{.}}`) or starts a name with a dot, so a
    /// whole object may be printed.
    private(set) var readsWholeObjects = false

    init(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        // Open tags: true for sections (which push a context), false for blocks and parents.
        var open: [Bool] = []
        while let start = Self.find(bytes, UInt8(ascii: "{"), UInt8(ascii: "{"), from: index) {
            let atLineStart = start == 0 || bytes[start - 1] == UInt8(ascii: "\n")
            let triple = start + 2 < bytes.count && bytes[start + 2] == UInt8(ascii: "{")
            let bodyStart = start + (triple ? 3 : 2)
            guard let end = Self.find(bytes, UInt8(ascii: "}"), UInt8(ascii: "}"), from: bodyStart) else {
                isPlain = false
                return
            }
            index = end + (triple ? 3 : 2)
            var body = String(decoding: bytes[bodyStart..<end], as: UTF8.self)[...]
            body = body.drop { $0 == " " || $0 == "\t" }
            guard let sigil = body.first else {
                isPlain = false
                continue
            }
            let nested = open.contains(true)
            let name = { (rest: Substring) in rest.trimmingCharacters(in: .whitespaces) }
            switch sigil {
            case "!", "%":
                continue
            case "=", "$", "*":
                isPlain = false
                if sigil == "=" { changesDelimiters = true }
                if sigil == "$" { open.append(false) }
            case "#", "^":
                read(name(body.dropFirst()))
                open.append(true)
            case "/":
                if !open.isEmpty { open.removeLast() }
            case ">":
                let target = name(body.dropFirst())
                if target.hasPrefix("*") {
                    isPlain = false
                    hasDynamicPartials = true
                    recordParts(of: String(target.dropFirst()))
                    continue
                }
                partials.append(Use(name: target, nested: nested, atLineStart: atLineStart))
            case "<":
                parents.append(Use(name: name(body.dropFirst()), nested: nested, atLineStart: atLineStart))
                isPlain = false
                open.append(false)
            case "&":
                read(name(body.dropFirst()))
            default:
                read(name(body))
            }
        }
    }

    private mutating func recordParts(of name: String) {
        if name.isEmpty || name.hasPrefix(".") { readsWholeObjects = true }
        let parts = name.split(separator: ".")
        for part in parts { nameParts.insert(String(part)) }
        if let first = parts.first { firstNameParts.insert(String(first)) }
    }

    private mutating func read(_ name: String) {
        if name.contains("(") { usesTransforms = true }
        recordParts(of: name)
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("("), !name.contains(" ") else {
            isPlain = false
            return
        }
        reads.insert(String(name.split(separator: ".", maxSplits: 1)[0]))
    }

    /// `part` of the template `name` and of every template reached from it through `following`,
    /// joined; nil when one of them is missing or `part` gives nil for it.
    static func union(from name: String, scans: [String: TagScan], following: (TagScan) -> [String],
                      of part: (TagScan) -> Set<String>?) -> Set<String>? {
        var result: Set<String> = []
        var pending = [name]
        var seen: Set<String> = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            guard let scan = scans[next], let names = part(scan) else { return nil }
            result.formUnion(names)
            pending += following(scan)
        }
        return result
    }

    private static func find(_ bytes: [UInt8], _ first: UInt8, _ second: UInt8, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == first && bytes[index + 1] == second { return index }
            index += 1
        }
        return nil
    }
}
