import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A folder's names with what their directory entries say they are: one `readdir` pass for
/// the whole folder, where an `lstat` or `stat` per name is a system call each. Used by the
/// content loader, and by the site builder to count entry files before a build.
package enum DirectoryListing {
    /// What a directory entry says a name is.
    package enum Kind: Sendable {
        case regular, directory, symbolicLink
        /// The file system did not say; ask `stat`.
        case unknown
    }

    /// Every entry of the folder at `path` but `.` and `..`, in the order the file system gives
    /// them; nil when the folder cannot be opened (`errno` says why).
    package static func entries(_ path: String) -> [(name: String, kind: Kind)]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var entries: [(name: String, kind: Kind)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symbolicLink
            default: kind = .unknown
            }
            entries.append((name, kind))
        }
        return entries
    }
}
