/* core/store/sql_pg.c: PostgreSQL through libpq (sql_pg.h), with SQLite's
 * statement API and result codes so the store runs unchanged on either
 * engine (sql.h).
 *
 * A statement is prepared on the server under its own name when it is
 * prepared here (so a mistake such as a missing table is reported by
 * prepare, as SQLite does), and each first step runs it with
 * PQexecPrepared and holds the whole result; later steps walk its rows.
 * `?` and `?N` placeholders become `$N`; parameters are sent untyped (the
 * server infers their types from the statement) as text, blobs in binary
 * format; a number the SQL skips (`?3` alone) is declared text, since the
 * server cannot infer the type of a parameter it never sees. Values come back
 * as text and are converted on demand, from the column's type (its OID):
 * integers, floats, bytea (decoded), booleans (0/1), text for everything else.
 *
 * Under bounds (a plugin's statements: sql.h, baton__sql_set_limits) the
 * rows are read one at a time as they arrive instead (libpq's single-row
 * mode), checked against the bounds, and the wait for them can cancel the
 * statement on the server. baton db copy writes through COPY FROM STDIN
 * (baton__pg_copy_*).
 *
 * A lost connection fails the call that finds it with SQLITE_IOERR; the
 * next call tries PQreset once, and the statements prepared before are
 * prepared again on the new session when they next run. Layer: store. */
#include "sql_pg.h"
#include "base.h"
#include "listen.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Type OIDs (PostgreSQL's catalog/pg_type.h; they never change). */
enum {
  OID_BOOL = 16,
  OID_BYTEA = 17,
  OID_INT8 = 20,
  OID_INT2 = 21,
  OID_INT4 = 23,
  OID_TEXT = 25,
  OID_OID = 26,
  OID_FLOAT4 = 700,
  OID_FLOAT8 = 701,
  OID_NUMERIC = 1700,
};

/* Server-side statements of finalized handles are deallocated in batches
 * of this many, between transactions. */
#define STALE_BATCH 16

/* SQLite's highest parameter number (SQLITE_MAX_VARIABLE_NUMBER's default). */
#define MAX_PARAMS 32766

struct baton__pg_s {
  PGconn *conn;
  char *err;               /* the last failure's message (malloc'd), or NULL */
  long long changes;       /* rows of the last INSERT, UPDATE or DELETE */
  long long total;         /* rows changed since the connection opened */
  int notified;            /* NOTIFY sent in the open transaction */
  unsigned generation;     /* bumped by each PQreset: old statements are gone */
  unsigned next_name;      /* names the server-side statements */
  char **stale;            /* names to DEALLOCATE */
  int nstale, capstale;    /* entries used and allocated in stale */
  baton__sql_limits_t lim; /* bounds of the statements run now (sql.h) */
  struct baton__pg_stmt_s *streaming; /* whose rows are being read */
  int in_tx;   /* the session was in a transaction when the call began */
  int lost_tx; /* it was lost inside one: see ready() */
};

/* One parameter as it will be sent. */
typedef struct {
  const char *v; /* NULL for SQL NULL */
  int len;       /* bytes, for blobs */
  int binary;    /* 1 for a blob */
  char *owned;   /* v's copy when the statement owns it, else NULL */
  char num[32];  /* an integer or a double as text */
} pg_param_t;

/* A bytea value of the current row, decoded (NUL-terminated). */
typedef struct {
  unsigned char *p;
  size_t n;
} pg_blob_t;

typedef enum { ST_READY, ST_ROWS, ST_DONE } pg_state_t;

struct baton__pg_stmt_s {
  baton__pg_t *c;
  char *sql;           /* the statement, with $N placeholders */
  Oid *types;          /* 0 (inferred) for each parameter the SQL uses */
  char name[32];       /* its server-side name */
  unsigned generation; /* c->generation when prepared on the server */
  int nparams;
  pg_param_t *params;
  const char **values; /* PQexecPrepared's arrays, filled from params */
  int *lengths;
  int *formats;
  PGresult *res; /* the result of the last run, or the description */
  int described; /* res is PQdescribePrepared's (no rows) */
  int row;       /* the current row of res */
  pg_state_t state;
  pg_blob_t *blobs; /* per column of the current row, decoded lazily */
  int nblobs;
  int streaming; /* its rows are being read (a bounded run) */
};

/* ---- messages ------------------------------------------------------------ */

/* Replaces each occurrence of `secret` in s (malloc'd, changed in place
 * or reallocated) by "***", so a password never reaches a message. */
static char *scrub(char *s, const char *secret) {
  if (s == NULL || secret == NULL || *secret == '\0')
    return s;
  size_t n = strlen(secret), from = 0;
  char *hit;
  while ((hit = strstr(s + from, secret)) != NULL) {
    size_t head = (size_t)(hit - s);
    char *t = malloc(strlen(s) - n + 4);
    if (t == NULL) {
      memset(hit, '*', n); /* same length, so it stays in place */
      from = head + n;
      continue;
    }
    memcpy(t, s, head);
    strcpy(t + head, "***");
    strcpy(t + head + 3, hit + n);
    free(s);
    s = t;
    from = head + 3;
  }
  return s;
}

/* A malloc'd copy of libpq's message without its "ERROR:  " or "FATAL:  "
 * prefix and trailing newlines; several lines are joined with "; ". */
static char *tidy(const char *msg) {
  if (msg == NULL || *msg == '\0')
    msg = "unknown error";
  for (const char *pre = "ERROR:  \0FATAL:  \0"; *pre; pre += strlen(pre) + 1)
    if (strncmp(msg, pre, strlen(pre)) == 0)
      msg += strlen(pre);
  size_t n = strlen(msg);
  char *s = malloc(2 * n + 1);
  if (s == NULL)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (msg[i] != '\n')
      s[o++] = msg[i];
    else if (i + 1 < n) {
      s[o++] = ';';
      s[o++] = ' ';
    }
  }
  s[o] = '\0';
  return s;
}

