/* Tests of core/spec/args.c: parsing and checking command-line arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spec.h"

static char *when_values[] = {"now", "later", "never"};

/* baton x go WHO [--times N] [--ratio X] [--on DATE] [--loud] [--when W]
 *             [--tag T]... */
static baton_argspec_t args[] = {
    {.name = "who", .key = "who", .type = BATON_ARG_STRING, .required = 1,
     .metavar = "WHO", .help = "who"},
    {.name = "times", .key = "times", .flag = 1, .short_name = 't',
     .type = BATON_ARG_INTEGER, .metavar = "N",
     .def = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 1}},
    {.name = "ratio", .key = "ratio", .flag = 1, .type = BATON_ARG_NUMBER,
     .metavar = "N"},
    {.name = "on", .key = "on", .flag = 1, .type = BATON_ARG_DATE,
     .metavar = "DATE"},
    {.name = "loud", .key = "loud", .flag = 1, .type = BATON_ARG_BOOLEAN},
    {.name = "when", .key = "when", .flag = 1, .type = BATON_ARG_ENUM,
     .values = when_values, .nvalues = 3, .metavar = "WHEN"},
    {.name = "tag", .key = "tag", .flag = 1, .type = BATON_ARG_STRING,
     .many = 1, .metavar = "T"},
    {.name = "dry-run", .key = "dry_run", .flag = 1, .type = BATON_ARG_BOOLEAN},
};
static baton_cmdspec_t spec = {.name = "go", .summary = "Go",
                               .args = args, .nargs = 8};

static int parse(int argc, const char **argv, baton_value_t **vals,
                 char **err) {
  return baton__args_parse(&spec, argc, argv, vals, NULL, err);
}

static void test_parse_fills_defaults_and_values(void **state) {
  (void)state;
  const char *argv[] = {"Ana", "--ratio", "0.5", "--on=2026-09-01", "--loud",
                        "--tag", "a", "--tag", "b", "--dry-run"};
  baton_value_t *v;
  char *err;
  assert_int_equal(parse(10, argv, &v, &err), 0);
  assert_string_equal(v[0].v.s, "Ana");
  assert_int_equal(v[1].v.i, 1); /* the default */
  assert_true(v[2].v.n == 0.5);
  assert_string_equal(v[3].v.s, "2026-09-01");
  assert_true(v[4].v.b);
  assert_false(v[5].set); /* no value, no default */
  assert_int_equal(v[6].nitems, 2);
  assert_string_equal(v[6].items[1].v.s, "b");
  assert_true(v[7].v.b);
  baton__args_free(&spec, v);
}

static void test_short_flag_and_negated_boolean(void **state) {
  (void)state;
  const char *argv[] = {"-t", "3", "--no-loud", "Bo"};
  baton_value_t *v;
  char *err;
  assert_int_equal(parse(4, argv, &v, &err), 0);
  assert_int_equal(v[1].v.i, 3);
  assert_true(v[4].set);
  assert_false(v[4].v.b);
  baton__args_free(&spec, v);
}

static void test_negative_number_is_a_value_not_a_flag(void **state) {
  (void)state;
  const char *argv[] = {"x", "--times", "-2", "--ratio", "-0.5"};
  baton_value_t *v;
  char *err;
  assert_int_equal(parse(5, argv, &v, &err), 0);
  assert_int_equal(v[1].v.i, -2);
  baton__args_free(&spec, v);
}

static void expect_usage(int argc, const char **argv, const char *needle) {
  baton_value_t *v = NULL;
  char *err = NULL;
  assert_int_equal(parse(argc, argv, &v, &err), BATON_EUSAGE);
  assert_null(v);
  assert_non_null(err);
  if (strstr(err, needle) == NULL)
    fail_msg("message '%s' lacks '%s'", err, needle);
  free(err);
}

static void test_unknown_flag_suggests_the_close_one(void **state) {
  (void)state;
  const char *argv[] = {"x", "--tims", "2"};
  expect_usage(3, argv, "unknown flag '--tims' (did you mean '--times'?)");
}

