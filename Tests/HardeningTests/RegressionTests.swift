import BounceKB
import Foundation
import Testing

/// Inputs the fuzzer found that crashed or misbehaved, kept so they never come back.
@Suite struct FuzzRegressionTests {
    /// `CodeExtractor.statusCode(in:at:)` was called on the byte after "550 " or "550 #" without
    /// checking it is a digit, and `byte - 0x30` trapped on anything below "0": a pasted
    /// `550 ... User unknown` (Sendmail's wording) crashed `bounce`. Found by the codes target.
    @Test(arguments: [
        "550 ... User unknown",
        "<<< 550 ...",
        "550 '.1.1 x",
        "550 #.1.1",
        "550 (.1.1",
        "550 -.1",
        "535 \". 551 5.999.999",
    ])
    func replyFollowedByPunctuationAndADot(_ text: String) {
        let codes = CodeExtractor.extract(text)
        #expect(codes.replies.allSatisfy { (200...599).contains($0.code) })
    }

    /// The exact input the fuzzer saved (codes target, seed 20261129).
    @Test func savedCodesInput() {
        let text = "{n}...<<< 452. 5.1.1.1:200 #5.1.10size 10240000 6.1.1; ); 571 551-5.999.999. 535 \". 551 5.999.999 250 #4.2.2 5.1.1.1 5.7.26 4.4.7 [5.7.1]. 5501 #5.7.26:):\t4.4.7"
        _ = CodeExtractor.extract(text)
        _ = Normalizer.standard.tokens(text)
    }
}

/// Content files the fuzzer found to be quadratic: they stalled `bouncekb check` and `build`.
@Suite struct LoaderRegressionTests {
    static func loadEntry(_ text: String) throws -> (ContentLoadResult, Double) {
        let folder = try TemporaryFolder("regression")
        defer { folder.remove() }
        try makeContentSkeleton(in: folder)
        try folder.write("content/mailbox/slow.md", text)
        let started = Date()
        let result = ContentLoader(contentDirectory: folder.path("content"), displayRoot: folder.url).load()
        return (result, Date().timeIntervalSince(started))
    }

    /// `FrontMatterSplit.isDelimiter` trimmed trailing blanks with `dropLast()` in a loop, O(n)
    /// each time on a Substring: 14 KB of tabs after `title:` took 3 s, 1 MiB would take hours.
    /// Fixed in Sources/BounceKB/Content/FrontMatter.swift.
    @Test func longRunOfTabsOnOneLine() throws {
        let (result, seconds) = try Self.loadEntry("---\ntitle: Sendin" + String(repeating: "\t", count: 500_000) + "\n")
        #expect(seconds < 3, "took \(seconds) s")
        #expect(result.diagnostics.contains { $0.message.contains("front matter is never closed") })
    }

    /// `EntryBody.sectionText` dropped leading blank lines with `Array.removeFirst()`, moving
    /// every remaining line each time: 200,000 blank lines took 70 s. Fixed in
    /// Sources/BounceKB/Content/EntryBody.swift.
    @Test func sectionOpeningWithManyBlankLines() throws {
        let entry = goodEntry.replacingOccurrences(of: "## Details\n", with: "## Details\n" + String(repeating: "\n", count: 200_000))
        let (result, seconds) = try Self.loadEntry(entry)
        #expect(seconds < 5, "took \(seconds) s")
        #expect(result.knowledgeBase.entry("slow")?.details.hasPrefix("The receiving server") == true)
    }
}
