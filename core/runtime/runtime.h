/* core/runtime/runtime.h: the runtime, which runs plugins on the loop.
 *
 * The host (host.c) finds plugins and runs their commands; each plugin
 * (plugin.c) lives in a sandboxed Lua state (sandbox.c) and runs as tasks
 * (task.c) under a watchdog thread (watchdog.c), within its reach
 * (reach.c); reload.c watches plugin files, capture.c runs a command with
 * its output kept. It knows nothing of the baton.* bindings above it
 * (core/lua), which plug in through baton_bindings_t. Layer: base, spec,
 * store < runtime.
 *
 * Ownership in one paragraph: the host owns its plugins; a plugin owns its
 * Lua state and everything created from it (tasks, timers, pending
 * operations); a task owns the libuv request it waits on. Releasing an owner
 * releases what it owns. libuv handles are freed only in their close
 * callback, so an owner being freed detaches them (op->task = NULL) and lets
 * the callback free them. */
#ifndef BATON_RUNTIME_H
#define BATON_RUNTIME_H

#include <stdint.h>
#include <sys/types.h>

#include <lauxlib.h>
#include <lua.h>
#include <uv.h>

#include "base.h"
#include "spec.h"
#include "store_int.h"

/* ---- host.c, plugin.c, sandbox.c, task.c, watchdog.c: the runtime ------- */

typedef enum {
  BATON_PLUGIN_AVAILABLE,
  BATON_PLUGIN_LOADED,
  BATON_PLUGIN_FAILED,
  BATON_PLUGIN_SHADOWED
} baton_plugin_state_t;

/* How deep plugin coroutines may nest while running (resume inside resume). */
#define BATON_MAX_ACTIVE 128

/* How far past a plugin's memory limit the host itself may go on the
 * plugin's state while none of the plugin's code runs: enough to push the
 * "out of memory" message and start or end a call, never for the plugin. */
#define BATON_HOST_HEADROOM (64 * 1024)

/* The metatable of the error value baton.usage_error raises: a task that
 * ends with it ended in a usage error (exit status 2, with the usage). */
#define BATON_USAGE_MT "baton.usage"

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
  int exited; /* baton.exit: every thread of it is killed as it resumes */
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

/* What the layer above the runtime, the baton.* bindings (core/lua),
 * plugs into it, so that the runtime never calls a binding by name. */
typedef struct {
  /* Pushes the `baton` table for p's new state (sandbox.c). */
  void (*open)(lua_State *L, baton_plugin_t *p);
  /* Stops what the bindings run for p on the loop (its timers): the
   * plugin's work is being cancelled (a signal, its unload). */
  void (*cancel)(baton_plugin_t *p);
  /* Frees what the bindings keep for p (its routes), before its Lua
   * state is closed on unload; after cancel. */
  void (*release)(baton_plugin_t *p);
  /* Starts p's hooks (baton.events.on) for event `id` of kind `kind` as
   * tasks of hook depth `depth` (hooks.c); p is loaded. */
  void (*deliver)(baton_plugin_t *p, long long id, const char *kind, int depth);
} baton_bindings_t;

/* Creates a host whose plugins see the API `b` opens; b is not copied and
 * must outlive the host. As baton_host_new otherwise, which passes the
 * whole baton.* API (core/lua/lua_init.c) and sets builtin_word
 * (core/cli/cli.c). */
