/* core/cli/cli.c: the command line: global flags, built-in commands, and the
 * dispatch of plugin commands to the host.
 *
 * Built-in commands are rows of tables of baton_builtin_t: a spec (the
 * same kind a plugin manifest produces, so parsing, checks and --help are
 * shared) and a handler. To add one: write the handler, add a row to a
 * table, and document it in README.md. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "baton/store.h"
#include "builtin.h"
#include "http.h"
#include "portable.h"

/* ---- global flags ---------------------------------------------------------*/

typedef struct {
  baton_host_options_t o;
  const char *plugin_dirs[32];
  int nplugin_dirs;
  int help;
} globals_t;

static int parse_limit(const char *flag, const char *s, double scale,
                       double *out, FILE *err) {
  char *end;
  double v = strtod(s ? s : "", &end);
  if (s == NULL || *s == '\0' || *end != '\0' || v < 0 || v * scale > 4e9) {
    fprintf(err, "baton: %s expects a non-negative number, got '%s'\n", flag,
            s ? s : "");
    return BATON_EUSAGE;
  }
  *out = v;
  return 0;
}

/* Takes the global flags out of argv wherever they stand, except after a
 * `--` and in the arguments of `baton run SCRIPT`, which belong to the
 * script. Returns 0 or BATON_EUSAGE; *argc/argv keep the rest in order. */
static int parse_globals(globals_t *g, int *argc, char **argv, FILE *err) {
  int out = 0, words = 0, in_script = 0;
  for (int i = 0; i < *argc; i++) {
    const char *a = argv[i];
    if (in_script || strcmp(a, "--") == 0) {
      argv[out++] = argv[i];
      if (!in_script && strcmp(a, "--") == 0)
        in_script = 1;
      continue;
    }
    const char *val = NULL;
    const char *eq = strchr(a, '=');
    size_t nl = eq ? (size_t)(eq - a) : strlen(a);
#define IS(flag) (strlen(flag) == nl && strncmp(a, flag, nl) == 0)
#define VALUE()                                                                \
  do {                                                                         \
    if (eq)                                                                    \
      val = eq + 1;                                                            \
    else if (i + 1 < *argc)                                                    \
      val = argv[++i];                                                         \
    else {                                                                     \
      fprintf(err, "baton: %.*s needs a value\n", (int)nl, a);                 \
      return BATON_EUSAGE;                                                     \
    }                                                                          \
  } while (0)
    if (IS("--json") && !eq)
      g->o.json = 1;
    else if ((IS("--quiet") || IS("-q")) && !eq)
      g->o.quiet = 1;
    else if (IS("--debug") && !eq)
      g->o.debug = 1;
    else if (IS("--db")) {
      VALUE();
      g->o.db_path = val;
    } else if (IS("--plugins")) {
      VALUE();
      if (g->nplugin_dirs < 32)
        g->plugin_dirs[g->nplugin_dirs++] = val;
    } else if (IS("--today")) {
      VALUE();
      if (baton__date_parse(val, NULL, NULL, NULL) != 0) {
        fprintf(err, "baton: --today expects a date written YYYY-MM-DD, got "
                     "'%s'\n", val);
        return BATON_EUSAGE;
      }
      g->o.today = val;
    } else if (IS("--time-limit")) {
      VALUE();
      double v;
      if (parse_limit("--time-limit", val, 1000, &v, err) != 0)
        return BATON_EUSAGE;
      g->o.time_limit_ms = (unsigned)(v * 1000);
    } else if (IS("--memory-limit")) {
      VALUE();
      double v;
      if (parse_limit("--memory-limit", val, 1, &v, err) != 0)
        return BATON_EUSAGE;
      g->o.memory_limit = (size_t)(v * 1048576.0);
    } else if ((IS("--help") || IS("-h")) && words == 0) {
      g->help = 1;
    } else if (IS("--version") && words == 0) {
      argv[out++] = "version";
      words++;
    } else {
      if (a[0] != '-')
        words++;
      argv[out++] = argv[i];
      /* After `run SCRIPT`, everything is the script's. */
      if (words >= 2 && strcmp(argv[0], "run") == 0 && a[0] != '-')
        in_script = 1;
    }
#undef IS
#undef VALUE
  }
  *argc = out;
  return 0;
}

static void env_limits(globals_t *g) {
  const char *t = getenv("BATON_TIME_LIMIT");
  const char *m = getenv("BATON_MEMORY_LIMIT");
  const char *d = getenv("BATON_TODAY");
  if (d && *d) {
    if (baton__date_parse(d, NULL, NULL, NULL) == 0)
      g->o.today = d;
    else
      fprintf(stderr, "baton: BATON_TODAY must be a date written YYYY-MM-DD; "
                      "ignoring '%s'\n", d);
  }
  double v;
  if (t && *t && parse_limit("BATON_TIME_LIMIT", t, 1000, &v, stderr) == 0)
    g->o.time_limit_ms = (unsigned)(v * 1000);
  if (m && *m && parse_limit("BATON_MEMORY_LIMIT", m, 1, &v, stderr) == 0)
    g->o.memory_limit = (size_t)(v * 1048576.0);
}

