import BounceKB

/// An entry page's values, held as typed fields instead of a `[String: Any]` context.
///
/// Why: a large site is mostly entry pages, and almost all of them are filled into a skeleton
/// (see `ShapeCache`), which needs only the page's shape and texts. Building a dictionary of
/// some 35 boxed values per page, adding its `hasX` flags, and walking it (sorting its keys,
/// hashing each one twice, casting each value back) was about a sixth of a 10,000-entry build.
/// `visitShape(_:)` writes the same shape and texts straight from the fields; `dictionary` is
/// the context templates see, made only when a page is rendered the normal way. Both describe
/// the same context: `EntryPageTests` holds the walk to the dictionary's walk.
struct EntryPage {
    /// A code badge (`reply`, `status`): its label, and its title and link when the code is known.
    struct Badge {
        let label: String
        let title: String?
        let href: String?

        var dictionary: [String: Any] {
            ["label": TextValue(label), "title": TextValue.orFalse(title), "href": TextValue.orFalse(href)]
        }
    }

    /// The page-wide values (`SiteModel.frame`), and every top-level name sorted, each with
    /// where its value comes from. Made once per link root.
    struct Layout: Sendable {
        let frame: [String: any Sendable]
        let slots: [(name: String, slot: Slot)]
        /// What walks of pages with this layout work out once (see `WalkPlan`).
        let plans = WalkMemo<WalkPlan>()
        /// The pieces of `frame` under partials rendered on their own (`LayeredContext`).
        let framePieces = WalkMemo<ShapeWalk.Piece>()

        init(frame: [String: any Sendable]) {
            self.frame = frame
            var slots: [(name: String, slot: Slot)] = frame.compactMap { name, value in
                Field(rawValue: name) == nil ? (name, .frame(value)) : nil
            }
            slots += Field.allCases.map { ($0.rawValue, .field($0)) }
            slots.sort { $0.name < $1.name }
            self.slots = slots
        }
    }

    enum Slot: Sendable {
        case frame(any Sendable)
        case field(Field)
    }

    /// The page's own top-level names. Each overrides a page-wide value of the same name.
    enum Field: String, CaseIterable, Sendable {
        case page, breadcrumbs, entry, detailsHTML, resolutionHTML, reply, status, permanence, action, reason
        case match, matchHTML, providers, providersHTML, related, relatedHTML, references, referencesHTML
        case hasBreadcrumbs, hasMatch, hasProviders, hasRelated, hasReferences
    }

    /// A `var` so that tests can walk a page under other page-wide values.
    var layout: Layout
    let path: String
    let canonical: String?
    let id: String
    let title: String
    let summary: String
    /// The category's title and link; nil when the entry's category does not exist.
    let category: (title: String, href: String)?
    let crumbs: [Breadcrumb]
    let detailsHTML: String
    let resolutionHTML: String
    let reply: Badge
    let status: Badge?
    let permanence: [String: TextValue]
    let action: [String: TextValue]
    let reason: [String: TextValue]
    let match: [[String: TextValue]]
    let matchHTML: TextValue
    let providers: [[String: TextValue]]
    let providersHTML: TextValue
    let related: [EntryCard]
    let relatedHTML: TextValue
    let references: [[String: TextValue]]
    let referencesHTML: TextValue

    /// The page's context as templates see it.
    var dictionary: [String: Any] {
        var context: [String: Any] = [:]
        context.reserveCapacity(layout.slots.count)
        for (key, value) in layout.frame { context[key] = value }
        for field in Field.allCases { context[field.rawValue] = value(of: field) }
        return context
    }

    private var entryValue: [String: Any] {
        var entry: [String: Any] = ["id": TextValue(id), "title": TextValue(title), "summary": TextValue(summary)]
        if let category {
            entry["category"] = ["title": TextValue(category.title), "href": TextValue(category.href)] as [String: TextValue]
        }
        return entry
    }

