/* core/cli/cmd_dev.c: commands for people who write plugins and scripts:
 * `baton new plugin NAME` (a scaffold whose test passes at once) and
 * `baton repl` (an interactive Lua prompt with the baton API). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"

/* ---- baton new plugin NAME ---------------------------------------------- */

/* The scaffold is core/cli/scripts/new_plugin/, compiled in: printf formats
 * (%s the plugin's name, %d the API level). */
static const char *tpl(const char *file) {
  return baton__asset_text(baton__cli_assets, file, NULL);
}

static int write_new(baton_cli_t *cli, const char *dir, const char *name,
                     const char *text) {
  char *path = baton__asprintf("%s/%s", dir, name);
  char *err = NULL;
  int r = path ? baton__file_write_atomic(path, text, strlen(text), &err)
               : BATON_ENOMEM;
  if (r != 0)
    fprintf(cli->err, "baton new plugin: %s\n", err ? err : baton_strerror(r));
  free(err);
  free(path);
  return r;
}

static int cmd_new(baton_cli_t *cli, const baton_cmdspec_t *spec,
                   baton_value_t *args, int argc, const char *const *argv) {
  (void)spec;
  (void)argc;
  (void)argv;
  const char *name = args[0].v.s;
  const char *parent = args[1].v.s;
  int ok = name[0] >= 'a' && name[0] <= 'z';
  for (const char *s = name; ok && *s; s++)
    ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_';
  if (!ok || strlen(name) > 40) {
    fprintf(cli->err, "baton new plugin: '%s' is not a plugin name: use "
                      "lower-case letters, digits and '_', starting with a "
                      "letter (e.g. duty_board)\n", name);
    return 2;
  }
  char *dir = baton__asprintf("%s/%s", parent, name);
  char *tests = baton__asprintf("%s/tests", dir ? dir : "");
  char *manifest = baton__asprintf(tpl("/new_plugin/plugin.lua"), name, name,
                                   BATON_API_LEVEL, name);
  char *init = baton__asprintf(tpl("/new_plugin/init.lua"), name);
  char *test = baton__asprintf(tpl("/new_plugin/test.lua"), name, name);
  char *readme =
      baton__asprintf(tpl("/new_plugin/README.md"), name, name, name);
  char *test_name = baton__asprintf("tests/%s_test.lua", name);
  int status = 1;
  if (!dir || !tests || !manifest || !init || !test || !readme || !test_name)
    goto done;
  if (baton__is_dir(dir) || baton__is_file(dir)) {
    fprintf(cli->err, "baton new plugin: %s already exists; choose another "
                      "name or remove it\n", dir);
    goto done;
  }
  if (mkdir(parent, 0777) != 0 && errno != EEXIST) {
    fprintf(cli->err, "baton new plugin: cannot create %s: %s\n", parent,
            strerror(errno));
    goto done;
  }
  if (mkdir(dir, 0777) != 0 || mkdir(tests, 0777) != 0) {
    fprintf(cli->err, "baton new plugin: cannot create %s: %s\n", dir,
            strerror(errno));
    goto done;
  }
  if (write_new(cli, dir, "plugin.lua", manifest) != 0 ||
      write_new(cli, dir, "init.lua", init) != 0 ||
      write_new(cli, dir, test_name, test) != 0 ||
      write_new(cli, dir, "README.md", readme) != 0)
    goto done;
  fprintf(cli->out,
          "Created %s: plugin.lua (the manifest), init.lua (the code), %s "
          "and README.md.\n"
          "Try it:\n"
          "  baton %s hello Ana --times 2%s%s\n"
          "  baton test %s\n"
          "Then make it yours: docs/plugins.md walks through it.\n",
          dir, test_name, name,
          strcmp(parent, "plugins") ? " --plugins " : "",
          strcmp(parent, "plugins") ? parent : "", dir);
  status = 0;
done:
  free(dir);
  free(tests);
  free(manifest);
  free(init);
  free(test);
  free(readme);
  free(test_name);
  return status;
}

/* ---- baton repl --------------------------------------------------------- */

/* Each entry runs as a task of a script-like plugin "repl": it may wait,
 * it has the limits, and what it returns is printed: core/cli/scripts/repl.lua,
 * compiled in. */

