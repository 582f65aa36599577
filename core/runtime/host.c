/* core/runtime/host.c: the host: the search path, the scan of manifests,
 * signals, and running a command or a script on the loop.
 *
 * The host owns its loop, its plugins and the watchdog thread. Running a
 * command is: find the plugin by its namespace, check the arguments
 * against the manifest, load the code if this is its first use, start the
 * handler as a task, and run the loop until no work remains. */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"

void baton_host_options_init(baton_host_options_t *o) {
  memset(o, 0, sizeof *o);
  o->out = stdout;
  o->err = stderr;
  o->memory_limit = (size_t)256 << 20;
  o->time_limit_ms = 30000;
}

int baton__host_new(baton_host_t **out, const baton_host_options_t *o,
                    const baton_bindings_t *b) {
  *out = NULL;
  baton_host_t *h = calloc(1, sizeof *h);
  if (h == NULL)
    return BATON_ENOMEM;
  h->opts = *o;
  h->bindings = b;
  if (h->opts.out == NULL)
    h->opts.out = stdout;
  if (h->opts.err == NULL)
    h->opts.err = stderr;
  if (uv_loop_init(&h->loop) != 0)
    goto fail_loop;
  if (uv_async_init(&h->loop, &h->wake, NULL) != 0)
    goto fail_async;
  uv_unref((uv_handle_t *)&h->wake);
  h->wake.data = h;
  if (baton__watchdog_start(h) != 0)
    goto fail_watchdog;
  *out = h;
  return 0;

fail_watchdog:
  uv_close((uv_handle_t *)&h->wake, NULL);
  uv_run(&h->loop, UV_RUN_NOWAIT);
fail_async:
  uv_loop_close(&h->loop);
fail_loop:
  free(h);
  return BATON_EIO;
}

void baton_host_free(baton_host_t *h) {
  if (h == NULL)
    return;
  baton__hooks_free(h);
  for (size_t i = 0; i < h->nplugins; i++)
    baton__plugin_free(h->plugins[i]);
  free(h->plugins);
  baton__plugin_free(h->script);
  baton__host_store_close(h);
  baton__watchdog_stop(h);
  uv_close((uv_handle_t *)&h->wake, NULL);
  /* Let close callbacks of timers and requests run before the loop goes. */
  while (uv_loop_close(&h->loop) == UV_EBUSY)
    uv_run(&h->loop, UV_RUN_NOWAIT);
  for (size_t i = 0; i < h->ndirs; i++)
    free(h->dirs[i]);
  free(h->dirs);
  free(h->error);
  free(h);
}

int baton__host_fail(baton_host_t *h, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = baton__vasprintf(fmt, ap);
  va_end(ap);
  free(h->error);
  h->error = m;
  return err;
}

const char *baton_host_last_error(const baton_host_t *h) {
  return h->error ? h->error : "";
}

static void json_report(FILE *f, const char *kind, const char *plugin,
                        const char *msg, const char *hint) {
  struct json_t *o = json_object();
  struct json_t *e = json_object();
  if (plugin)
    json_object_set_new(e, kind, json_string(plugin));
  json_object_set_new(e, "message", json_string(msg));
  if (hint)
    json_object_set_new(e, "hint", json_string(hint));
  json_object_set_new(o, "error", e);
  char *s = json_dumps(o, JSON_COMPACT);
  if (s)
    fprintf(f, "%s\n", s);
  free(s);
  json_decref(o);
}

void baton__host_report(baton_host_t *h, const char *plugin, const char *msg,
                        const char *hint) {
  FILE *f = h->opts.err;
  fflush(h->opts.out);
  /* Callers pass the plugin's own name string: the script's is the one of
   * h->script, and is reported as a script. */
  const char *kind =
      h->script != NULL && plugin == h->script->name ? "script" : "plugin";
  if (h->opts.json) {
    json_report(f, kind, plugin, msg, hint);
  } else {
    if (plugin)
      fprintf(f, "baton: error in %s '%s': %s\n", kind, plugin, msg);
    else
      fprintf(f, "baton: error: %s\n", msg);
    if (hint)
      fprintf(f, "  hint: %s\n", hint);
  }
  fflush(f);
}

/* ---- the search path and the scan ---------------------------------------- */

int baton_host_add_plugin_dir(baton_host_t *h, const char *dir) {
  /* The same directory reached twice (./plugins is also the source tree's)
   * is searched once. */
  char real[PATH_MAX];
  const char *key = realpath(dir, real) ? real : dir;
  for (size_t i = 0; i < h->ndirs; i++) {
    char other[PATH_MAX];
    const char *ok = realpath(h->dirs[i], other) ? other : h->dirs[i];
    if (strcmp(ok, key) == 0)
      return 0;
  }
  char **d = realloc(h->dirs, (h->ndirs + 1) * sizeof *d);
  if (d == NULL)
    return BATON_ENOMEM;
  h->dirs = d;
  if ((h->dirs[h->ndirs] = baton__strdup(dir)) == NULL)
    return BATON_ENOMEM;
  h->ndirs++;
  return 0;
}

size_t baton_host_plugin_count(const baton_host_t *h) { return h->nplugins; }

baton_plugin_t *baton_host_plugin_at(const baton_host_t *h, size_t i) {
  return i < h->nplugins ? h->plugins[i] : NULL;
}