/* The folder of baton's bundled WHAT ("plugins" or "scripts"), found from
 * the program's own place, so that the build tree, a copy of it and an
 * install each run wherever they are put:
 *   1. the source tree's WHAT, when this is the program in the build
 *      folder it was built in (not a copy, not an install staged inside
 *      it) and the source tree still has WHAT: edits there take effect,
 *      and `baton serve` reloads them, without a build;
 *   2. EXE_DIR/share/baton/WHAT: the copy each build makes (CMakeLists.txt),
 *      so also a copied build tree;
 *   3. EXE_DIR/../share/baton/WHAT: an install, PREFIX/bin/baton;
 *   4. else the configured prefix's, which `baton doctor` names if empty.
 * Returns a string the caller frees, or NULL when out of memory. */
char *baton__bundled_dir(const char *what) {
  char exe[PATH_MAX], real[PATH_MAX];
  size_t n = sizeof exe;
  char *slash = NULL;
  if (uv_exepath(exe, &n) == 0 && (slash = strrchr(exe, '/')) != NULL) {
    char *tries[3] = {NULL, NULL, NULL};
    *slash = '\0';
    if (realpath(BATON_BUILD_DIR, real) != NULL && strcmp(exe, real) == 0)
      tries[0] = baton__asprintf("%s/%s", BATON_SOURCE_DIR, what);
    tries[1] = baton__asprintf("%s/share/baton/%s", exe, what);
    tries[2] = baton__asprintf("%s/../share/baton/%s", exe, what);
    int found = 0;
    for (int i = 0; i < 3; i++) {
      if (!found && tries[i] && realpath(tries[i], real) != NULL)
        found = baton__is_dir(real);
      free(tries[i]);
    }
    if (found)
      return baton__strdup(real);
  }
  return baton__asprintf("%s/%s", BATON_INSTALL_DATA_DIR, what);
}

/* The search path: --plugins, $BATON_PLUGIN_PATH, ./plugins, then the
 * bundled plugins (baton__bundled_dir). */
static int setup_path(baton_host_t *h, const globals_t *g) {
  int r = 0;
  for (int i = 0; r == 0 && i < g->nplugin_dirs; i++)
    r = baton_host_add_plugin_dir(h, g->plugin_dirs[i]);
  const char *env = getenv("BATON_PLUGIN_PATH");
  if (env != NULL) {
    char *copy = baton__strdup(env), *save = NULL;
    for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; r == 0 && d;
         d = strtok_r(NULL, ":", &save))
      r = baton_host_add_plugin_dir(h, d);
    free(copy);
  }
  if (r == 0)
    r = baton_host_add_plugin_dir(h, "plugins");
  char *bundled = baton__bundled_dir("plugins");
  if (r == 0)
    r = bundled ? baton_host_add_plugin_dir(h, bundled) : BATON_ENOMEM;
  free(bundled);
  return r;
}

/* ---- built-in commands ----------------------------------------------------*/

static int cmd_help(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv);
static int cmd_version(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv);
static int cmd_plugins(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv);
static int cmd_run(baton_cli_t *cli, const baton_cmdspec_t *spec,
                   baton_value_t *args, int argc, const char *const *argv);
static int cmd_doctor(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv);

int baton__cmd_test(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv);

static baton_argspec_t test_args[] = {
    {.name = "dir", .key = "dir", .type = BATON_ARG_PATH, .many = 1,
     .metavar = "DIR",
     .help = "plugin folders, or folders of workflow scripts, to test "
             "(default: every plugin found that has a tests folder)"},
};
static baton_argspec_t help_args[] = {
    {.name = "command", .key = "command", .type = BATON_ARG_STRING,
     .many = 1, .metavar = "COMMAND", .help = "a command, e.g. run or hello greet"},
};
static baton_argspec_t run_args[] = {
    {.name = "allow", .key = "allow", .flag = 1, .type = BATON_ARG_STRING,
     .many = 1, .metavar = "PERM",
     .help = "grant the script a permission: fs.read, fs.write, spawn, "
             "people.write, http.route, leadership.read; fs.read:DIR and "
             "fs.write:DIR only "
             "under DIR"},
    {.name = "script", .key = "script", .type = BATON_ARG_PATH,
     .required = 1, .metavar = "SCRIPT", .help = "the workflow script (.lua)"},
};

