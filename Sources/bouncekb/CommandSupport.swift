import ArgumentParser
import BounceKB
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a command may know about the world it runs in, read once at the process boundary and
/// passed down, so the code below never reaches for globals.
struct CommandEnvironment {
    var workingDirectory: URL
    var variables: [String: String]
    var stdoutIsTerminal: Bool
    var stderrIsTerminal: Bool

    /// The real process environment.
    static func current() -> CommandEnvironment {
        CommandEnvironment(
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
            variables: ProcessInfo.processInfo.environment,
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1)
    }

    /// A path from the command line, resolved against the working directory.
    func url(for path: String) -> URL {
        URL(fileURLWithPath: path, isDirectory: true, relativeTo: workingDirectory).absoluteURL.standardizedFileURL
    }

    /// A formatter for text going to standard output.
    var stdoutFormatter: DiagnosticFormatter {
        DiagnosticFormatter(colored: DiagnosticFormatter.shouldColor(isTerminal: stdoutIsTerminal, environment: variables))
    }

    /// A formatter for text going to standard error.
    var stderrFormatter: DiagnosticFormatter {
        DiagnosticFormatter(colored: DiagnosticFormatter.shouldColor(isTerminal: stderrIsTerminal, environment: variables))
    }
}

/// Exit statuses shared by the subcommands.
enum CommandExit {
    /// Problems were found in the input (diagnostics with errors).
    static let failure = ExitCode(1)
    /// The command line itself was wrong.
    static let usage = ExitCode(2)
}

/// Writes `text` to standard error as is.
func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

extension ParsableCommand {
    /// Like ArgumentParser's `main()`, but a usage error (unknown option, bad value, failed
    /// `validate()`) exits with status 2, the Unix convention, instead of ArgumentParser's 64.
    static func runExitingTwoOnUsageError(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Self.exit()
        } catch {
            if exitCode(for: error) == .validationFailure {
                var message = fullMessage(for: error)
                if !message.hasSuffix("\n") { message += "\n" }
                writeToStandardError(message)
                Self.exit(withError: CommandExit.usage)
            }
            Self.exit(withError: error)
        }
    }
}

/// How much a command prints.
enum Verbosity: Sendable {
    case quiet, normal, verbose
}

/// `--quiet` and `--verbose`, shared by the `bouncekb` subcommands.
struct VerbosityOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Print only errors: no progress, no summary, no warnings.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print more about what is done (steps, files, requests).")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    var level: Verbosity { quiet ? .quiet : verbose ? .verbose : .normal }
}
