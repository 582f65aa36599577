/* core/store/export.c: people and groups out to CSV or JSON.
 *
 * An export builds the whole file in memory and writes it atomically (a
 * temporary file renamed over the target), so an interrupted export never
 * leaves half a roster where a spreadsheet will open it. The CSV is what
 * `baton people import` reads back: the same columns, `active` as yes/no,
 * one column per free attribute. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store_int.h"

static const char *const person_columns[] = {
    "id",       "name",   "email",     "role",       "department", "campus",
    "subjects", "grades", "languages", "start_date", "manager_id"};
#define NPERSON (sizeof person_columns / sizeof *person_columns)

/* Writes buf to path ("-" is standard output). Returns 0 or an error with
 * the store's message set. */
static int write_out(baton_store_t *s, const char *path, baton_buf_t *b) {
  if (strcmp(path, "-") == 0) {
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
      return baton__store_fail(s, BATON_EIO, "cannot write to standard output");
    fflush(stdout);
    return 0;
  }
  char *msg = NULL;
  int err =
      baton__file_write_atomic(path, b->data ? b->data : "", b->len, &msg);
  if (err != 0) {
    baton__store_fail(s, err,
                      "%s; check that the directory exists and has "
                      "space",
                      msg ? msg : path);
    free(msg);
  }
  return err;
}

/* How a CSV export is written: for Excel on Windows, a UTF-8 byte order
 * mark first (without it Excel reads the file as ANSI and garbles
 * accents) and CRLF line ends. */
static const char *csv_start(baton_buf_t *b, int excel) {
  if (excel && baton__buf_append(b, "\xef\xbb\xbf", 3) != 0)
    return NULL;
  return excel ? "\r\n" : "\n";
}

/* 1 if someone has a school other than '' (a district database). */
static size_t has_schools(baton_store_t *s) {
  baton__sql_stmt_t *st;
  if (baton__store_prepare(s, "SELECT 1 FROM people WHERE school <> '' LIMIT 1",
                           &st) != 0)
    return 0;
  size_t yes = baton__sql_step(st) == SQLITE_ROW;
  baton__sql_finalize(st);
  return yes;
}

static int people_csv(baton_store_t *s, baton_buf_t *b, int excel,
                      size_t *rows) {
  char **keys;
  size_t nkeys;
  const char *eol = csv_start(b, excel);
  if (eol == NULL)
    return BATON_ENOMEM;
  int err = baton_people_attr_names(s, &keys, &nkeys);
  if (err != 0)
    return err;
  /* Schools (core/store/schools.c): a `school` column after `active` only
   * when someone has one, so a single school's export is as before. */
  size_t sc = has_schools(s);
  size_t ncols = NPERSON + 1 + sc + nkeys;
  const char **cells = calloc(ncols, sizeof *cells);
  baton_buf_t sql = {0};
  baton__sql_stmt_t *st = NULL;
  if (cells == NULL) {
    err = BATON_ENOMEM;
    goto done;
  }
  baton__buf_printf(&sql,
                    "SELECT id, name, email, role, department, campus, "
                    "subjects, grades, languages, start_date, "
                    "manager_id, active%s",
                    sc ? ", school" : "");
  for (size_t i = 0; i < NPERSON; i++)
    cells[i] = person_columns[i];
  cells[NPERSON] = "active";
  if (sc)
    cells[NPERSON + 1] = "school";
  baton__sql_engine_t engine = baton__sql_engine(s->sql);
  for (size_t i = 0; i < nkeys && err == 0; i++) {
    cells[NPERSON + 1 + sc + i] = keys[i];
    if ((err = baton__buf_printf(&sql, ", ")) == 0)
      err = baton__sql_json_text(&sql, engine, "attrs", keys[i]);
  }
  if (err == BATON_EINVAL) {
    err = baton__store_fail(s, err,
                            "cannot export attribute names holding '\"': "
                            "rename the attribute and import again");
    goto done;
  }
  if (err != 0 || baton__buf_printf(&sql, " FROM people ORDER BY id") != 0 ||
      baton__csv_write_row_eol(b, cells, ncols, eol) != 0) {
    err = BATON_ENOMEM;
    goto done;
  }
  if ((err = baton__store_prepare(s, sql.data, &st)) != 0)
    goto done;
  int rc;
  while ((rc = baton__sql_step(st)) == SQLITE_ROW) {
    for (size_t i = 0; i < NPERSON; i++)
      cells[i] = baton__col_text(st, (int)i);
    cells[NPERSON] = (int)baton__sql_column_int64(st, NPERSON) ? "yes" : "no";
    for (size_t i = 0; i < sc + nkeys; i++)
      cells[NPERSON + 1 + i] = baton__col_text(st, (int)(NPERSON + 1 + i));
    if (baton__csv_write_row_eol(b, cells, ncols, eol) != 0) {
      err = BATON_ENOMEM;
      goto done;
    }
    (*rows)++;
  }
  if (rc != SQLITE_DONE)
    err = baton__store_fail_sqlite(s, rc, "cannot read people");
done:
  baton__sql_finalize(st);
  baton__buf_free(&sql);
  free(cells);
  baton_names_free(keys, nkeys);
  return err;
}

