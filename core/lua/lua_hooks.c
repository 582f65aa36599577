/* core/lua/lua_hooks.c: baton.events.on, a plugin's hooks on the event log.
 *
 * init.lua registers a hook, `baton.events.on("mentor.*", fn)`, for kinds
 * its manifest lists in `hooks`; the runtime (core/runtime/hooks.c) decides
 * when an event's hooks run and which plugins listen, and calls
 * baton__lua_hooks_deliver for each, which starts every matching hook of
 * the plugin as a task of its own: fn(event), the event as
 * baton.events.list gives it. Layer: lua. */
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

static const char hooks_key = 'h'; /* registry: {{pattern, fn, where}, ...} */

/* baton.events.on(kind, fn): while init.lua runs; kind is an event kind,
 * "PREFIX.*" or "*", covered by a pattern of the manifest's `hooks`. */
int baton__lua_events_on(lua_State *L) {
  const char *fn = "baton.events.on";
  const char *kind = baton__lua_checkcstring(L, 1, fn, "kind");
  luaL_checktype(L, 2, LUA_TFUNCTION);
  baton_plugin_t *p = baton__plugin_of(L);
  if (p->m == NULL)
    return luaL_error(L,
                      "%s: a workflow script has no hooks (it has no "
                      "manifest to list them in); hooks belong to a "
                      "plugin",
                      fn);
  if (!p->loading)
    return luaL_error(L,
                      "%s: hooks are registered while init.lua loads, "
                      "at its top level; move this call there",
                      fn);
  size_t i = 0;
  while (i < p->m->nhooks && !baton__hook_covers(p->m->hooks[i], kind))
    i++;
  if (i == p->m->nhooks)
    return luaL_error(L,
                      "%s: plugin '%s' listens to '%s', which its "
                      "manifest does not list; add \"%s\" (or a prefix "
                      "such as \"%s\") to hooks in %s, so baton knows to "
                      "load the plugin when such an event is logged",
                      fn, p->name, kind, kind,
                      strchr(kind, '.') ? "PREFIX.*" : "*", p->manifest_path);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hooks_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &hooks_key);
  } /* [kind, fn, hooks] */
  lua_createtable(L, 3, 0);
  lua_pushvalue(L, 1);
  lua_rawseti(L, -2, 1);
  lua_pushvalue(L, 2);
  lua_rawseti(L, -2, 2);
  lua_Debug ar; /* where it was registered, "init.lua:12", for messages */
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) &&
      ar.currentline > 0)
    lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
  else
    lua_pushliteral(L, "?");
  lua_rawseti(L, -2, 3);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  return 0;
}

typedef struct {
  baton_plugin_t *p;
  long long id;
  const char *kind;
} deliver_t;

/* [d] -> [{{fn, event, what}, ...}]: the plugin's hooks for the event,
 * each with its own copy of it; none if the event is gone (logged in a
 * transaction that rolled back). */
static int matches_p(lua_State *L) {
  deliver_t *d = lua_touserdata(L, 1);
  lua_settop(L, 0);
  lua_newtable(L); /* [matches] */
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &hooks_key) != LUA_TTABLE)
    return lua_settop(L, 1), 1;
  baton_store_t *s;
  if (baton__host_store(d->p->host, &s) != 0)
    return luaL_error(L, "%s", baton_host_last_error(d->p->host));
  lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i); /* [matches, hooks, hook] */
    lua_rawgeti(L, 3, 1);
    int covers = baton__hook_covers(lua_tostring(L, -1), d->kind);
    lua_pop(L, 1);
    if (!covers) {
      lua_pop(L, 1);
      continue;
    }
    lua_createtable(L, 3, 0); /* [matches, hooks, hook, match] */
    lua_rawgeti(L, 3, 2);
    lua_rawseti(L, -2, 1);
    lua_newtable(L);
    baton_event_query_t q = {.id = d->id};
    int err = baton_events_query(s, &q, baton__lua_append_event, L);
    if (err > 0)
      return lua_error(L);
    if (err != 0)
      return luaL_error(L, "%s", baton_store_last_error(s));
    if (lua_rawgeti(L, -1, 1) == LUA_TNIL)
      return lua_settop(L, 1), 1; /* rolled back: nothing to run */
    lua_rawseti(L, -3, 2);
    lua_pop(L, 1);
    lua_rawgeti(L, 3, 1);
    lua_rawgeti(L, 3, 3);
    lua_pushfstring(L, "hook on '%s' (%s) for event '%s' #%I",
                    lua_tostring(L, -2), lua_tostring(L, -1), d->kind,
                    (lua_Integer)d->id);
    lua_rawseti(L, -4, 3);
    lua_pop(L, 2);
    lua_rawseti(L, 1, (lua_Integer)lua_rawlen(L, 1) + 1);
    lua_pop(L, 1);
  }
  lua_settop(L, 1);
  return 1;
}

/* A hook that failed is reported with its plugin, file and line; the run
 * does not fail for it (task.c: hook_depth). */
static void hook_done(baton_task_t *t) {
  if (t->status == 0 || t->status == BATON_ECANCELED)
    return;
  char *msg = baton__asprintf("%s failed: %s", t->what,
                              t->error ? t->error : baton_strerror(t->status));
  baton__host_report(t->p->host, t->p->name, msg ? msg : "a hook failed", NULL);
  free(msg);
  t->reported = 1;
}

void baton__lua_hooks_deliver(baton_plugin_t *p, long long id, const char *kind,
                              int depth) {
  lua_State *L = p->L;
  if (L == NULL || !lua_checkstack(L, 8))
    return;
  int top = lua_gettop(L);
  deliver_t d = {p, id, kind};
  lua_pushcfunction(L, matches_p);
  lua_pushlightuserdata(L, &d);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    char *msg = baton__asprintf("its hooks for event '%s' #%lld did not run: "
                                "%s",
                                kind, id, lua_tostring(L, -1));
    baton__host_report(p->host, p->name, msg ? msg : "out of memory", NULL);
    free(msg);
    lua_settop(L, top);
    return;
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, top + 1);
  for (lua_Integer i = 1; i <= n && p->L == L; i++) {
    lua_rawgeti(L, top + 1, i); /* [matches, match] */
    lua_rawgeti(L, -1, 3);      /* [matches, match, what] */
    lua_rawgeti(L, -2, 1);
    lua_rawgeti(L, -3, 2); /* [matches, match, what, fn, event] */
    p->host->next_hook_depth = depth;
    baton__task_start(p, 1, lua_tostring(L, -3), hook_done, NULL);
    p->host->next_hook_depth = 0; /* unused if the start failed */
    lua_pop(L, 2);
  }
  if (p->L == L)
    lua_settop(L, top);
}
