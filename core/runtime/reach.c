/* core/runtime/reach.c: what the running plugin code may reach.
 *
 * A plugin's grant is its manifest's `permissions` (a script's: its
 * --allow flags). Code runs as a task, and a task's reach is a chain: its
 * plugin's grant first, then the reach of the code that started it. A
 * command started through baton.plugin() from another plugin's code
 * therefore carries its caller's reach, and every operation that needs a
 * permission must be allowed by every link: the callee never lends the
 * caller more than the caller holds (capability attenuation). Code outside
 * any task (a plugin's init.lua while it loads) has its plugin's own grant.
 *
 * Files: fs.read and fs.write reach anywhere, or only the paths their
 * grant names ("fs.write:out/"), resolved against the working directory.
 * The paths a user typed as `path` arguments of a command run directly
 * from the command line are reachable for that call too. Whatever the
 * grant, the database and its -wal, -shm and -journal files, /proc and
 * /sys are never reachable. Paths are compared after resolving every
 * symlink and ".." of the part that exists, so "x/../baton.db" and a link
 * to it are the database too, and the database's inode is checked again
 * once a file is open (core/lua/lua_fs.c), so a hard link is caught as well. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"

struct baton_reach_s {
  int refs;
  char *name;     /* the plugin's or the script's */
  char *manifest; /* where its grant is written; NULL for a script */
  char *ns;       /* the command word, for "run it directly" hints */
  int is_script;
  unsigned perms;
  baton_scopes_t scopes;
  char **args; /* the command's path arguments: "--csv", value, ... */
  size_t nargs;
  int granted;      /* args came from the user's own command line */
  char *actor;      /* whom the code acts for, or NULL (baton__reach_actor) */
  char *school;     /* the school it sees, or NULL (baton__reach_school) */
  const char *mark; /* why this link's code runs (baton__reach_mark) */
  baton_reach_t *caller;
};

baton_reach_t *baton__reach_ref(baton_reach_t *r) {
  if (r != NULL)
    r->refs++;
  return r;
}

void baton__reach_unref(baton_reach_t *r) {
  while (r != NULL && --r->refs == 0) {
    baton_reach_t *next = r->caller;
    for (size_t i = 0; i < r->nargs; i++)
      free(r->args[i]);
    free(r->args);
    baton__scopes_free(&r->scopes);
    free(r->name);
    free(r->manifest);
    free(r->ns);
    free(r->actor);
    free(r->school);
    free(r);
    r = next;
  }
}

baton_reach_t *baton__reach_new(baton_plugin_t *p, baton_reach_t *caller) {
  baton_reach_t *r = calloc(1, sizeof *r);
  if (r == NULL)
    return NULL;
  r->refs = 1;
  r->name = baton__strdup(p->name);
  r->manifest = p->manifest_path ? baton__strdup(p->manifest_path) : NULL;
  r->ns = p->m ? baton__strdup(p->m->ns) : NULL;
  r->is_script = p->is_script;
  r->perms = p->perms;
  if (r->name == NULL || (p->manifest_path && r->manifest == NULL) ||
      (p->m && r->ns == NULL) ||
      baton__scopes_copy(&r->scopes, &p->scopes) != 0) {
    baton__reach_unref(r);
    return NULL;
  }
  r->caller = baton__reach_ref(caller);
  return r;
}

int baton__reach_set_actor(baton_reach_t *r, const char *actor) {
  free(r->actor);
  r->actor = NULL;
  if (actor != NULL && (r->actor = baton__strdup(actor)) == NULL)
    return BATON_ENOMEM;
  return 0;
}

int baton__reach_set_school(baton_reach_t *r, const char *school) {
  free(r->school);
  r->school = NULL;
  if (school != NULL && (r->school = baton__strdup(school)) == NULL)
    return BATON_ENOMEM;
  return 0;
}

const char *baton__reach_school(const baton_reach_t *r) {
  for (; r != NULL; r = r->caller)
    if (r->school != NULL)
      return r->school;
  return NULL;
}

void baton__reach_mark(baton_reach_t *r, const char *mark) { r->mark = mark; }

const char *baton__reach_marked(const baton_reach_t *r, const char *mark) {
  for (; r != NULL; r = r->caller)
    if (r->mark != NULL && strcmp(r->mark, mark) == 0)
      return r->name;
  return NULL;
}

const char *baton__reach_actor(const baton_reach_t *r) {
  for (; r != NULL; r = r->caller)
    if (r->actor != NULL)
      return r->actor;
  return NULL;
}