/* Adds a `;` list as a JSON array of strings. */
static int set_list(json_t *o, const char *key, const char *list) {
  json_t *a = json_array();
  if (a == NULL)
    return BATON_ENOMEM;
  while (list && *list) {
    const char *e = strchr(list, ';');
    size_t n = e ? (size_t)(e - list) : strlen(list);
    json_array_append_new(a, json_stringn(list, n));
    list += n + (e != NULL);
  }
  return json_object_set_new(o, key, a) == 0 ? 0 : BATON_ENOMEM;
}

json_t *baton__person_to_json(const baton_person_t *p) {
  json_t *o = json_object();
  if (o == NULL)
    return NULL;
  const char *vals[] = {p->id,         p->name,       p->email,     p->role,
                        p->department, p->campus,     p->subjects,  p->grades,
                        p->languages,  p->start_date, p->manager_id};
  for (size_t i = 0; i < NPERSON; i++) {
    if (i >= 6 && i <= 8)
      set_list(o, person_columns[i], vals[i]);
    else if (vals[i] != NULL)
      json_object_set_new(o, person_columns[i], json_string(vals[i]));
    else
      json_object_set_new(o, person_columns[i], json_null());
  }
  json_object_set_new(o, "active", json_boolean(p->active));
  if (p->role_in_group != NULL)
    json_object_set_new(o, "role_in_group", json_string(p->role_in_group));
  json_t *attrs = p->attrs ? json_loads(p->attrs, 0, NULL) : NULL;
  /* Attributes sit beside the core fields, as columns do in the CSV; a
   * core field always wins over an attribute of the same name. */
  const char *k;
  json_t *v;
  json_object_foreach(attrs, k, v) {
    if (json_object_get(o, k) == NULL)
      json_object_set(o, k, v);
  }
  json_decref(attrs);
  return o;
}

static int add_person(const baton_person_t *p, void *ud) {
  json_t *o = baton__person_to_json(p);
  if (o == NULL || json_array_append_new(ud, o) != 0)
    return BATON_ENOMEM;
  return 0;
}

/* Sets each person's "school" in a (the people in id order, as
 * baton_people_each gives them), for a district database's JSON export,
 * so that an import reads it back. */
static int add_schools(baton_store_t *s, json_t *a) {
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(s, "SELECT id, school FROM people", &st);
  if (err != 0)
    return err;
  json_t *of = json_object();
  int rc;
  while (of != NULL && (rc = baton__sql_step(st)) == SQLITE_ROW)
    json_object_set_new(of, baton__col_text(st, 0),
                        json_string(baton__col_text(st, 1)));
  baton__sql_finalize(st);
  if (of == NULL)
    return BATON_ENOMEM;
  if (rc != SQLITE_DONE) {
    json_decref(of);
    return baton__store_fail_sqlite(s, rc, "cannot read the schools");
  }
  size_t i;
  json_t *o;
  json_array_foreach(a, i, o) {
    json_t *sc =
        json_object_get(of, json_string_value(json_object_get(o, "id")));
    if (sc != NULL)
      json_object_set(o, "school", sc);
  }
  json_decref(of);
  return 0;
}

