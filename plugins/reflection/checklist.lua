-- The checklist: the rating scale and the bundled statements.
--
-- The statements are baton's own wording of ideas from the research on
-- distributed leadership; `source` names the idea, not a published
-- instrument (none is copied). A school edits the set with `reflect items`.
local M = {}

-- Four points, no middle: a team has to say whether a practice leans
-- towards absent or present, and each point names a stage of practice
-- rather than a degree of agreement, so two teams mean the same by a 3.
M.scale = {
  { score = 1, label = "not yet", help = "we do not do this yet" },
  { score = 2, label = "emerging", help = "some of us, sometimes" },
  { score = 3, label = "established", help = "most of us, most of the time" },
  { score = 4, label = "embedded", help = "it is how we work; it would survive a change of leader" },
}
M.lowest, M.highest = 1, #M.scale

--- "1 not yet, 2 emerging, 3 established, 4 embedded"
function M.describe()
  local parts = {}
  for _, s in ipairs(M.scale) do parts[#parts + 1] = ("%d %s"):format(s.score, s.label) end
  return table.concat(parts, ", ")
end

M.defaults = {
  { text = "Staff in every role have a real say in the decisions that affect their work.",
    source = "Harris (2008): leadership as shared influence over decisions" },
  { text = "Leading is spread across many people here, not held by a few titles.",
    source = "Spillane, Halverson & Diamond (2004): leadership stretched over leaders, followers and situation" },
  { text = "Roles such as chairing, facilitating and note-taking rotate in our team.",
    source = "Spillane (2006): leadership practice in routines, not in positions" },
  { text = "We notice and name contributions made outside formal roles.",
    source = "Harris & Muijs (2005): teacher leadership and its recognition" },
  { text = "Time to work together is protected, and we use it for shared work.",
    source = "Harris & Jones (2010): professional learning communities as distributed leadership" },
  { text = "Feedback reaches people in every role, and we can see what changed because of it.",
    source = "Leithwood, Mascall & Strauss (2009): distributed leadership as patterns of influence" },
  { text = "People are trusted to start something without waiting for permission.",
    source = "Harris (2013): trust and the conditions for distributed leadership" },
  { text = "Newer colleagues are invited to lead something, and supported while they do.",
    source = "York-Barr & Duke (2004): building leadership capacity across a school" },
  { text = "We make decisions together from shared evidence about students' learning.",
    source = "Spillane (2006): tools and routines that carry leadership" },
  { text = "We talk openly about who leads what in our team, and change it when it is lopsided.",
    source = "Gronn (2002): distributed leadership as a unit of analysis to reflect on" },
}

return M
