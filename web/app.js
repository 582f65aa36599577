// baton serve: the dashboard. Plain JavaScript, no framework, no network
// beyond this server. It knows no practice: the navigation, the pages and
// the forms come from the plugins present (/api/plugins, each page's data
// route, /api/commands). Every value from the data is set as text (never
// as HTML), so a name in the roster cannot inject markup.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
// Colours of a chart's series (a bar's segments, a network's groups), in order.
// Ten colours, so the practices of a school's overview each have their own.
const PALETTE = ["var(--c1)", "var(--c2)", "var(--c3)", "var(--c4)", "var(--c5)", "var(--c6)",
  "var(--c7)", "var(--c8)", "var(--c9)", "var(--c10)"];

// el("div", {class: "x"}, child, "text", ...): an element; svg() the same in
// SVG. `style` goes through the CSSOM, which the page's CSP allows (a style
// attribute it does not).
function el(tag, attrs, ...kids) { return build(document.createElement(tag), attrs, kids); }
function svg(tag, attrs, ...kids) { return build(document.createElementNS(SVGNS, tag), attrs, kids); }
function build(node, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(2)) if (kid !== null && kid !== undefined && kid !== false)
    node.append(kid instanceof Node ? kid : String(kid));
  return node;
}

// Replaces a node's children; arrays are flattened, null and false skipped.
function show(node, ...kids) {
  node.replaceChildren(...kids.flat(2).filter(k => k !== null && k !== undefined && k !== false));
}

// GET (or `init`) path as JSON. Throws an Error with the server's message
// and `status` (0 when the server could not be reached).
async function api(path, init) {
  let r;
  try {
    r = await fetch(path, { ...init, headers: { Accept: "application/json", ...(init && init.headers) } });
  } catch (e) {
    throw Object.assign(new Error("baton serve cannot be reached: is it still running?"), { status: 0 });
  }
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const err = new Error((body && body.error && body.error.message) || r.status + " " + r.statusText);
    throw Object.assign(err, { status: r.status, body });
  }
  return body;
}
// The same, but a route that is missing or fails gives `fallback`.
async function maybe(path, fallback) { try { return await api(path); } catch (e) { return fallback; } }

const isObject = v => v !== null && typeof v === "object" && !Array.isArray(v);
// A value of the data as one line of text.
function fmt(v) {
  if (v === null || v === undefined) return "";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) return v.map(fmt).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// ---- what the dashboard knows: who asks, the plugins, their commands -----

const state = {
  me: null,        // /api/me, or null where the server has no sign-in
  plugins: [],     // /api/plugins
  commands: null,  // /api/commands (null: not fetched yet; [] where missing)
  commandsMissing: false,
  lists: { people: null, groups: null }, // for the forms' choices
  school: "",      // the school's name (/api/health), or ""
  demo: false,     // the database is a demo's (/api/health): the trainer may reset it
};

async function loadMe() {
  try {
    state.me = await api("/api/me");
  } catch (e) {
    state.me = null; // 404: a baton without sign-in; anyone here may read
  }
  drawWho();
}

// A coordinator, or anyone where the server has no sign-in (it decides).
const coordinator = () => !state.me || state.me.role === "coordinator";
const canSee = page => page.access !== "coordinator" || coordinator();

async function loadPlugins() {
  state.plugins = await maybe("/api/plugins", state.plugins);
  drawNav();
  drawPluginErrors();
}

async function loadCommands() {
  try {
    state.commands = await api("/api/commands");
    state.commandsMissing = false;
  } catch (e) {
    state.commands = [];
    state.commandsMissing = e.status === 404;
    if (e.status !== 404) throw e;
  }
  return state.commands;
}

// The people and groups the forms offer (datalists outside <main>, shared
// by every form, so refreshing them never touches what is typed).
async function loadLists(force) {
  const want = [["people", "/api/people", p => [p.id, p.name]], ["groups", "/api/groups", g => [g.name, g.kind || ""]]];
  await Promise.all(want.map(async ([k, path, pick]) => {
    if (state.lists[k] && !force) return;
    const rows = await maybe(path, null);
    if (!rows) return;
    state.lists[k] = rows;
    const list = document.getElementById("baton-" + k);
    show(list, rows.map(r => { const [value, label] = pick(r); return el("option", { value }, label); }));
  }));
}

// ---- the header: navigation, who is signed in, plugin errors -------------

function drawNav() {
  const nav = document.getElementById("nav");
  const links = [el("a", { href: "#/", "data-route": "" }, "Overview")];
  for (const p of state.plugins) {
    if (p.state === "failed") continue;
    for (const page of p.pages || []) {
      if (!canSee(page)) continue;
      // An html page is the plugin's own page: the browser opens it.
      links.push(page.html
        ? el("a", { href: page.html, class: "html-page", "data-plugin": p.name, "data-page": page.name }, page.title)
        : el("a", { href: `#/${p.name}/${page.name}`, "data-route": `${p.name}/${page.name}`,
          "data-plugin": p.name, "data-page": page.name }, page.title));
    }
  }
  links.push(el("a", { href: "#/commands", "data-route": "commands" }, "Commands"));
  show(nav, links);
  markNav();
}

