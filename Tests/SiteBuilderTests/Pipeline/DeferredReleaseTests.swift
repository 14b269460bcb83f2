import Foundation
import Testing
@testable import SiteBuilder

/// A build's leftovers are freed on a thread of their own, after the build has handed them over.
@Suite struct DeferredReleaseTests {
    /// Where a `Tracked` value was freed: nil until it is.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var onCallerThread: Bool?
        let freed = DispatchSemaphore(value: 0)
        func record(onCallerThread value: Bool) { lock.lock(); onCallerThread = value; lock.unlock(); freed.signal() }
        var freedOnCallerThread: Bool? { lock.lock(); defer { lock.unlock() }; return onCallerThread }
    }

    final class Tracked: @unchecked Sendable {
        let outcome: Outcome
        let caller: Thread
        init(outcome: Outcome, caller: Thread) {
            self.outcome = outcome
            self.caller = caller
        }
        deinit { outcome.record(onCallerThread: Thread.current == caller) }
    }

    @Test func valuesAreFreedOnAnotherThreadOnceHandedOver() {
        let outcome = Outcome()
        let leftovers = DeferredRelease()
        do {
            let tracked = Tracked(outcome: outcome, caller: Thread.current)
            leftovers.add([tracked], "a text", 42)
        }
        // Held until handed over, however long that takes.
        #expect(outcome.freed.wait(timeout: .now() + 0.2) == .timedOut)
        leftovers.releaseInBackground()
        #expect(outcome.freed.wait(timeout: .now() + 10) == .success)
        #expect(outcome.freedOnCallerThread == false)
    }
}
