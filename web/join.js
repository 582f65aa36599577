// web/join.js: the workshop's projector page (/join/screen): the join link,
// its QR code and code (GET /api/workshop, /api/workshop/qr.svg), who
// joined, and every participant's action as it happens (the event log,
// /api/events since the workshop began, redrawn on each `change` or
// `workshop` event of the live stream). For the trainer: the code is a
// coordinator's to see; "New code" makes another (POST /api/workshop/code).
"use strict";

(function () {
  const $ = id => document.getElementById(id);
  let csrf = null, ws = null, busy = false, again = false;

  function fail(text) { const e = $("error"); e.textContent = text; e.hidden = !text; }

  async function json(url, opts) {
    const r = await fetch(url, opts);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.error && body.error.message) || `${url}: HTTP ${r.status}`);
    return body;
  }

  // What an event says, in words.
  function what(e) {
    const d = e.data || {};
    if (e.kind === "workshop.join") return "joined";
    if (e.kind === "change.evidence" && d.evidence)
      return `evidence on step ${d.evidence.step}: “${d.evidence.text}”`;
    return e.kind.replace(".", " ") + (e.subject ? ` (${e.subject})` : "");
  }

  async function draw() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      ws = await json("/api/workshop");
      fail("");
      $("link").textContent = ws.link;
      $("code").textContent = ws.code;
      $("expires").textContent = ws.expired ? "expired: make a new code" : `until ${ws.expires_at}`;
      $("qr").src = "/api/workshop/qr.svg?code=" + encodeURIComponent(ws.code);
      $("joined").textContent = String(ws.joined);
      $("cap").textContent = String(ws.cap);
      const names = new Map(ws.participants.map(p => [p.id, p.name]));
      $("people").replaceChildren(...ws.participants.map(p => {
        const li = document.createElement("li"); li.textContent = p.name || p.id; return li;
      }));
      const events = await json("/api/events?since=" + encodeURIComponent(ws.since) + "&limit=500");
      const mine = events.filter(e => names.has(e.actor)).reverse();
      $("feed").replaceChildren(...mine.map(e => {
        const li = document.createElement("li");
        const when = document.createElement("span");
        when.className = "when";
        when.textContent = new Date(e.at).toLocaleTimeString();
        li.append(when, `${names.get(e.actor) || e.actor}: ${what(e)}`);
        li.dataset.event = String(e.id);
        return li;
      }));
      document.documentElement.dataset.actions = String(mine.length);
    } catch (e) {
      fail("Cannot show the workshop: " + e.message);
    }
    busy = false;
    if (again) { again = false; draw(); }
  }

  $("new-code").addEventListener("click", async () => {
    try {
      if (!csrf) csrf = (await json("/api/me")).csrf;
      await json("/api/workshop/code", { method: "POST", headers: csrf ? { "X-CSRF-Token": csrf } : {} });
      draw();
    } catch (e) { fail("No new code: " + e.message); }
  });

  const dot = $("live");
  function connect() {
    const es = new EventSource("/api/events/stream");
    es.addEventListener("hello", () => { dot.textContent = "live"; dot.classList.add("on"); draw(); });
    for (const kind of ["change", "workshop", "reset"]) es.addEventListener(kind, draw);
    es.onerror = () => {
      dot.textContent = "reconnecting"; dot.classList.remove("on");
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    };
  }
  draw();
  connect();
})();