static const baton_builtin_t core_commands[] = {
    {NULL, {.name = "help", .summary = "Show help for baton or a command",
            .args = help_args, .nargs = 1}, cmd_help},
    {NULL, {.name = "version", .summary = "Print the version of baton and its "
                                          "libraries"}, cmd_version},
    {NULL, {.name = "plugins", .summary = "List plugins: name, version, "
                                          "state, path and commands"},
     cmd_plugins},
    {NULL, {.name = "run", .summary = "Run a Lua workflow script in the "
                                      "sandbox",
            .help = "The script gets its arguments in the global `arg` table "
                    "(arg[0] is the script) and as `...`, and the baton API. "
                    "It runs in the sandbox like a plugin: files and programs "
                    "only with --allow.",
            .args = run_args, .nargs = 2, .passthrough = 1},
     cmd_run},
    {NULL, {.name = "doctor", .summary = "Check the installation, the plugin "
                                         "path and every plugin"},
     cmd_doctor},
    {NULL, {.name = "test", .summary = "Run plugins' tests (tests/*_test.lua) "
                                       "inside the real host",
            .help = "Each test file runs in the plugin's own sandbox against "
                    "a fresh temporary database: an SQLite file, or with "
                    "--db postgresql://... a scratch database made on that "
                    "server and dropped after (the URL's own database is "
                    "never written; $BATON_DB is not read), where SQL "
                    "outside the portable subset fails naming the plugin, "
                    "file and line. A folder without plugin.lua "
                    "is a folder of workflow scripts: its tests/*_test.lua "
                    "and *_test.lua run with run_script(). See "
                    "docs/plugins.md, \"Testing a plugin\".",
            .args = test_args, .nargs = 1},
     baton__cmd_test},
};

typedef struct {
  const baton_builtin_t *rows;
  const size_t *count;
} builtin_table_t;

static const size_t core_ncommands = sizeof core_commands / sizeof *core_commands;

/* Every table of built-in commands. Modules add their table here. */
static const builtin_table_t builtin_tables[] = {
    {core_commands, &core_ncommands},
    {baton__store_commands, &baton__store_ncommands},
    {baton__db_commands, &baton__db_ncommands}, /* cmd_db.c */
    {baton__terms_commands, &baton__terms_ncommands}, /* cmd_terms.c */
    {baton__config_commands, &baton__config_ncommands}, /* cmd_config.c */
    {baton__users_commands, &baton__users_ncommands},   /* cmd_users.c */
    {baton__schools_commands, &baton__schools_ncommands}, /* cmd_schools.c */
    {baton__serve_commands, &baton__serve_ncommands}, /* core/cli/serve/ */
    {baton__dev_commands, &baton__dev_ncommands},
    {baton__demo_commands, &baton__demo_ncommands}, /* core/cli/cmd_demo.c */
    {baton__completion_commands, &baton__completion_ncommands},
};

#define FOREACH_BUILTIN(b)                                                     \
  for (size_t ti_ = 0; ti_ < sizeof builtin_tables / sizeof *builtin_tables;   \
       ti_++)                                                                  \
    for (const baton_builtin_t *b = builtin_tables[ti_].rows;                  \
         b < builtin_tables[ti_].rows + *builtin_tables[ti_].count; b++)

baton_store_t *baton__cli_store(baton_cli_t *cli) {
  baton_store_t *s;
  if (baton__host_store(cli->host, &s) != 0) {
    baton__host_report(cli->host, NULL, baton_host_last_error(cli->host), NULL);
    return NULL;
  }
  return s;
}

void baton__builtin_each(int (*cb)(const baton_builtin_t *b, void *ud),
                         void *ud) {
  FOREACH_BUILTIN(b) {
    if (cb(b, ud) != 0)
      return;
  }
}

/* The built-in command or group `word` names at the top level, or NULL:
 * the host's builtin_word, so that no plugin takes a word of baton's
 * (core/runtime/host.c). */
static const char *builtin_word(const char *word) {
  FOREACH_BUILTIN(b) {
    if (b->group == NULL && strcmp(b->spec.name, word) == 0)
      return b->spec.name;
    if (b->group != NULL && strcmp(b->group, word) == 0)
      return b->group;
  }
  return NULL;
}

/* The embedding API's constructor assembles every layer, so it lives at
 * the top: the runtime with the whole baton.* API (core/lua/lua_init.c)
 * and baton's built-in words, so that a plugin a program embedding baton
 * accepts is one the command line accepts too. */
int baton_host_new(baton_host_t **out, const baton_host_options_t *o) {
  int e = baton__host_new(out, o, &baton__lua_bindings);
  if (e == 0)
    (*out)->builtin_word = builtin_word;
  return e;
}

static const baton_builtin_t *find_builtin(const char *group,
                                           const char *name) {
  FOREACH_BUILTIN(b) {
    if ((group == NULL) != (b->group == NULL))
      continue;
    if (group && strcmp(group, b->group) != 0)
      continue;
    if (name && strcmp(name, b->spec.name) == 0)
      return b;
  }
  return NULL;
}

static int is_group(const char *word) {
  FOREACH_BUILTIN(b) {
    if (b->group && strcmp(b->group, word) == 0)
      return 1;
  }
  return 0;
}

static void group_help(FILE *out, const char *group) {
  fprintf(out, "usage: baton %s COMMAND [arguments]\n\nCommands:\n", group);
  FOREACH_BUILTIN(b) {
    if (b->group && strcmp(b->group, group) == 0) {
      char left[64];
      snprintf(left, sizeof left, "%s %s", group, b->spec.name);
      fprintf(out, "  %-26s %s\n", left, b->spec.summary);
    }
  }
  fprintf(out, "\nRun 'baton help %s COMMAND' for its arguments.\n", group);
}

