/* core/internal.h: what core files share and the public API does not show.
 *
 * Ownership in one paragraph: the host owns its plugins; a plugin owns its
 * Lua state and everything created from it (tasks, timers, pending
 * operations); a task owns the libuv request it waits on. Releasing an owner
 * releases what it owns. libuv handles are freed only in their close
 * callback, so an owner being freed detaches them (op->task = NULL) and lets
 * the callback free them. */
#ifndef BATON_INTERNAL_H
#define BATON_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include <lauxlib.h>
#include <lua.h>
#include <uv.h>

#include "baton/baton.h"

#if defined(__GNUC__)
#define BATON_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BATON_PRINTF(f, a)
#endif

/* ---- util.c: strings, buffers, files ------------------------------------ */

typedef struct {
  char *data; /* NUL-terminated while len < cap */
  size_t len;
  size_t cap;
} baton_buf_t;

/* Appends; returns 0 or BATON_ENOMEM (the buffer is unchanged on failure). */
int baton__buf_append(baton_buf_t *b, const char *s, size_t n);
int baton__buf_printf(baton_buf_t *b, const char *fmt, ...) BATON_PRINTF(2, 3);
void baton__buf_free(baton_buf_t *b);

/* malloc'd copies; NULL on allocation failure (or when s is NULL). */
char *baton__strdup(const char *s);
char *baton__strndup(const char *s, size_t n);
char *baton__asprintf(const char *fmt, ...) BATON_PRINTF(1, 2);
char *baton__vasprintf(const char *fmt, va_list ap);

/* Reads a whole file into a malloc'd NUL-terminated buffer. Returns 0, or
 * BATON_ENOENT / BATON_EPERM / BATON_EIO / BATON_ENOMEM; *err (malloc'd)
 * then names the file and the reason. */
int baton__file_read(const char *path, char **data, size_t *len, char **err);
/* As baton__file_read, opening with O_RDONLY | oflags (O_NOFOLLOW,
 * O_NONBLOCK) and, once the file is open, calling check on it: a non-zero
 * result is returned as it is, with *err set by check, and nothing read. */
struct stat;
int baton__file_read_if(const char *path, int oflags,
                        int (*check)(const struct stat *st, void *ud,
                                     char **err),
                        void *ud, char **data, size_t *len, char **err);

/* Writes a file atomically: a temporary file in the same directory, fsync,
 * rename. A crash or kill leaves either the old file or the new one. */
int baton__file_write_atomic(const char *path, const char *data, size_t len,
                             char **err);

int baton__is_dir(const char *path);
int baton__is_file(const char *path);

/* Damerau-free Levenshtein distance, for "did you mean" suggestions. */
size_t baton__edit_distance(const char *a, const char *b);
/* The candidate closest to `word` if it is close enough to suggest, else NULL. */
const char *baton__suggest(const char *word, const char *const *cands, size_t n);

/* Checks YYYY-MM-DD names a real calendar day. Returns 0 or BATON_EINVAL. */
int baton__date_parse(const char *s, int *y, int *m, int *d);

/* ---- manifest.c: plugin.lua, plain data ---------------------------------- */

#define BATON_PERM_MAP(XX)                                                     \
  XX(FS_READ, 0, "fs.read", "read files (baton.fs.read, baton.fs.list)")       \
  XX(FS_WRITE, 1, "fs.write", "write files (baton.fs.write)")                  \
  XX(SPAWN, 2, "spawn", "run other programs (baton.spawn)")                   \
  XX(HTTP_ROUTE, 3, "http.route",                                              \
     "answer requests of baton serve (baton.http.route)")                      \
  XX(PEOPLE_WRITE, 4, "people.write",                                          \
     "change the staff list and groups (baton.people.import, "                 \
     "baton.groups.import)")

enum {
#define BATON_PERM_ENUM(name, bit, str, what) BATON_PERM_##name = 1u << (bit),
  BATON_PERM_MAP(BATON_PERM_ENUM)
#undef BATON_PERM_ENUM
};

/* Sets *bit for a permission name; BATON_EINVAL for an unknown one. */
int baton__perm_parse(const char *name, unsigned *bit);
const char *baton__perm_name(unsigned bit);
/* "fs.read, fs.write, ...": every name, for error messages. */
const char *baton__perm_list(void);
/* Every permission name, NULL-terminated; name i is bit 1u << i. */
extern const char *const baton__perm_names[];
/* The known permission closest to a misspelt one, or NULL. */
const char *baton__perm_suggest(const char *name);

/* Where fs.read and fs.write reach. A permission held without a path
 * ("fs.read") reaches anywhere but the database and /proc, /sys; one held
 * only with paths ("fs.read:exports/") reaches those paths and what is
 * under them. Paths are kept as written, relative to the working
 * directory, and resolved when a file is used (core/reach.c). */
typedef struct {
  unsigned scoped;  /* BATON_PERM_FS_READ / _WRITE bits limited to paths */
  char **paths[2];  /* [0] fs.read, [1] fs.write */
  size_t npaths[2];
} baton_scopes_t;

/* Adds one grant, "fs.write" or "fs.write:out/", to *perms and *s. A bare
 * grant wins over paths of the same permission. `where` (" for --allow",
 * or "") follows the grant in messages. Returns 0, BATON_EINVAL
 * (unknown permission, a path on a permission that takes none, an empty
 * path) with *err (malloc'd) saying what to write instead, or
 * BATON_ENOMEM. */
