/* core/lua/lua_score.c: baton.assign.score, .reasons, .features and .matrix,
 * the mentoring scores computed in C (core/solve/solve.h).
 *
 * score{ rows = {person...}, cols = {person...}, weights = {...},
 * today = "YYYY-MM-DD", require = {"campus"} } reduces each person once to
 * a profile of small ids (a subject, grade, language, campus, department or
 * role spelt the same up to case and surrounding spaces gets the same id),
 * then fills a rows x cols matrix with the weighted sums. The matrix is a
 * userdata ("baton.matrix") whose memory comes from the plugin's allocator,
 * so a huge one counts against the plugin's memory limit; nothing here is
 * malloc'd, so a raised error leaks nothing.
 *
 * reasons(row, col, weights, today) says, for one pair, which features
 * gave how many points and why, in the words a coordinator reads:
 * "shares subject Mathematics". */
#include <math.h>
#include <string.h>

#include "baton/assign.h"
#include "bindings.h"
#include "solve.h"

#define MATRIX_MT "baton.matrix"

typedef struct {
  size_t rows, cols;
  double cells[]; /* rows x cols, row-major; NaN = forbidden */
} matrix_t;

/* ---- the matrix userdata ------------------------------------------------- */

/* Pushes a new rows x cols matrix filled with `fill`. Raises on a size that
 * overflows; out of memory raises through the plugin's allocator. */
static matrix_t *matrix_new(lua_State *L, size_t rows, size_t cols,
                            double fill) {
  size_t n = rows * cols;
  if (cols != 0 &&
      (n / cols != rows || n > (SIZE_MAX - sizeof(matrix_t)) / sizeof(double)))
    luaL_error(L, "baton.assign: a %I x %I matrix is too large",
               (lua_Integer)rows, (lua_Integer)cols);
  matrix_t *m = lua_newuserdatauv(L, sizeof *m + n * sizeof(double), 0);
  m->rows = rows;
  m->cols = cols;
  for (size_t k = 0; k < n; k++)
    m->cells[k] = fill;
  luaL_setmetatable(L, MATRIX_MT);
  return m;
}

/* The cell (i, j) named by the arguments at idx, idx + 1 (1-based), checked. */
static double *matrix_cell(lua_State *L, matrix_t *m, int idx) {
  lua_Integer i = luaL_checkinteger(L, idx), j = luaL_checkinteger(L, idx + 1);
  if (i < 1 || (size_t)i > m->rows || j < 1 || (size_t)j > m->cols)
    luaL_error(L, "baton.matrix: cell (%I, %I) is outside the %I x %I matrix",
               i, j, (lua_Integer)m->rows, (lua_Integer)m->cols);
  return &m->cells[(size_t)(i - 1) * m->cols + (size_t)(j - 1)];
}

