/* tests/fuzz/fuzz_ics.c: arbitrary text through baton.ics.holidays, the
 * iCalendar holiday reader of core/lua/lua_ics.c (libical underneath), called
 * as a plugin calls it: through a Lua state, in protected mode. It must
 * return a list of days or nil with a message and a code; a Lua error is
 * allowed only for memory. Every day it returns is a real YYYY-MM-DD. */
#include "fuzz_common.h"

#include <lualib.h>

static lua_State *L_;

static void close_state(void) { lua_close(L_); }

/* [list]: every item's date (or from/to) must be a real calendar day. */
static void check_days(lua_State *L) {
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_geti(L, -1, i); /* [list, item] */
    if (lua_istable(L, -1)) {
      static const char *const keys[] = {"date", "from", "to", "start"};
      for (size_t k = 0; k < 4; k++) {
        lua_getfield(L, -1, keys[k]);
        if (lua_type(L, -1) == LUA_TSTRING) {
          int y, m, d;
          const char *s = lua_tostring(L, -1);
          FUZZ_CHECK(baton__date_parse(s, &y, &m, &d) == 0,
                     "holidays() returned the day '%s'", s);
        }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (L_ == NULL) {
    L_ = luaL_newstate();
    luaL_openlibs(L_);
    baton__lua_open_ics(L_);
    lua_getfield(L_, -1, "holidays");
    lua_setglobal(L_, "holidays");
    lua_pop(L_, 1);
    atexit(close_state);
  }
  lua_State *L = L_;
  int top = lua_gettop(L);
  lua_getglobal(L, "holidays");
  lua_pushlstring(L, (const char *)data, size);
  int st = lua_pcall(L, 1, 3, 0);
  if (st != LUA_OK) {
    /* Only running out of memory raises, and a NUL byte in the text,
     * which is refused by name (where C would cut it short) and only
     * when the text holds one. */
    const char *msg = lua_tostring(L, -1);
    int nul = memchr(data, '\0', size) != NULL && msg != NULL &&
              strstr(msg, "holds a NUL byte") != NULL;
    FUZZ_CHECK(msg != NULL && (strstr(msg, "memory") != NULL || nul),
               "holidays() raised: %s", msg ? msg : "(not a string)");
  } else if (lua_istable(L, -3)) {
    lua_pushvalue(L, -3);
    check_days(L);
    lua_pop(L, 1);
  } else {
    FUZZ_CHECK(lua_isnil(L, -3) && lua_type(L, -2) == LUA_TSTRING,
               "holidays() returned neither a list nor nil and a message");
  }
  lua_settop(L, top);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}
