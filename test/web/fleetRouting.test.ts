/**
 * A fleet's web server (src/web/fleet.ts) over HTTP on 127.0.0.1 port 0, with two EtherNet/IP
 * controllers and a Modbus/TCP device: `/<name>/…` routed by the controller's name (percent-
 * escapes decoded, the bare name redirected with its query), the fleet page and API at the root
 * (refusals with the controllers' alarms, by name, CORS preflight), each controller's own history files,
 * signals and recorder, its live page with the web options (token, interval, batch, page limit),
 * the live counters summed over the controllers, and /healthz for a controller whose listener went.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Logger, LogLevel, type Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { HistoryRecorderService, RecorderStats } from "../../src/history/recorderService.js"
import { makeFleet } from "../../src/server/fleet.js"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"
import { type ControllerExtras, webControllers } from "../../src/web/fleet.js"
import { signalsItem } from "../../src/web/playItems.js"
import { serveWeb, type WebOptions } from "../../src/web/server.js"
import { httpGet } from "./fixture.js"
import { fakeSignals } from "./playFakes.js"

const FLEET = `
controllers:
  - name: plc
    count: 2
    address: 127.0.0.1:0
    tags: ["SCADA=INT[10]"]
  - name: pump
    kind: modbus
    address: 127.0.0.1:0
    registers: ["40001-40004=7"]
`

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-web-fleet-"))
for (const d of ["plc2", "pump", "all"]) {
  fs.mkdirSync(path.join(root, d))
  fs.writeFileSync(path.join(root, d, `${d}.hst`), "")
}

const recorderLosing = (n: number): HistoryRecorderService => {
  const stats = { recorded: 1, pending: 0, overflowed: n, writer: { failing: undefined, pending: 0, dropped: 0 } } as unknown as RecorderStats
  return { record: () => {}, congested: () => false, stats: Effect.succeed(stats), unsafeStats: () => stats, sync: Effect.void }
}

const request = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  Effect.promise(() => httpGet(url, headers, method))

/** The fleet and its web server; `extras` per controller name. */
const withFleetWeb = <A, E>(options: Partial<WebOptions>, extras: ((name: string) => ControllerExtras) | undefined, body: (url: string, fleet: Effect.Effect.Success<ReturnType<typeof makeFleet>>, web: Effect.Effect.Success<ReturnType<typeof serveWeb>>) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.gen(function* () {
    const fleet = yield* makeFleet(Either.getOrThrow(parseFleetConfig(FLEET, "yaml")))
    const web = yield* serveWeb(webControllers(fleet, extras), { host: "127.0.0.1", port: 0, ...options })
    return yield* body(`http://127.0.0.1:${web.port}`, fleet, web)
  }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)))

/** Open /…/events and return the text read until `until` holds on it (or 5 s), then close. */
const readEvents = (url: string, until: (text: string) => boolean, ms = 5000) =>
  Effect.promise(async () => {
    const ctrl = new AbortController()
    const res = await fetch(url, { signal: ctrl.signal })
    if (res.status !== 200) return { status: res.status, text: await res.text() }
    const reader = res.body!.getReader()
    let text = ""
    const deadline = setTimeout(() => ctrl.abort(), ms)
    try {
      while (!until(text)) {
        const r = await reader.read()
        if (r.done) break
        text += new TextDecoder().decode(r.value)
      }
    } catch { /* aborted at the deadline */ }
    clearTimeout(deadline)
    ctrl.abort()
    return { status: res.status, text }
  })

