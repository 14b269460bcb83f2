/// A bounce email taken apart: what kind of message it is and, for each recipient it reports
/// on, the codes and the server's words.
///
/// RFC 3464 `message/delivery-status` parts are found anywhere in the MIME structure (nested
/// multiparts, base64 or quoted-printable, CRLF or LF, folded fields). Without one, the
/// human-readable body is read the way Postfix, Exim, Sendmail, qmail, Exchange / Microsoft 365,
/// Gmail and Yahoo write it. Auto-replies, delivery and delay reports and ARF complaints are
/// recognised by their structure.
///
/// Only the first `maximumInputSize` bytes are read; every step is linear in the input.
public struct BounceReport: Equatable, Sendable {
    /// What the report says about one recipient.
    public struct Recipient: Equatable, Sendable {
        /// `Final-Recipient` (or `Original-Recipient`, or the address found in the body), without
        /// its `rfc822;` type.
        public var address: String?
        public var originalRecipient: String?
        /// `Action`, lower-cased: failed, delayed, delivered, relayed or expanded.
        public var action: String?
        /// `Status`.
        public var status: StatusCode?
        /// The type before `;` in `Diagnostic-Code`, e.g. "smtp" or "x-postfix".
        public var diagnosticType: String?
        /// The text of `Diagnostic-Code` after its type, unfolded.
        public var diagnostic: String?
        /// `Remote-MTA` without its type.
        public var remoteMTA: String?
        /// The words to match: the diagnostic, or the body paragraph about this recipient.
        public var text: String

        public init(
            address: String? = nil, originalRecipient: String? = nil, action: String? = nil, status: StatusCode? = nil,
            diagnosticType: String? = nil, diagnostic: String? = nil, remoteMTA: String? = nil, text: String = ""
        ) {
            self.address = address
            self.originalRecipient = originalRecipient
            self.action = action
            self.status = status
            self.diagnosticType = diagnosticType
            self.diagnostic = diagnostic
            self.remoteMTA = remoteMTA
            self.text = text
        }
    }

    /// The most bytes read from one message: 10 MiB.
    public static let maximumInputSize = 10 << 20
    /// The most characters of body text used as evidence for one recipient.
    static let maximumEvidence = 8_192

    public var kind: BounceKind
    /// The decoded `Subject`.
    public var subject: String?
    /// The decoded `From`.
    public var from: String?
    /// `Reporting-MTA` without its type.
    public var reportingMTA: String?
    /// Whether an RFC 3464 delivery-status part was found.
    public var hasDeliveryStatus: Bool
    /// The recipients the report is about: the failed ones for a failure report (one result per
    /// failed recipient), otherwise the delayed, delivered or replying ones.
    public var recipients: [Recipient]
    /// The human-readable text of the report (the first text part), decoded.
    public var humanText: String

