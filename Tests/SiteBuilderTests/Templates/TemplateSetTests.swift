import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

@Suite struct TemplateSetTests {
    /// A copy of the project's templates in a temporary folder, to break on purpose.
    static func copyOfTemplates(_ name: String = #function) throws -> URL {
        let folder = try Fixtures.temporaryFolder(name).appendingPathComponent("templates")
        try FileManager.default.copyItem(at: Fixtures.templates.resolvingSymlinksInPath(), to: folder)
        return folder
    }

    @Test func projectTemplatesLoadCleanly() throws {
        let loaded = TemplateSet.load(from: Fixtures.templates)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let set = try #require(loaded.templates)
        for (name, _) in TemplateSet.required { #expect(set.names.contains(name)) }
        #expect(set.names.contains("partials/header"))
        #expect(set.assets.map(\.path).contains("assets/site.css"))
        #expect(set.assets.map(\.path) == set.assets.map(\.path).sorted())
    }

    @Test func missingFolderIsADiagnostic() {
        let loaded = TemplateSet.load(from: URL(fileURLWithPath: "/nonexistent/templates"))
        #expect(loaded.templates == nil)
        #expect(loaded.diagnostics.count == 1)
        #expect(loaded.diagnostics.first?.file == "/nonexistent/templates")
        #expect(loaded.diagnostics.first?.severity == .error)
    }

    @Test func missingTemplateNamesTheFile() throws {
        let folder = try Self.copyOfTemplates()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("entry.mustache"))
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.templates == nil)
        #expect(loaded.diagnostics.map(\.description) == ["templates/entry.mustache: error: missing template entry.mustache (entry pages)"])
    }

    @Test func syntaxErrorsHaveFileLineAndColumn() throws {
        let folder = try Self.copyOfTemplates()
        try "{{<layout}}\n{{$content}}\n<p>{{#entries}}{{title}}</p>\n{{/content}}\n{{/layout}}\n"
            .write(to: folder.appendingPathComponent("category.mustache"), atomically: true, encoding: .utf8)
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.templates == nil)
        let diagnostic = try #require(loaded.diagnostics.first)
        #expect(loaded.diagnostics.count == 1)
        #expect(diagnostic.file == "templates/category.mustache")
        #expect(diagnostic.line == 4)
        #expect(diagnostic.column > 0)
        #expect(diagnostic.message.contains("closing tag does not match"))
    }

    @Test func unclosedTagIsReported() throws {
        let folder = try Self.copyOfTemplates()
        try "<p>\n{{title\n".write(to: folder.appendingPathComponent("404.mustache"), atomically: true, encoding: .utf8)
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.templates == nil)
        #expect(loaded.diagnostics.first?.file == "templates/404.mustache")
        #expect((loaded.diagnostics.first?.line ?? 0) >= 2)
    }

    @Test func unknownPartialIsReportedWhereItIsUsed() throws {
        let folder = try Self.copyOfTemplates()
        try "{{<layout}}\n{{$content}}\n  {{> partials/nope }}\n{{/content}}\n{{/layout}}\n"
            .write(to: folder.appendingPathComponent("providers.mustache"), atomically: true, encoding: .utf8)
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.templates == nil)
        #expect(loaded.diagnostics.map(\.description) == [
            "templates/providers.mustache:3:3: error: partial 'partials/nope' not found (expected partials/nope.mustache in the templates folder)",
        ])
    }

    @Test func invalidUTF8IsADiagnosticNotACrash() throws {
        let folder = try Self.copyOfTemplates()
        try Data([0x3C, 0x70, 0x3E, 0xFF, 0xFE]).write(to: folder.appendingPathComponent("home.mustache"))
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.diagnostics.map(\.description) == ["templates/home.mustache: error: template is not valid UTF-8"])
    }

    @Test func missingAssetsFolderIsOnlyAWarning() throws {
        let folder = try Self.copyOfTemplates()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("assets"))
        let loaded = TemplateSet.load(from: folder, displayRoot: folder.deletingLastPathComponent())
        #expect(loaded.templates != nil)
        #expect(loaded.diagnostics.map(\.severity) == [.warning])
        #expect(loaded.templates?.assets.isEmpty == true)
    }

    @Test func partialReferencesAreFoundWithPositions() {
        let references = TemplateSet.partialReferences(in: "a {{>one}} b\n{{< two }}{{>*dynamic}}{{! {{>not-a-tag?}} }}")
        #expect(references.map(\.name) == ["one", "two", "not-a-tag?"])
        #expect(references.map(\.line) == [1, 2, 2])
        #expect(references.map(\.column) == [3, 1, 28])
    }

    @Test func partialReferencesSkipLinesWithoutThemAndCountColumnsInCharacters() {
        // Lines with braces but no partial tag, a tag after non-ASCII text, and a third brace.
        let text = "{{title}} {{{html}}}\nno tags at all\ncafé ✓ {{> three}}\n{{{>four}}} {x{>no}}\n{{<five}}"
        let references = TemplateSet.partialReferences(in: text)
        #expect(references.map(\.name) == ["three", "five"])
        #expect(references.map(\.line) == [3, 5])
        #expect(references.map(\.column) == [8, 1])
        #expect(TemplateSet.partialReferences(in: "{{a}}\n{{#b}}{{/b}}").isEmpty)
    }
}
