/* core/spec/spec.h: what a plugin declares, as plain data.
 *
 * The manifest (manifest.c: plugin.lua, its permissions and commands) and
 * command-line arguments checked against a command's declaration
 * (args.c). Uses Lua only to evaluate a manifest and to push parsed
 * arguments; knows nothing of the runtime. Layer: base < spec. */
#ifndef BATON_SPEC_H
#define BATON_SPEC_H

#include <lauxlib.h>
#include <lua.h>

#include "base.h"

/* ---- manifest.c: plugin.lua, plain data ---------------------------------- */

#define BATON_PERM_MAP(XX)                                                     \
  XX(FS_READ, 0, "fs.read", "read files (baton.fs.read, baton.fs.list)")       \
  XX(FS_WRITE, 1, "fs.write", "write files (baton.fs.write)")                  \
  XX(SPAWN, 2, "spawn", "run other programs (baton.spawn)")                   \
  XX(HTTP_ROUTE, 3, "http.route",                                              \
     "answer requests of baton serve (baton.http.route)")                      \
  XX(PEOPLE_WRITE, 4, "people.write",                                          \
     "change the staff list and groups (baton.people.import, "                 \
     "baton.groups.import)")                                                   \
  XX(LEADERSHIP_READ, 5, "leadership.read",                                    \
     "read every practice's leadership counts (baton.leadership.collect)")

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
 * directory, and resolved when a file is used (core/runtime/reach.c). */
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
  BATON_ARG_ENUM,
  BATON_ARG_PERSON, /* a person's id in the staff list (checked by the host) */
  BATON_ARG_GROUP   /* a group's name (checked by the host) */
} baton_argtype_t;

const char *baton__argtype_name(baton_argtype_t t);
/* 1 if a value of type t is held as text (v.s): string, date, path, enum,
 * person, group. */
int baton__argtype_is_text(baton_argtype_t t);

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
  int inactive;   /* person: people no longer active are taken too */
  baton_value_t min, max; /* integer, number: the bounds, when set */
  char *help;
  char *metavar; /* shown in usage: "N", "DATE", "FILE" */
  char **values; /* enum */
  size_t nvalues;
} baton_argspec_t;

/* Who may run a command from the browser (`access` in plugin.lua);
 * the command line is not limited by it. */
typedef enum {
  BATON_ACCESS_COORDINATOR, /* coordinators only (the default) */
  BATON_ACCESS_ANY,         /* any signed-in person who is not a viewer */
  BATON_ACCESS_SELF         /* a person for their own records: the host
                               fills the `self` argument with their id */
} baton_access_t;

const char *baton__access_name(baton_access_t a);

typedef struct {
  char *name;
  char *summary;
  char *help; /* optional longer text shown by --help */
  baton_access_t access;
  char *self; /* BATON_ACCESS_SELF: the key of the argument that names the
                 person ("person"); NULL otherwise */
  baton_argspec_t *args;
  size_t nargs;
  int passthrough; /* stop at the last positional; the rest goes verbatim */
} baton_cmdspec_t;

/* A page of the dashboard a plugin declares (`pages` in plugin.lua):
 * exactly one of data (a GET route answering {"blocks": [...]}, drawn by
 * the dashboard) and html (a GET route answering a whole HTML page). */
typedef struct {
  char *name;  /* a word, unique in the plugin */
  char *title; /* shown in the navigation */
  char *data;
  char *html;
  baton_access_t access; /* BATON_ACCESS_ANY unless "coordinator" */
} baton_page_t;

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
  /* A library's modules other plugins may require ("init", "dates"):
   * `require("NAME.dates")` from a plugin that depends on it. */
  char **exports;
  size_t nexports;
  /* The event kinds the plugin's hooks (baton.events.on) listen to:
   * "mentor.pair", "mentor.*" or "*"; the host loads the plugin when
   * one is logged. */
  char **hooks;
  size_t nhooks;
  baton_cmdspec_t *cmds; /* sorted by name */
  size_t ncmds;
  /* `settings`: typed values an administrator sets with `baton config`,
   * one argspec each (name and key are the setting's name, flag 0),
   * sorted by name. */
  baton_argspec_t *settings;
  size_t nsettings;
  baton_page_t *pages; /* in the order declared */
  size_t npages;
  /* A GET route answering {"label": ..., "roles": [{"person", "count"}]}:
   * what the plugin counts as leadership roles held (the overview). */
  char *leadership;
  /* A GET route answering {"notices": [{"level", "text", "link"}]}: what
   * the plugin has to say at the top of the overview. */
  char *notices;
} baton_manifest_t;

