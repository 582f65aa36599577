-- Fixture: the third argument has an unknown type (line 14); the line
-- reported must be that argument's, not the first one's.
return {
  name = "bad_type",
  version = "1.0.0",
  api = 1,
  summary = "a typo in an argument type",
  commands = {
    go = {
      summary = "go",
      args = {
        { "who", type = "string" },
        { "--times", type = "integer", default = 1 },
        { "--when", type = "dat" },
      },
    },
  },
}