int baton__grant_add(unsigned *perms, baton_scopes_t *s, const char *spec,
                     const char *where, char **err);
int baton__scopes_copy(baton_scopes_t *dst, const baton_scopes_t *src);
void baton__scopes_free(baton_scopes_t *s);
/* Appends "fs.read (anywhere except the database and /proc), fs.write
 * (out/)" for a grant; "none" when it holds nothing. */
int baton__grant_describe(unsigned perms, const baton_scopes_t *s,
                          baton_buf_t *b);

typedef enum {
  BATON_ARG_STRING,
  BATON_ARG_INTEGER,
  BATON_ARG_NUMBER,
  BATON_ARG_BOOLEAN,
  BATON_ARG_DATE,
  BATON_ARG_PATH,
  BATON_ARG_ENUM
} baton_argtype_t;

const char *baton__argtype_name(baton_argtype_t t);

/* One typed value: an argument's default or what the user gave. For an
 * argument with `many`, items holds the values and v is unused. */
typedef struct baton_value_s {
  int set;
  baton_argtype_t type;
  union {
    char *s; /* string, date, path, enum */
    long long i;
    double n;
    int b;
  } v;
  struct baton_value_s *items;
  size_t nitems;
} baton_value_t;

typedef struct {
  char *name;      /* as declared, without dashes: "times", "dry-run" */
  char *key;       /* key in the Lua args table: "dry_run" */
  int flag;        /* declared as "--name" */
  char short_name; /* 't' for -t, or 0 */
  baton_argtype_t type;
  baton_value_t def;
  int required; /* a positional without default, or `required = true` */
  int many;     /* repeated flag, or the last positional taking the rest */
  int must_exist; /* path: the file or directory must exist */
  char *help;
  char *metavar; /* shown in usage: "N", "DATE", "FILE" */
  char **values; /* enum */
  size_t nvalues;
} baton_argspec_t;

typedef struct {
  char *name;
  char *summary;
  char *help; /* optional longer text shown by --help */
  baton_argspec_t *args;
  size_t nargs;
  int passthrough; /* stop at the last positional; the rest goes verbatim */
} baton_cmdspec_t;

typedef struct {
  char *name;
  char *version;
  char *summary;
  char *ns; /* the CLI word */
  long long api;
  unsigned perms;
  baton_scopes_t scopes; /* where fs.read / fs.write reach */
  char **depends;
  size_t ndepends;
  baton_cmdspec_t *cmds; /* sorted by name */
  size_t ncmds;
} baton_manifest_t;

/* Evaluates a manifest file with an empty environment, a small instruction
 * budget and a small memory cap, then checks it against the contract.
 * Returns 0 and *out, or BATON_EMANIFEST / BATON_ENOENT / BATON_ENOMEM with
 * *err (malloc'd) as "FILE:LINE: what is wrong; what to do". */
int baton__manifest_load(const char *path, baton_manifest_t **out, char **err);
void baton__manifest_free(baton_manifest_t *m);
/* The line of the manifest at `path` where `key` is assigned (`key =`) or
 * stands quoted; 0 if not found. For errors found after loading. */
int baton__manifest_line(const char *path, const char *key);
const baton_cmdspec_t *baton__manifest_command(const baton_manifest_t *m,
                                               const char *name);

/* ---- args.c: command-line arguments checked against a cmdspec ----------- */

/* Parses argv against spec into vals (spec->nargs entries, defaults filled).
 * Returns 0; 1 when --help was asked for (nothing else is parsed); or
 * BATON_EUSAGE with *err (malloc'd) saying what is wrong and the fix. With
 * spec->passthrough, *consumed is how many argv entries were parsed; the
 * rest belongs to the program being run. Free vals with baton__args_free. */
int baton__args_parse(const baton_cmdspec_t *spec, int argc,
                      const char *const *argv, baton_value_t **vals,
                      int *consumed, char **err);
void baton__args_free(const baton_cmdspec_t *spec, baton_value_t *vals);
void baton__value_clear(baton_value_t *v);
/* Prints "usage: PREFIX ..." and the argument table. */
void baton__args_help(const baton_cmdspec_t *spec, const char *prefix,
                      FILE *out);
/* "baton hello greet [WHO] [--times N]" into a buffer. */
int baton__args_usage(const baton_cmdspec_t *spec, const char *prefix,
                      baton_buf_t *b);
/* Pushes the parsed values as a Lua table keyed by argspec key. */
void baton__args_push(lua_State *L, const baton_cmdspec_t *spec,
                      const baton_value_t *vals);

/* ---- host.c, plugin.c, sandbox.c, task.c, watchdog.c: the runtime ------- */

typedef enum {
  BATON_PLUGIN_AVAILABLE,
  BATON_PLUGIN_LOADED,
  BATON_PLUGIN_FAILED,
  BATON_PLUGIN_SHADOWED
} baton_plugin_state_t;

/* How deep plugin coroutines may nest while running (resume inside resume). */
#define BATON_MAX_ACTIVE 128

typedef struct baton_task_s baton_task_t;
typedef struct baton_op_s baton_op_t;

