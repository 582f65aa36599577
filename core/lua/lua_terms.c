/* core/lua/lua_terms.c: baton.terms, the school calendar for plugins.
 *
 * Terms and closures come from the store (core/store/terms.c), written by
 * `baton terms`; a plugin only reads them, and needs no permission to (a
 * calendar is no one's personal data, like the list of groups). Every
 * function reads the whole calendar (a school has a few dozen rows) into
 * a box, so an out-of-memory raise while pushing frees it.
 *
 *   list()               every term, by date: { name, from, to, closures }
 *   current([date])      the term holding date (today by default), or nil
 *   previous([date])     the last term that ended before date's term
 *   of(date)             the term and the closure holding date (each or nil)
 *   school_days(from, to) how many weekdays from..to are in a term and in
 *                        no closure, and the list of them
 *
 * Dates are strings YYYY-MM-DD, as in baton.date; a wrong one raises.
 * A database that cannot be read returns nil, "ECODE: msg", "ECODE". */
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

/* The longest range school_days counts: a century. */
#define TERMS_MAX_DAYS 36525

typedef struct {
  int kind; /* BATON_TERM / BATON_CLOSURE */
  char *name;
  char from[11], to[11];
  long long first, last; /* day numbers */
} row_t;

typedef struct {
  row_t *rows;
  size_t n, cap;
} calendar_t;

static void calendar_release(void *data) {
  calendar_t *c = data;
  for (size_t i = 0; i < c->n; i++)
    free(c->rows[i].name);
  free(c->rows);
}

static int collect(const baton_term_t *t, void *ud) {
  calendar_t *c = ud;
  if (BATON_GROW(c->rows, c->n, c->cap, 16) != 0)
    return BATON_ENOMEM;
  row_t *r = &c->rows[c->n];
  if (baton__date_to_days(t->from, &r->first) != 0 ||
      baton__date_to_days(t->to, &r->last) != 0)
    return 0; /* the store checks dates on the way in */
  if ((r->name = baton__strdup(t->name)) == NULL)
    return BATON_ENOMEM;
  r->kind = (int)t->kind;
  snprintf(r->from, sizeof r->from, "%s", t->from);
  snprintf(r->to, sizeof r->to, "%s", t->to);
  c->n++;
  return 0;
}

/* Reads the calendar into a box pushed on the stack. Returns it, or NULL
 * after pushing nil, "ECODE: msg", "ECODE" (3 values above the box). */
static calendar_t *load(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  calendar_t *c = baton__lua_box(L, sizeof *c, calendar_release);
  baton_store_t *s;
  int err = baton__host_store(p->host, &s);
  if (err != 0) {
    baton__lua_fail(L, baton_err_name(err), "%s",
                    baton_host_last_error(p->host));
    return NULL;
  }
  err = baton_terms_each(s, collect, c);
  if (err != 0) {
    baton__lua_fail(L, baton_err_name(err), "%s",
                    err == BATON_ENOMEM ? "out of memory"
                                        : baton_store_last_error(s));
    return NULL;
  }
  return c;
}

/* The day number of the date argument at idx, or of today when it is
 * absent and `optional`. Raises "baton.terms.FN: ..." for anything else. */
static long long check_date(lua_State *L, int idx, const char *fn,
                            int optional) {
  long long z;
  if (optional && lua_isnoneornil(L, idx)) {
    baton__lua_push_today(L);
    baton__date_to_days(lua_tostring(L, -1), &z);
    lua_pop(L, 1);
    return z;
  }
  int y, m, d;
  if (baton__lua_todate(L, idx, &y, &m, &d) != 0) {
    if (lua_type(L, idx) == LUA_TSTRING)
      luaL_error(L, "baton.terms.%s: '%s' is not a date written YYYY-MM-DD", fn,
                 lua_tostring(L, idx));
    luaL_error(L,
               "baton.terms.%s: the date must be a string YYYY-MM-DD, not "
               "%s",
               fn, luaL_typename(L, idx));
  }
  return baton__date_days(y, m, d);
}

/* The date argument at 1 as a day number in *z (today when absent and
 * `optional`), then the calendar: load()'s result. */
static calendar_t *load_at(lua_State *L, const char *fn, int optional,
                           long long *z) {
  *z = check_date(L, 1, fn, optional);
  return load(L);
}

/* Pushes { name, from, to } of row i. */
static void push_range(lua_State *L, const row_t *r) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, r->name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, r->from);
  lua_setfield(L, -2, "from");
  lua_pushstring(L, r->to);
  lua_setfield(L, -2, "to");
}

/* Pushes term i with `closures`: the closures that share a day with it. */
static void push_term(lua_State *L, const calendar_t *c, size_t i) {
  const row_t *t = &c->rows[i];
  push_range(L, t);
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t j = 0; j < c->n; j++) {
    const row_t *x = &c->rows[j];
    if (x->kind == BATON_CLOSURE && x->first <= t->last &&
        x->last >= t->first) {
      push_range(L, x);
      lua_rawseti(L, -2, ++k);
    }
  }
  lua_setfield(L, -2, "closures");
}

/* Pushes term i, or nil when i < 0. */
static void push_term_or_nil(lua_State *L, const calendar_t *c, long i) {
  if (i < 0)
    lua_pushnil(L);
  else
    push_term(L, c, (size_t)i);
}

