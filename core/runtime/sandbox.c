/* core/runtime/sandbox.c: the Lua state a plugin (or a workflow script) runs
 * in.
 *
 * Isolation is one lua_State per plugin, so a plugin can never see another's
 * globals. Inside its state a plugin gets an allow-list of the standard
 * library, a `require` that only reaches files in its own directory, and the
 * `baton` API as a read-only proxy. Two limits protect the host:
 *
 *  - memory: the state's allocator counts bytes and refuses to pass the
 *    plugin's limit;
 *  - time: nothing is hooked while the call is within its deadline. When the
 *    deadline passes (watchdog.c), when memory runs out for good, or when the
 *    user presses Ctrl-C, baton__sandbox_kill() sets a count hook of 1 on
 *    every thread of the running resume chain. The hook raises an error at
 *    every instruction until the call has unwound, so pcall in the plugin
 *    cannot swallow it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "runtime.h"

static const char kill_key = 'k';   /* registry: the kill message */
static const char loaded_key = 'l'; /* registry: require's cache */

baton_plugin_t *baton__plugin_of(lua_State *L) {
  return *(baton_plugin_t **)lua_getextraspace(L);
}

/* ---- memory ---------------------------------------------------------------
 * Lua retries a failed allocation once after an emergency collection; only
 * when that retry fails too is the plugin really out of memory. */
typedef struct {
  void *ptr;
  size_t osize, nsize;
} failed_req_t;

static _Thread_local failed_req_t last_failure;

static void *plugin_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  baton_plugin_t *p = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    p->mem -= old;
    return NULL;
  }
  /* Outside the plugin's own code (no call of it active), the host may go
   * a little past the limit: it must still be able to say "out of memory"
   * and unwind a call that the limit stopped, on the same state. */
  size_t limit = p->mem_limit;
  if (limit != 0 && __atomic_load_n(&p->nactive, __ATOMIC_SEQ_CST) == 0)
    limit += BATON_HOST_HEADROOM;
  if (nsize > old && limit && p->mem + (nsize - old) > limit) {
    if (last_failure.ptr == ptr && last_failure.osize == osize &&
        last_failure.nsize == nsize && p->nactive > 0)
      baton__sandbox_kill(p, BATON_ENOMEM);
    last_failure = (failed_req_t){ptr, osize, nsize};
    return NULL;
  }
  void *n = realloc(ptr, nsize);
  if (n == NULL)
    return NULL;
  last_failure.nsize = 0;
  p->mem = p->mem - old + nsize;
  if (p->mem > p->mem_peak)
    p->mem_peak = p->mem;
  return n;
}

/* ---- the kill hook -------------------------------------------------------- */

static void kill_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  baton_plugin_t *p = baton__plugin_of(L);
  if (__atomic_load_n(&p->kill, __ATOMIC_SEQ_CST) == 0)
    return; /* armed for a call that has since ended */
  /* The message was made when the state was created: raising it allocates
   * nothing, which matters when the plugin is out of memory. */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kill_key);
  lua_error(L);
}

static void arm(lua_State *co) {
  lua_sethook(co, kill_hook, LUA_MASKCOUNT, 1);
}

