#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches over a string's UTF-8 through a buffer pointer: iterating `String.UTF8View`
/// element by element costs some 25 instructions a byte, which made these checks a visible
/// part of loading a large content folder.
package enum ByteScan {
    /// Whether `byte` occurs in `text`'s UTF-8.
    package static func contains(_ byte: UInt8, in text: String) -> Bool {
        // memchr reads a word or a vector at a time; a loop over the bytes takes several
        // instructions for each.
        let found = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
        return found ?? text.utf8.contains(byte)
    }

    /// Calls `body` with the offset of each `byte` in `bytes`, in order; memchr finds them a
    /// word or a vector at a time.
    package static func forEachOffset(of byte: UInt8, in bytes: UnsafeRawBufferPointer, _ body: (Int) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count, let found = memchr(base + start, Int32(byte), bytes.count - start) {
            let offset = base.distance(to: UnsafeRawPointer(found))
            body(offset)
            start = offset + 1
        }
    }

    /// Whether all of `text` is ASCII, where every byte is a character of its own (a CR LF pair
    /// aside), so byte-wise and character-wise text operations agree.
    package static func isASCII(_ text: String) -> Bool {
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ !$0.contains { $0 >= 0x80 } }) { return ascii }
        return !text.utf8.contains { $0 >= 0x80 }
    }

    /// `text` with every occurrence of `target`'s bytes replaced by `replacement`'s, left to
    /// right and without overlaps; `text` itself when there is none. On ASCII text this is what
    /// replacing characters gives.
    package static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let pattern = Array(target.utf8)
        guard let first = pattern.first, text.utf8.count >= pattern.count else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        var index = 0
        var changed = false
        while index < bytes.count {
            if bytes[index] == first, index + pattern.count <= bytes.count,
               bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                if !changed {
                    result.reserveCapacity(bytes.count + 16)
                    result.append(contentsOf: bytes[0..<index])
                    changed = true
                }
                result.append(contentsOf: replacement.utf8)
                index += pattern.count
            } else {
                if changed { result.append(bytes[index]) }
                index += 1
            }
        }
        return changed ? String(decoding: result, as: UTF8.self) : text
    }
}