baton_plugin_t *baton_host_plugin_find(const baton_host_t *h,
                                       const char *name) {
  for (size_t i = 0; i < h->nplugins; i++)
    if (h->plugins[i]->state != BATON_PLUGIN_SHADOWED &&
        strcmp(h->plugins[i]->name, name) == 0)
      return h->plugins[i];
  return NULL;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "FILE:LINE" of a manifest field, for errors found after loading. */
static char *where(const baton_plugin_t *p, const char *key) {
  int line = baton__manifest_line(p->manifest_path, key);
  return line > 0 ? baton__asprintf("%s:%d", p->manifest_path, line)
                  : baton__strdup(p->manifest_path);
}

static int add_plugin(baton_host_t *h, baton_plugin_t *p) {
  baton_plugin_t **v = realloc(h->plugins, (h->nplugins + 1) * sizeof *v);
  if (v == NULL)
    return BATON_ENOMEM;
  h->plugins = v;
  h->plugins[h->nplugins++] = p;
  return 0;
}

static void fail_plugin(baton_plugin_t *p, char *msg) {
  free(p->error);
  p->error = msg;
  p->state = BATON_PLUGIN_FAILED;
}

/* ---- names ----------------------------------------------------------------
 * Plugin names, namespaces and baton's own words share one space. A name
 * is a plugin's identity: its tables are NAME_* (the store's authorizer
 * gives a plugin every table with its prefix), its routes /api/NAME/...;
 * a namespace is its command word and routes /api/NS/.... So neither may
 * be a word of baton's own (a core table, bookkeeping, an API path, a
 * built-in command), a namespace may not be another plugin's name, and
 * no plugin's tables may lie among another's or baton's own. */

/* Words of baton's own besides the built-in commands (which come from the
 * CLI's own table, through h->builtin_word), and what each is. */
static const struct {
  const char *word, *what;
} core_words[] = {
    {"people", "a table of baton's own (and /api/people)"},
    {"groups", "a table of baton's own (and /api/groups)"},
    {"memberships", "a table of baton's own"},
    {"events", "baton's event log table (and /api/events)"},
    {"schema", "baton's bookkeeping (the table schema_version)"},
    {"schema_version", "baton's bookkeeping table"},
    {"sqlite", "SQLite's own tables (sqlite_*)"},
    {"api", "the prefix of the web API"},
    {"health", "/api/health"},
    {"plugins", "/api/plugins"},
    {"app", "the web app"},
    {"static", "the web app's files"},
    {"baton", "baton itself"},
    {"sessions", "reserved for signing in"},
    {"invitations", "reserved for signing in"},
    {"config", "reserved for baton's settings"},
};

/* The core tables a plugin could own by its prefix (core/store/store.c's, and
 * the bookkeeping table). */
static const char *const core_tables[] = {"people", "groups", "memberships",
                                          "events", "schema_version"};

/* What baton uses `word` for, malloc'd, or NULL if it is free. */
static char *core_word(const baton_host_t *h, const char *word) {
  for (size_t i = 0; i < sizeof core_words / sizeof *core_words; i++)
    if (strcmp(word, core_words[i].word) == 0)
      return baton__strdup(core_words[i].what);
  const char *builtin = h->builtin_word ? h->builtin_word(word) : NULL;
  return builtin ? baton__asprintf("the built-in command `baton %s`", builtin)
                 : NULL;
}

/* Whether the tables of prefix a (a_*) and of prefix b overlap: one
 * prefix, with its '_', starts the other. */
static int prefixes_nest(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  size_t n = na < nb ? na : nb;
  if (strncmp(a, b, n) != 0)
    return 0;
  return na == nb || (na < nb ? b[na] : a[nb]) == '_';
}

/* The table prefix of a name, as the store gives it (core/lua/lua_store.c):
 * lower case, every other character but letters and digits '_', without
 * a script's ".lua". */
static void table_prefix(const char *name, char *out, size_t size) {
  size_t n = strlen(name);
  if (n > 4 && strcmp(name + n - 4, ".lua") == 0)
    n -= 4;
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < size; i++) {
    char c = name[i];
    out[k++] = c >= 'A' && c <= 'Z'                             ? (char)(c + 32)
               : (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c
                                                                  : '_';
  }
  out[k] = '\0';
}

/* What of baton's own the tables of `prefix` would take in, malloc'd, or
 * NULL. */
static char *owns_core(const char *prefix) {
  for (size_t i = 0; i < sizeof core_tables / sizeof *core_tables; i++) {
    size_t n = strlen(prefix);
    if (strncmp(core_tables[i], prefix, n) == 0 && core_tables[i][n] == '_')
      return baton__asprintf("baton's own table %s", core_tables[i]);
  }
  if (prefixes_nest(prefix, "sqlite"))
    return baton__strdup("SQLite's own tables (sqlite_*)");
  return NULL;
}

/* Why p's name or namespace cannot be had, malloc'd "FILE:LINE: what
 * collides; what to do", or NULL if they can. `self` (the plugin p
 * replaces on reload) is not compared; a namespace already used counts
 * only for the first `earlier` plugins (the first found keeps it). */
static char *name_problem(const baton_host_t *h, const baton_plugin_t *p,
                          const baton_plugin_t *self, size_t earlier) {
  const char *name = p->m->name, *ns = p->m->ns;
  char *msg = NULL, *what;
  char *at_name = where(p, "name");
  char *at_ns = where(p, baton__manifest_line(p->manifest_path, "namespace")
                             ? "namespace"
                             : "name");
  if ((what = core_word(h, name)) != NULL) {
    msg = baton__asprintf("%s: name '%s' is a word of baton itself; give "
                          "the plugin another name in plugin.lua (baton uses "
                          "it for %s)",
                          at_name, name, what);
  } else if ((what = owns_core(name)) != NULL) {
    msg = baton__asprintf("%s: name '%s' would give the plugin %s (a plugin "
                          "owns the tables named %s_*); give the plugin "
                          "another name in plugin.lua",
                          at_name, name, what, name);
  } else if ((what = core_word(h, ns)) != NULL) {
    msg = baton__asprintf("%s: namespace '%s' is a word of baton itself; set "
                          "another namespace in plugin.lua (baton uses it for "
                          "%s)",
                          at_ns, ns, what);
  }
  free(what);
  for (size_t i = 0; i < h->nplugins && msg == NULL; i++) {
    const baton_plugin_t *q = h->plugins[i];
    if (q == self || q == p || q->m == NULL ||
        q->state == BATON_PLUGIN_SHADOWED)
      continue;
    if (strcmp(ns, q->name) == 0)
      msg = baton__asprintf("%s: namespace '%s' is the name of plugin '%s' "
                            "(%s); it would answer `baton %s` and /api/%s/ "
                            "in that plugin's place; set another namespace "
                            "in plugin.lua",
                            at_ns, ns, q->name, q->dir, ns, ns);
    else if (strlen(name) > strlen(q->name) && prefixes_nest(name, q->name))
      msg = baton__asprintf("%s: name '%s' puts the plugin's tables (%s_*) "
                            "among those of plugin '%s' (%s), whose tables "
                            "are %s_*; give the plugin a name that does not "
                            "start with '%s_'",
                            at_name, name, name, q->name, q->dir, q->name,
                            q->name);
    else if (i < earlier && q->state != BATON_PLUGIN_FAILED &&
             strcmp(q->m->ns, ns) == 0)
      msg = baton__asprintf("%s: namespace '%s' is already used by plugin "
                            "'%s' (%s); set another namespace in plugin.lua",
                            at_ns, ns, q->name, q->dir);
  }
  free(at_name);
  free(at_ns);
  return msg;
}

/* Whether a workflow script's name is free for its tables: its table
 * prefix (the file name, lower case, without .lua) must not take in a
 * table of baton's own, SQLite's, or a plugin's. Returns 0, or
 * BATON_EINVAL with *err (malloc'd) naming the file and what to do. */
static int script_name_problem(const baton_host_t *h, const baton_plugin_t *p,
                               char **err) {
  char prefix[256];
  table_prefix(p->name, prefix, sizeof prefix);
  char *what = owns_core(prefix);
  for (size_t i = 0; i < h->nplugins && what == NULL; i++) {
    const baton_plugin_t *q = h->plugins[i];
    if (q->m != NULL && q->state != BATON_PLUGIN_SHADOWED &&
        prefixes_nest(prefix, q->name))
      what = baton__asprintf("the tables of plugin '%s' (%s_*)", q->name,
                             q->name);
  }
  if (what == NULL)
    return 0;
  *err = baton__asprintf("%s: a script named '%s' would own the tables %s_*, "
                         "which take in %s; rename the script (its file name "
                         "names its tables)",
                         p->main_path, p->name, prefix, what);
  free(what);
  return BATON_EINVAL;
}

/* Reads the manifest of the plugin in `path` (a directory with plugin.lua). */
static int scan_one(baton_host_t *h, const char *dirname, const char *path) {
  baton_plugin_t *p = baton__plugin_new(h, dirname, path);
  if (p == NULL)
    return BATON_ENOMEM;
  p->manifest_path = baton__asprintf("%s/plugin.lua", path);
  p->main_path = baton__asprintf("%s/init.lua", path);
  if (p->manifest_path == NULL || p->main_path == NULL) {
    baton__plugin_free(p);
    return BATON_ENOMEM;
  }
  char *err = NULL;
  if (baton__manifest_load(p->manifest_path, &p->m, &err) != 0) {
    fail_plugin(p, err);
    return add_plugin(h, p);
  }
  p->perms = p->m->perms;
  if (baton__scopes_copy(&p->scopes, &p->m->scopes) != 0) {
    baton__plugin_free(p);
    return BATON_ENOMEM;
  }
  if (strcmp(p->name, p->m->name) != 0) {
    free(p->name);
    p->name = baton__strdup(p->m->name);
  }
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *q = h->plugins[i];
    if (q->state == BATON_PLUGIN_SHADOWED || q->m == NULL)
      continue;
    if (strcmp(q->name, p->name) == 0) {
      free(p->error);
      p->error = baton__asprintf("shadowed by %s, found earlier on the "
                                 "plugin path", q->dir);
      p->state = BATON_PLUGIN_SHADOWED;
      return add_plugin(h, p);
    }
  }
  return add_plugin(h, p); /* its name is checked once all are found */
}

