/**
 * Interop with a Modbus stack nobody here wrote: Debian's python3-pymodbus (3.0). Its client
 * reads and writes every table of our server (and reads the device identification); our poller
 * polls its server. Skipped, with one line, where pymodbus is not installed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { makeModbusPoller } from "../../src/modbus/poller.js"
import { pymodbusClient, pymodbusMissing, pymodbusServer, sleep, withDevice } from "./helpers.js"

const REGISTERS = ["40001-40010=7", "400100-400102=1,2,3", "1-16=1", "30001-30004=3,4", "10001-10008=0", "10003=1"]

describe.skipIf(pymodbusMissing !== undefined)("pymodbus client against cpppo modbus server", () => {
  it("reads every table, in the 5- and 6-digit address forms", async () => {
    await withDevice({ registers: REGISTERS }, async (d) => {
      const r = await pymodbusClient(d.address.port, 1, [["rhr", 0, 10], ["rhr", 99, 3], ["rc", 0, 16], ["rir", 0, 4], ["rdi", 0, 8]])
      expect(r).toEqual([
        { ok: [7, 7, 7, 7, 7, 7, 7, 7, 7, 7] },
        { ok: [1, 2, 3] },
        { ok: Array(16).fill(true) },
        { ok: [3, 4, 3, 4] },
        { ok: [false, false, true, false, false, false, false, false] }
      ])
    })
  })

  it("writes coils and registers (5, 6, 15, 16, 22, 23) and reads them back over Modbus and from the store", async () => {
    await withDevice({ registers: REGISTERS }, async (d) => {
      const r = await pymodbusClient(d.address.port, 1, [
        ["wr", 3, 99], ["wrs", 5, [500, 501, 65535]], ["rhr", 0, 10],
        ["wc", 1, false], ["wcs", 8, [false, true, false]], ["rc", 0, 12],
        ["mask", 0, 0xf2, 0x25], ["rhr", 0, 1],
        ["rw", 0, 2, 1, [41, 42]]
      ])
      expect(r).toEqual([
        { ok: true }, { ok: true }, { ok: [7, 7, 7, 99, 7, 500, 501, 65535, 7, 7] },
        { ok: true }, { ok: true }, { ok: [true, false, true, true, true, true, true, true, false, true, false, true] },
        { ok: true }, { ok: [(7 & 0xf2) | (0x25 & ~0xf2 & 0xffff)] },
        { ok: [(7 & 0xf2) | (0x25 & ~0xf2 & 0xffff), 41] }
      ])
      const stored = await Effect.runPromise(d.tags.read("40001", 0, 10))
      expect(stored).toEqual([(7 & 0xf2) | (0x25 & ~0xf2 & 0xffff), 41, 42, 99, 7, 500, 501, 65535, 7, 7])
      expect(await Effect.runPromise(d.tags.read("1", 8, 3))).toEqual([false, true, false])
    })
  })

  it("gets the exceptions a PLC sends: 02 undefined address, 03 quantity past the limit, 0B unknown unit, 06 forced busy", async () => {
    await withDevice({ registers: REGISTERS, units: [1, 2] }, async (d) => {
      const r = await pymodbusClient(d.address.port, 1, [["rhr", 10, 1], ["rhr", 5, 10], ["rc", 0, 2001], ["rhr", 0, 126], ["wr", 200, 1]])
      expect(r.map((x) => x.exception)).toEqual([2, 2, 3, 3, 2])
      expect((await pymodbusClient(d.address.port, 3, [["rhr", 0, 1]]))[0]).toEqual({ exception: 0x0b })
      expect((await pymodbusClient(d.address.port, 2, [["rhr", 0, 1]]))[0]).toEqual({ ok: [7] })
      await Effect.runPromise(d.tags.setError("40001", { status: 6 }))
      expect(await pymodbusClient(d.address.port, 1, [["rhr", 0, 1], ["wr", 0, 1], ["rir", 0, 1]])).toEqual([{ exception: 6 }, { exception: 6 }, { ok: [3] }])
    })
  })

  it("reads the device identification (43/14), basic and regular", async () => {
    await withDevice({ registers: REGISTERS, identity: { vendorName: "ACME", productCode: "PLC-9", revision: "2.3", userApplicationName: "pump station" } }, async (d) => {
      const [basic, regular] = await pymodbusClient(d.address.port, 1, [["devid", 1, 0], ["devid", 2, 0]])
      expect(basic).toEqual({ ok: { "0": "ACME", "1": "PLC-9", "2": "2.3" } })
      expect((regular!.ok as Record<string, string>)["6"]).toBe("pump station")
    })
  })
})

describe.skipIf(pymodbusMissing !== undefined)("our poller against pymodbus's server", () => {
  it("polls holding/input registers, coils and inputs, merges within reach, and writes", async () => {
    const server = await pymodbusServer()
    try {
      await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
        const poller = yield* makeModbusPoller({ host: "127.0.0.1", port: server.port, unit: 0, rate: 0.05, reach: 10, timeout: 2000 })
        yield* poller.poll("40001-40005")
        yield* poller.poll("40010")
        yield* poller.poll("30001-30200") // longer than one request: cut at 125
        yield* poller.poll("1-20")
        yield* poller.poll("10001-10004")
        const firstHolding = yield* poller.changes.pipe(Stream.filter((c) => c.range.table === "holding" && !c.stale), Stream.take(1), Stream.runCollect)
        expect(firstHolding.pipe((c) => [...c][0]!.values.length)).toBeGreaterThan(0)
        yield* Effect.promise(() => sleep(300))
        expect((yield* poller.read("40010")).value).toBe(9)
        expect((yield* poller.read("30200")).value).toBe(398)
        expect((yield* poller.read("4")).value).toBe(true)
        expect((yield* poller.read("10002")).value).toBe(false)
        const before = yield* poller.summary
        expect(before.errors).toBe(0)
        yield* poller.write("40003", 4242)
        yield* poller.write("40004", [1, 2])
        yield* poller.write("2", true)
        yield* Effect.promise(() => sleep(200))
        expect((yield* poller.readFresh({ table: "holding", offset: 2, count: 3 }, 1000))).toEqual([4242, 1, 2])
        expect((yield* poller.read("2")).value).toBe(true)
      })))
    } finally {
      server.stop()
    }
  })
})
