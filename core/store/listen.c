/* core/store/listen.c: LISTEN baton_change on a second PostgreSQL
 * connection (listen.h). Layer: store. */
#include "listen.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include "base.h"
#include "sql.h"
#include "sql_pg.h"

struct baton_listener_s {
  char *url;
  PGconn *conn;
  char *err;
};

/* Says what failed and why (why: malloc'd, taken; NULL for want of
 * memory), and drops the connection. */
static int fail(baton_listener_t *l, const char *what, char *why) {
  free(l->err);
  l->err = baton__asprintf("%s: %s", what, why ? why : "out of memory");
  free(why);
  if (l->conn) {
    PQfinish(l->conn);
    l->conn = NULL;
  }
  return BATON_EIO;
}

int baton_listener_reconnect(baton_listener_t *l) {
  if (l->conn)
    PQfinish(l->conn);
  char *err = NULL;
  l->conn = baton__pg_connect(l->url, &err);
  if (l->conn == NULL)
    return fail(l, "cannot connect to PostgreSQL to hear of changes", err);
  PGresult *r = PQexec(l->conn, "LISTEN " BATON_CHANGE_CHANNEL);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok)
    return fail(l, "cannot LISTEN " BATON_CHANGE_CHANNEL,
                baton__pg_conn_message(l->conn));
  if (PQsetnonblocking(l->conn, 1) != 0)
    return fail(l, "cannot make the listening connection non-blocking",
                baton__pg_conn_message(l->conn));
  free(l->err);
  l->err = NULL;
  return 0;
}

int baton_listener_open(baton_listener_t **out, const char *url, char **err) {
  *out = NULL;
  if (err)
    *err = NULL;
  if (!baton__sql_is_url(url))
    return BATON_EINVAL;
  baton_listener_t *l = calloc(1, sizeof *l);
  if (l == NULL || (l->url = baton__strdup(url)) == NULL) {
    free(l);
    return BATON_ENOMEM;
  }
  *out = l;
  int e = baton_listener_reconnect(l);
  if (e != 0 && err)
    *err = baton__strdup(baton_listener_error(l));
  return e;
}

int baton_listener_fd(const baton_listener_t *l) {
  return l->conn ? PQsocket(l->conn) : -1;
}

int baton_listener_drain(baton_listener_t *l, long long *n) {
  *n = 0;
  if (l->conn == NULL)
    return BATON_EIO;
  if (!PQconsumeInput(l->conn) || PQstatus(l->conn) != CONNECTION_OK)
    return fail(l, "lost the connection that hears of changes",
                baton__pg_conn_message(l->conn));
  PGnotify *nt;
  while ((nt = PQnotifies(l->conn)) != NULL) {
    (*n)++;
    PQfreemem(nt);
  }
  return 0;
}

const char *baton_listener_error(const baton_listener_t *l) {
  return l->err ? l->err : "";
}

void baton_listener_close(baton_listener_t *l) {
  if (l == NULL)
    return;
  if (l->conn)
    PQfinish(l->conn);
  free(l->err);
  free(l->url);
  free(l);
}
