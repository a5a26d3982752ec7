/**
 * The device as a value and as a Layer: two devices in one scope are independent (a fleet's
 * seam), the Layer provides the device's own TagStore / ServerControl / ConnectionRegistry, and
 * printing shows absolute addresses and the exception a forced error gives.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import { makeModbusDevice, ModbusDevice } from "../../src/modbus/device.js"
import { formatRegisterEvent } from "../../src/modbus/print.js"
import { ServerControl } from "../../src/server/control.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { HANG_GUARD, rawModbus, toHex } from "./helpers.js"

const quiet = Effect.provide(Logger.minimumLogLevel(LogLevel.None))

describe("makeModbusDevice", HANG_GUARD, () => {
  it("builds many independent devices in one scope; closing it stops them", async () => {
    const ports = await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const [a, b] = yield* Effect.forEach([["40001=1"], ["40001=2"]], (registers) => makeModbusDevice({ host: "127.0.0.1", port: 0, registers }))
      yield* a!.control.setDisabled(true) // a fault on one …
      const cb = yield* Effect.promise(() => rawModbus(b!.address.port))
      cb.send("000100000006010300000001")
      expect(toHex(yield* Effect.promise(() => cb.adu()))).toBe("00010000000501030200" + "02") // … leaves the other serving
      cb.close()
      return [a!.address.port, b!.address.port]
    })).pipe(quiet))
    await expect(rawModbus(ports[1]!)).rejects.toThrow()
  })

  it("refuses bad configurations with one message", async () => {
    const bad = (registers: Array<string>, units?: Array<number>) =>
      Effect.runPromise(Effect.scoped(Effect.flip(makeModbusDevice({ host: "127.0.0.1", port: 0, registers, ...(units ? { units } : {}) }))).pipe(quiet))
    expect((await bad(["40001-30001"])).message).toMatch(/crosses from one table/)
    expect((await bad([])).message).toMatch(/no registers/)
    expect((await bad(["40001"], [256])).reason).toBe("Units")
  })

  it("as a Layer provides its own TagStore and ServerControl; -p lines use absolute addresses", async () => {
    await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(ModbusDevice.layer({ host: "127.0.0.1", port: 0, registers: ["40001-40010=7"] }))
      const device = Context.get(ctx, ModbusDevice)
      expect(Context.get(ctx, TagStore)).toBe(device.tags)
      expect(Context.get(ctx, ServerControl)).toBe(device.control)
      const print = formatRegisterEvent(device.registers)
      expect(print({ name: "40001", kind: "read", start: 3, count: 2, values: [7, 7], at: 0 }).trim()).toBe("40004-40005 == [7, 7]")
      yield* device.tags.setError("40001", { status: 6 })
      const e = yield* Effect.flip(device.tags.read("40001", 0, 1))
      expect(print({ name: "40001", kind: "error", start: 0, count: 1, error: e.message, at: 0 }).trim()).toBe("40001 !! exception 06 (server device busy)")
    })).pipe(quiet))
  })
})
