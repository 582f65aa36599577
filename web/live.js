// web/live.js: the dashboard's live connection to `baton serve`: the event
// stream (Server-Sent Events at /api/events/stream), the "live" indicator,
// the notice while the connection is down, and what to do when it comes
// back.
//
// The page's side is window.batonApp (app.js):
//   batonApp.changed({version, reconnected})  the data changed, or may have
//   batonApp.pluginsChanged()                 the plugins were reloaded
// app.js sets document.documentElement.dataset.renderedVersion once a
// change is drawn, so a test can time a change from command to page.
//
// Events (docs/serve.md, "Live updates"):
//   hello {version}        on every (re)connection; after the first, the
//                          server may have restarted with other data and
//                          other plugins, so everything is fetched again
//   change {version}       the database changed
//   plugins {plugin,error} a plugin was reloaded
//   reset {version}        the database was replaced (a demo reset): the
//                          page is fetched again from the start
//   db {state,error}       a server on PostgreSQL lost ("lost") or got back
//                          ("back") its database connection
"use strict";

(function () {
  // ?live=0 leaves the event stream closed: for headless screenshots, whose
  // virtual clock waits for every open request.
  if (/[?&]live=0\b/.test(location.search)) return;
  const dot = document.getElementById("live");
  const app = () => window.batonApp || {};
  let connected = false, everConnected = false, lostAt = null, notice = null;

  // A full-width notice at the top of the page while the stream is down:
  // what is shown may be out of date, and since when.
  function showNotice(text) {
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "live-notice";
      notice.setAttribute("role", "alert");
      const s = notice.style; // CSSOM: allowed by the page's style-src 'self'
      s.position = "sticky"; s.top = "0"; s.zIndex = "10"; s.width = "100%";
      s.boxSizing = "border-box"; s.padding = ".6em 1em"; s.margin = "0";
      s.background = "#7a1f16"; s.color = "#fff"; s.fontWeight = "bold";
      s.textAlign = "center";
      document.body.insertBefore(notice, document.body.firstChild);
    }
    const when = lostAt ? lostAt.toLocaleTimeString() : "";
    notice.textContent = text ? text : everConnected
      ? `Connection to baton lost at ${when}: what you see may be out of date. Reconnecting…`
      : `Cannot reach baton (since ${when}): what you see may be out of date. Retrying…`;
    notice.hidden = false;
  }

  function hideNotice() { if (notice) { notice.hidden = true; notice.textContent = ""; } }

  function setDot(on, text) {
    if (!dot) return;
    dot.textContent = text;
    dot.classList.toggle("on", on);
  }

  function parse(ev) {
    try { return JSON.parse(ev.data) || {}; } catch (e) { return {}; }
  }

  function onHello(ev) {
    const info = parse(ev);
    connected = true;
    lostAt = null;
    hideNotice();
    setDot(true, "live");
    if (everConnected) refetch(info); // a restart may bring other data and plugins
    everConnected = true;
  }

  // Everything again: the plugins (navigation, pages, forms), then the data.
  function refetch(info) {
    Promise.resolve(app().pluginsChanged && app().pluginsChanged())
      .catch(() => {})
      .then(() => app().changed && app().changed({ version: info.version, reconnected: true }));
  }

  function connect() {
    const es = new EventSource("/api/events/stream");
    es.addEventListener("hello", onHello);
    es.addEventListener("change", ev => { if (app().changed) app().changed(parse(ev)); });
    es.addEventListener("reset", ev => refetch(parse(ev)));
    es.addEventListener("reset_failed", ev => {
      showNotice(parse(ev).message || "The demo reset failed; the data is as it was.");
      setTimeout(hideNotice, 10000);
    });
    es.addEventListener("db", ev => {
      const info = parse(ev);
      if (info.state === "lost") {
        lostAt = new Date();
        setDot(false, "database down");
        showNotice(`This server lost its database connection at ${lostAt.toLocaleTimeString()}: ` +
          "what you see may be out of date, and changes cannot be saved. Reconnecting…");
      } else if (info.state === "back") {
        lostAt = null;
        hideNotice();
        setDot(true, "live");
      }
    });
    es.addEventListener("plugins", () => { if (app().pluginsChanged) app().pluginsChanged(); });
    es.onerror = () => {
      if (connected || lostAt === null) lostAt = new Date();
      connected = false;
      setDot(false, "reconnecting");
      showNotice();
      // The browser gives up for good after an answer that is not a stream
      // (a 503 or 429 while the server restarts): try again ourselves.
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    };
  }
  connect();
})();
