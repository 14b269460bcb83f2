/// Reads the per-recipient paragraphs of a bounce's human-readable text, for bounces that carry
/// no delivery-status part (or whose delivery-status part lacks a diagnostic).
///
/// Each known layout is tried in turn; the first that finds recipients wins:
/// Exchange / Microsoft 365 ("Diagnostic information for administrators", the older "cannot be
/// reached" list), Gmail ("The response from the remote server was"), Sendmail ("had permanent
/// fatal errors", "Transcript of session follows"), Exim ("The following address(es) failed"),
/// and the `<address>:` paragraphs of Postfix, qmail, Yahoo, Courier and many others.
enum HumanReadableBounce {
    struct Item: Equatable, Sendable {
        var address: String?
        var text: String
    }

    /// The most recipients read from one body.
    static let maximumItems = 200

    static func recipients(in text: String) -> [Item] {
        guard !text.isEmpty else { return [] }
        let (lines, lowered) = relevantLines(text)
        for parser in [exchange, gmail, sendmail, exim, angleParagraphs, saidParagraph] {
            var items = parser(lines, lowered)
            if items.count == 1 && items[0].address == nil {
                items[0].address = labelledRecipient(lines, lowered)
            }
            if !items.isEmpty { return Array(items.prefix(maximumItems)) }
        }
        return []
    }

    /// For a report that names one failure without its address in the usual place: the address
    /// after a "Recipient:" label (gateway notices, HTML tables), else the last `RCPT TO` of a
    /// session transcript (the command the failing reply answered).
    static func labelledRecipient(in text: String) -> String? {
        let (lines, lowered) = relevantLines(text)
        return labelledRecipient(lines, lowered)
    }

    static func labelledRecipient(_ lines: [String], _ lowered: [String]) -> String? {
        // The first address after `label` in `line` (`lower` is the line lower-cased, with the
        // same byte offsets).
        func address(after label: String, in line: String, _ lower: String) -> String? {
            guard let range = lower.firstRange(of: label) else { return nil }
            let offset = lower.utf8.distance(from: lower.startIndex, to: range.upperBound)
            return BounceReport.firstAddress(String(decoding: line.utf8.dropFirst(offset), as: UTF8.self))
        }
        let labels = ["original recipient:", "recipient address:", "recipient:"]
        for (line, lower) in zip(lines, lowered) {
            for label in labels {
                if let address = address(after: label, in: line, lower) { return address }
            }
        }
        for (line, lower) in zip(lines, lowered).reversed() {
            if let address = address(after: "rcpt to:", in: line, lower) { return address }
        }
        return nil
    }

    /// The lines before the returned copy of the original message, as written and with ASCII
    /// letters lower-cased (the markers are ASCII, and byte offsets stay the same).
    private static func relevantLines(_ text: String) -> ([String], [String]) {
        let markers = [
            "below this line is a copy of the message", "this is a copy of the message", "original message follows",
            "----- original message", "original message headers", "returned message follows", "unsent message follows",
            "message headers follow", "------- returned message", "--- the header of the original message",
            "------ original message", "copy of the original message",
        ]
        let bytes = Array(text.utf8)
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let lowerText = String(decoding: lower, as: UTF8.self)
        var cut = bytes.count
        for marker in markers where lowerText.includes(marker) {
            if let range = lowerText.firstRange(of: marker) {
                cut = min(cut, lowerText.utf8.distance(from: lowerText.startIndex, to: range.lowerBound))
            }
        }
        var lines: [String] = []
        var lowered: [String] = []
        var start = 0
        while start < cut && lines.count <= 4_000 {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            // The marker's own line is dropped with everything after it.
            if end >= cut && cut < bytes.count { break }
            lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            lowered.append(String(decoding: lower[start..<end], as: UTF8.self))
            start = end + 1
        }
        return (lines, lowered)
    }

    // MARK: - Layouts

