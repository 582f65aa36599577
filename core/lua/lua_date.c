/* core/lua/lua_date.c: baton.date, calendar dates as the command line writes
 * them ("YYYY-MM-DD" strings), for every practice.
 *
 * Whole days in the proleptic Gregorian calendar: nothing here depends on
 * the clock's time zone or on daylight saving. Dates compare correctly as
 * strings, so min/max/sort need nothing from here. */
#include "bindings.h"

int baton__lua_todate(lua_State *L, int idx, int *y, int *m, int *d) {
  size_t len;
  if (lua_type(L, idx) != LUA_TSTRING)
    return BATON_EINVAL;
  const char *s = lua_tolstring(L, idx, &len);
  /* The Lua length, not strlen: "2026-01-01\0junk" is not a date. */
  if (len != 10)
    return BATON_EINVAL;
  return baton__date_parse(s, y, m, d);
}

/* The most days (and, divided by 28, months) a date may move: more than
 * the 10,000 years a result may span, and far from overflowing. */
#define DATE_MAX_DAYS 3660000

/* Raises "baton.date.FN: 'VALUE' is not a date written YYYY-MM-DD", with
 * the value shown as %q would (a NUL or a newline in it visible), cut to
 * 40 bytes. */
static int not_a_date(lua_State *L, int idx, const char *fn) {
  size_t len;
  char name[32];
  snprintf(name, sizeof name, "baton.date.%s", fn);
  const char *s = baton__lua_checklstring(L, idx, name, "the date", &len);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < len && i < 40; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\')
      luaL_addchar(&b, (char)c);
    else
      lua_pushfstring(L, "\\%d", (int)c), luaL_addvalue(&b);
  }
  if (len > 40)
    luaL_addstring(&b, "...");
  luaL_pushresult(&b);
  return luaL_error(L, "baton.date.%s: '%s' is not a date written YYYY-MM-DD",
                    fn, lua_tostring(L, -1));
}

/* The day number of the date argument at idx; raises naming the function
 * and the form expected (a bad date is a mistake of the calling code:
 * dates from users are checked by the host's `date` argument type). */
static long long check_day(lua_State *L, int idx, const char *fn) {
  int y, m, d;
  if (baton__lua_todate(L, idx, &y, &m, &d) != 0)
    not_a_date(L, idx, fn);
  return baton__date_days(y, m, d);
}

static void push_day(lua_State *L, long long z) {
  char buf[16];
  if (baton__date_format(z, buf) != 0)
    luaL_error(L, "baton.date: the result is outside the years 0000-9999");
  lua_pushstring(L, buf);
}

/* baton.date.valid(s) -> boolean */
static int l_valid(lua_State *L) {
  lua_pushboolean(L, baton__lua_todate(L, 1, NULL, NULL, NULL) == 0);
  return 1;
}

/* baton.date.add(date, days) -> date */
static int l_add(lua_State *L) {
  long long z = check_day(L, 1, "add");
  push_day(L,
           z + (long long)baton__lua_checkint(L, 2, "baton.date.add", "days",
                                              -DATE_MAX_DAYS, DATE_MAX_DAYS));
  return 1;
}

/* baton.date.add_months(date, n) -> date, the day clamped to the month. */
static int l_add_months(lua_State *L) {
  int y, m, d;
  if (baton__lua_todate(L, 1, &y, &m, &d) != 0)
    return not_a_date(L, 1, "add_months");
  long long total =
      (long long)y * 12 + (m - 1) +
      baton__lua_checkint(L, 2, "baton.date.add_months", "n",
                          -DATE_MAX_DAYS / 28, DATE_MAX_DAYS / 28);
  long long ny = total >= 0 ? total / 12 : (total - 11) / 12;
  int nm = (int)(total - ny * 12) + 1;
  /* Clamp: the last day of the target month is the day before the 1st of
   * the month after. */
  long long first_next = nm == 12 ? baton__date_days(ny + 1, 1, 1)
                                  : baton__date_days(ny, nm + 1, 1);
  long long first = baton__date_days(ny, nm, 1);
  long long last = first_next - first;
  push_day(L, first + (d <= last ? d : last) - 1);
  return 1;
}

/* baton.date.diff(a, b) -> whole days from a to b (positive if b later). */
static int l_diff(lua_State *L) {
  long long a = check_day(L, 1, "diff"), b = check_day(L, 2, "diff");
  lua_pushinteger(L, (lua_Integer)(b - a));
  return 1;
}

/* baton.date.weekday(date) -> 1 (Monday) .. 7 (Sunday), "mon".."sun" */
static int l_weekday(lua_State *L) {
  static const char *const names[] = {"mon", "tue", "wed", "thu",
                                      "fri", "sat", "sun"};
  long long z = check_day(L, 1, "weekday");
  /* 1970-01-01 was a Thursday (index 3). */
  int w = (int)(((z % 7) + 7 + 3) % 7);
  lua_pushinteger(L, w + 1);
  lua_pushstring(L, names[w]);
  return 2;
}

/* baton.date.parts(date) -> year, month, day */
static int l_parts(lua_State *L) {
  int y, m, d;
  if (baton__lua_todate(L, 1, &y, &m, &d) != 0)
    return not_a_date(L, 1, "parts");
  lua_pushinteger(L, y);
  lua_pushinteger(L, m);
  lua_pushinteger(L, d);
  return 3;
}

int baton__lua_open_date(lua_State *L) {
  static const luaL_Reg fns[] = {{"valid", l_valid},
                                 {"add", l_add},
                                 {"add_months", l_add_months},
                                 {"diff", l_diff},
                                 {"weekday", l_weekday},
                                 {"parts", l_parts},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