struct baton_plugin_s {
  baton_host_t *host;
  char *name;
  char *dir;           /* the plugin's directory; require() stays inside */
  char *manifest_path; /* NULL for a script */
  char *main_path;     /* init.lua, or the script */
  baton_manifest_t *m; /* NULL if the manifest failed or for a script */
  baton_plugin_state_t state;
  char *error; /* why failed or shadowed */
  int is_script;
  unsigned perms;
  baton_scopes_t scopes; /* where fs.read / fs.write reach (a copy) */

  /* Runtime, valid while loaded. */
  lua_State *L;
  int module_ref; /* registry ref of the table init.lua returned */
  size_t mem, mem_peak, mem_limit;
  baton_task_t *tasks;        /* live tasks, newest first */
  struct baton_timer_s *timers; /* live timers */
  struct baton_route_s *routes; /* baton.http.route, in the order made */
  int loading;                  /* init.lua is running (routes may be made) */
  char *reload_error; /* why the last reload failed (the old code runs) */

  /* Read by the watchdog thread and the signal handler: the threads now
   * running (the resume chain), and why the running call is being killed. */
  lua_State *volatile active[BATON_MAX_ACTIVE];
  volatile int nactive;
  volatile int kill; /* 0, or BATON_ETIMEDOUT / BATON_ENOMEM / BATON_ECANCELED */
};

typedef struct {
  uv_thread_t thread;
  uv_mutex_t mu;
  uv_cond_t cond;
  baton_plugin_t *plugin; /* whose Lua code runs now, or NULL */
  uint64_t deadline;      /* uv_hrtime() value; 0 = none */
  uint64_t stuck_at;      /* after a kill: when to give up on the call */
  unsigned gen;           /* changes whenever the guarded call changes */
  unsigned stuck_gen;     /* gen when the kill was armed */
  int quit;
  int started;
} baton_watchdog_t;

struct baton_host_s {
  uv_loop_t loop;
  baton_host_options_t opts;
  char **dirs;
  size_t ndirs;
  baton_plugin_t **plugins;
  size_t nplugins;
  baton_plugin_t *script; /* the plugin object of `baton run` */
  char *error;
  baton_watchdog_t wd;
  uv_async_t wake; /* the signal handler wakes the loop through it */
  volatile int signal; /* SIGINT/SIGTERM received, or 0 */
  int failed;          /* a task of this run failed */
  int scanned;
  struct baton_store_s *store; /* opened on first use; see core/store.c */
  /* The task whose Lua code runs now (innermost), or NULL; a task started
   * while it runs is started by it, and gets no more than its reach. */
  baton_task_t *running;
  /* The reach the next baton__task_start gives its task instead of the
   * default (its plugin's grant, attenuated by the running task's). */
  struct baton_reach_s *next_reach;
  int user_args; /* baton_host_run_command: the arguments are the user's */
  char today[16];              /* set_today() of the test runner */
  /* When set, a plugin stuck in C makes the watchdog replace the process
   * with this program (execve) instead of exiting: `baton serve` restarts
   * itself on the same listening socket, fd, kept open across the exec. */
  struct {
    char *path;
    char **argv, **envp;
    int fd;
    char token[49];  /* the write token, handed over through a pipe */
    char *token_env; /* the entry of envp naming the pipe's fd */
  } respawn;
};

/* The host's database, opened (and migrated) on first use from
 * opts.db_path, $BATON_DB or ./baton.db. Returns 0 or an error code with the
 * host's last error set. Defined in core/store.c. */
int baton__host_store(baton_host_t *h, struct baton_store_s **out);
/* The database's path: opts.db_path, $BATON_DB or "baton.db". */
const char *baton__host_db_path(const baton_host_t *h);
/* Closes the host's database if it was opened. Defined in core/store.c. */
void baton__host_store_close(baton_host_t *h);

/* The plugin whose namespace is `ns`: a working one if any, else a failed
 * one (to report why), else NULL. Shadowed plugins are never returned. */
baton_plugin_t *baton__host_find_ns(const baton_host_t *h, const char *ns);
/* Records the message of the last failure (printf-style); returns `err`. */
int baton__host_fail(baton_host_t *h, int err, const char *fmt, ...)
    BATON_PRINTF(3, 4);
/* Prints an error for the user on the host's err stream, as text or, with
 * --json, as {"error": ...}. `hint` may be NULL. */
void baton__host_report(baton_host_t *h, const char *plugin, const char *msg,
                        const char *hint);
/* Installs (1) or restores (0) the SIGINT/SIGTERM handlers that cancel
 * the running work; install before any plugin code runs. */
void baton__host_signals(baton_host_t *h, int on);
/* Prints a usage error ("PREFIX: msg", the usage line, where to get help),
 * as {"error": ...} with --json. */
void baton__usage_error(baton_host_t *h, const baton_cmdspec_t *spec,
                        const char *prefix, const char *msg);
/* Starts `baton NS CMD argv...` as a task without running the loop: checks
 * the arguments, loads the plugin, starts the handler, which runs until it
 * first waits or ends; its end is reported through done_cb. Returns 0 with
 * *started = 1, or an exit status (0 for --help, 1, 2) with *started = 0
 * when nothing was started (the error is reported). */
int baton__host_start_command(baton_host_t *h, const char *ns,
                               const char *cmd, int argc,
                               const char *const *argv,
                               void (*done_cb)(baton_task_t *), void *data,
                               int *started);
