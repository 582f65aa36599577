-- Fixture: a manifest with a syntax error on line 6 (a missing comma).
return {
  name = "bad_syntax",
  version = "1.0.0",
  api = 1
  summary = "missing a comma above",
  commands = {},
}