/* Evaluates a manifest file with an empty environment, a small instruction
 * budget and a small memory cap, then checks it against the contract.
 * Returns 0 and *out, or BATON_EMANIFEST / BATON_ENOENT / BATON_ENOMEM with
 * *err (malloc'd) as "FILE:LINE: what is wrong; what to do". */
int baton__manifest_load(const char *path, baton_manifest_t **out, char **err);
void baton__manifest_free(baton_manifest_t *m);
/* Whether an event of kind `kind` (or every kind a pattern `kind` names)
 * is one the hook pattern `pattern` listens to: "*" takes every kind,
 * "mentor.*" every kind that starts with "mentor.", anything else itself
 * only. */
int baton__hook_covers(const char *pattern, const char *kind);
/* The line of the manifest at `path` where `key` is assigned (`key =`) or
 * stands quoted; 0 if not found. For errors found after loading. */
int baton__manifest_line(const char *path, const char *key);
const baton_cmdspec_t *baton__manifest_command(const baton_manifest_t *m,
                                               const char *name);
/* The declared setting `key`, or NULL. */
const baton_argspec_t *baton__manifest_setting(const baton_manifest_t *m,
                                               const char *key);

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
/* Converts the text s to a's type into *v (checking an enum's values, a
 * date, min and max): the one type check of command arguments and
 * settings. Returns 0, BATON_EUSAGE with *err (malloc'd) naming what is
 * wrong, or BATON_ENOMEM. Free *v with baton__value_clear. */
int baton__arg_convert(const baton_argspec_t *a, const char *s,
                       baton_value_t *v, char **err);
/* How an argument is named in messages: "--times" or "WHO". */
void baton__arg_label(const baton_argspec_t *a, char *buf, size_t n);
/* Appends a value as the command line writes it ("3", "true", "x"). */
int baton__value_format(const baton_value_t *v, baton_buf_t *b);
/* Pushes one value (not a `many` list) as its Lua type. */
void baton__value_push(lua_State *L, const baton_value_t *v);
/* -1, 0 or 1 as integer or number a is below, equal to or above b (both
 * of one type). */
int baton__value_cmp(const baton_value_t *a, const baton_value_t *b);
/* 0 when v is within a's min and max (or a has none); -1 below, 1 above. */
int baton__value_check_range(const baton_argspec_t *a, const baton_value_t *v);
/* Reads an `args` list in manifest syntax (the table on top of L, which
 * stays) into *cmd, named `name` in messages, as plugin.lua's commands
 * are read: for baton.args in a workflow script. Returns 0, or
 * BATON_EMANIFEST with *err (malloc'd) saying what is wrong, or
 * BATON_ENOMEM; free *cmd with baton__cmdspec_clear either way. May
 * raise (out of memory, a metamethod of the table): keep *cmd where an
 * error frees it. */
int baton__cmdspec_read(lua_State *L, const char *name, baton_cmdspec_t *cmd,
                        char **err);
void baton__cmdspec_clear(baton_cmdspec_t *cmd);
/* Prints "usage: PREFIX ..." and the argument table. */
void baton__args_help(const baton_cmdspec_t *spec, const char *prefix,
                      FILE *out);
/* "baton hello greet [WHO] [--times N]" into a buffer. */
int baton__args_usage(const baton_cmdspec_t *spec, const char *prefix,
                      baton_buf_t *b);
/* Pushes the parsed values as a Lua table keyed by argspec key. */
void baton__args_push(lua_State *L, const baton_cmdspec_t *spec,
                      const baton_value_t *vals);

#endif
