import Foundation
import Testing
@testable import BounceKB

/// The fact tables in ../shared/reference beside the repository (always present in CI).
private enum ReferenceTables {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/BounceKBTests/Registry
        .deletingLastPathComponent()  // Tests/BounceKBTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .deletingLastPathComponent()  // the folder holding it and shared/
        .appendingPathComponent("shared/reference")

    /// Data rows of a TSV file as header-name → value, skipping `#` comments and the header line.
    static func rows(_ name: String) throws -> [[String: String]] {
        let url = directory.appendingPathComponent(name)
        let text = try #require(
            try? String(contentsOf: url, encoding: .utf8),
            "missing reference table \(url.path): the shared/ folder must sit beside the repository"
        )
        let lines = text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let header = try #require(lines.first).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (index, name) in header.enumerated() { row[name] = index < fields.count ? fields[index] : "" }
            return row
        }
    }
}

@Suite struct CodeRegistryTests {
    // MARK: Completeness against the reference tables

    @Test func has81EnhancedCodesMatchingTheIANATable() throws {
        let rows = try ReferenceTables.rows("enhanced-status-codes.tsv")
        #expect(rows.count == 81)
        #expect(CodeRegistry.enhancedCodes.count == 81)
        #expect(Set(CodeRegistry.enhancedCodes.map(\.pattern)).count == 81, "patterns must be unique")
        for row in rows {
            let pattern = try #require(row["code"])
            let info = try #require(CodeRegistry.enhanced(pattern: pattern), "\(pattern) missing from the registry")
            #expect("X.\(info.subject).\(info.detail)" == pattern)
            if pattern == "X.6.10" {
                // The registry gives it no title of its own: it is a withdrawn duplicate.
                #expect(info.deprecated)
                #expect(info.replacedBy == "X.6.8")
            } else {
                #expect(info.title == row["title"], "title of \(pattern)")
                #expect(!info.deprecated, "\(pattern) is not deprecated")
                #expect(info.replacedBy == nil)
                #expect(row["reference"]?.hasPrefix(info.reference) == true, "reference of \(pattern)")
            }
        }
    }

