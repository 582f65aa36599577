/* core/store/terms.c: the school calendar: named terms and the closures
 * (half terms, holidays, training days) inside and between them.
 *
 * One table, baton_terms (core migration 4), that no plugin reaches
 * through SQL: plugins read it with baton.terms (core/lua/lua_terms.c),
 * coordinators write it with `baton terms` (core/cli/cmd_terms.c). Every
 * write is one transaction that ends with the checks (real dates, no two
 * terms sharing a day), so a bad file leaves the calendar as it was. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_int.h"

static const char *kind_name(baton_term_kind_t k) {
  return k == BATON_CLOSURE ? "closure" : "term";
}

int baton_terms_each(baton_store_t *s, baton_term_cb cb, void *ud) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT kind, name, start_date, end_date FROM baton_terms "
      "ORDER BY start_date, kind DESC, end_date, name",
      &st);
  if (err != 0)
    return err;
  int rc, r = 0;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    baton_term_t t = {
        strcmp(baton__col_text(st, 0), "closure") == 0 ? BATON_CLOSURE
                                                       : BATON_TERM,
        baton__col_text(st, 1), baton__col_text(st, 2), baton__col_text(st, 3)};
    if ((r = cb(&t, ud)) != 0)
      break;
  }
  if (r == 0 && rc != SQLITE_DONE)
    r = baton__store_fail_sqlite(s, rc, "cannot read the school calendar");
  baton__sql_finalize(st);
  return r;
}

/* Checks one row before it is written. */
static int check_row(baton_store_t *s, const baton_term_t *t,
                     const char *where) {
  const char *at = where ? where : "";
  const char *sep = where ? ": " : "";
  if (t->name == NULL || *t->name == '\0')
    return baton__store_fail(s, BATON_EINVAL,
                             "%s%sa %s needs a name, e.g. \"Autumn 2026\"", at,
                             sep, kind_name(t->kind));
  if (t->from == NULL || baton__date_parse(t->from, NULL, NULL, NULL) != 0 ||
      t->to == NULL || baton__date_parse(t->to, NULL, NULL, NULL) != 0)
    return baton__store_fail(
        s, BATON_EINVAL,
        "%s%s%s '%s' needs a first and a last day written YYYY-MM-DD (got "
        "'%s' and '%s')",
        at, sep, kind_name(t->kind), t->name, t->from ? t->from : "",
        t->to ? t->to : "");
  if (strcmp(t->from, t->to) > 0)
    return baton__store_fail(s, BATON_EINVAL,
                             "%s%s%s '%s' ends (%s) before it starts (%s); "
                             "swap the dates",
                             at, sep, kind_name(t->kind), t->name, t->to,
                             t->from);
  return 0;
}

/* Binds kind, name, from and to of t as ?1..?4. */
static void bind_row(baton__sql_stmt_t *st, const baton_term_t *t) {
  baton__sql_bind_text(st, 1, kind_name(t->kind), -1);
  baton__sql_bind_text(st, 2, t->name, -1);
  baton__sql_bind_text(st, 3, t->from, -1);
  baton__sql_bind_text(st, 4, t->to, -1);
}

/* Writes one row: added, updated or unchanged. */
static int put_row(baton_store_t *s, const baton_term_t *t,
                   baton_terms_report_t *r) {
  baton__sql_stmt_t *st;
  /* A term is known by its name, a closure by its name and first day. */
  int err = baton__store_prepare(
      s,
      "SELECT start_date, end_date FROM baton_terms WHERE kind = ?1 AND "
      "name = ?2 AND (?1 = 'term' OR start_date = ?3) AND ?4 = ?4",
      &st);
  if (err != 0)
    return err;
  bind_row(st, t);
  int rc = baton__sql_step(st);
  int found = rc == SQLITE_ROW;
  int same = found && strcmp(baton__col_text(st, 0), t->from) == 0 &&
             strcmp(baton__col_text(st, 1), t->to) == 0;
  baton__sql_finalize(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot read the school calendar");
  if (same) {
    r->unchanged++;
    return 0;
  }
  err = baton__store_prepare(
      s,
      found ? "UPDATE baton_terms SET start_date = ?3, end_date = ?4 WHERE "
              "kind = ?1 AND name = ?2 AND (?1 = 'term' OR start_date = ?3)"
            : "INSERT INTO baton_terms(kind, name, start_date, end_date) "
              "VALUES (?1, ?2, ?3, ?4)",
      &st);
  if (err != 0)
    return err;
  bind_row(st, t);
  rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE)
    return baton__store_fail_sqlite(s, rc, "cannot write the school calendar");
  if (found)
    r->updated++;
  else
    r->added++;
  return 0;
}

