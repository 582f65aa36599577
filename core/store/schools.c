/* core/store/schools.c: several schools in one database.
 *
 * Core migration 7 gives people and groups a school (TEXT NOT NULL DEFAULT
 * ''; '' is the one school of a single-school database, so a database of
 * one school never names one) and accounts a school and a district flag
 * (baton_users.school, .district). An account's role holds in its school:
 * baton_users.school when set, else its person's school; with the district
 * flag, in every school. The serve layer (core/cli/serve/) asks these
 * functions whom a request may see; the staff CSV's `school` column is read
 * by import.c. The SQL is plain enough for either engine (sql.h). */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

/* Binds text, "" as "" (baton__bind_text makes "" NULL). */
static void bind_school(baton__sql_stmt_t *st, int i, const char *v) {
  baton__sql_bind_text(st, i, v ? v : "", -1);
}

int baton_schools_each(baton_store_t *s, baton_school_cb cb, void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT x.school, count(x.p), count(x.a), (SELECT count(DISTINCT "
      "m.group_name) FROM memberships m JOIN people q ON q.id = m.person_id "
      "WHERE q.school = x.school) FROM (SELECT school, 1 AS p, NULL AS a "
      "FROM people WHERE active = 1 UNION ALL SELECT CASE WHEN u.school <> "
      "'' THEN u.school ELSE p.school END, NULL, 1 FROM baton_users u JOIN "
      "people p ON p.id = u.person_id WHERE u.district = 0 AND u.revoked IS "
      "NULL) x GROUP BY x.school ORDER BY x.school",
      &st);
  if (err != 0)
    return err;
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    const char *name = baton__col_text(st, 0);
    baton_school_t sc = {name ? name : "",
                         (size_t)baton__sql_column_int64(st, 1),
                         (size_t)baton__sql_column_int64(st, 3),
                         (size_t)baton__sql_column_int64(st, 2)};
    if ((r = cb(&sc, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read the schools");
  baton__sql_finalize(st);
  return r;
}

int baton_school_name_valid(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > BATON_SCHOOL_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
      return 0;
  return 1;
}

typedef struct {
  char **names;
  size_t n, cap;
} names_t;

static int add_name(const baton_school_t *sc, void *ud) {
  names_t *v = ud;
  if (sc->people == 0)
    return 0;
  if (BATON_GROW(v->names, v->n, v->cap, 8) != 0)
    return BATON_ENOMEM;
  if ((v->names[v->n] = baton__strdup(sc->name)) == NULL)
    return BATON_ENOMEM;
  v->n++;
  return 0;
}

int baton_school_check(baton_store_t *s, const char *name) {
  names_t v = {0};
  int err = baton_schools_each(s, add_name, &v);
  int found = 0;
  for (size_t i = 0; err == 0 && i < v.n; i++)
    found |= strcmp(v.names[i], name) == 0;
  if (err == 0 && !found) {
    const char *near = baton__suggest(name, (const char *const *)v.names, v.n);
    err = baton__store_fail(s, BATON_ENOTFOUND,
                            "no school '%s' in %s (no active person has it "
                            "in the school column)%s%s%s; `baton schools "
                            "list` shows the schools",
                            name, s->path, near ? " (did you mean '" : "",
                            near ? near : "", near ? "'?)" : "");
  }
  baton_names_free(v.names, v.n);
  return err;
}

/* The first column of the one row sql gives for person (malloc'd), or
 * BATON_ENOTFOUND with the message `missing`. */
static int text_of(baton_store_t *s, const char *sql, const char *person,
                   const char *missing, char **out, int *second) {
  *out = NULL;
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, sql, &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, person, -1);
  int rc = baton__sql_step(st);
  if (rc == SQLITE_ROW) {
    const char *t = baton__col_text(st, 0);
    if ((*out = baton__strdup(t ? t : "")) == NULL)
      err = BATON_ENOMEM;
    if (second)
      *second = (int)baton__sql_column_int64(st, 1);
  } else if (rc == SQLITE_DONE) {
    err = baton__store_fail(s, BATON_ENOTFOUND, missing, person, s->path);
  } else {
    err = baton__store_fail_sqlite(s, rc, "cannot read the schools");
  }
  baton__sql_finalize(st);
  return err;
}

int baton_person_school(baton_store_t *s, const char *person, char **school) {
  return text_of(s, "SELECT school FROM people WHERE id = ?", person,
                 "no person with id '%s': `baton people list` shows who is "
                 "in %s",
                 school, NULL);
}

int baton_group_in_school(baton_store_t *s, const char *group,
                          const char *school, int *yes) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT 1 FROM groups g WHERE g.name = ?1 AND (g.school = ?2 OR "
      "EXISTS (SELECT 1 FROM memberships m JOIN people p ON p.id = "
      "m.person_id WHERE m.group_name = g.name AND p.school = ?2))",
      &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, group, -1);
  bind_school(st, 2, school);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the schools");
  *yes = rc == SQLITE_ROW;
  return 0;
}

int baton_user_scope(baton_store_t *s, const char *person, char **school,
                     int *district) {
  return text_of(s,
                 "SELECT CASE WHEN u.school <> '' THEN u.school ELSE "
                 "p.school END, u.district FROM baton_users u JOIN people p "
                 "ON p.id = u.person_id WHERE u.person_id = ?",
                 person,
                 "'%s' has no account in %s: `baton users invite` makes one",
                 school, district);
}

int baton_user_scope_set(baton_store_t *s, const char *person,
                         const char *school, int district) {
  if (school != NULL && *school != '\0' && !baton_school_name_valid(school))
    return baton__store_fail(s, BATON_EINVAL,
                             "'%s' is not a school's name: 1 to %d "
                             "characters, no control characters",
                             school, BATON_SCHOOL_MAX);
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "UPDATE baton_users SET school = coalesce(?2, school), district = "
      "CASE WHEN ?3 < 0 THEN district ELSE ?3 END WHERE person_id = ?1",
      &st);
  if (err != 0)
    return err;
  baton__sql_bind_text(st, 1, person, -1);
  if (school != NULL)
    bind_school(st, 2, school);
  baton__sql_bind_int64(st, 3, district);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot change the account");
  if (baton__sql_changes(s->sql) == 0)
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "'%s' has no account in %s: `baton users "
                             "invite` makes one",
                             person, s->path);
  return 0;
}
