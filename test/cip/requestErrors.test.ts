/**
 * Message Router requests that are malformed (src/cip/request.ts): every refusal with its reason,
 * the offset of the fault and its message (what a server answers with, and what a user reads),
 * and the fields of well-formed requests at their edges (sizes exactly at the limit, values with
 * the high bit set, the service codes Logix reuses per class).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { decodeRequest, decodeRequestAt, encodeRequest, multipleTable, readTypeSpec, requestService } from "../../src/cip/request.js"
import { hexToBytes } from "./vectors.js"

const A = "91014100" // symbolic "A", 2 words
const CM = "20062401" // @6/1, the Connection Manager
const TEMPLATE = "206c25000001" // @0x6c/0x100, 3 words

const decode = (hex: string) => decodeRequest(hexToBytes(hex.replace(/\s+/g, "")))
const error = (hex: string) => {
  const r = decode(hex)
  if (Either.isRight(r)) throw new Error(`decoded: ${JSON.stringify(r.right)}`)
  return { reason: r.left.reason, offset: r.left.offset, message: r.left.message }
}
const ok = (hex: string): CipRequest => Either.getOrThrow(decode(hex))

describe("request head", () => {
  it("too short for service and path size; a reply code; a path past the data", () => {
    expect(error("4c")).toEqual({ reason: "Truncated", offset: 0, message: "request service and path size" })
    expect(error("")).toMatchObject({ reason: "Truncated", offset: 0 })
    expect(error("cc00")).toEqual({ reason: "BadValue", offset: 0, message: "service 0xcc is a reply code" })
    expect(error("8000")).toEqual({ reason: "BadValue", offset: 0, message: "service 0x80 is a reply code" })
    expect(error("4c03" + A)).toEqual({ reason: "BadLength", offset: 1, message: "request path of 3 words overruns the data" })
    // The path may end exactly at the data's end (a Get Attributes All has no data).
    expect(ok("0102" + "20012401")).toEqual({ _tag: "GetAttributesAll", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }] })
    expect(ok("7f00")).toEqual({ _tag: "Generic", path: [], service: 0x7f, data: new Uint8Array(0) })
  })

  it("decodes a request inside a larger buffer, from its start to its end only", () => {
    const b = hexToBytes("ffff" + "4c02" + A + "0300" + "eeee")
    expect(decodeRequestAt(b, 2, 10)).toEqual(Either.right({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 3 }))
    expect(Either.isLeft(decodeRequestAt(b, 2, 11))).toBe(true)
  })

  it("nesting deeper than 8 levels is refused as Unsupported", () => {
    // Unconnected Sends wrapped in each other: each level adds the 6-byte Unconnected Send head.
    const wrap = (inner: string) => {
      const len = inner.length / 2
      const lenHex = (len & 0xff).toString(16).padStart(2, "0") + (len >> 8).toString(16).padStart(2, "0")
      return "5202" + CM + "059d" + lenHex + inner + (len & 1 ? "00" : "") + "0100" + "0100"
    }
    let r = "4c02" + A + "0100"
    for (let i = 0; i < 8; i++) r = wrap(r)
    expect(Either.isRight(decode(r))).toBe(true)
    const deep = wrap(r)
    const e = error(deep)
    expect(e).toMatchObject({ reason: "Unsupported", message: "requests nested too deeply" })
    // The innermost Read Tag (depth 9) is where decoding stops: 9 heads of 10 bytes before it.
    expect(e.offset).toBe(9 * 10)
  })
})

describe("Read Tag, Read Template, Read Tag Fragmented", () => {
  it("Read Tag: exactly a UINT element count", () => {
    expect(ok("4c02" + A + "ffff")).toEqual({ _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 0xffff })
    expect(error("4c02" + A + "01")).toEqual({ reason: "Truncated", offset: 6, message: "not enough data for Read Tag request" })
    expect(error("4c02" + A + "010000")).toEqual({ reason: "BadLength", offset: 8, message: "1 bytes too many for Read Tag request" })
    expect(error("4c02" + A + "0100000000")).toEqual({ reason: "BadLength", offset: 8, message: "3 bytes too many for Read Tag request" })
  })

  it("Read Template on class 0x6C: UDINT offset and UINT byte count, exactly", () => {
    expect(ok("4c03" + TEMPLATE + "98badcfe" + "3412")).toEqual({
      _tag: "ReadTemplate", path: [{ _tag: "Class", id: 0x6c }, { _tag: "Instance", id: 0x100 }], offset: 0xfedcba98, bytes: 0x1234
    })
    expect(error("4c03" + TEMPLATE + "0000000034")).toEqual({ reason: "Truncated", offset: 8, message: "not enough data for Read Template request" })
    expect(error("4c03" + TEMPLATE + "00000000341200")).toEqual({ reason: "BadLength", offset: 14, message: "1 bytes too many for Read Template request" })
  })

  it("Read Tag Fragmented: UINT elements and UDINT offset, exactly", () => {
    expect(ok("5202" + A + "0200" + "78563412")).toEqual({ _tag: "ReadTagFragmented", path: [{ _tag: "Symbolic", name: "A" }], elements: 2, offset: 0x12345678 })
    expect(ok("5202" + A + "0200" + "000000ff")).toMatchObject({ offset: 0xff000000 })
    expect(error("5202" + A + "0200" + "785634")).toEqual({ reason: "Truncated", offset: 6, message: "not enough data for Read Tag Fragmented request" })
    expect(error("5202" + A + "0200" + "7856341200")).toEqual({ reason: "BadLength", offset: 12, message: "1 bytes too many for Read Tag Fragmented request" })
  })
})

describe("Write Tag, Write Tag Fragmented", () => {
  it("Write Tag: type, element count, and the data to the end", () => {
    expect(ok("4d02" + A + "c400" + "0100" + "01020304")).toEqual({
      _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "A" }], type: { code: 0xc4 }, elements: 1, data: hexToBytes("01020304")
    })
    expect(ok("4d02" + A + "a002" + "cefe" + "0200")).toEqual({
      _tag: "WriteTag", path: [{ _tag: "Symbolic", name: "A" }], type: { code: 0x02a0, handle: 0xfece }, elements: 2, data: new Uint8Array(0)
    })
    expect(error("4d02" + A + "c4")).toEqual({ reason: "Truncated", offset: 6, message: "data type" })
    expect(error("4d02" + A + "a002ce")).toEqual({ reason: "Truncated", offset: 6, message: "structure handle" })
    expect(error("4d02" + A + "c40001")).toEqual({ reason: "Truncated", offset: 8, message: "Write Tag element count" })
    expect(error("4d02" + A + "a002cefe01")).toEqual({ reason: "Truncated", offset: 10, message: "Write Tag element count" })
  })

  it("Write Tag Fragmented: type, elements, UDINT offset, then the data", () => {
    expect(ok("5302" + A + "c300" + "0400" + "020000ff" + "0700")).toEqual({
      _tag: "WriteTagFragmented", path: [{ _tag: "Symbolic", name: "A" }], type: { code: 0xc3 }, elements: 4, offset: 0xff000002, data: hexToBytes("0700")
    })
    expect(ok("5302" + A + "c300" + "0400" + "02000000")).toMatchObject({ data: new Uint8Array(0) })
    expect(error("5302" + A + "c300" + "0400" + "020000")).toEqual({
      reason: "Truncated", offset: 8, message: "Write Tag Fragmented element count and offset"
    })
  })

  it("a type spec read on its own: code, and the handle for a structure", () => {
    const b = hexToBytes("00a002cdab")
    expect(readTypeSpec(b, 1, 5)).toEqual(Either.right({ type: { code: 0x02a0, handle: 0xabcd }, next: 5 }))
    expect(readTypeSpec(b, 3, 5)).toEqual(Either.right({ type: { code: 0xabcd }, next: 5 }))
    expect(Either.isLeft(readTypeSpec(b, 1, 4))).toBe(true)
    expect(Either.isLeft(readTypeSpec(b, 4, 5))).toBe(true)
  })
})

describe("Read-Modify-Write Tag, and Forward Close on class 6", () => {
  it("every mask size a controller takes (1, 2, 4, 8, 12): OR mask then AND mask", () => {
    for (const n of [1, 2, 4, 8, 12]) {
      const or = Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(2, "0")).join("")
      const and = Array.from({ length: n }, (_, i) => (0xf0 + i).toString(16)).join("")
      const size = n.toString(16).padStart(2, "0") + "00"
      expect(ok("4e02" + A + size + or + and), `mask size ${n}`).toEqual({
        _tag: "ReadModifyWriteTag", path: [{ _tag: "Symbolic", name: "A" }], orMask: hexToBytes(or), andMask: hexToBytes(and)
      })
    }
  })

  it("other mask sizes, a missing size and short masks are refused; bytes after the masks are ignored (pycomm3)", () => {
    for (const n of [0, 3, 5, 16]) {
      expect(error("4e02" + A + n.toString(16).padStart(2, "0") + "00" + "ff".repeat(2 * n))).toEqual({
        reason: "BadValue", offset: 6, message: `Read-Modify-Write mask size ${n}`
      })
    }
    expect(error("4e02" + A + "01")).toEqual({ reason: "Truncated", offset: 6, message: "Read-Modify-Write mask size" })
    expect(error("4e02" + A + "0200" + "0102" + "ff")).toEqual({ reason: "Truncated", offset: 8, message: "Read-Modify-Write masks" })
    expect(ok("4e02" + A + "0200" + "0102" + "fffe" + "00000000")).toMatchObject({ orMask: hexToBytes("0102"), andMask: hexToBytes("fffe") })
  })

  it("0x4E on the Connection Manager is a Forward Close", () => {
    const fc = ok("4e02" + CM + "059d" + "3412" + "0100" + "78563412" + "02" + "00" + "20022401")
    expect(fc).toMatchObject({ _tag: "ForwardClose", connectionSerial: 0x1234, originatorVendor: 1, originatorSerial: 0x12345678 })
  })
})

describe("attribute services", () => {
  it("Get Attributes All and Get Attribute Single carry no data", () => {
    expect(ok("0102" + "20012401")).toMatchObject({ _tag: "GetAttributesAll" })
    expect(error("0102" + "20012401" + "00")).toEqual({ reason: "BadLength", offset: 6, message: "1 bytes too many for Get Attributes All request" })
    expect(ok("0e03" + "200124013001")).toEqual({
      _tag: "GetAttributeSingle", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }, { _tag: "Attribute", id: 1 }]
    })
    expect(error("0e03" + "200124013001" + "0000")).toEqual({ reason: "BadLength", offset: 8, message: "2 bytes too many for Get Attribute Single request" })
  })

  it("Get Attribute List and Get Instance Attribute List: a UINT count and exactly that many UINT ids", () => {
    expect(ok("0302" + "20012401" + "0200" + "0100" + "ffff")).toEqual({
      _tag: "GetAttributeList", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }], attributes: [1, 0xffff]
    })
    expect(ok("5502" + "206b2400" + "0100" + "0800")).toEqual({
      _tag: "GetInstanceAttributeList", path: [{ _tag: "Class", id: 0x6b }, { _tag: "Instance", id: 0 }], attributes: [8]
    })
    expect(ok("0302" + "20012401" + "0000")).toMatchObject({ attributes: [] })
    expect(error("0302" + "20012401" + "02")).toEqual({ reason: "Truncated", offset: 6, message: "Get Attribute List attribute count" })
    expect(error("0302" + "20012401" + "0200" + "0100")).toEqual({
      reason: "Truncated", offset: 8, message: "not enough data for Get Attribute List attribute list of 2"
    })
    expect(error("5502" + "206b2400" + "0100" + "0100" + "0200")).toEqual({
      reason: "BadLength", offset: 10, message: "2 bytes too many for Get Instance Attribute List attribute list of 1"
    })
    expect(error("5502" + "206b2400")).toEqual({ reason: "Truncated", offset: 6, message: "Get Instance Attribute List attribute count" })
  })

  it("Set Attribute Single: the data to the end", () => {
    expect(ok("1003" + "20f5240130056162")).toEqual({
      _tag: "SetAttributeSingle", path: [{ _tag: "Class", id: 0xf5 }, { _tag: "Instance", id: 1 }, { _tag: "Attribute", id: 5 }], data: hexToBytes("6162")
    })
  })

  it("Forward Open codes off the Connection Manager, and unknown services, stay Generic with their data", () => {
    expect(ok("5402" + "20012401" + "0102")).toEqual({ _tag: "Generic", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }], service: 0x54, data: hexToBytes("0102") })
    expect(ok("5b02" + A + "03")).toEqual({ _tag: "Generic", path: [{ _tag: "Symbolic", name: "A" }], service: 0x5b, data: hexToBytes("03") })
    expect(ok("0502" + "20012401" + "00")).toEqual({ _tag: "Generic", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }], service: 5, data: hexToBytes("00") })
  })
})

describe("Unconnected Send", () => {
  const inner = "4c02" + A + "0100" // 8 bytes
  it("priority/tick, timeout ticks, the embedded request, the padded route path", () => {
    expect(ok("5202" + CM + "0a9d" + "0800" + inner + "0100" + "0102")).toEqual({
      _tag: "UnconnectedSend", path: [{ _tag: "Class", id: 6 }, { _tag: "Instance", id: 1 }], priorityTimeTick: 0x0a, timeoutTicks: 0x9d,
      request: { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 1 }, routePath: [{ _tag: "Port", port: 1, link: 2 }]
    })
    // An odd-length message is followed by a pad byte before the route path.
    const odd = "4c02" + A + "01" // 7 bytes: its own decoding fails, the length is what is checked first
    expect(error("5202" + CM + "0a9d" + "0700" + odd + "00" + "0100" + "0100")).toMatchObject({ reason: "Truncated", offset: 16 })
    const get = "0e03" + "200124013001" + "00" // Get Attribute Single + 1 byte: refused as BadLength inside
    expect(error("5202" + CM + "0a9d" + "0900" + get + "00" + "0100" + "0100")).toMatchObject({ reason: "BadLength", offset: 18 })
    const generic = "0502" + "20012401" + "00" // 7 bytes, a Generic request
    expect(ok("5202" + CM + "0a9d" + "0700" + generic + "00" + "0100" + "0103")).toMatchObject({
      _tag: "UnconnectedSend", request: { _tag: "Generic", service: 5, data: hexToBytes("00") }, routePath: [{ _tag: "Port", port: 1, link: 3 }]
    })
  })

  it("a short head, a message length past the data, a bad route path, bytes after the route path", () => {
    expect(error("5202" + CM + "0a9d08")).toEqual({ reason: "Truncated", offset: 6, message: "Unconnected Send header" })
    expect(error("5202" + CM + "0a9d" + "0900" + inner)).toEqual({ reason: "BadLength", offset: 8, message: "Unconnected Send message length 9 overruns the data" })
    expect(ok("5202" + CM + "0a9d" + "0800" + inner + "0000")).toMatchObject({ routePath: [] })
    expect(error("5202" + CM + "0a9d" + "0800" + inner + "02000102")).toMatchObject({ reason: "BadLength", offset: 18 })
    expect(error("5202" + CM + "0a9d" + "0800" + inner + "0100" + "0102" + "00")).toEqual({
      reason: "BadLength", offset: 22, message: "bytes after the Unconnected Send route path"
    })
    expect(error("5202" + CM + "0a9d" + "0800" + inner)).toMatchObject({ reason: "Truncated", offset: 18 })
  })
})

describe("Multiple Service Packet offsets", () => {
  const two = "4c02" + A + "0100" + "4c02" + "91014200" + "0100" // two 8-byte Read Tags
  const msp = (table: string, body = two) => "0a02" + "20022401" + table + body

  it("the embedded requests between their offsets (from the count), in order", () => {
    const r = ok(msp("0200" + "0600" + "0e00"))
    expect(r).toMatchObject({ _tag: "MultipleServicePacket", requests: [{ path: [{ name: "A" }] }, { path: [{ name: "B" }] }] })
    expect(multipleTable(hexToBytes("ff" + "0200" + "0600" + "0e00" + two), 1, 23)).toEqual(Either.right([[7, 15], [15, 23]]))
    expect(ok(msp("0000", ""))).toEqual({ _tag: "MultipleServicePacket", path: [{ _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 }], requests: [] })
  })

  it("a count past the data, a missing count, offsets inside the table, past the end, equal or decreasing", () => {
    expect(error("0a02" + "20022401" + "02")).toEqual({ reason: "Truncated", offset: 6, message: "Multiple Service Packet count" })
    expect(error(msp("2000" + "0600" + "0e00"))).toEqual({ reason: "BadLength", offset: 6, message: "Multiple Service Packet count 32 overruns the data" })
    expect(error(msp("0900" + "0600" + "0e00"))).toMatchObject({ reason: "BadOffset", offset: 8 }) // the table fits (20 of 22 bytes), its first offset does not
    const bad = (i: number, off: number) => ({
      reason: "BadOffset", offset: 8 + 2 * i, message: `Multiple Service Packet offset ${i} (${off}) out of bounds or overlapping`
    })
    expect(error(msp("0200" + "0500" + "0e00"))).toEqual(bad(0, 5)) // inside the table (it ends at 6)
    expect(error(msp("0200" + "0600" + "1600"))).toEqual(bad(1, 22)) // at the end: an empty message
    expect(error(msp("0200" + "0600" + "1700"))).toEqual(bad(0, 6)) // the next offset past the end
    expect(error(msp("0200" + "0e00" + "0e00"))).toEqual(bad(0, 14)) // equal: the first message empty
    expect(error(msp("0200" + "0e00" + "0600"))).toEqual(bad(0, 14)) // decreasing
    expect(error(msp("0100" + "1800"))).toEqual(bad(0, 24))
    // The last message runs to the end of the data.
    expect(ok(msp("0100" + "0400", two.slice(0, 16)))).toMatchObject({ requests: [{ _tag: "ReadTag", elements: 1 }] })
  })

  it("an embedded request that does not decode fails the packet", () => {
    expect(error(msp("0200" + "0600" + "0e00", two.slice(0, 16) + "cc000000"))).toEqual({ reason: "BadValue", offset: 20, message: "service 0xcc is a reply code" })
  })
})

describe("service codes of requests", () => {
  it("Forward Open large or not, Generic by its own code, the rest by their tag", () => {
    const fo = ok("5402" + CM + "059d" + "01010000" + "ffffffff" + "0101" + "3412" + "01000000" + "00000000" + "80841e00" + "fe43" + "80841e00" + "fe43" + "a3" + "03" + "010020022401")
    expect(requestService(fo)).toBe(0x54)
    expect(fo._tag === "ForwardOpen" && requestService({ ...fo, large: true })).toBe(0x5b)
    expect(requestService({ _tag: "Generic", path: [], service: 0x33, data: new Uint8Array(0) })).toBe(0x33)
    expect(requestService({ _tag: "ReadTemplate", path: [], offset: 0, bytes: 0 })).toBe(0x4c)
    expect(requestService({ _tag: "UnconnectedSend", path: [], priorityTimeTick: 0, timeoutTicks: 0, request: { _tag: "GetAttributesAll", path: [] }, routePath: [] })).toBe(0x52)
    expect(encodeRequest({ _tag: "GetInstanceAttributeList", path: [], attributes: [1, 0x102] })).toEqual(hexToBytes("5500" + "0200" + "0100" + "0201"))
  })
})

describe("what the other tests leave open", () => {
  it("Multiple Service Packets nested in each other count toward the same depth limit", () => {
    // A packet of one embedded request: count, one offset (4), then the request.
    const wrap = (inner: string) => "0a02" + "20022401" + "0100" + "0400" + inner
    let r = "4c02" + A + "0100"
    for (let i = 0; i < 8; i++) r = wrap(r)
    expect(Either.isRight(decode(r))).toBe(true)
    // One more level: the innermost Read Tag is at depth 9, after 9 heads of 10 bytes.
    expect(error(wrap(r))).toEqual({ reason: "Unsupported", offset: 9 * 10, message: "requests nested too deeply" })
  })

  it("an Unconnected Send of exactly its 4-byte head carries an empty message: the message is what is short", () => {
    expect(error("5202" + CM + "0a9d" + "0000")).toEqual({ reason: "Truncated", offset: 10, message: "request service and path size" })
  })

  it("a Read Template encodes its UDINT offset and UINT byte count after the path", () => {
    const r: CipRequest = { _tag: "ReadTemplate", path: [{ _tag: "Class", id: 0x6c }, { _tag: "Instance", id: 0x100 }], offset: 0xfedcba98, bytes: 0x1234 }
    expect(encodeRequest(r)).toEqual(hexToBytes("4c03" + TEMPLATE + "98badcfe" + "3412"))
    expect(encodeRequest({ _tag: "GetAttributesAll", path: [] })).toEqual(hexToBytes("0100"))
  })
})