static int dump_json(json_t *j, baton_buf_t *b) {
  char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                 JSON_REAL_PRECISION(15));
  if (text == NULL)
    return BATON_ENOMEM;
  int err = baton__buf_append(b, text, strlen(text));
  if (err == 0)
    err = baton__buf_append(b, "\n", 1);
  free(text);
  return err;
}

int baton_people_export(baton_store_t *s, const char *path,
                        baton_format_t format) {
  size_t rows;
  return baton_people_export_ex(s, path, format, 0, &rows);
}

int baton_people_export_ex(baton_store_t *s, const char *path,
                           baton_format_t format, int excel, size_t *rows) {
  baton_buf_t b = {0};
  int err;
  *rows = 0;
  if (baton__format_of(path, format) == BATON_FORMAT_JSON) {
    json_t *a = json_array();
    if (a == NULL)
      return BATON_ENOMEM;
    err = baton_people_each(s, NULL, 0, 1, add_person, a);
    if (err == 0 && has_schools(s))
      err = add_schools(s, a);
    *rows = json_array_size(a);
    if (err == 0)
      err = dump_json(a, &b);
    json_decref(a);
  } else {
    err = people_csv(s, &b, excel, rows);
  }
  if (err == 0)
    err = write_out(s, path, &b);
  baton__buf_free(&b);
  return err;
}

int baton_groups_export(baton_store_t *s, const char *path,
                        baton_format_t format) {
  size_t rows;
  return baton_groups_export_ex(s, path, format, 0, &rows);
}

int baton_groups_export_ex(baton_store_t *s, const char *path,
                           baton_format_t format, int excel, size_t *rows) {
  *rows = 0;
  int json = baton__format_of(path, format) == BATON_FORMAT_JSON;
  baton__sql_stmt_t *st;
  int err = baton__store_prepare(
      s,
      "SELECT g.name, g.kind, m.person_id, m.role_in_group FROM groups g "
      "JOIN memberships m ON m.group_name = g.name "
      "ORDER BY g.name, m.person_id",
      &st);
  if (err != 0)
    return err;
  static const char *const cols[] = {"group", "kind", "person_id",
                                     "role_in_group"};
  baton_buf_t b = {0};
  json_t *a = json ? json_array() : NULL;
  const char *eol = json ? "\n" : csv_start(&b, excel);
  if (eol == NULL ||
      (json ? a == NULL : baton__csv_write_row_eol(&b, cols, 4, eol) != 0))
    err = BATON_ENOMEM;
  int rc = SQLITE_DONE;
  while (err == 0 && (rc = baton__sql_step(st)) == SQLITE_ROW) {
    const char *cells[4];
    for (int i = 0; i < 4; i++)
      cells[i] = baton__col_text(st, i);
    if (json) {
      json_t *o = json_object();
      for (int i = 0; o && i < 4; i++)
        json_object_set_new(o, cols[i],
                            cells[i] ? json_string(cells[i]) : json_null());
      if (o == NULL || json_array_append_new(a, o) != 0)
        err = BATON_ENOMEM;
    } else if (baton__csv_write_row_eol(&b, cells, 4, eol) != 0) {
      err = BATON_ENOMEM;
    }
    (*rows)++;
  }
  if (err == 0 && rc != SQLITE_DONE)
    err = baton__store_fail_sqlite(s, rc, "cannot read groups");
  baton__sql_finalize(st);
  if (err == 0 && json)
    err = dump_json(a, &b);
  json_decref(a);
  if (err == 0)
    err = write_out(s, path, &b);
  baton__buf_free(&b);
  return err;
}