int baton__host_reload(baton_host_t *h, baton_plugin_t *old, char **err) {
  *err = NULL;
  size_t i = 0;
  while (i < h->nplugins && h->plugins[i] != old)
    i++;
  if (i == h->nplugins || old->is_script || old->manifest_path == NULL) {
    *err = baton__strdup("not a plugin of this host");
    return BATON_EINVAL;
  }
  baton_plugin_t *np = baton__plugin_new(h, old->name, old->dir);
  if (np == NULL || (np->manifest_path = baton__strdup(old->manifest_path)) ==
                        NULL ||
      (np->main_path = baton__strdup(old->main_path)) == NULL) {
    *err = baton__strdup("out of memory");
    goto keep;
  }
  if (baton__manifest_load(np->manifest_path, &np->m, err) != 0)
    goto keep;
  if (strcmp(np->m->name, old->name) != 0) {
    *err = baton__asprintf("%s now names the plugin '%s' instead of '%s'; "
                           "restart to rename a plugin",
                           np->manifest_path, np->m->name, old->name);
    goto keep;
  }
  if ((*err = name_problem(h, np, old, h->nplugins)) != NULL)
    goto keep;
  np->perms = np->m->perms;
  if (baton__scopes_copy(&np->scopes, &np->m->scopes) != 0) {
    *err = baton__strdup("out of memory");
    goto keep;
  }
  /* The new code loads beside the old, which serves until it succeeds. */
  if (baton__plugin_load(np) != 0) {
    *err = baton__strdup(np->error);
    goto keep;
  }
  h->plugins[i] = np;
  baton__plugin_free(old); /* its tasks end as cancelled, its routes go */
  return 0;
keep:
  baton__plugin_free(np);
  if (*err == NULL)
    *err = baton__strdup("out of memory");
  free(old->reload_error);
  old->reload_error = baton__strdup(*err);
  if (old->state == BATON_PLUGIN_FAILED) {
    free(old->error);
    old->error = baton__strdup(*err);
  }
  return BATON_EPLUGIN;
}

