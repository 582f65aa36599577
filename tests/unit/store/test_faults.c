/* tests/unit/store/test_faults.c: the store under faults it cannot prevent, as
 * SQLite's own tests do it: the Nth allocation fails, the Nth write finds
 * the disk full or gets an I/O error, the file turns out read-only. N runs
 * upward from 1 until the operation completes without reaching the fault,
 * so every allocation and every write of the operation fails once.
 *
 * The operations are an import (baton_people_import, baton_groups_import)
 * and a practice saving its work through the real host (`baton change step`
 * of plugins/kotter, `baton mentor match --save` of plugins/mentoring,
 * `baton rota plan --save` of plugins/rotation).
 * Each must fail with a clear error and leave every table exactly as it
 * was (compared with a dump taken with the faults off, after the database
 * is closed and opened again so that recovery is part of the check), or,
 * when SQLite absorbed the fault, succeed with exactly the result of a run
 * without faults.
 *
 * Faults come from two shims installed before SQLite starts: an allocator
 * wrapping SQLite's own (SQLITE_CONFIG_MALLOC) and a VFS wrapping the
 * default one, registered as the default so baton_store_open uses it. */
#include <sys/stat.h>

#include <sqlite3.h>

#include "store_helpers.h"

#include "baton/host.h"

/* ---- the faults --------------------------------------------------------- */

typedef enum {
  FAULT_NONE,
  FAULT_MALLOC,   /* the Nth allocation returns NULL */
  FAULT_FULL,     /* the Nth write returns SQLITE_FULL */
  FAULT_IOERR,    /* the Nth write returns SQLITE_IOERR_WRITE */
  FAULT_FSYNC,    /* the Nth sync returns SQLITE_IOERR_FSYNC */
  FAULT_READONLY, /* files open read-only, as on a read-only mount */
} fault_kind_t;

static struct {
  fault_kind_t kind;
  long at;    /* fail the at-th event (allocation, write, sync) */
  long count; /* events seen since armed */
  long hits;  /* faults injected since armed */
} F;

static void arm(fault_kind_t kind, long at) {
  F.kind = kind;
  F.at = at;
  F.count = 0;
  F.hits = 0;
}

static void disarm(void) { F.kind = FAULT_NONE; }

/* Counts one event of `kind`; true when it is the one to fail. */
static int fault_now(fault_kind_t kind) {
  if (F.kind != kind)
    return 0;
  if (++F.count != F.at)
    return 0;
  F.hits++;
  return 1;
}

static sqlite3_mem_methods real_mem;

static void *fault_malloc(int n) {
  return fault_now(FAULT_MALLOC) ? NULL : real_mem.xMalloc(n);
}

static void *fault_realloc(void *p, int n) {
  return fault_now(FAULT_MALLOC) ? NULL : real_mem.xRealloc(p, n);
}

/* A file of the fault VFS: the real file's struct follows this one. */
typedef struct {
  sqlite3_file base;
  sqlite3_file *real;
} fault_file_t;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((fault_file_t *)(f))->real)