int baton__host_new(baton_host_t **out, const baton_host_options_t *o,
                    const baton_bindings_t *b);

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
  int exit_set;        /* a script called baton.exit: its status wins */
  int exit_status;
  baton_plugin_t *exiting; /* that script, until the wake-up ends its tasks */
  int scanned;
  struct baton_store_s *store; /* opened on first use: baton__host_store */
  /* The task whose Lua code runs now (innermost), or NULL; a task started
   * while it runs is started by it, and gets no more than its reach. */
  baton_task_t *running;
  /* The reach the next baton__task_start gives its task instead of the
   * default (its plugin's grant, attenuated by the running task's). */
  struct baton_reach_s *next_reach;
  /* The person the next command baton__host_start_command starts acts
   * for (`baton serve`: the signed-in person running it from the
   * browser), or NULL; taken (set to NULL) as the command starts. Also
   * set by hooks.c while it starts the hooks of an event: a task started
   * without a reach of its own (baton__task_start) acts for them. */
  const char *next_actor;
  /* The school the next command baton__host_start_command starts is
   * limited to (baton__reach_set_school), or NULL; taken as next_actor,
   * and set by hooks.c as next_actor is: a hook sees the school the code
   * that logged its event saw. */
  const char *next_school;
  /* The newest captured run still going (capture.c), or NULL. */
  struct baton_capture_s *capture;
  int user_args; /* baton_host_run_command: the arguments are the user's */
  const baton_bindings_t *bindings; /* the baton.* API (core/lua) */
  /* The built-in command or group a word names, or NULL (set by the CLI:
   * the runtime does not know the commands above it). */
  const char *(*builtin_word)(const char *word);
  /* While set, SIGINT/SIGTERM call drain(h) instead of cancelling every
   * task: see baton__host_set_drain. */
  void (*drain)(baton_host_t *h);
  char today[16];              /* set_today() of the test runner */
  /* The hook depth the next baton__task_start gives its task (hooks.c);
   * 0: its starter's. */
  int next_hook_depth;
  struct baton_hooks_s *hooks; /* events waiting for their hooks, or NULL */
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
 * host's last error set. */
int baton__host_store(baton_host_t *h, struct baton_store_s **out);
/* The database's path: opts.db_path, $BATON_DB or "baton.db". */
const char *baton__host_db_path(const baton_host_t *h);
/* Closes the host's database if it was opened. */
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
/* While set, SIGINT/SIGTERM call drain(h) instead of cancelling every task
 * and stopping the loop at once: `baton serve` lets the requests being
 * answered finish. drain must make the loop end by itself. NULL restores
 * the default. */
void baton__host_set_drain(baton_host_t *h, void (*drain)(baton_host_t *h));
/* Installs (1) or restores (0) the SIGINT/SIGTERM handlers that cancel
 * the running work; install before any plugin code runs. */
void baton__host_signals(baton_host_t *h, int on);
/* Prints a usage error ("PREFIX: msg", the usage line, where to get help),
 * as {"error": ...} with --json. */
/* baton.exit(status) of script p, called from p's running code: p's
 * threads are killed (the caller raises next), every later resume of p
 * is killed too, and the loop's wake-up then cancels p's tasks and timers
 * (for the script of `baton run`: everything, and the loop ends). The run
 * ends with `status`. */
void baton__host_exit_script(baton_host_t *h, baton_plugin_t *p, int status);
/* The plugin object of the workflow script at `path`, holding the grants
 * `perms` (--allow); NULL after reporting why, with *status the exit
 * status (1, or 2 for a bad grant). Free it with baton__plugin_free. */
baton_plugin_t *baton__host_new_script(baton_host_t *h, const char *path,
                                       const char *const *perms, int *status);
/* Loads script p and starts it as a task with argc/argv as its `arg` and
 * `...`, as baton__host_start_command starts a command: 0 with *started
 * set (its end comes through done_cb), or the exit status after
 * reporting why it could not start. */
int baton__host_start_script(baton_host_t *h, baton_plugin_t *p, int argc,
                             const char *const *argv,
                             void (*done_cb)(baton_task_t *), void *data,
                             int *started);
/* The person and group arguments of a parsed command (a plugin's or a
 * built-in's), checked against the host's store, opened only when the
 * command has one. Returns 0, or the exit status after reporting: 2 for a
 * value not in the store (a usage error naming the argument and what to
 * run), 1 when the store cannot be read. */