static int scan_dir(baton_host_t *h, const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0; /* a missing directory is reported by `baton doctor` */
  char **names = NULL;
  size_t n = 0, cap = 0;
  int r = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (BATON_GROW(names, n, cap, 16) != 0) {
      r = BATON_ENOMEM;
      break;
    }
    if ((names[n] = baton__strdup(e->d_name)) == NULL) {
      r = BATON_ENOMEM;
      break;
    }
    n++;
  }
  closedir(d);
  /* Sorted, so the order never depends on the file system. */
  if (names != NULL)
    qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    char *path = baton__asprintf("%s/%s", dir, names[i]);
    char *mf = baton__asprintf("%s/plugin.lua", path ? path : "");
    if (r == 0 && path && mf && baton__is_file(mf))
      r = scan_one(h, names[i], path);
    free(mf);
    free(path);
    free(names[i]);
  }
  free(names);
  return r;
}

/* Marks plugins whose dependencies are missing, failed or circular. Depth
 * first: 1 = on the current path, 2 = done. */
static int check_deps(baton_host_t *h, baton_plugin_t *p, char *color,
                      baton_buf_t *path) {
  size_t idx = 0;
  while (h->plugins[idx] != p)
    idx++;
  if (color[idx] == 2)
    return p->state == BATON_PLUGIN_FAILED;
  if (color[idx] == 1) {
    baton__buf_printf(path, " -> %s", p->name);
    return -1;
  }
  color[idx] = 1;
  size_t mark = path->len;
  baton__buf_printf(path, "%s%s", path->len ? " -> " : "", p->name);
  int bad = 0;
  for (size_t i = 0; p->m && i < p->m->ndepends && !bad; i++) {
    const char *dn = p->m->depends[i];
    baton_plugin_t *d = baton_host_plugin_find(h, dn);
    char *at = where(p, "depends");
    if (d == NULL) {
      fail_plugin(p, baton__asprintf("%s: depends on '%s', which is not "
                                     "installed; install it or remove it "
                                     "from depends",
                                     at, dn));
      bad = 1;
    } else {
      int r = check_deps(h, d, color, path);
      if (r < 0) {
        fail_plugin(p, baton__asprintf("%s: dependency cycle %s; remove one "
                                       "of these depends",
                                       at, path->data));
        bad = 1;
      } else if (r > 0) {
        fail_plugin(p, baton__asprintf("%s: depends on '%s', which failed: "
                                       "%s",
                                       at, dn,
                                       d->error ? d->error : "see baton "
                                                             "plugins"));
        bad = 1;
      }
    }
    free(at);
  }
  if (!bad) {
    path->len = mark;
    if (path->data)
      path->data[mark] = '\0';
  }
  color[idx] = 2;
  /* Failed now or before (a broken manifest, a reserved namespace). */
  return bad || p->state == BATON_PLUGIN_FAILED;
}

int baton_host_scan(baton_host_t *h) {
  for (size_t i = 0; i < h->nplugins; i++)
    baton__plugin_free(h->plugins[i]);
  h->nplugins = 0;
  for (size_t i = 0; i < h->ndirs; i++) {
    int r = scan_dir(h, h->dirs[i]);
    if (r != 0)
      return baton__host_fail(h, r, "scanning %s: %s", h->dirs[i],
                              baton_strerror(r));
  }
  /* Names against baton's words and every other plugin, in the order
   * found: a namespace used twice stays with the first. */
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state == BATON_PLUGIN_SHADOWED || p->m == NULL ||
        p->state == BATON_PLUGIN_FAILED)
      continue;
    char *why = name_problem(h, p, NULL, i);
    if (why)
      fail_plugin(p, why);
  }
  char *color = calloc(h->nplugins + 1, 1);
  if (color == NULL)
    return BATON_ENOMEM;
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state == BATON_PLUGIN_SHADOWED || p->m == NULL)
      continue;
    baton_buf_t path = {0};
    check_deps(h, p, color, &path);
    baton__buf_free(&path);
  }
  free(color);
  h->scanned = 1;
  return 0;
}

/* ---- signals ---------------------------------------------------------------
 * Ctrl-C (or SIGTERM) kills the Lua code that runs now, through its hooks,
 * and wakes the loop, which then cancels every task and timer. A second
 * Ctrl-C is left to the default action, so a stuck host can still be
 * stopped. */
static baton_host_t *volatile signal_host;

static void kill_all(baton_host_t *h, int reason) {
  for (size_t i = 0; i < h->nplugins; i++)
    if (h->plugins[i]->nactive > 0)
      baton__sandbox_kill(h->plugins[i], reason);
  if (h->script && h->script->nactive > 0)
    baton__sandbox_kill(h->script, reason);
}

static void on_signal(int sig) {
  baton_host_t *h = signal_host;
  signal(sig, SIG_DFL);
  if (h == NULL)
    return;
  h->signal = sig;
  kill_all(h, BATON_ECANCELED);
  uv_async_send(&h->wake);
}

static void cancel_plugin(baton_plugin_t *p) {
  while (p->tasks != NULL) {
    p->tasks->reported = 1;
    baton__task_kill(p->tasks, BATON_ECANCELED, NULL);
  }
  p->host->bindings->cancel(p);
}

/* `baton serve` (core/cli/serve/) lets the requests being answered
 * finish on SIGINT/SIGTERM: while it has set a drain hook, the wake-up
 * calls the hook instead of cancelling everything, and the hook ends the
 * loop itself. */
void baton__host_set_drain(baton_host_t *h, void (*drain)(baton_host_t *h)) {
  h->drain = drain;
}

/* Cancels every task and timer of every plugin and ends the loop. */
static void stop_all(baton_host_t *h) {
  for (size_t i = 0; i < h->nplugins; i++)
    cancel_plugin(h->plugins[i]);
  if (h->script)
    cancel_plugin(h->script);
  uv_stop(&h->loop);
}

static void wake_cb(uv_async_t *a) {
  baton_host_t *h = a->data;
  baton_plugin_t *exiting = h->exiting;
  if (exiting != NULL) { /* baton.exit: see baton__host_exit_script */
    h->exiting = NULL;
    if (exiting == h->script)
      stop_all(h);
    else
      cancel_plugin(exiting); /* a captured script (run_script) */
  }
  if (h->signal == 0)
    return;
  if (h->drain != NULL) { /* baton serve: see above */
    h->drain(h);
    return;
  }
  stop_all(h);
}

