import ArgumentParser
import BounceKB

@main
struct BounceKBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bouncekb",
        abstract: "Check, build, preview and write the BounceKB knowledge base.",
        version: ProductVersion.current,
        // One line per subcommand; each lives in its own file.
        subcommands: [
            CheckCommand.self,
            BuildCommand.self,
            ServeCommand.self,
            NewCommand.self,
        ]
    )

    static func main() {
        runExitingTwoOnUsageError()
    }
}
