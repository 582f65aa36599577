-- The manifest: plain data, read without running any of the plugin's code.
-- match, why and rematch plan the same cohort, so they share these options.
local cohort = {
  { "--mentees", type = "group", metavar = "GROUP",
    help = "the group of people to be mentored (default: the saved groups, see `mentor cohort`, else 'mentees')" },
  { "--mentors", type = "group", metavar = "GROUP",
    help = "the group of people who mentor (default: the saved groups, else 'mentors')" },
  { "--cohort", type = "group", metavar = "GROUP",
    help = "one group holding both: its members with role_in_group mentee are mentored by those with mentor" },
  { "--weights", metavar = "LIST",
    help = "feature weights, e.g. subject=3,grade=2,campus=1 (over the saved ones; see `mentor weights`)" },
  { "--capacity", type = "integer", default = 1, metavar = "N",
    help = "mentees per mentor (a person's mentor_capacity attribute overrides it)" },
  { "--objective", type = "enum", values = { "total", "fairest" }, default = "total",
    help = "total: the best sum of pair scores; fairest: the best lowest pair score, then the total" },
  { "--same-campus", type = "boolean", default = false, help = "pair people on the same campus only" },
  { "--mentees-school", metavar = "SCHOOL",
    help = "a district database: only the mentees of this school (`baton schools list`)" },
  { "--mentors-school", metavar = "LIST",
    help = "a district database: only mentors of these schools, e.g. South,East" },
  { "--same-school", type = "boolean", default = false, help = "pair people of the same school only" },
  { "--across-schools", type = "boolean", default = false,
    help = "pair each mentee with a mentor of another school (a network's mentoring)" },
  { "--allow-repeat", type = "boolean", default = false, help = "allow a pair that was active before" },
  { "--fixed", type = "path", exists = true, metavar = "FILE",
    help = "CSV of pairs to keep as they are (header mentee_id,mentor_id)" },
  { "--forbid", type = "path", exists = true, metavar = "FILE",
    help = "CSV of pairs never to make (header mentee_id,mentor_id)" },
  { "--rule", type = "path", exists = true, metavar = "FILE",
    help = "a Lua file returning function(mentee, mentor, score): a new score, or false to forbid the pair" },
}

local function with_cohort(args)
  for i = 1, #cohort do
    args[#args + 1] = cohort[i]
  end
  return args
end

return {
  name = "mentoring",
  version = "0.1.0",
  api = 1,
  summary = "Pair newer staff with mentors: optimal, explained, with minimal churn",
  description = "Scores every mentee-mentor pair on shared subjects, grades, campus, language and "
    .. "more (weights you set), honours hard rules (capacity, line managers, past pairs, "
    .. "fixed and forbidden pairs), and finds the best whole cohort exactly. Every pair "
    .. "comes with its reasons. See docs/practices/mentoring.md.",
  namespace = "mentor",
  permissions = { "fs.read", "fs.write", "http.route" },
  depends = {},
  -- The dashboard's page (blocks from the route) and what the overview
  -- counts as leadership here: the mentees each mentor mentors now.
  pages = {
    { name = "pairs", title = "Mentoring", data = "/api/mentoring/page" },
  },
  leadership = "/api/mentoring/leadership",
  settings = {
    weights = {
      type = "string",
      help = "the scoring weights every match uses, e.g. subject=4,campus=0 (unset: the defaults; "
        .. "`mentor weights` shows them, `mentor weights --set` and `baton config mentoring weights` change them)",
    },
    expertise = {
      type = "integer", default = 2, min = 0, max = 20,
      help = "points when the mentor can help with what the mentee wants to grow in, from the expertise "
        .. "practice's map (`baton expertise want`); 0 turns it off. Without the expertise plugin it does nothing",
    },
  },
  commands = {
    match = {
      summary = "Pair the mentees with mentors, and say why",
      help = "Matches as many mentees as the rules allow, then finds the best pairs. Every pair "
        .. "is listed with its score and reasons; every mentee left out with the rule that "
        .. "left them out. --save records the pairs as active.",
      access = "coordinator",
      args = with_cohort({
        { "--csv", type = "path", metavar = "FILE", help = "also write the pairs to a CSV file" },
        { "--save", type = "boolean", default = false, help = "record the pairs as active (event log and history)" },
      }),
    },
    why = {
      summary = "Why a mentee got their mentor and not another one",
      help = "Shows the pair's reasons, the other mentor's score and reasons, and what the "
        .. "whole cohort would lose if the other pair were forced (found by solving again). "
        .. "Without MENTOR, compares with the best other mentor.",
      access = "coordinator", -- it shows every mentor's score for the mentee
      args = with_cohort({
        { "mentee", metavar = "MENTEE", help = "the mentee's id or name" },
        { "mentor", optional = true, metavar = "MENTOR", help = "another mentor's id or name" },
      }),
    },
    rematch = {
      summary = "Re-optimise after people leave, arrive or change, keeping every valid pair",
      help = "Keeps every active pair that is still allowed, ends the ones that are not (and "
        .. "says why), and pairs the mentees left without a mentor. Prints exactly which pairs "
        .. "change. --save records the changes.",
      access = "coordinator",
      args = with_cohort({
        { "--save", type = "boolean", default = false, help = "end and record the changed pairs" },
      }),
    },
    ["end"] = {
      summary = "End an active pair, or all of them",
      access = "coordinator",
      args = {
        { "pair", optional = true, metavar = "PAIR",
          help = "the pair's number, or the mentee's id or name, or MENTEE/MENTOR" },
        { "--all", type = "boolean", default = false, help = "end every active pair" },
        { "--reason", metavar = "TEXT", help = "why it ends, kept in the history" },
      },
    },
    list = {
      summary = "The pairs made so far",
      access = "coordinator", -- ended pairs and why they ended are the coordinator's to see
      args = {
        { "--active", type = "boolean", default = false, help = "only the pairs still running" },
      },
    },
    cohort = {
      summary = "Show the cohort's groups, or save them for every later command",
      help = "match, why and rematch take their mentees and mentors from the groups saved here "
        .. "(match --save saves the ones it used), unless given on the command line.",
      access = "coordinator",
      args = {
        { "--mentees", type = "group", metavar = "GROUP", help = "the group of people to be mentored" },
        { "--mentors", type = "group", metavar = "GROUP", help = "the group of people who mentor" },
        { "--cohort", type = "group", metavar = "GROUP", help = "one group holding both (role_in_group mentee or mentor)" },
        { "--reset", type = "boolean", default = false, help = "forget the saved groups ('mentees' and 'mentors' again)" },
      },
    },
    mine = {
      summary = "Your own mentor and mentees: whom you are paired with, since when and why",
      help = "Shows only the pairs PERSON is in. In the browser it is anyone's own page: the host fills "
        .. "PERSON with the signed-in person (a coordinator may name anyone).",
      access = "self",
      args = {
        { "person", type = "person", help = "whose pairs (from the browser: yours)" },
        { "--all", type = "boolean", default = false, help = "ended pairs too, with why they ended" },
      },
    },
    weights = {
      summary = "Show the scoring weights, or save new ones for every match",
      access = "coordinator",
      args = {
        { "--set", metavar = "LIST", help = "e.g. subject=4,campus=0: saved, used by every later match" },
        { "--reset", type = "boolean", default = false, help = "go back to the default weights" },
      },
    },
  },
}
