-- The spread of leadership across the school.
--
-- Every practice says what it counts as a leadership role held (its
-- `leadership` route: mentees mentored, rota turns taken, change steps
-- owned, thanks given and received, a district's own); the groups say who
-- leads or chairs them. equity puts them together per person, per role
-- and per department, and asks the questions a school that wants
-- everyone to lead must ask: how much do the few hold (the top 10%'s
-- share, the concentration index), who holds nothing, and is it getting
-- better term over term? A snapshot at the end of each term keeps the
-- picture for the terms that follow (practices that only know "now"
-- cannot be asked about a past term).
local gather = require("gather")
local page = require("page")
local spread = require("spread")
local store = require("store")

local M = {}

local pct = page.pct

local function fail(fmt, ...) error(fmt:format(...), 0) end

-- The figures of one period as a row of "term over term".
local function term_row(period, f, counted)
  return { period = period.name, from = period.from, people = f.people, none = f.none,
    top_share = f.top_share, top_share_text = pct(f.top_share), gini = f.gini,
    gini_text = ("%.2f"):format(f.gini), counted = counted }
end

-- Term over term: each snapshot of an earlier period; the period just
-- before, counted again from the practices that count by term, when it
-- has no snapshot; then this one. The last six.
-- Of one school (`school`, with `of` = gather.schools_of()): each
-- snapshot's and past term's part of that school.
local function terms_before(period, figures, school, of)
  local function part(all)
    if not school then return all end
    return gather.of_school({ people = all.people, holdings = all.holdings, practices = all.practices or {} },
      school, of)
  end
  local rows, seen = {}, {}
  for _, s in ipairs(store.all()) do
    if s.period.from < period.from then
      s = { period = s.period, taken = s.taken, people = part(s).people, holdings = part(s).holdings }
      rows[#rows + 1] = term_row(s.period, spread.picture(s.people, s.holdings).figures, "snapshot of " .. s.taken)
      seen[s.period.name] = true
    end
  end
  local prev = gather.previous(period)
  if not seen[prev.name] then
    local past = part(gather.all(prev, true))
    local by_term, answered = 0, 0
    for _, p in ipairs(past.practices) do
      if not p.error then answered = answered + 1 end
      if p.by_term and not p.error then by_term = by_term + 1 end
    end
    if by_term > 0 then
      rows[#rows + 1] = term_row(prev, spread.picture(past.people, past.holdings).figures,
        ("%d of %d practices, by term; no snapshot"):format(by_term, answered))
    end
  end
  table.sort(rows, function(a, b) return a.from < b.from end)
  rows[#rows + 1] = term_row(period, figures, "now")
  while #rows > 6 do table.remove(rows, 1) end
  return rows
end

--- The whole report of a period (the term holding today by default):
--- what every output of equity shows. `top`: how many people to list (0:
--- all who hold a role); `history`: with term over term.
local function report(term, top, history, school)
  store.ready()
  local period = gather.period(term)
  local all = gather.all(period)
  local of
  if school then
    of = gather.schools_of()
    all = gather.of_school(all, school, of)
    -- A school whose people all left (or the school of a coordinator
    -- whose staff list is not in yet) is an empty picture that says so;
    -- a name nobody was ever of is a mistake.
    local known = school == baton.people.school()
    local names, seen = {}, {}
    for _, s in pairs(of) do
      known = known or s == school
      if not seen[s] then
        seen[s] = true
        names[#names + 1] = s == "" and "(no school)" or s
      end
    end
    if not known then
      table.sort(names)
      fail("--school %s: nobody is of that school; the schools are %s (`baton schools list`)", school,
        table.concat(names, ", "))
    end
  end
  local pic = spread.picture(all.people, all.holdings)
  local groups = 0
  for _, h in ipairs(all.holdings) do if h.source == "groups" then groups = groups + h.count end end
  local practices = {}
  for _, p in ipairs(all.practices) do practices[#practices + 1] = p end
  practices[#practices + 1] = { plugin = "groups", label = "group leads, chairs and representatives",
    by_term = false, held = groups }
  for _, r in ipairs(pic.roles) do r.share_text = pct(r.share) end
  for _, d in ipairs(pic.departments) do
    d.share_of_people_text, d.share_held_text = pct(d.share_of_people), pct(d.share_held)
  end
  local listed = {}
  for _, p in ipairs(pic.people) do
    if p.total == 0 or (top > 0 and #listed >= top) then break end
    local names = {}
    for role in pairs(p.roles) do names[#names + 1] = role end
    table.sort(names, function(a, b)
      if p.roles[a] ~= p.roles[b] then return p.roles[a] > p.roles[b] end
      return a < b
    end)
    for i, role in ipairs(names) do names[i] = role .. " " .. tostring(p.roles[role]) end
    listed[#listed + 1] = { person = p.id .. " " .. p.name, id = p.id, name = p.name, department = p.department,
      staff_role = p.role, total = p.total, held = table.concat(names, ", ") }
  end
  local none = {}
  for _, p in ipairs(pic.none) do
    none[#none + 1] = { id = p.id, name = p.name, department = p.department, staff_role = p.role }
  end
  return {
    period = period, school = school, figures = pic.figures,
    summary = page.summary(pic.figures, school or baton.people.school()), threshold = baton.settings.get("threshold"),
    practices = practices, roles = pic.roles, departments = pic.departments, top = listed, none = none,
    outside = pic.outside, people = pic.people,
    terms = history and terms_before(period, pic.figures, school, of) or {},
  }
end
M.report_of = report

-- One row per person and role, and one (role empty) per person holding none.
local function csv_rows(r)
  local rows = {}
  for _, p in ipairs(r.people) do
    local roles = {}
    for role in pairs(p.roles) do roles[#roles + 1] = role end
    table.sort(roles)
    if #roles == 0 then roles = { "" } end
    for _, role in ipairs(roles) do
      rows[#rows + 1] = { period = r.period.name, person = p.id, name = p.name, department = p.department,
        staff_role = p.role, role = role, count = p.roles[role] or 0 }
    end
  end
  return rows
end

local function write(path, text)
  local ok, err = baton.fs.write(path, text)
  if not ok then fail("cannot write %s: %s", path, err) end
end

-- Prints rows with the columns' labels (page.columns) as headings.
local function print_table(rows, columns)
  local out, labels = {}, {}
  for i, c in ipairs(columns) do labels[i] = c[2]:lower() end
  for _, row in ipairs(rows) do
    local o = {}
    for i, c in ipairs(columns) do o[labels[i]] = row[c[1]] end
    out[#out + 1] = o
  end
  baton.ui.table(out, labels)
end

local function show(r)
  local f = r.figures
  baton.print(("Spread of leadership%s, %s (%s to %s)"):format(r.school and (" in " .. r.school) or "",
    r.period.name, r.period.from, r.period.to))
  baton.print("  " .. r.summary)
  baton.print(("  %d people hold none; concentration index (Gini) %.2f: 0 when everyone holds the same, "
    .. "1 when one person holds all (the overview warns above %.2f)"):format(f.none, f.gini, r.threshold))
  baton.print("")
  baton.print("How each practice was counted:")
  for _, p in ipairs(r.practices) do baton.print("  " .. page.practice_line(p)) end
  if r.outside > 0 then
    baton.print(("  (%s roles held by people no longer in the staff list are left out)"):format(tostring(r.outside)))
  end
  baton.print("")
  print_table(r.roles, page.columns.roles)
  baton.print("")
  print_table(r.departments, page.columns.departments)
  baton.print("")
  baton.print("Who holds most:")
  print_table(r.top, page.columns.top)
  baton.print("")
  local names = {}
  for _, p in ipairs(r.none) do names[#names + 1] = p.id .. " " .. p.name end
  baton.print(("No leadership role (%d): %s"):format(#r.none, #names > 0 and table.concat(names, ", ") or "nobody"))
  baton.print("")
  baton.print("Term over term:")
  print_table(r.terms, page.columns.terms)
end

-- --by-school: each school's figures, and the district's, side by side.
local function by_school(term)
  store.ready()
  local period = gather.period(term)
  local all = gather.all(period)
  local of = gather.schools_of()
  local names, seen = {}, {}
  for _, p in ipairs(all.people) do
    local s = of[p.id] or ""
    if not seen[s] then
      seen[s] = true
      names[#names + 1] = s
    end
  end
  table.sort(names)
  local rows = {}
  local function row(name, part)
    local f = spread.picture(part.people, part.holdings).figures
    rows[#rows + 1] = { school = name, people = f.people, none = f.none, top_share = f.top_share,
      top_share_text = pct(f.top_share), gini = f.gini, gini_text = ("%.2f"):format(f.gini) }
  end
  for _, s in ipairs(names) do row(s == "" and "(no school)" or s, gather.of_school(all, s, of)) end
  row("district", all)
  return { period = period, schools = rows }
end

--- equity report [--term T] [--csv FILE] [--html FILE] [--top N] [--school S] [--by-school]
function M.report(args)
  if args.by_school then
    if args.school then fail("give --school SCHOOL (one school's picture) or --by-school (every school's), not both") end
    baton.output(by_school(args.term), function(v)
      baton.print(("Spread of leadership by school, %s (%s to %s)"):format(v.period.name, v.period.from, v.period.to))
      print_table(v.schools, { { "school", "School" }, { "people", "People" }, { "none", "Hold none" },
        { "top_share_text", "Top 10% hold" }, { "gini_text", "Gini" } })
    end)
    return
  end
  local r = report(args.term, args.top, not args.school, args.school)
  if args.csv then
    write(args.csv, baton.csv.encode(csv_rows(r),
      { header = { "period", "person", "name", "department", "staff_role", "role", "count" } }))
  end
  if args.html then write(args.html, page.html(r)) end
  r.people = nil -- every person's roles are in the CSV; --json keeps the tables shown
  baton.output(r, show)
end

--- equity snapshot [--term T]
function M.snapshot(args)
  store.ready()
  local period = gather.period(args.term)
  local all = gather.all(period)
  store.save(all)
  local f = spread.picture(all.people, all.holdings).figures
  baton.output({ period = period, taken = baton.today(), figures = f }, function(v)
    baton.print(("Kept the picture of %s (%s to %s) as of %s: %s"):format(v.period.name, v.period.from,
      v.period.to, v.taken, page.summary(v.figures)))
  end)
end

--- baton doctor calls this: true when the plugin can do its work.
function M.health()
  return true, "ready"
end

-- The school a page is asked for: the asking person's (baton.people.
-- school()) in a district database, so a school's coordinator sees their
-- school's spread as `equity report --school` shows it; nil when the
-- code sees every school, or the database is of one school only (then
-- the whole picture, with its term over term, is that school's).
local function school_seen()
  local school = baton.people.school()
  if not school then return nil end
  for _, s in pairs(gather.schools_of()) do
    if s ~= school then return school end
  end
  return nil
end

-- The page: everyone signed in sees the figures and who holds most (as on
-- the overview); only coordinators see who holds nothing by name.
local function page_route(req)
  local r = report(nil, 10, true, school_seen())
  return page.blocks(r, req.user ~= nil and req.user.role == "coordinator")
end

-- The overview's notice: names nobody, whoever asks.
local function notices_route()
  return page.notices(report(nil, 0, false, school_seen()))
end

baton.http.route("GET", "/api/equity/page", page_route)
baton.http.route("GET", "/api/equity/notices", notices_route)
M.routes = { page = page_route, notices = notices_route }

return M
