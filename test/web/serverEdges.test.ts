/**
 * src/web/server.ts at its edges: content negotiation (`Accept` with q-values), the bearer token's
 * syntax, an empty `--web-token`, `since`, the refusals' statuses, bodies and headers (400, 401,
 * 403, 404, 503), CORS preflight, the Host guard's open paths, which requests tell the live pages,
 * the URL the server reports and logs, a simulator's signals and replay given with the options,
 * and a history recorder in the context (its losses are alarms). Over HTTP on 127.0.0.1 port 0.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import { HistoryRecorder, type HistoryRecorderService, type RecorderStats } from "../../src/history/recorderService.js"
import { makeServerControl, ServerControl, ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistryLive, makeConnectionRegistry } from "../../src/server/registry.js"
import { makeTagStore, TagStore } from "../../src/tags/tagStore.js"
import { bareController } from "../../src/web/fleet.js"
import { replayItem, signalsItem } from "../../src/web/playItems.js"
import { authorized, serveWeb, tokenOf, WebApiLive, WebServer, wantsHtml } from "../../src/web/server.js"
import { fakeReplay, fakeSignals } from "./playFakes.js"
import { type Got, httpGet, TAGS, webEnv } from "./fixture.js"

const request = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  Effect.flatMap(WebServer, ({ url }) => Effect.promise(() => httpGet(url + path, headers, method)))

const json = (g: Got) => JSON.parse(g.body) as { alarm: Array<string>; command: { success: boolean; message: string } | null; data: Record<string, any>; since: number | null; until: number }

describe("content negotiation: wantsHtml", () => {
  it("HTML only when the client prefers it to JSON, by q-value; .json or no Accept means JSON", () => {
    const cases: Array<[string | undefined, boolean]> = [
      [undefined, false], ["", false], ["*/*", false], ["application/json", false],
      ["text/html", true], ["application/xhtml+xml", true], ["TEXT/HTML", true], ["text/html; charset=utf-8", true],
      // Browsers: HTML first, JSON and */* with lower q.
      ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true],
      ["text/html;q=0", false], ["text/html;q=0.5", true], ["text/html;q=abc", false],
      ["text/html;q=0.5, application/json", false], ["application/json;q=0.5, text/html", true],
      ["text/html;q=0.5, application/json;q=0.5", false], ["application/json;q=0, text/html;q=0", false],
      // q found among other parameters, and with spaces around it.
      ["text/html;level=1;q=0.8, application/json;q=0.9", false], ["text/html; q=0.3, application/json;q=0.5", false],
      ["application/json; q=0.3, text/html;q=0.5", true],
      // Spaces before a ";" too (RFC 9110's OWS): "text/html ;q=0.9" is text/html (was read as another type).
      ["  text/html ;q=0.9 ,application/json;q=0.8", true], ["text/html ; q=0.2, application/json ;q=0.5", false], ["text/html ; q=0.6, application/json ;q=0.5", true],
      // A type named twice counts at its highest q.
      ["text/html;q=0.1, text/html;q=0.9, application/json;q=0.5", true],
      ["application/json;q=0.9, application/json;q=0.1, text/html;q=0.5", false]
    ]
    expect(cases.map(([accept]) => [accept, wantsHtml(accept, false)])).toEqual(cases)
    expect(wantsHtml("text/html", true)).toBe(false)
  })
})

