/* Tests of core/lua/lua_json.c: baton.json on a bare Lua state (the module
 * needs nothing of a plugin), and the C conversions beside it. */
#include <jansson.h>
#include <lualib.h>

#include "helpers.h"

/* Lua helpers for the tests: deep equality that also compares number
 * subtypes, and a round trip. */
static const char prelude[] =
    "function same(a, b)\n"
    "  if type(a) ~= type(b) then return false end\n"
    "  if type(a) == 'number' then\n"
    "    return math.type(a) == math.type(b) and a == b\n"
    "  end\n"
    "  if type(a) ~= 'table' then return a == b end\n"
    "  for k, v in pairs(a) do if not same(v, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n"
    "function trip(v) return json.decode(json.encode(v)) end\n";

static int setup(void **state) {
  lua_State *L = luaL_newstate();
  /* No plugin owns this state: baton.json then counts no memory. */
  *(baton_plugin_t **)lua_getextraspace(L) = NULL;
  luaL_openlibs(L);
  baton__lua_open_json(L);
  lua_setglobal(L, "json");
  if (luaL_dostring(L, prelude) != LUA_OK)
    return -1;
  *state = L;
  return 0;
}

static int teardown(void **state) {
  lua_close(*state);
  return 0;
}

/* Runs `code`; returns its results joined by tabs, or "error: MSG". */
static const char *eval(lua_State *L, const char *code) {
  static char buf[4096];
  int top = lua_gettop(L);
  if (luaL_dostring(L, code) != LUA_OK) {
    snprintf(buf, sizeof buf, "error: %s", lua_tostring(L, -1));
    lua_settop(L, top);
    return buf;
  }
  buf[0] = '\0';
  for (int i = top + 1; i <= lua_gettop(L); i++) {
    size_t n = strlen(buf);
    snprintf(buf + n, sizeof buf - n, "%s%s", i > top + 1 ? "\t" : "",
             luaL_tolstring(L, i, NULL));
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  return buf;
}

#define assert_eval(L, code, want) assert_string_equal(eval((L), (code)), (want))

static void test_nested_values_round_trip(void **state) {
  lua_State *L = *state;
  assert_eval(L,
              "local v = { name = 'Ana', tags = { 'a', 'b' }, yes = true,\n"
              "  no = false, nested = { deep = { 1, 2.5, { x = 'y' } } } }\n"
              "return same(trip(v), v)",
              "true");
  assert_eval(L, "return json.encode({ 1, 'two', { 3 }, { k = { 'v' } } })",
              "[1,\"two\",[3],{\"k\":[\"v\"]}]");
  /* The check itself can tell values apart. */
  assert_eval(L, "return same({ 1 }, { 1.0 }), same({ a = 1 }, { a = 1, b = 2 })",
              "false\tfalse");
}

static void test_integers_and_floats_keep_their_subtype(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode(3), json.encode(3.0), json.encode(-0.5)",
              "3\t3.0\t-0.5");
  assert_eval(L, "return math.type(json.decode('3')), "
                 "math.type(json.decode('3.0')), math.type(json.decode('1e2'))",
              "integer\tfloat\tfloat");
  assert_eval(L, "return json.decode('9007199254740993') == 9007199254740993, "
                 "trip({ math.maxinteger })[1] == math.maxinteger, "
                 "trip({ math.mininteger })[1] == math.mininteger",
              "true\ttrue\ttrue");
  assert_eval(L, "return same(trip({ 1, 1.0, 0.1, -7 }), { 1, 1.0, 0.1, -7 })",
              "true");
}

static void test_unicode_round_trips(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode('été ☃ 😀')", "\"été ☃ 😀\"");
  assert_eval(L, "return json.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"') == "
                 "'é😀'",
              "true");
  assert_eval(L, "local v = { ['clé'] = 'voilà' } return same(trip(v), v)",
              "true");
}

static void test_tables_become_arrays_only_with_keys_1_to_n(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode({})", "[]");
  /* Keys of an object are not in a set order: read them back. */
  assert_eval(L, "local t = json.decode(json.encode({ [1] = 'a', [3] = 'c' }))"
                 "\nreturn t['1'], t['3'], t[1]",
              "a\tc\tnil");
  assert_eval(L, "return json.encode({ [2] = 'b' })", "{\"2\":\"b\"}");
  assert_eval(L, "return json.encode({ [1.5] = 'x' })", "{\"1.5\":\"x\"}");
  assert_eval(L, "local t = json.decode(json.encode({ 'a', k = 'v' }))\n"
                 "return t['1'], t.k",
              "a\tv");
}