void baton__sandbox_kill(baton_plugin_t *p, int reason) {
  int expected = 0;
  __atomic_compare_exchange_n(&p->kill, &expected, reason, 0, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  int n = __atomic_load_n(&p->nactive, __ATOMIC_SEQ_CST);
  for (int i = 0; i < n && i < BATON_MAX_ACTIVE; i++)
    if (p->active[i] != NULL)
      arm(p->active[i]);
}

void baton__sandbox_disarm(baton_plugin_t *p, lua_State *co) {
  if (co != NULL)
    lua_sethook(co, NULL, 0, 0);
  if (p->L != NULL)
    lua_sethook(p->L, NULL, 0, 0);
  __atomic_store_n(&p->kill, 0, __ATOMIC_SEQ_CST);
}

int baton__sandbox_enter(baton_plugin_t *p, lua_State *co) {
  int n = __atomic_load_n(&p->nactive, __ATOMIC_SEQ_CST);
  if (n >= BATON_MAX_ACTIVE)
    return BATON_EINVAL;
  p->active[n] = co;
  __atomic_store_n(&p->nactive, n + 1, __ATOMIC_SEQ_CST);
  /* A kill that came before this thread was on the chain still reaches it. */
  if (__atomic_load_n(&p->kill, __ATOMIC_SEQ_CST) != 0)
    arm(co);
  return 0;
}

void baton__sandbox_leave(baton_plugin_t *p) {
  int n = __atomic_load_n(&p->nactive, __ATOMIC_SEQ_CST);
  if (n > 0)
    __atomic_store_n(&p->nactive, n - 1, __ATOMIC_SEQ_CST);
}

/* ---- the allow-listed standard library ----------------------------------- */

/* coroutine.resume, keeping the resume chain up to date so a kill reaches
 * a plugin's own coroutines too. [co, args...] -> [ok, results...] */
static int sb_co_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co != NULL, 1, "coroutine");
  baton_plugin_t *p = baton__plugin_of(L);
  if (baton__sandbox_enter(p, co) != 0)
    return luaL_error(L, "coroutines nest deeper than %d levels",
                      BATON_MAX_ACTIVE);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  int st = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  baton__sandbox_leave(p);
  if (st != LUA_OK)
    return lua_error(L);
  return lua_gettop(L);
}

/* coroutine.wrap on top of the resume above; errors propagate as in Lua:
 * core/runtime/scripts/coroutine_wrap.lua, compiled in. */

/* setmetatable(): no __gc. Lua runs finalizers with hooks turned off, so
 * no limit could stop a finalizer that never ends; and a plugin owns
 * nothing that needs one (the host releases timers and handles). Lua only
 * marks an object for finalization when its metatable has __gc at this
 * call, so checking here is enough. */
static int sb_setmetatable(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc finalizers are not available "
                           "to plugins (nothing could stop one that never "
                           "ends); release what you hold explicitly, or use "
                           "a to-be-closed variable (local x <close>)");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* load(): text chunks only. A binary chunk could break the VM. */
