/// The one definition of how bounce text, match phrases and search queries are turned into
/// comparable tokens, and of the weights the ranking gives them.
///
/// `bounce` and the site's search index both use this type (the search engine re-implements
/// the same rules in JavaScript), so every rule here is deliberately simple and written out:
///
/// 1. Lower-case (Unicode simple lower-casing). Line breaks and tabs are ordinary spaces:
///    wrapped and folded lines read as one line. Nothing is decoded (no quoted-printable, no
///    base64, no HTML entities): decoding happens once, in `BounceReport`.
/// 2. The apostrophes `'`, `’`, `‘` and `` ` `` are deleted (`doesn't` → `doesnt`, `'550` → `550`).
/// 3. A placeholder written in braces, `{email}`, `{domain}`, `{host}`, `{ip}` or `{n}`, is read
///    as that placeholder (`{domain}` and `{host}` are the same one, `{host}`).
/// 4. The rest is cut into *atoms*: maximal runs of letters, marks, digits (`\p{L}\p{M}\p{N}`)
///    and the characters `_ . - @ + % :`. Every other character separates atoms.
///    Leading `. - + % @ :` and trailing `. - + % @ :` are trimmed from an atom.
/// 5. Each atom becomes zero or more tokens, by the first rule that applies:
///    - contains `@` → `{email}`;
///    - an IPv6 address (hex digits and `:` only, at least two `:`, and either `::` or a hex
///      letter) → `{ip}`;
///    - contains `:` → split at `:` and read each piece by the rules below;
///    - an IPv4 address (four dot-separated groups of 1-3 digits) → `{ip}`;
///    - a host name (two or more dot-separated labels of `[a-z0-9-]` or non-ASCII letters, the
///      last one 2-6 ASCII letters or one of `Normalizer.longTopLevelDomains`) → the host name
///      itself, marked as a host;
///    - otherwise split at `-` into pieces, and each piece is:
///      an enhanced status code (`[245].d{1,3}.d{1,3}`) → nothing (codes are compared separately);
///      digits with dots (`554.30`) or digits → `{n}`, except that three digits from 200 to 599
///      that are followed by an enhanced code, or joined by `-` to the next piece (`550-5.1.1`,
///      `550-Mailbox`), are a reply code and give nothing;
///      anything else is split at `.` into words (a digits-only word is `{n}`), and a word of
///      five or more ASCII letters ending in `s` but not `ss` loses that `s` (a crude singular:
///      `recipients` → `recipient`).
///
/// A match phrase is tokenised exactly like bounce text, so a phrase containing a real address
/// or number behaves as if it had been written with the placeholder.
public struct Normalizer: Sendable {
    /// Every constant the ranking uses. Exported with the search index so the browser engine
    /// computes the same scores.
    public struct Weights: Codable, Equatable, Sendable {
        /// Weight of a placeholder token (`{email}`, `{host}`, `{ip}`, `{n}`): low, because
        /// variable parts say little about the cause.
        public var placeholder: Double
        /// A phrase counts only when at least this share of its weight is found in the text.
        public var minimumCoverage: Double
        /// A phrase of at most this many tokens counts only when its rarest word (placeholders
        /// aside) is found: a short phrase without the word that sets it apart says something
        /// else ("unable to relay" vs "unable to"), while one without a common word still fits
        /// ("dmarc aggregate report" vs "aggregate report").
        public var shortPhrase: Int
        /// Share of a phrase's score that depends on the phrase's words being in the same order
        /// (the longest run of consecutive phrase tokens found consecutively in the text).
        public var order: Double
        /// A phrase counts only when its longest run of tokens found in order, consecutively,
        /// carries at least this share of its weight (scattered common words are no evidence).
        public var minimumRun: Double
        /// An entry is a candidate only when its best phrase scores at least this.
        public var minimumPhraseScore: Double
        /// Added to the best phrase's score for each further phrase of the same entry that matches
        /// completely, as a share of that phrase's own score.
        public var extraPhrase: Double
        /// Bonus when the entry's enhanced code equals the text's.
        public var statusExact: Double
        /// Bonus when subject and detail agree but the class differs (4.2.2 vs 5.2.2).
        public var statusOtherClass: Double
        /// Penalty when the subjects agree but the details differ (5.7.1 vs 5.7.26); it shrinks
        /// as the entry's phrase evidence approaches a complete match.
        public var statusOtherDetail: Double
        /// Penalty when the subjects differ (5.1.1 vs 5.2.2); shrinks the same way.
        public var statusOtherSubject: Double
        /// Bonus when the reply codes are equal.
        public var replyExact: Double
        /// Penalty when one reply is 4xx and the other 5xx.
        public var replyOtherClass: Double
        /// A phrase score at which a code disagreement no longer costs anything (the penalties
        /// shrink linearly up to it).
        public var strongPhrase: Double
        /// Below this phrase score an entry is dropped when wording and codes point elsewhere.
        public var weakPhrase: Double
        /// How much less support than the best-supported reason an entry's reason may have
        /// before a weak or partial match of it is dropped.
        public var supportMargin: Double
        /// Cue weight of wording that settles a reason on its own ("sender address rejected");
        /// also the delay wording that keeps a 4.4.7 from being read as an expiry.
        public var decisiveCue: Double
        /// Expiry cue weight at which the queue is taken to have given up ("retry timeout exceeded").
        public var expiryCue: Double
        /// Multiplies the keyword-cue score of an entry's reason into an entry bonus.
        public var cue: Double
        /// Upper bound of the cue bonus for one entry.
        public var cueCap: Double
        /// Weight given to the reason a code implies when choosing a fallback reason.
        public var codePrior: Double
        /// A fallback reason needs at least this much cue + code evidence.
        public var minimumReasonScore: Double
        /// Entries scoring below this share of the best entry's score are not returned.
        public var relativeCutoff: Double
        /// Scores closer than this are a tie.
        public var tie: Double