static void test_marked_empty_table_encodes_as_object(void **state) {
  lua_State *L = *state;
  assert_eval(L, "local t = {} return json.object(t) == t, "
                 "json.encode(json.object({}))",
              "true\t{}");
  assert_eval(L, "return json.encode({ list = {} }), "
                 "json.encode({ map = json.object({}) })",
              "{\"list\":[]}\t{\"map\":{}}");
  /* A marked table with 1..n keys is still an object. */
  assert_eval(L, "return json.encode(json.object({ 'a' }))", "{\"1\":\"a\"}");
  assert_contains(eval(L, "return pcall(json.object, 'x')"),
                  "false\tbaton.json.object: the argument must be a table, "
                  "not a string");
}

/* BUG (core/lua/lua_json.c, a gap in the round trip): decode() returns a
 * plain table for an empty JSON object, so encoding it again gives `[]`:
 * a plugin that reads a JSON file and writes it back turns every {} into
 * []. Null survives the same round trip through baton.json.null. Fix: in
 * baton__lua_push_json, give empty JSON objects the object_mt metatable
 * (lua_rawgetp(L, LUA_REGISTRYINDEX, &object_mt); lua_setmetatable). */
static void test_decoded_empty_object_encodes_as_object(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode(json.decode('{\"a\":{},\"b\":[]}').a)",
              "{}");
}

/* BUG (core/lua/lua_json.c): a Lua string holding a NUL byte encodes as
 * "a\u0000b" (valid JSON), but decode() refuses that same text, because
 * json_loadb is called without JSON_ALLOW_NUL: baton.json cannot read
 * back what it wrote. Fix (one flag): add JSON_ALLOW_NUL to the flags of
 * json_loadb in l_decode; pushing already uses the string's length. */
static void test_string_with_nul_round_trips(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode('a\\0b')", "\"a\\u0000b\"");
  assert_eval(L, "local v, e = json.decode(json.encode('a\\0b'))\n"
                 "return v == 'a\\0b', e",
              "true\tnil");
}

/* A key is written with its length: a NUL in it neither cuts it short nor
 * merges it with another key. */
static void test_key_with_nul_is_kept_whole(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode({ ['k\\0z'] = 1 })", "{\"k\\u0000z\":1}");
  assert_eval(L,
              "local s = json.encode({ ['a\\0b'] = 1, a = 2 })\n"
              "return #s",
              "20");
  assert_eval(L, "return pcall(json.encode, { ['\\xff'] = 1 })",
              "false\tbaton.json.encode: a table key that is not valid UTF-8 "
              "has no JSON form");
}

/* jansson's memory counts against the plugin whose call runs: past the
 * limit decode and encode fail like a Lua out-of-memory, and the count
 * comes back to where it was either way. */
static void test_jansson_memory_counts_against_the_plugin(void **state) {
  lua_State *L = *state;
  baton_plugin_t p;
  memset(&p, 0, sizeof p);
  p.name = "t";
  p.mem_limit = 1 << 20;
  *(baton_plugin_t **)lua_getextraspace(L) = &p;
  /* 200 KB of text, a tree of 100,000 json_t: well past 1 MiB. */
  assert_contains(eval(L, "return pcall(json.decode, '[' .. "
                          "string.rep('1,', 100000) .. '1]')"),
                  "false\tbaton.json.decode: out of memory in plugin 't' "
                  "(limit 1 MiB)");
  assert_int_equal(p.mem, 0);
  assert_contains(eval(L, "local t = {} for i = 1, 100000 do t[i] = i end\n"
                          "return pcall(json.encode, t)"),
                  "false\tbaton.json.encode: out of memory in plugin 't'");
  assert_int_equal(p.mem, 0);
  /* Under the limit: counted while it runs, released after. */
  assert_eval(L, "return #json.decode('[' .. string.rep('1,', 999) .. '1]')",
              "1000");
  assert_eval(L, "return #json.encode({ 1, 2, { a = 'x' } })", "15");
  assert_int_equal(p.mem, 0);
  assert_true(p.mem_peak > 1000 * 16);
  assert_true(p.mem_peak <= p.mem_limit); /* never past it */
  *(baton_plugin_t **)lua_getextraspace(L) = NULL;
}

static void test_null_is_a_sentinel_both_ways(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return type(json.null), json.decode('null') == json.null",
              "userdata\ttrue");
  assert_eval(L, "local t = json.decode('[1,null,3]')\n"
                 "return #t, t[2] == json.null, json.encode(t)",
              "3\ttrue\t[1,null,3]");
  assert_eval(L, "return json.encode({ a = json.null }), json.encode(nil)",
              "{\"a\":null}\tnull");
}

static void test_pretty_output_indents_by_two(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.encode({ a = { 1 } }, { pretty = true })",
              "{\n  \"a\": [\n    1\n  ]\n}");
}

