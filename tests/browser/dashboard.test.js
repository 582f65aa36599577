// tests/browser/dashboard.test.js: baton serve's dashboard in headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
// Builds the demo school with the real binary, starts `baton serve` on a
// free loopback port, and checks what each page SHOWS against the JSON API
// fetched in the same run: the overview's bars (who leads, how many roles
// of each kind), each mentoring pair's names, score and reasons and the
// network's people, each rota grid's dates and role holders, each change
// initiative's chevrons (status colour, owners), warnings and evidence.
// Then large-text mode, a phone's viewport (no sideways page overflow,
// chart text still legible), and live updates over SSE from a baton
// command run in another process. Screenshots go to BATON_BROWSER_OUT.
//
// Environment: BATON (the binary, required), BATON_BROWSER_OUT (folder for
// screenshots; default a temporary one), CHROMIUM (default
// /usr/bin/chromium). Run through tests/browser/run.sh (ctest does).
"use strict";

const { spawn, execFile } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const BATON = process.env.BATON;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const OUT = process.env.BATON_BROWSER_OUT || fs.mkdtempSync(path.join(os.tmpdir(), "baton-browser-out-"));
// A fixed "today" for every baton process: the same school, dates and
// screenshot on every run.
const TODAY = "2026-09-01";
// How long a change may take to show (the server polls every 300 ms).
const LIVE_MS = 2000;

let passed = 0, failed = 0, stopping = false;
function check(what, ok, detail) {
  if (ok) { passed++; console.log("ok   " + what); }
  else { failed++; console.log("FAIL " + what + (detail ? "\n       " + detail : "")); }
}
function same(what, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  check(what, g === w, `shown:    ${g}\n       expected: ${w}`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "baton-browser-"));
const db = path.join(work, "school.db");
const env = { ...process.env, BATON_TODAY: TODAY };

// Runs `baton --db DB ARGS...`; resolves with its output, rejects on failure.
function baton(...args) {
  return new Promise((resolve, reject) => {
    execFile(BATON, ["--db", db, ...args], { env, cwd: work, timeout: 60000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`baton ${args.join(" ")} failed (${err.code}): ${stderr}`));
      else resolve(stdout);
    });
  });
}

// Starts `baton serve` on a free port; resolves with {proc, url} once it
// printed its address.
function serve() {
  return new Promise((resolve, reject) => {
    const proc = spawn(BATON, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { env, cwd: work });
    let out = "", err = "";
    const timer = setTimeout(() => reject(new Error("baton serve printed no address in 10 s: " + out + err)), 10000);
    proc.stdout.on("data", d => {
      out += d;
      const m = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1], log: () => err }); }
    });
    proc.stderr.on("data", d => { err += d; });
    const exited = new Promise(done => proc.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (!stopping) {
        failed++;
        console.log(`FAIL baton serve exited (${code === null ? signal : code}) while the test ran:\n${err}`);
      }
      reject(new Error(`baton serve exited (${code === null ? signal : code}): ${err}`));
      done({ code, signal, err });
    }));
    proc.exited = exited;
  });
}

// "T004 Nadia Dlamini", as practice commands print a person -> id, name.
function person(s) { const m = /^(\S+)\s+(.*)$/.exec(s || ""); return m ? { id: m[1], name: m[2] } : { id: s, name: s }; }
const norm = s => (s || "").replace(/\s+/g, " ").trim();

