/**
 * Starting and stopping a fleet (src/server/fleet.ts) of a few controllers on 127.0.0.1 port 0:
 * names must differ, a controller that cannot start fails the whole fleet naming it, Modbus
 * devices beside controllers, `done` stopping one controller alone and the last one ending the
 * fleet, sessions per peer counted per controller while the process shares one budget, and the
 * one-entry fleet around a running simulator.
 */
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Logger, LogLevel, Option } from "effect"
import { FleetLive, Fleet, type FleetMemberConfig, FleetStartError, makeFleet, singleFleet } from "../../src/server/fleet.js"
import { makeProcessLimits, ProcessLimits } from "../../src/server/limits.js"
import { makeSimulator } from "../../src/server/simulator.js"
import { connect } from "./raw.js"
import { isClosed, rawClient, register } from "./fixture.js"

const quiet = Logger.minimumLogLevel(LogLevel.Warning)
const plc = (name: string, extra: Partial<FleetMemberConfig> = {}): FleetMemberConfig =>
  ({ name, host: "127.0.0.1", port: 0, tags: ["X=DINT"], udp: false, ...extra }) as FleetMemberConfig
const client = (port: number) => Effect.acquireRelease(Effect.promise(() => connect(port)), (c) => Effect.sync(() => c.close()))
const refused = (port: number) => Effect.promise(() => connect(port).then((c) => { c.close(); return false }, () => true))

