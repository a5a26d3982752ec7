/**
 * The live page, its trend script and the fleet page as served text (src/web/page.ts,
 * trendScript.ts, fleetPage.ts), without a browser: every element the page's script and trend.js
 * look up is in the page, the scripts compile, they call the server's endpoints by relative paths
 * (a fleet serves each controller's page at /<name>/), the page and trend.js share the same DOM
 * events, the stylesheets style what the scripts create, a title is stripped of `<` and `&`, and
 * the fleet page's script (run in a vm against a fake document and fetch) writes escaped rows and
 * refreshes every second. The Chromium tests (page, trend, e2e) run the scripts for real.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel } from "effect"
import * as vm from "node:vm"
import { makeFleet } from "../../src/server/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"
import { webControllers } from "../../src/web/fleet.js"
import { fleetPage } from "../../src/web/fleetPage.js"
import { livePage } from "../../src/web/page.js"
import { serveWeb, WebServer } from "../../src/web/server.js"
import { fetchText, webEnv } from "./fixture.js"

/** The text of each inline `<script>` (no `src`) and `<style>` element of a page. */
const inline = (html: string, tag: "script" | "style") =>
  Array.from(html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g")), (m) => m[1]!)
const ids = (html: string) => new Set(Array.from(html.matchAll(/\bid="([^"]+)"/g), (m) => m[1]!))
const all = (text: string, re: RegExp) => Array.from(text.matchAll(re), (m) => m[1]!)
const events = (text: string, re: RegExp) => [...new Set(all(text, re))].sort()

const compiles = (code: string, name: string) => {
  expect(code.trim().length, name).toBeGreaterThan(0)
  expect(() => new vm.Script(code, { filename: name }), name).not.toThrow()
}

describe("the live page as served", () => {
  it.live("GET / is the page; its script finds every element it looks up, compiles and calls events and api/ relatively; its assets are served", () =>
    Effect.gen(function* () {
      const page = yield* fetchText("/", { headers: { accept: "text/html" } })
      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toMatch(/^text\/html/)
      const html = page.text
      expect(html.startsWith("<!doctype html>\n<html lang=\"en\">")).toBe(true)
      expect(html).toContain("<title>cpppo simulator</title>")
      expect(html).toContain("<h1>cpppo simulator</h1>")
      const [script, ...others] = inline(html, "script")
      expect(others).toEqual([])
      compiles(script!, "live page script")
      // Every id the script asks for by name is an element of the page (v-NAME and e-NAME are
      // the rows' cells it makes itself).
      const wanted = events(script!, /\$\("([^"]+)"\)/g)
      expect(wanted).toEqual([
        "connections", "delay", "delay-now", "disable", "live", "log", "msg", "no-conns", "replay-box", "replay-now", "replay-run",
        "replay-seek", "replay-set", "replay-speed", "set-delay", "signals-box", "signals-now", "signals-resume", "signals-run",
        "stats", "status", "tags", "token", "token-box", "updated"
      ])
      const present = ids(html)
      for (const id of wanted) expect(present.has(id), id).toBe(true)
      // The tables it fills by tBodies[0].
      expect(html).toMatch(/<table id="tags"><thead>.*<\/thead><tbody><\/tbody><\/table>/)
      expect(html).toMatch(/<table id="connections"><thead>.*<\/thead><tbody><\/tbody><\/table>/)
      // Its endpoints, relative to the page (a fleet serves it at /<name>/).
      expect(script).toContain('new EventSource("events")')
      expect(script).toContain('fetch("api/" + path, { headers, cache: "no-store" })')
      expect(events(script!, /es\.addEventListener\("([^"]+)"/g)).toEqual(["error", "open", "snapshot", "tags"])
      expect(html).not.toMatch(/(?:src|href)="\/|fetch\("\/|EventSource\("\//)
      // The controls' API paths exist: the one the Disable button sends, read back.
      expect(script).toContain('api("server/control/disable=" + ')
      const disabled = JSON.parse((yield* fetchText("/api/server/control/disable=true")).text)
      expect(disabled.command).toMatchObject({ success: true })
      expect(JSON.parse((yield* fetchText("/api/server/control")).text).data.server.control.disable).toBe(true)
      // The style sheets and scripts it links, each served with its type.
      const linked = all(html, /<(?:link rel="stylesheet" href|script src)="([^"]+)"/g)
      expect(linked).toEqual(["assets/uplot.css", "assets/trend.css", "assets/uplot.js", "assets/trend.js"])
      for (const href of linked) {
        const r = yield* fetchText("/" + href)
        expect(r.status, href).toBe(200)
        expect(r.headers.get("content-type"), href).toMatch(href.endsWith(".js") ? /^text\/javascript/ : /^text\/css/)
      }
      // events: the stream it opens sends the snapshot it renders from.
      const { url } = yield* WebServer
      const first = yield* Effect.promise(async () => {
        const abort = new AbortController()
        const guard = setTimeout(() => abort.abort(), 5000)
        const res = await fetch(`${url}/events`, { signal: abort.signal })
        const reader = res.body!.getReader()
        let text = ""
        try {
          while (!/event: snapshot\ndata: .*\n\n/.test(text)) {
            const { value, done } = await reader.read()
            if (done) break
            text += new TextDecoder().decode(value)
          }
        } catch { /* the guard's abort */ }
        clearTimeout(guard)
        abort.abort()
        return { type: res.headers.get("content-type"), text }
      })
      expect(first.type).toMatch(/^text\/event-stream/)
      const snap = JSON.parse(/event: snapshot\ndata: (.*)\n\n/.exec(first.text)![1]!)
      expect(Object.keys(snap.tags)).toContain("SCADA")
      expect(snap.control.disable).toBe(true)
    }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it("the page's style sheet hides [hidden] whatever an element's own display (the script hides boxes with .hidden)", () => {
    const [style, ...more] = inline(livePage(), "style")
    expect(more).toEqual([])
    expect(style).toContain("[hidden]{display:none!important}")
    // The rules of the classes and ids the script sets.
    for (const rule of ["#msg.ok{", "#msg.bad{", ".badge{", ".badge.off{", ".vals span.hot{", ".vals[data-more]::after{", "button.danger{", ".err{"]) {
      expect(style, rule).toContain(rule)
    }
  })

  it("a title loses its < and & (in <title> and the heading); no title is cpppo simulator", () => {
    const html = livePage("Line <3 & <b>co</b>")
    expect(html).toContain("<title>Line 3  b>co/b></title>")
    expect(html).toContain("<h1>Line 3  b>co/b></h1>")
    expect(livePage("plain")).toContain("<title>plain</title>")
    expect(livePage()).toContain("<h1>cpppo simulator</h1>")
  })
})

describe("trend.js", () => {
  it.live("compiles, asks history/series relatively, listens to the events the page dispatches; trend.css styles what it makes", () =>
    Effect.gen(function* () {
      const js = yield* fetchText("/assets/trend.js")
      expect(js.status).toBe(200)
      compiles(js.text, "trend.js")
      expect(js.text.startsWith('"use strict";\n(() => {')).toBe(true)
      expect(js.text.trimEnd().endsWith("})();")).toBe(true)
      expect(js.text).toContain('fetch("history/series?tags=" + encodeURIComponent(e.name + "[" + e.index + "]") + "&since=" + since')
      expect(js.text).toContain("window.cpppoTrends = {")
      expect(js.text).toContain('document.querySelector("main")')
      // What the page dispatches, trend.js listens to, and nothing else.
      const page = livePage()
      expect(events(page, /tell\("(cpppo:[a-z]+)"/g)).toEqual(["cpppo:snapshot", "cpppo:tags", "cpppo:trend"])
      expect(events(js.text, /document\.addEventListener\("(cpppo:[a-z]+)"/g)).toEqual(["cpppo:snapshot", "cpppo:tags", "cpppo:trend"])
      expect(page).toContain("<main>")
      // trend.css: a rule for each class the script gives its elements, under the section's id.
      const css = yield* fetchText("/assets/trend.css")
      expect(js.text).toContain('el("section", { id: "trends", hidden: true })')
      const classes = events(js.text, /className: "([a-z-]+)"/g)
      expect(classes).toEqual(["danger", "mute", "trend", "trend-head", "trend-names", "trend-plot"])
      for (const c of ["trend", "trend-head", "trend-names"]) expect(css.text, c).toContain(`#trends .${c}{`)
      expect(css.text).toContain("#trends select{")
      expect(css.text).toContain(".vals span,td code{cursor:pointer}")
    }).pipe(Effect.provide(webEnv()), Effect.scoped))
})

/** A fake document of the fleet page's three elements, a fetch answering `body`, and the timers. */
const runFleetScript = async (answer: () => Promise<unknown>) => {
  const [script, ...more] = inline(fleetPage(), "script")
  expect(more).toEqual([])
  const elements: Record<string, { textContent: string; innerHTML: string }> = {}
  for (const id of ["count", "status", "rows"]) elements[id] = { textContent: "", innerHTML: "" }
  const fetched: Array<[string, unknown]> = []
  const intervals: Array<number> = []
  const context = vm.createContext({
    document: { getElementById: (id: string) => elements[id] },
    fetch: (url: string, init: unknown) => { fetched.push([url, init]); return answer().then((body) => ({ json: async () => body })) },
    setInterval: (_f: unknown, ms: number) => { intervals.push(ms) }
  })
  new vm.Script(script!, { filename: "fleet page script" }).runInContext(context)
  await new Promise((r) => setTimeout(r, 10))
  return { elements, fetched, intervals }
}

describe("the fleet page", () => {
  it("its elements, relative api/controllers, its script compiles", () => {
    const html = fleetPage()
    expect(html.startsWith("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>cpppo fleet</title>")).toBe(true)
    expect([...ids(html)].sort()).toEqual(["count", "rows", "status"])
    expect(html).toContain('<tbody id="rows"></tbody>')
    compiles(inline(html, "script")[0]!, "fleet page script")
    for (const cls of ["running", "disabled", "done"]) expect(inline(html, "style")[0], cls).toContain(`.${cls} {`)
  })

  it("its script writes one escaped row per controller, counts them, and refreshes every second from api/controllers", async () => {
    const { elements, fetched, intervals } = await runFleetScript(async () => ({
      data: {
        controllers: {
          "a<b": { address: "127.0.0.1:1", state: "running", sessions: 1, requests: 2, delay: 0.5, errors: 0, product: "P\"&<>", serial: 0x1234 },
          "c d": { address: "[::1]:2", state: "disabled", sessions: 0, requests: 0, delay: 0, errors: 3, product: "Q", serial: 0xdeadbeef }
        }
      }
    }))
    expect(fetched).toEqual([["api/controllers", { cache: "no-store" }]])
    expect(intervals).toEqual([1000])
    expect(elements["count"]!.textContent).toBe("(2)")
    expect(elements["status"]!.textContent).toBe("")
    expect(elements["rows"]!.innerHTML).toBe(
      "<tr><td><a href=\"a%3Cb/\">a&lt;b</a></td><td>127.0.0.1:1</td><td class=\"running\">running</td>" +
      "<td class=n>1</td><td class=n>2</td><td class=n>0.5</td><td class=n>0</td><td>P&quot;&amp;&lt;&gt;</td><td class=n>0x00001234</td></tr>" +
      "<tr><td><a href=\"c%20d/\">c d</a></td><td>[::1]:2</td><td class=\"disabled\">disabled</td>" +
      "<td class=n>0</td><td class=n>0</td><td class=n>0</td><td class=n>3</td><td>Q</td><td class=n>0xdeadbeef</td></tr>")
  })

  it("no controllers: (0) and no rows; no answer: the error in the status", async () => {
    const none = await runFleetScript(async () => ({ data: {} }))
    expect(none.elements["count"]!.textContent).toBe("(0)")
    expect(none.elements["rows"]!.innerHTML).toBe("")
    const down = await runFleetScript(async () => { throw new Error("connection refused") })
    expect(down.elements["status"]!.textContent).toBe("(no answer: Error: connection refused)")
    expect(down.elements["count"]!.textContent).toBe("")
  })

  it.live("a fleet's web server serves it at /", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet(Either.getOrThrow(parseFleetConfig(
        "controllers:\n  - name: plc\n    count: 2\n    address: 127.0.0.1:0\n    tags: [\"SCADA=INT[2]\"]\n", "yaml")))
      const web = yield* serveWeb(webControllers(fleet), { host: "127.0.0.1", port: 0 })
      const r = yield* Effect.promise(async () => {
        const res = await fetch(`http://127.0.0.1:${web.port}/`, { signal: AbortSignal.timeout(5000) })
        return { status: res.status, type: res.headers.get("content-type"), text: await res.text() }
      })
      expect(r.status).toBe(200)
      expect(r.type).toMatch(/^text\/html/)
      expect(r.text).toBe(fleetPage())
      expect(r.text).toContain('fetch("api/controllers", { cache: "no-store" })')
      expect(r.text).toContain("setInterval(refresh, 1000);")
    }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))))
})
