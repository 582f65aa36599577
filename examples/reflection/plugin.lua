-- The manifest of the termly reflection checklist: plain data, read without
-- running any of the plugin's code. docs/plugins.md, "Tutorial", builds it.
return {
  name = "reflection",
  version = "0.1.0",
  api = 1,
  summary = "A termly leadership reflection: leaders answer the term's questions",
  namespace = "reflect",
  permissions = { "http.route" },
  hooks = { "mentor.pair" },
  settings = {
    questions = { type = "integer", default = 3, min = 1, max = 5, help = "questions asked each term" },
  },
  commands = {
    prompt = { summary = "This term's questions", access = "any" },
    answer = {
      summary = "Record a leader's answer to one of this term's questions",
      access = "self", -- in the browser, PERSON is the signed-in person
      args = {
        { "person", type = "person", help = "who reflects (a person id)" },
        { "question", type = "integer", min = 1, max = 5, metavar = "N", help = "which question" },
        { "text", metavar = "TEXT", help = "the answer, in a sentence or two" },
      },
    },
    status = { summary = "Who has reflected this term, and the school days left", access = "coordinator" },
  },
}