static int sb_load(lua_State *L) {
  int n = lua_gettop(L);
  if (n >= 3 && !lua_isnil(L, 3)) {
    const char *mode = luaL_checkstring(L, 3);
    if (strchr(mode, 'b') != NULL)
      return luaL_error(L, "load: binary chunks are not allowed in a plugin; "
                           "load source text");
  }
  while (lua_gettop(L) < 4)
    lua_pushnil(L);
  lua_pushliteral(L, "t");
  lua_replace(L, 3);
  if (n < 4)
    lua_settop(L, 3); /* no env given: the plugin's globals */
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* collectgarbage(): only the options that cannot change how the collector
 * runs for the host. */
static int sb_collectgarbage(lua_State *L) {
  static const char *const allowed[] = {"collect", "count", "step",
                                        "isrunning", NULL};
  const char *opt = luaL_optstring(L, 1, "collect");
  for (int i = 0; allowed[i]; i++)
    if (strcmp(opt, allowed[i]) == 0) {
      lua_pushvalue(L, lua_upvalueindex(1));
      lua_insert(L, 1);
      lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
      return lua_gettop(L);
    }
  return luaL_error(L, "collectgarbage('%s') is not allowed in a plugin; "
                       "allowed: collect, count, step, isrunning", opt);
}

/* Sets path to DIR/REL.lua or DIR/REL/init.lua, whichever is a file;
 * returns 0 if neither is. */
static int module_file(char *path, size_t size, const char *dir,
                       const char *rel) {
  int n = snprintf(path, size, "%s/%s.lua", dir, rel);
  if (n > 0 && (size_t)n < size && baton__is_file(path))
    return 1;
  n = snprintf(path, size, "%s/%s/init.lua", dir, rel);
  return n > 0 && (size_t)n < size && baton__is_file(path);
}

/* Whether p's manifest lists `name` in depends. */
static int depends_on(const baton_plugin_t *p, const char *name) {
  for (size_t i = 0; p->m != NULL && i < p->m->ndepends; i++)
    if (strcmp(p->m->depends[i], name) == 0)
      return 1;
  return 0;
}

/* The file of module LIB.MOD of a library plugin (rel is "LIB/MOD", mod
 * its part after the first '/', "init" when there is none), for code of
 * p: the library must be in p's depends and export MOD. Sets *dir to the
 * library's directory and path to the file; raises otherwise, saying
 * what to change. A plugin's own name works as a prefix of its own
 * modules, so a library's code requires its siblings by the name its
 * users write. */
static void library_module(lua_State *L, baton_plugin_t *p, const char *name,
                           const char *rel, char *path, size_t size,
                           const char **dir) {
  char lib[128];
  const char *slash = strchr(rel, '/');
  size_t ln = slash ? (size_t)(slash - rel) : strlen(rel);
  const char *mod = slash ? slash + 1 : "init";
  snprintf(lib, sizeof lib, "%.*s", (int)(ln < sizeof lib ? ln : 0), rel);
  baton_plugin_t *q = NULL;
  if (p->m != NULL && strcmp(lib, p->name) == 0)
    q = p;
  else if (p->m != NULL)
    q = baton_host_plugin_find(p->host, lib);
  if (q == NULL || (q != p && q->m == NULL)) {
    luaL_error(L,
               "require '%s': no file %s/%s.lua or %s/%s/init.lua "
               "(modules come from the plugin's own directory, or from "
               "a library plugin it depends on)",
               name, p->dir, rel, p->dir, rel);
    return;
  }
  if (q != p && !depends_on(p, lib))
    luaL_error(L,
               "require '%s': plugin '%s' (%s) is not among the depends "
               "of plugin '%s'; add \"%s\" to depends in %s to use its "
               "modules",
               name, lib, q->dir, p->name, lib, p->manifest_path);
  size_t i = 0;
  while (q != p && i < q->m->nexports && strcmp(q->m->exports[i], mod) != 0)
    i++;
  if (q != p && i == q->m->nexports) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (i = 0; i < q->m->nexports; i++) {
      luaL_addstring(&b, i ? ", " : "");
      luaL_addstring(&b, q->m->exports[i]);
    }
    luaL_pushresult(&b);
    luaL_error(L,
               "require '%s': plugin '%s' does not export module '%s' "
               "(%s); %s%s",
               name, lib, mod, q->manifest_path,
               q->m->nexports ? "it exports: " : "",
               q->m->nexports ? lua_tostring(L, -1)
                              : "it exports none: a library lists the "
                                "modules others may require in `exports`");
  }
  char modrel[PATH_MAX];
  snprintf(modrel, sizeof modrel, "%s", mod);
  for (char *s = modrel; *s; s++)
    if (*s == '.')
      *s = '/';
  *dir = q->dir;
  if (!module_file(path, size, q->dir, modrel))
    luaL_error(L,
               "require '%s': plugin '%s' exports '%s' but has no file "
               "%s/%s.lua or %s/%s/init.lua",
               name, lib, mod, q->dir, modrel, q->dir, modrel);
}

/* require(name): a module file inside the plugin's own directory, or an
 * exported module of a library plugin it depends on, loaded once per
 * plugin state. Names are dotted ("util.dates" -> util/dates.lua or
 * util/dates/init.lua; "lib.dates" -> dates.lua of the library plugin
 * lib, "lib" -> its init.lua); nothing outside those directories can be
 * named. A library's file runs here, in the caller's state, with the
 * caller's permissions and limits: code is shared, never the library's
 * grant or its state. */
