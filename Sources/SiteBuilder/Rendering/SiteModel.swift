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

    init(kb: KnowledgeBase, codes catalog: CodeCatalog, base: BaseURL) {
        self.kb = kb
        // Codes that entries use but no registry lists get pages too: every code badge links somewhere.
        var unregistered: [CodeInfo] = []
        for entry in kb.entries {
            if catalog.reply(entry.reply) == nil { unregistered.append(CodeCatalog.unregistered(reply: entry.reply)) }
            if let status = entry.status, catalog.enhanced(status: status) == nil, let info = CodeCatalog.unregistered(status: status) {
                unregistered.append(info)
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
        for (position, entry) in kb.entries.enumerated() {
            if let category = categoryIndex[entry.category] { byCategory[category].append(position) }
            byCode[String(entry.reply), default: []].append(position)
            if let status = entry.status, let slug = CodeCatalog.enhancedSlug(status: status) {
                byCode[slug, default: []].append(position)
            }
            for provider in Set(entry.providers) { byProvider[provider, default: []].append(position) }
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
        let links = Links(page: job.path, base: base)
        var context: [String: Any] = [
            "site": [
                "title": kb.site.title,
                "description": kb.site.description,
                "language": language,
            ] as [String: Any],
            "root": links.root,
            "homeHref": links.to(SitePaths.home),
            "codesHref": links.to(SitePaths.codesIndex),
            "providersHref": links.to(SitePaths.providers),
            "stylesheetHref": links.to("\(SitePaths.assets)/site.css"),
            "iconHref": links.to("\(SitePaths.assets)/icon.svg"),
            // The search issue turns this on and ships partials/search.mustache's target page.
            "search": false,
            "isHome": false,
            "nav": [:] as [String: Any],
            "replacedBy": false,
        ]
        // Keys a template may test are always present (false when unset): Mustache looks a
        // missing key up in the enclosing contexts, which would show an unrelated value.
        var page: [String: Any] = ["path": job.path, "canonical": false]
        if let absolute = base.absolute, job.kind != .notFound {
            page["canonical"] = absolute + SitePaths.prettyURL(for: job.path)
        }
        var crumbs: [(String, String?)] = []

        switch job.kind {
        case .home:
            page["title"] = kb.site.title
            page["description"] = kb.site.description
            context["isHome"] = true
            context["categories"] = kb.categories.enumerated().map { position, category -> [String: Any] in
                let count = entriesByCategory[position].count
                return [
                    "title": category.title, "summary": category.summary,
                    "href": links.to(SitePaths.category(category.id)),
                    "count": count, "countLabel": Self.count(count, "entry", "entries"),
                ]
            }
            context["commonCodes"] = commonCodes(limit: 12).map { codeCard($0, links: links) }
            context["entryCount"] = kb.entries.count
            context["entryCountLabel"] = Self.count(kb.entries.count, "entry", "entries")
            context["categoryCountLabel"] = Self.count(kb.categories.count, "category", "categories")

        case .category(let position):
            let category = kb.categories[position]
            page["title"] = category.title
            page["description"] = category.summary
            crumbs = [("Home", links.to(SitePaths.home)), (category.title, nil)]
            let entries = entriesByCategory[position]
            context["category"] = [
                "id": category.id, "title": category.title, "summary": category.summary,
                "descriptionHTML": Self.markdown(category.description, minimumLevel: 2),
            ] as [String: Any]
            context["entries"] = entries.map { entryCard($0, links: links) }
            context["countLabel"] = Self.count(entries.count, "entry", "entries")

        case .entry(let position):
            let entry = kb.entries[position]
            page["title"] = entry.title
            page["description"] = entry.summary
            var entryContext: [String: Any] = ["id": entry.id, "title": entry.title, "summary": entry.summary]
            if let categoryPosition = categoryIndex[entry.category] {
                let category = kb.categories[categoryPosition]
                let href = links.to(SitePaths.category(category.id))
                crumbs = [("Home", links.to(SitePaths.home)), (category.title, href), (entry.title, nil)]
                entryContext["category"] = ["title": category.title, "href": href] as [String: Any]
            }
            context["entry"] = entryContext
            context["detailsHTML"] = Self.markdown(entry.details, minimumLevel: 3)
            context["resolutionHTML"] = Self.markdown(entry.resolution, minimumLevel: 3)
            context["reply"] = replyBadge(entry.reply, links: links)
            context["status"] = entry.status.map { statusBadge($0, links: links) } ?? false
            context["permanence"] = Self.permanence(entry.permanence)
            context["action"] = ["id": entry.action.rawValue, "label": entry.action.label] as [String: Any]
            context["reason"] = [
                "id": entry.reason,
                "description": reasons[entry.reason]?.description ?? "",
            ] as [String: Any]
            context["match"] = entry.match.map { ["phraseHTML": HTML.matchPhrase($0)] }
            context["providers"] = Self.uniqueInOrder(entry.providers).map { name -> [String: Any] in
                ["name": name, "href": links.to(SitePaths.providers) + "#" + (providerAnchors[name] ?? "")]
            }
            context["related"] = Self.uniqueInOrder(entry.related).compactMap { id in
                entryIndex[id].flatMap { $0 == position ? nil : entryCard($0, links: links) }
            }
            context["references"] = entry.references.filter { HTML.isSafeExternalURL($0.url) }.map { reference -> [String: Any] in
                ["title": reference.title.isEmpty ? reference.url : reference.title, "url": reference.url]
            }

        case .replyCode(let position):
            let code = codes.replyCodes[position]
            page["title"] = "\(code.label) \(code.title)"
            page["description"] = code.explanation
            crumbs = [("Home", links.to(SitePaths.home)), ("Codes", links.to(SitePaths.codesIndex)), (code.label, nil)]
            var facts: [[String: Any]] = []
            let digit = Int(code.slug.prefix(1)) ?? 0
            if let meaning = codes.classMeaning(digit) {
                facts.append(["term": "Class \(digit)xx", "title": false, "value": meaning.meaning])
            }
            context["code"] = codeContext(code, facts: facts)
            let entries = entriesByCode[code.slug] ?? []
            context["entries"] = entries.map { entryCard($0, links: links) }
            context["countLabel"] = Self.count(entries.count, "entry", "entries")

        case .enhancedCode(let position):
            let code = codes.enhancedCodes[position]
            page["title"] = "\(code.label) \(code.title)"
            page["description"] = code.explanation
            crumbs = [("Home", links.to(SitePaths.home)), ("Codes", links.to(SitePaths.codesIndex)), (code.label, nil)]
            var facts: [[String: Any]] = []
            if let subject = code.sortKey.first, let meaning = codes.subjectMeaning(subject) {
                facts.append(["term": "Subject X.\(subject)", "title": meaning.title, "value": meaning.meaning])
            }
            let detail = code.label.split(separator: ".").dropFirst().joined(separator: ".")
            for digit in [2, 4, 5] {
                if let meaning = codes.classMeaning(digit) {
                    facts.append(["term": "As \(digit).\(detail)", "title": false, "value": meaning.meaning])
                }
            }
            if let replacement = code.replacedBy.flatMap(codes.code(slug:)) {
                context["replacedBy"] = ["label": replacement.label, "href": links.to(SitePaths.code(slug: replacement.slug))] as [String: Any]
            }
            context["code"] = codeContext(code, facts: facts)
            let entries = entriesByCode[code.slug] ?? []
            context["entries"] = entries.map { entryCard($0, links: links) }
            context["countLabel"] = Self.count(entries.count, "entry", "entries")

        case .codesIndex:
            page["title"] = "SMTP reply and enhanced status codes"
            page["description"] = "Every SMTP reply code and enhanced status code, what it means, and the bounces that use it."
            crumbs = [("Home", links.to(SitePaths.home)), ("Codes", nil)]
            context["nav"] = ["codes": true]
            context["replyGroups"] = groups(codes.replyCodes, key: { Int($0.slug.prefix(1)) ?? 0 }) { digit in
                "\(digit)xx" + (codes.classMeaning(digit).map { ": \($0.title)" } ?? "")
            }.map { group(title: $0.title, codes: $0.codes, links: links) }
            context["enhancedGroups"] = groups(codes.enhancedCodes, key: { $0.sortKey.first ?? 0 }) { subject in
                "X.\(subject)" + (codes.subjectMeaning(subject).map { ": \($0.title)" } ?? "")
            }.map { group(title: $0.title, codes: $0.codes, links: links) }

        case .providers:
            page["title"] = "Providers"
            page["description"] = "Mail providers and servers, and the bounces each is known to send."
            crumbs = [("Home", links.to(SitePaths.home)), ("Providers", nil)]
            context["nav"] = ["providers": true]
            context["providers"] = providers.map { provider -> [String: Any] in
                [
                    "name": provider.name, "anchor": provider.anchor,
                    "countLabel": Self.count(provider.entries.count, "entry", "entries"),
                    "entries": provider.entries.map { entryCard($0, links: links) },
                ]
            }

        case .notFound:
            page["title"] = "Page not found"
            page["description"] = "The page you asked for does not exist."
        }

        context["page"] = page
        context["breadcrumbs"] = crumbs.enumerated().map { index, crumb -> [String: Any] in
            ["title": crumb.0, "last": index == crumbs.count - 1, "href": crumb.1 ?? false]
        }
        return Self.withPresenceFlags(context)
    }

    /// Adds `hasX` = true/false beside every list `x`, so templates can wrap a list in a heading
    /// only when it has items, with plain Mustache.
    static func withPresenceFlags(_ context: [String: Any]) -> [String: Any] {
        var result = context
        for (key, value) in context {
            guard let list = value as? [Any], let first = key.first else { continue }
            result["has" + first.uppercased() + key.dropFirst()] = !list.isEmpty
        }
        return result
    }

    // MARK: - Pieces

    /// An entry as a list item: title, link, summary, code labels and permanence.
    private func entryCard(_ position: Int, links: Links) -> [String: Any] {
        let entry = kb.entries[position]
        let card: [String: Any] = [
            "id": entry.id, "title": entry.title, "summary": entry.summary,
            "href": links.to(SitePaths.entry(category: entry.category, id: entry.id)),
            "reply": String(entry.reply),
            "permanence": Self.permanence(entry.permanence),
            "status": entry.status ?? false,
        ]
        return card
    }

    private func replyBadge(_ reply: Int, links: Links) -> [String: Any] {
        var badge: [String: Any] = ["label": String(reply), "title": false, "href": false]
        if let info = codes.reply(reply) {
            badge["title"] = info.title
            badge["href"] = links.to(SitePaths.code(slug: info.slug))
        }
        return badge
    }

    private func statusBadge(_ status: String, links: Links) -> [String: Any] {
        var badge: [String: Any] = ["label": status, "title": false, "href": false]
        if let info = codes.enhanced(status: status) {
            badge["title"] = info.title
            badge["href"] = links.to(SitePaths.code(slug: info.slug))
        }
        return badge
    }

    private func codeContext(_ code: CodeInfo, facts: [[String: Any]]) -> [String: Any] {
        var result: [String: Any] = [
            "label": code.label, "title": code.title, "explanation": code.explanation,
            "kindLabel": code.kind == .reply ? "SMTP reply code" : "Enhanced status code",
            "isReply": code.kind == .reply, "deprecated": code.deprecated, "registered": code.registered,
            "facts": facts,
            "references": Self.rfcLinks(code.reference),
            "hasReferences": !Self.rfcLinks(code.reference).isEmpty,
        ]
        result["permanence"] = code.permanence.map(Self.permanence) ?? false
        return result
    }

    private func codeCard(_ code: CodeInfo, links: Links) -> [String: Any] {
        let count = entriesByCode[code.slug]?.count ?? 0
        return [
            "label": code.label, "title": code.title, "registered": code.registered,
            "href": links.to(SitePaths.code(slug: code.slug)),
            "count": count, "countLabel": Self.count(count, "entry", "entries"), "used": count > 0,
        ]
    }

    private func group(title: String, codes: [CodeInfo], links: Links) -> [String: Any] {
        ["title": title, "codes": codes.map { codeCard($0, links: links) }]
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
        switch permanence {
        case .permanent:
            return ["id": "permanent", "label": "Permanent", "explanation": "Permanent: sending the same message again will fail the same way."]
        case .transient:
            return ["id": "transient", "label": "Transient", "explanation": "Transient: the condition can clear, and sending servers retry on their own for a while."]
        case .none:
            return ["id": "none", "label": "Not a failure", "explanation": "Not a failure: this is a report or an automatic reply, not a bounce."]
        }
    }

    static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }

    /// `RFC5321;RFC4954` → links to the RFC Editor's pages, in order.
    static func rfcLinks(_ reference: String) -> [[String: Any]] {
        reference.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).compactMap { token -> [String: Any]? in
            let upper = token.uppercased()
            guard upper.hasPrefix("RFC"), let number = Int(upper.dropFirst(3)), number > 0 else { return nil }
            return ["title": "RFC \(number)", "url": "https://www.rfc-editor.org/rfc/rfc\(number)"]
        }
    }

    static func uniqueInOrder(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
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
