---@meta baton
-- Type stubs of the baton Lua API (API level 1) for lua-language-server.
-- Nothing here runs: baton provides the real `baton` table. Reference:
-- docs/lua-api.md; the plugin contract: docs/plugins.md.

---@class baton.ctx
---@field plugin string   the plugin's name
---@field command string  the command's name
---@field json boolean    --json was given
---@field quiet boolean   --quiet was given
---@field debug boolean   --debug was given
---@field dir string      the plugin's directory

---@class baton.timer
local timer = {}
--- Stops the timer; safe to call twice.
function timer:stop() end

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

---@class baton.event
---@field id integer
---@field at string
---@field actor? string
---@field plugin? string
---@field kind string
---@field subject? string
---@field data any

baton = {}

--- The host API level (1).
---@type integer
baton.api = 1
--- baton's version.
---@type string
baton.version = ""
--- The running plugin's name.
---@type string
baton.name = ""

--- Today's date as "YYYY-MM-DD" (or the date given with --today).
---@return string
function baton.today() end

--- Prints the values, separated by tabs, as one line of the command's output.
---@param ... any
function baton.print(...) end

--- With --json prints value as JSON; otherwise render(value), or a table,
--- list or key: value lines.
---@param value any
---@param render? fun(value: any)
function baton.output(value, render) end

--- Waits ms milliseconds (only in a handler or timer callback).
---@param ms integer
function baton.sleep(ms) end

--- Runs a program without a shell (permission "spawn"; waits).
---@param file string
---@param args? string[]
---@param opts? { cwd?: string }
---@return { code: integer, signal: integer, stdout: string, stderr: string, truncated: boolean }|nil result
---@return string? err
---@return string? code
function baton.spawn(file, args, opts) end

baton.log = {}
---@param ... any
function baton.log.debug(...) end
---@param ... any
function baton.log.info(...) end
---@param ... any
function baton.log.warn(...) end
---@param ... any
function baton.log.error(...) end

baton.ui = {}
--- Prints records as an aligned table.
---@param rows table[]
---@param columns? string[]
function baton.ui.table(rows, columns) end

--- Another plugin's commands, each a function taking a table of arguments
--- and returning the command's --json output (or nil, err, "EPLUGIN").
---@param name string  the plugin's name or its command word
---@return table<string, fun(args?: table): any, string?, string?>
function baton.plugin(name) end

baton.date = {}
--- true when s is a real calendar day written YYYY-MM-DD.
---@param s any
---@return boolean
function baton.date.valid(s) end
--- The date `days` days later (earlier when negative).
---@param date string
---@param days integer
---@return string
function baton.date.add(date, days) end
--- The date n months later, the day clamped to the month's end.
---@param date string
---@param n integer
---@return string
function baton.date.add_months(date, n) end
--- Whole days from a to b (negative when b is earlier).
---@param a string
---@param b string
---@return integer
function baton.date.diff(a, b) end
--- 1 (Monday) .. 7 (Sunday), and "mon" .. "sun".
---@param date string
---@return integer, string
function baton.date.weekday(date) end
--- Year, month and day as integers.
---@param date string
---@return integer, integer, integer
function baton.date.parts(date) end

baton.json = {}
--- What JSON null decodes to.
baton.json.null = nil
---@param value any
---@param opts? { pretty?: boolean }
---@return string
function baton.json.encode(value, opts) end
---@param text string
---@return any|nil value
---@return string? err
---@return string? code
function baton.json.decode(text) end
--- Marks t to encode as a JSON object even when empty.
---@generic T: table
---@param t T
---@return T
function baton.json.object(t) end

baton.timer = {}
--- Calls fn once, ms from now.
---@param ms integer
---@param fn fun()
---@return baton.timer
function baton.timer.after(ms, fn) end
--- Calls fn every ms milliseconds.
---@param ms integer
---@param fn fun()
---@return baton.timer
function baton.timer.every(ms, fn) end

baton.fs = {}
--- Reads a whole file (permission "fs.read"; waits).
---@param path string
---@return string|nil content
---@return string? err
---@return string? code
function baton.fs.read(path) end
--- Replaces a file atomically (permission "fs.write"; waits).
---@param path string
---@param data string
---@return true|nil ok
---@return string? err
---@return string? code
function baton.fs.write(path, data) end
--- Names in a directory, sorted (permission "fs.read"; waits).
---@param dir string
---@return string[]|nil names
---@return string? err
---@return string? code
function baton.fs.list(dir) end
--- Type, size and mtime of a path, or nil (permission "fs.read"; waits).
---@param path string
---@return { type: "file"|"directory"|"other", size: integer, mtime: integer }|nil
function baton.fs.stat(path) end
--- Makes a folder and any missing parents; an existing folder is fine
--- (permission "fs.write"; waits).
---@param path string
---@return true|nil ok
---@return string? err
---@return string? code
function baton.fs.mkdir(path) end