static int add_arg(baton_reach_t *r, const char *flag, const char *value) {
  char **v = realloc(r->args, (r->nargs + 2) * sizeof *v);
  if (v == NULL)
    return BATON_ENOMEM;
  r->args = v;
  if ((v[r->nargs] = baton__strdup(flag)) == NULL)
    return BATON_ENOMEM;
  r->nargs++;
  if ((v[r->nargs] = baton__strdup(value)) == NULL)
    return BATON_ENOMEM;
  r->nargs++;
  return 0;
}

int baton__reach_args(baton_reach_t *r, const baton_cmdspec_t *spec,
                      const baton_value_t *vals, int granted) {
  r->granted = granted;
  for (size_t i = 0; i < spec->nargs; i++) {
    const baton_argspec_t *a = &spec->args[i];
    if (a->type != BATON_ARG_PATH)
      continue;
    char flag[96];
    snprintf(flag, sizeof flag, "%s%s", a->flag ? "--" : "",
             a->flag      ? a->name
             : a->metavar ? a->metavar
                          : a->name);
    const baton_value_t *v = &vals[i];
    for (size_t k = 0; k < (a->many ? v->nitems : 1); k++) {
      const baton_value_t *x = a->many ? &v->items[k] : v;
      if (x->set && x->v.s != NULL && add_arg(r, flag, x->v.s) != 0)
        return BATON_ENOMEM;
    }
  }
  return 0;
}

int baton__reach_grant(baton_reach_t *r, const char *spec, const char *where,
                       char **err) {
  return baton__grant_add(&r->perms, &r->scopes, spec, where, err);
}

baton_reach_t *baton__reach_now(lua_State *L) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_task_t *t = p->host->running;
  return t != NULL && t->p == p ? t->reach : NULL;
}

/* The reach of code outside any task: p's own grant, borrowed. */
static baton_reach_t own_reach(baton_plugin_t *p) {
  baton_reach_t r = {.refs = 1,
                     .name = p->name,
                     .manifest = p->manifest_path,
                     .ns = p->m ? p->m->ns : NULL,
                     .is_script = p->is_script,
                     .perms = p->perms,
                     .scopes = p->scopes};
  return r;
}

/* "plugin 'x'" or "script 'y.lua'". */
static const char *kind(const baton_reach_t *r) {
  return r->is_script ? "script" : "plugin";
}

/* How the holder of r gets perm: a line for the manifest, or --allow. */
static char *how_to_grant(const baton_reach_t *r, const char *perm) {
  if (r->is_script)
    return baton__asprintf("run the script with --allow %s", perm);
  return baton__asprintf("add permissions = { \"%s\" } to %s", perm,
                         r->manifest ? r->manifest : "its plugin.lua");
}

/* Raises the message of a caller that lacks what `callee` needs. The
 * message is built in C and freed before raising. */
static int raise_attenuated(lua_State *L, const baton_reach_t *callee,
                            const baton_reach_t *holder, const char *perm,
                            const char *what) {
  char *how = how_to_grant(holder, perm);
  char *msg = baton__asprintf(
      "%s '%s' needs %s for %s, but it was called by %s '%s', which does "
      "not hold %s; %s, or run the command directly%s%s%s",
      kind(callee), callee->name, perm, what, kind(holder), holder->name, perm,
      how ? how : "grant it", callee->ns ? " (baton " : "",
      callee->ns ? callee->ns : "", callee->ns ? " ...)" : "");
  free(how);
  lua_pushstring(L, msg ? msg : "permission refused to a caller");
  free(msg);
  return lua_error(L);
}

void baton__lua_need(lua_State *L, unsigned perm, const char *fn) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_reach_t self = own_reach(p);
  baton_reach_t *now = baton__reach_now(L);
  const baton_reach_t *first = now ? now : &self;
  const char *name = baton__perm_name(perm);
  for (const baton_reach_t *r = first; r != NULL; r = r->caller) {
    if (r->perms & perm)
      continue;
    if (r != first)
      raise_attenuated(L, first, r, name, fn);
    if (first->is_script)
      luaL_error(L, "%s needs permission '%s'; run the script with --allow %s",
                 fn, name, name);
    luaL_error(L,
               "plugin '%s' needs permission '%s' to call %s; add "
               "permissions = { \"%s\" } to %s",
               first->name, name, fn, name,
               first->manifest ? first->manifest : "plugin.lua");
  }
}

/* ---- paths ------------------------------------------------------------- */

/* The absolute form of path with every symlink and ".." of its longest
 * existing prefix resolved, and the rest (which does not exist) appended
 * as written. Returns a malloc'd string, or NULL with *why (static text):
 * a ".." or a symlink to nothing in the part that does not exist, or a
 * component that is not a folder. */