async function main() {
  if (!BATON) throw new Error("set BATON to the baton binary");
  await baton("demo", "--reset", "--no-serve");
  const server = await serve();
  const url = server.url;
  const api = async p => {
    const r = await fetch(url + p.replace(/^\//, ""));
    if (!r.ok) throw new Error(`GET ${p}: ${r.status}`);
    return r.json();
  };
  console.log(`baton serve at ${url} on ${db}; screenshots in ${OUT}`);
  fs.mkdirSync(OUT, { recursive: true });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
  const problems = [];
  // A page that loads every route with ?n=... so each open is a full load.
  let loads = 0;
  async function newPage(options) {
    const ctx = await browser.newContext(options);
    const page = await ctx.newPage();
    page.on("pageerror", e => problems.push("page error: " + e.message));
    page.on("console", m => { if (m.type() === "error") problems.push("console: " + m.text()); });
    page.on("response", r => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
    return page;
  }
  async function open(page, route) {
    await page.goto(`${url}?n=${++loads}#/${route}`);
    await page.waitForFunction(() => document.getElementById("updated").textContent !== "", null, { timeout: 10000 });
  }

  try {
    const desk = await newPage({ viewport: { width: 1280, height: 800 } });
    await checkOverview(desk, api, open);
    await desk.screenshot({ path: path.join(OUT, "overview.png"), fullPage: true });
    // The README's picture: the top of the overview, a small PNG.
    await desk.setViewportSize({ width: 1100, height: 720 });
    await open(desk, "");
    await desk.screenshot({ path: path.join(OUT, "dashboard.png") });
    await desk.setViewportSize({ width: 1280, height: 800 });

    await checkMentoring(desk, api, open);
    await desk.screenshot({ path: path.join(OUT, "mentoring.png"), fullPage: true });
    await checkRotation(desk, api, open);
    await desk.screenshot({ path: path.join(OUT, "rotation.png"), fullPage: true });
    await checkChange(desk, api, open);
    await desk.screenshot({ path: path.join(OUT, "change.png"), fullPage: true });

    await checkLarge(desk, open);
    const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await checkPhone(phone, open);
    await checkLive(desk, api, open);
    same("no page errors, console errors or failed requests", problems, []);
  } finally {
    await browser.close();
    // Ctrl-C's path: a graceful stop, status 0 (under the sanitizers, no
    // report either).
    stopping = true;
    server.proc.kill("SIGTERM");
    const end = await server.proc.exited;
    check("baton serve stops on SIGTERM with status 0", end.code === 0,
      `status ${end.code === null ? end.signal : end.code}; its stderr:\n${end.err}`);
  }
}

// ---- overview: who leads what --------------------------------------------

async function checkOverview(page, api, open) {
  const [people, groups, pairs, plans, inis] = await Promise.all([api("/api/people"), api("/api/groups"),
    api("/api/mentoring/pairs"), api("/api/rotation/plans"), api("/api/change/status")]);
  // The roles docs/serve.md lists: mentoring, a rotating meeting role (each
  // turn), owning a change step, leading or chairing a group.
  const want = new Map();
  const add = (id, kind) => {
    if (!want.has(id)) want.set(id, { mentor: 0, rota: 0, change: 0, group: 0 });
    want.get(id)[kind]++;
  };
  pairs.forEach(p => add(person(p.mentor).id, "mentor"));
  Object.values(plans).flat().forEach(a => add(a.person, "rota"));
  inis.forEach(i => i.steps.forEach(s => s.owners.forEach(o => add(o, "change"))));
  groups.forEach(g => g.members.forEach(m => { if (/lead|chair|facilitat|coordinat/i.test(m.role_in_group || "")) add(m.id, "group"); }));
  const names = new Map(people.map(p => [p.id, p.name]));
  check("the demo school has every kind of leadership role",
    ["mentor", "rota", "change", "group"].every(k => [...want.values()].some(c => c[k] > 0)));

  await open(page, "");
  const bars = await page.$$eval('svg[aria-label="leadership roles per person"] g.bar', gs => gs.map(g => ({
    id: g.dataset.id,
    name: g.querySelector("text.name").textContent,
    total: Number(g.querySelector("text.total").textContent),
    // What a viewer reads when hovering each segment: "N mentors".
    kinds: Object.fromEntries([...g.querySelectorAll("rect")].map(r => [r.dataset.kind, parseInt(r.textContent, 10)])),
    width: [...g.querySelectorAll("rect")].reduce((w, r) => w + r.getBoundingClientRect().width, 0),
  })));
  same("a bar for every person who leads, and nobody else",
    bars.map(b => b.id).sort(), [...want.keys()].sort());
  same("each bar names its person", bars.map(b => b.name), bars.map(b => names.get(b.id)));
  same("each bar's segments count that person's roles of each kind",
    bars.map(b => [b.id, b.kinds]),
    bars.map(b => [b.id, Object.fromEntries(Object.entries(want.get(b.id) || {}).filter(([, n]) => n > 0))]));
  same("each bar's total is the sum of the person's roles",
    bars.map(b => [b.id, b.total]), bars.map(b => [b.id, Object.values(want.get(b.id) || {}).reduce((a, n) => a + n, 0)]));
  check("bars run from the most roles to the fewest, longest first",
    bars.every((b, i) => i === 0 || (bars[i - 1].total >= b.total && bars[i - 1].width >= b.width - 0.5)));
  const stat = norm(await page.textContent(".grid .card .stat"));
  same("the summary counts who leads out of everyone", stat, `${want.size} of ${people.length}`);
  return { pairs };
}

// ---- mentoring ---------------------------------------------------------------

async function checkMentoring(page, api, open) {
  const pairs = await api("/api/mentoring/pairs");
  check("the demo has active mentoring pairs", pairs.length > 0, JSON.stringify(pairs).slice(0, 200));
  await open(page, "mentoring");
  const cards = await page.$$eval(".card .pair", ps => ps.map(p => ({
    mentor: p.querySelector("b").textContent,
    mentee: p.querySelector("strong").textContent,
    score: p.querySelector(".score").textContent,
    reasons: p.parentElement.querySelector(".reasons").textContent,
  })));
  same("a card per pair: mentor, mentee, score and reasons", cards,
    pairs.map(p => ({ mentor: person(p.mentor).name, mentee: person(p.mentee).name, score: `score ${p.score}`, reasons: p.reasons })));
  const net = await page.$eval('svg[aria-label="mentoring network"]', g => ({
    mentors: [...g.querySelectorAll("text.mentor")].map(t => t.textContent).sort(),
    mentees: [...g.querySelectorAll("text.mentee")].map(t => t.textContent).sort(),
    lines: [...g.querySelectorAll("path")].map(p => p.querySelector("title").textContent),
  }));
  same("the network shows every mentor once", net.mentors, [...new Set(pairs.map(p => person(p.mentor).name))].sort());
  same("the network shows every mentee once", net.mentees, [...new Set(pairs.map(p => person(p.mentee).name))].sort());
  same("a line per pair, titled with its reasons", net.lines, pairs.map(p => p.reasons));
}

// ---- rotation ------------------------------------------------------------------

async function checkRotation(page, api, open) {
  const plans = await api("/api/rotation/plans");
  const names = Object.keys(plans).sort();
  check("the demo has saved rotas", names.length >= 2, names.join(", "));
  await open(page, "rotation");
  const shown = await page.$$eval("main .card", cards => cards.map(c => ({
    group: c.querySelector("h3").textContent,
    roles: [...c.querySelectorAll("thead th")].slice(1).map(th => th.textContent),
    rows: [...c.querySelectorAll("tbody tr")].map(tr => ({
      past: tr.classList.contains("past"),
      cells: [...tr.querySelectorAll("td")].map(td => td.textContent),
    })),
  })));
  same("a grid per group with a saved rota", shown.map(s => s.group), names);
  for (const s of shown) {
    const rows = plans[s.group] || [];
    const dates = [...new Set(rows.map(r => r.date))].sort();
    same(`${s.group}: a column per role`, s.roles, [...new Set(rows.map(r => r.role))].sort());
    same(`${s.group}: a row per meeting, in date order`, s.rows.map(r => r.cells[0].split(" ").pop()), dates);
    same(`${s.group}: each meeting's role holders`, s.rows.map(r => r.cells.slice(1)),
      dates.map(d => s.roles.map(role => { const a = rows.find(r => r.date === d && r.role === role); return a ? a.name : "—"; })));
    same(`${s.group}: past meetings greyed`, s.rows.map(r => r.past), dates.map(d => rows.some(r => r.date === d && r.past)));
  }
}

// ---- change ------------------------------------------------------------------

async function checkChange(page, api, open) {
  const [inis, events] = await Promise.all([api("/api/change/status"), api("/api/events?kind=change.evidence")]);
  check("the demo has a change initiative", inis.length > 0);
  await open(page, "change");
  const colours = await page.evaluate(() => {
    const css = getComputedStyle(document.documentElement), probe = document.createElement("i");
    document.body.append(probe);
    const rgb = v => { probe.style.color = css.getPropertyValue(v).trim(); return getComputedStyle(probe).color; };
    const c = { done: rgb("--done"), in_progress: rgb("--progress"), stalled: rgb("--stalled"), needs_renewal: rgb("--stalled"), not_started: rgb("--todo") };
    probe.remove();
    return c;
  });
  const shown = await page.$$eval("main .card", cards => cards.map(c => ({
    title: c.querySelector("h3").firstChild.textContent.trim(),
    steps: [...c.querySelectorAll("svg.chevrons g.step")].map(g => ({
      step: Number(g.dataset.step),
      colour: getComputedStyle(g.querySelector("polygon")).fill,
      label: g.querySelector("polygon title").textContent,
      owners: [...g.querySelectorAll("text.owner")].map(t => t.textContent),
    })),
    warnings: [...c.querySelectorAll(".warn")].map(w => w.textContent.replace(/^⚠\s*/, "")),
    evidence: [...c.querySelectorAll(".timeline li")].map(li => li.textContent),
  })));
  same("a card per initiative", shown.map(s => s.title), inis.map(i => i.title));
  chevronText = await chartText(page, "svg.chevrons");
  for (const [k, ini] of inis.entries()) {
    const s = shown[k] || { steps: [], warnings: [], evidence: [] };
    same(`${ini.title}: eight chevrons coloured by status`, s.steps.map(x => [x.step, x.colour]),
      ini.steps.map(x => [x.step, colours[x.status]]));
    same(`${ini.title}: each chevron names its step and status`, s.steps.map(x => x.label),
      ini.steps.map(x => `${x.step}. ${x.name}: ${x.status.replace("_", " ")}`));
    same(`${ini.title}: each step's owners, in full`, s.steps.map(x => x.owners), ini.steps.map(x => x.owner_names));
    same(`${ini.title}: its warnings`, s.warnings, ini.warnings.map(w => w.message));
    const ev = events.filter(e => e.subject === ini.slug && e.data && e.data.evidence).map(e => e.data.evidence)
      .sort((a, b) => b.date.localeCompare(a.date));
    same(`${ini.title}: the evidence timeline, newest first`, s.evidence, ev.map(e => `${e.date}step ${e.step}: ${e.text}`));
  }
}

// ---- large text and a phone ----------------------------------------------------

let chevronText = 0; // the chevrons' smallest text at normal size, in px

// Chart text as rendered on screen, in CSS pixels (the SVG is scaled).
function chartText(page, selector) {
  return page.$eval(selector, g => {
    const scale = g.getBoundingClientRect().width / g.viewBox.baseVal.width;
    const sizes = [...g.querySelectorAll("text")].map(t => Number(t.getAttribute("font-size")) * scale);
    return Math.min(...sizes);
  });
}
// Elements sticking out of the viewport that are not inside a table or
// chart scrolling sideways on its own.
function overflow(page) {
  return page.evaluate(() => {
    const W = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll("body *")].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > W + 1 || r.left < -1) && !e.closest(".scroll");
    }).map(e => e.tagName + (e.className && typeof e.className === "string" ? "." + e.className : "") + " " + (e.textContent || "").slice(0, 30));
    return { page: document.documentElement.scrollWidth - W, out: out.slice(0, 5) };
  });
}