/* Reloads a plugin from its files: reads the manifest and loads init.lua
 * into a fresh state beside the old one; on success the new plugin object
 * takes the old one's place and the old one is freed (its tasks end as
 * cancelled, its timers and routes go with it). On failure the old one
 * stays as it was, with old->reload_error (and, if it had failed before,
 * old->error) set. Returns 0 or an error code with *err (malloc'd)
 * naming file and line. */
int baton__host_reload(baton_host_t *h, baton_plugin_t *old, char **err);
/* reload.c: watching plugins' files and reloading them when they change.
 * cb gets the plugin's name and NULL, or the error that kept the last good
 * version running. */
typedef struct baton_watch_s baton_watch_t;
typedef void (*baton_reload_fn)(baton_host_t *h, const char *plugin,
                                const char *error, void *ud);
/* Watches every plugin of h (scanned already) on h's loop. */
int baton__watch_start(baton_watch_t **out, baton_host_t *h,
                       baton_reload_fn cb, void *ud);
/* Stops watching; the handles are freed by the loop's next turn. */
void baton__watch_stop(baton_watch_t *w);
/* The done callback of command tasks: reports a failure, naming the
 * command. */
void baton__command_done(baton_task_t *t);
/* Runs the loop until no work remains or a signal stops it. Returns the exit
 * status: 0, 1 if a task failed, 128+signal if interrupted. */
int baton__host_run_loop(baton_host_t *h);

/* plugin.c */
/* Creates the plugin's Lua state and runs its main file. Returns 0 or an
 * error code with p->error set and the state closed. */
int baton__plugin_load(baton_plugin_t *p);
void baton__plugin_unload(baton_plugin_t *p);
baton_plugin_t *baton__plugin_new(baton_host_t *h, const char *name,
                                  const char *dir);
void baton__plugin_free(baton_plugin_t *p);
/* The plugin that owns a Lua state (every state's extra space points to it). */
baton_plugin_t *baton__plugin_of(lua_State *L);

/* sandbox.c */
/* A new Lua state for p: a counting allocator capped at p->mem_limit, the
 * allow-listed libraries, the read-only `baton` table. NULL on failure
 * (with p->error set). */
lua_State *baton__sandbox_new(baton_plugin_t *p);
/* Loads a text chunk from a file inside the sandbox (no binary chunks).
 * Pushes the function, or returns non-zero with the message pushed. */
int baton__sandbox_loadfile(lua_State *L, const char *path);
/* Marks a thread as running / no longer running (the resume chain). Returns
 * BATON_EINVAL when the chain is too deep. */
int baton__sandbox_enter(baton_plugin_t *p, lua_State *co);
void baton__sandbox_leave(baton_plugin_t *p);
/* Makes every running thread of p raise an error at its next instruction
 * and at every one after, until the call unwinds; pcall cannot swallow it.
 * Safe from another thread and from a signal handler. */
void baton__sandbox_kill(baton_plugin_t *p, int reason);
/* Calls the function below nargs values on p's main state in protected
 * mode, as plugin code: on the resume chain, under the watchdog with the
 * host's time limit, with a message handler that turns the error into a
 * message naming file and line (see baton__sandbox_errmsg). Returns the
 * lua_pcall status; on failure the message string is on top. */
int baton__sandbox_pcall(baton_plugin_t *p, int nargs, int nres);
/* Closes p's state so that no finalizer of the plugin can run long. */
void baton__sandbox_close(baton_plugin_t *p);
/* Removes the kill hook from a thread once its call has unwound. */
void baton__sandbox_disarm(baton_plugin_t *p, lua_State *co);
/* A message for the error value on top of co's stack after a failed resume
 * or pcall: never runs a __tostring longer than a small budget. Names the
 * plugin, file and line; adds a traceback when the host runs with --debug.
 * `limit_ms` is the time limit the call ran under (a route's may be
 * shorter than the host's), named when that limit ended it. Returns a
 * malloc'd string. */
char *baton__sandbox_errmsg(baton_plugin_t *p, lua_State *co, int status,
                            unsigned limit_ms);

/* watchdog.c */
int baton__watchdog_start(baton_host_t *h);
void baton__watchdog_stop(baton_host_t *h);
/* From the loop thread: Lua code of p runs from now until disarm, and must
 * be killed at `deadline` (uv_hrtime; 0 = never). */
void baton__watchdog_arm(baton_host_t *h, baton_plugin_t *p, uint64_t deadline);
void baton__watchdog_disarm(baton_host_t *h);
/* What the watchdog guards now, and putting that back after a nested run
 * (a task started from inside another, e.g. by the test runner's run()). */
void baton__watchdog_get(baton_host_t *h, baton_plugin_t **p,
                         uint64_t *deadline);
void baton__watchdog_restore(baton_host_t *h, baton_plugin_t *p,
                             uint64_t deadline);

/* task.c: a coroutine of a plugin running on the loop */

/* What an async binding waits for. The binding embeds this at the start of
 * its own struct, starts its libuv request, and calls baton__task_wait. When
 * the request completes it checks `task`: NULL means the task is gone (killed
 * or cancelled) and only the op must be freed. */
struct baton_op_s {
  baton_task_t *task;
  /* Stops the request; the completion callback still runs and frees. */
  void (*cancel)(baton_op_t *op);
};

