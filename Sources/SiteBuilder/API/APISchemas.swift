import BounceKB

/// The JSON Schemas (draft 2020-12) published in `api/v1/schema/`.
///
/// Every property the files contain is listed and required. Unknown properties are deliberately
/// allowed: within v1 new fields may be added, and a consumer's copy of an older schema must keep
/// validating newer files. (The test suite checks the files against a strict copy as well, so the
/// schemas never fall behind the files.)
enum APISchemas {
    static let dialect = "https://json-schema.org/draft/2020-12/schema"

    // MARK: entries.json and entries/<id>.json

    static var entries: JSONValue {
        object(
            "All causes of the BounceKB knowledge base (api/v1/entries.json).",
            [
                "schema_version": schemaVersion,
                "generator": string("The program and version that wrote the file."),
                "site": ref("site"),
                "categories": array("Categories sorted by order, then id.", of: ref("category")),
                "reasons": array("The reason taxonomy with each reason's default permanence and action.", of: ref("reason")),
                "entries": array("Causes sorted by their category's order, then id.", of: ref("entry")),
            ]
        ).merging([
            "$schema": .string(dialect),
            "title": "BounceKB entries",
            "$defs": [
                "site": site,
                "category": category,
                "reason": reason,
                "entry": entryObject,
                "reference": reference,
                "text": text,
            ],
        ])
    }

    static var entry: JSONValue {
        entryObject.merging([
            "$schema": .string(dialect),
            "title": "BounceKB entry",
            "$defs": ["reference": reference, "text": text],
        ])
    }

    private static var entryObject: JSONValue {
        object(
            "One bounce cause; the same object appears in entries.json and in entries/<id>.json.",
            [
                "id": string("Unique kebab-case id, the content file's name.", pattern: idPattern),
                "url": string("The entry's page relative to the site root: <category>/<id>/.", pattern: "^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*/$"),
                "absolute_url": nullableString("The entry's page as an absolute URL; null unless the site's base_url is absolute."),
                "title": string("Headline of the cause.", minLength: 1),
                "category": string("Id of the category the entry belongs to.", pattern: idPattern),
                "reply": integer("The SMTP reply code the cause is usually reported with.", minimum: 200, maximum: 599),
                "status": nullableString("The typical RFC 3463 enhanced status code, e.g. 5.7.26, or null.", pattern: statusPattern),
                "reason": string("Id of the cause's reason in the taxonomy (see reasons).", pattern: idPattern),
                "permanence": permanence,
                "action": action,
                "summary": string("One plain-text line.", minLength: 1),
                "match": array("Phrases that appear in bounce text for this cause; {email}, {domain}, {ip}, {host} and {n} stand for variable parts.", of: string("A phrase.")),
                "providers": array("Mail providers or servers known to send this bounce.", of: string("A provider name.")),
                "related": array("Ids of entries to compare this one with.", of: string("An entry id.", pattern: idPattern)),
                "references": array("Further reading.", of: ref("reference")),
                "details": ref("text", description: "What happened: the Details section."),
                "resolution": ref("text", description: "What to do: the Resolution section."),
            ]
        )
    }

    private static var site: JSONValue {
        object("Site settings.", [
            "title": string("The site's title."),
            "description": string("The site's one-line description."),
            "base_url": string("Where the site is published: '/', a sub-path such as '/help/', or an absolute URL."),
            "language": string("BCP 47 language tag of the content, e.g. 'en'."),
        ])
    }

    private static var category: JSONValue {
        object("A group of entries.", [
            "id": string("The category's folder name.", pattern: idPattern),
            "title": string("The category's title."),
            "order": integer("Sort key; lower comes first, ties broken by id."),
            "summary": string("One plain-text line."),
            "description": ref("text", description: "The category's description."),
            "url": string("The category's page relative to the site root: <id>/.", pattern: "^[a-z0-9]+(-[a-z0-9]+)*/$"),
            "absolute_url": nullableString("The category's page as an absolute URL; null unless the site's base_url is absolute."),
        ])
    }

    private static var reason: JSONValue {
        object("A reason of the taxonomy with the defaults its entries inherit.", [
            "id": string("The reason's id.", pattern: idPattern),
            "permanence": permanence,
            "action": action,
            "description": string("What the reason covers, in one line."),
        ])
    }

    private static var reference: JSONValue {
        object("A link to further reading.", [
            "title": string("The link text."),
            "url": string("The link target."),
        ])
    }

    private static var text: JSONValue {
        object("A Markdown field with its renderings.", [
            "markdown": string("The Markdown source as written."),
            "html": string("HTML rendered in safe mode: raw HTML and unsafe links removed."),
            "text": string("Plain text without markup or HTML."),
        ])
    }

    // MARK: codes.json

    static var codes: JSONValue {
        object(
            "Every SMTP reply code and enhanced status code BounceKB knows, with the entries that use each (api/v1/codes.json).",
            [
                "schema_version": schemaVersion,
                "generator": string("The program and version that wrote the file."),
                "classes": array("The class digits 2, 3, 4 and 5 (3 occurs only in reply codes).", of: ref("class")),
                "subjects": array("The subject digits 0-7 of enhanced status codes.", of: ref("subject")),
                "reply_codes": array("Reply codes sorted by number.", of: ref("reply_code")),
                "enhanced_codes": array("IANA-registered enhanced status codes sorted by subject and detail.", of: ref("enhanced_code")),
                "unregistered_statuses": array("Enhanced codes used by entries that the IANA registry does not list.", of: ref("variant")),
            ]
        ).merging([
            "$schema": .string(dialect),
            "title": "BounceKB codes",
            "$defs": [
                "class": classDigit,
                "subject": subjectDigit,
                "reply_code": replyCode,
                "enhanced_code": enhancedCode,
                "variant": variant,
                "entry_ids": array("Ids of the entries that use the code, in knowledge-base order.", of: string("An entry id.", pattern: idPattern)),
            ],
        ])
    }

