import Dispatch
import Foundation
import SiteBuilder

/// A one-line progress display for builds that take longer than about a second: which step
/// runs and, while pages render, how many are done of the total.
///
/// It draws only when told it may (standard error is a terminal, no `CI`, not `--quiet`), waits
/// `delay` before drawing anything so quick builds print nothing, and erases its line when the
/// build ends, so what stays on the screen is the command's own output. Safe to call from any
/// thread: the render step reports pages from several at once.
public final class BuildProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let delay: TimeInterval
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> TimeInterval
    private var timer: DispatchSourceTimer?

    // Guarded by `lock`.
    private var started: TimeInterval?
    private var stepName: StepName?
    private var pagesDone = 0
    private var pagesTotal: Int?
    private var drawn = false
    private var lastLine = ""

    /// - Parameters:
    ///   - enabled: false gives a progress that never writes anything.
    ///   - delay: seconds a build must run before the line appears.
    ///   - write: where the line goes (standard error); receives control sequences.
    ///   - clock: seconds from any fixed origin; tests pass their own.
    public init(
        enabled: Bool, delay: TimeInterval = 1, write: @escaping @Sendable (String) -> Void,
        clock: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime }
    ) {
        self.enabled = enabled
        self.delay = delay
        self.write = write
        self.clock = clock
    }

    /// Whether a progress line suits this process: standard error is a terminal, `TERM` is not
    /// `dumb`, no `CI` variable is set (CI logs keep every byte), and the user did not ask for quiet.
    public static func isWanted(stderrIsTerminal: Bool, environment: [String: String], quiet: Bool) -> Bool {
        let ci = environment["CI"].map { !$0.isEmpty && $0 != "0" && $0.lowercased() != "false" } ?? false
        return stderrIsTerminal && !quiet && !ci && environment["TERM"] != "dumb"
    }

    /// A progress writing to standard error when `isWanted(…)`, otherwise a silent one.
    public static func standardError(stderrIsTerminal: Bool, environment: [String: String], quiet: Bool) -> BuildProgress {
        BuildProgress(enabled: isWanted(stderrIsTerminal: stderrIsTerminal, environment: environment, quiet: quiet)) { text in
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// A step begins. The first call starts the clock.
    public func step(_ name: StepName) {
        guard enabled else { return }
        lock.lock()
        if started == nil {
            started = clock()
            startTimer()
        }
        stepName = name
        pagesDone = 0
        pagesTotal = nil
        lock.unlock()
        redraw()
    }

    /// The current step will produce `total` pages.
    public func expect(pages total: Int) {
        guard enabled else { return }
        lock.lock()
        pagesTotal = total
        pagesDone = 0
        lock.unlock()
    }

    /// `count` more pages are done.
    public func advance(pages count: Int = 1) {
        guard enabled else { return }
        lock.lock()
        pagesDone += count
        lock.unlock()
    }

    /// The build ended (either way): erase the line and stop the timer.
    public func finish() {
        guard enabled else { return }
        lock.lock()
        timer?.cancel()
        timer = nil
        let wasDrawn = drawn
        drawn = false
        started = nil
        lastLine = ""
        lock.unlock()
        if wasDrawn { write("\r\u{1B}[K") }
    }

    /// The text of the line as it would be drawn now (without control sequences).
    public var currentLine: String? {
        lock.lock()
        defer { lock.unlock() }
        return lineLocked()
    }

    private func lineLocked() -> String? {
        guard let stepName, let index = StepName.allCases.firstIndex(of: stepName) else { return nil }
        var line = "building: step \(index + 1)/\(StepName.allCases.count) \(stepName)"
        if let pagesTotal {
            line += ", \(min(pagesDone, pagesTotal))/\(pagesTotal) pages"
        }
        return line
    }

    private func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
        self.timer = timer
    }

    /// Draws the line when the build has run longer than `delay` and the text changed.
    func redraw() {
        lock.lock()
        guard let started, clock() - started >= delay, let line = lineLocked(), line != lastLine else {
            lock.unlock()
            return
        }
        lastLine = line
        drawn = true
        // Written under the lock so two threads cannot interleave their lines.
        write("\r\u{1B}[K" + line)
        lock.unlock()
    }
}
