import Foundation
import Mustache

/// Renders each template once per *shape* of context, then makes every page of that shape by
/// putting its texts into the rendered skeleton.
///
/// Why: swift-mustache spends some 15,000 instructions on every tag it looks up (it splits the
/// name and makes several dynamic casts per context level), about 2 M per entry page, while the
/// 10,000 entry pages of a large site come in a dozen shapes. Two contexts have the same
/// shape when they have the same keys at every level, the same list lengths, the same booleans
/// and numbers, and the same empty texts and texts ending in a line break; everything Mustache
/// decides (which sections open, which lookups fall through to an outer level, what is
/// re-indented) then comes out the same, and only the texts printed differ.
///
/// How: the first context of a shape is rendered normally, and the page kept with its texts. The
/// second is rendered with every non-empty text replaced by a marker (`U+E000`, its number, `<'`+U+0301, `U+E001`). The marker
/// shows in the output whether the tag escaped it: `{{x}}` turns it into `&lt;&#39;`+U+0301 with
/// bouncekb's byte-wise HTML escaper, `{{{x}}}` (and the `TEXT` content type) leave it as it is,
/// and swift-mustache's own character-wise escaper gives a third form, which this cache does not
/// reproduce. The skeleton is kept only if filling it with the first context's texts gives
/// exactly the first page; otherwise that shape is always rendered the normal way. The second
/// and later contexts of the shape are filled into the skeleton.
///
/// Templates with transforms (`{{uppercased(x)}}`, which would change a text the marker cannot
/// show) or set-delimiter tags (which hide tags from that check) are never cached, and neither
/// are contexts holding values other than texts, strings, booleans, integers, lists, string-keyed
/// dictionaries and the site's own context types. Safe to use from several threads at once.
final class ShapeCache: @unchecked Sendable {
    /// Whether the templates allow caching at all.
    let isEnabled: Bool
    /// Per template, the names it and the templates it includes or inherits read; no entry when
    /// that is unknown or they may print whole objects. Keys outside them are left out of
    /// shapes: no lookup made while rendering that template ever reaches them.
    /// (Internal, not private, for `EntryPageTests`, which walk with the shipped template's names.)
    let readNames: [String: ReadNames]
    private let maximumShapes: Int
    private let maximumBytes: Int
    private let lock = NSLock()
    // Guarded by `lock`. A nil skeleton: that shape renders the normal way.
    private var skeletons: [ShapeKey: Skeleton?] = [:]
    /// Shapes met once, with their page: a skeleton is made when one comes again (most pages that
    /// list many entries have a shape of their own and would only pay for an extra render), and
    /// checked against that first page, so that no page of the shape is rendered twice.
    private var firstPages: [ShapeKey: FirstPage] = [:]
    /// First pages larger than this are not kept (and their shape never gets a skeleton): pages
    /// that large list hundreds of entries and have a shape of their own, and keeping them
    /// until the end of a large build would only add to its peak memory.
    private static let maximumFirstPageBytes = 256 << 10
    private var skeletonBytes = 0
    private var statistics = TemplateRenderCounts()

    /// - Parameters:
    ///   - sources: every template's text, by name.
    ///   - maximumShapes, maximumBytes: bounds on what the cache keeps; beyond them new shapes
    ///     render the normal way, so memory stays flat on any site.
    convenience init(sources: [String: String], maximumShapes: Int = 8_192, maximumBytes: Int = 64 << 20) {
        self.init(scans: sources.mapValues(TagScan.init), maximumShapes: maximumShapes, maximumBytes: maximumBytes)
    }

    /// `init(sources:)` from the templates' scans, made once for this and `FixedPartials`.
    init(scans: [String: TagScan], maximumShapes: Int = 8_192, maximumBytes: Int = 64 << 20) {
        isEnabled = !scans.values.contains { $0.changesDelimiters || $0.usesTransforms }
        var readNames: [String: ReadNames] = [:]
        for name in scans.keys {
            if let parts = Self.names(readBy: name, scans: scans, \.nameParts),
               let firstParts = Self.names(readBy: name, scans: scans, \.firstNameParts) {
                readNames[name] = ReadNames(parts: parts, firstParts: firstParts)
            }
        }
        self.readNames = readNames
        self.maximumShapes = maximumShapes
        self.maximumBytes = maximumBytes
    }

