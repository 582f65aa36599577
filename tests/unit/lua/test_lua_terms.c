/* Tests of core/lua/lua_terms.c and lua_settings.c: baton.terms over a
 * calendar in the store, and baton.settings over stored values, inside a
 * real plugin's state. */
#include "helpers.h"

typedef struct {
  scratch_t *t;
  thost_t *host;
  baton_plugin_t *p;
  baton_store_t *s;
} fx_lua_t;

static int setup(void **state) {
  fx_lua_t *f = calloc(1, sizeof *f);
  f->t = scratch_new();
  char *extra = baton__strdup(
      "  settings = { capacity = { default = 2, min = 1, max = 10 },\n"
      "    tone = { type = 'enum', values = { 'warm', 'plain' } } },\n");
  char *m = manifest_text("cal", extra);
  free(plugin_write(f->t->dir, "cal", m, "return {}\n"));
  free(m);
  free(extra);
  f->host = host_open(f->t->dir, 0);
  f->host->h->opts.db_path = baton__strdup(scratch_path(f->t, "baton.db"));
  f->p = plugin_loaded(f->host, "cal");
  assert_int_equal(baton__host_store(f->host->h, &f->s), 0);
  static const baton_term_t year[] = {
      {BATON_TERM, "Autumn", "2026-09-03", "2026-12-18"},
      {BATON_CLOSURE, "Half term", "2026-10-26", "2026-10-30"},
      {BATON_CLOSURE, "Christmas", "2026-12-19", "2027-01-04"},
      {BATON_TERM, "Spring", "2027-01-05", "2027-03-26"},
  };
  baton_terms_report_t r;
  assert_int_equal(baton_terms_apply(f->s, year, NULL, 4, 0, 0, &r), 0);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx_lua_t *f = *state;
  free((char *)f->host->h->opts.db_path);
  f->host->h->opts.db_path = NULL;
  host_close(f->host);
  scratch_free(f->t);
  free(f);
  return 0;
}

/* Evaluates a Lua expression in the plugin's state; checks tostring. */
static void expect_eval(fx_lua_t *f, const char *expr, const char *want) {
  lua_State *L = f->p->L;
  char *src = baton__asprintf("return tostring(%s)", expr);
  if (luaL_dostring(L, src) != LUA_OK)
    fail_msg("%s raised: %s", expr, lua_tostring(L, -1));
  if (strcmp(lua_tostring(L, -1), want) != 0)
    fail_msg("%s gave %s, expected %s", expr, lua_tostring(L, -1), want);
  lua_pop(L, 1);
  free(src);
}

static void expect_raise(fx_lua_t *f, const char *code, const char *needle) {
  lua_State *L = f->p->L;
  if (luaL_dostring(L, code) == LUA_OK)
    fail_msg("%s did not raise", code);
  assert_contains(lua_tostring(L, -1), needle);
  lua_pop(L, 1);
}

static void test_terms_of_a_date(void **state) {
  fx_lua_t *f = *state;
  expect_eval(f, "baton.terms.current('2026-09-03').name", "Autumn");
  expect_eval(f, "baton.terms.current('2026-12-18').to", "2026-12-18");
  expect_eval(f, "baton.terms.current('2026-12-19')", "nil");
  expect_eval(f, "#baton.terms.current('2026-10-01').closures", "1");
  expect_eval(f, "select(2, baton.terms.of('2026-10-27')).name", "Half term");
  expect_eval(f, "baton.terms.of('2026-10-27').name", "Autumn");
  expect_eval(f, "baton.terms.of('2026-12-25')", "nil");
  expect_eval(f, "select(2, baton.terms.of('2026-12-25')).name", "Christmas");
  /* previous: before the date's own term, or the last one ended. */
  expect_eval(f, "baton.terms.previous('2027-02-01').name", "Autumn");
  expect_eval(f, "baton.terms.previous('2026-12-25').name", "Autumn");
  expect_eval(f, "baton.terms.previous('2026-10-01')", "nil");
  expect_eval(f, "#baton.terms.list()", "2");
  expect_eval(f, "baton.terms.list()[2].name", "Spring");
}

static void test_today_is_the_default_date(void **state) {
  fx_lua_t *f = *state;
  f->host->h->opts.today = "2027-01-06";
  expect_eval(f, "baton.terms.current().name", "Spring");
  expect_eval(f, "baton.terms.previous().name", "Autumn");
  f->host->h->opts.today = NULL;
}

static void test_school_days_leave_out_weekends_and_closures(void **state) {
  fx_lua_t *f = *state;
  /* Mon 2026-10-19 .. Sun 2026-11-01: two weeks, the second half term. */
  expect_eval(f, "baton.terms.school_days('2026-10-19', '2026-11-01')", "5");
  expect_eval(f, "select(2, baton.terms.school_days('2026-10-19', "
                 "'2026-11-01'))[5]",
              "2026-10-23");
  /* Across the Christmas closure into the spring term (Tue 5 Jan). */
  expect_eval(f, "baton.terms.school_days('2026-12-17', '2027-01-06')", "4");
  expect_eval(f, "baton.terms.school_days('2026-12-19', '2026-12-18')", "0");
  expect_raise(f, "baton.terms.school_days('2026-01-01', '2200-01-01')",
               "more than a century");
  expect_raise(f, "baton.terms.current('2026-1-1')",
               "baton.terms.current: '2026-1-1' is not a date");
  expect_raise(f, "baton.terms.of(20261001)", "must be a string");
}

static void test_settings_typed_with_defaults(void **state) {
  fx_lua_t *f = *state;
  expect_eval(f, "baton.settings.get('capacity')", "2");
  expect_eval(f, "baton.settings.get('tone')", "nil");
  assert_int_equal(baton_settings_set(f->s, "cal", "capacity", "7"), 0);
  assert_int_equal(baton_settings_set(f->s, "cal", "tone", "plain"), 0);
  expect_eval(f, "math.type(baton.settings.get('capacity'))", "integer");
  expect_eval(f, "baton.settings.get('capacity')", "7");
  expect_eval(f, "baton.settings.all().tone", "plain");
  /* Another plugin's row is not this plugin's, whatever its key. */
  assert_int_equal(baton_settings_set(f->s, "other", "capacity", "9"), 0);
  expect_eval(f, "baton.settings.get('capacity')", "7");
  /* A value that no longer fits the declaration reads as the default. */
  assert_int_equal(baton_settings_set(f->s, "cal", "capacity", "70"), 0);
  expect_eval(f, "baton.settings.get('capacity')", "2");
  expect_raise(f, "baton.settings.get('tones')",
               "plugin 'cal' declares no setting 'tones' (did you mean "
               "'tone'?)");
  expect_raise(f, "baton.settings.get(nil)", "baton.settings.get: the key must be a string, not nil");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
      T(test_terms_of_a_date),
      T(test_today_is_the_default_date),
      T(test_school_days_leave_out_weekends_and_closures),
      T(test_settings_typed_with_defaults),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
