// web/live.js: the dashboard's live connection to `baton serve`: the event
// stream (Server-Sent Events at /api/events/stream), the "live" indicator,
// and what to do when the stream drops and comes back.
//
// The page's side is window.batonApp (app.js):
//   batonApp.changed({version, reconnected})  the data changed, or may have
//   batonApp.pluginsChanged()                 the plugins were reloaded
// app.js sets document.documentElement.dataset.renderedVersion once a
// change is drawn, so a test can time a change from command to page.
"use strict";

(function () {
  // ?live=0 leaves the event stream closed: for headless screenshots, whose
  // virtual clock waits for every open request.
  if (/[?&]live=0\b/.test(location.search)) return;
  const dot = document.getElementById("live");
  const es = new EventSource("/api/events/stream");
  es.addEventListener("hello", () => { dot.textContent = "live"; dot.classList.add("on"); });
  es.addEventListener("change", ev => {
    let info = {};
    try { info = JSON.parse(ev.data); } catch (e) { /* an old server */ }
    window.batonApp.changed(info);
  });
  es.addEventListener("plugins", () => window.batonApp.pluginsChanged());
  es.onerror = () => { dot.textContent = "reconnecting"; dot.classList.remove("on"); };
})();
