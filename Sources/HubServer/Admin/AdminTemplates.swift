/// The web admin's templates (`WebPages` registers them with its own). Like those, they escape
/// every value (`{{value}}`, never `{{{value}}}`); values inside attributes are ids a program
/// file or form validated (`ProgramID`), numbers, tokens, or base64.
extension WebPages {
    static let adminTemplates: [String: String] = [
        "admin-message": """
            {{<layout}}{{$content}}
            <p role="status">{{message}}</p>
            <p><a href="{{back}}">Back</a></p>
            {{/content}}{{/layout}}
            """,
        "admin-program": """
            {{<layout}}{{$content}}
            {{#importError}}<div class="error" role="alert" id="import-error"><strong>The file was not imported.</strong>
            {{#file}}<dl><dt>File</dt><dd>{{file}}</dd><dt>Line</dt><dd id="error-line">{{line}}</dd>{{#column}}<dt>Column</dt><dd id="error-column">{{column}}</dd>{{/column}}</dl>{{/file}}
            <p id="error-message">{{message}}</p><p>Nothing was changed. Fix the file and upload it again.</p></div>{{/importError}}
            <p>Upload one of the program's CSV files. You see what it would change before anything is imported; a file with one bad row changes nothing.</p>
            <form method="post" action="/admin/program" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="kind">Which file</label>
            <select id="kind" name="kind">{{#kinds}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}.csv</option>{{/kinds}}</select>
            <label for="file">CSV file (at most {{limit}} MiB)</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required>
            <label><input type="checkbox" name="cancel_missing"> With sessions.csv: cancel the sessions still to come at its locations that it leaves out</label>
            <div><button type="submit">Check the file</button></div>
            </form>
            <h2>Columns</h2>
            <table><tbody>{{#columns}}<tr><th>{{kind}}.csv</th><td>{{list}}</td></tr>{{/columns}}</tbody></table>
            <p class="note">A column marked ? may be left out. docs/program-files.md describes each one.</p>
            {{/content}}{{/layout}}
            """,
        "admin-preview": """
            {{<layout}}{{$content}}
            <p role="status" id="preview-summary">Importing it would mean: <strong>{{summary}}</strong>. Nothing has changed yet.</p>
            <form method="post" action="/admin/program" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="kind" value="{{kind}}">
            <input type="hidden" name="content" value="{{content}}">
            <input type="hidden" name="signature" value="{{signature}}">
            {{#cancelMissing}}<input type="hidden" name="cancel_missing" value="on">{{/cancelMissing}}
            <input type="hidden" name="commit" value="import">
            <button type="submit" id="import">Import</button> <a href="/admin/program">Choose another file</a>
            </form>
            <table id="preview"><thead><tr><th>Change</th><th>Id</th><th>Name</th><th></th></tr></thead><tbody>
            {{#rows}}<tr><td>{{change}}</td><td>{{id}}</td><td>{{label}}</td><td>{{detail}}</td></tr>{{/rows}}
            </tbody></table>
            {{#more}}<p class="note">and {{more}} more rows.</p>{{/more}}
            {{/content}}{{/layout}}
            """,
        "admin-imported": """
            {{<layout}}{{$content}}
            <p role="status" id="import-summary">Imported: <strong>{{summary}}</strong>. Kiosks take it with their next directory.</p>
            <table id="imported"><thead><tr><th>Change</th><th>Id</th><th>Name</th><th></th></tr></thead><tbody>
            {{#rows}}<tr><td>{{change}}</td><td>{{id}}</td><td>{{label}}</td><td>{{detail}}</td></tr>{{/rows}}
            </tbody></table>
            {{#more}}<p class="note">and {{more}} more rows.</p>{{/more}}
            <p>{{#people}}<a href="/admin/people">All people</a> · {{/people}}<a href="/admin/program">Upload another file</a></p>
            {{/content}}{{/layout}}
            """,
        "admin-people": """
            {{<layout}}{{$content}}
            <h2>{{count}} participants</h2>
            <table id="people"><thead><tr><th>Id</th><th>Name</th><th>Role</th><th>Cohort</th><th>Active</th></tr></thead><tbody>
            {{#people}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{role}}</td><td>{{cohort}}</td><td>{{#active}}yes{{/active}}{{^active}}no{{/active}}</td></tr>{{/people}}
            </tbody></table>
            <h2>{{groupCount}} groups</h2>
            <table id="groups"><thead><tr><th>Id</th><th>Name</th><th>Kind</th><th>Members today</th></tr></thead><tbody>
            {{#groups}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{kind}}</td><td>{{members}}</td></tr>{{/groups}}
            </tbody></table>
            {{/content}}{{/layout}}
            """,
        "admin-sessions": """
            {{<layout}}{{$content}}
            <p>From yesterday to {{days}} days ahead. Open a session to cancel or move it; sessions.csv changes many at once.</p>
            {{^any}}<p>No sessions in this time.</p>{{/any}}
            {{#any}}<table id="sessions"><thead><tr><th>When</th><th>Session</th><th>Location</th><th>Group</th><th>Status</th></tr></thead><tbody>
            {{#sessions}}<tr><td>{{when}}</td><td><a href="{{link}}">{{title}}</a> ({{id}})</td><td>{{location}}</td><td>{{group}}</td><td>{{status}}</td></tr>{{/sessions}}
            </tbody></table>{{/any}}
            {{/content}}{{/layout}}
            """,
        "admin-session": """
            {{<layout}}{{$content}}
            <p><strong>{{sessionTitle}}</strong> · {{when}} · {{location}}{{#group}} · group {{group}}{{/group}} · <span id="status">{{status}}</span>{{#reason}} ({{reason}}){{/reason}}</p>
            {{#scheduled}}
            <h2>Move it</h2>
            <form method="post" action="/admin/session/reschedule">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
            <label for="starts_at">New start ({{zone}})</label><input id="starts_at" name="starts_at" type="datetime-local" value="{{starts}}" required>
            <label for="ends_at">New end</label><input id="ends_at" name="ends_at" type="datetime-local" value="{{ends}}" required>
            <div><button type="submit">Move the session</button></div>
            </form>
            <h2>Cancel it</h2>
            <form method="post" action="/admin/session/cancel">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
            <label for="reason">Reason (kiosks show it)</label><input id="reason" name="reason" type="text" maxlength="200">
            <div><button type="submit">Cancel the session</button></div>
            </form>
            {{/scheduled}}
            <p><a href="/admin/sessions">All sessions</a></p>
            {{/content}}{{/layout}}
            """,
        "admin-kiosks": """
            {{<layout}}{{$content}}
            <table id="kiosks"><thead><tr><th>Kiosk</th><th>Location</th><th>State</th><th>Last seen</th><th>Queue</th><th>Clock</th><th>Version</th><th>Stored</th><th>Rejected</th><th></th></tr></thead><tbody>
            {{#kiosks}}<tr><td>{{id}}</td><td>{{location}}</td><td>{{state}}</td><td>{{lastSeen}}</td><td>{{queue}}</td><td>{{clock}}</td><td>{{version}}</td><td>{{stored}}</td><td>{{rejected}}</td>
            <td><form method="post" action="/admin/kiosks/rotate"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kiosk_id" value="{{id}}"><button type="submit">New code</button></form>
            {{^revoked}}<form method="post" action="/admin/kiosks/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="kiosk_id" value="{{id}}">
            <input name="confirm" type="text" size="8" placeholder="{{id}}" aria-label="Type {{id}} to revoke"><button type="submit">Revoke</button></form>{{/revoked}}</td></tr>{{/kiosks}}
            </tbody></table>
            <h2>Add a kiosk</h2>
            <form method="post" action="/admin/kiosks/add">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="kiosk_id">Kiosk id</label><input id="kiosk_id" name="kiosk_id" type="text" required maxlength="64" pattern="[A-Za-z0-9._-]+">
            <label for="location">Location (as sessions.csv names it)</label><input id="location" name="location" type="text" required maxlength="200">
            <div><button type="submit">Add the kiosk</button></div>
            </form>
            {{/content}}{{/layout}}
            """,
        "admin-enrollment": """
            {{<layout}}{{$content}}
            <p>The enrollment code of kiosk {{kiosk}}, shown once:</p>
            <p><code id="enrollment-code" style="font-size:1.6em">{{code}}</code></p>
            <p>On the kiosk, as its admin:</p>
            <pre id="enroll-command">{{command}}</pre>
            <p class="note">The code works once. Until it is used, the kiosk's old token (if any) keeps working.</p>
            <p><a href="/admin/kiosks">All kiosks</a></p>
            {{/content}}{{/layout}}
            """,
        "admin-settings": """
            {{<layout}}{{$content}}
            {{^programSet}}<p class="note">The program sets no rules now: each kiosk uses its own kiosk.toml. Saving this form sets them for every kiosk.</p>{{/programSet}}
            <form method="post" action="/admin/settings">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#numbers}}<label for="{{name}}">{{label}}</label><input id="{{name}}" name="{{name}}" type="number" min="{{min}}" max="{{max}}" value="{{value}}" required>{{/numbers}}
            {{#flags}}<label><input type="checkbox" name="{{name}}"{{#checked}} checked{{/checked}}> {{label}}</label>{{/flags}}
            <label for="time_zone">The program's time zone (the hub's pages use {{zoneInUse}})</label>
            <input id="time_zone" name="time_zone" type="text" value="{{zone}}" placeholder="Europe/Berlin">
            <div><button type="submit" name="action" value="save">Save</button>
            {{#programSet}}<button type="submit" name="action" value="clear">Give the rules back to the kiosks</button>{{/programSet}}</div>
            </form>
            {{/content}}{{/layout}}
            """,
        "admin-rejected": """
            {{<layout}}{{$content}}
            <p>Events a kiosk sent that the hub could not take, kept here. Fix the roster or schedule, then retry.
            {{#all}}<a href="/admin/rejected">Only those still refused</a>{{/all}}{{^all}}<a href="/admin/rejected?all=1">Also those taken in later</a>{{/all}}</p>
            {{^any}}<p>None.</p>{{/any}}
            {{#any}}<form method="post" action="/admin/rejected/retry"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Retry all still refused</button></form>
            <table id="rejected"><thead><tr><th>Id</th><th>Kiosk</th><th>Seq</th><th>Event</th><th>Received</th><th>Why</th><th>State</th><th></th></tr></thead><tbody>
            {{#events}}<tr><td>{{id}}</td><td>{{kiosk}}</td><td>{{seq}}</td><td>{{what}}</td><td>{{received}}</td><td>{{reason}}</td><td>{{state}}</td>
            <td>{{#open}}<form method="post" action="/admin/rejected/retry"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}"><button type="submit">Retry</button></form>{{/open}}</td></tr>{{/events}}
            </tbody></table>{{/any}}
            {{/content}}{{/layout}}
            """,
        "admin-audit": """
            {{<layout}}{{$content}}
            <form method="get" action="/admin/audit"><label for="days">Days back</label><input id="days" name="days" type="number" min="1" max="3660" value="{{days}}"> <button type="submit">Show</button></form>
            <p>{{count}} entries{{#cut}}, the newest {{limit}} shown{{/cut}}. <a href="{{csv}}">All as CSV</a></p>
            <table id="audit"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Subject</th><th>Detail</th></tr></thead><tbody>
            {{#entries}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{subject}}</td><td>{{detail}}</td></tr>{{/entries}}
            </tbody></table>
            {{/content}}{{/layout}}
            """,
    ]
}
