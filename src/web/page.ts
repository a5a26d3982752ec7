/**
 * The live page served at `/`: tags with live values (Server-Sent Events from `/events`), the
 * connections, and controls for the delay, per-tag errors and writes, eof and disable/enable.
 * Trends of clicked tags are a separate script (trendScript.ts) fed through DOM events.
 * One static document, no framework; every control calls the same `/api` a script would, so the
 * page never has powers the API lacks. Data is put in the DOM with textContent only.
 */

const STYLE = `
:root{--ok:#156d2b;--bad:#b3261e;--mute:#667;--line:#dde;--hi:#fff3b0}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d1d24;background:#fafafc}
header{display:flex;flex-wrap:wrap;gap:.75em 1.5em;align-items:center;padding:.8em 1.2em;background:#1f2937;color:#f3f4f6}
header h1{font-size:1.1em;margin:0}
header label{display:flex;gap:.4em;align-items:center}
header .mute{color:#cbd5e1}
#delay{width:10em}
main{padding:1em 1.2em;display:grid;gap:1.2em}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.6em .9em}
h2{font-size:1em;margin:.2em 0 .6em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3em .5em;border-top:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--mute);border-top:0}
code,.vals,input{font:13px ui-monospace,Menlo,Consolas,monospace}
input{padding:.2em .35em;border:1px solid #bbc;border-radius:4px;width:5.5em}
td.ctl,td.err{white-space:nowrap}
button{padding:.2em .7em;border-radius:4px;border:1px solid #889;background:#eef;cursor:pointer}
button.danger{background:#fde8e6;border-color:#d99}
.badge{padding:.1em .6em;border-radius:1em;font-weight:600;background:var(--ok);color:#fff}
.badge.off{background:var(--bad)}
.vals span{display:inline-block;min-width:2.2em;margin:0 .3em .1em 0;padding:0 .15em;border-radius:3px;transition:background 1s}
.vals span.hot{background:var(--hi);transition:none}
.vals[data-more]::after{content:attr(data-more);color:var(--mute)}
.err{color:var(--bad);font-weight:600}
.mute{color:var(--mute)}
#msg.ok{color:#a7f3b5}#msg.bad{color:#fca5a5}
#log{margin:0;padding:0;list-style:none;max-height:14em;overflow:auto;font:12px ui-monospace,Menlo,Consolas,monospace}
`

