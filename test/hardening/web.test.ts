/**
 * The web API given malformed paths and values: every one → `success: false` (never a crash or
 * an HTML error page), and nothing changes — tag values, delay, disable, forced errors, sessions.
 */
import { Context, Effect, Either, Layer, Logger, LogLevel } from "effect"
import { describe, expect, it } from "vitest"
import { ConnectionRegistry, EnipServer, ServerControl, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { WebApiLive, WebServer } from "../../src/web/server.js"
import { exchange, openSession } from "../../scripts/fuzz/healthy.js"

const BAD = [
  "/api/tags/SCADA/attribute[99]=1", "/api/tags/SCADA/attribute[0]=abc", "/api/tags/SCADA/attribute[a-b]=1",
  "/api/tags/SCADA/attribute[3-1]=1,2,3", "/api/tags/SCADA/attribute[0-1]=1,2,3", "/api/tags/SCADA/attribute[0]=99999",
  "/api/tags/SCADA/attribute[-1]=1", "/api/tags/SCADA/attribute[0]=", "/api/tags/NOPE/attribute=1", "/api/tags/SCADA/colour=1",
  "/api/tags/SCADA/error=abc", "/api/tags/SCADA/attribute[0]=1e400", "/api/tags/FLAG/attribute=perhaps",
  "/api/options/delay/value=-1", "/api/options/delay/value=abc", "/api/options/delay/range=2-1", "/api/options/delay/range=x",
  "/api/server/control/disable=maybe", "/api/server/control/latency=0", "/api/server/control/timeout=-1",
  "/api/connections/*/eof/maybe", "/api/tags/SCADA/attribute[" + "9".repeat(400) + "]=1",
  "/api/tags/SCADA/attribute[0]=" + "1,".repeat(2000) + "1"
]

const env = () => WebApiLive({ host: "127.0.0.1", port: 0 }).pipe(
  Layer.provideMerge(SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags: ["SCADA=INT[10]", "FLAG=BOOL"] })),
  Layer.provide(Logger.minimumLogLevel(LogLevel.None))
)

/** `command.success` of an API reply, or a description of what came back instead. */
const successOf = async (url: string): Promise<unknown> => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
    const text = await res.text()
    try {
      const body = JSON.parse(text) as { command?: { success?: unknown } }
      return body.command?.success ?? "no command in reply"
    } catch {
      return `not JSON (HTTP ${res.status}): ${text.slice(0, 60)}`
    }
  } catch (e) {
    return `request failed: ${String(e)}`
  }
}

describe("web API: bad input", () => {
  it("malformed paths and values → success:false, nothing changed (values, delay, disable, forced errors, sessions)", async () => {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(env())
      const url = Context.get(ctx, WebServer).url
      const tags = Context.get(ctx, TagStore)
      const control = Context.get(ctx, ServerControl)
      const registry = Context.get(ctx, ConnectionRegistry)
      // A live session, so that `connections/*` matches something.
      const session = yield* Effect.promise(() => openSession(Context.get(ctx, EnipServer).address.port))
      const before = { scada: yield* tags.read("SCADA"), flag: yield* tags.read("FLAG"), state: yield* control.state, sessions: registry.size() }
      const results = yield* Effect.promise(() => Promise.all(BAD.map(async (p) => ({ path: p.slice(0, 60), success: await successOf(url + p) }))))
      expect(results).toEqual(BAD.map((p) => ({ path: p.slice(0, 60), success: false })))
      const after = { scada: yield* tags.read("SCADA"), flag: yield* tags.read("FLAG"), state: yield* control.state, sessions: registry.size() }
      expect(after).toEqual(before)
      expect(before.sessions).toBe(1)
      expect(tags.find("SCADA")?.error).toBeUndefined()
      session.conn.destroy()
    })))
  }, 30_000)

  // Were findings (fixed): a malformed percent-escape in a path was answered 404 "not found: try / or
  // /api" as plain text (not a JSON refusal); `connections/*/eof/maybe` with no session open
  // answers success:true ("nothing matched") — the bad value is only checked when a session matches.
  it("a malformed %-escape, and a bad eof value with no sessions → success:false", async () => {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(env())
      const url = Context.get(ctx, WebServer).url
      const results = yield* Effect.promise(() => Promise.all(["/api/tags/SCADA/attribute[0]=%zz", "/api/connections/*/eof/maybe"].map((p) => successOf(url + p))))
      expect(results).toEqual([false, false])
    })))
  }, 30_000)
})

describe("web API: one request must not freeze the process", () => {
  // Were findings: the glob → RegExp translation backtracked exponentially (`/api/` + 27 `*` + `Z`
  // took 5.2 s; `/api/connections/` + 19 `*` + `Z` with one session open took 30 s, and the
  // EtherNet/IP side stopped meanwhile); an invalid class `[z-a]` threw inside the handler (HTTP 500
  // with an empty body).
  it("star-heavy near misses are answered at once while a client keeps reading; [z-a] is refused", async () => {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(env())
      const url = Context.get(ctx, WebServer).url
      const session = yield* Effect.promise(() => openSession(Context.get(ctx, EnipServer).address.port))
      const attacks = [`/api/${"*".repeat(27)}Z`, `/api/connections/${"*".repeat(19)}Z`, `/api/tags/${"*".repeat(200)}Z/attribute`]
      const answers = yield* Effect.promise(async () => {
        // The healthy client reads while the attacks are in flight: each read must come back promptly.
        let slowest = 0
        let reads = 0
        let done = false
        const reader = (async () => {
          while (!done) {
            const t = performance.now()
            const r = await exchange(session.conn, session.session, { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "SCADA" }], elements: 1 }, 5000)
            if (Either.isLeft(r)) throw new Error(r.left)
            slowest = Math.max(slowest, performance.now() - t)
            reads++
          }
        })()
        const bodies = await Promise.all(attacks.map(async (p) => {
          const res = await fetch(url + p, { signal: AbortSignal.timeout(10_000) })
          return { status: res.status, body: JSON.parse(await res.text()) as { command: unknown; data: Record<string, Record<string, unknown>> } }
        }))
        done = true
        await reader
        return { bodies, slowest, reads }
      })
      // No group ends in Z (400: unknown group); no session nor tag matches (200, nothing matched).
      expect(answers.bodies.map((b) => b.status)).toEqual([400, 200, 200])
      expect(answers.bodies[1]!.body.data).toEqual({ connections: {} })
      expect(answers.bodies[2]!.body.data).toEqual({ tags: {} })
      expect(answers.reads).toBeGreaterThan(0)
      expect(answers.slowest).toBeLessThan(1000) // generous: a backtracking match held the loop for seconds
      const bad = yield* Effect.promise(async () => {
        const res = await fetch(`${url}/api/tags/[z-a]`, { signal: AbortSignal.timeout(5000) })
        return { status: res.status, body: JSON.parse(await res.text()) as { command: { success: boolean; message: string } } }
      })
      expect(bad.status).toBe(400)
      expect(bad.body.command).toEqual({ success: false, message: 'invalid glob "[z-a]": range z-a is reversed' })
      const long = yield* Effect.promise(() => successOf(`${url}/api/tags/${"*".repeat(300)}`))
      expect(long).toBe(false)
      session.conn.destroy()
    })))
  }, 60_000)
})
