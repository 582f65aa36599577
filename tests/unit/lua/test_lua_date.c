/* Tests of core/lua/lua_date.c: baton.date's calendar arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lualib.h>

#include "bindings.h"

static lua_State *L;

static int setup(void **state) {
  (void)state;
  L = luaL_newstate();
  luaL_openlibs(L);
  baton__lua_open_date(L);
  lua_setglobal(L, "D");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  lua_close(L);
  return 0;
}

/* Evaluates `expr` (a Lua expression of D) and checks its string form. */
static void expect_eval(const char *expr, const char *want) {
  char *src = baton__asprintf("return tostring(%s)", expr);
  assert_int_equal(luaL_dostring(L, src), LUA_OK);
  if (strcmp(lua_tostring(L, -1), want) != 0)
    fail_msg("%s gave %s, expected %s", expr, lua_tostring(L, -1), want);
  lua_pop(L, 1);
  free(src);
}

static void test_add_crosses_months_years_and_leap_days(void **state) {
  (void)state;
  expect_eval("D.add('2026-02-28', 1)", "2026-03-01");
  expect_eval("D.add('2028-02-28', 1)", "2028-02-29");
  expect_eval("D.add('2026-12-31', 1)", "2027-01-01");
  expect_eval("D.add('2026-03-01', -1)", "2026-02-28");
  expect_eval("D.add('2000-02-28', 366)", "2001-02-28");
}

static void test_diff_counts_whole_days_both_ways(void **state) {
  (void)state;
  expect_eval("D.diff('2026-09-01', '2027-06-30')", "302");
  expect_eval("D.diff('2027-06-30', '2026-09-01')", "-302");
  expect_eval("D.diff('2026-11-22', '2026-11-22')", "0");
  expect_eval("D.diff('1969-12-31', '1970-01-01')", "1");
}

static void test_weekday_is_monday_one_to_sunday_seven(void **state) {
  (void)state;
  expect_eval("D.weekday('1970-01-01')", "4");          /* Thursday */
  expect_eval("select(2, D.weekday('2026-11-22'))", "sun");
  expect_eval("D.weekday('2000-01-03')", "1");          /* Monday */
  expect_eval("D.weekday('1900-01-01')", "1");
}

static void test_add_months_clamps_to_the_end_of_the_month(void **state) {
  (void)state;
  expect_eval("D.add_months('2026-01-31', 1)", "2026-02-28");
  expect_eval("D.add_months('2028-01-31', 1)", "2028-02-29");
  expect_eval("D.add_months('2026-12-15', 1)", "2027-01-15");
  expect_eval("D.add_months('2026-11-15', -12)", "2025-11-15");
  expect_eval("D.add_months('2026-03-31', -1)", "2026-02-28");
}

static void test_valid_and_parts(void **state) {
  (void)state;
  expect_eval("D.valid('2028-02-29')", "true");
  expect_eval("D.valid('2026-02-29')", "false");
  expect_eval("D.valid(20260101)", "false");
  expect_eval("select(3, D.parts('2027-06-30'))", "30");
}

/* The Lua length counts: what follows a NUL is not ignored. */
static void test_a_nul_or_trailing_junk_is_not_a_date(void **state) {
  (void)state;
  expect_eval("D.valid('2026-01-01\\0junk')", "false");
  expect_eval("D.valid('2026-01-01\\0')", "false");
  expect_eval("D.valid('2026-01-01 ')", "false");
  expect_eval("D.valid('2026-01-01')", "true");
  static const char *const calls[] = {
      "D.add('2026-01-01\\0junk', 1)", "D.diff('2026-01-01', '2026-01-02\\0')",
      "D.weekday('2026-01-01\\0x')", "D.parts('2026-01-01\\0x')",
      "D.add_months('2026-01-01\\0x', 1)"};
  for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
    char *src = baton__asprintf("return %s", calls[i]);
    if (luaL_dostring(L, src) == LUA_OK)
      fail_msg("%s did not raise", calls[i]);
    /* The message shows the NUL, so the reader sees why. */
    assert_non_null(strstr(lua_tostring(L, -1), "\\0"));
    assert_non_null(strstr(lua_tostring(L, -1), "is not a date"));
    lua_pop(L, 1);
    free(src);
  }
}

static void test_a_bad_date_raises_naming_the_function(void **state) {
  (void)state;
  assert_int_not_equal(luaL_dostring(L, "return D.add('2026-13-01', 1)"),
                       LUA_OK);
  assert_non_null(strstr(lua_tostring(L, -1),
                         "baton.date.add: '2026-13-01' is not a date"));
  lua_pop(L, 1);
  assert_int_not_equal(luaL_dostring(L, "return D.add('9999-12-31', 1)"),
                       LUA_OK);
  assert_non_null(strstr(lua_tostring(L, -1), "outside the years"));
  lua_pop(L, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_add_crosses_months_years_and_leap_days),
      cmocka_unit_test(test_diff_counts_whole_days_both_ways),
      cmocka_unit_test(test_weekday_is_monday_one_to_sunday_seven),
      cmocka_unit_test(test_add_months_clamps_to_the_end_of_the_month),
      cmocka_unit_test(test_valid_and_parts),
      cmocka_unit_test(test_a_nul_or_trailing_junk_is_not_a_date),
      cmocka_unit_test(test_a_bad_date_raises_naming_the_function),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
