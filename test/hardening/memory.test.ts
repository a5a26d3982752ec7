/**
 * Process-wide limits (issue 20, item 6): one budget for the bytes all sessions hold, shedding the
 * sessions that hold the most; sessions per peer address; sessions in all fitted to the
 * file-descriptor limit.
 */
import { Context, Effect, Either, Layer, Logger } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { describe, expect, it } from "vitest"
import { encodeRequest } from "../../src/cip/request.js"
import { makeProcessLimits, ProcessLimits, readFdLimit } from "../../src/server/limits.js"
import { ConnectionRegistry, EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { startServerChild } from "../../scripts/fuzz/child.js"
import { type Conn, connect, sessionOf } from "../../scripts/fuzz/conn.js"
import { exchange, openSession } from "../../scripts/fuzz/healthy.js"
import { registerFrame, sendUnit } from "../../scripts/fuzz/seeds.js"
import { withSim } from "./sim.js"

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const params = { size: 4002, variable: true, priority: 0, type: 2, redundantOwner: false }
const largeForwardOpen = (serial: number): CipRequest => ({
  _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], large: true, priorityTimeTick: 7, timeoutTicks: 0xe8,
  otConnectionId: 0, toConnectionId: serial, connectionSerial: serial, originatorVendor: 0x1234, originatorSerial: 0xbeef,
  timeoutMultiplier: 3, otRpi: 2_000_000, otParams: params, toRpi: 2_000_000, toParams: params, transportClassTrigger: 0xa3,
  connectionPath: [{ _tag: "Port", port: 1, link: 0 }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }]
})

/** Connect and wait to see whether the server keeps the connection (registers) or closes it at once. */
const tryConnect = async (port: number, localAddress?: string): Promise<Conn | "closed"> => {
  const c = await connect(port, "127.0.0.1", 3000, localAddress)
  c.send(registerFrame())
  const o = await c.next(2000)
  if (o._tag === "Frame") return c
  c.destroy()
  return "closed"
}

describe("sessions per peer address", () => {
  // Was a finding: only the total (2,048) limited sessions, so one client machine could take all.
  it("64 from 127.0.0.1 by default; the 65th is closed at once, counted as refused; 127.0.0.2 still gets in", () =>
    withSim({ tags: ["SCADA=INT[10]"] }, async ({ port, registry }) => {
      const conns: Array<Conn> = []
      for (let i = 0; i < 64; i++) {
        const c = await tryConnect(port)
        expect(c, `session ${i}`).not.toBe("closed")
        conns.push(c as Conn)
      }
      expect(await tryConnect(port)).toBe("closed")
      const other = await tryConnect(port, "127.0.0.2")
      expect(other).not.toBe("closed")
      expect(registry.size()).toBe(65)
      expect(registry.stats().refused).toBe(1)
      // A place freed is taken again.
      conns.pop()!.destroy()
      for (let i = 0; i < 50 && registry.size() > 64; i++) await sleep(20)
      const again = await tryConnect(port)
      expect(again).not.toBe("closed")
      for (const c of [...conns, other as Conn, again as Conn]) c.destroy()
    }), 30_000)
})

describe("sessions fitted to the file-descriptor limit", () => {
  it("reads the limit on Linux; with 70 descriptors a server takes 6 sessions (64 are kept for the rest)", async () => {
    if (process.platform === "linux") expect(readFdLimit()).toBeGreaterThan(0)
    expect(makeProcessLimits({ fdLimit: 70 }).maxSessions).toBe(6)
    expect(makeProcessLimits({ fdLimit: undefined }).maxSessions).toBe(Infinity)
    const logs: Array<string> = []
    const logger = Logger.make(({ message }) => { logs.push(String(message)) })
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(SimulatorLive({ host: "127.0.0.1", port: 0, udp: false, tags: ["SCADA=INT[10]"] }).pipe(
        Layer.provide(Layer.succeed(ProcessLimits, makeProcessLimits({ fdLimit: 70 }))),
        Layer.provide(Logger.replace(Logger.defaultLogger, logger))
      ))
      const port = Context.get(ctx, EnipServer).address.port
      const registry = Context.get(ctx, ConnectionRegistry)
      yield* Effect.promise(async () => {
        const conns: Array<Conn> = []
        for (let i = 0; i < 6; i++) conns.push(await tryConnect(port) as Conn)
        expect(conns.every((c) => typeof c === "object")).toBe(true)
        expect(await tryConnect(port)).toBe("closed")
        expect(registry.size()).toBe(6)
        for (const c of conns) c.destroy()
      })
    }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))))
    expect(logs.some((l) => /file-descriptor limit \(70\) allows 6 sessions, not 2048 \(the default\)/.test(l)), logs.join("\n")).toBe(true)
  }, 30_000)
})

