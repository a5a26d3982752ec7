/**
 * One simulated controller built from its config (src/server/simulator.ts): the identity fields
 * under cpppo's and pycomm3's spellings, the route path (`simple`, given, default), the server
 * options handed on (UDP by default, TCP off, frame and session limits, per-peer sessions), the
 * delay and idle timeout, `prepare` running before the listeners, the faults counted where they
 * are asked for, and the Layers that provide its parts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import { DEFAULT_IDENTITY } from "../../src/device/identity.js"
import {
  ConnectionRegistry, Controller, EndpointFromController, EnipServer, makeSimulator, ServerControl, Simulator,
  type SimulatorConfig, SimulatorCoreLive, SimulatorListenersLive, SimulatorLive, TagStore
} from "../../src/server/simulator.js"
import { Endpoint } from "../../src/server/server.js"
import { connect } from "./raw.js"
import { register } from "./fixture.js"

const quiet = Logger.minimumLogLevel(LogLevel.Warning)
const base: SimulatorConfig = { host: "127.0.0.1", port: 0, tags: ["X=DINT"], udp: false }
const sim = (config: Partial<SimulatorConfig>) => makeSimulator({ ...base, ...config }).pipe(Effect.provide(quiet))
const client = (port: number) => Effect.acquireRelease(Effect.promise(() => connect(port)), (c) => Effect.sync(() => c.close()))

describe("makeSimulator", () => {
  it.scopedLive("identity fields by any of their names; unknown names and undefined values left out", () =>
    Effect.gen(function* () {
      const s = yield* sim({
        identity: {
          vendor_id: 7, device_type: 12, product_code: 99, revision: [9, 8], status_word: 0x30, serial_number: 0x1234,
          product_name: "Probe", state: 3, colour: "red", productCode: undefined
        }
      })
      // Exactly these: no stray field for an unknown name, no undefined over a given value.
      expect(s.device.identityConfig).toEqual({
        ...DEFAULT_IDENTITY, vendor: 7, deviceType: 12, productCode: 99, revision: [9, 8], status: 0x30, serial: 0x1234, productName: "Probe", state: 3
      })
      const camel = yield* sim({ identity: { vendorId: 8, deviceType: 2, productCode: 5, serialNumber: 6, productName: "C" } })
      expect(camel.device.identityConfig).toMatchObject({ vendor: 8, deviceType: 2, productCode: 5, serial: 6, productName: "C" })
      const plain = yield* sim({ identity: { vendor: 9, serial: 10 } })
      expect(plain.device.identityConfig).toMatchObject({ vendor: 9, serial: 10, productName: DEFAULT_IDENTITY.productName })
      expect((yield* sim({})).device.identityConfig).toEqual(DEFAULT_IDENTITY)
    }))

  it.scopedLive("name \"plc\" by default; the route path: simple, given, or 1/0", () =>
    Effect.gen(function* () {
      const plain = yield* sim({})
      expect(plain.name).toBe("plc")
      expect(plain.device.routePath).toEqual([{ _tag: "Port", port: 1, link: 0 }])
      expect((yield* sim({ name: "boiler" })).name).toBe("boiler")
      expect((yield* sim({ simple: true, routePath: [] })).device.routePath).toBe("simple")
      expect((yield* sim({ simple: false, routePath: [] })).device.routePath).toEqual([])
    }))

  it.scopedLive("server options: UDP unless turned off, TCP off, the delay and idle timeout in force", () =>
    Effect.gen(function* () {
      const both = yield* makeSimulator({ host: "127.0.0.1", port: 0, tags: [] }).pipe(Effect.provide(quiet))
      expect(both.server.udpAddress).toEqual(both.server.address)
      expect((yield* sim({})).server.udpAddress).toBeUndefined()
      const udpOnly = yield* sim({ tcp: false, udp: true })
      expect(udpOnly.server.udpAddress).toEqual(udpOnly.server.address)
      expect(yield* Effect.promise(() => connect(udpOnly.server.address.port).then(() => false, () => true))).toBe(true)
      const timed = yield* sim({ delay: [0.2, 0.3], idleTimeout: 9 })
      expect(timed.control.unsafeState().delay.range).toEqual([0.2, 0.3])
      expect(timed.control.unsafeState().timeout).toBe(9)
      expect((yield* sim({ delay: 0.4 })).control.unsafeState().delay.value).toBe(0.4)
    }))

  it.scopedLive("limits handed to the server: sessions, sessions per peer, the largest frame", () =>
    Effect.gen(function* () {
      const one = yield* sim({ maxSessions: 1 })
      const a = yield* client(one.server.address.port)
      expect(yield* register(a)).not.toBe(0)
      const b = yield* client(one.server.address.port)
      expect(yield* Effect.promise(() => b.closed(3000))).toBe(true)
      const perPeer = yield* sim({ maxSessionsPerPeer: 1 })
      const c = yield* client(perPeer.server.address.port)
      expect(yield* register(c)).not.toBe(0)
      const d = yield* client(perPeer.server.address.port)
      expect(yield* Effect.promise(() => d.closed(3000))).toBe(true)
      const small = yield* sim({ maxFrame: 40 })
      const e = yield* client(small.server.address.port)
      e.send("6f00" + "1e00" + "00".repeat(20) + "00".repeat(30))
      const reply = Buffer.from(yield* Effect.promise(() => e.frame(3000)))
      expect(reply.readUInt32LE(8)).toBe(0x65)
    }))

  it.scopedLive("prepare runs on the built controller before it listens", () =>
    Effect.gen(function* () {
      let seen: { name: string; tags: number; hasServer: boolean } | undefined
      const s = yield* makeSimulator({ ...base, name: "p" }, {
        prepare: (core) => Effect.sync(() => { seen = { name: core.name, tags: core.tags.tags.length, hasServer: "server" in core } })
      }).pipe(Effect.provide(quiet))
      expect(seen).toEqual({ name: "p", tags: 1, hasServer: false })
      expect(s.server.address.port).toBeGreaterThan(0)
    }))

  it.scopedLive("faults are counted where they are asked for: forced errors, delays, disable, eof", () =>
    Effect.gen(function* () {
      const s = yield* sim({})
      yield* s.tags.setError("X", { status: 0x05 })
      yield* s.tags.setError("X", { status: 0x08 })
      yield* s.tags.setError("X", { status: 0 })
      yield* s.tags.setError("X", undefined)
      yield* s.control.setDelay(0)
      yield* s.control.setDelay(0.01)
      yield* s.control.setDelayRange(undefined)
      yield* s.control.setDelayRange([0, 0.01])
      yield* s.control.setDelayRange([0, 0.02])
      yield* s.control.setDelay(0)
      yield* s.control.setDisabled(true)
      yield* s.control.setDisabled(true) // already disabled: not another fault
      yield* s.control.setDisabled(true)
      yield* s.control.setDisabled(false)
      expect(yield* s.registry.setEof("nobody")).toBe(false)
      const c = yield* client(s.server.address.port)
      yield* register(c)
      const key = s.registry.entries()[0]!.key
      expect(yield* s.registry.setEof(key)).toBe(true)
      expect(s.stats.faults).toEqual({ error: 2, delay: 3, disable: 1, eof: 1 })
      expect(yield* Effect.promise(() => c.closed(3000))).toBe(true)
    }))
})

describe("the simulator's Layers", () => {
  it.scopedLive("SimulatorLive provides every part of one simulator", () =>
    Effect.gen(function* () {
      const ctx = yield* Layer.build(SimulatorLive(base).pipe(Layer.provide(quiet)))
      const s = Context.get(ctx, Simulator)
      expect(Context.get(ctx, TagStore)).toBe(s.tags)
      expect(Context.get(ctx, Controller)).toBe(s.device)
      expect(Context.get(ctx, ServerControl)).toBe(s.control)
      expect(Context.get(ctx, ConnectionRegistry)).toBe(s.registry)
      expect(Context.get(ctx, EnipServer)).toBe(s.server)
    }))

  it.scopedLive("SimulatorCoreLive, then SimulatorListenersLive over it; EndpointFromController answers for them", () =>
    Effect.gen(function* () {
      const core = yield* Layer.build(SimulatorCoreLive(base))
      expect(Context.getOption(core, EnipServer)._tag).toBe("None")
      const listeners = yield* Layer.build(SimulatorListenersLive(base).pipe(Layer.provide(Layer.succeedContext(core)), Layer.provide(quiet)))
      const port = Context.get(listeners, EnipServer).address.port
      const c = yield* client(port)
      expect(yield* register(c)).not.toBe(0)
      expect(Context.get(core, ConnectionRegistry).size()).toBe(1)
      const endpoint = Context.get(yield* Layer.build(EndpointFromController.pipe(Layer.provide(Layer.succeedContext(core)))), Endpoint)
      expect(endpoint.identity("127.0.0.1", 1).productName).toBe(DEFAULT_IDENTITY.productName)
      expect(endpoint.congested?.()).toBe(false)
    }))
})