static int ff_close(sqlite3_file *f) {
  return REAL(f)->pMethods->xClose(REAL(f));
}
static int ff_read(sqlite3_file *f, void *b, int n, sqlite3_int64 off) {
  return REAL(f)->pMethods->xRead(REAL(f), b, n, off);
}
static int ff_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 off) {
  if (fault_now(FAULT_FULL))
    return SQLITE_FULL;
  if (fault_now(FAULT_IOERR))
    return SQLITE_IOERR_WRITE;
  return REAL(f)->pMethods->xWrite(REAL(f), b, n, off);
}
static int ff_truncate(sqlite3_file *f, sqlite3_int64 size) {
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int ff_sync(sqlite3_file *f, int flags) {
  if (fault_now(FAULT_FSYNC))
    return SQLITE_IOERR_FSYNC;
  return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int ff_size(sqlite3_file *f, sqlite3_int64 *size) {
  return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int ff_lock(sqlite3_file *f, int l) {
  return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int ff_unlock(sqlite3_file *f, int l) {
  return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int ff_check(sqlite3_file *f, int *out) {
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int ff_control(sqlite3_file *f, int op, void *arg) {
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int ff_sector(sqlite3_file *f) {
  return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int ff_device(sqlite3_file *f) {
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int ff_shm_map(sqlite3_file *f, int pg, int sz, int extend,
                      void volatile **p) {
  return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, p);
}
static int ff_shm_lock(sqlite3_file *f, int off, int n, int flags) {
  return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void ff_shm_barrier(sqlite3_file *f) {
  REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int ff_shm_unmap(sqlite3_file *f, int del) {
  return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: shared memory for WAL, no memory-mapped I/O (every page
 * write then goes through xWrite, where the faults are). */
static const sqlite3_io_methods fault_io = {
    2,         ff_close,   ff_read,     ff_write,       ff_truncate,
    ff_sync,   ff_size,    ff_lock,     ff_unlock,      ff_check,
    ff_control, ff_sector, ff_device,   ff_shm_map,     ff_shm_lock,
    ff_shm_barrier, ff_shm_unmap, NULL, NULL};

static int fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f,
                   int flags, int *out_flags) {
  fault_file_t *ff = (fault_file_t *)f;
  ff->real = (sqlite3_file *)(ff + 1);
  if (F.kind == FAULT_READONLY && (flags & SQLITE_OPEN_READWRITE)) {
    flags &= ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_READONLY;
    F.hits++;
  }
  int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
  f->pMethods = (rc == SQLITE_OK && ff->real->pMethods) ? &fault_io : NULL;
  return rc;
}
static int fv_delete(sqlite3_vfs *v, const char *n, int sync) {
  return real_vfs->xDelete(real_vfs, n, sync);
}
static int fv_access(sqlite3_vfs *v, const char *n, int flags, int *out) {
  int rc = real_vfs->xAccess(real_vfs, n, flags, out);
  if (rc == SQLITE_OK && F.kind == FAULT_READONLY &&
      flags == SQLITE_ACCESS_READWRITE)
    *out = 0;
  return rc;
}
static int fv_full(sqlite3_vfs *v, const char *n, int len, char *out) {
  return real_vfs->xFullPathname(real_vfs, n, len, out);
}
static int fv_random(sqlite3_vfs *v, int n, char *out) {
  return real_vfs->xRandomness(real_vfs, n, out);
}
static int fv_sleep(sqlite3_vfs *v, int us) {
  return real_vfs->xSleep(real_vfs, us);
}
static int fv_time(sqlite3_vfs *v, double *t) {
  return real_vfs->xCurrentTime(real_vfs, t);
}
static int fv_lasterr(sqlite3_vfs *v, int n, char *out) {
  return real_vfs->xGetLastError(real_vfs, n, out);
}
static int fv_time64(sqlite3_vfs *v, sqlite3_int64 *t) {
  return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static sqlite3_vfs fault_vfs = {
    .iVersion = 2,
    .zName = "fault",
    .xOpen = fv_open,
    .xDelete = fv_delete,
    .xAccess = fv_access,
    .xFullPathname = fv_full,
    .xRandomness = fv_random,
    .xSleep = fv_sleep,
    .xCurrentTime = fv_time,
    .xGetLastError = fv_lasterr,
    .xCurrentTimeInt64 = fv_time64,
};

/* Before SQLite starts: the failing allocator and the fault VFS. */
static void install_faults(void) {
  assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem),
                   SQLITE_OK);
  sqlite3_mem_methods m = real_mem;
  m.xMalloc = fault_malloc;
  m.xRealloc = fault_realloc;
  assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
  assert_int_equal(sqlite3_initialize(), SQLITE_OK);
  real_vfs = sqlite3_vfs_find(NULL);
  assert_non_null(real_vfs);
  fault_vfs.szOsFile = (int)sizeof(fault_file_t) + real_vfs->szOsFile;
  fault_vfs.mxPathname = real_vfs->mxPathname;
  assert_int_equal(sqlite3_vfs_register(&fault_vfs, 1), SQLITE_OK);
}

/* ---- comparing databases ------------------------------------------------ */

/* A column of a row, as text; when a run happened ("at") is not part of
 * what it did. */
static void text_cell(sqlite3_stmt *st, int i, const char *table,
                      baton_buf_t *row) {
  (void)table;
  if (strcmp(sqlite3_column_name(st, i), "at") == 0)
    return;
  const char *v = (const char *)sqlite3_column_text(st, i);
  baton__buf_printf(row, "%s|", v ? v : "\\N");
}

/* Every row of every table of the database at path, sorted, as text
 * (malloc'd), read with the faults off through a connection of its own. */
static char *dump_db(const char *path) {
  fault_kind_t saved = F.kind;
  disarm();
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  sqlite3_stmt *tables;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_schema WHERE "
                                      "type = 'table' ORDER BY name",
                                      -1, &tables, NULL),
                   SQLITE_OK);
  baton_buf_t out = {0};
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(tables, 0);
    baton__buf_printf(&out, "[%s]\n", t);
    dump_rows(db, t, &out, text_cell);
  }
  sqlite3_finalize(tables);
  assert_int_equal(sqlite3_close(db), SQLITE_OK);
  F.kind = saved;
  return out.data ? out.data : baton__strdup("");
}

static void copy_file(const char *from, const char *to) {
  char *data;
  size_t len;
  assert_int_equal(baton__file_read(from, &data, &len, NULL), 0);
  FILE *f = fopen(to, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  free(data);
}

/* Makes `work` a copy of the database `pristine` (closed, so WAL-free). */
static void restore_copy(scratch_t *t, const char *pristine) {
  char work[600], side[620];
  snprintf(work, sizeof work, "%s/work.db", t->dir);
  const char *const sfx[] = {"-wal", "-shm", "-journal"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(side, sizeof side, "%s%s", work, sfx[i]);
    unlink(side);
  }
  copy_file(pristine, work);
}

/* Prints the first line where two dumps differ. */
static void show_diff(const char *want, const char *got) {
  size_t i = 0, line = 1;
  while (want[i] && want[i] == got[i])
    line += want[i++] == '\n';
  while (i > 0 && want[i - 1] != '\n')
    i--;
  print_error("  line %zu: want %.160s\n  got  %.160s\n", line, want + i,
              got + i);
}

/* ---- the operations under faults ---------------------------------------- */

/* One operation on the database at `db`: returns 0 on success or non-zero
 * with *msg (malloc'd) saying why. Runs with the faults armed. */
typedef int (*op_fn)(const char *db, const void *arg, char **msg);

typedef struct {
  const char *path;
  int groups;
} import_arg_t;

static int op_import(const char *db, const void *varg, char **msg) {
  const import_arg_t *a = varg;
  baton_store_t *s;
  char *err = NULL;
  int rc = baton_store_open(&s, db, &err);
  if (rc != 0) {
    *msg = baton__asprintf("open: %s: %s", baton_err_name(rc),
                           err ? err : "(no message)");
    free(err);
    return rc;
  }
  baton_import_report_t r;
  rc = a->groups ? baton_groups_import(s, a->path, NULL, &r)
                 : baton_people_import(s, a->path, NULL, &r);
  if (rc != 0)
    *msg = baton__asprintf("%s: %s", baton_err_name(rc),
                           r.nerrors ? r.errors[0] : baton_store_last_error(s));
  baton_import_report_free(&r);
  baton_store_close(s);
  return rc;
}

/* A practice's command through the real host with the bundled plugins. */
typedef struct {
  const char *ns, *cmd;
  int argc;
  const char *argv[8];
} command_arg_t;

static int op_command(const char *db, const void *varg, char **msg) {
  const command_arg_t *a = varg;
  baton_host_options_t o;
  baton_host_options_init(&o);
  char *errbuf = NULL, *outbuf = NULL;
  size_t errlen = 0, outlen = 0;
  o.err = open_memstream(&errbuf, &errlen);
  o.out = open_memstream(&outbuf, &outlen);
  o.db_path = db;
  o.today = "2026-03-02";
  o.quiet = 1;
  baton_host_t *h;
  int status = baton_host_new(&h, &o);
  if (status == 0) {
    baton_host_add_plugin_dir(h, BATON_SOURCE_DIR "/plugins");
    baton_host_scan(h);
    status = baton_host_run_command(h, a->ns, a->cmd, a->argc, a->argv);
    baton_host_free(h);
  }
  fclose(o.err);
  fclose(o.out);
  if (status != 0)
    *msg = baton__strdup(errlen ? errbuf : "(no message)");
  free(errbuf);
  free(outbuf);
  return status;
}

typedef struct {
  long runs;       /* values of N tried */
  long failed;     /* runs that failed with a message, data intact */
  long absorbed;   /* runs SQLite completed despite the fault */
  char first[400]; /* the first failure's message, for the docs */
} sweep_t;

/* The buffers of the sweep in progress: fail_msg() jumps out of it, so
 * violation() frees them first (LeakSanitizer runs on this test). */
static struct {
  char *before, *good, *after, *msg;
} pending;

static void release_pending(void) {
  free(pending.before);
  free(pending.good);
  free(pending.after);
  free(pending.msg);
  memset(&pending, 0, sizeof pending);
}

static void violation(const char *fmt, ...) BATON_PRINTF(1, 2);
static void violation(const char *fmt, ...) {
  char buf[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  disarm();
  release_pending();
  fail_msg("%s", buf);
}

/* The message must say what failed in words a coordinator can act on. */
static void check_clear(fault_kind_t kind, const char *msg) {
  static const char *const words[] = {"memory", "disk is full", "disk full",
                                      "input/output", "I/O", "read-only",
                                      "readonly", "write", "database"};
  int ok = 0;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    ok |= strstr(msg, words[i]) != NULL;
  if (!ok)
    violation("fault %d: an unclear message: %s", (int)kind, msg);
}

/* Runs op on a fresh copy of `pristine` with the kind-th fault at N = 1,
 * 2, ... (every `step`-th N) until a run completes without reaching the
 * fault. A failed run must leave the database as `pristine` was; a run
 * that succeeds must leave exactly what a run without faults leaves. */
static sweep_t sweep(scratch_t *t, const char *pristine, fault_kind_t kind,
                     long step, op_fn op, const void *arg) {
  char work[600];
  snprintf(work, sizeof work, "%s/work.db", t->dir);
  char *before = pending.before = dump_db(pristine);
  /* The result without faults. */
  restore_copy(t, pristine);
  char *msg = NULL;
  int rc = op(work, arg, &msg);
  if (rc != 0)
    fail_msg("without faults: %s", msg);
  char *good = pending.good = dump_db(work);

  sweep_t sw = {0};
  for (long n = 1;; n += step) {
    restore_copy(t, pristine);
    msg = NULL;
    arm(kind, n);
    rc = op(work, arg, &msg);
    long hits = F.hits;
    disarm();
    sw.runs++;
    char *after = pending.after = dump_db(work);
    pending.msg = msg;
    if (rc != 0) {
      assert_non_null(msg);
      check_clear(kind, msg);
      if (strcmp(after, before) != 0) {
        show_diff(before, after);
        violation("fault %d at %ld: the failed run (%s) changed the data",
                 (int)kind, n, msg);
      }
      if (sw.failed++ == 0)
        snprintf(sw.first, sizeof sw.first, "%s", msg);
    } else {
      if (strcmp(after, good) != 0) {
        show_diff(good, after);
        violation("fault %d at %ld: the run succeeded with other data",
                 (int)kind, n);
      }
      if (hits > 0)
        sw.absorbed++;
    }
    free(msg);
    free(after);
    pending.msg = pending.after = NULL;
    if (hits == 0 || kind == FAULT_READONLY)
      break; /* the operation ended before its n-th event */
    if (sw.runs > 20000)
      fail_msg("fault %d: no end after %ld runs", (int)kind, sw.runs);
  }
  print_message("fault %d: %ld runs, %ld failed cleanly, %ld absorbed; "
                 "e.g. %s\n",
                 (int)kind, sw.runs, sw.failed, sw.absorbed,
                 sw.first[0] ? sw.first : "-");
  free(before);
  free(good);
  pending.before = pending.good = NULL;
  return sw;
}

/* ---- fixtures ----------------------------------------------------------- */

typedef struct {
  scratch_t *t;
  char pristine[600];
} fx_faults_t;

/* A database with the sample school, people and groups, closed. */
static int school_setup(void **state) {
  fx_faults_t *f = calloc(1, sizeof *f);
  f->t = scratch_new();
  snprintf(f->pristine, sizeof f->pristine, "%s/pristine.db", f->t->dir);
  import_arg_t people = {BATON_SOURCE_DIR "/samples/staff.csv", 0};
  import_arg_t groups = {BATON_SOURCE_DIR "/samples/groups.csv", 1};
  char *msg = NULL;
  /* The practices' tables exist already: their creation is not data. */
  static const command_arg_t lists[] = {
      {"change", "list", 0, {NULL}},
      {"mentor", "list", 0, {NULL}},
      {"rota", "plan", 6,
       {"--group", "Maths PLC", "--from", "2026-03-02", "--to", "2026-03-31"}}};
  if (op_import(f->pristine, &people, &msg) != 0 ||
      op_import(f->pristine, &groups, &msg) != 0 ||
      op_command(f->pristine, &lists[0], &msg) != 0 ||
      op_command(f->pristine, &lists[1], &msg) != 0 ||
      op_command(f->pristine, &lists[2], &msg) != 0)
    fail_msg("school: %s", msg);
  *state = f;
  return 0;
}

static int school_teardown(void **state) {
  fx_faults_t *f = *state;
  scratch_free(f->t);
  free(f);
  return 0;
}

/* The import the sweeps run: the sample staff with changes, a new person. */
static const char *changed_staff(fx_faults_t *f) {
  char *data = read_text(BATON_SOURCE_DIR "/samples/staff.csv");
  baton_buf_t b = {0};
  baton__buf_append(&b, data, strlen(data));
  if (b.len > 0 && b.data[b.len - 1] != '\n')
    baton__buf_append(&b, "\n", 1);
  free(data);
  /* A new person with only the columns every roster has. */
  char *header_end = strchr(b.data, '\n');
  size_t ncols = 1;
  for (char *p = b.data; p < header_end; p++)
    ncols += *p == ',';
  baton__buf_printf(&b, "Z999,Zoe Fault");
  for (size_t i = 2; i < ncols; i++)
    baton__buf_append(&b, ",", 1);
  baton__buf_append(&b, "\n", 1);
  const char *path = scratch_path(f->t, "changed.csv");
  write_text(path, b.data);
  baton__buf_free(&b);
  return path;
}

/* ---- tests --------------------------------------------------------------- */

static void test_import_survives_every_allocation_failure(void **state) {
  fx_faults_t *f = *state;
  import_arg_t a = {changed_staff(f), 0};
  sweep_t sw = sweep(f->t, f->pristine, FAULT_MALLOC, 1, op_import, &a);
  assert_true(sw.failed > 0);
}

static void test_import_survives_a_full_disk_at_every_write(void **state) {
  fx_faults_t *f = *state;
  import_arg_t a = {changed_staff(f), 0};
  sweep_t sw = sweep(f->t, f->pristine, FAULT_FULL, 1, op_import, &a);
  assert_true(sw.failed > 0);
  assert_non_null(strstr(sw.first, "disk is full"));
}

static void test_import_survives_an_io_error_at_every_write(void **state) {
  fx_faults_t *f = *state;
  import_arg_t a = {changed_staff(f), 0};
  sweep_t sw = sweep(f->t, f->pristine, FAULT_IOERR, 1, op_import, &a);
  assert_true(sw.failed > 0);
}

static void test_import_survives_a_failed_fsync(void **state) {
  fx_faults_t *f = *state;
  import_arg_t a = {changed_staff(f), 0};
  sweep(f->t, f->pristine, FAULT_FSYNC, 1, op_import, &a);
}

static void test_groups_import_survives_a_full_disk(void **state) {
  fx_faults_t *f = *state;
  const char *path = scratch_path(f->t, "groups2.csv");
  write_text(path, "group,kind,person_id,role_in_group\n"
                   "Fault Team,team,T001,lead\n"
                   "Fault Team,team,T002,\n");
  import_arg_t a = {path, 1};
  sweep_t sw = sweep(f->t, f->pristine, FAULT_FULL, 1, op_import, &a);
  assert_true(sw.failed > 0);
}

static void test_import_into_a_read_only_database_says_so(void **state) {
  fx_faults_t *f = *state;
  import_arg_t a = {changed_staff(f), 0};
  sweep_t sw = sweep(f->t, f->pristine, FAULT_READONLY, 1, op_import, &a);
  assert_int_equal(sw.failed, 1);
  /* SQLite cannot open a WAL database it may not write: EPERM, "... you
   * may write there"; a database that opened first says "read-only". */
  assert_true(strstr(sw.first, "read-only") || strstr(sw.first, "may write"));
}

/* Kotter: an initiative exists; the sweep marks its first step. */
static const command_arg_t change_step = {
    "change", "step", 4, {"1", "1", "--status", "in_progress"}};
static const command_arg_t change_new = {"change", "new", 1, {"Literacy"}};

static void with_initiative(fx_faults_t *f) {
  char *msg = NULL;
  if (op_command(f->pristine, &change_new, &msg) != 0)
    fail_msg("change new: %s", msg);
}

static void test_change_step_survives_every_allocation_failure(void **state) {
  fx_faults_t *f = *state;
  with_initiative(f);
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_MALLOC, 3, op_command, &change_step);
  assert_true(sw.failed > 0);
}

static void test_change_step_survives_a_full_disk_at_every_write(void **state) {
  fx_faults_t *f = *state;
  with_initiative(f);
  sweep_t sw = sweep(f->t, f->pristine, FAULT_FULL, 1, op_command, &change_step);
  assert_true(sw.failed > 0);
}

static void test_change_step_survives_an_io_error_at_every_write(void **state) {
  fx_faults_t *f = *state;
  with_initiative(f);
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_IOERR, 1, op_command, &change_step);
  assert_true(sw.failed > 0);
}

static void test_change_step_on_a_read_only_database_says_so(void **state) {
  fx_faults_t *f = *state;
  with_initiative(f);
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_READONLY, 1, op_command, &change_step);
  assert_int_equal(sw.failed, 1);
  /* SQLite cannot open a WAL database it may not write: EPERM, "... you
   * may write there"; a database that opened first says "read-only". */
  assert_true(strstr(sw.first, "read-only") || strstr(sw.first, "may write"));
}

static const command_arg_t mentor_save = {
    "mentor",
    "match",
    5,
    {"--save", "--mentees", "New Staff Cohort 2024-25", "--mentors",
     "Leadership Team"}};

static void test_mentor_save_survives_a_full_disk_at_every_write(void **state) {
  fx_faults_t *f = *state;
  sweep_t sw = sweep(f->t, f->pristine, FAULT_FULL, 1, op_command, &mentor_save);
  assert_true(sw.failed > 0);
}

static void test_mentor_save_survives_an_io_error_at_every_write(void **state) {
  fx_faults_t *f = *state;
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_IOERR, 1, op_command, &mentor_save);
  assert_true(sw.failed > 0);
}

static void test_mentor_save_survives_allocation_failures(void **state) {
  fx_faults_t *f = *state;
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_MALLOC, 7, op_command, &mentor_save);
  assert_true(sw.failed > 0);
}

static void test_mentor_save_on_a_read_only_database_says_so(void **state) {
  fx_faults_t *f = *state;
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_READONLY, 1, op_command, &mentor_save);
  assert_int_equal(sw.failed, 1);
  /* SQLite cannot open a WAL database it may not write: EPERM, "... you
   * may write there"; a database that opened first says "read-only". */
  assert_true(strstr(sw.first, "read-only") || strstr(sw.first, "may write"));
}

/* Rotation: March is saved; the sweep re-plans March and April with
 * --save, which replaces March's slots and adds April's. */
static const command_arg_t rota_save = {
    "rota",
    "plan",
    7,
    {"--group", "Maths PLC", "--from", "2026-03-02", "--to", "2026-04-30",
     "--save"}};

static void with_saved_march(fx_faults_t *f) {
  static const command_arg_t march = {
      "rota",
      "plan",
      7,
      {"--group", "Maths PLC", "--from", "2026-03-02", "--to", "2026-03-31",
       "--save"}};
  char *msg = NULL;
  if (op_command(f->pristine, &march, &msg) != 0)
    fail_msg("rota plan --save: %s", msg);
}

static void test_rota_save_survives_allocation_failures(void **state) {
  fx_faults_t *f = *state;
  with_saved_march(f);
  sweep_t sw = sweep(f->t, f->pristine, FAULT_MALLOC, 7, op_command, &rota_save);
  assert_true(sw.failed > 0);
}

static void test_rota_save_survives_a_full_disk_at_every_write(void **state) {
  fx_faults_t *f = *state;
  with_saved_march(f);
  sweep_t sw = sweep(f->t, f->pristine, FAULT_FULL, 1, op_command, &rota_save);
  assert_true(sw.failed > 0);
}

static void test_rota_save_survives_an_io_error_at_every_write(void **state) {
  fx_faults_t *f = *state;
  with_saved_march(f);
  sweep_t sw = sweep(f->t, f->pristine, FAULT_IOERR, 1, op_command, &rota_save);
  assert_true(sw.failed > 0);
}

static void test_rota_save_on_a_read_only_database_says_so(void **state) {
  fx_faults_t *f = *state;
  with_saved_march(f);
  sweep_t sw =
      sweep(f->t, f->pristine, FAULT_READONLY, 1, op_command, &rota_save);
  assert_int_equal(sw.failed, 1);
  assert_true(strstr(sw.first, "read-only") || strstr(sw.first, "may write"));
}

int main(void) {
  install_faults();
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, school_setup, school_teardown)
      T(test_import_survives_every_allocation_failure),
      T(test_import_survives_a_full_disk_at_every_write),
      T(test_import_survives_an_io_error_at_every_write),
      T(test_import_survives_a_failed_fsync),
      T(test_groups_import_survives_a_full_disk),
      T(test_import_into_a_read_only_database_says_so),
      T(test_change_step_survives_every_allocation_failure),
      T(test_change_step_survives_a_full_disk_at_every_write),
      T(test_change_step_survives_an_io_error_at_every_write),
      T(test_change_step_on_a_read_only_database_says_so),
      T(test_mentor_save_survives_a_full_disk_at_every_write),
      T(test_mentor_save_survives_an_io_error_at_every_write),
      T(test_mentor_save_survives_allocation_failures),
      T(test_mentor_save_on_a_read_only_database_says_so),
      T(test_rota_save_survives_allocation_failures),
      T(test_rota_save_survives_a_full_disk_at_every_write),
      T(test_rota_save_survives_an_io_error_at_every_write),
      T(test_rota_save_on_a_read_only_database_says_so),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