    @Test func enhancedCodesAreSortedAndExplained() {
        let keys = CodeRegistry.enhancedCodes.map { [$0.subject, $0.detail] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        for info in CodeRegistry.enhancedCodes {
            #expect(info.explanation.count >= 40, "\(info.pattern) needs a real explanation")
            #expect(!info.explanation.contains("\n"), "\(info.pattern): one line")
            #expect(info.explanation.last == ".", "\(info.pattern): a full sentence")
            #expect(info.explanation != info.title)
            if let reason = info.impliedReason {
                #expect(Reason.named(reason) != nil, "\(info.pattern) implies unknown reason \(reason)")
            }
        }
    }

    @Test func everyReplyCodeOfTheTableIsPresent() throws {
        let rows = try ReferenceTables.rows("reply-codes.tsv")
        let tableCodes = Set(rows.compactMap { $0["code"].flatMap { Int($0) } })
        #expect(Set(CodeRegistry.replyCodes.map(\.code)) == tableCodes)
        #expect(CodeRegistry.replyCodes.count == tableCodes.count, "220 appears once, merged")
        for row in rows {
            let code = try #require(row["code"].flatMap { Int($0) })
            let info = try #require(CodeRegistry.reply(code))
            for rfc in (row["rfc"] ?? "").split(separator: ";") {
                #expect(info.rfcs.contains(String(rfc)), "\(code) should cite \(rfc)")
            }
            let expected: Permanence = switch code / 100 {
            case 4: .transient
            case 5: .permanent
            default: Permanence.none
            }
            #expect(info.permanence == expected, "permanence of \(code)")
        }
        let greeting = try #require(CodeRegistry.reply(220))
        #expect(greeting.title.contains("Service ready") && greeting.title.contains("TLS"))
        #expect(greeting.explanation.contains("greeting") && greeting.explanation.contains("STARTTLS"))
    }

    @Test func replyCodesAreSortedAndExplained() {
        let codes = CodeRegistry.replyCodes.map(\.code)
        #expect(codes == codes.sorted())
        for info in CodeRegistry.replyCodes {
            #expect(!info.title.isEmpty)
            #expect(info.explanation.count >= 40, "\(info.code) needs a real explanation")
            #expect(info.explanation.last == ".", "\(info.code): a full sentence")
            if let reason = info.impliedReason {
                #expect(Reason.named(reason) != nil, "\(info.code) implies unknown reason \(reason)")
            }
        }
    }

    @Test func classAndSubjectMeanings() {
        for digit in [2, 3, 4, 5] { #expect(CodeRegistry.classMeaning(digit) != nil) }
        for digit in [0, 1, 6, 9] { #expect(CodeRegistry.classMeaning(digit) == nil) }
        for digit in 0...7 { #expect(CodeRegistry.subjectMeaning(digit) != nil) }
        #expect(CodeRegistry.subjectMeaning(8) == nil)
        #expect(CodeRegistry.subjectTitle(7) == "Security or Policy Status")
        #expect(CodeRegistry.classTitle(4) == "Persistent Transient Failure")
    }

    @Test func subjectTitlesMatchTheTable() throws {
        let rows = try ReferenceTables.rows("enhanced-status-codes.tsv")
        for row in rows {
            let subject = try #require(row["subject"].flatMap { Int($0.dropFirst(2)) })
            #expect(CodeRegistry.subjectTitle(subject) == row["subject_title"])
        }
    }

    // MARK: Lookups

    @Test func lookups() throws {
        #expect(CodeRegistry.reply(550)?.permanence == .permanent)
        #expect(CodeRegistry.reply(599) == nil)
        let code = try #require(StatusCode("4.2.2"))
        #expect(CodeRegistry.enhanced(code)?.title == "Mailbox full")
        #expect(CodeRegistry.enhanced(pattern: "x.7.26")?.title == "Multiple authentication checks failed")
        #expect(CodeRegistry.enhanced(try #require(StatusCode("5.7.510"))) == nil)
    }

    // MARK: explain()

    @Test func explainsReplyAndStatusTogether() throws {
        let explanation = CodeRegistry.explain(reply: 550, status: StatusCode("5.7.26"))
        #expect(explanation.reply == 550)
        #expect(explanation.replyTitle == "Requested action not taken: mailbox unavailable")
        #expect(explanation.status?.description == "5.7.26")
        #expect(explanation.statusPattern == "X.7.26")
        #expect(explanation.statusTitle == "Multiple authentication checks failed")
        #expect(explanation.statusExplanation?.contains("SPF") == true)
        #expect(explanation.permanence == .permanent)
        #expect(explanation.classMeaning == CodeRegistry.classMeaning(5))
        #expect(explanation.subjectMeaning == CodeRegistry.subjectMeaning(7))
        #expect(explanation.impliedReason == "sender-auth-failed")
        #expect(explanation.notes.isEmpty)
    }

    @Test(arguments: [
        ("5.1.1", "mailbox-not-found"),
        ("5.1.2", "domain-not-found"),
        ("5.1.10", "domain-rejects-mail"),
        ("5.2.1", "mailbox-disabled"),
        ("4.2.2", "mailbox-full"),
        ("5.2.2", "mailbox-full"),
        ("5.2.3", "message-too-large"),
        ("5.3.4", "message-too-large"),
        ("4.4.7", "delivery-expired"),
        ("5.4.7", "delivery-expired"),
        ("5.7.23", "sender-auth-failed"),
        ("5.7.24", "sender-auth-failed"),
        ("5.7.25", "reverse-dns-required"),
        ("5.7.26", "sender-auth-failed"),
        ("4.4.1", "remote-server-error"),
        ("2.0.0", "not-a-failure"),
    ])
    func impliedReasonOfStatus(text: String, reason: String) throws {
        let code = try #require(StatusCode(text))
        #expect(CodeRegistry.explain(reply: nil, status: code).impliedReason == reason)
    }

    @Test func catchAllCodesImplyNothing() throws {
        for (reply, status) in [(550, "5.7.1"), (421, "4.7.0"), (554, "5.0.0"), (550, "5.4.1")] {
            let explanation = CodeRegistry.explain(reply: reply, status: StatusCode(status))
            #expect(explanation.impliedReason == nil, "\(reply) \(status)")
            #expect(explanation.notes.contains { $0.contains("do not identify a specific cause") })
        }
        #expect(CodeRegistry.enhanced(pattern: "X.7.1")?.explanation.contains("catch-all") == true)
    }

    @Test func replyOnlyIsConservative() {
        #expect(CodeRegistry.explain(reply: 452, status: nil).impliedReason == nil)
        #expect(CodeRegistry.explain(reply: 550, status: nil).impliedReason == nil)
        #expect(CodeRegistry.explain(reply: 552, status: nil).impliedReason == nil)
        #expect(CodeRegistry.explain(reply: 556, status: nil).impliedReason == "domain-rejects-mail")
        #expect(CodeRegistry.explain(reply: 535, status: nil).impliedReason == "smtp-session-error")
        #expect(CodeRegistry.explain(reply: 250, status: nil).impliedReason == "not-a-failure")
        #expect(CodeRegistry.explain(reply: 354, status: nil).impliedReason == nil)
        #expect(CodeRegistry.explain(reply: 421, status: nil).permanence == .transient)
        #expect(CodeRegistry.explain(reply: 250, status: nil).permanence == Permanence.none)
    }

    @Test func statusRefinesAGenericReply() throws {
        #expect(CodeRegistry.explain(reply: 452, status: StatusCode("4.2.2")).impliedReason == "mailbox-full")
        #expect(CodeRegistry.explain(reply: 452, status: StatusCode("4.5.3")).impliedReason == "rate-limited")
        // An unregistered provider detail falls back to what the reply says.
        #expect(CodeRegistry.explain(reply: 556, status: StatusCode("5.1.999")).impliedReason == "domain-rejects-mail")
    }

    @Test func replyClassWinsOnMismatch() throws {
        let explanation = CodeRegistry.explain(reply: 450, status: StatusCode("5.1.1"))
        #expect(explanation.permanence == .transient)
        #expect(explanation.notes.contains { $0.contains("disagree") })
    }

    @Test func deprecatedCodeReadsAsItsReplacement() throws {
        let explanation = CodeRegistry.explain(reply: 553, status: StatusCode("5.6.10"))
        #expect(explanation.statusPattern == "X.6.10")
        #expect(explanation.statusTitle == CodeRegistry.enhanced(pattern: "X.6.8")?.title)
        #expect(explanation.notes.contains { $0.contains("deprecated") && $0.contains("X.6.8") })
    }

    @Test func unknownCodesStillExplainTheirDigits() throws {
        let explanation = CodeRegistry.explain(reply: 571, status: StatusCode("5.7.606"))
        #expect(explanation.replyTitle == nil)
        #expect(explanation.statusTitle == nil)
        #expect(explanation.permanence == .permanent)
        #expect(explanation.subjectMeaning == CodeRegistry.subjectMeaning(7))
        #expect(explanation.notes.contains { $0.contains("571 is not a registered") })
        #expect(explanation.notes.contains { $0.contains("5.7.606 is not in the IANA registry") })

        let nonsense = CodeRegistry.explain(reply: 999, status: nil)
        #expect(nonsense.permanence == nil)
        #expect(nonsense.classMeaning == nil)
        #expect(CodeRegistry.explain(reply: nil, status: nil).notes == ["No code was given."])
    }

    @Test func explainPatternForCodePages() throws {
        let page = try #require(CodeRegistry.explain(pattern: "x.2.2"))
        #expect(page.statusPattern == "X.2.2")
        #expect(page.permanence == nil)
        #expect(page.impliedReason == "mailbox-full")
        #expect(CodeRegistry.explain(pattern: "X.9.9") == nil)
    }

    @Test func explanationEncodesSnakeCaseWithNulls() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(CodeRegistry.explain(reply: 550, status: nil))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == [
            "reply", "reply_title", "reply_explanation", "reply_rfc", "status", "status_pattern", "status_title",
            "status_explanation", "status_reference", "class_meaning", "subject_meaning", "permanence",
            "implied_reason", "notes",
        ])
        #expect(object["status"] is NSNull)
        let decoded = try JSONDecoder().decode(CodeExplanation.self, from: data)
        #expect(decoded == CodeRegistry.explain(reply: 550, status: nil))
    }
}
