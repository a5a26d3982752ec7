/**
 * The ModbusPoller (src/modbus/poller.ts) as a device sees it: a scripted Modbus/TCP device on
 * 127.0.0.1 port 0 records every request (unit id, function, address, quantity) and answers as
 * the test asks (at once, held, never, malformed, or by closing). The poller's options on the
 * wire (unit, reach, depth, limits), the reconnect back-off under a TestClock (each sleep's length
 * read from the clock, no timing), and what goes stale why.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Schedule, Stream, type Scope, TestClock, TestContext } from "effect"
import * as net from "node:net"
import { bitsResponse, decodeRequest, encodeAdu, exceptionPdu, isRequestException, makeMbapFramer, type ModbusRequest, readMbap, registersResponse } from "../../src/modbus/codec.js"
import { makeModbusPoller } from "../../src/modbus/poller.js"
import { HANG_GUARD, sleep } from "./helpers.js"

/** One request as the device received it. */
export interface Seen {
  readonly conn: number
  readonly unit: number
  readonly request: ModbusRequest
  /** When it arrived (epoch ms). */
  readonly at: number
}

/** What the device does with a request: a response PDU, or hold it, never answer, or close. */
export type Answer = Uint8Array | "hold" | "silent" | "close"

/** Holding register n reads n, input register n reads 1000 + n, coil/discrete n reads n % 3 === 0. */
export const defaultAnswer = (r: ModbusRequest): Answer => {
  switch (r.fc) {
    case 1: case 2:
      return bitsResponse(r.fc, Array.from({ length: r.quantity }, (_, i) => (r.address + i) % 3 === 0))
    case 3: case 4: {
      const b = Buffer.alloc(2 * r.quantity)
      for (let i = 0; i < r.quantity; i++) b.writeUInt16BE((r.address + i + (r.fc === 4 ? 1000 : 0)) & 0xffff, 2 * i)
      return registersResponse(r.fc, b)
    }
    case 5: case 6: {
      const b = Buffer.alloc(5)
      b[0] = r.fc
      b.writeUInt16BE(r.address, 1)
      b.writeUInt16BE(r.fc === 5 ? (r.value ? 0xff00 : 0) : r.value, 3)
      return Uint8Array.from(b)
    }
    case 15: case 16: {
      const b = Buffer.alloc(5)
      b[0] = r.fc
      b.writeUInt16BE(r.address, 1)
      b.writeUInt16BE(r.values.length, 3)
      return Uint8Array.from(b)
    }
    default:
      return Uint8Array.of(r.fc | 0x80, 1)
  }
}

export interface Scripted {
  readonly port: number
  readonly seen: Array<Seen>
  /** Connections accepted so far. */
  readonly accepts: () => number
  /** Send the held answers (in order). */
  readonly release: () => void
  /** Resolves once `n` requests have arrived. */
  readonly arrived: (n: number) => Promise<void>
  /** Resolves once `n` connections were accepted. */
  readonly accepted: (n: number) => Promise<void>
  /** Close every open connection. */
  readonly drop: () => void
}

/**
 * A device answering through `answer` (default `defaultAnswer`); `onAccept` may close a new
 * connection at once (return "close").
 */
