/**
 * The README's list of CIP services ("The EtherNet/IP + CIP codec", What it covers), code by code:
 * each request encodes with the service code the README gives, decodes back to the same kind by
 * service and target class, and a reply code answering it (code | 0x80) decodes as its reply.
 * Round-trip properties alone cannot hold the codes: an encoder and decoder that agree on a wrong
 * code round-trip as well.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { decodeEPath, encodeEPath } from "../../src/cip/epath.js"
import { type CipRequest, type EPath, replyService } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { decodeRequest, encodeRequest } from "../../src/cip/request.js"
import { bytesToHex, hexToBytes } from "./vectors.js"

const tag: EPath = [{ _tag: "Symbolic", name: "A" }]
const at = (cls: number, ins = 1): EPath => [{ _tag: "Class", id: cls }, { _tag: "Instance", id: ins }]
const cm = at(6)
const params = { size: 500, variable: true, priority: 0, type: 2, redundantOwner: false }
const forwardOpen = (large: boolean): CipRequest => ({
  _tag: "ForwardOpen", path: cm, large, priorityTimeTick: 10, timeoutTicks: 14, otConnectionId: 1, toConnectionId: 2,
  connectionSerial: 3, originatorVendor: 4, originatorSerial: 5, timeoutMultiplier: 1, otRpi: 2_000_000, otParams: params,
  toRpi: 2_000_000, toParams: params, transportClassTrigger: 0xa3, connectionPath: [{ _tag: "Port", port: 1, link: 0 }, ...at(2)]
})

/** [README name, code, request]: the README's list, in its order. */
const SERVICES: ReadonlyArray<readonly [string, number, CipRequest]> = [
  ["Read Tag", 0x4c, { _tag: "ReadTag", path: tag, elements: 1 }],
  ["Write Tag", 0x4d, { _tag: "WriteTag", path: tag, type: { code: 0xc3 }, elements: 1, data: hexToBytes("0700") }],
  ["Read-Modify-Write", 0x4e, { _tag: "ReadModifyWriteTag", path: tag, orMask: hexToBytes("01"), andMask: hexToBytes("ff") }],
  ["Read Tag Fragmented", 0x52, { _tag: "ReadTagFragmented", path: tag, elements: 1, offset: 0 }],
  ["Write Tag Fragmented", 0x53, { _tag: "WriteTagFragmented", path: tag, type: { code: 0xc3 }, elements: 1, offset: 0, data: hexToBytes("0700") }],
  ["Multiple Service Packet", 0x0a, { _tag: "MultipleServicePacket", path: at(2), requests: [{ _tag: "ReadTag", path: tag, elements: 1 }] }],
  ["Get Attributes All", 0x01, { _tag: "GetAttributesAll", path: at(1) }],
  ["Get Attribute List", 0x03, { _tag: "GetAttributeList", path: at(1), attributes: [1, 2] }],
  ["Get Attribute Single", 0x0e, { _tag: "GetAttributeSingle", path: [...at(1), { _tag: "Attribute", id: 7 }] }],
  ["Set Attribute Single", 0x10, { _tag: "SetAttributeSingle", path: [...at(0xf5), { _tag: "Attribute", id: 6 }], data: hexToBytes("0000") }],
  ["Get Instance Attribute List", 0x55, { _tag: "GetInstanceAttributeList", path: at(0x6b, 0), attributes: [1, 2, 7, 8] }],
  ["Read Template", 0x4c, { _tag: "ReadTemplate", path: at(0x6c, 0x100), offset: 0, bytes: 100 }],
  ["Forward Open", 0x54, forwardOpen(false)],
  ["Large Forward Open", 0x5b, forwardOpen(true)],
  ["Forward Close", 0x4e, { _tag: "ForwardClose", path: cm, priorityTimeTick: 10, timeoutTicks: 14, connectionSerial: 3, originatorVendor: 4, originatorSerial: 5, connectionPath: at(2) }],
  ["Unconnected Send", 0x52, { _tag: "UnconnectedSend", path: cm, priorityTimeTick: 5, timeoutTicks: 157, request: { _tag: "ReadTag", path: tag, elements: 1 }, routePath: [{ _tag: "Port", port: 1, link: 0 }] }]
]

describe("the README's CIP services", () => {
  const named = SERVICES.map(([name, code, request]) => [`${name} 0x${code.toString(16).toUpperCase().padStart(2, "0")}`, code, request] as const)
  it.each(named)("%s: that code on the wire, decoded back by service and class", (_name, code, request) => {
    const bytes = encodeRequest(request)
    expect(bytes[0]).toBe(code)
    const decoded = Either.getOrThrow(decodeRequest(bytes))
    expect(decoded._tag).toBe(request._tag)
    if (request._tag === "ForwardOpen") expect(decoded).toMatchObject({ large: request.large })
  })

  it("every reply code is the request's code with bit 0x80 set, and a reply with another code stays raw", () => {
    // status 0 with no data: every service above answers with this head; the reply's service echoes code | 0x80
    for (const [name, code, request] of SERVICES.filter(([, , r]) => r._tag === "WriteTag" || r._tag === "WriteTagFragmented" || r._tag === "ReadModifyWriteTag")) {
      const ok = Either.getOrThrow(decodeReply(Uint8Array.of(code | 0x80, 0, 0, 0), request))
      expect(ok, name).toMatchObject({ _tag: request._tag, service: code | 0x80, status: 0 })
      const other = Either.getOrThrow(decodeReply(Uint8Array.of((code + 1) | 0x80, 0, 0, 0), request))
      expect(other._tag, name).not.toBe(request._tag)
    }
    expect(SERVICES.map(([, code]) => replyService(code))).toEqual(SERVICES.map(([, code]) => code + 0x80))
    const read = Either.getOrThrow(decodeReply(hexToBytes("cc000000c3000700"), SERVICES[0]![2]))
    expect(read).toMatchObject({ _tag: "ReadTag", service: 0xcc, type: { code: 0xc3 } })
  })
})

describe("the Member segment (README, Known limits)", () => {
  it("encodes as 0x28 and decodes as Element, which Logix uses 0x28 for", () => {
    const bytes = encodeEPath([{ _tag: "Member", id: 3 }])
    expect(bytesToHex(bytes)).toBe("2803")
    expect(Either.getOrThrow(decodeEPath(bytes, 0, bytes.length / 2))).toEqual([{ _tag: "Element", index: 3 }])
  })
})
