/* core/cli/serve/live.c: live updates of `baton serve`: the database is
 * polled for changes, which go to every event stream (Server-Sent Events). */
#include <stdio.h>

#include <sqlite3.h>

#include "serve.h"

/* What changes when anyone writes the database: SQLite's data_version
 * counts other connections' commits, total_changes our own. */
long long baton__serve_db_version(serve_t *sv) {
  sqlite3 *db = baton__store_db(sv->store);
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
  return v * 1000003 + sqlite3_total_changes64(db);
}

/* The same without asking SQLite about other connections (a read
 * transaction: file locks and a look at the WAL index, the main cost of a
 * cached answer): their commits as last polled, which is what the event
 * stream has told the dashboards; our own changes counted at once. */
long long baton__serve_known_version(serve_t *sv) {
  return sv->others * 1000003 +
         sqlite3_total_changes64(baton__store_db(sv->store));
}

void baton__serve_on_poll(uv_timer_t *t) {
  serve_t *sv = t->data;
  long long v = baton__serve_db_version(sv);
  if (v == sv->version)
    return;
  sv->version = v;
  if (baton__http_server_streams(sv->server) == 0)
    return;
  char msg[96];
  int n = snprintf(msg, sizeof msg,
                   "event: change\ndata: {\"version\":%lld}\n\n", v);
  baton__http_broadcast(sv->server, msg, (size_t)n);
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
  baton__http_stream(r, "text/event-stream", "X-Accel-Buffering: no\r\n",
                     first, (size_t)n);
}
