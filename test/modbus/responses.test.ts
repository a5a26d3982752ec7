/**
 * The client side of the Modbus codec, byte for byte: response decoding (every function, every
 * malformed case with its reason), the MBAP header and framer's refusals, Read Device
 * Identification's categories and cuts, exception names.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  bitsResponse, decodeResponse, describeException, deviceIdResponse, encodeAdu, exceptionPdu, makeMbapFramer, type ModbusRequest, readMbap
} from "../../src/modbus/codec.js"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"))
const malformed = (request: ModbusRequest, pdu: string) => {
  const r = decodeResponse(request, bytes(pdu))
  return r._tag === "Malformed" ? `${r.fc}: ${r.reason}` : `not malformed: ${JSON.stringify(r)}`
}

describe("Modbus responses", () => {
  it("bits are cut to the quantity asked; a byte count that does not match is malformed", () => {
    expect(decodeResponse({ fc: 1, address: 0, quantity: 10 }, bytes("0102ff02"))).toEqual({
      _tag: "Bits", fc: 1, values: [true, true, true, true, true, true, true, true, false, true]
    })
    expect(decodeResponse({ fc: 2, address: 0, quantity: 3 }, bytes("020105"))).toEqual({ _tag: "Bits", fc: 2, values: [true, false, true] })
    expect(malformed({ fc: 1, address: 0, quantity: 10 }, "0101ff")).toBe("1: byte count does not match the quantity")
    expect(malformed({ fc: 1, address: 0, quantity: 8 }, "0101ff00")).toBe("1: byte count does not match the quantity")
    expect(malformed({ fc: 1, address: 0, quantity: 8 }, "0102ff")).toBe("1: byte count does not match the quantity")
  })

  it("registers: big-endian, as many as asked (function 23: its read quantity)", () => {
    expect(decodeResponse({ fc: 4, address: 0, quantity: 2 }, bytes("04041234abcd"))).toEqual({ _tag: "Registers", fc: 4, values: [0x1234, 0xabcd] })
    expect(decodeResponse({ fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 5, values: [1, 2, 3] }, bytes("17020102")))
      .toEqual({ _tag: "Registers", fc: 23, values: [0x0102] })
    expect(malformed({ fc: 23, readAddress: 0, readQuantity: 1, writeAddress: 5, values: [1, 2, 3] }, "1706000100020003"))
      .toBe("23: byte count does not match the quantity")
    expect(malformed({ fc: 3, address: 0, quantity: 1 }, "0302000100")).toBe("3: byte count does not match the quantity")
  })

  it("writes echo address and value; another address or length is malformed", () => {
    expect(decodeResponse({ fc: 6, address: 0x0102, value: 7 }, bytes("0601020007"))).toEqual({ _tag: "Written", fc: 6, address: 0x0102, value: 7 })
    expect(decodeResponse({ fc: 5, address: 3, value: true }, bytes("050003ff00"))).toEqual({ _tag: "Written", fc: 5, address: 3, value: 0xff00 })
    expect(decodeResponse({ fc: 15, address: 9, values: [true, false] }, bytes("0f00090002"))).toEqual({ _tag: "Written", fc: 15, address: 9, value: 2 })
    expect(decodeResponse({ fc: 16, address: 9, values: [1] }, bytes("1000090001"))).toEqual({ _tag: "Written", fc: 16, address: 9, value: 1 })
    expect(malformed({ fc: 6, address: 1, value: 7 }, "06000100")).toBe("6: write response is not 5 bytes")
    expect(malformed({ fc: 6, address: 1, value: 7 }, "060001000700")).toBe("6: write response is not 5 bytes")
    expect(malformed({ fc: 16, address: 1, values: [7] }, "1000020001")).toBe("16: write response names another address")
  })

  it("mask write echoes all 7 bytes", () => {
    expect(decodeResponse({ fc: 22, address: 4, and: 0xf0f0, or: 0x0f0f }, bytes("160004f0f00f0f"))).toEqual({ _tag: "Written", fc: 22, address: 4, value: 0xf0f0 })
    expect(malformed({ fc: 22, address: 4, and: 0, or: 0 }, "160004f0f0")).toBe("22: mask write response does not echo the request")
    expect(malformed({ fc: 22, address: 4, and: 0, or: 0 }, "160005f0f00f0f")).toBe("22: mask write response does not echo the request")
  })

  it("an exception names the request's function; another function or a short PDU is malformed", () => {
    expect(decodeResponse({ fc: 3, address: 0, quantity: 1 }, bytes("8302"))).toEqual({ _tag: "Exception", fc: 3, code: 2 })
    expect(decodeResponse({ fc: 16, address: 0, values: [1] }, bytes("900b"))).toEqual({ _tag: "Exception", fc: 16, code: 0x0b })
    expect(malformed({ fc: 3, address: 0, quantity: 1 }, "8402")).toBe("132: function 132 in the response to function 3")
    expect(malformed({ fc: 3, address: 0, quantity: 1 }, "04020001")).toBe("4: function 4 in the response to function 3")
    expect(malformed({ fc: 3, address: 0, quantity: 1 }, "03")).toBe("3: response shorter than 2 bytes")
    expect(malformed({ fc: 3, address: 0, quantity: 1 }, "")).toBe("0: response shorter than 2 bytes")
  })

  it("device identification: objects, more-follows, and every way it runs past its end", () => {
    const id = { fc: 43, code: 1, objectId: 0 } as const
    expect(decodeResponse(id, bytes("2b0e01810000020003414243" + "0102" + "5859"))).toEqual({
      _tag: "DeviceId", code: 1, conformity: 0x81, more: false, next: 0, objects: new Map([[0, "ABC"], [1, "XY"]])
    })
    expect(decodeResponse(id, bytes("2b0e0282ff03010100"))).toMatchObject({ _tag: "DeviceId", code: 2, conformity: 0x82, more: true, next: 3, objects: new Map([[1, ""]]) })
    expect(decodeResponse(id, bytes("2b0e0282fe0300"))).toMatchObject({ more: false, next: 3 })
    expect(malformed(id, "2b0e01810000")).toBe("43: not a device identification response")
    expect(malformed(id, "2b0d0181000000")).toBe("43: not a device identification response")
    expect(malformed(id, "2b0e018100000100")).toBe("43: device identification objects run past the end")
    expect(malformed(id, "2b0e01810000010003")).toBe("43: device identification objects run past the end")
    expect(malformed(id, "2b0e0181000001000341")).toBe("43: device identification objects run past the end")
    expect(malformed(id, "2b0e01810000010003414243")).toBe("not malformed: " + JSON.stringify({ _tag: "DeviceId", code: 1, conformity: 0x81, more: false, next: 0, objects: {} }))
  })
})

describe("Read Device Identification responses", () => {
  const basic = new Map([[0, "Vendor"], [1, "Code"], [2, "1.0"]])
  it("basic (code 1): objects 0-2, conformity 0x81; a missing start id restarts at 0", () => {
    expect(hex(deviceIdResponse(basic, 1, 0))).toBe("2b0e0181000003" + "0006" + hex(Buffer.from("Vendor")) + "0104" + hex(Buffer.from("Code")) + "0203" + hex(Buffer.from("1.0")))
    expect(hex(deviceIdResponse(basic, 1, 1))).toBe("2b0e0181000002" + "0104" + hex(Buffer.from("Code")) + "0203" + hex(Buffer.from("1.0")))
    expect(hex(deviceIdResponse(basic, 1, 9))).toBe(hex(deviceIdResponse(basic, 1, 0)))
  })
  it("regular (code 2) adds ids 3-0x7f, extended (code 3) ids from 0x80; the conformity names the highest category held", () => {
    const all = new Map([[0, "V"], [1, "P"], [2, "R"], [3, "U"], [0x7f, "L"], [0x80, "X"]])
    const regular = deviceIdResponse(all, 2, 0)
    expect(hex(regular.subarray(0, 7))).toBe("2b0e0283000005")
    const extended = deviceIdResponse(all, 3, 0)
    expect(hex(extended.subarray(0, 7))).toBe("2b0e0383000006")
    expect(hex(extended.subarray(-3))).toBe("800158")
    // A start id of a higher category than asked restarts at 0.
    expect(hex(deviceIdResponse(all, 1, 3))).toBe(hex(deviceIdResponse(all, 1, 0)))
    expect(hex(deviceIdResponse(all, 2, 3).subarray(0, 9))).toBe("2b0e02830000020301")
    expect(hex(deviceIdResponse(new Map([[0, "V"], [3, "U"]]), 1, 0).subarray(0, 7))).toBe("2b0e0182000001")
    expect(hex(deviceIdResponse(new Map([[0, "V"], [2, "U"]]), 1, 0).subarray(0, 7))).toBe("2b0e0181000002")
  })
  it("objects go out in id order, whatever order the map holds them in", () => {
    const shuffled = new Map([[2, "R"], [0, "V"], [1, "P"]])
    expect(hex(deviceIdResponse(shuffled, 1, 0))).toBe("2b0e0181000003" + "000156" + "000150".replace(/^00/, "01") + "020152")
  })
  it("individual access (code 4): that one object, any category; a missing one is exception 02", () => {
    const all = new Map([[0, "V"], [0x80, "X"]])
    expect(hex(deviceIdResponse(all, 4, 0x80))).toBe("2b0e0483000001800158")
    expect(hex(deviceIdResponse(all, 4, 5))).toBe("ab02")
  })
  it("objects are cut at 244 bytes (alone they fill the 253-byte PDU); what does not fit follows in the next request", () => {
    const long = new Map([[0, "A".repeat(300)], [1, "B"]])
    const r = deviceIdResponse(long, 1, 0)
    expect(r.length).toBe(253)
    expect(hex(r.subarray(0, 9))).toBe("2b0e0181ff010100f4")
    expect(decodeResponse({ fc: 43, code: 1, objectId: 0 }, r)).toMatchObject({ more: true, next: 1, objects: new Map([[0, "A".repeat(244)]]) })
    const two = new Map([[0, "A".repeat(240)], [1, "B".repeat(3)], [2, "C"]])
    // 7 + 242 + 5 = 254 > 253: object 1 does not fit, so "more" from 1.
    expect(hex(deviceIdResponse(two, 1, 0).subarray(0, 7))).toBe("2b0e0181ff0101")
    const fits = new Map([[0, "A".repeat(240)], [1, "B".repeat(2)]])
    expect(hex(deviceIdResponse(fits, 1, 0).subarray(0, 7))).toBe("2b0e0181000002")
    expect(deviceIdResponse(fits, 1, 0).length).toBe(253)
  })
})

describe("MBAP", () => {
  it("encodeAdu writes transaction, protocol 0, length (unit + PDU) and unit; readMbap reads them back", () => {
    const adu = encodeAdu(0xabcd, 0x1ff, new Uint8Array(300).fill(3))
    expect(hex(adu.subarray(0, 8))).toBe("abcd0000012dff03")
    expect(readMbap(adu)).toEqual({ transaction: 0xabcd, protocol: 0, length: 301, unit: 0xff })
    expect(readMbap(bytes("12340005000701"))).toEqual({ transaction: 0x1234, protocol: 5, length: 7, unit: 1 })
    expect(hex(encodeAdu(0x10000 + 2, 1, bytes("0300")))).toBe("00020000000301" + "0300")
    expect(hex(encodeAdu(1, 1, new Uint8Array(255)).subarray(0, 7))).toBe("00010000010001")
  })

  it("the framer refuses a protocol other than 0 and a length outside 2..254, for good", () => {
    const f = makeMbapFramer()
    expect(f.push(bytes("0001000100020103"))).toEqual({ frames: [], error: "MBAP protocol id 1 is not 0 (Modbus)" })
    expect(f.push(bytes("000100000002ff03"))).toEqual({ frames: [], error: "MBAP protocol id 1 is not 0 (Modbus)" })
    expect(f.buffered()).toBe(0)
    expect(f.push(bytes("0001"))).toEqual({ frames: [], error: "MBAP protocol id 1 is not 0 (Modbus)" })
    expect(makeMbapFramer().push(bytes("000100000001ff"))).toEqual({ frames: [], error: "MBAP length 1 is outside 2..254" })
    expect(makeMbapFramer().push(bytes("0001000000ff"))).toEqual({ frames: [], error: "MBAP length 255 is outside 2..254" })
    const ok = makeMbapFramer()
    const max = encodeAdu(1, 1, new Uint8Array(253))
    expect(ok.push(max).frames).toHaveLength(1)
    expect(ok.push(encodeAdu(2, 1, Uint8Array.of(1))).frames).toHaveLength(1)
  })

  it("a good frame before a broken header is still delivered; bytes short of a header wait", () => {
    const f = makeMbapFramer()
    const good = encodeAdu(7, 1, bytes("0300000001"))
    const r = f.push(Uint8Array.from([...good, ...bytes("000800070006")]))
    expect(r.frames.map(hex)).toEqual([hex(good)])
    expect(r.error).toBe("MBAP protocol id 7 is not 0 (Modbus)")
    const g = makeMbapFramer()
    expect(g.push(bytes("0001000000"))).toEqual({ frames: [] })
    expect(g.buffered()).toBe(5)
    expect(g.push(bytes("06010300000001")).frames.map(hex)).toEqual(["000100000006010300000001"])
    expect(g.buffered()).toBe(0)
    expect(g.push(bytes("00010000000601030000")).frames).toEqual([])
    expect(g.buffered()).toBe(10)
  })
})

describe("exception PDUs and names", () => {
  it("the function code with the high bit set, then the code", () => {
    expect(hex(exceptionPdu(3, 2))).toBe("8302")
    expect(hex(exceptionPdu(0x83, 1))).toBe("8301")
    expect(hex(exceptionPdu(0x100 + 4, 4))).toBe("8404")
    expect(hex(bitsResponse(1, [true, false, false, false, false, false, false, false, true]))).toBe("01020101")
  })
  it("names every code Modbus defines, two hex digits", () => {
    expect([1, 2, 3, 4, 5, 6, 8, 10, 11].map(describeException)).toEqual([
      "exception 01 (illegal function)", "exception 02 (illegal data address)", "exception 03 (illegal data value)",
      "exception 04 (server device failure)", "exception 05 (acknowledge)", "exception 06 (server device busy)",
      "exception 08 (memory parity error)", "exception 0a (gateway path unavailable)",
      "exception 0b (gateway target device failed to respond)"
    ])
    expect(describeException(0x7f)).toBe("exception 7f (unknown)")
  })
})
