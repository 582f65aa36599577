/* core/cli/builtin.h: the command line, and the built-in commands.
 *
 * cli.c parses the global flags and dispatches `baton WORD ...` to a
 * built-in command or a plugin's; each cmd_*.c holds one family of
 * built-in commands as a table. Layer: lua < cli (the top). */
#ifndef BATON_BUILTIN_H
#define BATON_BUILTIN_H

#include "bindings.h"
#include "http.h"
#include "runtime.h"

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

/* The setting that marks a database `baton demo` made ({"size":N,
 * "seed":S}): `baton serve` offers a reset and a workshop only on one. */
#define BATON_DEMO_SETTING_PLUGIN "baton"
#define BATON_DEMO_SETTING_KEY "demo"
/* Removes a database and its -wal, -shm and -journal files (cmd_demo.c). */
void baton__demo_remove_db(const char *db);
/* 1 if s is a demo's database (its mark), with the size and seed it was
 * made with (either may be NULL); else 0 (cmd_demo.c). */
int baton__demo_info(baton_store_t *s, long long *size, long long *seed);
/* Replaces everything the database `to` holds with the demo school built
 * in the file `from`, in one transaction (baton_store_replace), when `to`
 * is empty or a demo's. Returns NULL, or the sentence saying why not
 * (malloc'd; `to` is as it was). For the reset on PostgreSQL. */
char *baton__demo_replace(baton_store_t *to, const char *from);

/* A built-in command handler: returns the exit status (0, 1 or 2). */
typedef int (*baton_builtin_fn)(baton_cli_t *cli, const baton_cmdspec_t *spec,
                                baton_value_t *args, int argc,
                                const char *const *argv);

typedef struct {
  const char *group; /* "people" for `baton people import`; NULL: top level */
  baton_cmdspec_t spec;
  baton_builtin_fn fn;
} baton_builtin_t;

/* The host's store for a built-in command; when it cannot be opened,
 * reports why and returns NULL (the command then exits 1). cli.c */
baton_store_t *baton__cli_store(baton_cli_t *cli);

/* A listing of `baton GROUP spec->name`: the header line, then each(s, arg,
 * ud) calls a row printer per row with ud = {cli, the JSON array (--json) or
 * NULL, the store}; the array is printed at the end. Returns the exit
 * status: 2 after a usage error when each names arg unknown or invalid,
 * 1 after reporting any other failure of the store (cmd_users.c). */
int baton__cli_list(baton_cli_t *cli, const baton_cmdspec_t *spec,
                    const char *group, const char *header,
                    int (*each)(baton_store_t *s, const char *arg, void *ud),
                    const char *arg);

/* Calls cb for every built-in command, in --help order, until it returns
 * non-zero (cli.c). */
void baton__builtin_each(int (*cb)(const baton_builtin_t *b, void *ud),
                         void *ud);

/* cmd_completion.c: `baton completion SHELL`, and the hidden
 * `baton __complete -- WORDS...` that its script calls (WORDS: argv). */
extern const baton_builtin_t baton__completion_commands[];
extern const size_t baton__completion_ncommands;
int baton__complete(baton_cli_t *cli, int argc, const char *const *argv);

/* core/cli/scripts/, compiled in by web/embed.cmake: completion.bash,
 * repl.lua and the `baton new plugin` templates in new_plugin/ (printf
 * formats: %s is the plugin's name, %d the API level). */
extern const baton_asset_t baton__cli_assets[];
extern const size_t baton__cli_nassets;

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

/* cmd_terms.c: `baton terms`, the school calendar. */
extern const baton_builtin_t baton__terms_commands[];
extern const size_t baton__terms_ncommands;

/* cmd_config.c: `baton config`, plugins' settings. */
extern const baton_builtin_t baton__config_commands[];
extern const size_t baton__config_ncommands;
/* For `baton doctor`: p's settings that differ from their defaults, as
 * "capacity = 3 (default 2), ..." (malloc'd), or NULL when none (or no
 * database yet). *problem is set when a stored value no longer fits the
 * manifest's declaration. */
char *baton__config_doctor(baton_host_t *h, const baton_plugin_t *p,
                           int *problem);
/* A value as JSON of its type (a number, a boolean, a string); null when
 * not set. Also for GET /api/commands (serve/commands.c). */
struct json_t *baton__value_json(const baton_value_t *v);

/* cmd_users.c: `baton users`, accounts and invitations. */
extern const baton_builtin_t baton__users_commands[];
extern const size_t baton__users_ncommands;

/* cmd_db.c: `baton db copy`, whole databases. */
extern const baton_builtin_t baton__db_commands[];
extern const size_t baton__db_ncommands;
/* cmd_schools.c: `baton schools`, the schools of a district database. */
extern const baton_builtin_t baton__schools_commands[];
extern const size_t baton__schools_ncommands;

/* Built-in commands of the store (cmd_store.c), for cli.c's table. */
extern const baton_builtin_t baton__store_commands[];
extern const size_t baton__store_ncommands;

/* The built-in command `baton serve` (core/cli/serve/), a table for
 * core/cli/cli.c's builtin_tables[]. */
extern const baton_builtin_t baton__serve_commands[];
extern const size_t baton__serve_ncommands;

/* The router of `baton serve` without a listener, for the fuzzer
 * (tests/fuzz/fuzz_http.c): baton__serve_router_handle is the server's
 * handler with the router as ud. token NULL: a random one, as serve
 * prints. NULL when the store cannot be opened or out of memory. Free it
 * after its server closed. */
typedef struct baton_serve_s baton_serve_t;
baton_serve_t *baton__serve_router_new(baton_host_t *h, FILE *log,
                                       const char *token);
void baton__serve_router_handle(baton_http_req_t *r, void *router);
void baton__serve_router_free(baton_serve_t *sv);

#endif