describe("the bearer token", () => {
  it("Authorization: Bearer TOKEN, the scheme in any case, spaces around; nothing else", () => {
    const cases: Array<[string | undefined, boolean]> = [
      ["Bearer s3cret", true], ["bearer s3cret", true], ["BEARER s3cret", true], ["  Bearer   s3cret  ", true], ["Bearer\ts3cret", true],
      [undefined, false], ["", false], ["s3cret", false], ["Bearer", false], ["Bearer ", false], ["Bearers3cret", false],
      ["Basic s3cret", false], ["xBearer s3cret", false], ["Bearer s3cret x", false], ["Bearer s3cre", false],
      ["Bearer s3cret1", false], ["Bearer s3creT", false], ["Bearer S3CRET", false]
    ]
    expect(cases.map(([h]) => [h, authorized(h, "s3cret")])).toEqual(cases)
  })

  it("an empty token is no token", () => {
    expect(tokenOf({ host: "h", port: 0, token: "" })).toBeUndefined()
    expect(tokenOf({ host: "h", port: 0 })).toBeUndefined()
    expect(tokenOf({ host: "h", port: 0, token: "t" })).toBe("t")
  })

  it.live("with an empty --web-token commands need no Authorization, and the page is told so", () =>
    Effect.gen(function* () {
      const ok = yield* request("/api/tags/SCADA/attribute[0]=9")
      expect(ok.status).toBe(200)
      expect(json(ok).command).toMatchObject({ success: true })
      expect(yield* Effect.flatMap(TagStore, (t) => t.read("SCADA", 0, 1))).toEqual([9])
      const events = yield* Effect.flatMap(WebServer, ({ url }) => Effect.promise(async () => {
        const ctrl = new AbortController()
        const res = await fetch(`${url}/events`, { signal: ctrl.signal })
        const reader = res.body!.getReader()
        let text = ""
        while (!text.includes("event: snapshot")) text += new TextDecoder().decode((await reader.read()).value)
        ctrl.abort()
        return text
      }))
      expect(events).toMatch(/"tokenRequired":false/)
    }).pipe(Effect.provide(webEnv({ token: "" })), Effect.scoped))

  it.live("a refused command: 401 with WWW-Authenticate, as JSON or as HTML by Accept; the right token passes", () =>
    Effect.gen(function* () {
      const refused = yield* request("/api/tags/SCADA/attribute[0]=5?since=3")
      expect(refused.status).toBe(401)
      expect(refused.headers["www-authenticate"]).toBe('Bearer realm="cpppo"')
      expect(refused.headers["content-type"]).toMatch(/^application\/json/)
      expect(json(refused)).toMatchObject({
        alarm: [], since: 3, data: {},
        command: { success: false, message: "this command changes the simulator: it needs Authorization: Bearer <token> (--web-token)" }
      })
      const page = yield* request("/api/tags/SCADA/attribute[0]=5", { accept: "text/html" })
      expect(page.status).toBe(401)
      expect(page.headers["www-authenticate"]).toBe('Bearer realm="cpppo"')
      expect(page.headers["content-type"]).toMatch(/^text\/html/)
      expect(page.body).toContain("it needs Authorization: Bearer &lt;token&gt;")
      // .json wins over Accept.
      const asJson = yield* request("/api/tags/SCADA/attribute[0]=5.json", { accept: "text/html" })
      expect([asJson.status, asJson.headers["content-type"]?.startsWith("application/json")]).toEqual([401, true])
      const ok = yield* request("/api/tags/SCADA/attribute[0]=5", { authorization: "bearer tok" })
      expect(ok.status).toBe(200)
    }).pipe(Effect.provide(webEnv({ token: "tok" })), Effect.scoped))
})

