import BounceKB
import Foundation
import Testing
@testable import SiteBuilder

/// `FixedPartials`: partials rendered once per link root must print exactly what rendering
/// them on every page printed, and anything the analysis cannot vouch for stays as it was.
@Suite struct FixedPartialsTests {
    @Test func theShippedHeaderAndFooterAreFixedButNotPageSpecificPartials() throws {
        let fixed = try Fixtures.templateSet().fixedPartials
        #expect(fixed.reads["partials/header"] != nil)
        #expect(fixed.reads["partials/footer"] != nil)
        // The header includes the search box, whose names count as the header's.
        #expect(fixed.reads["partials/header"]?.contains("searchPage") == true)
        // Breadcrumbs are included inside a section, so they are rendered per page.
        #expect(fixed.reads["partials/breadcrumbs"] == nil)
    }

    @Test func everyPageIsTheSameWithAndWithoutFixedPartials() throws {
        for baseURL in ["/", "/help/", "https://help.example.com/docs/"] {
            var kb = Fixtures.knowledgeBase
            kb.site.baseURL = baseURL
            let renderer = try SiteRenderer(knowledgeBase: kb, codes: .registry, templates: Fixtures.templateSet())
            var replacedSomewhere = false
            for job in renderer.model.jobs {
                let name = SiteModel.template(for: job.kind)
                let context = renderer.model.context(for: job)
                let plain = renderer.templates.library.render(context, withTemplate: name)
                #expect(plain != nil)
                #expect(renderer.renderPageText(job) == plain, "\(job.path) with base \(baseURL)")
                let root = Links(page: job.path, base: renderer.model.base).root
                if renderer.fixedPartials.library(for: context, root: root, frame: renderer.model.frame(root: root)) != nil {
                    replacedSomewhere = true
                }
            }
            #expect(replacedSomewhere)
        }
    }

    @Test func pagesThatChangeAPageWideValueRenderThePartialThemselves() throws {
        let renderer = try SiteRenderer(knowledgeBase: Fixtures.knowledgeBase, codes: .registry, templates: Fixtures.templateSet())
        let cache = renderer.fixedPartials
        let home = try #require(renderer.model.jobs.first { $0.kind == .home })
        let codes = try #require(renderer.model.jobs.first { $0.kind == .codesIndex })
        let entry = try #require(renderer.model.jobs.first { if case .entry = $0.kind { return true } else { return false } })
        func replaced(_ job: PageJob) -> Bool {
            let root = Links(page: job.path, base: renderer.model.base).root
            let context = renderer.model.context(for: job)
            guard let library = cache.library(for: context, root: root, frame: renderer.model.frame(root: root)) else { return false }
            // A replaced header is a template of plain text: it renders the same for any context.
            return library.render(["homeHref": "changed"] as [String: Any], withTemplate: "partials/header")?.contains("changed") == false
        }
        #expect(!replaced(home), "the home page sets isHome, which the header reads")
        #expect(!replaced(codes), "the codes page sets nav, which the header reads")
        #expect(replaced(entry))
    }

    @Test func aPageTemplateIncludedAsAPartialIsNeverReplaced() throws {
        let templates = try Fixtures.templateSet()
        let fixed = FixedPartials(reads: ["404": ["site"], "partials/footer": ["site", "homeHref", "codesHref", "providersHref"]])
        let cache = FixedPartialCache(templates: templates, fixed: fixed, pageTemplates: ["404"])
        let frame = SiteModel.frame(site: Fixtures.knowledgeBase.site, language: "en", root: "../")
        let library = try #require(cache.library(for: frame as [String: Any], root: "../", frame: frame))
        // The 404 template is still the real one: it shows a changed site title.
        var changed = frame as [String: Any]
        changed["site"] = ["title": TextValue("A changed title"), "description": TextValue("d"), "language": TextValue("en")] as [String: TextValue]
        #expect(library.render(changed, withTemplate: "404")?.contains("A changed title") == true)
    }

    @Test func partialsTheAnalysisCannotVouchForAreNotFixed() {
        let sources = [
            "page": "{{>plain}}\n{{#list}}\n{{>inSection}}\n{{/list}}\n  {{>indented}}\n{{>dotted}}\n{{>block}}\n{{>transformed}}\n{{>outer}}\n",
            "plain": "<p>{{site.title}}</p>",
            "inSection": "<p>{{site.title}}</p>",
            "indented": "<p>{{site.title}}</p>",
            "dotted": "<p>{{.}}</p>",
            "block": "{{$part}}x{{/part}}",
            "transformed": "{{uppercased(root)}}",
            "outer": "{{>inner}}",
            "inner": "{{root}}",
        ]
        let fixed = FixedPartials.find(in: sources)
        #expect(fixed.reads["plain"] == ["site"])
        #expect(fixed.reads["inSection"] == nil)
        #expect(fixed.reads["indented"] == nil)
        #expect(fixed.reads["dotted"] == nil)
        #expect(fixed.reads["block"] == nil)
        #expect(fixed.reads["transformed"] == nil)
        #expect(fixed.reads["outer"] == ["root"])
        // `inner` is included by a partial, not by a page: only `outer` as a whole is fixed.
        #expect(fixed.reads["inner"] == nil)

        // A partial that is also a page's parent keeps rendering that page's blocks.
        var withParent = sources
        withParent["other"] = "{{<plain}}{{$part}}x{{/part}}{{/plain}}"
        #expect(FixedPartials.find(in: withParent).reads["plain"] == nil)

        // Other delimiters hide tags from the analysis, so nothing is fixed.
        var withDelimiters = sources
        withDelimiters["page"] = "{{=<% %>=}}\n<%#list%><%>plain%><%/list%>\n"
        #expect(FixedPartials.find(in: withDelimiters).reads.isEmpty)
    }
}
