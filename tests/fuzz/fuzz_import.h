/* tests/fuzz/fuzz_import.h: the import targets (CSV and JSON) share one
 * driver. The first byte of an input chooses what to do with the rest:
 *
 *   bit 0  groups import (else people)
 *   bit 1  --full
 *   bit 2  --dry-run
 *   bit 3  the rest starts with a --map value, up to the first newline
 *
 * The import runs through baton_people_import / baton_groups_import on a
 * real database in a scratch directory, which holds the small school of
 * fuzz_common.h from the start. Invariants: an import that fails, and any dry run, leaves
 * every row exactly as it was; an import that succeeds leaves a database
 * that still exports. */
#ifndef BATON_FUZZ_IMPORT_H
#define BATON_FUZZ_IMPORT_H

#include "fuzz_common.h"

static baton_store_t *fuzz_store_;
static unsigned fuzz_store_uses_;

/* The store with the small school in it; a fresh one every 200 inputs so
 * the database stays small and each input's work stays the same. */
static baton_store_t *fuzz_school(void) {
  if (fuzz_store_ != NULL && fuzz_store_uses_++ < 200)
    return fuzz_store_;
  baton_store_close(fuzz_store_);
  fuzz_store_uses_ = 0;
  char path[512];
  snprintf(path, sizeof path, "%s/fuzz.db", fuzz_dir());
  const char *const suffixes[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < 3; i++) {
    char p[600];
    snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
    unlink(p);
  }
  char *err = NULL;
  int rc = baton_store_open(&fuzz_store_, path, &err);
  FUZZ_CHECK(rc == 0, "open %s: %s", path, err ? err : "?");
  fuzz_school_import(fuzz_store_);
  return fuzz_store_;
}

static void fuzz_close_school(void) { baton_store_close(fuzz_store_); }

static int fuzz_import(const uint8_t *data, size_t size, baton_format_t fmt) {
  static int registered;
  if (!registered) {
    registered = 1;
    atexit(fuzz_close_school);
  }
  if (size < 1)
    return 0;
  unsigned mode = data[0];
  data++;
  size--;
  baton_import_options_t o;
  baton_import_options_init(&o);
  o.format = fmt;
  o.full = (mode & 2) != 0;
  o.dry_run = (mode & 4) != 0;
  char *map = NULL;
  if (mode & 8) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t n = nl ? (size_t)(nl - data) : size;
    map = baton__strndup((const char *)data, n);
    o.map = map;
    data += nl ? n + 1 : n;
    size -= nl ? n + 1 : n;
  }
  baton_store_t *s = fuzz_school();
  const char *path = fuzz_write(fmt == BATON_FORMAT_JSON ? "in.json" : "in.csv",
                                data, size);
  char *before = fuzz_dump(s);
  baton_import_report_t r;
  int rc = (mode & 1) ? baton_groups_import(s, path, &o, &r)
                      : baton_people_import(s, path, &o, &r);
  char *after = fuzz_dump(s);
  if (rc != 0 || o.dry_run)
    FUZZ_CHECK(strcmp(before, after) == 0,
               "%s %s import (rc %s) changed the database",
               o.dry_run ? "a dry-run" : "a rejected",
               (mode & 1) ? "groups" : "people", baton_err_name(rc));
  /* A report's counts never exceed its rows; errors only with a failure. */
  FUZZ_CHECK(r.added + r.updated + r.unchanged + r.rejected <= r.rows ||
                 (mode & 1),
             "report counts %zu+%zu+%zu+%zu exceed %zu rows", r.added,
             r.updated, r.unchanged, r.rejected, r.rows);
  FUZZ_CHECK(rc != 0 || r.nerrors == 0, "success with %zu errors", r.nerrors);
  if (rc == 0 && !o.dry_run) {
    char out[600];
    snprintf(out, sizeof out, "%s/out.csv", fuzz_dir());
    int erc = (mode & 1) ? baton_groups_export(s, out, BATON_FORMAT_CSV)
                         : baton_people_export(s, out, BATON_FORMAT_CSV);
    FUZZ_CHECK(erc == 0, "export after a good import: %s",
               baton_store_last_error(s));
  }
  baton_import_report_free(&r);
  free(before);
  free(after);
  free(map);
  return 0;
}

#endif
