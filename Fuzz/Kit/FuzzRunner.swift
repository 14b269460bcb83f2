import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Totals of one fuzz run.
public struct FuzzTotals: Sendable, CustomStringConvertible {
    public var target: FuzzTargetKind
    public var seed: UInt64
    public var inputs = 0
    public var bytes = 0
    /// Inputs that broke a property (a crash ends the process instead; see `CrashCapture`).
    public var failures: [(index: Int, problem: String)] = []
    /// Inputs whose CPU time went over the time limit.
    public var slowInputs: [(index: Int, seconds: Double)] = []
    /// The most CPU time (user + system, of the thread that parsed) one input took. CPU time,
    /// not wall-clock time, so that other processes on a shared machine do not count.
    public var slowestSeconds = 0.0
    public var slowestIndex = -1
    public var slowestSize = 0
    /// The most wall-clock time one input took, for comparison.
    public var slowestWallSeconds = 0.0
    public var largestInput = 0
    public var elapsedSeconds = 0.0
    /// Peak resident set size of the process, in KiB (`getrusage`).
    public var peakRSSKiB = 0
    /// Resident set size after the first tenth of the run and at the end, in KiB: growth
    /// between the two would mean memory leaking per input.
    public var residentAfterWarmUpKiB = 0
    public var residentAtEndKiB = 0

    public init(target: FuzzTargetKind, seed: UInt64) {
        self.target = target
        self.seed = seed
    }

    public var description: String {
        let megabytes = { (kib: Int) in String(format: "%.0f MiB", Double(kib) / 1024) }
        return "\(target.rawValue): \(inputs) inputs (\(bytes / 1024) KiB, largest \(largestInput) B), "
            + "\(failures.count) failures, 0 crashes, \(slowInputs.count) over the time limit, "
            + String(format: "slowest %.3f s CPU (input #%d, %d B; slowest wall clock %.3f s), ", slowestSeconds, slowestIndex, slowestSize, slowestWallSeconds)
            + "peak RSS \(megabytes(peakRSSKiB)) (resident \(megabytes(residentAfterWarmUpKiB)) after warm-up, \(megabytes(residentAtEndKiB)) at end), "
            + String(format: "%.1f s", elapsedSeconds)
    }
}

/// Runs inputs `start..<start+count` of a harness, timing each one.
public struct FuzzRunner {
    public var harness: FuzzHarness
    public var seed: UInt64
    /// An input slower than this is reported.
    public var timeLimit: Double = 1.0
    /// Called after every `progressInterval` inputs.
    public var progressInterval = 10_000
    public var progress: ((FuzzTotals) -> Void)?

    public init(harness: FuzzHarness, seed: UInt64) {
        self.harness = harness
        self.seed = seed
    }

    public func run(count: Int, start: Int = 0) -> FuzzTotals {
        var totals = FuzzTotals(target: harness.kind, seed: seed)
        let clock = ContinuousClock()
        let began = clock.now
        let warmUp = max(1, count / 10)
        for index in start..<(start + count) {
            let input = harness.input(seed: seed, index: index)
            CrashCapture.record(input, index: index)
            let before = clock.now
            let cpuBefore = Self.threadCPUSeconds()
            let problems = harness.run(input)
            let seconds = Self.threadCPUSeconds() - cpuBefore
            totals.slowestWallSeconds = max(totals.slowestWallSeconds, (clock.now - before).seconds)
            CrashCapture.finished()
            totals.inputs += 1
            totals.bytes += input.count
            totals.largestInput = max(totals.largestInput, input.count)
            if seconds > totals.slowestSeconds {
                totals.slowestSeconds = seconds
                totals.slowestIndex = index
                totals.slowestSize = input.count
            }
            if seconds > timeLimit { totals.slowInputs.append((index, seconds)) }
            for problem in problems.prefix(3) { totals.failures.append((index, problem)) }
            if totals.inputs == warmUp { totals.residentAfterWarmUpKiB = Memory.residentKiB() }
            if let progress, totals.inputs % progressInterval == 0 {
                totals.elapsedSeconds = (clock.now - began).seconds
                progress(totals)
            }
        }
        totals.elapsedSeconds = (clock.now - began).seconds
        totals.residentAtEndKiB = Memory.residentKiB()
        totals.peakRSSKiB = Memory.peakKiB()
        return totals
    }

    /// CPU time used so far by the calling thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Memory figures of this process.
public enum Memory {
    /// Peak resident set size in KiB.
    public static func peakKiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss)
    }

    /// Current resident set size in KiB, from /proc/self/statm (0 where it does not exist).
    public static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

// MARK: - Crash and hang capture

// The signal handler may only touch memory prepared beforehand, so the current input is copied
// into a fixed buffer before each run and the file name is a C string made at install time.
nonisolated(unsafe) private var capturedInput: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var capturedCapacity = 0
nonisolated(unsafe) private var capturedLength = 0
nonisolated(unsafe) private var capturedIndex = -1
nonisolated(unsafe) private var capturePath: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) private var runningSince: UInt64 = 0
nonisolated(unsafe) private var alternateStack: UnsafeMutableRawPointer?

/// Saves the input being run when the process crashes (a Swift trap is SIGILL or SIGTRAP, a
/// stack overflow SIGSEGV) or hangs, so that it can be replayed and become a regression test.
public enum CrashCapture {
    /// Installs the handlers; the input is written to `path` if the process dies running it.
    /// `hangSeconds` > 0 starts a watchdog that saves the input and exits with status 3.
    public static func install(path: String, capacity: Int, hangSeconds: Double) {
        capturedInput = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        capturedCapacity = capacity
        capturePath = strdup(path)
        // Handlers run on their own stack so that a stack overflow can still be reported.
        let stackSize = 1 << 16
        alternateStack = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
        var stack = stack_t(ss_sp: alternateStack, ss_flags: 0, ss_size: stackSize)
        sigaltstack(&stack, nil)
        for signal in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = crashHandler
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(signal, &action, nil)
        }
        if hangSeconds > 0 {
            let limit = UInt64(hangSeconds * 1e9)
            let watchdog = Thread {
                while true {
                    usleep(100_000)
                    let started = runningSince
                    if started != 0 && monotonicNanoseconds() &- started > limit {
                        saveCapturedInput()
                        let message = "fuzz-driver: an input ran longer than the hang limit; it was saved for replay\n"
                        _ = message.withCString { write(2, $0, strlen($0)) }
                        _exit(3)
                    }
                }
            }
            watchdog.start()
        }
    }

    /// Remembers `input` as the one being run.
    public static func record(_ input: [UInt8], index: Int) {
        guard let buffer = capturedInput else { return }
        let length = min(input.count, capturedCapacity)
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: length) }
        }
        capturedLength = length
        capturedIndex = index
        runningSince = monotonicNanoseconds()
    }

    /// The input finished without crashing.
    public static func finished() {
        runningSince = 0
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}

private func saveCapturedInput() {
    guard let path = capturePath, let buffer = capturedInput else { return }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { return }
    var offset = 0
    while offset < capturedLength {
        let written = write(descriptor, buffer + offset, capturedLength - offset)
        if written <= 0 { break }
        offset += written
    }
    close(descriptor)
}

private func crashHandler(_ signal: Int32) {
    saveCapturedInput()
    // A literal: its bytes are static, so nothing is allocated inside the handler.
    "fuzz-driver: crashed on the saved input\n".withCString { _ = write(2, $0, strlen($0)) }
    raise(signal)
}