struct baton_task_s {
  baton_plugin_t *p;
  lua_State *co;
  int ref;           /* registry anchor of co */
  char *what;        /* "command greet", "timer callback": for messages */
  uint64_t deadline; /* uv_hrtime; 0 = none */
  unsigned limit_ms; /* the time limit deadline was set from; 0 = none */
  uv_timer_t *timer; /* wall-clock deadline while waiting */
  baton_op_t *op;    /* what it waits for, if anything */
  int status;        /* 0, or the error code it ended with */
  char *error;       /* the message it failed with, or NULL */
  struct baton_reach_s *reach; /* what its code may reach (core/reach.c) */
  int reported;      /* done_cb reported the error itself */
  int finished;
  void (*done_cb)(baton_task_t *t); /* after it ends, before it is freed */
  void *data;
  baton_task_t *next;
};

/* Starts a task that calls the function below nargs values on the
 * plugin's main state (they are moved to a new coroutine) and runs it at
 * once, until it first waits or ends. Returns 0 (the task may already have
 * ended: its end is reported through done_cb, before it is freed) or
 * BATON_ENOMEM, with the function and values popped either way. */
int baton__task_start(baton_plugin_t *p, int nargs, const char *what,
                      void (*done_cb)(baton_task_t *), void *data);
/* The same with a time limit of its own: ms (0: none) instead of the
 * host's --time-limit (a route of `baton serve` has a shorter one). */
int baton__task_start_within(baton_plugin_t *p, int nargs, const char *what,
                             void (*done_cb)(baton_task_t *), void *data,
                             unsigned ms);
/* Resumes a waiting task with the values `push` pushes (it runs protected
 * on the plugin's main state and returns how many it pushed; `push` may be
 * NULL for none). An allocation failure while pushing ends the task with
 * an out-of-memory error instead of resuming it. */
void baton__task_resume(baton_task_t *t, int (*push)(lua_State *L, void *ud),
                        void *ud);
/* The task whose coroutine is L, checked to be able to wait: raises a Lua
 * error naming `fn` if L is not a task's own coroutine or cannot yield here.
 * Call it before starting the libuv request. */
baton_task_t *baton__task_current(lua_State *L, const char *fn);
/* Called by an async binding from the running coroutine: records op and
 * yields. Use as `return baton__task_wait(L, op);`. Raises a Lua error if
 * L is not a task's coroutine (e.g. inside a coroutine of the plugin's own). */
int baton__task_wait(lua_State *L, baton_op_t *op);
/* Ends a task now with `status` (cancelled, timed out): cancels its op. */
void baton__task_kill(baton_task_t *t, int status, const char *msg);
/* The task running L, or NULL. */
baton_task_t *baton__task_of(lua_State *L);

/* ---- lua_*.c: the baton.* API, one file per module ----------------------- */

/* Each pushes its module table (or sets fields of the baton table at -1). */
void baton__lua_open_api(lua_State *L, baton_plugin_t *p); /* lua_baton.c */
int baton__lua_open_json(lua_State *L);                    /* lua_json.c */
int baton__lua_open_date(lua_State *L);                    /* lua_date.c */
/* 0 if the value at idx is a string that is exactly a date YYYY-MM-DD (its
 * Lua length counts, so a NUL and what follows it are not ignored), with
 * its parts in *y, *m, *d (each may be NULL); BATON_EINVAL otherwise. */
int baton__lua_todate(lua_State *L, int idx, int *y, int *m, int *d);
/* The string argument at idx, or a field at a negative idx, for use as a
 * C string: raises "FN: WHAT holds a NUL byte ..." if it has one, since C
 * would silently cut it there (a path, a name, SQL text, a program's
 * argument). A number is converted in place, as lua_tostring does. Inline
 * because the baton.ics module (lua_ics.c, built apart) uses it too. */
static inline const char *baton__lua_checkcstring(lua_State *L, int idx,
                                                  const char *fn,
                                                  const char *what) {
  size_t len;
  if (idx < 0 && !lua_isstring(L, idx)) /* a field, not an argument */
    luaL_error(L, "%s: %s must be a string, not a %s", fn, what,
               luaL_typename(L, idx));
  const char *s = luaL_checklstring(L, idx, &len);
  const char *nul = memchr(s, '\0', len);
  if (nul != NULL)
    luaL_error(L,
               "%s: %s holds a NUL byte (byte %d of %d), where C would "
               "cut it short; remove it",
               fn, what, (int)(nul - s) + 1, (int)len);
  return s;
}
int baton__lua_open_plugin(lua_State *L);                  /* lua_plugin.c */
int baton__lua_open_timer(lua_State *L);                   /* lua_timer.c */
int baton__lua_open_fs(lua_State *L);                      /* lua_fs.c */
int baton__lua_open_spawn(lua_State *L);                   /* lua_spawn.c */
int baton__lua_open_http(lua_State *L);                    /* lua_http.c */

/* A route made by baton.http.route (lua_http.c); owned by its plugin. */
typedef struct baton_route_s {
  char method[8];
  char *path;  /* "/api/mentoring/pairs/:id" */
  int ref;     /* the handler, in the plugin's registry */
  char *where; /* "plugins/x/init.lua:12", where it was made */
  int nocache; /* made with {cache = false}: GET answers are not kept */
  struct baton_route_answer_s *answers; /* kept GET answers (lua_http.c) */
  struct baton_route_s *next;
} baton_route_t;
/* Drops a plugin's routes (their handlers go with its state). */
void baton__routes_free(baton_plugin_t *p);
/* ---- reach.c: what the running code may reach ---------------------------
 * A task's reach is its plugin's grant, and, when another plugin's code
 * started it (baton.plugin), that caller's reach too: an operation must be
 * allowed by every link of the chain, so a call never lends the caller
 * more than it holds. Reaches are immutable and reference-counted: a task
 * and each timer it makes hold one. */
