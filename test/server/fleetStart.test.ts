/**
 * Starting and stopping a fleet (src/server/fleet.ts) of a few controllers on 127.0.0.1 port 0:
 * names must differ, a controller that cannot start fails the whole fleet naming it, Modbus
 * devices beside controllers, `done` stopping one controller alone and the last one ending the
 * fleet, sessions per peer counted per controller while the process shares one budget, and the
 * one-entry fleet around a running simulator.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Logger, LogLevel, Option } from "effect"
import { FleetLive, Fleet, type FleetMemberConfig, FleetStartError, makeFleet, singleFleet } from "../../src/server/fleet.js"
import { makeProcessLimits, ProcessLimits } from "../../src/server/limits.js"
import { makeSimulator } from "../../src/server/simulator.js"
import { connect } from "./raw.js"
import { register } from "./fixture.js"

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
})