void baton__host_exit_script(baton_host_t *h, baton_plugin_t *p, int status) {
  h->exit_set = 1;
  h->exit_status = status;
  p->exited = 1;
  h->exiting = p;
  baton__sandbox_kill(p, BATON_ECANCELED);
  /* Not now: the running task is on the C stack, and cancelling tasks
   * from inside one of them would free it under its own feet. */
  h->wake.async_cb = wake_cb;
  uv_async_send(&h->wake);
}

/* Installs (on = 1) or restores (on = 0) the SIGINT and SIGTERM handlers.
 * A signal that the parent ignores (a background job of a script) stays
 * ignored. Idempotent. */
void baton__host_signals(baton_host_t *h, int on) {
  static struct sigaction old_int, old_term;
  static int installed;
  if (on && !installed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    signal_host = h;
    h->wake.async_cb = wake_cb;
    sigaction(SIGINT, NULL, &old_int);
    sigaction(SIGTERM, NULL, &old_term);
    if (old_int.sa_handler != SIG_IGN)
      sigaction(SIGINT, &sa, NULL);
    if (old_term.sa_handler != SIG_IGN)
      sigaction(SIGTERM, &sa, NULL);
    installed = 1;
  } else if (!on && installed) {
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    signal_host = NULL;
    installed = 0;
  }
}

int baton__host_run_loop(baton_host_t *h) {
  baton__host_signals(h, 1);
  if (h->signal == 0)
    uv_run(&h->loop, UV_RUN_DEFAULT);
  if (h->signal != 0)
    wake_cb(&h->wake); /* the loop may have ended before the wake-up ran */
  baton__host_signals(h, 0);
  fflush(h->opts.out);
  if (h->signal != 0) {
    if (!h->opts.quiet)
      fprintf(h->opts.err, "baton: interrupted; nothing was left half-written\n");
    return 128 + h->signal;
  }
  if (h->exit_set)
    return h->exit_status;
  return h->failed ? 1 : 0;
}

/* ---- running commands and scripts ---------------------------------------- */

baton_plugin_t *baton__host_find_ns(const baton_host_t *h, const char *ns) {
  baton_plugin_t *failed = NULL;
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    /* A plugin whose manifest failed has no command word: its name, the
     * likely one, finds it, so the user typing it learns why it is not
     * there instead of reading "unknown command". */
    if (p->m == NULL && p->state == BATON_PLUGIN_FAILED &&
        strcmp(p->name, ns) == 0 && failed == NULL)
      failed = p;
    if (p->m == NULL || strcmp(p->m->ns, ns) != 0)
      continue;
    if (p->state == BATON_PLUGIN_AVAILABLE || p->state == BATON_PLUGIN_LOADED)
      return p;
    if (p->state == BATON_PLUGIN_FAILED && failed == NULL)
      failed = p;
  }
  return failed;
}

/* Command tasks report their own failure, with the command named. */
/* A command ended with baton.usage_error: its message, then its usage
 * line, as for an argument the manifest refuses. Returns 0 if the task is
 * not a command whose spec is found (then it is reported as a failure). */
static int usage_done(baton_host_t *h, baton_task_t *t) {
  const baton_plugin_t *p = t->p;
  char ns[64], name[64];
  /* t->what is "command 'NS CMD'" (baton__host_start_command) */
  if (p->m == NULL ||
      sscanf(t->what, "command '%63s %63[^']'", ns, name) != 2)
    return 0;
  for (size_t i = 0; i < p->m->ncmds; i++)
    if (strcmp(p->m->cmds[i].name, name) == 0) {
      char prefix[160];
      snprintf(prefix, sizeof prefix, "baton %s %s", ns, name);
      baton__usage_error(h, &p->m->cmds[i], prefix,
                         t->error ? t->error : "usage error");
      t->reported = 1;
      return 1;
    }
  return 0;
}

void baton__command_done(baton_task_t *t) {
  if (t->status == 0 || t->status == BATON_ECANCELED)
    return;
  baton_host_t *h = t->p->host;
  if (t->status == BATON_EUSAGE && usage_done(h, t))
    return;
  char *msg = baton__asprintf("%s failed: %s", t->what,
                              t->error ? t->error : baton_strerror(t->status));
  /* The traceback hint is for errors in the code (they name a .lua file),
   * not for messages a plugin wrote for the user with error("...", 0). */
  const char *hint =
      t->status == BATON_EPLUGIN && !h->opts.debug && t->error &&
              strstr(t->error, ".lua:") != NULL
          ? "run again with --debug to see the Lua traceback"
          : NULL;
  baton__host_report(h, t->p->name, msg ? msg : "failed", hint);
  free(msg);
  t->reported = 1;
}

/* The command or script `baton` was run for has ended. If it failed (an
 * error, a limit, a kill), the run is over: the timers and tasks it left
 * would otherwise keep the loop, and their code, running for ever. After
 * a success they run on, as docs/lua-api.md says ("Waiting"). */
static void run_done(baton_task_t *t) {
  baton__command_done(t);
  if (t->status == BATON_EUSAGE && !t->p->host->exit_set) {
    t->p->host->exit_set = 1; /* exit status 2, as for any usage error */
    t->p->host->exit_status = 2;
  }
  if (t->status != 0)
    stop_all(t->p->host);
}

static void push_ctx(lua_State *L, baton_host_t *h, baton_plugin_t *p,
                     const char *cmd) {
  lua_createtable(L, 0, 6);
  lua_pushstring(L, p->name);
  lua_setfield(L, -2, "plugin");
  lua_pushstring(L, cmd);
  lua_setfield(L, -2, "command");
  lua_pushboolean(L, h->opts.json);
  lua_setfield(L, -2, "json");
  lua_pushboolean(L, h->opts.quiet);
  lua_setfield(L, -2, "quiet");
  lua_pushboolean(L, h->opts.debug);
  lua_setfield(L, -2, "debug");
  lua_pushstring(L, p->dir);
  lua_setfield(L, -2, "dir");
}

struct cmd_push {
  baton_host_t *h;
  baton_plugin_t *p;
  const baton_cmdspec_t *spec;
  const baton_value_t *vals;
};

