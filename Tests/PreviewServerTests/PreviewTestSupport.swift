import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The repository checkout this test file belongs to.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A throw-away folder with a small content folder and a copy of the project's templates,
/// removed when the value is released.
final class SiteFixture {
    let root: URL
    var content: URL { root.appendingPathComponent("content") }
    var templates: URL { root.appendingPathComponent("templates") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: content.appendingPathComponent("mailbox"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("templates"), to: templates)
        try write("content/site.yml", """
            title: Preview Test
            description: "A tiny knowledge base used by the preview server tests."
            base_url: "/help/"
            language: en

            """)
        try write("content/mailbox/_index.md", """
            ---
            title: Mailbox state
            order: 1
            summary: Bounces caused by the state of the recipient's mailbox, such as a full one.
            ---

            Entries about mailboxes that cannot take more mail right now.

            """)
        try write("content/mailbox/sample-mailbox-full.md", Self.entry(title: "Sample mailbox is full"))
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A valid entry; `reason` can be broken on purpose.
    static func entry(title: String, reason: String = "mailbox-full") -> String {
        """
        ---
        title: \(title)
        reply: 552
        status: 5.2.2
        reason: \(reason)
        summary: The recipient's mailbox has used all of its storage, so the receiving server refused new mail for now.
        match:
          - "sample mailbox quota exceeded for {email}"
        providers: [Any server]
        ---

        ## Details

        The receiving server accepted the connection but refused the message at the RCPT or DATA step,
        because the mailbox has reached the storage limit that its owner or administrator set for it.

        ## Resolution

        1. Retry later: most servers keep retrying for a few days on their own.
        2. If the bounce keeps coming back for a week, stop mailing the address and reach the person another way.

        """
    }
}

/// One HTTP answer as read off the wire.
struct WireResponse {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends `GET <rawPath>` exactly as given (no normalisation, unlike URLSession) to 127.0.0.1
/// and reads the whole answer; the connection is closed after it.
func httpRequest(port: Int, rawPath: String, method: String = "GET") async throws -> WireResponse {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try blockingRequest(port: port, rawPath: rawPath, method: method) })
        }
    }
}

struct WireError: Error, CustomStringConvertible {
    var description: String
}

private func blockingRequest(port: Int, rawPath: String, method: String) throws -> WireResponse {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw WireError(description: "socket() failed") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw WireError(description: "connect() to port \(port) failed") }
    let request = "\(method) \(rawPath) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
    let sent = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
    guard sent > 0 else { throw WireError(description: "send() failed") }

    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        received.append(contentsOf: buffer[0..<count])
        if let parsed = parse(received, method: method) { return parsed }
    }
    guard let parsed = parse(received, method: method) else { throw WireError(description: "incomplete answer: \(received.count) bytes") }
    return parsed
}

/// The answer once complete (headers plus Content-Length bytes of body), else nil.
private func parse(_ data: Data, method: String) -> WireResponse? {
    guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
    let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
    var lines = head.components(separatedBy: "\r\n")
    let statusLine = lines.removeFirst().split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
    var headers: [String: String] = [:]
    for line in lines {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    let body = data[end.upperBound...]
    let length = method == "HEAD" ? 0 : Int(headers["content-length"] ?? "0") ?? 0
    guard body.count >= length else { return nil }
    return WireResponse(status: status, headers: headers, body: Data(body.prefix(length)))
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(within seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 100_000_000)
    }
    return try await condition()
}