    private static var classDigit: JSONValue {
        object("A class digit.", [
            "digit": integer("2, 3, 4 or 5.", minimum: 2, maximum: 5),
            "title": string("The registered name."),
            "meaning": string("What it tells a sender."),
            "permanence": permanence,
        ])
    }

    private static var subjectDigit: JSONValue {
        object("A subject digit.", [
            "digit": integer("0 to 7.", minimum: 0, maximum: 7),
            "title": string("The registered name."),
            "meaning": string("What it tells a sender."),
        ])
    }

    private static var replyCode: JSONValue {
        object("An SMTP reply code.", [
            "code": integer("The three-digit code.", minimum: 200, maximum: 599),
            "title": string("The standard reply text of the defining RFC."),
            "explanation": string("What the code tells a sender."),
            "rfcs": array("The defining RFCs, e.g. RFC5321.", of: string("An RFC name.", pattern: "^RFC[0-9]+$")),
            "class_meaning": nullableString("What the first digit means."),
            "permanence": permanence,
            "implied_reason": nullableString("The taxonomy reason the code implies on its own; null when it is too generic.", pattern: idPattern),
            "url": string("The code's page relative to the site root: codes/<code>/.", pattern: "^codes/[0-9]{3}/$"),
            "absolute_url": nullableString("The code's page as an absolute URL; null unless the site's base_url is absolute."),
            "entries": ref("entry_ids"),
        ])
    }

    private static var enhancedCode: JSONValue {
        object("An IANA-registered enhanced status code, with the class written as X.", [
            "pattern": string("The code with its class as X, e.g. X.7.26.", pattern: "^X\\.[0-7]\\.(0|[1-9][0-9]{0,2})$"),
            "subject": integer("The subject digit.", minimum: 0, maximum: 7),
            "detail": integer("The detail number.", minimum: 0, maximum: 999),
            "title": string("The title registered with IANA."),
            "explanation": string("What the code tells a sender."),
            "reference": string("The defining document."),
            "deprecated": boolean("True when the registry has withdrawn the code."),
            "replaced_by": nullableString("For a deprecated code, the pattern to read it as."),
            "subject_title": nullableString("The subject digit's registered name."),
            "subject_meaning": nullableString("What the subject digit means."),
            "implied_reason": nullableString("The taxonomy reason the code implies on its own; null when it is a catch-all or not a failure.", pattern: idPattern),
            "url": string("The code's page relative to the site root: codes/x.<subject>.<detail>/.", pattern: "^codes/x\\.[0-7]\\.[0-9]{1,3}/$"),
            "absolute_url": nullableString("The code's page as an absolute URL; null unless the site's base_url is absolute."),
            "entries": ref("entry_ids"),
            "variants": array("The concrete codes of classes 2, 4 and 5.", of: ref("variant")),
        ])
    }

    private static var variant: JSONValue {
        object("A concrete enhanced status code such as 5.7.26.", [
            "code": string("The code.", pattern: statusPattern),
            "class_meaning": nullableString("What the class digit means."),
            "subject_meaning": nullableString("What the subject digit means."),
            "permanence": .object(["description": "What the class digit says about retrying; null if unknown.", "enum": .array(Permanence.allCases.map { .string($0.rawValue) } + [.null])]),
            "implied_reason": nullableString("The taxonomy reason this exact code implies; null when it says nothing specific.", pattern: idPattern),
            "entries": ref("entry_ids"),
        ])
    }

    // MARK: Building blocks

    private static let idPattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    private static let statusPattern = "^[245]\\.[0-7]\\.(0|[1-9][0-9]{0,2})$"

    private static var schemaVersion: JSONValue {
        string("Version of this format, MAJOR.MINOR; minor versions only add fields.", pattern: "^1\\.(0|[1-9][0-9]*)$")
    }

    private static var permanence: JSONValue {
        ["description": "Whether retrying can help: permanent, transient, or none (not a failure).",
         "type": "string", "enum": .strings(Permanence.allCases.map(\.rawValue))]
    }

    private static var action: JSONValue {
        ["description": "What the sender should do.",
         "type": "string", "enum": .strings(Action.allCases.map(\.rawValue))]
    }

    /// An object whose every property is required.
    private static func object(_ description: String, _ properties: [String: JSONValue]) -> JSONValue {
        ["type": "object", "description": .string(description),
         "required": .strings(properties.keys.sorted()), "properties": .object(properties)]
    }

    private static func string(_ description: String, pattern: String? = nil, minLength: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string", "description": .string(description)]
        if let pattern { schema["pattern"] = .string(pattern) }
        if let minLength { schema["minLength"] = .int(minLength) }
        return .object(schema)
    }

    private static func nullableString(_ description: String, pattern: String? = nil) -> JSONValue {
        string(description, pattern: pattern).merging(["type": ["string", "null"]])
    }

    private static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer", "description": .string(description)]
        if let minimum { schema["minimum"] = .int(minimum) }
        if let maximum { schema["maximum"] = .int(maximum) }
        return .object(schema)
    }

    private static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description)]
    }

    private static func array(_ description: String, of items: JSONValue) -> JSONValue {
        ["type": "array", "description": .string(description), "items": items]
    }

    private static func ref(_ name: String, description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["$ref": .string("#/$defs/\(name)")]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }
}