typedef struct baton_reach_s baton_reach_t;
/* A reach for code of p called by code holding `caller` (may be NULL);
 * takes a reference to caller. NULL on allocation failure. */
baton_reach_t *baton__reach_new(baton_plugin_t *p, baton_reach_t *caller);
baton_reach_t *baton__reach_ref(baton_reach_t *r);
void baton__reach_unref(baton_reach_t *r);
/* Records the `path` arguments of a command (for messages: "--csv"); with
 * granted set, they came from the user's own command line and their files
 * are reachable for this call even outside the plugin's paths. Returns 0
 * or BATON_ENOMEM. Only before the reach is shared. */
int baton__reach_args(baton_reach_t *r, const baton_cmdspec_t *spec,
                      const baton_value_t *vals, int granted);
/* The reach of the code running now in L's plugin: the running task's,
 * or NULL for code outside any task (loading), which has its plugin's own
 * grant. */
baton_reach_t *baton__reach_now(lua_State *L);
/* Raises "plugin 'x' needs permission 'fs.read' to call baton.fs.read; ..."
 * unless every link of the running code's reach holds perm; the message
 * names the caller that lacks it. */
void baton__lua_need(lua_State *L, unsigned perm, const char *fn);
/* Files a check of baton__lua_file refused or allowed: what the pool
 * thread checks again once the file is open (the database's files). */
typedef struct {
  dev_t dev[4];
  ino_t ino[4];
  int n;
} baton_denied_t;
/* Checks that the running code may use the file at `path` for perm
 * (BATON_PERM_FS_READ or _WRITE) as fn: the capability along the whole
 * chain, the path inside every link's grant, never the database (its
 * -wal, -shm, -journal), /proc or /sys. Pushes the resolved absolute path
 * (every symlink and ".." of its existing part resolved) and returns it;
 * *denied gets the database's files for a second check after opening.
 * Raises with a message naming the plugin, the path and the fix. */
const char *baton__lua_file(lua_State *L, unsigned perm, const char *fn,
                            const char *path, baton_denied_t *denied);
/* Converts between Lua values and jansson; defined in lua_json.c. */
struct json_t;
struct json_t *baton__lua_to_json(lua_State *L, int idx, char **err);
void baton__lua_push_json(lua_State *L, struct json_t *j);
/* jansson's allocations counted against a plugin's memory limit, for a
 * conversion made for it outside baton.json: between open and close,
 * jansson's memory on this thread counts as the plugin's, and nothing may
 * raise a Lua error (the budget lives on the C stack). Close returns 1 if
 * an allocation was refused at the limit; free jansson's results first,
 * then raise with baton__json_budget_exceeded. p NULL counts nothing. */
typedef struct baton_json_budget_s {
  baton_plugin_t *p;
  size_t held; /* bytes jansson holds now, included in p->mem */
  int over;    /* an allocation was refused at the limit */
  struct baton_json_budget_s *outer;
} baton_json_budget_t;
void baton__json_budget_open(baton_json_budget_t *b, baton_plugin_t *p);
int baton__json_budget_close(baton_json_budget_t *b);
/* Raises "FN: out of memory in plugin 'x' (limit N MiB); ..." and ends
 * the call (pcall cannot swallow it). */
int baton__json_budget_exceeded(lua_State *L, baton_plugin_t *p,
                                const char *fn);
/* Decodes JSON text (jansson's flags) and pushes its value, with jansson's
 * memory counted as the running plugin's; past the limit raises as
 * baton__json_budget_exceeded naming fn. Returns 1, or 0 with nothing
 * pushed when the text is not JSON (*e says where; e may be NULL). */
struct json_error_t;
int baton__lua_decode_json(lua_State *L, const char *text, size_t len,
                           size_t flags, struct json_error_t *e,
                           const char *fn);
/* Marks the table at idx to encode as a JSON object even when empty. */
void baton__lua_mark_object(lua_State *L, int idx);

/* lua_test.c: the globals of a plugin test file (see `baton test`). */
typedef struct {
  FILE *out;
  int passed;
  int failed;
  char current[256]; /* the test running now, "" between tests */
} baton_test_counts_t;
/* Runs a test file in p's (loaded) state as a task: installs test(),
 * expect(), run() and the other test globals, then runs every test and
 * counts them. Returns 0 when started (the end comes through done_cb) or
 * an error code. */
int baton__test_start(baton_plugin_t *p, const char *file,
                      baton_test_counts_t *counts,
                      void (*done_cb)(baton_task_t *));

/* Stops and frees every timer of a plugin (on unload). */
void baton__timer_close_all(baton_plugin_t *p);

/* ---- cli.c: the command line -------------------------------------------- */

typedef struct baton_cli_s {
  baton_host_t *host;
  baton_host_options_t opts;
  const char *prog;
  FILE *out;
  FILE *err;
  int argc; /* the whole command line as given, without the program */
  char **argv;
} baton_cli_t;

