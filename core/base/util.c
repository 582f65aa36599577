/* core/base/util.c: growable buffers, string copies, whole-file I/O,
 * suggestions and dates: the small pieces every other core file uses. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

int baton__buf_append(baton_buf_t *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *d = realloc(b->data, cap);
    if (d == NULL)
      return BATON_ENOMEM;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int baton__html_escape(baton_buf_t *b, const char *s, size_t n) {
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    const char *e = NULL;
    switch (s[i]) {
    case '&':
      e = "&amp;";
      break;
    case '<':
      e = "&lt;";
      break;
    case '>':
      e = "&gt;";
      break;
    case '"':
      e = "&quot;";
      break;
    case '\'':
      e = "&#39;";
      break;
    default:
      continue;
    }
    if (baton__buf_append(b, s + from, i - from) != 0 ||
        baton__buf_append(b, e, strlen(e)) != 0)
      return BATON_ENOMEM;
    from = i + 1;
  }
  return baton__buf_append(b, s + from, n - from);
}

int baton__buf_printf(baton_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = baton__vasprintf(fmt, ap);
  va_end(ap);
  if (s == NULL)
    return BATON_ENOMEM;
  int r = baton__buf_append(b, s, strlen(s));
  free(s);
  return r;
}

void baton__buf_free(baton_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

int baton__grow(void *items, size_t *cap, size_t n, size_t elem,
                size_t first) {
  if (n < *cap)
    return 0;
  size_t c = *cap ? *cap * 2 : first;
  if (c <= *cap || c > SIZE_MAX / (elem ? elem : 1))
    return BATON_ENOMEM;
  void *old; /* the caller's T *, read and written as bytes */
  memcpy(&old, items, sizeof old);
  void *grown = realloc(old, c * elem);
  if (grown == NULL)
    return BATON_ENOMEM;
  memcpy(items, &grown, sizeof grown);
  *cap = c;
  return 0;
}

char *baton__strdup(const char *s) {
  return s ? baton__strndup(s, strlen(s)) : NULL;
}

char *baton__strndup(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d == NULL)
    return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *baton__vasprintf(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return NULL;
  char *s = malloc((size_t)n + 1);
  if (s != NULL)
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

char *baton__asprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = baton__vasprintf(fmt, ap);
  va_end(ap);
  return s;
}

static int errno_to_baton(int e) {
  switch (e) {
  case ENOENT:
  case ENOTDIR:
    return BATON_ENOENT;
  case EACCES:
  case EPERM:
    return BATON_EPERM;
  case ENOMEM:
    return BATON_ENOMEM;
  case ENOSPC:
  case EDQUOT:
    return BATON_EFULL;
  case EROFS:
    return BATON_EREADONLY;
  default:
    return BATON_EIO;
  }
}

int baton__file_read(const char *path, char **data, size_t *len, char **err) {
  return baton__file_read_if(path, 0, NULL, NULL, data, len, err);
}

