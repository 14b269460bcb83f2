import BounceKB
import Foundation
import FuzzKit
#if canImport(Glibc)
import Glibc
#endif

/// fuzz-driver: runs the seeded fuzz harness for one target and prints its totals.
///
///     fuzz-driver run TARGET [--count N] [--seed S] [--start I] [--time-limit SEC] [--hang SEC]
///                            [--max-rss-mib M] [--repo DIR] [--findings DIR]
///     fuzz-driver dump TARGET --index I [--seed S] [--repo DIR]     (writes input I to stdout)
///     fuzz-driver replay TARGET FILE [--repo DIR]                   (runs one saved input)
///
/// Exit status: 0 when every input passed, 1 when a property failed, an input was slower than
/// the time limit or memory went over the cap, 2 on usage errors, 3 on a hang; a crash ends the
/// process with its signal after saving the input to the findings folder.
struct Options {
    var command = ""
    var target: FuzzTargetKind = .codes
    var count = 100_000
    var seed: UInt64 = 20_261_129
    var start = 0
    var index = 0
    var timeLimit = 1.0
    var hangSeconds = 30.0
    var maxRSSMiB = 1_024
    var repo = FileManager.default.currentDirectoryPath
    var findings = "Fuzz/findings"
    var file = ""
}

func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("fuzz-driver: \(message)\nusage: fuzz-driver run|dump|replay TARGET [options]; targets: \(FuzzTargetKind.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(2)
}

func number<T: LosslessStringConvertible>(_ type: T.Type, _ text: String, _ message: String) -> T {
    guard let value = T(text) else { usage(message) }
    return value
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    guard let command = rest.popFirst(), ["run", "dump", "replay"].contains(command) else { usage("missing command") }
    options.command = command
    guard let name = rest.popFirst(), let target = FuzzTargetKind(rawValue: name) else { usage("missing or unknown target") }
    options.target = target
    if command == "replay" {
        guard let file = rest.popFirst() else { usage("replay needs a file") }
        options.file = file
    }
    while let flag = rest.popFirst() {
        guard let value = rest.popFirst() else { usage("\(flag) needs a value") }
        switch flag {
        case "--count": options.count = number(Int.self, value, "bad --count")
        case "--seed": options.seed = number(UInt64.self, value, "bad --seed")
        case "--start": options.start = number(Int.self, value, "bad --start")
        case "--index": options.index = number(Int.self, value, "bad --index")
        case "--time-limit": options.timeLimit = number(Double.self, value, "bad --time-limit")
        case "--hang": options.hangSeconds = number(Double.self, value, "bad --hang")
        case "--max-rss-mib": options.maxRSSMiB = number(Int.self, value, "bad --max-rss-mib")
        case "--repo": options.repo = value
        case "--findings": options.findings = value
        default: usage("unknown option \(flag)")
        }
    }
    return options
}

let options = parse(Array(CommandLine.arguments.dropFirst()))
let root = URL(fileURLWithPath: options.repo)
let harness: FuzzHarness
do {
    harness = try FuzzHarness(kind: options.target, repositoryRoot: root)
} catch {
    usage("cannot set up \(options.target.rawValue): \(error)")
}

switch options.command {
case "dump":
    FileHandle.standardOutput.write(Data(harness.input(seed: options.seed, index: options.index)))
    harness.removeWorkspace()
    exit(0)
case "replay":
    guard let data = FileManager.default.contents(atPath: options.file) else { usage("cannot read \(options.file)") }
    let clock = ContinuousClock()
    let started = clock.now
    let problems = harness.run(Array(data))
    printFlushed("\(options.target.rawValue): replayed \(data.count) bytes in \(clock.now - started) (peak RSS \(Memory.peakKiB() / 1024) MiB); \(problems.isEmpty ? "no problems" : problems.joined(separator: "; "))")
    harness.removeWorkspace()
    exit(problems.isEmpty ? 0 : 1)
default:
    break
}

try? FileManager.default.createDirectory(atPath: options.findings, withIntermediateDirectories: true)
let crashFile = "\(options.findings)/\(options.target.rawValue)-seed\(options.seed)-last-input.bin"
CrashCapture.install(path: crashFile, capacity: options.target.maximumSize + 16, hangSeconds: options.hangSeconds)

printFlushed("fuzz-driver: \(options.target.rawValue), \(options.count) inputs from #\(options.start), seed \(options.seed), \(harness.seeds.count) seed files, time limit \(options.timeLimit) s")
var runner = FuzzRunner(harness: harness, seed: options.seed)
runner.timeLimit = options.timeLimit
runner.progress = { totals in
    printFlushed(String(format: "  %7d inputs, %.1f s, slowest %.3f s CPU", totals.inputs, totals.elapsedSeconds, totals.slowestSeconds))
}
let totals = runner.run(count: options.count, start: options.start)

// A finished run leaves no "last input" behind; only findings stay.
unlink(crashFile)
var failed = false
for failure in totals.failures.prefix(20) {
    printFlushed("  FAIL input #\(failure.index): \(failure.problem)")
    let path = "\(options.findings)/\(options.target.rawValue)-seed\(options.seed)-input\(failure.index).bin"
    _ = FileManager.default.createFile(atPath: path, contents: Data(harness.input(seed: options.seed, index: failure.index)))
    failed = true
}
for slow in totals.slowInputs.prefix(20) {
    printFlushed(String(format: "  SLOW input #%d: %.3f s CPU", slow.index, slow.seconds))
    let path = "\(options.findings)/\(options.target.rawValue)-seed\(options.seed)-slow\(slow.index).bin"
    _ = FileManager.default.createFile(atPath: path, contents: Data(harness.input(seed: options.seed, index: slow.index)))
    failed = true
}
if totals.peakRSSKiB > options.maxRSSMiB * 1024 {
    printFlushed("  MEMORY peak RSS \(totals.peakRSSKiB / 1024) MiB is over the cap of \(options.maxRSSMiB) MiB")
    failed = true
}
printFlushed("TOTALS " + totals.description)
harness.removeWorkspace()
exit(failed ? 1 : 0)

/// Progress lines appear at once even when output goes to a pipe or a log file.
func printFlushed(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
