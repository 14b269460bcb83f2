import BounceKB
import Foundation
import Mustache
import Testing
@testable import SiteBuilder

/// `ShapeCache`: a page filled into the skeleton of its shape must be byte for byte the page
/// swift-mustache renders, whatever the texts hold, and anything the cache cannot vouch for must
/// be rendered the normal way.
@Suite struct ShapeCacheTests {
    /// A cache and a library over the same template texts (`name` → source).
    private func cacheAndLibrary(_ sources: [String: String]) throws -> (ShapeCache, MustacheLibrary) {
        UTF8HTMLContentType.register()
        var templates: [String: MustacheTemplate] = [:]
        for (name, source) in sources { templates[name] = try MustacheTemplate(string: source) }
        return (ShapeCache(sources: sources), MustacheLibrary(templates: templates))
    }

    /// Renders every context through the cache and directly, and expects the same bytes.
    private func expectSameOutput(_ contexts: [[String: Any]], template: String, sources: [String: String],
                                  sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> TemplateRenderCounts {
        let (cache, library) = try cacheAndLibrary(sources)
        for (index, context) in contexts.enumerated() {
            let direct = library.render(context, withTemplate: template)
            let cached = cache.render(template, context: context) { library.render($0, withTemplate: template) }
            #expect(cached.map { Array($0.utf8) } == direct.map { Array($0.utf8) }, "context \(index)", sourceLocation: sourceLocation)
        }
        return cache.counts
    }

    private static let page = """
    {{% CONTENT_TYPE: HTML }}
    <h1 title="{{title}}">{{title}}</h1>
    {{#hasItems}}<ul>
    {{#items}}<li><a href="{{href}}">{{label}}</a>{{#note}} ({{note}}){{/note}}</li>
    {{/items}}</ul>{{/hasItems}}
    <div>{{{bodyHTML}}}</div>
    {{>partials/indented}}
    """

    private static let indented = """
    {{% CONTENT_TYPE: HTML }}
      <p>{{lead}}</p>
      {{tail}}
      <em>{{tail}}</em>
    """

    private func context(_ title: String, items: [(String, String, String?)], body: String, lead: String, tail: String) -> [String: Any] {
        [
            "title": TextValue(title), "bodyHTML": TextValue(body), "lead": TextValue(lead), "tail": TextValue(tail),
            "hasItems": !items.isEmpty,
            "items": items.map { item -> [String: Any] in
                ["href": TextValue(item.0), "label": TextValue(item.1), "note": item.2.map { TextValue($0) as Any } ?? false]
            },
        ]
    }

    @Test func pagesOfOneShapeAreFilledAndMatchSwiftMustache() throws {
        // Texts that escaping, Unicode and Mustache's re-indenting treat specially, all in one shape.
        let awkward = [
            "plain words", "<script>alert('x')</script> & \"quoted\"", "quote then combining mark: '\u{301} \"\u{301}",
            "private use \u{E000}12<'\u{301}\u{E001} and \u{E000}", "café ñ 😀 \u{1F1EB}\u{1F1F7}", "tab\tand\u{0}nul",
            "ends with a line break\n", "ends with CR LF\r\n", "\n", "multi\nline\ntext",
        ]
        var contexts: [[String: Any]] = []
        for (index, text) in awkward.enumerated() {
            let other = awkward[(index + 3) % awkward.count]
            contexts.append(context(text, items: [("a.html?x=1&y=\"2\"", other, nil), (text, "b", other)], body: "<p>\(other)</p>", lead: other, tail: text))
        }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": Self.page, "partials/indented": Self.indented])
        #expect(counts.filled > 0, "the skeleton path must have been used, or this test proves nothing")
    }

    @Test func emptyTextsAndLineBreaksAreShapesOfTheirOwn() throws {
        // An indented partial re-indents after a text ending in "\n" and skips empty texts:
        // texts that differ that way must not share a skeleton.
        var contexts: [[String: Any]] = []
        for tail in ["", "x", "x\n", "", "y\n", "y", "\r\n", "z\r\n"] {
            for lead in ["", "lead", "lead\n"] {
                // Three of each: the first is rendered and kept, the second makes the skeleton (checked
                // against the first) and is filled, as is the third.
                for title in ["t", "u", "v"] { contexts.append(context(title, items: [], body: "", lead: lead, tail: tail)) }
            }
        }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": Self.page, "partials/indented": Self.indented])
        #expect(counts.filled > 0)
    }

    @Test func carriageReturnsNextToLineFeedsAreShapesOfTheirOwn() throws {
        // In an indented partial, "\r" then "\n" from two tokens make one "\r\n" character, after
        // which Mustache does not re-indent; a marker between them would break that pair.
        let page = "{{% CONTENT_TYPE: HTML }}<p>\n  {{>partials/lines}}\n</p>"
        let lines = "{{% CONTENT_TYPE: HTML }}{{a}}{{b}}\n{{c}}\nend\n"
        var contexts: [[String: Any]] = []
        for (a, b) in [("x", "\n"), ("x\r", "\n"), ("x", "y\n"), ("x\r", "y\n"), ("\r", "\n\n"), ("\r", "\n"), ("x\r", "\nz")] {
            for c in ["c", "d", "e"] {
                contexts.append(["a": TextValue(a), "b": TextValue(b), "c": TextValue(c)])
            }
        }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": page, "partials/lines": lines])
        #expect(counts.filled > 0)
        // On a fresh cache: a skeleton made from "\r" + "\n\n" (no pair at the end) must not serve
        // "\r" + "\n" (a pair at the end).
        let pairs = [("\r", "\n\n"), ("\r", "\n\n"), ("\r", "\n\n"), ("\r", "\n"), ("\r", "\n"), ("\r", "\n")].map { a, b -> [String: Any] in
            ["a": TextValue(a), "b": TextValue(b), "c": TextValue("c")]
        }
        let pairCounts = try expectSameOutput(pairs, template: "page", sources: ["page": page, "partials/lines": lines])
        #expect(pairCounts.filled > 0)
    }

    @Test func listLengthsBooleansAndMissingKeysChangeTheShape() throws {
        var contexts: [[String: Any]] = []
        for count in [0, 1, 2, 1, 0, 2, 3] {
            let items = (0..<count).map { ("h\($0)", "l\($0)", $0 % 2 == 0 ? "n\($0)" : nil) }
            contexts.append(context("c\(count)", items: items, body: "b", lead: "l", tail: "t"))
        }
        // A key missing at one level is looked up in the level below: `note` falls through to the page's.
        var fallsThrough = context("f", items: [("h", "l", nil)], body: "b", lead: "l", tail: "t")
        fallsThrough["items"] = [["href": TextValue("h"), "label": TextValue("l")]] as [[String: Any]]
        fallsThrough["note"] = TextValue("from the page")
        contexts += [fallsThrough, fallsThrough]
        _ = try expectSameOutput(contexts, template: "page", sources: ["page": Self.page, "partials/indented": Self.indented])
    }

    @Test func swiftMustachesOwnEscaperIsNeverImitated() throws {
        // Without the CONTENT_TYPE line, swift-mustache escapes character by character, which
        // differs from bouncekb's escaper for a quote followed by a combining mark.
        let page = "<p>{{title}}</p>{{{bodyHTML}}}"
        let contexts = (0..<4).map { context("it'\u{301}s \($0)", items: [], body: "<b>\($0)</b>", lead: "", tail: "") }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": page])
        #expect(counts.shapes == 0)
        #expect(counts.filled == 0)
    }

    @Test func transformsAndDelimiterChangesTurnTheCacheOff() throws {
        let transformed = "{{% CONTENT_TYPE: HTML }}<p>{{uppercased(title)}}</p>"
        let (cache, _) = try cacheAndLibrary(["page": transformed])
        #expect(!cache.isEnabled)
        let counts = try expectSameOutput((0..<3).map { context("title \($0)", items: [], body: "", lead: "", tail: "") },
                                          template: "page", sources: ["page": transformed])
        #expect(counts.filled == 0)
        let (delimited, _) = try cacheAndLibrary(["page": "{{=<% %>=}}<p><%title%></p>"])
        #expect(!delimited.isEnabled)
    }

    @Test func templatesPrintingWholeObjectsStillRenderCorrectly() throws {
        // `{{.}}` prints an object's description, which no skeleton can stand in for.
        let page = "{{% CONTENT_TYPE: HTML }}{{#items}}<i>{{.}}</i>{{/items}}<p>{{title}}</p>"
        let contexts: [[String: Any]] = (0..<4).map { ["title": TextValue("t\($0)"), "items": ["a\($0)", "b"]] }
        _ = try expectSameOutput(contexts, template: "page", sources: ["page": page])
    }

    @Test func theSecondPageOfAShapeIsRightWhetherOrNotItsSkeletonIsKept() throws {
        // The second page of a shape is filled from a skeleton checked only against the first
        // page: two of each, including texts ending in CR (which pair with a following LF, so
        // their skeletons fail that check) and swift-mustache's own escaper (no skeleton at all).
        var contexts: [[String: Any]] = []
        for tail in ["x", "x\r", "\n", "x\n", "<'\u{301}"] {
            for title in ["t", "u&"] { contexts.append(context(title, items: [("a", "/a", nil)], body: "<b>", lead: "l", tail: tail)) }
        }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": Self.page, "partials/indented": Self.indented])
        #expect(counts.filled > 0)
        let withItsOwnEscaper = Self.page.replacingOccurrences(of: "{{% CONTENT_TYPE: HTML }}\n", with: "")
        let plain = try expectSameOutput(contexts, template: "page", sources: ["page": withItsOwnEscaper, "partials/indented": Self.indented])
        #expect(plain.filled == 0, "swift-mustache's own escaper is never imitated")
    }

    @Test func keysNoTemplateReadsAreLeftOutOfTheShape() throws {
        let page = "{{% CONTENT_TYPE: HTML }}<p>{{title}}</p>"
        let contexts: [[String: Any]] = [
            ["title": TextValue("one"), "unused": [TextValue("a")]],
            ["title": TextValue("two"), "unused": [TextValue("a"), TextValue("b")], "other": true],
            ["title": TextValue("three")],
        ]
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": page])
        // The first is rendered and kept; the second makes the skeleton, checked against the
        // first, and is filled from it, as is the third.
        #expect(counts.filled == 2, "all three have the shape of a page with one text")
    }

    @Test func topLevelKeysReadOnlyAfterADotAreLeftOutOfTheShape() throws {
        // `nav.items` reads `items` only inside `nav`: the page's own `items` is never looked up.
        let page = "{{% CONTENT_TYPE: HTML }}<p>{{title}}</p>{{#nav.items}}<i>{{label}}</i>{{/nav.items}}"
        let contexts: [[String: Any]] = (0..<4).map { count in
            ["title": TextValue("t\(count)"), "nav": ["other": true] as [String: Any],
             "items": (0..<count).map { ["label": TextValue("l\($0)")] as [String: TextValue] }]
        }
        let counts = try expectSameOutput(contexts, template: "page", sources: ["page": page])
        #expect(counts.filled == 3, "the lists' lengths must not split the shape")

        // A section that pushes `nav` makes `items` a first name: a lookup that misses in `nav`
        // falls through to the page's `items`, whose length then matters.
        let pushing = "{{% CONTENT_TYPE: HTML }}<p>{{title}}</p>{{#nav}}{{#items}}<i>{{label}}</i>{{/items}}{{/nav}}"
        let twice = contexts + contexts.map { context in
            var copy = context
            copy["title"] = TextValue("again")
            return copy
        }
        let pushed = try expectSameOutput(twice, template: "page", sources: ["page": pushing])
        #expect(pushed.filled == 4, "one skeleton per list length")
    }

    @Test func everyPageOfTheSiteIsWhatSwiftMustacheRendersOnItsOwn() throws {
        for baseURL in ["/", "/help/", "https://help.example.com/docs/"] {
            var kb = Fixtures.knowledgeBase
            kb.site.baseURL = baseURL
            let renderer = try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: Fixtures.templateSet())
            // Twice, so that the second round is filled from skeletons.
            for _ in 0..<2 {
                for job in renderer.model.jobs {
                    let name = SiteModel.template(for: job.kind)
                    let direct = renderer.templates.library.render(renderer.model.context(for: job), withTemplate: name)
                    #expect(renderer.renderPageText(job).map { Array($0.utf8) } == direct.map { Array($0.utf8) }, "\(job.path) with base \(baseURL)")
                }
            }
            #expect(renderer.templates.shapes.counts.filled > 0)
        }
    }

