/* core/lua/lua_ics.c: baton.ics, iCalendar in and out, with libical.
 *
 * baton.ics.holidays(text) reads the closures a school publishes (all-day
 * VEVENTs, DTEND exclusive as RFC 5545 says, multi-day spans, RRULE
 * repeats) into { from =, to =, name = } ranges of dates. baton.ics.calendar
 * { ... } writes all-day events with a stable UID and a SEQUENCE, so a
 * calendar that imported an earlier file updates the occurrences that
 * changed instead of adding copies. libical parses and serialises; this
 * file only walks components and checks what a coordinator can get wrong.
 *
 * Expected failures (text that is not iCalendar, a date libical cannot
 * read) return nil, "EPARSE: line N: ...", "EPARSE"; a wrong argument type
 * raises. Nothing here yields or touches the file system. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "bindings.h"

/* An RRULE with no end (no COUNT, no UNTIL) stops after this many
 * occurrences, and every rule stops at this year: a closure calendar never
 * needs more, and a rule "every day forever" must not fill the memory. */
#define ICS_MAX_OCCURRENCES 1000
#define ICS_LAST_YEAR 2200

/* ---- reading ------------------------------------------------------------- */

/* The line of text where `needle` first occurs, from 1; 0 when absent.
 * libical does not keep line numbers, so an error is placed by finding the
 * value it complains about. */
static size_t line_of(const char *text, const char *needle) {
  if (needle == NULL || *needle == '\0')
    return 0;
  const char *at = strstr(text, needle);
  if (at == NULL)
    return 0;
  size_t line = 1;
  for (const char *s = text; s < at; s++)
    if (*s == '\n')
      line++;
  return line;
}

/* libical reports what it could not parse as X-LIC-ERROR properties inside
 * the component. Returns the first one's text (owned by c), or NULL. */
static const char *first_error(icalcomponent *c) {
  icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
  if (p != NULL)
    return icalproperty_get_xlicerror(p);
  for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
       k != NULL; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    const char *e = first_error(k);
    if (e != NULL)
      return e;
  }
  return NULL;
}

/* Pushes nil, "EPARSE: line N: what", "EPARSE" and returns 3. */
static int push_parse_error(lua_State *L, const char *text, const char *what,
                            const char *needle) {
  size_t line = line_of(text, needle);
  if (line > 0)
    return baton__lua_fail(L, "EPARSE", "line %d: %s", (int)line, what);
  return baton__lua_fail(L, "EPARSE", "%s", what);
}

/* Is t a real calendar day with a four-digit year? libical accepts
 * 20261511 (month 15) as a date and its day arithmetic would then index
 * past its month tables. */
static int real_day(struct icaltimetype t) {
  return !icaltime_is_null_time(t) && icaltime_is_valid_time(t) &&
         t.year >= 1000 && t.year <= 9999 && t.month >= 1 && t.month <= 12 &&
         t.day >= 1 && t.day <= icaltime_days_in_month(t.month, t.year);
}

static void push_date(lua_State *L, struct icaltimetype t) {
  lua_pushfstring(L, "%d-%s%d-%s%d", t.year, t.month < 10 ? "0" : "", t.month,
                  t.day < 10 ? "0" : "", t.day);
}

/* Appends { from, to, name } for a closure starting on `start` and lasting
 * `days` days (at least 1) to the list at -1. [list] */
