/**
 * Request PDUs at the edges of the Modbus limits, decoded without a socket: the quantity, byte
 * count and length checks of every function code, each with the exception a PLC answers.
 */
import { describe, expect, it } from "@effect/vitest"
import { decodeRequest, encodeRequest, isRequestException, packBits, unpackBits } from "../../src/modbus/codec.js"

const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"))
const u16 = (n: number) => n.toString(16).padStart(4, "0")
const decode = (h: string) => decodeRequest(bytes(h))

describe("request limits", () => {
  it("reads: quantity 1..2000 bits, 1..125 registers; exactly 5 bytes", () => {
    expect(decode("01" + "0000" + u16(2000))).toEqual({ fc: 1, address: 0, quantity: 2000 })
    expect(decode("02" + "0000" + u16(2001))).toEqual({ fc: 2, exception: 3 })
    expect(decode("02" + "0000" + u16(2000))).toEqual({ fc: 2, address: 0, quantity: 2000 })
    expect(decode("03" + "ffff" + u16(125))).toEqual({ fc: 3, address: 0xffff, quantity: 125 })
    expect(decode("04" + "0000" + u16(126))).toEqual({ fc: 4, exception: 3 })
    expect(decode("03" + "0000" + u16(130))).toEqual({ fc: 3, exception: 3 })
    expect(decode("04" + "0001" + u16(1))).toEqual({ fc: 4, address: 1, quantity: 1 })
    expect(decode("01" + "0000" + u16(0))).toEqual({ fc: 1, exception: 3 })
    expect(decode("01" + "0000" + "00")).toEqual({ fc: 1, exception: 3 })
  })

  it("write single coil: 0xFF00 or 0x0000 only; write single register: any value; 5 bytes each", () => {
    expect(decode("05" + "0007" + "ff00")).toEqual({ fc: 5, address: 7, value: true })
    expect(decode("05" + "0007" + "0000")).toEqual({ fc: 5, address: 7, value: false })
    for (const v of ["00ff", "0001", "ffff", "ff01"]) expect(decode("05" + "0007" + v)).toEqual({ fc: 5, exception: 3 })
    expect(decode("05" + "0007" + "ff0000")).toEqual({ fc: 5, exception: 3 })
    expect(decode("06" + "0102" + "abcd")).toEqual({ fc: 6, address: 0x102, value: 0xabcd })
    expect(decode("06" + "0102" + "ab")).toEqual({ fc: 6, exception: 3 })
    expect(decode("06" + "0102" + "abcdef")).toEqual({ fc: 6, exception: 3 })
  })

  it("write multiple coils: 1..1968, byte count ceil(n/8), the PDU exactly that long", () => {
    const coils = (n: number, count = Math.ceil(n / 8), extra = 0) => "0f" + "0000" + u16(n) + count.toString(16).padStart(2, "0") + "00".repeat(count + extra)
    expect(decode(coils(1968))).toMatchObject({ fc: 15, address: 0 })
    expect((decode(coils(1968)) as unknown as { values: Array<boolean> }).values).toHaveLength(1968)
    expect(decode(coils(1969))).toEqual({ fc: 15, exception: 3 })
    expect(decode(coils(0, 0))).toEqual({ fc: 15, exception: 3 })
    expect(decode(coils(9, 1))).toEqual({ fc: 15, exception: 3 })
    expect(decode(coils(9, 3, -1))).toEqual({ fc: 15, exception: 3 })
    expect(decode(coils(9, 2, 1))).toEqual({ fc: 15, exception: 3 })
    expect(decode(coils(9, 2, -1))).toEqual({ fc: 15, exception: 3 })
    expect(decode("0f" + "0000" + "0001")).toEqual({ fc: 15, exception: 3 })
    expect(decode("0f" + "0003" + "000a" + "02" + "0503")).toEqual({ fc: 15, address: 3, values: [true, false, true, false, false, false, false, false, true, true] })
  })

  it("write multiple registers: 1..123, byte count 2n, the PDU exactly that long", () => {
    const regs = (n: number, count = 2 * n, extra = 0) => "10" + "0000" + u16(n) + count.toString(16).padStart(2, "0") + "0001".repeat(n) + "00".repeat(Math.max(0, extra)) 
    expect((decode(regs(123)) as unknown as { values: Array<number> }).values).toEqual(Array(123).fill(1))
    expect(decode(regs(124, 248))).toEqual({ fc: 16, exception: 3 })
    expect(decode(regs(0))).toEqual({ fc: 16, exception: 3 })
    expect(decode(regs(2, 3))).toEqual({ fc: 16, exception: 3 })
    expect(decode(regs(2, 4, 1))).toEqual({ fc: 16, exception: 3 })
    expect(decode("10" + "0000" + "0002" + "04" + "000100")).toEqual({ fc: 16, exception: 3 })
    expect(decode("10" + "0000" + "0001")).toEqual({ fc: 16, exception: 3 })
    expect(decode("10" + "0005" + "0002" + "04" + "1234abcd")).toEqual({ fc: 16, address: 5, values: [0x1234, 0xabcd] })
  })

  it("mask write: exactly 7 bytes", () => {
    expect(decode("16" + "0004" + "f0f0" + "0f0f")).toEqual({ fc: 22, address: 4, and: 0xf0f0, or: 0x0f0f })
    expect(decode("16" + "0004" + "f0f0" + "0f")).toEqual({ fc: 22, exception: 3 })
    expect(decode("16" + "0004" + "f0f0" + "0f0f00")).toEqual({ fc: 22, exception: 3 })
  })

  it("read/write multiple: read 1..125, write 1..121, byte count 2 × write, the PDU exactly that long", () => {
    const rw = (r: number, w: number, count = 2 * w, body = 2 * w) =>
      "17" + "0001" + u16(r) + "0002" + u16(w) + count.toString(16).padStart(2, "0") + "00".repeat(body)
    expect(decode(rw(125, 121))).toMatchObject({ fc: 23, readAddress: 1, readQuantity: 125, writeAddress: 2 })
    expect(decode(rw(126, 1))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(0, 1))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(1, 122))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(1, 0))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(1, 2, 3))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(1, 2, 4, 5))).toEqual({ fc: 23, exception: 3 })
    expect(decode(rw(1, 2, 4, 3))).toEqual({ fc: 23, exception: 3 })
    expect(decode("17" + "0001" + "0001" + "0002" + "00")).toEqual({ fc: 23, exception: 3 })
    expect(decode("17" + "0001" + "0001" + "0002" + "0001" + "02" + "beef")).toEqual({ fc: 23, readAddress: 1, readQuantity: 1, writeAddress: 2, values: [0xbeef] })
  })

  it("device identification: MEI 0x0E, codes 1..4, exactly 4 bytes; anything else is 01 or 03", () => {
    expect(decode("2b0e0100")).toEqual({ fc: 43, code: 1, objectId: 0 })
    expect(decode("2b0e0480")).toEqual({ fc: 43, code: 4, objectId: 0x80 })
    expect(decode("2b0e0000")).toEqual({ fc: 43, exception: 3 })
    expect(decode("2b0e0500")).toEqual({ fc: 43, exception: 3 })
    expect(decode("2b0e01")).toEqual({ fc: 43, exception: 3 })
    expect(decode("2b0e010000")).toEqual({ fc: 43, exception: 3 })
    expect(decode("2b0d0100")).toEqual({ fc: 43, exception: 1 })
    expect(decode("2b")).toEqual({ fc: 43, exception: 1 })
    expect(decode("")).toEqual({ fc: 0, exception: 1 })
    expect(decode("08")).toEqual({ fc: 8, exception: 1 })
    expect(decode("00")).toEqual({ fc: 0, exception: 1 })
  })

  it("isRequestException tells a refusal from a request", () => {
    expect(isRequestException(decode("08"))).toBe(true)
    expect(isRequestException(decode("2b0e0100"))).toBe(false)
  })

  it("encodes every field big-endian, bits LSB first", () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
    expect(hex(encodeRequest({ fc: 2, address: 0x1234, quantity: 0x0102 }))).toBe("0212340102")
    expect(hex(encodeRequest({ fc: 5, address: 0xabcd, value: true }))).toBe("05abcdff00")
    expect(hex(encodeRequest({ fc: 5, address: 1, value: false }))).toBe("0500010000")
    expect(hex(encodeRequest({ fc: 6, address: 0x0102, value: 0xfffe }))).toBe("060102fffe")
    expect(hex(encodeRequest({ fc: 15, address: 0x0a0b, values: [true, false, false, false, false, false, false, false, false, true] }))).toBe("0f0a0b000a020102")
    expect(hex(encodeRequest({ fc: 16, address: 1, values: [0x1234, 0xabcd] }))).toBe("1000010002041234abcd")
    expect(hex(encodeRequest({ fc: 22, address: 0x0102, and: 0x0304, or: 0x0506 }))).toBe("16010203040506")
    expect(hex(encodeRequest({ fc: 23, readAddress: 0x0102, readQuantity: 3, writeAddress: 0x0405, values: [0xbeef] }))).toBe("1701020003040500010" + "2beef")
    expect(hex(encodeRequest({ fc: 43, code: 2, objectId: 0x81 }))).toBe("2b0e0281")
    const packed = new Uint8Array(3)
    packBits([true, true, false, false, false, false, false, true, false, true], packed, 1)
    expect(hex(packed)).toBe("008302")
    expect(unpackBits(bytes("ff0280"), 1, 10)).toEqual([false, true, false, false, false, false, false, false, false, false])
  })
})
