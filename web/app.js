// baton serve: the dashboard. Plain JavaScript, no framework, no network
// beyond this server. Every value from the data is set as text (never as
// HTML), so a name in the roster cannot inject markup.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const COLORS = { mentor: "var(--mentor)", rota: "var(--rota)", change: "var(--change)", group: "var(--group)" };
const KINDS = [["mentor", "mentors"], ["rota", "rotating roles held"], ["change", "change steps owned"], ["group", "group leads"]];

// el("div", {class: "x"}, child, "text", ...): an element; svg() the same in SVG.
function el(tag, attrs, ...kids) { return build(document.createElement(tag), attrs, kids); }
function svg(tag, attrs, ...kids) { return build(document.createElementNS(SVGNS, tag), attrs, kids); }
function build(node, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false)
    node.append(kid instanceof Node ? kid : String(kid));
  return node;
}

// Replaces a node's children; arrays are flattened, null and false skipped.
function show(node, ...kids) {
  node.replaceChildren(...kids.flat(2).filter(k => k !== null && k !== undefined && k !== false));
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error((body && body.error && body.error.message) || r.status + " " + r.statusText);
  return body;
}
// The same, but a practice that is missing or fails gives `fallback`.
async function maybe(path, fallback) { try { return await api(path); } catch (e) { return fallback; } }

// "T006 Hiroshi Tanaka" (as practice commands print people) -> id and name.
function person(s) { const m = /^(\S+)\s+(.*)$/.exec(s || ""); return m ? { id: m[1], name: m[2] } : { id: s, name: s }; }

// ---- overview: who leads what -------------------------------------------

async function overview(main) {
  const [people, groups, pairs, plans, change] = await Promise.all([
    api("/api/people"), api("/api/groups"), maybe("/api/mentoring/pairs", []),
    maybe("/api/rotation/plans", {}), maybe("/api/change/status", [])]);
  const names = new Map(people.map(p => [p.id, p.name]));
  const roles = new Map(people.map(p => [p.id, p.role || ""]));
  const count = new Map();
  const add = (id, kind) => {
    if (!id) return;
    if (!count.has(id)) count.set(id, { mentor: 0, rota: 0, change: 0, group: 0 });
    count.get(id)[kind]++;
  };
  for (const p of pairs) add(person(p.mentor).id, "mentor");
  for (const rows of Object.values(plans)) for (const a of rows) add(a.person, "rota");
  for (const ini of change) for (const s of ini.steps || []) for (const o of s.owners || []) add(o, "change");
  for (const g of groups) for (const m of g.members || [])
    if (/lead|chair|facilitat|coordinat/i.test(m.role_in_group || "")) add(m.id, "group");

  const rows = [...count.entries()].map(([id, c]) => ({ id, c, total: c.mentor + c.rota + c.change + c.group }))
    .sort((a, b) => b.total - a.total || (names.get(a.id) || a.id).localeCompare(names.get(b.id) || b.id));
  const byRole = new Map();
  for (const r of rows) { const k = roles.get(r.id) || "other"; byRole.set(k, (byRole.get(k) || 0) + 1); }

  show(main, 
    el("h2", {}, "Who leads what"),
    el("div", { class: "grid" },
      el("div", { class: "card" }, el("div", { class: "stat" }, rows.length, " of ", people.length),
        el("div", { class: "muted" }, "people hold at least one leadership role")),
      el("div", { class: "card" }, el("div", { class: "stat" }, byRole.size),
        el("div", { class: "muted" }, "staff roles among them: ", [...byRole.keys()].sort().join(", ") || "none yet")),
      el("div", { class: "card" }, el("div", { class: "stat" }, pairs.length, " · ", Object.keys(plans).length, " · ", change.length),
        el("div", { class: "muted" }, "mentoring pairs · groups with a rota · change initiatives"))),
    el("div", { class: "card" },
      el("h3", {}, "Leadership roles per person"),
      el("div", { class: "legend" }, KINDS.map(([k, label]) => el("span", {}, el("i", { style: "background:" + COLORS[k] }), label))),
      rows.length ? barChart(rows, names) : el("p", { class: "muted" }, "Nobody holds a role yet: run a practice (baton mentor match --save, baton rota plan --save, baton change new).")));
}

