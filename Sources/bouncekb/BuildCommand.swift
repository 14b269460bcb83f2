import ArgumentParser
import BounceKB
import Foundation
import PreviewServer
import SiteBuilder

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render the content through the templates into a static site.",
        discussion: """
            Runs load, validate, render, index, json-api and write. Content problems are printed \
            exactly as 'bouncekb check' prints them. The site is written to a temporary folder beside \
            the output and swapped in only when complete, so a failed build leaves the previous site \
            untouched. Ends with one summary line. Exit status: 0 on success, 1 when the content, \
            the templates or the output folder have errors, 2 on a usage error.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The content folder, holding site.yml and the category folders.", valueName: "dir"))
    var content = "content"

    @Option(name: .long, help: ArgumentHelp("The templates folder: *.mustache files and assets/.", valueName: "dir"))
    var templates = "templates"

    @Option(name: .long, help: ArgumentHelp("The folder the site is written to (replaced as a whole).", valueName: "dir"))
    var output = "public"

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Where the site is published: '/', a path such as '/help/', or an absolute https:// URL. Overrides base_url in site.yml.", valueName: "url"))
    var baseURL: String?

    @OptionGroup var verbosity: VerbosityOptions

    func validate() throws {
        if let baseURL, BaseURL(baseURL) == nil {
            throw ValidationError("--base-url must be '/', a path such as '/help/', or an absolute http(s) URL")
        }
    }

    func run() throws {
        let environment = CommandEnvironment.current()
        let started = ContinuousClock.now
        let options = SiteBuildOptions(
            contentDirectory: environment.url(for: content),
            templatesDirectory: environment.url(for: templates),
            outputDirectory: environment.url(for: output),
            baseURL: baseURL,
            displayRoot: environment.workingDirectory
        )
        SiteBuilder.limitAllocatorArenas(environment: environment.variables, contentDirectory: options.contentDirectory)
        let formatter = environment.stdoutFormatter
        // Progress goes to standard error on a terminal only (see `BuildProgress.isWanted`).
        let reporter = BuildReporter(progress: BuildProgress.standardError(
            stderrIsTerminal: environment.stderrIsTerminal, environment: environment.variables, quiet: verbosity.quiet))
        do throws(BuildFailure) {
            let summary = try SiteBuilder(options: options, onEvent: { reporter.handle($0) }).build()
            let timings = reporter.finish()
            let seconds = (ContinuousClock.now - started).seconds
            let line = "built \(count(summary.pages, "page")) (\(count(summary.files, "file")), \(count(summary.bytes, "byte"))) into \(output) in \(String(format: "%.2f", seconds)) s"
            if verbosity.level != .quiet {
                let renders = summary.templateRenders
                let steps = verbosity.level == .verbose
                    ? BuildReporter.timingLine(timings) + "\n"
                        + "templates: \(renders.filled) of \(renders.filled + renders.rendered) renders filled from \(count(renders.shapes, "skeleton"))\n"
                    : ""
                FileHandle.standardOutput.write(Data((formatter.format(summary.diagnostics) + steps + line + "\n").utf8))
            }
        } catch {
            _ = reporter.finish()
            let shown = verbosity.level == .quiet ? error.diagnostics.filter { $0.severity == .error } : error.diagnostics
            FileHandle.standardOutput.write(Data(formatter.format(shown).utf8))
            let diagnosticCounts = error.diagnostics.isEmpty ? "" : " (\(count(error.diagnostics.errorCount, "error")), \(count(error.diagnostics.warningCount, "warning")))"
            writeToStandardError("bouncekb: \(error)\(diagnosticCounts); \(output) was not changed\n")
            throw CommandExit.failure
        }
    }

    private func count(_ number: Int, _ singular: String) -> String {
        "\(number) \(singular)\(number == 1 ? "" : "s")"
    }
}

private extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
