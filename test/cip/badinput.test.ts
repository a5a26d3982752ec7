import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import { decodeIdentity } from "../../src/cip/identity.js"
import type { CipRequest } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { decodeTcpIp } from "../../src/cip/tcpip.js"
import { decodeCipStrings } from "../../src/cip/values.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { request } from "./arbitraries.js"
import { hexToBytes } from "./vectors.js"

const reason = (r: Either.Either<unknown, { reason: string }>) => (Either.isLeft(r) ? r.left.reason : "decoded")

// An MSP to @2/1 with two Read Tag requests; offsets at bytes 8..11 (count at 6).
const head = "0a022002240102" + "00"
const body = "4c02910141000100" + "4c02910142000100"
const msp = head + "0600" + "0e00" + body

describe("bad input yields typed errors", () => {
  it("the reference MSP decodes", () => {
    const r = Either.getOrThrow(decodeRequest(hexToBytes(msp)))
    expect(r._tag).toBe("MultipleServicePacket")
    if (r._tag === "MultipleServicePacket") expect(r.requests.map((q) => q.path)).toEqual([[{ _tag: "Symbolic", name: "A" }], [{ _tag: "Symbolic", name: "B" }]])
  })
  it("MSP offset beyond the data → BadOffset", () => {
    expect(reason(decodeRequest(hexToBytes(head + "0600" + "ff00" + body)))).toBe("BadOffset")
  })
  it("MSP offsets overlapping / decreasing → BadOffset", () => {
    expect(reason(decodeRequest(hexToBytes(head + "0e00" + "0600" + body)))).toBe("BadOffset")
    expect(reason(decodeRequest(hexToBytes(head + "0600" + "0600" + body)))).toBe("BadOffset")
    expect(reason(decodeRequest(hexToBytes(head + "0600" + "0a00" + body)))).toBe("BadLength") // cuts a request in two: its path overruns
  })
  it("MSP offset pointing into the offset table → BadOffset", () => {
    expect(reason(decodeRequest(hexToBytes(head + "0200" + "0e00" + body)))).toBe("BadOffset")
  })
  it("MSP count larger than the table → BadLength", () => {
    expect(reason(decodeRequest(hexToBytes("0a0220022401" + "ff00" + "0600")))).toBe("BadLength")
  })
  it("MSP reply with a bad offset table → BadOffset", () => {
    const req = Either.getOrThrow(decodeRequest(hexToBytes(msp)))
    expect(reason(decodeReply(hexToBytes("8a000000" + "0200" + "0600" + "0500" + "cd000000cd000000"), req))).toBe("BadOffset")
  })
  it("request path size that overruns → BadLength; unknown segment → BadSegment", () => {
    expect(reason(decodeRequest(hexToBytes("4c0991014100")))).toBe("BadLength")
    expect(reason(decodeRequest(hexToBytes("4c01e0010100")))).toBe("BadSegment")
  })
  it("truncated / over-long request data → Truncated / BadLength", () => {
    expect(reason(decodeRequest(hexToBytes("4c02910141000")))).toBe("Truncated")
    expect(reason(decodeRequest(hexToBytes("4c029101410001")))).toBe("Truncated")
    expect(reason(decodeRequest(hexToBytes("4c02910141000100ff")))).toBe("BadLength")
    expect(reason(decodeRequest(hexToBytes("52029101410001000000")))).toBe("Truncated")
    expect(reason(decodeRequest(hexToBytes("4d0291014100c300")))).toBe("Truncated")
    expect(reason(decodeRequest(hexToBytes("4d0291014100a002")))).toBe("Truncated")
    expect(reason(decodeRequest(hexToBytes("4e0291014100030000")))).toBe("BadValue")
  })
  it("Unconnected Send whose message length lies → BadLength", () => {
    // @6/1, tick 5, 157 ticks, length 0x40 but only 8 bytes follow
    expect(reason(decodeRequest(hexToBytes("52022006240105" + "9d" + "4000" + "4c029101410001000100" + "0100")))).toBe("BadLength")
    // route path size overruns
    expect(reason(decodeRequest(hexToBytes("520220062401059d0800" + "4c02910141000100" + "0500" + "0100")))).toBe("BadLength")
  })
  it("Forward Open with a connection path that overruns → BadLength; truncated → Truncated", () => {
    const fo = "540220062401059d01010000ffffffff01013412010000000000000080841e00fe4380841e00fe43a303010020022401"
    expect(Either.isRight(decodeRequest(hexToBytes(fo)))).toBe(true)
    expect(reason(decodeRequest(hexToBytes(fo.replace("a303010020022401", "a309010020022401"))))).toBe("BadLength")
    expect(reason(decodeRequest(hexToBytes(fo.slice(0, 40))))).toBe("Truncated")
  })
  it("a reply code given as a request, and a request code as a reply → BadValue", () => {
    expect(reason(decodeRequest(hexToBytes("cc000000")))).toBe("BadValue")
    const rt: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 1 }
    expect(reason(decodeReply(hexToBytes("4c000000"), rt))).toBe("BadValue")
  })
  it("reply extended status overrunning, truncated reply type → typed errors", () => {
    const rt: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 1 }
    expect(reason(decodeReply(hexToBytes("cc00ff05ff"), rt))).toBe("BadLength")
    expect(reason(decodeReply(hexToBytes("cc0000"), rt))).toBe("Truncated")
    expect(reason(decodeReply(hexToBytes("cc000000a002"), rt))).toBe("Truncated")
  })
  it("Identity / TCP-IP / CIP STRING payloads that lie → typed errors", () => {
    expect(reason(decodeIdentity(hexToBytes("01000e00")))).toBe("Truncated")
    expect(reason(decodeIdentity(hexToBytes("01000e003600140b60311a066c00ff41")))).toBe("Truncated")
    expect(reason(decodeTcpIp(hexToBytes("020000003000000000000000ff00")))).toBe("Truncated")
    expect(reason(decodeCipStrings(hexToBytes("0500414243")))).toBe("Truncated")
  })
})

