/// Structured input generators: inputs that get past the first checks of each parser (a front
/// matter block, a MIME tree, a bounce line with codes), built from hostile pieces, so the
/// fuzzer reaches the deep code paths that random bytes never do.
public enum Generators {
    /// Values chosen to break things downstream: markup, attribute breakers, script URLs,
    /// path traversal, format characters, YAML and Mustache syntax, huge numbers.
    public static let hostileValues = [
        "<script>document.title='X'+'SS'</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='alert(1)",
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "</script><script>alert(1)</script>", "../../etc/passwd", "..", ".", "/", "a/../../b", "{{title}}", "{{{raw}}}",
        "{{#x}}{{/x}}", "&amp;&lt;&#x3C;", "\u{202E}evil\u{202C}", "\u{200B}", "\u{FEFF}", "\u{0000}", "\t", "~", "null",
        "yes", "0x1F", "1e999", "-0", "99999999999999999999", "550", "5.7.26", "5.01.1", "{email}", "{nope}",
        "mailbox-not-found", "Gmail", "https://example.com/\"onmouseover=\"x", "mailto:a@b", "é", "𝔘𝔫𝔦",
        String(repeating: "a", count: 300), String(repeating: "é", count: 100),
    ]

    static let yamlKeys = ContentFieldNames.entry + ContentFieldNames.category + ContentFieldNames.site
        + ["unknown", "Title", "ti tle", "<<", "? x", "\"title\"", "!!str title"]

    // MARK: - Content files

    /// A content file: front matter of random fields and shapes, then a Markdown body.
    public static func contentFile(_ random: inout SeededRandom) -> [UInt8] {
        var text = random.chance(95) ? "---\n" : random.pick(["", "--- \n", "---\r\n", "----\n", "\u{FEFF}---\n"])
        let fields = random.below(14)
        for _ in 0..<fields {
            text += random.pick(yamlKeys) + ":" + yamlValue(&random, depth: 0) + "\n"
        }
        if random.chance(90) { text += "---\n" }
        text += markdownBody(&random)
        var bytes = Array(text.utf8)
        lineEndingsAndEncoding(&bytes, &random)
        return bytes
    }

    private static func scalar(_ random: inout SeededRandom) -> String {
        let value = random.pick(hostileValues)
        switch random.below(6) {
        case 0: return "\"" + value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
        case 1: return "'" + value.replacingAll("'", with: "''") + "'"
        case 2: return value
        case 3: return "\(random.below(1000))"
        case 4: return random.pick(["&a x", "*a", "!!binary aGk=", "!custom x", "|\n  block\n  text", ">-\n  folded", "[a, b", "{a: 1}"])
        default: return value.filter { $0 != ":" && $0 != "#" }
        }
    }

    private static func yamlValue(_ random: inout SeededRandom, depth: Int) -> String {
        let indent = String(repeating: "  ", count: depth + 1)
        switch depth > 6 ? 0 : random.below(6) {
        case 0, 1, 2:
            return " " + scalar(&random)
        case 3:
            let items = (0..<random.below(5)).map { _ in scalar(&random) }
            return " [" + items.joined(separator: ", ") + "]"
        case 4:
            var text = ""
            for _ in 0..<(1 + random.below(4)) {
                text += "\n" + indent + "-" + yamlValue(&random, depth: depth + 1)
            }
            return text
        default:
            var text = ""
            for _ in 0..<(1 + random.below(3)) {
                text += "\n" + indent + random.pick(["title", "url", "x", "<<"]) + ":" + yamlValue(&random, depth: depth + 1)
            }
            return text
        }
    }