describe("one memory budget for all sessions", () => {
  it("the sessions holding the most are shed first, only until the process is back within the budget", () => {
    const limits = makeProcessLimits({ maxBytes: 1000, fdLimit: undefined })
    const held = new Map<string, number>()
    const shed: Array<string> = []
    const charges = new Map<string, { update: () => void; release: () => void }>()
    for (const name of ["healthy", "small", "big", "bigger", "biggest"]) {
      held.set(name, 0)
      charges.set(name, limits.charge({ held: () => held.get(name)!, shed: () => { shed.push(name) } }))
    }
    const set = (name: string, bytes: number) => { held.set(name, bytes); charges.get(name)!.update() }
    set("healthy", 10)
    set("small", 90)
    set("big", 300)
    set("bigger", 400)
    expect(shed).toEqual([])
    expect(limits.stats().held).toBe(800)
    // 1,300 held: the one holding the most (500) is shed, which brings it to 800; no one else.
    set("biggest", 500)
    expect(shed).toEqual(["biggest"])
    expect(limits.stats().held).toBe(800)
    // A shed session no longer counts. Two grow past the budget: the larger of them goes.
    set("big", 450)
    set("bigger", 500)
    expect(shed).toEqual(["biggest", "bigger"])
    expect(limits.stats()).toMatchObject({ held: 550, shed: 2 })
    // A release frees its bytes at once; healthy and small were never shed.
    charges.get("big")!.release()
    expect(limits.stats().held).toBe(100)
    expect(shed).not.toContain("healthy")
    expect(shed).not.toContain("small")
  })

  // Was a finding: per-session caps (4 MB unsent + 1 MB queued) × 2,048 sessions; 200 sessions
  // that never read took the server to 1.75 GB RSS and a healthy client timed out for 15–20 s.
  it("200 sessions that never read: the worst are shed, the held bytes stay within the budget, the healthy client is served", async () => {
    const budget = 16 * 1024 * 1024
    // The per-session cap (4 MB) is lifted to 64 MB here, so that the process-wide budget is what
    // holds: sessions each under their own cap were how 200 of them reached 1.75 GB.
    const server = await startServerChild({ tags: ["BIG=INT[2000]", "OK=DINT[1]"], maxBufferedBytes: budget, maxSessionsPerPeer: 1000, maxOutput: 64 << 20 })
    try {
      const base = await server.stats({ gc: true })
      // The healthy client reads (and writes) throughout.
      let stop = false
      let slowest = 0
      let operations = 0
      const failures: Array<string> = []
      const healthy = (async () => {
        const s = await openSession(server.port)
        let v = 1
        while (!stop) {
          const t = performance.now()
          const data = Uint8Array.from(Buffer.from(Int32Array.of(v).buffer))
          // Generous timeouts: on a 2-core machine shared with other work the server's share of the
          // CPU is small while 200 sessions flood it; what must not happen is an operation failing.
          const w = await exchange(s.conn, s.session, { _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "OK" }], type: { code: 0xc4 }, elements: 1, data }, 20_000)
          const r = await exchange(s.conn, s.session, { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "OK" }], elements: 1 }, 20_000)
          slowest = Math.max(slowest, performance.now() - t)
          operations += 2
          if (Either.isLeft(w) || Either.isLeft(r) || r.right._tag !== "ReadTag" || Buffer.from(r.right.data).readInt32LE(0) !== v) {
            failures.push(Either.isLeft(w) ? w.left : Either.isLeft(r) ? r.left : "wrong value")
            break
          }
          v++
          await sleep(5)
        }
        s.conn.destroy()
      })()
      // 200 sessions from 200 addresses, each on a Large Forward Open connection. All are set up
      // first (20 at a time, so that set-up does not race the flood on a loaded machine), then each
      // pipelines 1,200 reads of 4,000 bytes (4.8 MB, of which the kernel's socket buffers take a
      // few) and never reads.
      const read = encodeRequest({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "BIG" }], elements: 2000 })
      const muted: Array<{ readonly conn: Conn; readonly session: number; readonly otId: number }> = []
      const setUp = async (i: number) => {
        const c = await connect(server.port, "127.0.0.1", 10_000, `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`)
        c.send(registerFrame())
        const o = await c.next(10_000)
        if (o._tag !== "Frame") throw new Error(`mute ${i}: no RegisterSession reply (${o._tag})`)
        const session = sessionOf(o.frame)
        const fo = await exchange(c, session, largeForwardOpen(i + 1), 10_000)
        if (Either.isLeft(fo) || fo.right._tag !== "ForwardOpen") throw new Error(`mute ${i}: Forward Open failed`)
        muted.push({ conn: c, session, otId: fo.right.otConnectionId })
      }
      for (let i = 0; i < 200; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => setUp(i + k)))
      const mutes = muted.map((m) => m.conn.socket)
      for (const m of mutes) m.pause()
      for (let k = 0; k < 12; k++) {
        for (const { conn, session, otId } of muted) {
          conn.socket.write(Buffer.concat(Array.from({ length: 100 }, (_, j) => sendUnit(session, otId, k * 100 + j + 1, read))))
        }
        await sleep(5)
      }
      // Until the server has answered the backlog (or sheds): bounded.
      let during = await server.stats()
      for (let i = 0; i < 100 && during.shed === 0; i++) { await sleep(200); during = await server.stats() }
      await sleep(1000)
      during = await server.stats()
      console.log(`budget test: held ${(during.held / 1048576).toFixed(1)} MiB, shed ${during.shed}, peak RSS +${((during.peakRss - base.rss) / 1048576).toFixed(0)} MB, healthy slowest ${slowest.toFixed(0)} ms over ${operations} operations`)
      stop = true
      await healthy
      for (const m of mutes) m.destroy()
      expect(mutes.length).toBe(200)
      expect(failures).toEqual([])
      expect(operations).toBeGreaterThan(50)
      expect(slowest).toBeLessThan(20_000) // a hang guard only (the server shares 2 busy cores with the attack)
      expect(during.shed).toBeGreaterThan(0)
      expect(during.held).toBeLessThanOrEqual(budget)
      // The budget counts bytes; node's buffers cost more per byte, but nowhere near 1.75 GB.
      expect(during.peakRss - base.rss).toBeLessThan(250 * 1024 * 1024)
    } finally {
      await server.stop()
    }
  }, 120_000)
})
