import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// `EntryPage`: its typed walk must describe exactly the context its `dictionary` is, or entry
/// pages would be filled into the skeleton of another shape (or never filled at all).
@Suite struct EntryPageTests {
    /// Entries that reach every branch of an entry page: no enhanced code, an unregistered reply
    /// code, an unsafe reference, a related id that does not exist, a category that does not
    /// exist, empty lists, repeated providers, and texts with line breaks and markup.
    private static var awkwardKnowledgeBase: KnowledgeBase {
        let base = Fixtures.knowledgeBase
        var entries = base.entries
        entries.append(Fixtures.entry(
            "no-status", in: "mailbox", title: "Reply code only <b>&</b>", reply: 599, status: nil, reason: "mailbox-full",
            summary: "Ends with a line break\n", providers: ["Exim", "Exim", "Postfix"], related: ["no-status", "unknown-user"],
            references: [Reference(title: "", url: "https://example.org/a?b=1&c=2"), Reference(title: "Bad", url: "javascript:alert(1)")]))
        entries.append(Fixtures.entry(
            "bare", in: "mailbox", title: "Nothing listed", reply: 421, status: "4.9.99", reason: "no-such-reason", summary: ""))
        entries.append(Fixtures.entry(
            "lost", in: "no-such-category", title: "Its category is missing", reply: 550, status: "5.1.1", reason: "mailbox-not-found",
            summary: "Not listed anywhere.", match: ["one", "two"]))
        return KnowledgeBase(site: base.site, categories: base.categories, entries: entries)
    }

    private static func knowledgeBases() throws -> [(name: String, kb: KnowledgeBase)] {
        let real = ContentLoader(contentDirectory: Fixtures.content).load().knowledgeBase
        return [("awkward", awkwardKnowledgeBase), ("content/", real)]
    }

    /// The key and texts of one walk over `context`.
    private static func walk(_ context: Any, readNames: ReadNames?, standIns: Bool = false) -> (key: [UInt8], texts: [String], usable: Bool) {
        var walk = ShapeWalk(template: "entry", standIns: standIns, readNames: readNames)
        _ = walk.visit(context)
        return (walk.key, walk.texts, walk.isUsable)
    }

    @Test(arguments: ["/", "/help/", "https://kb.example.com/x/"])
    func theTypedWalkIsTheDictionarysWalk(baseURL: String) throws {
        let templates = try Fixtures.templateSet()
        let entryReadNames = try #require(templates.shapes.readNames["entry"], "the shipped entry template's names are known")
        // Names the shipped template reads, none (every key), and a few only.
        let readNameSets: [ReadNames?] = [entryReadNames, nil, ReadNames(parts: ["title", "href", "hasMatch", "entry", "status"], firstParts: ["entry", "hasMatch", "status"])]
        var pages = 0
        for (name, kb) in try Self.knowledgeBases() {
            let base = try #require(BaseURL(baseURL))
            let model = SiteModel(kb: kb, codes: .registry, base: base, templates: templates)
            for position in kb.entries.indices {
                let entry = kb.entries[position]
                let job = PageJob(path: SitePaths.entry(category: entry.category, id: entry.id), kind: .entry(position))
                let page = model.entryPage(for: job, position: position, sections: nil)
                let dictionary = page.dictionary
                for readNames in readNameSets {
                    let typed = Self.walk(page, readNames: readNames)
                    let plain = Self.walk(dictionary, readNames: readNames)
                    #expect(typed.usable && plain.usable, "\(name) \(entry.id)")
                    #expect(typed.key == plain.key, "\(name) \(entry.id): the shapes differ")
                    #expect(typed.texts == plain.texts, "\(name) \(entry.id): the texts differ")
                    // The stand-in walk (made when a shape's skeleton is made) has that shape too.
                    #expect(Self.walk(page, readNames: readNames, standIns: true).key == typed.key, "\(name) \(entry.id)")
                }
                pages += 1
            }
        }
        #expect(pages > 100, "the real content has entries")
    }