function markNav() {
  const route = location.hash.replace(/^#\/?/, "");
  for (const a of document.querySelectorAll("#nav a")) {
    const on = a.dataset.route !== undefined && a.dataset.route === route;
    a.classList.toggle("active", on);
    if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

function drawWho() {
  const who = document.getElementById("who");
  const me = state.me;
  if (!me) return show(who); // no sign-in on this server
  if (!me.role) return show(who, el("a", { href: "/signin", class: "signin" }, "Sign in"));
  // Sign-out is a plain form post (the host's own page answers it).
  show(who,
    el("span", { class: "me" }, me.name || me.person || "signed in", el("span", { class: "role" }, me.role)),
    el("form", { method: "post", action: "/signout", class: "signout" },
      me.csrf ? el("input", { type: "hidden", name: "csrf", value: me.csrf }) : null,
      el("button", { type: "submit" }, "Sign out")));
}

// Plugins that failed to load, or to reload after an edit (their last good
// version still runs): a banner above every page, so a district IT person
// editing a plugin sees the error where they look.
function drawPluginErrors() {
  const box = document.getElementById("plugin-errors");
  const bad = state.plugins.filter(p => p.reload_error || (p.state === "failed" && p.error));
  box.hidden = bad.length === 0;
  show(box, bad.map(p => el("p", {},
    el("strong", {}, p.name), p.reload_error ? " failed to reload; its last good version is running: " : " failed to load: ",
    el("code", {}, p.reload_error || p.error))));
}

// ---- charts: drawn at the page's pixel width and text size ----------------

// The width a card's content has, and the text size (measured), so chart
// labels stay readable on a phone and grow in large-text mode.
function metrics() {
  const em = parseFloat(getComputedStyle(document.body).fontSize) || 16;
  const main = document.getElementById("main");
  // The card's padding and border: 2em of the body text and 2px.
  return { em, width: Math.max(280, Math.round(main.clientWidth - 2 * parseFloat(getComputedStyle(main).paddingLeft) - 2 * em - 2)) };
}
// About the width of `s` in the chart's font.
function textWidth(s, fs) { return String(s).length * fs * 0.56; }
// s cut to about px wide, with an ellipsis when it was cut.
function fit(s, px, fs) {
  const n = Math.max(1, Math.floor(px / (fs * 0.56)));
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

// A chart's legend: what each colour counts; `lead` says what they count
// in (a unit), before the items.
function legend(items, lead) {
  return el("div", { class: "legend" }, lead ? el("strong", { class: "lead" }, lead) : null,
    items.map(([label, colour, title]) => el("span", { title }, el("i", { style: "background:" + colour, "aria-hidden": "true" }), label)));
}

// ---- large mode (a projector): one idea per screen ------------------------

const isLarge = () => document.body.classList.contains("large");
// Lists cut to their top N in large mode that a person opened in full
// (by the block's key), kept while the page shows.
const expanded = new Set();
const TOP = { bars: 8, table: 8 };
// rows cut to the first n in large mode (unless opened in full), and the
// button that opens or closes the rest.
function topN(key, rows, n) {
  if (!isLarge() || rows.length <= n + 2) return { rows, more: null };
  const open = expanded.has(key);
  return { rows: open ? rows : rows.slice(0, n),
    more: el("button", { type: "button", class: "show-all", "data-key": key, "aria-expanded": open ? "true" : "false" },
      open ? `Show the top ${n}` : `Show all ${rows.length}`) };
}
document.addEventListener("click", e => {
  const b = e.target.closest && e.target.closest("button.show-all");
  if (!b) return;
  if (expanded.has(b.dataset.key)) expanded.delete(b.dataset.key); else expanded.add(b.dataset.key);
  render(true).then(() => {
    const again = document.querySelector(`button.show-all[data-key="${CSS.escape(b.dataset.key)}"]`);
    if (again) again.focus();
  });
});

// A block's card: its title and caption around the view.
function card(block, ...body) {
  return el("div", { class: "card" }, block.title ? el("h3", {}, block.title) : null,
    block.caption ? el("p", { class: "caption muted" }, block.caption) : null, body);
}

// bars: a horizontal stacked bar per row, a segment per series.
// rows: [{label, id?, values: {KEY: n}}], in the order given.
function barsChart(series, rows, name) {
  const { em, width } = metrics();
  const fs = Math.round(em * 0.875), bar = Math.round(fs * 1.55), gap = Math.round(fs * 0.45);
  const total = r => series.reduce((t, s) => t + (Number(r.values && r.values[s.key]) || 0), 0);
  const left = Math.min(width * 0.45, Math.max(...rows.map(r => textWidth(fmt(r.label), fs))) + fs);
  const max = Math.max(1, ...rows.map(total));
  const unit = (width - left - 3 * fs) / max;
  const h = rows.length * (bar + gap) + gap;
  const g = svg("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": name, class: "bars" });
  rows.forEach((r, i) => {
    const y = i * (bar + gap);
    const name = fmt(r.label), shown = fit(name, left - fs / 2, fs);
    // A name too long for the chart is cut; the row's title has it whole.
    const row = svg("g", { class: "bar", "data-id": r.id, "data-label": name }, shown !== name ? svg("title", {}, name) : null);
    row.append(svg("text", { x: left - fs / 2, y: y + bar * 0.72, "text-anchor": "end", "font-size": fs, class: "name" }, shown));
    let x = left;
    series.forEach((s, k) => {
      const n = Number(r.values && r.values[s.key]) || 0;
      if (n <= 0) return;
      row.append(svg("rect", { x, y, width: n * unit, height: bar, rx: 3, fill: PALETTE[k % PALETTE.length], "data-series": s.key },
        svg("title", {}, `${n} ${fmt(s.label || s.key)}`)));
      x += n * unit;
    });
    row.append(svg("text", { x: x + fs / 2, y: y + bar * 0.72, "font-size": fs, class: "total" }, total(r)));
    g.append(row);
  });
  return g;
}

// A bar chart's numbers as a table (its text alternative), folded away.
function barsTable(series, rows, caption) {
  const cols = [{ key: "label", label: "Name" }, ...series.map((x, k) => ({ key: "s" + k, label: fmt(x.label || x.key) })),
    { key: "total", label: "Total" }];
  return el("details", { class: "alt" }, el("summary", {}, "The numbers as a table"),
    table(cols, rows.map(r => {
      const row = { label: fmt(r.label), total: 0 };
      series.forEach((x, k) => { row["s" + k] = Number(r.values && r.values[x.key]) || 0; row.total += row["s" + k]; });
      return row;
    }), caption));
}

// network: nodes that start a link on the left, the others on the right,
// a curve per link (titled with its label); nodes coloured by group.
function networkChart(nodes, links, name, heads) {
  const byId = new Map(nodes.map(n => [String(n.id), n]));
  const sources = new Set(links.map(l => String(l.source)));
  const left = nodes.filter(n => sources.has(String(n.id))), right = nodes.filter(n => !sources.has(String(n.id)));
  const groups = [...new Set(nodes.map(n => fmt(n.group)))];
  const colour = n => PALETTE[groups.indexOf(fmt(n.group)) % PALETTE.length];
  const label = n => fmt(n.label !== undefined && n.label !== null ? n.label : n.id);
  const { em, width: w } = metrics();
  const fs = Math.round(em * (w < 500 ? 0.8 : 0.95)), rowH = Math.round(fs * 2.2);
  const h = Math.max(left.length, right.length, 1) * rowH + rowH;
  const widest = list => Math.max(0, ...list.map(n => textWidth(label(n), fs)));
  const x1 = Math.min(w * 0.4, widest(left) + fs * 1.5), x2 = Math.max(w * 0.6, w - widest(right) - fs * 1.5);
  const mid = (x1 + x2) / 2;
  const pos = new Map();
  const place = (list, x) => list.forEach((n, i) =>
    pos.set(String(n.id), { x, y: rowH + i * rowH + (h - rowH - list.length * rowH) / 2 }));
  place(left, x1);
  place(right, x2);
  const g = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": name, class: "network" });
  // The columns' names (mentors, mentees), above them.
  if (heads && heads[0]) g.append(svg("text", { x: x1 - fs, y: fs * 1.1, "text-anchor": "end", "font-size": fs, "font-weight": 700, class: "head" }, heads[0]));
  if (heads && heads[1]) g.append(svg("text", { x: x2 + fs, y: fs * 1.1, "font-size": fs, "font-weight": 700, class: "head" }, heads[1]));
  for (const l of links) {
    const a = pos.get(String(l.source)), b = pos.get(String(l.target));
    if (!a || !b) continue;
    // Between two nodes of the left column, an arc bulging to the right.
    const c = b.x === a.x ? a.x + (x2 - x1) / 3 : mid;
    g.append(svg("path", { d: `M ${a.x} ${a.y} C ${c} ${a.y}, ${c} ${b.y}, ${b.x} ${b.y}`, class: "link",
      stroke: "var(--accent)", "stroke-width": 2, fill: "none", opacity: .6, "data-source": l.source, "data-target": l.target },
    svg("title", {}, fmt(l.label))));
  }
  for (const [id, p] of pos) {
    const n = byId.get(id), onLeft = p.x === x1, name = label(n);
    const shown = fit(name, onLeft ? x1 - fs : w - x2 - fs, fs);
    g.append(svg("circle", { cx: p.x, cy: p.y, r: fs / 2, fill: colour(n) }, svg("title", {}, name)),
      svg("text", { x: onLeft ? p.x - fs : p.x + fs, y: p.y + fs / 3, "text-anchor": onLeft ? "end" : null, "font-size": fs,
        class: "node", "data-id": id, "data-label": name }, shown));
  }
  return [groups.length > 1 ? legend(groups.map((gname, k) => [gname, PALETTE[k % PALETTE.length]])) : null, g];
}

// The links of a network as a list in two columns, each source with its
// targets and each link's label in words (what a pair shares): the
// network's text, readable by keyboard, touch and screen reader alike.
// heads: what a source and a target are ("mentor", "mentee").
function linkList(nodes, links, heads) {
  const byId = new Map(nodes.map(n => [String(n.id), n]));
  const label = id => { const n = byId.get(String(id)); return fmt(n && n.label !== undefined && n.label !== null ? n.label : id); };
  const from = new Map();
  for (const l of links) {
    const k = String(l.source);
    if (!from.has(k)) from.set(k, []);
    from.get(k).push(l);
  }
  const tag = t => t ? el("span", { class: "tag" }, t) : null;
  return el("ul", { class: "links" }, [...from.entries()].map(([src, ls]) => el("li", { class: "link-source", "data-id": src },
    tag(heads && heads[0]), el("strong", {}, label(src)),
    el("ul", {}, ls.map(l => el("li", { class: "link-target", "data-source": src, "data-target": String(l.target) },
      tag(heads && heads[1]), label(l.target), l.label ? [": ", el("span", { class: "why" }, fmt(l.label))] : null))))));
}

// steps: a row of chevrons, each with its number, name and status in words
// and an icon (never colour alone), the owners (one a line) under each.
// The chevrons fill the card's width at the page's text size: as many to a
// row as leave each at least 8.5em wide (halving: 8, 4, 2, 1 of 8), so
// large text on a projector and a phone wrap them rather than shrink them;
// the labels are at the body's text size.
const STATUS = { "done": "var(--done)", "in-progress": "var(--progress)", "stalled": "var(--stalled)",
  "needs-renewal": "var(--renewal)", "not-started": "var(--todo)" };
const STATUS_ICON = { "done": "✓", "in-progress": "▶", "stalled": "⚠", "needs-renewal": "↻", "not-started": "○" };
const statusWords = status => `${STATUS_ICON[status] || "?"} ${status.replace(/-/g, " ")}`;

// Words of s in lines of at most px wide (the last cut when over `most`).
function wrap(s, px, fs, most) {
  const lines = [];
  for (const word of String(s).split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1;
    if (last >= 0 && textWidth(lines[last] + " " + word, fs) <= px) lines[last] += " " + word;
    else lines.push(word);
  }
  if (lines.length > most) { lines.length = most; lines[most - 1] += " …"; }
  return lines.map(l => fit(l, px, fs));
}

function chevrons(steps) {
  const { em, width } = metrics();
  const fs = em;
  let perRow = Math.max(1, steps.length);
  while (perRow > 1 && width / perRow < 8.5 * em) perRow = Math.ceil(perRow / 2);
  const tip = Math.round(em * 0.8), w = Math.floor((width - tip) / Math.min(perRow, steps.length)) - 3;
  const small = Math.round(em * 0.875), line = Math.round(small * 1.3);
  // Each owner on one line, or two where the chevron is narrow (a name,
  // then the role).
  const ownerLines = o => textWidth(fmt(o), small) <= w ? [fmt(o)] : wrap(fmt(o), w, small, 2);
  const owners = Math.max(1, ...steps.map(s => (s.owners || []).reduce((n, o) => n + ownerLines(o).length, 0)));
  const nameLines = Math.max(1, ...steps.map(s => wrap(s.name, w - 2 * tip - fs * 0.5, fs, 3).length));
  const h = Math.round(fs * 1.25 * (nameLines + 1) + fs * 0.9);
  const rowH = h + Math.round(line * 0.5) + owners * line + Math.round(fs * 0.6);
  const rows = Math.ceil(steps.length / perRow);
  const g = svg("svg", { class: "chevrons", viewBox: `0 0 ${width} ${rows * rowH}`, role: "img",
    "aria-label": "steps and their status: " + steps.map((s, i) => `${i + 1}. ${fmt(s.name)}, ${fmt(s.status) || "not started"}`).join("; ") });
  steps.forEach((s, i) => g.append(chevron(s, i + 1, (i % perRow) * (w + 3), Math.floor(i / perRow) * rowH,
    { w, h, tip, fs, small, line, ownerLines })));
  return g;
}

function chevron(s, n, x, y, { w, h, tip, fs, small, line, ownerLines }) {
  const status = STATUS[fmt(s.status)] ? fmt(s.status) : "not-started";
  const step = svg("g", { class: "step", "data-step": n, "data-status": status, transform: `translate(0 ${y})` });
  // White on the strong colours (each at least 4.5:1), dark on the pale "not started".
  const ink = `fill:${status !== "not-started" ? "#fff" : "var(--fg)"}`;
  step.append(svg("polygon", { points: `${x},0 ${x + w},0 ${x + w + tip},${h / 2} ${x + w},${h} ${x},${h} ${x + tip},${h / 2}`,
    fill: STATUS[status] },
  svg("title", {}, `${n}. ${fmt(s.name)}: ${status.replace(/-/g, " ")}${s.note ? " (" + fmt(s.note) + ")" : ""}`)));
  const tx = x + tip + fs * 0.4, lh = Math.round(fs * 1.25);
  wrap(fmt(s.name), w - 2 * tip - fs * 0.5, fs, 3).forEach((l, k) =>
    step.append(svg("text", { x: tx, y: Math.round(fs * 1.2) + k * lh, "font-size": fs, "font-weight": k === 0 ? 700 : 400,
      class: "name", style: ink }, l)));
  // The status in words at the body's size, a little smaller where a
  // narrow chevron would cut it.
  const words = statusWords(status), room = w - 2 * tip, sfs = textWidth(words, fs) <= room ? fs : small;
  step.append(svg("text", { x: tx, y: h - Math.round(fs * 0.45), "font-size": sfs, class: "status", style: ink },
    fit(words, room, sfs)));
  // An owner too long for the chevron's width is wrapped, then cut (whole
  // on hover).
  let k = 0;
  for (const o of s.owners || []) {
    const name = fmt(o), lines = ownerLines(o);
    const cut = lines.join(" ").replace(/ …$/, "…") !== name;
    step.append(svg("text", { x: x + tip * 0.5, y: h + Math.round(line * 0.3) + (k + 1) * line, "font-size": small, class: "owner",
      "data-owner": name }, lines.map((l, j) => svg("tspan", { x: x + tip * 0.5, dy: j ? line : 0 }, l)),
    cut ? svg("title", {}, name) : null));
    k += lines.length;
  }
  return step;
}

// ---- the blocks of a data page --------------------------------------------

// A table: a column per `columns` entry (or per key of the rows).
// name: what the table is, for its scroll area (reachable by keyboard
// when it scrolls sideways on a phone).
function table(columns, rows, caption, name) {
  const cols = columns || [...new Set(rows.flatMap(r => Object.keys(r)))].map(key => ({ key, label: key }));
  return el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": fmt(name || caption || "table") }, el("table", {},
    caption ? el("caption", {}, caption) : null,
    el("thead", {}, el("tr", {}, cols.map(c => el("th", { scope: "col" }, fmt(c.label || c.key))))),
    el("tbody", {}, rows.map(r => el("tr", {}, cols.map(c => {
      const v = fmt(isObject(r) ? r[c.key] : r);
      // A long text keeps a readable width: on a phone the table scrolls.
      return el("td", { class: v.length > 32 ? "long" : null }, v);
    }))))));
}

const VIEWS = {
  stats: b => el("div", { class: "grid stats" }, (b.items || []).map(i => el("div", { class: "card" },
    el("div", { class: "stat" }, fmt(i.value)), el("div", { class: "label" }, fmt(i.label)),
    i.note ? el("div", { class: "muted" }, fmt(i.note)) : null))),
  table: (b, key) => {
    const { rows, more } = topN(key, b.rows || [], TOP.table);
    return card(b, rows.length ? table(b.columns, rows, null, b.title || b.caption) : el("p", { class: "muted" }, "Nothing to show yet."),
      more);
  },
  bars: (b, key) => {
    const series = b.series || [], name = fmt(b.title || "bar chart") + (b.unit ? " (" + fmt(b.unit) + ")" : "");
    const { rows, more } = topN(key, b.rows || [], TOP.bars);
    return card(b, legend(series.map((s, k) => [fmt(s.label || s.key), PALETTE[k % PALETTE.length]]),
      b.unit ? `Counted in ${fmt(b.unit)}:` : null),
    rows.length ? [barsChart(series, rows, name), more, barsTable(series, b.rows, name)]
      : el("p", { class: "muted" }, "Nothing to show yet."));
  },
  // A network: its links as a list (mentors and their mentees), the
  // picture a click away.
  network: b => {
    const heads = [b.source_label, b.target_label].map(x => x === undefined || x === null ? null : fmt(x));
    return card(b, (b.nodes || []).length ? [linkList(b.nodes, b.links || [], heads),
      el("details", { class: "alt network-picture" }, el("summary", {}, "Show as a network"),
        networkChart(b.nodes, b.links || [], fmt(b.title || "network"), heads.map(x => x && x + "s")))]
      : el("p", { class: "muted" }, "Nothing to show yet."));
  },
  steps: b => card(b, legend(Object.entries(STATUS).map(([k, c]) => [statusWords(k), c]), "Status:"),
    (b.items || []).map(item => el("div", { class: "steps-item" },
      el("h4", {}, fmt(item.title)), item.subtitle ? el("p", { class: "muted" }, fmt(item.subtitle)) : null,
      chevrons(item.steps || []),
      el("details", { class: "alt" }, el("summary", {}, "The steps as a table"),
        table([{ key: "n", label: "#" }, { key: "name", label: "Step" }, { key: "status", label: "Status" },
          { key: "owners", label: "Owners" }, { key: "note", label: "Note" }],
        (item.steps || []).map((s, i) => ({ n: i + 1, name: s.name, status: fmt(s.status || "not-started").replace(/-/g, " "),
          owners: s.owners || [], note: s.note || "" })), fmt(item.title))),
      (item.steps || []).some(s => s.note) ? el("ol", { class: "notes" }, (item.steps || []).map(s =>
        el("li", {}, s.note ? [el("b", {}, fmt(s.name)), " ", fmt(s.note)] : null))) : null))),
  text: b => card(b, el("p", { class: "text" }, fmt(b.text))),
};

// The blocks of a page as sections; a `commands` block holds the forms of
// those commands of the plugin (kept from one drawing to the next).
const blockKey = (block, i) => block && block.view === "commands"
  ? "commands:" + JSON.stringify(block.commands || []) : `${block && block.view}:${i}`;

function blockSection(block, i, plugin) {
  const view = block && block.view;
  const section = el("section", { class: "block", "data-view": view, "data-key": blockKey(block, i) });
  if (view === "commands") {
    const names = (block.commands || []).map(String);
    const mine = names.map(n => (state.commands || []).find(c => c.plugin === plugin.name && c.command === n))
      .filter(Boolean);
    show(section, forms(mine, names));
  } else if (VIEWS[view]) {
    show(section, VIEWS[view](block, plugin.name + ":" + blockKey(block, i)));
  } else {
    show(section, el("p", { class: "warn" }, `This page has a block of view '${fmt(view)}', which this dashboard does not draw `
      + "(views: stats, table, bars, network, steps, text, commands)."));
  }
  return section;
}

async function dataPage(main, plugin, page, refresh) {
  const blocks = await api(page.data).then(b => b && b.blocks);
  if (!Array.isArray(blocks)) throw new Error(`${page.data} answered no list of blocks: a data page answers {"blocks": [...]}`);
  if (blocks.some(b => b && b.view === "commands") && !state.commands) await loadCommands();
  if (blocks.some(b => b && b.view === "commands")) await loadLists();
  // Drawn again on a change: each block is replaced where it stands and
  // the forms stay as they are (not even moved), so what a person types,
  // and where, is kept.
  const old = [...main.querySelectorAll(":scope > section.block")];
  if (refresh && old.length === blocks.length && old.every((s, i) => s.dataset.key === blockKey(blocks[i], i))) {
    old.forEach((s, i) => { if (s.dataset.view !== "commands") s.replaceWith(blockSection(blocks[i], i, plugin)); });
    return;
  }
  show(main, el("h2", {}, page.title), blocks.map((b, i) => blockSection(b, i, plugin)));
}

// ---- the overview: who leads what, summed over the practices --------------

// A notice's link: only a route of this dashboard ("#/...") or an address
// of this server ("/..."); anything else (javascript:, another site) is
// left out and the notice shown as text alone.
const safeLink = l => typeof l === "string" && (/^#\//.test(l) || /^\/(?![\/\\])/.test(l)) ? l : null;

// The notices the plugins declare (`notices` in /api/plugins, their GET
// route answering {notices: [{level, text, link}]}): shown as text at the
// top of the overview; a route that fails is a problem shown like a
// failed leadership route.
async function loadNotices(problems) {
  const declaring = state.plugins.filter(p => typeof p.notices === "string" && p.notices && p.state !== "failed");
  const answers = await Promise.all(declaring.map(p => api(p.notices).catch(e => ({ error: e.message }))));
  const out = [];
  declaring.forEach((p, k) => {
    const a = answers[k];
    if (!a || a.error || !Array.isArray(a.notices)) {
      problems.push(`${p.name}: ${p.notices} ${a && a.error ? "failed: " + a.error : "answered no notices list"}`);
      return;
    }
    for (const n of a.notices) if (n && n.text !== undefined && n.text !== null)
      out.push({ plugin: p.name, level: n.level === "warning" ? "warning" : "info", text: fmt(n.text), link: safeLink(n.link) });
  });
  return out;
}

function noticesView(list) {
  if (!list.length) return null;
  return el("ul", { class: "notices", "aria-label": "notices" }, list.map(n => el("li", { class: "notice " + n.level,
    "data-plugin": n.plugin }, el("span", { class: "level" }, n.level === "warning" ? "⚠ Warning" : "ℹ Note"), " ", el("span", { class: "text" }, n.text),
    n.link ? [" ", el("a", { href: n.link }, "See more")] : null)));
}

// For the trainer: a fresh demo school between two groups of a workshop
// (a coordinator, on a database `baton demo` made; the server checks both).
function trainerReset() {
  if (!state.demo || !state.me || state.me.role !== "coordinator") return null;
  const said = el("p", { class: "muted", role: "status" });
  const button = el("button", { type: "button", class: "reset-demo" }, "Reset the demo school");
  button.addEventListener("click", async () => {
    if (!confirm("Start again from a fresh demo school? Everything done in this demo is lost.")) return;
    button.disabled = true;
    try {
      await api("/api/demo/reset", { method: "POST", headers: { "X-CSRF-Token": state.me.csrf || "" } });
      said.textContent = "Resetting: every page shows the fresh school when it is ready.";
    } catch (e) {
      said.textContent = "The reset failed: " + e.message;
      button.disabled = false;
    }
  });
  return el("div", { class: "card trainer" }, el("h3", {}, "For the trainer"), button, said);
}

let fitted = TOP.bars; // the overview's top bars in large mode, as fitted
async function overview(main) {
  const counting = state.plugins.filter(p => p.leadership && p.state !== "failed");
  const problems = [];
  const [people, answers, notices] = await Promise.all([api("/api/people"),
    Promise.all(counting.map(p => api(p.leadership).catch(e => ({ error: e.message })))), loadNotices(problems)]);
  const names = new Map(people.map(p => [p.id, p.name]));
  const roles = new Map(people.map(p => [p.id, p.role || ""]));
  const series = [], held = new Map();
  counting.forEach((p, k) => {
    const a = answers[k];
    if (!a || a.error || !Array.isArray(a.roles)) {
      problems.push(`${p.name}: ${p.leadership} ${a && a.error ? "failed: " + a.error : "answered no roles list"}`);
      return;
    }
    series.push({ key: p.name, label: fmt(a.label || p.name) });
    for (const r of a.roles) {
      const n = Number(r.count) || 0;
      if (!r.person || n <= 0) continue;
      const id = String(r.person);
      if (!held.has(id)) held.set(id, {});
      held.get(id)[p.name] = (held.get(id)[p.name] || 0) + n;
    }
  });
  const total = v => Object.values(v).reduce((t, n) => t + n, 0);
  const all = [...held.entries()].map(([id, values]) => ({ id, label: names.get(id) || id, values, total: total(values) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  const byRole = new Set(all.map(r => roles.get(r.id) || "other"));
  let empty = null;
  if (!people.length)
    empty = "Nobody is in the staff list yet: run baton people import staff.csv (or baton demo for a sample school).";
  else if (!series.length && !problems.length)
    empty = "No practice here counts leadership roles yet: a plugin declares it with leadership = \"/api/...\" in its plugin.lua.";
  else if (!all.length)
    empty = "Nobody holds a leadership role yet: run a practice's commands (the Commands page, or baton --help in a terminal).";
  const name = "leadership roles per person";
  // The chart and its "show all" button for the top n (large mode; n as
  // fitted to the screen when it was last drawn short).
  const chart = n => {
    fitted = n;
    const { rows, more } = topN("overview:bars", all, n);
    return el("div", { class: "chart" }, barsChart(series, rows, name), more);
  };
  show(main,
    el("h2", {}, "Who leads what"),
    noticesView(notices),
    // A compact row (large mode leaves out the notes).
    el("div", { class: "grid stats" },
      el("div", { class: "card" }, el("div", { class: "stat" }, all.length, " of ", people.length),
        el("div", { class: "label" }, "people lead"), el("div", { class: "muted note" }, "they hold at least one leadership role")),
      el("div", { class: "card" }, el("div", { class: "stat" }, byRole.size),
        el("div", { class: "label" }, "staff roles among them"), el("div", { class: "muted note" }, [...byRole].sort().join(", ") || "none yet")),
      el("div", { class: "card" }, el("div", { class: "stat" }, series.length),
        el("div", { class: "label" }, "practices count leading"), el("div", { class: "muted note" }, series.map(s => s.label).join(", ") || "none"))),
    problems.map(p => el("p", { class: "warn" }, p)),
    el("div", { class: "card" },
      el("h3", {}, "Leadership roles per person"),
      // What a bar adds up: each practice's own count, in its own unit,
      // as the practice says (a rota counts turns already taken, never
      // the turns planned for later).
      el("p", { class: "caption muted" }, "Per person, what each practice counts as leading (a colour each): roles held now "
        + "or turns already taken, never turns planned for later."),
      legend(series.map((s, k) => [s.label, PALETTE[k % PALETTE.length], s.key]), "Each colour counts:"),
      empty ? el("p", { class: "muted empty" }, empty)
        : [chart(expanded.has("overview:bars") ? fitted : TOP.bars), barsTable(series, all, name)]),
    trainerReset());
  // On a projector the top bars fit the first screen: fewer when the
  // screen is short (never under 3).
  const box = main.querySelector(".chart");
  if (box && isLarge() && !expanded.has("overview:bars") && window.scrollY === 0) {
    const bars = box.querySelectorAll("g.bar"), over = box.getBoundingClientRect().bottom - innerHeight;
    if (bars.length > 3 && over > 0) {
      const per = box.querySelector("svg").getBoundingClientRect().height / bars.length;
      box.replaceWith(chart(Math.max(3, bars.length - Math.ceil(over / per))));
    }
  }
}

// ---- forms: every command the person may run ------------------------------

const formCache = new Map(); // "ns command" -> {spec, node}, while a route shows

// The forms of `list` (those the person may run), with a line for the
// others; `names` are the commands a page asked for.
function forms(list, names) {
  if (state.commandsMissing)
    return el("p", { class: "muted" }, "This baton serve offers no forms (no /api/commands): run the commands in a terminal.");
  const out = [];
  for (const c of list) {
    if (!c.may_run) continue;
    const key = `${c.namespace} ${c.command}`, spec = JSON.stringify(c);
    let f = formCache.get(key);
    if (!f || f.spec !== spec) formCache.set(key, f = { spec, node: commandForm(c) });
    out.push(f.node);
  }
  const refused = list.filter(c => !c.may_run);
  if (refused.length && state.me && !state.me.role)
    out.push(el("p", { class: "muted refused" }, el("a", { href: "/signin" }, "Sign in"),
      refused.length === 1 ? " to run this command." : ` to run these ${refused.length} commands.`));
  else if (refused.length)
    out.push(el("p", { class: "muted refused" }, who() + " may not run ",
      refused.map(c => `${c.namespace} ${c.command} (${c.access === "coordinator" ? "coordinators" : "signed-in staff"})`).join(", "), "."));
  const missing = names ? names.filter(n => !list.some(c => c.command === n)) : [];
  if (missing.length) out.push(el("p", { class: "warn" }, "No such command: ", missing.join(", ")));
  return out;
}
const who = () => state.me && state.me.role ? `A ${state.me.role}` : "Somebody not signed in";

// The key of the flag that makes a command's preview (`save`: run without
// it, then with it; `dry-run`: with it, then without).
function previewKey(c) {
  const name = c.preview === "save" ? "save" : c.preview === "dry-run" ? "dry-run" : null;
  const a = name && (c.args || []).find(x => x.name === name || x.key === name.replace("-", "_"));
  return a ? a.key : null;
}

let formSeq = 0;

function commandForm(c) {
  const id = `form${++formSeq}`;
  const pkey = previewKey(c);
  // Field ids cannot meet the form's own (an argument named "title").
  const fields = (c.args || []).filter(a => a.key !== pkey).map(a => field(c, a, `${id}-arg-${a.key}`));
  const top = el("div", { class: "form-error", role: "alert", id: `${id}-error`, hidden: true });
  const result = el("div", { class: "result", "aria-live": "polite" });
  const button = (mode, label, hidden) => el("button", { type: "submit", "data-mode": mode, hidden }, label);
  const buttons = pkey
    ? [button("preview", "Preview"), button("save", c.preview === "save" ? "Save" : "Run", true)]
    : [button("run", "Run")];
  const form = el("form", { class: "card command", novalidate: true, "data-namespace": c.namespace,
    "data-command": c.command, "aria-labelledby": `${id}-title` },
  el("h3", { id: `${id}-title` }, c.summary || c.command, " ", el("code", { class: "muted" }, `baton ${c.namespace} ${c.command}`)),
  c.help ? el("p", { class: "muted" }, c.help) : null,
  pkey ? el("p", { class: "muted" }, c.preview === "save" ? "Preview shows what it would do; Save then keeps it."
    : "Preview runs it as a dry run; Run then does it.") : null,
  top, el("div", { class: "fields" }, fields), el("div", { class: "buttons" }, buttons), result);
  // A changed field needs a new preview before saving.
  form.addEventListener("input", () => { for (const b of form.querySelectorAll('[data-mode="save"]')) b.hidden = true; });
  form.addEventListener("submit", e => {
    e.preventDefault();
    const mode = (e.submitter && e.submitter.dataset.mode) || (pkey ? "preview" : "run");
    run(form, c, pkey, mode);
  });
  return form;
}

// One argument's label, input, help and error place.
function field(c, a, fid) {
  const help = [a.help, a.many && a.type !== "enum" ? "one a line" : null,
    a.min !== null && a.min !== undefined || a.max !== null && a.max !== undefined
      ? `from ${a.min !== null && a.min !== undefined ? a.min : "any"} to ${a.max !== null && a.max !== undefined ? a.max : "any"}` : null]
    .filter(Boolean).join("; ");
  const desc = [help ? `${fid}-help` : null, `${fid}-err`].filter(Boolean).join(" ");
  const me = state.me;
  const self = c.access === "self" && a.key === c.self && me && me.person;
  const def = self ? me.person : a.default;
  const common = { id: fid, name: a.key, "data-key": a.key, "data-type": a.type, "aria-describedby": desc,
    required: a.required, "aria-required": a.required ? "true" : null };
  let input;
  if (a.type === "boolean" && !a.many) {
    input = el("input", { ...common, type: "checkbox", checked: def === true, required: null });
  } else if (a.type === "enum") {
    input = el("select", { ...common, multiple: a.many },
      !a.required && !a.many && (def === null || def === undefined) ? el("option", { value: "" }, "—") : null,
      (a.values || []).map(v => el("option", { value: v, selected: Array.isArray(def) ? def.includes(v) : def === v }, v)));
  } else if (a.many) {
    input = el("textarea", { ...common, rows: 3 }, Array.isArray(def) ? def.join("\n") : "");
  } else {
    const type = a.type === "date" ? "date" : a.type === "integer" || a.type === "number" ? "number" : "text";
    input = el("input", { ...common, type, value: def === null || def === undefined ? "" : String(def),
      min: type === "number" ? a.min : null, max: type === "number" ? a.max : null,
      step: type === "number" ? (a.type === "integer" ? "1" : "any") : null,
      list: a.type === "person" ? "baton-people" : a.type === "group" ? "baton-groups" : null,
      autocomplete: a.type === "person" || a.type === "group" ? "off" : null,
      placeholder: a.type === "person" ? "a person's id" : a.type === "group" ? "a group's name" : a.metavar,
      // Staff act for themselves: the host fills this in (a coordinator may change it).
      readonly: self && me.role !== "coordinator" });
  }
  const label = el("label", { for: fid }, (a.name || a.key).replace(/^-+/, "").replace(/[-_]/g, " "),
    a.required ? el("span", { class: "req", title: "required" }, " *") : null);
  const check = a.type === "boolean" && !a.many;
  return el("div", { class: "field" + (check ? " check" : ""), "data-key": a.key },
    check ? [input, label] : [label, input],
    help ? el("small", { id: `${fid}-help`, class: "help" }, help) : null,
    el("p", { class: "field-error", id: `${fid}-err` }));
}

// The form's values as the JSON of /api/run: numbers for integer and
// number (text the server then refuses with its own message), booleans,
// lists for `many`; an empty field is left out (the default applies).
function collect(form, c) {
  const args = {};
  const value = (a, s) => (a.type === "integer" || a.type === "number") && /^\s*-?\d+(\.\d+)?\s*$/.test(s) ? Number(s) : s;
  for (const a of c.args || []) {
    const input = form.querySelector(`[data-key="${CSS.escape(a.key)}"]:is(input, select, textarea)`);
    if (!input) continue;
    if (input.type === "checkbox") args[a.key] = input.checked;
    else if (input.multiple) { const v = [...input.selectedOptions].map(o => o.value); if (v.length) args[a.key] = v; }
    else if (a.many) {
      const v = input.value.split("\n").map(s => s.trim()).filter(Boolean).map(s => value(a, s));
      if (v.length) args[a.key] = v;
    } else if (input.value.trim() !== "") args[a.key] = value(a, input.value.trim());
  }
  return args;
}

function clearErrors(form) {
  const top = form.querySelector(".form-error");
  top.hidden = true;
  show(top);
  for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
  for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
}

async function run(form, c, pkey, mode) {
  const args = collect(form, c);
  if (pkey) args[pkey] = c.preview === "save" ? mode === "save" : mode === "preview";
  const top = form.querySelector(".form-error"), result = form.querySelector(".result");
  const buttons = [...form.querySelectorAll("button")];
  clearErrors(form);
  buttons.forEach(b => { b.disabled = true; });
  form.setAttribute("aria-busy", "true");
  show(result, el("p", { class: "muted" }, mode === "preview" ? "Previewing…" : "Running…"));
  try {
    const headers = { "Content-Type": "application/json" };
    if (state.me && state.me.csrf) headers["X-CSRF-Token"] = state.me.csrf;
    const body = await api(`/api/run/${encodeURIComponent(c.namespace)}/${encodeURIComponent(c.command)}`,
      { method: "POST", headers, body: JSON.stringify({ args }) });
    show(result, outcome(body, mode === "save" && c.preview !== "save" ? "run" : mode));
    if (mode === "preview" && body.status === 0)
      for (const b of form.querySelectorAll('[data-mode="save"]')) b.hidden = false;
    if (mode === "save") for (const b of form.querySelectorAll('[data-mode="save"]')) b.hidden = true;
  } catch (e) {
    show(result);
    const fields = (e.body && e.body.error && e.body.error.fields) || {};
    const elsewhere = [];
    for (const [key, msg] of Object.entries(fields)) {
      const f = form.querySelector(`.field[data-key="${CSS.escape(key)}"]`);
      if (!f) { elsewhere.push(`${key}: ${msg}`); continue; }
      f.querySelector(".field-error").textContent = String(msg);
      f.querySelector("input, select, textarea").setAttribute("aria-invalid", "true");
    }
    show(top, el("p", {}, e.message),
      elsewhere.map(m => el("p", {}, m)),
      e.status === 401 ? el("p", {}, el("a", { href: "/signin" }, "Sign in"), " to run this command.") : null);
    top.hidden = false;
    const bad = form.querySelector("[aria-invalid]");
    if (bad) bad.focus();
  } finally {
    buttons.forEach(b => { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

// What a run answered: ok or failed, its result as a table (a list of
// objects), key/value rows (an object) or text, and its output.
function outcome(body, mode) {
  const ok = body.status === 0;
  const what = mode === "preview" ? "preview" : mode === "save" ? "saved" : "run";
  return [
    el("p", { class: "status " + (ok ? "ok" : "failed") }, ok ? `${what}: ok` : `${what}: failed (status ${body.status})`),
    resultView(body.result),
    body.output && !justResult(body.output, body.result) ? el("pre", { class: "output" }, body.output) : null,
    errorsView(body.errors),
  ];
}

// What the command wrote to stderr: its message when it is the --json
// error ({"error": {"message": ...}}), else the text as it is.
function errorsView(text) {
  if (!text) return null;
  let message = null;
  try { const e = JSON.parse(text).error; if (e && typeof e.message === "string") message = e.message; } catch (e) { /* text */ }
  return message !== null ? el("p", { class: "error command-error" }, message) : el("pre", { class: "errors" }, text);
}

// 1 if output is only the JSON of result (a --json run prints nothing
// else), already drawn above.
function justResult(output, result) {
  try { return JSON.stringify(JSON.parse(output)) === JSON.stringify(result); } catch (e) { return false; }
}

function resultView(v) {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v) && v.length && v.every(isObject)) return table(null, v);
  if (Array.isArray(v)) return v.length ? el("ul", { class: "values" }, v.map(x => el("li", {}, fmt(x)))) : el("p", { class: "muted" }, "(none)");
  if (isObject(v)) return el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "the result" }, el("table", { class: "keys" },
    el("tbody", {}, Object.entries(v).map(([k, x]) => el("tr", {}, el("th", { scope: "row" }, k), el("td", {}, fmt(x)))))));
  return el("p", { class: "text" }, fmt(v));
}

async function commandsPage(main) {
  await loadCommands();
  await loadLists();
  const plugins = [...new Set(state.commands.map(c => c.plugin))];
  show(main, el("h2", {}, "Commands"),
    state.commandsMissing ? forms([]) : null,
    !state.commandsMissing && !state.commands.some(c => c.may_run)
      ? el("p", { class: "muted" }, `${who()} may run no command here.`,
        state.me && !state.me.role ? [" ", el("a", { href: "/signin" }, "Sign in"), " first."] : "") : null,
    plugins.map(p => {
      const list = state.commands.filter(c => c.plugin === p);
      if (!list.some(c => c.may_run)) return null;
      return el("section", { class: "plugin-commands", "data-plugin": p }, el("h3", {}, p), forms(list));
    }));
}

// ---- the shell: routes, large text, live updates --------------------------

let rendering = false, again = null, shown = null;

// Draws the page the address names. refresh: the data changed; the page
// stays as it is where a person may be typing.
async function render(refresh) {
  if (rendering) { again = again === null ? !!refresh : again && !!refresh; return; }
  rendering = true;
  const route = location.hash.replace(/^#\/?/, "");
  if (route !== shown) { formCache.clear(); expanded.clear(); refresh = false; }
  markNav();
  const main = document.getElementById("main");
  try {
    if (route === "") await overview(main);
    else if (route === "commands") { if (!refresh) await commandsPage(main); }
    else {
      const [name, pageName] = route.split("/");
      const plugin = state.plugins.find(p => p.name === name);
      const page = plugin && (plugin.pages || []).find(x => x.name === pageName && x.data);
      if (!page) show(main, el("h2", {}, "No such page"),
        el("p", {}, `No plugin here has a page '${route}'. `, el("a", { href: "#/" }, "Back to the overview")));
      else await dataPage(main, plugin, page, refresh);
    }
    shown = route;
    setTitle(route);
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    shown = null;
    show(main, el("p", { class: "error" }, "Could not load this page: ", e.message));
  }
  rendering = false;
  if (again !== null) { const r = again; again = null; render(r); }
}

// The school's name (the store's setting baton/school, which `baton demo`
// sets and `baton config` changes), in the header and every page's title.
async function loadSchool() {
  const health = await maybe("/api/health", null);
  state.school = health && typeof health.school === "string" ? health.school : "";
  state.demo = !!(health && health.demo); // a database `baton demo` made
  document.getElementById("school").textContent = state.school;
}

// The tab's title: the page's, the school's, baton.
function setTitle(route) {
  const a = [...document.querySelectorAll("#nav a")].find(x => x.dataset.route === route);
  const page = route === "" ? "Who leads what" : a ? a.textContent : (document.querySelector("main h2") || {}).textContent;
  document.title = [page, state.school, "baton"].filter(Boolean).join(" — ");
}

// ---- what changed: a brief highlight after a live update ----------------

// The values a page shows, each by a key that stays the same from one
// drawing to the next: a stat card (by its label), a bar (by its
// person), a table row (by its first cell), a chevron (by its step), a
// notice, a link of a network.
function values() {
  const out = new Map();
  const add = (node, key, value) => { if (key) out.set(key, { node, value }); };
  const main = document.getElementById("main");
  main.querySelectorAll(".stats .card").forEach((c, i) =>
    add(c, "stat:" + ((c.querySelector(".label, .muted") || {}).textContent || i), (c.querySelector(".stat") || c).textContent));
  main.querySelectorAll("g.bar").forEach(g => add(g, `bar:${g.closest("svg").getAttribute("aria-label")}:${g.dataset.id || g.dataset.label}`,
    [...g.querySelectorAll("rect")].map(r => r.textContent).join("|")));
  main.querySelectorAll("section.block table tbody tr, .notices li, .links li.link-target").forEach((tr, i) => {
    const region = tr.closest("section, ul");
    const first = tr.cells ? (tr.cells[0] || {}).textContent : tr.dataset.target || tr.textContent;
    add(tr, `row:${region && region.dataset.key || ""}:${region ? [...region.querySelectorAll("table, ul")].indexOf(tr.closest("table, ul")) : 0}:${first}`, tr.textContent);
  });
  main.querySelectorAll("g.step").forEach((g, i) => add(g, `step:${i}:${g.dataset.step}`, g.dataset.status + "|" + g.textContent));
  return out;
}

// Marks what differs between two values() (new or changed) for two
// seconds; says how many in the live region. Motion only where the
// person has not asked for less (the style sheet's reduced-motion rule).
let unmark = 0;
function highlight(before, after) {
  const moved = [...after.entries()].filter(([k, v]) => !before.has(k) || before.get(k).value !== v.value).map(([, v]) => v.node);
  clearTimeout(unmark);
  for (const n of document.querySelectorAll(".changed")) n.classList.remove("changed");
  for (const n of moved) n.classList.add("changed");
  if (moved.length) unmark = setTimeout(() => { for (const n of moved) n.classList.remove("changed"); }, 2000);
  document.getElementById("announce").textContent = moved.length
    ? `Updated: ${moved.length} value${moved.length === 1 ? "" : "s"} changed.` : "";
  return moved.length;
}

function setLarge(on) {
  document.body.classList.toggle("large", on);
  document.getElementById("large").setAttribute("aria-pressed", on ? "true" : "false");
  try { localStorage.setItem("baton.large", on ? "1" : ""); } catch (e) { /* private mode */ }
}

window.addEventListener("hashchange", () => render(false));
// The charts are drawn for the page's width: draw them again when it changes.
let lastWidth = innerWidth, resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (innerWidth !== lastWidth) { lastWidth = innerWidth; render(true); } }, 250);
});
document.getElementById("large").addEventListener("click", () => {
  setLarge(!document.body.classList.contains("large"));
  render(true);
});
try { setLarge(localStorage.getItem("baton.large") === "1" || /[?&]large\b/.test(location.search)); } catch (e) { /* */ }
// The skip link: to the page's content (the address keeps its route).
document.getElementById("skip").addEventListener("click", e => {
  e.preventDefault();
  document.getElementById("main").focus();
});
// Who asks first: the navigation shows a coordinators' page only to them.
loadMe().then(() => Promise.all([loadPlugins(), loadSchool()])).then(() => render(false));
// What live.js (the event stream) calls: the page's side of live updates.
// docs/serve.md, "Live updates", describes the contract.
window.batonApp = {
  // The data changed (or may have, after a reconnection): draw the page
  // again, keeping scroll and what was typed.
  async changed(info) {
    const before = values();
    await render(true);
    highlight(before, values());
    if (state.lists.people || state.lists.groups) loadLists(true);
    if (info && info.version !== undefined)
      document.documentElement.dataset.renderedVersion = String(info.version);
  },
  // The plugins changed (a reload): navigation, pages and forms again
  // (forms whose command is unchanged are kept, with what was typed).
  async pluginsChanged() {
    await Promise.all([loadPlugins(), loadSchool()]);
    if (state.commands) await loadCommands().catch(() => {});
    render(false);
  },
};