describe("a fleet's web server: routing by controller name", () => {
  it.live("/<name>/… reaches that controller (its name percent-escaped too); /<name> redirects with its query; unknown names fall to the fleet's root", () =>
    withFleetWeb({}, undefined, (url, fleet) => Effect.gen(function* () {
      yield* fleet.controllers.get("plc2")!.tags.write("SCADA", 0, [22])
      const read = (p: string) => Effect.map(request(url + p), (g) => ({ status: g.status, reply: JSON.parse(g.body) }))
      expect((yield* read("/plc2/api/tags/SCADA/attribute[0]")).reply.command).toMatchObject({ success: true, value: { SCADA: 22 } })
      expect((yield* read("/plc%32/api/tags/SCADA/attribute[0]")).reply.command).toMatchObject({ value: { SCADA: 22 } })
      expect((yield* read("/plc1/api/tags/SCADA/attribute[0]")).reply.command).toMatchObject({ value: { SCADA: 0 } })
      // The query goes with the path to the controller's router.
      expect((yield* read("/plc2/api/options?since=5")).reply.since).toBe(5)
      // The Modbus device: its registers are its tags.
      const pump = yield* read("/pump/api/tags")
      expect(pump.status).toBe(200)
      expect(Object.keys(pump.reply.data.tags).length).toBeGreaterThan(0)
      for (const [from, to] of [["/plc1", "/plc1/"], ["/plc1?since=3", "/plc1/?since=3"], ["/plc%31", "/plc%31/"]] as const) {
        const r = yield* request(url + from)
        expect([from, r.status, r.headers.location]).toEqual([from, 308, to])
      }
      const page = yield* request(`${url}/plc1/`)
      expect([page.status, page.body.includes('new EventSource("events")')]).toEqual([200, true])
      // Not a controller: the fleet's root answers (its 404), also for a name that cannot be decoded.
      // An empty first segment names no controller.
      for (const p of ["/nope/api", "/%zz/api", "/plc3/", "//plc1/api/tags"]) {
        const r = yield* request(url + p)
        expect([p, r.status, r.body]).toEqual([p, 404, "not found: try / or /api\n"])
      }
      // The fleet's own /api with a malformed %-escape: a bad request naming the path, as a
      // single simulator answers it (not a 404).
      const escape = yield* request(`${url}/api/tags/%zz`)
      expect([escape.status, escape.headers["content-type"]?.startsWith("application/json"), JSON.parse(escape.body).command])
        .toEqual([400, true, { success: false, message: 'malformed request path "/api/tags/%zz"' }])
      // /metrics: every controller, a Modbus device with no CIP connections.
      const metrics = yield* request(`${url}/metrics`)
      expect(metrics.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/)
      expect(metrics.body).toMatch(/^cpppo_cip_connections_open\{controller="pump"\} 0$/m)
      expect(metrics.body).toMatch(/^cpppo_cip_connections_open\{controller="plc2"\} 0$/m)
      const fleetPage = yield* request(`${url}/`)
      expect([fleetPage.status, fleetPage.headers["content-type"]?.startsWith("text/html"), fleetPage.body.includes("cpppo fleet")]).toEqual([200, true, true])
    })), 60_000)

  it.live("the fleet's API at the root: /api, /api.json, /api/…; a refusal carries the controllers' alarms, by name; CORS preflight at /api and below", () =>
    withFleetWeb({ cors: ["http://hmi.example"] }, undefined, (url, fleet) => Effect.gen(function* () {
      yield* fleet.controllers.get("plc1")!.control.setDisabled(true)
      for (const p of ["/api", "/api.json", "/api/controllers"]) {
        const r = yield* request(url + p, { accept: "text/html" })
        expect([p, r.status, r.headers["content-type"]?.startsWith(p === "/api.json" ? "application/json" : "text/html")]).toEqual([p, 200, true])
      }
      const all = JSON.parse((yield* request(`${url}/api/controllers`)).body)
      expect(Object.keys(all.data.controllers)).toEqual(["plc1", "plc2", "pump"])
      expect(all.data.controllers.pump).toMatchObject({ product: "Modbus/TCP", serial: 0, state: "running" })
      expect(all.data.controllers.plc1.state).toBe("disabled")
      // Every refusal carries the alarms of the controllers the API answers for, by name: a path
      // that does not parse, one the controllers refuse, one the router cannot decode.
      const disabled = ["plc1: server disabled: the EtherNet/IP port is closed"]
      const bad = yield* request(`${url}/api/tags=1?since=2`)
      expect(bad.status).toBe(400)
      const reply = JSON.parse(bad.body)
      expect(reply).toMatchObject({ alarm: disabled, data: {}, since: 2, command: { success: false, message: 'a value may only follow a command (group/match/command=value): "tags=1"' } })
      expect(JSON.parse((yield* request(`${url}/api/nope`)).body).alarm).toEqual(disabled)
      expect(JSON.parse((yield* request(`${url}/api/tags/%zz`)).body).alarm).toEqual(disabled)
      // plc1's own API: its alarms, unprefixed (plc2's router: none).
      expect(JSON.parse((yield* request(`${url}/plc1/api/tags=1`)).body).alarm).toEqual(["server disabled: the EtherNet/IP port is closed"])
      expect(JSON.parse((yield* request(`${url}/plc1/api/tags/%zz`)).body).alarm).toEqual(["server disabled: the EtherNet/IP port is closed"])
      expect(JSON.parse((yield* request(`${url}/plc2/api/tags=1`)).body).alarm).toEqual([])
      // Another site's command at the root: 403, with the alarms.
      const foreign = yield* request(`${url}/api/tags/SCADA/value/1`, { origin: "http://evil.example" })
      expect([foreign.status, JSON.parse(foreign.body).alarm]).toEqual([403, disabled])
      expect(reply.until).toBeGreaterThan(Date.now() / 1000 - 60)
      expect(reply.until).toBeLessThanOrEqual(Date.now() / 1000)
      for (const p of ["/api", "/api/tags"]) {
        const pre = yield* request(url + p, { origin: "http://hmi.example" }, "OPTIONS")
        expect([p, pre.status, pre.headers["access-control-allow-origin"]]).toEqual([p, 204, "http://hmi.example"])
      }
    })), 60_000)

  it.live("each controller's own history files, signals and recorder; the others keep the web options' history", () =>
    withFleetWeb({ history: { dir: path.join(root, "all") } }, (name) => {
      if (name === "plc2") return { history: { dir: path.join(root, "plc2") }, recorder: recorderLosing(4), signals: fakeSignals().g }
      if (name === "pump") return { history: { dir: path.join(root, "pump") }, recorder: recorderLosing(6) }
      return {}
    }, (url) => Effect.gen(function* () {
      const files = (p: string) => Effect.map(request(`${url}${p}/history/files`), (g) => JSON.parse(g.body).files)
      expect([yield* files("/plc1"), yield* files("/plc2"), yield* files("/pump")]).toEqual([["all.hst"], ["plc2.hst"], ["pump.hst"]])
      const alarms = (p: string) => Effect.map(request(`${url}${p}/api/server`), (g) => JSON.parse(g.body).alarm)
      expect([yield* alarms("/plc1"), yield* alarms("/plc2"), yield* alarms("/pump")]).toEqual([[], ["history: 4 events not recorded"], ["history: 6 events not recorded"]])
      const options = JSON.parse((yield* request(`${url}/plc2/api/options`)).body).data.options
      expect(options.signals).toStrictEqual(signalsItem(fakeSignals().g))
      expect("signals" in JSON.parse((yield* request(`${url}/plc1/api/options`)).body).data.options).toBe(false)
    })), 60_000)
})

