/**
 * The web server's documented bounds at their defaults (no option given), over HTTP:
 * at most 100 live pages (`/events`) at once, the 101st gets 503; `/history/series` answers at
 * most 2,000 points per series (a series of 2,000 comes whole, a longer one thinned to each time
 * bucket's first, lowest, highest and last point); uPlot and the trend script and stylesheet are
 * served from the package (typed, nosniff; any other /assets name 404).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { seriesFromPoints } from "../../src/history/series.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { thinSeries } from "../../src/web/historyRoutes.js"
import { TREND_SCRIPT, TREND_STYLE } from "../../src/web/trendScript.js"
import { WebServer } from "../../src/web/server.js"
import { fetchText, webEnv } from "./fixture.js"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-web-limits-"))
const t0 = Date.UTC(2026, 10, 30, 0)
/** A history of `n` writes of LEVEL[0], one a second; values k % 10, and one spike at n/2. */
const value = (n: number, k: number) => (k === Math.floor(n / 2) ? 1e6 : k % 10)
const history = (name: string, n: number) => {
  const lines = Array.from({ length: n }, (_, k) =>
    `${Timestamp.fromMillis(t0 + k * 1000).toString()}\t["LEVEL", [0, 0]]\t{"write": [${value(n, k)}]}`)
  fs.writeFileSync(path.join(root, name), lines.join("\n") + "\n")
}
history("short.hst", 2000)
history("long.hst", 10_000)

describe("web server bounds at their defaults", () => {
  it.live("at most 100 live pages: the 101st /events gets 503", () =>
    Effect.gen(function* () {
      const { url } = yield* WebServer
      const opened = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const pages: Array<{ status: number; abort: AbortController }> = []
          for (let i = 0; i < 101; i++) {
            const abort = new AbortController()
            const res = await fetch(`${url}/events`, { signal: abort.signal })
            // Each page reads what it is sent, as a browser does (one that does not is a slow
            // consumer, which the hub may drop, freeing a place). Once, under a Stryker run's load,
            // the 101st got 200: the cause is not established; the statuses are in the message below.
            if (res.status === 200) void res.body?.pipeTo(new WritableStream()).catch(() => undefined)
            else await res.text()
            pages.push({ status: res.status, abort })
          }
          return pages
        }),
        (pages) => Effect.sync(() => { for (const p of pages) p.abort.abort() })
      )
      const statuses = opened.map((p) => p.status)
      expect(statuses, JSON.stringify(statuses)).toEqual([...Array.from({ length: 100 }, () => 200), 503])
    }).pipe(Effect.provide(webEnv()), Effect.scoped), 60_000)

  it.live("/history/series: 2,000 points come whole; 10,000 are thinned to at most 2,000, keeping the first, the last and the spike", () =>
    Effect.gen(function* () {
      const short = JSON.parse((yield* fetchText("/history/series?file=short.hst&tags=LEVEL[0]")).text)
      expect(short.series[0].points.length).toBe(2000)
      const long = JSON.parse((yield* fetchText("/history/series?file=long.hst&tags=LEVEL[0]")).text)
      const points: Array<[number, number]> = long.series[0].points
      expect(points.length).toBeLessThanOrEqual(2000)
      // Exactly the thinning to 2,000 (a bound of 1,000 or 4,000 gives other points).
      const all = seriesFromPoints("LEVEL[0]", Array.from({ length: 10_000 }, (_, k) => ({ t: t0 + k * 1000, v: value(10_000, k) })))
      expect(points).toEqual(thinSeries(all, 2000).map(([t, v]) => [t, v]))
      expect(points[0]).toEqual([t0, 0])
      expect(points[points.length - 1]).toEqual([t0 + 9999 * 1000, 9])
      expect(points.some(([, v]) => v === 1e6)).toBe(true)
    }).pipe(Effect.provide(webEnv({ history: { dir: root } })), Effect.scoped))

  it.live("the page's uPlot (51 KB, minified) and its stylesheet are served from the package: the page needs no internet", () =>
    Effect.gen(function* () {
      const js = yield* fetchText("/assets/uplot.js")
      expect(js.status).toBe(200)
      expect(js.headers.get("content-type")).toMatch(/^text\/javascript/)
      expect(Math.round(Buffer.byteLength(js.text) / 1000)).toBe(51)
      expect(js.text).toMatch(/uPlot/)
      const page = yield* fetchText("/", { headers: { accept: "text/html" } })
      expect(page.text).toContain('<script src="assets/uplot.js"></script>')
      expect(page.text).not.toMatch(/<script[^>]+src="https?:/)
      const css = yield* fetchText("/assets/uplot.css")
      expect(css.status).toBe(200)
      expect(css.headers.get("content-type")).toMatch(/^text\/css/)
      // The trend script and its stylesheet, from the package's own text (trendScript.ts), typed
      // so that a browser honouring nosniff runs and applies them.
      const trendJs = yield* fetchText("/assets/trend.js")
      expect(trendJs.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
      expect(trendJs.headers.get("x-content-type-options")).toBe("nosniff")
      expect(trendJs.text).toBe(TREND_SCRIPT)
      const trendCss = yield* fetchText("/assets/trend.css")
      expect(trendCss.headers.get("content-type")).toBe("text/css; charset=utf-8")
      expect(trendCss.text).toBe(TREND_STYLE)
      // Served again from the cache: the same text.
      expect((yield* fetchText("/assets/trend.js")).text).toBe(TREND_SCRIPT)
      // Only the four files: any other name under /assets is 404, never a file of the package.
      for (const name of ["/assets/nope.js", "/assets/toString", "/assets/__proto__"]) {
        const r = yield* fetchText(name)
        expect(r.status, name).toBe(404)
        expect(r.text, name).toBe("not found\n")
      }
    }).pipe(Effect.provide(webEnv()), Effect.scoped))
})

