-- The coordinator's pair files (--fixed, --forbid): CSV with a header
-- mentee_id,mentor_id, one pair per line, read with baton.csv (libcsv, as
-- `baton people import` reads the staff list).

local M = {}

-- The pairs of a file as { mentee, mentor, i, j, where = "FILE line N" },
-- each checked against the cohort c (both people must be in their pools;
-- a cell may hold the person's id or name). `cohort_lookup` is
-- cohort.lookup (passed in: cohort.lua requires this module).
function M.read(path, c, cohort_lookup)
  local text, err = baton.fs.read(path)
  if not text then error(("cannot read %s: %s"):format(path, err), 0) end
  local rows, lines = baton.csv.decode(text, path)
  if not rows then error(lines, 0) end
  local head = rows[1] or {}
  local a, b = (head[1] or ""):lower(), (head[2] or ""):lower()
  if a ~= "mentee_id" or b ~= "mentor_id" then
    error(("%s:1: the first line must be the header mentee_id,mentor_id (found '%s')")
      :format(path, table.concat(head, ",")), 0)
  end
  local out = {}
  for k = 2, #rows do
    local row, where = rows[k], ("%s line %d"):format(path, lines[k])
    local mentee, mentor = (row[1] or ""):match("^%s*(.-)%s*$"), (row[2] or ""):match("^%s*(.-)%s*$")
    if mentee ~= "" or mentor ~= "" then
      local i, err = cohort_lookup(c, "mentee", mentee)
      if not i then error(where .. ": " .. err, 0) end
      local j, err2 = cohort_lookup(c, "mentor", mentor)
      if not j then error(where .. ": " .. err2, 0) end
      out[#out + 1] = { mentee = c.mentees[i].id, mentor = c.mentors[j].id, i = i, j = j, where = where }
    end
  end
  return out
end

return M
