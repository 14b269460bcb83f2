/// Every SMTP reply code and enhanced status code the project knows, with what each tells a sender.
///
/// All data is compiled in (see ReplyCodes.swift and EnhancedCodes.swift), so commands that link
/// the library need no data files at run time.
public enum CodeRegistry {
    /// The reply code `code`, if registered.
    public static func reply(_ code: Int) -> ReplyCodeInfo? {
        replyByCode[code]
    }

    /// The registry entry for `code`'s subject and detail (any class), if registered.
    /// A deprecated code (X.6.10) is returned as itself; see `EnhancedCodeInfo.replacedBy`.
    public static func enhanced(_ code: StatusCode) -> EnhancedCodeInfo? {
        enhancedByKey[code.subject * 1000 + code.detail]
    }

    /// The registry entry for a pattern such as "X.7.26" (case-insensitive), if registered.
    public static func enhanced(pattern: String) -> EnhancedCodeInfo? {
        let upper = pattern.uppercased()
        return enhancedCodes.first { $0.pattern == upper }
    }

    /// What a class digit (2, 3, 4 or 5) means, in our words; nil for other digits.
    public static func classMeaning(_ digit: Int) -> String? {
        classDigits.first { $0.digit == digit }?.meaning
    }

    /// The registered name of a class digit, e.g. "Permanent Failure".
    public static func classTitle(_ digit: Int) -> String? {
        classDigits.first { $0.digit == digit }?.title
    }

    /// What a subject digit (0-7) means, in our words; nil for other digits.
    public static func subjectMeaning(_ digit: Int) -> String? {
        subjectDigits.first { $0.digit == digit }?.meaning
    }

    /// The registered name of a subject digit, e.g. "Security or Policy Status".
    public static func subjectTitle(_ digit: Int) -> String? {
        subjectDigits.first { $0.digit == digit }?.title
    }

    /// What a class digit says about retrying: 4 transient, 5 permanent, 2 and 3 not a failure.
    public static func permanence(forClass digit: Int) -> Permanence? {
        switch digit {
        case 2, 3: return Permanence.none
        case 4: return .transient
        case 5: return .permanent
        default: return nil
        }
    }

    /// Everything the registry can say about a reply code and/or an enhanced status code as they
    /// appeared together in one bounce line. Unknown codes still get their class and subject
    /// meaning; anything odd (unknown code, class mismatch, deprecated code) is explained in `notes`.
    public static func explain(reply: Int?, status: StatusCode?) -> CodeExplanation {
        var result = CodeExplanation(reply: reply, status: status)
        var notes: [String] = []

        let replyInfo = reply.flatMap(Self.reply)
        let replyClass = reply.flatMap { (200...599).contains($0) ? $0 / 100 : nil }
        if let reply {
            if let info = replyInfo {
                result.replyTitle = info.title
                result.replyExplanation = info.explanation
                result.replyRFC = info.rfc
            } else if replyClass != nil {
                notes.append("\(reply) is not a registered SMTP reply code; only its first digit can be interpreted.")
            } else {
                notes.append("\(reply) is not an SMTP reply code: reply codes run from 200 to 599.")
            }
        }

        var statusInfo: EnhancedCodeInfo?
        if let status {
            result.subjectMeaning = subjectMeaning(status.subject)
            if let info = enhanced(status) {
                statusInfo = info
                result.statusPattern = info.pattern
                result.statusReference = info.reference
                if let replacement = info.replacedBy, let current = enhanced(pattern: replacement) {
                    // Read a withdrawn code as the one that replaced it, and say so.
                    result.statusTitle = current.title
                    result.statusExplanation = current.explanation
                    statusInfo = current
                    notes.append("\(info.pattern) is deprecated; it duplicates \(current.pattern) and is explained as \(current.pattern).")
                } else {
                    result.statusTitle = info.title
                    result.statusExplanation = info.explanation
                }
            } else {
                notes.append("\(status) is not in the IANA registry (a provider-specific detail); only its class and subject can be interpreted.")
            }
        }

        // The reply's class is what the sending server acted on (a 4xx reply makes it retry),
        // so it decides when both are present.
        let effectiveClass = replyClass ?? status?.klass
        if let effectiveClass {
            result.classMeaning = classMeaning(effectiveClass)
            result.permanence = permanence(forClass: effectiveClass)
        }
        if let replyClass, let status, replyClass != status.klass {
            notes.append("The reply code's class (\(replyClass)xx) and the enhanced code's class (\(status.klass).x.x) disagree; the reply's class is what the sending server acts on.")
        }

        result.impliedReason = impliedReason(
            effectiveClass: effectiveClass, status: status, statusInfo: statusInfo, replyInfo: replyInfo
        )
        if result.impliedReason == nil, effectiveClass == 4 || effectiveClass == 5 {
            notes.append("These codes alone do not identify a specific cause; the wording of the bounce decides.")
        }
        if reply == nil && status == nil {
            notes.append("No code was given.")
        }
        result.notes = notes
        return result
    }

