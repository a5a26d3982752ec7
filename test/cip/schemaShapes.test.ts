/**
 * The JSON forms of every decoded shape (src/cip/schemas.ts), shape by shape: each variant of each
 * union goes to JSON (bytes as hex) and back to the same value, and what is not such a shape is
 * refused (a negative or fractional number, an unknown tag, hex that is not hex, a missing field).
 * Requests and replies come from a fixed sample of the codec's own generators, so every variant
 * is met on every run.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import fc from "fast-check"
import type { EnipFrame } from "../../src/enip/model.js"
import type { CipReply, CipRequest, Segment } from "../../src/cip/model.js"
import {
  CipReplySchema, CipRequestSchema, CodecErrorSchema, CpfItemSchema, EncapHeaderSchema, EnipBodySchema, EnipFrameSchema, EPathSchema, SegmentSchema, TypeSpecSchema
} from "../../src/cip/schemas.js"
import { exchange } from "./arbitraries.js"

const viaJson = <A, I>(schema: Schema.Schema<A, I>, value: A): A =>
  Schema.decodeUnknownSync(schema)(JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value))))
const refuses = <A, I>(schema: Schema.Schema<A, I>, json: unknown): boolean => Either.isLeft(Schema.decodeUnknownEither(schema)(json))

const REQUEST_TAGS = [
  "ReadTag", "ReadTagFragmented", "WriteTag", "WriteTagFragmented", "ReadModifyWriteTag", "MultipleServicePacket", "GetAttributesAll",
  "GetAttributeSingle", "GetAttributeList", "SetAttributeSingle", "GetInstanceAttributeList", "ReadTemplate", "ForwardOpen", "ForwardClose",
  "UnconnectedSend", "Generic"
]
const REPLY_TAGS = [
  "Error", "ReadTag", "ReadTagFragmented", "WriteTag", "WriteTagFragmented", "ReadModifyWriteTag", "MultipleServicePacket", "GetAttributesAll",
  "GetAttributeSingle", "GetAttributeList", "SetAttributeSingle", "GetInstanceAttributeList", "ReadTemplate", "ForwardOpen", "ForwardOpenFailed",
  "ForwardClose", "Generic"
]

describe("requests and replies as JSON", () => {
  it("every request and reply variant (a fixed sample of 300 exchanges) goes to JSON and back unchanged", () => {
    const reqTags = new Set<string>()
    const repTags = new Set<string>()
    const walkReq = (r: CipRequest): void => {
      reqTags.add(r._tag)
      if (r._tag === "MultipleServicePacket") r.requests.forEach(walkReq)
      if (r._tag === "UnconnectedSend") walkReq(r.request)
    }
    const walkRep = (r: CipReply): void => {
      repTags.add(r._tag)
      if (r._tag === "MultipleServicePacket") r.replies.forEach(walkRep)
    }
    for (const [req, rep] of fc.sample(exchange, { seed: 21, numRuns: 300 })) {
      expect(viaJson(CipRequestSchema, req)).toEqual<CipRequest>(req)
      expect(viaJson(CipReplySchema, rep)).toEqual<CipReply>(rep)
      walkReq(req)
      walkRep(rep)
    }
    expect([...reqTags].sort()).toEqual([...REQUEST_TAGS].sort())
    expect([...repTags].sort()).toEqual([...REPLY_TAGS].sort())
  })

  it("bytes are lower-case hex in JSON; a request that is not one is refused", () => {
    const req: CipRequest = { _tag: "SetAttributeSingle", path: [{ _tag: "Class", id: 0xf5 }], data: Uint8Array.of(0xab, 1) }
    expect(Schema.encodeSync(CipRequestSchema)(req)).toEqual({ _tag: "SetAttributeSingle", path: [{ _tag: "Class", id: 0xf5 }], data: "ab01" })
    expect(refuses(CipRequestSchema, { _tag: "SetAttributeSingle", path: [], data: "zz" })).toBe(true)
    expect(refuses(CipRequestSchema, { _tag: "ReadTag", path: [], elements: -1 })).toBe(true)
    expect(refuses(CipRequestSchema, { _tag: "ReadTag", path: [], elements: 1.5 })).toBe(true)
    expect(refuses(CipRequestSchema, { _tag: "ReadTag", path: [] })).toBe(true)
    expect(refuses(CipRequestSchema, { _tag: "ReadTags", path: [], elements: 1 })).toBe(true)
    expect(refuses(CipReplySchema, { _tag: "WriteTag", service: 0xcd, status: 0 })).toBe(true)
    expect(refuses(CipReplySchema, { _tag: "WriteTag", service: 0xcd, status: -1, extStatus: [] })).toBe(true)
    expect(refuses(CipReplySchema, { _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] })).toBe(false)
  })
})

describe("EPATH segments as JSON", () => {
  it("each segment kind, including those the generators do not make (Member, ConnectionPoint, Key, Data)", () => {
    const path: Array<Segment> = [
      { _tag: "Port", port: 1, link: 0 }, { _tag: "Port", port: 2, link: "10.0.0.1" }, { _tag: "Class", id: 2 }, { _tag: "Instance", id: 1 },
      { _tag: "Attribute", id: 3 }, { _tag: "Member", id: 4 }, { _tag: "ConnectionPoint", id: 5 }, { _tag: "Element", index: 6 },
      { _tag: "Symbolic", name: "A" },
      { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: true, minor: 11 },
      { _tag: "Data", data: Uint8Array.of(1, 2) }
    ]
    expect(viaJson(EPathSchema, path)).toEqual(path)
    for (const s of path) expect(viaJson(SegmentSchema, s)).toEqual(s)
    expect(Schema.encodeSync(SegmentSchema)({ _tag: "Member", id: 4 })).toEqual({ _tag: "Member", id: 4 })
    expect(Schema.encodeSync(SegmentSchema)({ _tag: "Data", data: Uint8Array.of(0xff) })).toEqual({ _tag: "Data", data: "ff" })
  })

  it("refuses negative or fractional numbers, a wrong link, an unknown kind, a Key without its flag", () => {
    for (const bad of [
      { _tag: "Class", id: -1 }, { _tag: "Instance", id: 1.5 }, { _tag: "Attribute" }, { _tag: "Member", id: "4" },
      { _tag: "ConnectionPoint", id: -2 }, { _tag: "Element", index: -1 }, { _tag: "Element", id: 1 }, { _tag: "Symbolic", name: 5 },
      { _tag: "Port", port: -1, link: 0 }, { _tag: "Port", port: 1, link: true }, { _tag: "Port", port: 1, link: -1 },
      { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, minor: 11 },
      { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: 1, minor: 11 },
      { _tag: "Data", data: "abc" }, { _tag: "Logical", id: 1 }, { id: 1 }
    ]) expect(refuses(SegmentSchema, bad), JSON.stringify(bad)).toBe(true)
  })

  it("type specs: a code, and a handle only when given", () => {
    expect(viaJson(TypeSpecSchema, { code: 0xc4 })).toEqual({ code: 0xc4 })
    expect(viaJson(TypeSpecSchema, { code: 0x02a0, handle: 0x0fce })).toEqual({ code: 0x02a0, handle: 0x0fce })
    expect(Schema.encodeSync(TypeSpecSchema)({ code: 0xc4 })).toEqual({ code: 0xc4 })
    expect(refuses(TypeSpecSchema, { code: 0xc4, handle: undefined })).toBe(true)
    expect(refuses(TypeSpecSchema, { code: -1 })).toBe(true)
  })
})

describe("encapsulation as JSON", () => {
  const identity = {
    protocolVersion: 1, sockaddr: { family: 2, port: 44818, address: "127.0.0.1" }, vendorId: 1, deviceType: 14, productCode: 54,
    revision: [20, 11] as const, status: 0x3160, serialNumber: 0x006c061a, productName: "1756-L61/B LOGIX5561", state: 3
  }
  const items = [
    { _tag: "NullAddress" }, { _tag: "ConnectedAddress", connectionId: 7 }, { _tag: "SequencedAddress", connectionId: 7, sequence: 9 },
    { _tag: "ConnectedData", sequence: 3, data: Uint8Array.of(1) }, { _tag: "UnconnectedData", data: Uint8Array.of(2, 3) },
    { _tag: "ListIdentity", identity }, { _tag: "ListIdentity", identity: { ...identity, extra: Uint8Array.of(9) } },
    { _tag: "ListServices", version: 1, capability: 0x120, name: "Communications" },
    { _tag: "ListServices", version: 1, capability: 0x120, name: "Communications", nameSize: 16 },
    { _tag: "Sockaddr", typeId: 0x8000, sockaddr: { family: 2, port: 2222, address: "0.0.0.0" } },
    { _tag: "Sockaddr", typeId: 0x8001, sockaddr: { family: 2, port: 2222, address: "0.0.0.0" } },
    { _tag: "Unknown", typeId: 0x1234, data: Uint8Array.of(4) }
  ] as const
  const header = { command: 0x6f, length: 0, sessionHandle: 0x12345678, status: 0, senderContext: new Uint8Array(8), options: 0 }

  it("every CPF item kind and every body kind, and whole frames", () => {
    for (const item of items) expect(viaJson(CpfItemSchema, item), item._tag).toEqual(item)
    const bodies: Array<EnipFrame["body"]> = [
      { _tag: "Nop", data: Uint8Array.of(1) }, { _tag: "ListServices", items: [items[7]] }, { _tag: "ListIdentity", items: [items[5]] },
      { _tag: "ListInterfaces", items: [], emptyCpf: true }, { _tag: "ListServices", items: [], emptyCpf: false },
      { _tag: "RegisterSession", protocolVersion: 1, options: 0 }, { _tag: "UnregisterSession" },
      { _tag: "SendRRData", interfaceHandle: 0, timeout: 5, items: [items[0], items[4]] },
      { _tag: "SendUnitData", interfaceHandle: 0, timeout: 0, items: [items[1], items[3]] },
      { _tag: "Unsupported", command: 0x99, data: Uint8Array.of(7) }
    ]
    for (const body of bodies) {
      expect(viaJson(EnipBodySchema, body), body._tag).toEqual(body)
      const frame: EnipFrame = { header, body }
      expect(viaJson(EnipFrameSchema, frame)).toEqual(frame)
    }
    expect(viaJson(EncapHeaderSchema, header)).toEqual(header)
  })

  it("refuses a socket address item of another type id, a negative field, a malformed header or body", () => {
    expect(refuses(CpfItemSchema, { _tag: "Sockaddr", typeId: 0x8002, sockaddr: { family: 2, port: 1, address: "" } })).toBe(true)
    expect(refuses(CpfItemSchema, { _tag: "ConnectedAddress", connectionId: -7 })).toBe(true)
    expect(refuses(CpfItemSchema, { _tag: "ListServices", version: 1, capability: 1, name: "x", nameSize: -1 })).toBe(true)
    expect(refuses(CpfItemSchema, { _tag: "ListIdentity", identity: { ...identity, revision: [20] } })).toBe(true)
    expect(refuses(CpfItemSchema, { _tag: "Nothing" })).toBe(true)
    expect(refuses(EncapHeaderSchema, { ...header, senderContext: "0000000000000000", sessionHandle: -1 })).toBe(true)
    expect(refuses(EncapHeaderSchema, { ...header, senderContext: "00000000000000zz" })).toBe(true)
    expect(refuses(EnipBodySchema, { _tag: "RegisterSession", protocolVersion: 1 })).toBe(true)
    expect(refuses(EnipBodySchema, { _tag: "ListInterfaces", items: [], emptyCpf: "yes" })).toBe(true)
    expect(refuses(EnipFrameSchema, { header: { ...header, senderContext: "0000000000000000" }, body: { _tag: "UnregisterSession" } })).toBe(false)
  })
})

describe("codec errors as JSON", () => {
  it("each reason the decoders give, and nothing else", () => {
    for (const reason of ["Truncated", "BadLength", "BadSegment", "BadOffset", "BadValue", "TooLarge", "Unsupported"]) {
      expect(refuses(CodecErrorSchema, { _tag: "CodecError", reason, offset: 3, message: "m" }), reason).toBe(false)
    }
    expect(refuses(CodecErrorSchema, { _tag: "CodecError", reason: "Broken", offset: 3, message: "m" })).toBe(true)
    expect(refuses(CodecErrorSchema, { _tag: "CodecError", reason: "Truncated", offset: -3, message: "m" })).toBe(true)
    expect(refuses(CodecErrorSchema, { _tag: "Codec", reason: "Truncated", offset: 3, message: "m" })).toBe(true)
  })
})

describe("nested shapes are checked too", () => {
  it("Forward Open connection parameters, symbol instances, and socket addresses refuse what is not one", () => {
    const params = { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false }
    const fo = {
      _tag: "ForwardOpen", path: [], large: false, priorityTimeTick: 10, timeoutTicks: 5, otConnectionId: 1, toConnectionId: 2,
      connectionSerial: 3, originatorVendor: 4, originatorSerial: 5, timeoutMultiplier: 1, otRpi: 1000, otParams: params,
      toRpi: 1000, toParams: params, transportClassTrigger: 0xa3, connectionPath: []
    }
    expect(refuses(CipRequestSchema, fo)).toBe(false)
    expect(refuses(CipRequestSchema, { ...fo, otParams: { ...params, size: -1 } })).toBe(true)
    expect(refuses(CipRequestSchema, { ...fo, toParams: { ...params, variable: "yes" } })).toBe(true)
    const gial = { _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: [{ instance: 7, name: "A" }] }
    expect(refuses(CipReplySchema, gial)).toBe(false)
    expect(refuses(CipReplySchema, { ...gial, instances: [{ instance: -7 }] })).toBe(true)
    expect(refuses(CipReplySchema, { ...gial, instances: [{ name: "A" }] })).toBe(true)
    const sockaddr = { _tag: "Sockaddr", typeId: 0x8000, sockaddr: { family: 2, port: 44818, address: "10.0.0.1" } }
    expect(refuses(CpfItemSchema, sockaddr)).toBe(false)
    expect(refuses(CpfItemSchema, { ...sockaddr, sockaddr: { family: 2, port: 44818 } })).toBe(true)
    expect(refuses(CpfItemSchema, { ...sockaddr, sockaddr: { family: 2, port: -1, address: "10.0.0.1" } })).toBe(true)
  })
})
