import Foundation

/// The size and modification time of every file under some folders, taken to notice edits.
///
/// Polling this every half second is cheap for a knowledge base (a few thousand files at most)
/// and works the same on Linux and macOS, in containers and on network file systems, where
/// change notification APIs differ or stay silent.
public struct FolderSnapshot: Equatable, Sendable {
    /// One file as seen by a scan.
    public struct Stamp: Equatable, Sendable {
        public var size: Int
        public var modified: Date
    }

    /// Display path → stamp. Compared and looked up only, never listed unsorted.
    public private(set) var files: [String: Stamp]

    public init(files: [String: Stamp] = [:]) {
        self.files = files
    }

    /// Scans every regular file under `folders`. Dot files and dot folders (editor swap files,
    /// `.DS_Store`) are left out, as the loader ignores them too. Paths are shown relative to
    /// `displayRoot` when inside it. A missing folder contributes nothing.
    public static func scan(_ folders: [URL], displayRoot: URL?) -> FolderSnapshot {
        var files: [String: Stamp] = [:]
        let keys: [URLResourceKey] = [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey]
        let rootPath = displayRoot.map { $0.standardizedFileURL.path.hasSuffix("/") ? $0.standardizedFileURL.path : $0.standardizedFileURL.path + "/" }
        for folder in folders {
            guard let enumerator = FileManager.default.enumerator(
                at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]
            ) else { continue }
            for case let url as URL in enumerator {
                guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true else { continue }
                var path = url.standardizedFileURL.path
                if let rootPath, path.hasPrefix(rootPath) { path = String(path.dropFirst(rootPath.count)) }
                files[path] = Stamp(size: values.fileSize ?? 0, modified: values.contentModificationDate ?? .distantPast)
            }
        }
        return FolderSnapshot(files: files)
    }

    /// Paths added, removed or changed between `older` and this snapshot, sorted.
    public func changes(since older: FolderSnapshot) -> [String] {
        var changed: [String] = []
        for (path, stamp) in files where older.files[path] != stamp { changed.append(path) }
        for path in older.files.keys where files[path] == nil { changed.append(path) }
        return changed.sorted()
    }
}