    /// The class-independent explanation of a registered pattern such as "X.7.26", for code pages.
    /// Permanence and class meaning are left empty because they depend on the class digit.
    public static func explain(pattern: String) -> CodeExplanation? {
        guard let info = enhanced(pattern: pattern) else { return nil }
        var result = CodeExplanation()
        result.statusPattern = info.pattern
        result.statusTitle = info.title
        result.statusExplanation = info.explanation
        result.statusReference = info.reference
        result.subjectMeaning = subjectMeaning(info.subject)
        result.impliedReason = info.impliedReason
        if let replacement = info.replacedBy {
            result.notes = ["\(info.pattern) is deprecated; it duplicates \(replacement) and should be read as \(replacement)."]
        }
        return result
    }

    // MARK: - Private

    private static func impliedReason(
        effectiveClass: Int?, status: StatusCode?, statusInfo: EnhancedCodeInfo?, replyInfo: ReplyCodeInfo?
    ) -> String? {
        switch effectiveClass {
        case 2: return "not-a-failure"
        case 4, 5: break
        default: return nil
        }
        if let status, status.klass != 2, let info = statusInfo, let reason = info.impliedReason {
            // Microsoft 365 answers 5.4.1 for recipients and domains it refuses, which says nothing about
            // connectivity; only the transient form reliably means "no answer from host".
            if info.pattern == "X.4.1" && status.klass == 5 { return nil }
            return reason
        }
        return replyInfo?.impliedReason
    }

    private static let replyByCode: [Int: ReplyCodeInfo] =
        Dictionary(replyCodes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    private static let enhancedByKey: [Int: EnhancedCodeInfo] =
        Dictionary(enhancedCodes.map { ($0.subject * 1000 + $0.detail, $0) }, uniquingKeysWith: { first, _ in first })
}

/// Everything known about a reply code and/or an enhanced status code: what `bounce` prints
/// (its JSON field `code`) and what the site's code pages show.
///
/// Encoded with snake_case keys; absent values are encoded as `null` so the shape never changes.
public struct CodeExplanation: Codable, Equatable, Sendable {
    /// The reply code as given, e.g. 550.
    public var reply: Int?
    /// The reply's standard text, when registered.
    public var replyTitle: String?
    /// What the reply code tells a sender, when registered.
    public var replyExplanation: String?
    /// The RFCs defining the reply code, `;`-separated.
    public var replyRFC: String?
    /// The enhanced status code as given, e.g. 5.7.26.
    public var status: StatusCode?
    /// The registry pattern, e.g. "X.7.26", when registered.
    public var statusPattern: String?
    /// The IANA title (of the replacement code, for a deprecated one).
    public var statusTitle: String?
    /// What the enhanced code tells a sender.
    public var statusExplanation: String?
    /// The document defining the enhanced code.
    public var statusReference: String?
    /// The meaning of the deciding class digit (the reply's when a reply is given).
    public var classMeaning: String?
    /// The meaning of the enhanced code's subject digit.
    public var subjectMeaning: String?
    /// What the deciding class digit says about retrying.
    public var permanence: Permanence?
    /// The taxonomy reason these codes imply on their own: a fallback for when no entry matches,
    /// nil when the codes are too generic to say (e.g. 550 5.7.1).
    public var impliedReason: String?
    /// Caveats: unknown or deprecated codes, class mismatches, catch-all codes.
    public var notes: [String]

