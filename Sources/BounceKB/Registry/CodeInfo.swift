/// An SMTP reply code (RFC 5321 and its extensions) as the registry knows it.
public struct ReplyCodeInfo: Codable, Equatable, Sendable {
    /// The three-digit code, e.g. 550.
    public let code: Int
    /// The standard reply text from the defining RFC, e.g. "Requested action not taken: mailbox unavailable".
    public let title: String
    /// What a sender should understand from the code, in one sentence of our own.
    public let explanation: String
    /// The defining RFCs, `;`-separated when a code has several uses, e.g. "RFC3207;RFC4954".
    public let rfc: String
    /// 2xx and 3xx: `.none`; 4xx: `.transient`; 5xx: `.permanent`.
    public let permanence: Permanence
    /// The taxonomy reason the code implies on its own, or nil when it is too generic to say.
    public let impliedReason: String?

    public init(code: Int, title: String, explanation: String, rfc: String, permanence: Permanence, impliedReason: String? = nil) {
        self.code = code
        self.title = title
        self.explanation = explanation
        self.rfc = rfc
        self.permanence = permanence
        self.impliedReason = impliedReason
    }

    /// The RFCs as a list, e.g. ["RFC3207", "RFC4954"].
    public var rfcs: [String] { rfc.split(separator: ";").map(String.init) }

    enum CodingKeys: String, CodingKey {
        case code, title, explanation, rfc, permanence
        case impliedReason = "implied_reason"
    }
}

/// An entry of the IANA "SMTP Enhanced Status Codes" registry, written with the class as `X`.
public struct EnhancedCodeInfo: Codable, Equatable, Sendable {
    /// "X.7.26".
    public let pattern: String
    /// 0-7.
    public let subject: Int
    public let detail: Int
    /// The title registered with IANA, verbatim.
    public let title: String
    /// What a sender should understand from the code, in one sentence of our own.
    public let explanation: String
    /// The defining document, e.g. "RFC7372".
    public let reference: String
    /// True for codes the registry has withdrawn (only X.6.10).
    public let deprecated: Bool
    /// For a deprecated code, the pattern to read it as (X.6.10 → "X.6.8").
    public let replacedBy: String?
    /// The taxonomy reason the code implies when no entry matches, or nil when the code is a
    /// catch-all or not a failure. Class 2 codes never imply a failure reason, whatever this says.
    public let impliedReason: String?

    public init(
        subject: Int, detail: Int, title: String, explanation: String, reference: String,
        deprecated: Bool = false, replacedBy: String? = nil, impliedReason: String? = nil
    ) {
        self.pattern = "X.\(subject).\(detail)"
        self.subject = subject
        self.detail = detail
        self.title = title
        self.explanation = explanation
        self.reference = reference
        self.deprecated = deprecated
        self.replacedBy = replacedBy
        self.impliedReason = impliedReason
    }

    /// The concrete code for a class digit, e.g. `code(klass: 5)` of X.7.26 is 5.7.26.
    public func code(klass: Int) -> StatusCode? {
        StatusCode(klass: klass, subject: subject, detail: detail)
    }

    enum CodingKeys: String, CodingKey {
        case pattern, subject, detail, title, explanation, reference, deprecated
        case replacedBy = "replaced_by"
        case impliedReason = "implied_reason"
    }
}

/// The meaning of one class digit (2, 3, 4, 5) or subject digit (0-7).
public struct CodeDigitInfo: Codable, Equatable, Sendable {
    public let digit: Int
    /// The registered name, e.g. "Persistent Transient Failure" or "Security or Policy Status".
    public let title: String
    /// What it tells a sender, in our own words.
    public let meaning: String

    public init(digit: Int, title: String, meaning: String) {
        self.digit = digit
        self.title = title
        self.meaning = meaning
    }
}
