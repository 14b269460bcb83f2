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
        let arguments = CommandLine.arguments.dropFirst().map(Self.protectingPastedText)
        let command: ParsableCommand
        do {
            // Lookups are the common case and start-up time matters for them: parse them as
            // the lookup command directly, which skips building the whole command tree.
            if let first = arguments.first, !Self.rootArguments.contains(first), !arguments.contains(where: Self.rootOnly),
               let lookup = LookupCommand.quickParse(arguments) ?? (try? LookupCommand.parse(arguments)) {
                command = lookup
            } else {
                // Also how a failed fast parse is reported: with the root command's usage.
                command = try parseAsRoot(arguments)
            }
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

    /// A pasted bounce line may start with dashes (Sendmail's "----- Transcript of session
    /// follows -----", a "-5.1.1" fragment). Anything that starts with "-" but is not shaped like
    /// an option (`-x`, `-xy`, `--name`, `--name=value`, `-`, `--`) is text: a leading space
    /// keeps the argument parser from reading it as an option, and matching ignores the space.
    static func protectingPastedText(_ argument: String) -> String {
        guard argument.hasPrefix("-"), argument != "-", argument != "--" else { return argument }
        let isLetter = { (byte: UInt8) in (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
        let bytes = Array(argument.utf8)
        if bytes.count >= 3, bytes[1] == UInt8(ascii: "-") {
            let name = bytes[2...].prefix { $0 != UInt8(ascii: "=") }
            let looksLikeOption = name.first.map(isLetter) == true
                && name.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
            return looksLikeOption ? argument : " " + argument
        }
        return bytes.dropFirst().allSatisfy(isLetter) ? argument : " " + argument
    }

    /// First arguments that name a subcommand or ask the root command for something.
    private static let rootArguments: Set<String> = [
        "lookup", "show", "list", "embed", "help", "-h", "--help", "--version",
    ]

    /// Arguments only the root command understands, wherever they appear.
    private static func rootOnly(_ argument: String) -> Bool {
        argument == "-h" || argument == "--help" || argument.hasPrefix("--generate-completion") || argument.hasPrefix("--experimental")
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
