# tests/e2e/lib_pg.sh: what lib.sh adds when BATON_TEST_ENGINE=postgres
# (BATON_DB is then the URL of the test's own PostgreSQL database).
#
# The scripts look into the database with the sqlite3 program
# (`sqlite3 "$BATON_DB" "SELECT ..."`, `.dump`); on PostgreSQL the same
# lines go to psql, whose -A output has sqlite3's '|' between columns, and
# the test database gets the two SQLite functions they use: group_concat
# (sorted: SQLite's comes in primary-key order, which the scripts' values
# begin with; PostgreSQL's heap has no order) and hex (of a bytea, upper
# case).
# A plugin's tables are found by name, as on SQLite, though they live in
# the plugin's schema. So one script checks both engines. Other files go
# to the real sqlite3.
sqlite3() {
  if [ "$#" -lt 2 ] || [ "$1" != "$BATON_DB" ]; then
    command sqlite3 "$@"
    return
  fi
  if [ "$2" = .dump ]; then
    pg_dump --no-owner "$BATON_DB"
    return
  fi
  # plugins' tables are in their schemas (plugin_NAME): find them by name
  local sp
  sp=$(psql -X -A -t -q "$BATON_DB" -c "SELECT string_agg(quote_ident(nspname), ',') FROM pg_namespace WHERE nspname LIKE 'plugin\_%'")
  PGOPTIONS="-c search_path=public${sp:+,$sp}" \
    psql -X -A -t -q -v ON_ERROR_STOP=1 "$BATON_DB" -c "$2"
}

# pg_test_functions: makes them in the test's database (BATON_DB).
pg_test_functions() {
  psql -X -q -v ON_ERROR_STOP=1 "$BATON_DB" >/dev/null <<'SQL'
CREATE FUNCTION baton_test_concat(text[]) RETURNS text LANGUAGE sql
  IMMUTABLE AS $$ SELECT string_agg(x, ',' ORDER BY x COLLATE "C")
  FROM unnest($1) x WHERE x IS NOT NULL $$;
CREATE AGGREGATE group_concat(text) (SFUNC = array_append,
  STYPE = text[], FINALFUNC = baton_test_concat);
CREATE FUNCTION hex(bytea) RETURNS text
  LANGUAGE sql STRICT IMMUTABLE AS $$ SELECT upper(encode($1, 'hex')) $$;
SQL
}
pg_test_functions
