/**
 * One session's own behaviour (src/server/session.ts), over the TCP listener with a handler of
 * the test's own, so that only the session is under test: the bytes and requests it counts (the
 * stats and its registry entry), replies in arrival order when some are answered later (an
 * Effect), a reply that closes the session after it is sent, a handler that throws (that session
 * dropped, the others served), a framing error after good frames, the hold while history is
 * behind (`congested`), and a frame trickled in byte by byte closed at the idle timeout.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeServerControl, type ServerControlService } from "../../src/server/control.js"
import { sessionFramer } from "../../src/server/framing.js"
import { makeProcessLimits } from "../../src/server/limits.js"
import { makeConnectionRegistry } from "../../src/server/registry.js"
import type { FrameOutcome, SessionOptions } from "../../src/server/session.js"
import { ControllerStats } from "../../src/server/stats.js"
import { serveTcp } from "../../src/server/tcp.js"
import { connect, type RawClient } from "./raw.js"
import { frame, nOf, opOf, tooLong } from "./sessionFrames.js"

/**
 * The handler: op 1 echoes; 2 throws; 3 replies and closes; 4 echoes after 50 ms (an Effect);
 * 5 answers nothing. A framing error answers a frame with op 0xee.
 */
const handle = (f: Uint8Array): FrameOutcome => {
  switch (f[24]) {
    case 1: return f.slice()
    case 2: throw new Error("handler bug")
    case 3: return { reply: f.slice(), close: true }
    case 4: { const copy = f.slice(); return Effect.as(Effect.sleep("50 millis"), copy) }
    default: return undefined
  }
}

const server = (extra: Partial<SessionOptions> & { control?: ServerControlService } = {}) =>
  Effect.gen(function* () {
    const control = extra.control ?? (yield* makeServerControl())
    const registry = makeConnectionRegistry()
    const stats = new ControllerStats()
    const limits = makeProcessLimits({ fdLimit: undefined })
    const session: SessionOptions = {
      makeFramer: () => sessionFramer(100),
      makeHandler: () => ({ frame: handle, framingError: () => frame(0xee), close: () => {} }),
      control, registry, stats, limits, maxOutput: 1 << 20, ...extra
    }
    const bound = yield* serveTcp({ host: "127.0.0.1", port: 0, maxSessions: 10, limits }, session, control, registry)
    return { port: bound.port, control, registry, stats, limits }
  })
const client = (port: number) => Effect.acquireRelease(Effect.promise(() => connect(port)), (c) => Effect.sync(() => c.close()))
const next = (c: RawClient) => Effect.promise(() => c.frame(3000))
const until = (ok: () => boolean) =>
  Effect.promise(async () => { for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 10)) })

