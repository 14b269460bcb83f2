import BounceKB

/// What a code page shows about one reply code or enhanced status code.
public struct CodeInfo: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case reply
        case enhanced
    }

    public var kind: Kind
    /// The page's folder under `codes/`: `550` or `x.7.26`.
    public var slug: String
    /// The code as people write it: `550` or `X.7.26`.
    public var label: String
    /// The registered title.
    public var title: String
    /// Our explanation, in plain text.
    public var explanation: String
    /// Where the code is defined, e.g. `RFC5321` or `RFC3463;RFC4954`.
    public var reference: String
    /// For a reply code, whether its class makes it permanent or transient.
    public var permanence: Permanence?
    public var deprecated: Bool
    /// For a deprecated code, the slug of the code to read it as.
    public var replacedBy: String?
    /// False for a code some entry uses that no registry lists (provider-specific codes such as 5.7.509).
    public var registered: Bool
    /// Reply: `[code]`; enhanced: `[subject, detail]`.
    public var sortKey: [Int]

    public init(
        kind: Kind, slug: String, label: String, title: String, explanation: String,
        reference: String, permanence: Permanence? = nil, deprecated: Bool = false, replacedBy: String? = nil, registered: Bool = true, sortKey: [Int]
    ) {
        self.kind = kind
        self.slug = slug
        self.label = label
        self.title = title
        self.explanation = explanation
        self.reference = reference
        self.permanence = permanence
        self.deprecated = deprecated
        self.replacedBy = replacedBy
        self.registered = registered
        self.sortKey = sortKey
    }
}

/// The registered name of a class or subject digit and what it tells a sender.
public struct DigitMeaning: Sendable, Equatable {
    public var title: String
    public var meaning: String

    public init(title: String, meaning: String) {
        self.title = title
        self.meaning = meaning
    }
}

/// Every code that gets a page, with the class and subject meanings shown beside them.
///
/// The site builder only reads codes through this value, so tests can hand it a small catalog
/// and the command hands it the project's registry (`CodeCatalog.registry`).
public struct CodeCatalog: Sendable {
    /// Sorted by code, one per code.
    public let replyCodes: [CodeInfo]
    /// Sorted by subject, then detail, one per pattern.
    public let enhancedCodes: [CodeInfo]
    private let classMeanings: [Int: DigitMeaning]
    private let subjectMeanings: [Int: DigitMeaning]
    private let replyBySlug: [String: Int]
    private let enhancedBySlug: [String: Int]

    public init(replyCodes: [CodeInfo], enhancedCodes: [CodeInfo], classMeanings: [Int: DigitMeaning], subjectMeanings: [Int: DigitMeaning]) {
        self.replyCodes = Self.unique(replyCodes)
        self.enhancedCodes = Self.unique(enhancedCodes)
        self.classMeanings = classMeanings
        self.subjectMeanings = subjectMeanings
        replyBySlug = Dictionary(self.replyCodes.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { first, _ in first })
        enhancedBySlug = Dictionary(self.enhancedCodes.enumerated().map { ($1.slug, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// This catalog with `codes` added (codes whose slug is already present are ignored).
    public func adding(_ codes: [CodeInfo]) -> CodeCatalog {
        CodeCatalog(
            replyCodes: replyCodes + codes.filter { $0.kind == .reply },
            enhancedCodes: enhancedCodes + codes.filter { $0.kind == .enhanced },
            classMeanings: classMeanings, subjectMeanings: subjectMeanings
        )
    }

    /// A page for a code that entries use but no registry lists, so that every code shown on
    /// the site can be looked up.
    public static func unregistered(reply: Int) -> CodeInfo {
        CodeInfo(
            kind: .reply, slug: String(reply), label: String(reply), title: "Unregistered reply code",
            explanation: "\(reply) is not one of the reply codes defined by RFC 5321 and its extensions; its first digit still tells whether the failure is temporary (4) or permanent (5).",
            reference: "", permanence: nil, registered: false, sortKey: [reply]
        )
    }

    /// See `unregistered(reply:)`; `status` is written like `5.7.509`.
    public static func unregistered(status: String) -> CodeInfo? {
        guard let parts = parseStatus(status) else { return nil }
        let label = "X.\(parts.subject).\(parts.detail)"
        return CodeInfo(
            kind: .enhanced, slug: label.lowercased(), label: label, title: "Provider-specific code",
            explanation: "\(label) is not in the IANA registry of enhanced status codes. Some providers use it for conditions of their own; the causes below say what it means in their bounces. Its class and subject digits keep their usual meaning.",
            reference: "", registered: false, sortKey: [parts.subject, parts.detail]
        )
    }

    /// What a class digit (2, 3, 4, 5) means.
    public func classMeaning(_ digit: Int) -> DigitMeaning? { classMeanings[digit] }

    /// What a subject digit (0…7) of an enhanced code covers.
    public func subjectMeaning(_ digit: Int) -> DigitMeaning? { subjectMeanings[digit] }

    /// A code page by its slug.
    public func code(slug: String) -> CodeInfo? {
        if let index = replyBySlug[slug] { return replyCodes[index] }
        return enhancedBySlug[slug].map { enhancedCodes[$0] }
    }

    /// The reply code's info, when it has a page.
    public func reply(_ code: Int) -> CodeInfo? {
        replyBySlug[String(code)].map { replyCodes[$0] }
    }

    /// The registry entry for an enhanced status code written like `5.7.26`, when it has a page.
    public func enhanced(status: String) -> CodeInfo? {
        guard let parts = Self.parseStatus(status) else { return nil }
        return enhancedBySlug["x.\(parts.subject).\(parts.detail)"].map { enhancedCodes[$0] }
    }

    /// The page folder for a status code such as `5.7.26` → `x.7.26`, whether or not it is registered.
    public static func enhancedSlug(status: String) -> String? {
        parseStatus(status).map { "x.\($0.subject).\($0.detail)" }
    }

    /// Splits `5.7.26` into its three numbers; nil unless it is class.subject.detail with a class of 2, 4 or 5.
    ///
    /// Each part is one to three ASCII characters that `Int` reads (so a sign is allowed, and
    /// `-0` is 0); read from the UTF-8 bytes, since every build looks up every entry's code.
    public static func parseStatus(_ status: String) -> (klass: Int, subject: Int, detail: Int)? {
        let parts = status.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, let klass = statusPart(parts[0]), let subject = statusPart(parts[1]), let detail = statusPart(parts[2]),
              [2, 4, 5].contains(klass), subject >= 0, detail >= 0
        else { return nil }
        return (klass, subject, detail)
    }

    /// One part of a status code: one to three ASCII bytes that `Int` reads, or nil.
    private static func statusPart(_ bytes: Substring.UTF8View) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 3, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var digits = bytes[...]
        var sign = 1
        if let first = digits.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return sign * value
    }

    private static func unique(_ codes: [CodeInfo]) -> [CodeInfo] {
        var seen: Set<String> = []
        return codes
            .sorted { $0.sortKey == $1.sortKey ? $0.slug < $1.slug : $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
            .filter { seen.insert($0.slug).inserted }
    }
}
