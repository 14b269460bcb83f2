import Dispatch
import Foundation

/// Work spread over all cores with results in input order, so output never depends on which
/// thread finished first. Used by the loader and by the site builder (hence `package`).
package enum Parallel {
    /// The cores this process may use, asked once: Foundation reads the cgroup CPU files on
    /// every `activeProcessorCount`, which was some 150 file reads a build.
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// `items.map(transform)`, computed on all cores. `transform` must be safe to call from
    /// several threads at once (pure functions of their input are).
    package static func map<Input: Sendable, Output>(_ items: [Input], minimumBatch: Int = 16, _ transform: @Sendable (Input) -> Output) -> [Output] {
        let count = items.count
        guard count > minimumBatch, cores > 1 else { return items.map(transform) }
        return [Output](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each index is claimed by exactly one iteration, so no two threads write one slot.
            nonisolated(unsafe) let slots = buffer
            forEachIndex(count: count, minimumBatch: minimumBatch) { index in
                (slots.baseAddress! + index).initialize(to: transform(items[index]))
            }
            initialized = count
        }
    }

    /// Calls `body` once for every index in `0..<count`, on all cores, in batches of neighbouring
    /// indices (so each thread touches memory close together).
    package static func forEachIndex(count: Int, minimumBatch: Int = 16, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        guard count > minimumBatch, cores > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        // More batches than cores, so a thread that drew cheap items takes more work.
        let batches = min(count, cores * 16)
        DispatchQueue.concurrentPerform(iterations: batches) { batch in
            let start = count * batch / batches
            let end = count * (batch + 1) / batches
            for index in start..<end { body(index) }
        }
    }
}

/// A value made the first time any thread asks for it, then shared: for tables that only
/// error messages need, so that content without those errors never pays for them.
package final class SharedLazyValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let make: @Sendable () -> Value
    // Written once under `lock`, read under it.
    private var made: Value?

    package init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    package var value: Value {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let value = make()
        made = value
        return value
    }
}
