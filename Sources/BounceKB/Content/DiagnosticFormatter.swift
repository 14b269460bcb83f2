/// Turns diagnostics into the lines the commands print: `file:line:column: severity: message`,
/// optionally with ANSI colour, plus a one-line summary.
public struct DiagnosticFormatter: Sendable {
    /// Whether to add ANSI colour escapes.
    public var colored: Bool

    public init(colored: Bool = false) {
        self.colored = colored
    }

    /// Colour only for a terminal, and never when `NO_COLOR` is set (https://no-color.org) or
    /// `TERM` is `dumb`. The caller passes in what it knows about its output stream and environment.
    public static func shouldColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// One diagnostic as a line (without a line break).
    public func format(_ diagnostic: Diagnostic) -> String {
        guard colored else { return diagnostic.description }
        var location = diagnostic.file
        if diagnostic.line > 0 {
            location += ":\(diagnostic.line)"
            if diagnostic.column > 0 { location += ":\(diagnostic.column)" }
        }
        let severityColor = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;35m"
        return "\u{1B}[1m\(location):\u{1B}[0m \(severityColor)\(diagnostic.severity.rawValue):\u{1B}[0m \u{1B}[1m\(diagnostic.message)\u{1B}[0m"
    }

    /// All diagnostics, sorted by file, line and column, one per line, each ending in a line break.
    public func format(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.sorted().map { format($0) + "\n" }.joined()
    }

    /// "checked 150 entries in 9 categories: 0 errors, 2 warnings".
    public func summary(entries: Int, categories: Int, diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.errorCount
        let warnings = diagnostics.warningCount
        var errorText = Self.count(errors, "error")
        var warningText = Self.count(warnings, "warning")
        if colored {
            if errors > 0 { errorText = "\u{1B}[1;31m\(errorText)\u{1B}[0m" }
            if warnings > 0 { warningText = "\u{1B}[1;35m\(warningText)\u{1B}[0m" }
        }
        return "checked \(Self.count(entries, "entry", "entries")) in \(Self.count(categories, "category", "categories")): \(errorText), \(warningText)"
    }

    private static func count(_ number: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(number) \(number == 1 ? singular : plural ?? singular + "s")"
    }
}
