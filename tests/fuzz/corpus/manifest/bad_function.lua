-- Fixture: a manifest holding code (a function value on line 7).
return {
  name = "bad_function",
  version = "1.0.0",
  api = 1,
  summary = "computes its summary",
  commands = { go = { summary = "go", args = function() return {} end } },
}
