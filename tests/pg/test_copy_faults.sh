#!/usr/bin/env bash
# PostgreSQL only (ctest pg/test_copy_faults): `baton db copy` into
# PostgreSQL sends each table's rows in one COPY FROM STDIN, not one
# INSERT per row; a failure in the middle of that COPY leaves TO exactly
# as it was (one transaction): a row the server refuses (the error says
# which table and which line of its COPY, i.e. which row), and the
# server's connection ended while the rows are going across.
export BATON_TEST_ENGINE=postgres
. "$(dirname "$0")/../e2e/lib.sh"

# FROM: 60,000 events, and a plugin's table (demo_t, with its
# schema_version row) whose row 30,000 holds text in an integer column,
# which SQLite keeps and PostgreSQL's integer refuses.
FROM=$WORK/from.db
baton --db "$FROM" people list >/dev/null
sqlite3 "$FROM" <<'SQL'
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 60000)
INSERT INTO events (id, at, kind, subject, data)
SELECT i, '2026-01-01T00:00:00.000Z', 'demo.tick', 'T001',
  printf('{"n":%d,"text":"a\ttab, a\nnewline, a \\ backslash"}', i) FROM r;
CREATE TABLE demo_t (id INTEGER PRIMARY KEY, n INTEGER);
WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 40000)
INSERT INTO demo_t SELECT i, CASE i WHEN 30000 THEN 'oops' ELSE i END FROM r;
INSERT INTO schema_version (component, version) VALUES ('plugin/demo', 1);
SQL

# TO as baton made it (its core tables), dumped before and after.
baton --db "$BATON_DB" people list >/dev/null
dump() { pg_dump --no-owner "$BATON_DB" | grep -v -e '^--' -e '^\\restrict' -e '^\\unrestrict' >"$1"; }
dump before.sql

test_case "a row PostgreSQL refuses in the middle of the COPY: TO is as it was"
expect_status 1 baton db copy "$FROM" "$BATON_DB"
expect_contains "cannot copy table 'demo_t'" err
expect_contains "invalid input syntax for type" err
expect_contains "line 30000" err
dump after.sql
diff before.sql after.sql >dump.diff || true
verdict "TO's dump is unchanged" "TO changed" dump.diff cmp -s before.sql after.sql
verdict "no events in TO" "events were left in TO" "" \
  test "$(psql -X -A -t "$BATON_DB" -c 'SELECT count(*) FROM events')" = 0

test_case "the connection ended in the middle of the COPY: TO is as it was"
sqlite3 "$FROM" "UPDATE demo_t SET n = 30000 WHERE id = 30000"
# Slow enough to be caught in the act: events are copied first.
sqlite3 "$FROM" "WITH RECURSIVE r(i) AS (SELECT 60001 UNION ALL SELECT i + 1 FROM r
  WHERE i < 400000) INSERT INTO events (id, at, kind, subject, data)
  SELECT i, '2026-01-01T00:00:00.000Z', 'demo.tick', 'T001', hex(randomblob(40)) FROM r"
# The COPY of this test's own database (the cluster may run others).
copying() {
  psql -X -A -t -q "$BATON_DB" -c "SELECT pid FROM pg_stat_activity
    WHERE query LIKE 'COPY%FROM STDIN%' AND datname = current_database()
    AND pid <> pg_backend_pid() LIMIT 1"
}
start_bg "$BATON" db copy "$FROM" "$BATON_DB"
pid=""
for _ in $(seq 200); do pid=$(copying); [ -n "$pid" ] && break; sleep 0.02; done
verdict "caught the COPY in progress" "never saw the COPY" err test -n "$pid"
[ -z "$pid" ] || psql -X -q "$BATON_TEST_PG" -c "SELECT pg_terminate_backend($pid)" >/dev/null
set +e
wait "$BG_PID"
STATUS=$?
set -e
check_status 1
expect_contains "lost the connection to PostgreSQL" err
dump after.sql
diff before.sql after.sql >dump.diff || true
verdict "TO's dump is unchanged" "TO changed" dump.diff cmp -s before.sql after.sql

test_case "then the copy goes through, verified"
expect_status 0 baton db copy "$FROM" "$BATON_DB"
expect_contains "events" out
verdict "TO has every event" "TO lacks events" out \
  test "$(psql -X -A -t "$BATON_DB" -c 'SELECT count(*) FROM events')" = 400000
verdict "demo_t's row 30000 came across" "demo_t is wrong" "" \
  test "$(psql -X -A -t "$BATON_DB" -c 'SELECT n FROM plugin_demo.demo_t WHERE id = 30000')" = 30000
finish