/* With `replace`: removes what rows do not hold. The rows are written
 * first, marked in a temporary list of keys. */
static int remove_others(baton_store_t *s, const baton_term_t *rows, size_t n,
                         baton_terms_report_t *r) {
  int err = baton__store_exec(s,
                              "CREATE TEMP TABLE IF NOT EXISTS baton_terms_keep"
                              "(kind TEXT, name TEXT, start_date TEXT);"
                              "DELETE FROM baton_terms_keep",
                              "cannot replace the school calendar");
  baton__sql_stmt_t *st;
  if (err == 0)
    err = baton__store_prepare(s,
                               "INSERT INTO baton_terms_keep VALUES "
                               "(?, ?, ?)",
                               &st);
  if (err != 0)
    return err;
  for (size_t i = 0; i < n; i++) {
    baton__sql_reset(st);
    baton__sql_bind_text(st, 1, kind_name(rows[i].kind), -1);
    baton__sql_bind_text(st, 2, rows[i].name, -1);
    baton__sql_bind_text(st, 3, rows[i].from, -1);
    int rc = baton__sql_step(st);
    if (rc != SQLITE_DONE) {
      baton__sql_finalize(st);
      return baton__store_fail_sqlite(s, rc, "cannot replace the calendar");
    }
  }
  baton__sql_finalize(st);
  err = baton__store_exec(
      s,
      "DELETE FROM baton_terms WHERE NOT EXISTS (SELECT 1 FROM "
      "baton_terms_keep k WHERE k.kind = baton_terms.kind AND k.name = "
      "baton_terms.name AND (k.kind = 'term' OR k.start_date = "
      "baton_terms.start_date))",
      "cannot replace the school calendar");
  if (err == 0)
    r->removed += (size_t)baton__sql_changes(s->sql);
  return err;
}

/* Fails naming two terms that share a day, if any. */
static int check_overlap(baton_store_t *s) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT a.name, a.start_date, a.end_date, b.name, b.start_date, "
      "b.end_date FROM baton_terms a JOIN baton_terms b ON a.kind = 'term' "
      "AND b.kind = 'term' AND a.start_date <= b.start_date AND a.name <> "
      "b.name AND b.start_date <= a.end_date ORDER BY a.start_date LIMIT 1",
      &st);
  if (err != 0)
    return err;
  int rc = baton__sql_step(st);
  if (rc == SQLITE_ROW)
    err = baton__store_fail(
        s, BATON_EINVAL,
        "terms '%s' (%s to %s) and '%s' (%s to %s) share days; a day is in "
        "one term at most: correct the dates, or remove one with `baton "
        "terms remove NAME`",
        baton__col_text(st, 0), baton__col_text(st, 1), baton__col_text(st, 2),
        baton__col_text(st, 3), baton__col_text(st, 4), baton__col_text(st, 5));
  else if (rc != SQLITE_DONE)
    err = baton__store_fail_sqlite(s, rc, "cannot read the school calendar");
  baton__sql_finalize(st);
  return err;
}

