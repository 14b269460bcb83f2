import Markdown
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How output should look: colour only on a terminal and never when `NO_COLOR` is set, wrapped to
/// the terminal's width (`COLUMNS`, else the window size of standard output, else 80).
struct Terminal: Sendable {
    var width: Int
    var color: Bool

    /// Readable lines stop growing past this, however wide the window.
    static let maximumWidth = 100

    static func current(environment: [String: String], forceNoColor: Bool) -> Terminal {
        let isTTY = isatty(STDOUT_FILENO) == 1
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let dumb = environment["TERM"] == "dumb"
        let color = isTTY && !noColor && !dumb && !forceNoColor
        var width = 80
        if let columns = environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            width = columns
        } else if isTTY, let measured = windowColumns(), measured > 0 {
            width = measured
        }
        return Terminal(width: max(30, min(width, maximumWidth)), color: color)
    }

    private static func windowColumns() -> Int? {
        var size = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(STDOUT_FILENO, request, &size) == 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `text` safe to print: C0 controls other than line feed and tab, DEL and C1 controls
    /// (U+0080-U+009F) become U+FFFD, so that text from a bounce or from `--data` cannot move
    /// the cursor, set the window title or reach the clipboard. Styling is added after this.
    static func printable(_ text: String) -> String {
        func unsafe(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
        }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(unsafe(scalar) ? "\u{FFFD}" : scalar) }
        return String(scalars)
    }

    func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func red(_ text: String) -> String { color ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    func yellow(_ text: String) -> String { color ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
    func green(_ text: String) -> String { color ? "\u{1B}[32m\(text)\u{1B}[0m" : text }

    /// `text` wrapped at word boundaries to the width, every line starting with `indent`
    /// (the first with `firstIndent` when given).
    func wrap(_ text: String, indent: String = "", firstIndent: String? = nil) -> String {
        WordWrap.wrap(text, width: width, indent: indent, firstPrefix: firstIndent)
    }
}

/// Writes to standard output or error in one go, bypassing stdio buffering.
enum Output {
    static func standard(_ text: String) {
        writeAll(STDOUT_FILENO, text)
    }

    static func error(_ text: String) {
        writeAll(STDERR_FILENO, text.hasSuffix("\n") ? text : text + "\n")
    }

    private static func writeAll(_ descriptor: Int32, _ text: String) {
        var copy = text
        copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
