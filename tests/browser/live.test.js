// tests/browser/live.test.js: live state a room can trust (issue 17), in
// headless Chromium against the real binary (the bundled plugins, the demo
// school):
//
//   - latency: from the end of a `baton` command in another process to the
//     page having drawn it (document.documentElement.dataset.renderedVersion
//     changes, app.js), 40 samples, p50 < 50 ms and p99 < 150 ms, printed;
//   - restart: serve stopped, the page says at once and in full width that
//     what it shows may be out of date; a change made while it is down
//     shows once serve is back (the page fetches everything again);
//   - `baton demo --reset` on the database serve uses: the page shows the
//     fresh school;
//   - the database file replaced under serve (another demo copied over it):
//     serve reopens it and the page shows it;
//   - the trainer's reset action (POST /api/demo/reset) from the page.
//
// With BATON_TEST_ENGINE=postgres (and BATON_TEST_PG) the same on a fresh
// PostgreSQL database (engine.js), but the file replaced under serve,
// skipped with a line saying so; the reset is then also watched on a page
// of a second server on the same database.
//
// Environment: BATON (the binary, required), CHROMIUM (default
// /usr/bin/chromium), LIVE_SAMPLES (default 40). Run through
// tests/browser/run.sh.
"use strict";

const { spawn, execFile } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const { newDb, onPostgres, sqliteOnly, engine } = require("./engine");

const BATON = process.env.BATON;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const SAMPLES = Number(process.env.LIVE_SAMPLES || 40);
const TODAY = "2026-09-01";
const SHOW_MS = 5000; // how long anything may take to show at all

let passed = 0, failed = 0, stopping = false;
function check(what, ok, detail) {
  if (ok) { passed++; console.log("ok   " + what); }
  else { failed++; console.log("FAIL " + what + (detail ? "\n       " + detail : "")); }
}
function same(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  check(what, g === w, `got:      ${g.slice(0, 300)}\n       expected: ${w.slice(0, 300)}`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "baton-live-"));
// The database: this file, or with BATON_TEST_ENGINE=postgres a fresh
// PostgreSQL database (engine.js).
const db = newDb(work, "demo.db");
const env = { ...process.env, BATON_TODAY: TODAY };
delete env.BATON_PLUGIN_PATH;

