/* core/lua/lua_ics.c: baton.ics, iCalendar in and out, with libical.
 *
 * baton.ics.holidays(text) reads the closures a school publishes (all-day
 * VEVENTs, DTEND exclusive as RFC 5545 says, multi-day spans, RRULE
 * repeats, EXDATE and RECURRENCE-ID) into { from =, to =, name = } ranges
 * of dates, and returns the cancelled and timed events apart (they are not
 * closures unless the caller says so). It reads what Google and Outlook
 * write: empty LOCATION: and DESCRIPTION: lines, Outlook's midnight-to-
 * midnight all-day events. baton.ics.calendar { ... } writes all-day or
 * timed events with a stable UID and a SEQUENCE, so a calendar that
 * imported an earlier file updates the occurrences that changed (and
 * cancels those that went) instead of adding copies. libical parses and
 * serialises; this file only walks components and checks what a coordinator can
 * get wrong.
 *
 * Expected failures (text that is not iCalendar, a date libical cannot
 * read) return nil, "EPARSE: line N: ...", "EPARSE"; a wrong argument type
 * raises. Nothing here yields or touches the file system. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* The line (from 1) of the first line that holds property `prop` with
 * an empty value ("LOCATION:" or "DTEND;VALUE=DATE:"), 0 when none. */
static size_t line_of_empty(const char *text, const char *prop, size_t n) {
  size_t line = 1;
  for (const char *s = text; *s; line++) {
    const char *eol = strchr(s, '\n');
    size_t len = eol ? (size_t)(eol - s) : strlen(s);
    if (len > n && strncasecmp(s, prop, n) == 0 &&
        (s[n] == ':' || s[n] == ';')) {
      const char *colon = memchr(s + n, ':', len - n);
      const char *v = colon ? colon + 1 : s + len;
      while (v < s + len && (*v == ' ' || *v == '\t' || *v == '\r'))
        v++;
      if (v == s + len)
        return line;
    }
    if (eol == NULL)
      break;
    s = eol + 1;
  }
  return 0;
}

/* The properties baton reads. libical drops a property it cannot parse
 * and says so in an X-LIC-ERROR; a dropped LOCATION or DESCRIPTION (Google
 * writes "LOCATION:" with no value on most events, which libical calls an
 * error) changes nothing baton reads, so only an error in one of these
 * refuses the file. */
static const char *const read_props[] = {
    "DTSTART", "DTEND",         "DURATION", "RRULE",
    "EXDATE",  "RECURRENCE-ID", "STATUS",   "X-MICROSOFT-CDO-ALLDAYEVENT"};

/* The property an X-LIC-ERROR names ("No value for X property", "Can't
 * parse as T value in X property"), copied into prop; 0 when it names
 * none (a line that is no property at all). */
static int error_property(const char *err, char *prop, size_t size) {
  const char *start = NULL;
  if (strncmp(err, "No value for ", 13) == 0)
    start = err + 13;
  else if (strncmp(err, "Can't parse as ", 15) == 0 &&
           (start = strstr(err, " value in ")) != NULL)
    start += 10;
  const char *end = start ? strstr(start, " property") : NULL;
  if (end == NULL || end == start || (size_t)(end - start) >= size)
    return 0;
  memcpy(prop, start, (size_t)(end - start));
  prop[end - start] = '\0';
  return 1;
}

/* libical reports what it could not parse as X-LIC-ERROR properties inside
 * the component. Returns the first one that matters (see read_props), or
 * NULL; its text is owned by c, and *prop gets the property it names. */
static const char *first_error(icalcomponent *c, char *prop, size_t size) {
  for (icalproperty *p =
           icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
       p != NULL;
       p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
    const char *e = icalproperty_get_xlicerror(p);
    if (e == NULL)
      continue;
    if (!error_property(e, prop, size)) {
      prop[0] = '\0';
      return e;
    }
    for (size_t i = 0; i < sizeof read_props / sizeof *read_props; i++)
      if (strcasecmp(prop, read_props[i]) == 0)
        return e;
  }
  for (icalcomponent *k =
           icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
       k != NULL; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    const char *e = first_error(k, prop, size);
    if (e != NULL)
      return e;
  }
  return NULL;
}

