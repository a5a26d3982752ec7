import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Either, type Layer, type Scope } from "effect"
import { ServerControl } from "../../src/server/control.js"
import { ConnectionRegistry } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { WebServer } from "../../src/web/server.js"
import { addSession, api, commandOf, fetchText, webEnv } from "./fixture.js"

type Env = Layer.Layer.Success<ReturnType<typeof webEnv>> | Scope.Scope
const live = <A, E>(name: string, body: () => Effect.Effect<A, E, Env>) =>
  it.live(name, () => body().pipe(Effect.provide(webEnv()), Effect.scoped))

describe("web API: queries", () => {
  live("GET /api lists every group, with no-cache and (CORS being opt-in) no CORS headers", () => Effect.gen(function* () {
    const { status, headers, reply } = yield* api("/api")
    expect(status).toBe(200)
    expect(headers.get("content-type")).toMatch(/^application\/json/)
    expect(headers.get("cache-control")).toBe("no-cache")
    expect(headers.get("access-control-allow-origin")).toBeNull()
    expect(reply.command).toBeNull()
    expect(reply.alarm).toEqual([])
    expect(Object.keys(reply.data).sort()).toEqual(["connections", "controllers", "options", "server", "tags"])
    expect(reply.data.options).toEqual({ delay: { value: 0, range: null } })
    expect(reply.data.server).toEqual({ control: { disable: false, done: false, latency: 0.5, timeout: 120 } })
    expect(reply.data.connections).toEqual({})
    expect(reply.data.tags!["SCADA"]).toEqual({
      attribute: "SCADA          INT[10] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", error: 0, path: "SCADA", type: "INT", count: 10
    })
    expect(reply.data.tags!["Speed"]!.path).toBe("@0x93/3/10")
    expect(reply.since).toBeNull()
    expect(Math.abs(reply.until - Date.now() / 1000)).toBeLessThan(5)
  }))

  live("group and match globs select items; since is echoed", () => Effect.gen(function* () {
    const { reply } = yield* api("/api/tags/[BT]*?since=12.5")
    expect(Object.keys(reply.data)).toEqual(["tags"])
    expect(Object.keys(reply.data.tags!).sort()).toEqual(["BIG", "TEXT"])
    expect(reply.since).toBe(12.5)
    const opts = yield* api("/api/o*")
    expect(Object.keys(opts.reply.data)).toEqual(["options"])
    // A read through a group glob asks only the groups that have the field.
    const errors = yield* api("/api/*/*/error")
    expect(commandOf(errors.reply).value).toEqual({ SCADA: 0, TEXT: 0, FLAG: 0, BIG: 0, Speed: 0 })
    const unknown = yield* api("/api/tags/SCADA/colour")
    expect(unknown.status).toBe(400)
    expect(commandOf(unknown.reply).message).toMatch(/unknown field "colour"/)
  }))

  live("content negotiation: browsers get HTML with the query and pretty JSON; .json forces JSON", () => Effect.gen(function* () {
    const accept = { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } }
    const html = yield* fetchText("/api/tags/SCADA/attribute[3]", accept)
    expect(html.headers.get("content-type")).toMatch(/^text\/html/)
    expect(html.headers.get("cache-control")).toBe("no-cache")
    expect(html.text).toContain("<code>/api/tags/SCADA/attribute[3]</code>")
    expect(html.text).toContain("&quot;SCADA&quot;: 0")
    // A command's outcome is a paragraph (ok/bad) above the reply; every text is escaped (& < > " ').
    const wrote = yield* fetchText("/api/tags/TEXT/attribute=%3Cb%3E%26'%22", accept)
    expect(wrote.text).toContain(`<p class="ok">✔ TEXT.attribute[0] &lt;= [&quot;&lt;b&gt;&amp;&#39;\\&quot;&quot;]</p>`)
    expect(wrote.text).toContain("<title>cpppo API: /api/tags/TEXT/attribute=%3Cb%3E%26&#39;%22</title>")
    expect(wrote.text).not.toMatch(/<b>|'/)
    const refused = yield* fetchText("/api/tags/SCADA/attribute[99]=1", accept)
    expect([refused.status, refused.text.includes(`<p class="bad">✘ SCADA.attribute[99]: index out of range 0..9</p>`)]).toEqual([400, true])
    // No command (a null one), no outcome paragraph: the page itself.
    const none = yield* fetchText("/api", accept)
    expect(none.status).toBe(200)
    expect(none.text).toContain("<h1>GET <code>/api</code></h1>\n\n<pre id=\"reply\">{\n  &quot;alarm&quot;:")
    expect(none.text).not.toContain("<p class=")
    const json = yield* fetchText("/api/tags/SCADA.json", accept)
    expect(json.headers.get("content-type")).toMatch(/^application\/json/)
    expect(JSON.parse(json.text).data.tags.SCADA.count).toBe(10)
  }))

  live("the page, the preflight and unknown paths", () => Effect.gen(function* () {
    const page = yield* fetchText("/")
    expect(page.status).toBe(200)
    expect(page.headers.get("content-type")).toMatch(/^text\/html/)
    expect(page.text).toContain('new EventSource("events")')
    // No --web-cors: a preflight from another origin is refused.
    const pre = yield* fetchText("/api/tags", { method: "OPTIONS", headers: { origin: "http://elsewhere.example" } })
    expect(pre.status).toBe(403)
    expect(pre.headers.get("access-control-allow-origin")).toBeNull()
    const missing = yield* fetchText("/nope")
    expect(missing.status).toBe(404)
  }))
})