static void set_err(baton__pg_t *c, char *msg) {
  free(c->err);
  c->err = scrub(msg, c->conn ? PQpass(c->conn) : NULL);
}

/* The primary message of a failed result, with its DETAIL and HINT after
 * "; "; the connection's message when there is no result. Malloc'd. */
static char *result_message(PGconn *conn, const PGresult *r) {
  const char *primary =
      r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  if (primary == NULL)
    return tidy(r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r)
                                              : PQerrorMessage(conn));
  const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
  const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
  size_t n = strlen(primary) + (detail ? strlen(detail) + 2 : 0) +
             (hint ? strlen(hint) + 2 : 0) + 1;
  char *s = malloc(n);
  if (s != NULL)
    snprintf(s, n, "%s%s%s%s%s", primary, detail ? "; " : "",
             detail ? detail : "", hint ? "; " : "", hint ? hint : "");
  return s;
}

/* ---- result codes -------------------------------------------------------- */

/* SQLite's code for a PostgreSQL SQLSTATE (contract: docs/decisions.md,
 * "Store"): the nearest meaning, so one mapping to BATON_E* serves both. */
static int code_of_sqlstate(const char *st) {
  if (st == NULL || strlen(st) != 5)
    return SQLITE_ERROR;
  if (strncmp(st, "23", 2) == 0)
    return SQLITE_CONSTRAINT;
  if (!strcmp(st, "40001") || !strcmp(st, "40P01"))
    return SQLITE_BUSY;
  if (!strcmp(st, "55P03")) /* waited past lock_timeout: held by another */
    return SQLITE_BUSY_TIMEOUT;
  if (!strcmp(st, "57014"))
    return SQLITE_INTERRUPT;
  if (strncmp(st, "08", 2) == 0 || !strcmp(st, "57P01") ||
      !strcmp(st, "57P02") || !strcmp(st, "57P03"))
    return SQLITE_IOERR;
  if (strncmp(st, "53", 2) == 0)
    return SQLITE_FULL;
  if (!strcmp(st, "42501"))
    return SQLITE_AUTH;
  if (!strcmp(st, "22001") || !strcmp(st, "54000"))
    return SQLITE_TOOBIG;
  return SQLITE_ERROR;
}

/* Records the failure of r (or of the connection, when r is NULL) on c and
 * returns its code. A connection that went bad is SQLITE_IOERR whatever
 * the SQLSTATE: the next call reconnects. */
static int fail_result(baton__pg_t *c, const PGresult *r) {
  char *msg = result_message(c->conn, r);
  if (PQstatus(c->conn) == CONNECTION_BAD) {
    /* Lost inside a transaction: the server rolled it back. A new session
     * now would run the rest of it on its own, committed statement by
     * statement (and a plugin's without its role): every call fails until
     * the transaction's owner ends it (baton__pg_exec). */
    c->lost_tx = c->in_tx;
    const char *why = msg ? msg : "the connection was closed";
    size_t n = strlen(why) + 80;
    char *s = malloc(n);
    if (s != NULL)
      snprintf(s, n,
               "lost the connection to PostgreSQL (%s); the next command "
               "reconnects",
               why);
    free(msg);
    set_err(c, s);
    return SQLITE_IOERR;
  }
  set_err(c, msg);
  return code_of_sqlstate(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
}

/* Makes sure c has a working session: when the last one was lost, tries
 * PQreset once. SQLITE_OK, or SQLITE_IOERR with the reason. */
static void end_stream(baton__pg_stmt_t *st, int cut);
static void stop_stream(baton__pg_t *c);

static int ready(baton__pg_t *c) {
  stop_stream(c);
  if (c->lost_tx) {
    set_err(c, strdup("lost the connection to PostgreSQL in the middle of "
                      "a transaction: nothing of it was saved; it ends "
                      "with ROLLBACK, then the next command reconnects"));
    return SQLITE_IOERR;
  }
  if (PQstatus(c->conn) == CONNECTION_OK) {
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    c->in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
    return SQLITE_OK;
  }
  PQreset(c->conn);
  c->generation++; /* the server forgot every prepared statement */
  for (int i = 0; i < c->nstale; i++)
    free(c->stale[i]);
  c->nstale = 0;
  if (PQstatus(c->conn) == CONNECTION_OK)
    return SQLITE_OK;
  char *why = tidy(PQerrorMessage(c->conn));
  size_t n = (why ? strlen(why) : 0) + 80;
  char *s = malloc(n);
  if (s != NULL)
    snprintf(s, n, "cannot reconnect to PostgreSQL: %s", why ? why : "");
  free(why);
  set_err(c, s);
  return SQLITE_IOERR;
}

/* Tells every server listening (listen.h) that the data changed: inside
 * a transaction once, delivered at its commit and dropped by a rollback;
 * outside one, at once. A failed NOTIFY changes nothing of the write (a
 * server's safety-net poll still sees it). */
static void notify_change(baton__pg_t *c) {
  int in_tx = PQtransactionStatus(c->conn) != PQTRANS_IDLE;
  if (in_tx && c->notified)
    return;
  PQclear(PQexec(c->conn, "NOTIFY " BATON_CHANGE_CHANNEL));
  c->notified = in_tx;
}

/* Counts the rows changed by r when it is an INSERT, UPDATE, DELETE or
 * MERGE (with or without RETURNING), as sqlite3_changes does, and says
 * so to the listening servers. */
static void note_changes(baton__pg_t *c, PGresult *r) {
  const char *cmd = PQcmdStatus(r);
  const char *n = PQcmdTuples(r);
  /* A transaction ended or began, or a savepoint's rollback took back a
   * NOTIFY sent inside it. */
  if (PQtransactionStatus(c->conn) == PQTRANS_IDLE ||
      !strncmp(cmd, "BEGIN", 5) || !strncmp(cmd, "ROLLBACK", 8))
    c->notified = 0;
  if (*n == '\0')
    return;
  if (!strncmp(cmd, "INSERT", 6) || !strncmp(cmd, "UPDATE", 6) ||
      !strncmp(cmd, "DELETE", 6) || !strncmp(cmd, "MERGE", 5) ||
      !strncmp(cmd, "COPY", 4)) {
    c->changes = atoll(n);
    c->total += c->changes;
    if (c->changes > 0)
      notify_change(c);
  }
}

/* ---- the connection ------------------------------------------------------ */

/* Server notices (e.g. "there is no transaction in progress") are not
 * errors; the store's callers decide what to say. */
static void quiet(void *arg, const char *msg) {}

/* The password of a URL, crudely (user:PASSWORD@host, or password=...),
 * for scrubbing messages about a URL libpq could not parse. Malloc'd. */
static char *url_password(const char *url) {
  const char *q = strstr(url, "password=");
  if (q != NULL)
    return strndup(q + 9, strcspn(q + 9, "&"));
  const char *p = strstr(url, "://");
  if (p == NULL)
    return NULL;
  p += 3;
  const char *at = p + strcspn(p, "@/?");
  const char *colon = memchr(p, ':', (size_t)(at - p));
  if (*at != '@' || colon == NULL)
    return NULL;
  return strndup(colon + 1, (size_t)(at - colon - 1));
}

void *baton__pg_connect(const char *url, char **err) {
  *err = NULL;
  /* Defaults first: values in the URL override them. */
  const char *keys[] = {"connect_timeout", "client_encoding",
                        "fallback_application_name", "dbname", NULL};
  const char *vals[] = {"10", "UTF8", "baton", url, NULL};
  PGconn *conn = PQconnectdbParams(keys, vals, 1);
  if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
    char *why = tidy(conn ? PQerrorMessage(conn) : "out of memory");
    char *pw = url_password(url);
    *err = scrub(why, pw);
    free(pw);
    PQfinish(conn);
    return NULL;
  }
  PQsetNoticeProcessor(conn, quiet, NULL);
  return conn;
}