/* A built-in command handler: returns the exit status (0, 1 or 2). */
typedef int (*baton_builtin_fn)(baton_cli_t *cli, const baton_cmdspec_t *spec,
                                baton_value_t *args, int argc,
                                const char *const *argv);

typedef struct {
  const char *group; /* "people" for `baton people import`; NULL: top level */
  baton_cmdspec_t spec;
  baton_builtin_fn fn;
} baton_builtin_t;

/* Calls cb for every built-in command, in --help order, until it returns
 * non-zero (cli.c). */
void baton__builtin_each(int (*cb)(const baton_builtin_t *b, void *ud),
                         void *ud);

/* cmd_completion.c: `baton completion SHELL`, and the hidden
 * `baton __complete -- WORDS...` that its script calls (WORDS: argv). */
extern const baton_builtin_t baton__completion_commands[];
extern const size_t baton__completion_ncommands;
int baton__complete(baton_cli_t *cli, int argc, const char *const *argv);

/* cmd_dev.c: `baton new plugin`, `baton repl`. */
extern const baton_builtin_t baton__dev_commands[];
extern const size_t baton__dev_ncommands;

/* The folder of baton's bundled WHAT ("plugins", "scripts"), found from
 * the program's place (cli.c). Returns a string to free, or NULL (ENOMEM). */
char *baton__bundled_dir(const char *what);

/* cmd_demo.c: `baton demo`. */
extern const baton_builtin_t baton__demo_commands[];
extern const size_t baton__demo_ncommands;

/* Runs the CLI on argv (without the program name). Returns the exit status. */
int baton__cli_main(int argc, char **argv);

/* ---- store: store.c, csv.c, import.c, export.c, cmd_store.c, lua_store.c - */

#include "baton/store.h"

struct sqlite3;
struct sqlite3_stmt;

/* The bounds of one plugin statement, from baton__store_auth_begin to
 * _end: SQLite may allocate at most `heap` bytes more than it held when the
 * statement began (0: no bound), a text or blob value is at most
 * `max_length` bytes (0: SQLite's default), and `stop(ud)`, asked every
 * 100 virtual-machine steps, interrupts the statement when it returns
 * nonzero (NULL: never). */
typedef struct {
  size_t heap;
  size_t max_length;
  int (*stop)(void *ud);
  void *ud;
} baton_store_bounds_t;

struct baton_store_s {
  struct sqlite3 *db;
  char *path;
  char *err;               /* the last failure, for baton_store_last_error */
  int version;             /* core schema version */
  const char *auth_plugin; /* whose SQL is being prepared; NULL: core */
  char *auth_err;          /* why the authorizer refused it */
  /* Views and triggers found at open that the core did not make: the
   * core's own SQL never runs them (see the authorizer). */
  char **foreign;
  size_t nforeign;
  /* The running plugin statement's bounds, and what they replaced. */
  baton_store_bounds_t bounds;
  long long saved_soft, saved_hard;
  int saved_length;
  int stopped; /* the progress handler interrupted the statement */
};

/* Records the last failure (printf-style) and returns `err`. */
int baton__store_fail(baton_store_t *s, int err, const char *fmt, ...)
    BATON_PRINTF(3, 4);
/* Records an SQLite failure as "PATH: WHAT: sqlite's message; the fix" and
 * returns the matching BATON_E* code (BATON_EBUSY, BATON_EREADONLY, ...). */
int baton__store_fail_sqlite(baton_store_t *s, int rc, const char *what);
int baton__store_exec(baton_store_t *s, const char *sql, const char *what);
int baton__store_prepare(baton_store_t *s, const char *sql,
                         struct sqlite3_stmt **st);
/* BEGIN IMMEDIATE / COMMIT (rolls back if the commit fails) / ROLLBACK. */
int baton__store_begin(baton_store_t *s);
int baton__store_commit(baton_store_t *s);
void baton__store_rollback(baton_store_t *s);
struct sqlite3 *baton__store_db(baton_store_t *s);
const char *baton__col_text(struct sqlite3_stmt *st, int i);
/* Binds NULL for NULL or "" (the store keeps absent values as NULL). */
void baton__bind_text(struct sqlite3_stmt *st, int i, const char *v);
int baton__store_is_core_table(const char *table);
/* Opens like baton_store_open but migrates only up to version `upto`: for
 * tests of migrating an older database. */
int baton__store_open_version(baton_store_t **out, const char *path, int upto,
                              char **err);
/* Applies steps[v..upto-1] of a component ("baton" or "plugin/NAME") that
 * is at version v, each in its own transaction with its schema_version
 * row; with plugin set, under the authorizer as that plugin. Returns 0,
 * BATON_EVERSION (the database has more steps than given) or a database
 * error. */
int baton__store_migrate(baton_store_t *s, const char *component,
                         const char *plugin, const baton_store_bounds_t *b,
                         const char *const *steps, int nsteps, int upto);
/* While set, SQL prepared and run on the store is checked by the
 * authorizer as plugin `plugin`'s (its own tables, PLUGIN_*, and the
 * core tables read-only; no views, triggers or temporary objects) and
 * held to the bounds `b` (may be NULL). _end restores SQLite's limits. */
void baton__store_auth_begin(baton_store_t *s, const char *plugin,
                             const baton_store_bounds_t *b);
void baton__store_auth_end(baton_store_t *s);
/* Whether the progress handler interrupted the plugin's statement (its
 * stop() said so) since auth_begin. */