    /// The name parts (`names`: all of them, or only the first of each name) `template` and every
    /// template it reaches through `{{>partial}}` and `{{<parent}}` read; nil when one of them
    /// may print a whole object or names a partial that does not exist.
    private static func names(readBy template: String, scans: [String: TagScan], _ names: KeyPath<TagScan, Set<String>>) -> Set<String>? {
        TagScan.union(
            from: template, scans: scans, following: { $0.partials.map(\.name) + $0.parents.map(\.name) },
            of: { $0.readsWholeObjects || $0.hasDynamicPartials ? nil : $0[keyPath: names] })
    }

    /// Counts so far.
    var counts: TemplateRenderCounts {
        lock.lock()
        defer { lock.unlock() }
        return statistics
    }

    /// `template` rendered with `context`; `render` renders a context the normal way (nil when the
    /// template is missing).
    func render(_ template: String, context: Any, with render: (Any) -> String?) -> String? {
        renderPage(template, context: context, with: render)?.text
    }

    /// `render(_:context:with:)` as a `RenderedPage`, whose filled pages are written without
    /// first being made into strings.
    func renderPage(_ template: String, context: Any, with render: (Any) -> String?) -> RenderedPage? {
        guard isEnabled else { return counted(render(context)) }
        var walk = ShapeWalk(template: template, standIns: false, readNames: readNames[template])
        _ = walk.visit(context)
        guard walk.isUsable else { return counted(render(context)) }
        let key = ShapeKey(bytes: walk.key)

        lock.lock()
        let cached = skeletons[key]
        let isFull = skeletons.count >= maximumShapes || skeletonBytes >= maximumBytes
        // Counted here, in the one critical section a filled page needs.
        if case .some(.some) = cached { statistics.filled += 1 }
        lock.unlock()
        switch cached {
        case .some(.some(let skeleton)):
            return .bytes(skeleton.fillBytes(walk.texts))
        case .some(.none):
            return counted(render(context))
        case .none:
            break
        }
        guard let firstOfShape = seen(key) else {
            // The first page of a shape: rendered the normal way and kept, with its texts, to
            // check the skeleton against when a second page of the shape comes.
            guard let page = render(context) else { return counted(nil) }
            remember(FirstPage(texts: walk.texts, page: page), for: key, full: isFull)
            return counted(page)
        }

        var standInWalk = ShapeWalk(template: template, standIns: true, readNames: readNames[template])
        let standIn = standInWalk.visit(context)
        var skeleton: Skeleton?
        if standInWalk.isUsable, standInWalk.key == walk.key, let text = render(standIn),
           let candidate = Skeleton(text, texts: firstOfShape.texts),
           candidate.fillBytes(firstOfShape.texts).elementsEqual(firstOfShape.page.utf8) {
            skeleton = candidate
        }
        lock.lock()
        if skeletons[key] == nil {
            skeletons[key] = .some(skeleton)
            skeletonBytes += (skeleton?.byteCount ?? 0) - firstOfShape.page.utf8.count
            if skeleton != nil { statistics.shapes += 1 }
        }
        firstPages[key] = nil
        if skeleton != nil { statistics.filled += 1 }
        lock.unlock()
        if let skeleton { return .bytes(skeleton.fillBytes(walk.texts)) }
        return counted(render(context))
    }

    /// A shape's first page, waiting for a second page of its shape.
    private struct FirstPage {
        let texts: [String]
        let page: String
    }

    /// The first page of the shape `key`, if one was rendered and kept before.
    private func seen(_ key: ShapeKey) -> FirstPage? {
        lock.lock()
        defer { lock.unlock() }
        return firstPages[key]
    }

    /// Keeps `first` for its shape unless the cache is full or already knows the shape.
    private func remember(_ first: FirstPage, for key: ShapeKey, full: Bool) {
        let bytes = first.page.utf8.count
        guard !full, bytes <= Self.maximumFirstPageBytes else { return }
        lock.lock()
        if skeletons[key] == nil, firstPages[key] == nil {
            firstPages[key] = first
            skeletonBytes += bytes
        }
        lock.unlock()
    }

