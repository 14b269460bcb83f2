import Testing
@testable import BounceKB

@Suite("Code extraction")
struct CodeExtractorTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var text: String
        var reply: Int?
        var status: String?
        var testDescription: String { text }
    }

    static let shapes: [Shape] = [
        Shape(text: "550 5.1.1 <bob@example.com>: Recipient address rejected", reply: 550, status: "5.1.1"),
        Shape(text: "550-5.1.1 The email account that you tried to reach does not exist.", reply: 550, status: "5.1.1"),
        Shape(text: "550 #5.1.1 Mailbox unavailable", reply: 550, status: "5.1.1"),
        Shape(text: "Recipient address rejected (5.1.1)", reply: nil, status: "5.1.1"),
        Shape(text: "SMTP 550 (bob@example.com recipient rejected)", reply: 550, status: nil),
        Shape(text: "Error 550: You have reached the maximum number of messages per session.", reply: 550, status: nil),
        Shape(text: "Diagnostic-Code: smtp; 550 5.7.1 Service unavailable", reply: 550, status: "5.7.1"),
        Shape(text: "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound", reply: 550, status: "5.1.10"),
        Shape(text: "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'", reply: 550, status: "5.1.10"),
        Shape(text: "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. - gsmtp", reply: 550, status: "5.1.1"),
        Shape(text: "Sorry, no mailbox here by that name. (#5.1.1)", reply: nil, status: "5.1.1"),
        Shape(text: "#550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found ##", reply: 550, status: "5.1.1"),
        Shape(text: "<<< 550 5.1.1 <ivan@wingtip.example>... User unknown", reply: 550, status: "5.1.1"),
        Shape(text: "host mx.example.com[192.0.2.20] said: 450 4.7.1 Client host rejected", reply: 450, status: "4.7.1"),
        Shape(text: "421-4.7.28 Gmail has detected an unusual rate", reply: 421, status: "4.7.28"),
        Shape(text: "550 5.7.606 Access denied, banned sending IP [203.0.113.45]", reply: 550, status: "5.7.606"),
        Shape(text: "554 delivery error: dd This user doesn't have a yahoo.com account", reply: 554, status: nil),
        Shape(text: "Reported error: 550 The Domain Name System (DNS) reported that the recipient's domain does not exist", reply: 550, status: nil),
        Shape(text: "550 5.7.1", reply: 550, status: "5.7.1"),
        Shape(text: "5.7.26", reply: nil, status: "5.7.26"),
        Shape(text: "452", reply: 452, status: nil),
    ]

    @Test("Every common shape", arguments: shapes)
    func shape(_ shape: Shape) {
        let codes = CodeExtractor.extract(shape.text)
        #expect(codes.reply == shape.reply)
        #expect(codes.status?.description == shape.status)
    }

    @Test("Numbers that are not codes", arguments: [
        "connect to mx.example.com[192.0.2.250]:25: Connection timed out",
        "Date: Mon, 4 Mar 2024 12:34:56 -0500",
        "Message size 35882858 exceeds size limit 35651584 of server",
        "exceeded the limit of 500 recipients per message",
        "message rejected after 450 seconds",
        "This mailbox is disabled (554.30).",
        "client 203.0.113.45 port 465 refused",
        "queued as 4F3A21C0B2 on 2024-05-10",
        "IPv6 2001:db8::550 unreachable",
    ])
    func notCodes(_ text: String) {
        let codes = CodeExtractor.extract(text)
        #expect(codes.reply == nil, "took \(codes.reply.map(String.init) ?? "") from: \(text)")
        #expect(codes.status == nil)
    }

    @Test func expiryWinsOverTheErrorItWraps() {
        let codes = CodeExtractor.extract("Status: 4.4.7\nDiagnostic-Code: smtp; 421 4.7.0 Try again later, closing connection.")
        #expect(codes.status?.description == "4.4.7")
        #expect(codes.expired)
        #expect(codes.reply == nil)
        #expect(codes.replies.map(\.code) == [421])

        let exchange = CodeExtractor.extract("Remote Server returned '550 4.4.7 QUEUE.Expired; message expired'")
        #expect(exchange.reply == 550)
        #expect(exchange.status?.description == "4.4.7")
    }

    @Test func specificCodesBeatCatchAlls() {
        let codes = CodeExtractor.extract("Status: 5.0.0\nDiagnostic-Code: smtp; 550 5.1.1 user unknown")
        #expect(codes.status?.description == "5.1.1")
        #expect(codes.reply == 550)
    }

    @Test func invalidEnhancedCodesAreIgnored() {
        #expect(CodeExtractor.extract("version 5.8.1 of the filter").status == nil)
        #expect(CodeExtractor.extract("error 6.1.1").status == nil)
    }

    /// The byte reader of whole enhanced codes agrees with `StatusCode.init` wherever it answers.
    @Test func exactStatusAgreesWithStatusCode() {
        for text in ["5.7.26", "4.2.2", "2.0.0", "5.1.10", "5.7.999"] {
            #expect(CodeExtractor.exactStatus(text) == StatusCode(text), "\(text)")
            #expect(CodeExtractor.exactStatus(text) != nil, "\(text)")
        }
        for text in ["", "5.7", "5.7.26 ", " 5.7.26", "5.7.26x", "6.1.1", "5.8.1", "5.7.1000", "550"] {
            #expect(CodeExtractor.exactStatus(text) == nil, "\(text)")
        }
    }
}
