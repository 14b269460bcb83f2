import Foundation
import Testing
@testable import SiteBuilder

/// A build's leftovers are freed on a thread of their own, after the build has handed them over.
@Suite struct DeferredReleaseTests {
    final class Tracked: @unchecked Sendable {
        let freed: DispatchSemaphore
        let freedOnCallerThread: UnsafeMutablePointer<Bool>
        let caller: Thread
        init(freed: DispatchSemaphore, flag: UnsafeMutablePointer<Bool>, caller: Thread) {
            self.freed = freed
            freedOnCallerThread = flag
            self.caller = caller
        }
        deinit {
            freedOnCallerThread.pointee = Thread.current == caller
            freed.signal()
        }
    }

    @Test func valuesAreFreedOnAnotherThreadOnceHandedOver() {
        let freed = DispatchSemaphore(value: 0)
        let flag = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
        flag.initialize(to: true)
        defer { flag.deallocate() }
        let leftovers = DeferredRelease()
        do {
            let tracked = Tracked(freed: freed, flag: flag, caller: Thread.current)
            leftovers.add([tracked], "a text", 42)
        }
        // Held until handed over, however long that takes.
        #expect(freed.wait(timeout: .now() + 0.2) == .timedOut)
        leftovers.releaseInBackground()
        #expect(freed.wait(timeout: .now() + 10) == .success)
        #expect(flag.pointee == false)
    }
}
