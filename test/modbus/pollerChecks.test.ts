/**
 * The ModbusPoller's own checks and bookkeeping (src/modbus/poller.ts): addresses and ranges it
 * refuses, writes it refuses before anything is sent (read-only tables, values that do not fit a
 * coil or a register, nothing connected), the text of each refusal, the changes a poll publishes
 * (only the runs that changed, with their previous values) and the summary's figures.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Schedule, type Scope, Stream } from "effect"
import * as net from "node:net"
import { makeModbusPoller, type PollerError } from "../../src/modbus/poller.js"
import type { ModbusError } from "../../src/modbus/client.js"
import { HANG_GUARD, withDevice } from "./helpers.js"

const run = <A, E>(e: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Effect.scoped(e))
const why = <A>(e: Effect.Effect<A, PollerError | ModbusError>) =>
  Effect.map(Effect.flip(e), (x) => `${x._tag} ${x.reason}: ${x.message}`)
const eventually = <A, E>(e: Effect.Effect<A, E>) => Effect.retry(e, { schedule: Schedule.spaced("20 millis"), times: 250 })

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
const closedPort = () => new Promise<number>((ok) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const port = (s.address() as net.AddressInfo).port
    s.close(() => ok(port))
  })
})

describe("ModbusPoller checks (no device)", HANG_GUARD, () => {
  it("refuses bad addresses and ranges that run past the table; an address alone is one register", async () => {
    const port = await closedPort()
    await run(Effect.gen(function* () {
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port, backoff: { min: 1000, max: 1000 } })
      expect([p.host, p.port]).toEqual(["127.0.0.1", port])
      expect(yield* why(p.poll("40001-x"))).toMatch(/^PollerError BadAddress: /)
      expect(yield* why(p.poll({ table: "holding", offset: 65530, count: 7 }))).toBe("PollerError BadAddress: 465531-465537 runs past the table")
      expect(yield* why(p.poll({ table: "coils", offset: 3, count: 0 }))).toMatch(/^PollerError BadAddress: .* runs past the table$/)
      expect(yield* p.poll({ table: "holding", offset: 65529, count: 7 })).toEqual({ table: "holding", offset: 65529, count: 7 })
      expect(yield* p.poll({ table: "input", offset: 4 })).toEqual({ table: "input", offset: 4, count: 1 })
      expect(yield* p.pollAll(["40001-40002", "1"])).toEqual([{ table: "holding", offset: 0, count: 2 }, { table: "coils", offset: 0, count: 1 }])
      expect(yield* why(p.read("40003"))).toBe("PollerError NotPolled: 40003 is not polled")
      expect(yield* why(p.read("nope"))).toMatch(/^PollerError BadAddress: /)
      expect(yield* why(p.readFresh({ table: "holding", offset: 2, count: 1 }, 1000))).toBe("PollerError NotPolled: 40003 is not polled")
      // Nothing read yet: the last error (the refused connection) is named once there is one.
      const noValue = yield* eventually(Effect.flatMap(why(p.read("40001")), (m) => (m.includes("(") ? Effect.succeed(m) : Effect.fail("no error yet"))))
      expect(noValue).toMatch(new RegExp(`^PollerError NoValue: 40001 has not been read yet \\(cannot connect to 127\\.0\\.0\\.1:${port}: `))
      expect(yield* why(p.readFresh({ table: "holding", offset: 0, count: 2 }, 1000))).toMatch(/^PollerError NoValue: 40001 has not been read yet/)
      const s = yield* p.summary
      expect(s).toMatchObject({ requests: 0, errors: 0, registers: 0, connects: 0, connected: false, requestsPerSecond: 0, registersPerSecond: 0 })
      expect(s.latency).toEqual({ min: 0, mean: 0, p50: 0, p99: 0, max: 0 })
      expect(s.lastError).toMatch(/^cannot connect to /)
      expect(p.connected()).toBe(false)
    }))
  })

  it("refuses writes that cannot happen, saying why, before sending anything", async () => {
    const port = await closedPort()
    await run(Effect.gen(function* () {
      const p = yield* makeModbusPoller({ host: "127.0.0.1", port, backoff: { min: 1000, max: 1000 } })
      expect(yield* why(p.write("30001", 1))).toBe("PollerError ReadOnly: 30001: input registers cannot be written")
      expect(yield* why(p.write("10001", true))).toBe("PollerError ReadOnly: 10001: discrete inputs cannot be written")
      expect(yield* why(p.write("40001", []))).toBe("PollerError BadValue: 40001: 0 values do not fit")
      expect(yield* why(p.write("465536", [1, 2]))).toBe("PollerError BadValue: 465536: 2 values do not fit")
      for (const [v, text] of [[65536, "65536"], [-1, "-1"], [1.5, "1.5"], [true, "true"]] as const) {
        expect(yield* why(p.write("40001", [0, v]))).toBe(`PollerError BadValue: 40001: ${text} is not a register value (0..65535)`)
      }
      expect(yield* why(p.write("1", [true, 2]))).toBe("PollerError BadValue: 1: 2 is not a coil value (0/1)")
      expect(yield* why(p.write("x", 1))).toMatch(/^PollerError BadAddress: /)
      // Values that fit: refused only because nothing is connected.
      const closed = `ModbusError Closed: not connected to 127.0.0.1:${port}`
      expect(yield* why(p.write("1", [true, false, 0, 1]))).toBe(closed)
      expect(yield* why(p.write("40001", [0, 65535]))).toBe(closed)
      expect(yield* why(p.write("465536", 7))).toBe(closed)
    }))
  })

  it("the default port is Modbus/TCP's 502", async () => {
    await run(Effect.gen(function* () {
      expect((yield* makeModbusPoller({ host: "127.0.0.1", backoff: { min: 1000, max: 1000 } })).port).toBe(502)
    }))
  })
})

describe("ModbusPoller bookkeeping (a device on 127.0.0.1)", HANG_GUARD, () => {
  it("a poll publishes only the runs that changed, each with its previous values; the summary counts requests and registers", async () => {
    await withDevice({ registers: ["40001-40006=1"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.02 })
        const first = yield* p.changes.pipe(Stream.take(1), Stream.runCollect, Effect.fork)
        yield* p.poll("40001-40006")
        expect(Chunk.toReadonlyArray(yield* Fiber.join(first))).toMatchObject([
          { address: "40001-40006", values: [1, 1, 1, 1, 1, 1], previous: [undefined, undefined, undefined, undefined, undefined, undefined], stale: false }
        ])
        const next = yield* p.changes.pipe(Stream.take(2), Stream.runCollect, Effect.fork)
        yield* Effect.yieldNow()
        yield* d.tags.write("40001", 1, [8, 9, 1, 7])
        const two = Chunk.toReadonlyArray(yield* Fiber.join(next))
        expect(two.map((c) => [c.address, c.range, c.values, c.previous])).toEqual([
          ["40002-40003", { table: "holding", offset: 1, count: 2 }, [8, 9], [1, 1]],
          ["40005", { table: "holding", offset: 4, count: 1 }, [7], [1]]
        ])
        const r = yield* p.read("40005")
        expect(r).toMatchObject({ value: 7, stale: false })
        expect(r.at).toBeLessThanOrEqual(Date.now())
        expect(r.age).toBeGreaterThanOrEqual(0)
        expect(r.age).toBeLessThan(60_000)
        expect(yield* p.readFresh({ table: "holding", offset: 1, count: 4 }, 60_000)).toEqual([8, 9, 1, 7])
        expect(yield* why(p.readFresh({ table: "holding", offset: 0, count: 1 }, -1)))
          .toMatch(new RegExp(`^PollerError Stale: 40001: no fresh value from 127\\.0\\.0\\.1:${d.address.port}: \\d+\\.\\d s old$`))
        const s = yield* p.summary
        expect(s.requests).toBeGreaterThan(1)
        expect(s.registers).toBe(6 * s.requests)
        expect(s).toMatchObject({ errors: 0, connects: 1, connected: true, lastError: undefined })
        expect(s.latency.min).toBeGreaterThan(0)
        expect(s.latency.min).toBeLessThanOrEqual(s.latency.p50)
        expect(s.latency.p50).toBeLessThanOrEqual(s.latency.p99)
        expect(s.latency.p99).toBeLessThanOrEqual(s.latency.max)
        expect(s.latency.mean).toBeGreaterThanOrEqual(s.latency.min)
        expect(s.latency.mean).toBeLessThanOrEqual(s.latency.max)
        expect(s.requestsPerSecond).toBeCloseTo(s.requests / s.seconds, 0)
        expect(s.registersPerSecond).toBeCloseTo(s.registers / s.seconds, 0)
      }))
    })
  })

  it("a stale value is refused with the last error; a device exception names the range in lastError", async () => {
    await withDevice({ registers: ["40001-40002=3"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.02 })
        yield* p.poll("40001-40003")
        const e = yield* eventually(Effect.flatMap(p.summary, (s) => (s.lastError !== undefined ? Effect.succeed(s.lastError) : Effect.fail("none"))))
        expect(e).toBe("40001-40003: exception 02 (illegal data address)")
        expect(yield* why(p.readFresh({ table: "holding", offset: 0, count: 1 }, 60_000))).toBe(
          "PollerError NoValue: 40001 has not been read yet (40001-40003: exception 02 (illegal data address))")
        expect((yield* p.summary).errors).toBeGreaterThan(0)
        expect(p.connected()).toBe(true) // an exception is an answer: the connection stays
      }))
    })
  })
})
