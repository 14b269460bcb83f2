import BounceKB
import Foundation
import Synchronization
import Testing
@testable import SiteBuilder

/// `SiteBuilder.onEvent`: what a progress display hears (no timing involved).
@Suite struct BuildEventTests {
    /// Events collected from any thread.
    final class Recorder: Sendable {
        let events = Mutex<[SiteBuildEvent]>([])
        func record(_ event: SiteBuildEvent) { events.withLock { $0.append(event) } }
    }

    @Test func aBuildReportsEveryStepAndEveryPage() throws {
        let output = try Fixtures.temporaryFolder().appendingPathComponent("public")
        let recorder = Recorder()
        let options = SiteBuilderTests.options(content: SiteBuilderTests.fixtureContent, output: output)
        let summary = try SiteBuilder(options: options, onEvent: { recorder.record($0) }).build()
        let events = recorder.events.withLock { $0 }

        var steps: [StepName] = []
        for case .stepStarted(let step) in events where steps.last != step { steps.append(step) }
        #expect(steps.first == .load && steps.last == .write, "\(steps)")
        #expect(Set(steps) == Set(StepName.allCases), "\(steps)")

        let planned = events.compactMap { event -> Int? in
            if case .pagesPlanned(let total) = event { return total }
            return nil
        }
        let done = events.reduce(0) { sum, event in
            if case .pagesDone(let count) = event { return sum + count }
            return sum
        }
        #expect(planned.count == 1)
        #expect(done == planned.first)
        // The index step adds the search page to what the render step planned.
        #expect(done <= summary.pages && summary.pages - done <= 1)

        // Pages are reported after the render step has announced them, and before the write step.
        let plannedAt = try #require(events.firstIndex(of: .pagesPlanned(total: done)))
        let firstDone = try #require(events.firstIndex { if case .pagesDone = $0 { return true } else { return false } })
        let writeAt = try #require(events.lastIndex(of: .stepStarted(.write)))
        #expect(plannedAt < firstDone && firstDone < writeAt)
    }

    @Test func aFailedBuildStopsReportingAtTheFailingStep() throws {
        let parent = try Fixtures.temporaryFolder()
        let content = try SiteBuilderTests.copyOfFixtureContent(in: parent)
        try "not front matter\n".write(to: content.appendingPathComponent("mailbox/broken.md"), atomically: true, encoding: .utf8)
        let recorder = Recorder()
        let options = SiteBuilderTests.options(content: content, output: parent.appendingPathComponent("public"))
        #expect(throws: BuildFailure.self) {
            try SiteBuilder(options: options, onEvent: { recorder.record($0) }).build()
        }
        #expect(recorder.events.withLock { $0 } == [.stepStarted(.load), .stepStarted(.validate)])
    }

    @Test func aBuilderWithoutListenerStillBuilds() throws {
        let output = try Fixtures.temporaryFolder().appendingPathComponent("public")
        let summary = try SiteBuilder(options: SiteBuilderTests.options(content: SiteBuilderTests.fixtureContent, output: output)).build()
        #expect(summary.pages > 0)
    }
}
