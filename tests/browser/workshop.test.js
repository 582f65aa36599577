// tests/browser/workshop.test.js: a workshop rehearsal (issue 17, "Must
// show"): `baton serve --workshop` on the demo school, the trainer's
// projector page (/join/screen, signed in with the one-time address), and
// 30 simulated phones (browser contexts at a phone's size, touch) that
// arrive over a few seconds, open the join link, join through the join
// page's own form (half as a person of the school, half adding
// themselves), then act as staff: each records evidence for the change
// initiative (POST /api/run/change/evidence with the session's CSRF token,
// what the dashboard's form sends). All of it within a minute; the
// projector must show every participant and every action.
//
// The phones' pages are light on purpose: the join page and /join/me are
// plain HTML without script, and the action is one fetch from /join/me,
// not the whole dashboard in 30 tabs (two shared cores would measure
// Chromium, not baton). The projector page is the real one, live.
//
// Also: a page of another origin that posts the join form is refused.
//
// Printed: join time per phone (link opened -> joined page shown, p50 and
// max), update latency (action answered -> shown on the projector, p50,
// p99, max), and the whole rehearsal's length.
//
// Environment: BATON (the binary, required), CHROMIUM (default
// /usr/bin/chromium), PHONES (default 30); BATON_TEST_ENGINE=postgres (and
// BATON_TEST_PG): the same on a fresh PostgreSQL database (engine.js).
// Run through tests/browser/run.sh.
"use strict";

const { spawn, execFile } = require("child_process");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const { newDb, engine } = require("./engine");

const BATON = process.env.BATON;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const PHONES = Number(process.env.PHONES || 30);
const ARRIVAL_MS = 250; // one phone every quarter second
const AT_ONCE = Number(process.env.AT_ONCE || 6);

let passed = 0, failed = 0, stopping = false;
function check(what, ok, detail) {
  if (ok) { passed++; console.log("ok   " + what); }
  else { failed++; console.log("FAIL " + what + (detail ? "\n       " + detail : "")); }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "baton-workshop-"));
// The database: this file, or with BATON_TEST_ENGINE=postgres a fresh
// PostgreSQL database (engine.js).
const db = newDb(work, "demo.db");
const env = { ...process.env };
delete env.BATON_PLUGIN_PATH;

function baton(...args) {
  return new Promise((resolve, reject) => {
    execFile(BATON, ["--db", db, ...args], { env, cwd: work, timeout: 60000 },
      (err, stdout, stderr) => err ? reject(new Error(`baton ${args.join(" ")}: ${stderr}`)) : resolve(stdout));
  });
}

function serve() {
  return new Promise((resolve, reject) => {
    const proc = spawn(BATON, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--workshop", "--workshop-cap", "40"],
      { env, cwd: work });
    let out = "", err = "";
    const timer = setTimeout(() => reject(new Error("baton serve printed no address in 10 s: " + out + err)), 10000);
    proc.stdout.on("data", d => {
      out += d;
      if (!/press Ctrl-C/.test(out)) return;
      clearTimeout(timer);
      resolve({
        proc, url: /dashboard at (\S+)/.exec(out)[1], signin: /operator \(a coordinator\) at (\S+)/.exec(out)[1],
        token: /write token (\S+)/.exec(out)[1], printed: out, log: () => err,
      });
    });
    proc.stderr.on("data", d => { err += d; });
    proc.exited = new Promise(done => proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (!stopping) { failed++; console.log(`FAIL baton serve exited (${code === null ? signal : code}):\n${err}`); }
      done({ code, signal });
    }));
  });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
const sleep = ms => new Promise(r => setTimeout(r, ms));