    private func value(of field: Field) -> Any {
        switch field {
        case .page: return SiteModel.pageValue(path: path, canonical: canonical, title: title, description: summary)
        case .breadcrumbs: return SiteModel.breadcrumbsValue(crumbs)
        case .entry: return entryValue
        case .detailsHTML: return TextValue(detailsHTML)
        case .resolutionHTML: return TextValue(resolutionHTML)
        case .reply: return reply.dictionary
        case .status: return status?.dictionary ?? false
        case .permanence: return permanence
        case .action: return action
        case .reason: return reason
        case .match: return match
        case .matchHTML: return matchHTML
        case .providers: return providers
        case .providersHTML: return providersHTML
        case .related: return related
        case .relatedHTML: return relatedHTML
        case .references: return references
        case .referencesHTML: return referencesHTML
        // `SiteModel.addPresenceFlags` would add these; `EntryPageTests` hold them to it.
        case .hasBreadcrumbs: return !crumbs.isEmpty
        case .hasMatch: return !match.isEmpty
        case .hasProviders: return !providers.isEmpty
        case .hasRelated: return !related.isEmpty
        case .hasReferences: return !references.isEmpty
        }
    }
}

extension EntryPage: TemplateShaped {
    /// Writes what `ShapeWalk.dictionary(_:)` writes for `dictionary`: the same names in the same
    /// order, each value's shape and texts. Stand-ins come from the dictionary itself.
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        guard !walk.standIns else { return walk.dictionary(dictionary) }
        let names = walk.templateNames, isAtTopLevel = walk.isAtTopLevel
        let plan = layout.plans.value(for: names, isAtTopLevel: isAtTopLevel) {
            WalkPlan(layout: layout, readNames: names, isAtTopLevel: isAtTopLevel)
        }
        guard walk.open(plan.top) else { return self }
        for (index, encoded) in plan.top.names {
            walk.name(encoded: encoded)
            switch plan.steps[index] {
            case .frame(let piece, let value): walk.append(piece) { _ = $0.visit(value) }
            case .field(let field): visit(field, &walk, plan)
            }
        }
        return self
    }

    // Each list sorted as `String` sorts, the order the walk writes names in (a walk without
    // read names in `EntryPageTests` fails on a list out of order).
    fileprivate static let pageNames = ["canonical", "description", "path", "title"]
    fileprivate static let entryNames = ["category", "id", "summary", "title"]
    fileprivate static let entryNamesWithoutCategory = ["id", "summary", "title"]
    fileprivate static let categoryNames = ["href", "title"]
    fileprivate static let badgeNames = ["href", "label", "title"]
    fileprivate static let crumbNames = ["href", "last", "title"]

    private func visit(_ field: Field, _ walk: inout ShapeWalk, _ plan: WalkPlan) {
        switch field {
        case .page:
            guard walk.open(plan.page) else { return }
            for (index, encoded) in plan.page.names {
                walk.name(encoded: encoded)
                switch index {
                case 0: _ = walk.text(orFalse: canonical)
                case 1: _ = walk.text(summary)
                case 2: _ = walk.text(path)
                default: _ = walk.text(title)
                }
            }
        case .breadcrumbs:
            walk.open(UInt8(ascii: "["), count: crumbs.count)
            for position in crumbs.indices {
                let crumb = crumbs[position]
                guard walk.open(plan.crumb) else { continue }
                for (index, encoded) in plan.crumb.names {
                    walk.name(encoded: encoded)
                    switch index {
                    case 0: _ = walk.text(orFalse: crumb.href)
                    case 1: _ = (position == crumbs.count - 1).visitShape(&walk)
                    default: _ = walk.text(crumb.title)
                    }
                }
            }
        case .entry:
            if let category {
                guard walk.open(plan.entry) else { return }
                for (index, encoded) in plan.entry.names {
                    walk.name(encoded: encoded)
                    switch index {
                    case 0:
                        guard walk.open(plan.category) else { continue }
                        for (index, encoded) in plan.category.names {
                            walk.name(encoded: encoded)
                            _ = walk.text(index == 0 ? category.href : category.title)
                        }
                    case 1: _ = walk.text(id)
                    case 2: _ = walk.text(summary)
                    default: _ = walk.text(title)
                    }
                }
            } else {
                guard walk.open(plan.entryWithoutCategory) else { return }
                for (index, encoded) in plan.entryWithoutCategory.names {
                    walk.name(encoded: encoded)
                    switch index {
                    case 0: _ = walk.text(id)
                    case 1: _ = walk.text(summary)
                    default: _ = walk.text(title)
                    }
                }
            }
        case .detailsHTML: _ = walk.text(detailsHTML)
        case .resolutionHTML: _ = walk.text(resolutionHTML)
        case .reply: Self.visit(reply, &walk, plan.badge)
        case .status:
            if let status { Self.visit(status, &walk, plan.badge) } else { _ = false.visitShape(&walk) }
        case .permanence: _ = walk.textDictionary(permanence)
        case .action: _ = walk.textDictionary(action)
        case .reason: _ = walk.textDictionary(reason)
        case .match: Self.visit(match, &walk)
        case .matchHTML: _ = walk.text(matchHTML.text)
        case .providers: Self.visit(providers, &walk)
        case .providersHTML: _ = walk.text(providersHTML.text)
        case .related: _ = walk.list(related) { walk, card in card.visitShape(&walk) }
        case .relatedHTML: _ = walk.text(relatedHTML.text)
        case .references: Self.visit(references, &walk)
        case .referencesHTML: _ = walk.text(referencesHTML.text)
        case .hasBreadcrumbs: _ = (!crumbs.isEmpty).visitShape(&walk)
        case .hasMatch: _ = (!match.isEmpty).visitShape(&walk)
        case .hasProviders: _ = (!providers.isEmpty).visitShape(&walk)
        case .hasRelated: _ = (!related.isEmpty).visitShape(&walk)
        case .hasReferences: _ = (!references.isEmpty).visitShape(&walk)
        }
    }

    private static func visit(_ badge: Badge, _ walk: inout ShapeWalk, _ names: ShapeWalk.ReadList) {
        guard walk.open(names) else { return }
        for (index, encoded) in names.names {
            walk.name(encoded: encoded)
            switch index {
            case 0: _ = walk.text(orFalse: badge.href)
            case 1: _ = walk.text(badge.label)
            default: _ = walk.text(orFalse: badge.title)
            }
        }
    }

    private static func visit(_ items: [[String: TextValue]], _ walk: inout ShapeWalk) {
        _ = walk.list(items) { walk, item in walk.textDictionary(item) }
    }
}