static void namespace_help(FILE *out, const baton_plugin_t *p) {
  fprintf(out, "usage: baton %s COMMAND [arguments]\n\n%s (plugin %s %s, %s)\n"
               "\nCommands:\n",
          p->m->ns, p->m->summary, p->name, p->m->version, p->dir);
  for (size_t i = 0; i < p->m->ncmds; i++) {
    char left[64];
    snprintf(left, sizeof left, "%s %s", p->m->ns, p->m->cmds[i].name);
    fprintf(out, "  %-26s %s\n", left, p->m->cmds[i].summary);
  }
  fprintf(out, "\nRun 'baton help %s COMMAND' for its arguments.\n", p->m->ns);
}

static void top_help(baton_cli_t *cli) {
  FILE *out = cli->out;
  baton_host_t *h = cli->host;
  fprintf(out,
          "baton %s: leadership practices for schools, scriptable in Lua\n\n"
          "usage: baton [options] COMMAND [arguments]\n\nCommands:\n",
          BATON_VERSION);
  FOREACH_BUILTIN(b) {
    char left[64];
    if (b->group)
      snprintf(left, sizeof left, "%s %s", b->group, b->spec.name);
    else
      snprintf(left, sizeof left, "%s", b->spec.name);
    fprintf(out, "  %-26s %s\n", left, b->spec.summary);
  }
  size_t failed = 0;
  int header = 0;
  for (size_t i = 0; i < baton_host_plugin_count(h); i++) {
    const baton_plugin_t *p = baton_host_plugin_at(h, i);
    if (p->state == BATON_PLUGIN_FAILED)
      failed++;
    if (p->m == NULL || p->state == BATON_PLUGIN_FAILED ||
        p->state == BATON_PLUGIN_SHADOWED)
      continue;
    if (!header++)
      fprintf(out, "\nPlugin commands:\n");
    for (size_t c = 0; c < p->m->ncmds; c++) {
      char left[64];
      snprintf(left, sizeof left, "%s %s", p->m->ns, p->m->cmds[c].name);
      fprintf(out, "  %-26s %s\n", left, p->m->cmds[c].summary);
    }
  }
  fprintf(out,
          "\nOptions (anywhere before a script's own arguments):\n"
          "  --json                 machine-readable output\n"
          "  -q, --quiet            no progress or info messages\n"
          "  --debug                debug messages and Lua tracebacks\n"
          "  --db PATH              the database (default $BATON_DB or "
          "./baton.db)\n"
          "  --plugins DIR          look for plugins in DIR first (may be "
          "repeated)\n"
          "  --time-limit SECONDS   per command call (default 30; 0 = none; "
          "$BATON_TIME_LIMIT)\n"
          "  --memory-limit MIB     per plugin (default 256; 0 = none; "
          "$BATON_MEMORY_LIMIT)\n"
          "  --today DATE           pretend today is DATE, for rehearsals "
          "and tests ($BATON_TODAY)\n"
          "  -h, --help             this help; COMMAND --help for a "
          "command's\n"
          "  --version              same as baton version\n"
          "\nPlugins are found in --plugins DIR, $BATON_PLUGIN_PATH "
          "(colon-separated), ./plugins,\nthen the bundled plugins. Run "
          "'baton help COMMAND' for a command's arguments.\n");
  if (failed)
    fprintf(out, "\n%zu plugin%s failed to load: run 'baton plugins' or "
                 "'baton doctor' to see why.\n",
            failed, failed == 1 ? "" : "s");
}

/* `baton help [WORDS...]`: the same text as `WORDS --help`. */
static int cmd_help(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  const baton_value_t *words = &args[0];
  if (words->nitems == 0) {
    top_help(cli);
    return 0;
  }
  const char *w0 = words->items[0].v.s;
  const char *w1 = words->nitems > 1 ? words->items[1].v.s : NULL;
  const baton_builtin_t *b = find_builtin(NULL, w0);
  char prefix[128];
  if (b) {
    snprintf(prefix, sizeof prefix, "baton %s", b->spec.name);
    baton__args_help(&b->spec, prefix, cli->out);
    return 0;
  }
  if (is_group(w0)) {
    if (w1 && (b = find_builtin(w0, w1)) != NULL) {
      snprintf(prefix, sizeof prefix, "baton %s %s", w0, w1);
      baton__args_help(&b->spec, prefix, cli->out);
    } else {
      group_help(cli->out, w0);
    }
    return 0;
  }
  const baton_plugin_t *p = baton__host_find_ns(cli->host, w0);
  if (p && p->m) {
    const baton_cmdspec_t *c = w1 ? baton__manifest_command(p->m, w1) : NULL;
    if (c) {
      snprintf(prefix, sizeof prefix, "baton %s %s", p->m->ns, c->name);
      baton__args_help(c, prefix, cli->out);
    } else {
      namespace_help(cli->out, p);
    }
    return 0;
  }
  fprintf(cli->err, "baton: no help for '%s': it is not a command\n"
                    "see 'baton --help' for the commands\n", w0);
  return 2;
}

