-- Publishing the saved rota as calendars: one for each group, and one for
-- each person across every group they serve in. Built from what is saved
-- (the slots, their sequences, the turns that went away), so a calendar
-- shows the swaps and repairs made since the plan; a turn that moved away
-- from someone stays in their calendar as STATUS:CANCELLED with the same
-- UID and a higher SEQUENCE, so a calendar app that holds the old copy
-- removes it. Pure: the caller reads the store (init.lua) and writes the
-- files or answers the feed.

local M = {}

--- "Maths PLC" -> "maths-plc", for file names and UIDs.
---@param s string
---@return string
function M.slug(s)
  return (s:lower():gsub("[^%w]+", "-"):gsub("^%-+", ""):gsub("%-+$", ""))
end
local slug = M.slug

-- The meeting's time, length and room for an event (settings.meeting).
local function place(ev, meeting)
  if meeting then
    ev.time, ev.minutes, ev.location = meeting.time, meeting.minutes, meeting.location
  end
  return ev
end

local function by_date(a, b)
  return a.date < b.date or (a.date == b.date and a.uid < b.uid)
end

--- The events of every calendar, from the saved groups.
---@param groups {group: string, settings: table, slots: table, cancelled: table[]}[] what store.lua holds per group
---@param names table<string, string> person id -> name
---@return table<string, table[]> group_events events per group
---@return table<string, table[]> person_events events per person id, across the groups
function M.events(groups, names)
  local group_events, person_events = {}, {}
  local function mine(id, ev)
    local list = person_events[id]
    if not list then list = {}; person_events[id] = list end
    list[#list + 1] = ev
  end
  for _, g in ipairs(groups) do
    local group, settings, list = g.group, g.settings, {}
    local meeting = settings.meeting
    local held = {} -- date .. role -> true for a slot that still exists
    for date, roles in pairs(g.slots) do
      for role, s in pairs(roles) do
        held[date .. "\0" .. role] = true
        local uid = ("%s-%s-%s@baton"):format(slug(group), date, slug(role))
        if s.person then
          list[#list + 1] = place({ uid = uid, sequence = s.seq, date = date, description = group,
            summary = ("%s: %s"):format(role, names[s.person] or s.person) }, meeting)
          mine(s.person, place({ uid = ("%s-%s-%s-%s@baton"):format(slug(group), date, slug(role), slug(s.person)),
            sequence = s.seq, date = date, summary = ("%s, %s"):format(role, group),
            description = ("You are %s at the %s meeting."):format(role, group) }, meeting))
        elseif s.seq > 0 then
          list[#list + 1] = place({ uid = uid, sequence = s.seq, date = date, description = group,
            summary = ("%s: nobody yet"):format(role) }, meeting)
        end
      end
    end
    local removed = {} -- a slot a re-plan took away: cancelled in the group's calendar too
    for _, c in ipairs(g.cancelled) do
      mine(c.person, place({ uid = ("%s-%s-%s-%s@baton"):format(slug(group), c.date, slug(c.role), slug(c.person)),
        sequence = c.seq, date = c.date, status = "CANCELLED", summary = ("%s, %s"):format(c.role, group),
        description = ("No longer yours: the %s turn at the %s meeting went to someone else."):format(c.role, group) },
        meeting))
      local k = c.date .. "\0" .. c.role
      if not held[k] and (not removed[k] or removed[k].sequence < c.seq) then
        removed[k] = place({ uid = ("%s-%s-%s@baton"):format(slug(group), c.date, slug(c.role)), sequence = c.seq,
          date = c.date, status = "CANCELLED", description = group, summary = ("%s: %s"):format(c.role, group) },
          meeting)
      end
    end
    for _, ev in pairs(removed) do list[#list + 1] = ev end
    table.sort(list, by_date)
    group_events[group] = list
  end
  for _, list in pairs(person_events) do table.sort(list, by_date) end
  return group_events, person_events
end

--- One person's calendar, as text.
---@param id string
---@param name string
---@param events table[] M.events' person_events[id] (nil: none)
---@param refresh? string how often a subscribed app should ask again (PT1H)
---@return string
function M.person_calendar(id, name, events, refresh)
  return baton.ics.calendar { name = ("%s: my rota turns"):format(name or id), events = events or {},
                              refresh = refresh }
end

--- Writes the calendars in `dir`: GROUP.ics for each group in `groups`
--- (names), people/ID.ics for each person in `people` (ids), each across
--- every group. Returns the paths written.
---@param dir string
---@param groups string[]
---@param people string[]
---@param group_events table<string, table[]>
---@param person_events table<string, table[]>
---@param names table<string, string>
---@return string[] files
function M.write(dir, groups, people, group_events, person_events, names)
  for _, d in ipairs { dir, dir .. "/people" } do
    local ok, err = baton.fs.mkdir(d) -- and any missing parents
    if not ok then error(("--ics %s: %s"):format(dir, err), 0) end
  end
  local files = {}
  local function write(path, text)
    local ok, err = baton.fs.write(path, text)
    if not ok then error(("--ics: cannot write %s: %s"):format(path, err), 0) end
    files[#files + 1] = path
  end
  for _, group in ipairs(groups) do
    write(("%s/%s.ics"):format(dir, slug(group)),
      baton.ics.calendar { name = group .. " rota", events = group_events[group] or {} })
  end
  for _, id in ipairs(people) do
    if person_events[id] then
      write(("%s/people/%s.ics"):format(dir, slug(id)), M.person_calendar(id, names[id], person_events[id]))
    end
  end
  return files
end

return M
