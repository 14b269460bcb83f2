import BounceKB
import Foundation
import Markdown

/// One page to render: which template, and which part of the knowledge base it shows.
enum PageKind: Sendable, Equatable {
    case home
    case category(Int)
    case entry(Int)
    case replyCode(Int)
    case enhancedCode(Int)
    case codesIndex
    case providers
    case notFound
}

/// A page job: where the page goes and what it shows.
struct PageJob: Sendable {
    let path: String
    let kind: PageKind
}

/// Everything the page templates are fed, precomputed once per build so that rendering a page
/// is a handful of dictionary look-ups: no page scans the whole knowledge base.
struct SiteModel: Sendable {
    let kb: KnowledgeBase
    let codes: CodeCatalog
    let base: BaseURL
    let language: String
    /// Entry id → position in `kb.entries`.
    let entryIndex: [String: Int]
    /// Category id → position in `kb.categories`.
    let categoryIndex: [String: Int]
    /// Category position → entry positions, in knowledge-base order.
    let entriesByCategory: [[Int]]
    /// Reply code slug / enhanced slug → entry positions.
    let entriesByCode: [String: [Int]]
    let reasons: [String: Reason]
    /// Provider names sorted case-insensitively, with their anchor ids and entry positions.
    let providers: [(name: String, anchor: String, entries: [Int])]
    let providerAnchors: [String: String]
    /// Entry cards with their HTML, built once per link root that lists entries (see `EntryCard`).
    let cardsByRoot: [String: [EntryCard]]
    /// `frame(site:language:root:)` for the roots pages have, made once instead of per page.
    private let frames: [String: [String: any Sendable]]
    /// Entry pages' names in order, for the same roots as `frames`.
    private let layouts: [String: EntryPage.Layout]
    /// Renders the entry pages' ready-made lists (`matchHTML`, …); nil: they are empty.
    private let itemTemplates: TemplateSet?