static int cmd_version(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv) {
  if (cli->opts.json) {
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "baton",
                          BATON_VERSION, "api", BATON_API_LEVEL, "lua",
                          LUA_RELEASE, "libuv", uv_version_string(), "sqlite",
                          sqlite3_libversion(), "jansson", JANSSON_VERSION);
    char *s = json_dumps(o, JSON_INDENT(2));
    fprintf(cli->out, "%s\n", s ? s : "{}");
    free(s);
    json_decref(o);
    return 0;
  }
  fprintf(cli->out, "baton %s (plugin API %d; %s, libuv %s, SQLite %s, "
                    "jansson %s)\n",
          BATON_VERSION, BATON_API_LEVEL, LUA_RELEASE, uv_version_string(),
          sqlite3_libversion(), JANSSON_VERSION);
  return 0;
}

static json_t *plugin_json(const baton_plugin_t *p) {
  json_t *o = json_object();
  json_object_set_new(o, "name", json_string(p->name));
  json_object_set_new(o, "version", p->m ? json_string(p->m->version) : json_null());
  json_object_set_new(o, "state", json_string(baton_plugin_state(p)));
  json_object_set_new(o, "path", json_string(p->dir));
  json_object_set_new(o, "namespace", p->m ? json_string(p->m->ns) : json_null());
  json_t *cmds = json_array();
  for (size_t i = 0; p->m && i < p->m->ncmds; i++)
    json_array_append_new(cmds, json_string(p->m->cmds[i].name));
  json_object_set_new(o, "commands", cmds);
  /* As a manifest writes them: "fs.write:out/" for a grant with paths. */
  json_t *perms = json_array();
  for (size_t i = 0; p->m && baton__perm_names[i]; i++) {
    unsigned bit = 1u << i;
    int k = bit == BATON_PERM_FS_READ ? 0 : bit == BATON_PERM_FS_WRITE ? 1 : -1;
    if (!(p->perms & bit))
      continue;
    if (k < 0 || !(p->scopes.scoped & bit)) {
      json_array_append_new(perms, json_string(baton__perm_names[i]));
      continue;
    }
    for (size_t j = 0; j < p->scopes.npaths[k]; j++) {
      char *g = baton__asprintf("%s:%s", baton__perm_names[i],
                                p->scopes.paths[k][j]);
      json_array_append_new(perms, json_string(g ? g : ""));
      free(g);
    }
  }
  json_object_set_new(o, "permissions", perms);
  json_object_set_new(o, "error", p->error ? json_string(p->error) : json_null());
  return o;
}

static int cmd_plugins(baton_cli_t *cli, const baton_cmdspec_t *spec,
                       baton_value_t *args, int argc, const char *const *argv) {
  baton_host_t *h = cli->host;
  size_t n = baton_host_plugin_count(h);
  if (cli->opts.json) {
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
      json_array_append_new(a, plugin_json(baton_host_plugin_at(h, i)));
    char *s = json_dumps(a, JSON_INDENT(2));
    fprintf(cli->out, "%s\n", s ? s : "[]");
    free(s);
    json_decref(a);
    return 0;
  }
  if (n == 0) {
    fprintf(cli->out, "No plugins found. Searched:");
    for (size_t i = 0; i < h->ndirs; i++)
      fprintf(cli->out, " %s", h->dirs[i]);
    fprintf(cli->out, "\n");
    return 0;
  }
  int wn = 4, wv = 7, ws = 5, wp = 4;
  for (size_t i = 0; i < n; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(h, i);
    int l;
    if ((l = (int)strlen(p->name)) > wn)
      wn = l;
    if ((l = (int)strlen(baton_plugin_version(p))) > wv)
      wv = l;
    if ((l = (int)strlen(baton_plugin_state(p))) > ws)
      ws = l;
    if ((l = (int)strlen(p->dir)) > wp)
      wp = l;
  }
  fprintf(cli->out, "%-*s  %-*s  %-*s  %-*s  %s\n", wn, "NAME", wv, "VERSION",
          ws, "STATE", wp, "PATH", "COMMANDS");
  for (size_t i = 0; i < n; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(h, i);
    fprintf(cli->out, "%-*s  %-*s  %-*s  %-*s  ", wn, p->name, wv,
            baton_plugin_version(p), ws, baton_plugin_state(p), wp, p->dir);
    for (size_t c = 0; p->m && c < p->m->ncmds; c++)
      fprintf(cli->out, "%s%s %s", c ? ", " : "", p->m->ns, p->m->cmds[c].name);
    fprintf(cli->out, "\n");
  }
  /* What each can reach (docs/plugins.md, "What a plugin can and cannot
   * reach"). */
  fprintf(cli->out, "\nPermissions:\n");
  for (size_t i = 0; i < n; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(h, i);
    if (p->m == NULL || p->state == BATON_PLUGIN_SHADOWED)
      continue;
    baton_buf_t g = {0};
    baton__grant_describe(p->perms, &p->scopes, &g);
    fprintf(cli->out, "  %-*s  %s\n", wn, p->name, g.data ? g.data : "?");
    baton__buf_free(&g);
  }
  int header = 0;
  for (size_t i = 0; i < n; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(h, i);
    if (p->error == NULL)
      continue;
    if (!header++)
      fprintf(cli->out, "\n");
    fprintf(cli->out, "%s (%s): %s\n", p->name, baton_plugin_state(p),
            p->error);
  }
  return 0;
}