// The projector records when each text first shows in its feed.
const RECORD = `(() => {
  window.__seen = {};
  new MutationObserver(() => {
    const feed = document.getElementById("feed");
    if (!feed) return;
    for (const li of feed.children) {
      const m = /phone \\d+ idea/.exec(li.textContent);
      if (m && !(m[0] in window.__seen)) window.__seen[m[0]] = Date.now();
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

async function phone(browser, i, link, url) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const r = { i, problems: [] };
  page.on("pageerror", e => r.problems.push(e.message));
  try {
    const t0 = Date.now();
    await page.goto(link);
    if (i % 2 === 0) {
      // A person of the school no one has claimed: the i-th on the list,
      // so that phones arriving together do not pick the same one.
      const options = await page.$$eval("#person option", os => os.map(o => o.value));
      await page.selectOption("#person", options[Math.min(i, options.length - 1)]);
      await Promise.all([page.waitForURL(/\/join\/me$/, { timeout: 15000 }), page.tap("form:first-of-type button")]);
    } else {
      await page.fill("#name", `Phone ${i} Participant`);
      await page.fill("#subjects", i % 4 === 1 ? "Mathematics, Science" : "English");
      await page.fill("#interests", "peer observation");
      await Promise.all([page.waitForURL(/\/join\/me$/, { timeout: 15000 }), page.tap("form:last-of-type button")]);
    }
    r.joinMs = Date.now() - t0;
    r.joinedText = await page.textContent("main");
    // Act: evidence for the change, as the dashboard's form sends it
    // (through the phone's own cookie jar: the context's request API, no
    // second page to draw).
    const me = await (await ctx.request.get(url + "api/me")).json();
    const headers = { "Content-Type": "application/json", "X-CSRF-Token": me.csrf, Origin: url.replace(/\/$/, "") };
    const res = await ctx.request.post(url + "api/run/change/evidence",
      { headers, data: { args: { initiative: "1", step: "3", text: `phone ${i} idea` } } });
    r.actedAt = Date.now();
    r.person = me.person;
    r.actStatus = res.status();
    // And a coordinator's action, which must be refused.
    r.coordinatorStatus = (await ctx.request.post(url + "api/run/change/step",
      { headers, data: { args: { initiative: "1", step: "3", status: "done" } } })).status();
  } catch (e) {
    r.error = e.message;
  }
  await ctx.close();
  return r;
}

// A page of another origin (a small server of its own) that posts the
// join form to baton: the browser sends its Origin, and baton refuses.
async function otherOrigin(browser, url, code) {
  const evil = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(`<form id="f" method="post" action="${url}join"><input name="code" value="${code}">` +
      `<input name="person" value="T001"></form><script>document.getElementById("f").submit()</script>`);
  });
  await new Promise(r => evil.listen(0, "127.0.0.2", r));
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  let status = 0;
  page.on("response", res => { if (res.url().endsWith("/join")) status = res.status(); });
  await page.goto(`http://127.0.0.2:${evil.address().port}/`);
  await page.waitForURL(/\/join$/, { timeout: 5000 }).catch(() => {});
  await page.waitForLoadState();
  const text = await page.textContent("body").catch(() => "");
  await ctx.close();
  evil.close();
  return { status, text };
}

