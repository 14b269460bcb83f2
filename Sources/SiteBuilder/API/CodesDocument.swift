import BounceKB

/// The published `api/v1/codes.json`: every reply code and enhanced status code of the registry,
/// what each means, and which entries use it.
///
/// Keys are snake_case and always present (`null` when empty). Lists are in registry order
/// (reply codes by number, enhanced codes by subject and detail); entry ids are in knowledge-base order.
public struct CodesDocument: Encodable, Equatable, Sendable {
    public var schemaVersion: String
    public var generator: String
    /// The class digits 2, 3, 4 and 5 (3 occurs only in reply codes).
    public var classes: [ClassRecord]
    /// The subject digits 0-7 of enhanced status codes.
    public var subjects: [CodeDigitInfo]
    public var replyCodes: [ReplyRecord]
    public var enhancedCodes: [EnhancedRecord]
    /// Enhanced codes used by entries that the IANA registry does not list (provider-specific details).
    public var unregisteredStatuses: [VariantRecord]

    public struct ClassRecord: Encodable, Equatable, Sendable {
        public var digit: Int
        public var title: String
        public var meaning: String
        public var permanence: Permanence

        enum CodingKeys: String, CodingKey { case digit, title, meaning, permanence }
    }

    public struct ReplyRecord: Encodable, Equatable, Sendable {
        public var code: Int
        public var title: String
        public var explanation: String
        public var rfcs: [String]
        public var classMeaning: String?
        public var permanence: Permanence
        public var impliedReason: String?
        /// The code's page relative to the site root, e.g. "codes/550/".
        public var url: String
        public var absoluteURL: String?
        /// Ids of the entries whose `reply` is this code.
        public var entries: [String]

        enum CodingKeys: String, CodingKey {
            case code, title, explanation, rfcs, permanence, url, entries
            case classMeaning = "class_meaning"
            case impliedReason = "implied_reason"
            case absoluteURL = "absolute_url"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(title, forKey: .title)
            try c.encode(explanation, forKey: .explanation)
            try c.encode(rfcs, forKey: .rfcs)
            try c.encode(classMeaning, forKey: .classMeaning)
            try c.encode(permanence, forKey: .permanence)
            try c.encode(impliedReason, forKey: .impliedReason)
            try c.encode(url, forKey: .url)
            try c.encode(absoluteURL, forKey: .absoluteURL)
            try c.encode(entries, forKey: .entries)
        }
    }

    public struct EnhancedRecord: Encodable, Equatable, Sendable {
        public var pattern: String
        public var subject: Int
        public var detail: Int
        public var title: String
        public var explanation: String
        public var reference: String
        public var deprecated: Bool
        public var replacedBy: String?
        public var subjectTitle: String?
        public var subjectMeaning: String?
        /// The reason the pattern implies; a variant's own `implied_reason` is more precise.
        public var impliedReason: String?
        /// The code's page relative to the site root, e.g. "codes/x.7.26/".
        public var url: String
        public var absoluteURL: String?
        /// Ids of the entries whose `status` has this subject and detail, whatever the class.
        public var entries: [String]
        /// The concrete codes 2.s.d, 4.s.d and 5.s.d.
        public var variants: [VariantRecord]

        enum CodingKeys: String, CodingKey {
            case pattern, subject, detail, title, explanation, reference, deprecated, url, entries, variants
            case replacedBy = "replaced_by"
            case subjectTitle = "subject_title"
            case subjectMeaning = "subject_meaning"
            case impliedReason = "implied_reason"
            case absoluteURL = "absolute_url"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(pattern, forKey: .pattern)
            try c.encode(subject, forKey: .subject)
            try c.encode(detail, forKey: .detail)
            try c.encode(title, forKey: .title)
            try c.encode(explanation, forKey: .explanation)
            try c.encode(reference, forKey: .reference)
            try c.encode(deprecated, forKey: .deprecated)
            try c.encode(replacedBy, forKey: .replacedBy)
            try c.encode(subjectTitle, forKey: .subjectTitle)
            try c.encode(subjectMeaning, forKey: .subjectMeaning)
            try c.encode(impliedReason, forKey: .impliedReason)
            try c.encode(url, forKey: .url)
            try c.encode(absoluteURL, forKey: .absoluteURL)
            try c.encode(entries, forKey: .entries)
            try c.encode(variants, forKey: .variants)
        }
    }