int baton__file_read_if(const char *path, int oflags,
                        int (*check)(const struct stat *st, void *ud,
                                     char **err),
                        void *ud, char **data, size_t *len, char **err) {
  *data = NULL;
  if (len)
    *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | oflags);
  if (fd < 0)
    goto fail_errno;
  struct stat st;
  if (fstat(fd, &st) != 0)
    goto fail_close;
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    errno = EISDIR;
    goto fail_errno;
  }
  int refused = check ? check(&st, ud, err) : 0;
  if (refused != 0) {
    close(fd);
    return refused;
  }
  size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    close(fd);
    errno = ENOMEM;
    goto fail_errno;
  }
  for (;;) {
    if (n + 1 >= cap) {
      char *b2 = realloc(buf, cap * 2);
      if (b2 == NULL) {
        free(buf);
        close(fd);
        errno = ENOMEM;
        goto fail_errno;
      }
      buf = b2;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      close(fd);
      errno = e;
      goto fail_errno;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  *data = buf;
  if (len)
    *len = n;
  return 0;

fail_close : {
  int e = errno;
  close(fd);
  errno = e;
}
fail_errno : {
  int e = errno;
  if (err)
    *err = baton__asprintf("cannot read %s: %s", path, strerror(e));
  return errno_to_baton(e);
}
}

/* The process's umask, read once at start-up (umask() cannot be read
 * without setting it, which is not safe once threads run). */
static mode_t process_umask;
__attribute__((constructor)) static void read_umask(void) {
  process_umask = umask(022);
  umask(process_umask);
}

int baton__file_write_atomic(const char *path, const char *data, size_t len,
                             char **err) {
  char *tmp = baton__asprintf("%s.tmp-XXXXXX", path);
  if (tmp == NULL)
    return BATON_ENOMEM;
  int fd = mkstemp(tmp);
  if (fd < 0)
    goto fail;
  /* mkstemp makes the file 0600: give it the old file's mode, or what a
   * new file would get. */
  struct stat old;
  mode_t mode = stat(path, &old) == 0 ? (old.st_mode & 07777)
                                      : (0666 & ~process_umask);
  if (fchmod(fd, mode) != 0)
    goto fail_unlink;
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      goto fail_unlink;
    off += (size_t)w;
  }
  if (fsync(fd) != 0)
    goto fail_unlink;
  if (close(fd) != 0) {
    fd = -1;
    goto fail_unlink;
  }
  fd = -1;
  if (rename(tmp, path) != 0)
    goto fail_unlink;
  free(tmp);
  return 0;

fail_unlink : {
  int e = errno;
  if (fd >= 0)
    close(fd);
  unlink(tmp);
  errno = e;
}
fail : {
  int e = errno;
  if (err)
    *err = baton__asprintf("cannot write %s: %s", path, strerror(e));
  free(tmp);
  return errno_to_baton(e);
}
}

int baton__is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int baton__is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

size_t baton__edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return (size_t)-1;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *baton__suggest(const char *word, const char *const *cands,
                           size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  size_t wl = strlen(word);
  for (size_t i = 0; i < n; i++) {
    size_t d = baton__edit_distance(word, cands[i]);
    if (d < best_d) {
      best_d = d;
      best = cands[i];
    }
  }
  /* Close enough: a third of the word's length, at least one edit. */
  size_t limit = wl / 3 > 1 ? wl / 3 : 1;
  if (wl >= 4 && limit < 2)
    limit = 2;
  return best_d <= limit ? best : NULL;
}

int baton__date_parse(const char *s, int *y, int *m, int *d) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-')
        return BATON_EINVAL;
    } else if (s[i] < '0' || s[i] > '9') {
      return BATON_EINVAL;
    }
  }
  if (s[10] != '\0')
    return BATON_EINVAL;
  int yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
           (s[3] - '0');
  int mm = (s[5] - '0') * 10 + (s[6] - '0');
  int dd = (s[8] - '0') * 10 + (s[9] - '0');
  if (mm < 1 || mm > 12 || dd < 1)
    return BATON_EINVAL;
  int leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
  int max = mdays[mm - 1] + (mm == 2 && leap);
  if (dd > max)
    return BATON_EINVAL;
  if (y)
    *y = yy;
  if (m)
    *m = mm;
  if (d)
    *d = dd;
  return 0;
}

long long baton__date_days(long long y, int m, int d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long yoe = y - era * 400;
  long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void baton__date_civil(long long z, long long *y, int *m, int *d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int baton__date_to_days(const char *s, long long *z) {
  int y, m, d;
  if (s == NULL || baton__date_parse(s, &y, &m, &d) != 0)
    return BATON_EINVAL;
  *z = baton__date_days(y, m, d);
  return 0;
}

int baton__date_format(long long z, char *buf) {
  long long y;
  int m, d;
  baton__date_civil(z, &y, &m, &d);
  if (y < 0 || y > 9999)
    return BATON_EINVAL;
  snprintf(buf, 11, "%04d-%02d-%02d", (int)y, m, d);
  return 0;
}

const char *baton__asset_text(const baton_asset_t *table, const char *path,
                              size_t *len) {
  for (const baton_asset_t *a = table; a->path != NULL; a++) {
    if (strcmp(a->path, path) == 0) {
      if (len != NULL)
        *len = a->len;
      return (const char *)a->data;
    }
  }
  fprintf(stderr,
          "baton: %s is not compiled into this binary (a build "
          "defect: rebuild baton)\n",
          path);
  abort();
}