describe("web API: tags", () => {
  live("attribute[3]=4 writes element 3 in the TagStore; attribute[3] reads it", () => Effect.gen(function* () {
    const store = yield* TagStore
    const w = yield* api("/api/tags/SCADA/attribute[3]=4")
    expect(w.status).toBe(200)
    expect(commandOf(w.reply)).toEqual({ success: true, message: "SCADA.attribute[3] <= [4]" })
    expect(yield* store.read("SCADA", 0, 5)).toEqual([0, 0, 0, 4, 0])
    expect(w.reply.data.tags!["SCADA"]!.attribute).toBe("SCADA          INT[10] == [0, 0, 0, 4, 0, 0, 0, 0, 0, 0]")
    yield* store.write("SCADA", 3, [-7])
    const r = yield* api("/api/tags/SCADA/attribute[3]")
    expect(commandOf(r.reply).value).toEqual({ SCADA: -7 })
    const range = yield* api("/api/tags/SCADA/attribute[2-4]=1,2,3")
    expect(commandOf(range.reply).success).toBe(true)
    expect(yield* store.read("SCADA", 1, 5)).toEqual([0, 1, 2, 3, 0])
    const fill = yield* api("/api/tags/SCADA/attribute[6-8]/9")
    expect(commandOf(fill.reply).success).toBe(true)
    expect(yield* store.read("SCADA", 5, 5)).toEqual([0, 9, 9, 9, 0])
  }))

  live("writes convert to the tag's type: strings, booleans, LINT, REAL", () => Effect.gen(function* () {
    const store = yield* TagStore
    expect(commandOf((yield* api("/api/tags/TEXT/attribute=hello%2C%20world")).reply).success).toBe(true)
    expect(yield* store.read("TEXT")).toEqual(["hello, world"])
    expect(commandOf((yield* api("/api/tags/FLAG/attribute=yes")).reply).success).toBe(true)
    expect(yield* store.read("FLAG")).toEqual([true])
    expect(commandOf((yield* api("/api/tags/BIG/attribute[1]=-9007199254740993")).reply).success).toBe(true)
    expect(yield* store.read("BIG", 1, 1)).toEqual([-9007199254740993n])
    expect(commandOf((yield* api("/api/tags/BIG/attribute[1]")).reply).value).toEqual({ BIG: "-9007199254740993" })
    expect(commandOf((yield* api("/api/tags/speed/attribute=2.5")).reply).success).toBe(true)
    expect(yield* store.read("Speed")).toEqual([2.5])
  }))

  live("error=8 forces status 8 on every access; error/0 restores", () => Effect.gen(function* () {
    const store = yield* TagStore
    const set = yield* api("/api/tags/SCADA/error=8")
    expect(commandOf(set.reply)).toEqual({ success: true, message: "SCADA.error = 8" })
    expect(set.reply.data.tags!["SCADA"]!.error).toBe(8)
    expect(set.reply.alarm).toEqual(["tag SCADA: forced error status 8"])
    const failed = yield* Effect.either(store.read("SCADA", 0, 1))
    expect(Either.isLeft(failed) && failed.left.status).toBe(8)
    // The operator can still see and change the value while clients get the error.
    expect(commandOf((yield* api("/api/tags/SCADA/attribute[0]=5")).reply).success).toBe(true)
    expect(commandOf((yield* api("/api/tags/SCADA/attribute[0]")).reply).value).toEqual({ SCADA: 5 })
    const cleared = yield* api("/api/tags/SCADA/error/0")
    expect(commandOf(cleared.reply).success).toBe(true)
    expect(yield* store.read("SCADA", 0, 1)).toEqual([5])
    expect(cleared.reply.alarm).toEqual([])
  }))

  live("bad requests answer success: false with a message and change nothing", () => Effect.gen(function* () {
    const store = yield* TagStore
    yield* store.write("SCADA", 0, [1, 2, 3])
    const cases: Array<[string, RegExp]> = [
      ["/api/bogus", /unknown group "bogus"/],
      ["/api/tags/SCADA/attribute[3]=abc", /"abc" is not a INT/],
      ["/api/tags/SCADA/attribute[3]=40000", /out of range -32768\.\.32767/],
      ["/api/tags/SCADA/attribute[10]=1", /index out of range 0\.\.9/],
      ["/api/tags/SCADA/attribute[8-9]=1,2,3", /3 values for 2 elements/],
      ["/api/tags/SCADA/attribute[9]=1,2", /do not fit/],
      ["/api/tags/NOPE/error=8", /nothing matches "NOPE"/],
      ["/api/tags/SCADA/error=300", /not a CIP status/],
      ["/api/tags/SCADA/colour=red", /unknown command "colour"/],
      ["/api/tags/SCADA/error[2]=1", /takes no element index/],
      ["/api/tags/SCADA/error=1/2", /two values/],
      // all or nothing: TEXT and FLAG have one element, so nothing is written to SCADA[1] either
      ["/api/tags/*/attribute[1]=5", /(TEXT|FLAG)\.attribute\[1\]: index out of range 0\.\.0/]
    ]
    for (const [path, message] of cases) {
      const { status, reply } = yield* api(path)
      expect(status, path).toBe(400)
      const c = commandOf(reply)
      expect(c.success, path).toBe(false)
      expect(c.message, path).toMatch(message)
    }
    expect(yield* store.read("SCADA")).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0])
    expect(store.find("SCADA")!.error).toBeUndefined()
  }))
})

