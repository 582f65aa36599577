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

// A horizontal stacked bar per person.
function barChart(rows, names) {
  const bar = 22, gap = 6, left = 190, width = 900;
  const max = Math.max(...rows.map(r => r.total));
  const unit = (width - left - 40) / max;
  const h = rows.length * (bar + gap) + 24;
  const g = svg("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": "leadership roles per person" });
  rows.forEach((r, i) => {
    const y = i * (bar + gap);
    g.append(svg("text", { x: left - 8, y: y + bar * 0.72, "text-anchor": "end", "font-size": 14 }, names.get(r.id) || r.id));
    let x = left;
    for (const [k, label] of KINDS) {
      const n = r.c[k];
      if (!n) continue;
      g.append(svg("rect", { x, y, width: n * unit, height: bar, rx: 3, fill: COLORS[k] }, svg("title", {}, `${n} ${label}`)));
      x += n * unit;
    }
    g.append(svg("text", { x: x + 6, y: y + bar * 0.72, "font-size": 13 }, r.total));
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
  const rowH = 34, h = Math.max(mentors.length, mentees.length) * rowH + 20, w = 900;
  const ym = (i, n) => 20 + i * rowH + (h - 20 - n * rowH) / 2;
  const g = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": "mentoring network" });
  for (const p of pairs) {
    const a = mentors.indexOf(p.mentor), b = mentees.indexOf(p.mentee);
    g.append(svg("path", { d: `M 260 ${ym(a, mentors.length)} C 450 ${ym(a, mentors.length)}, 450 ${ym(b, mentees.length)}, 640 ${ym(b, mentees.length)}`,
      stroke: "var(--mentor)", "stroke-width": 1 + (p.score || 0) / 2, fill: "none", opacity: .6 }, svg("title", {}, p.reasons || "")));
  }
  mentors.forEach((m, i) => { const y = ym(i, mentors.length);
    g.append(svg("circle", { cx: 260, cy: y, r: 7, fill: "var(--mentor)" }), svg("text", { x: 248, y: y + 5, "text-anchor": "end", "font-size": 15 }, person(m).name)); });
  mentees.forEach((m, i) => { const y = ym(i, mentees.length);
    g.append(svg("circle", { cx: 640, cy: y, r: 7, fill: "var(--group)" }), svg("text", { x: 652, y: y + 5, "font-size": 15 }, person(m).name)); });
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

function chevrons(steps) {
  const w = 140, h = 70, tip = 16;
  const g = svg("svg", { class: "chevrons", viewBox: `0 0 ${steps.length * (w + 4) + tip} ${h + 36}`, role: "img", "aria-label": "the eight steps" });
  steps.forEach((s, i) => {
    const x = i * (w + 4);
    g.append(svg("polygon", { points: `${x},0 ${x + w},0 ${x + w + tip},${h / 2} ${x + w},${h} ${x},${h} ${x + tip},${h / 2}`,
      fill: STATUS[s.status] || "var(--todo)" }, svg("title", {}, `${s.step}. ${s.name}: ${s.status.replace("_", " ")}`)));
    g.append(svg("text", { x: x + tip + 6, y: 26, "font-size": 15, "font-weight": 700, fill: "#fff" }, s.step));
    const words = s.name.split(" ");
    const half = Math.ceil(words.length / 2);
    g.append(svg("text", { x: x + tip + 6, y: 44, "font-size": 11, fill: "#fff" }, words.slice(0, half).join(" ")));
    g.append(svg("text", { x: x + tip + 6, y: 58, "font-size": 11, fill: "#fff" }, words.slice(half).join(" ")));
    g.append(svg("text", { x: x + tip, y: h + 20, "font-size": 12 }, (s.owner_names || []).join(", ").slice(0, 22)));
  });
  return g;
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

function live() {
  const dot = document.getElementById("live");
  const es = new EventSource("/api/events/stream");
  es.addEventListener("hello", () => { dot.textContent = "live"; dot.classList.add("on"); });
  es.addEventListener("change", () => render());
  es.onerror = () => { dot.textContent = "reconnecting"; dot.classList.remove("on"); };
}

window.addEventListener("hashchange", render);
document.getElementById("large").addEventListener("click", () => setLarge(!document.body.classList.contains("large")));
try { setLarge(localStorage.getItem("baton.large") === "1" || /[?&]large\b/.test(location.search)); } catch (e) { /* */ }
render();
// ?live=0 leaves the event stream closed: for headless screenshots, whose
// virtual clock waits for every open request.
if (!/[?&]live=0\b/.test(location.search)) live();