    private static func exchange(_ lines: [String], _ lowered: [String]) -> [Item] {
        if let start = lowered.firstIndex(where: { $0.includes("diagnostic information for administrators") }) {
            var items: [Item] = []
            for line in lines[(start + 1)...] {
                let trimmed = line.trimmed
                if trimmed.isEmpty || trimmed.lowercased().hasPrefix("generating server:") { continue }
                if isBareAddress(trimmed) {
                    items.append(Item(address: BounceReport.firstAddress(trimmed), text: ""))
                } else if !items.isEmpty {
                    items[items.count - 1].text += (items[items.count - 1].text.isEmpty ? "" : " ") + trimmed
                }
            }
            items = items.filter { !$0.text.isEmpty }
            if !items.isEmpty { return items }
        }
        if let start = lowered.firstIndex(where: { $0.includes("reported error:") }) {
            let address = lowered.firstIndex(where: { $0.includes("your message to ") })
                .flatMap { BounceReport.firstAddress(lines[$0]) }
            let text = lines[start].trimmed.dropFirst("reported error:".count).trimmed
            var context = ""
            if let headline = lowered.firstIndex(where: { $0.includes("couldn't be delivered") || $0.includes("could not be delivered") }),
               headline + 1 < lines.count {
                context = " " + lines[headline + 1].trimmed
            }
            return [Item(address: address, text: text + context)]
        }
        if let start = lowered.firstIndex(where: { $0.includes("cannot be reached:") || $0.includes("could not be reached:") }) {
            var items: [Item] = []
            for line in lines[(start + 1)...] {
                let trimmed = line.trimmed
                if trimmed.isEmpty { continue }
                let indent = line.prefix { $0 == " " || $0 == "\t" }.count
                if trimmed.includes("@") && (trimmed.includes(" on ") || isBareAddress(trimmed)) && (items.isEmpty || indent <= 8) {
                    items.append(Item(address: BounceReport.firstAddress(trimmed), text: ""))
                } else if !items.isEmpty {
                    items[items.count - 1].text += (items[items.count - 1].text.isEmpty ? "" : " ") + trimmed
                }
            }
            return items.filter { !$0.text.isEmpty }
        }
        return []
    }

    private static func gmail(_ lines: [String], _ lowered: [String]) -> [Item] {
        let responseMarkers = ["the response from the remote server was:", "the response was:", "technical details of permanent failure:",
                               "technical details of temporary failure:", "the error that the other server returned was:"]
        guard let response = lowered.firstIndex(where: { line in responseMarkers.contains { line.includes($0) } }) else { return [] }
        var address: String?
        if let line = lowered.firstIndex(where: { $0.includes("delivered to ") && $0.includes("@") }) {
            let lower = lowered[line]
            if let range = lower.firstRange(of: "delivered to ") {
                let offset = lower.distance(from: lower.startIndex, to: range.upperBound)
                address = BounceReport.firstAddress(String(lines[line].dropFirst(offset)))
            }
        }
        if address == nil, let marker = lowered.firstIndex(where: { $0.includes("to the following recipient") }) {
            address = lines[(marker + 1)...].first { $0.includes("@") }.flatMap(BounceReport.firstAddress)
        }
        var parts: [String] = []
        if let headline = lines.first(where: { $0.trimmed.hasPrefix("** ") }) { parts.append(headline.trimmed) }
        if let because = lowered.firstIndex(where: { $0.includes(" because ") || $0.includes("couldn't be delivered") || $0.includes("wasn't delivered") }) {
            parts.append(paragraph(lines, from: because))
        }
        // Each marker introduces a section ("Technical details ...", then "The error that the
        // other server returned was:"); the server's own words are in the last one.
        for marker in lowered.indices where marker >= response && responseMarkers.contains(where: { lowered[marker].includes($0) }) {
            var index = marker + 1
            while index < lines.count && lines[index].trimmed.isEmpty { index += 1 }
            if index < lines.count { parts.append(paragraph(lines, from: index)) }
        }
        return [Item(address: address, text: parts.joined(separator: "\n"))]
    }

    private static func sendmail(_ lines: [String], _ lowered: [String]) -> [Item] {
        var items: [Item] = []
        if let start = lowered.firstIndex(where: { $0.includes("had permanent fatal errors") || $0.includes("had transient non-fatal errors") }) {
            var index = start + 1
            while index < lines.count {
                let trimmed = lines[index].trimmed
                if trimmed.isEmpty && !items.isEmpty { break }
                if trimmed.hasPrefix("<") || (trimmed.includes("@") && !trimmed.hasPrefix("(")) {
                    items.append(Item(address: BounceReport.firstAddress(trimmed), text: ""))
                } else if !items.isEmpty && trimmed.lowercased().hasPrefix("(reason:") {
                    let reason = trimmed.dropFirst("(reason:".count).trimmed
                    items[items.count - 1].text += (reason.hasSuffix(")") ? String(reason.dropLast()) : reason) + "\n"
                }
                index += 1
            }
        }
        if let transcript = lowered.firstIndex(where: { $0.includes("transcript of session follows") }) {
            var transcriptLines: [String] = []
            var index = transcript + 1
            while index < lines.count {
                let trimmed = lines[index].trimmed
                if trimmed.hasPrefix("-----") { break }
                if !trimmed.isEmpty { transcriptLines.append(trimmed) }
                index += 1
            }
            if items.isEmpty {
                // Recipients named in the transcript itself: "<user@host>... User unknown".
                for line in transcriptLines where line.includes("...") && line.includes("@") && !line.hasPrefix(">>>") {
                    guard let address = BounceReport.firstAddress(line) else { continue }
                    if let existing = items.firstIndex(where: { $0.address == address }) {
                        items[existing].text += line + "\n"
                    } else {
                        items.append(Item(address: address, text: line + "\n"))
                    }
                }
            }
            for position in items.indices {
                let address = items[position].address?.lowercased() ?? ""
                let relevant = items.count == 1
                    ? transcriptLines
                    : transcriptLines.filter { $0.lowercased().includes(address) || $0.hasPrefix("<<<") }
                let extra = relevant.filter { !$0.hasPrefix(">>>") && !items[position].text.includes($0) }
                items[position].text += extra.prefix(20).joined(separator: "\n")
            }
        }
        return items.filter { !$0.text.trimmed.isEmpty }
    }

