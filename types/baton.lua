---@meta baton
-- Type stubs of the baton Lua API for lua-language-server.
-- GENERATED from docs/lua-api.md by tools/gen-types.lua: do not edit.
-- Edit docs/lua-api.md, then run `lua5.4 tools/gen-types.lua`.

baton = {}

--- the host API level (1)
---@type integer
baton.api = nil

--- baton's version, e.g. "0.1.0"
---@type string
baton.version = nil

--- the name of the running plugin (a script: its file name)
---@type string
baton.name = nil

--- What a command handler gets as its second argument.
---@class baton.ctx
---@field plugin string   the plugin's name
---@field command string  the command's name
---@field json boolean    --json was given
---@field quiet boolean   --quiet was given
---@field debug boolean   --debug was given
---@field dir string      the plugin's directory
local ctx = {}

--- the arguments of a workflow script (baton run); arg[0] is the script
---@type string[]
arg = nil

--- a workflow script's arguments, declared and checked
---@param spec table  { summary = ..., help = ..., {"--from", type = "date"}, ... }
---@param argv? string[]  the arguments to parse (default: the script's arg)
---@return table args  by key
---@return as a command's handler gets them (dry_run for --dry-run)
function baton.args(spec, argv) end

--- ends a workflow script now with this exit status
---@param status? integer  0 to 125 (default 0)
function baton.exit(status) end

--- today's date, or the one given with --today
---@return string date  "YYYY-MM-DD"
function baton.today() end

--- the candidate close enough to be what was meant, for "did you mean"
---@param word string
---@param candidates string[]
---@return string|nil nearest
function baton.suggest(word, candidates) end

--- ends the command as a usage error: the message, its usage line, exit 2
---@param message string  what is wrong and what to type instead
function baton.usage_error(message) end

--- one line of the command's output
---@param ... any  converted with tostring, separated by tabs
function baton.print(...) end

baton.log = {}

--- only with --debug
---@param ... any
function baton.log.debug(...) end

--- hidden by --quiet
---@param ... any
function baton.log.info(...) end

---@param ... any
function baton.log.warn(...) end

---@param ... any
function baton.log.error(...) end

--- JSON with --json, else render(value) or a table
---@param value any      what the command produces
---@param render? fun(value: any)  how to show it as text
function baton.output(value, render) end

baton.ui = {}

--- prints records as an aligned table
---@param rows table[]      records
---@param columns? string[]  which fields, in order (default: all, sorted)
function baton.ui.table(rows, columns) end

--- a readable one-line form of any value, for messages and the REPL
---@param value any
---@return string text
function baton.inspect(value) end

baton.json = {}

--- opts.pretty: indented, e.g. { pretty = true }
---@param value any
---@param opts? {pretty?: boolean}
---@return string
function baton.json.encode(value, opts) end

---@param text string
---@return any|nil value
---@return string? err
---@return string? code
function baton.json.decode(text) end

--- what JSON null decodes to; encodes as null
---@type any
baton.json.null = nil

--- marks t to encode as an object even when empty
---@generic T: table
---@param t T
---@return T
function baton.json.object(t) end

--- another plugin's commands, each returning its --json output
---@param name string  a plugin's name ("mentoring") or command word ("mentor")
---@return table<string, fun(args?: table): any, string?, string?> commands  one function per command
function baton.plugin(name) end

baton.leadership = {}

--- what every practice counts as leadership roles held
---@param opts? {from?: string, to?: string}  a term: both dates YYYY-MM-DD, or neither
---@return {plugin: string, namespace: string, label?: string, role?: string, roles: {person: string, count: number, role: string}[], period?: {from: string, to: string}, error?: string}[]
function baton.leadership.collect(opts) end

baton.date = {}

--- true for a real calendar day
---@param s any
---@return boolean
function baton.date.valid(s) end

--- "2026-02-28" + 1 -> "2026-03-01"
---@param date string
---@param days integer
---@return string
function baton.date.add(date, days) end

--- the day clamped: "2026-01-31" + 1 -> "2026-02-28"
---@param date string
---@param n integer
---@return string
function baton.date.add_months(date, n) end

--- whole days from a to b (negative if b is earlier)
---@param a string
---@param b string
---@return integer
function baton.date.diff(a, b) end

--- 1 (Monday) .. 7 (Sunday), and "mon" .. "sun"
---@param date string
---@return integer, string
function baton.date.weekday(date) end

--- year, month, day as integers
---@param date string
---@return integer, integer, integer
function baton.date.parts(date) end

--- A term: its name, its first and last day (both in the term), and the
--- closures that share a day with it, by date.
---@class baton.term
---@field name string
---@field from string
---@field to string
---@field closures {name: string, from: string, to: string}[]
local term = {}

baton.terms = {}

--- every term, by date
---@return baton.term[]|nil terms
---@return string? err
---@return string? code
function baton.terms.list() end

--- the term holding date (default today), or nil between terms
---@param date? string
---@return baton.term|nil term
function baton.terms.current(date) end

--- the last term that ended before date's term began
---@param date? string
---@return baton.term|nil term
function baton.terms.previous(date) end

--- the term and the closure holding date, each or nil
---@param date string
---@return baton.term|nil term
---@return {name: string, from: string, to: string}|nil closure
function baton.terms.of(date) end

--- weekdays from..to (both included) in a term and in no closure
---@param from string
---@param to string
---@return integer n
---@return string[] days
function baton.terms.school_days(from, to) end

baton.settings = {}

--- the value of the declared type; the default when unset
---@param key string
---@return any value
function baton.settings.get(key) end

--- every declared setting, key = value
---@return table<string, any>
function baton.settings.all() end

--- stores the plugin's own setting; a wrong type or value raises
---@param key string
---@param value string|number|boolean|nil  nil: back to the default
---@return true|nil ok
---@return string? err
---@return string? code
function baton.settings.set(key, value) end

--- waits
---@param ms integer
function baton.sleep(ms) end

baton.timer = {}

--- call fn once, ms from now
---@param ms integer
---@param fn fun()
---@return baton.timer
function baton.timer.after(ms, fn) end

--- call fn every ms (at least 1)
---@param ms integer
---@param fn fun()
---@return baton.timer
function baton.timer.every(ms, fn) end

--- What baton.timer.after and baton.timer.every return.
---@class baton.timer
local timer = {}

--- stops the timer; idempotent
function timer:stop() end

baton.fs = {}

--- waits; fs.read
---@param path string
---@return string|nil content
---@return string? err
---@return string? code
function baton.fs.read(path) end

--- waits; fs.write; atomic
---@param path string
---@param data string
---@return true|nil ok
---@return string? err
---@return string? code
function baton.fs.write(path, data) end

--- waits; fs.read; sorted, no . or ..
---@param dir string
---@return string[]|nil names
---@return string? err
---@return string? code
function baton.fs.list(dir) end

--- waits; fs.read; nil if absent
---@param path string
---@return {type: "file"|"directory"|"other", size: integer, mtime: integer}|nil
function baton.fs.stat(path) end

--- waits; fs.write; parents too; an existing folder is fine
---@param path string
---@return true|nil ok
---@return string? err
---@return string? code
function baton.fs.mkdir(path) end

--- waits; spawn; runs a program without a shell
---@param file string        program, looked up in PATH
---@param args? string[]
---@param opts? {cwd?: string}
---@return {code: integer, signal: integer, stdout: string, stderr: string, truncated: boolean}|nil result
---@return string? err
---@return string? code
function baton.spawn(file, args, opts) end

--- A request to a plugin's route.
---@class baton.request
---@field method string
---@field path string
---@field params table<string, string>   the :name parts of the route's path
---@field query table<string, string>    decoded; + is a space
---@field headers table<string, string>  lower-case names
---@field body? string
---@field json? any                      the body, when it is application/json
---@field user? baton.user              who asks; nil when nobody is signed in
local request = {}

--- Who is asking, as `baton serve` knows them.
---@class baton.user
---@field person? string  their id in the staff list; nil for the server's own start-up token
---@field role "coordinator"|"staff"|"viewer"
---@field school? string   the school the answer is for: theirs, or the one a district account picked with ?school=; nil for every school
---@field district boolean  they have the district role (every school)
local user = {}

baton.http = {}

--- http.route; call it while init.lua loads
---@param method "GET"|"POST"|"PUT"|"PATCH"|"DELETE"
---@param path string  under /api/NAME/ or /api/NAMESPACE/; :name matches one part
---@param handler fun(req: baton.request): any, integer?  a JSON value and a status (default 200), or a baton.http.response
---@param options? {cache?: boolean, type?: string}  cache = false: never keep this GET route's answers; type: send a string answer as this Content-Type
function baton.http.route(method, path, handler, options) end

--- a secret for an address nobody can guess
---@return string token  32 hex digits (128 random bits)
function baton.http.token() end

--- An answer a route handler returns, with its own status, headers and type.
---@class baton.response
---@field status? integer                200 to 599; 200 if not given
---@field headers? table<string, string> name = value; content-type sets the type
---@field body? string|table             a string is sent as it is, a table as JSON
local response = {}

--- an answer with its own status, headers and content type
---@param r baton.response
---@return baton.response response  the same fields
---@return marked as an answer
function baton.http.response(r) end

baton.html = {}

--- text made safe to put in HTML
---@param s string|number
---@return string html  s with & < > " ' as &amp; &lt; &gt; &quot; &#39;
function baton.html.escape(s) end

--- fills a template, escaping every {{name}}
---@param template string  HTML with {{name}} (escaped) and {{{name}}} (as it is)
---@param values table<string, string|number>
---@return string html
function baton.html.render(template, values) end

local rows = {}

baton.ics = {}

--- all-day closures from iCalendar text, and the events that are not closures
---@param text string  an iCalendar file's text
---@return {from: string, to: string, name: string}[]|nil closures
---@return {from: string, to: string, name: string, why: string}[]|string skipped_or_err
---@return string? code
function baton.ics.holidays(text) end

--- an iCalendar file with one event per entry
---@param cal {name: string, stamp?: string, refresh?: string, events: {uid: string, sequence?: integer, summary: string, date: string, time?: string, minutes?: integer, location?: string, status?: string, description?: string}[]}
---@return string text
function baton.ics.calendar(cal) end

baton.csv = {}

--- rows of cells, and the line each row starts on
---@param text string
---@param name? string  the file's name, for messages
---@return string[][]|nil rows
---@return integer[]|string lines_or_err
---@return string? code
function baton.csv.decode(text, name) end

--- CSV text, quoted and neutralised as `baton people export` writes it
---@param rows (string|number|boolean|nil)[][]|table<string, string|number|boolean|nil>[]  lists of cells, or records with opts.header
---@param opts? {header?: string[]}
---@return string text
function baton.csv.encode(rows, opts) end

baton.assign = {}

--- the exact assignment; waits when the matrix is large
---@param opts {scores: (number|false)[][]|baton.matrix, capacity?: integer|integer[], maximize?: boolean, objective?: "total"|"fairest", fixed?: table<integer, integer>}
---@return {rows: (integer|false)[], total: number, assigned: integer, worst?: number, duals: {rows: number[], cols: number[]}}|nil result
---@return string? err
---@return string? code
function baton.assign.solve(opts) end

--- every row person against every column person, in C
---@param opts {rows: table[], cols: table[], weights?: table<string, number>, today?: string, require?: string[], same?: table<string, string>}
---@return baton.matrix
function baton.assign.score(opts) end

--- the features with their default weights, in this order
---@return {name: string, weight: number, help: string}[]
function baton.assign.features() end

--- Scores of rows x columns, from baton.assign.score or baton.assign.matrix.
---@class baton.matrix
---@field rows integer  its size
---@field cols integer
local m = {}

--- the score, or false for a forbidden pair
---@param i integer
---@param j integer
---@return number|false
function m:get(i, j) end

--- a number, or false to forbid
---@param i integer
---@param j integer
---@param v number|false
function m:set(i, j, v) end

--- never choose this pair
---@param i integer
---@param j integer
function m:forbid(i, j) end

--- an empty matrix (every cell fill: 0, or false)
---@param rows integer
---@param cols integer
---@param fill? number|false
---@return baton.matrix
function baton.assign.matrix(rows, cols, fill) end

--- why a pair scores what it does
---@param row_person baton.person
---@param col_person baton.person
---@param weights? table<string, number>
---@param today? string
---@return {feature: string, points: number, detail: string}[]
function baton.assign.reasons(row_person, col_person, weights, today) end

baton.rota = {}

--- the rota's first pass, meeting by meeting
---@param prob {people: {fte: number}[], roles: any[], meetings: any[], eligible?: (boolean|string)[][], away?: table<integer, any>[], history?: number[][], history_total?: number[], fixed?: table<integer, integer>[], open?: table<integer, any>[]}
---@param min_gap? integer
---@return (integer|false|nil)[][] assign
---@return integer[] fill
function baton.rota.first_pass(prob, min_gap) end

--- declares a test; tests run in order, each in pcall
---@param name string
---@param fn fun()  may wait (run, baton.sleep)
function test(name, fn) end

--- runs before every test of the file, in the order declared
---@param fn fun()
function before_each(fn) end

--- runs after every test, even one that failed
---@param fn fun()
function after_each(fn) end

--- fails the test unless the matcher called on it holds
---@param value any
---@return baton.Expectation
function expect(value) end

--- runs `baton NAMESPACE cmd ...` in the test's host and database
---@param cmd string  the command (a script's test: the command word, then the command)
---@param ... string  its arguments; --json, --quiet, --debug, --today DATE are baton's, for this run
---@return {status: integer, out: string, err: string} result
function run(cmd, ...) end

--- run with --json for a command that must succeed: its decoded output
---@param cmd string
---@param ... string
---@return any value
---@return {status: integer, out: string, err: string} result
function run_json(cmd, ...) end

--- runs a workflow script of the folder under test, captured
---@param ... string  [--allow PERM, --json, --quiet, --debug, --today DATE,] path, args...
---@return {status: integer, out: string, err: string} result
function run_script(...) end

--- what baton.today() returns from now on
---@param date string  "YYYY-MM-DD"
function set_today(date) end

--- the test database's school calendar becomes exactly these
---@param terms table[]  { {name, from, to [, closure = true]}, ... }
function set_terms(terms) end

--- one of the plugin's settings, checked as baton config checks it
---@param key string
---@param value any  nil unsets it
function set_setting(key, value) end

--- imports people into the test database
---@param path string  CSV or JSON, relative to the plugin's folder
---@return integer rows
function load_people(path) end

--- imports group memberships into the test database
---@param path string
---@return integer rows
function load_groups(path) end

--- the path of a file in the plugin's folder
---@param rel string
---@return string path
function fixture_path(rel) end

--- a path in the file's scratch folder, removed after the file
---@param name string  relative, without ..
---@return string path
function tmp_path(name) end

--- Closes and removes the test database; the next use opens a fresh one.
function reset_db() end

--- at the top of the file: grants for the test's own code only
---@param perms string[]  e.g. { "fs.read", "fs.write:out/" }
function test_permissions(perms) end

--- the plugin's module table (nil in a script's test)
---@type table|nil
plugin = nil

--- What expect(v) returns: each matcher fails the test unless it holds,
--- and returns the expectation, so checks chain.
---@class baton.Expectation
---@field never baton.Expectation  the same matchers, negated
local expectation = {}

--- deep equality of tables
---@param x any
---@return baton.Expectation
function expectation:to_equal(x) end

--- the same value (rawequal)
---@param x any
---@return baton.Expectation
function expectation:to_be(x) end

--- a substring, or an element of a list
---@param x any
---@return baton.Expectation
function expectation:to_contain(x) end

--- a Lua pattern
---@param pattern string
---@return baton.Expectation
function expectation:to_match(pattern) end

---@return baton.Expectation
function expectation:to_be_truthy() end

---@return baton.Expectation
function expectation:to_be_falsy() end

---@return baton.Expectation
function expectation:to_be_nil() end

---@param x number
---@param eps? number  default 1e-9
---@return baton.Expectation
function expectation:to_be_near(x, eps) end

--- a function that raises (an error matching pattern)
---@param pattern? string
---@return baton.Expectation
function expectation:to_fail(pattern) end

--- A person, as baton.people and baton.groups return them.
---@class baton.person
---@field id string
---@field name string
---@field email? string
---@field role? string
---@field department? string
---@field campus? string
---@field subjects string[]
---@field grades string[]
---@field languages string[]
---@field start_date? string
---@field manager_id? string
---@field active boolean
---@field attrs table<string, any>
---@field role_in_group? string  set by baton.groups.members
local person = {}

baton.people = {}

--- the active people matching every condition
---@param query table  field = value conditions, all must hold
---@return baton.person[] people   in id order
function baton.people.find(query) end

--- the person, active or not
---@param id string
---@return baton.person|nil person
---@return string? err
---@return string? code
function baton.people.get(id) end

--- the people of these ids, in one query
---@param ids string[]  people's ids; numbers are taken as their text
---@return table<string, baton.person>|nil people
---@return string? err
---@return string? code
function baton.people.get_many(ids) end

--- the names of these people, of any school
---@param ids string[]  people's ids; numbers are taken as their text
---@return table<string, string>|nil names
---@return string? err
---@return string? code
function baton.people.names(ids) end

--- the school the running code sees
---@return string|nil school  nil: every school
function baton.people.school() end

--- the rows of the school the code sees
---@param rows table[]  rows of the plugin's own tables
---@param ... string    the fields holding people's ids
---@return table[]|nil rows
---@return string? err
---@return string? code
function baton.people.keep(rows, ...) end

--- people.write and fs.read; all or nothing
---@param path string  a CSV or JSON file, as for `baton people import`
---@param opts? {dry_run?: boolean, full?: boolean, format?: "csv"|"json", map?: string}
---@return baton.import_report|nil report
---@return string? err
---@return string? code
---@return baton.import_report? failed
function baton.people.import(path, opts) end

baton.groups = {}

--- people.write and fs.read; all or nothing
---@param path string  memberships: group, kind, person_id, role_in_group
---@param opts? {dry_run?: boolean, full?: boolean, format?: "csv"|"json"}
---@return baton.import_report|nil report
---@return string? err
---@return string? code
---@return baton.import_report? failed
function baton.groups.import(path, opts) end

--- What an import did (or, with dry_run, would do).
---@class baton.import_report
---@field file string
---@field dry_run boolean
---@field rows integer         rows read
---@field added integer
---@field updated integer
---@field unchanged integer
---@field deactivated integer  people marked inactive (full), or memberships removed
---@field rejected integer
---@field changes string[]     "add T001 Ana Lopez", "update T002: email ..."
---@field errors string[]      "FILE:LINE:COLUMN: what; fix"
---@field errors_not_shown integer
local import_report = {}

--- people, each with role_in_group
---@param name string
---@return baton.person[]|nil members
---@return string? err
---@return string? code
function baton.groups.members(name) end

--- every group: {name =, kind =, members = count}
---@return {name: string, kind: string, members: integer}[] groups
function baton.groups.list() end

baton.events = {}

--- appends an event to the log
---@param e {kind: string, subject?: string, data?: any, actor?: string}
---@return integer|nil id
---@return string? err
---@return string? code
function baton.events.log(e) end

--- the events matching every condition
---@param q? {kind?: string, subject?: string, plugin?: string, since?: string, until?: string, data?: table<string, string|number|boolean>, order?: "oldest"|"newest", limit?: integer}
---@return baton.event[] events  oldest first
---@return or newest first with order = "newest"
function baton.events.list(q) end

--- An entry of the event log.
---@class baton.event
---@field id integer
---@field at string       "2025-03-01T08:15:00.000Z"
---@field actor? string
---@field plugin? string
---@field kind string
---@field subject? string
---@field data any
local event = {}

--- a hook, registered at init.lua's top level
---@param kind string  an event kind ("mentor.pair"), a prefix ("mentor.*") or "*"
---@param fn fun(e: baton.event)  runs as a task of this plugin after such an event is logged
function baton.events.on(kind, fn) end

baton.store = {}

--- applies the steps that have not run yet, in order
---@param steps string[]  SQL, one migration per entry (each may hold several statements)
---@return integer|nil version
---@return string? err
---@return string? code
function baton.store.migrate(steps) end

---@param sql string  one statement, with ? placeholders
---@param ... string|number|boolean|nil  bound in order
---@return integer|nil changes
---@return string? err
---@return string? code
function baton.store.exec(sql, ...) end

--- runs it; the id of the row it inserted
---@param sql string  one INSERT statement
---@param ... string|number|boolean|nil
---@return integer|boolean|nil id
---@return string? err
---@return string? code   false: no row was inserted
function baton.store.insert(sql, ...) end

---@param sql string
---@param ... string|number|boolean|nil
---@return table[]|nil rows
---@return string? err
---@return string? code   each row keyed by column name
function baton.store.query(sql, ...) end

---@param sql string
---@param ... string|number|boolean|nil
---@return table|nil row
---@return string? err
---@return string? code      the first row (nil if none)
function baton.store.first(sql, ...) end

---@param column string  a column holding JSON text (`data`, or `e.data`)
---@param key string  a field of it; dots for a nested field ("pair.mentor")
---@return string sql  the SQL for that field's value, as text
function baton.store.json(column, key) end

--- fn in a write transaction: all its writes or none
---@param fn function  called with the remaining arguments
---@param ... any  passed to fn
---@return any ...  fn's results
function baton.store.transaction(fn, ...) end