static char *resolve(const char *path, const char **why) {
  *why = "out of memory";
  if (path[0] == '\0') {
    *why = "the path is empty";
    return NULL;
  }
  char *abs;
  if (path[0] == '/') {
    abs = baton__strdup(path);
  } else {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == NULL) {
      *why = "the working directory cannot be read";
      return NULL;
    }
    abs = baton__asprintf("%s/%s", cwd, path);
  }
  if (abs == NULL)
    return NULL;
  char *real = realpath(abs, NULL);
  if (real != NULL || (errno != ENOENT && errno != ENOTDIR)) {
    if (real == NULL)
      *why = strerror(errno);
    free(abs);
    return real;
  }
  /* Cut components off the end until what is left exists. */
  size_t end = strlen(abs);
  for (;;) {
    while (end > 1 && abs[end - 1] == '/')
      end--;
    char c = abs[end];
    abs[end] = '\0';
    struct stat st;
    int exists = lstat(abs, &st) == 0;
    abs[end] = c;
    if (exists) {
      /* It exists but realpath failed: a symlink to nothing, or not a
       * folder where one is needed. */
      *why = S_ISLNK(st.st_mode) ? "it goes through a symbolic link to a "
                                   "file that does not exist"
                                 : "a part of it is not a folder";
      free(abs);
      return NULL;
    }
    size_t k = end;
    while (k > 0 && abs[k - 1] != '/')
      k--;
    size_t pend = k > 1 ? k - 1 : 1; /* keep "/" for the root */
    c = abs[pend];
    abs[pend] = '\0';
    real = realpath(abs, NULL);
    int e = errno;
    abs[pend] = c;
    if (real != NULL) {
      /* abs + k is the part that does not exist: no "..", no ".". */
      baton_buf_t b = {0};
      int r = baton__buf_printf(&b, "%s", strcmp(real, "/") ? real : "");
      free(real);
      for (char *s = abs + k; r == 0 && *s;) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.') {
          *why = "'..' follows a folder that does not exist";
          baton__buf_free(&b);
          free(abs);
          return NULL;
        }
        if (n > 0 && !(n == 1 && s[0] == '.'))
          r = baton__buf_printf(&b, "/%.*s", (int)n, s);
        s += n;
        while (*s == '/')
          s++;
      }
      free(abs);
      if (r != 0) {
        baton__buf_free(&b);
        return NULL;
      }
      return b.data;
    }
    if ((e != ENOENT && e != ENOTDIR) || pend <= 1) {
      *why = strerror(e);
      free(abs);
      return NULL;
    }
    end = pend;
  }
}

