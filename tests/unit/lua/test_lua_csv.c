/* Tests of core/lua/lua_csv.c: baton.csv.encode (and decode reading it). */
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
  baton__lua_open_csv(L);
  lua_setglobal(L, "C");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  lua_close(L);
  return 0;
}

/* Runs `return C.encode(args)` and checks the text, byte for byte. */
static void expect_text(const char *args, const char *want, size_t wlen) {
  char *src = baton__asprintf("return C.encode(%s)", args);
  if (luaL_dostring(L, src) != LUA_OK)
    fail_msg("C.encode(%s) raised: %s", args, lua_tostring(L, -1));
  size_t len;
  const char *got = lua_tolstring(L, -1, &len);
  if (got == NULL || len != wlen || memcmp(got, want, len) != 0)
    fail_msg("C.encode(%s) gave [%s], expected [%s]", args,
             got ? got : "(not a string)", want);
  lua_pop(L, 1);
  free(src);
}
#define EXPECT(args, lit) expect_text(args, lit, sizeof(lit) - 1)

/* Runs `return C.encode(args)` and checks that it raises with `want`. */
static void expect_raise(const char *args, const char *want) {
  char *src = baton__asprintf("return C.encode(%s)", args);
  if (luaL_dostring(L, src) == LUA_OK)
    fail_msg("C.encode(%s) did not raise", args);
  if (strstr(lua_tostring(L, -1), want) == NULL)
    fail_msg("C.encode(%s) raised [%s], expected [%s]", args,
             lua_tostring(L, -1), want);
  lua_pop(L, 1);
  free(src);
}

static void test_plain_cells_are_joined_by_commas_and_newlines(void **state) {
  (void)state;
  EXPECT("{{'a', 'b'}, {'c', 'd'}}", "a,b\nc,d\n");
  EXPECT("{}", "");
  EXPECT("{{'only'}}", "only\n");
}

static void
test_commas_quotes_newlines_and_edge_spaces_are_quoted(void **state) {
  (void)state;
  EXPECT("{{'a,b', 'say \"hi\"', 'x\\ny', 'p\\rq'}}",
         "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"p\rq\"\n");
  EXPECT("{{' lead', 'trail ', 'in side'}}", "\" lead\",\"trail \",in side\n");
}

static void test_formula_cells_are_neutralised_reversibly(void **state) {
  (void)state;
  EXPECT("{{'=1+2', '+1', '-1', '@SUM(A1)', 'a=b', ''}}",
         "'=1+2,'+1,'-1,'@SUM(A1),a=b,\n");
  /* tab and CR start a formula too; they also make the cell quoted */
  EXPECT("{{'\\tx', '\\rx'}}", "\"'\tx\",\"'\rx\"\n");
  /* a cell already starting with ' before a formula gets one more, so the
   * importer's one removal gives back exactly what was written */
  EXPECT("{{\"'=x\", \"'plain\"}}", "''=x,'plain\n");
  EXPECT("{{'=a,b'}}", "\"'=a,b\"\n");
}

static void
test_numbers_booleans_and_nil_are_written_as_tostring(void **state) {
  (void)state;
  EXPECT("{{1, 2.5, 3.0, true, false, nil, 'end'}}",
         "1,2.5,3.0,true,false,,end\n");
  EXPECT("{{-4}}", "'-4\n"); /* a spreadsheet reads -4 as a formula */
}

static void test_records_are_read_by_the_header_names(void **state) {
  (void)state;
  EXPECT("{{id = 'P1', name = 'Ann, B', extra = 'x'}, {id = 'P2'}}, "
         "{header = {'id', 'name'}}",
         "id,name\nP1,\"Ann, B\"\nP2,\n");
  EXPECT("{}, {header = {'=h'}}", "'=h\n");
}

/* The binding writes what `baton people export` writes for the same
 * cells: both go through baton__csv_write_cell. */
static void test_same_bytes_as_the_core_export_writer(void **state) {
  (void)state;
  const char *cells[] = {"=x", "a,b", "q\"q", " s", "'@y", "\tt", "n\nl", ""};
  baton_buf_t b = {0};
  assert_int_equal(baton__csv_write_row(&b, cells, 8), 0);
  assert_int_equal(luaL_dostring(L,
                                 "return C.encode({{'=x', 'a,b', 'q\"q', ' s', "
                                 "\"'@y\", '\\tt', 'n\\nl', ''}})"),
                   LUA_OK);
  size_t len;
  const char *got = lua_tolstring(L, -1, &len);
  assert_int_equal(len, b.len);
  assert_memory_equal(got, b.data, len);
  lua_pop(L, 1);
  baton__buf_free(&b);
}

/* What encode writes, decode reads back cell for cell (the neutralising '
 * stays: the importer, not baton.csv.decode, removes it). */
static void test_decode_reads_back_what_encode_wrote(void **state) {
  (void)state;
  assert_int_equal(
      luaL_dostring(
          L, "local rows = {{'a,b', 'say \"hi\"', 'x\\r\\ny', ' s ', 7},"
             "{'', 'last'}}\n"
             "local back = assert(C.decode(C.encode(rows)))\n"
             "assert(#back == 2 and #back[1] == 5 and #back[2] == 2)\n"
             "for r, row in ipairs(rows) do for c, v in ipairs(row) do\n"
             "  assert(back[r][c] == tostring(v), r .. ',' .. c .. ': ' .. "
             "back[r][c]) end end\n"
             "return true"),
      LUA_OK);
  lua_pop(L, 1);
}

static void test_bad_input_raises_naming_the_cell(void **state) {
  (void)state;
  expect_raise("{{'a', 'b\\0c'}}",
               "baton.csv.encode: row 1, cell 2 holds a NUL byte (byte 2 "
               "of 3)");
  expect_raise("{{'a'}, {{}}}",
               "baton.csv.encode: row 2, cell 1 is a table; a cell is a "
               "string, a number, a boolean or nil");
  expect_raise("{{'a'}, 'b'}", "baton.csv.encode: row 2 is a string; a row "
                               "is a list of cells");
  expect_raise("{{name = 'x\\0'}}, {header = {'name'}}",
               "baton.csv.encode: row 1, field 'name' holds a NUL byte");
  expect_raise("{'x'}, {header = {'a'}}",
               "baton.csv.encode: row 1 is a string; a row is a record keyed "
               "by opts.header's names");
  expect_raise("{}, {header = {'a', 2}}",
               "baton.csv.encode: opts.header[2] is a number; a name is a "
               "string");
  expect_raise("{}, {header = {'a\\0'}}", "opts.header[1] holds a NUL byte");
  expect_raise("{}, {header = {}}", "opts.header is empty");
  expect_raise("{}, {headers = {'a'}}",
               "baton.csv.encode: unknown option 'headers' (did you mean "
               "'header'?); the option is header");
  expect_raise("'a,b'", "baton.csv.encode: rows must be a table, not a string");
  expect_raise("{{print}}", "row 1, cell 1 is a function");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_cells_are_joined_by_commas_and_newlines),
      cmocka_unit_test(test_commas_quotes_newlines_and_edge_spaces_are_quoted),
      cmocka_unit_test(test_formula_cells_are_neutralised_reversibly),
      cmocka_unit_test(test_numbers_booleans_and_nil_are_written_as_tostring),
      cmocka_unit_test(test_records_are_read_by_the_header_names),
      cmocka_unit_test(test_same_bytes_as_the_core_export_writer),
      cmocka_unit_test(test_decode_reads_back_what_encode_wrote),
      cmocka_unit_test(test_bad_input_raises_naming_the_cell),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
