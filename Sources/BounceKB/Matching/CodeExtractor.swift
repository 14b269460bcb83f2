/// The SMTP reply codes and enhanced status codes found in a piece of bounce text, and the pair
/// that describes the final outcome.
public struct ExtractedCodes: Equatable, Sendable {
    /// A code and where it was seen.
    public struct Mention<Code: Equatable & Sendable>: Equatable, Sendable {
        public var code: Code
        /// UTF-8 offset in the text.
        public var offset: Int
        /// How sure the extractor is that this is a code: 3 = written as a reply + enhanced pair,
        /// 2 = in a code position (line start, after `smtp;`, `said:`, `Error`, ...), 1 = elsewhere.
        public var strength: Int

        public init(code: Code, offset: Int, strength: Int) {
            self.code = code
            self.offset = offset
            self.strength = strength
        }
    }

    /// Every reply code mention, in text order.
    public var replies: [Mention<Int>] = []
    /// Every enhanced status code mention, in text order.
    public var statuses: [Mention<StatusCode>] = []
    /// The reply code of the final outcome.
    public var reply: Int?
    /// The enhanced status code of the final outcome.
    public var status: StatusCode?
    /// True when the outcome is a queue expiry (X.4.7) that wraps an earlier error.
    public var expired: Bool = false

    public init(reply: Int? = nil, status: StatusCode? = nil) {
        self.reply = reply
        self.status = status
    }

    /// Whether no code at all was found.
    public var isEmpty: Bool { replies.isEmpty && statuses.isEmpty && reply == nil && status == nil }
}

