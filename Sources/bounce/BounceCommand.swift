import ArgumentParser

@main
struct BounceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce",
        abstract: "Explain an SMTP bounce: a code, a pasted line or a whole bounce email."
    )
}