describe("runSession", () => {
  it.scopedLive("counts bytes in and out and each request's latency; its registry entry counts bytes and requests", () =>
    Effect.gen(function* () {
      const { port, registry, stats } = yield* server()
      const c = yield* client(port)
      c.send(Buffer.concat([frame(1, 1), frame(1, 2), frame(5, 3)]))
      expect(nOf(yield* next(c))).toBe(1)
      expect(nOf(yield* next(c))).toBe(2)
      yield* until(() => stats.latencyCount === 3)
      expect(stats.bytesIn).toBe(75)
      expect(stats.bytesOut).toBe(50)
      expect(stats.latencyCount).toBe(3)
      const [entry] = registry.entries()
      expect(entry).toMatchObject({ interface: "127.0.0.1", port: c.socket.localPort, local: "127.0.0.1", localPort: port, received: 75, requests: 3, eof: false })
      c.socket.end()
      yield* until(() => registry.size() === 0)
      expect(entry!.eof).toBe(true)
      expect(registry.size()).toBe(0)
    }))

  it.scopedLive("replies leave in arrival order when an earlier one is answered later (an Effect)", () =>
    Effect.gen(function* () {
      const { port, stats } = yield* server()
      const c = yield* client(port)
      c.send(Buffer.concat([frame(4, 1), frame(1, 2), frame(4, 3), frame(1, 4)]))
      const order = [nOf(yield* next(c)), nOf(yield* next(c)), nOf(yield* next(c)), nOf(yield* next(c))]
      expect(order).toEqual([1, 2, 3, 4])
      yield* until(() => stats.latencyCount === 4)
      expect(stats.latencyCount).toBe(4)
      expect(stats.bytesOut).toBe(100)
      // Sent one at a time, the later frame still waits for the pending one.
      c.send(frame(4, 5))
      c.send(frame(1, 6))
      expect([nOf(yield* next(c)), nOf(yield* next(c))]).toEqual([5, 6])
    }))

  it.scopedLive("a reply that closes: sent, then the session ends (and leaves the registry)", () =>
    Effect.gen(function* () {
      const { port, registry } = yield* server()
      const c = yield* client(port)
      c.send(Buffer.concat([frame(1, 1), frame(3, 2), frame(1, 3)]))
      expect(nOf(yield* next(c))).toBe(1)
      expect(nOf(yield* next(c))).toBe(2)
      expect(yield* Effect.promise(() => c.closed(3000))).toBe(true)
      c.close()
      yield* until(() => registry.size() === 0)
      expect(registry.size()).toBe(0)
    }))

  it.scopedLive("a handler that throws drops that session only; frames after an Effect's failure close it too", () =>
    Effect.gen(function* () {
      const { port, registry } = yield* server()
      const a = yield* client(port)
      const b = yield* client(port)
      a.send(frame(2, 1))
      expect(yield* Effect.promise(() => a.closed(3000))).toBe(true)
      b.send(frame(1, 7))
      expect(nOf(yield* next(b))).toBe(7)
      yield* until(() => registry.size() === 1)
      expect(registry.size()).toBe(1)
      // Behind a pending frame the throwing one runs in the consumer: the session closes after
      // the pending reply.
      b.send(Buffer.concat([frame(4, 8), frame(2, 9)]))
      expect(nOf(yield* next(b))).toBe(8)
      expect(yield* Effect.promise(() => b.closed(3000))).toBe(true)
    }))

  it.scopedLive("a framing error: the good frames before it answered first (pending ones too), then its reply, then close", () =>
    Effect.gen(function* () {
      const { port } = yield* server()
      const c = yield* client(port)
      const bad = tooLong() // longer than the 100-byte frame limit
      c.send(Buffer.concat([frame(4, 1), frame(1, 2), bad]))
      expect(nOf(yield* next(c))).toBe(1)
      expect(nOf(yield* next(c))).toBe(2)
      expect(opOf(yield* next(c))).toBe(0xee)
      expect(yield* Effect.promise(() => c.closed(3000))).toBe(true)
      const d = yield* client(port)
      d.send(Buffer.concat([frame(1, 3), bad]))
      expect(nOf(yield* next(d))).toBe(3)
      expect(opOf(yield* next(d))).toBe(0xee)
      expect(yield* Effect.promise(() => d.closed(3000))).toBe(true)
    }))

  it.scopedLive("while history is behind (congested) nothing more is read; once caught up, the held requests are answered", () =>
    Effect.gen(function* () {
      let behind = false
      const { port } = yield* server({ congested: () => behind })
      const c = yield* client(port)
      c.send(frame(1, 1))
      expect(nOf(yield* next(c))).toBe(1)
      behind = true
      c.send(frame(1, 2)) // answered: read before the hold
      expect(nOf(yield* next(c))).toBe(2)
      c.send(frame(1, 3))
      expect(yield* Effect.promise(() => c.silent(200))).toBe(true)
      behind = false
      expect(nOf(yield* next(c))).toBe(3)
    }))

  it.scopedLive("whole frames keep a session open past the idle timeout; a frame trickled in closes it at the timeout", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl({ timeout: 0.3 })
      const { port } = yield* server({ control })
      const whole = yield* client(port)
      for (let i = 0; i < 4; i++) {
        whole.send(frame(1, i))
        expect(nOf(yield* next(whole))).toBe(i)
        yield* Effect.sleep("100 millis")
      }
      // 0.4 s of whole frames, past the 0.3 s timeout: still open. A frame trickled a byte every
      // 40 ms keeps the idle timer re-armed, but must complete within the timeout of its first byte.
      const part = yield* client(port)
      const bytes = frame(1, 9)
      let sent = 0
      while (sent < bytes.length && !part.socket.readableEnded && !part.socket.destroyed) {
        part.send(bytes.subarray(sent, ++sent))
        yield* Effect.sleep("40 millis")
      }
      expect(sent).toBeLessThan(bytes.length)
      expect(yield* Effect.promise(() => part.closed(3000))).toBe(true)
    }))
})