// Charts are drawn at the page's own pixel width and text size (measured),
// so their labels stay readable on a phone and grow in large-text mode.
function metrics() {
  const em = parseFloat(getComputedStyle(document.body).fontSize) || 16;
  const main = document.getElementById("main");
  // The card's padding and border: 2em of the body text and 2px.
  return { em, width: Math.max(280, Math.round(main.clientWidth - 2 * parseFloat(getComputedStyle(main).paddingLeft) - 2 * em - 2)) };
}
// About the width of `s` in the chart's font.
function textWidth(s, fs) { return String(s).length * fs * 0.56; }

// A horizontal stacked bar per person.
function barChart(rows, names) {
  const { em, width } = metrics();
  const fs = Math.round(em * 0.875), bar = Math.round(fs * 1.55), gap = Math.round(fs * 0.45);
  const left = Math.min(width * 0.45, Math.max(...rows.map(r => textWidth(names.get(r.id) || r.id, fs))) + fs);
  const max = Math.max(...rows.map(r => r.total));
  const unit = (width - left - 3 * fs) / max;
  const h = rows.length * (bar + gap) + gap;
  const g = svg("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": "leadership roles per person" });
  rows.forEach((r, i) => {
    const y = i * (bar + gap);
    const row = svg("g", { class: "bar", "data-id": r.id });
    row.append(svg("text", { x: left - fs / 2, y: y + bar * 0.72, "text-anchor": "end", "font-size": fs, class: "name" }, names.get(r.id) || r.id));
    let x = left;
    for (const [k, label] of KINDS) {
      const n = r.c[k];
      if (!n) continue;
      row.append(svg("rect", { x, y, width: n * unit, height: bar, rx: 3, fill: COLORS[k], "data-kind": k }, svg("title", {}, `${n} ${label}`)));
      x += n * unit;
    }
    row.append(svg("text", { x: x + fs / 2, y: y + bar * 0.72, "font-size": fs, class: "total" }, r.total));
    g.append(row);
  });
  return g;
}

// ---- mentoring: pairs, reasons, a network --------------------------------

async function mentoring(main) {
  const pairs = await api("/api/mentoring/pairs").catch(e => ({ error: e.message }));
  if (pairs.error) return show(main, el("h2", {}, "Mentoring"), el("p", { class: "error" }, pairs.error));
  const list = el("div", {}, pairs.map(p => el("div", { class: "card" },
    el("div", { class: "pair" }, el("b", {}, person(p.mentor).name), "mentors", el("strong", {}, person(p.mentee).name),
      el("span", { class: "muted" }, "since ", p.started), el("span", { class: "score" }, "score ", p.score)),
    el("p", { class: "reasons" }, p.reasons || ""))));
  show(main, el("h2", {}, "Mentoring pairs"),
    pairs.length ? el("div", { class: "card" }, el("h3", {}, "Network"), network(pairs))
      : el("p", { class: "muted" }, "No active pairs: baton mentor match --save makes them."),
    list);
}

// Mentors on the left, mentees on the right, a line per pair.
function network(pairs) {
  const mentors = [...new Set(pairs.map(p => p.mentor))], mentees = [...new Set(pairs.map(p => p.mentee))];
  const { em, width: w } = metrics();
  const fs = Math.round(em * (w < 500 ? 0.8 : 0.95)), rowH = Math.round(fs * 2.2);
  const h = Math.max(mentors.length, mentees.length) * rowH + rowH;
  const widest = list => Math.max(...list.map(m => textWidth(person(m).name, fs)));
  const x1 = Math.min(w * 0.4, widest(mentors) + fs * 1.5), x2 = Math.max(w * 0.6, w - widest(mentees) - fs * 1.5);
  const mid = (x1 + x2) / 2;
  const ym = (i, n) => rowH + i * rowH + (h - rowH - n * rowH) / 2;
  const g = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": "mentoring network" });
  for (const p of pairs) {
    const a = ym(mentors.indexOf(p.mentor), mentors.length), b = ym(mentees.indexOf(p.mentee), mentees.length);
    g.append(svg("path", { d: `M ${x1} ${a} C ${mid} ${a}, ${mid} ${b}, ${x2} ${b}`,
      stroke: "var(--mentor)", "stroke-width": 1 + (p.score || 0) / 2, fill: "none", opacity: .6 }, svg("title", {}, p.reasons || "")));
  }
  mentors.forEach((m, i) => { const y = ym(i, mentors.length);
    g.append(svg("circle", { cx: x1, cy: y, r: fs / 2, fill: "var(--mentor)" }),
      svg("text", { x: x1 - fs, y: y + fs / 3, "text-anchor": "end", "font-size": fs, class: "mentor" }, person(m).name)); });
  mentees.forEach((m, i) => { const y = ym(i, mentees.length);
    g.append(svg("circle", { cx: x2, cy: y, r: fs / 2, fill: "var(--group)" }),
      svg("text", { x: x2 + fs, y: y + fs / 3, "font-size": fs, class: "mentee" }, person(m).name)); });
  return g;
}