/* [] -> [handler, args, ctx] (runs protected on the plugin's state). */
static int push_command(lua_State *L) {
  struct cmd_push *c = lua_touserdata(L, 1);
  lua_pop(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->module_ref);
  char key[128];
  snprintf(key, sizeof key, "%s", c->spec->name);
  for (char *k = key; *k; k++)
    if (*k == '-')
      *k = '_';
  lua_getfield(L, -1, key);
  lua_remove(L, -2);
  baton__args_push(L, c->spec, c->vals);
  push_ctx(L, c->h, c->p, c->spec->name);
  return 3;
}

void baton__usage_error(baton_host_t *h, const baton_cmdspec_t *spec,
                        const char *prefix, const char *msg) {
  baton_buf_t u = {0};
  baton__args_usage(spec, prefix, &u);
  if (h->opts.json) {
    char *m = baton__asprintf("%s: %s", prefix, msg);
    char *hint = baton__asprintf("usage: %s", u.data ? u.data : prefix);
    baton__host_report(h, NULL, m ? m : msg, hint);
    free(m);
    free(hint);
  } else {
    fprintf(h->opts.err, "%s: %s\nusage: %s\nsee '%s --help'\n", prefix, msg,
            u.data ? u.data : prefix, prefix);
  }
  baton__buf_free(&u);
}

/* The command could not start for want of memory: under the plugin's
 * limit (its state is full), or the machine's. */
static void report_no_memory(baton_host_t *h, baton_plugin_t *p) {
  char msg[256];
  if (p->mem_limit != 0)
    snprintf(msg, sizeof msg,
             "out of memory in plugin '%s' (limit %d MiB) starting the "
             "command; use less memory, or raise the limit with "
             "--memory-limit MIB",
             p->name, (int)(p->mem_limit >> 20));
  else
    snprintf(msg, sizeof msg, "out of memory starting the command");
  baton__host_report(h, p->name, msg, NULL);
}

/* "error in plugin 'x': failed to load: FILE:LINE: why", where its
 * command was typed: its manifest, its init.lua, a dependency. */
static void report_load_failure(baton_host_t *h, const baton_plugin_t *p) {
  char *m = baton__asprintf("failed to load: %s",
                            p->error ? p->error : "(no message)");
  baton__host_report(h, p->name, m ? m : p->error,
                     "fix the plugin, then check it with baton doctor");
  free(m);
}

/* What baton_people_get found of one person. */
typedef struct {
  int found, active;
  char name[128];
} person_seen_t;

static int person_seen(const baton_person_t *p, void *ud) {
  person_seen_t *f = ud;
  f->found = 1;
  f->active = p->active;
  snprintf(f->name, sizeof f->name, "%s", p->name ? p->name : "");
  return 0;
}

#define SEEN_ONE 1 /* not an error code: seen_one stops at the first person */

static int seen_one(const baton_person_t *p, void *ud) {
  (void)p;
  (void)ud;
  return SEEN_ONE;
}

/* 1 if the store holds nobody at all, active or not: a person argument
 * then fails because the staff list was never imported. */
static int nobody_yet(baton_store_t *s) {
  return baton_people_each(s, NULL, 0, 1, seen_one, NULL) == 0;
}

/* The ids (or group names) in the store, to suggest the nearest to a
 * value that is none of them. */
typedef struct {
  char **names;
  size_t n, cap;
} names_t;

static int add_name(names_t *l, const char *name) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **g = realloc(l->names, cap * sizeof *g);
    if (g == NULL)
      return BATON_ENOMEM;
    l->names = g;
    l->cap = cap;
  }
  if ((l->names[l->n] = baton__strdup(name)) == NULL)
    return BATON_ENOMEM;
  l->n++;
  return 0;
}

static int add_person(const baton_person_t *p, void *ud) {
  return add_name(ud, p->id);
}

static int add_group(const baton_group_t *g, void *ud) {
  return add_name(ud, g->name);
}

/* " (did you mean 'X'?)" for the name nearest to x, or "". malloc'd. */
static char *nearest(baton_store_t *s, int group, const char *x) {
  names_t l = {0};
  if (group)
    baton_groups_each(s, add_group, &l);
  else
    baton_people_each(s, NULL, 0, 1, add_person, &l);
  const char *near = baton__suggest(x, (const char *const *)l.names, l.n);
  char *out =
      near ? baton__asprintf(" (did you mean '%s'?)", near) : baton__strdup("");
  for (size_t i = 0; i < l.n; i++)
    free(l.names[i]);
  free(l.names);
  return out;
}

/* One value of a person or group argument against the store. */
static int check_one(baton_store_t *s, const baton_argspec_t *a,
                     const char *label, const char *x, char **err) {
  int r;
  if (a->type == BATON_ARG_GROUP) {
    r = baton_group_members(s, x, seen_one, NULL);
    if (r == 0 || r == SEEN_ONE)
      return 0;
    if (r == BATON_ENOTFOUND) {
      char *near = nearest(s, 1, x);
      *err = baton__asprintf("%s: no group '%s'%s; see baton groups list "
                             "(baton groups import FILE adds groups)",
                             label, x, near ? near : "");
      free(near);
      return *err ? BATON_EUSAGE : BATON_ENOMEM;
    }
  } else {
    person_seen_t f = {0};
    r = baton_people_get(s, x, person_seen, &f);
    if (r == 0 && f.found && (f.active || a->inactive))
      return 0;
    if (r == 0 || r == BATON_ENOTFOUND) {
      char *near = f.found ? NULL : nearest(s, 0, x);
      *err = f.found ? baton__asprintf("%s: '%s' (%s) is no longer active in "
                                       "the staff list; see baton people "
                                       "list --all",
                                       label, x, f.name)
             : nobody_yet(s)
                 ? baton__asprintf("%s: no person '%s': there are no "
                                   "people in the database yet; "
                                   "import the staff list first "
                                   "(baton people import FILE)",
                                   label, x)
                 : baton__asprintf("%s: no person '%s' in the "
                                   "staff list%s; see baton people "
                                   "list",
                                   label, x, near ? near : "");
      free(near);
      return *err ? BATON_EUSAGE : BATON_ENOMEM;
    }
  }
  *err = baton__asprintf("%s: cannot check '%s' against the staff list: %s",
                         label, x, baton_store_last_error(s));
  return r;
}

