/* core/cli/serve/live.c: live updates of `baton serve`: the database is
 * checked for changes, which go to every event stream (Server-Sent
 * Events).
 *
 * A check is woken by the file system: the database's folder is watched
 * (uv_fs_event: inotify on Linux), and a write to the database or its
 * -wal file by any process (a `baton` command, another server) checks at
 * once, and again SETTLE_MS later in case the event came before the
 * commit was visible. A slow poll (POLL_MS) stays as the safety net. A
 * check asks SQLite's data_version, which costs a read of the WAL index.
 *
 * The database replaced under its name (another file copied or moved
 * over it, or removed and made again): the check sees another device or
 * inode at the path, and once the new file is there and no transaction
 * is open, the store is closed and opened again (its statements, the
 * server's caches and remembered sessions go with it) and every stream
 * gets `reset`. `baton demo --reset` does not replace the file: it writes
 * the new school through SQLite's backup API, which every open
 * connection sees as one more change.
 *
 * On PostgreSQL (a district database) there is no file: every write
 * through the store sends NOTIFY baton_change, and a second connection
 * LISTENs to it (core/store/listen.h), its socket polled on the loop, so a
 * write by any server or command reaches every server's streams. When that
 * connection drops, every stream gets `db` {"state":"lost"} (the page says
 * so), a retry runs every PG_RETRY_MS, and once back the streams get `db`
 * {"state":"back"} and `reset` (what changed meanwhile was not heard). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include <sqlite3.h>

#include "listen.h"
#include "serve.h"

#define SETTLE_MS 4
#define SETTLE_TRIES 3
#define PG_RETRY_MS 1000

/* What changes when anyone writes the database: SQLite's data_version
 * counts other connections' commits, total_changes our own. */
long long baton__serve_db_version(serve_t *sv) {
  sqlite3 *db = baton__store_db(sv->store);
  if (db == NULL) /* PostgreSQL: the notifications heard (on_pg_readable) */
    return baton__serve_known_version(sv);
  long long v = 0;
  /* Asked at every poll: prepared once. */
  if (sv->data_version == NULL &&
      sqlite3_prepare_v3(db, "PRAGMA data_version", -1,
                         SQLITE_PREPARE_PERSISTENT, &sv->data_version,
                         NULL) != SQLITE_OK)
    sv->data_version = NULL;
  if (sv->data_version != NULL) {
    if (sqlite3_step(sv->data_version) == SQLITE_ROW)
      v = sqlite3_column_int64(sv->data_version, 0);
    sqlite3_reset(sv->data_version);
  }
  sv->others = v;
  return sv->base + v * 1000003 + sqlite3_total_changes64(db);
}

/* The same without asking SQLite about other connections (a read
 * transaction: file locks and a look at the WAL index, the main cost of a
 * cached answer): their commits as last polled, which is what the event
 * stream has told the dashboards; our own changes counted at once. */
long long baton__serve_known_version(serve_t *sv) {
  return sv->base + sv->others * 1000003 +
         baton__sql_total_changes(sv->store->sql);
}

void baton__serve_broadcast(serve_t *sv, const char *kind, const char *data) {
  if (sv->server == NULL || baton__http_server_streams(sv->server) == 0)
    return;
  char *msg = baton__asprintf("event: %s\ndata: %s\n\n", kind, data);
  if (msg)
    baton__http_broadcast(sv->server, msg, strlen(msg));
  free(msg);
}

/* ---- the database file ----------------------------------------------------
 */

void baton__serve_note_db_file(serve_t *sv) {
  struct stat st;
  if (stat(baton_store_path(sv->store), &st) == 0) {
    sv->db_dev = (unsigned long long)st.st_dev;
    sv->db_ino = (unsigned long long)st.st_ino;
  }
}

/* 1 if another file than the one open is now at the database's path (and
 * is there: a path with no file yet is being made, and is waited for). */
static int replaced(serve_t *sv) {
  struct stat st;
  if (baton__store_db(sv->store) == NULL) /* PostgreSQL: no file */
    return 0;
  if (stat(baton_store_path(sv->store), &st) != 0 || st.st_size == 0)
    return 0;
  return (unsigned long long)st.st_dev != sv->db_dev ||
         (unsigned long long)st.st_ino != sv->db_ino;
}

/* Closes the store and opens the file now at its path. Returns 0, or -1
 * when it cannot yet (a transaction open: the next check tries again). */
