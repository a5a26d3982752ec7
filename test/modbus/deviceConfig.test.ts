/**
 * What each option of a Modbus device's configuration (src/modbus/device.ts) changes, seen from a
 * client on 127.0.0.1: unit ids (their bounds and the 0x0B answer to others), the identity
 * objects, initial values of coils and registers, the name, `prepare`, the delay and idle timeout
 * handed to ServerControl, the session cap, the counters of replies, and a port already taken.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger, LogLevel, type Scope } from "effect"
import { connectModbus } from "../../src/modbus/client.js"
import { makeModbusDevice, type ModbusDeviceConfig } from "../../src/modbus/device.js"
import { HANG_GUARD, rawModbus, toHex } from "./helpers.js"

const quiet = Effect.provide(Logger.minimumLogLevel(LogLevel.None))
const run = <A, E>(e: Effect.Effect<A, E, Scope.Scope>) => Effect.runPromise(Effect.scoped(e).pipe(quiet))
const device = (config: Partial<ModbusDeviceConfig>) => makeModbusDevice({ host: "127.0.0.1", port: 0, registers: ["40001-40004=7"], ...config })
const refusal = (config: Partial<ModbusDeviceConfig>) => run(Effect.map(Effect.flip(device(config)), (e) => ({ reason: e.reason, message: e.message })))

describe("a Modbus device's configuration", HANG_GUARD, () => {
  it("unit ids: integers 0..255; others refused with one message", async () => {
    expect(await refusal({ units: [-1] })).toEqual({ reason: "Units", message: "bad unit id -1: expected 0..255" })
    expect(await refusal({ units: [1, 256] })).toEqual({ reason: "Units", message: "bad unit id 256: expected 0..255" })
    expect(await refusal({ units: [1.5] })).toEqual({ reason: "Units", message: "bad unit id 1.5: expected 0..255" })
    expect(await refusal({ registers: [] })).toEqual({ reason: "Registers", message: "no registers: give at least one range, e.g. 40001-40010" })
  })

  it("only the configured units are answered (0 and 255 are units too); no list, or an empty one, answers all", async () => {
    await run(Effect.gen(function* () {
      const d = yield* device({ units: [0, 255] })
      expect([...d.units!]).toEqual([0, 255])
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.address.port })
      const read = { fc: 3, address: 0, quantity: 1 } as const
      expect(yield* c.request(0, read)).toMatchObject({ values: [7] })
      expect(yield* c.request(255, read)).toMatchObject({ values: [7] })
      expect(yield* Effect.flip(c.request(1, read))).toMatchObject({ reason: "Exception", code: 0x0b })
      for (const units of [undefined, []]) {
        const all = yield* device(units === undefined ? {} : { units })
        expect(all.units).toBeUndefined()
        const c2 = yield* connectModbus({ host: "127.0.0.1", port: all.address.port })
        expect(yield* c2.request(17, read)).toMatchObject({ values: [7] })
      }
    }))
  })

  it("the identity objects: the defaults, each one given, the optional ones only when set", async () => {
    await run(Effect.gen(function* () {
      const ids = (identity?: ModbusDeviceConfig["identity"]) => Effect.gen(function* () {
        const d = yield* device(identity === undefined ? {} : { identity })
        const c = yield* connectModbus({ host: "127.0.0.1", port: d.address.port })
        const r = yield* c.request(1, { fc: 43, code: 3, objectId: 0 })
        return r._tag === "DeviceId" ? Object.fromEntries(r.objects) : r
      })
      expect(yield* ids()).toEqual({
        0: "cpppo", 1: "CPPPO-MODBUS", 2: "0.1", 3: "https://github.com/pjkundert/cpppo", 4: "cpppo Modbus/TCP simulator", 5: "modbus-sim"
      })
      expect(yield* ids({ vendorName: "V", productCode: "P", revision: "9.9", vendorUrl: "u", productName: "n", modelName: "m", userApplicationName: "app" }))
        .toEqual({ 0: "V", 1: "P", 2: "9.9", 3: "u", 4: "n", 5: "m", 6: "app" })
    }))
  })

  it("initial values: coils as booleans, registers as numbers, without events", async () => {
    await run(Effect.gen(function* () {
      const d = yield* device({ registers: ["1-3=1,0,1", "10001-10002=1", "40001-40002=5,6"] })
      expect(yield* d.tags.read("1", 0, 3)).toEqual([true, false, true])
      expect(yield* d.tags.read("10001", 0, 2)).toEqual([true, true])
      expect(yield* d.tags.read("40001", 0, 2)).toEqual([5, 6])
    }))
  })

  it("the name: given, or the bound address; prepare sees the configured address and runs before any client", async () => {
    await run(Effect.gen(function* () {
      expect((yield* device({ name: "pump-1" })).name).toBe("pump-1")
      const d = yield* device({})
      expect(d.name).toBe(`127.0.0.1:${d.address.port}`)
      const seen: Array<string> = []
      const p = yield* device({ prepare: (x) => Effect.sync(() => { seen.push(`${x.name} ${x.registers.runs.length} ${x.tags.find("40001")?.name}`) }) })
      expect(seen).toEqual(["127.0.0.1:0 1 40001"])
      expect(p.name).toBe(`127.0.0.1:${p.address.port}`)
      const anyHost = yield* device({ host: "", prepare: (x) => Effect.sync(() => { seen.push(x.name) }) })
      expect(seen[1]).toBe("0.0.0.0:0")
      expect(anyHost.address.host).toBe("0.0.0.0")
    }))
    expect(await refusal({ prepare: () => Effect.fail(new Error("no history dir")) })).toEqual({ reason: "Prepare", message: "no history dir" })
  })

  it("delay and idle timeout go to the device's ServerControl; unset, its defaults stay", async () => {
    await run(Effect.gen(function* () {
      const plain = (yield* device({})).control.unsafeState()
      const set = (yield* device({ delay: [0.1, 0.2], idleTimeout: 7 })).control.unsafeState()
      expect(set.timeout).toBe(7)
      expect(set.delay.range).toEqual([0.1, 0.2])
      expect(plain).toMatchObject({ timeout: 120, delay: { value: 0, range: undefined } })
      expect((yield* device({ delay: 0.25 })).control.unsafeState().delay).toEqual({ value: 0.25, range: undefined })
    }))
  })

  it("the session cap: a connection past maxSessions is closed", async () => {
    await run(Effect.gen(function* () {
      const d = yield* device({ maxSessions: 1 })
      const first = yield* Effect.promise(() => rawModbus(d.address.port))
      first.send("000100000006010300000001")
      expect(toHex(yield* Effect.promise(() => first.adu()))).toBe("000100000005010302" + "0007")
      const second = yield* Effect.promise(() => rawModbus(d.address.port))
      expect(yield* Effect.promise(() => second.closed(5000))).toBe(true)
      first.close()
    }))
  })

  it("counts each reply by function name and exception code", async () => {
    await run(Effect.gen(function* () {
      const d = yield* device({})
      const c = yield* connectModbus({ host: "127.0.0.1", port: d.address.port })
      yield* c.request(1, { fc: 3, address: 0, quantity: 1 })
      yield* Effect.flip(c.request(1, { fc: 3, address: 100, quantity: 1 }))
      yield* Effect.flip(c.request(1, { fc: 4, address: 0, quantity: 1 }))
      const raw = yield* Effect.promise(() => rawModbus(d.address.port))
      raw.send("0009000000020141")
      expect(toHex(yield* Effect.promise(() => raw.adu()))).toBe("000900000003" + "01c101")
      raw.close()
      const counts = Object.fromEntries([...d.stats.requests].map(([k, v]) => [k, Object.fromEntries(v)]))
      expect(counts).toEqual({ ReadHoldingRegisters: { 0: 1, 2: 1 }, ReadInputRegisters: { 2: 1 }, "function 0x41": { 1: 1 } })
    }))
  })

  it("a port already taken is a Listen error", async () => {
    await run(Effect.gen(function* () {
      const d = yield* device({})
      const e = yield* Effect.flip(device({ port: d.address.port }))
      expect(e.reason).toBe("Listen")
      expect(e.message).toMatch(/EADDRINUSE|in use/)
    }))
  })
})