async function checkLarge(page, open) {
  await open(page, "");
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main h2")).fontSize));
  const chartBefore = await chartText(page, 'svg[aria-label="leadership roles per person"]');
  await page.click("#large");
  await page.waitForFunction(() => document.body.classList.contains("large"));
  await page.waitForTimeout(300); // the charts are drawn again for the new text size
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main h2")).fontSize));
  const chartAfter = await chartText(page, 'svg[aria-label="leadership roles per person"]');
  check("A+ makes the text at least 1.3 times larger", after >= 1.3 * before, `${before}px -> ${after}px`);
  check("... and the chart's labels too", chartAfter >= 1.3 * chartBefore, `${chartBefore}px -> ${chartAfter}px`);
  same("A+ says it is on", await page.getAttribute("#large", "aria-pressed"), "true");
  await page.screenshot({ path: path.join(OUT, "overview-large.png"), fullPage: true });
  for (const route of ["", "mentoring", "rotation", "change"]) {
    await open(page, route);
    const o = await overflow(page);
    check(`large text: ${route || "overview"} fits the width (wide tables scroll)`, o.page <= 0 && o.out.length === 0, JSON.stringify(o));
    if (route === "change") {
      const big = await chartText(page, "svg.chevrons");
      check("large text: the chevrons' labels at least 1.3 times larger", big >= 1.3 * chevronText,
        `${chevronText.toFixed(1)}px -> ${big.toFixed(1)}px`);
      await page.screenshot({ path: path.join(OUT, "change-large.png"), fullPage: true });
    }
  }
  check("large text is remembered on the next visit", await page.evaluate(() => document.body.classList.contains("large")));
  await page.click("#large");
  check("A+ again turns it off", !(await page.evaluate(() => document.body.classList.contains("large"))));
}

