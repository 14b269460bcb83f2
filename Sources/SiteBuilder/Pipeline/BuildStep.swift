import BounceKB

/// The named steps of a site build, in the order they run.
public enum StepName: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Read content/ and templates/.
    case load
    /// Content validation and the site's own publishing checks.
    case validate
    /// Render every page and collect the assets.
    case render
    /// Files that index the pages: sitemap.xml (and the search index once it exists).
    case index
    /// The JSON API under api/.
    case api = "json-api"
    /// Write everything to a temporary folder and swap it in for the output folder.
    case write

    public var description: String { rawValue }
}

/// Why a build stopped: the step, the file or folder concerned when there is one, and the
/// diagnostics that caused it (content and template errors) when there are any.
public struct BuildFailure: Error, Sendable, CustomStringConvertible {
    public var step: StepName
    /// The path the failure concerns (an output file, a template, the output folder), if any.
    public var path: String?
    public var message: String
    /// Every diagnostic collected up to the failure, errors and warnings, sorted.
    public var diagnostics: [Diagnostic]

    public init(step: StepName, path: String? = nil, message: String, diagnostics: [Diagnostic] = []) {
        self.step = step
        self.path = path
        self.message = message
        self.diagnostics = diagnostics
    }

    /// `build failed in step <step>: <path>: <message>`.
    public var description: String {
        "build failed in step \(step): " + (path.map { "\($0): " } ?? "") + message
    }
}

/// One step of the build as a value: a name and the work it does.
///
/// A step receives its input and the build's diagnostics so far (warnings it finds are
/// appended); it returns its output or throws. Whatever it throws comes out as a
/// `BuildFailure` that names the step.
public struct BuildStep<Input, Output>: Sendable {
    public let name: StepName
    private let body: @Sendable (Input, inout [Diagnostic]) throws -> Output

    public init(_ name: StepName, _ body: @escaping @Sendable (Input, inout [Diagnostic]) throws -> Output) {
        self.name = name
        self.body = body
    }

    /// Runs the step.
    public func run(_ input: Input, diagnostics: inout [Diagnostic]) throws(BuildFailure) -> Output {
        do {
            return try body(input, &diagnostics)
        } catch let failure as BuildFailure {
            var failure = failure
            failure.step = name
            if failure.diagnostics.isEmpty { failure.diagnostics = diagnostics.sorted() }
            throw failure
        } catch let error as SiteRenderError {
            throw BuildFailure(step: name, path: error.path, message: error.message, diagnostics: diagnostics.sorted())
        } catch {
            throw BuildFailure(step: name, message: "\(error)", diagnostics: diagnostics.sorted())
        }
    }
}