static int reopen(serve_t *sv) {
  sqlite3 *db = baton__store_db(sv->store);
  if (!sqlite3_get_autocommit(db))
    return -1;
  /* The old file's -wal and -shm have the new one's names: its frames go
   * into the old file (through the open descriptor) and the -wal is
   * emptied, so the new file is not read through the old one's log. Busy
   * (another process reading): the next check tries again. */
  if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                NULL) != SQLITE_OK)
    return -1;
  long long last = sv->version;
  sqlite3_finalize(sv->data_version);
  sv->data_version = NULL;
  baton__serve_answers_clear(sv);
  /* Kept checks of sessions and API tokens (auth.c) are of the old file:
   * each holds the version it was made at, and the versions only grow
   * (sv->base below), so none of them is believed again. */
  baton__host_store_close(sv->h);
  if (baton__host_store(sv->h, &sv->store) != 0) {
    fprintf(sv->log,
            "baton serve: the database was replaced, and the new "
            "one cannot be opened: %s\n",
            baton_host_last_error(sv->h));
    return -1;
  }
  baton__serve_note_db_file(sv);
  sv->base = 0;
  sv->base = last + 1 - baton__serve_db_version(sv); /* the next is last + 1 */
  fprintf(sv->log,
          "baton serve: the database %s was replaced; opened the "
          "new one\n",
          baton_store_path(sv->store));
  return 0;
}

/* Tells every stream the version v as `kind` (change or reset). */
static void announce(serve_t *sv, const char *kind, long long v) {
  sv->version = v;
  char data[64];
  snprintf(data, sizeof data, "{\"version\":%lld}", v);
  baton__serve_broadcast(sv, kind, data);
}

void baton__serve_live_check(serve_t *sv) {
  if (sv->store == NULL)
    return;
  int reset = replaced(sv) && reopen(sv) == 0;
  long long v = baton__serve_db_version(sv);
  if (v != sv->version || reset)
    announce(sv, reset ? "reset" : "change", v);
}

void baton__serve_on_poll(uv_timer_t *t) { baton__serve_live_check(t->data); }

/* Shortly after a file event: the commit may have become visible since. */
static void on_settle(uv_timer_t *t) {
  serve_t *sv = t->data;
  long long before = sv->version;
  baton__serve_live_check(sv);
  if (sv->version == before && --sv->settle_left > 0)
    uv_timer_start(&sv->settle, on_settle, SETTLE_MS * 4, 0);
}

/* Something in the database's folder changed: if it is the database or
 * its -wal, check now, and again shortly. */
static void on_db_event(uv_fs_event_t *w, const char *name, int events,
                        int status) {
  (void)events;
  serve_t *sv = w->data;
  if (status != 0 || sv->store == NULL)
    return;
  const char *path = baton_store_path(sv->store);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (name != NULL && (strncmp(name, base, n) != 0 ||
                       (name[n] != '\0' && strcmp(name + n, "-wal") != 0)))
    return;
  long long before = sv->version;
  baton__serve_live_check(sv);
  if (sv->version == before) {
    sv->settle_left = SETTLE_TRIES;
    uv_timer_start(&sv->settle, on_settle, SETTLE_MS, 0);
  }
}

/* ---- PostgreSQL: LISTEN/NOTIFY ------------------------------------------ */

static void on_pg_readable(uv_poll_t *p, int status, int events);

static void pg_broadcast_state(serve_t *sv, const char *state) {
  json_t *o = json_pack("{s:s, s:s}", "state", state, "error",
                        baton_listener_error(sv->listener));
  char *data = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if (data)
    baton__serve_broadcast(sv, "db", data);
  free(data);
  json_decref(o);
}

/* Polls the listening connection's socket (a new socket after each
 * reconnection). */
static int pg_watch(serve_t *sv) {
  int fd = baton_listener_fd(sv->listener);
  if (fd < 0 || uv_poll_init(&sv->h->loop, &sv->pgpoll, fd) != 0)
    return -1;
  sv->pg_polling = 1;
  sv->pgpoll.data = sv;
  return uv_poll_start(&sv->pgpoll, UV_READABLE, on_pg_readable);
}

static void on_pg_retry(uv_timer_t *t) {
  serve_t *sv = t->data;
  if (baton_listener_reconnect(sv->listener) != 0 || pg_watch(sv) != 0)
    return; /* the timer repeats */
  uv_timer_stop(&sv->pgretry);
  sv->pg_down = 0;
  fprintf(sv->log, "baton serve: the database connection is back\n");
  pg_broadcast_state(sv, "back");
  /* Writes made while deaf were not heard: every page fetches again. */
  sv->others++;
  announce(sv, "reset", baton__serve_db_version(sv));
}

static void pg_lost(serve_t *sv) {
  if (sv->pg_polling) {
    uv_close((uv_handle_t *)&sv->pgpoll, NULL);
    sv->pg_polling = 0;
  }
  if (sv->pg_down)
    return;
  sv->pg_down = 1;
  fprintf(sv->log, "baton serve: %s; retrying every %d ms (the pages say so)\n",
          baton_listener_error(sv->listener), PG_RETRY_MS);
  pg_broadcast_state(sv, "lost");
  uv_timer_start(&sv->pgretry, on_pg_retry, PG_RETRY_MS, PG_RETRY_MS);
}

