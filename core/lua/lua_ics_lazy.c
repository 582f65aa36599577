/* core/lua/lua_ics_lazy.c: baton.ics, loaded on first use.
 *
 * libical brings ICU and libstdc++ with it, whose relocations cost every
 * baton process about 2 ms at start (a third of `baton --help`), though
 * only the rotation practice reads or writes iCalendar. So the binding
 * (core/lua/lua_ics.c) is built as a module, baton_ics.so, beside the program
 * or in PREFIX/lib/baton, and this file gives every plugin a `baton.ics`
 * whose functions load it the first time one is called. */
#include <dlfcn.h>
#include <limits.h>
#include <string.h>

#include "bindings.h"

static lua_CFunction open_module; /* the module's baton__lua_open_ics */
static const char real_key = 'r'; /* registry: the real baton.ics table */

/* Loads baton_ics.so once per process. Raises naming the places looked
 * in if it is not there (an incomplete install). */
static void load_module(lua_State *L) {
  if (open_module != NULL)
    return;
  char exe[PATH_MAX];
  size_t n = sizeof exe;
  char dir[PATH_MAX] = ".";
  if (uv_exepath(exe, &n) == 0) {
    char *slash = strrchr(exe, '/');
    if (slash != NULL) {
      *slash = '\0';
      snprintf(dir, sizeof dir, "%s", exe);
    }
  }
  char tried[3][PATH_MAX + 32];
  snprintf(tried[0], sizeof tried[0], "%s/baton_ics.so", dir);
  snprintf(tried[1], sizeof tried[1], "%s/../lib/baton/baton_ics.so", dir);
  snprintf(tried[2], sizeof tried[2], "%s", BATON_INSTALL_MODULE_DIR "/baton_ics.so");
  const char *why = "not found";
  for (int i = 0; i < 3; i++) {
    void *h = dlopen(tried[i], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
      why = dlerror();
      continue;
    }
    open_module = (lua_CFunction)(uintptr_t)dlsym(h, "baton__lua_open_ics");
    if (open_module != NULL)
      return;
    why = "it lacks baton__lua_open_ics";
  }
  luaL_error(L, "baton.ics: cannot load the iCalendar module (%s; looked "
                "in %s, %s and %s): reinstall baton",
             why, tried[0], tried[1], tried[2]);
}

/* Calls the real function named by upvalue 1 with the same arguments. */
static int l_forward(lua_State *L) {
  load_module(L);
  int nargs = lua_gettop(L);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &real_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_pushcfunction(L, open_module);
    lua_call(L, 0, 1);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &real_key);
  }
  lua_getfield(L, -1, lua_tostring(L, lua_upvalueindex(1)));
  lua_remove(L, -2);
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  return lua_gettop(L);
}

int baton__lua_open_ics_lazy(lua_State *L) {
  static const char *const names[] = {"holidays", "calendar"};
  lua_createtable(L, 0, 2);
  for (int i = 0; i < 2; i++) {
    lua_pushstring(L, names[i]);
    lua_pushcclosure(L, l_forward, 1);
    lua_setfield(L, -2, names[i]);
  }
  return 1;
}
