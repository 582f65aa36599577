-- Fixture: a misspelt field name on line 7 (comands for commands).
return {
  name = "bad_field",
  version = "1.0.0",
  api = 1,
  summary = "a typo in a field name",
  comands = { go = { summary = "go", args = {} } },
}
