import ArgumentParser

@main
struct BounceKBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bouncekb",
        abstract: "Check and build the BounceKB knowledge base."
    )
}
