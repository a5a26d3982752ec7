/**
 * The web API given malformed paths and values: every one → `success: false` (never a crash or
 * an HTML error page), and nothing changes — tag values, delay, disable, forced errors, sessions.
 */
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import { describe, expect, it } from "vitest"
import { ConnectionRegistry, EnipServer, ServerControl, SimulatorLive, TagStore } from "../../src/server/simulator.js"
import { WebApiLive, WebServer } from "../../src/web/server.js"
import { openSession } from "../../scripts/fuzz/healthy.js"

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
