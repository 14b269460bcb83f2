import BounceKB
import Dispatch
import Foundation
import SiteBuilder

/// What one preview build produced: the whole site in memory, or why it failed.
public enum PreviewBuildOutcome: Sendable {
    /// Every file of the site, with the warnings found on the way.
    case built(PreviewSite, warnings: [Diagnostic])
    /// The build stopped; `failure.diagnostics` holds the errors (and warnings) to show.
    case failed(BuildFailure)
}

/// The site of one successful build, held in memory and looked up by output path.
public struct PreviewSite: Sendable {
    /// Output path (`mailbox/index.html`) → bytes. Only looked up, never listed into output.
    private let files: [String: Data]
    /// HTML pages rendered.
    public let pages: Int

    public init(files: [OutputFile], pages: Int) {
        var table: [String: Data] = [:]
        table.reserveCapacity(files.count)
        for file in files { table[file.path] = file.contents }
        self.files = table
        self.pages = pages
    }

    /// The bytes of the file at `path` (relative, `/`-separated), if the site has it.
    public func file(_ path: String) -> Data? { files[path] }

    /// How many files the site has.
    public var fileCount: Int { files.count }

    /// Whether the site has a file at `path`.
    public func contains(_ path: String) -> Bool { files[path] != nil }
}

/// Runs the site pipeline up to, but not including, the write step, so the result stays in
/// memory: `bouncekb serve` never touches `public/` or any other folder.
public struct PreviewBuilder: Sendable {
    /// Where content and templates are read from; `outputDirectory` is never used.
    public var options: SiteBuildOptions
    public var services: SiteServices

    /// - Parameters:
    ///   - contentDirectory: the `content/` folder.
    ///   - templatesDirectory: the `templates/` folder.
    ///   - displayRoot: diagnostics show paths relative to this folder (normally the working directory).
    ///   - services: the loader, validator and API the build uses.
    public init(contentDirectory: URL, templatesDirectory: URL, displayRoot: URL?, services: SiteServices = .standard) {
        // The preview is served from the server's root, whatever base_url says: a sub-path or an
        // absolute production URL would send the 404 page's links (and canonical links) elsewhere.
        options = SiteBuildOptions(
            contentDirectory: contentDirectory,
            templatesDirectory: templatesDirectory,
            outputDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("bouncekb-preview-unused"),
            baseURL: "/",
            displayRoot: displayRoot,
            generator: "bouncekb serve"
        )
        self.services = services
    }

    /// Builds the site once. `progress` hears each step as it starts (on the calling thread).
    public func build(progress: BuildProgress? = nil) -> PreviewBuildOutcome {
        let builder = SiteBuilder(options: options, services: services)
        var diagnostics: [Diagnostic] = []
        do throws(BuildFailure) {
            progress?.step(.load)
            let loaded = try builder.load.run(options, diagnostics: &diagnostics)
            progress?.step(.validate)
            let validated = try builder.validate.run(loaded, diagnostics: &diagnostics)
            progress?.step(.render)
            let rendered = try builder.render.run(validated, diagnostics: &diagnostics)
            progress?.step(.index)
            let indexed = try builder.index.run(rendered, diagnostics: &diagnostics)
            progress?.step(.api)
            let complete = try builder.api.run(indexed, diagnostics: &diagnostics)
            progress?.finish()
            let site = PreviewSite(files: complete.files, pages: complete.pages)
            return .built(site, warnings: diagnostics.filter { $0.severity == .warning }.sorted())
        } catch {
            progress?.finish()
            return .failed(error)
        }
    }

    /// Builds on a thread of its own, so the server's tasks keep answering meanwhile.
    public func buildInBackground(progress: BuildProgress? = nil) async -> PreviewBuildOutcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: build(progress: progress))
            }
        }
    }
}