/* m:get(i, j) -> number, or false for a forbidden cell. */
static int l_matrix_get(lua_State *L) {
  matrix_t *m = luaL_checkudata(L, 1, MATRIX_MT);
  double v = *matrix_cell(L, m, 2);
  if (isnan(v))
    lua_pushboolean(L, 0);
  else if (floor(v) == v && fabs(v) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
  return 1;
}

/* m:set(i, j, v): v a finite number, or false to forbid the cell. */
static int l_matrix_set(lua_State *L) {
  matrix_t *m = luaL_checkudata(L, 1, MATRIX_MT);
  double *c = matrix_cell(L, m, 2);
  if (lua_isboolean(L, 4) && !lua_toboolean(L, 4)) {
    *c = BATON_ASSIGN_FORBIDDEN;
    return 0;
  }
  double v = (double)luaL_checknumber(L, 4);
  if (!isfinite(v))
    return luaL_error(L, "baton.matrix: set: the score must be a finite "
                         "number (false forbids the cell)");
  *c = v;
  return 0;
}

/* m:forbid(i, j): the pair will never be chosen. */
static int l_matrix_forbid(lua_State *L) {
  matrix_t *m = luaL_checkudata(L, 1, MATRIX_MT);
  *matrix_cell(L, m, 2) = BATON_ASSIGN_FORBIDDEN;
  return 0;
}

/* m.rows, m.cols, and the methods. */
static int l_matrix_index(lua_State *L) {
  matrix_t *m = luaL_checkudata(L, 1, MATRIX_MT);
  const char *k = lua_tostring(L, 2);
  if (k != NULL && strcmp(k, "rows") == 0) {
    lua_pushinteger(L, (lua_Integer)m->rows);
    return 1;
  }
  if (k != NULL && strcmp(k, "cols") == 0) {
    lua_pushinteger(L, (lua_Integer)m->cols);
    return 1;
  }
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "methods");
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

static int l_matrix_tostring(lua_State *L) {
  matrix_t *m = luaL_checkudata(L, 1, MATRIX_MT);
  lua_pushfstring(L, "baton.matrix (%I x %I)", (lua_Integer)m->rows,
                  (lua_Integer)m->cols);
  return 1;
}

const double *baton__lua_score_matrix(lua_State *L, int idx, size_t *rows,
                                      size_t *cols) {
  matrix_t *m = luaL_testudata(L, idx, MATRIX_MT);
  if (m == NULL)
    return NULL;
  *rows = m->rows;
  *cols = m->cols;
  return m->cells;
}

/* baton.assign.matrix(rows, cols[, fill]): a matrix for scores computed in
 * Lua (a custom rule), filled with fill (default 0; false = forbidden). */
static int l_matrix(lua_State *L) {
  lua_Integer r = luaL_checkinteger(L, 1), c = luaL_checkinteger(L, 2);
  if (r < 0 || c < 0)
    return luaL_error(L, "baton.assign.matrix: rows and cols must be >= 0");
  double fill = 0;
  if (lua_isboolean(L, 3) && !lua_toboolean(L, 3))
    fill = BATON_ASSIGN_FORBIDDEN;
  else if (!lua_isnoneornil(L, 3))
    fill = (double)luaL_checknumber(L, 3);
  matrix_new(L, (size_t)r, (size_t)c, fill);
  return 1;
}

/* ---- people as profiles -------------------------------------------------- */

/* The profiles of a list of people and the ids they point into, in one
 * userdata so that a raised error frees it with everything else. */
typedef struct {
  size_t n;
  baton_score_person_t *people;
  unsigned *ids;
} profiles_t;

/* Narrows s[0..*len) to leave out outer spaces and tabs; returns the new
 * start. */
static const char *trim(const char *s, size_t *len) {
  while (*len > 0 && (*s == ' ' || *s == '\t'))
    s++, (*len)--;
  while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
    (*len)--;
  return s;
}

/* Pushes the string at the top, folded (ASCII lower case, outer spaces
 * removed), in its place. Returns its length. */
static size_t fold_top(lua_State *L) {
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  s = trim(s, &len);
  luaL_Buffer b;
  char *d = luaL_buffinitsize(L, &b, len);
  for (size_t k = 0; k < len; k++)
    d[k] = (s[k] >= 'A' && s[k] <= 'Z') ? (char)(s[k] - 'A' + 'a') : s[k];
  luaL_pushresultsize(&b, len);
  lua_replace(L, -2);
  return len;
}

/* The id of the string at the top (popped) in the dictionary at `dict`
 * (string -> id; dict[0] counts them), given the next id if new. */
static unsigned dict_id(lua_State *L, int dict) {
  lua_pushvalue(L, -1);
  if (lua_rawget(L, dict) == LUA_TNUMBER) {
    unsigned id = (unsigned)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return id;
  }
  lua_pop(L, 1);
  lua_rawgeti(L, dict, 0);
  unsigned id = (unsigned)lua_tointeger(L, -1) + 1;
  lua_pop(L, 1);
  lua_pushinteger(L, id);
  lua_rawseti(L, dict, 0);
  lua_pushinteger(L, id);
  lua_rawset(L, dict); /* dict[string] = id, pops both */
  return id;
}

/* The id of the value at the top (popped) in the dictionary at `dict`
 * (folded string -> id; dict[0] counts them); 0 for nil, a non-string or
 * an empty string. */
static unsigned intern(lua_State *L, int dict) {
  int t = lua_type(L, -1);
  if (t != LUA_TSTRING && t != LUA_TNUMBER) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushvalue(L, -1);
  lua_replace(L, -2); /* a copy: tolstring may convert a number in place */
  if (fold_top(L) == 0) {
    lua_pop(L, 1);
    return 0;
  }
  return dict_id(L, dict);
}

static const char *const list_fields[] = {"subjects", "grades", "languages"};

/* The length of person[field] if it is a list, else 0. [.., person] */
static size_t list_len(lua_State *L, const char *field) {
  size_t n = lua_getfield(L, -1, field) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  return n;
}

/* Fills a set from person[field] (the person at the top), writing its ids
 * at *pool and advancing it past them. */
static void read_set(lua_State *L, int dict, const char *field,
                     baton_score_set_t *set, unsigned **pool) {
  unsigned *ids = *pool, n = 0;
  set->mask = 0;
  if (lua_getfield(L, -1, field) == LUA_TTABLE) {
    size_t len = lua_rawlen(L, -1);
    for (size_t k = 1; k <= len; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k);
      unsigned id = intern(L, dict);
      if (id == 0)
        continue;
      /* Insertion into the sorted prefix: these lists are a few items. */
      unsigned at = n;
      while (at > 0 && ids[at - 1] > id)
        at--;
      if (at > 0 && ids[at - 1] == id)
        continue;
      memmove(ids + at + 1, ids + at, (n - at) * sizeof *ids);
      ids[at] = id;
      n++;
      set->mask |= 1ull << (id % 64);
    }
  }
  lua_pop(L, 1);
  set->ids = ids;
  set->n = n;
  *pool += n;
}

