#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether `needle` occurs in the text, comparing UTF-8 bytes (no locale, no Unicode
    /// equivalence). Much faster than Foundation's `contains`, which the bounce parsers would
    /// otherwise call thousands of times per message.
    func includes(_ needle: String) -> Bool {
        var pattern = needle
        return pattern.withUTF8 { needleBytes -> Bool in
            guard !needleBytes.isEmpty else { return true }
            if let found = utf8.withContiguousStorageIfAvailable({ Self.search($0, needleBytes) }) { return found }
            var copy = String(self)
            return copy.withUTF8 { Self.search($0, needleBytes) }
        }
    }

    private static func search(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard haystack.count >= needle.count, let base = haystack.baseAddress, let pattern = needle.baseAddress else { return false }
        let first = Int32(pattern.pointee)
        let last = haystack.count - needle.count
        var offset = 0
        while offset <= last {
            // memchr finds the candidate starts; memcmp checks the rest.
            guard let found = memchr(base + offset, first, last - offset + 1) else { return false }
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, pattern, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}