static void add_range(lua_State *L, struct icaltimetype start, int days,
                      const char *name) {
  struct icaltimetype last = start;
  icaltime_adjust(&last, days - 1, 0, 0, 0);
  lua_createtable(L, 0, 3);
  push_date(L, start);
  lua_setfield(L, -2, "from");
  push_date(L, last);
  lua_setfield(L, -2, "to");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

/* The length in days of an all-day event: DTEND (exclusive) minus DTSTART,
 * else DURATION, else one day. Returns -1 when DTEND is not after DTSTART
 * or is not a real day. */
static int event_days(icalcomponent *ev, struct icaltimetype start) {
  icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
  if (pe != NULL) {
    struct icaltimetype end = icalproperty_get_dtend(pe);
    if (!real_day(end))
      return -1;
    int days = icaltime_day_of_year(end) - icaltime_day_of_year(start);
    for (int y = start.year; y < end.year; y++)
      days += icaltime_days_in_year(y);
    return days >= 1 ? days : -1;
  }
  icalproperty *pd =
      icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
  if (pd != NULL) {
    struct icaldurationtype d = icalproperty_get_duration(pd);
    int days = (int)(d.weeks * 7 + d.days);
    return days >= 1 ? days : 1;
  }
  return 1;
}

/* What holidays holds while it pushes the list, in a box: pushing may
 * raise (out of memory at the plugin's limit) half-way. */
typedef struct {
  icalcomponent *root;
  icalrecur_iterator *it;
} holidays_box_t;

static void release_holidays(void *data) {
  holidays_box_t *b = data;
  if (b->it != NULL)
    icalrecur_iterator_free(b->it);
  if (b->root != NULL)
    icalcomponent_free(b->root);
}

/* One VEVENT into the list at -1: its range, and one per RRULE occurrence.
 * Timed events (a staff meeting at 15:30) are not closures and are
 * skipped. Returns NULL, or a message for an event that cannot be a
 * closure. [list] */
static const char *add_event(lua_State *L, icalcomponent *ev,
                             holidays_box_t *box) {
  icalproperty *ps = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
  if (ps == NULL)
    return "a VEVENT has no DTSTART; give each closure its first day";
  struct icaltimetype start = icalproperty_get_dtstart(ps);
  if (!real_day(start))
    return "a VEVENT's DTSTART is not a date";
  if (!start.is_date)
    return NULL;
  const char *name = icalcomponent_get_summary(ev);
  if (name == NULL)
    name = "";
  int days = event_days(ev, start);
  if (days < 0)
    return "a VEVENT's DTEND is not after its DTSTART (DTEND is the day "
           "after the last day closed)";
  icalproperty *pr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
  if (pr == NULL) {
    add_range(L, start, days, name);
    return NULL;
  }
  struct icalrecurrencetype rule = icalproperty_get_rrule(pr);
  icalrecur_iterator *it = box->it = icalrecur_iterator_new(rule, start);
  if (it == NULL)
    return "a VEVENT's RRULE cannot be expanded";
  int n = 0;
  for (struct icaltimetype t = icalrecur_iterator_next(it);
       !icaltime_is_null_time(t) && n < ICS_MAX_OCCURRENCES &&
       t.year <= ICS_LAST_YEAR;
       t = icalrecur_iterator_next(it), n++)
    add_range(L, t, days, name);
  icalrecur_iterator_free(it);
  box->it = NULL;
  return NULL;
}

/* baton.ics.holidays(text) -> list | nil, err, code */
static int l_holidays(lua_State *L) {
  const char *text =
      baton__lua_checkcstring(L, 1, "baton.ics.holidays", "text");
  lua_settop(L, 1);
  holidays_box_t *box = baton__lua_box(L, sizeof *box, release_holidays);
  icalcomponent *root = box->root = icalparser_parse_string(text);
  if (root == NULL)
    return push_parse_error(L, text,
                            "not iCalendar: expected BEGIN:VCALENDAR ... "
                            "END:VCALENDAR (export the calendar as .ics)",
                            NULL);
  icalcomponent *cal = root;
  if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
    cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
    if (cal == NULL)
      return push_parse_error(L, text,
                              "not iCalendar: expected BEGIN:VCALENDAR", NULL);
  }
  const char *perr = first_error(cal);
  if (perr != NULL) {
    /* "Failed to parse ... value 'X'": find X to name the line. */
    char needle[128] = "";
    const char *q = strchr(perr, '\'');
    const char *q2 = q ? strchr(q + 1, '\'') : NULL;
    if (q2 != NULL && (size_t)(q2 - q - 1) < sizeof needle && q2 > q + 1) {
      memcpy(needle, q + 1, (size_t)(q2 - q - 1));
      needle[q2 - q - 1] = '\0';
    } else if ((q = strrchr(perr, ':')) != NULL && q[1] == ' ' &&
               strlen(q + 2) < sizeof needle) {
      /* "... Removing entire property: 2026xx01" */
      strcpy(needle, q + 2);
    }
    return push_parse_error(L, text, perr, needle);
  }
  lua_newtable(L); /* [text, box, list] */
  for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    const char *bad = add_event(L, ev, box);
    if (bad != NULL) {
      const char *uid = icalcomponent_get_uid(ev);
      const char *sum = icalcomponent_get_summary(ev);
      lua_pop(L, 1);
      return push_parse_error(L, text, bad, sum ? sum : uid);
    }
  }
  baton__lua_box_close(L, 2);
  return 1;
}

/* ---- writing ------------------------------------------------------------- */

/* A string field of the table at idx (NULL if nil), refused if it is not
 * a string (a number converted here would not stay alive) or holds a NUL
 * (libical takes C strings). Raises naming where and key. */
static const char *opt_string(lua_State *L, int idx, const char *key,
                              const char *where) {
  char what[64];
  snprintf(what, sizeof what, "%s %s", where, key);
  if (lua_getfield(L, idx, key) == LUA_TNUMBER)
    luaL_error(L, "baton.ics.calendar: %s must be a string, not a number",
               what);
  const char *s =
      lua_isnil(L, -1)
          ? NULL
          : baton__lua_checkcstring(L, -1, "baton.ics.calendar", what);
  lua_pop(L, 1); /* the string stays alive: the table holds it */
  return s;
}