/* The row of `kind` holding day z, or -1 (the first found, by date). */
static long find(const calendar_t *c, int kind, long long z) {
  for (size_t i = 0; i < c->n; i++)
    if (c->rows[i].kind == kind && c->rows[i].first <= z &&
        z <= c->rows[i].last)
      return (long)i;
  return -1;
}

/* baton.terms.list() -> { term, ... } */
static int l_list(lua_State *L) {
  calendar_t *c = load(L);
  if (c == NULL)
    return 3;
  lua_newtable(L);
  lua_Integer k = 0;
  for (size_t i = 0; i < c->n; i++)
    if (c->rows[i].kind == BATON_TERM) {
      push_term(L, c, i);
      lua_rawseti(L, -2, ++k);
    }
  return 1;
}

/* baton.terms.current([date]) -> term | nil */
static int l_current(lua_State *L) {
  long long z;
  calendar_t *c = load_at(L, "current", 1, &z);
  if (c == NULL)
    return 3;
  push_term_or_nil(L, c, find(c, BATON_TERM, z));
  return 1;
}

/* baton.terms.previous([date]) -> term | nil: of the terms that ended
 * before date (before the start of date's own term, when it is in one),
 * the latest. */
static int l_previous(lua_State *L) {
  long long z;
  calendar_t *c = load_at(L, "previous", 1, &z);
  if (c == NULL)
    return 3;
  long cur = find(c, BATON_TERM, z);
  if (cur >= 0)
    z = c->rows[cur].first;
  long best = -1;
  for (size_t i = 0; i < c->n; i++)
    if (c->rows[i].kind == BATON_TERM && c->rows[i].last < z &&
        (best < 0 || c->rows[i].last > c->rows[best].last))
      best = (long)i;
  push_term_or_nil(L, c, best);
  return 1;
}

/* baton.terms.of(date) -> term | nil, closure | nil */
static int l_of(lua_State *L) {
  long long z;
  calendar_t *c = load_at(L, "of", 0, &z);
  if (c == NULL)
    return 3;
  long x = find(c, BATON_CLOSURE, z);
  push_term_or_nil(L, c, find(c, BATON_TERM, z));
  if (x < 0)
    lua_pushnil(L);
  else
    push_range(L, &c->rows[x]);
  return 2;
}

/* baton.terms.school_days(from, to) -> n, { date, ... }: the weekdays
 * (Monday to Friday) from `from` to `to`, both included, that are in a
 * term and in no closure. */
static int l_school_days(lua_State *L) {
  long long a = check_date(L, 1, "school_days", 0);
  long long b = check_date(L, 2, "school_days", 0);
  if (b - a > TERMS_MAX_DAYS)
    return luaL_error(L,
                      "baton.terms.school_days: %s to %s is more than a "
                      "century; count a shorter range",
                      lua_tostring(L, 1), lua_tostring(L, 2));
  calendar_t *c = load(L);
  if (c == NULL)
    return 3;
  lua_newtable(L);
  lua_Integer n = 0;
  for (long long z = a; z <= b; z++) {
    int weekday = (int)(((z % 7) + 7 + 3) % 7); /* 0: Monday */
    if (weekday >= 5 || find(c, BATON_TERM, z) < 0 ||
        find(c, BATON_CLOSURE, z) >= 0)
      continue;
    char buf[16];
    baton__date_format(z, buf);
    lua_pushstring(L, buf);
    lua_rawseti(L, -2, ++n);
  }
  lua_pushinteger(L, n);
  lua_insert(L, -2);
  return 2;
}

int baton__lua_open_terms(lua_State *L) {
  static const luaL_Reg fns[] = {{"list", l_list},
                                 {"current", l_current},
                                 {"previous", l_previous},
                                 {"of", l_of},
                                 {"school_days", l_school_days},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}

/* set_terms{ {name, from, to [, closure = true]}, ... }, a test global
 * (core/lua/lua_test.c): the test database's calendar becomes exactly
 * these rows, checked as `baton terms` checks them. Raises on a bad row. */
int baton__test_set_terms(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t n = (size_t)lua_rawlen(L, 1);
  /* Collected with the state: nothing to free if a check raises. */
  baton_term_t *rows = lua_newuserdatauv(L, (n ? n : 1) * sizeof *rows, 0);
  for (size_t i = 0; i < n; i++) {
    if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
      return luaL_error(L,
                        "set_terms: entry %d must be a table {name, from, "
                        "to [, closure = true]}",
                        (int)i + 1);
    /* The strings are the entry's fields, alive while argument 1 is. */
    const char *f[3];
    for (int k = 0; k < 3; k++) {
      if (lua_rawgeti(L, -1 - k, k + 1) != LUA_TSTRING)
        return luaL_error(L,
                          "set_terms: entry %d needs a name, a first and "
                          "a last day (strings)",
                          (int)i + 1);
      f[k] = lua_tostring(L, -1);
    }
    lua_getfield(L, -4, "closure");
    rows[i] = (baton_term_t){lua_toboolean(L, -1) ? BATON_CLOSURE : BATON_TERM,
                             f[0], f[1], f[2]};
    lua_pop(L, 5);
  }
  baton_plugin_t *p = baton__plugin_of(L);
  baton_store_t *s;
  baton_terms_report_t r;
  if (baton__host_store(p->host, &s) != 0)
    return luaL_error(L, "set_terms: %s", baton_host_last_error(p->host));
  if (baton_terms_apply(s, rows, NULL, n, 1, 0, &r) != 0)
    return luaL_error(L, "set_terms: %s", baton_store_last_error(s));
  return 0;
}
