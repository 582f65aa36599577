/* core/lua/lua_settings.c: baton.settings, a plugin's own settings.
 *
 * A plugin declares its settings in plugin.lua (`settings = { capacity =
 * { type = "integer", default = 2, min = 1 } }`); an administrator sets
 * them with `baton config PLUGIN KEY VALUE` (core/cli/cmd_config.c); the
 * store keeps the values that differ from the default
 * (core/store/settings.c). A plugin reads and writes only its own, and
 * only through here: there is no argument naming another plugin, and the
 * table is unreachable through baton.store's SQL.
 *
 *   get(key)  the value, of the declared type; the default when unset
 *             (nil when the setting has none). An undeclared key raises.
 *   all()     { key = value, ... } for every declared setting.
 *   set(key, value)  stores a value (checked as `baton config` checks
 *             it; nil: back to the default), for a practice's own command
 *             that saves a choice (`mentor weights --set`). A value of the
 *             wrong type raises; a database failure returns the triple.
 *
 * A stored value that no longer fits the declaration (the plugin changed
 * a setting's type or range since it was set) reads as the default;
 * `baton doctor` names it. */
#include <stdlib.h>
#include <string.h>

#include "bindings.h"

/* The values stored for one plugin, in a box: keys and values. */
typedef struct {
  char **kv; /* key, value, key, value, ... */
  size_t n;  /* pairs */
  size_t cap;
} stored_t;

static void stored_release(void *data) {
  stored_t *s = data;
  for (size_t i = 0; i < 2 * s->n; i++)
    free(s->kv[i]);
  free(s->kv);
}

static int collect(const char *plugin, const char *key, const char *value,
                   void *ud) {
  (void)plugin;
  stored_t *s = ud;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 8;
    char **kv = realloc(s->kv, 2 * cap * sizeof *kv);
    if (kv == NULL)
      return BATON_ENOMEM;
    s->kv = kv;
    s->cap = cap;
  }
  char *k = baton__strdup(key), *v = baton__strdup(value);
  if (k == NULL || v == NULL) {
    free(k);
    free(v);
    return BATON_ENOMEM;
  }
  s->kv[2 * s->n] = k;
  s->kv[2 * s->n + 1] = v;
  s->n++;
  return 0;
}

/* The running plugin's manifest; raises for a script, which has none. */
static const baton_manifest_t *manifest_of(lua_State *L, const char *fn) {
  baton_plugin_t *p = baton__plugin_of(L);
  if (p->m == NULL)
    luaL_error(L,
               "baton.settings.%s: a workflow script has no settings; "
               "settings are declared in a plugin's plugin.lua",
               fn);
  return p->m;
}

/* Reads the plugin's stored values into a box pushed on the stack.
 * Returns it, or NULL after pushing nil, "ECODE: msg", "ECODE". */
static stored_t *load(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  stored_t *st = baton__lua_box(L, sizeof *st, stored_release);
  baton_store_t *s = NULL;
  int err = baton__host_store(p->host, &s);
  if (err == 0)
    err = baton_settings_each(s, p->name, collect, st);
  if (err != 0) {
    baton__lua_fail(L, baton_err_name(err), "%s",
                    err == BATON_ENOMEM ? "out of memory"
                    : s == NULL         ? baton_host_last_error(p->host)
                                        : baton_store_last_error(s));
    return NULL;
  }
  return st;
}

/* Pushes setting a's value: the stored one if it still converts to the
 * declared type, else the default, else nil. */
static void push_setting(lua_State *L, const baton_argspec_t *a,
                         const stored_t *st) {
  for (size_t i = 0; i < st->n; i++) {
    if (strcmp(st->kv[2 * i], a->name) != 0)
      continue;
    baton_value_t v;
    char *why = NULL;
    int ok = baton__arg_convert(a, st->kv[2 * i + 1], &v, &why) == 0;
    free(why);
    if (ok) {
      /* Cleared before pushing, which may raise: a string is pushed from
       * the box. */
      baton_value_t plain = v;
      int is_text = v.type != BATON_ARG_INTEGER && v.type != BATON_ARG_NUMBER &&
                    v.type != BATON_ARG_BOOLEAN;
      baton__value_clear(&v);
      if (is_text)
        lua_pushstring(L, st->kv[2 * i + 1]);
      else
        baton__value_push(L, &plain);
      return;
    }
    break;
  }
  if (a->def.set)
    baton__value_push(L, &a->def);
  else
    lua_pushnil(L);
}

