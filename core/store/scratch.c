/* core/store/scratch.c: scratch databases for `baton test --db URL`.
 *
 * A plugin's tests on PostgreSQL run in a database of their own, made on
 * the server of the URL the author gave and dropped after: the URL's own
 * database is only connected to (CREATE DATABASE and DROP DATABASE run
 * there), never written, so pointing `baton test` at a district's live
 * database cannot change its data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"

/* The URL with its database name replaced by name (a plain identifier),
 * keeping scheme, user, host, port and parameters. Malloc'd. */
static char *with_dbname(const char *url, const char *name) {
  const char *a = strstr(url, "://");
  if (a == NULL)
    return NULL;
  a += 3;
  size_t auth = strcspn(a, "/?");
  const char *rest = a + auth;
  if (*rest == '/')
    rest += strcspn(rest, "?");
  return baton__asprintf("%.*s/%s%s", (int)(a + auth - url), url, name, rest);
}

/* The database name of a URL made by with_dbname (an identifier). */
static int dbname_of(const char *url, char name[64]) {
  const char *a = strstr(url, "://");
  if (a == NULL || (a = strchr(a + 3, '/')) == NULL)
    return -1;
  size_t n = strcspn(a + 1, "?");
  if (n == 0 || n >= 64 || strncmp(a + 1, "baton_test_", 11) != 0)
    return -1;
  memcpy(name, a + 1, n);
  name[n] = '\0';
  return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n ? 0 : -1;
}

/* Runs sql on the database of url; *err (malloc'd) on failure. */
static int admin_exec(const char *url, const char *sql, const char *what,
                      char **err) {
  baton__sql_t *c = NULL;
  char *why = NULL;
  if (baton__sql_open_postgres(&c, url, &why) != SQLITE_OK) {
    *err = baton__asprintf("%s: cannot connect: %s", what, why ? why : "?");
    free(why);
    return BATON_EIO;
  }
  int rc = baton__sql_exec(c, sql);
  if (rc != SQLITE_OK)
    *err = baton__asprintf("%s: %s", what, baton__sql_errmsg(c));
  baton__sql_close(c);
  return rc == SQLITE_OK ? 0 : BATON_ESTORE;
}

int baton_store_scratch_new(const char *url, char **out, char **err) {
  static unsigned n;
  char name[64], sql[128];
  *out = *err = NULL;
  snprintf(name, sizeof name, "baton_test_%ld_%ld_%u", (long)getpid(),
           (long)time(NULL), n++);
  char *scratch = with_dbname(url, name);
  if (scratch == NULL) {
    *err = baton__asprintf("'%s' is not a postgresql:// URL", url);
    return BATON_EINVAL;
  }
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  char *what = baton__asprintf(
      "cannot make the scratch database %s on the server of --db (the "
      "tests never write the URL's own database; the role needs CREATEDB: "
      "ALTER ROLE name CREATEDB, or give a URL whose role has it)",
      name);
  int r = admin_exec(url, sql, what ? what : name, err);
  free(what);
  if (r != 0) {
    free(scratch);
    return r;
  }
  *out = scratch;
  return 0;
}

int baton_store_scratch_drop(const char *url, const char *scratch, char **err) {
  char name[64], sql[128];
  *err = NULL;
  if (dbname_of(scratch, name) != 0) {
    *err = baton__asprintf("'%s' is not a scratch database of baton test",
                           scratch);
    return BATON_EINVAL;
  }
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
  char *what = baton__asprintf("cannot drop the scratch database %s (drop "
                               "it by hand: DROP DATABASE %s)",
                               name, name);
  int r = admin_exec(url, sql, what ? what : name, err);
  free(what);
  return r;
}

int baton_store_scratch_reset(const char *url, const char *scratch,
                              char **err) {
  char name[64], sql[160];
  int r = baton_store_scratch_drop(url, scratch, err);
  if (r != 0 || dbname_of(scratch, name) != 0)
    return r ? r : BATON_EINVAL;
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  return admin_exec(url, sql, "cannot make the scratch database again", err);
}
