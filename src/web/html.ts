/**
 * The minimal HTML a browser gets from the API: the query, the command's outcome and the reply as
 * pretty JSON. Everything interpolated is escaped.
 */
import type { ApiReply } from "./reply.js"

/** Escape text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!)

/** Render an API reply for a browser. */
export const apiHtml = (query: string, reply: ApiReply): string => {
  const cmd = reply.command
  const outcome = cmd !== null && "success" in cmd
    ? `<p class="${cmd.success ? "ok" : "bad"}">${cmd.success ? "✔" : "✘"} ${escapeHtml(cmd.message)}</p>`
    : ""
  const json = JSON.stringify(reply, null, 2)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cpppo API: ${escapeHtml(query)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
code,pre{font:13px/1.35 ui-monospace,Menlo,Consolas,monospace}
pre{background:#f6f8fa;border:1px solid #ddd;padding:1em;overflow:auto}
.ok{color:#156d2b}.bad{color:#b3261e}
</style></head>
<body>
<p><a href="/">live page</a></p>
<h1>GET <code>${escapeHtml(query)}</code></h1>
${outcome}
<pre id="reply">${escapeHtml(json)}</pre>
</body></html>
`
}
