import Foundation
import Markdown
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 1-based position in a content file.
public struct SourceLocation: Equatable, Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// The decoded text of a content file, split into lines.
///
/// A leading byte order mark is dropped and CRLF (or lone CR) line ends become LF, so that line
/// and column numbers match what an editor shows whichever convention the file was saved with.
struct SourceText {
    /// The whole text with LF line ends.
    let text: String
    /// `text` split at LF; line `n` is `lines[n - 1]`.
    let lines: [Substring]

    init(_ text: String) {
        var normalised = text
        // Bytes, not characters: "\r\n" is one Character, and walking grapheme clusters is slow.
        if ByteScan.contains(0x0D, in: normalised) {
            normalised = FastText.replacing(["\r\n", "\r"], with: "\n", in: normalised)
        }
        self.text = normalised
        lines = FastText.lines(normalised)
    }

    /// Decodes `bytes` as UTF-8, or describes where the first invalid byte is.
    static func decode(_ bytes: [UInt8], file: String) -> Result<SourceText, Diagnostic> {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        // Valid text (nearly every file) is checked and copied by the standard library in one
        // pass; only a file it refuses is scanned again, to say where.
        if let text = content.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) {
            return .success(SourceText(text))
        }
        if let offset = firstInvalidUTF8Offset(content) {
            let before = content[content.startIndex..<offset]
            let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? content.startIndex
            let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            // The bytes before the first invalid one are valid UTF-8, so they decode cleanly.
            let column = String(decoding: content[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
            let byte = String(bytes[offset], radix: 16, uppercase: true)
            return .failure(.error(
                "file is not valid UTF-8: byte 0x\(byte.count == 1 ? "0" + byte : byte) at byte offset \(offset) "
                    + "cannot be decoded; save the file with UTF-8 encoding",
                file: file, line: line, column: column))
        }
        // The standard library refused bytes that RFC 3629 allows: never expected, but decoded
        // as before rather than refused without a position.
        return .success(SourceText(content.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }))
    }

    /// The offset (in the original byte array) of the first byte that does not start a valid
    /// UTF-8 sequence, or nil when all of `bytes` is valid (RFC 3629: no overlongs, no surrogates).
    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            var count = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0: count = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: count = 2
            case 0xED: count = 2; high = 0x9F
            case 0xF0: count = 3; low = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4: count = 3; high = 0x8F
            default: return index
            }
            guard index + count < end else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            if count >= 2 {
                for next in (index + 2)...(index + count) where bytes[next] & 0xC0 != 0x80 {
                    return index
                }
            }
            index += count + 1
        }
        return nil
    }
}

/// Reads files for the loader without ever blocking on or slurping something that is not a
/// small regular file (a FIFO named `x.md`, `/dev/zero` behind a symbolic link, a huge log).
enum ContentFileReader {
    /// Files larger than this are refused: no real entry comes close, and parsing a huge
    /// file would only slow every check down.
    static let maximumSize = 1 << 20

    enum Kind {
        case regular
        case directory
        case other
        case missing(String)
    }

    /// What `path` is, following symbolic links.
    static func kind(of path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing(errnoDescription()) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The file's bytes, or a diagnostic saying why they cannot be used.
    static func readFile(path: String, display: String) -> Result<[UInt8], Diagnostic> {
        // Opened first and checked through the descriptor: for an entry file (whose kind the
        // listing gave) one path look-up instead of two. Without blocking, since opening a pipe
        // for reading waits for a writer; nothing is read unless it is a regular file.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let reason = errnoDescription()
            // Why it would not open, told the way a `stat` first told it: a folder, a socket or a
            // missing target keep their own messages; only a file that exists is a permission
            // problem.
            switch kind(of: path) {
            case .missing(let missing): return .failure(missingFile(missing, display))
            case .directory: return .failure(folderInstead(display))
            case .other: return .failure(notRegular(display))
            case .regular: return .failure(unreadable(reason, display))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(unreadable(errnoDescription(), display))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(folderInstead(display))
        default: return .failure(notRegular(display))
        }
        guard Int(info.st_size) <= maximumSize else { return .failure(tooLarge(display)) }
        return readAll(descriptor, sizeHint: Int(info.st_size), display: display)
    }

    /// Everything `descriptor` gives until its end, read into a buffer sized from `sizeHint` with a
    /// byte to spare, so that the end of a file whose size is known is seen without growing it.
    /// A wrong hint (a file that grew, or a `/proc` file that says 0) still reads whole, up to
    /// `maximumSize`.
    static func readAll(_ descriptor: Int32, sizeHint: Int, display: String) -> Result<[UInt8], Diagnostic> {
        var bytes: [UInt8] = []
        var capacity = min(max(sizeHint, 0), maximumSize) + 1
        while true {
            var filled = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: capacity - filled))
            while filled < capacity {
                let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, capacity - filled) }
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    bytes.removeLast(capacity - filled)
                    return .success(bytes)
                } else if errno != EINTR {
                    return .failure(unreadable(errnoDescription(), display))
                }
            }
            guard capacity <= maximumSize else { return .failure(tooLarge(display)) }
            capacity = min(capacity * 2, maximumSize + 1)
        }
    }

    private static func unreadable(_ reason: String, _ display: String) -> Diagnostic {
        .error("cannot read file: \(reason); check its permissions", file: display)
    }

    private static func missingFile(_ reason: String, _ display: String) -> Diagnostic {
        .error("cannot read file: \(reason); if it is a symbolic link, point it at an existing file", file: display)
    }

    private static func folderInstead(_ display: String) -> Diagnostic {
        .error("expected a file but found a folder", file: display)
    }

    private static func notRegular(_ display: String) -> Diagnostic {
        .error("not a regular file (a device, socket or pipe?); replace it with a plain text file", file: display)
    }

    private static func tooLarge(_ display: String) -> Diagnostic {
        .error("file is larger than \(maximumSize / 1024) KiB; content files must be small text files, so split it or remove what does not belong",
               file: display)
    }

    private static func errnoDescription() -> String {
        String(cString: strerror(errno)).lowercased()
    }
}
