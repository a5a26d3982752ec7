/**
 * Fault injection through ServerControl and the ConnectionRegistry, and the server's limits:
 * reply delay (fixed and range), forced tag errors, disable/enable, eof, idle timeout, maximum
 * sessions, and a client that never reads.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { sessionKey } from "../../src/server/registry.js"
import { connect } from "./raw.js"
import { cipOf, eventually, isClosed, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator, u16, u32 } from "./fixture.js"

const TAGS = ["SCADA=INT[250]"]
const ctx = (i: number) => u32(i) + "00000000"
const contextOf = (f: Uint8Array) => Buffer.from(f).readUInt32LE(12)

describe("fault injection", () => {
  it.scopedLive("delay 0.5: every reply ≥ 0.5 s after its request, pipelined replies stay in order", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, delay: 0.5 })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const sent: Array<number> = []
      for (let i = 0; i < 6; i++) {
        sent.push(performance.now())
        c.send(sendRR(s, readTagCip("SCADA", 1, i), ctx(i)))
        yield* Effect.sleep("20 millis")
      }
      const order: Array<number> = []
      for (let i = 0; i < 6; i++) {
        const f = yield* nextFrame(c, 3000)
        const k = contextOf(f)
        order.push(k)
        const waited = performance.now() - sent[k]!
        expect(waited).toBeGreaterThanOrEqual(495)
        expect(waited).toBeLessThan(1500) // measured from arrival, not serialized (6 × 0.5 s would be 3 s)
      }
      expect(order).toEqual([0, 1, 2, 3, 4, 5])
      // Back to no delay at run time.
      yield* sim.control.setDelay(0)
      const t0 = performance.now()
      c.send(sendRR(s, readTagCip("SCADA"), ctx(9)))
      expect(contextOf(yield* nextFrame(c))).toBe(9)
      expect(performance.now() - t0).toBeLessThan(400)
    }))

  it.scopedLive("delay range 0.1-0.3: replies delayed within the range, the value re-drawn every second", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      yield* sim.control.setDelayRange([0.1, 0.3])
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      const seen = new Set<number>()
      const until = Date.now() + 2300
      while (Date.now() < until) {
        const v = sim.control.unsafeState().delay.value
        expect(v).toBeGreaterThanOrEqual(0.1)
        expect(v).toBeLessThanOrEqual(0.3)
        seen.add(v)
        const t0 = performance.now()
        c.send(sendRR(s, readTagCip("SCADA")))
        yield* nextFrame(c)
        const waited = performance.now() - t0
        expect(waited).toBeGreaterThanOrEqual(95)
        expect(waited).toBeLessThan(800)
      }
      expect(seen.size).toBeGreaterThanOrEqual(2)
      expect(sim.control.unsafeState().delay.range).toEqual([0.1, 0.3])
    }))

  it.scopedLive("a forced tag error is returned (in place of the data) until cleared", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      yield* sim.tags.setError("SCADA", { status: 0x08 })
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000800")
      yield* sim.tags.setError("SCADA", { status: 0xff, extStatus: [0x2105] })
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc00ff010521")
      yield* sim.tags.setError("SCADA", undefined)
      c.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(c))).toBe("cc000000c3000000")
    }))

  it.scopedLive("disable drops existing sessions and refuses new connections; enable accepts again on the same port", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      yield* register(c)
      yield* sim.control.setDisabled(true)
      expect(yield* isClosed(c)).toBe(true)
      expect(yield* eventually(() => sim.registry.size() === 0)).toBe(true)
      const refused = yield* Effect.either(Effect.tryPromise(() => connect(sim.port, "127.0.0.1", 1000)))
      expect(refused._tag).toBe("Left")
      expect((yield* sim.control.state).listening).toBe(false)
      yield* sim.control.setDisabled(false)
      // Enabling returns once the port is open again: the first connect succeeds, no retry.
      expect((yield* sim.control.state).listening).toBe(true)
      const again = yield* Effect.tryPromise(() => connect(sim.port, "127.0.0.1", 1000))
      yield* Effect.addFinalizer(() => Effect.sync(() => again.close()))
      const s = yield* register(again)
      again.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(again))).toBe("cc000000c3000000")
    }))

  it.scopedLive("registry eof drops exactly that session", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const a = yield* rawClient(sim.port)
      const b = yield* rawClient(sim.port)
      const sa = yield* register(a)
      const sb = yield* register(b)
      const key = sessionKey("127.0.0.1", a.socket.localPort!)
      expect(sim.registry.get(key)?.requests).toBe(1)
      expect(yield* sim.registry.setEof(key)).toBe(true)
      expect(yield* isClosed(a)).toBe(true)
      expect(sim.registry.get(key)).toBeUndefined()
      b.send(sendRR(sb, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(b))).toBe("cc000000c3000000")
      expect(yield* sim.registry.setEof(key)).toBe(false)
      expect(sa).not.toBe(sb)
    }))

  it.scopedLive("idle timeout closes an idle session; a busy one stays", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, idleTimeout: 0.3 })
      const idle = yield* rawClient(sim.port)
      const busy = yield* rawClient(sim.port)
      const s = yield* register(busy)
      for (let i = 0; i < 8; i++) {
        yield* Effect.sleep("100 millis")
        busy.send(sendRR(s, readTagCip("SCADA")))
        expect(cipOf(yield* nextFrame(busy))).toBe("cc000000c3000000")
      }
      expect(yield* isClosed(idle, 2000)).toBe(true)
      expect(yield* isClosed(busy, 10)).toBe(false)
    }))

  it.scopedLive("max sessions: extra connections are closed at once and counted; a freed slot is reused", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxSessions: 3 })
      const clients = yield* Effect.all([0, 1, 2].map(() => rawClient(sim.port)))
      for (const c of clients) yield* register(c)
      const extra = yield* rawClient(sim.port)
      expect(yield* isClosed(extra)).toBe(true)
      expect(sim.registry.stats().refused).toBe(1)
      expect(sim.registry.size()).toBe(3)
      clients[0]!.close()
      expect(yield* eventually(() => sim.registry.size() === 2)).toBe(true)
      const next = yield* rawClient(sim.port)
      const s = yield* register(next)
      next.send(sendRR(s, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(next))).toBe("cc000000c3000000")
    }))

  it.scopedLive("a client that never reads its replies is closed once its unsent output passes the bound", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxOutput: 256 * 1024 })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.socket.pause() // never read again
      // Unsent output sits in socket Buffers, which live outside the JS heap: count both.
      const memory = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.external }
      const heap0 = memory()
      const request = Buffer.from(sendRR(s, readTagCip("SCADA", 250, 0)).repeat(100), "hex") // 100 × ~550-byte replies
      let batches = 0
      const dropped = yield* eventually(() => {
        if (sim.registry.size() === 0) return true
        if (batches < 2000 && !c.socket.destroyed) { c.socket.write(request); batches++ }
        return false
      }, 10_000)
      expect(dropped).toBe(true)
      // Tens of MB of replies were asked for; the server held at most its bound (plus kernel buffers).
      expect(batches * 100 * 550).toBeGreaterThan(1024 * 1024)
      expect(memory() - heap0).toBeLessThan(64 * 1024 * 1024)
      const other = yield* rawClient(sim.port)
      const s2 = yield* register(other)
      other.send(sendRR(s2, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(other))).toBe("cc000000c3000000")
    }))

  it.scopedLive("an idle timeout changed at run time applies to sessions already open", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, idleTimeout: 0 })
      const c = yield* rawClient(sim.port)
      yield* register(c)
      expect(yield* isClosed(c, 300)).toBe(false)
      yield* sim.control.setTimeout(0.2)
      expect(yield* isClosed(c, 2000)).toBe(true)
    }))

  it.scopedLive("a Forward Open connection idle past RPI × multiplier is swept; its connected requests then fail 0x01/0x0107", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      yield* sim.control.setLatency(0.05)
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      // Forward Open, timeout multiplier 0 (×4), RPIs 20 ms → the connection times out after 80 ms.
      const rpi = u32(20_000)
      c.send(sendRR(s, "540220062401" + "059d" + "01010000ffffffff010134120100000000000000" + rpi + "fe43" + rpi + "fe43" + "a3" + "03010020022401"))
      const open = Buffer.from(cipOf(yield* nextFrame(c))!, "hex")
      expect(open.subarray(0, 4).toString("hex")).toBe("d4000000")
      const ot = open.readUInt32LE(4)
      const unitData = (seq: number) => {
        const cip = readTagCip("SCADA")
        const body = "00000000" + "0000" + "0200" + "a100" + "0400" + u32(ot) + "b100" + u16(2 + cip.length / 2) + u16(seq) + cip
        return "7000" + u16(body.length / 2) + u32(s) + "00000000" + "0000000000000000" + "00000000" + body
      }
      c.send(unitData(1))
      expect(Buffer.from(yield* nextFrame(c)).subarray(-8).toString("hex")).toBe("cc000000c3000000")
      expect(sim.controller.connections()).toHaveLength(1)
      expect(yield* eventually(() => sim.controller.connections().length === 0, 2000)).toBe(true)
      c.send(unitData(2))
      const failed = Buffer.from(yield* nextFrame(c))
      expect(failed.subarray(-6).toString("hex")).toBe("cc0001010701")
    }))

  it.scopedLive("closing the simulator's scope closes every session and the listening port", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const sim = yield* Scope.extend(startSimulator({ tags: TAGS }), scope)
      const clients = yield* Effect.all([0, 1, 2].map(() => rawClient(sim.port)))
      for (const c of clients) yield* register(c)
      yield* Scope.close(scope, Exit.void)
      for (const c of clients) expect(yield* isClosed(c, 2000)).toBe(true)
      const refused = yield* Effect.either(Effect.tryPromise(() => connect(sim.port, "127.0.0.1", 1000)))
      expect(refused._tag).toBe("Left")
    }))

  it.scopedLive("max sessions holds under a burst of simultaneous connections", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS, maxSessions: 3 })
      const clients = yield* Effect.all(Array.from({ length: 20 }, () => rawClient(sim.port)), { concurrency: "unbounded" })
      let open = 0
      for (const c of clients) if (!(yield* isClosed(c, 100))) open++
      expect(open).toBe(3)
      expect(sim.registry.size()).toBe(3)
      expect(sim.registry.stats()).toEqual({ accepted: 3, refused: 17, closed: 0 })
    }))
})
