#!/bin/sh
# tests/pg/cluster.sh: a throwaway PostgreSQL for the tests.
#
#   tests/pg/cluster.sh start DIR   starts it (data and socket under DIR) and
#                                   prints its maintenance URL
#   tests/pg/cluster.sh stop DIR    stops it and removes DIR's data
#   tests/pg/cluster.sh crash DIR   stops it at once, as a crash would
#                                   (pg_ctl -m immediate), keeping its data
#   tests/pg/cluster.sh resume DIR  starts a crashed one again on its data
#
# It runs Debian's `postgresql` package (/usr/lib/postgresql/*/bin, the
# newest; PG_BIN overrides) as an unprivileged user: the current one, or
# `nobody` when run as root (initdb refuses root). No TCP listener unless
# BATON_PG_PORT is set (then it listens on 127.0.0.1 at that port); trust
# authentication on the unix socket in DIR/run only; superuser role
# `baton`. The URL is postgresql:///postgres?host=DIR/run&user=baton, for
# BATON_TEST_PG; tests make their own databases with tests/pg/newdb.sh.
#
# Starting when it already runs prints the URL again; a DIR left by a
# killed run (a stale postmaster.pid, half a data directory) is wiped and
# made again. Durability is off (fsync, full_page_writes): it is for tests.
set -eu

usage() { echo "usage: tests/pg/cluster.sh start|stop|crash|resume DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
what=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
data="$dir/data"
run="$dir/run"
url="postgresql:///postgres?host=$run&user=baton"

bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "cluster.sh: PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/pg_ctl);" \
    "install Debian's postgresql package: sudo apt-get install -y postgresql" >&2
  exit 1
fi

# as_server CMD...: runs CMD as the server's user.
if [ "$(id -u)" -eq 0 ]; then
  owner=nobody
  group=$(id -gn nobody)
  as_server() { setpriv --reuid="$owner" --regid="$group" --clear-groups -- env HOME="$dir" "$@"; }
else
  owner=$(id -un)
  group=$(id -gn)
  as_server() { "$@"; }
fi

# running: the server of DIR answers on its socket.
running() { [ -S "$run/.s.PGSQL.${BATON_PG_PORT:-5432}" ] && "$bin/pg_isready" -q -h "$run" -p "${BATON_PG_PORT:-5432}" -U baton -d postgres; }
# alive: pg_ctl sees a postmaster (perhaps one not answering any more).
alive() { [ -f "$data/postmaster.pid" ] && as_server "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$what" in
start)
  if running; then
    echo "$url"
    exit 0
  fi
  # A socket path longer than sun_path (107 bytes) cannot be used.
  if [ ${#run} -gt 90 ]; then
    echo "cluster.sh: $run is too long for a unix socket path; use a shorter DIR" >&2
    exit 1
  fi
  # What is left of a killed run: a server that no longer answers is
  # stopped, then its files are made again.
  if alive; then as_server "$bin/pg_ctl" -D "$data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true; fi
  rm -rf "$data" "$run" "$dir/log"
  mkdir -p "$run"
  if [ "$owner" = nobody ]; then
    chown "$owner:$group" "$dir" "$run"
    if ! as_server test -w "$dir"; then
      echo "cluster.sh: the user nobody cannot reach $dir (a parent folder is closed to others);" \
        "use a DIR under /tmp" >&2
      exit 1
    fi
  fi
  cd "$dir"
  as_server "$bin/initdb" -D "$data" -U baton -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || {
    echo "cluster.sh: initdb failed ($dir/initdb.log):" >&2
    tail -n 20 "$dir/initdb.log" >&2
    exit 1
  }
  # Only the socket, only trust there.
  echo "local all all trust" >"$data/pg_hba.conf"
  listen="''"
  if [ -n "${BATON_PG_PORT:-}" ]; then
    listen="'127.0.0.1'"
    echo "host all all 127.0.0.1/32 trust" >>"$data/pg_hba.conf"
  fi
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = $listen
port = ${BATON_PG_PORT:-5432}
unix_socket_directories = '$run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
CONF
  if ! as_server "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 30 start >/dev/null; then
    echo "cluster.sh: PostgreSQL did not start ($dir/log):" >&2
    tail -n 20 "$dir/log" >&2
    exit 1
  fi
  echo "$url"
  ;;
stop)
  if alive; then
    as_server "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null
  fi
  rm -rf "$data" "$run"
  ;;
crash)
  cd "$dir"
  as_server "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null
  ;;
resume)
  cd "$dir"
  if ! as_server "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 30 start >/dev/null; then
    echo "cluster.sh: PostgreSQL did not start again ($dir/log):" >&2
    tail -n 20 "$dir/log" >&2
    exit 1
  fi
  echo "$url"
  ;;
*) usage ;;
esac
