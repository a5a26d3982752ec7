/**
 * The server's documented defaults, held by its behaviour (no option given): 4 MB of unsent
 * output per session, 2048 TCP sessions, a frame must complete within 10 s of its first byte,
 * a delay range re-drawn every second, idle timeout 120 s; and UnregisterSession closes only
 * after the replies queued before it have gone out.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as net from "node:net"
import { makeServerControl } from "../../src/server/control.js"
import { cipOf, eventually, isClosed, nextFrame, rawClient, readTagCip, register, sendRR, startSimulator, u32 } from "./fixture.js"

const TAGS = ["SCADA=INT[250]"]
const MB = 1024 * 1024

describe("server defaults, by behaviour", () => {
  it.scopedLive("unsent output: a client that never reads is dropped past 4 MB (plus kernel buffers), not hundreds of MB", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.socket.pause() // never read again
      const reply = 8 + 250 * 2 // one Read Tag reply's CIP data
      const batch = 100
      const request = Buffer.from(sendRR(s, readTagCip("SCADA", 250, 0)).repeat(batch), "hex")
      let requested = 0
      const dropped = yield* eventually(() => {
        if (sim.registry.size() === 0) return true
        if (requested < 200 * MB && !c.socket.destroyed) { c.socket.write(request); requested += batch * (reply + 44) }
        return false
      }, 20_000)
      expect(dropped).toBe(true)
      // More than the bound had to be asked for (the first 4 MB is held), and the drop came well
      // before 32 MB: the bound is 4 MB plus what the kernel buffers on loopback (about 4 MB more
      // when measured; a 40 MB or 400 MB bound fails here).
      expect(requested).toBeGreaterThan(4 * MB)
      expect(requested).toBeLessThan(32 * MB)
      // Another client is served meanwhile.
      const other = yield* rawClient(sim.port)
      const s2 = yield* register(other)
      other.send(sendRR(s2, readTagCip("SCADA")))
      expect(cipOf(yield* nextFrame(other))).toBe("cc000000c3000000")
    }), 60_000)

  it.scopedLive("sessions: 2048 TCP sessions are held at once; the 2049th is closed at once", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const sockets: Array<net.Socket> = []
      yield* Effect.addFinalizer(() => Effect.sync(() => { for (const s of sockets) s.destroy() }))
      // 64 sessions from each of 32 client addresses (64 is the per-address default).
      const open = (i: number) => new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect({ host: "127.0.0.1", port: sim.port, localAddress: `127.0.1.${1 + Math.floor(i / 64)}` })
        sockets.push(s)
        s.once("connect", () => resolve(s))
        s.once("error", reject)
      })
      for (let i = 0; i < 2048; i += 128) yield* Effect.promise(() => Promise.all(Array.from({ length: 128 }, (_, k) => open(i + k))))
      expect(yield* eventually(() => sim.registry.size() === 2048, 20_000)).toBe(true)
      expect(sim.registry.stats().refused).toBe(0)
      const extra = yield* Effect.promise(() => open(64 * 40)) // from an address of its own
      expect(yield* Effect.promise(() => new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 5000)
        extra.once("close", () => { clearTimeout(t); resolve(true) })
        extra.resume()
      }))).toBe(true)
      expect(sim.registry.stats().refused).toBe(1)
      expect(sim.registry.size()).toBe(2048)
    }), 60_000)

  it.scopedLive("a frame must complete within 10 s of its first byte (idle timeout 120 s by default)", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      expect(sim.control.unsafeState().timeout).toBe(120)
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      // A SendRRData header announcing 100 bytes, and 10 of them: never completed.
      const header = Buffer.alloc(24); header.writeUInt16LE(0x6f, 0); header.writeUInt16LE(100, 2); header.writeUInt32LE(s, 4)
      c.send(Buffer.concat([header, Buffer.alloc(10)]))
      // Still open well after a second (no shorter cap), closed by about 10 s (not the 120 s idle timeout).
      expect(yield* isClosed(c, 8000)).toBe(false)
      expect(yield* isClosed(c, 6000)).toBe(true)
    }), 30_000)

  it.scopedLive("UnregisterSession after pipelined requests: every reply before it goes out, then the close", () =>
    Effect.gen(function* () {
      const sim = yield* startSimulator({ tags: TAGS })
      const c = yield* rawClient(sim.port)
      const s = yield* register(c)
      c.socket.pause() // let the server's replies pile up in its write buffer before we read
      const n = 400 // 400 × ~450-byte replies: more than the socket takes in one write
      const unregister = "6600" + "0000" + u32(s) + "00000000" + "0000000000000000" + "00000000"
      c.send(Array.from({ length: n }, (_, i) => sendRR(s, readTagCip("SCADA", 200, 0), u32(i) + "00000000")).join("") + unregister)
      yield* Effect.sleep("200 millis")
      c.socket.resume()
      for (let i = 0; i < n; i++) {
        const f = yield* nextFrame(c, 5000)
        expect(Buffer.from(f).readUInt32LE(12)).toBe(i)
        expect(cipOf(f)!.slice(0, 12)).toBe("cc000000c300")
      }
      expect(yield* isClosed(c, 3000)).toBe(true)
    }), 30_000)
})

describe("ServerControl defaults", () => {
  it.scoped("a delay range is re-drawn every second (TestClock); idle timeout 120 s, latency 0.5 s", () =>
    Effect.gen(function* () {
      const control = yield* makeServerControl({ delay: [0.1, 0.9] })
      expect(control.unsafeState()).toMatchObject({ timeout: 120, latency: 0.5 })
      yield* Effect.yieldNow() // the re-draw fiber's first draw (at start)
      const values: Array<number> = []
      const sample = () => values.push(control.unsafeState().delay.value)
      sample()
      for (let ms = 0; ms < 5000; ms += 250) {
        yield* TestClock.adjust("250 millis")
        sample()
      }
      // 21 samples 250 ms apart: the value changes on each whole second, never in between.
      const changedAt = values.flatMap((v, i) => (i > 0 && v !== values[i - 1] ? [i * 250] : []))
      expect(changedAt).toEqual([1000, 2000, 3000, 4000, 5000])
      for (const v of values) { expect(v).toBeGreaterThanOrEqual(0.1); expect(v).toBeLessThanOrEqual(0.9) }
    }))
})
