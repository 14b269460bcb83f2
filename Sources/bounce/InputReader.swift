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

        // mbox: a message starts at a line beginning with "From " after a line break. `pending`
        // holds unread input from `start` on; it is compacted only when a new chunk arrives, so
        // splitting many messages out of one chunk copies nothing.
        var message: [UInt8] = []
        var pending = buffer
        var start = 0
        while true {
            while let separator = Self.separator(in: pending, from: start + 1) {
                append(pending[start..<separator], to: &message)
                try emit(&message, handle)
                start = separator
            }
            if finished { break }
            // Keep the last few bytes unread, so a separator split across reads is found.
            let keep = 6
            if pending.count - start > keep {
                append(pending[start..<(pending.count - keep)], to: &message)
                start = pending.count - keep
            }
            let count = readChunk(&chunk)
            if count <= 0 {
                finished = true
                continue
            }
            pending.removeSubrange(0..<start)
            start = 0
            pending += chunk[0..<count]
        }
        append(pending[start...], to: &message)
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

    /// The offset of the "F" of the next "\nFrom " whose "F" is at or after `start` (the line
    /// break stays with the previous message).
    static func separator(in bytes: [UInt8], from start: Int) -> Int? {
        let pattern: [UInt8] = Array("From ".utf8)
        var index = max(1, start)
        while index + pattern.count <= bytes.count {
            if bytes[index - 1] == UInt8(ascii: "\n") && bytes[index] == pattern[0]
                && bytes[index..<(index + pattern.count)].elementsEqual(pattern) {
                return index
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