char *baton__pg_conn_message(void *conn) {
  return scrub(tidy(PQerrorMessage(conn)), PQpass(conn));
}

int baton__pg_open(baton__pg_t **out, const char *url, char **err) {
  *out = NULL;
  if (err)
    *err = NULL;
  baton__pg_t *c = calloc(1, sizeof *c);
  if (c == NULL)
    return SQLITE_NOMEM;
  char *why = NULL;
  c->conn = baton__pg_connect(url, &why);
  if (c->conn == NULL) {
    if (err)
      *err = why;
    else
      free(why);
    free(c);
    return SQLITE_CANTOPEN;
  }
  *out = c;
  return SQLITE_OK;
}

void baton__pg_close(baton__pg_t *c) {
  if (c == NULL)
    return;
  PQfinish(c->conn);
  for (int i = 0; i < c->nstale; i++)
    free(c->stale[i]);
  free(c->stale);
  free(c->err);
  free(c);
}

void *baton__pg_conn(baton__pg_t *c) { return c->conn; }

/* Deallocates the server-side statements of finalized handles, a batch
 * at a time and only between transactions (a failure inside one would
 * abort it). */
static void flush_stale(baton__pg_t *c) {
  if (c->nstale < STALE_BATCH || PQtransactionStatus(c->conn) != PQTRANS_IDLE)
    return;
  size_t n = 1;
  for (int i = 0; i < c->nstale; i++)
    n += strlen(c->stale[i]) + 13;
  char *sql = malloc(n);
  if (sql != NULL) {
    size_t o = 0;
    for (int i = 0; i < c->nstale; i++)
      o += (size_t)snprintf(sql + o, n - o, "DEALLOCATE %s;", c->stale[i]);
    PQclear(PQexec(c->conn, sql));
    free(sql);
  }
  for (int i = 0; i < c->nstale; i++)
    free(c->stale[i]);
  c->nstale = 0;
}

static const char *skip_blank(const char *p);

/* How sql ends the transaction: 1 ROLLBACK or ABORT (not ROLLBACK TO a
 * savepoint), 2 COMMIT or END, 0 it does not. */
static int ends_transaction(const char *sql) {
  const char *p = skip_blank(sql);
  size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  if ((n == 6 && !strncasecmp(p, "COMMIT", 6)) ||
      (n == 3 && !strncasecmp(p, "END", 3)))
    return 2;
  if (n == 5 && !strncasecmp(p, "ABORT", 5))
    return 1;
  if (n != 8 || strncasecmp(p, "ROLLBACK", 8) != 0)
    return 0;
  p = skip_blank(p + 8);
  return strncasecmp(p, "TO", 2) != 0 || isalpha((unsigned char)p[2]);
}

int baton__pg_exec(baton__pg_t *c, const char *sql) {
  int ends = c->lost_tx ? ends_transaction(sql) : 0;
  if (ends) { /* the lost transaction ends here: a ROLLBACK has nothing
               * left to do, a COMMIT fails (ready()'s sentence) */
    int rc = ends == 2 ? ready(c) : SQLITE_OK;
    c->lost_tx = c->in_tx = 0;
    return rc;
  }
  int rc = ready(c);
  if (rc != SQLITE_OK)
    return rc;
  PGresult *r = PQexec(c->conn, sql);
  ExecStatusType s = PQresultStatus(r);
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY) {
    note_changes(c, r);
    PQclear(r);
    return SQLITE_OK;
  }
  rc = fail_result(c, r);
  PQclear(r);
  return rc;
}