async function checkPhone(page, open) {
  for (const route of ["", "mentoring", "rotation", "change"]) {
    await open(page, route);
    const o = await overflow(page);
    check(`phone: ${route || "overview"} has no sideways page overflow (wide tables scroll)`, o.page <= 0 && o.out.length === 0, JSON.stringify(o));
    await page.screenshot({ path: path.join(OUT, `phone-${route || "overview"}.png`), fullPage: true });
  }
  await open(page, "");
  const bar = await chartText(page, 'svg[aria-label="leadership roles per person"]');
  check("phone: the bar chart's names are legible (>= 11 px)", bar >= 11, `${bar.toFixed(1)} px`);
  await open(page, "mentoring");
  const net = await chartText(page, 'svg[aria-label="mentoring network"]');
  check("phone: the network's names are legible (>= 11 px)", net >= 11, `${net.toFixed(1)} px`);
  await open(page, "change");
  const chev = await chartText(page, "svg.chevrons");
  check("phone: the chevrons' labels are legible (>= 11 px)", chev >= 11, `${chev.toFixed(1)} px`);
}

// ---- live updates ------------------------------------------------------------

// Runs a command in another process, then waits for `shows` to be true in
// the page; returns the milliseconds from the command's end to the page
// showing it, or -1.
async function liveChange(page, command, shows, arg) {
  await baton(...command);
  const t0 = Date.now();
  try {
    await page.waitForFunction(shows, arg, { timeout: LIVE_MS + 3000, polling: 50 });
  } catch (e) {
    return -1;
  }
  return Date.now() - t0;
}