    /// `page`, rendered the normal way, counted as such.
    private func counted(_ page: String?) -> RenderedPage? {
        lock.lock()
        statistics.rendered += 1
        lock.unlock()
        return page.map(RenderedPage.text)
    }
}

/// A page as `ShapeCache` made it: swift-mustache's text, or the UTF-8 bytes of a filled
/// skeleton. Those bytes are a valid page's pieces and whole strings, so valid UTF-8; making
/// them into a `String` would check every byte again, which was 3 % of a large build.
enum RenderedPage: Sendable {
    case text(String)
    case bytes([UInt8])

    var text: String {
        switch self {
        case .text(let text): return text
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    var byteCount: Int {
        switch self {
        case .text(let text): return text.utf8.count
        case .bytes(let bytes): return bytes.count
        }
    }

    /// Calls `body` with the page's UTF-8 bytes.
    func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        switch self {
        case .text(let text):
            var text = text
            return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        case .bytes(let bytes):
            return bytes.withUnsafeBytes(body)
        }
    }
}

/// A shape, as `ShapeWalk` writes it, as a dictionary key. An array of bytes hashes byte by
/// byte, some forty instructions each, and a page's shape is a kilobyte or more.
struct ShapeKey: Hashable, Sendable {
    let bytes: [UInt8]
    /// The bytes' hash, computed once when the key is made, outside the cache's lock: every
    /// render looks its shape up under that lock, and hashing a kilobyte there made the render
    /// threads wait for each other.
    private let hash: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var hasher = Hasher()
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        hash = hasher.finalize()
    }

    static func == (lhs: ShapeKey, rhs: ShapeKey) -> Bool {
        lhs.hash == rhs.hash && lhs.bytes == rhs.bytes
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}

/// A page rendered with markers in place of its texts, cut into literal bytes and text slots.
struct Skeleton: Sendable {
    enum Part: Sendable {
        case literal([UInt8])
        case text(Int, escaped: Bool)
    }

    let parts: [Part]
    let byteCount: Int

    /// Cuts `rendered` at its markers; nil when a marker is malformed, numbers no text, or was
    /// escaped some other way than bouncekb's HTML escaper.
    init?(_ rendered: String, texts: [String]) {
        let bytes = Array(rendered.utf8)
        var parts: [Part] = []
        var literalStart = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == ShapeMarker.openByte0, index + 2 < bytes.count,
                  bytes[index + 1] == ShapeMarker.openByte1, bytes[index + 2] == ShapeMarker.openByte2 else {
                index += 1
                continue
            }
            guard let marker = ShapeMarker.parse(bytes, at: index), marker.number < texts.count else { return nil }
            var end = marker.end
            // A text ending in a line break has its marker end in one too (see `ShapeMarker`).
            let text = texts[marker.number]
            if text.utf8.last == UInt8(ascii: "\n") && text.last == "\n" {
                guard end < bytes.count, bytes[end] == UInt8(ascii: "\n") else { return nil }
                end += 1
            }
            if literalStart < index { parts.append(.literal(Array(bytes[literalStart..<index]))) }
            parts.append(.text(marker.number, escaped: marker.escaped))
            index = end
            literalStart = end
        }
        if literalStart < bytes.count { parts.append(.literal(Array(bytes[literalStart..<bytes.count]))) }
        self.parts = parts
        byteCount = bytes.count
    }

    /// The page, as UTF-8 bytes, for a context of this shape whose texts, in walk order, are
    /// `texts`.
    func fillBytes(_ texts: [String]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(byteCount + 4 * texts.reduce(0) { $0 + $1.utf8.count })
        for part in parts {
            switch part {
            case .literal(let bytes):
                output.append(contentsOf: bytes)
            case .text(let number, let escaped):
                if escaped {
                    HTML.appendEscaped(texts[number], to: &output)
                } else {
                    output.append(contentsOf: texts[number].utf8)
                }
            }
        }
        return output
    }
}

