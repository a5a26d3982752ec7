/**
 * Modbus exception codes as the README's tables give them: a forced error on a register range is
 * answered with that exception code (1..0x0B), any other status with 04; and the bridge turns each
 * Modbus exception to a write into the CIP status a Logix client understands.
 */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { cipError } from "../../src/modbus/bridge.js"
import { ModbusError } from "../../src/modbus/client.js"
import { PollerError } from "../../src/modbus/poller.js"
import { HANG_GUARD, rawModbus, toHex, withDevice } from "./helpers.js"

/** An ADU: transaction 0x0102, protocol 0, unit 1, PDU (hex). */
const adu = (pdu: string) => `01020000${(pdu.length / 2 + 1).toString(16).padStart(4, "0")}01${pdu}`

describe("a forced error on a register range (web API tags/40001/error=N)", HANG_GUARD, () => {
  it("statuses 1..0x0B are answered as that exception code; a status above 0x0B as 04", async () => {
    await withDevice({ registers: ["40001-40004=7"] }, async (d) => {
      const c = await rawModbus(d.address.port)
      const seen: Record<number, string> = {}
      for (const status of [0x01, 0x02, 0x03, 0x04, 0x06, 0x0a, 0x0b, 0x0c, 0x1e, 0xff]) {
        await Effect.runPromise(d.tags.setError("40001", { status }))
        c.send(adu("0300000002"))
        seen[status] = toHex(await c.adu())
      }
      await Effect.runPromise(d.tags.setError("40001", undefined))
      c.send(adu("0300000001"))
      const cleared = toHex(await c.adu())
      c.close()
      const exception = (code: number) => adu(`83${code.toString(16).padStart(2, "0")}`)
      expect(seen).toEqual({
        1: exception(1), 2: exception(2), 3: exception(3), 4: exception(4), 6: exception(6), 10: exception(10), 11: exception(11),
        12: exception(4), 30: exception(4), 255: exception(4)
      })
      expect(cleared).toBe(adu("030200" + "07"))
    })
  })
})

describe("the bridge: a Modbus failure as a CIP status", () => {
  const exception = (code: number) => cipError(new ModbusError({ reason: "Exception", code, message: `exception ${code}` }))
  it("01 → 0x08, 02 → 0x05, 03 → 0x09, 04 → 0x10, 06 → 0x02, 0A/0B → 0x01/[0x0204]", () => {
    const of = (e: { status: number; extStatus: ReadonlyArray<number> }) => [e.status, [...e.extStatus]]
    expect([1, 2, 3, 4, 6, 10, 11].map((code) => of(exception(code)))).toEqual([
      [0x08, []], [0x05, []], [0x09, []], [0x10, []], [0x02, []], [0x01, [0x0204]], [0x01, [0x0204]]
    ])
  })
  it("a device down (closed, timed out) → 0x01/[0x0204]; a write to inputs → 0x0E", () => {
    for (const reason of ["Connect", "Timeout", "Closed", "Malformed"] as const) {
      const e = cipError(new ModbusError({ reason, message: reason }))
      expect([e.status, [...e.extStatus]], reason).toEqual([0x01, [0x0204]])
    }
    const stale = cipError(new PollerError({ reason: "Stale", message: "stale" }))
    expect([stale.status, [...stale.extStatus]]).toEqual([0x01, [0x0204]])
    const readOnly = cipError(new PollerError({ reason: "ReadOnly", message: "input registers" }))
    expect(readOnly.status).toBe(0x0e)
  })
})
