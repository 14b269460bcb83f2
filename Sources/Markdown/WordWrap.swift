/// Word wrapping for text shown in a terminal, where ANSI styling (`ESC [ … m`) takes no room.
///
/// One definition for the Markdown text renderer and the `bounce` output, so that a bounce
/// explanation and an entry's body wrap alike.
public enum WordWrap {
    /// `text` wrapped at spaces so that no line is wider than `width` columns, unless a single
    /// word is. Each hard line break starts a new line; the first line begins with `firstPrefix`
    /// (by default `indent`), every other line with `indent`.
    public static func wrap(_ text: String, width: Int, indent: String = "", firstPrefix: String? = nil) -> String {
        var output: [String] = []
        var prefix = firstPrefix ?? indent
        for hardLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = prefix
            var lineHasWord = false
            for word in hardLine.split(separator: " ") {
                if lineHasWord && visibleLength(line) + 1 + visibleLength(word) > width {
                    output.append(line)
                    line = indent
                    lineHasWord = false
                }
                line += (lineHasWord ? " " : "") + word
                lineHasWord = true
            }
            output.append(line)
            prefix = indent
        }
        return output.joined(separator: "\n")
    }

    /// The columns `text` takes: its Unicode scalars, not counting SGR escape sequences.
    public static func visibleLength<S: StringProtocol>(_ text: S) -> Int {
        var count = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1B}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }
}
