/// Byte searches over a string's UTF-8 through a buffer pointer: iterating `String.UTF8View`
/// element by element costs some 25 instructions a byte, which made these checks a visible
/// part of loading a large content folder.
package enum ByteScan {
    /// Whether `byte` occurs in `text`'s UTF-8.
    package static func contains(_ byte: UInt8, in text: String) -> Bool {
        if let found = text.utf8.withContiguousStorageIfAvailable({ $0.contains(byte) }) { return found }
        return text.utf8.contains(byte)
    }
}
