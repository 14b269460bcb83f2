import BounceKB
import Foundation

extension CodeCatalog {
    /// The project's code registry: every reply code and every enhanced status code.
    public static let registry: CodeCatalog = {
        let replies = CodeRegistry.replyCodes.map { info in
            CodeInfo(
                kind: .reply, slug: String(info.code), label: String(info.code), title: info.title,
                explanation: info.explanation, reference: info.rfc, permanence: info.permanence, sortKey: [info.code]
            )
        }
        let enhanced = CodeRegistry.enhancedCodes.map { info in
            CodeInfo(
                kind: .enhanced, slug: info.pattern.lowercased(), label: info.pattern, title: info.title,
                explanation: info.explanation, reference: info.reference, deprecated: info.deprecated,
                replacedBy: info.replacedBy?.lowercased(), sortKey: [info.subject, info.detail]
            )
        }
        var classes: [Int: DigitMeaning] = [:]
        for digit in 2...5 {
            if let title = CodeRegistry.classTitle(digit), let meaning = CodeRegistry.classMeaning(digit) {
                classes[digit] = DigitMeaning(title: title, meaning: meaning)
            }
        }
        var subjects: [Int: DigitMeaning] = [:]
        for digit in 0...7 {
            if let title = CodeRegistry.subjectTitle(digit), let meaning = CodeRegistry.subjectMeaning(digit) {
                subjects[digit] = DigitMeaning(title: title, meaning: meaning)
            }
        }
        return CodeCatalog(replyCodes: replies, enhancedCodes: enhanced, classMeanings: classes, subjectMeanings: subjects)
    }()
}

extension SiteServices {
    /// The project's loader (with its validation and lint), JSON API and code registry.
    public static var standard: SiteServices {
        var services = SiteServices(
            loadContent: { directory, displayRoot in
                var loader = ContentLoader(contentDirectory: directory, displayRoot: displayRoot)
                loader.defersSectionLint = true
                var result = loader.load()
                // Each entry's field positions (some 0.1 s to free at 100,000 entries) are only
                // for diagnostics, which are made by now: moved out and freed on another thread.
                var fieldPositions: [String: EntrySource] = [:]
                swap(&fieldPositions, &result.entrySources)
                let rest = DeferredRelease()
                rest.add(consume fieldPositions)
                rest.releaseInBackground()
                var content = LoadedContent(knowledgeBase: result.knowledgeBase, diagnostics: result.diagnostics, sourceFiles: result.sourceFiles)
                content.sectionLint = result.sectionLint
                return content
            },
            apiFiles: { kb, generator in
                try APIWriter.files(for: kb, generator: generator).map { OutputFile(path: $0.path, contents: $0.contents) }
            },
            codes: .registry
        )
        services.writesStandardAPI = true
        return services
    }
}
