import Testing
@testable import BounceKB

@Suite("Ranking rules (synthetic knowledge base)")
struct MatcherRuleTests {
    let matcher = SyntheticKnowledgeBase.matcher

    private func ids(_ text: String) -> [String] {
        matcher.match(text).matches.map(\.entry.id)
    }

    @Test func completePhraseBeatsPartialOne() {
        #expect(ids("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table").first == "virtual-unknown")
        #expect(ids("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in local recipient table").first == "unknown-user")
    }

    @Test func sharedMessagesAreTies() {
        let result = matcher.match("SMTP 550 (bob@example.org recipient rejected)")
        #expect(Set(result.matches.prefix(2).map(\.entry.id)) == ["blocked-user", "no-such-mailbox"])
        #expect(result.matches[0].tied && result.matches[1].tied)
        #expect(result.matches[0].score == result.matches[1].score)
    }

    @Test func enhancedCodeBreaksTheTie() {
        #expect(ids("550 5.1.1 recipient rejected").first == "no-such-mailbox")
        #expect(ids("550 5.7.1 recipient rejected").first == "blocked-user")
    }

    @Test func codesAloneListEntriesWithThatCode() {
        let result = matcher.match("5.7.26")
        #expect(Set(result.matches.map(\.entry.id)) == ["dmarc-fail", "unauthenticated"])
        #expect(matcher.match("550 5.7.26").matches.count == 2)
    }

    @Test func aReplyCodeAloneMatchesNothingButIsExplained() {
        let result = matcher.match("550")
        #expect(result.matches.isEmpty)
        #expect(result.code.reply == 550)
        #expect(result.code.replyTitle != nil)
    }

    @Test func honestFallbackFromKeywords() {
        let result = matcher.match("550 5.1.1 Sorry, no such user here")
        #expect(result.matches.isEmpty)
        #expect(result.reason == ReasonVerdict(id: "mailbox-not-found", source: .keywords))
    }

    @Test func honestFallbackFromCodes() {
        let result = matcher.match("552 5.2.2 zqx")
        #expect(result.matches.isEmpty)
        #expect(result.reason.source == .code)
        #expect(result.reason.id == "mailbox-full")
    }

    @Test func nothingToGoOn() {
        let result = matcher.match("something odd happened")
        #expect(result.matches.isEmpty)
        #expect(result.reason == ReasonVerdict(id: "unclassified", source: .none))
    }

    @Test func scatteredCommonWordsAreNoEvidence() {
        // Most words of "user unknown in local recipient table" occur, but not together.
        #expect(ids("the table in the local office lists each recipient; nobody knows the user").first != "unknown-user")
    }

    @Test func expiryWinsOverTheLastError() {
        let wrapped = matcher.match("421 4.7.0 Try again later, closing connection.", hint: MatchHint(status: StatusCode("4.4.7")))
        #expect(wrapped.matches.first?.entry.id == "queue-expired")
        #expect(wrapped.reply == nil)
        #expect(matcher.match("mailbox full: retry timeout exceeded").matches.first?.entry.id == "queue-expired")
    }

    /// A DSN that fails a recipient on a temporary error reports an expired queue: the server
    /// only gives up on a 4xx once its retries ran out.
    @Test func failingOnATemporaryErrorMeansTheQueueExpired() {
        func report(status: String, diagnostic: String, action: String = "failed") -> BounceReport {
            BounceReport(parsing: """
                From: MAILER-DAEMON@example.com
                Subject: Undelivered Mail
                Content-Type: multipart/report; report-type=delivery-status; boundary=b

                --b
                Content-Type: message/delivery-status

                Final-Recipient: rfc822; bob@example.org
                Action: \(action)
                Status: \(status)
                Diagnostic-Code: smtp; \(diagnostic)

                --b--
                """)
        }
        let timedOut = report(status: "4.4.1", diagnostic: "connect to mx.example.org[192.0.2.1]:25: Connection timed out")
        let generic = report(status: "5.0.0", diagnostic: "451 4.7.1 Try again later, closing connection.")
        for item in [timedOut, generic] {
            let result = matcher.lookup(report: item).first
            #expect(result?.match.reason.id == "delivery-expired")
            #expect(result?.match.matches.first?.entry.id == "queue-expired")
        }
        // A permanent status, a delay, or a status of its own with a temporary reply: no expiry.
        #expect(Matcher.gaveUpOnTransientError(report(status: "5.1.1", diagnostic: "550 5.1.1 no such user").recipients[0]) == false)
        #expect(Matcher.gaveUpOnTransientError(report(status: "4.4.1", diagnostic: "connection timed out", action: "delayed").recipients[0]) == false)
        #expect(Matcher.gaveUpOnTransientError(report(status: "5.2.2", diagnostic: "452 4.2.2 mailbox full").recipients[0]) == false)
        #expect(matcher.lookup(report: report(status: "5.1.1", diagnostic: "550 5.1.1 no such user")).first?.match.reason.id != "delivery-expired")
    }

