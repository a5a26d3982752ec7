/**
 * `replyLength` is how the controller keeps replies inside the transport's size limit without
 * encoding them (Multiple Service Packet shares, fragmented reads): it must equal the encoded
 * length of every reply the device produces, and never be below it for the two kinds where it is
 * a bound (a Forward Open failure without remaining path size; Get Instance Attribute List).
 */
import { describe, expect, it } from "@effect/vitest"
import type { CipReply } from "../../src/cip/model.js"
import { encodeReply } from "../../src/cip/reply.js"
import { CipType } from "../../src/cip/types.js"
import { errorReply, replyLength } from "../../src/device/reply.js"

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i)
const triple = { connectionSerial: 7, originatorVendor: 0x1337, originatorSerial: 0xdeadbeef }

/** One reply of every kind the device answers with, each with 0, 1 and 2 extended status words. */
const replies = (ext: ReadonlyArray<number>): ReadonlyArray<CipReply> => [
  { ...errorReply(0x4c, 0xff, ext), data: bytes(ext.length) },
  { _tag: "ReadTag", service: 0xcc, status: 0, extStatus: ext, type: { code: CipType.DINT }, data: bytes(8) },
  { _tag: "ReadTagFragmented", service: 0xd2, status: 6, extStatus: ext, type: { code: CipType.STRUCT, handle: 0x0fce }, data: bytes(88) },
  { _tag: "WriteTag", service: 0xcd, status: 0, extStatus: ext },
  { _tag: "WriteTagFragmented", service: 0xd3, status: 0, extStatus: ext },
  { _tag: "ReadModifyWriteTag", service: 0xce, status: 0, extStatus: ext },
  { _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: ext },
  { _tag: "GetAttributesAll", service: 0x81, status: 0, extStatus: ext, data: bytes(24) },
  { _tag: "GetAttributeSingle", service: 0x8e, status: 0, extStatus: ext, data: bytes(3) },
  { _tag: "ReadTemplate", service: 0xcc, status: 0, extStatus: ext, data: bytes(40) },
  { _tag: "Generic", service: 0x99, status: 8, extStatus: ext, data: bytes(5) },
  {
    _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: ext,
    attributes: [{ id: 1, status: 0, data: bytes(2) }, { id: 9, status: 0x14 }, { id: 3, status: 0, data: bytes(4) }]
  },
  {
    _tag: "ForwardOpen", service: 0xd4, status: 0, extStatus: ext, large: false, otConnectionId: 1, toConnectionId: 2,
    ...triple, otApi: 1000, toApi: 1000, applicationReply: bytes(4)
  },
  { _tag: "ForwardOpenFailed", service: 0xd4, status: 1, extStatus: ext, large: false, ...triple, remainingPathSize: 0 },
  { _tag: "ForwardClose", service: 0xce, status: 0, extStatus: ext, ...triple, applicationReply: bytes(2) },
  { _tag: "ForwardClose", service: 0xce, status: 0, extStatus: ext, ...triple, applicationReply: bytes(0) }
]

describe("replyLength", () => {
  it("is the encoded length of every kind of reply, whatever its extended status", () => {
    for (const ext of [[], [0x2105], [1, 2]]) {
      for (const r of replies(ext)) expect([r._tag, replyLength(r)]).toEqual([r._tag, encodeReply(r).length])
    }
  })

  it("is the encoded length of a Multiple Service Packet, nested ones included", () => {
    const inner = replies([])
    const msp = (rs: ReadonlyArray<CipReply>, ext: ReadonlyArray<number> = []): CipReply =>
      ({ _tag: "MultipleServicePacket", service: 0x8a, status: 0x1e, extStatus: ext, replies: rs })
    for (const r of [msp([]), msp(inner), msp(inner.slice(0, 3), [7]), msp([msp(inner.slice(2, 5)), inner[1]!])]) {
      expect(replyLength(r)).toBe(encodeReply(r).length)
    }
  })

  it("bounds the two replies it cannot know exactly without encoding them", () => {
    const failed: CipReply = { _tag: "ForwardOpenFailed", service: 0xd4, status: 1, extStatus: [0x100], large: false, ...triple }
    expect(replyLength(failed)).toBe(4 + 2 + 10)
    expect(encodeReply(failed).length).toBe(4 + 2 + 8)
    const instances = [
      { instance: 1, name: "A".repeat(40), symbolType: 0xc4, byteCount: 4, dimensions: [0, 0, 0] as const },
      { instance: 0x1234, name: "Program:MainProgram.Speed", symbolType: 0x82c4, byteCount: 40, dimensions: [10, 0, 0] as const }
    ]
    for (const n of [0, 1, 2]) {
      const r: CipReply = { _tag: "GetInstanceAttributeList", service: 0xd5, status: 0, extStatus: [], instances: instances.slice(0, n) }
      expect(replyLength(r)).toBe(4 + 64 * n)
      expect(replyLength(r)).toBeGreaterThanOrEqual(encodeReply(r).length)
    }
  })
})