static void test_rejects_bad_integer_number_date_and_enum(void **state) {
  (void)state;
  const char *a1[] = {"x", "--times", "3x"};
  expect_usage(3, a1, "--times expects a whole number, got '3x'");
  const char *a2[] = {"x", "--ratio", "nan"};
  expect_usage(3, a2, "--ratio expects a number");
  const char *a3[] = {"x", "--on", "2026-02-30"};
  expect_usage(3, a3, "expects a date written YYYY-MM-DD");
  const char *a4[] = {"x", "--when", "latr"};
  expect_usage(3, a4, "did you mean 'later'?");
  const char *a5[] = {"x", "--loud=maybe"};
  expect_usage(2, a5, "--loud expects true or false");
}

static void test_missing_required_and_extra_positional(void **state) {
  (void)state;
  const char *a1[] = {"--loud"};
  expect_usage(1, a1, "missing WHO");
  const char *a2[] = {"x", "y"};
  expect_usage(2, a2, "unexpected argument 'y'");
  const char *a3[] = {"x", "--times"};
  expect_usage(2, a3, "--times needs a value");
}

static void test_help_flag_stops_parsing(void **state) {
  (void)state;
  const char *argv[] = {"--bogus-is-ignored-after", "--help"};
  baton_value_t *v;
  char *err;
  /* --help after an unknown flag: the unknown flag is reported first. */
  assert_int_equal(parse(2, argv, &v, &err), BATON_EUSAGE);
  free(err);
  const char *argv2[] = {"--help", "--bogus"};
  assert_int_equal(parse(2, argv2, &v, &err), 1);
}

static void test_double_dash_ends_flags(void **state) {
  (void)state;
  const char *argv[] = {"--", "--not-a-flag"};
  baton_value_t *v;
  char *err;
  assert_int_equal(parse(2, argv, &v, &err), 0);
  assert_string_equal(v[0].v.s, "--not-a-flag");
  baton__args_free(&spec, v);
}

static baton_argspec_t run_args[] = {
    {.name = "allow", .key = "allow", .flag = 1, .type = BATON_ARG_STRING,
     .many = 1, .metavar = "PERM"},
    {.name = "script", .key = "script", .type = BATON_ARG_STRING,
     .required = 1, .metavar = "SCRIPT"},
};
static baton_cmdspec_t run_spec = {.name = "run", .args = run_args,
                                   .nargs = 2, .passthrough = 1};

static void test_passthrough_leaves_the_rest_to_the_script(void **state) {
  (void)state;
  const char *argv[] = {"--allow", "fs.read", "s.lua", "--json", "a"};
  baton_value_t *v;
  char *err;
  int consumed = 0;
  assert_int_equal(baton__args_parse(&run_spec, 5, argv, &v, &consumed, &err),
                   0);
  assert_int_equal(consumed, 3);
  assert_string_equal(v[1].v.s, "s.lua");
  assert_string_equal(v[0].items[0].v.s, "fs.read");
  baton__args_free(&run_spec, v);
}

static void test_usage_line_shows_every_argument(void **state) {
  (void)state;
  baton_buf_t b = {0};
  assert_int_equal(baton__args_usage(&spec, "baton x go", &b), 0);
  assert_string_equal(b.data, "baton x go WHO [--times N] [--ratio N] "
                              "[--on DATE] [--loud] [--when WHEN] "
                              "[--tag T]... [--dry-run]");
  baton__buf_free(&b);
}

static void test_args_push_builds_the_lua_table(void **state) {
  (void)state;
  const char *argv[] = {"Ana", "--tag", "a", "--dry-run"};
  baton_value_t *v;
  char *err;
  assert_int_equal(parse(4, argv, &v, &err), 0);
  lua_State *L = luaL_newstate();
  baton__args_push(L, &spec, v);
  lua_getfield(L, -1, "who");
  assert_string_equal(lua_tostring(L, -1), "Ana");
  lua_getfield(L, -2, "times");
  assert_int_equal(lua_tointeger(L, -1), 1);
  lua_getfield(L, -3, "dry_run");
  assert_true(lua_toboolean(L, -1));
  lua_getfield(L, -4, "tag");
  assert_int_equal(lua_rawlen(L, -1), 1);
  lua_getfield(L, -5, "ratio");
  assert_true(lua_isnil(L, -1));
  lua_close(L);
  baton__args_free(&spec, v);
}