/* Pushes nil, "EPARSE: line N: what", "EPARSE" (without the line when it
 * is 0) and returns 3. */
static int push_parse_error(lua_State *L, size_t line, const char *what) {
  if (line > 0)
    return baton__lua_fail(L, "EPARSE", "line %d: %s", (int)line, what);
  return baton__lua_fail(L, "EPARSE", "%s", what);
}

/* What holidays holds while it pushes the lists, in a box: pushing may
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

/* Is t a real calendar day with a four-digit year? libical accepts
 * 20261511 (month 15) as a date and its day arithmetic would then index
 * past its month tables. */
static int real_day(struct icaltimetype t) {
  return !icaltime_is_null_time(t) && icaltime_is_valid_time(t) &&
         t.year >= 1000 && t.year <= 9999 && t.month >= 1 && t.month <= 12 &&
         t.day >= 1 && t.day <= icaltime_days_in_month(t.month, t.year);
}

static int same_day(struct icaltimetype a, struct icaltimetype b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Days from a's date to b's (negative when b is before a). */
static int days_between(struct icaltimetype a, struct icaltimetype b) {
  int days = icaltime_day_of_year(b) - icaltime_day_of_year(a);
  for (int y = a.year; y < b.year; y++)
    days += icaltime_days_in_year(y);
  for (int y = b.year; y < a.year; y++)
    days -= icaltime_days_in_year(y);
  return days;
}

static void push_date(lua_State *L, struct icaltimetype t) {
  lua_pushfstring(L, "%d-%s%d-%s%d", t.year, t.month < 10 ? "0" : "", t.month,
                  t.day < 10 ? "0" : "", t.day);
}

/* Appends { from, to, name [, why] } for an event starting on `start` and
 * lasting `days` days (at least 1) to the list at index `list`. */
static void add_range(lua_State *L, int list, struct icaltimetype start,
                      int days, const char *name, const char *why) {
  struct icaltimetype last = start;
  icaltime_adjust(&last, days - 1, 0, 0, 0);
  lua_createtable(L, 0, 4);
  push_date(L, start);
  lua_setfield(L, -2, "from");
  push_date(L, last);
  lua_setfield(L, -2, "to");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  if (why != NULL) {
    lua_pushstring(L, why);
    lua_setfield(L, -2, "why");
  }
  lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

/* Outlook writes an all-day event as midnight to midnight in its own time
 * zone ("GMT Standard Time"), marked X-MICROSOFT-CDO-ALLDAYEVENT:TRUE. */
static int outlook_all_day(icalcomponent *ev, struct icaltimetype start) {
  if (start.is_date || start.hour || start.minute || start.second)
    return 0;
  for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_X_PROPERTY);
       p != NULL; p = icalcomponent_get_next_property(ev, ICAL_X_PROPERTY)) {
    const char *name = icalproperty_get_x_name(p);
    const char *value = icalproperty_get_x(p);
    if (name && strcasecmp(name, "X-MICROSOFT-CDO-ALLDAYEVENT") == 0)
      return value != NULL && strncasecmp(value, "TRUE", 4) == 0;
  }
  return 0;
}

/* The days an event touches: for an all-day one DTEND (exclusive) minus
 * DTSTART, else DURATION, else one day; a timed one lasts to the day of
 * its end (the day before, when it ends at midnight). Returns -1 when
 * DTEND is before DTSTART (for an all-day event: not after it) or is not
 * a real day. */