function batonRun(args, dbPath = db) {
  return new Promise(resolve => {
    execFile(BATON, ["--db", dbPath, ...args], { env, cwd: work, timeout: 60000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr }));
  });
}
async function baton(...args) {
  const r = await batonRun(args);
  if (r.code !== 0) throw new Error(`baton ${args.join(" ")} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
// Runs a baton command; resolves with the moment its process ended
// (Date.now() at its exit, before its pipes are read).
function timed(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(BATON, ["--db", db, ...args], { env, cwd: work, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", d => { err += d; });
    p.on("exit", code => {
      const t = Date.now();
      if (code !== 0) reject(new Error(`baton ${args.join(" ")} exited ${code}: ${err}`));
      else resolve(t);
    });
  });
}

// Starts `baton serve` (on `port`, or any free one); resolves with {proc,
// url, port, signin}.
function serve(port = 0) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BATON, ["--db", db, "serve", "--listen", `127.0.0.1:${port}`], { env, cwd: work });
    let out = "", err = "";
    const timer = setTimeout(() => reject(new Error("baton serve printed no address in 10 s: " + out + err)), 10000);
    proc.stdout.on("data", d => {
      out += d;
      if (!/press Ctrl-C/.test(out)) return;
      clearTimeout(timer);
      const m = /dashboard at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
      const once = /operator \(a coordinator\) at (\S+)/.exec(out);
      resolve({ proc, url: m[1], port: Number(m[2]), signin: once && once[1], log: () => err });
    });
    proc.stderr.on("data", d => { err += d; });
    proc.exited = new Promise(done => proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (!stopping && !proc.stopping) {
        failed++;
        console.log(`FAIL baton serve exited (${code === null ? signal : code}) while the test ran:\n${err}`);
      }
      done({ code, signal });
    }));
  });
}
async function stop(server) {
  server.proc.stopping = true;
  server.proc.kill("SIGTERM");
  return server.proc.exited;
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };

// The page records when each drawn version became the drawn one.
const RECORD = `(() => {
  window.__rv = [];
  new MutationObserver(() => window.__rv.push({ v: document.documentElement.dataset.renderedVersion, t: Date.now() }))
    .observe(document, { subtree: true, attributes: true, attributeFilter: ["data-rendered-version"] });
})();`;

const mainText = page => page.evaluate(() => document.getElementById("main").textContent);
async function shows(page, marker, ms = SHOW_MS) {
  try {
    await page.waitForFunction(m => document.getElementById("main").textContent.includes(m), marker, { timeout: ms });
    return true;
  } catch (e) { return false; }
}
async function gone(page, marker, ms = SHOW_MS) {
  try {
    await page.waitForFunction(m => !document.getElementById("main").textContent.includes(m), marker, { timeout: ms });
    return true;
  } catch (e) { return false; }
}

async function main() {
  if (!BATON) throw new Error("set BATON to the baton binary");
  await baton("demo", "--no-serve");
  let server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
  const problems = [];
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.addInitScript(RECORD);
    const page = await ctx.newPage();
    page.on("pageerror", e => problems.push("page error: " + e.message));
    // The operator's one-time address: a coordinator, for the reset action.
    await page.goto(server.signin);
    await page.goto(server.url + "#/kotter/change");
    await page.waitForSelector("#live.on", { timeout: SHOW_MS });
    await shows(page, "Reading in every subject");

    // ---- latency: command ends -> page drawn ------------------------------
    const lat = [];
    for (let i = 0; i < SAMPLES; i++) {
      const marker = `latency sample ${i}`;
      const before = await page.evaluate(() => window.__rv.length);
      const t0 = await timed(["change", "evidence", "1", "3", marker, "--by", "T001"]);
      try {
        await page.waitForFunction(([n, m]) => window.__rv.length > n && document.getElementById("main").textContent.includes(m),
          [before, marker], { timeout: SHOW_MS, polling: 2 });
      } catch (e) {
        throw new Error(`${marker} did not show: drawn versions ${JSON.stringify(await page.evaluate(() => window.__rv))}, ` +
          `shown: ${(await mainText(page)).includes(marker)}; ${e.message}`);
      }
      const rv = await page.evaluate(n => window.__rv.slice(n), before);
      lat.push(Math.max(0, rv[rv.length - 1].t - t0));
    }
    const p50 = pct(lat, 50), p99 = pct(lat, 99), max = Math.max(...lat);
    console.log(`# latency, command exit -> page drawn, ${lat.length} samples: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms` +
      ` (sorted: ${[...lat].sort((a, b) => a - b).join(" ")})`);
    check(`updates arrive by event: p50 ${p50} ms < 50 ms`, p50 < 50, lat.join(" "));
    check(`... p99 ${p99} ms < 150 ms`, p99 < 150, lat.join(" "));

    // ---- restart: the notice, then everything fetched again ---------------
    const port = server.port;
    await stop(server);
    let notice = null;
    try {
      await page.waitForSelector("#live-notice:not([hidden])", { timeout: SHOW_MS });
      notice = await page.$eval("#live-notice", n => ({
        text: n.textContent, role: n.getAttribute("role"),
        width: n.getBoundingClientRect().width, page: document.documentElement.clientWidth,
      }));
    } catch (e) { /* checked below */ }
    check("serve stopped: a notice says the page may be out of date, and since when",
      notice && /out of date/.test(notice.text) && /\d:\d\d/.test(notice.text), JSON.stringify(notice));
    check("... as an alert, across the whole width", notice && notice.role === "alert" && notice.width >= notice.page - 1,
      JSON.stringify(notice));
    check("... and the indicator no longer says live", (await page.textContent("#live")) !== "live");
    await baton("change", "evidence", "1", "3", "made while serve was down", "--by", "T001");
    server = await serve(port);
    check("serve is back: the change made while it was down shows", await shows(page, "made while serve was down", 8000),
      (await mainText(page)).slice(0, 300));
    check("... the notice is gone and the indicator says live",
      await page.waitForFunction(() => { const n = document.getElementById("live-notice"); return (!n || n.hidden) && document.getElementById("live").textContent === "live"; },
        null, { timeout: SHOW_MS }).then(() => true, () => false));

    // ---- baton demo --reset on the database serve uses ---------------------
    const t1 = Date.now();
    await baton("demo", "--reset", "--no-serve", "--seed", "77", "--size", "40");
    check("baton demo --reset while serve runs: the page shows the fresh school",
      await gone(page, "made while serve was down") && await shows(page, "Reading in every subject"),
      (await mainText(page)).slice(0, 300));
    const people = await (await fetch(server.url + "api/people")).json();
    check(`... serve answers the new school at once (${people.length} people, size 40; ${Date.now() - t1} ms after the command began)`,
      people.length < 60, String(people.length));

    // ---- the file replaced under serve -------------------------------------
    // What the trainer's reset below must take away.
    let marker = "in the file copied over";
    if (!sqliteOnly("the database file replaced under serve", "a PostgreSQL database is no file")) {
      const other = path.join(work, "other.db");
      await batonRun(["demo", "--no-serve", "--seed", "5"], other);
      await batonRun(["change", "evidence", "1", "3", marker, "--by", "T001"], other);
      fs.copyFileSync(other, db + ".copy");
      fs.renameSync(db + ".copy", db);
      check("the database file replaced under serve: it reopens it and the page shows it",
        await shows(page, marker, 8000), server.log());
      const after = await (await fetch(server.url + "api/people")).json();
      check(`... serve answers from the new file (${after.length} people)`, after.length >= 60, String(after.length));
    } else {
      marker = "before the trainer's reset";
      await baton("change", "evidence", "1", "3", marker, "--by", "T001");
      check("a change before the trainer's reset shows", await shows(page, marker, 8000), server.log());
    }

    // ---- the trainer's reset ----------------------------------------------
    // On PostgreSQL a second server on the same database, and a page on it:
    // it hears the reset (LISTEN/NOTIFY) and redraws.
    let second = null, page2 = null;
    if (onPostgres) {
      second = await serve();
      page2 = await ctx.newPage();
      page2.on("pageerror", e => problems.push("page error (second server): " + e.message));
      await page2.goto(second.url + "#/kotter/change");
      await page2.waitForSelector("#live.on", { timeout: SHOW_MS });
      check("a page on a second server on the same database shows the change", await shows(page2, marker, 8000),
        (await mainText(page2)).slice(0, 300));
    }
    await page.goto(server.signin); // a new server: a new one-time address
    // The overview's button, for a coordinator on a demo database.
    await page.goto(server.url + "#/");
    const button = page.locator("button.reset-demo");
    await button.waitFor({ timeout: SHOW_MS });
    page.once("dialog", d => d.accept());
    const answered = page.waitForResponse(r => r.url().endsWith("/api/demo/reset"));
    await button.click();
    const answer = await answered;
    check("the reset action: the overview's button (a coordinator's POST /api/demo/reset) is taken (202)",
      answer.status() === 202, String(answer.status()));
    await page.goto(server.url + "#/kotter/change");
    check("... and the page shows the fresh school", await gone(page, marker, 10000),
      (await mainText(page)).slice(0, 300));
    if (page2) {
      check("... and so does the page on the second server, without a reload", await gone(page2, marker, 10000) &&
        await shows(page2, "Reading in every subject"), (await mainText(page2)).slice(0, 300));
      const here = await (await fetch(server.url + "api/people")).json();
      const there = await (await fetch(second.url + "api/people")).json();
      same(`... whose server answers the same people as the first (${there.length})`, there, here);
      await stop(second);
    }
    check("no script errors on the page", problems.length === 0, problems.join("\n       "));
  } finally {
    stopping = true;
    await browser.close();
    if (server) await stop(server);
  }
}

main().then(() => {
  console.log(`${passed} passed, ${failed} failed (on ${engine})`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}, e => {
  console.log(`FAIL ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