export const scripted = (
  answer: (r: ModbusRequest, seen: Seen) => Answer = defaultAnswer,
  onAccept: (conn: number) => "serve" | "close" = () => "serve"
): Effect.Effect<Scripted, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Scripted & { readonly server: net.Server; readonly sockets: Array<net.Socket> }>((resume) => {
      const seen: Array<Seen> = []
      const sockets: Array<net.Socket> = []
      const held: Array<() => void> = []
      const waiters: Array<() => void> = []
      let accepts = 0
      const wake = () => { for (const w of waiters.splice(0)) w() }
      const server = net.createServer((s) => {
        const conn = ++accepts
        s.on("error", () => {})
        sockets.push(s)
        wake()
        if (onAccept(conn) === "close") { s.destroy(); return }
        const framer = makeMbapFramer()
        s.on("data", (chunk) => {
          for (const f of framer.push(chunk).frames) {
            const mbap = readMbap(f)
            const r = decodeRequest(f.subarray(7))
            if (isRequestException(r)) throw new Error(`the poller sent a bad request: ${Buffer.from(f).toString("hex")}`)
            const one: Seen = { conn, unit: mbap.unit, request: r, at: Date.now() }
            seen.push(one)
            const a = answer(r, one)
            const send = (pdu: Uint8Array) => { if (!s.destroyed) s.write(encodeAdu(mbap.transaction, mbap.unit, pdu)) }
            if (a === "close") s.destroy()
            else if (a === "hold") held.push(() => send(defaultAnswer(r) as Uint8Array))
            else if (a !== "silent") send(a)
          }
          wake()
        })
      })
      const until = (ok: () => boolean): Promise<void> =>
        ok() ? Promise.resolve() : new Promise((done) => waiters.push(() => { void until(ok).then(done) }))
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({
          port: (server.address() as net.AddressInfo).port,
          seen,
          accepts: () => accepts,
          release: () => { for (const h of held.splice(0)) h() },
          arrived: (n) => until(() => seen.length >= n),
          accepted: (n) => until(() => accepts >= n),
          drop: () => { for (const s of sockets) s.destroy() },
          server,
          sockets
        })))
    }),
    (d) => Effect.async<void>((resume) => { for (const s of d.sockets) s.destroy(); d.server.close(() => resume(Effect.void)) })
  )

/** Wait (in real time) until the poller is connected: a slow rate's first cycle then reads at once. */
const up = (p: { readonly connected: () => boolean }) =>
  Effect.gen(function* () { while (!p.connected()) yield* Effect.promise(() => sleep(5)) })
/** Retried until it succeeds (every 10 ms, up to 5 s): the answer is on its way. */
const eventually = <A, E>(e: Effect.Effect<A, E>) => Effect.retry(e, { schedule: Schedule.spaced("10 millis"), times: 500 })
const run = <A, E>(e: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Effect.scoped(e))
const wait = (p: () => Promise<void>) => Effect.promise(p)
/** The reads as `fc address quantity`. */
const reads = (seen: ReadonlyArray<Seen>) =>
  seen.map((s) => s.request).filter((r): r is Extract<ModbusRequest, { readonly fc: 1 | 2 | 3 | 4 }> => r.fc <= 4)
    .map((r) => `${r.fc} ${r.address} ${r.quantity}`)

describe("ModbusPoller options on the wire", HANG_GUARD, () => {
  it("every request carries the configured unit id; without one, unit 1", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, unit: 7, rate: 0.02 })
      yield* p.poll("40001")
      yield* wait(() => d.arrived(2))
      yield* p.write("40002", 5)
      expect(d.seen.some((s) => s.request.fc === 6)).toBe(true)
      expect(new Set(d.seen.map((s) => s.unit))).toEqual(new Set([7]))
      const e = yield* scripted()
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 0.02 })
      yield* q.poll("1")
      yield* wait(() => e.arrived(2))
      expect(new Set(e.seen.map((s) => s.unit))).toEqual(new Set([1]))
    }))
  })

  it("reach: addresses fewer than `reach` apart are read in one request; by default only adjacent ones", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 60, reach: 3 })
      yield* up(p)
      yield* p.pollAll(["40001", "40004", "40010"])
      yield* wait(() => d.arrived(2))
      expect(reads(d.seen)).toEqual(["3 0 4", "3 9 1"])
      expect((yield* eventually(p.read("40004"))).value).toBe(3)
      expect((yield* eventually(p.read("40010"))).value).toBe(9)
      // The registers between, read with them, are kept too.
      expect(yield* p.read("40002")).toMatchObject({ value: 1, stale: false })
      const e = yield* scripted()
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 60 })
      yield* up(q)
      yield* q.pollAll(["40001", "40002", "40004"])
      yield* wait(() => e.arrived(2))
      expect(reads(e.seen)).toEqual(["3 0 2", "3 3 1"])
    }))
  })

  it("limits: reads are cut to the configured registers and bits per request", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 60, limits: { registers: 10, bits: 16 } })
      yield* up(p)
      yield* p.pollAll(["40001-40025", "1-20"])
      yield* wait(() => d.arrived(5))
      expect(reads(d.seen).sort()).toEqual(["1 0 16", "1 16 4", "3 0 10", "3 10 10", "3 20 5"])
      expect((yield* eventually(p.read("40025"))).value).toBe(24)
      expect((yield* eventually(p.read("19"))).value).toBe(true)
      expect((yield* eventually(p.read("20"))).value).toBe(false)
      expect((yield* eventually(p.read("20"))).stale).toBe(false)
    }))
  })

  it("depth: that many requests go out before the first answer; by default one at a time", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted(() => "hold")
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 60, depth: 3 })
      yield* up(p)
      yield* p.pollAll(["40001", "40003", "40005", "40007"])
      yield* wait(() => d.arrived(3))
      yield* Effect.promise(() => sleep(200))
      expect(reads(d.seen)).toEqual(["3 0 1", "3 2 1", "3 4 1"])
      d.release()
      yield* wait(() => d.arrived(4))
      expect(reads(d.seen)[3]).toBe("3 6 1")
      const e = yield* scripted(() => "hold")
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 60 })
      yield* up(q)
      yield* q.pollAll(["40001", "40003"])
      yield* wait(() => e.arrived(1))
      yield* Effect.promise(() => sleep(300))
      expect(reads(e.seen)).toEqual(["3 0 1"])
      e.release()
      yield* wait(() => e.arrived(2))
      expect(reads(e.seen)).toEqual(["3 0 1", "3 2 1"])
    }))
  })
})