describe("a fleet's web server: live pages and health", () => {
  it.live("each controller's live page follows the web options: the token, the snapshot interval, the event batch, the page limit (per controller)", () =>
    withFleetWeb({ token: "t", snapshotInterval: "1 hours", eventBatch: "1 hours", maxLiveStreams: 1 }, undefined, (url, fleet) => Effect.gen(function* () {
      // Open plc1's one page, write a tag, and read for 1.5 s: the first snapshot only (no tick in
      // 1 s, no tag batch in 100 ms: the options, not the defaults).
      const page = yield* Effect.fork(readEvents(`${url}/plc1/events`, () => false, 1500))
      yield* Effect.sleep("300 millis")
      yield* fleet.controllers.get("plc1")!.tags.write("SCADA", 0, [1])
      // The limit is per controller: plc1's second page is refused, plc2's first is served.
      const second = yield* request(`${url}/plc1/events`)
      expect([second.status, second.body]).toEqual([503, "too many live pages are open; try again later\n"])
      const other = yield* readEvents(`${url}/plc2/events`, (t) => t.includes("event: snapshot"))
      expect(other.status).toBe(200)
      const { status, text } = yield* Effect.fromFiber(page)
      expect(status).toBe(200)
      expect(text.split("event: snapshot").length - 1).toBe(1)
      expect(text).not.toContain("event: tags")
      expect(text).toMatch(/"tokenRequired":true/)
    })), 60_000)

  it.live("liveStats: nothing before any page; then the pages and refusals of every controller, summed", () =>
    withFleetWeb({ maxLiveStreams: 1 }, undefined, (url, _fleet, web) => Effect.gen(function* () {
      expect(web.liveStats()).toStrictEqual({ pages: 0, events: 0, messages: 0, dropped: 0, refused: 0 })
      const pages = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const open = async (p: string) => {
            const ctrl = new AbortController()
            const res = await fetch(url + p, { signal: ctrl.signal })
            if (res.status !== 200) await res.text()
            return { status: res.status, ctrl }
          }
          return [await open("/plc1/events"), await open("/pump/events"), await open("/plc1/events")]
        }),
        (ps) => Effect.sync(() => { for (const p of ps) p.ctrl.abort() }))
      expect(pages.map((p) => p.status)).toEqual([200, 200, 503])
      expect(web.liveStats()).toMatchObject({ pages: 2, refused: 1, dropped: 0 })
      // No token given: the pages are told commands need none.
      expect((yield* readEvents(`${url}/plc2/events`, (t) => t.includes("event: snapshot"))).text).toMatch(/"tokenRequired":false/)
    })), 60_000)

  it.live("--web-live-backlog reaches each controller's live page: a page that may hold 1 byte is dropped at the first message", () =>
    withFleetWeb({ liveBacklog: 1, snapshotInterval: "50 millis" }, undefined, (url, _fleet, web) => Effect.gen(function* () {
      const page = yield* readEvents(`${url}/plc2/events`, () => false)
      // The stream ended (cut) well before readEvents' 5 s deadline would abort it.
      expect(page.status).toBe(200)
      expect(page.text).toMatch(/^retry: 1000\n\nevent: snapshot\n/)
      expect(web.liveStats()).toMatchObject({ dropped: 1, pages: 0 })
    })), 60_000)

  it.live("/healthz: a controller whose listener went (not disabled, not done) is down; disabled, done or stopped count as up", () =>
    withFleetWeb({}, undefined, (url, fleet) => Effect.gen(function* () {
      const health = () => Effect.map(request(`${url}/healthz`), (g) => [g.status, JSON.parse(g.body)])
      expect(yield* health()).toEqual([200, { status: "ok", controllers: 3, down: [] }])
      const plc2 = fleet.controllers.get("plc2")!.control
      const pump = fleet.devices.get("pump")!.control
      yield* plc2.setListening(false)
      yield* pump.setListening(false)
      expect(yield* health()).toEqual([503, { status: "down", controllers: 3, down: ["plc2", "pump"] }])
      yield* pump.setListening(true)
      expect(yield* health()).toEqual([503, { status: "down", controllers: 3, down: ["plc2"] }])
      // Done on purpose: up again (its state reads done).
      yield* plc2.finish
      expect(yield* health()).toEqual([200, { status: "ok", controllers: 3, down: [] }])
      const row = JSON.parse((yield* request(`${url}/api/controllers`)).body).data.controllers
      expect(row.plc2.state).toBe("done")
    })), 60_000)
})
