/**
 * The ModbusPoller against our own simulated PLC: changes as a Stream, merged requests within the
 * limits, values marked stale (never served fresh) while the device is down, back-off reconnect,
 * writes that fail when they cannot happen.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Fiber, Schedule, Stream } from "effect"
import { makeModbusPoller } from "../../src/modbus/poller.js"
import { HANG_GUARD, sleep, withDevice } from "./helpers.js"

/** Retry until it succeeds (every 50 ms, up to 5 s): timing on a loaded machine varies. */
const eventually = <A, E>(e: Effect.Effect<A, E>) =>
  Effect.retry(e, { schedule: Schedule.spaced("50 millis"), times: 100 })

const run = <A, E>(e: Effect.Effect<A, E, import("effect").Scope.Scope>) => Effect.runPromise(Effect.scoped(e))

describe("ModbusPoller", HANG_GUARD, () => {
  it("publishes changes, reads the cache with its age, and merges adjacent ranges into one request", async () => {
    await withDevice({ registers: ["40001-40300=1", "1-10=0"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.05, reach: 1 })
        const changes = yield* p.changes.pipe(Stream.filter((c) => !c.stale), Stream.take(3), Stream.runCollect, Effect.fork)
        yield* p.poll("40001-40100")
        yield* p.poll("40101-40300") // adjacent: merged, then cut into 125 + 125 + 50
        yield* p.poll("1-10")
        yield* Effect.promise(() => sleep(200))
        const first = Chunk.toReadonlyArray(yield* Fiber.join(changes))
        // The first values of each request arrive as changes (4 requests: 125 + 125 + 50 registers, 10 coils).
        expect(first.every((c) => [10, 50, 125].includes(c.range.count))).toBe(true)
        const r = yield* p.read("40150")
        expect(r).toMatchObject({ value: 1, stale: false })
        expect(r.age).toBeLessThan(500)
        // Per poll cycle: 3 register requests + 1 coil request.
        const s0 = yield* p.summary
        const entry = d.registry.entries()[0]!
        const before = entry.requests
        yield* Effect.promise(() => sleep(300))
        const perCycle = (entry.requests - before) / (((yield* p.summary).requests - s0.requests) / 4)
        expect(Math.round(perCycle)).toBe(4)
        // A change on the device reaches the stream.
        const next = yield* p.changes.pipe(Stream.filter((c) => c.address === "40007"), Stream.take(1), Stream.runCollect, Effect.fork)
        yield* Effect.promise(() => sleep(20))
        yield* d.tags.write("40001", 6, [4242])
        const c = Chunk.unsafeHead(yield* Fiber.join(next))
        expect(c).toMatchObject({ values: [4242], previous: [1], stale: false })
        expect((yield* p.summary).errors).toBe(0)
      }))
    })
  })

  it("marks values stale while the device is down, refuses them as fresh, and reconnects", async () => {
    await withDevice({ registers: ["40001-40010=5"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.05, timeout: 300, backoff: { min: 50, max: 200 } })
        yield* p.poll("40001-40010")
        // Fresh (polled within 200 ms) once the first polls are in; retried, so load only slows it.
        const fresh200 = (count: number) => eventually(p.readFresh({ table: "holding", offset: 0, count }, 200))
        expect(yield* fresh200(10)).toEqual(Array(10).fill(5))
        const stale = yield* p.changes.pipe(Stream.filter((c) => c.stale), Stream.take(1), Stream.runCollect, Effect.fork)
        yield* Effect.promise(() => sleep(20))
        yield* d.control.setDisabled(true) // closes the port and drops the session
        const s = Chunk.unsafeHead(yield* Fiber.join(stale))
        expect(s).toMatchObject({ address: "40001-40010", stale: true, values: Array(10).fill(5) })
        expect(yield* p.read("40001")).toMatchObject({ value: 5, stale: true })
        const fresh = yield* Effect.either(p.readFresh({ table: "holding", offset: 0, count: 1 }, 10_000))
        expect(Either.isLeft(fresh) && fresh.left.reason).toBe("Stale")
        const w = yield* Effect.either(p.write("40001", 1))
        expect(Either.isLeft(w) && w.left._tag === "ModbusError" && w.left.reason).toBe("Closed")
        expect(p.connected()).toBe(false)
        yield* Effect.promise(() => sleep(500))
        yield* d.tags.write("40001", 0, [9])
        yield* d.control.setDisabled(false)
        // Reconnected by the back-off (50..200 ms), then polled fresh again: the new value.
        expect(yield* fresh200(2)).toEqual([9, 5])
        expect(p.connected()).toBe(true)
        expect((yield* p.summary).connects).toBeGreaterThanOrEqual(2)
      }))
    })
  })

  it("a silent device times out: values go stale; exceptions fail writes; read-only tables refuse writes", async () => {
    await withDevice({ registers: ["40001-40004=1", "30001=3"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.05, timeout: 200 })
        yield* p.poll("40001-40004")
        yield* Effect.promise(() => sleep(200))
        yield* d.control.setDelay(1) // answers come too late
        yield* Effect.promise(() => sleep(500))
        expect((yield* p.read("40001")).stale).toBe(true)
        expect((yield* p.summary).errors).toBeGreaterThan(0)
        yield* d.control.setDelay(0)
        yield* Effect.promise(() => sleep(600))
        expect((yield* p.read("40001")).stale).toBe(false)
        const ex = yield* Effect.either(p.write("40010", 1))
        expect(Either.isLeft(ex) && ex.left._tag === "ModbusError" && [ex.left.reason, ex.left.code]).toEqual(["Exception", 2])
        const ro = yield* Effect.either(p.write("30001", 1))
        expect(Either.isLeft(ro) && ro.left._tag === "PollerError" && ro.left.reason).toBe("ReadOnly")
        const np = yield* Effect.either(p.read("40100"))
        expect(Either.isLeft(np) && np.left._tag === "PollerError" && np.left.reason).toBe("NotPolled")
      }))
    })
  })

  it("a merged read refused for a gap (exception 02) is split into its parts", async () => {
    await withDevice({ registers: ["40001-40002=1", "40005=2"] }, async (d) => {
      await run(Effect.gen(function* () {
        const p = yield* makeModbusPoller({ host: "127.0.0.1", port: d.address.port, rate: 0.05, reach: 10 })
        yield* p.poll("40001-40002")
        yield* p.poll("40005")
        yield* eventually(p.read("40005"))
        expect((yield* p.read("40005")).value).toBe(2)
        expect((yield* p.read("40002")).stale).toBe(false)
      }))
    })
  })
})
