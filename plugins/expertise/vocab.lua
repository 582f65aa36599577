-- The school's vocabulary of expertise: the words a staff room uses for
-- what its people are good at, each with the other words people type for
-- it ("AfL" is formative assessment). Pure: the store keeps the school's
-- additions (store.lua); this module only knows the default vocabulary and
-- how a typed tag becomes a word of it.
--
-- A typed tag is normalised (lower case, single spaces), then looked up:
--   1. a term of the vocabulary, or a subject someone teaches (the staff
--      list): known, kept as it is;
--   2. a synonym: the term it stands for;
--   3. close to a term (a typo: baton.suggest): refused with "did you
--      mean", unless the person asks to keep it as written (--free);
--   4. anything else: kept as a free tag, and said so.
local M = {}

--- The default vocabulary: each term with its synonyms. A school adds its
--- own terms and synonyms (`expertise vocab add`, `expertise vocab alias`)
--- and may retire a default term it does not use.
M.defaults = {
  { "formative assessment", "afl", "assessment for learning", "checking for understanding" },
  { "feedback", "marking", "written feedback", "verbal feedback" },
  { "questioning", "higher-order questioning", "socratic questioning" },
  { "classroom management", "behaviour management", "behavior management", "routines" },
  { "differentiation", "adaptive teaching", "scaffolding" },
  { "literacy", "disciplinary literacy", "reading across the curriculum", "reading in every subject" },
  { "numeracy", "numeracy across the curriculum" },
  { "eal support", "english as an additional language", "ell", "esl", "eal" },
  { "inclusion", "send", "special educational needs", "learning support" },
  { "wellbeing", "mental health", "pastoral care" },
  { "restorative practice", "restorative justice", "restorative conversations" },
  { "data literacy", "using data", "data analysis", "assessment data" },
  { "curriculum design", "unit planning", "curriculum planning" },
  { "digital learning", "edtech", "educational technology" },
  { "student voice", "student leadership" },
  { "coaching", "instructional coaching" },
  { "facilitation", "meeting facilitation", "running meetings" },
  { "family engagement", "parent engagement", "parental engagement" },
  { "project-based learning", "pbl" },
  { "oracy", "talk for learning", "dialogic teaching" },
  { "retrieval practice", "spaced practice" },
  { "cooperative learning", "collaborative learning", "group work" },
}

--- A tag as it is compared and kept: lower case, trimmed, single spaces.
--- nil for an empty tag.
function M.normal(tag)
  local t = tostring(tag or ""):lower():gsub("%s+", " "):match("^ ?(.-) ?$")
  if t == "" then return nil end
  return t
end

--- What a typed tag is, against the vocabulary `v` (store.vocabulary():
--- {terms = {[term] = true}, synonyms = {[word] = term}, subjects =
--- {[subject] = true}}). Returns the tag to keep and how it was found:
--- "term", "synonym", "subject" or "free"; or nil and a message when it is
--- close to a term (a likely typo) and `free` was not asked for.
function M.resolve(v, typed, free)
  local t = M.normal(typed)
  if not t then return nil, "a tag is empty: name the expertise, e.g. 'formative assessment'" end
  if #t > 60 then return nil, ("the tag '%s...' is %d characters long; keep a tag under 60"):format(t:sub(1, 20), #t) end
  if utf8.len(t) == nil then return nil, "a tag is not UTF-8 text" end
  if v.terms[t] then return t, "term" end
  if v.synonyms[t] then return v.synonyms[t], "synonym" end
  if v.subjects[t] then return t, "subject" end
  if free then return t, "free" end
  local words = {}
  for term in pairs(v.terms) do words[#words + 1] = term end
  for word in pairs(v.synonyms) do words[#words + 1] = word end
  table.sort(words)
  local near = baton.suggest(t, words)
  if near then
    local term = v.synonyms[near] or near
    return nil, ("'%s' is not in the school's vocabulary: did you mean '%s'? Give that, or keep your own "
      .. "word with --free"):format(t, term)
  end
  return t, "free"
end

return M
