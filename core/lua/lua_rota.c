/* core/lua/lua_rota.c: baton.rota, the rotation practice's first pass in C
 * (core/solve/solve.h) for plugins/rotation/scheduler/.
 *
 * baton.rota.first_pass(prob, min_gap) reads the scheduler's problem
 * table (people[p].fte, roles, meetings, eligible[p][r] == true,
 * away[p][t] truthy, history[p][r], history_total[p], fixed[t][r] =
 * person number kept, open[t][r] truthy = decide; all optional tables may
 * be nil) and returns assign, fill: assign[t][r] = person number, false
 * (left empty) or nil (neither fixed nor open), fill[t] = slots meeting t
 * decided and filled, exactly as the Lua oracle. All scratch memory is
 * one userdata from the plugin's allocator, so a raised error leaks
 * nothing and a huge problem counts against the plugin's memory limit.
 * Malformed input raises, naming the field. */
#include <stdint.h>
#include <string.h>

#include "bindings.h"
#include "solve.h"

/* The length of the list prob[name]; raises if it is not a table. */
static size_t list_len(lua_State *L, int prob, const char *name) {
  if (lua_getfield(L, prob, name) != LUA_TTABLE)
    luaL_error(L, "baton.rota.first_pass: prob.%s must be a table", name);
  size_t n = (size_t)lua_rawlen(L, -1);
  lua_pop(L, 1);
  return n;
}