static void on_pg_readable(uv_poll_t *p, int status, int events) {
  (void)events;
  serve_t *sv = p->data;
  long long n = 0;
  if (status < 0 || baton_listener_drain(sv->listener, &n) != 0) {
    pg_lost(sv);
    return;
  }
  if (n > 0) {
    sv->others += n;
    baton__serve_live_check(sv);
  }
}

/* The PostgreSQL half of live_start: LISTEN on a second connection. */
static int pg_live_start(serve_t *sv) {
  uv_loop_t *loop = &sv->h->loop;
  uv_timer_init(loop, &sv->pgretry);
  sv->pgretry.data = sv;
  char *err = NULL;
  int e = baton_listener_open(&sv->listener, baton__host_db_path(sv->h), &err);
  free(err);
  if (sv->listener == NULL)
    return e;
  if (e != 0 || pg_watch(sv) != 0)
    pg_lost(sv);
  return 0;
}

int baton__serve_live_start(serve_t *sv) {
  uv_loop_t *loop = &sv->h->loop;
  if (baton__store_db(sv->store) == NULL) {
    /* The safety-net poll and settle timer stay initialised (stop and
     * close treat both engines alike) but never run. */
    uv_timer_init(loop, &sv->settle);
    uv_timer_init(loop, &sv->poll);
    uv_fs_event_init(loop, &sv->dbwatch);
    sv->watching = 0;
    return pg_live_start(sv);
  }
  baton__serve_note_db_file(sv);
  uv_timer_init(loop, &sv->settle);
  sv->settle.data = sv;
  uv_fs_event_init(loop, &sv->dbwatch);
  sv->dbwatch.data = sv;
  char *dir = baton__strdup(baton_store_path(sv->store));
  char *slash = dir ? strrchr(dir, '/') : NULL;
  if (slash == dir && dir)
    slash[1] = '\0';
  else if (slash)
    *slash = '\0';
  /* BATON_SERVE_NO_WATCH=1: the poll alone, the reference of
   * bench/live.sh. */
  const char *off = getenv("BATON_SERVE_NO_WATCH");
  int e =
      off && *off && strcmp(off, "0") != 0 ? UV_ENOTSUP
      : dir ? uv_fs_event_start(&sv->dbwatch, on_db_event, slash ? dir : ".", 0)
            : UV_ENOMEM;
  free(dir);
  sv->watching = e == 0;
  unsigned every = sv->watching ? POLL_MS : POLL_UNWATCHED_MS;
  uv_timer_init(loop, &sv->poll);
  sv->poll.data = sv;
  uv_timer_start(&sv->poll, baton__serve_on_poll, every, every);
  return e;
}

void baton__serve_live_stop(serve_t *sv) {
  if (sv->listener != NULL) {
    uv_timer_stop(&sv->pgretry);
    if (sv->pg_polling)
      uv_poll_stop(&sv->pgpoll);
  }
  uv_timer_stop(&sv->poll);
  uv_timer_stop(&sv->settle);
  if (sv->watching)
    uv_fs_event_stop(&sv->dbwatch);
}

/* After live_stop, before the loop's last run. */
void baton__serve_live_close(serve_t *sv) {
  uv_close((uv_handle_t *)&sv->poll, NULL);
  uv_close((uv_handle_t *)&sv->settle, NULL);
  uv_close((uv_handle_t *)&sv->dbwatch, NULL);
  if (sv->listener != NULL) {
    uv_close((uv_handle_t *)&sv->pgretry, NULL);
    if (sv->pg_polling)
      uv_close((uv_handle_t *)&sv->pgpoll, NULL);
    sv->pg_polling = 0;
  }
}

void baton__serve_on_heartbeat(uv_timer_t *t) {
  serve_t *sv = t->data;
  static const char ping[] = ": ping\n\n";
  baton__http_broadcast(sv->server, ping, sizeof ping - 1);
}

void baton__serve_api_stream(serve_t *sv, baton_http_req_t *r) {
  char first[96];
  int n = snprintf(first, sizeof first,
                   "retry: 1000\nevent: hello\ndata: {\"version\":%lld}\n\n",
                   sv->version);
  /* X-Accel-Buffering: nginx in front passes each event on at once even
   * where its configuration forgot proxy_buffering off (docs/serve.md). */
  baton__http_stream(r, "text/event-stream", "X-Accel-Buffering: no\r\n", first,
                     (size_t)n);
}