static void repl_done(baton_task_t *t) {
  if (t->status != 0 && t->status != BATON_ECANCELED) {
    fprintf(t->p->host->opts.err, "error: %s\n",
            t->error ? t->error : baton_strerror(t->status));
    t->reported = 1;
  }
}

/* Compiles `src` as an expression first (so `1 + 1` prints 2), then as
 * statements. Returns LUA_OK with the function pushed, or the status with
 * the message pushed. */
static int repl_compile(lua_State *L, const char *src) {
  char *expr = baton__asprintf("return %s;", src);
  int st = expr ? luaL_loadbufferx(L, expr, strlen(expr), "=repl", "t")
                : LUA_ERRMEM;
  free(expr);
  if (st == LUA_OK)
    return st;
  lua_pop(L, 1);
  return luaL_loadbufferx(L, src, strlen(src), "=repl", "t");
}

static int incomplete(lua_State *L) {
  const char *m = lua_tostring(L, -1);
  size_t l = m ? strlen(m) : 0;
  return l >= 5 && strcmp(m + l - 5, "<eof>") == 0;
}

static baton_plugin_t *repl_plugin(baton_cli_t *cli, const char *name,
                                   size_t nallow);
static int repl_loop(baton_cli_t *cli, baton_plugin_t *p, const char *wrapper,
                     size_t wrapper_len);

static int cmd_repl(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)spec;
  (void)argc;
  (void)argv;
  baton_host_t *h = cli->host;
  size_t wrapper_len;
  const char *wrapper =
      baton__asset_text(baton__cli_assets, "/repl.lua", &wrapper_len);
  if (args[1].set) {
    baton_plugin_t *p = repl_plugin(cli, args[1].v.s, args[0].nitems);
    return p == NULL ? cli->host->failed ? 1 : 2
                     : repl_loop(cli, p, wrapper, wrapper_len);
  }
  baton_plugin_t *p = baton__plugin_new(h, "repl", ".");
  if (p == NULL)
    return 1;
  p->is_script = 1;
  for (size_t i = 0; i < args[0].nitems; i++) {
    char *why = NULL;
    if (baton__grant_add(&p->perms, &p->scopes, args[0].items[i].v.s,
                         " for --allow", &why) != 0) {
      fprintf(cli->err, "baton repl: %s\n", why ? why : "out of memory");
      free(why);
      baton__plugin_free(p);
      return 2;
    }
  }
  baton__plugin_free(h->script);
  h->script = p;
  if ((p->L = baton__sandbox_new(p)) == NULL) {
    fprintf(cli->err, "baton repl: %s\n", p->error ? p->error : "no state");
    return 1;
  }
  p->state = BATON_PLUGIN_LOADED;
  return repl_loop(cli, p, wrapper, wrapper_len);
}

/* --plugin NAME: the plugin (by name or command word), loaded, with its
 * module table as the global `plugin`; NULL after saying why (h->failed
 * set when it failed to load, else a usage error). Its grant is the
 * plugin's own: --allow cannot widen it. */
static baton_plugin_t *repl_plugin(baton_cli_t *cli, const char *name,
                                   size_t nallow) {
  baton_host_t *h = cli->host;
  h->failed = 0;
  if (nallow > 0) {
    fprintf(cli->err, "baton repl: --allow cannot widen a plugin's "
                      "permissions; with --plugin the prompt has exactly "
                      "what %s's manifest grants\n", name);
    return NULL;
  }
  baton_plugin_t *p = baton_host_plugin_find(h, name);
  if (p == NULL)
    p = baton__host_find_ns(h, name);
  if (p == NULL) {
    fprintf(cli->err, "baton repl: no plugin named '%s'; see baton "
                      "plugins\n", name);
    return NULL;
  }
  if (baton__plugin_load(p) != 0) {
    fprintf(cli->err, "baton repl: plugin '%s' failed to load: %s\n",
            p->name, p->error ? p->error : "(no message)");
    h->failed = 1;
    return NULL;
  }
  lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->module_ref);
  lua_setglobal(p->L, "plugin");
  return p;
}

