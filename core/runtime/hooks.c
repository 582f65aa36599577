/* core/runtime/hooks.c: running a plugin's hooks after an event is logged.
 *
 * A plugin lists in its manifest the event kinds its hooks listen to
 * (`hooks = {"mentor.*"}`) and registers them with baton.events.on while
 * its init.lua runs. When any code of this host logs an event
 * (baton.events.log), the event waits here; on the loop's next turn,
 * every plugin whose manifest covers its kind is loaded if it was not,
 * and its hooks start as tasks of their own plugin: its sandbox, its
 * grant (never the logger's), its limits. So a CLI command's hooks run
 * before `baton` exits, and those of `baton serve` as requests log
 * events.
 *
 * A hook that fails is reported, naming its plugin, file and line; it
 * never fails the command that logged the event, nor the other hooks.
 * Depth bounds loops: an event logged by a hook runs the hooks at one
 * level deeper, up to BATON_HOOK_DEPTH. */
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

typedef struct {
  long long id;
  char *kind;
  int depth;    /* of the code that logged it */
  char *actor;  /* whom that code acted for (its hooks act for them too) */
  char *school; /* the school it saw, or NULL (its hooks see it too) */
} pending_t;

struct baton_hooks_s {
  uv_timer_t timer;
  baton_host_t *h;
  pending_t *v;
  size_t n, cap;
};

/* Whether plugin q's manifest lists a hook for events of kind `kind`. */
static int listens(const baton_plugin_t *q, const char *kind) {
  if (q->m == NULL || q->state == BATON_PLUGIN_SHADOWED ||
      q->state == BATON_PLUGIN_FAILED)
    return 0;
  for (size_t i = 0; i < q->m->nhooks; i++)
    if (baton__hook_covers(q->m->hooks[i], kind))
      return 1;
  return 0;
}

static void run_pending(uv_timer_t *timer) {
  struct baton_hooks_s *k = timer->data;
  baton_host_t *h = k->h;
  /* Taken out first: hooks that log events queue a new batch. */
  pending_t *v = k->v;
  size_t n = k->n;
  k->v = NULL;
  k->n = k->cap = 0;
  for (size_t e = 0; e < n; e++) {
    for (size_t i = 0; i < h->nplugins && h->signal == 0; i++) {
      baton_plugin_t *q = h->plugins[i];
      if (!listens(q, v[e].kind))
        continue;
      if (q->state != BATON_PLUGIN_LOADED && baton__plugin_load(q) != 0) {
        char *msg = baton__asprintf("its hooks for event '%s' #%lld did not "
                                    "run: %s",
                                    v[e].kind, v[e].id, q->error);
        baton__host_report(h, q->name, msg ? msg : "out of memory",
                           "fix the plugin, then check it with baton doctor");
        free(msg);
        continue;
      }
      h->next_actor = v[e].actor;   /* the hooks' tasks act for them too */
      h->next_school = v[e].school; /* ... and see the school they saw */
      h->bindings->deliver(q, v[e].id, v[e].kind, v[e].depth + 1);
      h->next_actor = NULL;
      h->next_school = NULL;
    }
    free(v[e].kind);
    free(v[e].actor);
    free(v[e].school);
  }
  free(v);
}

void baton__hooks_logged(lua_State *L, long long id, const char *kind) {
  baton_plugin_t *p = baton__plugin_of(L);
  baton_host_t *h = p->host;
  int any = 0;
  for (size_t i = 0; i < h->nplugins && !any; i++)
    any = listens(h->plugins[i], kind);
  if (!any)
    return;
  baton_task_t *t = baton__task_of(L);
  int depth = t ? t->hook_depth : 0;
  if (depth >= BATON_HOOK_DEPTH) {
    char *msg = baton__asprintf(
        "event '%s' #%lld was logged by a hook %d deep, so its hooks did "
        "not run (hooks run at most %d deep: a hook that logs an event it "
        "listens to would never end); log a kind no hook of the chain "
        "listens to",
        kind, id, depth, BATON_HOOK_DEPTH);
    baton__host_report(h, p->name, msg ? msg : "hooks too deep", NULL);
    free(msg);
    return;
  }
  struct baton_hooks_s *k = h->hooks;
  if (k == NULL) {
    if ((k = calloc(1, sizeof *k)) == NULL)
      goto oom;
    k->h = h;
    uv_timer_init(&h->loop, &k->timer);
    k->timer.data = k;
    h->hooks = k;
  }
  if (BATON_GROW(k->v, k->n, k->cap, 8) != 0)
    goto oom;
  const baton_reach_t *now = baton__reach_now(L);
  const char *actor = baton__reach_actor(now);
  const char *school = baton__reach_school(now);
  k->v[k->n].actor = k->v[k->n].school = NULL;
  if ((k->v[k->n].kind = baton__strdup(kind)) == NULL)
    goto oom;
  if ((actor && (k->v[k->n].actor = baton__strdup(actor)) == NULL) ||
      (school && (k->v[k->n].school = baton__strdup(school)) == NULL)) {
    free(k->v[k->n].kind);
    free(k->v[k->n].actor);
    goto oom;
  }
  k->v[k->n].id = id;
  k->v[k->n].depth = depth;
  k->n++;
  /* The loop's next turn: after the code that logged it has run on. */
  if (!uv_is_active((uv_handle_t *)&k->timer))
    uv_timer_start(&k->timer, run_pending, 0, 0);
  return;
oom:
  baton__host_report(h, p->name,
                     "out of memory: the hooks of an event "
                     "will not run",
                     NULL);
}

static void hooks_close_cb(uv_handle_t *handle) { free(handle->data); }

void baton__hooks_free(baton_host_t *h) {
  struct baton_hooks_s *k = h->hooks;
  if (k == NULL)
    return;
  h->hooks = NULL;
  for (size_t i = 0; i < k->n; i++) {
    free(k->v[i].kind);
    free(k->v[i].actor);
    free(k->v[i].school);
  }
  free(k->v);
  k->v = NULL;
  k->n = 0;
  uv_close((uv_handle_t *)&k->timer, hooks_close_cb);
}
