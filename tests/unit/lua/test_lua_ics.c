/* Tests of core/lua/lua_ics.c (baton.ics) and core/lua/lua_csv.c (baton.csv):
 * the bindings are opened on a bare Lua state and driven with Lua snippets, so
 * each test reads as the plugin code that relies on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lualib.h>

#include "bindings.h"

/* A state with `ics`, `csv` and `fixture` (the text of a fixture file). */
static lua_State *new_state(void) {
  lua_State *L = luaL_newstate();
  assert_non_null(L);
  luaL_openlibs(L);
  baton__lua_open_ics(L);
  lua_setglobal(L, "ics");
  baton__lua_open_csv(L);
  lua_setglobal(L, "csv");
  char *data = NULL, *err = NULL;
  size_t len = 0;
  assert_int_equal(baton__file_read(BATON_TEST_FIXTURES
                                    "/rotation/closures.ics",
                                    &data, &len, &err),
                   0);
  lua_pushlstring(L, data, len);
  lua_setglobal(L, "fixture");
  free(data);
  return L;
}

/* Runs chunk, which must return a string; returns it (malloc'd). */
static char *eval(lua_State *L, const char *chunk) {
  if (luaL_dostring(L, chunk) != LUA_OK)
    fail_msg("lua: %s", lua_tostring(L, -1));
  const char *s = lua_tostring(L, -1);
  assert_non_null(s);
  char *out = strdup(s);
  lua_settop(L, 0);
  return out;
}

#define EXPECT_EVAL(L, chunk, want)                                            \
  do {                                                                         \
    char *got_ = eval(L, chunk);                                               \
    assert_string_equal(got_, want);                                           \
    free(got_);                                                                \
  } while (0)

/* The list as "from..to name;" for compact comparisons. */
static const char *const show =
    "local function show(l) local o = {} for _, h in ipairs(l) do "
    "o[#o+1] = h.from .. '..' .. h.to .. ' ' .. h.name end "
    "return table.concat(o, ';') end ";

static void test_holidays_reads_all_day_ranges_with_exclusive_dtend(void **s) {
  lua_State *L = new_state();
  char chunk[512];
  snprintf(chunk, sizeof chunk, "%s return show(ics.holidays(fixture))", show);
  /* Half-term ends on the Friday (DTEND is the Saturday); a single day
   * without DTEND is one day; the RRULE gives three Tuesdays; the timed
   * event is not a closure. */
  EXPECT_EVAL(L, chunk,
              "2026-10-26..2026-10-30 Autumn half-term;"
              "2026-11-11..2026-11-11 Staff day;"
              "2027-01-05..2027-01-05 Inset Tuesday;"
              "2027-01-12..2027-01-12 Inset Tuesday;"
              "2027-01-19..2027-01-19 Inset Tuesday");
  lua_close(L);
}

static void test_holidays_refuses_text_that_is_not_icalendar(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local v, e, c = ics.holidays('id,from,to\\n') "
              "return tostring(v) .. '|' .. c .. '|' .. e",
              "nil|EPARSE|EPARSE: not iCalendar: expected BEGIN:VCALENDAR "
              "... END:VCALENDAR (export the calendar as .ics)");
  lua_close(L);
}

static void test_holidays_names_the_line_of_a_bad_date(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local v, e = ics.holidays('BEGIN:VCALENDAR\\nVERSION:2.0\\n"
              "BEGIN:VEVENT\\nDTSTART;VALUE=DATE:2026xx01\\nEND:VEVENT\\n"
              "END:VCALENDAR\\n') return e:match('^EPARSE: line %d+')",
              "EPARSE: line 4");
  lua_close(L);
}

static void test_holidays_refuses_dtend_before_dtstart(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local v, e = ics.holidays('BEGIN:VCALENDAR\\nVERSION:2.0\\n"
              "BEGIN:VEVENT\\nSUMMARY:Backwards\\nDTSTART;VALUE=DATE:20261002\\n"
              "DTEND;VALUE=DATE:20261001\\nEND:VEVENT\\nEND:VCALENDAR\\n') "
              "return e",
              "EPARSE: line 4: a VEVENT's DTEND is not after its DTSTART "
              "(DTEND is the day after the last day closed)");
  lua_close(L);
}

static void test_calendar_round_trips_through_libical(void **s) {
  lua_State *L = new_state();
  char chunk[1024];
  snprintf(chunk, sizeof chunk,
           "%s local text = ics.calendar{ name = 'Maths PLC', stamp = "
           "'20260901T080000Z', events = {"
           "{ uid = 'maths-plc/2026-09-01/facilitator@baton', sequence = 3, "
           "summary = 'Facilitator: Wei Chen', date = '2026-09-01' },"
           "{ uid = 'u2', summary = 'Note-taker', date = '2026-12-31', "
           "description = 'Maths PLC' } } } "
           "assert(text:find('UID:maths%%-plc/2026%%-09%%-01/facilitator@baton', 1))"
           "assert(text:find('SEQUENCE:3', 1, true)) "
           "assert(text:find('DTEND;VALUE=DATE:20270101', 1, true)) "
           "return show(ics.holidays(text))",
           show);
  EXPECT_EVAL(L, chunk,
              "2026-09-01..2026-09-01 Facilitator: Wei Chen;"
              "2026-12-31..2026-12-31 Note-taker");
  lua_close(L);
}

static void test_calendar_raises_on_a_bad_date(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local ok, e = pcall(ics.calendar, { name = 'x', events = {"
              "{ uid = 'u', summary = 's', date = '2026-02-30' } } }) "
              "return tostring(ok) .. ' ' .. e",
              "false baton.ics.calendar: events[1].date must be YYYY-MM-DD, "
              "not '2026-02-30'");
  lua_close(L);
}

static void test_csv_decode_returns_rows_and_their_lines(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local rows, lines = csv.decode('id,from\\r\\nT1,\"a,\\nb\"\\nT2,x\\n') "
              "return #rows .. ' ' .. rows[2][2] .. ' ' .. lines[3]",
              "3 a,\nb 4");
  lua_close(L);
}

static void test_csv_decode_names_file_line_and_column(void **s) {
  lua_State *L = new_state();
  EXPECT_EVAL(L,
              "local v, e, c = csv.decode('a,b\\n1,\"x\"y\\n', 'away.csv') "
              "return c .. ' ' .. e:match('^EPARSE: away.csv:2:2: [^:]+')",
              "EPARSE EPARSE: away.csv:2:2: misplaced quote");
  lua_close(L);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_holidays_reads_all_day_ranges_with_exclusive_dtend),
      cmocka_unit_test(test_holidays_refuses_text_that_is_not_icalendar),
      cmocka_unit_test(test_holidays_names_the_line_of_a_bad_date),
      cmocka_unit_test(test_holidays_refuses_dtend_before_dtstart),
      cmocka_unit_test(test_calendar_round_trips_through_libical),
      cmocka_unit_test(test_calendar_raises_on_a_bad_date),
      cmocka_unit_test(test_csv_decode_returns_rows_and_their_lines),
      cmocka_unit_test(test_csv_decode_names_file_line_and_column),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