static void test_encode_raises_for_values_without_json_form(void **state) {
  lua_State *L = *state;
  assert_eval(L, "return pcall(json.encode, print)",
              "false\tbaton.json.encode: a function value has no JSON form");
  assert_eval(L, "return pcall(json.encode, { f = coroutine.create(print) })",
              "false\tbaton.json.encode: a thread value has no JSON form");
  assert_eval(L, "return pcall(json.encode, { 0/0 })",
              "false\tbaton.json.encode: a number that is not finite (nan or "
              "inf) has no JSON form");
  assert_eval(L, "return pcall(json.encode, -math.huge)",
              "false\tbaton.json.encode: a number that is not finite (nan or "
              "inf) has no JSON form");
  assert_eval(L, "return pcall(json.encode, { [true] = 1 })",
              "false\tbaton.json.encode: a table key that is a boolean has no "
              "JSON form");
  assert_eval(L, "return pcall(json.encode, 'caf\\xe9')",
              "false\tbaton.json.encode: a string that is not valid UTF-8 has "
              "no JSON form");
  assert_eval(L, "return pcall(json.encode, { ok = 'x', bad = '\\xff' })",
              "false\tbaton.json.encode: a string that is not valid UTF-8 has "
              "no JSON form");
  assert_contains(eval(L, "return pcall(json.encode)"),
                  "(value expected)");
}

static void test_encode_stops_at_depth_64_and_on_cycles(void **state) {
  lua_State *L = *state;
  /* Boundary: 64 nested tables encode, 65 do not. */
  static const char nest[] =
      "local function nest(n) local t = {} for i = 2, n do t = { t } end "
      "return t end\n";
  char *code = baton__asprintf("%sreturn (pcall(json.encode, nest(64)))", nest);
  assert_eval(L, code, "true");
  free(code);
  code = baton__asprintf("%sreturn pcall(json.encode, nest(65))", nest);
  assert_eval(L, code, "false\tbaton.json.encode: tables nest deeper than 64 "
                       "(a table that contains itself?)");
  free(code);
  assert_eval(L, "local t = {} t.self = t return pcall(json.encode, t)",
              "false\tbaton.json.encode: tables nest deeper than 64 (a table "
              "that contains itself?)");
}

static void test_decode_returns_nil_message_and_code_on_bad_input(
    void **state) {
  lua_State *L = *state;
  assert_eval(L, "return json.decode('{\"a\":1,\"a\":2}')",
              "nil\tEPARSE: line 1, column 10: duplicate object key near "
              "'\"a\"'\tEPARSE");
  assert_eval(L, "return json.decode('{\\n  \"a\": }')",
              "nil\tEPARSE: line 2, column 8: unexpected token near '}'\t"
              "EPARSE");
  assert_eval(L, "local v, e, c = json.decode('') return v, c",
              "nil\tEPARSE");
  assert_eval(L, "local v, e, c = json.decode('[1,') return v, c",
              "nil\tEPARSE");
  assert_eval(L, "local v, e, c = json.decode('\"\\xff\"') return v, c",
              "nil\tEPARSE");
  /* A wrong argument is a mistake in the code: it raises. */
  assert_contains(eval(L, "return pcall(json.decode, {})"),
                  "baton.json.decode: the text must be a string, not a table");
}

static void test_c_conversion_reports_errors_and_owns_nothing(void **state) {
  lua_State *L = *state;
  char *err = (char *)"untouched";
  int top = lua_gettop(L);
  assert_int_equal(luaL_dostring(L, "return { a = { true, 2 } }"), LUA_OK);
  json_t *j = baton__lua_to_json(L, -1, &err);
  assert_non_null(j);
  assert_null(err);
  char *s = json_dumps(j, JSON_COMPACT);
  assert_string_equal(s, "{\"a\":[true,2]}");
  free(s);
  baton__lua_push_json(L, j);
  json_decref(j);
  lua_setglobal(L, "back");
  assert_eval(L, "return back.a[1], math.type(back.a[2])", "true\tinteger");
  lua_pushcfunction(L, luaopen_base);
  assert_null(baton__lua_to_json(L, -1, &err));
  assert_string_equal(err, "a function value has no JSON form");
  free(err);
  lua_settop(L, top);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_nested_values_round_trip),
      T(test_integers_and_floats_keep_their_subtype),
      T(test_unicode_round_trips),
      T(test_tables_become_arrays_only_with_keys_1_to_n),
      T(test_marked_empty_table_encodes_as_object),
      T(test_decoded_empty_object_encodes_as_object),
      T(test_string_with_nul_round_trips),
      T(test_key_with_nul_is_kept_whole),
      T(test_jansson_memory_counts_against_the_plugin),
      T(test_null_is_a_sentinel_both_ways),
      T(test_pretty_output_indents_by_two),
      T(test_encode_raises_for_values_without_json_form),
      T(test_encode_stops_at_depth_64_and_on_cycles),
      T(test_decode_returns_nil_message_and_code_on_bad_input),
      T(test_c_conversion_reports_errors_and_owns_nothing),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
