import Foundation

/// One file of the generated site: its path relative to the output folder and its bytes.
public struct OutputFile: Sendable, Equatable {
    /// Relative, `/`-separated, e.g. `codes/550/index.html`.
    public var path: String
    public var contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }

    public init(path: String, text: String) {
        self.init(path: path, contents: Data(text.utf8))
    }
}

/// How paths are shown in diagnostics: relative to a root (usually the working directory)
/// when the file is inside it, absolute otherwise.
struct DisplayPaths: Sendable {
    let root: URL?

    func display(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        guard let root else { return path }
        var rootPath = root.standardizedFileURL.path
        if !rootPath.hasSuffix("/") { rootPath += "/" }
        if path.hasPrefix(rootPath) { return String(path.dropFirst(rootPath.count)) }
        if path + "/" == rootPath { return "." }
        return path
    }
}