describe("fuzz: random bytes never throw from any decoder", () => {
  const requests: Array<CipRequest> = [
    { _tag: "ReadTag", path: [], elements: 1 },
    { _tag: "ReadTagFragmented", path: [], elements: 1, offset: 0 },
    { _tag: "GetAttributeList", path: [], attributes: [1, 2, 3] },
    { _tag: "GetInstanceAttributeList", path: [{ _tag: "Class", id: 0x6b }], attributes: [1, 2, 7, 8] },
    { _tag: "MultipleServicePacket", path: [], requests: [{ _tag: "ReadTag", path: [], elements: 1 }, { _tag: "GetAttributesAll", path: [] }] },
    {
      _tag: "ForwardOpen", path: [{ _tag: "Class", id: 6 }], large: true, priorityTimeTick: 0, timeoutTicks: 0, otConnectionId: 0,
      toConnectionId: 0, connectionSerial: 0, originatorVendor: 0, originatorSerial: 0, timeoutMultiplier: 0, otRpi: 0,
      otParams: { size: 0, variable: false, priority: 0, type: 0, redundantOwner: false }, toRpi: 0,
      toParams: { size: 0, variable: false, priority: 0, type: 0, redundantOwner: false }, transportClassTrigger: 0, connectionPath: []
    },
    { _tag: "ForwardClose", path: [{ _tag: "Class", id: 6 }], priorityTimeTick: 0, timeoutTicks: 0, connectionSerial: 0, originatorVendor: 0, originatorSerial: 0, connectionPath: [] }
  ]
  const decoders: Array<(b: Uint8Array) => unknown> = [
    decodeRequest, decodeFrame, decodeIdentity, decodeTcpIp, decodeCipStrings,
    ...requests.map((r) => (b: Uint8Array) => decodeReply(b, r))
  ]
  it("uniform random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      for (const d of decoders) {
        const r = d(b) as Either.Either<unknown, unknown>
        expect(Either.isEither(r)).toBe(true)
      }
    }), runs(3000))
  })
  it("mutated valid requests (bit flips and truncations) never throw", () => {
    fc.assert(fc.property(request, fc.nat(), fc.nat(255), fc.nat(), (req, at, byte, cut) => {
      const b = encodeRequest(req).slice()
      if (b.length > 0) b[at % b.length] = byte
      const t = b.subarray(0, b.length - (cut % (b.length + 1)))
      expect(Either.isEither(decodeRequest(t))).toBe(true)
      for (const r of requests) expect(Either.isEither(decodeReply(t, r))).toBe(true)
    }), runs(3000))
  })
})

describe("Get Attribute List replies", () => {
  it("delimit Template attributes by their known sizes (class 0x6C)", () => {
    const req: CipRequest = { _tag: "GetAttributeList", path: [{ _tag: "Class", id: 0x6c }, { _tag: "Instance", id: 0x0fce }], attributes: [4, 5, 2, 1] }
    const reply = hexToBytes("83000000" + "0400" + "0400" + "0000" + "23000000" + "0500" + "0000" + "58000000" + "0200" + "0000" + "0200" + "0100" + "0000" + "cecf")
    const r = Either.getOrThrow(decodeReply(reply, req))
    expect(r).toMatchObject({
      _tag: "GetAttributeList",
      attributes: [
        { id: 4, status: 0, data: hexToBytes("23000000") }, { id: 5, status: 0, data: hexToBytes("58000000") },
        { id: 2, status: 0, data: hexToBytes("0200") }, { id: 1, status: 0, data: hexToBytes("cecf") }
      ]
    })
  })
  it("without known sizes, several values stay raw (Generic)", () => {
    const req: CipRequest = { _tag: "GetAttributeList", path: [{ _tag: "Class", id: 0xac }, { _tag: "Instance", id: 1 }], attributes: [1, 2] }
    const r = Either.getOrThrow(decodeReply(hexToBytes("83000000" + "0200" + "0100" + "0000" + "0500" + "0200" + "0000" + "0600"), req))
    expect(r._tag).toBe("Generic")
  })
})
