-- scripts/start-of-year.lua: the start of a school year in one run.
--
--   baton run --allow fs.write scripts/start-of-year.lua --from DATE --to DATE [options]
--
-- 1. (optional) imports this year's roster: --staff FILE and --groups FILE,
--    all or nothing, as `baton people import` and `baton groups import` do
--    (baton.people.import, baton.groups.import), so add --allow fs.read
--    --allow people.write;
-- 2. matches mentees with mentors (the groups `mentees` and `mentors`) and
--    saves the pairs;
-- 3. plans the term's meeting roles for every team, PLC, committee and
--    task force, and saves the plans;
-- 4. writes everything into --out DIR (default start-of-year): mentoring.csv,
--    rota-GROUP.csv for each group, and ics/GROUP/ with one iCalendar file
--    per person and one for the group, for staff to subscribe to.
--
-- Options: --from DATE --to DATE (the term, required), --staff FILE,
-- --groups FILE (the roster to import first), --every DAYS
-- (default tue), --every-weeks N (default 2), --capacity N (mentees per
-- mentor, default 2), --kinds LIST (group kinds to plan, default
-- team,plc,committee,taskforce), --needs ROLE:ATTR=VALUE (repeatable),
-- --dry-run (plan and write files, save nothing), --out DIR.

local o = baton.args {
  summary = "The start of a school year in one run: roster, mentoring pairs, meeting rotas, files.",
  { "--from", type = "date", required = true, help = "the first day of the term" },
  { "--to", type = "date", required = true, help = "the last day of the term" },
  { "--staff", type = "path", exists = true, help = "the staff roster to import first" },
  { "--groups", type = "path", exists = true, help = "the group memberships to import first" },
  { "--every", default = "tue", help = "the meeting days, as `baton rota plan --every`" },
  { "--every-weeks", type = "integer", default = 2, min = 1, help = "meet every N weeks" },
  { "--capacity", type = "integer", default = 2, min = 1, help = "mentees per mentor" },
  { "--kinds", default = "team,plc,committee,taskforce", help = "the group kinds to plan" },
  { "--needs", many = true, metavar = "ROLE:ATTR=VALUE", help = "a role's requirement" },
  { "--dry-run", type = "boolean", help = "plan and write files, save nothing" },
  { "--out", default = "start-of-year", metavar = "DIR", help = "where the files go" },
}

local function slug(s) return (s:lower():gsub("[^%w]+", "-"):gsub("^-", ""):gsub("-$", "")) end

-- 1. The roster: all or nothing, file by file. A file with errors stops
-- the script before anything else runs, with every error's line and column.
local function import(what, file)
  local r, err = baton[what].import(file)
  if not r then error(what .. " import " .. file .. " failed:\n" .. err, 0) end
  print(string.format("Imported %s from %s: %d added, %d updated, %d unchanged", what, file, r.added, r.updated,
    r.unchanged))
end
if o.staff then import("people", o.staff) end
if o.groups then import("groups", o.groups) end

assert(baton.fs.mkdir(o.out))

-- 2. Mentoring.
local pairs_made = 0
if baton.groups.members("mentees") and #baton.groups.members("mentees") > 0 then
  local r = assert(baton.plugin("mentoring").match { capacity = o.capacity, save = not o.dry_run,
    csv = o.out .. "/mentoring.csv" })
  pairs_made = #r.pairs
  print(string.format("Mentoring: %d pairs%s, %d mentees without a mentor; %s/mentoring.csv", #r.pairs,
    o.dry_run and "" or " saved", #r.unmatched, o.out))
else
  print("Mentoring: no group 'mentees' (or it is empty): skipped")
end

-- 3. Rotas for every group of the kinds asked for.
local kinds = {}
for k in o.kinds:gmatch("[^,]+") do kinds[k] = true end
local planned, problems = 0, 0
local rotation = baton.plugin("rotation")
for _, g in ipairs(baton.groups.list()) do
  if kinds[g.kind] and g.members >= 3 then
    local dir = o.out .. "/ics/" .. slug(g.name)
    assert(baton.fs.mkdir(dir))
    local r, err = rotation.plan { group = { g.name }, from = o.from, to = o.to, every = o.every,
      every_weeks = o.every_weeks, needs = #o.needs > 0 and o.needs or nil, save = not o.dry_run,
      csv = o.out .. "/rota-" .. slug(g.name) .. ".csv", ics = dir }
    if r then
      local plan = r.groups and r.groups[1] or r
      planned = planned + 1
      local fair = plan.fairness and plan.fairness.met
      if not fair or #(plan.unfilled or {}) > 0 then problems = problems + 1 end
      print(string.format("Rota: %-28s %2d meetings, %s%s", g.name, #(plan.meetings or {}),
        fair and "fair" or "fairness bound not met", #(plan.unfilled or {}) > 0 and ", some roles unfilled" or ""))
    else
      problems = problems + 1
      print(string.format("Rota: %-28s not planned: %s", g.name, err))
    end
  end
end
print(string.format("Done: %d mentoring pairs, %d rotas (%d to look at); files in %s/", pairs_made, planned,
  problems, o.out))
