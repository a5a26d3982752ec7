/**
 * The fixed-layout object payloads byte for byte (Identity, TCP/IP Interface, CIP STRING lists,
 * Forward Open/Close network connection parameters), and the exact error each malformed payload
 * gets: its reason, the offset where it was found, and the message.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { Writer } from "../../src/cip/bytes.js"
import {
  decodeForwardClose, decodeForwardOpen, decodeNcp, encodeNcp, writeForwardClose, writeForwardOpen
} from "../../src/cip/connmgr.js"
import { decodeIdentity, encodeIdentity, type IdentityAttributes } from "../../src/cip/identity.js"
import type { ForwardCloseRequest, ForwardOpenRequest } from "../../src/cip/model.js"
import { decodeTcpIp, encodeTcpIp, type TcpIpAttributes } from "../../src/cip/tcpip.js"
import { CipType } from "../../src/cip/types.js"
import { decodeCipStrings, decodeTyped, encodeCipStrings, encodeTyped } from "../../src/cip/values.js"
import { hexToBytes } from "./vectors.js"

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex")
const problem = (r: Either.Either<unknown, { reason: string; offset: number; message: string }>) =>
  Either.isLeft(r) ? { reason: r.left.reason, offset: r.left.offset, message: r.left.message } : "decoded"

describe("Identity (class 1) Get Attributes All", () => {
  const id: IdentityAttributes = {
    vendorId: 1, deviceType: 0x0e, productCode: 0x36, revision: [20, 11], status: 0x3160, serialNumber: 0x12345678,
    productName: "1756-L61/B LOGIX5561"
  }
  const wire = "0100" + "0e00" + "3600" + "140b" + "6031" + "78563412" + "14" + Buffer.from("1756-L61/B LOGIX5561", "latin1").toString("hex")

  it("attributes 1..7 in order, the name as a SHORT_STRING", () => {
    expect(hex(encodeIdentity(id))).toBe(wire)
    expect(Either.getOrThrow(decodeIdentity(hexToBytes(wire)))).toEqual(id)
  })

  it("attributes 8..10 (state, configuration consistency, heartbeat) when state is given", () => {
    const full = { ...id, state: 3, configurationConsistency: 0xbeef, heartbeatInterval: 9 }
    expect(hex(encodeIdentity(full))).toBe(wire + "03" + "efbe" + "09")
    expect(Either.getOrThrow(decodeIdentity(hexToBytes(wire + "03efbe09")))).toEqual(full)
    expect(hex(encodeIdentity({ ...id, state: 1 }))).toBe(wire + "01" + "0000" + "00")
  })

  it("a name over 255 characters is cut at 255; names are latin-1", () => {
    const long = encodeIdentity({ ...id, productName: "x".repeat(300) })
    expect(long[14]).toBe(255)
    expect(long.length).toBe(15 + 255)
    const e = Either.getOrThrow(decodeIdentity(encodeIdentity({ ...id, productName: "Müller" })))
    expect(e.productName).toBe("Müller")
  })

  it("refuses short, cut and over-long payloads, saying where", () => {
    expect(problem(decodeIdentity(hexToBytes(wire.slice(0, 28))))).toEqual({ reason: "Truncated", offset: 0, message: "Identity attributes" })
    expect(problem(decodeIdentity(hexToBytes(wire.slice(0, -2))))).toEqual({ reason: "Truncated", offset: 14, message: "Identity product name" })
    expect(problem(decodeIdentity(hexToBytes(wire + "03efbe")))).toEqual({ reason: "BadLength", offset: 35, message: "Identity attributes 8..10 need 4 bytes, have 3" })
    expect(problem(decodeIdentity(hexToBytes(wire + "03efbe0900")))).toEqual({ reason: "BadLength", offset: 35, message: "Identity attributes 8..10 need 4 bytes, have 5" })
    // The smallest payload: an empty name.
    expect(Either.getOrThrow(decodeIdentity(hexToBytes(wire.slice(0, 28) + "00"))).productName).toBe("")
  })
})

describe("TCP/IP Interface (class 0xF5) Get Attributes All", () => {
  const t: TcpIpAttributes = {
    status: 1, capability: 0x14, control: 2, physicalLink: [{ _tag: "Class", id: 0xf6 }, { _tag: "Instance", id: 1 }],
    ipAddress: "192.168.1.10", networkMask: "255.255.255.0", gateway: "192.168.1.1", nameServer: "8.8.8.8", nameServer2: "0.0.0.0",
    domainName: "plant", hostName: "plc1"
  }
  const wire = "01000000" + "14000000" + "02000000" + "0200" + "20f62401" +
    "0a01a8c0" + "00ffffff" + "0101a8c0" + "08080808" + "00000000" + "0500" + "706c616e74" + "00" + "0400" + "706c6331"

  it("encodes each field in place: addresses as UDINTs, names as padded CIP STRINGs", () => {
    expect(hex(encodeTcpIp(t))).toBe(wire)
    expect(Either.getOrThrow(decodeTcpIp(hexToBytes(wire)))).toEqual(t)
  })

  it("an address that is not a dotted quad is sent as 0.0.0.0", () => {
    const odd = encodeTcpIp({ ...t, ipAddress: "1.2.3", networkMask: "1.2.3.256", gateway: "a.b.c.d", nameServer: "-1.0.0.0", nameServer2: "1.2.3.4.5" })
    expect(Either.getOrThrow(decodeTcpIp(odd))).toMatchObject({
      ipAddress: "0.0.0.0", networkMask: "0.0.0.0", gateway: "0.0.0.0", nameServer: "0.0.0.0", nameServer2: "0.0.0.0"
    })
    expect(Either.getOrThrow(decodeTcpIp(encodeTcpIp({ ...t, ipAddress: "255.0.0.255" }))).ipAddress).toBe("255.0.0.255")
  })

  it("an odd-length host name is padded too; the pad is optional at the very end", () => {
    const b = encodeTcpIp({ ...t, hostName: "abc" })
    expect(hex(b).endsWith("0300" + "616263" + "00")).toBe(true)
    expect(Either.getOrThrow(decodeTcpIp(b.subarray(0, b.length - 1))).hostName).toBe("abc")
    expect(Either.getOrThrow(decodeTcpIp(b)).hostName).toBe("abc")
  })

  it("refuses short, cut and over-long payloads, saying where", () => {
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 26))))).toEqual({ reason: "Truncated", offset: 0, message: "TCP/IP attributes" })
    // 14 bytes hold the path size: what is missing is the path and configuration.
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 28))))).toEqual({ reason: "Truncated", offset: 12, message: "TCP/IP physical link path / interface configuration" })
    // The configuration whole, the names missing.
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 76))))).toEqual({ reason: "Truncated", offset: 38, message: "TCP/IP domain / host name" })
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 36 + 38))))).toEqual({ reason: "Truncated", offset: 12, message: "TCP/IP physical link path / interface configuration" })
    const noHost = wire.slice(0, wire.length - 12)
    expect(problem(decodeTcpIp(hexToBytes(noHost)))).toEqual({ reason: "Truncated", offset: 38, message: "TCP/IP domain / host name" })
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, -2))))).toEqual({ reason: "Truncated", offset: 38, message: "TCP/IP domain / host name" })
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 36 + 40 + 2))))).toEqual({ reason: "Truncated", offset: 38, message: "TCP/IP domain / host name" })
    expect(problem(decodeTcpIp(hexToBytes(wire + "00")))).toEqual({ reason: "BadLength", offset: 52, message: "bytes after the TCP/IP host name" })
    expect(problem(decodeTcpIp(hexToBytes(wire.slice(0, 28) + "0100" + "ff00" + wire.slice(36 + 4))))).toMatchObject({ reason: "BadSegment" })
  })
})

describe("CIP STRING (0xD0) lists", () => {
  it("UINT length, characters, a pad byte after an odd length", () => {
    expect(hex(encodeCipStrings(["ab", "c", ""]))).toBe("0200" + "6162" + "0100" + "63" + "00" + "0000")
    expect(Either.getOrThrow(decodeCipStrings(hexToBytes("0200616201006300" + "0000")))).toEqual(["ab", "c", ""])
    expect(Either.getOrThrow(decodeCipStrings(hexToBytes("01006300")))).toEqual(["c"])
    expect(Either.getOrThrow(decodeCipStrings(new Uint8Array(0)))).toEqual([])
  })

  it("refuses a cut length or cut characters, saying where", () => {
    expect(problem(decodeCipStrings(hexToBytes("0200616201")))).toEqual({ reason: "Truncated", offset: 4, message: "CIP STRING length" })
    expect(problem(decodeCipStrings(hexToBytes("02006162" + "030063")))).toEqual({ reason: "Truncated", offset: 4, message: "CIP STRING characters" })
    expect(problem(decodeCipStrings(hexToBytes("0100")))).toEqual({ reason: "Truncated", offset: 0, message: "CIP STRING characters" })
  })

  it("decodeTyped / encodeTyped: 0xD0 as CIP STRINGs, atomics by their code, other STRUCTs opaque", () => {
    expect(Either.getOrThrow(decodeTyped({ code: CipType.STRING }, hexToBytes("01007800"))!)).toEqual(["x"])
    expect(hex(encodeTyped({ code: CipType.STRING }, [12 as never])!)).toBe("02003132")
    expect(Either.getOrThrow(decodeTyped({ code: CipType.INT }, hexToBytes("0100ffff"))!)).toEqual([1, -1])
    expect(hex(encodeTyped({ code: CipType.DINT }, [2])!)).toBe("02000000")
    expect(decodeTyped({ code: 0x02a0, handle: 0x1234 }, new Uint8Array(4))).toBeUndefined()
    expect(encodeTyped({ code: 0x02a0, handle: 0x1234 }, [])).toBeUndefined()
  })
})

describe("Connection Manager: network connection parameters", () => {
  it("16-bit NCP: size in 9 bits, variable bit 9, priority bits 10-11, type bits 13-14, redundant owner bit 15", () => {
    expect(decodeNcp(0x43f8, false)).toEqual({ size: 0x1f8, variable: true, priority: 0, type: 2, redundantOwner: false })
    expect(decodeNcp(0xcdff, false)).toEqual({ size: 0x1ff, variable: false, priority: 3, type: 2, redundantOwner: true })
    expect(decodeNcp(0x2801, false)).toEqual({ size: 1, variable: false, priority: 2, type: 1, redundantOwner: false })
    expect(encodeNcp({ size: 0x1f8, variable: true, priority: 0, type: 2, redundantOwner: false }, false)).toBe(0x43f8)
    expect(encodeNcp({ size: 0x3ff, variable: false, priority: 7, type: 7, redundantOwner: true }, false)).toBe(0xedff)
  })

  it("32-bit NCP (Large Forward Open): size in the low 16 bits, the flags in the high word", () => {
    expect(decodeNcp(0x4200_0fa0, true)).toEqual({ size: 4000, variable: true, priority: 0, type: 2, redundantOwner: false })
    expect(decodeNcp(0xac00_ffff, true)).toEqual({ size: 0xffff, variable: false, priority: 3, type: 1, redundantOwner: true })
    expect(encodeNcp({ size: 4000, variable: true, priority: 0, type: 2, redundantOwner: false }, true)).toBe(0x4200_0fa0)
    expect(encodeNcp({ size: 0x1ffff, variable: false, priority: 3, type: 1, redundantOwner: true }, true)).toBe(0xac00_ffff)
  })
})

describe("Forward Open / Forward Close request data", () => {
  const path = [{ _tag: "Class" as const, id: 6 }, { _tag: "Instance" as const, id: 1 }]
  const cp = [{ _tag: "Port" as const, port: 1, link: 0 }, { _tag: "Class" as const, id: 2 }, { _tag: "Instance" as const, id: 1 }]
  const fo: ForwardOpenRequest = {
    _tag: "ForwardOpen", path, large: false, priorityTimeTick: 0x0a, timeoutTicks: 0x0e, otConnectionId: 0x11223344, toConnectionId: 0x55667788,
    connectionSerial: 0x99aa, originatorVendor: 0x1234, originatorSerial: 0xdeadbeef, timeoutMultiplier: 2,
    otRpi: 2_000_000, otParams: { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false },
    toRpi: 1_000_000, toParams: { size: 400, variable: false, priority: 1, type: 2, redundantOwner: true },
    transportClassTrigger: 0xa3, connectionPath: cp
  }
  const written = (f: (w: Writer) => void) => { const w = new Writer(8); f(w); return w.finish() }
  const foWire = "0a0e" + "44332211" + "88776655" + "aa99" + "3412" + "efbeadde" + "02" + "000000" +
    "80841e00" + "f443" + "40420f00" + "90c5" + "a3" + "03" + "010020022401"

  it("Forward Open: every field at its offset, the path size in words", () => {
    const b = written((w) => writeForwardOpen(w, fo))
    expect(hex(b)).toBe(foWire)
    expect(Either.getOrThrow(decodeForwardOpen(b, 0, b.length, path, false))).toEqual(fo)
  })

  it("Large Forward Open: 32-bit parameters", () => {
    const large = { ...fo, large: true, otParams: { ...fo.otParams, size: 4000 } }
    const b = written((w) => writeForwardOpen(w, large))
    expect(hex(b)).toBe("0a0e" + "44332211" + "88776655" + "aa99" + "3412" + "efbeadde" + "02" + "000000" +
      "80841e00" + "a00f0042" + "40420f00" + "900100c4" + "a3" + "03" + "010020022401")
    expect(Either.getOrThrow(decodeForwardOpen(b, 0, b.length, path, true))).toEqual(large)
  })

  it("Forward Open data is found at an offset inside a larger buffer", () => {
    const b = hexToBytes("ffff" + foWire + "eeee")
    expect(Either.getOrThrow(decodeForwardOpen(b, 2, b.length - 2, path, false))).toEqual(fo)
  })

  it("refuses cut or over-long Forward Opens, saying where", () => {
    const b = hexToBytes(foWire)
    expect(problem(decodeForwardOpen(b, 0, 35, path, false))).toEqual({ reason: "Truncated", offset: 0, message: "Forward Open request" })
    expect(problem(decodeForwardOpen(b, 0, 39, path, true))).toEqual({ reason: "Truncated", offset: 0, message: "Large Forward Open request" })
    expect(problem(decodeForwardOpen(b, 0, b.length - 1, path, false))).toEqual({ reason: "BadLength", offset: 35, message: "connection path of 3 words overruns the request" })
    const longer = hexToBytes(foWire + "00")
    expect(problem(decodeForwardOpen(longer, 0, longer.length, path, false))).toEqual({ reason: "BadLength", offset: 42, message: "bytes after the Forward Open connection path" })
    const badSeg = hexToBytes(foWire.slice(0, -12) + "e00020022401")
    expect(problem(decodeForwardOpen(badSeg, 0, badSeg.length, path, false))).toMatchObject({ reason: "BadSegment" })
    // Just long enough: an empty connection path.
    const empty = written((w) => writeForwardOpen(w, { ...fo, connectionPath: [] }))
    expect(empty.length).toBe(36)
    expect(Either.getOrThrow(decodeForwardOpen(empty, 0, 36, path, false)).connectionPath).toEqual([])
  })

  const fc: ForwardCloseRequest = {
    _tag: "ForwardClose", path, priorityTimeTick: 0x0a, timeoutTicks: 0x0e, connectionSerial: 0x99aa, originatorVendor: 0x1234,
    originatorSerial: 0xdeadbeef, connectionPath: cp
  }
  const fcWire = "0a0e" + "aa99" + "3412" + "efbeadde" + "03" + "00" + "010020022401"

  it("Forward Close: the triple, then the padded path", () => {
    const b = written((w) => writeForwardClose(w, fc))
    expect(hex(b)).toBe(fcWire)
    expect(Either.getOrThrow(decodeForwardClose(b, 0, b.length, path))).toEqual(fc)
    const inside = hexToBytes("ff" + fcWire)
    expect(Either.getOrThrow(decodeForwardClose(inside, 1, inside.length, path))).toEqual(fc)
  })

  it("refuses cut or over-long Forward Closes, saying where", () => {
    const b = hexToBytes(fcWire)
    expect(problem(decodeForwardClose(b, 0, 11, path))).toEqual({ reason: "Truncated", offset: 0, message: "Forward Close request" })
    expect(problem(decodeForwardClose(b, 0, b.length - 1, path))).toEqual({ reason: "BadLength", offset: 10, message: "connection path of 3 words overruns the request" })
    const longer = hexToBytes(fcWire + "0000")
    expect(problem(decodeForwardClose(longer, 0, longer.length, path))).toEqual({ reason: "BadLength", offset: 18, message: "bytes after the Forward Close connection path" })
    const badSeg = hexToBytes(fcWire.slice(0, -12) + "e00020022401")
    expect(problem(decodeForwardClose(badSeg, 0, badSeg.length, path))).toMatchObject({ reason: "BadSegment" })
    expect(Either.getOrThrow(decodeForwardClose(hexToBytes(fcWire.slice(0, 20) + "00" + "00"), 0, 12, path)).connectionPath).toEqual([])
  })
})
