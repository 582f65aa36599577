-- The manifest: plain data, read without running any of the plugin's code.
--
-- Evidence is read from the event log: events of the kinds mentor.pair,
-- coach.*, inquiry.* and evidence.* whose data carries `expertise = {
-- {person =, tag =, what =}, ... }` (docs/plugins.md, "Evidence of
-- expertise"). No hook: nothing is copied, so nothing can be lost.
local tags = { "tag", many = true, metavar = "TAG", help = "one or more tags, e.g. 'formative assessment' questioning" }
local free = { "--free", type = "boolean", default = false,
  help = "keep a tag as written even when it looks like a misspelt word of the vocabulary" }

return {
  name = "expertise",
  version = "0.1.0",
  api = 1,
  summary = "The map of expertise in the school: strengths, endorsements, evidence, pockets and gaps",
  description = "People declare their strengths and what they want to grow in (tags mapped to the school's "
    .. "vocabulary), colleagues endorse them, and the other practices add evidence (a coaching cycle, an "
    .. "inquiry cycle, a mentoring pair). 'Who can help with X' ranks people by evidence, endorsement, then "
    .. "declaration, across roles and campuses; pockets are strengths held by one person only; gaps are what "
    .. "the school's initiatives need and nobody holds. See docs/practices/expertise.md.",
  namespace = "expertise",
  permissions = { "http.route" },
  depends = {},
  pages = {
    { name = "map", title = "Expertise", data = "/api/expertise/page" },
  },
  commands = {
    declare = {
      summary = "Declare your strengths: what colleagues can come to you for",
      help = "Each tag is matched to the school's vocabulary ('AfL' is formative assessment); a tag close to a "
        .. "word of it is refused with 'did you mean' (--free keeps it as written), any other is kept as a free "
        .. "tag. --remove takes tags away.",
      access = "self",
      args = {
        { "person", type = "person", metavar = "PERSON", help = "whose strengths (from the browser: yours)" },
        tags,
        { "--remove", type = "boolean", default = false, help = "take these tags away" },
        free,
      },
    },
    want = {
      summary = "Say what you want to grow in: mentoring and coaching look for someone who can help",
      help = "Seen by you and the coordinator; `mentor match` uses it to find a mentor who can help, and a pair "
        .. "it helped make says so in its reasons. Tags are matched as for declare.",
      access = "self",
      args = {
        { "person", type = "person", metavar = "PERSON", help = "who wants to grow (from the browser: you)" },
        tags,
        { "--remove", type = "boolean", default = false, help = "take these tags away" },
        free,
      },
    },
    endorse = {
      summary = "Endorse a colleague's strength: you have seen them do it",
      help = "Nobody endorses themselves. From the browser --by is you; a coordinator may record an "
        .. "endorsement for anyone. --remove withdraws your endorsement.",
      access = "self",
      self = "by",
      args = {
        { "person", type = "person", metavar = "PERSON", help = "the colleague you endorse" },
        { "tag", metavar = "TAG", help = "the strength, e.g. 'formative assessment'" },
        { "--by", type = "person", metavar = "PERSON", help = "who endorses (from the browser: you)" },
        { "--remove", type = "boolean", default = false, help = "withdraw the endorsement" },
        free,
      },
    },
    mine = {
      summary = "Your own strengths, endorsements, evidence and what you want to grow in",
      access = "self",
      args = {
        { "person", type = "person", metavar = "PERSON", help = "whose (from the browser: yours)" },
      },
    },
    helpers = {
      summary = "Who can help with X: ranked by evidence, then endorsements, then declarations",
      help = "Evidenced (a practice recorded them doing it) ranks above endorsed (a colleague says so), which "
        .. "ranks above declared. The spread across roles and campuses shows where the expertise sits.",
      access = "any",
      args = {
        { "tag", metavar = "TAG", help = "the expertise, e.g. 'formative assessment' (synonyms work: AfL)" },
        { "--campus", metavar = "CAMPUS", help = "only people on this campus" },
        { "--role", metavar = "ROLE", help = "only people of this role" },
        { "--exclude", type = "person", many = true, metavar = "PERSON", help = "leave this person out (repeat)" },
        { "--limit", type = "integer", default = 10, min = 1, max = 500, metavar = "N", help = "at most N people" },
      },
    },
    pockets = {
      summary = "Pockets of excellence: strengths held by one person only (the bus-factor list)",
      access = "any",
      args = {},
    },
    gaps = {
      summary = "What the school's needs ask for and nobody (or one person only) holds",
      help = "The needs are the coordinator's list (`expertise needs add TAG --initiative N`), each "
        .. "optionally tied to a change initiative of the kotter practice.",
      access = "any",
      args = {},
    },
    needs = {
      summary = "The expertise the school needs: list, add or remove (optionally for a change initiative)",
      args = {
        { "action", type = "enum", values = { "list", "add", "remove" }, default = "list", metavar = "ACTION",
          help = "list (the default), add TAG, remove TAG" },
        { "tag", optional = true, metavar = "TAG", help = "the expertise needed" },
        { "--why", metavar = "TEXT", help = "with add: what it is needed for" },
        { "--initiative", metavar = "ID", help = "with add: the change initiative that needs it (`baton change list`)" },
        { "--school", metavar = "SCHOOL", help = "with add and remove, in a district database: the school that needs it "
          .. "(default: yours when run from a page; on the command line, the district's, which every school sees)" },
        free,
      },
    },
    vocab = {
      summary = "The school's vocabulary of expertise: list, add a term, alias a synonym, retire a term",
      help = "`vocab add TERM`, `vocab alias TERM --synonym WORD` (repeat --synonym), `vocab retire TERM` "
        .. "(tags already given keep their word; new ones no longer match it).",
      args = {
        { "action", type = "enum", values = { "list", "add", "alias", "retire" }, default = "list",
          metavar = "ACTION", help = "list (the default), add TERM, alias TERM --synonym WORD, retire TERM" },
        { "term", optional = true, metavar = "TERM", help = "the term" },
        { "--synonym", many = true, metavar = "WORD", help = "with alias: another word for the term (repeat)" },
        { "--all", type = "boolean", default = false, help = "with list: retired terms too" },
      },
    },
    evidence = {
      summary = "The evidence the practices recorded, and any entry that could not be counted (for plugin authors)",
      args = {
        { "person", type = "person", optional = true, inactive = true, metavar = "PERSON", help = "only this person's" },
      },
    },
    map = {
      summary = "The whole map as data: every strength with its level, and what each person wants to grow in",
      help = "For other practices (`mentor match` reads it to score a shared expertise need) and exports; "
        .. "it holds what people want to grow in, so it is the coordinator's.",
      args = {},
    },
  },
}
