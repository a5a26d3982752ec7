/**
 * The codec's promise (README, "The EtherNet/IP + CIP codec"): decoded byte fields are `subarray`
 * views into the frame, not copies. A decoder that copied would still give equal bytes, so each
 * case asserts the field shares the frame's buffer at the field's own offset, and that a change
 * to the frame shows through the decoded field.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { decodeReply } from "../../src/cip/reply.js"
import { decodeRequest } from "../../src/cip/request.js"
import { decodeFrame } from "../../src/enip/frame.js"
import { hexToBytes } from "./vectors.js"

/** `field` is a view of `frame` starting `at` bytes into it, `length` long. */
const viewOf = (field: Uint8Array | undefined, frame: Uint8Array, at: number, length: number) => {
  expect(field).toBeDefined()
  expect(field!.buffer).toBe(frame.buffer)
  expect(field!.byteOffset - frame.byteOffset).toBe(at)
  expect(field!.length).toBe(length)
  const before = field![0]
  frame[at] = (frame[at]! + 1) & 0xff
  expect(field![0]).toBe((before! + 1) & 0xff)
}

/** Bytes inside a larger buffer, so that a view's offset is not 0 by accident. */
const inside = (hex: string) => {
  const b = hexToBytes("eeeeee" + hex + "eeee")
  return b.subarray(3, b.length - 2)
}

describe("decoded byte fields are views of the frame", () => {
  it("encapsulation: the sender context, CPF data items, unknown items and unsupported bodies", () => {
    // SendRRData: interface 0, timeout 5, 3 items: Null address, Unconnected data (4 bytes), an unknown item 0x1234 (2 bytes)
    const rr = inside("6f00" + "1a00" + "78563412" + "00000000" + "0102030405060708" + "00000000" +
      "00000000" + "0500" + "0300" + "00000000" + "b2000400" + "aabbccdd" + "34120200" + "eeff")
    const f = Either.getOrThrow(decodeFrame(rr))
    viewOf(f.header.senderContext, rr, 12, 8)
    if (f.body._tag !== "SendRRData") throw new Error(f.body._tag)
    const [, data, unknown] = f.body.items
    viewOf(data?._tag === "UnconnectedData" ? data.data : undefined, rr, 40, 4)
    viewOf(unknown?._tag === "Unknown" ? unknown.data : undefined, rr, 48, 2)

    // SendUnitData: Connected address, Connected data with its sequence count
    const unit = inside("7000" + "1a00" + "78563412" + "00000000" + "0000000000000000" + "00000000" +
      "00000000" + "0000" + "0200" + "a1000400" + "44332211" + "b1000600" + "0700" + "0a0b0c0d")
    const u = Either.getOrThrow(decodeFrame(unit))
    if (u.body._tag !== "SendUnitData") throw new Error(u.body._tag)
    const connected = u.body.items[1]
    expect(connected).toMatchObject({ _tag: "ConnectedData", sequence: 7 })
    viewOf(connected?._tag === "ConnectedData" ? connected.data : undefined, unit, 46, 4)

    // An unknown command keeps its data as a view
    const other = inside("9900" + "0300" + "00000000" + "00000000" + "0000000000000000" + "00000000" + "010203")
    const o = Either.getOrThrow(decodeFrame(other))
    viewOf(o.body._tag === "Unsupported" ? o.body.data : undefined, other, 24, 3)
  })

  it("CIP requests: Write Tag data, Write Tag Fragmented data, Read-Modify-Write masks, Set Attribute Single and Generic data", () => {
    const A = "91014100" // symbolic "A"
    const write = inside("4d02" + A + "c400" + "0100" + "01020304")
    const w = Either.getOrThrow(decodeRequest(write))
    viewOf(w._tag === "WriteTag" ? w.data : undefined, write, 10, 4)

    const frag = inside("5302" + A + "c300" + "0200" + "02000000" + "0506")
    const wf = Either.getOrThrow(decodeRequest(frag))
    viewOf(wf._tag === "WriteTagFragmented" ? wf.data : undefined, frag, 14, 2)

    const rmw = inside("4e02" + A + "0200" + "0f00" + "f0ff")
    const r = Either.getOrThrow(decodeRequest(rmw))
    viewOf(r._tag === "ReadModifyWriteTag" ? r.orMask : undefined, rmw, 8, 2)
    viewOf(r._tag === "ReadModifyWriteTag" ? r.andMask : undefined, rmw, 10, 2)

    const set = inside("1003" + "20f5" + "2401" + "3005" + "0a0b")
    const s = Either.getOrThrow(decodeRequest(set))
    viewOf(s._tag === "SetAttributeSingle" ? s.data : undefined, set, 8, 2)

    const generic = inside("3302" + A + "c0c1c2")
    const g = Either.getOrThrow(decodeRequest(generic))
    expect(g).toMatchObject({ _tag: "Generic", service: 0x33 })
    viewOf(g._tag === "Generic" ? g.data : undefined, generic, 6, 3)
  })

  it("CIP replies: Read Tag data, Get Attributes All data, each Get Attribute List value", () => {
    const readTag: CipRequest = { _tag: "ReadTag", path: [{ _tag: "Symbolic", name: "A" }], elements: 2 }
    const rt = inside("cc000000" + "c300" + "01000200")
    const r = Either.getOrThrow(decodeReply(rt, readTag))
    viewOf(r._tag === "ReadTag" ? r.data : undefined, rt, 6, 4)

    const all: CipRequest = { _tag: "GetAttributesAll", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }] }
    const ga = inside("81000000" + "01000e003600")
    const a = Either.getOrThrow(decodeReply(ga, all))
    viewOf(a._tag === "GetAttributesAll" ? a.data : undefined, ga, 4, 6)

    // Identity attributes 1 (vendor, UINT) and 2 (device type, UINT): sizes known for class 1
    const list: CipRequest = { _tag: "GetAttributeList", path: [{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 1 }], attributes: [1, 2] }
    const gl = inside("83000000" + "0200" + "0100" + "0000" + "0100" + "0200" + "0000" + "0e00")
    const l = Either.getOrThrow(decodeReply(gl, list))
    if (l._tag !== "GetAttributeList") throw new Error(l._tag)
    viewOf(l.attributes[0]?.data, gl, 10, 2)
    viewOf(l.attributes[1]?.data, gl, 16, 2)
  })
})