        public init(
            placeholder: Double = 0.4, minimumCoverage: Double = 0.5, shortPhrase: Int = 3, minimumRun: Double = 0.4, order: Double = 0.3,
            minimumPhraseScore: Double = 3.0, extraPhrase: Double = 0.1,
            statusExact: Double = 3.0, statusOtherClass: Double = 2.0,
            statusOtherDetail: Double = 1.5, statusOtherSubject: Double = 4.0,
            replyExact: Double = 1.0, replyOtherClass: Double = 1.5,
            strongPhrase: Double = 15, weakPhrase: Double = 6, supportMargin: Double = 1.5,
            decisiveCue: Double = 3, expiryCue: Double = 3,
            cue: Double = 0.5, cueCap: Double = 3.0, codePrior: Double = 2.0,
            minimumReasonScore: Double = 2.0, relativeCutoff: Double = 0.35, tie: Double = 0.000_001
        ) {
            self.placeholder = placeholder
            self.minimumCoverage = minimumCoverage
            self.shortPhrase = shortPhrase
            self.minimumRun = minimumRun
            self.order = order
            self.minimumPhraseScore = minimumPhraseScore
            self.extraPhrase = extraPhrase
            self.statusExact = statusExact
            self.statusOtherClass = statusOtherClass
            self.statusOtherDetail = statusOtherDetail
            self.statusOtherSubject = statusOtherSubject
            self.replyExact = replyExact
            self.replyOtherClass = replyOtherClass
            self.strongPhrase = strongPhrase
            self.weakPhrase = weakPhrase
            self.supportMargin = supportMargin
            self.decisiveCue = decisiveCue
            self.expiryCue = expiryCue
            self.cue = cue
            self.cueCap = cueCap
            self.codePrior = codePrior
            self.minimumReasonScore = minimumReasonScore
            self.relativeCutoff = relativeCutoff
            self.tie = tie
        }

        /// The weights `bounce` ships with.
        public static let standard = Weights()

        enum CodingKeys: String, CodingKey {
            case placeholder, order, cue, tie
            case minimumCoverage = "minimum_coverage"
            case shortPhrase = "short_phrase"
            case minimumRun = "minimum_run"
            case minimumPhraseScore = "minimum_phrase_score"
            case extraPhrase = "extra_phrase"
            case statusExact = "status_exact"
            case statusOtherClass = "status_other_class"
            case statusOtherDetail = "status_other_detail"
            case statusOtherSubject = "status_other_subject"
            case replyExact = "reply_exact"
            case replyOtherClass = "reply_other_class"
            case strongPhrase = "strong_phrase"
            case weakPhrase = "weak_phrase"
            case supportMargin = "support_margin"
            case decisiveCue = "decisive_cue"
            case expiryCue = "expiry_cue"
            case cueCap = "cue_cap"
            case codePrior = "code_prior"
            case minimumReasonScore = "minimum_reason_score"
            case relativeCutoff = "relative_cutoff"
        }
    }