    @Test func structureDecidesForReportsAndAutoReplies() {
        let delayed = matcher.match("connect to mx.example.com[192.0.2.1]:25: Connection timed out", hint: MatchHint(kind: .delayed, context: "Action: delayed"))
        #expect(delayed.matches.first?.entry.id == "delay-warning")
        #expect(delayed.reason.id == "not-a-failure")
        let feedback = matcher.match("complaint", hint: MatchHint(kind: .feedback))
        #expect(feedback.matches.first?.entry.id == "arf")
        #expect(feedback.reason == ReasonVerdict(id: "complaint", source: .structure))
    }

    @Test func disagreeingCodesCostUnlessThePhraseIsStrong() {
        // "over quota" is short; the 5.1.1 code disagrees with mailbox-full's 5.2.2.
        let weak = matcher.match("550 5.1.1 over quota")
        let strong = matcher.match("550 5.1.1 unauthenticated email from example.com is not accepted due to domain's DMARC policy")
        let weakScore = weak.matches.first { $0.entry.id == "mailbox-full" }?.score ?? 0
        let plain = matcher.match("over quota").matches.first { $0.entry.id == "mailbox-full" }?.score ?? 0
        #expect(weakScore < plain)
        #expect(strong.matches.first?.entry.id == "dmarc-fail")
    }

    @Test func matcherWithPrecomputedIndexGivesTheSameResults() throws {
        let index = try MatchIndex.decodeCompact(matcher.index.compactText())
        #expect(index == matcher.index)
        let quick = Matcher(knowledgeBase: SyntheticKnowledgeBase.knowledgeBase, index: index, forManyLookups: false)
        for text in ["SMTP 550 (bob@example.org recipient rejected)", "550 5.7.26", "mailbox full", "out of office"] {
            #expect(quick.match(text) == matcher.match(text), "\(text)")
        }
    }
}

@Suite("Matching real bounces against content/")
struct MatcherContentTests {
    static let lines = MatchingFixtures.lines()

    @Test("At least 80 realistic lines from many servers")
    func enoughFixtures() {
        #expect(Self.lines.count >= 80)
        #expect(Set(Self.lines.map(\.server)).count >= 15)
        #expect(MatchingFixtures.emailResults().count >= 20)
    }

    @Test("Seed rows return their entry first (both in the top two when two share a message)",
          arguments: lines.filter { $0.server == "seed" })
    func seed(_ line: MatchingFixtures.Line) {
        let ids = MatchingFixtures.matcher.match(line.text).matches.map(\.entry.id)
        #expect(Set(ids.prefix(line.entries.count)) == Set(line.entries), "got \(ids.prefix(3))")
    }

    @Test("Each realistic line lands on the right reason (and entry where given)", arguments: lines)
    func line(_ line: MatchingFixtures.Line) {
        let result = MatchingFixtures.matcher.match(line.text)
        if line.reason != "-" {
            #expect(MatchingFixtures.reason(of: result) == line.reason, "matches: \(result.matches.prefix(3).map(\.entry.id)), verdict \(result.reason)")
        }
        if !line.entries.isEmpty {
            let ids = result.matches.map(\.entry.id)
            #expect(Set(ids.prefix(line.entries.count)) == Set(line.entries), "got \(ids.prefix(3))")
        }
    }

    @Test("Each fixture email gives the expected result per recipient")
    func emails() throws {
        let expected = MatchingFixtures.emailResults()
        for file in Set(expected.map(\.file)).sorted() {
            let text = String(decoding: try MatchingFixtures.email(file), as: UTF8.self)
            let results = MatchingFixtures.matcher.lookup(text)
            let rows = expected.filter { $0.file == file }
            #expect(results.count == rows.count, "\(file)")
            for (result, row) in zip(results, rows) {
                #expect(result.recipient == row.recipient, "\(file)")
                #expect(result.match.kind.rawValue == row.kind, "\(file) \(row.recipient)")
                #expect(MatchingFixtures.reason(of: result.match) == row.reason, "\(file) \(row.recipient): \(result.match.matches.prefix(3).map(\.entry.id))")
                #expect(result.match.status?.description == row.status, "\(file) \(row.recipient)")
                if let entry = row.entry {
                    #expect(result.match.matches.first?.entry.id == entry, "\(file) \(row.recipient)")
                }
            }
        }
    }

    @Test func everyRegistryCodeIsExplainedEvenWithoutAMatch() {
        for info in CodeRegistry.enhancedCodes where !info.deprecated {
            guard let code = info.code(klass: 5) else { continue }
            let result = MatchingFixtures.matcher.match(code.description)
            #expect(result.code.statusTitle != nil, "\(code)")
        }
    }
}