/* A required string field of the table at idx, or a raise naming it. */
static const char *need_string(lua_State *L, int idx, const char *key,
                               const char *where) {
  const char *s = opt_string(L, idx, key, where);
  if (s == NULL)
    luaL_error(L, "baton.ics.calendar: %s needs %s (a string)", where, key);
  return s;
}

/* Builds one all-day VEVENT from the table at idx. Raises on a bad field;
 * the calendar being built is anchored so a raise frees it. */
static icalcomponent *build_event(lua_State *L, int idx, int n,
                                  struct icaltimetype stamp) {
  char where[32];
  snprintf(where, sizeof where, "events[%d]", n);
  const char *uid = need_string(L, idx, "uid", where);
  const char *summary = need_string(L, idx, "summary", where);
  const char *date = need_string(L, idx, "date", where);
  const char *desc = opt_string(L, idx, "description", where);
  int y, m, d;
  if (baton__date_parse(date, &y, &m, &d) != 0)
    luaL_error(L, "baton.ics.calendar: %s.date must be YYYY-MM-DD, not '%s'",
               where, date);
  lua_getfield(L, idx, "sequence");
  lua_Integer seq = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  if (seq < 0)
    luaL_error(L, "baton.ics.calendar: %s.sequence must be >= 0", where);

  struct icaltimetype start = icaltime_null_date();
  start.year = y, start.month = m, start.day = d;
  struct icaltimetype end = start;
  icaltime_adjust(&end, 1, 0, 0, 0);
  icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(ev, icalproperty_new_uid(uid));
  icalcomponent_add_property(ev, icalproperty_new_sequence((int)seq));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
  icalcomponent_add_property(ev, icalproperty_new_dtend(end));
  icalcomponent_add_property(ev, icalproperty_new_summary(summary));
  if (desc != NULL)
    icalcomponent_add_property(ev, icalproperty_new_description(desc));
  icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
  return ev;
}

/* The calendar being built and its text, in a box: a bad event raises
 * half-way, and pushing the text may raise. */
typedef struct {
  icalcomponent *cal;
  char *text;
} calendar_box_t;

static void release_calendar(void *data) {
  calendar_box_t *b = data;
  if (b->cal != NULL)
    icalcomponent_free(b->cal);
  free(b->text);
}

/* baton.ics.calendar{ name =, events = {...}, stamp = "YYYY-MM-DDTHH:MM:SSZ" }
 * -> string. stamp (DTSTAMP) defaults to now; tests pass one to get the
 * same bytes every run. */
static int l_calendar(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.ics.calendar", "the calendar");
  lua_settop(L, 1);
  calendar_box_t *box = baton__lua_box(L, sizeof *box, release_calendar);
  /* [opts, box] */

  const char *name = need_string(L, 1, "name", "the calendar");
  const char *st = opt_string(L, 1, "stamp", "the calendar");
  struct icaltimetype stamp;
  if (st != NULL) {
    stamp = icaltime_from_string(st);
    if (icaltime_is_null_time(stamp) || stamp.is_date)
      luaL_error(L, "baton.ics.calendar: stamp must look like "
                    "20260901T080000Z, not '%s'", st);
  } else {
    stamp = icaltime_from_timet_with_zone(time(NULL), 0,
                                          icaltimezone_get_utc_timezone());
  }
  icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
  box->cal = cal;
  icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal, icalproperty_new_prodid("-//baton//rota//EN"));
  icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
  icalproperty *xn = icalproperty_new_x(name);
  icalproperty_set_x_name(xn, "X-WR-CALNAME");
  icalcomponent_add_property(cal, xn);

  if (lua_getfield(L, 1, "events") != LUA_TTABLE)
    return luaL_error(L, "baton.ics.calendar: events must be a list of "
                         "tables, not %s", luaL_typename(L, -1));
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1); /* [opts, box, events] */
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 3, i) != LUA_TTABLE)
      return luaL_error(L, "baton.ics.calendar: events[%d] must be a table",
                        (int)i);
    icalcomponent_add_component(cal, build_event(L, 4, (int)i, stamp));
    lua_pop(L, 1);
  }
  box->text = icalcomponent_as_ical_string_r(cal);
  if (box->text == NULL)
    return luaL_error(L, "baton.ics.calendar: out of memory");
  lua_pushstring(L, box->text);
  baton__lua_box_close(L, 2);
  return 1;
}

int baton__lua_open_ics(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"holidays", l_holidays}, {"calendar", l_calendar}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