static int sb_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  baton_plugin_t *p = baton__plugin_of(L);
  for (const char *s = name; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_' ||
          (*s == '.' && s != name && s[1] != '.' && s[1] != '\0')))
      return luaL_error(L,
                        "require '%s': module names are letters, digits, "
                        "'_' and dots; modules come from the plugin's own "
                        "directory, or from a library plugin it depends "
                        "on",
                        name);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &loaded_key);
  if (lua_getfield(L, -1, name) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  char rel[PATH_MAX];
  snprintf(rel, sizeof rel, "%s", name);
  for (char *s = rel; *s; s++)
    if (*s == '.')
      *s = '/';
  char path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
  const char *dir = p->dir;
  if (*name == '\0' || !module_file(path, sizeof path, p->dir, rel))
    library_module(L, p, name, rel, path, sizeof path, &dir);
  /* A link must not lead outside the directory. */
  if (realpath(path, real) == NULL || realpath(dir, realdir) == NULL ||
      strncmp(real, realdir, strlen(realdir)) != 0 ||
      real[strlen(realdir)] != '/')
    return luaL_error(L, "require '%s': %s lies outside the %s directory", name,
                      path, dir == p->dir ? "plugin's" : "library's");
  if (baton__sandbox_loadfile(L, path) != LUA_OK)
    return lua_error(L);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, name); /* [loaded, module, module] */
  return 1;
}

int baton__sandbox_loadfile(lua_State *L, const char *path) {
  char *src, *err = NULL;
  size_t len;
  if (baton__file_read(path, &src, &len, &err) != 0) {
    lua_pushstring(L, err ? err : path);
    free(err);
    return LUA_ERRFILE;
  }
  /* Skip a #! line so scripts can be made executable. */
  const char *code = src;
  if (len > 1 && src[0] == '#' && src[1] == '!') {
    while (*code && *code != '\n')
      code++;
  }
  char chunk[PATH_MAX + 1];
  snprintf(chunk, sizeof chunk, "@%s", path);
  /* Keep line numbers right after a skipped #! line: its newline stays. */
  int st = luaL_loadbufferx(L, code, len - (size_t)(code - src), chunk, "t");
  free(src);
  return st;
}

/* ---- the read-only baton table ------------------------------------------- */

static int ro_newindex(lua_State *L) {
  const char *k = lua_tostring(L, 2);
  return luaL_error(L, "the baton API is read-only: cannot set '%s'; keep "
                       "your own state in local variables or your module",
                    k ? k : "?");
}

static int ro_pairs(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "baton.next");
  lua_getiuservalue(L, 1, 1);
  lua_pushnil(L);
  return 3;
}

/* Replaces the table on top of the stack by a userdata proxy that reads
 * through to it and refuses writes. A userdata, not a table, because
 * rawset() works on any table but not on a userdata. Nested tables are
 * wrapped too. */
static void push_readonly(lua_State *L) {
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -1) == LUA_TTABLE && lua_getmetatable(L, -1) == 0) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2); /* [t, k, k, v] */
      push_readonly(L);
      lua_rawset(L, t); /* t[k] = proxy: keys exist already, so next is safe */
    } else {
      if (lua_type(L, -1) == LUA_TTABLE)
        lua_pop(L, 1); /* the metatable lua_getmetatable pushed */
      lua_pop(L, 1);
    }
  }
  lua_newuserdatauv(L, 0, 1);
  lua_pushvalue(L, t);
  lua_setiuservalue(L, -2, 1);
  lua_createtable(L, 0, 5);
  lua_pushvalue(L, t);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ro_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, ro_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushliteral(L, "the baton API is read-only");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_replace(L, t);
}

/* ---- building the state ---------------------------------------------------*/

static void keep_only(lua_State *L, const char *lib,
                      const char *const *names) {
  lua_getglobal(L, lib);
  lua_newtable(L);
  for (int i = 0; names[i]; i++) {
    lua_getfield(L, -2, names[i]);
    lua_setfield(L, -2, names[i]);
  }
  lua_setglobal(L, lib);
  lua_pop(L, 1);
}