describe("replies and refusals over HTTP", () => {
  it.live("every /api refusal carries the simulator's alarms, as its answers do; a foreign Host's none", () =>
    Effect.gen(function* () {
      yield* Effect.flatMap(ServerControl, (c) => c.setDisabled(true))
      const disabled = ["server disabled: the EtherNet/IP port is closed"]
      const cases: Array<[string, Record<string, string>, number, Array<string>]> = [
        ["/api/tags", {}, 200, disabled],
        ["/api/tags/SCADA/attribute[0]=5", {}, 401, disabled],
        ["/api/tags/SCADA/attribute[0]=5", { origin: "http://evil.example", authorization: "Bearer tok" }, 403, disabled],
        ["/api/tags=1", {}, 400, disabled],
        ["/api/tags/%zz", {}, 400, disabled],
        ["/api/tags", { host: "evil.example" }, 403, []]
      ]
      for (const [path, headers, status, alarm] of cases) {
        const got = yield* request(path, headers)
        expect([path, headers, got.status, json(got).alarm]).toEqual([path, headers, status, alarm])
      }
    }).pipe(Effect.provide(webEnv({ token: "tok" })), Effect.scoped))

  it.live("since: a finite number is echoed, anything else is null (answers and refusals alike)", () =>
    Effect.gen(function* () {
      const sinceOf = (q: string) => Effect.map(request(`/api/options${q}`), (g) => json(g).since)
      expect([yield* sinceOf(""), yield* sinceOf("?since=5"), yield* sinceOf("?since=-1.5"), yield* sinceOf("?since=abc"), yield* sinceOf("?since=Infinity"), yield* sinceOf("?since=")])
        .toEqual([null, 5, -1.5, null, null, 0])
      const bad = yield* request("/api/nope?since=7")
      expect(bad.status).toBe(400)
      expect(json(bad)).toMatchObject({ since: 7, command: { success: false } })
    }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("a path the API cannot parse is 400, JSON unless a browser asks; a malformed %-escape is 400 naming the path; elsewhere 404", () =>
    Effect.gen(function* () {
      const bad = yield* request("/api/nope")
      expect([bad.status, bad.headers["content-type"]?.startsWith("application/json")]).toEqual([400, true])
      expect(json(bad).command).toEqual({ success: false, message: expect.stringContaining("nope") })
      const page = yield* request("/api/nope", { accept: "text/html" })
      expect([page.status, page.headers["content-type"]?.startsWith("text/html")]).toEqual([400, true])
      const badJson = yield* request("/api/nope.json", { accept: "text/html" })
      expect([badJson.status, badJson.headers["content-type"]?.startsWith("application/json")]).toEqual([400, true])
      // A path the grammar itself refuses (a value with no command), likewise.
      const unparsed = yield* request("/api/tags=1", { accept: "text/html" })
      expect([unparsed.status, unparsed.headers["content-type"]?.startsWith("text/html")]).toEqual([400, true])
      const unparsedJson = yield* request("/api/tags=1.json", { accept: "text/html" })
      expect([unparsedJson.status, unparsedJson.headers["content-type"]?.startsWith("application/json")]).toEqual([400, true])
      const escape = yield* request("/api/tags/%zz", { accept: "text/html" })
      expect(escape.status).toBe(400)
      expect(escape.headers["content-type"]).toMatch(/^application\/json/)
      expect(json(escape).command).toEqual({ success: false, message: 'malformed request path "/api/tags/%zz"' })
      for (const path of ["/nothing", "/apx", "/%zz"]) {
        const missing = yield* request(path)
        expect([path, missing.status, missing.body, missing.headers["cache-control"]]).toEqual([path, 404, "not found: try / or /api\n", "no-cache"])
      }
      // /api.json is the API, as JSON even for a browser.
      const all = yield* request("/api.json", { accept: "text/html" })
      expect([all.status, all.headers["content-type"]?.startsWith("application/json"), Object.keys(json(all).data).length > 0]).toEqual([200, true, true])
      const root = yield* request("/")
      expect([root.status, root.headers["content-type"]?.startsWith("text/html")]).toEqual([200, true])
      expect(root.body).toContain('new EventSource("events")')
    }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("a foreign Host: /api refused as JSON naming it, other paths as text; /healthz and /metrics answer any Host; every reply no-cache", () =>
    Effect.gen(function* () {
      const message = 'unknown Host "evil.example": use an IP address, localhost, or a name given with --web-host'
      const api = yield* request("/api/tags?since=4", { host: "evil.example" })
      expect(api.status).toBe(403)
      expect(json(api)).toMatchObject({ alarm: [], command: { success: false, message }, data: {}, since: null })
      expect(api.headers["cache-control"]).toBe("no-cache")
      const page = yield* request("/", { host: "evil.example" })
      expect([page.status, page.body, page.headers["cache-control"]]).toEqual([403, `${message}\n`, "no-cache"])
      const health = yield* request("/healthz?x=1", { host: "evil.example" })
      expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: "ok", controllers: 1, down: [] }])
      const metrics = yield* request("/metrics", { host: "evil.example" })
      expect(metrics.status).toBe(200)
      expect(metrics.body).toMatch(/^cpppo_disabled\{controller="plc"\} 0$/m)
      expect((yield* request("/metricsx", { host: "evil.example" })).status).toBe(403)
    }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("CORS preflight: 204 with the methods, headers and max-age for an allowed origin, at /api and below; 403 without them otherwise", () =>
    Effect.gen(function* () {
      const origin = "http://hmi.example:3000"
      for (const path of ["/api", "/api/tags/SCADA"]) {
        const ok = yield* request(path, { origin }, "OPTIONS")
        expect(ok.status, path).toBe(204)
        expect(ok.headers["access-control-allow-origin"]).toBe(origin)
        expect(ok.headers["access-control-allow-methods"]).toBe("GET, OPTIONS")
        expect(ok.headers["access-control-allow-headers"]).toBe("Authorization, Accept")
        expect(ok.headers["access-control-max-age"]).toBe("600")
        const no = yield* request(path, { origin: "http://other.example" }, "OPTIONS")
        expect(no.status, path).toBe(403)
        expect(no.headers["access-control-allow-origin"]).toBeUndefined()
        expect(no.headers["access-control-allow-methods"]).toBeUndefined()
      }
    }).pipe(Effect.provide(webEnv({ cors: ["http://hmi.example:3000"] })), Effect.scoped))

  it.live("/events: an event stream not buffered by proxies; past the limit 503 with Retry-After", () =>
    Effect.gen(function* () {
      const { url } = yield* WebServer
      const first = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const ctrl = new AbortController()
          const res = await fetch(`${url}/events`, { signal: ctrl.signal })
          return { res, ctrl }
        }),
        ({ ctrl }) => Effect.sync(() => ctrl.abort()))
      expect(first.res.status).toBe(200)
      expect(first.res.headers.get("content-type")).toMatch(/^text\/event-stream/)
      expect(first.res.headers.get("x-accel-buffering")).toBe("no")
      const second = yield* request("/events")
      expect([second.status, second.headers["retry-after"], second.body]).toEqual([503, "5", "too many live pages are open; try again later\n"])
    }).pipe(Effect.provide(webEnv({ maxLiveStreams: 1 })), Effect.scoped))

  it.live("reads and refused commands leave the live pages alone; a command that changed something sends them a snapshot", () =>
    Effect.gen(function* () {
      const { url } = yield* WebServer
      const snapshots = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const ctrl = new AbortController()
          const res = await fetch(`${url}/events`, { signal: ctrl.signal })
          const reader = res.body!.getReader()
          const seen = { count: 0 }
          const pump = (async () => {
            let text = ""
            try {
              for (;;) {
                const r = await reader.read()
                if (r.done) return
                text += new TextDecoder().decode(r.value)
                seen.count = text.split("event: snapshot").length - 1
              }
            } catch { /* aborted */ }
          })()
          return { seen, ctrl, pump }
        }),
        ({ ctrl }) => Effect.sync(() => ctrl.abort()))
      const wait = (n: number) => Effect.gen(function* () {
        for (let i = 0; i < 300 && snapshots.seen.count < n; i++) yield* Effect.sleep("10 millis")
      })
      yield* wait(1)
      expect(snapshots.seen.count).toBe(1)
      yield* request("/api/tags/SCADA/attribute[0]")
      yield* request("/api/tags/SCADA/attribute[0]=x")
      yield* request("/api/nope=1")
      yield* Effect.sleep("500 millis")
      expect(snapshots.seen.count).toBe(1)
      yield* request("/api/tags/SCADA/attribute[0]=1")
      yield* wait(2)
      expect(snapshots.seen.count).toBe(2)
    }).pipe(Effect.provide(webEnv({ snapshotInterval: "1 hours" })), Effect.scoped))
})