    private static func exim(_ lines: [String], _ lowered: [String]) -> [Item] {
        let markers = ["address(es) failed", "following address(es)", "could not be delivered to one or more of its",
                       "has not yet been delivered to one or more of its", "have yet to be delivered", "addresses failed:"]
        guard let start = lowered.firstIndex(where: { line in markers.contains { line.includes($0) } }) else { return [] }
        var items: [Item] = []
        var index = start + 1
        // The marker sentence may run on for a line or two before the list.
        while index < lines.count && !lines[index].trimmed.isEmpty && !lines[index].hasPrefix(" ") { index += 1 }
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmed
            index += 1
            if trimmed.isEmpty { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if indent == 0 {
                if items.isEmpty { continue }
                break
            }
            if indent < 4 {
                let address = trimmed.includes("@") ? BounceReport.firstAddress(trimmed) : trimmed
                items.append(Item(address: address, text: ""))
            } else if !items.isEmpty {
                items[items.count - 1].text += (items[items.count - 1].text.isEmpty ? "" : "\n") + trimmed
            }
        }
        return items.filter { !$0.text.isEmpty }
    }

    private static func angleParagraphs(_ lines: [String], _ lowered: [String]) -> [Item] {
        var items: [Item] = []
        var current: Int?
        for line in lines {
            let trimmed = line.trimmed
            if trimmed.isEmpty {
                current = nil
                continue
            }
            if trimmed.hasPrefix("<"), let (address, rest) = angleHead(trimmed) {
                items.append(Item(address: address, text: rest))
                current = items.count - 1
            } else if let position = current {
                items[position].text += (items[position].text.isEmpty ? "" : "\n") + trimmed
            }
        }
        return items.filter { !$0.text.isEmpty }
    }

    /// A "said:" paragraph with no recipient named.
    private static func saidParagraph(_ lines: [String], _ lowered: [String]) -> [Item] {
        guard let start = lowered.firstIndex(where: { $0.includes(" said:") || $0.includes("said: ") || $0.includes("smtp error") }) else { return [] }
        return [Item(address: BounceReport.firstAddress(lines[start]), text: paragraph(lines, from: start))]
    }

    // MARK: - Helpers

    /// `<user@host>: rest` or `<user@host> (expanded from <alias>): rest`.
    private static func angleHead(_ line: String) -> (String, String)? {
        guard let close = line.firstIndex(of: ">") else { return nil }
        let inside = line[line.index(after: line.startIndex)..<close]
        guard inside.includes("@"), !inside.includes(" ") else { return nil }
        var rest = line[line.index(after: close)...]
        if rest.hasPrefix(" (") , let paren = rest.firstIndex(of: ")") {
            rest = rest[rest.index(after: paren)...]
        }
        guard rest.hasPrefix(":") else { return nil }
        return (String(inside), rest.dropFirst().trimmed)
    }

    /// One address alone on a line, maybe with a display form in parentheses.
    private static func isBareAddress(_ line: String) -> Bool {
        guard line.includes("@") else { return false }
        let words = line.split(separator: " ")
        return words.count <= 2 && words[0].includes("@") && !line.includes("'")
    }

    /// The lines from `start` up to the next blank line, joined.
    private static func paragraph(_ lines: [String], from start: Int) -> String {
        var parts: [String] = []
        var index = start
        while index < lines.count, !lines[index].trimmed.isEmpty, parts.count < 40 {
            parts.append(lines[index].trimmed)
            index += 1
        }
        return parts.joined(separator: "\n")
    }
}
