/* core/lua/lua_baton.c: the `baton` table every plugin and script sees.
 *
 * baton.api, baton.version, baton.print, baton.log.*, baton.output, and the
 * modules of the other lua_*.c files. Functions that need a permission are
 * always present and say which permission is missing when called without
 * it, so a plugin author learns what to add to the manifest. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bindings.h"

/* baton__lua_need, which every permission check goes through, is in
 * core/runtime/reach.c: it follows the chain of callers. */

/* Joins the arguments from `first` on as print() does. [..] -> [.., s] */
static const char *join_args(lua_State *L, int first, const char *sep,
                             size_t *len) {
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = first; i <= n; i++) {
    size_t l;
    const char *s = luaL_tolstring(L, i, &l);
    if (i > first)
      luaL_addstring(&b, sep);
    luaL_addvalue(&b);
    (void)s;
    (void)l;
  }
  luaL_pushresult(&b);
  return lua_tolstring(L, -1, len);
}

/* baton.print(...): the command's output, on stdout. */
static int l_print(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  size_t len;
  const char *s = join_args(L, 1, "\t", &len);
  FILE *out = p->host->opts.out;
  fwrite(s, 1, len, out);
  fputc('\n', out);
  return 0;
}

/* baton.log.<level>(...): on stderr, tagged with the plugin. */
static int l_log(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  int level = (int)lua_tointeger(L, lua_upvalueindex(1));
  static const char *const names[] = {"debug", "info", "warn", "error"};
  const baton_host_options_t *o = &p->host->opts;
  if ((level == 0 && !o->debug) || (level == 1 && o->quiet))
    return 0;
  size_t len;
  const char *s = join_args(L, 1, " ", &len);
  fflush(o->out);
  fprintf(o->err, "[%s] %s: %s\n", p->name, names[level], s);
  fflush(o->err);
  return 0;
}

/* baton.output(value [, render]): JSON with --json; otherwise render(value)
 * if given, or the default rendering (in core/lua/scripts/output.lua). */
static int l_output_json(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  /* Why the value has no JSON form, boxed: the message may raise. */
  char **err = baton__lua_box(L, sizeof *err, baton__lua_box_free);
  /* jansson's copy of the value counts against the plugin's memory. */
  baton_json_budget_t b;
  baton__json_budget_open(&b, p);
  json_t *j = baton__lua_to_json(L, 1, err);
  char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY |
                                  JSON_REAL_PRECISION(15))
              : NULL;
  json_decref(j);
  int done = s != NULL;
  if (done)
    fprintf(p->host->opts.out, "%s\n", s);
  free(s);
  if (baton__json_budget_close(&b))
    return baton__json_budget_exceeded(L, p, "baton.output");
  if (!done)
    return luaL_error(L, "baton.output: %s", *err ? *err : "out of memory");
  return 0;
}

/* Whether --json is in force now (the test runner changes it per run). */
static int l_json_mode(lua_State *L) {
  lua_pushboolean(L, baton__plugin_of(L)->host->opts.json);
  return 1;
}

/* baton.today() -> "YYYY-MM-DD": the local date, or the one given with
 * --today / $BATON_TODAY (for rehearsals, demos and tests). */
static int l_today(lua_State *L) {
  baton__lua_push_today(L);
  return 1;
}

void baton__lua_push_today(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  if (p->host->opts.today != NULL) {
    lua_pushstring(L, p->host->opts.today);
    return;
  }
  time_t now = time(NULL);
  struct tm tm;
  char buf[16];
  localtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  lua_pushstring(L, buf);
}

/* baton.suggest(word, candidates) -> the candidate close enough to word
 * to be what was meant ("did you mean"), or nil; as baton's own commands
 * suggest. Raises when candidates is not a list of strings. */
/* baton.usage_error(message): ends the command as a usage error: the user
 * sees the message, the usage line and exit status 2, as for an argument
 * the manifest refuses. Raises a table {message = ...} with the
 * BATON_USAGE_MT metatable (its __tostring is the message, for pcall). */
static int usage_tostring(lua_State *L) {
  lua_getfield(L, 1, "message");
  return 1;
}