    @Test(arguments: [50, 3_000], ["extra", "zzextra"])
    func pageWideValuesAreWalkedInPlaceAndOverriddenByThePagesOwn(extraKeys: Int, prefix: String) throws {
        // Page-wide values named like page fields (the page's own win), and enough others that
        // the top level has more than 64 names or, with 3,000, a shape too large to cache (both
        // walks give up). Named "zz…", they come after every page field, so the walk passes its
        // limit among page-wide values only.
        let kb = Self.awkwardKnowledgeBase
        let templates = try Fixtures.templateSet()
        let model = SiteModel(kb: kb, codes: .registry, base: try #require(BaseURL("/")), templates: templates)
        var frame = model.frame(root: "../../")
        frame["page"] = TextValue("a page-wide page")
        frame["related"] = false
        for number in 0..<extraKeys { frame[prefix + String(format: "%04d", number)] = number.isMultiple(of: 3) ? true as any Sendable : TextValue("value \(number)") }
        let entryReadNames = try #require(templates.shapes.readNames["entry"])
        let readNameSets: [ReadNames?] = [nil, entryReadNames]
        for position in kb.entries.indices {
            let entry = kb.entries[position]
            let job = PageJob(path: SitePaths.entry(category: entry.category, id: entry.id), kind: .entry(position))
            var page = model.entryPage(for: job, position: position, sections: nil)
            page.layout = EntryPage.Layout(frame: frame)
            let dictionary = page.dictionary
            #expect(dictionary["page"] is [String: Any] && dictionary["related"] is [EntryCard], "the page's own values win")
            for readNames in readNameSets {
                let typed = Self.walk(page, readNames: readNames)
                let plain = Self.walk(dictionary, readNames: readNames)
                let (sameUsability, sameWalk) = (typed.usable == plain.usable, typed.key == plain.key && typed.texts == plain.texts)
                #expect(sameUsability, "\(entry.id)")
                if plain.usable { #expect(sameWalk, "\(entry.id)") }
            }
            if extraKeys > 1_000 {
                let usable = Self.walk(page, readNames: nil).usable
                #expect(!usable, "a shape this large is not cached")
            }
        }
    }

    @Test func uniqueInOrderKeepsFirstPlacesWhetherScannedOrHashed() {
        #expect(SiteModel.uniqueInOrder(["b", "a", "b", "c", "a"]) == ["b", "a", "c"])
        #expect(SiteModel.uniqueInOrder([]) == [])
        // Past 64 values the set is used; the result must be what the scan gives.
        let long = (0..<300).map { "w\(($0 * 7) % 90)" }
        var expected: [String] = []
        for value in long where !expected.contains(value) { expected.append(value) }
        #expect(SiteModel.uniqueInOrder(long) == expected)
        #expect(expected.count == 90)
        // Canonically equivalent spellings are one value either way.
        #expect(SiteModel.uniqueInOrder(["caf\u{E9}", "cafe\u{301}"]) == ["caf\u{E9}"])
        #expect(SiteModel.uniqueInOrder(Array(repeating: "cafe\u{301}", count: 70) + ["caf\u{E9}"]) == ["cafe\u{301}"])
    }

    @Test func theDictionaryHasEveryListsPresenceFlag() throws {
        let kb = Self.awkwardKnowledgeBase
        let model = SiteModel(kb: kb, codes: .registry, base: try #require(BaseURL("/")), templates: try Fixtures.templateSet())
        var sawEmptyAndFull = (empty: false, full: false)
        for position in kb.entries.indices {
            let entry = kb.entries[position]
            let job = PageJob(path: SitePaths.entry(category: entry.category, id: entry.id), kind: .entry(position))
            let dictionary = model.entryPage(for: job, position: position, sections: nil).dictionary
            var flagged = dictionary
            for key in dictionary.keys where key.hasPrefix("has") { flagged[key] = nil }
            SiteModel.addPresenceFlags(to: &flagged)
            #expect(Set(flagged.keys) == Set(dictionary.keys), "\(entry.id): a list without its flag, or a flag without its list")
            for key in dictionary.keys where key.hasPrefix("has") {
                #expect(flagged[key] as? Bool == dictionary[key] as? Bool, "\(entry.id): \(key)")
                if dictionary[key] as? Bool == true { sawEmptyAndFull.full = true } else { sawEmptyAndFull.empty = true }
            }
        }
        #expect(sawEmptyAndFull.empty && sawEmptyAndFull.full)
    }
}