/* ---- the SQL text -------------------------------------------------------- */

static int ident_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '_' || (unsigned char)ch >= 0x80;
}

/* The end of a dollar-quoted string starting at p ('$'), or NULL when p
 * does not open one ($tag$ with tag empty or an identifier). */
static const char *skip_dollar(const char *p) {
  const char *t = p + 1;
  if (*t != '$' && (!ident_char(*t) || (*t >= '0' && *t <= '9')))
    return NULL;
  while (*t != '$' && ident_char(*t))
    t++;
  if (*t != '$')
    return NULL;
  size_t tag = (size_t)(t - p + 1); /* $tag$ */
  for (const char *q = t + 1; *q; q++)
    if (*q == '$' && strncmp(q, p, tag) == 0)
      return q + tag;
  return p + strlen(p); /* unterminated: the server says so */
}

/* The end of a quoted string starting at p (the quote), where a doubled
 * quote stands for one, and a backslash escapes in E'...' (esc). */
static const char *skip_quote(const char *p, int esc) {
  char q = *p++;
  for (; *p; p++) {
    if (esc && *p == '\\' && p[1])
      p++;
    else if (*p == q) {
      if (p[1] != q)
        return p + 1;
      p++;
    }
  }
  return p;
}

/* The end of a comment starting at p: -- to a \n or \r (PostgreSQL ends a
 * line comment at either), or nested block comments. */
static const char *skip_comment(const char *p) {
  if (p[0] == '-')
    return p + strcspn(p, "\n\r");
  int depth = 0;
  for (; *p; p++) {
    if (p[0] == '/' && p[1] == '*') {
      depth++;
      p++;
    } else if (p[0] == '*' && p[1] == '/') {
      p++;
      if (--depth == 0)
        return p + 1;
    }
  }
  return p;
}

/* When p (after prev) opens a quoted string, a dollar quote or a comment,
 * the end of it; else NULL: the text there is SQL. */
static const char *skip_literal(const char *p, char prev) {
  if (*p == '\'' || *p == '"')
    return skip_quote(p, 0);
  if ((*p == 'E' || *p == 'e') && p[1] == '\'' && !ident_char(prev))
    return skip_quote(p + 1, 1);
  if (*p == '$' && !ident_char(prev))
    return skip_dollar(p);
  if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*'))
    return skip_comment(p);
  return NULL;
}

/* Skips blanks, comments and empty statements (lone `;`). */
static const char *skip_blank(const char *p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';' ||
           *p == '\f' || *p == '\v')
      p++;
    if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*'))
      p = skip_comment(p);
    else
      return p;
  }
}

/* The first statement of sql from p: its text with `?` and `?N` rewritten
 * to `$N` (malloc'd, NULL for want of memory), the number of parameters
 * (the highest N) in *nparams, and in *end where it stopped (past the
 * top-level `;`, or at the NUL). used[N - 1] (MAX_PARAMS bytes, zeroed)
 * is set to 1 for each N the text uses. NULL with *nparams -1 when a
 * number is beyond MAX_PARAMS. */
static char *rewrite(const char *p, int *nparams, const char **end,
                     char *used) {
  size_t len = strlen(p);
  char *out = malloc(len * 6 + 1); /* `?` grows to `$32766` at most */
  if (out == NULL)
    return NULL;
  size_t o = 0;
  int max = 0;
  char prev = ' ';
  while (*p && *p != ';') {
    const char *lit = skip_literal(p, prev);
    if (lit != NULL) {
      memcpy(out + o, p, (size_t)(lit - p));
      o += (size_t)(lit - p);
      prev = lit[-1];
      p = lit;
      continue;
    }
    if (*p == '?') {
      int n = 0;
      p++;
      for (; *p >= '0' && *p <= '9'; p++)
        if (n <= MAX_PARAMS)
          n = n * 10 + (*p - '0');
      if (n == 0)
        n = max + 1;
      if (n > MAX_PARAMS) {
        free(out);
        *nparams = -1;
        return NULL;
      }
      if (n > max)
        max = n;
      used[n - 1] = 1;
      o += (size_t)sprintf(out + o, "$%d", n);
      prev = '0';
      continue;
    }
    prev = *p;
    out[o++] = *p++;
  }
  out[o] = '\0';
  *nparams = max;
  *end = *p == ';' ? p + 1 : p;
  return out;
}

/* ---- statements ---------------------------------------------------------- */

/* Whether sql only reads: it starts with SELECT or VALUES (a WITH may hide
 * a write). */
static int is_read(const char *sql) {
  const char *p = skip_blank(sql);
  return strncasecmp(p, "SELECT", 6) == 0 || strncasecmp(p, "VALUES", 6) == 0;
}

/* Prepares st's SQL on the server under a new name; on a session lost
 * outside a transaction, once more on a new one (preparing changes no
 * data). */
static int server_prepare(baton__pg_stmt_t *st) {
  baton__pg_t *c = st->c;
  snprintf(st->name, sizeof st->name, "baton_%u", ++c->next_name);
  int idle = PQtransactionStatus(c->conn) == PQTRANS_IDLE;
  PGresult *r = PQprepare(c->conn, st->name, st->sql, st->nparams, st->types);
  if (PQresultStatus(r) == PGRES_FATAL_ERROR && idle &&
      PQstatus(c->conn) == CONNECTION_BAD && ready(c) == SQLITE_OK) {
    PQclear(r);
    r = PQprepare(c->conn, st->name, st->sql, st->nparams, st->types);
  }
  int rc = SQLITE_OK;
  if (PQresultStatus(r) != PGRES_COMMAND_OK)
    rc = fail_result(c, r);
  else
    st->generation = c->generation;
  PQclear(r);
  return rc;
}

