import BounceKB
import Markdown
import Mustache

/// An entry as an item of a list (`entries`, `related`, `providers[].entries`), for pages whose
/// links start with one root (`../` or `../../`).
///
/// Templates see the documented card values (`id`, `title`, `summary`, `href`, `reply`,
/// `status`, `permanence`) plus `cardHTML`: the card as `partials/entry-card` renders it, without
/// its final line break, rendered once per entry and root instead of once per list it appears in.
/// An entry appears in some seven lists (its category, its codes, its providers, other entries'
/// related causes), and swift-mustache spends a couple of microseconds on every tag, so
/// including the partial in every list was a large share of a build; the shipped lists print
/// `{{{cardHTML}}}` instead.
///
/// `partials/entry-card` is rendered with the card on top of the values every page gets (`site`,
/// `root`, the `…Href` links); page-specific values such as `page.title` are not visible to it.
final class EntryCard: MustacheParent, Sendable {
    static let template = "partials/entry-card"

    let id: TextValue
    let title: TextValue
    let summary: TextValue
    let href: TextValue
    let reply: TextValue
    let status: TextValue?
    let permanence: [String: TextValue]
    /// Empty when there is no `partials/entry-card` template.
    let cardHTML: TextValue

    /// - Parameter layout: the page-wide values for `root` (`SiteModel.layout(root:)`), which
    ///   the card's partial is rendered over.
    init(_ entry: Entry, root: String, layout: EntryPage.Layout, templates: TemplateSet?) {
        id = TextValue(entry.id)
        title = TextValue(entry.title)
        summary = TextValue(entry.summary)
        href = TextValue(root + SitePaths.entry(category: entry.category, id: entry.id))
        reply = TextValue(String(entry.reply))
        status = entry.status.map(TextValue.init)
        permanence = SiteModel.permanenceValue(entry.permanence)
        var html = ""
        if let templates {
            let partialCard = PartialCard(id: id, title: title, summary: summary, href: href, reply: reply, status: status, permanence: permanence)
            html = templates.render(Self.template, object: LayeredContext(top: partialCard, over: layout)) ?? ""
            // The shipped lists put `{{{cardHTML}}}` on a line of its own, which adds the break back.
            if html.utf8.last == UInt8(ascii: "\n") { html = String(decoding: html.utf8.dropLast(), as: UTF8.self) }
        }
        cardHTML = TextValue(html)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "id": return id
        case "title": return title
        case "summary": return summary
        case "href": return href
        case "reply": return reply
        case "status": return TextValue.orFalse(status?.text)
        case "permanence": return permanence
        case "cardHTML": return cardHTML
        default: return nil
        }
    }

    /// Every name `child(named:)` answers, sorted (for `ShapeCache`).
    fileprivate static let names = ["cardHTML", "href", "id", "permanence", "reply", "status", "summary", "title"]

    /// The card's values before its HTML exists, for rendering that HTML.
    private struct PartialCard: MustacheParent, TemplateShaped, Sendable {
        let id, title, summary, href, reply: TextValue
        let status: TextValue?
        let permanence: [String: TextValue]

        func child(named name: String) -> Any? {
            switch name {
            case "id": return id
            case "title": return title
            case "summary": return summary
            case "href": return href
            case "reply": return reply
            case "status": return TextValue.orFalse(status?.text)
            case "permanence": return permanence
            // Absent keys fall through to the page-wide values; this one must not.
            case "cardHTML": return ""
            default: return nil
            }
        }

        func visitShape(_ walk: inout ShapeWalk) -> Any {
            // `cardHTML` is the empty string here, as `child(named:)` gives it.
            EntryCard.visitFields(&walk, of: self, cardHTML: { "".visitShape(&$0) }, id: id, title: title, summary: summary,
                                  href: href, reply: reply, status: status, permanence: permanence)
        }
    }
}

extension EntryCard: TemplateShaped {
    /// Visits the stored values directly, in the order of `names`: cards are the most common
    /// objects of a large site's pages.
    func visitShape(_ walk: inout ShapeWalk) -> Any {
        Self.visitFields(&walk, of: self, cardHTML: { $0.text(self.cardHTML.text) }, id: id, title: title, summary: summary,
                         href: href, reply: reply, status: status, permanence: permanence)
    }

    /// A card's fields, as `child(named:)` answers them, in the order of `names`.
    fileprivate static func visitFields(
        _ walk: inout ShapeWalk, of card: Any, cardHTML: (inout ShapeWalk) -> Any, id: TextValue, title: TextValue,
        summary: TextValue, href: TextValue, reply: TextValue, status: TextValue?, permanence: [String: TextValue]
    ) -> Any {
        var standIn: [String: Any] = [:]
        walk.object(names: Self.names, kind: UInt8(ascii: "C")) { walk, index in
            let visited: Any
            switch index {
            case 0: visited = cardHTML(&walk)
            case 1: visited = walk.text(href.text)
            case 2: visited = walk.text(id.text)
            case 3: visited = walk.textDictionary(permanence)
            case 4: visited = walk.text(reply.text)
            case 5: visited = walk.text(orFalse: status?.text)
            case 6: visited = walk.text(summary.text)
            default: visited = walk.text(title.text)
            }
            if walk.standIns { standIn[Self.names[index]] = visited }
        }
        return walk.standIns ? standIn : card
    }
}

/// An entry's two Markdown sections rendered once: HTML (cmark's safe mode, headings not yet
/// shifted) and, when the JSON API or the section lint needs it, plain text.
struct EntrySections: Sendable {
    struct Section: Sendable {
        let html: String
        let text: String?
        /// How many list items the section has, when counted.
        let listItemCount: Int?

        init(_ markdown: String, plainText: Bool, countsListItems: Bool = false) {
            let document = MarkdownDocument(markdown)
            html = document.html()
            text = plainText ? document.plainText() : nil
            listItemCount = countsListItems ? document.listItemCount : nil
        }
    }

    let details: Section
    let resolution: Section

    /// - Parameters:
    ///   - plainText: whether to make the sections' plain text.
    ///   - forSectionLint: whether to make what `SectionLint` reads (`sectionLintText`).
    init(_ entry: Entry, plainText: Bool = false, forSectionLint: Bool = false) {
        details = Section(entry.details, plainText: plainText || forSectionLint)
        resolution = Section(entry.resolution, plainText: plainText || forSectionLint, countsListItems: forSectionLint)
    }

    /// What the section lint reads of these sections; nil unless made `forSectionLint`.
    var sectionLintText: SectionLint.Text? {
        guard let detailsText = details.text, let resolutionText = resolution.text, let items = resolution.listItemCount else { return nil }
        return SectionLint.Text(details: detailsText, resolution: resolutionText, resolutionListItems: items)
    }
}
