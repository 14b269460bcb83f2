import ArgumentParser

@main
struct BounceKBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bouncekb",
        abstract: "Check and build the BounceKB knowledge base.",
        // One line per subcommand; each lives in its own file.
        subcommands: [
            CheckCommand.self,
            BuildCommand.self,
        ]
    )

    static func main() {
        runExitingTwoOnUsageError()
    }
}
