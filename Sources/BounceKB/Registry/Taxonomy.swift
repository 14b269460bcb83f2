/// The project's bounce-reason taxonomy (from shared/reference/reasons.tsv).
extension Reason {
    /// All 23 reasons, in taxonomy order.
    public static let all: [Reason] = [
        Reason(id: "mailbox-not-found", permanence: .permanent, action: .suppressAddress, description: "the mailbox does not exist, or moved with no forwarding address"),
        Reason(id: "domain-not-found", permanence: .permanent, action: .suppressAddress, description: "the recipient domain has no DNS, MX or usable mail host"),
        Reason(id: "domain-rejects-mail", permanence: .permanent, action: .suppressAddress, description: "the destination accepts no mail at all (null MX, 521/556)"),
        Reason(id: "mailbox-disabled", permanence: .permanent, action: .suppressAddress, description: "the account exists but is disabled, suspended or inactive"),
        Reason(id: "mailbox-full", permanence: .transient, action: .retryLater, description: "the recipient is over quota (suppress if it persists for days)"),
        Reason(id: "message-too-large", permanence: .permanent, action: .fixContent, description: "the message exceeds a per-mailbox or system size limit"),
        Reason(id: "message-malformed", permanence: .permanent, action: .fixContent, description: "bad headers, MIME or other RFC 5322 violations"),
        Reason(id: "content-filtered", permanence: .permanent, action: .fixContent, description: "spam, virus, URL or attachment filters refused the content"),
        Reason(id: "recipient-policy", permanence: .permanent, action: .contactRecipient, description: "recipient-side rules refused it (user block lists, local policy)"),
        Reason(id: "sender-blocked", permanence: .transient, action: .fixSenderConfig, description: "the sending IP or host is on a block list or has poor reputation"),
        Reason(id: "sender-address-rejected", permanence: .permanent, action: .fixSenderConfig, description: "the envelope sender (MAIL FROM) address or domain was refused"),
        Reason(id: "sender-auth-failed", permanence: .permanent, action: .fixSenderConfig, description: "SPF, DKIM, DMARC or ARC checks failed"),
        Reason(id: "reverse-dns-required", permanence: .permanent, action: .fixSenderConfig, description: "the sending IP lacks a valid or matching PTR record"),
        Reason(id: "tls-required", permanence: .transient, action: .fixSenderConfig, description: "STARTTLS, DANE, MTA-STS or REQUIRETLS requirements not met"),
        Reason(id: "rate-limited", permanence: .transient, action: .retryLater, description: "throttling: too many messages, connections or recipients"),
        Reason(id: "relay-denied", permanence: .permanent, action: .fixSenderConfig, description: "the server will not relay; wrong route or missing authentication"),
        Reason(id: "smtp-session-error", permanence: .permanent, action: .fixSenderConfig, description: "SMTP authentication, credentials or command syntax errors"),
        Reason(id: "remote-server-error", permanence: .transient, action: .retryLater, description: "remote system fault, full disk, network or DNS trouble, mail loops"),
        Reason(id: "delivery-expired", permanence: .transient, action: .retryLater, description: "the sending server gave up after retrying; the address may be fine"),
        Reason(id: "suppressed", permanence: .permanent, action: .suppressAddress, description: "the sending platform refused to send to a suppressed address"),
        Reason(id: "complaint", permanence: .permanent, action: .suppressAddress, description: "an ARF or feedback-loop complaint from the recipient"),
        Reason(id: "unclassified", permanence: .transient, action: .retryLater, description: "not enough information to tell"),
        Reason(id: "not-a-failure", permanence: .none, action: .none, description: "delivery reports and auto-replies, not bounces"),
    ]

    /// The reason with `id`, if it is part of the taxonomy.
    public static func named(_ id: String) -> Reason? {
        all.first { $0.id == id }
    }
}
