import ArgumentParser
import BounceKB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bounce`: explains an SMTP bounce offline. Exit status: 0 when something matched, 1 when
/// nothing did (the codes are still explained), 2 on usage or data errors.
@main
struct BounceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce",
        abstract: "Explain an SMTP bounce: a code, a pasted line or a whole bounce email.",
        discussion: """
        Examples:
          bounce 550 5.7.26
          bounce '550-5.1.1 The email account that you tried to reach does not exist.'
          bounce < returned.eml          (a bounce email; an mbox file gives one result per message)
          bounce show gmail-unauthenticated-mail
          bounce list --category mailbox

        Exit status: 0 when a cause matched, 1 when none did (the codes are still explained),
        2 on usage or data errors. At most 10 MiB of each message on standard input is read.
        """,
        version: ProductVersion.current,
        subcommands: [LookupCommand.self, ShowCommand.self, ListCommand.self, EmbedCommand.self],
        defaultSubcommand: LookupCommand.self
    )

    /// Runs the command, mapping every failure to the documented exit status.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            finish(with: error)
        }
        do {
            var runnable = command
            try runnable.run()
        } catch {
            finish(with: error)
        }
        Glibc.exit(0)
    }

    private static func finish(with error: Error) -> Never {
        if let code = error as? ExitCode {
            Glibc.exit(code.rawValue)
        }
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            // --help and --version.
            Output.standard(message.hasSuffix("\n") ? message : message + "\n")
            Glibc.exit(0)
        }
        if let failure = error as? CommandFailure {
            Output.error("bounce: " + failure.message)
            Glibc.exit(failure.status)
        }
        Output.error(message)
        Glibc.exit(2)
    }
}

/// An error with a message for people and the exit status to end with.
struct CommandFailure: Error {
    var message: String
    var status: Int32 = 2
}
