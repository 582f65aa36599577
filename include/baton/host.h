/* baton/host.h: embed the baton host in a program.
 *
 * A host discovers plugins along a search path, reads their manifests, and
 * runs their commands on one libuv loop, each plugin in its own sandboxed
 * Lua state. The CLI (core/cli/main.c) is one user of this API; a program can
 * be another:
 *
 *     baton_host_options_t o;
 *     baton_host_options_init(&o);
 *     baton_host_t *h;
 *     if (baton_host_new(&h, &o) == 0) {
 *       baton_host_add_plugin_dir(h, "plugins");
 *       baton_host_scan(h);
 *       const char *argv[] = {"--times", "2"};
 *       int status = baton_host_run_command(h, "hello", "greet", 2, argv);
 *       baton_host_free(h);
 *     }
 */
#ifndef BATON_HOST_H
#define BATON_HOST_H

#include <stddef.h>
#include <stdio.h>

/* The host API level exposed to plugins as baton.api. A manifest's `api`
 * must equal it. */
#define BATON_API_LEVEL 1

typedef struct baton_host_s baton_host_t;
typedef struct baton_plugin_s baton_plugin_t;

typedef struct {
  FILE *out;                /* command output (baton.print); default stdout */
  FILE *err;                /* logs and errors; default stderr */
  int json;                 /* --json: machine-readable output */
  int quiet;                /* --quiet: no info logs */
  int debug;                /* --debug: debug logs and Lua tracebacks */
  const char *db_path;      /* --db; NULL means $BATON_DB or ./baton.db */
  size_t memory_limit;      /* bytes per plugin state; 0 = no limit */
  unsigned time_limit_ms;   /* per command call; 0 = no limit */
  const char *today;        /* baton.today() as YYYY-MM-DD; NULL: the date */
} baton_host_options_t;

/* Fills `o` with the defaults: stdout/stderr, 256 MiB, 30 s. */
void baton_host_options_init(baton_host_options_t *o);

/* Creates a host. Returns 0, or BATON_ENOMEM / BATON_EIO; on failure *out is
 * NULL. The options are copied; the strings they point to must outlive the
 * host. Free with baton_host_free(). */
int baton_host_new(baton_host_t **out, const baton_host_options_t *o);

/* Releases every plugin state, timer and handle the host owns. NULL is fine. */
void baton_host_free(baton_host_t *h);

/* Appends a directory to the plugin search path (first match wins). A
 * directory that does not exist is kept and reported by `baton doctor`. */
int baton_host_add_plugin_dir(baton_host_t *h, const char *dir);

/* Reads every manifest on the search path. Manifest errors do not fail the
 * scan: they put the plugin in the "failed" state with the error kept on it.
 * Returns 0 or BATON_ENOMEM. */
int baton_host_scan(baton_host_t *h);

/* Runs `baton NAMESPACE COMMAND argv...`: parses and checks the arguments
 * against the manifest, loads the plugin if needed, runs the handler as a
 * coroutine on the loop until no work remains. Returns the process exit
 * status: 0 success, 1 failure, 2 usage error, 130 interrupted. Errors are
 * printed on the host's err stream. */
int baton_host_run_command(baton_host_t *h, const char *ns, const char *cmd,
                           int argc, const char *const *argv);

/* Runs a workflow script with `arg` set as the lua interpreter does, in a
 * sandbox granted `perms` (a NULL-terminated list such as {"fs.read", NULL}).
 * Returns an exit status like baton_host_run_command(). */
int baton_host_run_script(baton_host_t *h, const char *path, int argc,
                          const char *const *argv, const char *const *perms);

/* The message of the last failure, or "" if none. Owned by the host. */
const char *baton_host_last_error(const baton_host_t *h);

/* Plugins found by the last scan, in search-path order. */
size_t baton_host_plugin_count(const baton_host_t *h);
baton_plugin_t *baton_host_plugin_at(const baton_host_t *h, size_t i);
baton_plugin_t *baton_host_plugin_find(const baton_host_t *h, const char *name);

const char *baton_plugin_name(const baton_plugin_t *p);
const char *baton_plugin_version(const baton_plugin_t *p);
const char *baton_plugin_path(const baton_plugin_t *p);
/* "available" (manifest read, code not loaded), "loaded", "failed" or
 * "shadowed" (an earlier directory has a plugin of the same name). */
const char *baton_plugin_state(const baton_plugin_t *p);
/* Why the plugin failed or is shadowed; NULL otherwise. */
const char *baton_plugin_error(const baton_plugin_t *p);

#endif