    /// The placeholder tokens, as they appear in normalised text.
    public enum Placeholder {
        public static let email = "{email}"
        public static let host = "{host}"
        public static let ip = "{ip}"
        public static let number = "{n}"
        /// All of them, in a fixed order.
        public static let all = [email, host, ip, number]
    }

    public let weights: Weights

    public init(weights: Weights = .standard) {
        self.weights = weights
    }

    /// The normaliser `bounce` uses.
    public static let standard = Normalizer()

    /// Top-level domains longer than six letters that show up in mail: the reserved `invalid`
    /// and `example`, and common generic ones. No other label over six letters ends a host name,
    /// so that dotted identifiers such as RESOLVER.ADR.RecipientNotFound stay words.
    public static let longTopLevelDomains = [
        "invalid", "example", "localhost", "company", "network", "digital", "website", "systems", "solutions",
        "services", "technology", "consulting", "international", "finance", "support", "software",
    ]

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [Token] {
        var scanner = Scanner(text)
        return scanner.run()
    }

    /// `tokens(_:)` with every atom classified in full, plain words included: what the
    /// shortcut for plain words is held to in tests.
    func tokensClassifyingEveryAtom(_ text: String) -> [Token] {
        var scanner = Scanner(text)
        scanner.takesWordShortcut = false
        return scanner.run()
    }

    /// The tokens of `text` joined by single spaces: the normalised form people can read.
    public func normalize(_ text: String) -> String {
        tokens(text).map(\.text).joined(separator: " ")
    }

    /// Whether a token is a placeholder rather than a word or a host name.
    public static func isPlaceholder(_ token: String) -> Bool {
        token.hasPrefix("{") && token.hasSuffix("}")
    }
}

/// One normalised token: a lower-case word, a host name, or a placeholder.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// The word, the host name, or `{email}`, `{host}`, `{ip}`, `{n}`.
    public var text: String
    /// True for a host name found in the text (so a `{host}` phrase token matches it).
    public var isHost: Bool

    public init(_ text: String, isHost: Bool = false) {
        self.text = text
        self.isHost = isHost
    }

    public var description: String { text }

    /// Whether this token, taken from a match phrase, matches `other`, taken from the text.
    public func matches(_ other: Token) -> Bool {
        text == other.text || (text == Normalizer.Placeholder.host && other.isHost)
    }
}

// MARK: - Scanning

/// The tokeniser, working on UTF-8 bytes: ASCII (nearly all bounce text) takes a fast path;
/// other characters are classified and lower-cased per Unicode scalar.
private struct Scanner {
    private var text: String
    private var raw: [RawToken] = []
    /// The current atom, lower-cased UTF-8.
    private var atom: [UInt8] = []
    /// Whether plain words skip `classify` (see `flush()`); off only in tests.
    var takesWordShortcut = true

    init(_ text: String) {
        self.text = text
    }

    enum RawKind { case word, number, replyLike, status, host, placeholder }

    struct RawToken {
        var text: String
        var kind: RawKind
        /// Joined to the next piece by `-` inside one atom.
        var hyphenJoined = false
    }

