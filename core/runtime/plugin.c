/* core/runtime/plugin.c: a plugin's life: found, loaded on first use, unloaded.
 *
 * Listing commands reads manifests only (host.c); the plugin's code is
 * loaded the first time one of its commands runs. Loading builds a fresh
 * sandboxed state, so a reload never sees anything of the old code. */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

baton_plugin_t *baton__plugin_new(baton_host_t *h, const char *name,
                                  const char *dir) {
  baton_plugin_t *p = calloc(1, sizeof *p);
  if (p == NULL)
    return NULL;
  p->host = h;
  p->name = baton__strdup(name);
  p->dir = baton__strdup(dir);
  p->module_ref = LUA_NOREF;
  p->mem_limit = h->opts.memory_limit;
  if (p->name == NULL || p->dir == NULL) {
    baton__plugin_free(p);
    return NULL;
  }
  return p;
}

void baton__plugin_free(baton_plugin_t *p) {
  if (p == NULL)
    return;
  baton__plugin_unload(p);
  baton__manifest_free(p->m);
  baton__scopes_free(&p->scopes);
  free(p->name);
  free(p->dir);
  free(p->manifest_path);
  free(p->main_path);
  free(p->error);
  free(p->reload_error);
  free(p);
}

static int load_fail(baton_plugin_t *p, int err, char *msg) {
  free(p->error);
  p->error = msg;
  baton__plugin_unload(p);
  p->state = BATON_PLUGIN_FAILED;
  return err;
}

int baton__plugin_load(baton_plugin_t *p) {
  if (p->state == BATON_PLUGIN_LOADED)
    return 0;
  if (p->state == BATON_PLUGIN_FAILED || p->state == BATON_PLUGIN_SHADOWED)
    return BATON_EPLUGIN;
  baton_host_t *h = p->host;

  /* Dependencies first; cycles were refused when the manifests were read. */
  for (size_t i = 0; p->m && i < p->m->ndepends; i++) {
    baton_plugin_t *d = baton_host_plugin_find(h, p->m->depends[i]);
    if (d == NULL || baton__plugin_load(d) != 0)
      return load_fail(p, BATON_EPLUGIN,
                       baton__asprintf("plugin '%s' depends on '%s', which %s",
                                       p->name, p->m->depends[i],
                                       d ? "failed to load" : "is not installed"));
  }
  if (!baton__is_file(p->main_path))
    return load_fail(p, BATON_ENOENT,
                     baton__asprintf("plugin '%s' has no %s; a plugin's code "
                                     "lives in init.lua beside plugin.lua",
                                     p->name, p->main_path));
  p->mem = p->mem_peak = 0;
  p->L = baton__sandbox_new(p);
  if (p->L == NULL)
    return load_fail(p, BATON_ENOMEM, baton__strdup(p->error));
  lua_State *L = p->L;
  if (baton__sandbox_loadfile(L, p->main_path) != LUA_OK) {
    char *msg = baton__strdup(lua_tostring(L, -1));
    return load_fail(p, BATON_EPLUGIN, msg);
  }
  if (p->is_script) {
    /* A script's chunk is its handler: host.c runs it as a task. */
    p->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p->state = BATON_PLUGIN_LOADED;
    return 0;
  }
  p->loading = 1;
  int st = baton__sandbox_pcall(p, 0, 1);
  p->loading = 0;
  if (st != LUA_OK) {
    char *msg = baton__strdup(lua_tostring(L, -1));
    return load_fail(p, BATON_EPLUGIN, msg);
  }
  if (!lua_istable(L, -1))
    return load_fail(p, BATON_EPLUGIN,
                     baton__asprintf("%s returns %s; it must end with `return "
                                     "M`, a table of command handlers",
                                     p->main_path, luaL_typename(L, -1)));
  for (size_t i = 0; i < p->m->ncmds; i++) {
    const char *cmd = p->m->cmds[i].name;
    char key[128];
    snprintf(key, sizeof key, "%s", cmd);
    for (char *k = key; *k; k++)
      if (*k == '-')
        *k = '_';
    if (lua_getfield(L, -1, key) != LUA_TFUNCTION) {
      lua_pop(L, 1);
      return load_fail(p, BATON_EPLUGIN,
                       baton__asprintf("%s: the manifest declares command "
                                       "'%s' but init.lua has no function "
                                       "for it; add `function M.%s(args, "
                                       "ctx) ... end`",
                                       p->main_path, cmd, key));
    }
    lua_pop(L, 1);
  }
  p->module_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  p->state = BATON_PLUGIN_LOADED;
  return 0;
}

void baton__plugin_unload(baton_plugin_t *p) {
  while (p->tasks != NULL) {
    p->tasks->reported = 1;
    baton__task_kill(p->tasks, BATON_ECANCELED, NULL);
  }
  p->host->bindings->cancel(p);
  p->host->bindings->release(p);
  baton__sandbox_close(p);
  p->module_ref = LUA_NOREF;
  if (p->state == BATON_PLUGIN_LOADED)
    p->state = BATON_PLUGIN_AVAILABLE;
}

const char *baton_plugin_name(const baton_plugin_t *p) { return p->name; }

const char *baton_plugin_version(const baton_plugin_t *p) {
  return p->m ? p->m->version : "-";
}

const char *baton_plugin_path(const baton_plugin_t *p) { return p->dir; }

const char *baton_plugin_state(const baton_plugin_t *p) {
  static const char *const names[] = {"available", "loaded", "failed",
                                      "shadowed"};
  return names[p->state];
}

const char *baton_plugin_error(const baton_plugin_t *p) { return p->error; }