async function main() {
  if (!BATON) throw new Error("set BATON to the baton binary");
  await baton("demo", "--no-serve");
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : []), "--disable-gpu",
      "--disable-dev-shm-usage"],
  });
  try {
    // ---- the projector -----------------------------------------------------
    const proj = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await proj.addInitScript(RECORD);
    const screen = await proj.newPage();
    const problems = [];
    screen.on("pageerror", e => problems.push(e.message));
    await screen.goto(server.signin);
    await screen.goto(server.url + "join/screen");
    await screen.waitForFunction(() => /^[A-Z2-9]{6}$/.test(document.getElementById("code").textContent), null, { timeout: 5000 });
    const code = await screen.textContent("#code");
    const link = await screen.textContent("#link");
    check("the projector shows the join link with its code", link === `${server.url}join?code=${code}`, link);
    const qr = await screen.$eval("#qr", img => ({ done: img.complete, w: img.naturalWidth, src: img.src }));
    check("... and its QR code (an image the browser drew)", qr.done && qr.w > 0, JSON.stringify(qr));
    await screen.screenshot({ path: path.join(work, "projector-before.png") });

    // ---- another origin ----------------------------------------------------
    const evil = await otherOrigin(browser, server.url, code);
    check("a page of another origin posting the join form is refused (403)", evil.status === 403 && /another origin/.test(evil.text),
      JSON.stringify(evil).slice(0, 300));

    // ---- 30 phones -----------------------------------------------------------
    const start = Date.now();
    // Phones arrive every ARRIVAL_MS; at most AT_ONCE are being handled
    // by the browser at a time (each is a context with its own renderer:
    // more at once on two shared cores measures the scheduler, not baton).
    const phones = [];
    let next = 0;
    async function lane() {
      while (next < PHONES) {
        const i = next++;
        const due = start + i * ARRIVAL_MS;
        if (Date.now() < due) await sleep(due - Date.now());
        phones.push(await phone(browser, i, link, server.url));
      }
    }
    await Promise.all(Array.from({ length: AT_ONCE }, lane));
    phones.sort((a, b) => a.i - b.i);
    const broken = phones.filter(p => p.error || p.actStatus !== 200);
    check(`${PHONES} phones joined and acted`, broken.length === 0,
      broken.map(p => `phone ${p.i}: ${p.error || "action answered " + p.actStatus}`).join("\n       "));
    check("... each landed on its own joined page", phones.every(p => /You are/.test(p.joinedText || "")));
    check("... as a different person each", new Set(phones.map(p => p.person)).size === PHONES);
    check("... and none may do a coordinator's work (403)", phones.every(p => p.coordinatorStatus === 403),
      phones.map(p => p.coordinatorStatus).join(" "));
    check("... no script errors on their pages", phones.every(p => p.problems.length === 0));

    // ---- the projector shows it all --------------------------------------------
    const markers = phones.map(p => `phone ${p.i} idea`);
    let all = false;
    try {
      await screen.waitForFunction(ms => ms.every(m => m in window.__seen), markers, { timeout: 10000 });
      all = true;
    } catch (e) { /* below */ }
    const seen = await screen.evaluate(() => window.__seen);
    const total = Date.now() - start;
    check("the projector shows every participant's action", all,
      "missing: " + markers.filter(m => !(m in seen)).join(", "));
    const joined = await screen.textContent("#joined");
    const chips = await screen.$$eval("#people li", ls => ls.length);
    check(`... and every participant (${joined} joined, ${chips} shown)`, joined === String(PHONES) && chips === PHONES);
    check(`the whole rehearsal took under a minute (${(total / 1000).toFixed(1)} s)`, total < 60000);
    check("no script errors on the projector", problems.length === 0, problems.join("\n       "));
    await screen.screenshot({ path: path.join(work, "projector-after.png") });

    const joins = phones.filter(p => p.joinMs !== undefined).map(p => p.joinMs);
    const lat = phones.filter(p => seen[`phone ${p.i} idea`]).map(p => Math.max(0, seen[`phone ${p.i} idea`] - p.actedAt));
    console.log(`# rehearsal: ${PHONES} phones arriving every ${ARRIVAL_MS} ms, all joined and acted and shown in ${(total / 1000).toFixed(1)} s`);
    console.log(`# join time (link opened -> joined page): p50 ${pct(joins, 50)} ms, max ${Math.max(...joins)} ms`);
    console.log(`# update latency (action answered -> on the projector): p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms, max ${Math.max(...lat)} ms`);

    // The server's own count agrees.
    const ws = await (await fetch(server.url + "api/workshop", { headers: { Authorization: "Bearer " + server.token } })).json();
    check("the server counts the same participants", ws.joined === PHONES && ws.participants.length === PHONES, JSON.stringify(ws).slice(0, 200));
  } finally {
    stopping = true;
    await browser.close();
    server.proc.kill("SIGTERM");
    await server.proc.exited;
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
