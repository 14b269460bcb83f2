import Mustache

/// Values handed to the Mustache templates, shaped so that swift-mustache renders them quickly
/// while templates see exactly what plain strings and dictionaries would give them.
///
/// swift-mustache looks every tag up through a series of dynamic casts; for a plain `String` it
/// ends with `String(describing:)`, and when a string opens a section (`{{#href}}…{{/href}}`)
/// every lookup inside it first reflects over the string with `Mirror`. `TextValue` short-cuts
/// both: it renders as its text, is truthy like a string, answers child lookups with "nothing
/// here" at once, and supports the same transforms as `String`.
struct TextValue: MustacheParent, MustacheCustomRenderable, MustacheTransformable, Sendable {
    let text: String

    init(_ text: String) {
        self.text = text
    }

    func child(named: String) -> Any? { nil }
    var renderText: String { text }
    var isNull: Bool { false }
    func transform(_ name: String) -> Any? { text.transform(name) }

    /// `text`, or `false` where there is none: how contexts hold an absent text (a missing key
    /// would be looked up in the enclosing contexts instead). `ShapeWalk.text(orFalse:)` walks
    /// the same value.
    static func orFalse(_ text: String?) -> any Sendable {
        text.map(TextValue.init) ?? false
    }
}

/// A list in a page context, whatever its element type, so that `hasX` flags can be set without
/// converting the list to `[Any]` (which copies every element).
protocol TemplateList {
    var isEmptyList: Bool { get }
}

extension Array: TemplateList {
    var isEmptyList: Bool { isEmpty }
}

/// Two context levels in one object: lookups try `top`, then `below`, as if `top` had been
/// pushed on top of `below` (used to render a partial on its own with the page-wide values).
struct LayeredContext: MustacheParent, Sendable {
    let top: any MustacheParent & Sendable
    let below: [String: any Sendable]
    /// The walks of `below` kept for every partial rendered over it: set only together with
    /// `below`, from one layout, so that they are always the walks of these values.
    let belowPieces: WalkMemo<ShapeWalk.Piece>?

    init(top: any MustacheParent & Sendable, below: [String: any Sendable]) {
        self.top = top
        self.below = below
        belowPieces = nil
    }

    /// `top` over a layout's page-wide values, walked from the pieces the layout keeps (a
    /// large site renders thousands of partials over the same values).
    init(top: any MustacheParent & Sendable, over layout: EntryPage.Layout) {
        self.top = top
        below = layout.frame
        belowPieces = layout.framePieces
    }

    func child(named name: String) -> Any? {
        top.child(named: name) ?? below[name]
    }
}

/// HTML escaping for `{{x}}` with the same five replacements as swift-mustache's own
/// (`&` `<` `>` `"` `'`), done on UTF-8 bytes instead of looking every character up in a
/// dictionary, which made escaping about a third of all rendering time.
///
/// swift-mustache escapes with its built-in HTML content type unless a template declares
/// `{{% CONTENT_TYPE: HTML }}`, which picks the type registered under that name; the shipped
/// templates declare it, and `register()` puts this escaper there. A template without the line
/// is escaped the same way, only more slowly. Byte-wise escaping is also the safer of the two: it
/// escapes a quote even when a combining mark follows it, where a character-wise lookup would not.
struct UTF8HTMLContentType: MustacheContentType {
    /// Registers this escaper as the `HTML` content type. Idempotent; the registry is
    /// swift-mustache's own, and templates read it when they are parsed.
    static func register() {
        MustacheContentTypes.register(UTF8HTMLContentType(), named: "HTML")
    }

    func escapeText(_ text: String) -> String {
        HTML.escape(text)
    }
}
