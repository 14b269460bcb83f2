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
        walk.object(names: layout.slots.lazy.map(\.name)) { walk, index in
            switch layout.slots[index].slot {
            case .frame(let value): _ = walk.visit(value)
            case .field(let field): visit(field, &walk)
            }
        }
        return self
    }

    // Each list sorted as `String` sorts, the order the walk writes names in (a walk without
    // read names in `EntryPageTests` fails on a list out of order).
    private static let pageNames = ["canonical", "description", "path", "title"]
    private static let entryNames = ["category", "id", "summary", "title"]
    private static let entryNamesWithoutCategory = ["id", "summary", "title"]
    private static let categoryNames = ["href", "title"]
    private static let badgeNames = ["href", "label", "title"]
    private static let crumbNames = ["href", "last", "title"]

    private func visit(_ field: Field, _ walk: inout ShapeWalk) {
        switch field {
        case .page:
            walk.object(names: Self.pageNames) { walk, index in
                switch index {
                case 0: _ = walk.text(orFalse: canonical)
                case 1: _ = walk.text(summary)
                case 2: _ = walk.text(path)
                default: _ = walk.text(title)
                }
            }
        case .breadcrumbs:
            _ = walk.list(Array(crumbs.indices)) { walk, position in
                let crumb = crumbs[position]
                walk.object(names: Self.crumbNames) { walk, index in
                    switch index {
                    case 0: _ = walk.text(orFalse: crumb.href)
                    case 1: _ = (position == crumbs.count - 1).visitShape(&walk)
                    default: _ = walk.text(crumb.title)
                    }
                }
                return position
            }
        case .entry:
            if let category {
                walk.object(names: Self.entryNames) { walk, index in
                    switch index {
                    case 0:
                        walk.object(names: Self.categoryNames) { walk, index in
                            _ = walk.text(index == 0 ? category.href : category.title)
                        }
                    case 1: _ = walk.text(id)
                    case 2: _ = walk.text(summary)
                    default: _ = walk.text(title)
                    }
                }
            } else {
                walk.object(names: Self.entryNamesWithoutCategory) { walk, index in
                    switch index {
                    case 0: _ = walk.text(id)
                    case 1: _ = walk.text(summary)
                    default: _ = walk.text(title)
                    }
                }
            }
        case .detailsHTML: _ = walk.text(detailsHTML)
        case .resolutionHTML: _ = walk.text(resolutionHTML)
        case .reply: Self.visit(reply, &walk)
        case .status:
            if let status { Self.visit(status, &walk) } else { _ = false.visitShape(&walk) }
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

    private static func visit(_ badge: Badge, _ walk: inout ShapeWalk) {
        walk.object(names: badgeNames) { walk, index in
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
