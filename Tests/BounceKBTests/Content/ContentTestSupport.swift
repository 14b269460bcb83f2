import Foundation
import Testing
@testable import BounceKB

/// A copy of a fixture content tree in a fresh temporary folder, so a test can break one file
/// without touching the fixture or racing other tests.
struct ContentSandbox {
    /// The temporary folder; diagnostics are shown relative to it (`content/...`).
    let root: URL
    /// `root/content`.
    var content: URL { root.appendingPathComponent("content") }

    /// Copies `Fixtures/<fixture>` to a new temporary `content/` folder, then applies the files of
    /// `Fixtures/content-cases/<overlay>` on top and deletes `removing` (paths inside content/).
    init(fixture: String = "content-good", overlay: String? = nil, removing: [String] = []) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("bouncekb-loader-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(fixture), to: root.appendingPathComponent("content"))
        if let overlay {
            let source = Self.fixtures.appendingPathComponent("content-cases").appendingPathComponent(overlay)
            let files = FileManager.default.enumerator(atPath: source.path)?.compactMap { $0 as? String } ?? []
            #expect(!files.isEmpty, "overlay \(overlay) has no files")
            for relative in files.sorted() {
                let from = source.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: from.path, isDirectory: &isDirectory)
                let to = content.appendingPathComponent(relative)
                if isDirectory.boolValue {
                    try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
                } else {
                    try? FileManager.default.removeItem(at: to)
                    try FileManager.default.copyItem(at: from, to: to)
                }
            }
        }
        for path in removing {
            try FileManager.default.removeItem(at: content.appendingPathComponent(path))
        }
    }

    /// Writes `bytes` to `path` inside content/, creating folders as needed.
    func write(_ path: String, bytes: [UInt8]) throws {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Writes `text` as UTF-8 to `path` inside content/.
    func write(_ path: String, _ text: String) throws {
        try write(path, bytes: Array(text.utf8))
    }

    /// The text of a file of the fixture tree.
    func read(_ path: String) throws -> String {
        try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8)
    }

    func load() -> ContentLoadResult {
        ContentLoader(contentDirectory: content, displayRoot: root).load()
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// Loads `fixture` with `overlay` applied and returns its diagnostics.
    static func diagnostics(fixture: String = "content-good", overlay: String? = nil, removing: [String] = []) throws -> [Diagnostic] {
        let sandbox = try ContentSandbox(fixture: fixture, overlay: overlay, removing: removing)
        defer { sandbox.remove() }
        return sandbox.load().diagnostics
    }
}

/// The repository root, found from this file's path (Tests/BounceKBTests/Content/…).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

extension Diagnostic {
    static func e(_ file: String, _ line: Int, _ column: Int, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .error, message: message)
    }

    static func w(_ file: String, _ line: Int, _ column: Int, _ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, severity: .warning, message: message)
    }
}