const SCRIPT = `
"use strict";
const $ = (id) => document.getElementById(id);
const el = (tag, props, ...kids) => {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) e.append(k);
  return e;
};
const tokenBox = $("token");
tokenBox.value = sessionStorage.getItem("cpppo-token") || "";
tokenBox.addEventListener("change", () => sessionStorage.setItem("cpppo-token", tokenBox.value));
const seg = (s) => encodeURIComponent(s);
let state = null;
const values = new Map();

async function api(path) {
  const headers = { Accept: "application/json" };
  if (tokenBox.value) headers.Authorization = "Bearer " + tokenBox.value;
  const msg = $("msg");
  try {
    const res = await fetch("api/" + path, { headers, cache: "no-store" });
    const body = await res.json();
    const c = body.command;
    msg.textContent = c && c.message ? c.message : res.statusText;
    msg.className = c && c.success ? "ok" : "bad";
    return body;
  } catch (e) {
    msg.textContent = String(e);
    msg.className = "bad";
  }
}

function showValues(name, changed) {
  const td = $("v-" + name);
  if (!td) return;
  const t = state && state.tags[name];
  const vs = values.get(name) || [];
  if (td.childElementCount !== vs.length) {
    td.textContent = "";
    vs.forEach((v, i) => td.append(el("span", { title: name + "[" + i + "]: click for a trend" })));
  }
  vs.forEach((v, i) => {
    const s = td.children[i];
    const text = typeof v === "string" ? JSON.stringify(v) : String(v);
    if (s.textContent !== text) {
      s.textContent = text;
      if (changed) { s.classList.add("hot"); setTimeout(() => s.classList.remove("hot"), 50); }
    }
  });
  if (t && t.count > vs.length) td.setAttribute("data-more", "… " + (t.count - vs.length) + " more");
}

function renderTags(tags) {
  const body = $("tags").tBodies[0];
  const names = Object.keys(tags);
  if (body.rows.length !== names.length || names.some((n, i) => body.rows[i].dataset.name !== n)) {
    body.textContent = "";
    for (const name of names) {
      const t = tags[name];
      const err = el("input", { placeholder: "status", title: "CIP status to force on every access (0 restores)" });
      const wr = el("input", { placeholder: t.scalar ? "value" : "i=value", title: "write: index=value, or i-j=v1,v2,…" });
      const row = el("tr", {},
        el("td", {}, el("code", { textContent: name })),
        el("td", { className: "mute", textContent: t.scalar ? t.type : t.type + "[" + t.count + "]" }),
        el("td", { className: "vals", id: "v-" + name }),
        el("td", { id: "e-" + name }),
        el("td", { className: "ctl" }, err, " ",
          el("button", { textContent: "Set error", onclick: () => err.value && api("tags/" + seg(name) + "/error=" + seg(err.value)) }), " ",
          el("button", { textContent: "Clear", onclick: () => api("tags/" + seg(name) + "/error=0") })),
        el("td", { className: "ctl" }, wr, " ",
          el("button", { textContent: "Write", onclick: () => {
            const m = /^\\s*(\\d+)(?:-(\\d+))?\\s*=(.*)$/s.exec(wr.value);
            const cmd = m ? "attribute[" + m[1] + (m[2] ? "-" + m[2] : "") + "]=" + seg(m[3]) : "attribute=" + seg(wr.value);
            api("tags/" + seg(name) + "/" + cmd);
          } })));
      row.dataset.name = name;
      row.dataset.testid = "tag-" + name;
      body.append(row);
    }
  }
  for (const name of names) {
    const t = tags[name];
    const e = $("e-" + name);
    e.textContent = t.error ? "status " + t.error : "";
    e.className = t.error ? "err" : "";
    const old = values.get(name);
    values.set(name, t.values.slice());
    showValues(name, old !== undefined);
  }
}

function renderConnections(conns) {
  const body = $("connections").tBodies[0];
  body.textContent = "";
  const keys = Object.keys(conns);
  $("no-conns").hidden = keys.length > 0;
  for (const key of keys) {
    const c = conns[key];
    body.append(el("tr", {},
      el("td", {}, el("code", { textContent: key })),
      el("td", { textContent: c.interface }), el("td", { textContent: c.port }),
      el("td", { textContent: c.received }), el("td", { textContent: c.requests }),
      el("td", {}, el("button", { className: "danger", textContent: "EOF", title: "drop this session",
        onclick: () => api("connections/" + seg(key) + "/eof=true") }))));
  }
}

function render(s) {
  state = s;
  const off = s.control.disable;
  const badge = $("status");
  badge.textContent = s.control.done ? "exiting" : off ? "disabled" : "listening";
  badge.className = "badge" + (off || s.control.done ? " off" : "");
  const btn = $("disable");
  btn.textContent = off ? "Enable" : "Disable";
  btn.className = off ? "" : "danger";
  $("delay-now").textContent = s.delay.range ? s.delay.range + " s (now " + s.delay.value.toFixed(3) + ")" : s.delay.value + " s";
  $("token-box").hidden = !s.tokenRequired;
  $("stats").textContent = "sessions accepted " + s.stats.accepted + ", refused " + s.stats.refused + ", closed " + s.stats.closed;
  renderTags(s.tags);
  renderConnections(s.connections);
  $("updated").textContent = new Date(s.until * 1000).toLocaleTimeString();
}

function onTags(events) {
  const log = $("log");
  for (const e of events) {
    if (e.values && values.has(e.name)) {
      const vs = values.get(e.name);
      e.values.forEach((v, i) => { if (e.start + i < vs.length) vs[e.start + i] = v; });
      showValues(e.name, true);
    }
    const range = e.count > 1 ? e.start + "-" + (e.start + e.count - 1) : String(e.start);
    const what = e.kind === "error" ? "!! " + e.error : (e.kind === "write" ? "<= " : "== ") + JSON.stringify(e.values);
    log.prepend(el("li", { className: e.kind === "error" ? "err" : "", textContent: new Date(e.at).toLocaleTimeString() + " " + e.name + "[" + range + "] " + what }));
  }
  while (log.children.length > 40) log.lastChild.remove();
}

$("disable").addEventListener("click", () => api("server/control/disable=" + (state && state.control.disable ? "false" : "true")));
$("set-delay").addEventListener("click", () => {
  const v = $("delay").value.trim();
  if (v.includes("-")) api("options/delay/range=" + seg(v)); else if (v) api("options/delay/value=" + seg(v));
});
// Trends (trend.js) get what arrives here as DOM events, and are asked for by clicks: a value is
// that element, a tag's name its first element.
const tell = (type, detail) => document.dispatchEvent(new CustomEvent(type, { detail }));
$("tags").addEventListener("click", (ev) => {
  const row = ev.target.closest("tr[data-name]");
  if (!row) return;
  const span = ev.target.closest(".vals span");
  const t = state && state.tags[row.dataset.name];
  const scalar = !!(t && t.scalar);
  if (span) tell("cpppo:trend", { name: row.dataset.name, index: Array.prototype.indexOf.call(span.parentNode.children, span), scalar });
  else if (ev.target.closest("code")) tell("cpppo:trend", { name: row.dataset.name, index: 0, scalar });
});
const es = new EventSource("events");
es.addEventListener("snapshot", (m) => { const s = JSON.parse(m.data); render(s); tell("cpppo:snapshot", s); });
es.addEventListener("tags", (m) => { const events = JSON.parse(m.data); onTags(events); tell("cpppo:tags", events); });
es.addEventListener("open", () => { $("live").textContent = "live"; $("live").className = "badge"; });
es.addEventListener("error", () => { $("live").textContent = "reconnecting"; $("live").className = "badge off"; });
`

