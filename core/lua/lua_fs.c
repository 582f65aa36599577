/* core/lua/lua_fs.c: baton.fs, files for plugins granted fs.read / fs.write.
 *
 * Each call runs on libuv's thread pool and the task waits, so a large file
 * never blocks the loop. Expected failures return nil, "ENOENT: message",
 * "ENOENT" (as luv does); a missing permission or a bad argument raises.
 * baton.fs.write replaces a file atomically: an interrupted write leaves
 * the old file, never half of the new one. baton.fs.mkdir makes a folder
 * and any missing parents, as `mkdir -p` does.
 *
 * Which files a call may use is decided by core/runtime/reach.c before the work
 * is queued (the grant's paths, the caller's reach, never the database or
 * /proc); the work then uses the resolved path, and a read checks that the
 * file it opened is the one that was checked and is not the database. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bindings.h"

typedef enum { FS_READ, FS_WRITE, FS_LIST, FS_STAT, FS_MKDIR } fs_kind_t;

typedef struct {
  baton_op_t op;
  uv_work_t work;
  fs_kind_t kind;
  char *path;  /* resolved: what the work uses */
  char *shown; /* as the plugin gave it: what messages name */
  baton_denied_t denied; /* the database's files when checked */
  int checked;           /* the file existed when checked: */
  dev_t dev;             /* its device and inode */
  ino_t ino;
  char *data; /* read: the contents; write: what to write */
  size_t len;
  char **names; /* list */
  size_t nnames;
  struct stat st;
  int status; /* 0 or BATON_E* */
  char *err;
} fs_op_t;

static void fs_free(fs_op_t *f) {
  for (size_t i = 0; i < f->nnames; i++)
    free(f->names[i]);
  free(f->names);
  free(f->path);
  free(f->shown);
  free(f->data);
  free(f->err);
  free(f);
}

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void fs_list(fs_op_t *f) {
  DIR *d = opendir(f->path);
  if (d == NULL) {
    f->status = baton__is_file(f->path) ? BATON_EINVAL : BATON_ENOENT;
    f->err = baton__asprintf("cannot list %s: %s", f->shown,
                             f->status == BATON_EINVAL ? "not a directory"
                                                       : "no such directory");
    return;
  }
  struct dirent *e;
  size_t cap = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (BATON_GROW(f->names, f->nnames, cap, 32) != 0) {
      f->status = BATON_ENOMEM;
      break;
    }
    if ((f->names[f->nnames] = baton__strdup(e->d_name)) == NULL) {
      f->status = BATON_ENOMEM;
      break;
    }
    f->nnames++;
  }
  closedir(d);
  qsort(f->names, f->nnames, sizeof *f->names, cmp_name);
}

/* Makes f->path and its missing parents; an existing folder is success.
 * Sets f->status and f->err (owned by f) on failure. */
static void fs_mkdir(fs_op_t *f) {
  char *p = f->path;
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    int rc = mkdir(p, 0777);
    int e = errno;
    struct stat st;
    if (rc != 0 && !(e == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
      f->status = e == EEXIST || e == ENOTDIR ? BATON_EEXIST
                  : e == EACCES || e == EPERM ? BATON_EPERM
                                              : BATON_EIO;
      f->err = baton__asprintf("cannot make folder %s: %s", p,
                               e == EEXIST ? "a file is in the way"
                                           : strerror(e));
      *s = c;
      return;
    }
    *s = c;
    if (c == '\0')
      return;
  }
}

/* The file a read opened must be the one that was checked (a path swapped
 * for a link since then is refused), a regular file (a FIFO or a device
 * could block or never end), and not the database (a hard link to it). */
static int read_check(const struct stat *st, void *ud, char **err) {
  fs_op_t *f = ud;
  int same = f->checked && st->st_dev == f->dev && st->st_ino == f->ino;
  for (int i = 0; i < f->denied.n; i++)
    if (st->st_dev == f->denied.dev[i] && st->st_ino == f->denied.ino[i])
      same = 0;
  if (!same) {
    *err = baton__asprintf("cannot read %s: it changed while it was being "
                           "checked, or it is baton's database",
                           f->shown);
    return BATON_EPERM;
  }
  if (!S_ISREG(st->st_mode)) {
    *err = baton__asprintf("cannot read %s: not a regular file", f->shown);
    return BATON_EINVAL;
  }
  return 0;
}

