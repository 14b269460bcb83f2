import Foundation

/// Reads typed fields out of a front matter mapping, turning every problem into a diagnostic
/// that points at the offending value and says how to write it instead.
struct FieldReader {
    let file: String
    let pairs: [YAMLPair]
    /// Where to report a missing field: the closing `---` line, where the field would be added.
    let missingFieldLocation: SourceLocation
    /// What holds the fields, for "add it to …" hints.
    let container: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, pairs: [YAMLPair], missingFieldLocation: SourceLocation, container: String = "the front matter") {
        self.file = file
        self.pairs = pairs
        self.missingFieldLocation = missingFieldLocation
        self.container = container
    }

    /// The pair for `key`; Yams rejects duplicate keys, so there is at most one.
    func pair(_ key: String) -> YAMLPair? {
        pairs.first { $0.key == key }
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(.error(message, file: file, line: location.line, column: location.column))
    }

    mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, file: file, line: location.line, column: location.column))
    }

    private mutating func reportMissing(_ key: String, example: String) {
        error("missing required field '\(key)'; add a line such as '\(example)' to \(container)", at: missingFieldLocation)
    }

    /// A single line of text. Quoted or not, any scalar is text.
    mutating func text(_ key: String, required: Bool, example: String, singleLine: Bool = false) -> String? {
        guard let pair = pair(key) else {
            if required { reportMissing(key, example: example) }
            return nil
        }
        let value = pair.value
        guard case .scalar(let raw, _) = value.kind else {
            error("\(key) must be text, not \(value.shapeName); write it on the same line, e.g. '\(example)'", at: value.location)
            return nil
        }
        let trimmed = FastText.trimming(raw, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines)
        if value.isNull || trimmed.isEmpty {
            if required {
                error("\(key) is empty; write a value after '\(key):', e.g. '\(example)'", at: value.location)
            }
            return required ? nil : ""
        }
        if singleLine && FastText.containsLineFeed(trimmed) {
            error("\(key) must be a single line; write it on the same line as '\(key):'", at: value.location)
            return nil
        }
        return trimmed
    }

    /// A whole number written without quotes.
    mutating func integer(_ key: String, required: Bool, example: String, digits: ClosedRange<Int> = 1...9) -> Int? {
        guard let pair = pair(key) else {
            if required { reportMissing(key, example: example) }
            return nil
        }
        let value = pair.value
        guard case .scalar(let raw, let plain) = value.kind, !value.isNull else {
            error("\(key) must be a whole number such as \(example.split(separator: " ").last ?? ""), not \(value.shapeName)", at: value.location)
            return nil
        }
        let text = FastText.trimming(raw, .whitespaces, ascii: FastText.whitespaces)
        let isDigits = !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } && digits.contains(text.count)
        guard isDigits, let number = Int(text) else {
            error("\(key) must be a whole number such as \(example.split(separator: " ").last ?? ""); '\(raw)' is not", at: value.location)
            return nil
        }
        if !plain {
            error("\(key) must be a whole number such as \(example.split(separator: " ").last ?? ""), not text; remove the quotes around \(text)", at: value.location)
            return nil
        }
        return number
    }

    /// A list of single-line texts, with the position of each item.
    mutating func textList(_ key: String, example: String) -> [(text: String, location: SourceLocation)]? {
        guard let pair = pair(key) else { return nil }
        let value = pair.value
        if value.isNull { return [] }
        guard case .sequence(let items) = value.kind else {
            error("\(key) must be a list, e.g. '\(example)'; \(value.shapeName) was given", at: value.location)
            return nil
        }
        var result: [(text: String, location: SourceLocation)] = []
        for item in items {
            switch item.kind {
            case .scalar(let raw, _) where !item.isNull:
                let trimmed = FastText.trimming(raw, .whitespacesAndNewlines, ascii: FastText.whitespacesAndNewlines)
                if trimmed.isEmpty {
                    error("empty item in \(key); delete it or write a value", at: item.location)
                } else {
                    result.append((trimmed, item.location))
                }
            case .scalar:
                error("empty item in \(key); delete the '-' line or write a value after it", at: item.location)
            case .mapping:
                error("an item of \(key) is a set of fields, not text; put items that start with '{' or contain ': ' in double quotes, e.g. - \"{email} does not exist\"",
                      at: item.location)
            case .sequence:
                error("an item of \(key) is a nested list; write one text per '-' line", at: item.location)
            }
        }
        return result
    }

    /// One of a fixed set of words, with a did-you-mean for near misses.
    mutating func choice(_ key: String, from choices: [String]) -> (value: String, location: SourceLocation)? {
        guard let text = text(key, required: false, example: "\(key): \(choices[0])"), !text.isEmpty,
              let location = pair(key)?.value.location else { return nil }
        if choices.contains(text) { return (text, location) }
        var message = "unknown \(key) '\(text)'"
        if let suggestion = Suggestions.closest(to: text, in: choices) {
            message += "; did you mean '\(suggestion)'?"
        } else {
            message += "; use one of: \(choices.joined(separator: ", "))"
        }
        error(message, at: location)
        return nil
    }

    /// Warns about every field not in `known`, suggesting the nearest known name.
    mutating func checkUnknownKeys(known: [String]) {
        for pair in pairs where !known.contains(pair.key) {
            var message = "unknown field '\(pair.key)' is ignored"
            if let suggestion = Suggestions.closest(to: pair.key, in: known) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; known fields are \(known.joined(separator: ", "))"
            }
            warning(message, at: pair.keyLocation)
        }
    }
}