static void test_min_and_max_bound_numbers(void **state) {
  (void)state;
  baton_argspec_t a = {.name = "capacity", .key = "capacity",
                       .type = BATON_ARG_INTEGER,
                       .min = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 1},
                       .max = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 10}};
  baton_value_t v;
  char *err = NULL;
  assert_int_equal(baton__arg_convert(&a, "10", &v, &err), 0);
  assert_int_equal(v.v.i, 10);
  assert_int_equal(baton__arg_convert(&a, "11", &v, &err), BATON_EUSAGE);
  assert_string_equal(err, "capacity must be at most 10 (from 1 to 10), got '11'");
  free(err);
  a.type = BATON_ARG_NUMBER;
  a.min = (baton_value_t){.set = 1, .type = BATON_ARG_NUMBER, .v.n = 1};
  a.max.set = 0;
  assert_int_equal(baton__arg_convert(&a, "0.5", &v, &err), BATON_EUSAGE);
  assert_string_equal(err, "capacity must be at least 1, got '0.5'");
  free(err);
  baton_buf_t b = {0};
  assert_int_equal(baton__arg_convert(&a, "2.5", &v, &err), 0);
  assert_int_equal(baton__value_format(&v, &b), 0);
  assert_string_equal(b.data, "2.5");
  baton__buf_free(&b);
}

static void test_min_and_max_are_checked_with_the_bounds_named(void **state) {
  (void)state;
  baton_argspec_t bounded[] = {
      {.name = "n", .key = "n", .flag = 1, .type = BATON_ARG_INTEGER,
       .metavar = "N", .min = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 1},
       .max = {.set = 1, .type = BATON_ARG_INTEGER, .v.i = 8}},
      {.name = "r", .key = "r", .flag = 1, .type = BATON_ARG_NUMBER,
       .metavar = "X", .min = {.set = 1, .type = BATON_ARG_NUMBER, .v.n = 0.5}},
  };
  baton_cmdspec_t b = {
      .name = "b", .summary = "B", .args = bounded, .nargs = 2};
  baton_value_t *v;
  char *err;
  const char *high[] = {"--n", "9"};
  assert_int_equal(baton__args_parse(&b, 2, high, &v, NULL, &err),
                   BATON_EUSAGE);
  assert_string_equal(err, "--n must be at most 8 (from 1 to 8), got '9'");
  free(err);
  const char *low[] = {"--n=0"};
  assert_int_equal(baton__args_parse(&b, 1, low, &v, NULL, &err),
                   BATON_EUSAGE);
  assert_string_equal(err, "--n must be at least 1 (from 1 to 8), got '0'");
  free(err);
  const char *small[] = {"--r", "0.25"};
  assert_int_equal(baton__args_parse(&b, 2, small, &v, NULL, &err),
                   BATON_EUSAGE);
  assert_string_equal(err, "--r must be at least 0.5, got '0.25'");
  free(err);
  const char *edges[] = {"--n", "8", "--r", "0.5"};
  assert_int_equal(baton__args_parse(&b, 4, edges, &v, NULL, &err), 0);
  assert_int_equal(v[0].v.i, 8);
  baton__args_free(&b, v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_min_and_max_bound_numbers),
      cmocka_unit_test(test_parse_fills_defaults_and_values),
      cmocka_unit_test(test_short_flag_and_negated_boolean),
      cmocka_unit_test(test_negative_number_is_a_value_not_a_flag),
      cmocka_unit_test(test_unknown_flag_suggests_the_close_one),
      cmocka_unit_test(test_rejects_bad_integer_number_date_and_enum),
      cmocka_unit_test(test_missing_required_and_extra_positional),
      cmocka_unit_test(test_help_flag_stops_parsing),
      cmocka_unit_test(test_double_dash_ends_flags),
      cmocka_unit_test(test_passthrough_leaves_the_rest_to_the_script),
      cmocka_unit_test(test_usage_line_shows_every_argument),
      cmocka_unit_test(test_args_push_builds_the_lua_table),
      cmocka_unit_test(test_min_and_max_are_checked_with_the_bounds_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
