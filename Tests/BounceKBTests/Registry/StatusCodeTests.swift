import Foundation
import Testing
@testable import BounceKB

@Suite struct StatusCodeTests {
    @Test(arguments: [
        ("5.7.26", 5, 7, 26),
        ("4.2.2", 4, 2, 2),
        ("2.0.0", 2, 0, 0),
        ("5.1.10", 5, 1, 10),
        ("5.7.999", 5, 7, 999),
        (" 5.1.1\n", 5, 1, 1),
    ])
    func parsesValidCodes(text: String, klass: Int, subject: Int, detail: Int) throws {
        let code = try #require(StatusCode(text))
        #expect(code.klass == klass)
        #expect(code.subject == subject)
        #expect(code.detail == detail)
    }

    @Test(arguments: [
        "6.1.1", "1.1.1", "3.1.1", "5.8.1", "5.1.1000", "1.2", "5.1", "5.1.1.1", "", "5..1", "5.1.",
        "x.1.1", "X.7.26", "5.01.1", "5.1.01", "+5.1.1", "5.-1.1", "5.1.1a", "5 .1.1", "５.1.1",
    ])
    func rejectsInvalidCodes(text: String) {
        #expect(StatusCode(text) == nil, "'\(text)' should not parse")
    }

    @Test func rejectsOutOfRangeParts() {
        #expect(StatusCode(klass: 3, subject: 1, detail: 1) == nil)
        #expect(StatusCode(klass: 5, subject: 8, detail: 1) == nil)
        #expect(StatusCode(klass: 5, subject: 1, detail: 1000) == nil)
        #expect(StatusCode(klass: 5, subject: 1, detail: -1) == nil)
    }

    @Test func descriptionAndPatternRoundTrip() throws {
        let code = try #require(StatusCode("5.7.26"))
        #expect(code.description == "5.7.26")
        #expect(code.pattern == "X.7.26")
        #expect(StatusCode(code.description) == code)
    }

    @Test func ordersByClassSubjectDetail() throws {
        let codes = ["5.7.26", "4.2.2", "5.1.1", "5.7.3", "2.0.0"].compactMap(StatusCode.init)
        #expect(codes.sorted().map(\.description) == ["2.0.0", "4.2.2", "5.1.1", "5.7.3", "5.7.26"])
    }

    @Test func codableAsString() throws {
        let code = try #require(StatusCode("4.7.0"))
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["4.7.0"]"#)
        #expect(try JSONDecoder().decode([StatusCode].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([StatusCode].self, from: Data(#"["5.8.1"]"#.utf8))
        }
    }
}
