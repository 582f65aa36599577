/* core/runtime/watchdog.c: the thread that enforces the time limit while Lua
 * runs.
 *
 * While plugin code runs, the loop thread is busy running it, so no libuv
 * timer can fire. The watchdog is a second thread that sleeps until the
 * running call's deadline; if the call is still running then, it kills it
 * with baton__sandbox_kill(), which only sets hooks (lua_sethook is safe to
 * call from another thread). Nothing costs anything while calls finish in
 * time: no hook is set until the deadline has passed. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime.h"

/* After a kill, how long the call has to unwind. Lua code reaches its
 * next instruction in microseconds; a call still running after this is
 * inside C (a pattern that backtracks without end, say), where no hook can
 * reach it. */
#define STUCK_GRACE_NS (2000u * 1000000u)

/* Hands the server's write token to the program about to be exec'd
 * through a pipe whose read end it inherits, and writes that end's number
 * into the environment entry prepared for it ("NAME=-1"). Not through the
 * environment itself: /proc/PID/environ shows the environment a program
 * started with for its whole life, to every process of the same user.
 * The pipe holds the token from here until the new program reads it.
 * Only async-signal-safe calls. */
static void pass_token(baton_host_t *h) {
  char *eq = h->respawn.token_env;
  int fds[2];
  size_t n = 0;
  while (n < sizeof h->respawn.token && h->respawn.token[n] != '\0')
    n++;
  if (eq == NULL || pipe(fds) != 0)
    return;
  /* 48 bytes fit the pipe's buffer: the write does not wait. */
  if (write(fds[1], h->respawn.token, n) != (ssize_t)n) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  close(fds[1]);
  while (*eq != '=')
    eq++;
  char digits[12];
  int k = 0;
  for (unsigned v = (unsigned)fds[0]; k == 0 || v > 0; v /= 10)
    digits[k++] = (char)('0' + v % 10);
  while (k > 0)
    *++eq = digits[--k];
  eq[1] = '\0';
}

/* The running call cannot be stopped: say so and end the process. Exiting
 * is safe for data: the store commits atomically and files are replaced
 * atomically, as they survive a kill -9. Only async-signal-safe calls. */
static void give_up(baton_plugin_t *p) {
  char msg[512];
  int n = snprintf(msg, sizeof msg,
                   "baton: error in %s '%s': it did not stop within 2 s "
                   "of its time limit: it is stuck inside a library call "
                   "(for example a string pattern that backtracks without "
                   "end), so baton stopped itself; nothing was left "
                   "half-written\n",
                   p->is_script ? "script" : "plugin", p->name);
  if (n > 0 && write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg) < 0)
    n = 0;
  baton_host_t *h = p->host;
  if (h->respawn.path != NULL) {
    /* The listening socket survives the exec, so clients wait in its
     * backlog instead of being refused; everything else is closed. */
    static const char again[] = "baton serve: restarting without that "
                                "request; the dashboards reconnect\n";
    if (write(2, again, sizeof again - 1) < 0)
      n = 0;
    /* The new program inherits this thread's signal mask, which blocks
     * every signal (they are the loop thread's to take). */
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    pass_token(h);
    if (fcntl(h->respawn.fd, F_SETFD, 0) == 0)
      execve(h->respawn.path, h->respawn.argv, h->respawn.envp);
  }
  _exit(1);
}

static void watchdog_main(void *arg) {
  baton_host_t *h = arg;
  baton_watchdog_t *wd = &h->wd;
  /* Signals belong to the loop thread (host.c). */
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, NULL);
  uv_mutex_lock(&wd->mu);
  while (!wd->quit) {
    uint64_t now = uv_hrtime();
    if (wd->stuck_at != 0 && wd->gen == wd->stuck_gen && wd->plugin != NULL) {
      if (now >= wd->stuck_at)
        give_up(wd->plugin);
      uv_cond_timedwait(&wd->cond, &wd->mu, wd->stuck_at - now);
      continue;
    }
    if (wd->plugin == NULL || wd->deadline == 0) {
      uv_cond_wait(&wd->cond, &wd->mu);
      continue;
    }
    if (now >= wd->deadline) {
      baton__sandbox_kill(wd->plugin, BATON_ETIMEDOUT);
      wd->deadline = 0;
      wd->stuck_at = now + STUCK_GRACE_NS;
      wd->stuck_gen = wd->gen;
      continue;
    }
    uv_cond_timedwait(&wd->cond, &wd->mu, wd->deadline - now);
  }
  uv_mutex_unlock(&wd->mu);
}

int baton__watchdog_start(baton_host_t *h) {
  baton_watchdog_t *wd = &h->wd;
  wd->quit = 0;
  if (uv_mutex_init(&wd->mu) != 0)
    return BATON_ENOMEM;
  if (uv_cond_init(&wd->cond) != 0)
    goto fail_cond;
  if (uv_thread_create(&wd->thread, watchdog_main, h) != 0)
    goto fail_thread;
  wd->started = 1;
  return 0;

fail_thread:
  uv_cond_destroy(&wd->cond);
fail_cond:
  uv_mutex_destroy(&wd->mu);
  return BATON_ENOMEM;
}

void baton__watchdog_stop(baton_host_t *h) {
  baton_watchdog_t *wd = &h->wd;
  if (!wd->started)
    return;
  uv_mutex_lock(&wd->mu);
  wd->quit = 1;
  uv_cond_signal(&wd->cond);
  uv_mutex_unlock(&wd->mu);
  uv_thread_join(&wd->thread);
  uv_cond_destroy(&wd->cond);
  uv_mutex_destroy(&wd->mu);
  wd->started = 0;
}

void baton__watchdog_arm(baton_host_t *h, baton_plugin_t *p,
                         uint64_t deadline) {
  baton_watchdog_t *wd = &h->wd;
  if (!wd->started)
    return;
  uv_mutex_lock(&wd->mu);
  wd->plugin = p;
  wd->deadline = deadline;
  wd->gen++;
  wd->stuck_at = 0;
  uv_cond_signal(&wd->cond);
  uv_mutex_unlock(&wd->mu);
}

void baton__watchdog_disarm(baton_host_t *h) {
  baton_watchdog_t *wd = &h->wd;
  if (!wd->started)
    return;
  uv_mutex_lock(&wd->mu);
  wd->plugin = NULL;
  wd->deadline = 0;
  wd->gen++;
  wd->stuck_at = 0;
  uv_mutex_unlock(&wd->mu);
}

void baton__watchdog_get(baton_host_t *h, baton_plugin_t **p,
                         uint64_t *deadline) {
  baton_watchdog_t *wd = &h->wd;
  *p = NULL;
  *deadline = 0;
  if (!wd->started)
    return;
  uv_mutex_lock(&wd->mu);
  *p = wd->plugin;
  *deadline = wd->deadline;
  uv_mutex_unlock(&wd->mu);
}

void baton__watchdog_restore(baton_host_t *h, baton_plugin_t *p,
                             uint64_t deadline) {
  if (p != NULL)
    baton__watchdog_arm(h, p, deadline);
  else
    baton__watchdog_disarm(h);
}
