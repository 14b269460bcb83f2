/// The fixed vocabulary of content files: field names, allowed values and naming rules.
public enum ContentRules {
    /// Front matter fields of an entry file, in documentation order.
    public static let entryFields = [
        "title", "reply", "status", "reason", "summary", "match", "providers", "related",
        "references", "permanence", "action",
    ]
    /// Front matter fields of a category's `_index.md`.
    public static let categoryFields = ["title", "order", "summary"]
    /// Fields of `site.yml`.
    public static let siteFields = ["title", "description", "base_url", "language"]

    /// The placeholders a `match` phrase may use for the variable parts of a bounce.
    public static let placeholders = ["{email}", "{domain}", "{ip}", "{host}", "{n}"]

    /// The names `providers:` accepts, spelt exactly as the site shows them.
    public static let providers = [
        "Gmail", "Google Workspace", "Microsoft 365", "Outlook.com", "Exchange", "Yahoo", "AOL",
        "Apple iCloud", "Proofpoint", "Mimecast", "Barracuda", "Cisco Secure Email",
        "Broadcom MessageLabs", "Zoho Mail", "GMX", "Postfix", "Exim", "Sendmail", "qmail",
        "Amazon SES", "T-Online", "EarthLink", "Comcast", "Orange", "GoDaddy", "Free",
        "hMailServer", "HCL Domino", "MailMarshal", "Any server",
    ]

    /// Whether `id` is kebab-case: lower-case ASCII letters and digits in groups joined by single hyphens.
    ///
    /// One pass over the bytes: every allowed character is one ASCII byte, so any other byte
    /// rules the id out. (Foundation's `contains("--")` cost 5,000 instructions an id, on the
    /// loader's one thread, for every file of the site.)
    public static func isKebabCase(_ id: String) -> Bool {
        // A hyphen before the first character: a leading hyphen then counts as a double one.
        var previous = UInt8(ascii: "-")
        for byte in id.utf8 {
            let isHyphen = byte == UInt8(ascii: "-")
            guard (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || isHyphen,
                  !(isHyphen && previous == UInt8(ascii: "-"))
            else { return false }
            previous = byte
        }
        return previous != UInt8(ascii: "-")
    }

    /// A kebab-case spelling of `text`, for "rename it to …" hints.
    static func kebabCased(_ text: String) -> String {
        var result = ""
        var previousWasLowerOrDigit = false
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                if character.isUppercase && previousWasLowerOrDigit { result += "-" }
                result += character.lowercased()
                previousWasLowerOrDigit = !character.isUppercase
            } else {
                if !result.hasSuffix("-") && !result.isEmpty { result += "-" }
                previousWasLowerOrDigit = false
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "entry" : result
    }

    /// Whether `code` is an SMTP reply code the registry knows.
    static func isKnownReply(_ code: Int) -> Bool {
        CodeRegistry.reply(code) != nil
    }

    /// The registry's reply codes, ascending.
    static var knownReplyCodes: [Int] {
        CodeRegistry.replyCodes.map(\.code).sorted()
    }

    /// Other names people give reasons (other vocabularies, plain-English guesses), used only to
    /// suggest the right id when an unknown one is written.
    static let reasonAliases: [(alias: String, target: String)] = [
        ("mailbox-unknown", "mailbox-not-found"), ("user-unknown", "mailbox-not-found"),
        ("unknown-user", "mailbox-not-found"), ("no-such-user", "mailbox-not-found"),
        ("userunknown", "mailbox-not-found"), ("invalid-recipient", "mailbox-not-found"),
        ("hasmoved", "mailbox-not-found"), ("hostunknown", "domain-not-found"),
        ("unknown-domain", "domain-not-found"), ("notaccept", "domain-rejects-mail"),
        ("null-mx", "domain-rejects-mail"), ("suspend", "mailbox-disabled"),
        ("account-disabled", "mailbox-disabled"), ("mailboxfull", "mailbox-full"),
        ("over-quota", "mailbox-full"), ("quota-exceeded", "mailbox-full"),
        ("mesgtoobig", "message-too-large"), ("exceedlimit", "message-too-large"),
        ("too-large", "message-too-large"), ("contenterror", "message-malformed"),
        ("notcompliantrfc", "message-malformed"), ("spamdetected", "content-filtered"),
        ("spam", "content-filtered"), ("virusdetected", "content-filtered"),
        ("filtered", "content-filtered"), ("policyviolation", "recipient-policy"),
        ("blocked", "sender-blocked"), ("blacklisted", "sender-blocked"),
        ("blocklisted", "sender-blocked"), ("badreputation", "sender-blocked"),
        ("rejected", "sender-address-rejected"), ("authfailure", "sender-auth-failed"),
        ("auth-failed", "sender-auth-failed"), ("dmarc-failed", "sender-auth-failed"),
        ("requireptr", "reverse-dns-required"), ("no-ptr", "reverse-dns-required"),
        ("failedstarttls", "tls-required"), ("speeding", "rate-limited"),
        ("toomanyconn", "rate-limited"), ("throttled", "rate-limited"),
        ("greylisted", "rate-limited"), ("norelaying", "relay-denied"),
        ("syntaxerror", "smtp-session-error"), ("securityerror", "smtp-session-error"),
        ("systemerror", "remote-server-error"), ("systemfull", "remote-server-error"),
        ("networkerror", "remote-server-error"), ("mailererror", "remote-server-error"),
        ("expired", "delivery-expired"), ("feedback", "complaint"),
        ("undefined", "unclassified"), ("onhold", "unclassified"),
        ("vacation", "not-a-failure"), ("delivered", "not-a-failure"), ("auto-reply", "not-a-failure"),
    ]
}