describe("makeFleet", () => {
  it.scopedLive("two controllers of one name: refused before anything starts", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(makeFleet([plc("a"), plc("b"), plc("a")]))
      expect(error).toBeInstanceOf(FleetStartError)
      expect(error.name).toBe("a")
      expect(error.message).toBe("a: two controllers have this name")
      expect((error.cause as Error).message).toBe("two controllers are named a")
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("a controller that cannot start fails the fleet, named with its address", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(makeFleet([plc("good"), plc("bad", { tags: ["X=NOPE"] } as Partial<FleetMemberConfig>)]))
      expect(error.name).toBe("bad")
      expect(error.message).toMatch(/^bad \(127\.0\.0\.1:0\): .*NOPE/)
      expect(error.cause).toBeDefined()
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("controllers and Modbus devices by name, in order; done stops one alone; the last ends the fleet", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet([
        plc("one"), plc("two"),
        { name: "pump", kind: "modbus", host: "127.0.0.1", port: 0, registers: ["40001-40010=0"] }
      ], { concurrency: 1 })
      expect([...fleet.controllers.keys()]).toEqual(["one", "two"])
      expect([...fleet.devices.keys()]).toEqual(["pump"])
      const one = fleet.controllers.get("one")!
      const two = fleet.controllers.get("two")!
      const c = yield* client(two.server.address.port)
      expect(yield* register(c)).not.toBe(0)
      const waiting = yield* Effect.fork(fleet.awaitAllDone)
      yield* one.control.finish
      for (let i = 0; i < 300 && !fleet.stopped("one"); i++) yield* Effect.sleep("10 millis")
      expect(fleet.stopped("one")).toBe(true)
      expect(fleet.stopped("two")).toBe(false)
      expect(yield* refused(one.server.address.port)).toBe(true)
      expect(yield* register(c)).not.toBe(0) // the other one still serves
      expect(Option.isNone(yield* Fiber.poll(waiting))).toBe(true)
      yield* two.control.finish
      yield* fleet.devices.get("pump")!.control.finish
      yield* Fiber.join(waiting)
      expect(fleet.stopped("two") && fleet.stopped("pump")).toBe(true)
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("an empty fleet is done at once", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet([])
      yield* fleet.awaitAllDone
      expect(fleet.controllers.size + fleet.devices.size).toBe(0)
    }))

  it.scopedLive("sessions per peer count per controller (one host may hold its share with each)", () =>
    Effect.gen(function* () {
      const fleet = yield* makeFleet([plc("a"), plc("b")], { limits: { maxSessionsPerPeer: 1 } })
      const [a, b] = [fleet.controllers.get("a")!, fleet.controllers.get("b")!]
      const ca = yield* client(a.server.address.port)
      const cb = yield* client(b.server.address.port)
      expect(yield* register(ca)).not.toBe(0)
      expect(yield* register(cb)).not.toBe(0)
      const again = yield* client(a.server.address.port)
      expect(yield* Effect.promise(() => again.closed(3000))).toBe(true)
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("ProcessLimits in the context: used as it is, by every controller", () =>
    Effect.gen(function* () {
      const limits = makeProcessLimits({ maxSessionsPerPeer: 1, fdLimit: undefined })
      const fleet = yield* makeFleet([plc("a"), plc("b")]).pipe(Effect.provideService(ProcessLimits, limits))
      const ca = yield* client(fleet.controllers.get("a")!.server.address.port)
      expect(yield* register(ca)).not.toBe(0)
      // The one budget holds this peer's one session already.
      const cb = yield* client(fleet.controllers.get("b")!.server.address.port)
      expect(yield* Effect.promise(() => cb.closed(3000))).toBe(true)
      expect(limits.stats().sessions).toBe(1)
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("FleetLive provides the fleet; singleFleet wraps one running simulator", () =>
    Effect.gen(function* () {
      const fleet = yield* Fleet
      expect([...fleet.controllers.keys()]).toEqual(["solo"])
      const sim = yield* makeSimulator({ name: "s", host: "127.0.0.1", port: 0, tags: [], udp: false })
      const single = singleFleet(sim)
      expect(single.controllers.get("s")).toBe(sim)
      expect(single.devices.size).toBe(0)
      expect(single.stopped("s")).toBe(false)
      const waiting = yield* Effect.fork(single.awaitAllDone)
      yield* sim.control.finish
      yield* Fiber.join(waiting)
    }).pipe(Effect.provide(FleetLive([plc("solo")])), Effect.provide(quiet)))

  it.scopedLive("controllers start concurrently unless told otherwise: each one's prepare sees the others being built", () =>
    Effect.gen(function* () {
      /** A prepare that waits (up to `ms`) until `n` controllers are preparing at once. */
      const meet = (n: number, ms: number) => Effect.gen(function* () {
        const all = yield* Deferred.make<void>()
        let preparing = 0
        let most = 0
        const prepare = () => Effect.gen(function* () {
          most = Math.max(most, ++preparing)
          if (preparing === n) yield* Deferred.succeed(all, undefined)
          yield* Deferred.await(all).pipe(Effect.timeoutTo({ duration: ms, onTimeout: () => undefined, onSuccess: () => undefined }))
          preparing--
        })
        return { prepare, most: () => most }
      })
      const free = yield* meet(3, 2000)
      yield* makeFleet([plc("a"), plc("b"), plc("c")], { prepare: free.prepare })
      expect(free.most()).toBe(3)
      const one = yield* meet(2, 100)
      yield* makeFleet([plc("d"), plc("e")], { prepare: one.prepare, concurrency: 1 })
      expect(one.most()).toBe(1)
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("prepareDevice runs for each Modbus device (by its name) before it serves; controllers do not get it", () =>
    Effect.gen(function* () {
      const prepared: Array<string> = []
      const fleet = yield* makeFleet([
        plc("plc"),
        { name: "pump", kind: "modbus", host: "127.0.0.1", port: 0, registers: ["40001-40002=0"] }
      ], { prepareDevice: (d) => Effect.sync(() => { prepared.push(d.name) }) })
      expect(prepared).toEqual(["pump"])
      expect(fleet.devices.get("pump")).toBeDefined()
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("the fleet's limits: bytes held by every controller's sessions count against one bound", () =>
    Effect.gen(function* () {
      // A request held under the delay holds its bytes: past a 1-byte bound the session is closed.
      const fleet = yield* makeFleet([plc("slow", { delay: 0.2 } as Partial<FleetMemberConfig>)], { limits: { maxBytes: 1 } })
      const c = yield* rawClient(fleet.controllers.get("slow")!.server.address.port)
      c.send("6500" + "0400" + "00".repeat(20) + "01000000")
      expect(yield* isClosed(c)).toBe(true)
    }).pipe(Effect.provide(quiet)))

  it.scopedLive("a controller's done is logged by name", () =>
    Effect.gen(function* () {
      const logs: Array<string> = []
      const logger = Logger.make(({ message }) => { logs.push(String(message)) })
      yield* Effect.gen(function* () {
        const fleet = yield* makeFleet([plc("boiler")])
        yield* fleet.controllers.get("boiler")!.control.finish
        yield* fleet.awaitAllDone
      }).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(logs).toContain("boiler: done, stopping")
    }))
})
