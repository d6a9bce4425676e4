import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The hub's server-rendered pages for people (login, set password, a facilitator's groups):
/// Mustache templates, which escape every `{{value}}`; the templates never use the unescaped
/// `{{{value}}}` form (a test reads them). No scripts and no external assets, so they work
/// without JavaScript and under the hub's content policy. Values are escaped by Unicode scalar
/// (`ScalarHTMLEscaping`), not by Character as Mustache's own escaper does.
struct WebPages: Sendable {
    static let shared = WebPages()
    let library: MustacheLibrary

    init() {
        // Mustache's own HTML escaper works by Character, and a Unicode "prepend" mark (U+0600)
        // joins the `<` after it into one Character that it lets through. This one escapes by scalar.
        // It is chosen by a pragma at the start of every template and of every block a page fills
        // in, because a partial (the layout) starts with Mustache's default again.
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: "SCALARHTML")
        let pragma = "{{% CONTENT_TYPE: SCALARHTML}}"
        var library = MustacheLibrary()
        for (name, text) in [Self.templates, Self.adminTemplates, Self.facilitatorTemplates].joined() {
            // The templates are constants of this module; one that does not parse is a programming error.
            try! library.register(pragma + text.replacingOccurrences(of: "{{$content}}", with: "{{$content}}" + pragma), named: name)
        }
        self.library = library
    }

    /// `template` rendered with `values` (and the signed-in person's bar, when `values` has `user`).
    func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? ""
    }

    func response(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: render(template, values))))
    }

    static let templates: [String: String] = [
        "layout": """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{title}} · mentor-hub</title>{{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
            <style>
            body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
            header{display:flex;flex-wrap:wrap;gap:.4em 1em;align-items:center;padding:.6em 1.2em;background:#24425f;color:#fff}
            header form{margin:0 0 0 auto}header a{color:#fff}nav a{margin-right:.7em;white-space:nowrap}
            td form{display:inline;margin:0}td button{margin:0}dl{display:grid;grid-template-columns:auto 1fr;gap:0 1em}dd{margin:0}
            main{max-width:64em;margin:1.5em auto;padding:0 1.2em}
            label{display:block;margin:.8em 0 .2em;font-weight:600}
            input[type=email],input[type=password],input[type=text]{font:inherit;padding:.4em;width:100%;max-width:24em;box-sizing:border-box}
            button{font:inherit;padding:.4em 1.1em;margin-top:1em}
            .error{background:#fde8e8;border-left:4px solid #b42318;padding:.5em .8em}
            .note{color:#555}
            table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
            </style></head>
            <body>
            <header><strong>mentor-hub</strong>
            {{#user}}{{#admin}}<nav><a href="/dashboard">Dashboard</a> <a href="/admin/program">Program files</a> <a href="/admin/people">People</a>
            <a href="/admin/sessions">Sessions</a> <a href="/admin/kiosks">Kiosks</a> <a href="/admin/settings">Settings</a>
            <a href="/admin/rejected">Rejected</a> <a href="/admin/audit">Audit log</a></nav>{{/admin}}<span>{{email}} ({{role}})</span>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>{{/user}}
            </header>
            <main>
            <h1>{{title}}</h1>
            {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
            {{$content}}{{/content}}
            </main>
            </body>
            </html>

            """,
        "login": """
            {{<layout}}{{$content}}
            <form method="post" action="/login">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="next" value="{{next}}">
            <label for="email">Email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <div><button type="submit">Log in</button></div>
            </form>
            <p class="note">No password yet, or forgotten? Ask the program's admin for a set-password link.</p>
            {{/content}}{{/layout}}
            """,
        "set-password": """
            {{<layout}}{{$content}}
            <p>For <strong>{{account}}</strong>. At least {{minimum}} characters; a sentence you remember is good.</p>
            <form method="post" action="/set-password">
            <input type="hidden" name="token" value="{{token}}">
            <label for="password">New password</label>
            <input id="password" name="password" type="password" autocomplete="new-password" required minlength="{{minimum}}">
            <label for="confirm">The same again</label>
            <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="{{minimum}}">
            <div><button type="submit">Set password</button></div>
            </form>
            {{/content}}{{/layout}}
            """,
        "message": """
            {{<layout}}{{$content}}
            <p>{{message}}</p>
            {{#link}}<p><a href="{{href}}">{{label}}</a></p>{{/link}}
            {{/content}}{{/layout}}
            """,
    ]
}

/// HTML escaping by Unicode scalar: `&`, `<`, `>`, `"` and `'` are replaced wherever they
/// stand, also where a combining or prepended mark makes them part of a larger Character.
struct ScalarHTMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String { DashboardPage.escape(text) }
}