/* baton.settings.get(key) -> value */
static int l_get(lua_State *L) {
  const char *key =
      baton__lua_checkcstring(L, 1, "baton.settings.get", "the key");
  const baton_manifest_t *m = manifest_of(L, "get");
  const baton_argspec_t *a = baton__manifest_setting(m, key);
  if (a == NULL) {
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < m->nsettings && n < 64; i++)
      names[n++] = m->settings[i].name;
    const char *s = baton__suggest(key, names, n);
    return luaL_error(L,
                      "baton.settings.get: plugin '%s' declares no setting "
                      "'%s'%s%s%s; declare it in plugin.lua: settings = "
                      "{ %s = { type = ..., default = ... } }",
                      m->name, key, s ? " (did you mean '" : "", s ? s : "",
                      s ? "'?)" : "", key);
  }
  stored_t *st = load(L);
  if (st == NULL)
    return 3;
  push_setting(L, a, st);
  return 1;
}

/* baton.settings.all() -> { key = value, ... } */
static int l_all(lua_State *L) {
  const baton_manifest_t *m = manifest_of(L, "all");
  stored_t *st = load(L);
  if (st == NULL)
    return 3;
  lua_createtable(L, 0, (int)m->nsettings);
  for (size_t i = 0; i < m->nsettings; i++) {
    push_setting(L, &m->settings[i], st);
    lua_setfield(L, -2, m->settings[i].name);
  }
  return 1;
}

/* Stores the running plugin's setting key (argument 1) as value (argument
 * 2; nil unsets), checked against its declaration; fn names the caller in
 * messages. Returns 0, or the error code after setting *msg (the store's
 * message) when the database refused. */
static int set_own(lua_State *L, const char *fn, const char **msg) {
  const char *key = baton__lua_checkcstring(L, 1, fn, "the key");
  const baton_manifest_t *m = manifest_of(L, "set");
  const baton_argspec_t *a = baton__manifest_setting(m, key);
  if (a == NULL)
    return luaL_error(L, "%s: plugin '%s' declares no setting '%s'", fn,
                      m->name, key);
  const char *text = NULL;
  if (!lua_isnoneornil(L, 2)) {
    if (lua_type(L, 2) != LUA_TSTRING && lua_type(L, 2) != LUA_TNUMBER &&
        lua_type(L, 2) != LUA_TBOOLEAN)
      return luaL_error(L, "%s: the value of '%s' must be a string, number "
                           "or boolean, not a %s",
                        fn, key, luaL_typename(L, 2));
    text = luaL_tolstring(L, 2, NULL); /* 3 -> "3", true -> "true" */
    baton__lua_checkcstring(L, -1, fn, "the value");
    baton_value_t v;
    char *why = NULL;
    int r = baton__arg_convert(a, text, &v, &why);
    baton__value_clear(&v);
    if (r != 0) {
      lua_pushfstring(L, "%s: %s", fn, why ? why : baton_strerror(r));
      free(why);
      return lua_error(L);
    }
  }
  baton_plugin_t *p = baton__plugin_of(L);
  baton_store_t *s;
  int err = baton__host_store(p->host, &s);
  if (err != 0) {
    *msg = baton_host_last_error(p->host);
    return err;
  }
  if ((err = baton_settings_set(s, p->name, key, text)) != 0)
    *msg = baton_store_last_error(s);
  return err;
}

/* baton.settings.set(key, value) -> true | nil, "ECODE: msg", "ECODE" */
static int l_set(lua_State *L) {
  const char *msg = NULL;
  int err = set_own(L, "baton.settings.set", &msg);
  if (err != 0)
    return baton__lua_fail(L, baton_err_name(err), "%s", msg ? msg : "");
  lua_pushboolean(L, 1);
  return 1;
}

/* set_setting(key, value), a test global (core/lua/lua_test.c): stores
 * the setting in the test database as `baton config` would; raises on an
 * undeclared key, a value of the wrong type or a database failure. */
int baton__test_set_setting(lua_State *L) {
  const char *msg = NULL;
  if (set_own(L, "set_setting", &msg) != 0)
    return luaL_error(L, "set_setting: %s", msg ? msg : "cannot store");
  return 0;
}

int baton__lua_open_settings(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"get", l_get}, {"all", l_all}, {"set", l_set}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