int baton__host_check_store_args(baton_host_t *h, const baton_cmdspec_t *spec,
                                 const baton_value_t *vals,
                                 const char *prefix);
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
/* Checks a person or group argument's value v (every item of a `many`
 * one; unset values and other types pass) against the store s: a person
 * must be in the staff list and active (or, with `inactive = true` on the
 * argument, have been), a group must exist. Returns 0; BATON_EUSAGE with
 * *err (malloc'd) "PERSON: no person 'X' in the staff list; see baton
 * people list"; or the store's error code with *err saying why it could
 * not be read. */
int baton__arg_check_store(struct baton_store_s *s, const baton_argspec_t *a,
                           const baton_value_t *v, char **err);
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

/* hooks.c: running the hooks of logged events (baton.events.on) */

/* How deep hooks may run: a hook of an event a command logged is at depth
 * 1; the hooks of an event a hook of depth BATON_HOOK_DEPTH logs do not
 * run, so a hook that logs an event it listens to ends. */
#define BATON_HOOK_DEPTH 4
/* Notes that code running in L (a task, or a plugin loading) logged event
 * `id` of kind `kind`: if a plugin's manifest lists a hook pattern that
 * covers the kind, its hooks run soon after on the loop, each as a task
 * of its own plugin, with that plugin's grant. Never fails; what cannot
 * run is reported. */
void baton__hooks_logged(lua_State *L, long long id, const char *kind);
/* Drops the events still waiting and closes the hooks' timer (host
 * free). */
void baton__hooks_free(baton_host_t *h);

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
/* core/runtime/scripts/, compiled in by web/embed.cmake: the sandbox's
 * coroutine.wrap (coroutine_wrap.lua). */
extern const baton_asset_t baton__runtime_assets[];
extern const size_t baton__runtime_nassets;
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
  struct baton_reach_s *reach; /* what its code may reach (reach.c) */
  int reported;      /* done_cb reported the error itself */
  int finished;
  int hook_depth; /* 0, or how deep in hooks (hooks.c): 1 for a hook of an
                     event a command logged; a failure does not fail the run */
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
/* Records who the code of r acts for (a person's id: the signed-in
 * person of `baton serve` who ran the command or asked the route), before
 * the reach is shared. Returns 0 or BATON_ENOMEM. */
int baton__reach_set_actor(baton_reach_t *r, const char *actor);
/* Limits the code of r to one school's people, groups and events (the
 * signed-in person's school in `baton serve`, when they are not a district
 * account), before the reach is shared; NULL: every school. Code it calls
 * (baton.plugin) is limited the same. Returns 0 or BATON_ENOMEM. */
int baton__reach_set_school(baton_reach_t *r, const char *school);
/* The school the code holding r sees: that of r's own link, else of the
 * first caller along the chain that has one; NULL for every school. */
const char *baton__reach_school(const baton_reach_t *r);
/* Marks r's own link with why its code runs (`mark`, a static string:
 * "leadership" for a route baton.leadership.collect runs), before the
 * reach is shared, so that code further along can see it is inside such
 * a call (a cycle). */
void baton__reach_mark(baton_reach_t *r, const char *mark);
/* The name of the plugin of the newest link of r's chain marked `mark`,
 * or NULL. */
const char *baton__reach_marked(const baton_reach_t *r, const char *mark);
/* Whom the code holding r acts for: the actor of r's own link, else of
 * the first caller along the chain that has one; NULL for none (the
 * command line). baton.events.log records it when the plugin gives no
 * actor. */
const char *baton__reach_actor(const baton_reach_t *r);
/* Widens r's own link by one grant ("fs.read:out/"), as baton__grant_add
 * does (where follows the grant in messages). Only for the reach of a
 * test file under `baton test` (test_permissions): the chain rule keeps
 * every command it starts within its own plugin's grant. */
int baton__reach_grant(baton_reach_t *r, const char *spec, const char *where,
                       char **err);
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

#endif