static unsigned read_id(lua_State *L, int dict, const char *field) {
  lua_getfield(L, -1, field);
  return intern(L, dict);
}

/* YYYYMMDD of the value at idx, or 0 if it is not exactly a real date
 * "YYYY-MM-DD" (a NUL and what follows it count). */
static long ymd_of(lua_State *L, int idx) {
  int y, m, d;
  if (baton__lua_todate(L, idx, &y, &m, &d) != 0)
    return 0;
  return (long)y * 10000 + m * 100 + d;
}

/* The `same` id of the person at the top: same[person.id] interned
 * exactly (no folding: a school is a name the store keeps) in the
 * dictionary at `sdict`; 0 for none or "" (none equals none, as Lua's
 * `(of[id] or "") == ...`). Raises on a value that is not a string. */
static unsigned read_same(lua_State *L, int same, int sdict) {
  if (lua_getfield(L, -1, "id") == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  int t = lua_rawget(L, same);
  if (t == LUA_TNIL || (t == LUA_TSTRING && lua_rawlen(L, -1) == 0)) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != LUA_TSTRING)
    luaL_error(L,
               "baton.assign.score: same must map a person's id to a "
               "string (their school), not %s",
               luaL_typename(L, -1));
  return dict_id(L, sdict);
}

/* Reads the list of people at `list` into profiles (pushed as a userdata).
 * `what` names the list in errors ("rows"). With `same` (a stack index, or
 * 0), each person's `same` id too (read_same). Raises on an entry that is
 * not a table. */
