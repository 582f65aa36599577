/* core/runtime/reload.c: reloading plugins when their files change (`baton
 * serve`).
 *
 * Each plugin's folder, and the folders inside it (but not tests/ or hidden
 * ones), is watched with libuv's fs events (inotify on Linux). Editors
 * write a file in several steps (a temporary file, a rename, a chmod), so
 * a change starts a short quiet period and the plugin is reloaded once
 * its files have been still for it. A plugin busy answering waits a
 * little for its tasks to end; past that they are cancelled. The reload
 * itself is baton__host_reload: the new code loads beside the old, and a
 * plugin that fails to reload keeps running its last good version. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

#define QUIET_MS 150      /* files still for this long: reload */
#define BUSY_RETRY_MS 100 /* tasks still running: look again after this */
#define BUSY_TRIES 50     /* ... this many times (5 s), then reload anyway */
#define MAX_DEPTH 3       /* folders below the plugin's that are watched */

typedef struct baton_watch_s watch_t;

typedef struct {
  watch_t *w;
  char *dir;
  uv_timer_t *quiet;
  uv_fs_event_t **events;
  size_t nevents;
  int tries;
} entry_t;

struct baton_watch_s {
  baton_host_t *h;
  baton_reload_fn cb;
  void *ud;
  entry_t *entries;
  size_t nentries;
};

static void free_handle(uv_handle_t *h) { free(h); }

static baton_plugin_t *plugin_in(baton_host_t *h, const char *dir) {
  for (size_t i = 0; i < h->nplugins; i++)
    if (h->plugins[i]->state != BATON_PLUGIN_SHADOWED &&
        !h->plugins[i]->is_script && strcmp(h->plugins[i]->dir, dir) == 0)
      return h->plugins[i];
  return NULL;
}

static void on_quiet(uv_timer_t *t) {
  entry_t *e = t->data;
  baton_host_t *h = e->w->h;
  baton_plugin_t *p = plugin_in(h, e->dir);
  if (p == NULL)
    return;
  if (p->tasks != NULL && e->tries++ < BUSY_TRIES) {
    uv_timer_start(e->quiet, on_quiet, BUSY_RETRY_MS, 0);
    return;
  }
  e->tries = 0;
  char *name = baton__strdup(p->name); /* p may be freed by the reload */
  char *err = NULL;
  baton__host_reload(h, p, &err);
  e->w->cb(h, name ? name : "?", err, e->w->ud);
  free(name);
  free(err);
}

/* Files that editors and tools write beside the real ones. */
static int ignored(const char *name) {
  if (name == NULL)
    return 0; /* unknown: better reload once too often */
  size_t n = strlen(name);
  return name[0] == '.' || (n && name[n - 1] == '~') ||
         (n > 4 && (strcmp(name + n - 4, ".swp") == 0 ||
                    strcmp(name + n - 4, ".swx") == 0 ||
                    strcmp(name + n - 4, ".tmp") == 0)) ||
         strcmp(name, "4913") == 0 || strcmp(name, "tests") == 0;
}

static void on_event(uv_fs_event_t *ev, const char *name, int events,
                     int status) {
  (void)events;
  entry_t *e = ev->data;
  if (status < 0 || ignored(name))
    return;
  e->tries = 0;
  uv_timer_start(e->quiet, on_quiet, QUIET_MS, 0);
}

static int watch_dir(entry_t *e, uv_loop_t *loop, const char *dir,
                     int depth) {
  uv_fs_event_t **v = realloc(e->events, (e->nevents + 1) * sizeof *v);
  if (v == NULL)
    return BATON_ENOMEM;
  e->events = v;
  uv_fs_event_t *ev = calloc(1, sizeof *ev);
  if (ev == NULL)
    return BATON_ENOMEM;
  uv_fs_event_init(loop, ev);
  ev->data = e;
  e->events[e->nevents++] = ev;
  int r = uv_fs_event_start(ev, on_event, dir, 0);
  if (r != 0)
    return r; /* the folder went, or too many watches: the rest still work */
  if (depth >= MAX_DEPTH)
    return 0;
  DIR *d = opendir(dir);
  if (d == NULL)
    return 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || strcmp(de->d_name, "tests") == 0)
      continue;
    char *sub = baton__asprintf("%s/%s", dir, de->d_name);
    if (sub && baton__is_dir(sub))
      watch_dir(e, loop, sub, depth + 1);
    free(sub);
  }
  closedir(d);
  return 0;
}

int baton__watch_start(baton_watch_t **out, baton_host_t *h,
                       baton_reload_fn cb, void *ud) {
  *out = NULL;
  watch_t *w = calloc(1, sizeof *w);
  if (w == NULL)
    return BATON_ENOMEM;
  w->h = h;
  w->cb = cb;
  w->ud = ud;
  w->entries = calloc(h->nplugins ? h->nplugins : 1, sizeof *w->entries);
  if (w->entries == NULL) {
    free(w);
    return BATON_ENOMEM;
  }
  for (size_t i = 0; i < h->nplugins; i++) {
    baton_plugin_t *p = h->plugins[i];
    if (p->state == BATON_PLUGIN_SHADOWED || p->is_script ||
        p->manifest_path == NULL)
      continue;
    entry_t *e = &w->entries[w->nentries++];
    e->w = w;
    e->dir = baton__strdup(p->dir);
    e->quiet = calloc(1, sizeof *e->quiet);
    if (e->dir == NULL || e->quiet == NULL) {
      free(e->quiet);
      e->quiet = NULL;
      baton__watch_stop(w);
      return BATON_ENOMEM;
    }
    uv_timer_init(&h->loop, e->quiet);
    e->quiet->data = e;
    watch_dir(e, &h->loop, p->dir, 0);
  }
  *out = w;
  return 0;
}

void baton__watch_stop(baton_watch_t *w) {
  if (w == NULL)
    return;
  for (size_t i = 0; i < w->nentries; i++) {
    entry_t *e = &w->entries[i];
    for (size_t k = 0; k < e->nevents; k++)
      uv_close((uv_handle_t *)e->events[k], free_handle);
    if (e->quiet)
      uv_close((uv_handle_t *)e->quiet, free_handle);
    free(e->events);
    free(e->dir);
  }
  free(w->entries);
  free(w);
}