int baton__store_auth_stopped(const baton_store_t *s);

/* A list of messages capped at max (0: no cap); past it they are counted. */
typedef struct {
  char **items;
  size_t n;
  size_t dropped;
  size_t max;
} baton_msgs_t;

int baton__msgs_add(baton_msgs_t *m, const char *fmt, ...) BATON_PRINTF(2, 3);
int baton__msgs_vadd(baton_msgs_t *m, const char *fmt, va_list ap)
    BATON_PRINTF(2, 0);
void baton__msgs_free(baton_msgs_t *m);

/* Returns 1 if s[0..n) is UTF-8, else 0 with *bad the offending offset. */
int baton__utf8_check(const char *s, size_t n, size_t *bad);

/* One CSV record. Cells are NUL-terminated and belong to the reader. */
typedef struct {
  char **cells;
  size_t *lens;
  size_t ncells;
  size_t line;  /* the line the record starts on, from 1 */
  int invalid;  /* a cell is not UTF-8 or holds a NUL (already reported) */
} baton_csv_row_t;

/* What one CSV file (or one JSON import) may hold; past a limit the parse
 * stops with an error naming it. No staff export comes near them: its
 * longest cell is a note of a few hundred bytes, its widest header a few
 * dozen columns, and a district has tens of thousands of staff. They are
 * here so that a hostile or broken file costs bounded memory and time. */
#ifndef BATON_CSV_MAX_CELL
#define BATON_CSV_MAX_CELL 65536 /* bytes in one cell */
#endif
#ifndef BATON_CSV_MAX_COLUMNS
#define BATON_CSV_MAX_COLUMNS 1000 /* cells in one row */
#endif
#ifndef BATON_CSV_MAX_ROWS
#define BATON_CSV_MAX_ROWS 1000000 /* rows below the header */
#endif

/* Returns 0 to go on, or an error code to stop parsing with it. */
typedef int (*baton_csv_row_cb)(void *ud, const baton_csv_row_t *row);

/* Parses CSV (a leading UTF-8 BOM skipped, CRLF or LF) with libcsv, calling
 * cb per record. Returns 0, BATON_EPARSE after adding to errs
 * "FILE:LINE:COLUMN: what; fix" (an unclosed or misplaced quote, or a file
 * past one of the BATON_CSV_MAX_* limits, stops the parse), BATON_ENOMEM,
 * or the callback's error. A cell that is not UTF-8 or holds a NUL byte is
 * reported and its row marked invalid; the parse goes on. */
int baton__csv_parse(const char *file, const char *data, size_t len,
                     baton_csv_row_cb cb, void *ud, baton_msgs_t *errs);
/* Appends one cell, quoted only if needed; a cell a spreadsheet would run
 * as a formula (leading =, +, -, @, tab, CR) gets a leading '. */
int baton__csv_write_cell(baton_buf_t *b, const char *s, size_t n);
/* Appends cells joined by commas and a newline. NULL cells are empty. */
int baton__csv_write_row(baton_buf_t *b, const char *const *cells,
                         size_t ncells);
/* Undoes the writer's neutralising ' in place; returns the new length. */
size_t baton__csv_unneutralise(char *s, size_t n);

/* A person as a JSON object: core fields, lists as arrays, active as a
 * boolean, attributes beside them. NULL on allocation failure. */
struct json_t *baton__person_to_json(const baton_person_t *p);

/* The format for a path: the given one, or from its extension. */
baton_format_t baton__format_of(const char *path, baton_format_t f);

/* Built-in commands of the store (cmd_store.c), for cli.c's table. */
extern const baton_builtin_t baton__store_commands[];
extern const size_t baton__store_ncommands;

/* Sets people, groups, events and store on the baton table at -1, bound to
 * plugin p (lua_store.c). */
void baton__lua_open_store(lua_State *L, baton_plugin_t *p);

/* ---- assign: lua_assign.c --------------------------------------------- */

/* Sets baton.assign (the solver of include/baton/assign.h) on the baton
 * table at -1. */
void baton__lua_open_assign(lua_State *L);
/* Sets baton.rota (the rota's first pass, core/lua_rota.c) on the baton
 * table at -1. */
void baton__lua_open_rota(lua_State *L);

/* ---- ics, csv: lua_ics.c, lua_csv.c ------------------------------------ */

/* Push baton.ics (iCalendar through libical) and baton.csv (CSV through
 * csv.c's libcsv reader); the caller sets them on the baton table. */
int baton__lua_open_ics(lua_State *L);
/* baton.ics for plugins: loads the module with baton__lua_open_ics (core/
 * lua_ics.c, built as baton_ics.so) on first call. lua_ics_lazy.c */
int baton__lua_open_ics_lazy(lua_State *L);
int baton__lua_open_csv(lua_State *L);

/* ---- score: score.c, lua_score.c ---------------------------------------- */

/* Sets score, reasons, features and matrix (the mentoring scores of
 * include/baton/score.h) on the table at the top of the stack, the
 * baton.assign table. Returns 0. */
int baton__lua_open_score(lua_State *L);
/* The cells of the baton.matrix userdata at idx (row-major, NaN for a
 * forbidden cell) and its size, or NULL when the value is not a matrix.
 * The cells belong to the userdata. */
const double *baton__lua_score_matrix(lua_State *L, int idx, size_t *rows,
                                      size_t *cols);

#endif