/// The text that stands in for text number N while a skeleton renders.
///
/// `U+E000`, N in decimal, `<'`+U+0301, `U+E001`, and a line break when the text ends in one (so
/// that Mustache re-indents after it exactly as after the text). `<` shows whether a tag escaped
/// it; the apostrophe with a combining mark is one character to swift-mustache's own escaper,
/// which then leaves it alone, and so tells that escaper's output from bouncekb's.
enum ShapeMarker {
    static let openByte0: UInt8 = 0xEE, openByte1: UInt8 = 0x80, openByte2: UInt8 = 0x80
    private static let rawTail = Array("<'\u{301}\u{E001}".utf8)
    private static let escapedTail = Array("&lt;&#39;\u{301}\u{E001}".utf8)

    static func text(number: Int, endsWithLineBreak: Bool) -> String {
        "\u{E000}\(number)<'\u{301}\u{E001}" + (endsWithLineBreak ? "\n" : "")
    }

    /// The marker starting at `start` (at its `U+E000`): its number, whether it was escaped, and
    /// where it ends (before any line break of its own).
    static func parse(_ bytes: [UInt8], at start: Int) -> (number: Int, escaped: Bool, end: Int)? {
        var index = start + 3
        var number = 0
        let digitsStart = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), index - digitsStart < 9 {
            number = number * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
        }
        guard index > digitsStart else { return nil }
        if matches(rawTail, in: bytes, at: index) { return (number, false, index + rawTail.count) }
        if matches(escapedTail, in: bytes, at: index) { return (number, true, index + escapedTail.count) }
        return nil
    }

    private static func matches(_ tail: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard index + tail.count <= bytes.count else { return false }
        for offset in 0..<tail.count where bytes[index + offset] != tail[offset] { return false }
        return true
    }
}

/// A value a page context may hold, described for `ShapeCache`.
protocol TemplateShaped {
    /// Writes this value's shape into `walk` and returns its stand-in (itself unless the walk
    /// makes stand-ins).
    func visitShape(_ walk: inout ShapeWalk) -> Any
}

/// The names a template (with its partials and parents) reads. A class: walks of a template's
/// pages keep what they worked out for it by its identity (see `WalkMemo`).
final class ReadNames: Sendable {
    /// Every part of every name: a key anywhere may be reached by one of them.
    let parts: NameSet
    /// The first part of every name. Only these are looked up in the context stack; the rest
    /// are children of what the part before them found. The page's own top level is the bottom
    /// of the stack and no value's child, so only these reach its keys.
    let firstParts: NameSet
    /// `parts` and `firstParts` sorted: a dictionary with more keys than a template reads
    /// (the page-wide values under a one-line partial) is walked by looking these up.
    let sortedParts: [String]
    let sortedFirstParts: [String]

    init(parts: Set<String>, firstParts: Set<String>) {
        self.parts = NameSet(parts)
        self.firstParts = NameSet(firstParts)
        sortedParts = parts.sorted()
        sortedFirstParts = firstParts.sorted()
    }
}

