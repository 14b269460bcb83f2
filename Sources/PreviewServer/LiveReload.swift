import BounceKB
import Foundation
import SiteBuilder

/// What `bouncekb serve` adds to HTML pages, and only there: a script that reloads the page
/// when a new build is ready, and an overlay listing the errors while the latest build fails.
///
/// The script and the overlay's styles are separate files under `/__bouncekb/`, not inline, so
/// a template that sets a strict Content-Security-Policy (`script-src 'self'`) still works.
enum LiveReload {
    /// How many diagnostics the overlay lists; the terminal shows them all.
    static let overlayLimit = 50

    /// Polls the version endpoint and reloads when it changes. A server that went away is
    /// retried more slowly; when it comes back with another version the page reloads.
    static let script = """
        // bouncekb serve: reload this page when the site is rebuilt.
        (function () {
          "use strict";
          var me = document.currentScript;
          var version = me ? me.getAttribute("data-version") : null;
          var overlay = document.getElementById("bouncekb-overlay");
          if (overlay) {
            var close = overlay.querySelector("button");
            if (close) close.addEventListener("click", function () { overlay.hidden = true; });
          }
          function poll(delay) {
            setTimeout(function () {
              fetch("\(PreviewResponder.versionPath)", { cache: "no-store" })
                .then(function (response) { return response.json(); })
                .then(function (state) {
                  if (version !== null && state.version !== version) { location.reload(); return; }
                  poll(500);
                })
                .catch(function () { poll(2000); });
            }, delay);
          }
          poll(500);
        })();

        """

    static let stylesheet = """
        /* bouncekb serve: the build-error overlay. */
        #bouncekb-overlay { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
          background: #18181b; color: #f4f4f5; padding: 2rem 1rem; opacity: 1;
          font: 15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        #bouncekb-overlay[hidden] { display: none; }
        #bouncekb-overlay .bouncekb-box { max-width: 60rem; margin: 0 auto; }
        #bouncekb-overlay h2 { font-family: inherit; font-size: 1.25rem; font-weight: bold; line-height: 1.3; margin: 0 0 0.5rem; padding: 0; border: 0; color: #fca5a5; }
        #bouncekb-overlay p { margin: 0.5rem 0; }
        #bouncekb-overlay ol { list-style: none; padding: 0; margin: 1rem 0; }
        #bouncekb-overlay li { padding: 0.5rem 0.75rem; margin: 0 0 0.5rem; border-left: 4px solid #f87171;
          background: rgba(255, 255, 255, 0.06); white-space: pre-wrap; overflow-wrap: anywhere; }
        #bouncekb-overlay li.warning { border-left-color: #facc15; }
        #bouncekb-overlay .bouncekb-location { color: #93c5fd; }
        #bouncekb-overlay .bouncekb-severity { font-weight: bold; }
        #bouncekb-overlay button { font: inherit; padding: 0.25rem 0.75rem; cursor: pointer; }

        """

    /// The tags added before `</body>`: the overlay when the latest build failed, then the script.
    static func tags(snapshot: PreviewSnapshot) -> String {
        var tags = ""
        if let failure = snapshot.failure {
            tags += overlay(failure, showingLastGoodBuild: snapshot.site != nil)
        }
        tags += "<script src=\"\(PreviewResponder.scriptPath)\" data-version=\"\(HTML.escape(snapshot.version))\"></script>\n"
        return tags
    }

    /// `html` with the preview's tags before its last `</body>`, or at its end when there is none.
    static func inject(into html: String, snapshot: PreviewSnapshot) -> String {
        let tags = tags(snapshot: snapshot)
        guard let range = html.range(of: "</body>", options: [.caseInsensitive, .backwards]) else {
            return html + tags
        }
        return html.replacingCharacters(in: range.lowerBound..<range.lowerBound, with: tags)
    }

    /// The overlay: the failed step, then each diagnostic as `file:line:column`, severity and message.
    static func overlay(_ failure: BuildFailure, showingLastGoodBuild: Bool) -> String {
        let diagnostics = failure.diagnostics.sorted { ($0.severity == .error ? 0 : 1, $0) < ($1.severity == .error ? 0 : 1, $1) }
        var html = "<link rel=\"stylesheet\" href=\"\(PreviewResponder.stylesheetPath)\">\n"
        html += "<div id=\"bouncekb-overlay\" role=\"alertdialog\" aria-modal=\"true\" aria-labelledby=\"bouncekb-overlay-title\">"
        html += "<div class=\"bouncekb-box\">\n"
        let errors = diagnostics.errorCount
        let title = errors > 0 ? "The site could not be rebuilt: \(errors) \(errors == 1 ? "error" : "errors")" : "The site could not be rebuilt"
        html += "<h2 id=\"bouncekb-overlay-title\">\(HTML.escape(title))</h2>\n"
        html += "<p>\(HTML.escape(failure.description))</p>\n"
        if !diagnostics.isEmpty {
            html += "<ol>\n"
            for diagnostic in diagnostics.prefix(overlayLimit) {
                html += "<li class=\"\(diagnostic.severity.rawValue)\"><span class=\"bouncekb-location\">\(HTML.escape(location(diagnostic)))</span>: "
                html += "<span class=\"bouncekb-severity\">\(diagnostic.severity.rawValue)</span>: \(HTML.escape(diagnostic.message))</li>\n"
            }
            html += "</ol>\n"
            if diagnostics.count > overlayLimit {
                html += "<p>… and \(diagnostics.count - overlayLimit) more; the terminal lists them all.</p>\n"
            }
        }
        let served = showingLastGoodBuild ? "You are looking at the last good build. " : ""
        html += "<p>\(served)Fix the file and save it: this page reloads by itself.</p>\n"
        if showingLastGoodBuild {
            html += "<p><button type=\"button\">Hide until the next build</button></p>\n"
        }
        html += "</div></div>\n"
        return html
    }

    /// `file:line:column`, leaving out a zero line or column, as in the terminal.
    static func location(_ diagnostic: Diagnostic) -> String {
        var text = diagnostic.file
        if diagnostic.line > 0 {
            text += ":\(diagnostic.line)"
            if diagnostic.column > 0 { text += ":\(diagnostic.column)" }
        }
        return text
    }

    /// The page served at every address while no build has succeeded yet.
    static func errorPage(snapshot: PreviewSnapshot) -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>Build failed · bouncekb serve</title>\n</head>\n<body>\n"
        page += "<main><h1>bouncekb serve</h1><p>The site has not built yet.</p></main>\n</body>\n</html>\n"
        return inject(into: page, snapshot: snapshot)
    }
}