/* Everything that can raise runs here, under lua_pcall. [p] */
static int build(lua_State *L) {
  baton_plugin_t *p = lua_touserdata(L, 1);
  static const luaL_Reg libs[] = {
      {LUA_GNAME, luaopen_base},          {LUA_COLIBNAME, luaopen_coroutine},
      {LUA_TABLIBNAME, luaopen_table},    {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math},    {LUA_UTF8LIBNAME, luaopen_utf8},
      {LUA_OSLIBNAME, luaopen_os},        {NULL, NULL}};
  for (const luaL_Reg *l = libs; l->func; l++) {
    luaL_requiref(L, l->name, l->func, 1);
    lua_pop(L, 1);
  }
  /* The loaded-libraries table would hand out the originals: drop it. */
  lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

  static const char *const os_keep[] = {"time", "date", "clock", "difftime",
                                        NULL};
  keep_only(L, "os", os_keep);
  static const char *const drop[] = {"dofile", "loadfile", NULL};
  for (int i = 0; drop[i]; i++) {
    lua_pushnil(L);
    lua_setglobal(L, drop[i]);
  }
  lua_getglobal(L, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);

  lua_getglobal(L, "load");
  lua_pushcclosure(L, sb_load, 1);
  lua_setglobal(L, "load");
  lua_getglobal(L, "collectgarbage");
  lua_pushcclosure(L, sb_collectgarbage, 1);
  lua_setglobal(L, "collectgarbage");
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, sb_setmetatable, 1);
  lua_setglobal(L, "setmetatable");
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &loaded_key);
  lua_pushcfunction(L, sb_require);
  lua_setglobal(L, "require");

  /* Strings share one metatable: hide it from getmetatable(""). */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushliteral(L, "string");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  lua_getglobal(L, "coroutine"); /* [co] */
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, sb_co_resume, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "resume"); /* [co, resume] */
  size_t wrap_len;
  const char *wrap_src = baton__asset_text(baton__runtime_assets,
                                           "/coroutine_wrap.lua", &wrap_len);
  if (luaL_loadbufferx(L, wrap_src, wrap_len, "=coroutine.wrap", "t") != LUA_OK)
    return lua_error(L);
  lua_getfield(L, -3, "create");
  lua_pushvalue(L, -3);
  lua_getglobal(L, "error");
  lua_call(L, 3, 1);
  lua_setfield(L, -3, "wrap");
  lua_pop(L, 2);

  lua_getglobal(L, "next");
  lua_setfield(L, LUA_REGISTRYINDEX, "baton.next");

  /* The kill message, made now so raising it later allocates nothing. */
  lua_pushfstring(L, "baton: plugin '%s' was stopped by the host", p->name);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kill_key);

  p->host->bindings->open(L, p); /* [baton] */
  lua_getfield(L, -1, "print");
  lua_setglobal(L, "print");
  push_readonly(L);
  lua_setglobal(L, "baton");
  return 0;
}

lua_State *baton__sandbox_new(baton_plugin_t *p) {
  lua_State *L = lua_newstate(plugin_alloc, p);
  if (L == NULL) {
    free(p->error);
    p->error = baton__asprintf("plugin '%s': out of memory creating its Lua "
                               "state", p->name);
    return NULL;
  }
  *(baton_plugin_t **)lua_getextraspace(L) = p;
  lua_gc(L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(L, build);
  lua_pushlightuserdata(L, p);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    free(p->error);
    p->error = baton__asprintf("plugin '%s': cannot set up its sandbox: %s",
                               p->name, lua_tostring(L, -1));
    lua_close(L);
    return NULL;
  }
  return L;
}

/* ---- error messages -------------------------------------------------------*/

static void tostring_budget_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  luaL_error(L, "__tostring ran too long");
}

