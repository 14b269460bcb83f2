import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// A small knowledge base that exercises every field shape the API has to carry.
enum APISample {
    static let generator = "bouncekb-test 1.0"

    static func knowledgeBase(baseURL: String = "/") -> KnowledgeBase {
        let categories = [
            Category(id: "recipient", title: "Recipient account", order: 2, summary: "The recipient's side.",
                     description: "Problems with the **recipient's** account."),
            Category(id: "sender", title: "Sender account and address", order: 1, summary: "Your side.",
                     description: "Problems with the sender.\n\n- one\n- two\n"),
            Category(id: "authentication", title: "Authentication and sender identity", order: 4,
                     summary: "SPF, DKIM, DMARC.", description: "Authentication."),
        ]
        let entries = [
            Entry(
                id: "mailbox-unknown", category: "recipient", title: "The mailbox does not exist", reply: 550,
                status: "5.1.1", reason: "mailbox-not-found", permanence: .permanent, action: .suppressAddress,
                summary: "The receiving server has no mailbox with that name.",
                match: ["user unknown", "no such user {email}"], providers: ["Postfix", "Exim"],
                related: ["mailbox-full"],
                references: [Reference(title: "RFC 3463", url: "https://www.rfc-editor.org/rfc/rfc3463")],
                details: "The server said *no*.\n\n<script>alert(1)</script>\n\nInline <b>raw</b> HTML and [a link](javascript:alert(1)).",
                resolution: "1. Check the address.\n2. Stop mailing it.\n"
            ),
            Entry(
                id: "mailbox-full", category: "recipient", title: "Mailbox full — café ✓", reply: 452, status: "4.2.2",
                reason: "mailbox-full", permanence: .transient, action: .retryLater,
                summary: "Over quota; retry later.", match: ["mailbox full"], related: ["mailbox-unknown"],
                details: "Quota \"exceeded\" for {email}; 100% — ünïcödé.", resolution: "Wait and retry."
            ),
            Entry(
                id: "account-suspended", category: "sender", title: "Your sending account is suspended", reply: 554,
                status: nil, reason: "smtp-session-error", permanence: .permanent, action: .fixSenderConfig,
                summary: "The provider suspended the account you send from.", match: [],
                details: "Details with `code` and a\nsoft break.", resolution: "Contact the provider."
            ),
            Entry(
                id: "dmarc-reject", category: "authentication", title: "DMARC reject", reply: 550, status: "5.7.26",
                reason: "sender-auth-failed", permanence: .permanent, action: .fixSenderConfig,
                summary: "The From domain's DMARC policy rejected the message.",
                match: ["dmarc policy"], providers: ["Gmail"],
                details: "## Not a section\n\nText.", resolution: "Fix SPF and DKIM."
            ),
            Entry(
                id: "banned-ip", category: "authentication", title: "Banned sending IP", reply: 550, status: "5.7.606",
                reason: "sender-blocked", permanence: .transient, action: .fixSenderConfig,
                summary: "Microsoft banned the sending IP.", match: ["banned sending ip"],
                details: "Blocked.", resolution: "Delist."
            ),
        ]
        return KnowledgeBase(
            site: Site(title: "BounceKB", description: "Bounce causes explained.", baseURL: baseURL, language: "en"),
            categories: categories, entries: entries
        )
    }

    /// The files as a path → contents dictionary.
    static func files(_ kb: KnowledgeBase = knowledgeBase()) throws -> [String: Data] {
        Dictionary(try APIWriter.files(for: kb, generator: generator).map { ($0.path, $0.contents) },
                   uniquingKeysWith: { first, _ in first })
    }

    static func object(_ data: Data?) throws -> [String: Any] {
        let data = try #require(data)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Writes `files` under a fresh temporary folder and returns it.
    static func writeToTemporaryFolder(_ files: [String: Data]) throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("bouncekb-api-tests-\(UUID().uuidString)", isDirectory: true)
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url)
        }
        return root
    }
}

/// Validates JSON files against the published schemas with Python's `jsonschema`, an
/// implementation independent of ours. Every file is checked twice: against the schema as
/// published, and against a strict copy that forbids undeclared properties (so the schemas
/// cannot silently fall behind the files).
enum APISchemaValidator {
    struct Outcome {
        var succeeded: Bool
        var output: String
    }

    static let script = #"""
    import json, pathlib, sys
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        print("Python package 'jsonschema' is missing: run 'python3 -m pip install jsonschema' (or apt-get install python3-jsonschema)")
        sys.exit(2)

    schema_dir = pathlib.Path(sys.argv[1])

    def strict(node):
        if isinstance(node, dict):
            node = {key: strict(value) for key, value in node.items()}
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [strict(value) for value in node]
        return node

    schemas = {}
    for path in sorted(schema_dir.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        schemas[path.name[: -len(".schema.json")]] = schema

    errors = []
    checked = 0
    for pair in sys.argv[2:]:
        file_name, schema_name = pair.rsplit("=", 1)
        data = json.loads(pathlib.Path(file_name).read_bytes().decode("utf-8"))
        for mode, schema in (("published", schemas[schema_name]), ("strict", strict(schemas[schema_name]))):
            for error in Draft202012Validator(schema).iter_errors(data):
                location = "/".join(str(part) for part in error.absolute_path)
                errors.append(f"{file_name} [{mode} {schema_name} schema] at /{location}: {error.message}")
        checked += 1
    print(f"checked {checked} files against {len(schemas)} schemas")
    print("\n".join(errors))
    sys.exit(1 if errors else 0)
    """#

    /// Validates each file (absolute path) against the schema named (e.g. "entry") in `schemaFolder`.
    static func validate(_ pairs: [(file: URL, schema: String)], schemaFolder: URL) throws -> Outcome {
        let scriptURL = schemaFolder.deletingLastPathComponent().appendingPathComponent("validate-\(UUID().uuidString).py")
        try Data(script.utf8).write(to: scriptURL)
        defer { try? FileManager.default.removeItem(at: scriptURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, schemaFolder.path] + pairs.map { "\($0.file.path)=\($0.schema)" }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Outcome(succeeded: process.terminationReason == .exit && process.terminationStatus == 0, output: output)
    }
}