describe("web API: options, connections, server", () => {
  live("options/delay value and range act on ServerControl", () => Effect.gen(function* () {
    const control = yield* ServerControl
    const v = yield* api("/api/options/delay/value=0.5")
    expect(commandOf(v.reply).success).toBe(true)
    expect(control.unsafeState().delay).toEqual({ value: 0.5, range: undefined })
    expect(v.reply.data.options).toEqual({ delay: { value: 0.5, range: null } })
    const r = yield* api("/api/options/delay/range=0.5-1.5")
    expect(commandOf(r.reply).success).toBe(true)
    expect(control.unsafeState().delay.range).toEqual([0.5, 1.5])
    expect((r.reply.data.options!["delay"] as { readonly range?: string | null }).range).toBe("0.5-1.5")
    const d = control.unsafeState().delay.value
    expect(d >= 0.5 && d <= 1.5).toBe(true)
    for (const bad of ["/api/options/delay/range=2-1", "/api/options/delay/range=abc", "/api/options/delay/value=-1", "/api/options/delay/value=x"]) {
      const { status, reply } = yield* api(bad)
      expect(status, bad).toBe(400)
      expect(commandOf(reply).success).toBe(false)
    }
    expect(control.unsafeState().delay.range).toEqual([0.5, 1.5])
    expect(commandOf((yield* api("/api/options/delay/range=none")).reply).success).toBe(true)
    expect(control.unsafeState().delay.range).toBeUndefined()
  }))

  live("connections are listed by key and connections/*/eof/true drops the matching sessions", () => Effect.gen(function* () {
    const registry = yield* ConnectionRegistry
    const a = yield* addSession("127.0.0.1", 52590)
    const b = yield* addSession("127.0.0.2", 40000)
    const list = yield* api("/api/connections")
    expect(list.reply.data.connections).toEqual({
      "127_0_0_1_52590": { interface: "127.0.0.1", port: 52590, received: 48, requests: 2, eof: false },
      "127_0_0_2_40000": { interface: "127.0.0.2", port: 40000, received: 48, requests: 2, eof: false }
    })
    const bad = yield* api("/api/connections/*/eof/maybe")
    expect(bad.status).toBe(400)
    expect(a.dropped.count + b.dropped.count).toBe(0)
    const one = yield* api("/api/connections/127_0_0_1_*/eof/true")
    expect(commandOf(one.reply)).toEqual({ success: true, message: "127_0_0_1_52590 dropped" })
    expect([a.dropped.count, b.dropped.count]).toEqual([1, 0])
    const all = yield* api("/api/connections/*/eof=true")
    expect(commandOf(all.reply).success).toBe(true)
    expect(b.dropped.count).toBe(1)
    expect(registry.size()).toBe(0)
    const none = yield* api("/api/connections/*/eof=true")
    expect(commandOf(none.reply)).toEqual({ success: true, message: "nothing matched: no change" })
  }))

  live("server/control: disable, latency, timeout, reads, and done", () => Effect.gen(function* () {
    const control = yield* ServerControl
    expect(commandOf((yield* api("/api/server/control/disable=true")).reply).success).toBe(true)
    expect(control.unsafeState().disabled).toBe(true)
    const read = yield* api("/api/server/control/disable")
    expect(commandOf(read.reply).value).toEqual({ control: true })
    expect(read.reply.alarm).toContain("server disabled: the EtherNet/IP port is closed")
    expect(commandOf((yield* api("/api/server/control/disable/no")).reply).success).toBe(true)
    expect(control.unsafeState().disabled).toBe(false)
    expect(commandOf((yield* api("/api/server/control/latency=0.25")).reply).success).toBe(true)
    expect(commandOf((yield* api("/api/server/control/timeout=30")).reply).success).toBe(true)
    expect(control.unsafeState()).toMatchObject({ latency: 0.25, timeout: 30 })
    expect((yield* api("/api/server/control/latency=0")).status).toBe(400)
    expect((yield* api("/api/server/control/timeout=-1")).status).toBe(400)
    expect(control.unsafeState()).toMatchObject({ latency: 0.25, timeout: 30 })
    const done = yield* api("/api/server/control/done=true")
    expect(commandOf(done.reply)).toEqual({ success: true, message: "server done: exiting" })
    yield* control.awaitDone.pipe(Effect.timeout("2 seconds"))
    expect(control.unsafeState().done).toBe(true)
  }))
})

