/**
 * The Modbus server's per-request quantity limits at their edges, byte for byte: 123 registers
 * written (function 16), 1968 coils written (15), 121 registers written with 125 read (23), and
 * what lies past them. 124 registers in function 16 or 122 in function 23 cannot be sent whole:
 * their ADU is past the MBAP's 254-byte length, which closes the connection (badinput.test.ts).
 */
import { describe, expect, it } from "@effect/vitest"
import { HANG_GUARD, rawModbus, toHex, withDevice } from "./helpers.js"

const REGS = ["40001-40125=0", "1-2000=0"]
/** An ADU: transaction 0x0102, protocol 0, unit 1, PDU (hex). */
const adu = (pdu: string, tid = "0102") => `${tid}0000${(pdu.length / 2 + 1).toString(16).padStart(4, "0")}01${pdu}`
const u16 = (n: number) => n.toString(16).padStart(4, "0")
const u8 = (n: number) => n.toString(16).padStart(2, "0")
/** Register values i + base, as big-endian words. */
const words = (count: number, base: number) => Array.from({ length: count }, (_, i) => u16(i + base)).join("")

describe("Modbus write quantity limits", HANG_GUARD, () => {
  it("function 16 writes 123 registers (a 253-byte ADU); they read back", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu("10" + u16(0) + u16(123) + u8(246) + words(123, 1000)))
      expect(toHex(await c.adu())).toBe(adu("10" + u16(0) + u16(123)))
      c.send(adu("03" + u16(0) + u16(125)))
      expect(toHex(await c.adu())).toBe(adu("03" + u8(250) + words(123, 1000) + u16(0) + u16(0)))
      c.close()
    })
  })

  it("function 15 writes 1968 coils; 1969 (which still fits an ADU) is exception 03 and writes nothing", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu("0f" + u16(0) + u16(1968) + u8(246) + "ff".repeat(246)))
      expect(toHex(await c.adu())).toBe(adu("0f" + u16(0) + u16(1968)))
      c.send(adu("01" + u16(1960) + u16(16)))
      expect(toHex(await c.adu())).toBe(adu("01" + "02" + "ff" + "00")) // coils 1961..1968 set, 1969.. not
      c.send(adu("0f" + u16(0) + u16(1969) + u8(247) + "00".repeat(247)))
      expect(toHex(await c.adu())).toBe(adu("8f03"))
      c.send(adu("01" + u16(0) + u16(8)))
      expect(toHex(await c.adu())).toBe(adu("01" + "01" + "ff")) // the refused write changed nothing
      c.close()
    })
  })

  it("function 23 writes 121 registers and reads 125 (after the write); reading 126 is exception 03", async () => {
    await withDevice({ registers: REGS }, async (d) => {
      const c = await rawModbus(d.address.port)
      c.send(adu("17" + u16(0) + u16(125) + u16(0) + u16(121) + u8(242) + words(121, 500)))
      expect(toHex(await c.adu())).toBe(adu("17" + u8(250) + words(121, 500) + u16(0).repeat(4)))
      c.send(adu("17" + u16(0) + u16(126) + u16(0) + u16(1) + u8(2) + u16(9)))
      expect(toHex(await c.adu())).toBe(adu("9703"))
      c.send(adu("03" + u16(0) + u16(1)))
      expect(toHex(await c.adu())).toBe(adu("03" + "02" + u16(500))) // the refused request wrote nothing
      c.close()
    })
  })
})
