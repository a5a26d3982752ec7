/**
 * Bad input on the wire, byte for byte: each gets the exception a PLC sends, or a close, and the
 * server keeps serving every other connection.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { HANG_GUARD, hex, rawModbus, sleep, toHex, withDevice } from "./helpers.js"

const REGS = ["40001-40010=7", "1-16=1", "30001=5", "10001=1"]
/** An ADU: transaction 0x0102, protocol 0, unit, PDU (hex). */
const adu = (pdu: string, unit = 1, tid = "0102") => `${tid}0000${(pdu.length / 2 + 1).toString(16).padStart(4, "0")}${unit.toString(16).padStart(2, "0")}${pdu}`

describe("cpppo modbus server on bad input", HANG_GUARD, () => {
  it("answers well-formed requests byte for byte", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c2 = await rawModbus(d.address.port)
      c2.send(adu("0300000002"))
      expect(toHex(await c2.adu())).toBe("010200000007" + "01" + "0304" + "00070007")
      c2.send(adu("0100000003"))
      expect(toHex(await c2.adu())).toBe("010200000004" + "01" + "010107")
      c2.send(adu("0600010063"))
      expect(toHex(await c2.adu())).toBe(adu("0600010063"))
      c2.send(adu("050002ff00"))
      expect(toHex(await c2.adu())).toBe(adu("050002ff00"))
      c2.close()
    })
  })

  it.each([
    ["unknown function code 0x07", "07", "8701"],
    ["unknown function code 0x41", "410001", "c101"],
    ["MEI type other than 0x0E", "2b0d0100", "ab01"],
    ["read quantity 0", "0300000000", "8303"],
    ["read 126 registers (limit 125)", "030000007e", "8303"],
    ["read 2001 coils (limit 2000)", "01000007d1", "8103"],
    ["write 124 registers' header with a short body", "10000000" + "7c" + "f8", "9003"],
    ["write coil value 0x1234", "0500001234", "8503"],
    ["read registers PDU one byte short", "03000000", "8303"],
    ["read registers PDU one byte long", "030000000100", "8303"],
    ["write multiple registers byte count that lies", "1000000002" + "03" + "000100", "9003"],
    ["address past the defined registers", "0300090002", "8302"],
    ["address beyond every range", "03fff00001", "8302"],
    ["start + quantity past 65535", "03ffff0002", "8302"],
    ["write a register nobody defined", "0600200001", "8602"],
    ["read/write with the write range undefined", "17" + "0000" + "0001" + "0100" + "0001" + "02" + "0001", "9702"],
    ["device identification object 0x10 individually", "2b0e0410", "ab02"],
    ["device identification code 5", "2b0e0500", "ab03"]
  ])("%s → exception", async (_what, pdu, reply) => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu(pdu))
      expect(toHex(await c.adu())).toBe(adu(reply))
      // The session goes on.
      c.send(adu("0300000001", 1, "0203"))
      expect(toHex(await c.adu())).toBe(adu("030200" + "07", 1, "0203"))
      c.close()
    })
  })

  it("an unknown unit id gets exception 0x0B (gateway target failed to respond)", async () => {
    await withDevice({ registers: REGS, units: [1] }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu("0300000001", 9))
      expect(toHex(await c.adu())).toBe(adu("830b", 9))
      c.close()
    })
  })

  it.each([
    ["MBAP length 1 (no PDU)", "000100000001" + "01"],
    ["MBAP length 0", "000100000000"],
    ["MBAP length 255 (past 254)", "0001000000ff" + "01" + "03".repeat(254)],
    ["protocol id 1", "000100010006" + "01" + "0300000001"]
  ])("%s closes the connection, and others are served", async (_what, bytes) => {
    await withDevice({ registers: REGS }, async (d) => {
      const other = await rawModbus(d.address.port)
      const c = await rawModbus(d.address.port)
      c.send(bytes)
      expect(await c.closed()).toBe(true)
      other.send(adu("0300000001"))
      expect(toHex(await other.adu())).toBe(adu("030200" + "07"))
      other.close()
    })
  })

  it("a truncated MBAP (or PDU) is held until it completes; trickled bytes are answered once whole", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      const frame = hex(adu("0300000001"))
      for (const b of frame) { c.send(Uint8Array.of(b)); await sleep(2) }
      expect(toHex(await c.adu())).toBe(adu("030200" + "07"))
      c.send(frame.subarray(0, 5)) // half an MBAP, then the client goes away
      c.close()
      const again = await rawModbus(d.address.port)
      again.send(adu("0300000001"))
      expect(toHex(await again.adu())).toBe(adu("030200" + "07"))
      again.close()
    })
  })

  it("pipelined requests in one write are answered in order", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu("0300000001", 1, "0001") + adu("07", 1, "0002") + adu("0300090005", 1, "0003") + adu("0400000001", 1, "0004"))
      expect(toHex(await c.adu())).toBe(adu("03020007", 1, "0001"))
      expect(toHex(await c.adu())).toBe(adu("8701", 1, "0002"))
      expect(toHex(await c.adu())).toBe(adu("8302", 1, "0003"))
      expect(toHex(await c.adu())).toBe(adu("04020005", 1, "0004"))
      c.close()
    })
  })

  it("a reply delay holds replies (in order), and a forced error on a range answers its exception code", async () => {
    await withDevice({ registers: REGS, delay: 0.3 }, async (d) => {
      const c = await rawModbus(d.address.port)
      const t0 = Date.now()
      c.send(adu("0300000001", 1, "0001") + adu("0100000001", 1, "0002"))
      expect(toHex(await c.adu())).toBe(adu("03020007", 1, "0001"))
      expect(toHex(await c.adu())).toBe(adu("010101", 1, "0002"))
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280)
      await Effect.runPromise(d.control.setDelay(0))
      await Effect.runPromise(d.tags.setError("1", { status: 6 }))
      c.send(adu("0100000001"))
      expect(toHex(await c.adu())).toBe(adu("8106"))
      await Effect.runPromise(d.tags.setError("1", { status: 0x08 }))
      c.send(adu("0100000001"))
      expect(toHex(await c.adu())).toBe(adu("8108"))
      await Effect.runPromise(d.tags.setError("1", { status: 0xff }))
      c.send(adu("0100000001"))
      expect(toHex(await c.adu())).toBe(adu("8104"))
      c.close()
    })
  })
})