    static let markdownPieces = [
        "## Details\n", "## Resolution\n", "# Title\n", "### Sub\n", "Setext\n---\n", "Setext\n===\n",
        "<script>document.title='X'+'SS'</script>\n", "<div onclick=\"alert(1)\">x</div>\n", "<img src=x onerror=alert(1)>",
        "[link](javascript:alert(1))", "[l](<javascript:alert(1)>)", "[d](data:text/html,<script>alert(1)</script>)",
        "![i](javascript:alert(1))", "<javascript:alert(1)>", "[ref]\n\n[ref]: javascript:alert(1) \"t\"\n",
        "```\" onmouseover=\"alert(1)\ncode\n```\n", "`code`", "**bold**", "_em_", "***", "> quote\n", "- item\n",
        "1. item\n", "    indented\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "&#x3C;script&#x3E;", "&lt;", "\\", "\n\n",
        "<!-- comment -->", "<![CDATA[x]]>", "<?php x ?>", "[[[[[", "]]]]]", "*****", "_____", "{{title}}",
    ]

    private static func markdownBody(_ random: inout SeededRandom) -> String {
        var text = "\n"
        if random.chance(80) { text += "## Details\n\n" }
        for _ in 0..<random.below(12) {
            text += random.pick(markdownPieces)
            if random.chance(30) { text += " " + random.pick(hostileValues) + "\n" }
        }
        if random.chance(10) {
            // Deep nesting of one construct: block quotes, lists, emphasis, links, brackets.
            let unit = random.pick(["> ", "- ", "1. ", "  - ", "*", "_", "[", "![", "<", "`", "(", "\\"])
            text += String(repeating: unit, count: random.skewedSize(maximum: 5_000)) + "x\n"
        }
        if random.chance(80) { text += "\n## Resolution\n\n" + random.pick(markdownPieces) + "\n" }
        return text
    }