static profiles_t *read_people(lua_State *L, int list, int dict, int same,
                               int sdict, const char *what) {
  size_t n = (size_t)lua_rawlen(L, list), total = 0;
  for (size_t i = 1; i <= n; i++) {
    if (lua_rawgeti(L, list, (lua_Integer)i) != LUA_TTABLE)
      luaL_error(L,
                 "baton.assign.score: %s[%I] must be a person (a table "
                 "as baton.people.get returns), not %s",
                 what, (lua_Integer)i, luaL_typename(L, -1));
    for (size_t f = 0; f < 3; f++)
      total += list_len(L, list_fields[f]);
    lua_pop(L, 1);
  }
  profiles_t *pr = lua_newuserdatauv(
      L,
      sizeof *pr + n * sizeof(baton_score_person_t) + total * sizeof(unsigned),
      0);
  pr->n = n;
  pr->people = (baton_score_person_t *)(pr + 1);
  pr->ids = (unsigned *)(pr->people + n);
  unsigned *pool = pr->ids;
  for (size_t i = 0; i < n; i++) {
    baton_score_person_t *p = &pr->people[i];
    lua_rawgeti(L, list, (lua_Integer)i + 1);
    read_set(L, dict, "subjects", &p->subjects, &pool);
    read_set(L, dict, "grades", &p->grades, &pool);
    read_set(L, dict, "languages", &p->languages, &pool);
    p->campus = read_id(L, dict, "campus");
    p->department = read_id(L, dict, "department");
    p->role = read_id(L, dict, "role");
    lua_getfield(L, -1, "start_date");
    p->start = ymd_of(L, -1);
    lua_pop(L, 1);
    p->same = same ? read_same(L, same, sdict) : 0;
    lua_pop(L, 1);
  }
  return pr;
}

/* ---- options ------------------------------------------------------------- */

/* Reads the weights table at idx (nil: the defaults) into *w: each given
 * weight replaces its default. Raises on an unknown name, naming the valid
 * ones, and on a value that is not a finite number. */
static void read_weights(lua_State *L, int idx, const char *fn,
                         baton_score_weights_t *w) {
  baton_score_weights_default(w);
  if (lua_isnoneornil(L, idx))
    return;
  if (!lua_istable(L, idx))
    luaL_error(L, "%s: weights must be a table { subject = 3, ... }, not %s",
               fn, luaL_typename(L, idx));
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx) != 0) {
    const char *k = lua_type(L, -2) == LUA_TSTRING
                        ? baton__lua_checkcstring(L, -2, fn, "a weight's name")
                        : "";
    int f = baton_score_feature_parse(k);
    if (f < 0) {
      const char *names[BATON_FEATURE_COUNT];
      for (int i = 0; i < BATON_FEATURE_COUNT; i++)
        names[i] = baton_score_feature_name(i);
      const char *s = baton__suggest(k, names, BATON_FEATURE_COUNT);
      luaL_error(L, "%s: unknown weight '%s'%s%s%s; the weights are %s", fn,
                 lua_type(L, -2) == LUA_TSTRING ? k : luaL_typename(L, -2),
                 s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "",
                 baton_score_feature_list());
    }
    double v =
        lua_type(L, -1) == LUA_TNUMBER ? (double)lua_tonumber(L, -1) : NAN;
    if (!isfinite(v))
      luaL_error(L, "%s: weight '%s' must be a finite number, not %s", fn, k,
                 lua_type(L, -1) == LUA_TNUMBER ? "that"
                                                : luaL_typename(L, -1));
    w->w[f] = v;
    lua_pop(L, 1);
  }
}

/* YYYYMMDD of the date at idx, or of baton.today() when it is nil and the
 * date matters (`needed`: the experience feature is used), else 0. */
static long read_today(lua_State *L, int idx, const char *fn, int needed) {
  if (lua_isnoneornil(L, idx)) {
    if (!needed)
      return 0;
    lua_getglobal(L, "baton");
    lua_getfield(L, -1, "today");
    lua_call(L, 0, 1);
    long t = ymd_of(L, -1);
    lua_pop(L, 2);
    return t;
  }
  const char *s = lua_type(L, idx) == LUA_TSTRING
                      ? baton__lua_checkcstring(L, idx, fn, "today")
                      : NULL;
  long t = ymd_of(L, idx);
  if (t == 0)
    luaL_error(L, "%s: today must be a date \"YYYY-MM-DD\", not %s", fn,
               lua_type(L, idx) == LUA_TSTRING ? s : luaL_typename(L, idx));
  return t;
}