/* Fills s from the first statement at p: its rewritten SQL, the types
 * declared for its parameters, the arrays to send them; *end is where the
 * statement stopped. SQLITE_OK, SQLITE_NOMEM or SQLITE_RANGE (errmsg). */
static int parse(baton__pg_stmt_t *s, const char *p, const char **end) {
  char *used = calloc(MAX_PARAMS, 1);
  s->sql = used ? rewrite(p, &s->nparams, end, used) : NULL;
  int n = s->nparams > 0 ? s->nparams : 1;
  s->types = calloc((size_t)n, sizeof *s->types);
  for (int i = 0; s->types && used && i < s->nparams; i++)
    s->types[i] = used[i] ? 0 : OID_TEXT;
  free(used);
  if (s->nparams < 0) {
    set_err(s->c, strdup("placeholder numbers go from ?1 to ?32766"));
    return SQLITE_RANGE;
  }
  s->params = calloc((size_t)n, sizeof *s->params);
  s->values = calloc((size_t)n, sizeof *s->values);
  s->lengths = calloc((size_t)n, sizeof *s->lengths);
  s->formats = calloc((size_t)n, sizeof *s->formats);
  if (!s->sql || !s->types || !s->params || !s->values || !s->lengths ||
      !s->formats)
    return SQLITE_NOMEM;
  return SQLITE_OK;
}

int baton__pg_prepare(baton__pg_t *c, const char *sql, baton__pg_stmt_t **st,
                      const char **tail) {
  *st = NULL;
  const char *p = skip_blank(sql);
  if (*p == '\0') {
    if (tail)
      *tail = p;
    return SQLITE_OK; /* no statement at all */
  }
  int rc = ready(c);
  if (rc != SQLITE_OK)
    return rc;
  flush_stale(c);
  baton__pg_stmt_t *s = calloc(1, sizeof *s);
  if (s == NULL)
    return SQLITE_NOMEM;
  s->c = c;
  const char *end = p;
  rc = parse(s, p, &end);
  if (rc == SQLITE_OK)
    rc = server_prepare(s);
  if (rc != SQLITE_OK) {
    s->name[0] = '\0'; /* nothing to deallocate */
    baton__pg_finalize(s);
    return rc;
  }
  if (tail)
    *tail = end;
  *st = s;
  return SQLITE_OK;
}

/* Forgets the current row's decoded blobs. */
static void drop_blobs(baton__pg_stmt_t *st) {
  for (int i = 0; i < st->nblobs; i++) {
    free(st->blobs[i].p);
    st->blobs[i].p = NULL;
  }
}

static void drop_result(baton__pg_stmt_t *st) {
  drop_blobs(st);
  free(st->blobs);
  st->blobs = NULL;
  st->nblobs = 0;
  PQclear(st->res);
  st->res = NULL;
  st->described = 0;
}

/* Parameter i of st (from 1), cleared for a new value; NULL when i is out
 * of range. */
static pg_param_t *param(baton__pg_stmt_t *st, int i) {
  if (st == NULL || i < 1 || i > st->nparams)
    return NULL;
  pg_param_t *p = &st->params[i - 1];
  free(p->owned);
  memset(p, 0, sizeof *p);
  return p;
}

/* Binds v to parameter i of st: a blob of len bytes (binary), or text up
 * to the NUL or of len bytes. A copy (copy) is the statement's; text
 * travels NUL-terminated, so text with a length is copied even when the
 * caller keeps it alive. */
static int bind_bytes(baton__pg_stmt_t *st, int i, const char *v, int len,
                      int copy, int binary) {
  pg_param_t *p = param(st, i);
  if (p == NULL)
    return SQLITE_RANGE;
  if (v == NULL)
    return SQLITE_OK; /* SQL NULL */
  size_t n;
  if (binary) {
    if (len < 0)
      return SQLITE_MISUSE;
    p->binary = 1;
    p->len = len;
    n = (size_t)len;
  } else {
    copy |= len >= 0;
    n = len < 0 ? strlen(v) : strnlen(v, (size_t)len);
  }
  if (st->c->lim.max_value > 0 && n > st->c->lim.max_value)
    return SQLITE_TOOBIG; /* as sqlite3_bind_* past SQLITE_LIMIT_LENGTH */
  if (copy && n > 0) {
    if ((p->owned = malloc(n + 1)) == NULL)
      return SQLITE_NOMEM;
    memcpy(p->owned, v, n);
    p->owned[n] = '\0';
    v = p->owned;
  }
  p->v = n == 0 ? "" : v;
  return SQLITE_OK;
}

int baton__pg_bind_text(baton__pg_stmt_t *st, int i, const char *v, int len,
                        int copy) {
  return bind_bytes(st, i, v, len, copy, 0);
}

int baton__pg_bind_blob(baton__pg_stmt_t *st, int i, const void *v, int len,
                        int copy) {
  return bind_bytes(st, i, v, len, copy, 1);
}

int baton__pg_bind_int64(baton__pg_stmt_t *st, int i, long long v) {
  pg_param_t *p = param(st, i);
  if (p == NULL)
    return SQLITE_RANGE;
  snprintf(p->num, sizeof p->num, "%lld", v);
  p->v = p->num;
  return SQLITE_OK;
}

int baton__pg_bind_double(baton__pg_stmt_t *st, int i, double v) {
  pg_param_t *p = param(st, i);
  if (p == NULL)
    return SQLITE_RANGE;
  if (isnan(v))
    strcpy(p->num, "NaN");
  else if (isinf(v))
    strcpy(p->num, v > 0 ? "Infinity" : "-Infinity");
  else
    snprintf(p->num, sizeof p->num, "%.17g", v);
  p->v = p->num;
  return SQLITE_OK;
}