    @Test func markersAreReadBackOnlyWhenWellFormed() {
        let texts = ["a<b", "c\n"]
        let raw = ShapeMarker.text(number: 0, endsWithLineBreak: false)
        let escaped = HTML.escape(raw)
        let withBreak = ShapeMarker.text(number: 1, endsWithLineBreak: true)
        let skeleton = Skeleton("x" + raw + "y" + escaped + "z" + withBreak + "w", texts: texts)
        #expect(skeleton.map { String(decoding: $0.fillBytes(texts), as: UTF8.self) } == "xa<bya&lt;bzc\nw")
        #expect(Skeleton("\u{E000}7<'\u{301}\u{E001}", texts: texts) == nil, "numbers a text that does not exist")
        #expect(Skeleton("\u{E000}0&lt;'\u{301}\u{E001}", texts: texts) == nil, "escaped by another escaper")
        #expect(Skeleton("\u{E000}1<'\u{301}\u{E001}", texts: texts) == nil, "its text ends in a line break, the marker does not")
        #expect(Skeleton("\u{E000}", texts: texts) == nil)
        #expect(Skeleton("no markers", texts: [])?.fillBytes([]) == Array("no markers".utf8))
    }

    @Test func nameSetsAnswerAsSetsDo() {
        // ASCII members (the fast table), members that are not ASCII, and no members; queries
        // of every length and first and last byte around them, and spellings only canonical
        // equivalence makes equal (U+212A KELVIN SIGN is "K", U+037E is ";").
        let memberSets: [Set<String>] = [
            ["title", "href", "hasMatch", "entry", "status", "K", "Key", ";", "", "a.b", "x1", "x2", "ba", "ab"],
            ["caf\u{E9}", "title", "K"],
            [],
        ]
        var queries: Set<String> = ["\u{212A}", "\u{212A}ey", "\u{37E}", "cafe\u{301}", "caf\u{E9}", "titles", "titl", "Title", " title"]
        for members in memberSets {
            for member in members {
                queries.insert(member)
                queries.insert(member + "x")
                queries.insert(String(member.dropFirst()))
                queries.insert(String(member.dropLast()))
                queries.insert(String(member.reversed()))
            }
        }
        for byte in 0..<128 { queries.insert(String(UnicodeScalar(UInt8(byte)))) }
        for members in memberSets {
            let names = NameSet(members)
            for query in queries.sorted() {
                #expect(names.contains(query) == members.contains(query), "\(members.sorted()) \(query.unicodeScalars.map { $0.value })")
            }
        }
    }

