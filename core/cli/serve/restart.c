/* core/cli/serve/restart.c: `baton serve` restarting itself in place
 * when a plugin is stuck in C, keeping its socket and token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>
#include <unistd.h>

#include "serve.h"

/* ---- restarting after a plugin got stuck ---------------------------------
 * A plugin stuck inside a C call (a string pattern that backtracks without
 * end) cannot be unwound; for a command baton exits. A server instead
 * replaces itself (execve from the watchdog, core/runtime/watchdog.c) with the
 * same command line, keeping its listening socket, token and dashboards' URL:
 * only the stuck request and the open connections are lost, and the
 * dashboards' event streams reconnect. These variables carry the socket
 * and the token across the exec; they are removed from the environment at
 * once so no plugin's program sees them. The token itself is not in the
 * environment, which /proc/PID/environ shows for the whole life of the
 * process whatever unsetenv does: the watchdog writes it into a pipe just
 * before the exec and ENV_TOKEN_FD names the pipe, which the new program
 * reads and closes at start. */
extern char **environ;

#define ENV_FD "BATON_SERVE_FD"
#define ENV_TOKEN_FD "BATON_SERVE_TOKEN_FD"
#define ENV_RESTART "BATON_SERVE_RESTART" /* "N START": Nth restart since */
#define MAX_RESTARTS 5                    /* in RESTART_WINDOW s, then exit */
#define RESTART_WINDOW 60

/* Reads the token from the pipe at fd (see give_up in core/runtime/watchdog.c)
 * and closes it. Returns 0, or -1 when fd is not a pipe holding a token
 * (sv->token is then untouched). */
static int read_token(serve_t *sv, int fd) {
  struct stat st;
  char buf[sizeof sv->token];
  size_t n = 0;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
    return -1;
  for (ssize_t k; n < sizeof buf - 1; n += (size_t)k)
    if ((k = read(fd, buf + n, sizeof buf - 1 - n)) <= 0)
      break;
  close(fd);
  buf[n] = '\0';
  if (n != sizeof buf - 1 || strspn(buf, "0123456789abcdef") != n)
    return -1;
  memcpy(sv->token, buf, sizeof buf);
  return 0;
}

void baton__serve_take_inherited(serve_t *sv, inherited_t *in) {
  in->fd = -1;
  in->token = 0;
  in->restarts = 0;
  in->since = 0;
  const char *fd = getenv(ENV_FD), *token_fd = getenv(ENV_TOKEN_FD);
  const char *restart = getenv(ENV_RESTART);
  if (fd) {
    in->fd = atoi(fd);
    in->token = token_fd && read_token(sv, atoi(token_fd)) == 0;
    if (restart == NULL ||
        sscanf(restart, "%d %lld", &in->restarts, &in->since) != 2)
      in->restarts = 1, in->since = (long long)time(NULL);
  }
  unsetenv(ENV_FD);
  unsetenv(ENV_TOKEN_FD);
  unsetenv(ENV_RESTART);
}

void baton__serve_respawn_free(baton_host_t *h) {
  for (char **e = h->respawn.envp; e && *e; e++)
    if (strncmp(*e, "BATON_SERVE_", 12) == 0)
      free(*e);
  free(h->respawn.envp);
  free(h->respawn.argv);
  free(h->respawn.path);
  memset(&h->respawn, 0, sizeof h->respawn);
}

/* Prepares everything the watchdog needs to exec, so that it then calls
 * only async-signal-safe functions. Not armed once MAX_RESTARTS happened
 * within RESTART_WINDOW seconds: a plugin that keeps getting stuck ends
 * the server, as it ends a command. */
void baton__serve_respawn_arm(serve_t *sv, const inherited_t *in) {
  baton_host_t *h = sv->h;
  long long now = (long long)time(NULL);
  int next = in->restarts + 1;
  long long since = in->since;
  if (in->restarts == 0 || now - in->since > RESTART_WINDOW)
    next = 1, since = now;
  if (next > MAX_RESTARTS)
    return;
  char path[4096];
  size_t len = sizeof path;
  if (uv_exepath(path, &len) != 0)
    return;
  size_t nenv = 0;
  while (environ[nenv])
    nenv++;
  h->respawn.path = baton__strdup(path);
  h->respawn.argv = calloc((size_t)sv->cli->argc + 2, sizeof(char *));
  h->respawn.envp = calloc(nenv + 4, sizeof(char *));
  if (h->respawn.path == NULL || h->respawn.argv == NULL ||
      h->respawn.envp == NULL) {
    baton__serve_respawn_free(h);
    return;
  }
  h->respawn.argv[0] = "baton";
  for (int i = 0; i < sv->cli->argc; i++)
    h->respawn.argv[i + 1] = sv->cli->argv[i];
  memcpy(h->respawn.envp, environ, nenv * sizeof(char *));
  int fd = baton__http_server_fd(sv->server);
  h->respawn.envp[nenv] = baton__asprintf(ENV_FD "=%d", fd);
  /* The watchdog writes the pipe's number over the "-1". */
  h->respawn.envp[nenv + 1] = baton__asprintf(ENV_TOKEN_FD "=-1%10s", "");
  h->respawn.token_env = h->respawn.envp[nenv + 1];
  memcpy(h->respawn.token, sv->token, sizeof h->respawn.token);
  h->respawn.envp[nenv + 2] =
      baton__asprintf(ENV_RESTART "=%d %lld", next, since);
  if (fd < 0 || !h->respawn.envp[nenv] || !h->respawn.envp[nenv + 1] ||
      !h->respawn.envp[nenv + 2]) {
    baton__serve_respawn_free(h);
    return;
  }
  h->respawn.fd = fd;
}