    /// One concrete enhanced code such as 5.7.26.
    public struct VariantRecord: Encodable, Equatable, Sendable {
        public var code: String
        public var classMeaning: String?
        public var subjectMeaning: String?
        public var permanence: Permanence?
        public var impliedReason: String?
        /// Ids of the entries whose `status` is exactly this code.
        public var entries: [String]

        enum CodingKeys: String, CodingKey {
            case code, permanence, entries
            case classMeaning = "class_meaning"
            case subjectMeaning = "subject_meaning"
            case impliedReason = "implied_reason"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(classMeaning, forKey: .classMeaning)
            try c.encode(subjectMeaning, forKey: .subjectMeaning)
            try c.encode(permanence, forKey: .permanence)
            try c.encode(impliedReason, forKey: .impliedReason)
            try c.encode(entries, forKey: .entries)
        }
    }

    enum CodingKeys: String, CodingKey {
        case generator, classes, subjects
        case schemaVersion = "schema_version"
        case replyCodes = "reply_codes"
        case enhancedCodes = "enhanced_codes"
        case unregisteredStatuses = "unregistered_statuses"
    }

    /// The document for the registry, linking the entries of `knowledgeBase`.
    public init(knowledgeBase: KnowledgeBase, generator: String) {
        let absoluteBase = knowledgeBase.site.absoluteBaseURL
        let entries = knowledgeBase.entries
        // Entry statuses parsed once; entries with an unparsable status are the validator's business.
        let statuses: [(id: String, code: StatusCode)] = entries.compactMap { entry in
            entry.status.flatMap(StatusCode.init).map { (entry.id, $0) }
        }
        // Entry ids per code, in knowledge-base order, built in one pass: filtering all entries
        // for each of the registry's several hundred codes made this the slowest part of the API.
        var idsByReply: [Int: [String]] = [:]
        for entry in entries { idsByReply[entry.reply, default: []].append(entry.id) }
        var idsByStatus: [StatusCode: [String]] = [:]
        var idsByPattern: [String: [String]] = [:]
        for status in statuses {
            idsByStatus[status.code, default: []].append(status.id)
            idsByPattern[status.code.pattern, default: []].append(status.id)
        }

        func variant(_ code: StatusCode) -> VariantRecord {
            let explanation = CodeRegistry.explain(reply: nil, status: code)
            return VariantRecord(
                code: code.description,
                classMeaning: explanation.classMeaning,
                subjectMeaning: explanation.subjectMeaning,
                permanence: explanation.permanence,
                impliedReason: explanation.impliedReason,
                entries: idsByStatus[code] ?? []
            )
        }

        schemaVersion = APIDocument.currentSchemaVersion
        self.generator = generator
        classes = CodeRegistry.classDigits.map { digit in
            ClassRecord(
                digit: digit.digit, title: digit.title, meaning: digit.meaning,
                permanence: CodeRegistry.permanence(forClass: digit.digit) ?? Permanence.none
            )
        }
        subjects = CodeRegistry.subjectDigits
        replyCodes = CodeRegistry.replyCodes.map { info in
            let url = APIWriter.codePagePath(reply: info.code)
            return ReplyRecord(
                code: info.code, title: info.title, explanation: info.explanation, rfcs: info.rfcs,
                classMeaning: CodeRegistry.classMeaning(info.code / 100), permanence: info.permanence,
                impliedReason: CodeRegistry.explain(reply: info.code, status: nil).impliedReason,
                url: url, absoluteURL: absoluteBase.map { $0 + url },
                entries: idsByReply[info.code] ?? []
            )
        }
        enhancedCodes = CodeRegistry.enhancedCodes.map { info in
            let url = APIWriter.codePagePath(pattern: info.pattern)
            return EnhancedRecord(
                pattern: info.pattern, subject: info.subject, detail: info.detail, title: info.title,
                explanation: info.explanation, reference: info.reference, deprecated: info.deprecated,
                replacedBy: info.replacedBy, subjectTitle: CodeRegistry.subjectTitle(info.subject),
                subjectMeaning: CodeRegistry.subjectMeaning(info.subject), impliedReason: info.impliedReason,
                url: url, absoluteURL: absoluteBase.map { $0 + url },
                entries: idsByPattern[info.pattern] ?? [],
                variants: [2, 4, 5].compactMap { info.code(klass: $0) }.map(variant)
            )
        }
        let unregistered = Set(statuses.map(\.code).filter { CodeRegistry.enhanced($0) == nil })
        unregisteredStatuses = unregistered.sorted().map(variant)
    }
}