    public init(
        reply: Int? = nil, replyTitle: String? = nil, replyExplanation: String? = nil, replyRFC: String? = nil,
        status: StatusCode? = nil, statusPattern: String? = nil, statusTitle: String? = nil,
        statusExplanation: String? = nil, statusReference: String? = nil, classMeaning: String? = nil,
        subjectMeaning: String? = nil, permanence: Permanence? = nil, impliedReason: String? = nil,
        notes: [String] = []
    ) {
        self.reply = reply
        self.replyTitle = replyTitle
        self.replyExplanation = replyExplanation
        self.replyRFC = replyRFC
        self.status = status
        self.statusPattern = statusPattern
        self.statusTitle = statusTitle
        self.statusExplanation = statusExplanation
        self.statusReference = statusReference
        self.classMeaning = classMeaning
        self.subjectMeaning = subjectMeaning
        self.permanence = permanence
        self.impliedReason = impliedReason
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case reply, status, permanence, notes
        case replyTitle = "reply_title"
        case replyExplanation = "reply_explanation"
        case replyRFC = "reply_rfc"
        case statusPattern = "status_pattern"
        case statusTitle = "status_title"
        case statusExplanation = "status_explanation"
        case statusReference = "status_reference"
        case classMeaning = "class_meaning"
        case subjectMeaning = "subject_meaning"
        case impliedReason = "implied_reason"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reply = try c.decodeIfPresent(Int.self, forKey: .reply)
        replyTitle = try c.decodeIfPresent(String.self, forKey: .replyTitle)
        replyExplanation = try c.decodeIfPresent(String.self, forKey: .replyExplanation)
        replyRFC = try c.decodeIfPresent(String.self, forKey: .replyRFC)
        status = try c.decodeIfPresent(StatusCode.self, forKey: .status)
        statusPattern = try c.decodeIfPresent(String.self, forKey: .statusPattern)
        statusTitle = try c.decodeIfPresent(String.self, forKey: .statusTitle)
        statusExplanation = try c.decodeIfPresent(String.self, forKey: .statusExplanation)
        statusReference = try c.decodeIfPresent(String.self, forKey: .statusReference)
        classMeaning = try c.decodeIfPresent(String.self, forKey: .classMeaning)
        subjectMeaning = try c.decodeIfPresent(String.self, forKey: .subjectMeaning)
        permanence = try c.decodeIfPresent(Permanence.self, forKey: .permanence)
        impliedReason = try c.decodeIfPresent(String.self, forKey: .impliedReason)
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reply, forKey: .reply)
        try c.encode(replyTitle, forKey: .replyTitle)
        try c.encode(replyExplanation, forKey: .replyExplanation)
        try c.encode(replyRFC, forKey: .replyRFC)
        try c.encode(status, forKey: .status)
        try c.encode(statusPattern, forKey: .statusPattern)
        try c.encode(statusTitle, forKey: .statusTitle)
        try c.encode(statusExplanation, forKey: .statusExplanation)
        try c.encode(statusReference, forKey: .statusReference)
        try c.encode(classMeaning, forKey: .classMeaning)
        try c.encode(subjectMeaning, forKey: .subjectMeaning)
        try c.encode(permanence, forKey: .permanence)
        try c.encode(impliedReason, forKey: .impliedReason)
        try c.encode(notes, forKey: .notes)
    }
}
