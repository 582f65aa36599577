/* tests/fuzz/fuzz_common.h: what the fuzz targets share: a scratch
 * directory of the process, files written into it, and a dump of the
 * database that the invariants compare.
 *
 * Each target defines LLVMFuzzerTestOneInput. Built with
 * -fsanitize=fuzzer it is a libFuzzer binary; linked with replay_main.c it
 * is a plain program that runs the files it is given (ctest replays the
 * seed corpus and every past finding through it). */
#ifndef BATON_FUZZ_COMMON_H
#define BATON_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "builtin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stops the process so that libFuzzer (or the replay) reports the input. */
#define FUZZ_CHECK(cond, ...)                                                  \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "fuzz invariant broken: %s: ", #cond);                   \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* The process's scratch directory, made on first use and removed at exit. */
static char fuzz_dir_[256];

static void fuzz_dir_remove_(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", fuzz_dir_);
}

static inline const char *fuzz_dir(void) {
  if (fuzz_dir_[0] == '\0') {
    const char *tmp = getenv("TMPDIR");
    snprintf(fuzz_dir_, sizeof fuzz_dir_, "%s/baton-fuzz-XXXXXX",
             tmp ? tmp : "/tmp");
    if (mkdtemp(fuzz_dir_) == NULL) {
      perror("mkdtemp");
      abort();
    }
    atexit(fuzz_dir_remove_);
  }
  return fuzz_dir_;
}

/* Writes data to NAME in the scratch directory; returns its path (static). */
static inline const char *fuzz_write(const char *name, const uint8_t *data,
                                     size_t size) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
      fclose(f) != 0) {
    perror(path);
    abort();
  }
  return path;
}

/* Imports a small school into s: four people of several roles and
 * campuses, three groups. */
static inline void fuzz_school_import(baton_store_t *s) {
  static const char people[] =
      "id,name,email,role,department,campus,subjects,grades,languages,"
      "start_date,manager_id,fte\n"
      "P001,Maria Okafor,m@x.edu,principal,Leadership,North,,,English,"
      "2012-07-01,,1.0\n"
      "T001,\"Chen, Wei\",w@x.edu,teacher,Maths,North,Algebra;Statistics,9;10,"
      "English;Mandarin,2019-08-26,P001,1.0\n"
      "T002,Amélie Durand,a@x.edu,teacher,Languages,South,French,7;8,French,"
      "2023-08-28,P001,0.8\n"
      "A001,Sam Reid,,aide,Support,South,,,English,2020-01-06,T002,0.5\n";
  static const char groups[] = "group,kind,person_id,role_in_group\n"
                               "Maths PLC,plc,T001,lead\n"
                               "Maths PLC,plc,P001,\n"
                               "Wellbeing,committee,A001,member\n";
  baton_import_report_t r;
  const char *f =
      fuzz_write("school.csv", (const uint8_t *)people, sizeof people - 1);
  int rc = baton_people_import(s, f, NULL, &r);
  FUZZ_CHECK(rc == 0, "school people: %s", baton_store_last_error(s));
  baton_import_report_free(&r);
  f = fuzz_write("school-groups.csv", (const uint8_t *)groups,
                 sizeof groups - 1);
  rc = baton_groups_import(s, f, NULL, &r);
  FUZZ_CHECK(rc == 0, "school groups: %s", baton_store_last_error(s));
  baton_import_report_free(&r);
}

/* Every row of the core tables as text, in a fixed order: what an import
 * that failed (or a dry run) must leave exactly as it was. Malloc'd. */
static inline char *fuzz_dump(baton_store_t *s) {
  static const char *const queries[] = {
      "SELECT * FROM people ORDER BY id",
      "SELECT * FROM groups ORDER BY 1",
      "SELECT * FROM memberships ORDER BY 1, 2, 3",
      "SELECT count(*) FROM events",
  };
  baton_buf_t b = {0};
  sqlite3 *db = baton__store_db(s);
  for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) != SQLITE_OK) {
      fprintf(stderr, "%s: %s\n", queries[q], sqlite3_errmsg(db));
      abort();
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); i++) {
        const unsigned char *v = sqlite3_column_text(st, i);
        baton__buf_printf(&b, "%s\x1f", v ? (const char *)v : "\\N");
      }
      baton__buf_append(&b, "\n", 1);
    }
    sqlite3_finalize(st);
  }
  if (b.data == NULL)
    return baton__strdup("");
  return b.data;
}

#endif
