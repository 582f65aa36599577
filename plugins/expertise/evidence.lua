-- Evidence from the other practices, read from the event log. Pure: it
-- gets the events that carry `data.expertise` (store.evidence_events),
-- the vocabulary and who is in the staff list, and returns the rows the
-- ranking counts and the entries it could not count, each with why.
--
-- An entry is {person = ID, tag = TEXT, what = TEXT}: a person in the
-- staff list, a tag (mapped through the vocabulary: "AfL" counts as
-- formative assessment; any other word is kept as it is), and what they
-- did, under 200 characters. At most 50 entries an event; the same
-- person and tag count once per event.
local vocab = require("vocab")

local M = {}

M.MAX = 50

local function where(e, k)
  return ("event '%s' #%d from %s: data.expertise[%d]"):format(e.kind, e.id, e.plugin or "a script", k)
end

--- Returns the evidence rows {person_id, tag, what, plugin, event_id, at}
--- and the skipped entries {event, kind, plugin, why}.
function M.read(events, v, known)
  local rows, skipped = {}, {}
  local function skip(e, why) skipped[#skipped + 1] = { event = e.id, kind = e.kind, plugin = e.plugin, why = why } end
  for _, e in ipairs(events) do
    local list = e.expertise
    if type(list) ~= "table" then
      skip(e, ("event '%s' #%d from %s: data.expertise must be a list of {person =, tag =, what =}"):format(e.kind,
        e.id, e.plugin or "a script"))
    else
      local seen = {}
      for k, x in ipairs(list) do
        if k > M.MAX then
          skip(e, ("event '%s' #%d: more than %d entries in data.expertise; the rest are left out"):format(e.kind,
            e.id, M.MAX))
          break
        end
        if type(x) ~= "table" then
          skip(e, ("%s is a %s, not a {person =, tag =, what =} table"):format(where(e, k), type(x)))
        else
          local tag = type(x.tag) == "string" and vocab.resolve(v, x.tag, true) or nil
          local what = type(x.what) == "string" and x.what:match("^%s*(.-)%s*$") or ""
          if type(x.person) ~= "string" or not known[x.person] then
            skip(e, ("%s names %s, who is not in the staff list"):format(where(e, k),
              type(x.person) == "string" and ("'" .. x.person .. "'") or "nobody"))
          elseif not tag then
            skip(e, ("%s has no tag (a short text, under 60 characters)"):format(where(e, k)))
          elseif what == "" or utf8.len(what) == nil or #what > 200 then
            skip(e, ("%s needs 'what': what they did, as text under 200 characters"):format(where(e, k)))
          elseif not seen[x.person .. "\0" .. tag] then
            seen[x.person .. "\0" .. tag] = true
            rows[#rows + 1] = { person_id = x.person, tag = tag, what = what, plugin = e.plugin or "script",
              event_id = e.id, at = tostring(e.at):sub(1, 10) }
          end
        end
      end
    end
  end
  return rows, skipped
end

return M
