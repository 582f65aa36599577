# tests/e2e/lib_pg.sh: what lib.sh adds when BATON_TEST_ENGINE=postgres
# (BATON_DB is then the URL of the test's own PostgreSQL database).
#
# The scripts look into the database with the sqlite3 program
# (`sqlite3 "$BATON_DB" "SELECT ..."`, `.dump`); on PostgreSQL the same
# lines go to psql, whose -A output has sqlite3's '|' between columns, and
# the test database gets the two SQLite functions they use: group_concat
# (in the order rows come, as SQLite's) and hex (of a bytea, upper case).
# So one script checks both engines. Other files go to the real sqlite3.
sqlite3() {
  if [ "$#" -lt 2 ] || [ "$1" != "$BATON_DB" ]; then
    command sqlite3 "$@"
    return
  fi
  if [ "$2" = .dump ]; then
    pg_dump --no-owner "$BATON_DB"
    return
  fi
  psql -X -A -t -q -v ON_ERROR_STOP=1 "$BATON_DB" -c "$2"
}

psql -X -q -v ON_ERROR_STOP=1 "$BATON_DB" >/dev/null <<'SQL'
CREATE FUNCTION baton_test_concat(text, text) RETURNS text
  LANGUAGE sql STRICT IMMUTABLE AS $$ SELECT $1 || ',' || $2 $$;
CREATE AGGREGATE group_concat(text) (SFUNC = baton_test_concat, STYPE = text);
CREATE FUNCTION hex(bytea) RETURNS text
  LANGUAGE sql STRICT IMMUTABLE AS $$ SELECT upper(encode($1, 'hex')) $$;
SQL