describe("the server's address", () => {
  it.live("the real port when 0 was asked; 0.0.0.0 and :: shown as 127.0.0.1, IPv6 bracketed; the log line says so, and when commands need the token", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const logger = Logger.make(({ message }) => { lines.push(Array.isArray(message) ? message.join(" ") : String(message)) })
      const s = { control: yield* makeServerControl(), registry: makeConnectionRegistry(), tags: yield* makeTagStore(["A=INT"]) }
      const serve = (host: string, token?: string) =>
        serveWeb([bareController(s)], { host, port: 0, ...(token !== undefined ? { token } : {}) }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      const any4 = yield* serve("0.0.0.0")
      expect(any4.host).toBe("0.0.0.0")
      expect(any4.port).toBeGreaterThan(0)
      expect(any4.url).toBe(`http://127.0.0.1:${any4.port}`)
      expect(yield* Effect.promise(() => fetch(`${any4.url}/healthz`).then((r) => r.status))).toBe(200)
      const any6 = yield* serve("::")
      expect(any6.url).toBe(`http://127.0.0.1:${any6.port}`)
      const v6 = yield* serve("::1", "t")
      expect([v6.host, v6.url]).toEqual(["::1", `http://[::1]:${v6.port}`])
      const local = yield* serve("127.0.0.1", "")
      expect(local.url).toBe(`http://127.0.0.1:${local.port}`)
      expect(lines).toEqual([
        `web API and live page on http://127.0.0.1:${any4.port}`,
        `web API and live page on http://127.0.0.1:${any6.port}`,
        `web API and live page on http://[::1]:${v6.port} (commands need the token)`,
        `web API and live page on http://127.0.0.1:${local.port}`
      ])
    }).pipe(Effect.scoped))
})

