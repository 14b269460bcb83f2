import Testing
@testable import SiteBuilder

/// `CodeCatalog.parseStatus`, read from bytes, gives what `Int` gives for each part.
@Suite struct CodeCatalogTests {
    @Test func statusCodesParseLikeIntReadsTheirParts() {
        let cases: [(String, [Int]?)] = [
            ("5.7.26", [5, 7, 26]), ("4.2.2", [4, 2, 2]), ("2.0.0", [2, 0, 0]), ("5.7.509", [5, 7, 509]),
            // `Int` takes a sign, and -0 is 0.
            ("+5.1.1", [5, 1, 1]), ("5.+7.1", [5, 7, 1]), ("4.-0.0", [4, 0, 0]), ("5.1.-1", nil),
            ("5.7", nil), ("5.7.1.2", nil), ("5..1", nil), ("5.7.", nil), (".5.7", nil), ("", nil), ("...", nil),
            ("6.1.1", nil), ("3.1.1", nil), ("5.1234.1", nil), ("5.1.1000", nil), ("5.7.+", nil), ("5.7.-", nil),
            (" 5.1.1", nil), ("5.1.1 ", nil), ("5.7.\u{663}", nil), ("5.1.1\r\n", nil), ("5.x.1", nil), ("05.1.1", [5, 1, 1]),
        ]
        for (status, expected) in cases {
            let parsed = CodeCatalog.parseStatus(status).map { [$0.klass, $0.subject, $0.detail] }
            #expect(parsed == expected, "\(status.debugDescription)")
        }
    }
}