static const char *const score_options[] = {
    "rows", "cols", "weights", "today", "require", "same", NULL};

/* The bit set of features named in opts.require (a list of names). [opts] */
static unsigned read_require(lua_State *L) {
  unsigned bits = 0;
  int t = lua_getfield(L, 1, "require");
  if (t == LUA_TTABLE) {
    size_t n = lua_rawlen(L, -1);
    for (size_t k = 1; k <= n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k);
      const char *name =
          lua_type(L, -1) == LUA_TSTRING
              ? baton__lua_checkcstring(L, -1, "baton.assign.score", "require")
              : NULL;
      int f = name ? baton_score_feature_parse(name) : -1;
      if (f < 0)
        luaL_error(L,
                   "baton.assign.score: require[%I] must be a feature "
                   "name, one of %s",
                   (lua_Integer)k, baton_score_feature_list());
      bits |= 1u << f;
      lua_pop(L, 1);
    }
  } else if (t != LUA_TNIL) {
    luaL_error(L, "baton.assign.score: require must be a list of feature "
                  "names, e.g. { \"campus\" }");
  }
  lua_pop(L, 1);
  return bits;
}

/* ---- baton.assign.score -------------------------------------------------- */

static int l_score(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.assign.score", "the options");
  lua_settop(L, 1);
  baton__lua_checkoptions(L, 1, "baton.assign.score", score_options);
  if (lua_getfield(L, 1, "rows") != LUA_TTABLE) /* 2 */
    return luaL_error(L, "baton.assign.score: rows must be a list of people");
  if (lua_getfield(L, 1, "cols") != LUA_TTABLE) /* 3 */
    return luaL_error(L, "baton.assign.score: cols must be a list of people");
  baton_score_weights_t w;
  lua_getfield(L, 1, "weights"); /* 4 */
  read_weights(L, 4, "baton.assign.score", &w);
  lua_getfield(L, 1, "today"); /* 5 */
  unsigned required = read_require(L);
  long today = read_today(L, 5, "baton.assign.score",
                          w.w[BATON_FEATURE_EXPERIENCE] != 0 ||
                              (required & (1u << BATON_FEATURE_EXPERIENCE)));

  lua_createtable(L, 0, 64); /* 6: the dictionary */
  lua_pushinteger(L, 0);
  lua_rawseti(L, 6, 0);
  /* 7: same = {[id] = school}: pairs of two schools forbidden, in the loop
   * below rather than a visit per cell in Lua. */
  int t = lua_getfield(L, 1, "same");
  if (t != LUA_TNIL && t != LUA_TTABLE)
    return luaL_error(L,
                      "baton.assign.score: same must be a table "
                      "{[person id] = school}, not %s",
                      luaL_typename(L, 7));
  int same = t == LUA_TTABLE ? 7 : 0;
  if (same)
    required |= BATON_SCORE_SAME;
  lua_createtable(L, 0, 64); /* 8: its ids (dict_id) */
  lua_pushinteger(L, 0);
  lua_rawseti(L, 8, 0);
  profiles_t *rows = read_people(L, 2, 6, same, 8, "rows"); /* 9 */
  profiles_t *cols = read_people(L, 3, 6, same, 8, "cols"); /* 10 */
  matrix_t *m = matrix_new(L, rows->n, cols->n, 0);         /* 11 */
  baton_score_matrix(rows->people, rows->n, cols->people, cols->n, &w, required,
                     today, BATON_ASSIGN_FORBIDDEN, m->cells);
  return 1;
}

/* ---- baton.assign.reasons ------------------------------------------------ */