describe("web API: an app's own layers (no Simulator in the context)", () => {
  live("one controller named plc: its controllers row follows the services; /healthz stays 200; /metrics names it", () => Effect.gen(function* () {
    const control = yield* ServerControl
    const store = yield* TagStore
    const row = () => Effect.map(fetchText("/api/controllers"), (r) => JSON.parse(r.text).data.controllers)
    expect(yield* row()).toEqual({
      plc: { address: "", state: "running", sessions: 0, requests: 0, tags: 5, product: "", serial: 0, delay: 0, errors: 0 }
    })
    yield* addSession("127.0.0.1", 52590)
    yield* control.setDelay(0.5)
    yield* store.setError("FLAG", { status: 0x08 })
    yield* store.setError("TEXT", { status: 0x05 })
    expect((yield* row()).plc).toMatchObject({ sessions: 1, delay: 0.5, errors: 2, state: "running" })
    // A field read answers for the one controller by its name.
    expect(commandOf((yield* api("/api/controllers/*/errors")).reply)).toMatchObject({ success: true, message: "plc.errors == 2" })
    yield* control.setDisabled(true)
    expect((yield* row()).plc.state).toBe("disabled")
    const health = yield* fetchText("/healthz")
    expect([health.status, JSON.parse(health.text)]).toEqual([200, { status: "ok", controllers: 1, down: [] }])
    const metrics = (yield* fetchText("/metrics")).text
    expect(metrics).toMatch(/^cpppo_disabled\{controller="plc"\} 1$/m)
    yield* control.finish
    expect((yield* row()).plc.state).toBe("done")
  }))
})

describe("web API: --web-token", () => {
  it.live("state-changing commands need the bearer token; reads stay open", () => Effect.gen(function* () {
    const store = yield* TagStore
    const read = yield* api("/api/tags/SCADA/attribute[0]")
    expect(read.status).toBe(200)
    const refused = yield* api("/api/tags/SCADA/attribute[0]=5")
    expect(refused.status).toBe(401)
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/)
    expect(commandOf(refused.reply).message).toMatch(/Authorization: Bearer/)
    const wrong = yield* api("/api/tags/SCADA/attribute[0]=5", { headers: { authorization: "Bearer nope" } })
    expect(wrong.status).toBe(401)
    expect(yield* store.read("SCADA", 0, 1)).toEqual([0])
    const ok = yield* api("/api/tags/SCADA/attribute[0]=5", { headers: { authorization: "Bearer s3cret" } })
    expect(ok.status).toBe(200)
    expect(yield* store.read("SCADA", 0, 1)).toEqual([5])
  }).pipe(Effect.provide(webEnv({ token: "s3cret" })), Effect.scoped))
})

describe("web server lifecycle", () => {
  it.live("closing the layer ends open live streams instead of hanging", () => Effect.gen(function* () {
    const opened = yield* Deferred.make<void>()
    let port = 0
    const started = Date.now()
    yield* Effect.gen(function* () {
      const server = yield* WebServer
      port = server.port
      const ctrl = new AbortController()
      const res = yield* Effect.promise(() => fetch(`${server.url}/events`, { signal: ctrl.signal }))
      const reader = res.body!.getReader()
      yield* Effect.promise(() => reader.read())
      yield* Deferred.succeed(opened, undefined)
    }).pipe(Effect.provide(webEnv()), Effect.scoped, Effect.timeout("5 seconds"))
    expect(yield* Deferred.isDone(opened)).toBe(true)
    expect(Date.now() - started).toBeLessThan(4000)
    // The port is closed after the layer is gone.
    const refused = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/api`).then(() => false, () => true))
    expect(refused).toBe(true)
  }))
})