/* Whether `path` is `dir` or under it (both resolved). */
static int under(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (strcmp(dir, "/") == 0)
    return 1;
  return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Whether `real` is under one of the paths (resolved now). */
static int under_any(const char *real, char *const *paths, size_t n,
                     size_t step) {
  for (size_t i = 0; i < n; i += step) {
    const char *why;
    char *p = resolve(paths[i], &why);
    int in = p != NULL && under(real, p);
    free(p);
    if (in)
      return 1;
  }
  return 0;
}

/* The user's path argument that names `real` (or a folder above it), as
 * "--csv", or NULL. */
static const char *arg_naming(const baton_reach_t *r, const char *real) {
  for (size_t i = 0; i + 1 < r->nargs; i += 2)
    if (under_any(real, &r->args[i + 1], 1, 1))
      return r->args[i];
  return NULL;
}

/* Whether link r lets its code use `real` for perm. */
static int link_allows(const baton_reach_t *r, unsigned perm,
                       const char *real) {
  if (!(r->perms & perm))
    return 0;
  if (!(r->scopes.scoped & perm))
    return 1;
  int k = perm == BATON_PERM_FS_READ ? 0 : 1;
  if (under_any(real, r->scopes.paths[k], r->scopes.npaths[k], 1))
    return 1;
  return r->granted && r->nargs > 0 && arg_naming(r, real) != NULL;
}

/* "out/, exports/": the paths of a link's grant for perm, malloc'd. */
static char *paths_of(const baton_reach_t *r, unsigned perm) {
  int k = perm == BATON_PERM_FS_READ ? 0 : 1;
  baton_buf_t b = {0};
  for (size_t i = 0; i < r->scopes.npaths[k]; i++)
    baton__buf_printf(&b, "%s%s", i ? ", " : "", r->scopes.paths[k][i]);
  return b.data;
}

/* Raises a refusal built with printf. */
static int raise_msg(lua_State *L, char *msg) {
  lua_pushstring(L, msg ? msg : "file refused");
  free(msg);
  return lua_error(L);
}

/* Fills *d with the database's files that exist, and checks `real`
 * against their names: returns the suffix ("", "-wal", ...) of the one it
 * names, or NULL. */
static const char *database_file(baton_host_t *h, const char *real,
                                 baton_denied_t *d) {
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  const char *why;
  char *db = resolve(baton__host_db_path(h), &why);
  const char *hit = NULL;
  d->n = 0;
  struct stat target;
  int target_ok = stat(real, &target) == 0;
  for (int i = 0; db != NULL && i < 4; i++) {
    char *name = baton__asprintf("%s%s", db, suffixes[i]);
    struct stat st;
    if (name != NULL && stat(name, &st) == 0) {
      d->dev[d->n] = st.st_dev;
      d->ino[d->n] = st.st_ino;
      d->n++;
      if (target_ok && st.st_dev == target.st_dev &&
          st.st_ino == target.st_ino && hit == NULL)
        hit = suffixes[i];
    }
    if (name != NULL && strcmp(name, real) == 0 && hit == NULL)
      hit = suffixes[i];
    free(name);
  }
  free(db);
  return hit;
}

const char *baton__lua_file(lua_State *L, unsigned perm, const char *fn,
                            const char *path, baton_denied_t *denied) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_reach_t self = own_reach(p);
  baton_reach_t *now = baton__reach_now(L);
  const baton_reach_t *first = now ? now : &self;
  if (!(first->perms & perm))
    baton__lua_need(L, perm, fn); /* raises: the plugin's own grant lacks it */
  const char *verb = perm == BATON_PERM_FS_READ ? "read" : "write";
  const char *pname = baton__perm_name(perm);
  const char *why;
  char *real = resolve(path, &why);
  if (real == NULL)
    raise_msg(L, baton__asprintf("%s: cannot use %s: %s", fn, path, why));
  const char *db = database_file(p->host, real, denied);
  if (db != NULL) {
    free(real);
    raise_msg(L, baton__asprintf(
                     "%s: %s is %s%s%sbaton's database; no plugin or script "
                     "may read or write it, whatever its permissions: use "
                     "baton.store, baton.people and baton.events",
                     fn, path, *db ? "the " : "", db, *db ? " file of " : ""));
  }
  if (under(real, "/proc") || under(real, "/sys")) {
    char *msg =
        baton__asprintf("%s: %s is under %s, which no plugin or "
                        "script may reach, whatever its permissions",
                        fn, path, under(real, "/proc") ? "/proc" : "/sys");
    free(real);
    raise_msg(L, msg);
  }
  for (const baton_reach_t *r = first; r != NULL; r = r->caller) {
    if (link_allows(r, perm, real))
      continue;
    const char *arg = arg_naming(first, real);
    char *paths = paths_of(r, perm);
    int held = (r->perms & perm) != 0;
    char *how = how_to_grant(
        r, held ? (perm == BATON_PERM_FS_READ ? "fs.read:DIR" : "fs.write:DIR")
                : pname);
    char *target =
        baton__asprintf("to %s %s%s%s%s", verb, path, arg ? " (" : "",
                        arg ? arg : "", arg ? ")" : "");
    char *msg;
    if (r == first)
      msg = baton__asprintf(
          "%s '%s' may not %s %s%s%s%s: its %s reaches only %s; %s for a "
          "folder that holds it%s",
          kind(r), r->name, verb, path, arg ? " (" : "", arg ? arg : "",
          arg ? ")" : "", pname, paths ? paths : "?", how ? how : "grant it",
          r->is_script ? "" : ", or give the path on the command line");
    else if (!held)
      msg = baton__asprintf(
          "%s '%s' needs %s %s, but it was called by %s '%s', which does "
          "not hold %s; %s, or run the command directly%s%s%s",
          kind(first), first->name, pname, target ? target : path, kind(r),
          r->name, pname, how ? how : "grant it", first->ns ? " (baton " : "",
          first->ns ? first->ns : "", first->ns ? " ...)" : "");
    else
      msg = baton__asprintf(
          "%s '%s' needs %s %s, but it was called by %s '%s', whose %s "
          "reaches only %s; %s, or run the command directly%s%s%s",
          kind(first), first->name, pname, target ? target : path, kind(r),
          r->name, pname, paths ? paths : "?", how ? how : "grant it",
          first->ns ? " (baton " : "", first->ns ? first->ns : "",
          first->ns ? " ...)" : "");
    free(target);
    free(paths);
    free(how);
    free(real);
    raise_msg(L, msg);
  }
  lua_pushstring(L, real);
  free(real);
  return lua_tostring(L, -1);
}
