#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads standard input: either one message (at most `limit` bytes are kept), or an mbox file,
/// split into messages as it streams in (each message capped at `limit` bytes), so a batch of
/// any size runs in bounded memory.
struct InputReader {
    let descriptor: Int32
    let limit: Int
    /// True when some input beyond the limit was skipped.
    private(set) var truncated = false

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    /// Calls `handle` for every message (with whether the input is an mbox file) and returns
    /// whether it was one.
    mutating func read(_ handle: (String, Bool) throws -> Void) throws -> Bool {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var finished = false
        // Decide the format from the first bytes.
        while buffer.count < 5 && !finished {
            let count = readChunk(&chunk)
            if count <= 0 { finished = true } else { buffer += chunk[0..<count] }
        }
        let isMailbox = buffer.starts(with: Array("From ".utf8))
        if !isMailbox {
            while !finished {
                let count = readChunk(&chunk)
                if count <= 0 { finished = true; break }
                let room = limit - buffer.count
                if room <= 0 {
                    truncated = true
                    continue
                }
                if count > room {
                    truncated = true
                    buffer += chunk[0..<room]
                } else {
                    buffer += chunk[0..<count]
                }
            }
            let text = String(decoding: buffer, as: UTF8.self)
            if !text.allSatisfy({ $0.isWhitespace }) { try handle(text, false) }
            return false
        }

        // mbox: a message starts at a line beginning with "From " after a line break.
        var message: [UInt8] = []
        var pending = buffer
        var scanFrom = 0
        while true {
            // Split complete messages out of `pending`.
            var searchStart = max(1, scanFrom)
            while let separator = Self.separator(in: pending, from: searchStart) {
                append(pending[0..<separator], to: &message)
                try emit(&message, handle)
                pending.removeSubrange(0..<separator)
                searchStart = 1
            }
            // Keep a little tail in `pending` so a separator split across reads is found.
            if pending.count > 8 {
                let keep = 6
                append(pending[0..<(pending.count - keep)], to: &message)
                pending.removeSubrange(0..<(pending.count - keep))
            }
            scanFrom = 0
            if finished { break }
            let count = readChunk(&chunk)
            if count <= 0 {
                finished = true
                continue
            }
            pending += chunk[0..<count]
        }
        append(pending[...], to: &message)
        try emit(&message, handle)
        return true
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>, to message: inout [UInt8]) {
        let room = limit - message.count
        if room <= 0 {
            if !bytes.isEmpty { truncated = true }
            return
        }
        if bytes.count > room {
            truncated = true
            message += bytes.prefix(room)
        } else {
            message += bytes
        }
    }

    private func emit(_ message: inout [UInt8], _ handle: (String, Bool) throws -> Void) throws {
        defer { message.removeAll(keepingCapacity: true) }
        guard message.contains(where: { $0 > 32 }) else { return }
        try handle(String(decoding: message, as: UTF8.self), true)
    }

    /// The offset of the "F" of the next "\nFrom " at or after `start` (the line break stays
    /// with the previous message).
    static func separator(in bytes: [UInt8], from start: Int) -> Int? {
        let pattern: [UInt8] = Array("\nFrom ".utf8)
        guard bytes.count >= pattern.count else { return nil }
        var index = max(0, start - 1)
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && bytes[(index + 1)..<(index + pattern.count)].elementsEqual(pattern[1...]) {
                return index + 1
            }
            index += 1
        }
        return nil
    }

    private func readChunk(_ chunk: inout [UInt8]) -> Int {
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in
                Glibc.read(descriptor, raw.baseAddress, raw.count)
            }
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }
}