int baton__pg_bind_null(baton__pg_stmt_t *st, int i) {
  return param(st, i) ? SQLITE_OK : SQLITE_RANGE;
}

int baton__pg_bind_parameter_count(baton__pg_stmt_t *st) {
  return st ? st->nparams : 0;
}

/* ---- bounded statements (baton__sql_set_limits) ------------------------- */

void baton__pg_set_limits(baton__pg_t *c, const baton__sql_limits_t *l) {
  c->lim = l ? *l : (baton__sql_limits_t){0};
}

static int is_bounded(const baton__pg_t *c) {
  return c->lim.max_value > 0 || c->lim.stop != NULL;
}

/* Waits until c has an answer to give (PQisBusy is false), asking the
 * bounds' stop() every 50 ms: 1 when it says to stop. A connection that
 * breaks returns 0 (PQgetResult then says so). */
static int wait_answer(baton__pg_t *c) {
  while (PQisBusy(c->conn)) {
    if (c->lim.stop != NULL && c->lim.stop(c->lim.ud))
      return 1;
    struct pollfd pfd = {.fd = PQsocket(c->conn), .events = POLLIN};
    if (pfd.fd < 0)
      return 0;
    int n = poll(&pfd, 1, 50);
    if (n < 0 && errno != EINTR)
      return 0;
    if (n > 0 && !PQconsumeInput(c->conn))
      return 0;
  }
  return 0;
}

/* Ends the statement running on c before its end: the server is asked to
 * cancel it (PQcancel, over a connection of its own), the rest of its
 * answer is read and dropped a row at a time, and an open transaction is
 * left failed (a statement that got through before the cancel must not
 * commit), as when the server ends a statement itself. */
static void abandon(baton__pg_t *c) {
  PGcancel *k = PQgetCancel(c->conn);
  char why[256];
  if (k != NULL) {
    PQcancel(k, why, sizeof why);
    PQfreeCancel(k);
  }
  PGresult *r;
  while ((r = PQgetResult(c->conn)) != NULL)
    PQclear(r);
  if (PQtransactionStatus(c->conn) == PQTRANS_INTRANS)
    PQclear(PQexec(c->conn, "DO $baton$ BEGIN RAISE EXCEPTION 'baton: the "
                            "statement was stopped'; END $baton$"));
}

/* Checks the row r (PGRES_SINGLE_TUPLE) against c's bounds: 0, or
 * SQLITE_TOOBIG with the message set. A bytea value arrives as hex text,
 * twice its size. */
static int check_row(baton__pg_t *c, const PGresult *r) {
  for (int f = 0; c->lim.max_value > 0 && f < PQnfields(r); f++) {
    if (PQgetisnull(r, 0, f))
      continue;
    size_t n = (size_t)PQgetlength(r, 0, f);
    size_t v = PQftype(r, f) == OID_BYTEA && n >= 2 ? (n - 2) / 2 : n;
    if (v > c->lim.max_value) {
      set_err(c, baton__asprintf("column '%s' of a row is %zu bytes long, "
                                 "more than the %zu a value may have",
                                 PQfname(r, f), v, c->lim.max_value));
      return SQLITE_TOOBIG;
    }
  }
  return 0;
}

/* Ends st's stream of rows (see fetch_row): cut, before its end
 * (abandon); else reads the end of the answer. */
static void end_stream(baton__pg_stmt_t *st, int cut) {
  baton__pg_t *c = st->c;
  if (cut)
    abandon(c);
  else {
    PGresult *r;
    while ((r = PQgetResult(c->conn)) != NULL)
      PQclear(r);
  }
  st->streaming = 0;
  c->streaming = NULL;
}

/* Ends the stream of rows of the statement reading them, if one is:
 * the connection is needed for something else. */
static void stop_stream(baton__pg_t *c) {
  if (c->streaming != NULL) {
    c->streaming->state = ST_DONE;
    end_stream(c->streaming, 1);
  }
}