/* [v] -> [v, string]: luaL_tolstring under a small instruction budget. */
static int tostring_limited(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  return 1;
}

/* The first Lua frame of co that has a line: where the error happened. */
static int error_where(lua_State *co, char *buf, size_t n) {
  lua_Debug ar;
  /* Files first ('@' sources): the host's own Lua helpers are not where a
   * plugin author should look. */
  for (int pass = 0; pass < 2; pass++)
    for (int level = 0; lua_getstack(co, level, &ar); level++) {
      if (lua_getinfo(co, "Sl", &ar) && ar.currentline > 0 &&
          (pass == 1 || ar.source[0] == '@')) {
        snprintf(buf, n, "%s:%d",
                 ar.source[0] == '@' ? ar.source + 1 : ar.short_src,
                 ar.currentline);
        return 1;
      }
    }
  return 0;
}

/* Lua shortens a long file name in its messages to "...TAIL" (60 bytes).
 * A plugin's files all lie under its directory, so the whole name can be
 * put back: the start of TAIL overlaps the end of "DIR/". Returns a new
 * message, or NULL to keep the old one. */
static char *expand_source(const baton_plugin_t *p, const char *msg) {
  const char *colon = strchr(msg, ':');
  if (strncmp(msg, "...", 3) != 0 || colon == NULL || p->dir == NULL)
    return NULL;
  const char *tail = msg + 3;
  size_t tl = (size_t)(colon - tail);
  char prefix[PATH_MAX];
  int pl = snprintf(prefix, sizeof prefix, "%s/", p->dir);
  if (pl <= 0 || (size_t)pl >= sizeof prefix)
    return NULL;
  for (size_t k = (size_t)pl < tl ? (size_t)pl : tl; k > 0; k--) {
    if (strncmp(prefix + pl - k, tail, k) != 0)
      continue;
    char *full = baton__asprintf("%s%.*s", prefix, (int)(tl - k), tail + k);
    if (full && baton__is_file(full)) {
      char *m = baton__asprintf("%s%s", full, colon);
      free(full);
      return m;
    }
    free(full);
  }
  return NULL;
}