async function checkLive(page, api, open) {
  await open(page, "change");
  await page.waitForFunction(() => document.getElementById("live").textContent === "live", null, { timeout: 5000 })
    .catch(() => {});
  same("the live dot says live", await page.textContent("#live"), "live");
  const text = `Vision agreed at the staff meeting (${process.pid})`;
  const ms = await liveChange(page, ["change", "evidence", "1", "3", text],
    t => [...document.querySelectorAll(".timeline li")].some(li => li.textContent.includes(t)), text);
  check(`change evidence in another process shows on the page within ${LIVE_MS} ms (${ms} ms)`, ms >= 0 && ms <= LIVE_MS);
  const first = await page.textContent(".timeline li");
  check("... at the top of the timeline (newest first)", first.includes(text), first);

  await open(page, "mentoring");
  const pairs = await api("/api/mentoring/pairs");
  const gone = pairs[0];
  const cards = pairs.length;
  const ms2 = await liveChange(page, ["mentor", "end", String(gone.pair), "--reason", "browser test"],
    n => document.querySelectorAll(".card .pair").length === n - 1, cards);
  check(`mentor end in another process removes the pair within ${LIVE_MS} ms (${ms2} ms)`, ms2 >= 0 && ms2 <= LIVE_MS);
  const left = await page.$$eval(".card .pair", ps => ps.map(p => p.querySelector("strong").textContent));
  check("... the ended pair's mentee is no longer listed", !left.includes(person(gone.mentee).name), left.join(", "));
  // The server keeps /api/people's answer until the database changes: a
  // person imported by another process must show at once all the same.
  await open(page, "");
  const before = (await api("/api/people")).length;
  const csv = path.join(work, "newcomer.csv");
  fs.writeFileSync(csv, "id,name,email,role\nZ999,Newcomer Browsertest,z999@example.org,aide\n");
  const ms3 = await liveChange(page, ["people", "import", csv],
    n => / of (\d+)/.test(document.querySelector(".grid .stat").textContent) &&
      Number(/ of (\d+)/.exec(document.querySelector(".grid .stat").textContent)[1]) === n, before + 1);
  check(`a person imported in another process is counted on the overview within ${LIVE_MS} ms (${ms3} ms)`, ms3 >= 0 && ms3 <= LIVE_MS);
  const people = await api("/api/people");
  check("... and /api/people lists them", people.some(p => p.id === "Z999" && p.name === "Newcomer Browsertest"),
    `${people.length} people`);
  const bars = await page.$$eval('svg[aria-label="leadership roles per person"] g.bar', gs => gs.map(g => g.dataset.id));
  check("the overview still draws after the changes", bars.length > 0);
}

main().then(() => {
  console.log(`${passed} passed, ${failed} failed`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}, e => {
  console.log(`FAIL ${e.stack || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