// ---- rotation: a calendar grid per group ---------------------------------

async function rotation(main) {
  const plans = await api("/api/rotation/plans").catch(e => ({ error: e.message }));
  if (plans.error) return show(main, el("h2", {}, "Rotation"), el("p", { class: "error" }, plans.error));
  const groups = Object.keys(plans).sort();
  show(main, el("h2", {}, "Rotating roles"),
    groups.length ? null : el("p", { class: "muted" }, "No saved rota: baton rota plan --group NAME ... --save makes one."),
    groups.map(name => {
      const rows = plans[name];
      const roles = [...new Set(rows.map(r => r.role))].sort();
      const dates = new Map();
      for (const r of rows) {
        const d = r.date || "";
        if (!dates.has(d)) dates.set(d, { past: !!r.past, by: {} });
        dates.get(d).by[r.role] = r.name || r.person;
      }
      const sorted = [...dates.keys()].sort();
      return el("div", { class: "card" }, el("h3", {}, name),
        el("div", { class: "scroll" }, el("table", {},
          el("thead", {}, el("tr", {}, el("th", {}, "Meeting"), roles.map(r => el("th", {}, r)))),
          el("tbody", {}, sorted.map(d => el("tr", { class: dates.get(d).past ? "past" : "" },
            el("td", {}, weekday(d), " ", d), roles.map(r => el("td", {}, dates.get(d).by[r] || "—"))))))));
    }));
}

function weekday(d) {
  const t = new Date(d + "T12:00:00");
  return isNaN(t) ? "" : t.toLocaleDateString(undefined, { weekday: "short" });
}

// ---- change: chevrons and the evidence timeline --------------------------

const STATUS = { done: "var(--done)", in_progress: "var(--progress)", stalled: "var(--stalled)",
  needs_renewal: "var(--stalled)", not_started: "var(--todo)" };

async function change(main) {
  const [inis, events] = await Promise.all([api("/api/change/status").catch(e => ({ error: e.message })),
    maybe("/api/events?kind=change.evidence", [])]);
  if (inis.error) return show(main, el("h2", {}, "Change"), el("p", { class: "error" }, inis.error));
  show(main, el("h2", {}, "Change initiatives"),
    inis.length ? el("div", { class: "legend" }, Object.entries(STATUS).slice(0, 4).concat([["not started", STATUS.not_started]])
      .map(([k, c]) => el("span", {}, el("i", { style: "background:" + c }), k.replace("_", " "))))
      : el("p", { class: "muted" }, "No initiative yet: baton change new TITLE starts one."),
    inis.map(ini => {
      const ev = events.filter(e => e.subject === ini.slug && e.data && e.data.evidence)
        .map(e => e.data.evidence).sort((a, b) => (b.date || "").localeCompare(a.date || ""));
      return el("div", { class: "card" },
        el("h3", {}, ini.title, " ", el("span", { class: "muted" }, `(${ini.done || 0} of 8 steps done, ${ini.mode})`)),
        el("div", { class: "scroll" }, chevrons(ini.steps || [])),
        (ini.warnings || []).map(w => el("p", { class: "warn" }, "⚠ ", w.message)),
        el("h3", {}, "Evidence"),
        ev.length ? el("ol", { class: "timeline" }, ev.map(e => el("li", {}, el("time", {}, e.date), `step ${e.step}: `, e.text)))
          : el("p", { class: "muted" }, "No evidence recorded yet."));
    }));
}

// The eight steps as chevrons coloured by status, the owners (in full, one a
// line) under each; 8, 4, 2 or 1 to a row, as many as fit at the page's
// text size (shrunk to 85% at most), so that large text on a projector
// and a phone wrap them rather than shrink them.
const CHEVRON = { w: 140, h: 70, tip: 16, line: 15 };