static int l_usage_error(lua_State *L) {
  const char *msg =
      baton__lua_checkcstring(L, 1, "baton.usage_error", "message");
  lua_createtable(L, 0, 1);
  lua_pushstring(L, msg);
  lua_setfield(L, -2, "message");
  if (luaL_newmetatable(L, BATON_USAGE_MT)) {
    lua_pushcfunction(L, usage_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "baton.usage");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return lua_error(L);
}

static int l_suggest(lua_State *L) {
  const char *word = baton__lua_checkcstring(L, 1, "baton.suggest", "word");
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 2);
  if (n == 0)
    return 0;
  const char **cands = lua_newuserdatauv(L, (size_t)n * sizeof *cands, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    if (lua_rawgeti(L, 2, i) != LUA_TSTRING)
      return luaL_error(L, "baton.suggest: candidates[%d] must be a string",
                        (int)i);
    cands[i - 1] = lua_tostring(L, -1); /* alive: the table holds it */
    lua_pop(L, 1);
  }
  const char *best = baton__suggest(word, cands, (size_t)n);
  if (best == NULL)
    return 0;
  lua_pushstring(L, best);
  return 1;
}

/* Helpers written in Lua: the default text rendering of baton.output and
 * baton.ui.table, and baton.inspect (core/lua/scripts/output.lua, compiled
 * in). They run inside the plugin's sandbox like its own code. */

void baton__lua_open_api(lua_State *L, baton_plugin_t *p) {
  lua_createtable(L, 0, 16); /* [baton] */
  lua_pushinteger(L, BATON_API_LEVEL);
  lua_setfield(L, -2, "api");
  lua_pushstring(L, BATON_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushstring(L, p->name);
  lua_setfield(L, -2, "name");
  baton__lua_open_plugin(L); /* sets baton.plugin(name) */
  lua_pushcfunction(L, l_print);
  lua_setfield(L, -2, "print");
  lua_pushcfunction(L, l_today);
  lua_setfield(L, -2, "today");
  lua_pushcfunction(L, l_suggest);
  lua_setfield(L, -2, "suggest");
  lua_pushcfunction(L, l_usage_error);
  lua_setfield(L, -2, "usage_error");

  lua_createtable(L, 0, 4);
  static const char *const levels[] = {"debug", "info", "warn", "error"};
  for (int i = 0; i < 4; i++) {
    lua_pushinteger(L, i);
    lua_pushcclosure(L, l_log, 1);
    lua_setfield(L, -2, levels[i]);
  }
  lua_setfield(L, -2, "log");

  baton__lua_open_json(L);
  lua_setfield(L, -2, "json");
  baton__lua_open_date(L);
  lua_setfield(L, -2, "date");
  baton__lua_open_timer(L); /* sets baton.sleep and baton.timer */
  baton__lua_open_fs(L);
  lua_setfield(L, -2, "fs");
  baton__lua_open_spawn(L); /* sets baton.spawn */
  baton__lua_open_script(L); /* sets baton.args and baton.exit */
  baton__lua_open_http(L);
  lua_setfield(L, -2, "http");
  baton__lua_open_html(L);
  lua_setfield(L, -2, "html");
  baton__lua_open_ics_lazy(L);
  lua_setfield(L, -2, "ics");
  baton__lua_open_csv(L);
  lua_setfield(L, -2, "csv");
  baton__lua_open_assign(L); /* sets baton.assign */
  baton__lua_open_rota(L);   /* sets baton.rota */
  baton__lua_open_terms(L);
  lua_setfield(L, -2, "terms");
  baton__lua_open_settings(L);
  lua_setfield(L, -2, "settings");
  baton__lua_open_leadership(L);
  lua_setfield(L, -2, "leadership");

  /* baton.output and baton.ui.table, written in Lua. [baton] */
  size_t api_len;
  const char *api_src =
      baton__asset_text(baton__lua_assets, "/output.lua", &api_len);
  if (luaL_loadbufferx(L, api_src, api_len, "=baton.output", "t") != LUA_OK)
    lua_error(L);
  lua_pushcfunction(L, l_json_mode);
  lua_pushcfunction(L, l_output_json);
  lua_pushcfunction(L, l_print);
  lua_call(L, 3, 3); /* [baton, output, table, inspect] */
  lua_setfield(L, -4, "inspect");
  lua_createtable(L, 0, 1);
  lua_insert(L, -2);
  lua_setfield(L, -2, "table");
  lua_setfield(L, -3, "ui");
  lua_setfield(L, -2, "output");

  /* Store modules (baton.people, baton.groups, baton.events, baton.store)
   * are added here by core/lua/lua_store.c. */
  baton__lua_open_store(L, p);
}
