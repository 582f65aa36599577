/* core/lua/lua_plugin.c: baton.plugin(name), one plugin's commands called from
 * another plugin or a workflow script.
 *
 *   local r = baton.plugin("mentoring").match{ capacity = 2, save = true }
 *
 * A call runs the command exactly as `baton mentor match --capacity 2
 * --save --json` would: the arguments are checked against the other
 * plugin's manifest, the command runs in that plugin's own sandbox with its
 * own permissions and limits, and its --json output comes back as a Lua
 * value. Nothing but plain data crosses from one state to the other. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capture.h"
#include "bindings.h"

typedef struct {
  baton_op_t op;
  baton_capture_t cap;
  int waited;
  char *what; /* "mentoring.match", for messages */
} call_op_t;

static void call_free(call_op_t *c) {
  baton__capture_free(&c->cap);
  free(c->what);
  free(c);
}

/* The message of a failed command, without the "baton: error in plugin
 * 'x': command 'y' failed: " prefix the CLI adds for people. */
static const char *bare_message(const char *err) {
  const char *m = strstr(err, " failed: ");
  return m ? m + 9 : err;
}

static void release_json(void *data) { json_decref(*(json_t **)data); }

/* Pushes what the failed command said: with --json it reported
 * {"error": {"message": ...}}, else plain text; trailing newlines go. */
static void push_message(lua_State *L, const call_op_t *c) {
  const char *err = c->cap.err ? c->cap.err : "";
  size_t el = c->cap.err_len;
  while (el > 0 && (err[el - 1] == '\n' || err[el - 1] == ' '))
    el--;
  /* jansson's tree, boxed: pushing its message may raise. */
  json_t **j = baton__lua_box(L, sizeof *j, release_json);
  *j = json_loadb(err, el, 0, NULL);
  const char *msg = json_string_value(
      json_object_get(json_object_get(*j, "error"), "message"));
  if (msg != NULL)
    lua_pushstring(L, msg);
  else if (el > 0)
    lua_pushlstring(L, err, el);
  else
    lua_pushliteral(L, "interrupted");
  baton__lua_box_close(L, -2);
  lua_remove(L, -2);
}

/* Success: the decoded --json output (true when it printed nothing).
 * Failure: nil, "EPLUGIN: message", "EPLUGIN"; interrupted: nil,
 * "ECANCELED: ...", "ECANCELED". Raises only when out of memory (the
 * caller's limit); it runs protected: inside the resume of a waiting
 * caller, or in l_call with the op boxed. (A usage error, which l_call
 * raises, is always known before anything waits.) */