static int cmd_run(baton_cli_t *cli, const baton_cmdspec_t *spec,
                   baton_value_t *args, int argc, const char *const *argv) {
  const baton_value_t *allow = &args[0];
  const char **perms = calloc(allow->nitems + 1, sizeof *perms);
  if (perms == NULL) {
    fprintf(cli->err, "baton run: out of memory\n");
    return 1;
  }
  for (size_t i = 0; i < allow->nitems; i++)
    perms[i] = allow->items[i].v.s;
  int r = baton_host_run_script(cli->host, args[1].v.s, argc, argv, perms);
  free(perms);
  return r;
}

/* ---- doctor ---------------------------------------------------------------*/

typedef struct {
  baton_cli_t *cli;
  json_t *checks;
  int failures;
  int warnings;
} doctor_t;

static void check(doctor_t *d, const char *status, const char *what,
                  const char *detail) {
  if (strcmp(status, "fail") == 0)
    d->failures++;
  if (strcmp(status, "warn") == 0)
    d->warnings++;
  if (d->cli->opts.json) {
    json_array_append_new(d->checks,
                          json_pack("{s:s, s:s, s:s?}", "status", status,
                                    "check", what, "detail", detail));
    return;
  }
  fprintf(d->cli->out, "  %-5s %s%s%s\n", status, what, detail ? ": " : "",
          detail ? detail : "");
}

typedef struct {
  int done;
  int ok;
  char *detail;
} health_t;

/* A plugin's health() returns true, or nil/false and a reason. */
static void health_done(baton_task_t *t) {
  health_t *r = t->data;
  r->done = 1;
  if (t->status != 0) {
    r->ok = 0;
    r->detail = baton__strdup(t->error ? t->error : baton_strerror(t->status));
    t->reported = 1;
    return;
  }
  int n = lua_gettop(t->co);
  r->ok = n >= 1 && lua_toboolean(t->co, 1);
  if (!r->ok)
    r->detail = baton__strdup(n >= 2 && lua_type(t->co, 2) == LUA_TSTRING
                                  ? lua_tostring(t->co, 2)
                                  : "health() reported a problem");
  else if (n >= 2 && lua_type(t->co, 2) == LUA_TSTRING)
    r->detail = baton__strdup(lua_tostring(t->co, 2));
}

/* The settings of p set with `baton config` (cmd_config.c). */
static void doctor_settings(doctor_t *d, baton_plugin_t *p) {
  int problem;
  char *detail = baton__config_doctor(d->cli->host, p, &problem);
  if (detail == NULL)
    return;
  char what[160];
  snprintf(what, sizeof what, "settings of %s", p->name);
  check(d, problem ? "warn" : "info", what, detail);
  free(detail);
}

/* A plugin's SQL outside the portable subset (portable.h): a warning
 * each, naming the file and line; it runs on SQLite, not on PostgreSQL. */
typedef struct {
  doctor_t *d;
  const baton_plugin_t *p;
} doctor_sql_t;

static int doctor_sql_issue(const char *file, int line,
                            const baton__sql_portable_issue_t *is, void *ud) {
  doctor_sql_t *ds = ud;
  char what[PATH_MAX + 300];
  snprintf(what, sizeof what, "SQL of %s at %s:%d", ds->p->name, file, line);
  char *why = baton__sql_portable_sentence(is);
  check(ds->d, "warn", what, why ? why : is->what);
  free(why);
  return 0;
}

static void doctor_plugin_runs(doctor_t *d, baton_plugin_t *p) {
  char what[256];
  snprintf(what, sizeof what, "plugin %s %s (%s)", p->name,
           baton_plugin_version(p), p->dir);
  if (p->state == BATON_PLUGIN_SHADOWED) {
    check(d, "info", what, p->error);
    return;
  }
  if (p->state == BATON_PLUGIN_FAILED || baton__plugin_load(p) != 0) {
    check(d, "fail", what, p->error);
    return;
  }
  lua_State *L = p->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, p->module_ref);
  int has = lua_getfield(L, -1, "health") == LUA_TFUNCTION;
  lua_remove(L, -2);
  if (!has) {
    lua_pop(L, 1);
    check(d, "ok", what, "loads; no health() check");
    doctor_settings(d, p);
    return;
  }
  health_t r = {0};
  baton__host_signals(p->host, 1);
  if (baton__task_start(p, 0, "health()", health_done, &r) != 0) {
    check(d, "fail", what, "out of memory starting health()");
    return;
  }
  baton__host_run_loop(p->host);
  check(d, r.ok ? "ok" : "fail", what,
        r.detail ? r.detail : "health() passed");
  free(r.detail);
  doctor_settings(d, p);
}

/* A plugin: it loads, its health() passes, its settings, its SQL. */
static void doctor_plugin(doctor_t *d, baton_plugin_t *p) {
  doctor_plugin_runs(d, p);
  doctor_sql_t ds = {d, p};
  if (p->state != BATON_PLUGIN_SHADOWED && !p->is_script)
    baton__sql_portable_scan_dir(p->dir, doctor_sql_issue, &ds);
}

static int count_person(const baton_person_t *p, void *ud) {
  (void)p;
  ++*(size_t *)ud;
  return 0;
}