/* On a pool thread: only C, no Lua. */
static void fs_work(uv_work_t *w) {
  fs_op_t *f = w->data;
  switch (f->kind) {
  case FS_READ:
    /* The path as given, so that messages name it; read_check makes sure
     * it is still the file that was checked. */
    f->status = baton__file_read_if(f->shown, O_NONBLOCK, read_check, f,
                                    &f->data, &f->len, &f->err);
    break;
  case FS_WRITE:
    f->status = baton__file_write_atomic(f->path, f->data, f->len, &f->err);
    break;
  case FS_LIST:
    fs_list(f);
    break;
  case FS_STAT:
    if (stat(f->path, &f->st) != 0)
      f->status = BATON_ENOENT;
    break;
  case FS_MKDIR:
    fs_mkdir(f);
    break;
  }
}

static int push_result(lua_State *L, void *ud) {
  fs_op_t *f = ud;
  if (f->status != 0 && f->kind != FS_STAT) {
    return baton__lua_fail(L, baton_err_name(f->status), "%s",
                           f->err ? f->err : baton_strerror(f->status));
  }
  switch (f->kind) {
  case FS_READ:
    lua_pushlstring(L, f->data, f->len);
    return 1;
  case FS_WRITE:
  case FS_MKDIR:
    lua_pushboolean(L, 1);
    return 1;
  case FS_LIST:
    lua_createtable(L, (int)f->nnames, 0);
    for (size_t i = 0; i < f->nnames; i++) {
      lua_pushstring(L, f->names[i]);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
  case FS_STAT:
    if (f->status != 0) {
      lua_pushnil(L);
      return 1;
    }
    lua_createtable(L, 0, 3);
    lua_pushstring(L, S_ISDIR(f->st.st_mode)   ? "directory"
                      : S_ISREG(f->st.st_mode) ? "file"
                                               : "other");
    lua_setfield(L, -2, "type");
    lua_pushinteger(L, (lua_Integer)f->st.st_size);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)f->st.st_mtime);
    lua_setfield(L, -2, "mtime");
    return 1;
  }
  return 0;
}

static void fs_after(uv_work_t *w, int status) {
  fs_op_t *f = w->data;
  baton_task_t *t = f->op.task;
  if (t != NULL) {
    if (status == UV_ECANCELED)
      f->status = BATON_ECANCELED;
    baton__task_resume(t, push_result, f);
  }
  fs_free(f);
}

/* A started pool job cannot be stopped; its completion sees task == NULL
 * and only frees. One not yet started is cancelled outright. */
static void fs_cancel(baton_op_t *op) {
  fs_op_t *f = (fs_op_t *)op;
  uv_cancel((uv_req_t *)&f->work);
}

static int fs_start(lua_State *L, fs_kind_t kind, unsigned perm,
                    const char *fn) {
  const char *path = baton__lua_checkcstring(L, 1, fn, "path");
  size_t len = 0;
  const char *data = kind == FS_WRITE
                         ? baton__lua_checklstring(L, 2, fn, "the data", &len)
                         : NULL;
  baton_task_t *t = baton__task_current(L, fn);
  baton_denied_t denied;
  const char *real = baton__lua_file(L, perm, fn, path, &denied);
  struct stat st;
  int checked = stat(real, &st) == 0;
  fs_op_t *f = calloc(1, sizeof *f);
  if (f == NULL || (f->path = baton__strdup(real)) == NULL ||
      (f->shown = baton__strdup(path)) == NULL ||
      (data && (f->data = baton__strndup(data, len)) == NULL)) {
    if (f)
      fs_free(f);
    return luaL_error(L, "%s: out of memory", fn);
  }
  f->denied = denied;
  f->checked = checked;
  f->dev = checked ? st.st_dev : 0;
  f->ino = checked ? st.st_ino : 0;
  f->kind = kind;
  f->len = len;
  f->op.cancel = fs_cancel;
  f->work.data = f;
  if (uv_queue_work(&t->p->host->loop, &f->work, fs_work, fs_after) != 0) {
    fs_free(f);
    return luaL_error(L, "%s: cannot queue the work", fn);
  }
  return baton__task_wait(L, &f->op);
}

static int l_read(lua_State *L) {
  return fs_start(L, FS_READ, BATON_PERM_FS_READ, "baton.fs.read");
}
static int l_write(lua_State *L) {
  return fs_start(L, FS_WRITE, BATON_PERM_FS_WRITE, "baton.fs.write");
}
static int l_list(lua_State *L) {
  return fs_start(L, FS_LIST, BATON_PERM_FS_READ, "baton.fs.list");
}
static int l_stat(lua_State *L) {
  return fs_start(L, FS_STAT, BATON_PERM_FS_READ, "baton.fs.stat");
}
static int l_mkdir(lua_State *L) {
  return fs_start(L, FS_MKDIR, BATON_PERM_FS_WRITE, "baton.fs.mkdir");
}

int baton__lua_open_fs(lua_State *L) {
  static const luaL_Reg fns[] = {{"read", l_read},
                                 {"write", l_write},
                                 {"list", l_list},
                                 {"stat", l_stat},
                                 {"mkdir", l_mkdir},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
