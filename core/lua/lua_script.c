/* core/lua/lua_script.c: what a workflow script has that a plugin does
 * not: baton.args, its command line checked against declared arguments,
 * and baton.exit, its exit status.
 *
 * A plugin's commands declare their arguments in plugin.lua and the host
 * parses them before the handler runs; a script (`baton run SCRIPT ...`)
 * declares them where it starts, in the same syntax, and the same parser
 * (core/spec/args.c) checks them: unknown flags with a suggestion, types,
 * min and max, required ones, dates, a generated --help. */
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "bindings.h"

/* Ends the running script now with `status` as baton's exit status. The
 * kill makes every thread of the script raise at its next instruction,
 * so a pcall in the script cannot swallow the exit; its task then ends
 * as cancelled, which is not reported, and baton__host_run_loop returns
 * the status. */
static int script_exit(lua_State *L, baton_plugin_t *p, int status) {
  baton__host_exit_script(p->host, p, status);
  lua_pushliteral(L, "baton.exit");
  return lua_error(L);
}

static baton_plugin_t *script_of(lua_State *L, const char *fn) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_task_t *t = p->host->running;
  /* A script's test file runs as a script, but its end is the runner's. */
  if (t != NULL && t->p == p && strcmp(t->what, BATON_TEST_TASK) == 0)
    luaL_error(L, "%s: a test file cannot call it; run the script with "
                  "run_script and check its status", fn);
  if (!p->is_script)
    luaL_error(L,
               "%s: only a workflow script (baton run SCRIPT) can call "
               "it; a plugin's commands declare their arguments in "
               "plugin.lua and fail with error(msg, 0)",
               fn);
  return p;
}

/* baton.exit([status]): ends the script with that exit status (0 to 125;
 * default 0). Timers and tasks it started end with it. */
static int l_exit(lua_State *L) {
  baton_plugin_t *p = script_of(L, "baton.exit");
  lua_Integer n =
      lua_isnoneornil(L, 1)
          ? 0
          : baton__lua_checkint(L, 1, "baton.exit", "the status", 0, 125);
  return script_exit(L, p, (int)n);
}

/* What baton.args keeps in its box: freed however the call ends. */
typedef struct {
  baton_cmdspec_t cmd;
  baton_value_t *vals;
} args_box_t;

static void args_box_release(void *data) {
  args_box_t *b = data;
  baton__args_free(&b->cmd, b->vals);
  b->vals = NULL;
  baton__cmdspec_clear(&b->cmd);
}

/* Copies the optional string field `key` of the spec table into *out. */
static void spec_text(lua_State *L, const char *key, char **out) {
  if (lua_getfield(L, 1, key) != LUA_TNIL) {
    char what[32];
    snprintf(what, sizeof what, "its %s", key);
    const char *s = baton__lua_checkcstring(L, -1, "baton.args", what);
    if ((*out = baton__strdup(s)) == NULL)
      luaL_error(L, "baton.args: out of memory");
  }
  lua_pop(L, 1);
}

/* baton.args{ summary = ..., help = ..., {"--from", type = "date"}, ... }
 * [, argv] -> the arguments by key, as a command's handler gets them.
 * argv defaults to the script's `arg`. --help prints the usage and ends
 * the script with status 0; a usage error prints what is wrong and the
 * usage line, and ends it with status 2. */
static int l_args(lua_State *L) {
  baton_plugin_t *p = script_of(L, "baton.args");
  luaL_checktype(L, 1, LUA_TTABLE);
  /* Named fields: only summary and help; the list holds the arguments. */
  for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
    if (lua_isinteger(L, -2))
      continue;
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (strcmp(k, "summary") != 0 && strcmp(k, "help") != 0) {
      static const char *const names[] = {"summary", "help", NULL};
      const char *s = baton__suggest(k, names, 2);
      luaL_error(L,
                 "baton.args: unknown field '%s'%s%s%s; besides the list "
                 "of arguments it takes summary and help",
                 lua_type(L, -2) == LUA_TSTRING ? k : luaL_typename(L, -2),
                 s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
  }
  int from = 2;
  if (lua_isnoneornil(L, 2)) {
    lua_getglobal(L, "arg");
    from = lua_gettop(L);
  }
  if (lua_type(L, from) != LUA_TTABLE)
    return luaL_error(L, "baton.args: the arguments must be a list of "
                         "strings (the script's arg, by default)");
  int argc = (int)lua_rawlen(L, from);
  const char **argv =
      lua_newuserdatauv(L, sizeof *argv * ((size_t)argc + 1), 0);
  for (int i = 0; i < argc; i++) {
    char what[40];
    snprintf(what, sizeof what, "argument %d", i + 1);
    lua_rawgeti(L, from, i + 1);
    argv[i] = baton__lua_checkcstring(L, -1, "baton.args", what);
    lua_pop(L, 1); /* still anchored in the list */
  }
  const char *slash = strrchr(p->main_path, '/');
  args_box_t *b = baton__lua_box(L, sizeof *b, args_box_release);
  lua_pushvalue(L, 1);
  char *err = NULL;
  int r =
      baton__cmdspec_read(L, slash ? slash + 1 : p->main_path, &b->cmd, &err);
  lua_pop(L, 1);
  if (r != 0) {
    luaL_where(L, 1);
    lua_pushstring(L, err ? err : baton_strerror(r));
    free(err);
    lua_concat(L, 2);
    return lua_error(L);
  }
  spec_text(L, "summary", &b->cmd.summary);
  spec_text(L, "help", &b->cmd.help);
  baton_host_t *h = p->host;
  char *prefix = baton__asprintf("baton run %s", p->main_path);
  char *msg = NULL;
  r = prefix ? baton__args_parse(&b->cmd, argc, argv, &b->vals, NULL, &msg)
             : BATON_ENOMEM;
  if (r == 1) {
    baton__args_help(&b->cmd, prefix, h->opts.out);
    free(prefix);
    return script_exit(L, p, 0);
  }
  if (r == BATON_EUSAGE) {
    baton__usage_error(h, &b->cmd, prefix, msg);
    free(prefix);
    free(msg);
    return script_exit(L, p, 2);
  }
  free(prefix);
  free(msg);
  if (r != 0)
    return luaL_error(L, "baton.args: %s", baton_strerror(r));
  baton__args_push(L, &b->cmd, b->vals);
  return 1;
}

void baton__lua_open_script(lua_State *L) {
  lua_pushcfunction(L, l_args);
  lua_setfield(L, -2, "args");
  lua_pushcfunction(L, l_exit);
  lua_setfield(L, -2, "exit");
}