    /// Parses an email given as text.
    public init(parsing text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Parses an email given as bytes (any charset).
    public init(bytes input: [UInt8]) {
        let capped = input.count > Self.maximumInputSize ? Array(input[..<Self.maximumInputSize]) : input
        let bytes = MIME.normalizeLineEnds(capped)
        let top = MIME.parsePart(bytes[...])
        var collector = PartCollector()
        collector.visit(top, depth: 0, insideReport: false)

        let headers = collector.forwardedHeaders ?? top.headers
        subject = headers.value("subject")
        from = headers.value("from")
        humanText = collector.humanText ?? ""
        if top.headers.isEmpty || !collector.sawText && collector.deliveryStatus.isEmpty && top.contentType.type != "multipart" {
            if humanText.isEmpty { humanText = MIME.decodeText(top.body, charset: nil) }
        }

        // A pasted delivery-status block (no MIME around it) is read as one.
        var statusTexts = collector.deliveryStatus
        if statusTexts.isEmpty && Self.hasDeliveryStatusFields(top.headers) {
            statusTexts = [String(decoding: bytes, as: UTF8.self)]
        }
        hasDeliveryStatus = !statusTexts.isEmpty

        var dsnRecipients: [Recipient] = []
        var reporting: String?
        for statusText in statusTexts {
            let parsed = Self.parseDeliveryStatus(statusText)
            dsnRecipients += parsed.recipients
            reporting = reporting ?? parsed.reportingMTA
        }
        reportingMTA = reporting

        // Reading the body paragraphs is only needed where the delivery-status part falls short.
        let body = humanText
        let needsBody = dsnRecipients.isEmpty || dsnRecipients.contains { Self.letterCount($0.diagnostic ?? "") < 12 }
        let human = needsBody ? HumanReadableBounce.recipients(in: body) : []
        let feedback = collector.feedbackReport != nil
            || top.contentType.parameters["report-type"]?.lowercased() == "feedback-report"

        if feedback {
            kind = .feedback
            let fields = collector.feedbackReport.map { Self.fieldBlock($0) } ?? [:]
            let address = fields["original-rcpt-to"] ?? fields["original-mail-from"]
            let context = ["feedback-type: " + (fields["feedback-type"] ?? "abuse"), subject ?? "", Self.prefix(humanText, 2_000)]
            recipients = [Recipient(address: address.map(Self.stripType), text: context.joined(separator: "\n"))]
            return
        }

        if !dsnRecipients.isEmpty {
            let actions = dsnRecipients.map { Self.effectiveAction($0) }
            let wanted: Set<String>
            if actions.contains("failed") {
                kind = .failure
                wanted = ["failed"]
            } else if actions.contains("delayed") {
                kind = .delayed
                wanted = ["delayed"]
            } else if actions.contains(where: { ["delivered", "relayed", "expanded"].contains($0) }) {
                kind = .delivered
                wanted = ["delivered", "relayed", "expanded"]
            } else {
                kind = .failure
                wanted = Set(actions)
            }
            let body = humanText
            recipients = zip(dsnRecipients, actions).filter { wanted.contains($0.1) }.map { item in
                var recipient = item.0
                recipient.text = Self.evidence(for: recipient, human: human, humanText: body)
                return recipient
            }
            return
        }

        if Self.isAutoReply(headers, subject: subject, from: from, humanText: humanText, human: human) {
            kind = .autoReply
            let text = [subject ?? "", Self.prefix(humanText, 2_000)].joined(separator: "\n")
            recipients = [Recipient(address: from.flatMap(Self.firstAddress), text: text)]
            return
        }

        kind = Self.textKind(subject: subject, humanText: humanText)
        if !human.isEmpty {
            recipients = human.map { Recipient(address: $0.address, text: $0.text) }
        } else {
            let failed = headers.value("x-failed-recipients").flatMap { Self.firstAddress($0) }
                ?? HumanReadableBounce.labelledRecipient(in: Self.prefix(humanText, Self.maximumEvidence))
            recipients = [Recipient(address: failed, text: Self.prefix(humanText, Self.maximumEvidence))]
        }
    }

    /// Whether `text` looks like a whole email (a header block with the usual fields) or a
    /// delivery-status block, rather than a pasted line.
    public static func looksLikeEmail(_ text: String) -> Bool {
        // Only the names of the first block's fields are read: this runs on every input.
        let known: Set<String> = [
            "from", "to", "subject", "date", "received", "return-path", "message-id", "content-type",
            "mime-version", "delivered-to", "auto-submitted", "x-failed-recipients",
        ]
        var names = Set<String>()
        var lines = 0
        let head = Array(text.utf8.prefix(8_192))
        var lineStart = 0
        while lineStart < head.count {
            var lineEnd = lineStart
            while lineEnd < head.count && head[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = head[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            let trimmedLine = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if trimmedLine.isEmpty { break }
            if let first = trimmedLine.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { continue }
            if lines == 0 && trimmedLine.starts(with: "From ".utf8) { continue }
            guard let colon = trimmedLine.firstIndex(of: UInt8(ascii: ":")),
                  MIME.isHeaderLine(ArraySlice(trimmedLine))
            else { break }
            names.insert(String(decoding: trimmedLine[..<colon], as: UTF8.self).lowercased())
            lines += 1
        }
        guard lines >= 2 else { return false }
        let dsn = (names.contains("final-recipient") || names.contains("original-recipient"))
            && (names.contains("action") || names.contains("status") || names.contains("diagnostic-code"))
        return names.intersection(known).count >= 2 || dsn
    }

    // MARK: - Delivery status

    struct DeliveryStatus {
        var reportingMTA: String?
        var recipients: [Recipient]
    }

    static func hasDeliveryStatusFields(_ headers: MIME.Headers) -> Bool {
        let names = Set(headers.fields.map(\.name))
        return (names.contains("final-recipient") || names.contains("original-recipient"))
            && (names.contains("action") || names.contains("status") || names.contains("diagnostic-code"))
    }

    /// Reads the per-message block and the per-recipient blocks of a delivery-status body.
    static func parseDeliveryStatus(_ text: String) -> DeliveryStatus {
        var result = DeliveryStatus(recipients: [])
        for block in blocks(of: text) {
            let fields = fieldBlock(block)
            if let mta = fields["reporting-mta"], result.reportingMTA == nil { result.reportingMTA = stripType(mta) }
            guard fields["final-recipient"] != nil || fields["original-recipient"] != nil
                || (fields["action"] != nil && fields["status"] != nil)
            else { continue }
            var recipient = Recipient()
            recipient.address = (fields["final-recipient"] ?? fields["original-recipient"]).map(stripType)
            recipient.originalRecipient = fields["original-recipient"].map(stripType)
            recipient.action = fields["action"].map { $0.trimmed.lowercased().split(separator: " ").first.map(String.init) ?? "" }
            if let status = fields["status"] {
                recipient.status = CodeExtractor.leadingStatus(status)
            }
            if let diagnostic = fields["diagnostic-code"] {
                if let semicolon = diagnostic.firstIndex(of: ";") {
                    recipient.diagnosticType = diagnostic[..<semicolon].trimmed.lowercased()
                    recipient.diagnostic = diagnostic[diagnostic.index(after: semicolon)...].trimmed
                } else {
                    recipient.diagnostic = diagnostic.trimmed
                }
            }
            recipient.remoteMTA = fields["remote-mta"].map(stripType)
            result.recipients.append(recipient)
        }
        return result
    }

    /// Blank-line separated blocks (a line of only spaces and tabs counts as blank).
    static func blocks(of text: String) -> [String] {
        let bytes = Array(text.utf8)
        var blocks: [String] = []
        var blockStart = 0
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            var blank = true
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") {
                let byte = bytes[lineEnd]
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r") { blank = false }
                lineEnd += 1
            }
            if blank {
                if blockStart < lineStart { blocks.append(String(decoding: bytes[blockStart..<lineStart], as: UTF8.self)) }
                blockStart = lineEnd + 1
            }
            lineStart = lineEnd + 1
        }
        if blockStart < bytes.count { blocks.append(String(decoding: bytes[blockStart...], as: UTF8.self)) }
        return blocks
    }

    /// The fields of a header-like block, names lower-cased; the first of repeated names wins.
    static func fieldBlock<S: StringProtocol>(_ block: S) -> [String: String] {
        let bytes = Array(block.utf8)
        let (lines, _) = MIME.headerBlock(bytes[...])
        var fields: [String: String] = [:]
        for field in MIME.parseHeaders(lines).fields where fields[field.name] == nil {
            fields[field.name] = field.value
        }
        return fields
    }

    /// `rfc822; <user@example.com>` → `user@example.com`.
    static func stripType(_ value: String) -> String {
        var text = value.trimmed
        if let semicolon = text.firstIndex(of: ";") { text = text[text.index(after: semicolon)...].trimmed }
        if text.hasPrefix("<") && text.hasSuffix(">") && text.count > 2 { text = String(text.dropFirst().dropLast()).trimmed }
        return text
    }

    private static func effectiveAction(_ recipient: Recipient) -> String {
        if let action = recipient.action, !action.isEmpty { return action }
        switch recipient.status?.klass {
        case 2: return "delivered"
        case 4: return "delayed"
        default: return "failed"
        }
    }

    /// The text to match for a DSN recipient: its diagnostic when it has words, otherwise (or
    /// in addition, when the diagnostic is a bare code) the body paragraph about it.
    private static func evidence(for recipient: Recipient, human: [HumanReadableBounce.Item], humanText: String) -> String {
        let diagnostic = recipient.diagnostic ?? ""
        if letterCount(diagnostic) >= 12 { return diagnostic }
        let address = recipient.address?.lowercased()
        let paragraph = human.first { item in
            guard let address, let other = item.address?.lowercased() else { return false }
            return other == address
        }?.text ?? (human.count == 1 ? human[0].text : nil)
        let extra = paragraph ?? prefix(humanText, maximumEvidence)
        return diagnostic.isEmpty ? extra : diagnostic + "\n" + extra
    }

    /// ASCII letters in `text`: a diagnostic with fewer than a dozen is just a code.
    static func letterCount(_ text: String) -> Int {
        text.utf8.lazy.filter { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }.count
    }

    // MARK: - Kinds without a delivery-status part

    private static func isAutoReply(_ headers: MIME.Headers, subject: String?, from: String?, humanText: String, human: [HumanReadableBounce.Item]) -> Bool {
        let sender = (from ?? "").lowercased()
        if sender.includes("mailer-daemon") || sender.includes("postmaster") { return false }
        let subjectText = (subject ?? "").lowercased()
        if looksLikeBounceSubject(subjectText) || !human.isEmpty { return false }
        let autoSubmitted = (headers.value("auto-submitted") ?? "").lowercased()
        if autoSubmitted.hasPrefix("auto-replied") { return true }
        if headers.value("x-autoreply") != nil || headers.value("x-autorespond") != nil { return true }
        let precedence = (headers.value("precedence") ?? "").lowercased()
        if precedence == "auto_reply" { return true }
        let autoSubjects = ["automatic reply", "auto reply", "autoreply", "auto-reply", "out of office", "out of the office",
                            "abwesenheit", "réponse automatique", "respuesta automática", "automatisch antwoord", "autosvar", "vacation"]
        if autoSubjects.contains(where: { subjectText.includes($0) }) { return true }
        return autoSubmitted.hasPrefix("auto-generated") && subjectText.hasPrefix("auto")
    }

    static func looksLikeBounceSubject(_ subject: String) -> Bool {
        let markers = ["undeliver", "delivery status notification", "delivery failure", "failure notice", "returned mail",
                       "mail delivery failed", "delivery has failed", "could not be delivered", "not delivered",
                       "delivery notification", "mail system error", "nondeliverable", "non-delivery", "bounce"]
        return markers.contains { subject.includes($0) }
    }

    private static func textKind(subject: String?, humanText: String) -> BounceKind {
        let subjectText = (subject ?? "").lowercased()
        let head = prefix(humanText, 3_000).lowercased()
        let delayMarkers = ["(delay)", "delivery delayed", "delayed mail", "mail delivery delayed", "warning: could not send",
                            "has not yet been delivered", "have yet to be delivered", "this is a warning message only",
                            "delivery to the following recipient has been delayed", "will retry", "will keep trying",
                            "still trying", "transient non-fatal errors", "delivery has been delayed", "delivery is delayed"]
        let failureMarkers = ["permanent", "failed", "could not be delivered", "couldn't be delivered", "wasn't delivered",
                              "undeliverable", "given up", "gave up", "giving up"]
        if delayMarkers.contains(where: { subjectText.includes($0) }) { return .delayed }
        if subjectText.hasPrefix("delivered:") || subjectText.hasPrefix("relayed:") || subjectText.includes("(success)")
            || subjectText.includes("successful mail delivery") {
            return .delivered
        }
        if delayMarkers.contains(where: { head.includes($0) }) && !failureMarkers.contains(where: { head.includes($0) }) {
            return .delayed
        }
        return .failure
    }

    // MARK: - Small helpers

    static func prefix(_ text: String, _ count: Int) -> String {
        text.count <= count ? text : String(text.prefix(count))
    }

    /// The first `local@domain` in `text`, without angle brackets.
    static func firstAddress(_ text: String) -> String? {
        for piece in text.split(whereSeparator: { " <>,;()\"'\t\n[]".contains($0) }) where piece.includes("@") {
            let candidate = piece.trimmingAny(of: ".:")
            if candidate.first != "@" && candidate.last != "@" { return candidate }
        }
        return nil
    }
}

extension Substring {
    func trimmingAny(of set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Walks the MIME tree and keeps what a bounce is made of.
private struct PartCollector {
    var deliveryStatus: [String] = []
    /// The headers of a forwarded bounce found inside the message, if any.
    var forwardedHeaders: MIME.Headers?
    var feedbackReport: String?
    var humanText: String?
    var htmlText: String?
    var sawText = false
    var visited = 0

    mutating func visit(_ part: MIME.Part, depth: Int, insideReport: Bool) {
        visited += 1
        guard depth <= MIME.maximumDepth, visited <= MIME.maximumParts else { return }
        let type = part.contentType
        switch (type.type, type.subtype) {
        case ("multipart", _):
            let children = MIME.multipartChildren(of: part)
            let isReport = type.subtype == "report"
            for (position, child) in children.enumerated() {
                // In a report, the third part is the returned message: never a report of its own.
                if isReport && position >= 2 && (child.contentType.type == "message" || child.contentType.subtype == "rfc822-headers") {
                    continue
                }
                visit(child, depth: depth + 1, insideReport: isReport || insideReport)
            }
        case ("message", "delivery-status"), ("message", "global-delivery-status"):
            deliveryStatus.append(MIME.decodeText(part.decodedBody(), charset: "utf-8"))
        case ("message", "feedback-report"):
            feedbackReport = MIME.decodeText(part.decodedBody(), charset: "utf-8")
        case ("message", "rfc822"), ("message", "global"):
            // A forwarded bounce (an attached message that is itself a report or looks like a
            // bounce) replaces what was found around it, such as "why did this bounce?".
            guard deliveryStatus.isEmpty && feedbackReport == nil && !insideReport else { return }
            let inner = MIME.parsePart(part.decodedBody()[...])
            var nested = PartCollector(visited: visited)
            nested.visit(inner, depth: depth + 1, insideReport: false)
            visited = nested.visited
            let subject = (inner.headers.value("subject") ?? "").lowercased()
            if !nested.deliveryStatus.isEmpty || nested.feedbackReport != nil || BounceReport.looksLikeBounceSubject(subject) {
                deliveryStatus = nested.deliveryStatus
                feedbackReport = nested.feedbackReport
                humanText = nested.humanText ?? humanText
                forwardedHeaders = inner.headers
            }
        case ("text", "plain"), ("text", "x-mail-bounce"):
            sawText = true
            if humanText == nil { humanText = part.text() }
        case ("text", "html"):
            sawText = true
            if htmlText == nil { htmlText = HTMLText.plainText(part.text()) }
            if humanText == nil, let htmlText { humanText = htmlText }
        default:
            break
        }
    }
}

/// Crude HTML to text: tags removed (block tags become line breaks), a few entities decoded.
enum HTMLText {
    static func plainText(_ html: String) -> String {
        var output = ""
        output.reserveCapacity(html.utf8.count / 2)
        var inTag = false
        var tag = ""
        var skipping = false
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    let name = tag.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\n" }).first.map(String.init) ?? ""
                    if name == "style" || name == "script" || name == "head" { skipping = true }
                    if tag.lowercased().hasPrefix("/style") || tag.lowercased().hasPrefix("/script") || tag.lowercased().hasPrefix("/head") { skipping = false }
                    if ["br", "p", "/p", "div", "/div", "tr", "/tr", "li", "h1", "h2", "h3", "/h1", "/h2", "/h3", "table", "/table"].contains(name)
                        || tag.lowercased().hasPrefix("/div") || tag.lowercased().hasPrefix("/p") || tag.lowercased().hasPrefix("/tr") {
                        output.append("\n")
                    } else if name == "td" || name == "th" {
                        // Table cells of an NDR ("Recipient:" | address) must not run together.
                        output.append(" ")
                    }
                    tag = ""
                } else {
                    tag.append(character)
                }
                continue
            }
            if character == "<" {
                inTag = true
                continue
            }
            if !skipping { output.append(character) }
        }
        let entities = [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"), ("&amp;", "&")]
        var text = output
        for (entity, replacement) in entities where text.includes(entity) {
            text = text.replacingAll(entity, with: replacement)
        }
        return text
    }
}

extension String {
    /// Every occurrence of `target` replaced, left to right, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var output = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            output += rest[..<range.lowerBound]
            output += replacement
            rest = rest[range.upperBound...]
        }
        output += rest
        return output
    }
}
