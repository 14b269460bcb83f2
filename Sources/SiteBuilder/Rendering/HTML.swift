/// Escaping and URL checks for values that end up in generated HTML.
///
/// Templates escape `{{x}}` themselves; these helpers exist for the few places where the builder
/// produces HTML fragments (handed to templates as `{{{x}}}`) and for attribute values that come
/// from content, which must be checked before they can become an `href`.
public enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in element
    /// content and in quoted attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The placeholders a `match` phrase may contain, in the order they are documented.
    public static let matchPlaceholders = ["email", "domain", "ip", "host", "n"]

    /// A `match` phrase as HTML: escaped, with each placeholder such as `{email}` shown as
    /// `<var>email</var>` so readers see which part of the bounce text varies.
    public static func matchPhrase(_ phrase: String) -> String {
        var html = escape(phrase)
        for name in matchPlaceholders {
            // Braces survive escaping unchanged, so the placeholder is still literal here.
            html = html.replacing("{\(name)}", with: "<var>\(name)</var>")
        }
        return html
    }

    /// Whether `url` may be used as a link target taken from content: only absolute `http:`,
    /// `https:` and `mailto:` URLs, without whitespace or control characters (which browsers
    /// strip, and which could hide a different scheme).
    public static func isSafeExternalURL(_ url: String) -> Bool {
        guard !url.isEmpty, url.utf8.count <= 2048 else { return false }
        for scalar in url.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "\"" || scalar == "<"
                || scalar == ">" || scalar == "\\" || scalar == "`" {
                return false
            }
            if scalar.properties.generalCategory == .format { return false }
        }
        let lower = url.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            let rest = lower.drop { $0 != "/" }.dropFirst(2)
            return !rest.isEmpty && !rest.hasPrefix("/")
        }
        if lower.hasPrefix("mailto:") {
            return lower.count > "mailto:".count
        }
        return false
    }

    /// Shifts the headings in cmark's HTML down, keeping their hierarchy, so that the highest one
    /// is at least `minimumLevel`: a fragment placed under an `h2` is given `minimumLevel` 3, and
    /// `# Title` in it becomes `h3`, `## Part` `h4`. Levels stop at `h6`. Keeps "exactly one h1"
    /// true whatever the content author wrote.
    ///
    /// cmark's safe mode never passes raw HTML through, so `<hN>` in its output is always a
    /// real heading tag and never text.
    public static func demoteHeadings(_ html: String, minimumLevel: Int) -> String {
        guard html.contains("<h") else { return html }
        guard let highest = (1...6).first(where: { html.contains("<h\($0)>") }), highest < minimumLevel else { return html }
        let shift = minimumLevel - highest
        var result = html
        // Highest numbers first, so a renamed tag is never renamed twice.
        for level in stride(from: 6, through: 1, by: -1) {
            let target = min(6, level + shift)
            guard target != level else { continue }
            result = result.replacing("<h\(level)>", with: "<h\(target)>")
                .replacing("</h\(level)>", with: "</h\(target)>")
        }
        return result
    }
}