/* Makes room for the decoded blobs of st's result's columns. */
static int columns_ready(baton__pg_stmt_t *st) {
  st->nblobs = PQnfields(st->res);
  if (st->nblobs > 0) {
    st->blobs = calloc((size_t)st->nblobs, sizeof *st->blobs);
    if (st->blobs == NULL)
      return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Runs st with its parameters and keeps the result: SQLITE_OK, or the
 * failure's code. Under bounds (baton__pg_set_limits) it only sends the
 * statement: fetch_row reads its rows. A statement whose session was
 * replaced by a reset is prepared again first. */
static int run(baton__pg_stmt_t *st) {
  baton__pg_t *c = st->c;
  int rc = ready(c);
  if (rc == SQLITE_OK && st->generation != c->generation)
    rc = server_prepare(st);
  if (rc != SQLITE_OK)
    return rc;
  for (int i = 0; i < st->nparams; i++) {
    st->values[i] = st->params[i].v;
    st->lengths[i] = st->params[i].len;
    st->formats[i] = st->params[i].binary;
  }
  drop_result(st);
  if (is_bounded(c)) { /* the rows come one by one: see fetch_row */
    if (!PQsendQueryPrepared(c->conn, st->name, st->nparams, st->values,
                             st->lengths, st->formats, 0))
      return fail_result(c, NULL);
    PQsetSingleRowMode(c->conn);
    st->streaming = 1;
    c->streaming = st;
    return SQLITE_OK;
  }
  int idle = PQtransactionStatus(c->conn) == PQTRANS_IDLE;
  st->res = PQexecPrepared(c->conn, st->name, st->nparams, st->values,
                           st->lengths, st->formats, 0);
  ExecStatusType s = PQresultStatus(st->res);
  /* The session was lost under a read outside any transaction (the server
   * restarted, an administrator ended it): a new session and one more try
   * cannot do anything twice. A write is not tried again: it may have
   * committed before the answer was lost. */
  if (s == PGRES_FATAL_ERROR && idle && PQstatus(c->conn) == CONNECTION_BAD &&
      is_read(st->sql)) {
    drop_result(st);
    if ((rc = ready(c)) != SQLITE_OK || (rc = server_prepare(st)) != SQLITE_OK)
      return rc;
    st->res = PQexecPrepared(c->conn, st->name, st->nparams, st->values,
                             st->lengths, st->formats, 0);
    s = PQresultStatus(st->res);
  }
  if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && s != PGRES_EMPTY_QUERY)
    return fail_result(c, st->res);
  note_changes(c, st->res);
  return columns_ready(st);
}

/* The next row of a statement run under bounds: it is read from the
 * connection as the server sends it (single-row mode), so the client
 * holds one row at a time and checks it as it arrives, and the wait for
 * it asks stop() every 50 ms. SQLITE_ROW, SQLITE_DONE or a failure (the
 * stream then ended, the statement cancelled on the server). */
static int fetch_row(baton__pg_stmt_t *st) {
  baton__pg_t *c = st->c;
  drop_result(st);
  st->state = ST_DONE;
  if (wait_answer(c)) {
    set_err(c, strdup("the statement was cancelled: the call is ending"));
    end_stream(st, 1);
    return SQLITE_INTERRUPT;
  }
  PGresult *r = PQgetResult(c->conn);
  ExecStatusType s = PQresultStatus(r);
  int rc = SQLITE_DONE;
  if (s == PGRES_SINGLE_TUPLE && (rc = check_row(c, r)) == 0) {
    st->res = r;
    st->row = 0;
    st->state = ST_ROWS;
    return columns_ready(st) == SQLITE_OK ? SQLITE_ROW : SQLITE_NOMEM;
  }
  if (s == PGRES_SINGLE_TUPLE) { /* past the bounds */
    PQclear(r);
    end_stream(st, 1);
    return rc;
  }
  if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
    note_changes(c, r);
    st->res = r; /* its columns, no rows */
    rc = SQLITE_DONE;
  } else {
    rc = fail_result(c, r);
    PQclear(r);
  }
  end_stream(st, 0);
  return rc;
}

int baton__pg_step(baton__pg_stmt_t *st) {
  if (st == NULL)
    return SQLITE_MISUSE;
  if (st->state == ST_DONE) /* as sqlite3_step: run again */
    st->state = ST_READY;
  if (st->state == ST_READY) {
    int rc = run(st);
    if (rc != SQLITE_OK) {
      st->state = ST_DONE;
      return rc;
    }
    st->state = ST_ROWS;
    st->row = -1;
  }
  if (st->streaming)
    return fetch_row(st);
  drop_blobs(st);
  if (++st->row < PQntuples(st->res))
    return SQLITE_ROW;
  st->state = ST_DONE;
  return SQLITE_DONE;
}

int baton__pg_reset(baton__pg_stmt_t *st) {
  if (st == NULL)
    return SQLITE_OK;
  if (st->streaming)
    end_stream(st, 1);
  st->state = ST_READY;
  drop_blobs(st);
  return SQLITE_OK;
}

void baton__pg_finalize(baton__pg_stmt_t *st) {
  if (st == NULL)
    return;
  baton__pg_t *c = st->c;
  if (st->streaming)
    end_stream(st, 1);
  if (st->name[0] && st->generation == c->generation) {
    if (c->nstale == c->capstale) {
      int cap = c->capstale ? 2 * c->capstale : STALE_BATCH;
      char **grown = realloc(c->stale, (size_t)cap * sizeof *grown);
      if (grown != NULL) {
        c->stale = grown;
        c->capstale = cap;
      }
    }
    if (c->nstale < c->capstale && (c->stale[c->nstale] = strdup(st->name)))
      c->nstale++;
  }
  drop_result(st);
  for (int i = 0; st->params && i < st->nparams; i++)
    free(st->params[i].owned);
  free(st->params);
  free(st->values);
  free(st->lengths);
  free(st->formats);
  free(st->sql);
  free(st->types);
  free(st);
}

/* ---- columns ------------------------------------------------------------- */

/* The result that describes st's columns: the last run's, or (before the
 * first step) the server's description of the prepared statement. */
static PGresult *columns(baton__pg_stmt_t *st) {
  if (st->res == NULL && !st->streaming &&
      st->generation == st->c->generation &&
      PQstatus(st->c->conn) == CONNECTION_OK) {
    PGresult *r = PQdescribePrepared(st->c->conn, st->name);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      st->res = r;
      st->described = 1;
    } else
      PQclear(r);
  }
  return st->res;
}

int baton__pg_column_count(baton__pg_stmt_t *st) {
  PGresult *r = st ? columns(st) : NULL;
  return r ? PQnfields(r) : 0;
}

const char *baton__pg_column_name(baton__pg_stmt_t *st, int i) {
  PGresult *r = st ? columns(st) : NULL;
  return r && i >= 0 && i < PQnfields(r) ? PQfname(r, i) : NULL;
}

/* Whether st is on a row and i one of its columns. */
static int on_row(baton__pg_stmt_t *st, int i) {
  return st && st->state == ST_ROWS && !st->described && st->res &&
         st->row < PQntuples(st->res) && i >= 0 && i < PQnfields(st->res);
}

static int is_null(baton__pg_stmt_t *st, int i) {
  return !on_row(st, i) || PQgetisnull(st->res, st->row, i);
}