describe("what the context gives the one controller", () => {
  it.live("signals and a replay given with the options are that controller's: options/signals, options/replay, the live snapshot", () =>
    Effect.gen(function* () {
      const { g } = fakeSignals()
      const { r } = fakeReplay()
      const both = yield* Effect.scoped(Effect.flatMap(Layer.build(webEnv({ signals: g, replay: r })), (ctx) =>
        Effect.map(request("/api/options").pipe(Effect.provide(ctx)), json)))
      expect(both.data["options"]).toStrictEqual({ delay: { value: 0, range: null }, signals: signalsItem(g), replay: yield* replayItem(r) })
      const signalsOnly = yield* Effect.scoped(Effect.flatMap(Layer.build(webEnv({ signals: g })), (ctx) =>
        Effect.map(request("/api/options").pipe(Effect.provide(ctx)), json)))
      expect(Object.keys(signalsOnly.data["options"]).sort()).toEqual(["delay", "signals"])
      const replayOnly = yield* Effect.scoped(Effect.flatMap(Layer.build(webEnv({ replay: r })), (ctx) =>
        Effect.map(request("/api/options").pipe(Effect.provide(ctx)), json)))
      expect(Object.keys(replayOnly.data["options"]).sort()).toEqual(["delay", "replay"])
      const neither = yield* Effect.scoped(Effect.flatMap(Layer.build(webEnv()), (ctx) =>
        Effect.map(request("/api/options").pipe(Effect.provide(ctx)), json)))
      expect(Object.keys(neither.data["options"])).toEqual(["delay"])
    }))

  it.live("a HistoryRecorder in the context: what it could not record is an alarm of the API", () =>
    Effect.gen(function* () {
      const stats = { recorded: 10, pending: 0, overflowed: 3, writer: { failing: "EACCES", pending: 4, dropped: 2 } } as unknown as RecorderStats
      const recorder: HistoryRecorderService = {
        record: () => {}, congested: () => false, stats: Effect.succeed(stats), unsafeStats: () => stats, sync: Effect.void
      }
      const env = WebApiLive({ host: "127.0.0.1", port: 0 }).pipe(
        Layer.provideMerge(Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(TAGS).pipe(Layer.orDie), Layer.succeed(HistoryRecorder, recorder))))
      const reply = yield* Effect.scoped(Effect.flatMap(Layer.build(env), (ctx) => Effect.map(request("/api/server").pipe(Effect.provide(ctx)), json)))
      expect(reply.alarm).toEqual(["history: cannot write the file (EACCES); 4 records waiting", "history: 5 events not recorded"])
    }))
})

