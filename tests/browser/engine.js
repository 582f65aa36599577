// tests/browser/engine.js: the database a browser test uses, on the
// engine of the run: a file in the test's folder on SQLite (the default),
// or with BATON_TEST_ENGINE=postgres a fresh database on the cluster of
// $BATON_TEST_PG, made by tests/pg/newdb.sh as tests/e2e/lib.sh's new_db
// makes it, and dropped when the test's process exits.
"use strict";

const { execFileSync } = require("child_process");
const path = require("path");

const NEWDB = path.join(__dirname, "..", "pg", "newdb.sh");
const onPostgres = process.env.BATON_TEST_ENGINE === "postgres";
const made = [];

// A new database for --db: work/name on SQLite, a new database's URL on
// PostgreSQL.
function newDb(work, name) {
  if (!onPostgres) return path.join(work, name);
  if (!process.env.BATON_TEST_PG)
    throw new Error("BATON_TEST_ENGINE=postgres needs BATON_TEST_PG: start a cluster with " +
      "tests/pg/cluster.sh start DIR and export the URL it prints");
  const url = execFileSync("sh", [NEWDB], { encoding: "utf8" }).trim();
  made.push(url);
  return url;
}

process.on("exit", () => {
  for (const url of made) {
    try { execFileSync("sh", [NEWDB, "--drop", url], { stdio: "ignore" }); } catch (e) { /* the cluster is gone */ }
  }
});

// On PostgreSQL: prints that `what` does not run there, and why; true then.
function sqliteOnly(what, why) {
  if (onPostgres) console.log(`skip ${what}: SQLite only (${why})`);
  return onPostgres;
}

module.exports = { onPostgres, newDb, sqliteOnly, engine: onPostgres ? "PostgreSQL" : "SQLite" };
