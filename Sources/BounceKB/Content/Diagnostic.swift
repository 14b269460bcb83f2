/// A problem found in content, reported as `file:line:column: severity: message`.
///
/// Diagnostics are values: every step collects them, and the command decides how to print them.
public struct Diagnostic: Equatable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// Path of the file, relative to the working directory when possible.
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based; 0 when the problem concerns the whole line or file.
    public var column: Int
    public var severity: Severity
    /// What is wrong and how to fix it.
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    public static func error(_ message: String, file: String, line: Int = 0, column: Int = 0) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .error, message: message)
    }

    public static func warning(_ message: String, file: String, line: Int = 0, column: Int = 0) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .warning, message: message)
    }

    /// `file:line:column: severity: message`, leaving out a zero line or column.
    public var description: String {
        var location = file
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return "\(location): \(severity.rawValue): \(message)"
    }

    /// Orders by file, line, column, then severity and message, so output is stable.
    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.severity == .error ? 0 : 1, lhs.message)
            < (rhs.file, rhs.line, rhs.column, rhs.severity == .error ? 0 : 1, rhs.message)
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }
}

extension Array where Element == Diagnostic {
    /// How many diagnostics are errors.
    public var errorCount: Int { filter { $0.severity == .error }.count }

    /// How many diagnostics are warnings.
    public var warningCount: Int { filter { $0.severity == .warning }.count }
}

/// A diagnostic can be thrown, or carried as the failure of a `Result`, when one problem ends a step.
extension Diagnostic: Error {}