    mutating func run() -> [Token] {
        var copy = text
        copy.withUTF8 { bytes in
            scan(bytes)
        }
        return finish()
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        atom.reserveCapacity(64)
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == UInt8(ascii: "{"), let (placeholder, length) = Scanner.placeholder(in: bytes, at: index) {
                    flush()
                    raw.append(RawToken(text: placeholder, kind: .placeholder))
                    index += length
                    continue
                }
                if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
                    index += 1
                    continue
                }
                if Scanner.asciiAtom[Int(byte)] {
                    atom.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                } else {
                    flush()
                }
                index += 1
                continue
            }
            // A multi-byte scalar.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            let end = min(count, index + length)
            var scalars = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self).unicodeScalars.makeIterator()
            index = end
            guard let scalar = scalars.next() else { continue }
            if scalar == "\u{2019}" || scalar == "\u{2018}" { continue }
            if Scanner.isWordScalar(scalar) {
                let lowered = scalar.properties.lowercaseMapping.unicodeScalars
                let chosen = lowered.count == 1 ? (lowered.first ?? scalar) : scalar
                atom.append(contentsOf: String(chosen).utf8)
            } else {
                flush()
            }
        }
        flush()
    }

    /// ASCII bytes that belong to atoms: letters, digits, `_ . - @ + % :`.
    private static let asciiAtom: [Bool] = (0..<128).map { value in
        let byte = UInt8(value)
        return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "%") || byte == UInt8(ascii: ":")
    }

    private static let placeholders: [(name: [UInt8], token: String)] = [
        (Array("{email}".utf8), "{email}"), (Array("{domain}".utf8), "{host}"), (Array("{host}".utf8), "{host}"),
        (Array("{ip}".utf8), "{ip}"), (Array("{n}".utf8), "{n}"),
    ]

    private static func placeholder(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (String, Int)? {
        for (name, token) in placeholders where index + name.count <= bytes.count {
            var equal = true
            for offset in 0..<name.count {
                var byte = bytes[index + offset]
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                if byte != name[offset] { equal = false; break }
            }
            if equal { return (token, name.count) }
        }
        return nil
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    private static func isTrimmed(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":")
    }

    private mutating func flush() {
        guard !atom.isEmpty else { return }
        var start = 0
        var end = atom.count
        while start < end && Scanner.isTrimmed(atom[start]) { start += 1 }
        while end > start && Scanner.isTrimmed(atom[end - 1]) { end -= 1 }
        if start < end {
            let trimmed = atom[start..<end]
            // A plain word (lower-case ASCII letters only), most atoms of real text: every
            // check `classify` makes (address, IP, host, code, number) fails for it and it ends
            // as a word token, so it is made directly.
            if takesWordShortcut && trimmed.allSatisfy(Scanner.isLowerASCIILetter) {
                raw.append(RawToken(text: String(decoding: Scanner.singular(trimmed), as: UTF8.self), kind: .word))
            } else {
                classify(trimmed)
            }
        }
        atom.removeAll(keepingCapacity: true)
    }

    private mutating func classify(_ atom: ArraySlice<UInt8>) {
        if atom.contains(UInt8(ascii: "@")) {
            raw.append(RawToken(text: Normalizer.Placeholder.email, kind: .placeholder))
            return
        }
        guard atom.contains(UInt8(ascii: ":")) else {
            classifyColonFree(atom)
            return
        }
        if Scanner.isIPv6(atom) {
            raw.append(RawToken(text: Normalizer.Placeholder.ip, kind: .placeholder))
            return
        }
        forEachPiece(of: atom, separatedBy: UInt8(ascii: ":")) { scanner, piece, _ in
            scanner.classifyColonFree(piece)
        }
    }

    /// Calls `body` for each non-empty piece between separators, with whether more follow.
    private mutating func forEachPiece(
        of slice: ArraySlice<UInt8>, separatedBy separator: UInt8,
        _ body: (inout Scanner, ArraySlice<UInt8>, Bool) -> Void
    ) {
        var start = slice.startIndex
        var pending: ArraySlice<UInt8>?
        var index = slice.startIndex
        while index <= slice.endIndex {
            if index == slice.endIndex || slice[index] == separator {
                if index > start {
                    if let previous = pending { body(&self, previous, true) }
                    pending = slice[start..<index]
                }
                start = index + 1
            }
            index += 1
        }
        if let last = pending { body(&self, last, false) }
    }

    private mutating func classifyColonFree(_ atom: ArraySlice<UInt8>) {
        if Scanner.isIPv4(atom) {
            raw.append(RawToken(text: Normalizer.Placeholder.ip, kind: .placeholder))
            return
        }
        if Scanner.isHost(atom) {
            raw.append(RawToken(text: String(decoding: atom, as: UTF8.self), kind: .host))
            return
        }
        forEachPiece(of: atom, separatedBy: UInt8(ascii: "-")) { scanner, piece, more in
            scanner.classifyPiece(piece, hyphenJoined: more)
        }
    }

    private mutating func classifyPiece(_ piece: ArraySlice<UInt8>, hyphenJoined: Bool) {
        if Scanner.isStatusCode(piece) {
            raw.append(RawToken(text: "", kind: .status))
            return
        }
        if Scanner.isDottedDigits(piece) {
            let replyLike = piece.count == 3 && (piece.first.map { $0 >= UInt8(ascii: "2") && $0 <= UInt8(ascii: "5") } ?? false)
            raw.append(RawToken(text: "", kind: replyLike ? .replyLike : .number, hyphenJoined: hyphenJoined))
            return
        }
        forEachPiece(of: piece, separatedBy: UInt8(ascii: ".")) { scanner, word, _ in
            if word.allSatisfy(Scanner.isDigit) {
                scanner.raw.append(RawToken(text: "", kind: .number))
            } else {
                scanner.raw.append(RawToken(text: String(decoding: Scanner.singular(word), as: UTF8.self), kind: .word))
            }
        }
    }

    private func finish() -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(raw.count)
        for (index, token) in raw.enumerated() {
            switch token.kind {
            case .status:
                continue
            case .replyLike:
                let nextIsStatus = index + 1 < raw.count && raw[index + 1].kind == .status
                if nextIsStatus || token.hyphenJoined { continue }
                tokens.append(Token(Normalizer.Placeholder.number))
            case .number:
                tokens.append(Token(Normalizer.Placeholder.number))
            case .word, .placeholder:
                tokens.append(Token(token.text))
            case .host:
                tokens.append(Token(token.text, isHost: true))
            }
        }
        return tokens
    }

    /// A plural `s` dropped: ASCII letters only, five or more, ending in `s` but not `ss`
    /// (`recipients` → `recipient`, `dnsbls` → `dnsbl`, `address` unchanged).
    static func singular(_ word: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard word.count >= 5, word.last == UInt8(ascii: "s"), word[word.endIndex - 2] != UInt8(ascii: "s"),
              word.allSatisfy(isLowerASCIILetter)
        else { return word }
        return word.dropLast()
    }

    // MARK: Shapes

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    static func isLowerASCIILetter(_ byte: UInt8) -> Bool {
        byte >= 0x61 && byte <= 0x7A
    }

    static func isIPv6(_ atom: ArraySlice<UInt8>) -> Bool {
        var colons = 0
        var hexLetter = false
        var doubleColon = false
        var previousColon = false
        for byte in atom {
            if byte == UInt8(ascii: ":") {
                colons += 1
                if previousColon { doubleColon = true }
                previousColon = true
            } else if isDigit(byte) {
                previousColon = false
            } else if byte >= 0x61 && byte <= 0x66 {
                hexLetter = true
                previousColon = false
            } else {
                return false
            }
        }
        return colons >= 2 && (doubleColon || hexLetter)
    }

    static func isIPv4(_ atom: ArraySlice<UInt8>) -> Bool {
        var groups = 0
        var length = 0
        for byte in atom {
            if byte == UInt8(ascii: ".") {
                guard length > 0 else { return false }
                groups += 1
                length = 0
            } else if isDigit(byte) {
                length += 1
                if length > 3 { return false }
            } else {
                return false
            }
        }
        return groups == 3 && length > 0
    }

    static func isDottedDigits(_ piece: ArraySlice<UInt8>) -> Bool {
        guard let first = piece.first, let last = piece.last, isDigit(first), isDigit(last) else { return false }
        var previousDot = false
        for byte in piece {
            if byte == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
            } else if isDigit(byte) {
                previousDot = false
            } else {
                return false
            }
        }
        return true
    }

    static func isStatusCode(_ piece: ArraySlice<UInt8>) -> Bool {
        guard piece.count >= 5, piece.count <= 9, let klass = piece.first,
              klass == UInt8(ascii: "2") || klass == UInt8(ascii: "4") || klass == UInt8(ascii: "5"),
              piece[piece.startIndex + 1] == UInt8(ascii: ".")
        else { return false }
        var groups = 0
        var length = 0
        for byte in piece[(piece.startIndex + 2)...] {
            if byte == UInt8(ascii: ".") {
                guard (1...3).contains(length) else { return false }
                groups += 1
                length = 0
            } else if isDigit(byte) {
                length += 1
            } else {
                return false
            }
        }
        return groups == 1 && (1...3).contains(length)
    }

    static func isHost(_ atom: ArraySlice<UInt8>) -> Bool {
        var dots = 0
        var labelLength = 0
        var labelAllLetters = true
        var labelStart = true
        for byte in atom {
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return false }
                dots += 1
                labelLength = 0
                labelAllLetters = true
                labelStart = true
                continue
            }
            if labelStart && byte == UInt8(ascii: "-") { return false }
            labelStart = false
            labelLength += 1
            if isLowerASCIILetter(byte) { continue }
            labelAllLetters = false
            guard byte == UInt8(ascii: "-") || isDigit(byte) || byte >= 0x80 else { return false }
        }
        guard dots >= 1 && labelAllLetters else { return false }
        if (2...6).contains(labelLength) { return true }
        // Longer top-level domains are taken from a short list, so that dotted identifiers
        // such as RESOLVER.ADR.RecipientNotFound stay words.
        let last = atom[(atom.lastIndex(of: UInt8(ascii: ".")).map { $0 + 1 } ?? atom.startIndex)...]
        return Normalizer.longTopLevelDomains.contains { last.elementsEqual($0.utf8) }
    }
}
