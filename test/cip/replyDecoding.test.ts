/**
 * Message Router replies read in the light of the request they answer (src/cip/reply.ts): which
 * status makes a reply typed and which keeps it raw (Generic on success, Error otherwise), the
 * malformed replies refused with their reason, offset and message, Unconnected Send unwrapping,
 * Get Attribute List delimiting, Get Instance Attribute List records, Forward Open/Close results.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { CipReply, CipRequest, EPath } from "../../src/cip/model.js"
import { ATTRIBUTE_SIZES, decodeReply, decodeReplyAt, encodeReply, SYMBOL_ATTRIBUTES } from "../../src/cip/reply.js"
import { hexToBytes } from "./vectors.js"

const A: EPath = [{ _tag: "Symbolic", name: "A" }]
const CM: EPath = [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }]
const readTag: CipRequest = { _tag: "ReadTag", path: A, elements: 1 }

const hex = (s: string) => hexToBytes(s.replace(/\s+/g, ""))
const ok = (h: string, req: CipRequest, opts?: Parameters<typeof decodeReply>[2]): CipReply => Either.getOrThrow(decodeReply(hex(h), req, opts))
const error = (h: string, req: CipRequest) => {
  const r = decodeReply(hex(h), req)
  if (Either.isRight(r)) throw new Error(`decoded: ${r.right._tag}`)
  return { reason: r.left.reason, offset: r.left.offset, message: r.left.message }
}
const raw = (tag: "Generic" | "Error", service: number, status: number, data: string, extStatus: Array<number> = []) =>
  ({ _tag: tag, service, status, extStatus, data: hex(data) })

describe("reply head", () => {
  it("too short, a request code, extended status past the end", () => {
    expect(error("cc0000", readTag)).toEqual({ reason: "Truncated", offset: 0, message: "reply header" })
    expect(error("4c000000", readTag)).toEqual({ reason: "BadValue", offset: 0, message: "service 0x4c is not a reply code" })
    expect(error("cc00ff02" + "0521", readTag)).toEqual({ reason: "BadLength", offset: 3, message: "extended status of 2 words overruns the reply" })
  })

  it("extended status words, in order, before the data", () => {
    expect(ok("cc00ff02" + "0521" + "3412", readTag)).toEqual(raw("Error", 0xcc, 0xff, "", [0x2105, 0x1234]))
    expect(ok("cc00ff01" + "0521" + "ab", readTag)).toEqual(raw("Error", 0xcc, 0xff, "ab", [0x2105]))
  })

  it("a reply inside a larger buffer, from its start to its end only", () => {
    const b = hex("ffff" + "cc000000c300" + "0700" + "ee")
    expect(decodeReplyAt(b, 2, 10, readTag)).toEqual(Either.right({ _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc3 }, data: hex("0700") }))
  })

  it("a reply to another service stays raw", () => {
    expect(ok("cd000000" + "0102", readTag)).toEqual(raw("Generic", 0xcd, 0, "0102"))
    expect(ok("cd000500", readTag)).toEqual(raw("Error", 0xcd, 5, ""))
  })

  it("nesting deeper than 8 levels is refused as Unsupported", () => {
    let req: CipRequest = { _tag: "GetAttributesAll", path: [] }
    let rep = "81000000"
    let inner: CipRequest = req
    for (let i = 0; i < 9; i++) {
      inner = req
      req = { _tag: "MultipleServicePacket", path: [], requests: [req] }
      rep = "8a000000" + "0100" + "0400" + rep
    }
    const e = error(rep, req)
    expect(e).toMatchObject({ reason: "Unsupported", message: "replies nested too deeply" })
    expect(e.offset).toBe(9 * 8)
    expect(Either.isRight(decodeReply(hex(rep.slice(16)), inner))).toBe(true)
  })
})

describe("Read Tag and Read Tag Fragmented replies", () => {
  it("success and partial transfer carry the type and data; other statuses and empty data stay raw", () => {
    expect(ok("cc000000" + "c400" + "01000000", readTag)).toEqual({ _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc4 }, data: hex("01000000") })
    const frag: CipRequest = { _tag: "ReadTagFragmented", path: A, elements: 1, offset: 0 }
    expect(ok("d2000600" + "a002cefe" + "0102", frag)).toEqual({
      _tag: "ReadTagFragmented", service: 0xd2, status: 6, extStatus: [], type: { code: 0x02a0, handle: 0xfece }, data: hex("0102")
    })
    expect(ok("cc000000", readTag)).toEqual(raw("Generic", 0xcc, 0, ""))
    expect(ok("cc000400" + "c400", readTag)).toEqual(raw("Error", 0xcc, 4, "c400"))
    expect(ok("cc000600", readTag)).toEqual(raw("Error", 0xcc, 6, ""))
    expect(error("cc000000" + "a002ce", readTag)).toEqual({ reason: "Truncated", offset: 4, message: "structure handle" })
  })
})

describe("Unconnected Send replies", () => {
  const us = (request: CipRequest): CipRequest => ({ _tag: "UnconnectedSend", path: CM, priorityTimeTick: 10, timeoutTicks: 0x9d, request, routePath: [] })
  it("a success is the embedded request's reply, however deep", () => {
    expect(ok("cc000000" + "c300" + "0500", us(us(readTag)))).toMatchObject({ _tag: "ReadTag", type: { code: 0xc3 }, data: hex("0500") })
  })
  it("a 0xD2 reply answers an embedded Read Tag Fragmented; for another request it is the Unconnected Send's failure", () => {
    const frag: CipRequest = { _tag: "ReadTagFragmented", path: A, elements: 1, offset: 0 }
    expect(ok("d2000600" + "c300" + "0500", us(frag))).toMatchObject({ _tag: "ReadTagFragmented", status: 6, data: hex("0500") })
    expect(ok("d2000102" + "0401" + "0000", us(readTag))).toEqual(raw("Error", 0xd2, 1, "", [0x0104, 0]))
    expect(ok("d2000000" + "0102", us(readTag))).toEqual(raw("Generic", 0xd2, 0, "0102"))
  })
})

describe("replies without data, and attribute replies", () => {
  it("writes: success with no data is typed; data or another status stays raw", () => {
    for (const [req, code] of [
      [{ _tag: "WriteTag", path: A, type: { code: 0xc3 }, elements: 1, data: hex("0100") }, 0xcd],
      [{ _tag: "WriteTagFragmented", path: A, type: { code: 0xc3 }, elements: 1, offset: 0, data: hex("0100") }, 0xd3],
      [{ _tag: "ReadModifyWriteTag", path: A, orMask: hex("01"), andMask: hex("ff") }, 0xce],
      [{ _tag: "SetAttributeSingle", path: CM, data: hex("00") }, 0x90]
    ] as Array<[CipRequest, number]>) {
      const s = code.toString(16)
      expect(ok(`${s}000000`, req), req._tag).toEqual({ _tag: req._tag, service: code, status: 0, extStatus: [] })
      expect(ok(`${s}000000` + "00", req), req._tag).toEqual(raw("Generic", code, 0, "00"))
      expect(ok(`${s}000500`, req), req._tag).toEqual(raw("Error", code, 5, ""))
    }
  })

  it("Get Attributes All / Single: success carries the data; an error status stays raw", () => {
    expect(ok("81000000" + "0102", { _tag: "GetAttributesAll", path: CM })).toEqual({ _tag: "GetAttributesAll", service: 0x81, status: 0, extStatus: [], data: hex("0102") })
    expect(ok("8e000000" + "05", { _tag: "GetAttributeSingle", path: CM })).toEqual({ _tag: "GetAttributeSingle", service: 0x8e, status: 0, extStatus: [], data: hex("05") })
    expect(ok("8e001400", { _tag: "GetAttributeSingle", path: CM })).toEqual(raw("Error", 0x8e, 0x14, ""))
    expect(ok("81000800" + "01", { _tag: "GetAttributesAll", path: CM })).toEqual(raw("Error", 0x81, 8, "01"))
  })

  it("Read Template: success and partial transfer carry the data; another status stays raw", () => {
    const rt: CipRequest = { _tag: "ReadTemplate", path: [{ _tag: "Class", id: 0x6c }, { _tag: "Instance", id: 0x100 }], offset: 0, bytes: 100 }
    expect(ok("cc000600" + "0102", rt)).toEqual({ _tag: "ReadTemplate", service: 0xcc, status: 6, extStatus: [], data: hex("0102") })
    expect(ok("cc000000", rt)).toEqual({ _tag: "ReadTemplate", service: 0xcc, status: 0, extStatus: [], data: new Uint8Array(0) })
    expect(ok("cc000500", rt)).toEqual(raw("Error", 0xcc, 5, ""))
  })
})

describe("Get Attribute List replies", () => {
  const gal = (cls: number, attributes: Array<number>): CipRequest =>
    ({ _tag: "GetAttributeList", path: [{ _tag: "Class", id: cls }, { _tag: "Instance", id: 1 }], attributes })

  it("Identity sizes known; a failed attribute carries no value; status 0x0A (attribute list error) is typed too", () => {
    expect(ATTRIBUTE_SIZES[0x01]).toEqual({ 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 4, 8: 1, 9: 2, 10: 1 })
    expect(ATTRIBUTE_SIZES[0x6c]).toEqual({ 1: 2, 2: 2, 3: 4, 4: 4, 5: 4 })
    const r = ok("83000a00" + "0400" + "0600" + "0000" + "78563412" + "0700" + "1400" + "0800" + "0000" + "03" + "0a00" + "0000" + "01", gal(1, [6, 7, 8, 10]))
    expect(r).toEqual({
      _tag: "GetAttributeList", service: 0x83, status: 0x0a, extStatus: [],
      attributes: [{ id: 6, status: 0, data: hex("78563412") }, { id: 7, status: 0x14 }, { id: 8, status: 0, data: hex("03") }, { id: 10, status: 0, data: hex("01") }]
    })
    for (const [id, size] of [[1, 2], [2, 2], [3, 2], [4, 2], [5, 2], [9, 2]]) {
      const value = "ab".repeat(size!)
      expect(ok("83000000" + "0200" + id!.toString(16).padStart(2, "0") + "00" + "0000" + value + "0100" + "0000" + "ee", gal(1, [id!, 1])), `attribute ${id}`)
        .toMatchObject({ attributes: [{ id, status: 0, data: hex(value) }, { id: 1, status: 0, data: hex("ee") }] })
    }
    for (const [id, size] of [[1, 2], [2, 2], [3, 4], [4, 4], [5, 4]]) {
      const value = "cd".repeat(size!)
      expect(ok("83000000" + "0200" + id!.toString(16).padStart(2, "0") + "00" + "0000" + value + "0100" + "0000" + "ee", gal(0x6c, [id!, 1])), `template attribute ${id}`)
        .toMatchObject({ attributes: [{ id, data: hex(value) }, { id: 1 }] })
    }
  })

  it("the caller's sizes first; the last value is the rest of the data; undelimitable replies stay raw", () => {
    const two = "83000000" + "0200" + "0100" + "0000" + "010203" + "0200" + "0000" + "04"
    expect(ok(two, gal(0xac, [1, 2]), { attributeSize: (a) => (a === 1 ? 3 : undefined) })).toMatchObject({
      _tag: "GetAttributeList", attributes: [{ id: 1, data: hex("010203") }, { id: 2, data: hex("04") }]
    })
    expect(ok(two, gal(1, [1, 2]), { attributeSize: () => 3 })).toMatchObject({ attributes: [{ id: 1, data: hex("010203") }, { id: 2, data: hex("04") }] })
    expect(ok(two, gal(0xac, [1, 2]))).toEqual(raw("Generic", 0x83, 0, two.slice(8)))
    expect(ok(two, { _tag: "GetAttributeList", path: A, attributes: [1, 2] })._tag).toBe("Generic")
    // A size past the end, a short entry, bytes left over, no count: raw.
    expect(ok(two, gal(0xac, [1, 2]), { attributeSize: () => 9 })._tag).toBe("Generic")
    expect(ok("83000000" + "0200" + "0100" + "0000" + "0102" + "0200" + "00", gal(1, [1, 2]))._tag).toBe("Generic")
    expect(ok("83000000" + "0100" + "0100" + "1400" + "ff", gal(1, [1]))._tag).toBe("Generic")
    expect(ok("83000000" + "01", gal(1, [1]))._tag).toBe("Generic")
    expect(ok("83000000" + "0000", gal(1, []))).toEqual({ _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: [], attributes: [] })
    expect(ok("83000500" + "0000", gal(1, []))).toEqual(raw("Error", 0x83, 5, "0000"))
  })
})

describe("Get Instance Attribute List replies", () => {
  const gial = (attributes: Array<number>): CipRequest => ({ _tag: "GetInstanceAttributeList", path: [{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 0 }], attributes })
  const rec = "02000080" + "0300" + "414243" + "c400" + "0400" + "0a000000" + "00000000" + "01000000"

  it("per instance: UDINT id, name, type, byte count, dimensions; partial transfer typed too", () => {
    expect(SYMBOL_ATTRIBUTES).toEqual([1, 2, 7, 8])
    expect(ok("d5000600" + rec + "03000000" + "0000" + "c100" + "0100" + "000000000000000000000000", gial([1, 2, 7, 8]))).toEqual({
      _tag: "GetInstanceAttributeList", service: 0xd5, status: 6, extStatus: [],
      instances: [
        { instance: 0x80000002, name: "ABC", symbolType: 0xc4, byteCount: 4, dimensions: [10, 0, 1] },
        { instance: 3, name: "", symbolType: 0xc1, byteCount: 1, dimensions: [0, 0, 0] }
      ]
    })
    expect(ok("d5000000", gial([1]))).toEqual({ _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [] })
    expect(ok("d5000500" + "00", gial([1]))).toEqual(raw("Error", 0xd5, 5, "00"))
  })

  it("attributes in another order are read in that order and the order kept; unknown attributes stay raw", () => {
    expect(ok("d5000000" + "07000000" + "c300" + "0200" + "4142", gial([2, 1]))).toEqual({
      _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [{ instance: 7, symbolType: 0xc3, name: "AB" }], order: [2, 1]
    })
    expect(ok("d5000000" + "07000000" + "0200", gial([7]))).toEqual({
      _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [{ instance: 7, byteCount: 2 }]
    })
    expect(ok("d5000000" + "07000000" + "0200" + "0300", gial([2, 2]))).toMatchObject({ instances: [{ instance: 7, symbolType: 3 }], order: [2, 2] })
    expect(ok("d5000000" + "07000000" + "0200", gial([3]))).toEqual(raw("Generic", 0xd5, 0, "070000000200"))
  })

  it("a record cut short anywhere is Truncated at its field", () => {
    expect(error("d5000000" + "070000", gial([1]))).toEqual({ reason: "Truncated", offset: 4, message: "symbol instance id" })
    expect(error("d5000000" + "07000000" + "03", gial([1]))).toEqual({ reason: "Truncated", offset: 8, message: "symbol name length" })
    expect(error("d5000000" + "07000000" + "0300" + "4142", gial([1]))).toEqual({ reason: "Truncated", offset: 8, message: "symbol name" })
    expect(error("d5000000" + "07000000" + "c4", gial([2]))).toEqual({ reason: "Truncated", offset: 8, message: "symbol attribute 2" })
    expect(error("d5000000" + "07000000" + "04", gial([7]))).toEqual({ reason: "Truncated", offset: 8, message: "symbol attribute 7" })
    expect(error("d5000000" + "07000000" + "0a000000" + "00000000" + "010000", gial([8]))).toEqual({ reason: "Truncated", offset: 8, message: "symbol dimensions" })
  })

  it("written back field by field, in the order asked", () => {
    const r = ok("d5000000" + "07000000" + "c300" + "0200" + "4142", gial([2, 1]))
    expect(encodeReply(r)).toEqual(hex("d5000000" + "07000000" + "c300" + "0200" + "4142"))
    const all = ok("d5000000" + rec, gial([1, 2, 7, 8]))
    expect(encodeReply(all)).toEqual(hex("d5000000" + rec))
    expect(encodeReply({ _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [{ instance: 1 }] })).toEqual(hex("d5000000" + "01000000"))
  })
})

describe("Multiple Service Packet replies", () => {
  const msp: CipRequest = { _tag: "MultipleServicePacket", path: [], requests: [readTag, { _tag: "GetAttributesAll", path: CM }] }
  it("each reply against its request; status 0x1E (embedded service error) typed too; no data stays raw", () => {
    const body = "0200" + "0600" + "0e00" + "cc000000c3000100" + "81000800"
    expect(ok("8a001e00" + body, msp)).toEqual({
      _tag: "MultipleServicePacket", service: 0x8a, status: 0x1e, extStatus: [],
      replies: [
        { _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0xc3 }, data: hex("0100") },
        raw("Error", 0x81, 8, "")
      ]
    })
    expect(ok("8a000000", msp)).toEqual(raw("Generic", 0x8a, 0, ""))
    expect(ok("8a000200" + body, msp)).toEqual(raw("Error", 0x8a, 2, body))
  })
  it("replies beyond the requests are read as replies to their own service; a bad sub-reply or table fails the packet", () => {
    const body = "0200" + "0600" + "0a00" + "cc000000" + "cd000000" + "0102"
    expect(ok("8a000000" + body, { ...msp, requests: [readTag] })).toMatchObject({
      replies: [raw("Generic", 0xcc, 0, ""), raw("Generic", 0xcd, 0, "0102")]
    })
    expect(error("8a000000" + "0200" + "0600" + "0a00" + "cc000000" + "4d00", msp)).toEqual({ reason: "Truncated", offset: 14, message: "reply header" })
    expect(error("8a000000" + "0200" + "0600" + "0a00" + "cc000000" + "4d000000", msp)).toEqual({ reason: "BadValue", offset: 14, message: "service 0x4d is not a reply code" })
    expect(error("8a000000" + "0300" + "0600", msp)).toMatchObject({ reason: "BadLength", offset: 4 })
  })
})

describe("Forward Open and Forward Close replies", () => {
  const fo = (large: boolean): CipRequest => ({
    _tag: "ForwardOpen", path: CM, large, priorityTimeTick: 10, timeoutTicks: 0x9d, otConnectionId: 0, toConnectionId: 0x100,
    connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, timeoutMultiplier: 1, otRpi: 2_000_000,
    otParams: { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false }, toRpi: 2_000_000,
    toParams: { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false }, transportClassTrigger: 0xa3, connectionPath: CM
  })
  const fclose: CipRequest = { _tag: "ForwardClose", path: CM, priorityTimeTick: 10, timeoutTicks: 0x9d, connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, connectionPath: CM }
  const triple = "3412" + "0100" + "21436587"

  it("success: connection ids, the triple, the APIs and the application reply", () => {
    const data = "78563412" + "f0debc9a" + triple + "80841e00" + "40420f00" + "01" + "00" + "abcd"
    expect(ok("d4000000" + data, fo(false))).toEqual({
      _tag: "ForwardOpen", service: 0xd4, status: 0, extStatus: [], large: false, otConnectionId: 0x12345678, toConnectionId: 0x9abcdef0,
      connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, otApi: 2_000_000, toApi: 1_000_000, applicationReply: hex("abcd")
    })
    expect(ok("db000000" + data, fo(true))).toMatchObject({ _tag: "ForwardOpen", large: true })
    expect(ok("ce000000" + triple + "00" + "00", fclose)).toEqual({
      _tag: "ForwardClose", service: 0xce, status: 0, extStatus: [], connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, applicationReply: new Uint8Array(0)
    })
  })

  it("a reply short of its fixed part, or an application reply size that does not fit, is refused", () => {
    expect(error("d4000000" + "78563412" + "f0debc9a" + triple + "80841e00" + "40420f00" + "00", fo(false))).toEqual({ reason: "Truncated", offset: 4, message: "ForwardOpen reply" })
    expect(error("ce000000" + triple + "00", fclose)).toEqual({ reason: "Truncated", offset: 4, message: "ForwardClose reply" })
    expect(error("ce000000" + triple + "01" + "00", fclose)).toEqual({ reason: "BadLength", offset: 12, message: "application reply size 1 words does not fit the reply" })
    expect(error("ce000000" + triple + "00" + "00" + "ffff", fclose)).toEqual({ reason: "BadLength", offset: 12, message: "application reply size 0 words does not fit the reply" })
  })

  it("failure: the triple, and the remaining path size when given; other lengths stay raw", () => {
    expect(ok("db000103" + "0001" + "0000" + "0000" + triple + "05" + "00", fo(true))).toEqual({
      _tag: "ForwardOpenFailed", service: 0xdb, status: 1, extStatus: [0x0100, 0, 0], large: true,
      connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, remainingPathSize: 5
    })
    const failed = ok("ce000101" + "0701" + triple, fclose)
    expect(failed).toEqual({ _tag: "ForwardOpenFailed", service: 0xce, status: 1, extStatus: [0x0107], large: false, connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321 })
    expect("remainingPathSize" in failed).toBe(false)
    expect(ok("d4000100" + triple + "05", fo(false))).toEqual(raw("Error", 0xd4, 1, triple + "05"))
    expect(ok("d4000100" + triple + "050000", fo(false))).toEqual(raw("Error", 0xd4, 1, triple + "050000"))
  })
})

describe("replies written", () => {
  it("head, extended status, then each kind's fields", () => {
    expect(encodeReply(raw("Error", 0xcc, 0xff, "01", [0x2105]))).toEqual(hex("cc00ff01" + "0521" + "01"))
    expect(encodeReply({ _tag: "ReadTag", service: 0xcc, status: 0, extStatus: [], type: { code: 0x02a0, handle: 0xfce }, data: hex("05") })).toEqual(hex("cc000000" + "a002ce0f" + "05"))
    expect(encodeReply({ _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] })).toEqual(hex("cd000000"))
    expect(encodeReply({ _tag: "GetAttributeList", service: 0x83, status: 0x0a, extStatus: [], attributes: [{ id: 1, status: 0, data: hex("0100") }, { id: 2, status: 0x14 }] }))
      .toEqual(hex("83000a00" + "0200" + "0100" + "0000" + "0100" + "0200" + "1400"))
    expect(encodeReply({ _tag: "MultipleServicePacket", service: 0x8a, status: 0, extStatus: [], replies: [raw("Generic", 0xcc, 0, "01"), raw("Error", 0x81, 8, "")] }))
      .toEqual(hex("8a000000" + "0200" + "0600" + "0b00" + "cc00000001" + "81000800"))
    expect(encodeReply({ _tag: "ForwardOpenFailed", service: 0xd4, status: 1, extStatus: [0x0100], large: false, connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x87654321, remainingPathSize: 3 }))
      .toEqual(hex("d4000101" + "0001" + "3412" + "0100" + "21436587" + "03" + "00"))
  })
})

describe("what the other tests leave open", () => {
  const gal = (cls: number, attributes: Array<number>): CipRequest =>
    ({ _tag: "GetAttributeList", path: [{ _tag: "Class", id: cls }, { _tag: "Instance", id: 1 }], attributes })
  const gial = (attributes: Array<number>): CipRequest => ({ _tag: "GetInstanceAttributeList", path: [{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 0 }], attributes })

  it("Get Attribute List: a failed attribute may end the data; options without sizes use the known ones", () => {
    expect(ok("83000a00" + "0200" + "0100" + "0000" + "0e00" + "0700" + "0800", gal(1, [1, 7]))).toEqual({
      _tag: "GetAttributeList", service: 0x83, status: 0x0a, extStatus: [], attributes: [{ id: 1, status: 0, data: hex("0e00") }, { id: 7, status: 8 }]
    })
    expect(ok("83000000" + "0200" + "0100" + "0000" + "0e00" + "0700" + "0000" + "0541", gal(1, [1, 7]), {})).toMatchObject({
      attributes: [{ id: 1, data: hex("0e00") }, { id: 7, data: hex("0541") }]
    })
  })

  it("Get Instance Attribute List: with no attributes asked, the instance ids alone; an empty name may end the data", () => {
    expect(ok("d5000000" + "07000000" + "09000000", gial([]))).toEqual({
      _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [{ instance: 7 }, { instance: 9 }]
    })
    expect(ok("d5000000" + "07000000" + "0000", gial([1]))).toMatchObject({ instances: [{ instance: 7, name: "" }] })
    // One attribute the decoder does not know, among known ones: the reply stays raw.
    expect(ok("d5000000" + "07000000" + "0200" + "0300", gial([2, 5]))).toEqual(raw("Generic", 0xd5, 0, "07000000" + "0200" + "0300"))
  })

  it("a Read Template reply encodes its data after the head", () => {
    expect(encodeReply({ _tag: "ReadTemplate", service: 0xcc, status: 6, extStatus: [], data: hex("0102") })).toEqual(hex("cc000600" + "0102"))
  })
})