/* Pushes the items of row[field] that col[field] holds too (compared as
 * the scores compare them), joined by ", ", in the row's order and
 * spelling; returns how many. The row and col are at r and c. */
static int shared_items(lua_State *L, int r, int c, const char *field) {
  lua_newtable(L); /* the col's folded items */
  int set = lua_gettop(L);
  lua_newtable(L); /* the shared items, as the row spells them */
  int found = lua_gettop(L), n = 0;
  if (lua_getfield(L, c, field) == LUA_TTABLE) {
    size_t len = lua_rawlen(L, -1);
    for (size_t k = 1; k <= len; k++) {
      int t = lua_rawgeti(L, -1, (lua_Integer)k);
      if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        lua_pushvalue(L, -1);
        lua_replace(L, -2);
        fold_top(L);
        lua_pushboolean(L, 1);
        lua_rawset(L, set);
      } else {
        lua_pop(L, 1);
      }
    }
  }
  lua_pop(L, 1);
  if (lua_getfield(L, r, field) == LUA_TTABLE) {
    size_t len = lua_rawlen(L, -1);
    for (size_t k = 1; k <= len; k++) {
      int t = lua_rawgeti(L, -1, (lua_Integer)k); /* [.., list, item] */
      if (t != LUA_TSTRING && t != LUA_TNUMBER) {
        lua_pop(L, 1);
        continue;
      }
      lua_pushvalue(L, -1);
      lua_replace(L, -2);
      size_t len2;
      const char *sp = lua_tolstring(L, -1, &len2);
      sp = trim(sp, &len2);
      lua_pushlstring(L, sp, len2); /* [.., list, item, trimmed] */
      lua_insert(L, -2);
      fold_top(L); /* [.., list, trimmed, folded] */
      lua_pushvalue(L, -1);
      if (lua_rawget(L, set) == LUA_TBOOLEAN && lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 0);
        lua_rawset(L, set); /* each item once; pops the folded key */
        lua_rawseti(L, found, ++n);
      } else {
        lua_pop(L, 3);
      }
    }
  }
  lua_pop(L, 1);
  luaL_checkstack(L, 2 * n + 1, "shared items");
  for (int k = 1; k <= n; k++) {
    if (k > 1)
      lua_pushliteral(L, ", ");
    lua_rawgeti(L, found, k);
  }
  lua_concat(L, n > 0 ? 2 * n - 1 : 0);
  lua_replace(L, set);
  lua_settop(L, set);
  return n;
}

/* Pushes person[field] (the person at idx) with outer spaces removed, or
 * "", and returns it. */
static const char *field_text(lua_State *L, int idx, const char *field) {
  lua_getfield(L, idx, field);
  size_t len = 0;
  const char *s =
      lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : "";
  s = trim(s, &len);
  lua_pushlstring(L, s, len);
  lua_remove(L, -2);
  return lua_tostring(L, -1);
}

/* baton.assign.reasons(row, col[, weights[, today]]) -> { {feature =,
 * points =, detail =}, ... } for every feature that gives the pair points
 * (or costs it), in feature order. */