    /// Sometimes CRLF or CR line ends, a byte order mark, or invalid UTF-8.
    static func lineEndingsAndEncoding(_ bytes: inout [UInt8], _ random: inout SeededRandom) {
        switch random.below(10) {
        case 0: bytes = crlf(bytes)
        case 1: bytes = bytes.map { $0 == 0x0A ? 0x0D : $0 }
        case 2: bytes = [0xEF, 0xBB, 0xBF] + bytes
        case 3 where !bytes.isEmpty:
            bytes.insert(contentsOf: random.pick([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]]),
                         at: random.below(bytes.count))
        default: break
        }
    }

    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 20)
        for byte in bytes {
            if byte == 0x0A { output.append(0x0D) }
            output.append(byte)
        }
        return output
    }

    // MARK: - Bounce text

    static let replyCodes = ["550", "551", "552", "553", "554", "421", "450", "451", "452", "530", "535", "571", "250", "200", "599", "600", "199", "5501", "55"]
    static let statusCodes = ["5.1.1", "5.7.26", "4.4.7", "5.0.0", "4.2.2", "5.7.1", "2.0.0", "5.1.10", "5.01.1", "6.1.1", "5.999.999", "5.1", "5.1.1.1", "X.7.26"]
    static let words = [
        "smtp;", "said:", "Error", "host", "mx.example.com[192.0.2.1]", "said: 550", "User unknown", "mailbox unavailable",
        "Recipient address rejected:", "<user@example.com>:", "user@example.com", "(#5.1.1)", "#4.4.7", "[5.7.1]",
        "Message rejected", "port 25", "size 10240000", "after RCPT TO:", "retry timeout exceeded", "quota exceeded",
        "SPF", "DKIM", "DMARC", "blocked", "listed", "spamhaus", "https://support.google.com/mail/?p=NoSuchUser",
        "2001:db8::1", "127.0.0.1", "10.0.0.1:25", "-", ":", ";", "'", "\"", "(", ")", "\n", "\r\n", "\t", "{email}", "{n}",
        "é", "日本語", "\u{0000}", "=?utf-8?B?VXNlciB1bmtub3du?=", "550-", "550 ", "5.1.1 ", "...", "<<<", ">>>",
    ]

    /// A bounce line: codes in many shapes among words, addresses and numbers.
    public static func bounceLine(_ random: inout SeededRandom) -> [UInt8] {
        var text = ""
        for _ in 0..<(1 + random.below(30)) {
            switch random.below(4) {
            case 0: text += random.pick(replyCodes)
            case 1: text += random.pick(statusCodes)
            case 2: text += random.pick(replyCodes) + random.pick([" ", "-", " #", "-#", "\t"]) + random.pick(statusCodes)
            default: text += random.pick(words)
            }
            text += random.pick([" ", " ", " ", "", "\n", ", ", ". ", ":", "; "])
        }
        var bytes = Array(text.utf8)
        if random.chance(10) { lineEndingsAndEncoding(&bytes, &random) }
        return bytes
    }

    // MARK: - Email

    static let transferEncodings = ["7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", "BASE64"]
    static let charsets = ["utf-8", "us-ascii", "iso-8859-1", "windows-1252", "iso-8859-15", "koi8-r", "utf-16", "\"utf-8\"", "x-unknown"]

    /// A bounce email: a MIME tree with a human part, a delivery-status part and the returned
    /// message, with random encodings, charsets, folding and nesting.
    public static func email(_ random: inout SeededRandom) -> [UInt8] {
        var text = headers(&random, contentType: nil)
        text += random.chance(90) ? "\n" : ""
        text += mimeBody(&random, depth: 0)
        var bytes = Array(text.utf8)
        if random.chance(40) { bytes = crlf(bytes) }
        if random.chance(5) { lineEndingsAndEncoding(&bytes, &random) }
        return bytes
    }

    private static func headers(_ random: inout SeededRandom, contentType: String?) -> String {
        var lines: [String] = []
        let pool = [
            "From: " + random.pick(["Mail Delivery System <MAILER-DAEMON@example.com>", "postmaster@example.com", "=?utf-8?Q?Mail_Delivery?= <x@y>", "\"Quoted, Name\" <a@b>"]),
            "To: sender@example.org",
            "Subject: " + random.pick(["Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)", "Automatic reply: away", "=?utf-8?B?w4RiZXJ0cmFndW5n?= =?utf-8?Q?_fehlgeschlagen?=", "Out of Office", "failure notice", "=?x?Z?bad?="]),
            "Date: Mon, 1 Jan 2024 00:00:00 +0000", "MIME-Version: 1.0", "Auto-Submitted: " + random.pick(["auto-replied", "auto-generated", "no"]),
            "X-Failed-Recipients: user@example.com", "Received: from a\n\tby b\n  with c", "Precedence: auto_reply",
            "Message-ID: <" + String(repeating: "x", count: random.below(200)) + "@example.com>",
        ]
        for _ in 0..<random.below(8) { lines.append(random.pick(pool)) }
        if let contentType { lines.append(contentType) }
        if random.chance(30) { lines.append(random.pick(["Content-Transfer-Encoding: ", "Content-Type: "]) + random.pick(transferEncodings)) }
        return lines.map { $0 + "\n" }.joined()
    }

    private static func mimeBody(_ random: inout SeededRandom, depth: Int) -> String {
        if depth > 14 || random.chance(depth == 0 ? 20 : 45) { return humanText(&random) }
        let boundary = random.pick(["b1", "=_boundary_\(depth)", "----=_Part_\(random.below(1000))", "", "x\"y", "a b", String(repeating: "-", count: random.below(80))])
        let subtype = random.pick(["report; report-type=delivery-status", "mixed", "alternative", "report; report-type=feedback-report", "digest", "related"])
        var text = ""
        let count = random.below(5)
        for _ in 0..<count {
            text += "--" + boundary + random.pick(["", "", " ", "--"]) + "\n"
            let kind = random.below(6)
            switch kind {
            case 0:
                text += "Content-Type: message/delivery-status\n\n" + deliveryStatus(&random)
            case 1:
                let inner = random.chance(50) ? "Content-Type: multipart/\(subtype); boundary=\"\(boundary)x\"\n\n" : ""
                text += "Content-Type: " + random.pick(["message/rfc822", "text/rfc822-headers", "message/global"]) + "\n\n" + inner + headers(&random, contentType: nil) + "\n" + mimeBody(&random, depth: depth + 1)
            case 2:
                let nested = "b\(depth + 1)"
                text += "Content-Type: multipart/mixed; boundary=\"\(nested)\"\n\n--\(nested)\n" + mimeBody(&random, depth: depth + 1) + "\n--\(nested)--\n"
            case 3:
                let encoding = random.pick(transferEncodings)
                let body = humanText(&random)
                text += "Content-Type: text/plain; charset=\(random.pick(charsets))\nContent-Transfer-Encoding: \(encoding)\n\n"
                text += encoding.lowercased() == "base64" ? base64(Array(body.utf8)) : quotedPrintableish(body)
            case 4:
                text += "Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nOriginal-Rcpt-To: <a@b>\n"
            default:
                text += "Content-Type: text/html\n\n<html><body><p>" + humanText(&random) + "</p><script>x</script></body></html>\n"
            }
            text += "\n"
        }
        if random.chance(70) { text += "--" + boundary + "--\n" }
        return "Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"\n\n" + (random.chance(50) ? "preamble\n" : "") + text
    }

    private static func deliveryStatus(_ random: inout SeededRandom) -> String {
        var text = "Reporting-MTA: dns; mx.example.com\nArrival-Date: Mon, 1 Jan 2024\n\n"
        for _ in 0..<random.below(6) {
            let fields = [
                "Final-Recipient: rfc822; " + random.pick(["user@example.com", "<x@y>", "", ";;", "rfc822"]),
                "Original-Recipient: rfc822;user@example.com",
                "Action: " + random.pick(["failed", "delayed", "delivered", "relayed", "expanded", "FAILED (x)", "", "weird"]),
                "Status: " + random.pick(statusCodes + ["", "5", "abc", "5.1.1 (bad mailbox)"]),
                "Diagnostic-Code: " + random.pick(["smtp; ", "x-postfix; ", "", ";"]) + String(decoding: bounceLine(&random), as: UTF8.self).replacingAll("\n", with: "\n "),
                "Remote-MTA: dns; mx.example.net", "Last-Attempt-Date: x", "Will-Retry-Until: y", " continuation", "no colon here",
            ]
            for _ in 0..<(1 + random.below(7)) { text += random.pick(fields) + "\n" }
            text += "\n"
        }
        return text
    }

    private static func humanText(_ random: inout SeededRandom) -> String {
        let layouts = [
            "This is the mail system at host mx.example.com.\n\n<user@example.com>: host mx.example.net[192.0.2.1] said: ",
            "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  user@example.com\n    ",
            "----- The following addresses had permanent fatal errors -----\n<user@example.com>\n    (reason: ",
            "   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<user@example.com>\n<<< ",
            "Delivery has failed to these recipients or groups:\n\nuser@example.com\n\nDiagnostic information for administrators:\n\nuser@example.com\nRemote Server returned '",
            "** Address not found **\n\nThe response from the remote server was:\n",
            "Hi. This is the qmail-send program at example.com.\n<user@example.com>:\n",
            "I'm out of the office until Monday.\n",
        ]
        var text = random.pick(layouts) + String(decoding: bounceLine(&random), as: UTF8.self) + "\n"
        if random.chance(20) { text += String(repeating: random.pick(["<user@example.com>: x\n", "  a@b\n", "\n", "said: 550\n"]), count: random.skewedSize(maximum: 2_000)) }
        return text
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(bytes.count, index + 3)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8) | UInt32(chunk.count > 2 ? chunk[2] : 0)
            for position in 0..<4 {
                if position <= chunk.count {
                    output.append(alphabet[Int((value >> UInt32(18 - 6 * position)) & 63)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
            if index % 57 == 0 { output.append(0x0A) }
        }
        return String(decoding: output, as: UTF8.self) + "\n"
    }

    private static func quotedPrintableish(_ text: String) -> String {
        text.replacingAll("=", with: "=3D").replacingAll(" said", with: "=\n said")
    }
}

/// The field names of content files, repeated here so the generator does not depend on the
/// library's internals.
enum ContentFieldNames {
    static let entry = ["title", "reply", "status", "reason", "summary", "match", "providers", "related", "references", "permanence", "action"]
    static let category = ["title", "order", "summary"]
    static let site = ["title", "description", "base_url", "language"]
}

extension String {
    /// Plain substring replacement without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
