import Foundation
import Testing
@testable import BounceKB

/// The validator's tables for error messages are made once, on first use, from any thread.
@Suite struct SharedLazyValueTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.lock(); value += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    @Test func isMadeOnceWhenManyThreadsAskAtOnce() {
        let made = Counter()
        let lazy = SharedLazyValue { () -> [Int] in
            made.increment()
            return Array(0..<1000)
        }
        let sums = Parallel.map(Array(0..<512), minimumBatch: 1) { _ in lazy.value.reduce(0, +) }
        #expect(made.count == 1)
        #expect(Set(sums) == [499_500])
    }

    @Test func isNotMadeWhenNobodyAsks() {
        let made = Counter()
        _ = SharedLazyValue { () -> Int in
            made.increment()
            return 1
        }
        #expect(made.count == 0)
    }
}
