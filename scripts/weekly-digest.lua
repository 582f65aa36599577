-- scripts/weekly-digest.lua: what is due next week, for a Monday briefing.
--
--   baton run scripts/weekly-digest.lua [--from DATE] [--days N] [--out FILE]
--
-- Three questions, each answered by a practice through baton.plugin(...):
--   * Meetings: who facilitates (and takes notes, keeps time) at each meeting
--     of a saved rota in the week from --from (default today) for --days
--     days (default 7);
--   * Change: which Kotter steps stall (the warnings of `baton change status`:
--     quiet steps, no wins, overdue, narrow coalition);
--   * Mentoring: which active pairs have no logged meeting. A meeting is an
--     event of kind "mentor.meeting" whose subject is the mentee (any plugin
--     or script may log it, e.g. a form that staff fill in).
-- --out FILE (with --allow fs.write) also writes the digest as Markdown, to
-- paste into the staff bulletin.

local args = baton.args {
  summary = "What is due next week, for a Monday briefing.",
  { "--from", type = "date", help = "the first day of the week (default today)" },
  { "--days", type = "integer", default = 7, min = 1, help = "how many days" },
  { "--out", type = "path", help = "also write the digest as Markdown (needs --allow fs.write)" },
}
local from, days, out = args.from or baton.today(), args.days, args.out
local to = baton.date.add(from, days - 1)
local lines = {}
local function say(s) lines[#lines + 1] = s; print(s) end

say(string.format("# The week of %s to %s", from, to))

-- Meetings: every group with a saved rota.
say("")
say("## Meetings and who leads them")
local rotation = baton.plugin("rotation")
local any = false
for _, g in ipairs(baton.groups.list()) do
  local slots = rotation.show { group = g.name }
  if type(slots) == "table" then
    local by_date = {}
    for _, s in ipairs(slots) do
      local d = s.date
      if d >= from and d <= to then
        by_date[d] = by_date[d] or {}
        by_date[d][s.role] = s.name or s.person
      end
    end
    local dates = {}
    for d in pairs(by_date) do dates[#dates + 1] = d end
    table.sort(dates)
    for _, d in ipairs(dates) do
      local r = by_date[d]
      any = true
      local roles = {}
      for role, who in pairs(r) do
        if role ~= "facilitator" then roles[#roles + 1] = role .. " " .. who end
      end
      table.sort(roles)
      say(string.format("- %s %s: %s facilitates%s", d, g.name, r.facilitator or "nobody yet",
        #roles > 0 and "; " .. table.concat(roles, ", ") or ""))
    end
  end
end
if not any then say("- No meetings with a saved rota this week.") end

-- Change: stall warnings of every initiative.
say("")
say("## Changes that stall")
local status = baton.plugin("kotter").status {}
local stalls = 0
if type(status) == "table" then
  for _, init in ipairs(status) do
    for _, w in ipairs(init.warnings or {}) do
      stalls = stalls + 1
      local text = type(w) == "table" and (w.message or w.text or baton.json.encode(w)) or tostring(w)
      say(string.format("- %s: %s", init.title, text))
    end
  end
end
if stalls == 0 then say("- No warnings: every change is moving.") end

-- Mentoring: active pairs without a logged meeting.
say("")
say("## Mentoring pairs with no logged meeting")
local met = {}
for _, e in ipairs(baton.events.list { kind = "mentor.meeting" }) do
  met[e.subject] = true
end
local active = baton.plugin("mentoring").list { active = true }
local quiet = 0
if type(active) == "table" then
  for _, p in ipairs(active) do
    local mentee_id = tostring(p.mentee):match("^(%S+)")
    if not met[mentee_id] then
      quiet = quiet + 1
      say(string.format("- %s with %s (since %s)", p.mentee, p.mentor, p.started or "?"))
    end
  end
end
if quiet == 0 then say("- Every active pair has met.") end

if out then
  assert(baton.fs.write(out, table.concat(lines, "\n") .. "\n"))
end