---@class baton.matrix
---@field rows integer
---@field cols integer
local matrix = {}
--- The score of cell (i, j), or false when the pair is forbidden.
---@param i integer
---@param j integer
---@return number|false
function matrix:get(i, j) end
---@param i integer
---@param j integer
---@param v number|false
function matrix:set(i, j, v) end
--- Forbids the pair (i, j).
---@param i integer
---@param j integer
function matrix:forbid(i, j) end

baton.assign = {}
--- Solves the assignment exactly: first as many rows as possible, then the
--- best total (or, with objective "fairest", the best worst pair, then the
--- best total). Waits when the matrix is large.
---@param opts { scores: (number|false)[][]|baton.matrix, capacity?: integer|integer[], maximize?: boolean, objective?: "total"|"fairest", fixed?: table<integer, integer> }
---@return { rows: (integer|false)[], total: number, assigned: integer, worst?: number, duals: { rows: number[], cols: number[] } }|nil result
---@return string? err
---@return string? code
function baton.assign.solve(opts) end
--- Scores every row person against every column person in C.
---@param opts { rows: baton.person[], cols: baton.person[], weights?: table<string, number>, today?: string, require?: string[] }
---@return baton.matrix
function baton.assign.score(opts) end
--- An empty matrix (cells 0, or `fill`).
---@param rows integer
---@param cols integer
---@param fill? number|false
---@return baton.matrix
function baton.assign.matrix(rows, cols, fill) end
--- Why a pair scores what it does, feature by feature.
---@param row_person baton.person
---@param col_person baton.person
---@param weights? table<string, number>
---@param today? string
---@return { feature: string, points: number, detail: string }[]
function baton.assign.reasons(row_person, col_person, weights, today) end
--- The scoring features and their default weights.
---@return table<string, number>
function baton.assign.features() end

baton.csv = {}
--- Parses CSV text (libcsv): rows of cells, and the line each row starts on.
---@param text string
---@param name? string  the file's name, for messages
---@return string[][]|nil rows
---@return integer[]|string lines_or_err
---@return string? code
function baton.csv.decode(text, name) end

baton.ics = {}
--- All-day closures (holidays) from iCalendar text (libical).
---@param text string
---@return { from: string, to: string, name: string }[]|nil closures
---@return string? err
---@return string? code
function baton.ics.holidays(text) end
--- An iCalendar file's text with one all-day event per entry (libical).
---@param cal { name: string, stamp?: string, events: { uid: string, sequence?: integer, summary: string, date: string, description?: string }[] }
---@return string
function baton.ics.calendar(cal) end

baton.people = {}
--- Active people matching every condition (lists match by membership).
---@param query? table<string, any>
---@return baton.person[]
function baton.people.find(query) end
---@param id string
---@return baton.person|nil person
---@return string? err
---@return string? code
function baton.people.get(id) end

baton.groups = {}
---@param name string
---@return baton.person[]|nil members
---@return string? err
---@return string? code
function baton.groups.members(name) end
---@return { name: string, kind: string, members: integer }[]
function baton.groups.list() end

baton.events = {}
---@param e { kind: string, subject?: string, data?: any, actor?: string }
---@return integer|nil id
---@return string? err
---@return string? code
function baton.events.log(e) end
---@param q? { kind?: string, subject?: string, plugin?: string, since?: string, limit?: integer }
---@return baton.event[]
function baton.events.list(q) end

baton.store = {}
--- Applies the plugin's migrations that have not run yet, in order.
---@param steps string[]
---@return integer|nil version
---@return string? err
---@return string? code
function baton.store.migrate(steps) end
---@param sql string
---@param ... string|number|boolean|nil
---@return integer|nil changes
---@return string? err
---@return string? code
function baton.store.exec(sql, ...) end
---@param sql string
---@param ... string|number|boolean|nil
---@return table[]|nil rows
---@return string? err
---@return string? code
function baton.store.query(sql, ...) end
---@param sql string
---@param ... string|number|boolean|nil
---@return table|nil row
---@return string? err
---@return string? code
function baton.store.first(sql, ...) end
--- Runs fn in a savepoint: all its writes or none. fn cannot wait.
---@param fn function
---@param ... any
---@return any ...
function baton.store.transaction(fn, ...) end

--- The arguments of a workflow script (baton run): arg[0] is the script.
---@type string[]
arg = {}