    @Test func aPageFramesKeptPiecesAreItsWalk() throws {
        // Partials rendered on their own walk the page-wide values below their item from a
        // piece made once (`LayeredContext.belowPieces`); the key and texts must be those of
        // walking the values, under any template's names, at the top level or below it, and
        // wherever the key reaches its limit: before the values, among them or after them.
        let templates = try Fixtures.templateSet()
        let kb = ContentLoader(contentDirectory: Fixtures.content).load().knowledgeBase
        let model = SiteModel(kb: kb, codes: .registry, base: try #require(BaseURL("/help/")), templates: templates)
        var readNameSets: [ReadNames?] = [nil, ReadNames(parts: ["site", "title", "root"], firstParts: ["site"])]
        for name in templates.names.sorted() { readNameSets.append(templates.shapes.readNames[name]) }
        let items: [any MustacheParent & Sendable] = [
            ["phraseHTML": TextValue("<b>a</b>")] as [String: TextValue],
            ["name": TextValue("Exim"), "href": TextValue("../../providers/#exim\n")] as [String: TextValue],
            [:] as [String: TextValue],
            // Past the key's limit by itself.
            Dictionary(uniqueKeysWithValues: (0..<3_400).map { (String(format: "key%05d", $0), TextValue("v")) }) as [String: TextValue],
        ]
        /// One walk of `context` for a template named `template`.
        func walk(_ context: LayeredContext, template: String, readNames: ReadNames?, isAtTopLevel: Bool)
            -> (key: [UInt8], texts: [String], usable: Bool, topLevel: Bool) {
            var walk = ShapeWalk(template: template, standIns: false, readNames: readNames)
            walk.isAtTopLevel = isAtTopLevel
            _ = walk.visit(context)
            return (walk.key, walk.texts, walk.isUsable, walk.isAtTopLevel)
        }
        /// Expects the kept pieces' walk (twice: the first makes the piece, the second uses it)
        /// to be the plain walk.
        func expectSameWalks(_ item: any MustacheParent & Sendable, layout: EntryPage.Layout, template: String, readNames: ReadNames?,
                             isAtTopLevel: Bool) -> Int {
            let plain = walk(LayeredContext(top: item, below: layout.frame), template: template, readNames: readNames, isAtTopLevel: isAtTopLevel)
            for _ in 0..<2 {
                let kept = walk(LayeredContext(top: item, over: layout), template: template, readNames: readNames, isAtTopLevel: isAtTopLevel)
                #expect(kept.key == plain.key && kept.texts == plain.texts && kept.usable == plain.usable && kept.topLevel == plain.topLevel,
                        "template name of \(template.utf8.count) bytes")
            }
            return 2
        }
        var walks = 0
        for root in ["../", "../../"] {
            let layout = model.layout(root: root)
            for readNames in readNameSets {
                for item in items {
                    for isAtTopLevel in [true, false] {
                        walks += expectSameWalks(item, layout: layout, template: "partials/x", readNames: readNames, isAtTopLevel: isAtTopLevel)
                    }
                }
            }
        }
        // The template's name starts the key: names of every length from well short of the
        // limit to the limit make the key reach it at every byte of the walk, the window just
        // before the page-wide values (under the limit, but not with their piece) included.
        let layout = model.layout(root: "../../")
        let item = items[1]
        for length in (ShapeWalk.maximumKeyBytes - 700)...ShapeWalk.maximumKeyBytes {
            for readNames in [nil, templates.shapes.readNames["partials/provider-link"] ?? nil] {
                walks += expectSameWalks(item, layout: layout, template: String(repeating: "t", count: length), readNames: readNames, isAtTopLevel: false)
            }
        }
        #expect(walks > 2_000)
    }

    @Test func objectsOpenedAtTheKeyLimitGiveUp() {
        // `open(_:)` (a read list's object) gives up exactly as `object(names:)` does.
        let list = ShapeWalk.ReadList(["a", "b"], readNames: nil, isAtTopLevel: false)
        for length in [1, ShapeWalk.maximumKeyBytes - 2, ShapeWalk.maximumKeyBytes - 1, ShapeWalk.maximumKeyBytes] {
            var opened = ShapeWalk(template: String(repeating: "t", count: length), standIns: false)
            var named = opened
            let didOpen = opened.open(list)
            named.object(names: ["a", "b"]) { _, _ in }
            #expect(didOpen == named.isUsable && opened.isUsable == named.isUsable, "template name of \(length) bytes")
            #expect(didOpen == (length + 1 < ShapeWalk.maximumKeyBytes))
        }
    }
}