int baton__arg_check_store(baton_store_t *s, const baton_argspec_t *a,
                           const baton_value_t *v, char **err) {
  *err = NULL;
  if ((a->type != BATON_ARG_PERSON && a->type != BATON_ARG_GROUP) || !v->set)
    return 0;
  char label[80];
  baton__arg_label(a, label, sizeof label);
  for (size_t k = 0; k < (a->many ? v->nitems : 1); k++) {
    const baton_value_t *x = a->many ? &v->items[k] : v;
    int r = x->set && x->v.s ? check_one(s, a, label, x->v.s, err) : 0;
    if (r != 0)
      return r;
  }
  return 0;
}

/* The person and group arguments of a parsed command, checked against the
 * host's store (opened only when the command has one). Returns 0, or the
 * exit status after reporting: 2 for a value not in the store, 1 when
 * the store cannot be read. */
int baton__host_check_store_args(baton_host_t *h, const baton_cmdspec_t *spec,
                                 const baton_value_t *vals,
                                 const char *prefix) {
  baton_store_t *s = NULL;
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if ((a->type != BATON_ARG_PERSON && a->type != BATON_ARG_GROUP) ||
        !vals[i].set)
      continue;
    if (s == NULL && baton__host_store(h, &s) != 0) {
      baton__host_report(h, NULL, h->error, NULL);
      return 1;
    }
    char *msg = NULL;
    int r = baton__arg_check_store(s, a, &vals[i], &msg);
    if (r == BATON_EUSAGE)
      baton__usage_error(h, spec, prefix, msg);
    else if (r != 0)
      baton__host_report(h, NULL, msg ? msg : baton_strerror(r), NULL);
    free(msg);
    if (r != 0)
      return r == BATON_EUSAGE ? 2 : 1;
  }
  return 0;
}

int baton__host_start_command(baton_host_t *h, const char *ns,
                               const char *cmd, int argc,
                               const char *const *argv,
                               void (*done_cb)(baton_task_t *), void *data,
                               int *started) {
  *started = 0;
  if (!h->scanned && baton_host_scan(h) != 0) {
    baton__host_report(h, NULL, baton_host_last_error(h), NULL);
    return 1;
  }
  baton_plugin_t *p = baton__host_find_ns(h, ns);
  if (p == NULL) {
    baton__host_fail(h, BATON_ENOTFOUND, "unknown command '%s'", ns);
    baton__host_report(h, NULL, h->error, "see baton --help for the commands");
    return 2;
  }
  if (p->state == BATON_PLUGIN_FAILED) {
    report_load_failure(h, p);
    return 1;
  }
  const baton_cmdspec_t *spec = cmd ? baton__manifest_command(p->m, cmd) : NULL;
  if (spec == NULL) {
    const char *names[256];
    size_t n = 0;
    for (size_t i = 0; i < p->m->ncmds && n < 256; i++)
      names[n++] = p->m->cmds[i].name;
    const char *s = cmd ? baton__suggest(cmd, names, n) : NULL;
    if (cmd == NULL)
      baton__host_fail(h, BATON_EUSAGE, "'baton %s' needs a command", ns);
    else if (s)
      baton__host_fail(h, BATON_EUSAGE, "unknown command 'baton %s %s' (did "
                       "you mean 'baton %s %s'?)", ns, cmd, ns, s);
    else
      baton__host_fail(h, BATON_EUSAGE, "unknown command 'baton %s %s'", ns,
                       cmd);
    char hint[128];
    snprintf(hint, sizeof hint, "see baton help %s for its commands", ns);
    baton__host_report(h, NULL, h->error, hint);
    return 2;
  }
  char prefix[256];
  snprintf(prefix, sizeof prefix, "baton %s %s", ns, spec->name);
  baton_value_t *vals = NULL;
  char *msg = NULL;
  int r = baton__args_parse(spec, argc, argv, &vals, NULL, &msg);
  if (r == 1) {
    baton__args_help(spec, prefix, h->opts.out);
    return 0;
  }
  if (r != 0) {
    baton__usage_error(h, spec, prefix, msg);
    free(msg);
    return 2;
  }
  if ((r = baton__host_check_store_args(h, spec, vals, prefix)) != 0) {
    baton__args_free(spec, vals);
    return r;
  }
  baton__host_signals(h, 1);
  if (baton__plugin_load(p) != 0) {
    report_load_failure(h, p);
    baton__args_free(spec, vals);
    return 1;
  }
  /* What the command may reach: its plugin's grant, attenuated by the
   * code that calls it if any; the files the user named on the command
   * line of a command run directly are reachable too. */
  baton_reach_t *reach =
      baton__reach_new(p, h->running ? h->running->reach : NULL);
  const char *actor = h->next_actor; /* baton serve's signed-in person */
  const char *school = h->next_school; /* ... and the school they see */
  h->next_actor = NULL;
  h->next_school = NULL;
  if (reach == NULL ||
      baton__reach_args(reach, spec, vals, h->user_args && !h->running) != 0 ||
      baton__reach_set_actor(reach, actor) != 0 ||
      baton__reach_set_school(reach, school) != 0) {
    baton__reach_unref(reach);
    report_no_memory(h, p);
    baton__args_free(spec, vals);
    return 1;
  }
  lua_State *L = p->L;
  struct cmd_push c = {h, p, spec, vals};
  lua_pushcfunction(L, push_command);
  lua_pushlightuserdata(L, &c);
  if (baton__sandbox_pcall(p, 1, 3) != LUA_OK) {
    baton__host_report(h, p->name, lua_tostring(L, -1), NULL);
    lua_pop(L, 1);
    baton__reach_unref(reach);
    baton__args_free(spec, vals);
    return 1;
  }
  baton__args_free(spec, vals);
  h->next_reach = reach; /* taken by baton__task_start */
  char what[160];
  snprintf(what, sizeof what, "command '%s %s'", ns, spec->name);
  /* [handler, args, ctx] */
  if (baton__task_start(p, 2, what, done_cb, data) != 0) {
    report_no_memory(h, p);
    return 1;
  }
  *started = 1;
  return 0;
}