static int event_days(icalcomponent *ev, struct icaltimetype start, int timed) {
  icalproperty *pe = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
  if (pe != NULL) {
    struct icaltimetype end = icalproperty_get_dtend(pe);
    if (!real_day(end))
      return -1;
    int days = days_between(start, end);
    if (!timed)
      return days >= 1 ? days : -1;
    if (days >= 1 && end.hour == 0 && end.minute == 0 && end.second == 0)
      return days;
    return days >= 0 ? days + 1 : -1;
  }
  icalproperty *pd =
      icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
  if (pd != NULL) {
    struct icaldurationtype d = icalproperty_get_duration(pd);
    int days = (int)(d.weeks * 7 + d.days);
    return days >= 1 ? days + timed : 1;
  }
  return 1;
}

/* One occurrence changed or cancelled on its own (a VEVENT with the
 * series' UID and a RECURRENCE-ID): the series skips that day. */
typedef struct {
  const char *uid;
  struct icaltimetype day;
} override_t;

/* Is the occurrence of ev on day t left out of its series, by an EXDATE
 * or by an override? */
static int left_out(icalcomponent *ev, struct icaltimetype t,
                    const override_t *ov, size_t nov) {
  for (icalproperty *p =
           icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
       p != NULL; p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
    if (same_day(icalproperty_get_exdate(p), t))
      return 1;
  const char *uid = icalcomponent_get_uid(ev);
  for (size_t i = 0; uid != NULL && i < nov; i++)
    if (same_day(ov[i].day, t) && strcmp(ov[i].uid, uid) == 0)
      return 1;
  return 0;
}

/* One VEVENT: its range, and one per RRULE occurrence, into the closures
 * at index `list`; a cancelled event (STATUS:CANCELLED) or a timed one (a
 * staff meeting at 15:30) goes to the list at `skipped` instead, with why
 * = "cancelled" or "timed", for the caller to report or count. Returns
 * NULL, or a message for an event that cannot be read. */
static const char *add_event(lua_State *L, icalcomponent *ev, int list,
                             int skipped, const override_t *ov, size_t nov,
                             holidays_box_t *box) {
  icalproperty *ps =
      icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
  if (ps == NULL)
    return "a VEVENT has no DTSTART; give each closure its first day";
  struct icaltimetype start = icalproperty_get_dtstart(ps);
  if (!real_day(start))
    return "a VEVENT's DTSTART is not a date";
  const char *name = icalcomponent_get_summary(ev);
  if (name == NULL)
    name = "";
  int timed = !start.is_date && !outlook_all_day(ev, start);
  int days = event_days(ev, start, timed);
  if (days < 0)
    return timed ? "a VEVENT's DTEND is before its DTSTART"
                 : "a VEVENT's DTEND is not after its DTSTART (DTEND is the "
                   "day after the last day closed)";
  int into = list;
  const char *why = NULL;
  if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED)
    into = skipped, why = "cancelled";
  else if (timed)
    into = skipped, why = "timed";
  icalproperty *pr = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
  if (pr == NULL) {
    add_range(L, into, start, days, name, why);
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
    if (!left_out(ev, t, ov, nov))
      add_range(L, into, t, days, name, why);
  icalrecur_iterator_free(it);
  box->it = NULL;
  return NULL;
}

/* The line an X-LIC-ERROR is about, and what to say: libical keeps no
 * line numbers, so the line is found from the property it names or the
 * value it quotes. Pushes the message; returns the line (0: not found). */
static size_t explain_error(lua_State *L, const char *text, const char *err,
                            const char *prop) {
  if (prop[0] != '\0' && strncmp(err, "No value for ", 13) == 0) {
    lua_pushfstring(L, "%s has no value; give it one or remove the line", prop);
    return line_of_empty(text, prop, strlen(prop));
  }
  /* "... value 'X'" or "...: X": find X. */
  char needle[128] = "";
  const char *q = strchr(err, '\'');
  const char *q2 = q ? strchr(q + 1, '\'') : NULL;
  if (q2 != NULL && (size_t)(q2 - q - 1) < sizeof needle && q2 > q + 1) {
    memcpy(needle, q + 1, (size_t)(q2 - q - 1));
    needle[q2 - q - 1] = '\0';
  } else if ((q = strrchr(err, ':')) != NULL && q[1] == ' ' &&
             strlen(q + 2) < sizeof needle) {
    strcpy(needle, q + 2);
  }
  if (prop[0] == '\0')
    lua_pushfstring(L,
                    "%s (a line that goes on from the one before must "
                    "start with a space)",
                    err);
  else
    lua_pushstring(L, err);
  return line_of(text, needle);
}

/* baton.ics.holidays(text) -> closures, skipped | nil, err, code */
static int l_holidays(lua_State *L) {
  const char *text =
      baton__lua_checkcstring(L, 1, "baton.ics.holidays", "text");
  lua_settop(L, 1);
  holidays_box_t *box = baton__lua_box(L, sizeof *box, release_holidays);
  /* [text, box] */
  icalcomponent *root = box->root = icalparser_parse_string(text);
  if (root == NULL)
    return push_parse_error(L, 0,
                            "not iCalendar: expected BEGIN:VCALENDAR ... "
                            "END:VCALENDAR (export the calendar as .ics)");
  icalcomponent *cal = root;
  if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
    cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
    if (cal == NULL)
      return push_parse_error(L, 0, "not iCalendar: expected BEGIN:VCALENDAR");
  }
  char prop[64];
  const char *perr = first_error(cal, prop, sizeof prop);
  if (perr != NULL) {
    size_t line = explain_error(L, text, perr, prop); /* [text, box, msg] */
    return push_parse_error(L, line, lua_tostring(L, -1));
  }
  size_t nov = 0;
  for (icalcomponent *ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
    nov += icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY) !=
               NULL &&
           icalcomponent_get_uid(ev) != NULL;
  override_t *ov = lua_newuserdatauv(L, (nov ? nov : 1) * sizeof *ov, 0);
  nov = 0;
  for (icalcomponent *ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    icalproperty *rid =
        icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
    if (rid != NULL && icalcomponent_get_uid(ev) != NULL)
      ov[nov++] = (override_t){icalcomponent_get_uid(ev),
                               icalproperty_get_recurrenceid(rid)};
  }
  lua_newtable(L); /* [text, box, ov, list] */
  lua_newtable(L); /* [text, box, ov, list, skipped] */
  for (icalcomponent *ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != NULL;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    const char *bad = add_event(L, ev, 4, 5, ov, nov, box);
    if (bad != NULL) {
      const char *uid = icalcomponent_get_uid(ev);
      const char *sum = icalcomponent_get_summary(ev);
      return push_parse_error(L, line_of(text, sum ? sum : uid), bad);
    }
  }
  baton__lua_box_close(L, 2);
  return 2;
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

/* Builds one VEVENT from the table at idx: all-day, or at `time` ("15:30",
 * floating: the calendar app's own time zone) for `minutes` (60 unless
 * given); `location`, and `status` "CANCELLED" for a turn no longer
 * yours. Raises on a bad field; the calendar being built is anchored so a
 * raise frees it. */
static icalcomponent *build_event(lua_State *L, int idx, int n,
                                  struct icaltimetype stamp) {
  char where[32];
  snprintf(where, sizeof where, "events[%d]", n);
  const char *uid = need_string(L, idx, "uid", where);
  const char *summary = need_string(L, idx, "summary", where);
  const char *date = need_string(L, idx, "date", where);
  const char *desc = opt_string(L, idx, "description", where);
  const char *at = opt_string(L, idx, "time", where);
  const char *location = opt_string(L, idx, "location", where);
  const char *status = opt_string(L, idx, "status", where);
  int y, m, d, hh = 0, mm = 0;
  if (baton__date_parse(date, &y, &m, &d) != 0)
    luaL_error(L, "baton.ics.calendar: %s.date must be YYYY-MM-DD, not '%s'",
               where, date);
  if (at != NULL && (strlen(at) != 5 || sscanf(at, "%2d:%2d", &hh, &mm) != 2 ||
                     hh < 0 || hh > 23 || mm < 0 || mm > 59))
    luaL_error(L, "baton.ics.calendar: %s.time must be HH:MM, not '%s'", where,
               at);
  if (status != NULL && strcmp(status, "CANCELLED") != 0 &&
      strcmp(status, "CONFIRMED") != 0)
    luaL_error(L,
               "baton.ics.calendar: %s.status must be CONFIRMED or "
               "CANCELLED, not '%s'",
               where, status);
  lua_getfield(L, idx, "sequence");
  lua_Integer seq = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  if (seq < 0)
    luaL_error(L, "baton.ics.calendar: %s.sequence must be >= 0", where);
  lua_getfield(L, idx, "minutes");
  lua_Integer minutes = lua_isnil(L, -1) ? 60 : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  if (minutes < 1 || minutes > 24 * 60)
    luaL_error(L, "baton.ics.calendar: %s.minutes must be 1 to 1440", where);

  struct icaltimetype start = icaltime_null_date();
  start.year = y, start.month = m, start.day = d;
  struct icaltimetype end = start;
  if (at != NULL) {
    start = icaltime_null_time();
    start.year = y, start.month = m, start.day = d, start.hour = hh,
    start.minute = mm;
    end = start;
    icaltime_adjust(&end, 0, 0, (int)minutes, 0);
  } else {
    icaltime_adjust(&end, 1, 0, 0, 0);
  }
  icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(ev, icalproperty_new_uid(uid));
  icalcomponent_add_property(ev, icalproperty_new_sequence((int)seq));
  icalcomponent_add_property(ev, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
  icalcomponent_add_property(ev, icalproperty_new_dtend(end));
  icalcomponent_add_property(ev, icalproperty_new_summary(summary));
  if (desc != NULL)
    icalcomponent_add_property(ev, icalproperty_new_description(desc));
  if (location != NULL)
    icalcomponent_add_property(ev, icalproperty_new_location(location));
  if (status != NULL)
    icalcomponent_add_property(
        ev, icalproperty_new_status(strcmp(status, "CANCELLED") == 0
                                        ? ICAL_STATUS_CANCELLED
                                        : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(ev,
                             icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
  return ev;
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
      luaL_error(L,
                 "baton.ics.calendar: stamp must look like "
                 "20260901T080000Z, not '%s'",
                 st);
  } else {
    stamp = icaltime_from_timet_with_zone(time(NULL), 0,
                                          icaltimezone_get_utc_timezone());
  }
  icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
  box->cal = cal;
  icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal,
                             icalproperty_new_prodid("-//baton//rota//EN"));
  icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
  icalproperty *xn = icalproperty_new_x(name);
  icalproperty_set_x_name(xn, "X-WR-CALNAME");
  icalcomponent_add_property(cal, xn);
  const char *refresh = opt_string(L, 1, "refresh", "the calendar");
  if (refresh != NULL) {
    /* how often a subscribed calendar app should ask again (PT1H) */
    struct icaldurationtype every = icaldurationtype_from_string(refresh);
    if (icaldurationtype_is_bad_duration(every) || refresh[0] != 'P')
      return luaL_error(L,
                        "baton.ics.calendar: refresh must be a duration "
                        "such as PT1H, not '%s'",
                        refresh);
    icalproperty *ttl = icalproperty_new_x(refresh);
    icalproperty_set_x_name(ttl, "X-PUBLISHED-TTL");
    icalcomponent_add_property(cal, ttl);
  }

  if (lua_getfield(L, 1, "events") != LUA_TTABLE)
    return luaL_error(L,
                      "baton.ics.calendar: events must be a list of "
                      "tables, not %s",
                      luaL_typename(L, -1));
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