/* The database opens, is of a schema this baton knows, and how many people
 * it holds. A database that does not exist yet is fine: doctor must not
 * create one. */
static void doctor_database(doctor_t *d, baton_host_t *h) {
  const char *path = baton__host_db_path(h);
  char what[PATH_MAX + 16], detail[PATH_MAX + 96];
  char *shown = baton__sql_is_url(path) ? baton__store_url_public(path) : NULL;
  snprintf(what, sizeof what, "database %s", shown ? shown : path);
  free(shown); /* a URL without its password */
  if (!baton__store_exists(path)) {
    check(d, "info", what, "not created yet; baton people import FILE "
                           "creates it");
    return;
  }
  baton_store_t *s;
  if (baton__host_store(h, &s) != 0) {
    check(d, "fail", what, baton_host_last_error(h));
    return;
  }
  size_t people = 0;
  baton_people_each(s, NULL, 0, 0, count_person, &people);
  snprintf(detail, sizeof detail, "schema version %d, %zu active people",
           baton_store_schema_version(s), people);
  check(d, "ok", what, detail);
}

static int cmd_doctor(baton_cli_t *cli, const baton_cmdspec_t *spec,
                      baton_value_t *args, int argc, const char *const *argv) {
  baton_host_t *h = cli->host;
  doctor_t d = {.cli = cli, .checks = json_array()};
  if (!cli->opts.json)
    fprintf(cli->out, "baton %s doctor\n", BATON_VERSION);
  char detail[256];
  snprintf(detail, sizeof detail, "%s, libuv %s, SQLite %s", LUA_RELEASE,
           uv_version_string(), sqlite3_libversion());
  check(&d, "ok", "libraries", detail);
  baton_buf_t looked = {0};
  for (size_t i = 0; i < h->ndirs; i++) {
    baton__buf_printf(&looked, "%s%s", i ? ", " : "", h->dirs[i]);
    char what[PATH_MAX + 32];
    snprintf(what, sizeof what, "plugin directory %s", h->dirs[i]);
    size_t count = 0;
    size_t dl = strlen(h->dirs[i]);
    for (size_t k = 0; k < baton_host_plugin_count(h); k++) {
      const char *pd = baton_host_plugin_at(h, k)->dir;
      if (strncmp(pd, h->dirs[i], dl) == 0 && pd[dl] == '/')
        count++;
    }
    snprintf(detail, sizeof detail, "%zu plugin%s", count, count == 1 ? "" : "s");
    if (baton__is_dir(h->dirs[i]))
      check(&d, "ok", what, detail);
    else
      check(&d, "info", what, "does not exist (fine unless you expected "
                              "plugins there)");
  }
  /* No plugin at all is a broken install (or a build tree copied without
   * its share/baton), not a quiet "0 problems". */
  if (baton_host_plugin_count(h) == 0) {
    char exe[PATH_MAX] = "PREFIX/bin/baton";
    size_t n = sizeof exe;
    char *slash = uv_exepath(exe, &n) == 0 ? strrchr(exe, '/') : NULL;
    if (slash)
      *slash = '\0';
    char *msg = baton__asprintf(
        "none found (looked in %s); the bundled plugins belong in "
        "%s/share/baton/plugins (a build tree: build it again, or copy the "
        "whole folder) or %s/../share/baton/plugins (an install: reinstall "
        "baton), or name a folder with --plugins DIR or BATON_PLUGIN_PATH",
        looked.data ? looked.data : "no folder", exe, exe);
    check(&d, "fail", "plugins", msg ? msg : "none found");
    free(msg);
  }
  baton__buf_free(&looked);
  doctor_database(&d, h);
  for (size_t i = 0; i < baton_host_plugin_count(h); i++)
    doctor_plugin(&d, baton_host_plugin_at(h, i));
  if (cli->opts.json) {
    json_t *o = json_pack("{s:o, s:i, s:i}", "checks", d.checks, "failures",
                          d.failures, "warnings", d.warnings);
    char *s = json_dumps(o, JSON_INDENT(2));
    fprintf(cli->out, "%s\n", s ? s : "{}");
    free(s);
    json_decref(o);
  } else {
    json_decref(d.checks);
    fprintf(cli->out, "%d problem%s found\n", d.failures,
            d.failures == 1 ? "" : "s");
  }
  return d.failures ? 1 : 0;
}

/* ---- dispatch -------------------------------------------------------------*/

static int run_builtin(baton_cli_t *cli, const baton_builtin_t *b, int argc,
                       const char *const *argv) {
  char prefix[128];
  if (b->group)
    snprintf(prefix, sizeof prefix, "baton %s %s", b->group, b->spec.name);
  else
    snprintf(prefix, sizeof prefix, "baton %s", b->spec.name);
  baton_value_t *vals = NULL;
  char *msg = NULL;
  int consumed = argc;
  int r = baton__args_parse(&b->spec, argc, argv, &vals, &consumed, &msg);
  if (r == 1) {
    baton__args_help(&b->spec, prefix, cli->out);
    return 0;
  }
  if (r != 0) {
    baton__usage_error(cli->host, &b->spec, prefix, msg);
    free(msg);
    return 2;
  }
  /* A person or group argument names one in the store, as for a plugin. */
  int status = baton__host_check_store_args(cli->host, &b->spec, vals, prefix);
  if (status == 0)
    status = b->fn(cli, &b->spec, vals, argc - consumed, argv + consumed);
  baton__args_free(&b->spec, vals);
  return status;
}

