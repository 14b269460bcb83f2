import BounceKB
import Foundation
import Testing

/// `scripts/install.sh PREFIX` with the binaries this test run already built, then the
/// installed programs themselves, then `scripts/uninstall.sh PREFIX`.
@Suite(.serialized)
struct InstallTests {
    /// The folder holding the `bouncekb` and `bounce` executables of this build: beside the test
    /// binary on Linux, a few levels above it inside an .xctest bundle on macOS.
    static let binDirectory: URL? = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<5 {
            let tools = ["bouncekb", "bounce"].map { folder.appendingPathComponent($0).path }
            if tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) { return folder }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()

    static let installedFiles = [
        "bin/bouncekb", "bin/bounce",
        "share/bash-completion/completions/bouncekb", "share/bash-completion/completions/bounce",
        "share/zsh/site-functions/_bouncekb", "share/zsh/site-functions/_bounce",
        "share/fish/vendor_completions.d/bouncekb.fish", "share/fish/vendor_completions.d/bounce.fish",
        "share/man/man1/bouncekb.1", "share/man/man1/bounce.1",
    ]

    @Test func installsRunsAndUninstallsInATemporaryPrefix() throws {
        let bin = try #require(Self.binDirectory, "bouncekb and bounce were not built beside the tests")
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }

        let install = try run(repositoryRoot.appendingPathComponent("scripts/install.sh").path, [prefix.path], environment: ["BIN_DIR": bin.path])
        #expect(install.status == 0, "\(install.output)")
        #expect(files(under: prefix) == Self.installedFiles.sorted())

        let installedKB = prefix.appendingPathComponent("bin/bouncekb").path
        let installedBounce = prefix.appendingPathComponent("bin/bounce").path
        let help = try run(installedKB, ["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("check"))
        let lookup = try run(installedBounce, ["550", "5.1.1", "--no-color"])
        #expect(lookup.status == 0 || lookup.status == 1, "\(lookup.output)")
        #expect(lookup.output.contains("550"))

        // One version for both tools, from the library.
        let kbVersion = try run(installedKB, ["--version"])
        let bounceVersion = try run(installedBounce, ["--version"])
        #expect(kbVersion.status == 0 && bounceVersion.status == 0)
        #expect(kbVersion.output.trimmingCharacters(in: .whitespacesAndNewlines) == ProductVersion.current)
        #expect(bounceVersion.output.trimmingCharacters(in: .whitespacesAndNewlines) == ProductVersion.current)

        let bash = try String(contentsOf: prefix.appendingPathComponent("share/bash-completion/completions/bouncekb"), encoding: .utf8)
        #expect(bash.contains("complete") && bash.contains("bouncekb"))
        let zsh = try String(contentsOf: prefix.appendingPathComponent("share/zsh/site-functions/_bounce"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef bounce"))
        let fish = try String(contentsOf: prefix.appendingPathComponent("share/fish/vendor_completions.d/bouncekb.fish"), encoding: .utf8)
        #expect(fish.contains("complete -c 'bouncekb'"))
        let man = try String(contentsOf: prefix.appendingPathComponent("share/man/man1/bouncekb.1"), encoding: .utf8)
        #expect(man.hasPrefix(".TH \"BOUNCEKB\" \"1\""))
        #expect(man.contains(".SS bouncekb check"))
        #expect(man.contains("\\-\\-content"))

        // Something of the user's in the same folders survives the uninstall.
        let unrelated = prefix.appendingPathComponent("bin/other-tool")
        try Data("#!/bin/sh\n".utf8).write(to: unrelated)
        let uninstall = try run(repositoryRoot.appendingPathComponent("scripts/uninstall.sh").path, [prefix.path])
        #expect(uninstall.status == 0, "\(uninstall.output)")
        #expect(files(under: prefix) == ["bin/other-tool"])
    }

    /// Regular files under `folder`, relative and sorted.
    private func files(under folder: URL) -> [String] {
        let base = folder.standardizedFileURL.path + "/"
        var found: [String] = []
        if let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                let path = url.standardizedFileURL.path
                found.append(path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path)
            }
        }
        return found.sorted()
    }

    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        variables["NO_COLOR"] = "1"
        process.environment = variables
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