int baton_host_run_command(baton_host_t *h, const char *ns, const char *cmd,
                           int argc, const char *const *argv) {
  int started;
  h->failed = 0;
  h->user_args = 1; /* the caller's own arguments: their paths are granted */
  int r = baton__host_start_command(h, ns, cmd, argc, argv, run_done, NULL,
                                    &started);
  h->user_args = 0;
  if (!started) {
    baton__host_signals(h, 0);
    return r;
  }
  return baton__host_run_loop(h);
}

/* Pushes the script's chunk and its arguments, and sets the global `arg`
 * the way the lua interpreter does. [] -> [chunk, args...] */
struct script_push {
  baton_plugin_t *p;
  const char *path;
  int argc;
  const char *const *argv;
};

static int push_script(lua_State *L) {
  struct script_push *c = lua_touserdata(L, 1);
  lua_pop(L, 1);
  lua_createtable(L, c->argc, 1);
  lua_pushstring(L, c->path);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < c->argc; i++) {
    lua_pushstring(L, c->argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setglobal(L, "arg");
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->p->module_ref);
  luaL_checkstack(L, c->argc, "too many arguments");
  for (int i = 0; i < c->argc; i++)
    lua_pushstring(L, c->argv[i]);
  return c->argc + 1;
}

baton_plugin_t *baton__host_new_script(baton_host_t *h, const char *path,
                                       const char *const *perms, int *status) {
  const char *slash = strrchr(path, '/');
  char *dir = slash ? baton__strndup(path, (size_t)(slash - path))
                    : baton__strdup(".");
  baton_plugin_t *p = dir ? baton__plugin_new(h, slash ? slash + 1 : path, dir)
                          : NULL;
  free(dir);
  if (p == NULL || (p->main_path = baton__strdup(path)) == NULL) {
    baton__plugin_free(p);
    baton__host_report(h, NULL, "out of memory", NULL);
    *status = 1;
    return NULL;
  }
  p->is_script = 1;
  for (size_t i = 0; perms && perms[i]; i++) {
    char *why = NULL;
    int r = baton__grant_add(&p->perms, &p->scopes, perms[i], " for --allow",
                             &why);
    if (r != 0) {
      baton__host_report(h, NULL, why ? why : baton_strerror(r), NULL);
      free(why);
      baton__plugin_free(p);
      *status = 2;
      return NULL;
    }
  }
  return p;
}

int baton__host_start_script(baton_host_t *h, baton_plugin_t *p, int argc,
                             const char *const *argv,
                             void (*done_cb)(baton_task_t *), void *data,
                             int *started) {
  *started = 0;
  const char *path = p->main_path;
  if (!baton__is_file(path)) {
    char *m = baton__asprintf("no such script: %s", path);
    baton__host_report(h, NULL, m, "give the path of a .lua file");
    free(m);
    return 1;
  }
  char *why = NULL;
  if ((!h->scanned && baton_host_scan(h) != 0) ||
      script_name_problem(h, p, &why) != 0) {
    baton__host_report(h, NULL, why ? why : baton_host_last_error(h), NULL);
    free(why);
    return 1;
  }
  baton__host_signals(h, 1);
  if (baton__plugin_load(p) != 0) {
    baton__host_report(h, p->name, p->error, NULL);
    return 1;
  }
  struct script_push c = {p, path, argc, argv};
  lua_State *L = p->L;
  lua_pushcfunction(L, push_script);
  lua_pushlightuserdata(L, &c);
  if (baton__sandbox_pcall(p, 1, argc + 1) != LUA_OK) {
    baton__host_report(h, NULL, lua_tostring(L, -1), NULL);
    lua_pop(L, 1);
    return 1;
  }
  char what[PATH_MAX + 16];
  snprintf(what, sizeof what, "script %s", path);
  /* A script holds its own --allow grants, whoever started it (`baton
   * run`, or run_script in a test file, which has none). */
  h->next_reach = baton__reach_new(p, NULL);
  if (h->next_reach == NULL ||
      baton__task_start(p, argc, what, done_cb, data) != 0) {
    baton__host_report(h, NULL, "out of memory starting the script", NULL);
    return 1;
  }
  *started = 1;
  return 0;
}

int baton_host_run_script(baton_host_t *h, const char *path, int argc,
                          const char *const *argv, const char *const *perms) {
  baton__plugin_free(h->script);
  h->script = NULL;
  int status = 0, started;
  baton_plugin_t *p = baton__host_new_script(h, path, perms, &status);
  if (p == NULL)
    return status;
  h->script = p;
  h->exit_set = 0;
  h->failed = 0;
  status = baton__host_start_script(h, p, argc, argv, run_done, NULL, &started);
  if (!started) {
    baton__host_signals(h, 0);
    return status;
  }
  return baton__host_run_loop(h);
}

/* ---- the host's store ---------------------------------------------------- */

const char *baton__host_db_path(const baton_host_t *h) {
  const char *path = h->opts.db_path;
  if (path == NULL || *path == '\0')
    path = getenv("BATON_DB");
  if (path == NULL || *path == '\0')
    path = "baton.db";
  return path;
}

int baton__host_store(baton_host_t *h, struct baton_store_s **out) {
  if (h->store != NULL) {
    *out = h->store;
    return 0;
  }
  const char *path = baton__host_db_path(h);
  char *msg = NULL;
  int e = baton_store_open(&h->store, path, &msg);
  if (e != 0) {
    *out = NULL;
    baton__host_fail(h, e, "%s", msg ? msg : baton_strerror(e));
    free(msg);
    return e;
  }
  *out = h->store;
  return 0;
}

void baton__host_store_close(baton_host_t *h) {
  baton_store_close(h->store);
  h->store = NULL;
}