static int unknown_command(baton_cli_t *cli, const char *word) {
  /* Plugin namespaces first: on a tie, the practice is the likelier aim. */
  const char *cands[256];
  size_t n = 0;
  for (size_t i = 0; i < baton_host_plugin_count(cli->host) && n < 128; i++) {
    const baton_plugin_t *p = baton_host_plugin_at(cli->host, i);
    if (p->m)
      cands[n++] = p->m->ns;
  }
  FOREACH_BUILTIN(b) {
    if (n < 256)
      cands[n++] = b->group ? b->group : b->spec.name;
  }
  const char *s = baton__suggest(word, cands, n);
  char *msg = s ? baton__asprintf("unknown command '%s' (did you mean '%s'?)",
                                  word, s)
                : baton__asprintf("unknown command '%s'", word);
  if (cli->opts.json)
    baton__host_report(cli->host, NULL, msg ? msg : word,
                       "see baton --help for the commands");
  else
    fprintf(cli->err, "baton: %s\nsee 'baton --help' for the commands\n",
            msg ? msg : word);
  free(msg);
  return 2;
}

/* `baton people shwo`: the group's commands, with the nearest one. */
static int unknown_subcommand(baton_cli_t *cli, const char *group,
                              const char *sub) {
  const char *cands[64];
  size_t n = 0;
  FOREACH_BUILTIN(b) {
    if (n < 64 && b->group && strcmp(b->group, group) == 0)
      cands[n++] = b->spec.name;
  }
  const char *s = baton__suggest(sub, cands, n);
  char *msg = s ? baton__asprintf("unknown command 'baton %s %s' (did you "
                                  "mean 'baton %s %s'?)",
                                  group, sub, group, s)
                : baton__asprintf("unknown command 'baton %s %s'", group, sub);
  if (cli->opts.json) {
    char *hint = baton__asprintf("see baton %s --help for its commands", group);
    baton__host_report(cli->host, NULL, msg ? msg : sub, hint);
    free(hint);
  } else {
    fprintf(cli->err, "baton: %s\n", msg ? msg : sub);
    group_help(cli->err, group);
  }
  free(msg);
  return 2;
}

static int dispatch(baton_cli_t *cli, int argc, const char *const *argv) {
  const char *word = argv[0];
  if (strcmp(word, "__complete") == 0) /* hidden: core/cli/cmd_completion.c */
    return baton__complete(cli, argc - 1, argv + 1);
  const baton_builtin_t *b = find_builtin(NULL, word);
  if (b)
    return run_builtin(cli, b, argc - 1, argv + 1);
  if (is_group(word)) {
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
      group_help(sub ? cli->out : cli->err, word);
      return sub ? 0 : 2;
    }
    if ((b = find_builtin(word, sub)) != NULL)
      return run_builtin(cli, b, argc - 2, argv + 2);
    return unknown_subcommand(cli, word, sub);
  }
  const baton_plugin_t *p = baton__host_find_ns(cli->host, word);
  if (p == NULL)
    return unknown_command(cli, word);
  const char *sub = argc > 1 ? argv[1] : NULL;
  if (p->state != BATON_PLUGIN_FAILED &&
      (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
    namespace_help(sub ? cli->out : cli->err, p);
    return sub ? 0 : 2;
  }
  return baton_host_run_command(cli->host, word, sub,
                                argc > 1 ? argc - 2 : 0, argv + 2);
}

int baton__cli_main(int argc, char **argv) {
  globals_t g;
  memset(&g, 0, sizeof g);
  baton_host_options_init(&g.o);
  env_limits(&g);
  /* parse_globals takes the global flags out of argv: keep it whole for a
   * command that restarts itself (baton serve). */
  char **given = malloc(((size_t)argc + 1) * sizeof *given);
  if (given == NULL)
    return 1;
  memcpy(given, argv, (size_t)argc * sizeof *given);
  given[argc] = NULL;
  int given_argc = argc;
  if (parse_globals(&g, &argc, argv, stderr) != 0) {
    free(given);
    return 2;
  }
  baton_host_t *h;
  if (baton_host_new(&h, &g.o) != 0) {
    fprintf(stderr, "baton: cannot start: out of memory\n");
    return 1;
  }
  baton_cli_t cli = {.host = h, .opts = g.o, .prog = "baton",
                     .out = g.o.out, .err = g.o.err,
                     .argc = given_argc, .argv = given};
  int status;
  if (setup_path(h, &g) != 0 || baton_host_scan(h) != 0) {
    fprintf(stderr, "baton: %s\n", baton_host_last_error(h));
    status = 1;
  } else if (g.help || argc == 0) {
    top_help(&cli);
    status = argc == 0 && !g.help ? 2 : 0;
  } else {
    status = dispatch(&cli, argc, (const char *const *)argv);
  }
  fflush(stdout);
  baton_host_free(h);
  free(given);
  return status;
}