    /// - Parameter templates: renders each entry card's `cardHTML` once per link root and the
    ///   entry pages' `matchHTML`, `providersHTML` and `referencesHTML`; without it (or without
    ///   the partial) those are empty.
    init(kb: KnowledgeBase, codes catalog: CodeCatalog, base: BaseURL, templates: TemplateSet? = nil) {
        self.kb = kb
        itemTemplates = templates
        // Codes that entries use but no registry lists get pages too: every code badge links somewhere.
        // Each distinct code is looked up once (a large site has many entries per code), and
        // what it adds is remembered with it.
        var unregistered: [CodeInfo] = []
        var addedForReply: [Int: CodeInfo?] = [:]
        var addedForStatus: [String: CodeInfo?] = [:]
        for position in kb.entries.indices {
            let reply = kb.entries[position].reply
            let forReply = addedForReply.value(forKey: reply) {
                catalog.reply(reply) == nil ? CodeCatalog.unregistered(reply: reply) : nil
            }
            if let forReply { unregistered.append(forReply) }
            if let status = kb.entries[position].status {
                let forStatus = addedForStatus.value(forKey: status) {
                    catalog.enhanced(status: status) == nil ? CodeCatalog.unregistered(status: status) : nil
                }
                if let forStatus { unregistered.append(forStatus) }
            }
        }
        codes = unregistered.isEmpty ? catalog : catalog.adding(unregistered)
        self.base = base
        language = SiteChecks.isLanguageTag(kb.site.language) ? kb.site.language : "en"
        entryIndex = Dictionary(kb.entries.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        categoryIndex = Dictionary(kb.categories.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        reasons = Dictionary(kb.reasons.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        var byCategory = Array(repeating: [Int](), count: kb.categories.count)
        var byCode: [String: [Int]] = [:]
        var byProvider: [String: [Int]] = [:]
        var slugForStatus: [String: String?] = [:]
        for position in kb.entries.indices {
            let entry = kb.entries[position]
            if let category = categoryIndex[entry.category] { byCategory[category].append(position) }
            byCode[String(entry.reply), default: []].append(position)
            if let status = entry.status {
                let slug = slugForStatus.value(forKey: status) { CodeCatalog.enhancedSlug(status: status) }
                if let slug { byCode[slug, default: []].append(position) }
            }
            // Each provider once per entry; the lists are a handful long, so no set is built.
            for (index, provider) in entry.providers.enumerated() where !entry.providers[..<index].contains(provider) {
                byProvider[provider, default: []].append(position)
            }
        }
        entriesByCategory = byCategory
        entriesByCode = byCode

        var anchors: [String: String] = [:]
        var usedAnchors: Set<String> = []
        var providerList: [(String, String, [Int])] = []
        for name in byProvider.keys.sorted(by: { ($0.lowercased(), $0) < ($1.lowercased(), $1) }) {
            var anchor = "provider-" + SitePaths.slug(name)
            var suffix = 2
            while usedAnchors.contains(anchor) {
                anchor = "provider-\(SitePaths.slug(name))-\(suffix)"
                suffix += 1
            }
            usedAnchors.insert(anchor)
            anchors[name] = anchor
            providerList.append((name, anchor, byProvider[name] ?? []))
        }
        providers = providerList
        providerAnchors = anchors

        // Every page that lists entries sits one or two folders deep (category and providers
        // pages; entry and code pages), so cards are needed with these two roots only.
        var frames: [String: [String: any Sendable]] = [:]
        for root in ["", "../", "../../", base.path] {
            frames[root] = Self.frame(site: kb.site, language: language, root: root)
        }
        self.frames = frames
        layouts = frames.mapValues(EntryPage.Layout.init)
        var cards: [String: [EntryCard]] = [:]
        for root in ["../", "../../"] where !kb.entries.isEmpty {
            let layout = layouts[root] ?? EntryPage.Layout(frame: Self.frame(site: kb.site, language: language, root: root))
            cards[root] = Self.entryCards(kb: kb, root: root, layout: layout, templates: templates)
        }
        cardsByRoot = cards
    }

    /// Every page of the site, in a fixed order.
    var jobs: [PageJob] {
        var jobs: [PageJob] = [PageJob(path: SitePaths.home, kind: .home)]
        for (position, category) in kb.categories.enumerated() {
            jobs.append(PageJob(path: SitePaths.category(category.id), kind: .category(position)))
        }
        for (position, entry) in kb.entries.enumerated() where categoryIndex[entry.category] != nil {
            jobs.append(PageJob(path: SitePaths.entry(category: entry.category, id: entry.id), kind: .entry(position)))
        }
        jobs.append(PageJob(path: SitePaths.codesIndex, kind: .codesIndex))
        for (position, code) in codes.replyCodes.enumerated() {
            jobs.append(PageJob(path: SitePaths.code(slug: code.slug), kind: .replyCode(position)))
        }
        for (position, code) in codes.enhancedCodes.enumerated() {
            jobs.append(PageJob(path: SitePaths.code(slug: code.slug), kind: .enhancedCode(position)))
        }
        jobs.append(PageJob(path: SitePaths.providers, kind: .providers))
        jobs.append(PageJob(path: SitePaths.notFound, kind: .notFound))
        return jobs
    }

    /// The template that renders a kind of page.
    static func template(for kind: PageKind) -> String {
        switch kind {
        case .home: return "home"
        case .category: return "category"
        case .entry: return "entry"
        case .replyCode, .enhancedCode: return "code"
        case .codesIndex: return "codes"
        case .providers: return "providers"
        case .notFound: return "404"
        }
    }

    // MARK: - Contexts

    /// The Mustache context for one page. Every value is a plain string, number, bool, array or
    /// dictionary; strings are raw text, escaped by the template, except keys ending in `HTML`,
    /// which hold HTML from cmark's safe mode or from `HTML.escape`.
    func context(for job: PageJob) -> [String: Any] {
        context(for: job, sections: nil)
    }

    /// `frame(site:language:root:)` for this site.
    func frame(root: String) -> [String: any Sendable] {
        frames[root] ?? Self.frame(site: kb.site, language: language, root: root)
    }

    /// The page-wide values for pages whose links start at `root`, with the walks kept of them.
    func layout(root: String) -> EntryPage.Layout {
        layouts[root] ?? EntryPage.Layout(frame: frame(root: root))
    }

    /// The values every page gets, for pages whose links start with `root`.
    ///
    /// Strings are `TextValue`s and fixed-shape objects are dictionaries of them (see
    /// `TextValue`): templates see the same values, and swift-mustache renders them faster.
    static func frame(site: Site, language: String, root: String) -> [String: any Sendable] {
        [
            "site": [
                "title": TextValue(site.title),
                "description": TextValue(site.description),
                "language": TextValue(language),
            ] as [String: TextValue],
            "root": TextValue(root),
            "homeHref": TextValue(root + SitePaths.home),
            "codesHref": TextValue(root + SitePaths.codesIndex),
            "providersHref": TextValue(root + SitePaths.providers),
            "stylesheetHref": TextValue(root + "\(SitePaths.assets)/site.css"),
            "iconHref": TextValue(root + "\(SitePaths.assets)/icon.svg"),
            // Site search (Search/SiteSearch.swift) writes the search page the box submits to.
            "search": true,
            "isHome": false,
            "nav": [:] as [String: Bool],
            "replacedBy": false,
        ]
    }

    /// The context for `job`; `sections` are the entry's Markdown sections already rendered
    /// (for an entry page), so that a build that also needs them elsewhere renders them once.
    func context(for job: PageJob, sections: EntrySections?) -> [String: Any] {
        let links = Links(page: job.path, base: base)
        var context: [String: Any] = [:]
        context.reserveCapacity(32)
        for (key, value) in frame(root: links.root) { context[key] = value }
        var title = ""
        var description = ""
        var crumbs: [Breadcrumb] = []

        switch job.kind {
        case .home:
            title = kb.site.title
            description = kb.site.description
            context["isHome"] = true
            context["categories"] = kb.categories.enumerated().map { position, category -> [String: Any] in
                let count = entriesByCategory[position].count
                return [
                    "title": TextValue(category.title), "summary": TextValue(category.summary),
                    "href": TextValue(links.to(SitePaths.category(category.id))),
                    "count": count, "countLabel": TextValue(Self.count(count, "entry", "entries")),
                ]
            }
            context["commonCodes"] = commonCodes(limit: 12).map { codeCard($0, links: links) }
            context["entryCount"] = kb.entries.count
            context["entryCountLabel"] = TextValue(Self.count(kb.entries.count, "entry", "entries"))
            context["categoryCountLabel"] = TextValue(Self.count(kb.categories.count, "category", "categories"))

        case .category(let position):
            let category = kb.categories[position]
            title = category.title
            description = category.summary
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: category.title, href: nil)]
            let entries = entriesByCategory[position]
            context["category"] = [
                "id": TextValue(category.id), "title": TextValue(category.title), "summary": TextValue(category.summary),
                "descriptionHTML": TextValue(Self.markdown(category.description, minimumLevel: 2)),
            ] as [String: TextValue]
            let cards = entryCards(entries, links: links)
            context["entries"] = cards
            context["entriesHTML"] = Self.listHTML(cards)
            context["countLabel"] = TextValue(Self.count(entries.count, "entry", "entries"))

        case .entry(let position):
            return entryPage(for: job, position: position, sections: sections).dictionary

        case .replyCode(let position):
            let code = codes.replyCodes[position]
            title = "\(code.label) \(code.title)"
            description = code.explanation
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: "Codes", href: links.to(SitePaths.codesIndex)), Breadcrumb(title: code.label, href: nil)]
            var facts: [[String: Any]] = []
            let digit = Int(code.slug.prefix(1)) ?? 0
            if let meaning = codes.classMeaning(digit) {
                facts.append(["term": TextValue("Class \(digit)xx"), "title": false, "value": TextValue(meaning.meaning)])
            }
            context["code"] = codeContext(code, facts: facts)
            let entries = entriesByCode[code.slug] ?? []
            let cards = entryCards(entries, links: links)
            context["entries"] = cards
            context["entriesHTML"] = Self.listHTML(cards)
            context["countLabel"] = TextValue(Self.count(entries.count, "entry", "entries"))

        case .enhancedCode(let position):
            let code = codes.enhancedCodes[position]
            title = "\(code.label) \(code.title)"
            description = code.explanation
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: "Codes", href: links.to(SitePaths.codesIndex)), Breadcrumb(title: code.label, href: nil)]
            var facts: [[String: Any]] = []
            if let subject = code.sortKey.first, let meaning = codes.subjectMeaning(subject) {
                facts.append(["term": TextValue("Subject X.\(subject)"), "title": TextValue(meaning.title), "value": TextValue(meaning.meaning)])
            }
            let detail = code.label.split(separator: ".").dropFirst().joined(separator: ".")
            for digit in [2, 4, 5] {
                if let meaning = codes.classMeaning(digit) {
                    facts.append(["term": TextValue("As \(digit).\(detail)"), "title": false, "value": TextValue(meaning.meaning)])
                }
            }
            if let replacement = code.replacedBy.flatMap(codes.code(slug:)) {
                context["replacedBy"] = ["label": TextValue(replacement.label), "href": TextValue(links.to(SitePaths.code(slug: replacement.slug)))] as [String: TextValue]
            }
            context["code"] = codeContext(code, facts: facts)
            let entries = entriesByCode[code.slug] ?? []
            let cards = entryCards(entries, links: links)
            context["entries"] = cards
            context["entriesHTML"] = Self.listHTML(cards)
            context["countLabel"] = TextValue(Self.count(entries.count, "entry", "entries"))

        case .codesIndex:
            title = "SMTP reply and enhanced status codes"
            description = "Every SMTP reply code and enhanced status code, what it means, and the bounces that use it."
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: "Codes", href: nil)]
            context["nav"] = ["codes": true]
            context["replyGroups"] = groups(codes.replyCodes, key: { Int($0.slug.prefix(1)) ?? 0 }) { digit in
                "\(digit)xx" + (codes.classMeaning(digit).map { ": \($0.title)" } ?? "")
            }.map { group(title: $0.title, codes: $0.codes, links: links) }
            context["enhancedGroups"] = groups(codes.enhancedCodes, key: { $0.sortKey.first ?? 0 }) { subject in
                "X.\(subject)" + (codes.subjectMeaning(subject).map { ": \($0.title)" } ?? "")
            }.map { group(title: $0.title, codes: $0.codes, links: links) }

        case .providers:
            title = "Providers"
            description = "Mail providers and servers, and the bounces each is known to send."
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: "Providers", href: nil)]
            context["nav"] = ["providers": true]
            context["providers"] = providers.map { provider -> [String: Any] in
                let cards = entryCards(provider.entries, links: links)
                return [
                    "name": TextValue(provider.name), "anchor": TextValue(provider.anchor),
                    "countLabel": TextValue(Self.count(provider.entries.count, "entry", "entries")),
                    "entries": cards, "entriesHTML": Self.listHTML(cards),
                ]
            }

        case .notFound:
            title = "Page not found"
            description = "The page you asked for does not exist."
        }

        context["page"] = Self.pageValue(path: job.path, canonical: canonicalURL(for: job), title: title, description: description)
        context["breadcrumbs"] = Self.breadcrumbsValue(crumbs)
        Self.addPresenceFlags(to: &context)
        return context
    }

    /// The absolute address of the page `job`, when the site has an absolute base URL (the
    /// not-found page, shown at any address, has none).
    func canonicalURL(for job: PageJob) -> String? {
        guard let absolute = base.absolute, job.kind != .notFound else { return nil }
        return absolute + SitePaths.prettyURL(for: job.path)
    }

    /// A context's `page` value; `canonical` is `false` when there is no address (see
    /// `TextValue.orFalse`).
    static func pageValue(path: String, canonical: String?, title: String, description: String) -> [String: Any] {
        ["path": TextValue(path), "canonical": TextValue.orFalse(canonical),
         "title": TextValue(title), "description": TextValue(description)]
    }

    /// A context's `breadcrumbs` value: the last crumb is marked, and one without a link has
    /// `href` false.
    static func breadcrumbsValue(_ crumbs: [Breadcrumb]) -> [[String: Any]] {
        crumbs.enumerated().map { index, crumb -> [String: Any] in
            ["title": TextValue(crumb.title), "last": index == crumbs.count - 1, "href": TextValue.orFalse(crumb.href)]
        }
    }

    /// The values of the entry page `job` shows, the entry at `position`; `sections` as for
    /// `context(for:sections:)`. Its `dictionary` is that page's context.
    func entryPage(for job: PageJob, position: Int, sections: EntrySections?) -> EntryPage {
        let links = Links(page: job.path, base: base)
        let entry = kb.entries[position]
        var category: (title: String, href: String)?
        var crumbs: [Breadcrumb] = []
        if let categoryPosition = categoryIndex[entry.category] {
            let found = kb.categories[categoryPosition]
            let href = links.to(SitePaths.category(found.id))
            category = (found.title, href)
            crumbs = [Breadcrumb(title: "Home", href: links.to(SitePaths.home)), Breadcrumb(title: found.title, href: href), Breadcrumb(title: entry.title, href: nil)]
        }
        let sections = sections ?? EntrySections(entry)
        let match = entry.match.map { ["phraseHTML": TextValue(HTML.matchPhrase($0))] as [String: TextValue] }
        let providers = Self.uniqueInOrder(entry.providers).map { name -> [String: TextValue] in
            ["name": TextValue(name), "href": TextValue(links.to(SitePaths.providers) + "#" + (providerAnchors[name] ?? ""))]
        }
        let related = entryCards(Self.uniqueInOrder(entry.related).compactMap { id in
            entryIndex[id].flatMap { $0 == position ? nil : $0 }
        }, links: links)
        let references = entry.references.filter { HTML.isSafeExternalURL($0.url) }.map { reference -> [String: TextValue] in
            ["title": TextValue(reference.title.isEmpty ? reference.url : reference.title), "url": TextValue(reference.url)]
        }
        return EntryPage(
            layout: layouts[links.root] ?? EntryPage.Layout(frame: frame(root: links.root)),
            path: job.path,
            canonical: canonicalURL(for: job),
            id: entry.id, title: entry.title, summary: entry.summary, category: category, crumbs: crumbs,
            detailsHTML: HTML.demoteHeadings(sections.details.html, minimumLevel: 3),
            resolutionHTML: HTML.demoteHeadings(sections.resolution.html, minimumLevel: 3),
            reply: badge(reply: entry.reply, links: links),
            status: entry.status.map { badge(status: $0, links: links) },
            permanence: Self.permanenceValue(entry.permanence),
            action: ["id": TextValue(entry.action.rawValue), "label": TextValue(entry.action.label)],
            reason: ["id": TextValue(entry.reason), "description": TextValue(reasons[entry.reason]?.description ?? "")],
            match: match, matchHTML: itemsHTML(match, template: Self.matchPhraseTemplate, root: links.root),
            providers: providers, providersHTML: itemsHTML(providers, template: Self.providerLinkTemplate, root: links.root),
            related: related, relatedHTML: Self.listHTML(related),
            references: references, referencesHTML: itemsHTML(references, template: Self.referenceLinkTemplate, root: links.root))
    }

    private static let scalarTypes: Set<ObjectIdentifier> = [
        ObjectIdentifier(TextValue.self), ObjectIdentifier(Bool.self), ObjectIdentifier(Int.self), ObjectIdentifier(String.self),
        ObjectIdentifier([String: Any].self), ObjectIdentifier([String: TextValue].self), ObjectIdentifier([String: Bool].self),
    ]

    /// Adds `hasX` = true/false beside every list `x`, so templates can wrap a list in a heading
    /// only when it has items, with plain Mustache. In place: adding keys to a copy of the
    /// context would rehash every key it has.
    static func addPresenceFlags(to context: inout [String: Any]) {
        var flags: [(key: String, value: Bool)] = []
        for (key, value) in context {
            // The kinds of value that are never lists are told by their type pointer, which is
            // cheaper than the protocol cast below (a conformance look-up) that finds lists.
            if Self.scalarTypes.contains(ObjectIdentifier(type(of: value))) { continue }
            // `TemplateList`, not `as? [Any]`: that cast copies every element of the list.
            guard let list = value as? any TemplateList, let first = key.first else { continue }
            flags.append(("has" + first.uppercased() + key.dropFirst(), !list.isEmptyList))
        }
        for flag in flags { context[flag.key] = flag.value }
    }

    // MARK: - Pieces

    /// A list's cards as HTML, each card's `cardHTML` and a line break: what
    /// `{{#entries}}` + `{{{cardHTML}}}` on a line of its own + `{{/entries}}` prints, joined
    /// once here instead of looked up card by card in Mustache (the long lists of code,
    /// category and provider pages were most of a large site's template time).
    static func listHTML(_ cards: [EntryCard]) -> TextValue {
        var html = ""
        html.reserveCapacity(cards.reduce(0) { $0 + $1.cardHTML.text.utf8.count + 1 })
        for card in cards {
            html += card.cardHTML.text
            html += "\n"
        }
        return TextValue(html)
    }

    /// The partials that render one item of an entry page's `match`, `providers` and `references`
    /// into `matchHTML`, `providersHTML` and `referencesHTML`.
    static let matchPhraseTemplate = "partials/match-phrase"
    static let providerLinkTemplate = "partials/provider-link"
    static let referenceLinkTemplate = "partials/reference-link"

    /// A list's items through `template`, each rendered with the item over the page-wide values
    /// and followed by a line break. Lists of different lengths would otherwise give entry pages
    /// a shape each (see `ShapeCache`); items of one kind share a shape, so each is filled in.
    private func itemsHTML(_ items: [[String: TextValue]], template: String, root: String) -> TextValue {
        guard !items.isEmpty, let templates = itemTemplates, templates.names.contains(template) else { return TextValue("") }
        let layout = self.layout(root: root)
        var html = ""
        for item in items {
            let line = templates.render(template, object: LayeredContext(top: item, over: layout)) ?? ""
            html += line
            if line.utf8.last != UInt8(ascii: "\n") { html += "\n" }
        }
        return TextValue(html)
    }

    /// The entry cards at `positions` for a page whose links start at `links.root`.
    private func entryCards(_ positions: [Int], links: Links) -> [EntryCard] {
        if let cards = cardsByRoot[links.root] { return positions.map { cards[$0] } }
        let layout = layout(root: links.root)
        return positions.map { EntryCard(kb.entries[$0], root: links.root, layout: layout, templates: nil) }
    }

    /// Every entry's card for pages whose links start at `root`, with the card's HTML rendered.
    private static func entryCards(kb: KnowledgeBase, root: String, layout: EntryPage.Layout, templates: TemplateSet?) -> [EntryCard] {
        let renders = templates?.names.contains(EntryCard.template) == true ? templates : nil
        return Parallel.map(kb.entries, minimumBatch: 64) { EntryCard($0, root: root, layout: layout, templates: renders) }
    }

    private func badge(reply: Int, links: Links) -> EntryPage.Badge {
        let info = codes.reply(reply)
        return EntryPage.Badge(label: String(reply), title: info?.title, href: info.map { links.to(SitePaths.code(slug: $0.slug)) })
    }

    private func badge(status: String, links: Links) -> EntryPage.Badge {
        let info = codes.enhanced(status: status)
        return EntryPage.Badge(label: status, title: info?.title, href: info.map { links.to(SitePaths.code(slug: $0.slug)) })
    }

    private func codeContext(_ code: CodeInfo, facts: [[String: Any]]) -> [String: Any] {
        let references = Self.rfcLinks(code.reference)
        var result: [String: Any] = [
            "label": TextValue(code.label), "title": TextValue(code.title), "explanation": TextValue(code.explanation),
            "kindLabel": TextValue(code.kind == .reply ? "SMTP reply code" : "Enhanced status code"),
            "isReply": code.kind == .reply, "deprecated": code.deprecated, "registered": code.registered,
            "facts": facts,
            "references": references,
            "hasReferences": !references.isEmpty,
        ]
        result["permanence"] = code.permanence.map(Self.permanence) ?? false
        return result
    }

    private func codeCard(_ code: CodeInfo, links: Links) -> [String: Any] {
        let count = entriesByCode[code.slug]?.count ?? 0
        return [
            "label": TextValue(code.label), "title": TextValue(code.title), "registered": code.registered,
            "href": TextValue(links.to(SitePaths.code(slug: code.slug))),
            "count": count, "countLabel": TextValue(Self.count(count, "entry", "entries")), "used": count > 0,
        ]
    }

    private func group(title: String, codes: [CodeInfo], links: Links) -> [String: Any] {
        ["title": TextValue(title), "codes": codes.map { codeCard($0, links: links) }]
    }

    private func groups(_ codes: [CodeInfo], key: (CodeInfo) -> Int, title: (Int) -> String) -> [(title: String, codes: [CodeInfo])] {
        var result: [(key: Int, title: String, codes: [CodeInfo])] = []
        for code in codes {
            let groupKey = key(code)
            if result.last?.key == groupKey {
                result[result.count - 1].codes.append(code)
            } else {
                result.append((groupKey, title(groupKey), [code]))
            }
        }
        return result.map { ($0.title, $0.codes) }
    }

    /// The codes most entries use, registered ones only, most used first.
    func commonCodes(limit: Int) -> [CodeInfo] {
        var counted: [(code: CodeInfo, count: Int)] = []
        for code in codes.replyCodes + codes.enhancedCodes {
            let count = entriesByCode[code.slug]?.count ?? 0
            if count > 0 { counted.append((code, count)) }
        }
        counted.sort { lhs, rhs in
            lhs.count != rhs.count ? lhs.count > rhs.count : lhs.code.slug < rhs.code.slug
        }
        return counted.prefix(limit).map(\.code)
    }

    // MARK: - Helpers

    /// Markdown as HTML in cmark's safe mode, its headings placed below `minimumLevel - 1`.
    static func markdown(_ source: String, minimumLevel: Int) -> String {
        HTML.demoteHeadings(MarkdownDocument(source).html(), minimumLevel: minimumLevel)
    }

    static func permanence(_ permanence: Permanence) -> [String: Any] {
        permanenceValue(permanence)
    }

    /// `permanence(_:)` as a `Sendable` value, built once per kind.
    static func permanenceValue(_ permanence: Permanence) -> [String: TextValue] {
        switch permanence {
        case .permanent: return permanentValue
        case .transient: return transientValue
        case .none: return notAFailureValue
        }
    }

    private static let permanentValue: [String: TextValue] = [
        "id": TextValue("permanent"), "label": TextValue("Permanent"),
        "explanation": TextValue("Permanent: sending the same message again will fail the same way."),
    ]
    private static let transientValue: [String: TextValue] = [
        "id": TextValue("transient"), "label": TextValue("Transient"),
        "explanation": TextValue("Transient: the condition can clear, and sending servers retry on their own for a while."),
    ]
    private static let notAFailureValue: [String: TextValue] = [
        "id": TextValue("none"), "label": TextValue("Not a failure"),
        "explanation": TextValue("Not a failure: this is a report or an automatic reply, not a bounce."),
    ]

    static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }

    /// `RFC5321;RFC4954` → links to the RFC Editor's pages, in order.
    static func rfcLinks(_ reference: String) -> [[String: Any]] {
        reference.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).compactMap { token -> [String: Any]? in
            let upper = token.uppercased()
            guard upper.hasPrefix("RFC"), let number = Int(upper.dropFirst(3)), number > 0 else { return nil }
            return ["title": TextValue("RFC \(number)"), "url": TextValue("https://www.rfc-editor.org/rfc/rfc\(number)")]
        }
    }

    /// `values` without repeats, each at its first place. Short lists (an entry's providers, a
    /// title's words) are scanned, which is faster than hashing every value into a set; longer
    /// ones get the set.
    static func uniqueInOrder(_ values: [String]) -> [String] {
        guard values.count > 64 else {
            var unique: [String] = []
            unique.reserveCapacity(values.count)
            for value in values where !unique.contains(value) { unique.append(value) }
            return unique
        }
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

/// One step of a page's breadcrumb trail; `href` is nil for the page itself.
struct Breadcrumb {
    let title: String
    let href: String?
}

/// Links from one page: relative to the page everywhere, except on the 404 page, which a server
/// shows at any depth and which therefore links from the site's base path.
struct Links {
    let root: String

    init(page: String, base: BaseURL) {
        if page == SitePaths.notFound {
            root = base.path
        } else {
            root = SitePaths.rootPrefix(for: page)
        }
    }

    func to(_ path: String) -> String { root + path }
}
