/* core/cli/cmd_test.c: `baton test [DIR...]`, plugin tests run inside the
 * real host, and tests of workflow scripts.
 *
 * A plugin's tests are the files tests/NAME_test.lua. Each file runs against
 * a fresh temporary database, in a fresh host, inside the plugin's own
 * sandboxed state (with its permissions and limits), with the test globals
 * of core/lua/lua_test.c. A folder without plugin.lua is a folder of
 * workflow scripts: its tests are tests/NAME_test.lua and NAME_test.lua
 * beside the scripts, each run as a script without grants, with
 * run_script() to run a script of the folder. The summary line is the plain
 * `N passed, N failed`.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void rm_tree(const char *dir) {
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the files NAME_test.lua of folder `tdir` to *files. */
static char **add_test_files(char **files, size_t *n, const char *tdir) {
  DIR *d = opendir(tdir);
  if (d == NULL)
    return files;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (l < 10 || strcmp(e->d_name + l - 9, "_test.lua") != 0)
      continue;
    char **f2 = realloc(files, (*n + 2) * sizeof *f2);
    if (f2 == NULL)
      break;
    files = f2;
    files[(*n)++] = baton__asprintf("%s/%s", tdir, e->d_name);
    files[*n] = NULL;
  }
  closedir(d);
  return files;
}

/* The test files of a plugin folder (tests/NAME_test.lua), or of a folder
 * of workflow scripts (tests/NAME_test.lua and NAME_test.lua beside the
 * scripts), sorted; NULL-terminated. */
static char **test_files(const char *dir, int scripts, size_t *n) {
  *n = 0;
  char **files = calloc(1, sizeof *files);
  char *tdir = baton__asprintf("%s/tests", dir);
  if (files == NULL || tdir == NULL) {
    free(tdir);
    return files;
  }
  files = add_test_files(files, n, tdir);
  if (scripts)
    files = add_test_files(files, n, dir);
  free(tdir);
  qsort(files, *n, sizeof *files, cmp_str);
  return files;
}

static void file_done(baton_task_t *t) {
  baton_test_counts_t *c = t->data;
  if (t->status != 0 && t->status != BATON_ECANCELED) {
    /* The file itself failed: its top level, or a limit that ended it. */
    c->failed++;
    if (c->current[0])
      fprintf(c->out, "  FAIL  %s\n        the test file was stopped: %s\n",
              c->current, t->error ? t->error : baton_strerror(t->status));
    else
      fprintf(c->out, "  FAIL  (the test file)\n        %s\n",
              t->error ? t->error : baton_strerror(t->status));
  }
  t->reported = 1;
}

/* The object a script test file runs as: a script without grants, whose
 * folder (for run_script and fixture_path) is the scripts' folder. */
static baton_plugin_t *script_test_new(baton_host_t *h, const char *dir,
                                       const char *file) {
  int status;
  baton_plugin_t *p = baton__host_new_script(h, file, NULL, &status);
  char *d = p ? baton__strdup(dir) : NULL;
  if (d == NULL) {
    baton__plugin_free(p);
    return NULL;
  }
  free(p->dir);
  p->dir = d;
  return p;
}

/* Runs one test file of the plugin in `dir` (or of the scripts there) in a
 * host of its own. */