function chevrons(steps) {
  const { w, h, tip, line } = CHEVRON;
  const owners = Math.max(1, ...steps.map(s => (s.owner_names || []).length));
  const { em, width } = metrics(), k = em / 16;
  const perRow = [8, 4, 2, 1].find(n => (n * (w + 4) + tip) * k * 0.85 <= width) || 1;
  const rowH = h + 20 + owners * line, rows = Math.ceil(steps.length / perRow);
  const vw = Math.min(steps.length, perRow) * (w + 4) + tip, vh = rows * rowH - 8;
  const g = svg("svg", { class: "chevrons", viewBox: `0 0 ${vw} ${vh}`, width: Math.round(vw * k), role: "img", "aria-label": "the eight steps" });
  steps.forEach((s, i) => g.append(chevron(s, (i % perRow) * (w + 4), Math.floor(i / perRow) * rowH)));
  return g;
}

function chevron(s, x, y) {
  const { w, h, tip, line } = CHEVRON;
  const step = svg("g", { class: "step", "data-step": s.step, "data-status": s.status, transform: `translate(0 ${y})` });
  // White on the strong colours, dark on the pale "not started".
  const ink = `fill:${STATUS[s.status] && s.status !== "not_started" ? "#fff" : "var(--fg)"}`;
  step.append(svg("polygon", { points: `${x},0 ${x + w},0 ${x + w + tip},${h / 2} ${x + w},${h} ${x},${h} ${x + tip},${h / 2}`,
    fill: STATUS[s.status] || "var(--todo)" }, svg("title", {}, `${s.step}. ${s.name}: ${s.status.replace("_", " ")}`)));
  step.append(svg("text", { x: x + tip + 6, y: 24, "font-size": 15, "font-weight": 700, style: ink }, s.step));
  const words = s.name.split(" ");
  const half = Math.ceil(words.length / 2);
  step.append(svg("text", { x: x + tip + 6, y: 43, "font-size": 12, style: ink }, words.slice(0, half).join(" ")));
  step.append(svg("text", { x: x + tip + 6, y: 58, "font-size": 12, style: ink }, words.slice(half).join(" ")));
  (s.owner_names || []).forEach((name, i) =>
    step.append(svg("text", { x: x + tip, y: h + 4 + (i + 1) * line, "font-size": 12, class: "owner" }, name)));
  return step;
}

// ---- the shell: routes, large text, live updates -------------------------

const PAGES = { "": overview, mentoring, rotation, change };
let rendering = false, again = false;

async function render() {
  if (rendering) { again = true; return; }
  rendering = true;
  const name = location.hash.replace(/^#\/?/, "");
  const page = PAGES[name] || overview;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.getAttribute("href") === "#/" + name);
  const main = document.getElementById("main");
  try {
    await page(main);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    show(main, el("p", { class: "error" }, "Could not load this page: ", e.message));
  }
  rendering = false;
  if (again) { again = false; render(); }
}

function setLarge(on) {
  document.body.classList.toggle("large", on);
  document.getElementById("large").setAttribute("aria-pressed", on ? "true" : "false");
  try { localStorage.setItem("baton.large", on ? "1" : ""); } catch (e) { /* private mode */ }
}

// Plugins that failed to load, or to reload after an edit (their last good
// version still runs): a banner above every page, so a district IT person
// editing a plugin sees the error where they look.
async function pluginErrors() {
  const box = document.getElementById("plugin-errors");
  const list = await maybe("/api/plugins", []);
  const bad = list.filter(p => p.reload_error || (p.state === "failed" && p.error));
  box.hidden = bad.length === 0;
  show(box, ...bad.map(p => el("p", {},
    el("strong", {}, p.name), p.reload_error ? " failed to reload; its last good version is running: " : " failed to load: ",
    el("code", {}, p.reload_error || p.error))));
}

function live() {
  const dot = document.getElementById("live");
  const es = new EventSource("/api/events/stream");
  es.addEventListener("hello", () => { dot.textContent = "live"; dot.classList.add("on"); });
  es.addEventListener("change", () => render());
  es.addEventListener("plugins", () => { pluginErrors(); render(); });
  es.onerror = () => { dot.textContent = "reconnecting"; dot.classList.remove("on"); };
}

window.addEventListener("hashchange", render);
// The charts are drawn for the page's width: draw them again when it changes.
let lastWidth = innerWidth, resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (innerWidth !== lastWidth) { lastWidth = innerWidth; render(); } }, 250);
});
document.getElementById("large").addEventListener("click", () => { setLarge(!document.body.classList.contains("large")); render(); });
try { setLarge(localStorage.getItem("baton.large") === "1" || /[?&]large\b/.test(location.search)); } catch (e) { /* */ }
render();
pluginErrors();
// ?live=0 leaves the event stream closed: for headless screenshots, whose
// virtual clock waits for every open request.
if (!/[?&]live=0\b/.test(location.search)) live();
