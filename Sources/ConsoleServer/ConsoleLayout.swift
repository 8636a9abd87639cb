/// The frame of every page: head, navigation (with access keys 1 to 6), the user and logout,
/// the flash message, and the page's content in `<main>`.
enum ConsoleLayout {
    /// The pages in the navigation: path, label.
    static let pages: [(path: String, label: String)] = [
        ("/registrations", "Registrations"), ("/security", "Security"), ("/phones", "Phones"), ("/rules", "Rules"),
        ("/analysis", "Analysis"), ("/trunks", "Trunks"),
    ]

    /// A whole page.
    static func page(title: String, active: String, session: ConsoleSessions.Session?, flash: String? = nil, _ content: String) -> String {
        var nav = ""
        if let session {
            nav += "<nav aria-label=\"Pages\"><ul>"
            for (index, page) in pages.enumerated() {
                let current = page.path == active ? " aria-current=\"page\"" : ""
                nav += "<li><a href=\"\(page.path)\" accesskey=\"\(index + 1)\"\(current)>\(page.label)</a></li>"
            }
            nav += "</ul><form method=\"post\" action=\"/logout\" class=\"who\">\(HTML.csrfField(session))"
            nav += "<span>\(HTML.escape(session.user)) (\(session.role.rawValue))</span> <button type=\"submit\">Log out</button></form></nav>"
        }
        let message = flash.map { "<p class=\"flash\" role=\"status\">\(HTML.escape($0))</p>" } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · SIPWarden</title>
            <link rel="stylesheet" href="/assets/console.css">
            <script src="/assets/console.js" defer></script>
            </head><body>
            <a class="skip" href="#main">Skip to content</a>
            <header><span class="brand">SIPWarden</span>\(nav)</header>
            <main id="main"><h1>\(HTML.escape(title))</h1>\(message)
            \(content)
            </main></body></html>
            """
    }
}
