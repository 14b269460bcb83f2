import Foundation
import Testing
@testable import BounceKB

@Suite("Bounce email parsing")
struct BounceReportTests {
    @Test("Every fixture email gives the expected recipients, in order")
    func fixtureRecipients() throws {
        let expected = MatchingFixtures.emailResults()
        #expect(expected.count >= 20)
        for file in Set(expected.map(\.file)).sorted() {
            let report = BounceReport(bytes: try MatchingFixtures.email(file))
            let rows = expected.filter { $0.file == file }
            #expect(report.recipients.map(\.address) == rows.map(\.recipient), "\(file)")
            #expect(report.kind.rawValue == rows.first?.kind, "\(file)")
        }
    }

    /// Reports without a delivery-status part that name the recipient only in a label or in the
    /// session transcript: an HTML table cell "Recipient:" (base64 text/html only), and MDaemon's
    /// transcript where the failing reply answers the last RCPT TO.
    @Test func recipientFromALabelOrTheTranscript() throws {
        let mimecast = BounceReport(bytes: try MatchingFixtures.email("mimecast-html-table-base64.eml"))
        #expect(mimecast.recipients.map(\.address) == ["pat@mc-protected.test"])
        #expect(mimecast.recipients.first?.text.contains("Recipient:pat") == false, "table cells run together")
        let mdaemon = BounceReport(bytes: try MatchingFixtures.email("mdaemon-transcript-only.eml"))
        #expect(mdaemon.recipients.map(\.address) == ["lucy@mdhost.test"])
        let cells = HTMLText.plainText("<tr><td>Recipient:</td><td>a@b.test</td></tr>")
        #expect(cells.split(whereSeparator: { $0 == " " || $0 == "\n" }) == ["Recipient:", "a@b.test"], "\(cells)")
    }

    @Test func postfixDeliveryStatusWithTwoRecipientsAndCRLF() throws {
        let bytes = try MatchingFixtures.email("postfix-two-recipients.eml")
        #expect(bytes.contains(13), "the fixture keeps its CRLF line ends")
        let report = BounceReport(bytes: bytes)
        #expect(report.hasDeliveryStatus)
        #expect(report.reportingMTA == "mail.litware.example")
        #expect(report.recipients.count == 2)
        let first = report.recipients[0]
        #expect(first.action == "failed")
        #expect(first.status?.description == "5.1.1")
        #expect(first.diagnosticType == "smtp")
        #expect(first.remoteMTA == "mx1.fabrikam.com")
        // The folded Diagnostic-Code reads as one line.
        #expect(first.diagnostic == "550 5.1.1 <alice@fabrikam.com>: Recipient address rejected: User unknown in virtual mailbox table")
        #expect(report.recipients[1].status?.description == "5.2.2")
    }

    @Test func base64DeliveryStatusInsideNestedMultipart() throws {
        let report = BounceReport(bytes: try MatchingFixtures.email("office365-base64-dsn.eml"))
        #expect(report.hasDeliveryStatus)
        #expect(report.recipients.count == 1)
        #expect(report.recipients[0].diagnostic?.contains("RESOLVER.ADR.RecipientNotFound") == true)
        #expect(report.subject == "Undeliverable: March update")
        // The quoted-printable text part is decoded.
        #expect(report.humanText.contains("Diagnostic information for administrators:"))
        #expect(!report.humanText.contains("=\n"))
    }

    @Test func gmailContinuationLinesInAFoldedDiagnostic() throws {
        let report = BounceReport(bytes: try MatchingFixtures.email("gmail-qp-folded.eml"))
        let diagnostic = try #require(report.recipients.first?.diagnostic)
        #expect(diagnostic.hasPrefix("550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking"))
        #expect(report.recipients[0].remoteMTA?.hasPrefix("gmail-smtp-in.l.google.com") == true)
    }

    @Test func quotedPrintableDeliveryStatusAndLatin1Text() throws {
        let report = BounceReport(bytes: try MatchingFixtures.email("latin1-german.eml"))
        #expect(report.subject == "Unzustellbar: März-Update")
        #expect(report.humanText.contains("Übermittlung an folgende Empfänger fehlgeschlagen"))
        #expect(report.recipients.first?.diagnostic?.hasSuffix("is full") == true)
    }

    @Test func humanReadableLayouts() throws {
        let qmail = BounceReport(bytes: try MatchingFixtures.email("qmail-plain.eml"))
        #expect(!qmail.hasDeliveryStatus)
        #expect(qmail.recipients.map(\.address) == ["mike@proseware.example", "nina@proseware.example"])
        #expect(qmail.recipients[0].text.contains("Remote host said: 550 5.1.1"))
        #expect(!qmail.recipients[1].text.contains("Below this line"))

        let exim = BounceReport(bytes: try MatchingFixtures.email("exim-two-recipients.eml"))
        #expect(exim.recipients[0].text.contains("SMTP error from remote mail server after RCPT TO"))
        #expect(exim.recipients[1].text == "Unrouteable address")

        let sendmail = BounceReport(bytes: try MatchingFixtures.email("sendmail-transcript.eml"))
        #expect(sendmail.recipients.count == 1)

        let exchange = BounceReport(bytes: try MatchingFixtures.email("exchange-legacy-plain.eml"))
        #expect(exchange.recipients.first?.text == "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##")

        let gmail = BounceReport(bytes: try MatchingFixtures.email("gmail-legacy-text.eml"))
        #expect(gmail.recipients.first?.text.contains("552 5.2.2 <rita@fabrikam.com>: user is over quota") == true)
    }