char *baton__sandbox_errmsg(baton_plugin_t *p, lua_State *co, int status,
                            unsigned limit_ms) {
  baton_host_t *h = p->host;
  char where[PATH_MAX + 32] = "";
  int have_where = error_where(co, where, sizeof where);
  int kill = __atomic_load_n(&p->kill, __ATOMIC_SEQ_CST);
  char *msg = NULL;
  if (kill == BATON_ETIMEDOUT) {
    unsigned ms = limit_ms;
    msg = baton__asprintf(
        "time limit of %g s exceeded%s%s%s; make the work smaller or "
        "faster, or raise the limit with --time-limit SECONDS (0 = none)",
        ms / 1000.0, have_where ? " (at " : "",
        have_where ? where : "", have_where ? ")" : "");
  } else if (kill == BATON_ENOMEM || status == LUA_ERRMEM) {
    msg = baton__asprintf(
        "out of memory in plugin '%s' (limit %zu MiB)%s%s%s; use less "
        "memory, or raise the limit with --memory-limit MIB",
        p->name, p->mem_limit >> 20, have_where ? " at " : "",
        have_where ? where : "", "");
  } else if (kill == BATON_ECANCELED) {
    msg = baton__strdup("interrupted");
  } else {
    const char *s = NULL;
    if (lua_type(co, -1) == LUA_TSTRING) {
      s = lua_tostring(co, -1);
    } else if (luaL_getmetafield(co, -1, "__tostring") == LUA_TNIL) {
      msg = baton__asprintf("(error object is a %s value)",
                            luaL_typename(co, -1));
    } else if ((lua_pop(co, 1), p->L != NULL) && lua_checkstack(p->L, 4)) {
      /* A table or userdata error: its __tostring is plugin code, so it
       * runs on the plugin's main thread under a budget. */
      lua_State *L = p->L;
      lua_pushcfunction(L, tostring_limited);
      lua_pushvalue(co, -1);
      lua_xmove(co, L, 1);
      lua_sethook(L, tostring_budget_hook, LUA_MASKCOUNT, 100000);
      int st = lua_pcall(L, 1, 1, 0);
      lua_sethook(L, NULL, 0, 0);
      if (st == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        msg = baton__strdup(lua_tostring(L, -1));
      else
        msg = baton__asprintf("(error object is a %s value whose __tostring "
                              "failed)", luaL_typename(co, -1));
      lua_pop(L, 1);
    }
    if (msg == NULL && s == NULL)
      msg = baton__asprintf("(error object is a %s value)",
                            luaL_typename(co, -1));
    if (msg == NULL && (msg = expand_source(p, s)) == NULL)
      msg = baton__strdup(s);
    /* An error object carries no position: add it. A string is shown as
     * the plugin wrote it: error("...", 0) is how a plugin speaks to the
     * user about their input, and a position would only be noise there. */
    if (msg && s == NULL && have_where && strstr(msg, where) == NULL) {
      char *m2 = baton__asprintf("%s (at %s)", msg, where);
      free(msg);
      msg = m2;
    }
  }
  if (msg && h->opts.debug && lua_checkstack(co, 2)) {
    luaL_traceback(co, co, msg, 0);
    free(msg);
    msg = baton__strdup(lua_tostring(co, -1));
    lua_pop(co, 1);
  }
  return msg ? msg : baton__strdup("error (out of memory formatting it)");
}

/* Message handler for baton__sandbox_pcall: runs where the error happened,
 * so the position and traceback are still there to read. */
static int pcall_msgh(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  char *msg = baton__sandbox_errmsg(p, L, LUA_ERRRUN,
                                    p->host->opts.time_limit_ms);
  lua_pushstring(L, msg ? msg : "error");
  free(msg);
  return 1;
}

int baton__sandbox_pcall(baton_plugin_t *p, int nargs, int nres) {
  lua_State *L = p->L;
  baton_host_t *h = p->host;
  int base = lua_gettop(L) - nargs; /* the function's slot */
  lua_pushcfunction(L, pcall_msgh);
  lua_insert(L, base);
  if (baton__sandbox_enter(p, L) != 0) {
    lua_settop(L, base - 1);
    lua_pushliteral(L, "coroutines nest too deep");
    return LUA_ERRRUN;
  }
  unsigned ms = h->opts.time_limit_ms;
  baton_plugin_t *outer;
  uint64_t outer_deadline;
  baton__watchdog_get(h, &outer, &outer_deadline);
  baton__watchdog_arm(h, p, ms ? uv_hrtime() + (uint64_t)ms * 1000000u : 0);
  int st = lua_pcall(L, nargs, nres, base);
  baton__watchdog_restore(h, outer, outer_deadline);
  baton__sandbox_leave(p);
  if (st == LUA_ERRMEM) {
    lua_pop(L, 1);
    lua_pushfstring(L, "out of memory in plugin '%s' (limit %d MiB); use "
                       "less memory, or raise the limit with --memory-limit "
                       "MIB", p->name, (int)(p->mem_limit >> 20));
  }
  if (__atomic_load_n(&p->kill, __ATOMIC_SEQ_CST) != 0)
    baton__sandbox_disarm(p, NULL);
  lua_remove(L, base);
  return st;
}

void baton__sandbox_close(baton_plugin_t *p) {
  if (p->L == NULL)
    return;
  /* Finalizers run at close; with the kill hook set first, any plugin
   * __gc raises at its first instruction, so closing can never hang. */
  __atomic_store_n(&p->kill, BATON_ECANCELED, __ATOMIC_SEQ_CST);
  arm(p->L);
  lua_close(p->L);
  p->L = NULL;
  __atomic_store_n(&p->kill, 0, __ATOMIC_SEQ_CST);
}