/// Finds reply codes (`550`) and enhanced status codes (`5.1.1`) in bounce text, in all the
/// shapes mail servers write them, while leaving IP addresses, ports, dates and sizes alone.
public enum CodeExtractor {
    /// The codes in `text`, with the final outcome chosen:
    /// - an X.4.7 status (delivery time expired) wins: the queue gave up, whatever the last
    ///   error it saw was;
    /// - otherwise the first specific (not X.0.0) enhanced code, preferring one written as a
    ///   reply + enhanced pair;
    /// - the reply is the one written next to the chosen enhanced code, else the first reply in
    ///   a code position, else the first plausible one.
    public static func extract(_ text: String) -> ExtractedCodes {
        var bytes = Array(text.utf8)
        if bytes.count > maximumScan { bytes.removeSubrange(maximumScan...) }
        var result = ExtractedCodes()
        var pairedReplyAt: [Int: Int] = [:]  // status offset -> reply
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            guard isDigit(byte), index == 0 || !isCodeNeighbour(bytes[index - 1]), !followsAddressColon(bytes, at: index) else {
                index += 1
                continue
            }
            var end = index
            while end < count && isDigit(bytes[end]) { end += 1 }
            let digits = end - index
            if digits == 1, let (status, statusEnd) = statusCode(in: bytes, at: index) {
                // A trailing ".digit" means a longer dotted number (an IP address, a version).
                let strength = statusStrength(in: bytes, at: index)
                result.statuses.append(.init(code: status, offset: index, strength: strength))
                index = statusEnd
                continue
            }
            if digits == 3, endsCleanly(bytes, at: end), let value = Int(String(decoding: bytes[index..<end], as: UTF8.self)),
               (200...599).contains(value) {
                let strength = replyStrength(in: bytes, start: index, end: end, value: value)
                if strength > 0 {
                    result.replies.append(.init(code: value, offset: index, strength: strength))
                    if strength == 3, let statusStart = followingStatusStart(in: bytes, after: end) {
                        pairedReplyAt[statusStart] = value
                    }
                }
            }
            index = end
        }
        choose(&result, pairedReplyAt: pairedReplyAt)
        return result
    }

    /// Text beyond this many bytes is not searched for codes.
    static let maximumScan = 1 << 20

    private static func choose(_ result: inout ExtractedCodes, pairedReplyAt: [Int: Int]) {
        let statuses = result.statuses
        var chosen: ExtractedCodes.Mention<StatusCode>?
        if let expiry = statuses.first(where: { $0.code.subject == 4 && $0.code.detail == 7 }) {
            chosen = expiry
            result.expired = true
        } else {
            let ranked = statuses.enumerated().sorted { lhs, rhs in
                let left = (isGeneric(lhs.element.code) ? 1 : 0, -lhs.element.strength, lhs.offset)
                let right = (isGeneric(rhs.element.code) ? 1 : 0, -rhs.element.strength, rhs.offset)
                return left < right
            }
            chosen = ranked.first?.element
        }
        result.status = chosen?.code
        if let chosen, let paired = pairedReplyAt[chosen.offset] {
            result.reply = paired
        } else if result.expired {
            // The replies seen are the errors the queue retried on, not the outcome.
            result.reply = nil
        } else {
            let ranked = result.replies.enumerated().sorted { lhs, rhs in
                (-lhs.element.strength, lhs.offset) < (-rhs.element.strength, rhs.offset)
            }
            result.reply = ranked.first?.element.code
        }
    }

    /// The enhanced code at the start of `text` (after spaces), as in a DSN `Status:` field
    /// ("5.1.1", "5.1.1 (bad destination mailbox address)"), or nil.
    public static func leadingStatus(_ text: String) -> StatusCode? {
        var bytes = Array(text.utf8)
        let start = bytes.firstIndex { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") } ?? bytes.count
        bytes.removeSubrange(0..<start)
        guard let first = bytes.first, isDigit(first), let (code, end) = statusCode(in: bytes, at: 0) else { return nil }
        return end == bytes.count || bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "(") || bytes[end] == UInt8(ascii: "\t") ? code : nil
    }

    /// `text` read as an enhanced code with nothing around it ("5.7.26"), or nil. Reads bytes:
    /// `StatusCode.init` trims through Foundation, which costs at every start of `bounce`; for
    /// the texts this accepts, the two agree (callers fall back to `StatusCode.init`).
    static func exactStatus(_ text: String) -> StatusCode? {
        let bytes = Array(text.utf8)
        guard let (code, end) = statusCode(in: bytes, at: 0), end == bytes.count else { return nil }
        return code
    }

    /// X.0.0 says nothing beyond its class.
    static func isGeneric(_ code: StatusCode) -> Bool {
        code.subject == 0 && code.detail == 0
    }

    // MARK: - Bytes

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte >= 0x80
    }

    /// A character that, right before a number, makes it part of something else (`1.550`,
    /// `a550`, `/550`); `-` is allowed because it joins continuation lines (`550-5.1.1`).
    private static func isCodeNeighbour(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "$")
    }

    /// `x:550` where `x` is a letter or digit: part of an IPv6 address, a time or a port, not a
    /// code (servers write `said: 550`, with a space).
    private static func followsAddressColon(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index >= 2, bytes[index - 1] == UInt8(ascii: ":") else { return false }
        let before = bytes[index - 2]
        return isDigit(before) || isLetter(before) || before == UInt8(ascii: ":") || before == UInt8(ascii: "]")
    }

    /// After a three-digit number: a space, `-`, `:`, `,`, `;`, `)`, `'`, `"`, end of text, but
    /// not `.digit` (a decimal or an address), a letter, or more digits.
    private static func endsCleanly(_ bytes: [UInt8], at end: Int) -> Bool {
        guard end < bytes.count else { return true }
        let next = bytes[end]
        if isDigit(next) || isLetter(next) { return false }
        if next == UInt8(ascii: ".") || next == UInt8(ascii: ":") || next == UInt8(ascii: ",") {
            // "550." at the end of a sentence is fine; "554.30", "1:550:2" and "1,550" are numbers.
            return end + 1 >= bytes.count || !isDigit(bytes[end + 1])
        }
        if next == UInt8(ascii: "%") || next == UInt8(ascii: "@") || next == UInt8(ascii: "/") { return false }
        return true
    }

    /// `d.d{1,3}.d{1,3}` with class 2, 4 or 5 and subject 0-7, not followed by `.digit` or a
    /// digit or letter.
    private static func statusCode(in bytes: [UInt8], at start: Int) -> (StatusCode, Int)? {
        let count = bytes.count
        var index = start + 1
        // Callers may point at any byte (after "550 #"), so check the class digit here.
        guard start < count, isDigit(bytes[start]), index < count, bytes[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        var numbers: [Int] = [Int(bytes[start] - 0x30)]
        for part in 0..<2 {
            let partStart = index
            var value = 0
            while index < count && isDigit(bytes[index]) && index - partStart < 4 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            let length = index - partStart
            guard (1...3).contains(length) else { return nil }
            // Leading zeros do not occur in real codes; "5.01.1" is something else.
            if length > 1 && bytes[partStart] == 0x30 { return nil }
            numbers.append(value)
            if part == 0 {
                guard index < count, bytes[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        if index < count {
            let next = bytes[index]
            if isDigit(next) || isLetter(next) { return nil }
            if next == UInt8(ascii: "."), index + 1 < count, isDigit(bytes[index + 1]) { return nil }
        }
        guard let code = StatusCode(klass: numbers[0], subject: numbers[1], detail: numbers[2]) else { return nil }
        return (code, index)
    }

    private static func statusStrength(in bytes: [UInt8], at start: Int) -> Int {
        if start > 0 {
            let previous = bytes[start - 1]
            if previous == UInt8(ascii: "#") || previous == UInt8(ascii: "(") || previous == UInt8(ascii: "[") { return 2 }
        }
        return lineStartOrKeyword(in: bytes, before: start) ? 2 : 1
    }

    /// Where an enhanced code starts right after a reply (`550 5.1.1`, `550-5.1.1`, `550 #5.1.1`).
    private static func followingStatusStart(in bytes: [UInt8], after end: Int) -> Int? {
        var index = end
        guard index < bytes.count else { return nil }
        let separator = bytes[index]
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: "\t") else { return nil }
        index += 1
        while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "#") || bytes[index] == UInt8(ascii: "(")) { index += 1 }
        guard index < bytes.count, statusCode(in: bytes, at: index) != nil else { return nil }
        return index
    }

    private static func replyStrength(in bytes: [UInt8], start: Int, end: Int, value: Int) -> Int {
        if followingStatusStart(in: bytes, after: end) != nil { return 3 }
        let known = CodeRegistry.reply(value) != nil
        if lineStartOrKeyword(in: bytes, before: start) {
            // "550-Mailbox unavailable" continuation lines and "550 User unknown" are codes even
            // when the number is not registered (571, 542 ...), as long as its shape is right.
            let second = (value / 10) % 10
            return known || second <= 7 ? 2 : 0
        }
        guard known, value >= 400 else { return 0 }
        if let word = previousWord(in: bytes, before: start), weakReplyBlockers.contains(word) { return 0 }
        if let word = nextWord(in: bytes, after: end), unitWords.contains(word) { return 0 }
        return 1
    }

    /// Words after which a number is a quantity, not a code.
    static let weakReplyBlockers: Set<String> = [
        "port", "size", "limit", "of", "than", "max", "maximum", "exceeds", "exceeded", "over", "under",
        "after", "for", "in", "at", "to", "by", "only", "about", "approximately", "first", "last", "top",
        "up", "least", "most", "within", "next", "every", "per", "and", "or", "x", "id",
    ]

    /// Words after which a number is a quantity, not a code.
    static let unitWords: Set<String> = [
        "recipients", "recipient", "messages", "message", "mails", "emails", "hops", "seconds", "second",
        "minutes", "minute", "hours", "hour", "days", "day", "bytes", "byte", "kb", "mb", "gb", "k", "m",
        "connections", "connection", "times", "attempts", "percent", "ms", "sec", "secs", "mins", "lines",
        "characters", "chars", "addresses", "users", "items",
    ]

    /// Words right before a number that make it a code: `SMTP 550`, `Error 550:`, `said: 550`,
    /// `smtp; 550`, `returned '550`, `code 550`.
    static let codeKeywords: Set<String> = [
        "smtp", "esmtp", "said", "error", "err", "code", "reply", "replied", "returned", "response",
        "responded", "status", "failed", "failure", "dsn", "reason", "diagnostic", "rejected", "x-postfix",
        "answer", "answered", "result", "reported", "message", "permanent", "temporary", "fatal",
    ]

    /// Whether only punctuation or spaces separate `start` from the start of its line, or a code
    /// keyword comes right before it (through punctuation such as `:`, `;`, `'`, `#`, `(`).
    private static func lineStartOrKeyword(in bytes: [UInt8], before start: Int) -> Bool {
        var index = start - 1
        while index >= 0 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { return true }
            if isLetter(byte) || isDigit(byte) { break }
            // Transcript markers ("<<< 550"), quotes, brackets and separators are skipped.
            index -= 1
        }
        if index < 0 { return true }
        guard let word = previousWord(in: bytes, before: start) else { return false }
        return codeKeywords.contains(word)
    }

    /// The lower-cased word (letters, digits, `-`) that ends before `start`, skipping punctuation.
    private static func previousWord(in bytes: [UInt8], before start: Int) -> String? {
        var index = start - 1
        var skipped = 0
        while index >= 0 && !(isLetter(bytes[index]) || isDigit(bytes[index])) {
            if bytes[index] == UInt8(ascii: "\n") { return nil }
            index -= 1
            skipped += 1
            if skipped > 4 { return nil }
        }
        guard index >= 0 else { return nil }
        let end = index + 1
        while index >= 0 && (isLetter(bytes[index]) || isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "-")) {
            index -= 1
            if end - index > 24 { return nil }
        }
        return String(decoding: bytes[(index + 1)..<end], as: UTF8.self).lowercased()
    }

    private static func nextWord(in bytes: [UInt8], after end: Int) -> String? {
        var index = end
        while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) { index += 1 }
        let start = index
        while index < bytes.count && isLetter(bytes[index]) && index - start < 24 { index += 1 }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
    }
}
