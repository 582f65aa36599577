-- The manifest: plain data, read without running any of the plugin's code.
-- --group stays a plain string, not type = "group": the rota matches a
-- group's name in any case and answers a near miss with "did you mean".
local group = { "--group", required = true, metavar = "GROUP", help = "the group (team, PLC, committee) as in baton groups list" }
local request = { "request", metavar = "REQUEST", help = "the request's number (see rota requests)" }

return {
  name = "rotation",
  version = "0.1.0",
  api = 1,
  summary = "Fair rotation of meeting roles (facilitator, note-taker, timekeeper...) over a term calendar",
  description = "Plans who holds each role at each meeting, fair by proof: per role and in total, "
    .. "people with the same availability and FTE differ by at most 1 whenever that is possible, "
    .. "counting past terms. Respects closures, absences, eligibility and spacing; explains every "
    .. "choice and every gap; exports CSV, JSON and iCalendar. See docs/practices/rotation.md.",
  namespace = "rota",
  permissions = { "fs.read", "fs.write", "http.route" },
  depends = {},
  settings = {
    approve_swaps = { type = "boolean", default = true,
      help = "a person's request to hand over their own turn waits for the coordinator (rota approve); "
        .. "false: a request that breaks no rule is made at once" },
  },
  -- The dashboard's page (blocks from the route) and what the overview
  -- counts as leadership here: the turns each person has taken so far.
  pages = {
    { name = "rota", title = "Rotating roles", data = "/api/rotation/page" },
  },
  leadership = "/api/rotation/leadership",
  commands = {
    plan = {
      summary = "Plan who holds each role at each meeting of a term",
      help = "Meetings fall on the --every weekdays, every --every-weeks weeks, from --from to --to, "
        .. "minus the closures in --holidays (an .ics file or a CSV from,to,name), or on the --dates "
        .. "given. Absences come from --unavailable (CSV person_id,from,to[,reason]) and from a "
        .. "person's unavailable_days attribute (e.g. fri). --needs ROLE:ATTR=VALUE makes a role need "
        .. "an attribute (or group=NAME, role_in_group=lead, or expertise=TAG[@endorsed|@evidenced] from the expertise "
        .. "map); it is remembered for the group, and ROLE:ATTR= drops it. "
        .. "--group may be repeated: groups are planned in order and each counts the ones before.",
      access = "coordinator",
      args = {
        { "--group", many = true, required = true, metavar = "GROUP", help = "the group; repeat for several" },
        { "--roles", default = "facilitator,notetaker,timekeeper", metavar = "LIST", help = "the roles, comma-separated" },
        { "--every", default = "tue", metavar = "DAYS", help = "meeting weekday(s), comma-separated: mon,thu" },
        { "--every-weeks", type = "integer", default = 1, metavar = "N", help = "meet every N weeks" },
        { "--from", type = "date", metavar = "DATE", help = "first day of the term (required unless --dates)" },
        { "--to", type = "date", metavar = "DATE", help = "last day of the term (required unless --dates)" },
        { "--dates", metavar = "LIST", help = "explicit meeting dates, comma-separated (instead of --every)" },
        { "--holidays", type = "path", exists = true, metavar = "FILE", help = "closures: .ics (Google, Outlook), or CSV from,to,name" },
        { "--timed-closures", type = "boolean", default = false, help = "count the timed events in --holidays (a twilight CPD, a parents' evening) as closures of their day" },
        { "--time", metavar = "HH:MM", help = "the meetings' start, for the calendars (floating local time); remembered" },
        { "--duration", type = "integer", metavar = "MINUTES", help = "the meetings' length with --time (60); remembered" },
        { "--location", metavar = "TEXT", help = "where the group meets, for the calendars; remembered" },
        { "--names", type = "boolean", default = false, help = "show names instead of ids in the rota grid" },
        { "--unavailable", type = "path", exists = true, metavar = "FILE", help = "absences: CSV person_id,from,to[,reason]" },
        { "--needs", many = true, metavar = "ROLE:ATTR=VALUE", help = "what a role requires, e.g. facilitator:trained_facilitator=yes" },
        { "--min-gap", type = "integer", default = 1, metavar = "N", help = "nobody holds a role again within N meetings when someone else can (0 = off)" },
        { "--csv", type = "path", metavar = "FILE", help = "also write the plan as CSV" },
        { "--ics", type = "path", metavar = "DIR", help = "also write iCalendar files: one per group and people/ID.ics, one per person across every group" },
        { "--save", type = "boolean", default = false, help = "keep the plan and record it in the event log" },
      },
    },
    swap = {
      summary = "Give one meeting's role to someone else, checking every rule",
      access = "coordinator", -- anyone's turn; a person asks for their own with `request`
      args = {
        group,
        { "--date", type = "date", required = true, metavar = "DATE", help = "the meeting" },
        { "--role", required = true, metavar = "ROLE", help = "the role" },
        { "--to", type = "person", required = true, metavar = "ID", help = "who takes it (a person id)" },
        { "--force", type = "boolean", default = false, help = "apply even when it breaks the minimum gap" },
      },
    },
    repair = {
      summary = "After new absences, change the fewest future assignments",
      access = "coordinator",
      args = {
        group,
        { "--unavailable", type = "path", exists = true, metavar = "FILE", help = "new absences: CSV person_id,from,to[,reason]" },
        { "--dry-run", type = "boolean", default = false, help = "show what would change, change nothing" },
      },
    },
    why = {
      summary = "Why this person holds this role at this meeting",
      access = "coordinator", -- it names the others' absences and their reasons
      args = {
        group,
        { "--date", type = "date", required = true, metavar = "DATE", help = "the meeting" },
        { "--role", required = true, metavar = "ROLE", help = "the role" },
      },
    },
    show = {
      summary = "The saved plan, upcoming meetings first; publish it again with every change",
      help = "Without --group, every group with a saved rota. --ics and --csv write the saved rota, "
        .. "with the swaps and repairs made since the plan: a turn that moved away from someone stays in "
        .. "their calendar as cancelled.",
      access = "coordinator", -- it writes files (--ics, --csv); anyone sees the rota on its page
      args = {
        { "--group", metavar = "GROUP", help = "the group (default: every saved group)" },
        { "--person", type = "person", metavar = "ID", help = "only this person's turns" },
        { "--ics", type = "path", metavar = "DIR", help = "write the calendars: GROUP.ics and people/ID.ics (one per person, across every group)" },
        { "--csv", type = "path", metavar = "FILE", help = "write the saved rota as CSV" },
      },
    },
    mine = {
      summary = "Your own turns in every group, upcoming first, and your requests waiting",
      help = "In the browser it is anyone's own rota: the host fills PERSON with the signed-in person "
        .. "(a coordinator may name anyone).",
      access = "self",
      args = {
        { "person", type = "person", help = "whose turns (from the browser: yours)" },
      },
    },
    request = {
      summary = "Ask to hand your own turn to someone else (the coordinator approves)",
      help = "Checks every rule a swap checks (eligibility, availability, one role per meeting, the "
        .. "minimum gap) and says which one refuses. The request then waits for the coordinator "
        .. "(rota requests, rota approve, rota decline), unless the setting approve_swaps is false. "
        .. "In the browser the host fills PERSON with the signed-in person: only the holder of a turn "
        .. "can ask to hand it over.",
      access = "self",
      args = {
        group,
        { "--date", type = "date", required = true, metavar = "DATE", help = "the meeting" },
        { "--role", required = true, metavar = "ROLE", help = "the role" },
        { "--to", type = "person", required = true, metavar = "ID", help = "who would take it (a person id)" },
        { "--person", type = "person", required = true, metavar = "ID", help = "who holds the turn (from the browser: you)" },
        { "--note", metavar = "TEXT", help = "a word for the coordinator (why, who agreed)" },
      },
    },
    requests = {
      summary = "The requests to hand over a turn, waiting for a decision",
      access = "coordinator",
      args = {
        { "--all", type = "boolean", default = false, help = "decided ones too" },
      },
    },
    approve = {
      summary = "Approve a request: the turn goes to the person asked, if every rule still holds",
      access = "coordinator",
      args = {
        request,
        { "--force", type = "boolean", default = false, help = "approve even when it breaks the minimum gap" },
      },
    },
    decline = {
      summary = "Decline a request: the turn stays with its holder",
      access = "coordinator",
      args = {
        request,
        { "--reason", metavar = "TEXT", help = "why, kept in the history" },
      },
    },
    feed = {
      summary = "Each person's calendar feed address (baton serve publishes it)",
      help = "Prints, for each person with a turn, the address of their own calendar in baton serve: "
        .. "/api/rotation/feed/TOKEN.ics, where TOKEN is a secret made for them. A calendar app "
        .. "subscribes to it and follows every swap and repair. --rotate makes a new address for one "
        .. "person; the old one then answers 404.",
      access = "coordinator", -- the addresses are secrets
      args = {
        { "--person", type = "person", metavar = "ID", help = "only this person" },
        { "--rotate", type = "boolean", default = false, help = "replace the person's address with a new one" },
        { "--base", metavar = "URL", help = "the address baton serve is reached at, e.g. https://rota.school.org" },
      },
    },
  },
}