int baton_terms_apply(baton_store_t *s, const baton_term_t *rows,
                      const char *const *where, size_t n, int replace,
                      int dry_run, baton_terms_report_t *report) {
  memset(report, 0, sizeof *report);
  for (size_t i = 0; i < n; i++) {
    int err = check_row(s, &rows[i], where ? where[i] : NULL);
    if (err != 0)
      return err;
    for (size_t j = 0; j < i; j++)
      if (rows[j].kind == rows[i].kind &&
          strcmp(rows[j].name, rows[i].name) == 0 &&
          (rows[i].kind == BATON_TERM ||
           strcmp(rows[j].from, rows[i].from) == 0))
        return baton__store_fail(
            s, BATON_EINVAL,
            "%s%s%s '%s' is given twice (also at %s); keep one",
            where ? where[i] : "", where ? ": " : "", kind_name(rows[i].kind),
            rows[i].name, where ? where[j] : "an earlier row");
  }
  int err = baton__store_begin(s);
  if (err != 0)
    return err;
  for (size_t i = 0; err == 0 && i < n; i++)
    err = put_row(s, &rows[i], report);
  if (err == 0 && replace)
    err = remove_others(s, rows, n, report);
  if (err == 0)
    err = check_overlap(s);
  if (err != 0 || dry_run) {
    baton__store_rollback(s);
    return err;
  }
  return baton__store_commit(s);
}

int baton_terms_remove(baton_store_t *s, const char *name, const char *from,
                       size_t *removed) {
  *removed = 0;
  int err = baton__store_begin(s);
  if (err != 0)
    return err;
  baton__sql_stmt_t *st;
  err = baton__store_prepare(
      s,
      "DELETE FROM baton_terms WHERE name = ?1 AND (kind = 'term' OR NOT "
      "EXISTS (SELECT 1 FROM baton_terms WHERE kind = 'term' AND name = ?1)) "
      "AND (CAST(?2 AS TEXT) IS NULL OR start_date = ?2)",
      &st);
  if (err != 0) {
    baton__store_rollback(s);
    return err;
  }
  baton__sql_bind_text(st, 1, name, -1);
  baton__bind_text(st, 2, from);
  int rc = baton__sql_step(st);
  baton__sql_finalize(st);
  if (rc != SQLITE_DONE) {
    baton__store_rollback(s);
    return baton__store_fail_sqlite(s, rc, "cannot change the calendar");
  }
  *removed = (size_t)baton__sql_changes(s->sql);
  if (*removed == 0) {
    baton__store_rollback(s);
    return baton__store_fail(s, BATON_ENOTFOUND,
                             "no term or closure named '%s'%s%s: `baton "
                             "terms list` shows the calendar",
                             name, from ? " starting on " : "",
                             from ? from : "");
  }
  return baton__store_commit(s);
}

/* ---- the rule that reads a calendar's titles ---------------------------- */

/* Whether `word` stands in the lower-cased title as a whole word (letters
 * or digits on neither side), e.g. "term" in "autumn term 1" but not in
 * "determined". */
static int has_word(const char *title, const char *word) {
  size_t n = strlen(word);
  for (const char *at = strstr(title, word); at; at = strstr(at + 1, word)) {
    int before = at > title && isalnum((unsigned char)at[-1]);
    int after = isalnum((unsigned char)at[n]);
    if (!before && !after)
      return 1;
  }
  return 0;
}

int baton_terms_classify(const char *title) {
  static const char *const closure[] = {
      "holiday", "holidays",     "half term", "half-term",   "halfterm",
      "break",   "closure",      "closed",    "vacation",    "recess",
      "inset",   "training day", "no school", "bank holiday"};
  static const char *const term[] = {"term",       "semester", "trimester",
                                     "quarter",    "terms",    "semesters",
                                     "trimesters", "quarters"};
  char low[256];
  size_t i;
  for (i = 0; title && title[i] && i + 1 < sizeof low; i++)
    low[i] = (char)tolower((unsigned char)title[i]);
  low[i] = '\0';
  for (i = 0; i < sizeof closure / sizeof *closure; i++)
    if (has_word(low, closure[i]))
      return BATON_CLOSURE;
  for (i = 0; i < sizeof term / sizeof *term; i++)
    if (has_word(low, term[i]))
      return BATON_TERM;
  return -1;
}