static void run_file(baton_cli_t *cli, const char *dir, int scripts,
                     const char *file, baton_test_counts_t *c) {
  char tmp[] = "/tmp/baton-test-XXXXXX";
  if (mkdtemp(tmp) == NULL) {
    c->failed++;
    fprintf(c->out, "  FAIL  cannot make a temporary directory\n");
    return;
  }
  char *db = NULL, *err = NULL;
  const char *url = cli->opts.db_path; /* --db URL (checked before) */
  if (url != NULL && baton_store_scratch_new(url, &db, &err) != 0) {
    c->failed++;
    fprintf(c->out, "  FAIL  %s\n", err ? err : "out of memory");
    free(err);
    rm_tree(tmp);
    return;
  }
  if (url == NULL)
    db = baton__asprintf("%s/baton.db", tmp);
  c->pg_url = url;
  c->pg_scratch = url ? db : NULL;
  baton_host_options_t o = cli->opts;
  o.db_path = db;
  o.json = 0;
  o.today = NULL;
  baton_host_t *h = NULL;
  baton_plugin_t *p = NULL, *test = NULL;
  char real[PATH_MAX], parent[PATH_MAX];
  const char *slash;
  if (realpath(dir, real) == NULL || (slash = strrchr(real, '/')) == NULL ||
      baton_host_new(&h, &o) != 0) {
    c->failed++;
    fprintf(c->out, "  FAIL  %s: cannot set up a host\n", dir);
    goto done;
  }
  snprintf(parent, sizeof parent, "%.*s", (int)(slash - real), real);
  /* The plugin's own folder first, then the usual path for dependencies. */
  if (!scripts)
    baton_host_add_plugin_dir(h, parent);
  for (size_t i = 0; i < cli->host->ndirs; i++)
    baton_host_add_plugin_dir(h, cli->host->dirs[i]);
  baton_host_scan(h);
  for (size_t i = 0; !scripts && i < baton_host_plugin_count(h); i++) {
    baton_plugin_t *q = baton_host_plugin_at(h, i);
    char qr[PATH_MAX];
    if (realpath(q->dir, qr) && strcmp(qr, real) == 0)
      p = q;
  }
  if (scripts)
    p = test = script_test_new(h, real, file);
  if (p == NULL || p->state == BATON_PLUGIN_SHADOWED ||
      baton__plugin_load(p) != 0) {
    c->failed++;
    fprintf(c->out, "  FAIL  the plugin did not load: %s\n",
            p && p->error ? p->error : "no plugin.lua there");
    goto done;
  }
  baton__host_signals(h, 1);
  c->tmp_dir = tmp;
  if (baton__test_start(p, file, c, file_done) != 0) {
    c->failed++;
    fprintf(c->out, "  FAIL  cannot start the test file\n");
  }
  if (baton__host_run_loop(h) >= 128)
    cli->host->signal = h->signal;
done:
  c->tmp_dir = NULL;
  for (size_t i = 0; i < c->nscripts; i++)
    baton__plugin_free(c->scripts[i]);
  free(c->scripts);
  c->scripts = NULL;
  c->nscripts = 0;
  baton__plugin_free(test);
  baton_host_free(h);
  rm_tree(tmp);
  if (url != NULL && db != NULL &&
      baton_store_scratch_drop(url, db, &err) != 0) {
    fprintf(c->out, "  warn  %s\n", err ? err : "out of memory");
    free(err);
  }
  c->pg_url = c->pg_scratch = NULL;
  free(c->refused);
  c->refused = NULL;
  free(db);
}

int baton__cmd_test(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    baton_value_t *args, int argc, const char *const *argv) {
  (void)spec;
  (void)argc;
  (void)argv;
  const baton_value_t *dirs = &args[0];
  /* --db (the flag; $BATON_DB, the everyday database, is not read): a
   * PostgreSQL server whose scratch databases the tests run in */
  const char *url = cli->opts.db_path;
  if (url != NULL && !baton__sql_is_url(url)) {
    fprintf(cli->err,
            "baton test: --db %s: give a postgresql:// URL, whose server "
            "gets a scratch database per test file (the URL's own database "
            "is never written); without --db the tests run on a fresh "
            "SQLite file\n",
            url);
    return 2;
  }
  const char **list = calloc(
      baton_host_plugin_count(cli->host) + dirs->nitems + 1, sizeof *list);
  size_t n = 0;
  if (list == NULL)
    return 1;
  for (size_t i = 0; i < dirs->nitems; i++)
    list[n++] = dirs->items[i].v.s;
  if (n == 0) {
    for (size_t i = 0; i < baton_host_plugin_count(cli->host); i++) {
      baton_plugin_t *p = baton_host_plugin_at(cli->host, i);
      char *t = baton__asprintf("%s/tests", p->dir);
      if (p->state != BATON_PLUGIN_SHADOWED && t && baton__is_dir(t))
        list[n++] = p->dir;
      free(t);
    }
  }
  baton_test_counts_t c = {.out = cli->out};
  int bad_dirs = 0;
  for (size_t i = 0; i < n && cli->host->signal == 0; i++) {
    char *mf = baton__asprintf("%s/plugin.lua", list[i]);
    int plugin = mf && baton__is_file(mf);
    free(mf);
    size_t nf;
    char **files = test_files(list[i], !plugin, &nf);
    if (!plugin && nf == 0) {
      fprintf(cli->err,
              "baton test: %s is not a plugin folder (no "
              "plugin.lua) nor a folder of workflow scripts with "
              "tests (tests/NAME_test.lua or NAME_test.lua)\n",
              list[i]);
      bad_dirs++;
    } else if (nf == 0) {
      fprintf(cli->out, "%s: no tests/*_test.lua files\n", list[i]);
    }
    for (size_t k = 0; k < nf && cli->host->signal == 0; k++) {
      fprintf(cli->out, "%s\n", files[k]);
      run_file(cli, list[i], !plugin, files[k], &c);
    }
    for (size_t k = 0; k < nf; k++)
      free(files[k]);
    free(files);
  }
  free(list);
  for (size_t i = 0; i < c.nwarned; i++)
    free(c.warned[i]);
  free(c.warned);
  fprintf(cli->out, "%d passed, %d failed\n", c.passed, c.failed);
  if (cli->host->signal)
    return 128 + cli->host->signal;
  if (bad_dirs)
    return 2;
  return c.failed ? 1 : 0;
}
