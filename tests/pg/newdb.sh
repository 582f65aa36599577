#!/bin/sh
# tests/pg/newdb.sh: a fresh database on the test cluster (cluster.sh).
#
#   tests/pg/newdb.sh              creates one and prints its URL
#   tests/pg/newdb.sh --drop URL   drops the database of URL (and the
#                                  connections still open to it)
#
# BATON_TEST_PG is the cluster's maintenance URL (tests/pg/cluster.sh start
# prints it); the new database's URL is the same with its name.
set -eu
: "${BATON_TEST_PG:?is not set: start the test cluster with tests/pg/cluster.sh start DIR and export BATON_TEST_PG=the URL it prints}"

case "${1:-}" in
--drop)
  name=$(printf '%s\n' "$2" | sed -E 's#^postgres(ql)?://[^/]*/([^?]*).*#\2#')
  psql -X -q -v ON_ERROR_STOP=1 "$BATON_TEST_PG" \
    -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  ;;
"")
  name="t_$(date +%s)_$$_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  psql -X -q -v ON_ERROR_STOP=1 "$BATON_TEST_PG" -c "CREATE DATABASE \"$name\"" >/dev/null
  printf '%s\n' "$BATON_TEST_PG" | sed -E "s#^(postgres(ql)?://[^/]*)/[^?]*#\\1/$name#"
  ;;
*) echo "usage: tests/pg/newdb.sh [--drop URL]" >&2; exit 2 ;;
esac