/* Pushes prob[name][i] (nil when prob[name] is nil). */
static int get2(lua_State *L, int prob, const char *name, size_t i) {
  if (lua_getfield(L, prob, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return LUA_TNIL;
  }
  int type = lua_geti(L, -1, (lua_Integer)i);
  lua_remove(L, -2);
  return type;
}

/* Reads prob[name][t][r] for every slot (prob[name] and each [t] may be
 * nil): into ints (a person number 1..np, stored 0-based; -1 when nil)
 * or into bytes (1 when truthy). Returns whether prob[name] is a table. */
static int get_slots(lua_State *L, int prob, const char *name, size_t nt,
                     size_t nr, size_t np, int *ints, unsigned char *bytes) {
  int is_table = lua_getfield(L, prob, name) == LUA_TTABLE;
  for (size_t t = 1; t <= nt; t++) {
    int row = is_table && lua_geti(L, -1, (lua_Integer)t) == LUA_TTABLE;
    for (size_t r = 1; r <= nr; r++) {
      size_t k = (t - 1) * nr + r - 1;
      int type = row ? lua_geti(L, -1, (lua_Integer)r) : LUA_TNIL;
      if (bytes != NULL) {
        bytes[k] = (unsigned char)(row && lua_toboolean(L, -1));
      } else {
        lua_Integer p = row && lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
        if (type != LUA_TNIL && (p < 1 || (size_t)p > np))
          luaL_error(L,
                     "baton.rota.first_pass: prob.%s[%I][%I] must be a person "
                     "number (1 to %I)",
                     name, (lua_Integer)t, (lua_Integer)r, (lua_Integer)np);
        ints[k] = type == LUA_TNIL ? -1 : (int)p - 1;
      }
      if (row)
        lua_pop(L, 1);
    }
    if (is_table)
      lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return is_table;
}

static int l_first_pass(lua_State *L) {
  baton__lua_checktype(L, 1, LUA_TTABLE, "baton.rota.first_pass", "prob");
  lua_Integer gap = lua_isnoneornil(L, 2)
                        ? 1
                        : baton__lua_checkint(L, 2, "baton.rota.first_pass",
                                              "min_gap", 0, INT32_MAX);
  size_t np = list_len(L, 1, "people"), nr = list_len(L, 1, "roles"),
         nt = list_len(L, 1, "meetings");
  if (np > 100000 || nr > 1000 || nt > 1000000)
    return luaL_error(L, "baton.rota.first_pass: too many people, roles or meetings");
  /* one block: fte, history_total (np doubles), history (np x nr
   * doubles), assign (nt x nr ints), fill (nt ints), eligible (np x nr
   * bytes), away (np x nt bytes) */
  size_t nd = 2 * np + np * nr, ni = 2 * nt * nr + nt,
         nb = np * nr + np * nt + nt * nr;
  char *block = lua_newuserdatauv(L, nd * sizeof(double) + ni * sizeof(int) + nb + 1, 0);
  int ud = lua_gettop(L);
  double *fte = (double *)(void *)block, *htot = fte + np, *hist = htot + np;
  int *assign = (int *)(void *)(hist + np * nr), *fill = assign + nt * nr;
  int *fixed = fill + nt; /* fixed (nt x nr ints), open (nt x nr bytes) */
  unsigned char *elig = (unsigned char *)(fixed + nt * nr),
                *away = elig + np * nr, *open = away + np * nt;
  int any_away = 0;
  for (size_t p = 1; p <= np; p++) {
    if (get2(L, 1, "people", p) != LUA_TTABLE)
      return luaL_error(L, "baton.rota.first_pass: prob.people[%I] must be a table", (lua_Integer)p);
    lua_getfield(L, -1, "fte");
    int ok;
    fte[p - 1] = lua_tonumberx(L, -1, &ok);
    if (!ok || !(fte[p - 1] > 0))
      return luaL_error(L, "baton.rota.first_pass: prob.people[%I].fte must be a number above 0", (lua_Integer)p);
    lua_pop(L, 2);
    int e = get2(L, 1, "eligible", p), h = get2(L, 1, "history", p),
        a = get2(L, 1, "away", p); /* [.. e h a] */
    for (size_t r = 1; r <= nr; r++) {
      elig[(p - 1) * nr + r - 1] = 0;
      if (e == LUA_TTABLE) {
        lua_geti(L, -3, (lua_Integer)r);
        elig[(p - 1) * nr + r - 1] = lua_type(L, -1) == LUA_TBOOLEAN && lua_toboolean(L, -1);
        lua_pop(L, 1);
      }
      double x = 0;
      if (h == LUA_TTABLE) {
        lua_geti(L, -2, (lua_Integer)r);
        x = lua_tonumber(L, -1); /* nil: 0 */
        lua_pop(L, 1);
      }
      hist[(p - 1) * nr + r - 1] = x;
    }
    for (size_t t = 1; t <= nt; t++) {
      unsigned char x = 0;
      if (a == LUA_TTABLE) {
        lua_geti(L, -1, (lua_Integer)t);
        x = (unsigned char)lua_toboolean(L, -1);
        lua_pop(L, 1);
      }
      away[(p - 1) * nt + t - 1] = x;
      any_away |= x;
    }
    lua_pop(L, 3);
    get2(L, 1, "history_total", p);
    htot[p - 1] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  int has_fixed = get_slots(L, 1, "fixed", nt, nr, np, fixed, NULL);
  int has_open = get_slots(L, 1, "open", nt, nr, np, NULL, open);
  baton_rota_problem_t prob = {.people = np, .roles = nr, .meetings = nt,
                               .fte = fte, .eligible = elig,
                               .away = any_away ? away : NULL,
                               .history = hist, .history_total = htot,
                               .min_gap = (int)gap,
                               .fixed = has_fixed ? fixed : NULL,
                               .open = has_open ? open : NULL};
  int rc = baton_rota_first_pass(&prob, assign, fill);
  if (rc == BATON_ENOMEM)
    return luaL_error(L, "baton.rota.first_pass: out of memory");
  if (rc != 0)
    return luaL_error(L, "baton.rota.first_pass: invalid problem");
  lua_createtable(L, (int)nt, 0);
  for (size_t t = 0; t < nt; t++) {
    lua_createtable(L, (int)nr, 0);
    for (size_t r = 0; r < nr; r++) {
      int p = assign[t * nr + r];
      if (p == BATON_ROTA_UNDECIDED)
        continue;
      if (p >= 0)
        lua_pushinteger(L, p + 1);
      else
        lua_pushboolean(L, 0);
      lua_rawseti(L, -2, (lua_Integer)r + 1);
    }
    lua_rawseti(L, -2, (lua_Integer)t + 1);
  }
  lua_createtable(L, (int)nt, 0);
  for (size_t t = 0; t < nt; t++) {
    lua_pushinteger(L, fill[t]);
    lua_rawseti(L, -2, (lua_Integer)t + 1);
  }
  (void)ud;
  return 2;
}

void baton__lua_open_rota(lua_State *L) {
  static const luaL_Reg fns[] = {{"first_pass", l_first_pass}, {NULL, NULL}};
  luaL_newlib(L, fns);
  lua_setfield(L, -2, "rota");
}