/** The page (static; all live data arrives over `/events`). */
export const livePage = (title = "cpppo simulator"): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title.replace(/[<&]/g, "")}</title><style>${STYLE}</style>
<link rel="stylesheet" href="assets/uplot.css"><link rel="stylesheet" href="assets/trend.css"></head>
<body>
<header>
  <h1>${title.replace(/[<&]/g, "")}</h1>
  <span id="status" class="badge">…</span>
  <button id="disable" data-testid="disable">Disable</button>
  <label>Delay <input id="delay" placeholder="0.5 or 0.5-1.5"> <button id="set-delay">Set</button> <span id="delay-now" class="mute"></span></label>
  <label id="token-box" hidden>Token <input id="token" type="password" autocomplete="off"></label>
  <span id="msg"></span>
</header>
<main>
<section><h2>Tags <span id="live" class="badge off">connecting</span> <span class="mute">updated <span id="updated">–</span></span></h2>
<table id="tags"><thead><tr><th>Name</th><th>Type</th><th>Values</th><th>Error</th><th>Force error</th><th>Write</th></tr></thead><tbody></tbody></table>
</section>
<section><h2>Connections</h2>
<table id="connections"><thead><tr><th>Session</th><th>Interface</th><th>Port</th><th>Received</th><th>Requests</th><th></th></tr></thead><tbody></tbody></table>
<p id="no-conns" class="mute">No EtherNet/IP sessions.</p><p id="stats" class="mute"></p>
</section>
<section><h2>Activity</h2><ul id="log"></ul></section>
</main>
<script>${SCRIPT}</script>
<script src="assets/uplot.js"></script>
<script src="assets/trend.js"></script>
</body></html>
`
