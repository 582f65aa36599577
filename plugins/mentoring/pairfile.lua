-- The coordinator's pair files (--fixed, --forbid): CSV with a header
-- mentee_id,mentor_id, one pair per line, read with baton.csv (libcsv, as
-- `baton people import` reads the staff list).

local M = {}

-- The pairs of a file as { mentee, mentor, i, j, where = "FILE line N" },
-- each checked against the cohort c (both people must be in their pools).
function M.read(path, c)
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
      local i, j = c.row_of[mentee], c.col_of[mentor]
      if not i then
        error(("%s: '%s' is not a mentee (not an active member of the group '%s')"):format(where, mentee, c.args.mentees), 0)
      end
      if not j then
        error(("%s: '%s' is not a mentor (not an active member of the group '%s')"):format(where, mentor, c.args.mentors), 0)
      end
      out[#out + 1] = { mentee = mentee, mentor = mentor, i = i, j = j, where = where }
    end
  end
  return out
end

return M
