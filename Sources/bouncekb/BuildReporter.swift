import Foundation
import PreviewServer
import SiteBuilder

/// Turns what a build reports (`SiteBuildEvent`) into the terminal's progress line and, for
/// `--verbose`, the time each step took.
///
/// The progress line is `BuildProgress`, shared with `bouncekb serve`: it draws only on a
/// terminal, never in pipes or CI, and only once a build has run for about a second.
final class BuildReporter: @unchecked Sendable {
    private let progress: BuildProgress
    private let clock: @Sendable () -> TimeInterval
    private let lock = NSLock()
    // Guarded by `lock`.
    private var current: (step: StepName, since: TimeInterval)?
    private var seconds: [StepName: TimeInterval] = [:]

    /// - Parameters:
    ///   - progress: where steps and pages are shown (a silent one when progress is not wanted).
    ///   - clock: seconds from any fixed origin; tests pass their own.
    init(progress: BuildProgress, clock: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }) {
        self.progress = progress
        self.clock = clock
    }

    /// Takes one event; safe to call from any thread.
    func handle(_ event: SiteBuildEvent) {
        switch event {
        case .stepStarted(let name):
            lock.lock()
            closeStep(at: clock())
            current = (name, clock())
            lock.unlock()
            progress.step(name)
        case .pagesPlanned(let total):
            progress.expect(pages: total)
        case .pagesDone(let count):
            progress.advance(pages: count)
        }
    }

    /// The build ended: erases the progress line and returns the time spent in each step that
    /// ran, in step order (a step that ran in several stretches gets their sum).
    func finish() -> [(step: StepName, seconds: TimeInterval)] {
        lock.lock()
        closeStep(at: clock())
        let result = StepName.allCases.compactMap { step in seconds[step].map { (step, $0) } }
        lock.unlock()
        progress.finish()
        return result
    }

    /// `finish()`'s timings as one line: `steps: load 0.41 s, validate 0.01 s, …`.
    static func timingLine(_ timings: [(step: StepName, seconds: TimeInterval)]) -> String {
        "steps: " + timings.map { "\($0.step) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
    }

    /// Adds the running step's time so far; the caller holds `lock`.
    private func closeStep(at now: TimeInterval) {
        guard let current else { return }
        seconds[current.step, default: 0] += now - current.since
        self.current = nil
    }
}