/** The pending sleeps' lengths (wake-up time less now) on the TestClock. */
const pendingSleeps = Effect.gen(function* () {
  const now = yield* TestClock.currentTimeMillis
  return Chunk.toReadonlyArray(yield* TestClock.sleeps()).map((t) => t - now)
})
/** Wait (in real time) until the poller sleeps on the TestClock; that sleep's length. */
const nextSleep = Effect.gen(function* () {
  for (;;) {
    const s = yield* pendingSleeps
    if (s.length > 0) return s
    yield* Effect.promise(() => sleep(5))
  }
})

describe("ModbusPoller reconnect back-off (TestClock: each sleep's length)", HANG_GUARD, () => {
  /** The first `n` back-off sleeps (the clock moved past each but the last). */
  const delaysOf = (n: number) =>
    Effect.gen(function* () {
      const delays: Array<number> = []
      for (let i = 0; i < n; i++) {
        const s = yield* nextSleep
        expect(s.length).toBe(1)
        delays.push(s[0]!)
        if (i < n - 1) yield* TestClock.adjust(s[0]!)
      }
      return delays
    })

  it("a device that accepts and closes at once: the delay doubles from min up to max, never starting over", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted(undefined, () => "close")
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, backoff: { min: 100, max: 350 } })
      expect(yield* delaysOf(5)).toEqual([100, 200, 350, 350, 350])
      const s = yield* p.summary
      expect([s.connects, d.accepts(), s.lastError]).toEqual([5, 5, undefined])
    }).pipe(Effect.provide(TestContext.TestContext)))
  })

  it("without backoff options: 100 ms doubling to 5 s", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted(undefined, () => "close")
      yield* makeModbusPoller({ host: "127.0.0.1", port: d.port })
      expect(yield* delaysOf(8)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000])
    }).pipe(Effect.provide(TestContext.TestContext)))
  })

  it("a connection the device answered on starts the back-off over at min", async () => {
    await run(Effect.gen(function* () {
      // Connections 1 and 2 close at once; 3 answers a write and is then dropped; 4 and 5 close at once.
      const d = yield* scripted(undefined, (conn) => (conn === 3 ? "serve" : "close"))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, backoff: { min: 100, max: 1000 } })
      const delays = yield* delaysOf(2)
      yield* TestClock.adjust(delays[1]!)
      while (!p.connected()) yield* Effect.promise(() => sleep(5))
      yield* p.write("40001", 5)
      expect(d.seen.map((x) => [x.conn, x.request.fc])).toEqual([[3, 6]])
      d.drop()
      delays.push(...(yield* delaysOf(3)))
      expect(delays).toEqual([100, 200, 100, 200, 400])
    }).pipe(Effect.provide(TestContext.TestContext)))
  })

  it("a refused connect doubles the delay too, and is the summary's lastError", async () => {
    const port = await new Promise<number>((ok) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => { const q = (s.address() as net.AddressInfo).port; s.close(() => ok(q)) })
    })
    await run(Effect.gen(function* () {
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port, backoff: { min: 40, max: 1000 } })
      expect(yield* delaysOf(3)).toEqual([40, 80, 160])
      const s = yield* p.summary
      expect(s.lastError).toMatch(new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: `))
      expect(s.connects).toBe(0)
    }).pipe(Effect.provide(TestContext.TestContext)))
  })
})

const holding = (offset: number, count: number) => ({ table: "holding" as const, offset, count })
const why = <A, E extends { readonly message: string }>(e: Effect.Effect<A, E>) => Effect.map(Effect.flip(e), (x) => x.message)

describe("ModbusPoller failures: what is split, closed, stale, and why", HANG_GUARD, () => {
  it("a merged read refused with exception 03 is read in its parts from then on", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted((r) => (r.fc === 3 && r.quantity > 1 ? exceptionPdu(3, 3) : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 0.02 })
      yield* up(p)
      yield* p.pollAll(["40001", "40002"])
      expect((yield* eventually(p.read("40002"))).value).toBe(1)
      expect((yield* eventually(p.read("40001"))).value).toBe(0)
      expect(reads(d.seen).slice(0, 3).sort()).toEqual(["3 0 1", "3 0 2", "3 1 1"])
      expect((yield* p.summary).lastError).toBe("40001-40002: exception 03 (illegal data value)")
    }))
  })

  it("a merged read refused with another exception (04) stays merged; a lone range refused is not kept apart", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted((r) => (r.fc === 3 ? exceptionPdu(3, 4) : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 0.02 })
      yield* up(p)
      yield* p.pollAll(["40001", "40002"])
      yield* wait(() => d.arrived(4))
      expect(new Set(reads(d.seen))).toEqual(new Set(["3 0 2"]))
      expect(yield* why(p.read("40001"))).toBe("40001 has not been read yet (40001-40002: exception 04 (server device failure))")
      // 40005 refused (02) in a read of its own, beside reads of other ranges (before it, after it,
      // coil 5 at its offset in another table): not kept apart, so once 40006 is polled the two are read together.
      const e = yield* scripted((r) => (r.fc === 3 && r.address === 4 && r.quantity === 1 ? exceptionPdu(3, 2) : defaultAnswer(r)))
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 0.02 })
      yield* up(q)
      yield* q.pollAll(["40001", "40005", "40020", "5"])
      yield* eventually(Effect.flatMap(q.summary, (s) => (s.errors > 0 ? Effect.void : Effect.fail("no error yet"))))
      yield* q.poll("40006")
      expect((yield* eventually(q.read("40005"))).value).toBe(4)
      expect(reads(e.seen)).toContain("3 4 2")
    }))
  })

  it("a malformed response or a timeout closes the connection, then it reconnects", async () => {
    await run(Effect.gen(function* () {
      // Connection 1 answers two registers where one was asked; connection 2 answers right.
      const d = yield* scripted((r, s) => (s.conn === 1 && r.fc === 3 ? registersResponse(3, Buffer.alloc(4)) : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 0.02, backoff: { min: 10, max: 10 } })
      yield* p.poll("40003")
      expect((yield* eventually(p.read("40003"))).value).toBe(2)
      expect(d.accepts()).toBe(2)
      expect((yield* p.summary).lastError).toBe("40003: malformed response: byte count does not match the quantity")
      // Connection 1 never answers: the 100 ms timeout closes it.
      const e = yield* scripted((r, s) => (s.conn === 1 ? "silent" : defaultAnswer(r)))
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 0.02, timeout: 100, backoff: { min: 10, max: 10 } })
      yield* q.poll("40004")
      expect((yield* eventually(q.read("40004"))).value).toBe(3)
      expect(e.accepts()).toBe(2)
      expect((yield* q.summary).lastError).toBe(`40004: no response from 127.0.0.1:${e.port} within 100 ms`)
    }))
  })

  it("stale values say why: the connection closed; a timeout (then readFresh names the last error)", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600, backoff: { min: 5000, max: 5000 } })
      yield* up(p)
      yield* p.poll("40001-40003")
      yield* eventually(p.read("40003"))
      const stale = yield* p.changes.pipe(Stream.take(1), Stream.runCollect, Effect.fork)
      yield* Effect.promise(() => sleep(20))
      d.drop()
      expect(Chunk.toReadonlyArray(yield* Fiber.join(stale))).toMatchObject([
        { address: "40001-40003", values: [0, 1, 2], previous: [], stale: true, reason: "connection closed" }
      ])
      expect(p.connected()).toBe(false)
      expect((yield* p.summary).connected).toBe(false)
      expect(yield* why(p.readFresh(holding(0, 3), 60_000))).toBe(`40001: no fresh value from 127.0.0.1:${d.port}: stale`)
      // The first read answered, every later one never: the timeout is the reason, and the last error.
      let answered = 0
      const e = yield* scripted((r) => (answered++ === 0 ? defaultAnswer(r) : "silent"))
      const q = yield* makeModbusPoller({ host: "127.0.0.1", port: e.port, rate: 0.05, timeout: 100, backoff: { min: 5000, max: 5000 } })
      yield* up(q)
      const staleQ = yield* q.changes.pipe(Stream.filter((c) => c.stale), Stream.take(1), Stream.runCollect, Effect.fork)
      yield* q.poll("40002")
      const timedOut = `40002: no response from 127.0.0.1:${e.port} within 100 ms`
      expect(Chunk.toReadonlyArray(yield* Fiber.join(staleQ))).toMatchObject([
        { address: "40002", values: [1], stale: true, reason: `no response from 127.0.0.1:${e.port} within 100 ms` }
      ])
      expect(yield* why(q.readFresh(holding(1, 1), 60_000))).toBe(`40002: no fresh value from 127.0.0.1:${e.port}: stale (${timedOut})`)
      expect((yield* q.summary).lastError).toBe(timedOut)
    }))
  })
})

describe("ModbusPoller stale runs and figures", HANG_GUARD, () => {
  it("a lost connection marks stale only the runs that were fresh, each with its own address and values", async () => {
    await run(Effect.gen(function* () {
      // 40003 alone (at 20 ms) is refused with exception 04: stale, while 40001-40005 (read once) stay fresh around it.
      const d = yield* scripted((r) => (r.fc === 3 && r.address === 2 && r.quantity === 1 ? exceptionPdu(3, 4) : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600, backoff: { min: 5000, max: 5000 } })
      yield* up(p)
      yield* p.poll("40001-40005")
      yield* eventually(p.read("40005"))
      yield* p.poll("40003", 0.02)
      yield* eventually(Effect.flatMap(p.read("40003"), (r) => (r.stale ? Effect.void : Effect.fail("fresh"))))
      expect(yield* p.read("40002")).toMatchObject({ value: 1, stale: false })
      const seen: Array<unknown> = []
      const all = yield* p.changes.pipe(Stream.runForEach((c) => Effect.sync(() => seen.push(c))), Effect.fork)
      yield* Effect.promise(() => sleep(20))
      d.drop()
      yield* eventually(Effect.suspend(() => (seen.length > 0 ? Effect.void : Effect.fail("none yet"))))
      yield* Effect.promise(() => sleep(200))
      yield* Fiber.interrupt(all)
      expect(seen).toMatchObject([
        { address: "40001-40002", range: holding(0, 2), values: [0, 1], previous: [], stale: true, reason: "connection closed" },
        { address: "40004-40005", range: holding(3, 2), values: [3, 4], previous: [], stale: true, reason: "connection closed" }
      ])
      expect(seen).toHaveLength(2)
    }))
  })

  it("a value older than readFresh's maxAge is refused with its age in seconds (at most the time since it was asked)", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600 })
      yield* up(p)
      const t0 = Date.now()
      yield* p.poll("40002")
      yield* eventually(p.read("40002"))
      yield* Effect.promise(() => sleep(150))
      const m = yield* why(p.readFresh(holding(1, 1), 100))
      const elapsed = (Date.now() - t0) / 1000
      const [, age] = new RegExp(`^40002: no fresh value from 127\\.0\\.0\\.1:${d.port}: (\\d+\\.\\d) s old$`).exec(m) ?? []
      expect(m).toMatch(/ s old$/)
      expect(Number(age)).toBeGreaterThanOrEqual(0.1)
      expect(Number(age)).toBeLessThanOrEqual(elapsed + 0.05)
      expect(yield* p.readFresh(holding(1, 1), 60_000)).toEqual([1])
    }))
  })

  it("the minimum latency is the fastest request's, not the last one's", async () => {
    await run(Effect.gen(function* () {
      // Two reads in one cycle, one at a time: 40001 answered at once, 40003 300 ms late (the last).
      const d = yield* scripted((r) => (r.fc === 3 && r.address === 2 ? "hold" : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600 })
      yield* up(p)
      yield* p.pollAll(["40001", "40003"])
      yield* wait(() => d.arrived(2))
      yield* Effect.promise(() => sleep(300))
      d.release()
      yield* eventually(p.read("40003"))
      const s = yield* p.summary
      expect(s.requests).toBe(2)
      expect(s.latency.max).toBeGreaterThanOrEqual(300)
      expect(s.latency.min).toBeLessThan(s.latency.max)
    }))
  })

  it("latencies: each request's own time (at most the time since the poller started); the slowest is the max", async () => {
    await run(Effect.gen(function* () {
      const t0 = performance.now()
      const w0 = Date.now()
      // The first read is answered 300 ms late, every later one at once.
      let asked = 0
      const d = yield* scripted((r) => (asked++ === 0 ? "hold" : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 0.01 })
      yield* up(p)
      yield* p.poll("40001-40002")
      yield* wait(() => d.arrived(1))
      yield* Effect.promise(() => sleep(300))
      d.release()
      yield* eventually(Effect.flatMap(p.summary, (s) => (s.requests >= 20 ? Effect.void : Effect.fail("few"))))
      const s = yield* p.summary
      const elapsed = performance.now() - t0
      expect(s.latency.max).toBeGreaterThanOrEqual(300)
      expect(s.latency.max).toBeLessThanOrEqual(elapsed)
      // Fewer than 100 requests: the 99th percentile is the slowest.
      expect(s.requests).toBeLessThan(100)
      expect(s.latency.p99).toBe(s.latency.max)
      expect(s.seconds).toBeGreaterThanOrEqual(0.3)
      expect(s.seconds).toBeLessThanOrEqual((Date.now() - w0) / 1000)
      expect(s.latency.p99).toBeLessThanOrEqual(s.latency.max)
      expect(s.latency.min).toBeGreaterThan(0)
      expect(s.latency.p50).toBeGreaterThanOrEqual(s.latency.min)
      expect(s.latency.mean).toBeLessThanOrEqual(s.latency.max)
      // One slow read in twenty or more: the median is one of the others.
      expect(s.latency.p50).toBeLessThan(s.latency.max)
      expect(s.registers).toBe(2 * s.requests)
    }))
  })
})

describe("ModbusPoller rates", HANG_GUARD, () => {
  it("cycles missed while a read was held are skipped, not made up in a burst", async () => {
    await run(Effect.gen(function* () {
      let asked = 0
      const d = yield* scripted((r) => (asked++ === 0 ? "hold" : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 0.02, timeout: 5000 })
      yield* up(p)
      yield* p.poll("40001")
      yield* wait(() => d.arrived(1))
      yield* Effect.promise(() => sleep(600))
      const released = Date.now()
      d.release()
      yield* wait(() => d.arrived(12))
      // At 20 ms a cycle, at most 6 reads start within 100 ms (the 30 missed cycles are not made up).
      expect(d.seen.slice(1).filter((s) => s.at - released < 100).length).toBeLessThanOrEqual(6)
    }))
  })

  it("a range added to a running rate waits for its next cycle; a range moved to another rate leaves the old one", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600 })
      yield* up(p)
      yield* p.poll("40001")
      yield* eventually(p.read("40001"))
      yield* p.poll("40003")
      // Polled again at its rate: the value read stays (no new read, not forgotten).
      yield* p.poll("40001")
      yield* Effect.promise(() => sleep(300))
      expect(reads(d.seen)).toEqual(["3 0 1"])
      expect(yield* p.read("40001")).toMatchObject({ value: 0, stale: false })
      // 40001 at 20 ms (its own cycle), then back at the hour's rate: the fast cycle stops reading it.
      yield* p.poll("40001", 0.02)
      yield* wait(() => d.arrived(3))
      yield* p.poll("40001", 3600)
      yield* Effect.promise(() => sleep(500))
      const n = d.seen.length
      yield* Effect.promise(() => sleep(500))
      expect(d.seen.length).toBe(n)
    }))
  })
})

describe("ModbusPoller addresses as objects; every register of a range polled", HANG_GUARD, () => {
  it("read and write take a RegisterAddress; each register of a polled range is polled, unread until answered", async () => {
    await run(Effect.gen(function* () {
      let asked = 0
      const d = yield* scripted((r) => (asked++ === 0 ? "hold" : defaultAnswer(r)))
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600 })
      yield* up(p)
      yield* p.poll("40001-40004")
      yield* wait(() => d.arrived(1))
      for (const a of ["40001", "40002", "40004"]) expect(yield* why(p.read(a))).toBe(`${a} has not been read yet`)
      expect(yield* why(p.read("40005"))).toBe("40005 is not polled")
      d.release()
      expect((yield* eventually(p.read({ table: "holding", offset: 3 }))).value).toBe(3)
      yield* p.write({ table: "holding", offset: 2 }, 77)
      expect(d.seen.at(-1)!.request).toEqual({ fc: 6, address: 2, value: 77 })
      expect((yield* p.read({ table: "holding", offset: 2 })).value).toBe(77)
    }))
  })
})

describe("ModbusPoller writes on the wire", HANG_GUARD, () => {
  it("one value is function 5 or 6, several 15 or 16 (1 and true are a coil's on); polled registers show the values at once", async () => {
    await run(Effect.gen(function* () {
      const d = yield* scripted()
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.port, rate: 3600 })
      yield* up(p)
      yield* p.pollAll(["40001-40002", "1-4"])
      yield* eventually(p.read("4"))
      yield* eventually(p.read("40002"))
      const changes = yield* p.changes.pipe(Stream.take(3), Stream.runCollect, Effect.fork)
      yield* Effect.promise(() => sleep(20))
      yield* p.write("1", 1)
      yield* p.write("2", [1, false, true])
      yield* p.write("40001", [7])
      yield* p.write("40002", 65535)
      yield* p.write("5", 0)
      yield* p.write("6", true)
      expect(d.seen.slice(2).map((s) => s.request)).toEqual([
        { fc: 5, address: 0, value: true },
        { fc: 15, address: 1, values: [true, false, true] },
        { fc: 6, address: 0, value: 7 },
        { fc: 6, address: 1, value: 65535 },
        { fc: 5, address: 4, value: false },
        { fc: 5, address: 5, value: true }
      ])
      expect(Chunk.toReadonlyArray(yield* Fiber.join(changes)).map((c) => [c.address, c.values, c.previous])).toEqual([
        ["2", [true], [false]], ["40001", [7], [0]], ["40002", [65535], [1]]
      ])
      expect((yield* p.read("3")).value).toBe(false)
      expect((yield* p.read("4")).value).toBe(true)
      expect(yield* why(p.read("5"))).toBe("5 is not polled")
      // 40003 is not polled: the write goes out, the polled 40002 keeps its polled value until read again.
      yield* p.write("40002", [8, 9])
      expect(d.seen.at(-1)!.request).toEqual({ fc: 16, address: 1, values: [8, 9] })
      expect((yield* p.read("40002")).value).toBe(65535)
      expect(yield* why(p.read("40003"))).toBe("40003 is not polled")
      // 130 registers from 40011: 123 from offset 10, then the 7 after them, each part its own values.
      const values = Array.from({ length: 130 }, (_, i) => 1000 + i)
      yield* p.write("40011", values)
      expect(d.seen.slice(-2).map((x) => x.request)).toEqual([
        { fc: 16, address: 10, values: values.slice(0, 123) },
        { fc: 16, address: 133, values: values.slice(123) }
      ])
    }))
  })
})