/// What walking an entry page writes that is the same on every page with one layout under one
/// template's names: which of the page's and its objects' names are read (and their bytes), and
/// the page-wide values' pieces. Made once instead of per page: the walk of a page's 29 names
/// and ten page-wide values, each name tested against the template's and each value cast back
/// from `Any`, was most of the cost of walking it.
struct WalkPlan: Sendable {
    enum Step: Sendable {
        case frame(ShapeWalk.Piece, any Sendable)
        case field(EntryPage.Field)
    }

    /// The page's names (`EntryPage.Layout.slots`), and what each stands for, by slot.
    let top: ShapeWalk.ReadList
    let steps: [Step]
    let page, entry, entryWithoutCategory, category, badge, crumb: ShapeWalk.ReadList

    init(layout: EntryPage.Layout, readNames: ReadNames?, isAtTopLevel: Bool) {
        let names = layout.slots.map(\.name)
        top = ShapeWalk.ReadList(names, readNames: readNames, isAtTopLevel: isAtTopLevel)
        var steps: [Step] = []
        steps.reserveCapacity(names.count)
        let read = Set(top.names.map(\.index))
        for (index, slot) in layout.slots.enumerated() {
            switch slot.slot {
            case .field(let field):
                steps.append(.field(field))
            case .frame(let value):
                // Below the page's own level, where the walk has opened the page.
                let piece = ShapeWalk.Piece(readNames: readNames, isAtTopLevel: false) { walk in
                    if read.contains(index) { _ = walk.visit(value) }
                }
                steps.append(.frame(piece, value))
            }
        }
        self.steps = steps
        func nested(_ names: [String]) -> ShapeWalk.ReadList { ShapeWalk.ReadList(names, readNames: readNames, isAtTopLevel: false) }
        page = nested(EntryPage.pageNames)
        entry = nested(EntryPage.entryNames)
        entryWithoutCategory = nested(EntryPage.entryNamesWithoutCategory)
        category = nested(EntryPage.categoryNames)
        badge = nested(EntryPage.badgeNames)
        crumb = nested(EntryPage.crumbNames)
    }
}
