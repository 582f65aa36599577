/* Tests of core/lua/lua_leadership.c: baton.leadership.collect's error
 * paths, run as the command `t go` of a plugin in a scratch directory:
 * wrong argument types, unknown options, no permission, a call from a
 * coroutine the plugin made, and what each kind of bad route becomes
 * (one entry with `error`, the others unharmed). The hostile routes as
 * baton serve runs them are tests/e2e/test_leadership_collect.sh. */
#include "helpers.h"

#define GRANT "  permissions = { 'leadership.read' },\n"

/* A plugin NAME whose init.lua makes the GET route /api/NAME/leadership
 * answering with `body` (Lua statements ending in a return). */
static void practice(scratch_t *s, const char *name, const char *body) {
  char *extra = baton__asprintf("  permissions = { 'http.route' },\n"
                                "  leadership = '/api/%s/leadership',\n",
                                name);
  char *m = manifest_text(name, extra);
  char *code = baton__asprintf(
      "baton.http.route('GET', '/api/%s/leadership', function(req)\n%s\nend)\n"
      "return {}\n",
      name, body);
  free(plugin_write(s->dir, name, m, code));
  free(code);
  free(m);
  free(extra);
}

static int setup(void **state) {
  *state = scratch_new();
  return 0;
}

static int teardown(void **state) {
  scratch_free(*state);
  return 0;
}

/* Prints each entry of a collect as "plugin: error" or "plugin: label /
 * role / person=count:role ...". */
#define LIST                                                                   \
  "local function list(all)\n"                                                 \
  "  for _, p in ipairs(all) do\n"                                             \
  "    local parts = {}\n"                                                     \
  "    for _, r in ipairs(p.roles) do\n"                                       \
  "      parts[#parts + 1] = r.person .. '=' .. r.count .. ':' .. r.role\n"    \
  "    end\n"                                                                  \
  "    local text = p.error\n"                                                 \
  "    if not text then\n"                                                     \
  "      text = p.label .. ' / ' .. p.role .. ' / ' .. table.concat(parts, ' " \
  "')\n"                                                                       \
  "      if p.period then text = text .. ' / ' .. p.period.from .. '..' .. "   \
  "p.period.to end\n"                                                          \
  "    end\n"                                                                  \
  "    baton.print(p.plugin .. ': ' .. text)\n"                                \
  "  end\n"                                                                    \
  "end\n"

static void test_arguments_are_checked(void **state) {
  expect_binding(
      *state, GRANT,
      "raises(baton.leadership.collect, 5)\n"
      "raises(baton.leadership.collect, { form = '2026-09-01' })\n"
      "raises(baton.leadership.collect, { from = '2026-09-01' })\n"
      "raises(baton.leadership.collect, { from = '2026-9-1', to = 'x' })\n"
      "raises(baton.leadership.collect, { from = '2026-12-01', to = "
      "'2026-09-01' })\n"
      "show(#baton.leadership.collect())\n",
      "baton.leadership.collect: the options must be a table, not a number\n"
      "baton.leadership.collect: unknown option 'form' (did you mean "
      "'from'?); the options are from, to\n"
      "baton.leadership.collect: give both from and to (a term: from = "
      "\"2026-09-01\", to = \"2026-12-18\"), or neither\n"
      "baton.leadership.collect: from and to must be dates YYYY-MM-DD\n"
      "baton.leadership.collect: from (2026-12-01) is after to (2026-09-01)\n"
      "0\n");
}

static void test_without_the_permission_it_names_the_one_to_add(void **state) {
  expect_binding(*state, NULL, "raises(baton.leadership.collect)\n",
                 "plugin 't' needs permission "
                 "'leadership.read' to call baton.leadership.collect; add "
                 "permissions = { \"leadership.read\" } to "
                 "$DIR/t/plugin.lua\n");
}

static void test_from_a_coroutine_of_the_plugin_it_raises(void **state) {
  expect_binding(*state, GRANT, "in_coroutine(baton.leadership.collect)\n",
                 "false | baton.leadership.collect can only wait in a "
                 "command handler or a timer callback, not inside a "
                 "coroutine of your own or at load time\n");
}

/* What list() prints for one collect of the practices above. */
#define WANT                                                                   \
  "badcount: plugin 'badcount': GET /api/badcount/leadership: its "            \
  "roles[1].count is not a number from 0 up; each entry is { person = ID, "    \
  "count = N } with N a number from 0 up; a leadership route answers { label " \
  "= ..., roles = { { person = ID, count = N } } } (docs/plugins.md)\n"        \
  "badperiod: plugin 'badperiod': GET /api/badperiod/leadership: its period "  \
  "must be { from = \"YYYY-MM-DD\", to = \"YYYY-MM-DD\" }, from not after "    \
  "to; a leadership route answers { label = ..., roles = { { person = ID, "    \
  "count = N } } } (docs/plugins.md)\n"                                        \
  "empty: none yet / none yet / \n"                                            \
  "good: mentees / mentees / T1=2:mentees T2=1:buddy\n"                        \
  "nolist: plugin 'nolist': GET /api/nolist/leadership: its roles is a "       \
  "number; it must be a list of { person = ID, count = N }; a leadership "     \
  "route answers { label = ..., roles = { { person = ID, count = N } } } "     \
  "(docs/plugins.md)\n"                                                        \
  "notable: plugin 'notable': GET /api/notable/leadership: it answered a "     \
  "string, not a table; a leadership route answers { label = ..., roles = { "  \
  "{ person = ID, count = N } } } (docs/plugins.md)\n"                         \
  "raiser: plugin 'raiser': GET /api/raiser/leadership failed: "               \
  "$DIR/raiser/init.lua:2: no counts\n"                                        \
  "status: plugin 'status': GET /api/status/leadership: it answered status "   \
  "404: gone; a leadership route answers { label = ..., roles = { { person = " \
  "ID, count = N } } } (docs/plugins.md)\n"                                    \
  ""

/* Each bad route is its own entry's error; the good ones answer. */
static void test_each_bad_route_is_an_error_of_its_own(void **state) {
  scratch_t *s = *state;
  practice(s, "good",
           "return { label = 'mentees', roles = { { person = 'T1', count = 2 "
           "}, { person = 'T2', count = 1, role = 'buddy' } }, period = "
           "req.query.from and { from = req.query.from, to = req.query.to } "
           "}");
  practice(s, "empty", "return { label = 'none yet', roles = {} }");
  practice(s, "raiser", "error('no counts')");
  practice(s, "notable", "return 'text'");
  practice(s, "nolist", "return { label = 'x', roles = 3 }");
  practice(s, "badcount",
           "return { roles = { { person = 'T1', count = -1 } } }");
  practice(s, "badperiod",
           "return { roles = {}, period = { from = 'today' } }");
  practice(s, "status", "return { error = { message = 'gone' } }, 404");
  expect_binding(s, GRANT,
                 LIST "list(baton.leadership.collect())\n"
                      "for _, p in ipairs(baton.leadership.collect{ from = "
                      "'2026-09-01', to = '2026-12-18' }) do\n"
                      "  if p.plugin == 'good' then list({ p }) end\n"
                      "end\n",
                 WANT "good: mentees / mentees / T1=2:mentees T2=1:buddy / "
                      "2026-09-01..2026-12-18\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_arguments_are_checked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_without_the_permission_it_names_the_one_to_add, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_from_a_coroutine_of_the_plugin_it_raises, setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_each_bad_route_is_an_error_of_its_own, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