    @Test func structuralKinds() throws {
        #expect(BounceReport(bytes: try MatchingFixtures.email("out-of-office.eml")).kind == .autoReply)
        #expect(BounceReport(bytes: try MatchingFixtures.email("delivered-dsn.eml")).kind == .delivered)
        #expect(BounceReport(bytes: try MatchingFixtures.email("postfix-delayed.eml")).kind == .delayed)
        let arf = BounceReport(bytes: try MatchingFixtures.email("arf-complaint.eml"))
        #expect(arf.kind == .feedback)
        #expect(arf.recipients.first?.address == "yusuf@hotmail.com")
        // Bounces carry Auto-Submitted too; they are not auto-replies.
        #expect(BounceReport(bytes: try MatchingFixtures.email("postfix-two-recipients.eml")).kind == .failure)
    }

    @Test func onlyFailedRecipientsOfAMixedReport() throws {
        let report = BounceReport(bytes: try MatchingFixtures.email("mimecast-multi.eml"))
        #expect(report.recipients.map(\.address) == ["aaron@protected.example", "beth@protected.example"])
    }

    @Test func forwardedBounceIsReadFromTheAttachedMessage() throws {
        let report = BounceReport(bytes: try MatchingFixtures.email("forwarded-bounce.eml"))
        #expect(report.hasDeliveryStatus)
        #expect(report.recipients.first?.address == "ivan@wingtip.example")
    }

    @Test func pastedDeliveryStatusBlock() {
        let text = """
        Final-Recipient: rfc822; bob@example.com
        Action: failed
        Status: 5.2.2
        Diagnostic-Code: smtp; 552 5.2.2 Mailbox full
        """
        #expect(BounceReport.looksLikeEmail(text))
        let report = BounceReport(parsing: text)
        #expect(report.recipients.first?.status?.description == "5.2.2")
        #expect(report.recipients.first?.diagnostic == "552 5.2.2 Mailbox full")
    }

    /// Header and delivery-status values are one line of text: control characters (escape
    /// sequences a forged bounce may carry, raw or in encoded words) are dropped.
    @Test func headerValuesCarryNoControlCharacters() {
        let text = "From: =?utf-8?Q?Mail=1B]0;x=07er?= <d@example.com>\nSubject: Und\u{1B}[2Jelivered\u{9B}\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; ev\u{1B}]52;c;eA==\u{07}il@example.com\nAction: failed\u{7F}\nStatus: 5.1.1\n\n--b--\n"
        let report = BounceReport(parsing: text)
        #expect(report.subject == "Und[2Jelivered")
        #expect(report.from?.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } == false)
        #expect(report.recipients.first?.address == "ev]52;c;eA==il@example.com")
        #expect(report.recipients.first?.action == "failed")
        #expect(MIME.withoutControlCharacters("a\u{0}b\tc\u{85}d é") == "abcd é")
    }

    @Test func linesAreNotEmails() {
        #expect(!BounceReport.looksLikeEmail("550 5.1.1 user unknown"))
        #expect(!BounceReport.looksLikeEmail("Diagnostic-Code: smtp; 550 5.1.1 user unknown"))
        #expect(BounceReport.looksLikeEmail("From: a@b.example\nTo: c@d.example\nSubject: x\n\nbody"))
    }

    @Test func truncatedMultipartStillYieldsItsParts() {
        let text = """
        From: MAILER-DAEMON@example.com
        Subject: Undelivered Mail Returned to Sender
        Content-Type: multipart/report; report-type=delivery-status; boundary="cut"

        --cut
        Content-Type: message/delivery-status

        Final-Recipient: rfc822; eve@example.org
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 No such user
        """
        let report = BounceReport(parsing: text)
        #expect(report.recipients.first?.address == "eve@example.org")
    }

    @Test func decoders() {
        #expect(MIME.decodeBase64(Array("aGVs\nbG8=".utf8)) == Array("hello".utf8))
        #expect(MIME.decodeQuotedPrintable(Array("caf=C3=A9 =\nlong=3D".utf8)) == Array("café long=".utf8))
        #expect(MIME.decodeText([0x4D, 0xE4, 0x72, 0x7A], charset: "iso-8859-1") == "März")
        #expect(MIME.decodeText([0x93, 0x68, 0x69, 0x94], charset: "windows-1252") == "\u{201C}hi\u{201D}")
        // An unknown charset with bytes that are not UTF-8 is read as Windows-1252 rather than dropped.
        #expect(MIME.decodeText([0x4D, 0xE4, 0x72, 0x7A], charset: "x-unknown") == "März")
        #expect(MIME.decodeEncodedWords("=?UTF-8?B?w5xiZXI=?= =?ISO-8859-1?Q?M=E4rz?=") == "ÜberMärz")
    }

    @Test func hugeInputIsCappedAndLinear() {
        // 12 MiB with a single endless line: read up to the cap, no quadratic work.
        let line = String(repeating: "x", count: 12 << 20)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let report = BounceReport(parsing: "From: a@b.example\nSubject: s\n\n" + line)
            #expect(report.humanText.utf8.count <= BounceReport.maximumInputSize)
        }
        #expect(elapsed < .seconds(20))
        let codes = CodeExtractor.extract(String(repeating: "550 ", count: 500_000))
        #expect(codes.reply == 550)
    }
}