/// Values a walk works out once per template (its `ReadNames`) and level instead of on every
/// page: a walk plan, or the piece of a value every page has. Safe to use from several threads
/// at once.
final class WalkMemo<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`. Each value keeps its names object, so no other can take its identity.
    private var values: [(readNames: ReadNames?, isAtTopLevel: Bool, value: Value)] = []

    init() {}

    /// The value for `readNames` at the top level of a context or below it, made by `make` the
    /// first time.
    func value(for readNames: ReadNames?, isAtTopLevel: Bool, make: () -> Value) -> Value {
        lock.lock()
        if let known = values.first(where: { $0.readNames === readNames && $0.isAtTopLevel == isAtTopLevel }) {
            lock.unlock()
            return known.value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if !values.contains(where: { $0.readNames === readNames && $0.isAtTopLevel == isAtTopLevel }) {
            values.append((readNames, isAtTopLevel, value))
        }
        lock.unlock()
        return value
    }
}

/// A set of names whose membership test does not hash.
///
/// Why: a walk asks whether a template reads a name some 150 times per entry page (the
/// page's names, its objects', its items' and cards'), and hashing a string costs some 250
/// instructions. Names are short ASCII, so comparing the bytes of the few members of the
/// same length and first and last byte is several times cheaper. A name with other bytes is
/// looked up in the `Set`, whose equality (canonical equivalence: `"\u{212A}"` is `"K"`) this
/// one must keep.
struct NameSet: Sendable {
    private let members: Set<String>
    /// ASCII members by `bucket(count:first:last:)`; empty when some member is not ASCII.
    private let buckets: [[[UInt8]]]

    init(_ members: Set<String>) {
        self.members = members
        guard !members.isEmpty, members.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else {
            buckets = []
            return
        }
        var buckets = [[[UInt8]]](repeating: [], count: Self.bucketCount)
        for member in members.sorted() {
            let bytes = Array(member.utf8)
            buckets[Self.bucket(count: bytes.count, first: bytes.first ?? 0, last: bytes.last ?? 0)].append(bytes)
        }
        self.buckets = buckets
    }

    private static let bucketCount = 256

    private static func bucket(count: Int, first: UInt8, last: UInt8) -> Int {
        (count &* 7 &+ Int(first) &* 3 &+ Int(last)) & (bucketCount - 1)
    }

    func contains(_ name: String) -> Bool {
        guard !buckets.isEmpty else { return members.contains(name) }
        let answer = name.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            var combined: UInt8 = 0
            for byte in bytes { combined |= byte }
            guard combined < 0x80 else { return nil }
            let candidates = buckets[Self.bucket(count: bytes.count, first: bytes.first ?? 0, last: bytes.last ?? 0)]
            for candidate in candidates where candidate.count == bytes.count {
                if candidate.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return true }
            }
            return false
        }
        guard let known = answer ?? nil else { return members.contains(name) }
        return known
    }
}

/// One walk over a context: its shape as bytes, its texts in order, and optionally the same
/// context with markers in place of the texts. Both walks visit values in the same order
/// (dictionary keys sorted), so text number N is the same text in both.
struct ShapeWalk {
    private(set) var key: [UInt8]
    private(set) var texts: [String] = []
    /// False once a value of a kind the cache does not know was met.
    private(set) var isUsable = true
    let standIns: Bool
    /// Names templates can look up (nil: any name); other keys are skipped.
    private let readNames: ReadNames?
    /// True until the walk opens the context's top level (a dictionary, or both levels of a
    /// `LayeredContext`), whose keys only first name parts reach.
    var isAtTopLevel = true
    static let maximumKeyBytes = 32 << 10

    init(template: String, standIns: Bool, readNames: ReadNames? = nil) {
        key = Array(template.utf8)
        key.append(0)
        key.reserveCapacity(512)
        self.standIns = standIns
        self.readNames = readNames
    }

    /// A walk that writes one value's part of a shape, for `Piece`: no template name first.
    private init(pieceOf readNames: ReadNames?, isAtTopLevel: Bool) {
        key = []
        standIns = false
        self.readNames = readNames
        self.isAtTopLevel = isAtTopLevel
    }

    /// What walking one value writes, worked out once for a value walked the same way on many
    /// pages (the page-wide values: the same for every page with the same link root).
    struct Piece: Sendable {
        let key: [UInt8]
        let texts: [String]
        let isUsable: Bool

        /// What `walkValue` writes at the top level of a context or below it, with `readNames`.
        init(readNames: ReadNames?, isAtTopLevel: Bool, _ walkValue: (inout ShapeWalk) -> Void) {
            var walk = ShapeWalk(pieceOf: readNames, isAtTopLevel: isAtTopLevel)
            walkValue(&walk)
            key = walk.key
            texts = walk.texts
            isUsable = walk.isUsable
        }
    }

    /// Writes `piece`, made by `walkValue` with this walk's names at this walk's level, as
    /// `walkValue` would. Once the key is near its limit `walkValue` walks instead: the walk
    /// gives up at the same point either way.
    mutating func append(_ piece: Piece, orWalk walkValue: (inout ShapeWalk) -> Void) {
        guard key.count + piece.key.count < Self.maximumKeyBytes else {
            walkValue(&self)
            return
        }
        if !piece.isUsable { isUsable = false }
        key.append(contentsOf: piece.key)
        texts.append(contentsOf: piece.texts)
    }

    /// The names the walk's template reads; nil when any name may be read.
    var templateNames: ReadNames? { readNames }

    /// Which of an object's names a template reads, worked out once: their positions in the
    /// object's names, each with its bytes as `name(_:)` writes them.
    struct ReadList: Sendable {
        let names: [(index: Int, encoded: [UInt8])]

        /// The names of `names` (sorted as `String` sorts) that `readNames` can reach in an
        /// object at the top level of a context or below it.
        init(_ names: [String], readNames: ReadNames?, isAtTopLevel: Bool) {
            let probe = ShapeWalk(pieceOf: readNames, isAtTopLevel: isAtTopLevel)
            self.names = names.indices.filter { probe.isRead(names[$0]) }.map { ($0, ShapeWalk.encodedName(names[$0])) }
        }
    }

    /// Opens an object whose read names are `list`, as `object(names:kind:_:)` does; false
    /// when the walk gave up instead (its key is at its limit). The caller writes each of
    /// `list`'s names with `name(encoded:)`, each followed by its value.
    mutating func open(_ list: ReadList, kind: UInt8 = UInt8(ascii: "{")) -> Bool {
        guard key.count < Self.maximumKeyBytes else {
            isUsable = false
            return false
        }
        open(kind, count: list.names.count)
        return true
    }

    /// `name`'s bytes as `name(_:)` writes them.
    static func encodedName(_ name: String) -> [UInt8] {
        var walk = ShapeWalk(pieceOf: nil, isAtTopLevel: false)
        walk.name(name)
        return walk.key
    }

    /// Writes name bytes made by `encodedName(_:)`.
    mutating func name(encoded bytes: [UInt8]) {
        key.append(contentsOf: bytes)
    }

    /// Whether a template can look `name` up in the value the walk is about to open.
    func isRead(_ name: String) -> Bool {
        guard let readNames else { return true }
        return isAtTopLevel ? readNames.firstParts.contains(name) : readNames.parts.contains(name)
    }

    mutating func visit(_ value: Any) -> Any {
        // A context this large is a page listing much of the site, whose shape is its own.
        guard key.count < Self.maximumKeyBytes else {
            isUsable = false
            return value
        }
        // The kinds page contexts hold, told apart by their type pointer and then cast to that
        // same type, which is a copy: a protocol cast looks the conformance up (and a failed cast
        // to a class makes Foundation try bridging a dictionary first).
        switch ObjectIdentifier(type(of: value)) {
        case KnownType.text:
            if let value = value as? TextValue { return text(value.text) }
        case KnownType.bool:
            if let value = value as? Bool { return value.visitShape(&self) }
        case KnownType.anyDictionary:
            if let value = value as? [String: Any] { return dictionary(value) }
        case KnownType.textDictionary:
            if let value = value as? [String: TextValue] { return textDictionary(value) }
        case KnownType.cards:
            if let value = value as? [EntryCard] { return cards(value) }
        case KnownType.anyDictionaries:
            if let value = value as? [[String: Any]] { return list(value) { $0.dictionary($1) } }
        case KnownType.textDictionaries:
            if let value = value as? [[String: TextValue]] { return list(value) { $0.textDictionary($1) } }
        case KnownType.layered:
            if let value = value as? LayeredContext { return value.visitShape(&self) }
        case KnownType.entryPage:
            if let value = value as? EntryPage { return value.visitShape(&self) }
        case KnownType.flagDictionary:
            if let value = value as? [String: Bool] { return dictionary(value) }
        default:
            break
        }
        guard let shaped = value as? any TemplateShaped else {
            isUsable = false
            return value
        }
        return shaped.visitShape(&self)
    }

    private enum KnownType {
        static let text = ObjectIdentifier(TextValue.self)
        static let bool = ObjectIdentifier(Bool.self)
        static let anyDictionary = ObjectIdentifier([String: Any].self)
        static let textDictionary = ObjectIdentifier([String: TextValue].self)
        static let cards = ObjectIdentifier([EntryCard].self)
        static let anyDictionaries = ObjectIdentifier([[String: Any]].self)
        static let textDictionaries = ObjectIdentifier([[String: TextValue]].self)
        // Each of these would otherwise cost a conformance look-up (`as? any TemplateShaped`).
        static let layered = ObjectIdentifier(LayeredContext.self)
        static let entryPage = ObjectIdentifier(EntryPage.self)
        static let flagDictionary = ObjectIdentifier([String: Bool].self)
    }

    /// A string-keyed dictionary, its keys in sorted order.
    mutating func dictionary<Value>(_ dictionary: [String: Value]) -> Any {
        self.dictionary(dictionary) { walk, value in walk.visit(value) }
    }

    /// `dictionary(_:)` for texts only, without boxing each value to find its kind.
    mutating func textDictionary(_ dictionary: [String: TextValue]) -> Any {
        self.dictionary(dictionary) { walk, value in walk.text(value.text) }
    }

    /// A string-keyed dictionary whose values `value` visits, its keys in sorted order.
    private mutating func dictionary<Value>(_ dictionary: [String: Value], _ value: (inout ShapeWalk, Value) -> Any) -> Any {
        // The names with their values, so that no key is hashed a second time to find its value.
        var items: [(name: String, value: Value)] = []
        let readable = readNames.map { isAtTopLevel ? $0.sortedFirstParts : $0.sortedParts }
        if let readable, readable.count < dictionary.count {
            items.reserveCapacity(readable.count)
            for name in readable {
                if let item = dictionary[name] { items.append((name, item)) }
            }
        } else {
            items.reserveCapacity(dictionary.count)
            for (name, item) in dictionary where isRead(name) { items.append((name, item)) }
            items.sort { $0.name < $1.name }
        }
        open(UInt8(ascii: "{"), count: items.count)
        var standIn: [String: Any] = [:]
        if standIns { standIn.reserveCapacity(items.count) }
        for item in items {
            self.name(item.name)
            let visited = value(&self, item.value)
            if standIns { standIn[item.name] = visited }
        }
        return standIns ? standIn : dictionary
    }

    /// An object with the keys `names`, sorted as `String` sorts them, walked as
    /// `dictionary(_:)` walks a dictionary with those keys: the names a template reads, in that
    /// order, each followed by its value, which `value` visits given its offset in `names`.
    /// `kind` tells objects of other types (entry cards) from dictionaries.
    mutating func object<Names: Collection>(names: Names, kind: UInt8 = UInt8(ascii: "{"), _ value: (inout ShapeWalk, Int) -> Void)
    where Names.Element == String, Names.Index == Int {
        // As `visit(_:)` does before every value: a context this large has a shape of its own.
        guard key.count < Self.maximumKeyBytes else {
            isUsable = false
            return
        }
        // Which names are read, as bits: no list is made for the dozen objects of a page.
        guard names.count <= 64 else {
            let read = names.indices.filter { isRead(names[$0]) }
            open(kind, count: read.count)
            for index in read {
                name(names[index])
                value(&self, index - names.startIndex)
            }
            return
        }
        var read: UInt64 = 0
        for index in names.indices where isRead(names[index]) { read |= 1 << UInt64(index - names.startIndex) }
        open(kind, count: read.nonzeroBitCount)
        while read != 0 {
            let index = names.startIndex + read.trailingZeroBitCount
            read &= read - 1
            name(names[index])
            value(&self, index - names.startIndex)
        }
    }

    /// A list whose elements `element` visits.
    mutating func list<Element>(_ list: [Element], _ element: (inout ShapeWalk, Element) -> Any) -> Any {
        open(UInt8(ascii: "["), count: list.count)
        guard standIns else {
            for item in list { _ = element(&self, item) }
            return list
        }
        var standIn: [Any] = []
        standIn.reserveCapacity(list.count)
        for item in list { standIn.append(element(&self, item)) }
        return standIn
    }

    /// A list of entry cards, the longest lists on a site's pages.
    private mutating func cards(_ cards: [EntryCard]) -> Any {
        list(cards) { walk, card in card.visitShape(&walk) }
    }

    /// A `TextValue`'s text.
    mutating func text(_ text: String) -> Any {
        guard !text.isEmpty else {
            key.append(UInt8(ascii: "e"))
            return TextValue("")
        }
        // Mustache re-indents after output whose last *character* is "\n" ("\r\n" is one); the
        // byte test settles most texts. A CR and an LF printed by two tokens make one "\r\n",
        // which a marker between them would not, and that changes the last character when the
        // text is a lone LF or ends in CR: those are shapes of their own, and the check against
        // the normal render keeps or drops their skeleton.
        let utf8 = text.utf8
        // The last byte once, from the text's storage (the collection's `last` walks indices).
        let lastByte = utf8.withContiguousStorageIfAvailable { $0.last } ?? utf8.last
        let endsWithLineBreak = lastByte == UInt8(ascii: "\n") && text.last == "\n"
        let joinsCRLF = lastByte == UInt8(ascii: "\r") || (utf8.count == 1 && lastByte == UInt8(ascii: "\n"))
        key.append((endsWithLineBreak ? UInt8(ascii: "n") : UInt8(ascii: "t")) - (joinsCRLF ? 0x20 : 0))
        texts.append(text)
        return standIns ? TextValue(ShapeMarker.text(number: texts.count - 1, endsWithLineBreak: endsWithLineBreak)) : TextValue(text)
    }

    /// A text, or `false` where there is none: the walk of `TextValue.orFalse(text)`.
    mutating func text(orFalse text: String?) -> Any {
        guard let text else { return false.visitShape(&self) }
        return self.text(text)
    }

    /// A value that is part of the shape itself (a number, a boolean, a plain string).
    mutating func fixed(_ kind: UInt8, _ description: String) {
        key.append(kind)
        appendLength(description.utf8.count)
        key.append(contentsOf: description.utf8)
    }

    /// Starts a dictionary, list or object; what it holds is below the top level.
    mutating func open(_ kind: UInt8, count: Int) {
        isAtTopLevel = false
        key.append(kind)
        appendLength(count)
    }

    mutating func name(_ name: String) {
        appendLength(name.utf8.count)
        key.append(contentsOf: name.utf8)
    }

    private mutating func appendLength(_ length: Int) {
        var rest = length
        repeat {
            key.append(UInt8(truncatingIfNeeded: rest & 0x7F) | (rest > 0x7F ? 0x80 : 0))
            rest >>= 7
        } while rest > 0
    }
}

extension TextValue: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any { walk.text(text) }
}

extension String: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        walk.fixed(UInt8(ascii: "s"), self)
        return self
    }
}

extension Bool: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        walk.fixed(UInt8(ascii: "b"), self ? "1" : "0")
        return self
    }
}

extension Int: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        walk.fixed(UInt8(ascii: "i"), String(self))
        return self
    }
}

extension Array: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        walk.list(self) { walk, element in walk.visit(element) }
    }
}

extension Dictionary: TemplateShaped where Key == String {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        walk.dictionary(self)
    }
}

extension LayeredContext: TemplateShaped {
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        // Both levels are one context level: a top level when the layered context is the page.
        let isTopLevel = walk.isAtTopLevel
        walk.open(UInt8(ascii: "L"), count: 2)
        walk.isAtTopLevel = isTopLevel
        let top = walk.visit(self.top)
        walk.isAtTopLevel = isTopLevel
        if !walk.standIns, let belowPieces {
            let names = walk.templateNames
            let piece = belowPieces.value(for: names, isAtTopLevel: isTopLevel) {
                ShapeWalk.Piece(readNames: names, isAtTopLevel: isTopLevel) { _ = $0.dictionary(self.below) }
            }
            walk.append(piece) { _ = $0.dictionary(self.below) }
            // As `dictionary(_:)` leaves it, having opened `below`.
            walk.isAtTopLevel = false
            return self
        }
        let below = walk.dictionary(self.below)
        guard walk.standIns, let top = top as? any MustacheParent, let below = below as? [String: Any] else { return self }
        return LayeredStandIn(top: top, below: below)
    }
}

/// `LayeredContext` with stand-in values.
private struct LayeredStandIn: MustacheParent {
    let top: any MustacheParent
    let below: [String: Any]

    func child(named name: String) -> Any? {
        top.child(named: name) ?? below[name]
    }
}
