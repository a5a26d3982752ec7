/**
 * The fleet page served at `/` when a web server has several controllers: one row per controller
 * with its address, state, sessions, requests, delay and forced errors, refreshed every second
 * from `/api/controllers`; the name opens that controller's own live page (`/<name>/`).
 */
export const fleetPage = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cpppo fleet</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222 }
table { border-collapse: collapse } th, td { padding: .25em .8em; text-align: left; border-bottom: 1px solid #ddd }
td.n { text-align: right; font-variant-numeric: tabular-nums }
.running { color: #070 } .disabled { color: #b60 } .done { color: #888 }
#status { color: #888; margin-left: 1em }
</style></head><body>
<h1>cpppo fleet <span id="count"></span><span id="status"></span></h1>
<p>Each controller's own page, API and faults: click its name. <code>/api/…</code> addresses every controller; <code>/metrics</code>, <code>/healthz</code>.</p>
<table><thead><tr><th>controller</th><th>address</th><th>state</th><th>sessions</th><th>requests</th><th>delay s</th><th>forced errors</th><th>product</th><th>serial</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
async function refresh() {
  try {
    const res = await fetch("api/controllers", { cache: "no-store" });
    const body = await res.json();
    const rows = Object.entries(body.data.controllers || {});
    document.getElementById("count").textContent = "(" + rows.length + ")";
    document.getElementById("rows").innerHTML = rows.map(([name, c]) =>
      "<tr><td><a href=\\"" + encodeURIComponent(name) + "/\\">" + esc(name) + "</a></td><td>" + esc(c.address) + "</td><td class=\\"" + esc(c.state) + "\\">" + esc(c.state) +
      "</td><td class=n>" + c.sessions + "</td><td class=n>" + c.requests + "</td><td class=n>" + c.delay + "</td><td class=n>" + c.errors +
      "</td><td>" + esc(c.product) + "</td><td class=n>0x" + Number(c.serial).toString(16).padStart(8, "0") + "</td></tr>").join("");
    document.getElementById("status").textContent = "";
  } catch (e) {
    document.getElementById("status").textContent = "(no answer: " + e + ")";
  }
}
refresh();
setInterval(refresh, 1000);
</script></body></html>
`