static int push_call_result(lua_State *L, void *ud) {
  call_op_t *c = ud;
  if (c->cap.status >= 128)
    return baton__lua_fail(L, "ECANCELED", "%s was interrupted", c->what);
  if (c->cap.status != 0) {
    push_message(L, c); /* [message] */
    baton__lua_fail(L, "EPLUGIN", "%s", bare_message(lua_tostring(L, -1)));
    lua_remove(L, -4);
    return 3;
  }
  if (c->cap.out_len == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  /* jansson's copy of the result counts against the caller's memory; past
   * its limit this raises (which the protected resume reports). */
  if (!baton__lua_decode_json(L, c->cap.out, c->cap.out_len,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL,
                              "baton.plugin"))
    /* Not JSON: the command prints text even with --json. */
    lua_pushlstring(L, c->cap.out, c->cap.out_len);
  return 1;
}

/* The release of the box that holds an op until it waits. */
static void release_call(void *data) {
  call_op_t **slot = data;
  if (*slot != NULL)
    call_free(*slot);
  *slot = NULL;
}

static void call_done(baton_capture_t *cap) {
  call_op_t *c = cap->data;
  if (!c->waited)
    return; /* finished inside the call, which returns the result */
  baton_task_t *waiting = c->op.task;
  if (waiting != NULL) {
    c->op.task = NULL;
    baton__task_resume(waiting, push_call_result, c);
  }
  call_free(c);
}

/* The caller was cancelled: the command runs to its own end (its limits
 * hold) and call_done frees the op. */
static void call_cancel(baton_op_t *op) { (void)op; }

/* Appends one value as command-line text; raises for what has none. */
static const char *arg_text(lua_State *L, int idx, const char *what) {
  if (lua_type(L, idx) == LUA_TBOOLEAN)
    return lua_toboolean(L, idx) ? "true" : "false";
  if (lua_type(L, idx) != LUA_TNUMBER && lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "baton.plugin: argument '%s' is a %s; give a string, a "
                  "number or a boolean", what, luaL_typename(L, idx));
  /* Numbers become strings in place. */
  return baton__lua_checkcstring(L, idx, "baton.plugin", what);
}

/* [proxy?, args?] -> the command's result. Upvalues: plugin, command. */
static int l_call(lua_State *L) {
  baton_plugin_t *self = baton__plugin_of(L);
  baton_host_t *h = self->host;
  const char *pname = lua_tostring(L, lua_upvalueindex(1));
  const char *cname = lua_tostring(L, lua_upvalueindex(2));
  baton_plugin_t *target = baton_host_plugin_find(h, pname);
  if (target == NULL || target->m == NULL)
    return luaL_error(L, "baton.plugin: plugin '%s' is gone", pname);
  const baton_cmdspec_t *spec = baton__manifest_command(target->m, cname);
  /* proxy.cmd{...} and proxy:cmd{...} both work. */
  int a = lua_istable(L, 1) && lua_getmetatable(L, 1)
              ? (lua_pop(L, 1), lua_istable(L, 2) ? 2 : 0)
              : (lua_istable(L, 1) ? 1 : 0);
  if (a == 0 && !lua_isnoneornil(L, 1) && !lua_istable(L, 1))
    return luaL_error(L, "baton.plugin: call %s.%s with a table of "
                         "arguments, e.g. %s.%s{ name = value }",
                      pname, cname, pname, cname);
  /* The arguments as a command line: flags, then `--`, then positionals,
   * so a positional that starts with '-' is not read as a flag. */
  lua_newtable(L); /* the command line, argv[i] at [i + 1] */
  int anchor = lua_gettop(L);
  size_t n = 0;
#define PUSH_ARG(s) (lua_pushstring(L, (s)), lua_rawseti(L, anchor, ++n))
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1)
      PUSH_ARG("--");
    for (size_t i = 0; a && i < spec->nargs; i++) {
      const baton_argspec_t *as = &spec->args[i];
      if (as->flag != (pass == 0))
        continue;
      lua_getfield(L, a, as->key);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        continue;
      }
      char flag[96];
      snprintf(flag, sizeof flag, "--%s", as->name);
      if (as->flag && as->type == BATON_ARG_BOOLEAN) {
        snprintf(flag, sizeof flag, "--%s%s", lua_toboolean(L, -1) ? "" : "no-",
                 as->name);
        PUSH_ARG(flag);
      } else if (as->many && lua_istable(L, -1)) {
        int len = (int)lua_rawlen(L, -1);
        for (int k = 1; k <= len; k++) {
          lua_rawgeti(L, -1, k);
          if (as->flag)
            PUSH_ARG(flag);
          PUSH_ARG(arg_text(L, lua_gettop(L), as->key));
          lua_pop(L, 1);
        }
      } else {
        if (as->flag)
          PUSH_ARG(flag);
        PUSH_ARG(arg_text(L, lua_gettop(L), as->key));
      }
      lua_pop(L, 1);
    }
  }
