/* core/store/listen.h: hearing of other processes' writes to a PostgreSQL
 * district database (LISTEN/NOTIFY).
 *
 * Every write through the store on PostgreSQL sends NOTIFY baton_change
 * (in its transaction, so a rolled-back write says nothing). A listener is
 * a second connection that has run LISTEN baton_change; a server polls its
 * socket on its event loop and drains it when readable:
 *
 *     baton_listener_t *l;
 *     if (baton_listener_open(&l, url, &err) == 0)
 *       uv_poll_init(loop, &poll, baton_listener_fd(l));   // UV_READABLE
 *     ...
 *     long long n;
 *     if (baton_listener_drain(l, &n) != 0)   // the connection is lost
 *       ... baton_listener_reconnect(l) later, then refetch everything ...
 *
 * SQLite has no such thing: a file is watched instead (serve's live.c).
 * Layer: store. */
#ifndef BATON_STORE_LISTEN_H
#define BATON_STORE_LISTEN_H

/* The channel every write notifies. */
#define BATON_CHANGE_CHANNEL "baton_change"

typedef struct baton_listener_s baton_listener_t;

/* Connects to the PostgreSQL database at url and listens. Returns 0 and
 * *out, or BATON_EINVAL (not a PostgreSQL URL), BATON_EIO (cannot connect:
 * *err, malloc'd, says why, without the password) or BATON_ENOMEM. On
 * BATON_EIO *out is still set: baton_listener_reconnect retries. */
int baton_listener_open(baton_listener_t **out, const char *url, char **err);

/* The socket to poll for reading, or -1 while disconnected. */
int baton_listener_fd(const baton_listener_t *l);

/* Reads what arrived; *n gets the number of notifications. Returns 0, or
 * BATON_EIO when the connection is lost (the fd is then -1). */
int baton_listener_drain(baton_listener_t *l, long long *n);

/* Connects again and listens. Returns 0 or BATON_EIO (still down; the
 * message is in baton_listener_error). */
int baton_listener_reconnect(baton_listener_t *l);

/* Why the last connect or drain failed ("" if it did not). */
const char *baton_listener_error(const baton_listener_t *l);

void baton_listener_close(baton_listener_t *l);

#endif