/* Reads entries from standard input and runs each as a task of p. */
static int repl_loop(baton_cli_t *cli, baton_plugin_t *p, const char *wrapper,
                     size_t wrapper_len) {
  baton_host_t *h = cli->host;
  lua_State *L = p->L;
  int tty = isatty(STDIN_FILENO);
  if (tty && !p->is_script)
    fprintf(cli->out, "baton %s, %s, inside plugin '%s': its tables and "
                      "permissions; its module is `plugin`. Ctrl-D to "
                      "leave.\n", BATON_VERSION, LUA_RELEASE, p->name);
  else if (tty)
    fprintf(cli->out, "baton %s, %s. The baton API is in `baton`; "
                      "Ctrl-D to leave.\n", BATON_VERSION, LUA_RELEASE);
  baton_buf_t src = {0};
  char *line = NULL;
  size_t cap = 0;
  int status = 0;
  for (;;) {
    if (tty) {
      fputs(src.len ? ">> " : "> ", cli->out);
      fflush(cli->out);
    }
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0)
      break;
    if (baton__buf_append(&src, line, (size_t)n) != 0)
      break;
    if (repl_compile(L, src.data) != LUA_OK) {
      if (incomplete(L)) {
        lua_pop(L, 1);
        continue; /* read the next line of the same entry */
      }
      fprintf(cli->err, "error: %s\n", lua_tostring(L, -1));
      lua_pop(L, 1);
      status = 1;
    } else if (luaL_loadbufferx(L, wrapper, wrapper_len, "=repl", "t") !=
               LUA_OK) {
      lua_pop(L, 2);
    } else {
      lua_insert(L, -2); /* [wrapper, chunk] */
      h->failed = 0;
      baton__host_signals(h, 1);
      if (baton__task_start(p, 1, "repl entry", repl_done, NULL) == 0)
        baton__host_run_loop(h);
      else
        baton__host_signals(h, 0);
      if (h->failed)
        status = 1;
      h->signal = 0; /* Ctrl-C ends the entry, not the prompt */
    }
    src.len = 0;
    src.data[0] = '\0';
    fflush(cli->out);
  }
  if (tty)
    fputc('\n', cli->out);
  free(line);
  baton__buf_free(&src);
  /* Piped input: the exit status says whether every entry ran. */
  return tty ? 0 : status;
}

/* ---- the table ------------------------------------------------------------ */

static baton_argspec_t new_args[] = {
    {.name = "name", .key = "name", .type = BATON_ARG_STRING, .required = 1,
     .metavar = "NAME", .help = "the plugin's name: lower case, e.g. "
                               "duty_board"},
    {.name = "dir", .key = "dir", .flag = 1, .type = BATON_ARG_PATH,
     .metavar = "DIR", .help = "where to create it",
     .def = {.set = 1, .type = BATON_ARG_PATH, .v.s = "plugins"}},
};

static baton_argspec_t repl_args[] = {
    {.name = "allow", .key = "allow", .flag = 1, .type = BATON_ARG_STRING,
     .many = 1, .metavar = "PERM",
     .help = "grant a permission: fs.read, fs.write, spawn, people.write, "
             "http.route, leadership.read"},
    {.name = "plugin", .key = "plugin", .flag = 1, .type = BATON_ARG_STRING,
     .metavar = "NAME",
     .help = "run inside this plugin: its tables, its permissions, its "
             "module as `plugin`"},
};

const baton_builtin_t baton__dev_commands[] = {
    {"new",
     {.name = "plugin", .summary = "Create a new plugin that works and "
                                   "passes its test at once",
      .help = "Writes DIR/NAME/plugin.lua, init.lua, tests/NAME_test.lua "
              "and README.md. Then: baton NAME hello, baton test "
              "DIR/NAME.",
      .args = new_args, .nargs = 2},
     cmd_new},
    {NULL,
     {.name = "repl", .summary = "An interactive Lua prompt with the baton "
                                 "API, in the sandbox",
      .help = "Each entry runs like a script line: an expression's value is "
              "printed; baton.sleep and other waiting functions work; the "
              "limits apply; Ctrl-C ends the running entry. Reads standard "
              "input, so `baton repl < file.lua` works too.",
      .args = repl_args, .nargs = 2},
     cmd_repl},
};
const size_t baton__dev_ncommands =
    sizeof baton__dev_commands / sizeof *baton__dev_commands;
