-- The termly reflection checklist as the kit before issue 18 allowed it:
-- no school calendar (the plugin imports its own), no settings (its own
-- table and a config command), no hooks (it polls the event log).
return {
  name = "reflection",
  version = "0.1.0",
  api = 1,
  summary = "A termly leadership reflection: leaders answer the term's questions",
  namespace = "reflect",
  permissions = { "http.route", "fs.read" },
  commands = {
    terms = {
      summary = "Import the school's terms and closures from a CSV (name,start,end,kind)",
      args = { { "file", type = "path", exists = true, metavar = "FILE", help = "the calendar CSV" } },
    },
    config = {
      summary = "Show or set a setting (questions: how many asked each term, 1 to 5)",
      args = {
        { "key", optional = true, metavar = "KEY", help = "the setting" },
        { "value", optional = true, metavar = "VALUE", help = "its new value" },
      },
    },
    prompt = { summary = "This term's questions" },
    answer = {
      summary = "Record a leader's answer to one of this term's questions",
      args = {
        { "person", metavar = "PERSON", help = "who reflects (a person id)" },
        { "question", type = "integer", metavar = "N", help = "which question (1 to 5)" },
        { "text", metavar = "TEXT", help = "the answer, in a sentence or two" },
      },
    },
    status = { summary = "Who has reflected this term, and the school days left" },
  },
}