int baton__pg_column_type(baton__pg_stmt_t *st, int i) {
  if (is_null(st, i))
    return SQLITE_NULL;
  switch (PQftype(st->res, i)) {
  case OID_INT2:
  case OID_INT4:
  case OID_INT8:
  case OID_OID:
  case OID_BOOL:
    return SQLITE_INTEGER;
  case OID_FLOAT4:
  case OID_FLOAT8:
  case OID_NUMERIC:
    return SQLITE_FLOAT;
  case OID_BYTEA:
    return SQLITE_BLOB;
  default:
    return SQLITE_TEXT;
  }
}

/* Column i of the current row decoded from bytea's hex text, kept until
 * the next step; NULL for want of memory. */
static pg_blob_t *blob(baton__pg_stmt_t *st, int i) {
  pg_blob_t *b = &st->blobs[i];
  if (b->p != NULL)
    return b;
  size_t n = 0;
  unsigned char *raw = PQunescapeBytea(
      (const unsigned char *)PQgetvalue(st->res, st->row, i), &n);
  if (raw == NULL)
    return NULL;
  b->p = malloc(n + 1);
  if (b->p != NULL) {
    memcpy(b->p, raw, n);
    b->p[n] = '\0';
    b->n = n;
  }
  PQfreemem(raw);
  return b->p ? b : NULL;
}

const char *baton__pg_column_text(baton__pg_stmt_t *st, int i) {
  if (is_null(st, i))
    return NULL;
  const char *v = PQgetvalue(st->res, st->row, i);
  switch (PQftype(st->res, i)) {
  case OID_BOOL:
    return *v == 't' ? "1" : "0";
  case OID_BYTEA: {
    pg_blob_t *b = blob(st, i);
    return b ? (const char *)b->p : NULL;
  }
  default:
    return v;
  }
}

const void *baton__pg_column_blob(baton__pg_stmt_t *st, int i) {
  return baton__pg_column_text(st, i);
}

int baton__pg_column_bytes(baton__pg_stmt_t *st, int i) {
  if (is_null(st, i))
    return 0;
  if (PQftype(st->res, i) == OID_BYTEA) {
    pg_blob_t *b = blob(st, i);
    return b ? (int)b->n : 0;
  }
  if (PQftype(st->res, i) == OID_BOOL)
    return 1;
  return PQgetlength(st->res, st->row, i);
}

long long baton__pg_column_int64(baton__pg_stmt_t *st, int i) {
  const char *v = baton__pg_column_text(st, i);
  if (v == NULL)
    return 0;
  int t = PQftype(st->res, i);
  if (t == OID_FLOAT4 || t == OID_FLOAT8 || t == OID_NUMERIC) {
    double d = strtod(v, NULL); /* clamped, as SQLite does */
    if (isnan(d))
      return 0;
    if (d >= 9223372036854775807.0)
      return LLONG_MAX;
    if (d <= -9223372036854775808.0)
      return LLONG_MIN;
    return (long long)d;
  }
  return strtoll(v, NULL, 10);
}

double baton__pg_column_double(baton__pg_stmt_t *st, int i) {
  const char *v = baton__pg_column_text(st, i);
  return v ? strtod(v, NULL) : 0.0;
}

/* ---- the connection's state ---------------------------------------------- */

long long baton__pg_changes(baton__pg_t *c) { return c->changes; }

const char *baton__pg_errmsg(baton__pg_t *c) { return c->err ? c->err : ""; }

long long baton__pg_total_changes(baton__pg_t *c) { return c->total; }

/* A session lost inside a transaction still holds it for its owner, who
 * ends it (ready()); one lost otherwise (PQTRANS_UNKNOWN) holds none. */
int baton__pg_in_transaction(baton__pg_t *c) {
  if (c->lost_tx)
    return 1;
  PGTransactionStatusType t = PQtransactionStatus(c->conn);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* ---- COPY FROM STDIN ----------------------------------------------------- */

int baton__pg_copy_begin(baton__pg_t *c, const char *sql) {
  int rc = ready(c);
  if (rc != SQLITE_OK)
    return rc;
  PGresult *r = PQexec(c->conn, sql);
  if (PQresultStatus(r) != PGRES_COPY_IN)
    rc = fail_result(c, r);
  PQclear(r);
  return rc;
}

int baton__pg_copy_put(baton__pg_t *c, const char *data, size_t n) {
  while (n > 0) {
    int k = n > (1u << 30) ? 1 << 30 : (int)n;
    if (PQputCopyData(c->conn, data, k) != 1)
      return fail_result(c, NULL);
    data += k;
    n -= (size_t)k;
  }
  return SQLITE_OK;
}

/* The failure of a COPY: its message and, after "; at ", the server's
 * CONTEXT ("COPY events, line 5, column kind: ..."), which says where. */
static int copy_failed(baton__pg_t *c, const PGresult *r) {
  int rc = fail_result(c, r);
  const char *where = PQresultErrorField(r, PG_DIAG_CONTEXT);
  if (where != NULL && c->err != NULL) {
    char *s = baton__asprintf("%s; at %s", c->err, where);
    if (s != NULL)
      set_err(c, s);
  }
  return rc;
}

int baton__pg_copy_end(baton__pg_t *c, const char *abort) {
  int rc = SQLITE_OK;
  if (PQputCopyEnd(c->conn, abort) != 1)
    rc = fail_result(c, NULL);
  PGresult *r;
  while ((r = PQgetResult(c->conn)) != NULL) {
    ExecStatusType s = PQresultStatus(r);
    if (s == PGRES_COMMAND_OK)
      note_changes(c, r);
    else if (s == PGRES_COPY_IN) { /* PQputCopyEnd could not be sent */
      PQclear(r);
      break;
    } else if (rc == SQLITE_OK)
      rc = copy_failed(c, r);
    PQclear(r);
  }
  return rc;
}