#undef PUSH_ARG
  /* A key the command does not take is a mistake: say which. */
  for (lua_pushnil(L); a && lua_next(L, a); lua_pop(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    size_t i;
    for (i = 0; k && i < spec->nargs && strcmp(spec->args[i].key, k); i++)
      ;
    if (k == NULL || i == spec->nargs)
      return luaL_error(L, "baton.plugin: %s.%s takes no argument '%s'; see "
                           "baton help %s %s",
                        pname, cname, k ? k : "(a list entry)", target->m->ns,
                        cname);
  }
  /* Made only now, so a raise above leaks nothing; the strings stay
   * anchored in the table. */
  const char **argv = lua_newuserdatauv(L, (n + 1) * sizeof *argv, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, anchor, (lua_Integer)i + 1);
    argv[i] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  argv[n] = NULL;
  baton__task_current(L, "baton.plugin(...) commands");
  /* The op, boxed until it waits: making the result or the message of a
   * failed call may raise (out of memory at the caller's limit). */
  call_op_t **box = baton__lua_box(L, sizeof *box, release_call);
  int boxed = lua_gettop(L);
  call_op_t *c = *box = calloc(1, sizeof *c);
  if (c == NULL || (c->what = baton__asprintf("%s.%s", pname, cname)) == NULL)
    return luaL_error(L, "baton.plugin: out of memory");
  c->op.cancel = call_cancel;
  int r = baton__capture_start(&c->cap, h, target->m->ns, cname, (int)n, argv,
                               1, 1, h->opts.debug, call_done, c);
  if (r != 0)
    return luaL_error(L, "baton.plugin: cannot run %s.%s", pname, cname);
  if (c->cap.finished) {
    if (c->cap.status == 2) {
      /* A call the command cannot take: a mistake in the caller. */
      push_message(L, c);
      return luaL_error(L, "baton.plugin: %s: %s", c->what,
                        lua_tostring(L, -1));
    }
    int nres = push_call_result(L, c);
    baton__lua_box_close(L, boxed);
    return nres;
  }
  *box = NULL; /* call_done frees it now */
  c->waited = 1;
  return baton__task_wait(L, &c->op);
}

static int l_unknown_command(lua_State *L) {
  const char *k = lua_tostring(L, 2);
  lua_getfield(L, 1, "__plugin");
  return luaL_error(L, "baton.plugin: plugin '%s' has no command '%s'; see "
                       "baton help for its commands",
                    lua_tostring(L, -1), k ? k : "?");
}

/* baton.plugin(name) -> a table of the plugin's commands. `name` is the
 * plugin's name or its command word. Raises for a plugin that is not
 * there or failed (the message says why), and for the caller itself. */
static int l_plugin(lua_State *L) {
  const char *name = baton__lua_checkcstring(L, 1, "baton.plugin", "name");
  baton_plugin_t *self = baton__plugin_of(L);
  baton_host_t *h = self->host;
  baton_plugin_t *t = baton_host_plugin_find(h, name);
  if (t == NULL)
    t = baton__host_find_ns(h, name);
  if (t == NULL) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (size_t i = 0; i < baton_host_plugin_count(h); i++) {
      baton_plugin_t *q = baton_host_plugin_at(h, i);
      if (q->state == BATON_PLUGIN_SHADOWED || q->m == NULL)
        continue;
      if (luaL_bufflen(&b) > 0)
        luaL_addstring(&b, ", ");
      luaL_addstring(&b, q->name);
    }
    luaL_pushresult(&b);
    return luaL_error(L, "baton.plugin: no plugin '%s'; the plugins are: %s",
                      name, lua_tostring(L, -1));
  }
  if (t == self)
    return luaL_error(L, "baton.plugin: '%s' is this plugin itself; call "
                         "your own functions directly", name);
  if (t->state == BATON_PLUGIN_FAILED || t->m == NULL)
    return luaL_error(L, "baton.plugin: plugin '%s' failed to load: %s", name,
                      t->error ? t->error : "see baton plugins");
  lua_createtable(L, 0, (int)t->m->ncmds + 1);
  for (size_t i = 0; i < t->m->ncmds; i++) {
    lua_pushstring(L, t->name);
    lua_pushstring(L, t->m->cmds[i].name);
    lua_pushcclosure(L, l_call, 2);
    lua_setfield(L, -2, t->m->cmds[i].name);
  }
  lua_pushstring(L, t->name);
  lua_setfield(L, -2, "__plugin");
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, l_unknown_command);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  return 1;
}

int baton__lua_open_plugin(lua_State *L) {
  lua_pushcfunction(L, l_plugin); /* [baton, fn] */
  lua_setfield(L, -2, "plugin");
  return 0;
}