static int l_reasons(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.assign.reasons", "row");
  baton__lua_checktype(L, 2, LUA_TTABLE, "baton.assign.reasons", "col");
  lua_settop(L, 4);
  baton_score_weights_t w;
  read_weights(L, 3, "baton.assign.reasons", &w);
  long today = read_today(L, 4, "baton.assign.reasons",
                          w.w[BATON_FEATURE_EXPERIENCE] != 0);
  /* Profiles of the two, through the same code as score. */
  lua_createtable(L, 2, 0); /* 5 */
  lua_pushvalue(L, 1);
  lua_rawseti(L, 5, 1);
  lua_pushvalue(L, 2);
  lua_rawseti(L, 5, 2);
  lua_createtable(L, 0, 16); /* 6 */
  lua_pushinteger(L, 0);
  lua_rawseti(L, 6, 0);
  profiles_t *pr = read_people(L, 5, 6, 0, 0, "reasons"); /* 7 */
  const baton_score_person_t *r = &pr->people[0], *c = &pr->people[1];

  lua_newtable(L); /* 8: the result */
  int n = 0;
  for (int f = 0; f < BATON_FEATURE_COUNT; f++) {
    double v = baton_score_feature(f, r, c, today);
    if (w.w[f] == 0 || v == 0)
      continue;
    int top = lua_gettop(L);
    switch (f) {
    case BATON_FEATURE_SUBJECT:
    case BATON_FEATURE_GRADE:
    case BATON_FEATURE_LANGUAGE: {
      const char *field = f == BATON_FEATURE_SUBJECT ? "subjects"
                          : f == BATON_FEATURE_GRADE ? "grades"
                                                     : "languages";
      const char *one = f == BATON_FEATURE_SUBJECT ? "subject"
                        : f == BATON_FEATURE_GRADE ? "grade"
                                                   : "language";
      int k = shared_items(L, 1, 2, field);
      lua_pushfstring(L, "shares %s%s ", one, k > 1 ? "s" : "");
      lua_insert(L, -2);
      lua_concat(L, 2);
      break;
    }
    case BATON_FEATURE_CAMPUS:
      lua_pushfstring(L, "same campus %s", field_text(L, 1, "campus"));
      break;
    case BATON_FEATURE_DEPARTMENT:
      lua_pushfstring(L, "same department %s", field_text(L, 1, "department"));
      break;
    case BATON_FEATURE_CROSS_ROLE:
      lua_pushfstring(L, "cross-role (%s with %s)", field_text(L, 1, "role"),
                      field_text(L, 2, "role"));
      break;
    default: /* BATON_FEATURE_EXPERIENCE */
      lua_pushfstring(L, "mentor has %I year%s' experience", (lua_Integer)v,
                      v == 1 ? "" : "s");
      break;
    }
    if (lua_gettop(L) > top + 1) {
      lua_replace(L, top + 1); /* the phrase, over what made it */
      lua_settop(L, top + 1);
    }
    lua_createtable(L, 0, 3);
    lua_insert(L, -2);
    lua_setfield(L, -2, "detail");
    lua_pushstring(L, baton_score_feature_name(f));
    lua_setfield(L, -2, "feature");
    double pts = w.w[f] * v;
    if (floor(pts) == pts && fabs(pts) < 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)pts);
    else
      lua_pushnumber(L, pts);
    lua_setfield(L, -2, "points");
    lua_rawseti(L, 8, ++n);
  }
  return 1;
}

/* baton.assign.features() -> { {name =, weight =, help =}, ... }: the
 * features in order with their default weights. */
static int l_features(lua_State *L) {
  lua_createtable(L, BATON_FEATURE_COUNT, 0);
  for (int f = 0; f < BATON_FEATURE_COUNT; f++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, baton_score_feature_name(f));
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, (lua_Integer)baton_score_feature_default(f));
    lua_setfield(L, -2, "weight");
    lua_pushstring(L, baton_score_feature_help(f));
    lua_setfield(L, -2, "help");
    lua_rawseti(L, -2, f + 1);
  }
  return 1;
}

int baton__lua_open_score(lua_State *L) {
  static const luaL_Reg methods[] = {{"get", l_matrix_get},
                                     {"set", l_matrix_set},
                                     {"forbid", l_matrix_forbid},
                                     {NULL, NULL}};
  static const luaL_Reg fns[] = {{"score", l_score},
                                 {"reasons", l_reasons},
                                 {"features", l_features},
                                 {"matrix", l_matrix},
                                 {NULL, NULL}};
  if (luaL_newmetatable(L, MATRIX_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "methods");
    lua_pushcfunction(L, l_matrix_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_matrix_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "baton.matrix");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  luaL_setfuncs(L, fns, 0); /* [assign] */
  return 0;
}
