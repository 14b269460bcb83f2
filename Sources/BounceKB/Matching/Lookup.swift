/// One answer of a lookup: for a code or a pasted line there is one; for a bounce email there
/// is one per recipient the email reports on.
public struct LookupResult: Equatable, Sendable {
    /// The recipient address, for an email.
    public var recipient: String?
    /// The DSN `Action` (failed, delayed, delivered ...), for an email with a delivery-status part.
    public var action: String?
    /// The server's words: the `Diagnostic-Code` text, the body paragraph, or the pasted line.
    public var diagnostic: String?
    public var match: MatchResult

    public init(recipient: String? = nil, action: String? = nil, diagnostic: String?, match: MatchResult) {
        self.recipient = recipient
        self.action = action
        self.diagnostic = diagnostic
        self.match = match
    }
}

extension Matcher {
    /// Looks up anything a person may paste or pipe in: codes, a bounce line, or a whole bounce
    /// email (recognised by its header block), which gives one result per recipient.
    public func lookup(_ input: String, limit: Int = 5) -> [LookupResult] {
        if BounceReport.looksLikeEmail(input) {
            return lookup(report: BounceReport(parsing: input), limit: limit)
        }
        let trimmed = input.trimmed
        let result = match(trimmed, limit: limit)
        let hasWords = !normalizer.tokens(trimmed).allSatisfy { Normalizer.isPlaceholder($0.text) }
        return [LookupResult(diagnostic: hasWords ? trimmed : nil, match: result)]
    }

    /// One result per recipient of a parsed bounce email.
    public func lookup(report: BounceReport, limit: Int = 5) -> [LookupResult] {
        report.recipients.map { recipient in
            var hint = MatchHint(kind: report.kind)
            hint.context = Self.structuralContext(report: report, recipient: recipient)
            hint.gaveUpOnTransientError = Self.gaveUpOnTransientError(recipient)
            if let status = Self.deciding(status: recipient.status, text: recipient.text) {
                hint.status = status
            }
            let result = match(recipient.text, hint: hint, limit: limit)
            let diagnostic = recipient.diagnostic.flatMap { $0.isEmpty ? nil : $0 } ?? (recipient.text.isEmpty ? nil : recipient.text)
            return LookupResult(recipient: recipient.address, action: recipient.action, diagnostic: diagnostic, match: result)
        }
    }

    /// The DSN `Status` decides when it says the queue expired (whatever error the queue last
    /// saw), or when the server's words carry no specific enhanced code of their own.
    static func deciding(status: StatusCode?, text: String) -> StatusCode? {
        guard let status else { return nil }
        if status.subject == 4 && status.detail == 7 { return status }
        let inText = CodeExtractor.extract(text).status
        if let inText, !CodeExtractor.isGeneric(inText) { return nil }
        return status
    }

    /// Whether a DSN fails `recipient` on an error that was only temporary: `Action: failed` with
    /// a 4.x.x `Status`, or, when the status is missing or says nothing beyond its class (Exim
    /// writes 5.0.0), with a diagnostic whose code is 4xx or 4.x.x. A server fails a recipient
    /// on a temporary error only once its retries ran out (RFC 3464: `failed` means no further
    /// attempts), so the queue expired.
    static func gaveUpOnTransientError(_ recipient: BounceReport.Recipient) -> Bool {
        guard recipient.action == "failed" else { return false }
        if let status = recipient.status, !CodeExtractor.isGeneric(status) { return status.klass == 4 }
        if recipient.status?.klass == 4 { return true }
        guard let diagnostic = recipient.diagnostic, !diagnostic.isEmpty else { return false }
        let codes = CodeExtractor.extract(diagnostic)
        if let reply = codes.reply { return reply / 100 == 4 }
        return codes.status?.klass == 4
    }

    /// Words describing the message's structure, for the not-a-failure and complaint entries.
    static func structuralContext(report: BounceReport, recipient: BounceReport.Recipient) -> String {
        switch report.kind {
        case .failure: return ""
        case .delayed: return "Action: delayed"
        case .delivered: return "Action: " + (recipient.action ?? "delivered")
        case .autoReply: return "Auto-Submitted: auto-replied"
        case .feedback: return "Content-Type: message/feedback-report"
        }
    }
}
