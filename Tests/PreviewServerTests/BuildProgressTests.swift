import Foundation
import SiteBuilder
import Testing
@testable import PreviewServer

/// The progress line: only on a terminal, only after the delay, erased at the end.
struct BuildProgressTests {
    final class Clock: @unchecked Sendable {
        var now: TimeInterval = 0
    }

    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ more: String) { lock.lock(); text += more; lock.unlock() }
        var value: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    @Test func quietBuildsPrintNothing() {
        let clock = Clock()
        let output = Output()
        let progress = BuildProgress(enabled: true, delay: 1, write: { output.append($0) }, clock: { clock.now })
        progress.step(.load)
        clock.now = 0.5
        progress.redraw()
        progress.finish()
        #expect(output.value.isEmpty)
    }

    @Test func longBuildsShowStepAndPagesThenErase() {
        let clock = Clock()
        let output = Output()
        let progress = BuildProgress(enabled: true, delay: 1, write: { output.append($0) }, clock: { clock.now })
        progress.step(.load)
        clock.now = 1.5
        progress.step(.render)
        progress.expect(pages: 200)
        progress.advance(pages: 50)
        progress.redraw()
        #expect(output.value.contains("step 3/\(StepName.allCases.count) render, 50/200 pages"))
        progress.finish()
        #expect(output.value.hasSuffix("\r\u{1B}[K"))
    }

    @Test func disabledProgressNeverWrites() {
        let output = Output()
        let progress = BuildProgress(enabled: false, delay: 0, write: { output.append($0) })
        progress.step(.render)
        progress.redraw()
        progress.finish()
        #expect(output.value.isEmpty)
    }

    @Test func onlyOnATerminalOutsideCI() {
        #expect(BuildProgress.isWanted(stderrIsTerminal: true, environment: [:], quiet: false))
        #expect(!BuildProgress.isWanted(stderrIsTerminal: false, environment: [:], quiet: false))
        #expect(!BuildProgress.isWanted(stderrIsTerminal: true, environment: ["CI": "true"], quiet: false))
        #expect(!BuildProgress.isWanted(stderrIsTerminal: true, environment: ["TERM": "dumb"], quiet: false))
        #expect(!BuildProgress.isWanted(stderrIsTerminal: true, environment: [:], quiet: true))
    }
}
