/**
 * The controller's dispatch (src/device/controller.ts) around the tag services: Multiple Service
 * Packet paths, nesting depth and reservations (0x20 past four levels), Unconnected Send's target and routing failure,
 * the Wall Clock inside a packet, and the service code of error replies.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipReply, CipRequest, Segment } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { bytes, cls, fixture, forwardOpenRequest, ins, port, sym, tagPath } from "./helpers.js"

const read = (name: string): CipRequest => ({ _tag: "ReadTag", path: tagPath(name), elements: 1 })
const msp = (requests: ReadonlyArray<CipRequest>, path: ReadonlyArray<Segment> = [cls(2), ins(1)]): CipRequest => ({ _tag: "MultipleServicePacket", path, requests })
const us = (request: CipRequest, routePath: ReadonlyArray<Segment> = [port(1, 0)], path: ReadonlyArray<Segment> = [cls(6), ins(1)]): CipRequest =>
  ({ _tag: "UnconnectedSend", path, priorityTimeTick: 5, timeoutTicks: 157, request, routePath })
const replies = (r: CipReply) => { if (r._tag !== "MultipleServicePacket") throw new Error(`${r._tag} ${r.status}`); return r.replies }

describe("Multiple Service Packet", () => {
  it("goes to the Message Router only (0x05 elsewhere); nests up to 4 deep (0x20 deeper)", () => {
    const f = fixture(["A=INT"])
    Effect.runSync(f.store.write("A", 0, [7]))
    expect(f.sync(msp([read("A")], [cls(2)]))).toMatchObject({ status: 0 })
    expect(f.sync(msp([read("A")], [cls(6), ins(1)]))).toEqual({ _tag: "Error", service: 0x8a, status: 0x05, extStatus: [0], data: new Uint8Array(0) })
    expect(f.sync(msp([read("A")], [sym("A")]))).toMatchObject({ status: 0x05 })
    let nested: CipRequest = read("A")
    for (let i = 0; i < 4; i++) nested = msp([nested])
    let r = f.sync(nested)
    for (let i = 0; i < 3; i++) r = replies(r)[0]!
    expect(bytes(replies(r)[0]!)).toEqual([7, 0]) // 4 packets deep: answered
    const deeper = f.sync(msp([nested]))
    let d = deeper
    for (let i = 0; i < 4; i++) d = replies(d)[0]!
    expect(d).toMatchObject({ _tag: "Error", service: 0x8a, status: 0x20 })
    expect(deeper).toMatchObject({ status: 0x1e })
  })

  it("a partial read (0x06) is no failure of the packet; any other status is (0x1E)", () => {
    const f = fixture(["BIG=DINT[200]", "A=INT"])
    const r = f.sync(msp([read("A"), { _tag: "ReadTag", path: tagPath("BIG", 0), elements: 200 }]), 504)
    expect(replies(r).map((x) => x.status)).toEqual([0, 0x06])
    expect(r).toMatchObject({ status: 0, extStatus: [] })
    expect(f.sync(msp([read("A"), read("NOPE")]))).toMatchObject({ status: 0x1e })
  })

  it("sets aside the success replies of what changes something; refuses a packet whose reservations cannot fit, before anything runs", () => {
    const f = fixture(["A=INT"])
    const write: CipRequest = { _tag: "WriteTag", path: tagPath("A"), type: { code: CipType.INT }, elements: 1, data: Uint8Array.of(5, 0) }
    const open = us(forwardOpenRequest({ connectionSerial: 1 }))
    // header 4 + count 2 + 2 offsets of 2 + Forward Open 30 + write 4 = 44
    expect(f.sync(msp([open, write]), 43)).toMatchObject({ _tag: "Error", status: 0x11 })
    expect(f.ctl.connections()).toEqual([])
    expect(Effect.runSync(f.store.read("A"))).toEqual([0])
    const ok = f.sync(msp([open, write]), 44)
    expect(replies(ok).map((x) => [x._tag, x.status])).toEqual([["ForwardOpen", 0], ["WriteTag", 0]])
    expect(f.ctl.connections()).toHaveLength(1)
    // Forward Close sets aside 14: header 4 + count 2 + offset 2 + 14 = 22
    const close: CipRequest = { _tag: "ForwardClose", path: [cls(6), ins(1)], priorityTimeTick: 5, timeoutTicks: 157, connectionSerial: 1, originatorVendor: 0x1234, originatorSerial: 1, connectionPath: [] }
    expect(f.sync(msp([close]), 21)).toMatchObject({ status: 0x11 })
    expect(f.ctl.connections()).toHaveLength(1)
    expect(replies(f.sync(msp([close]), 22))[0]).toMatchObject({ _tag: "ForwardClose", status: 0 })
    expect(f.ctl.connections()).toHaveLength(0)
    // a read whose reply does not fit its share is 0x11 (nothing happened); the write after it still runs
    const r = f.sync(msp([{ _tag: "GetAttributesAll", path: [cls(1), ins(1)] }, write]), 4 + 2 + 4 + 4 + 4 + 5)
    expect(replies(r).map((x) => [x.service, x.status])).toEqual([[0x81, 0x11], [0xcd, 0]])
  })

  it("the Wall Clock answers inside a packet and through Unconnected Send", () => {
    const f = fixture([], { now: () => 1_000 })
    const get: CipRequest = { _tag: "GetAttributeList", path: [cls(0x8b), ins(1)], attributes: [10] }
    expect(replies(f.sync(msp([get])))[0]).toMatchObject({ _tag: "GetAttributeList", status: 0 })
    expect(f.sync(us(get))).toMatchObject({ _tag: "GetAttributeList", status: 0 })
    expect(f.sync(msp([get], [cls(0x8b), ins(1)]))).toMatchObject({ _tag: "Error", status: 0x05 })
  })
})

describe("Unconnected Send", () => {
  it("goes to the Connection Manager only; a routing failure carries the remaining path size", () => {
    const f = fixture(["A=INT"])
    expect(f.sync(us(read("A"), [port(1, 0)], [cls(2), ins(1)]))).toEqual({ _tag: "Error", service: 0xd2, status: 0x05, extStatus: [0], data: new Uint8Array(0) })
    expect(f.sync(us(read("A"), [port(1, 0)], [cls(6), ins(2)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(us(read("A"), [port(1, 0)], [cls(6)]))).toMatchObject({ _tag: "ReadTag", status: 0 })
    expect(f.sync(us(read("A"), [port(1, 0), port(2, "x")]))).toEqual({ _tag: "Error", service: 0xd2, status: 0x01, extStatus: [0x0311], data: Uint8Array.of(2) })
    expect(f.sync({ ...forwardOpenRequest(), path: [cls(2), ins(1)] })).toMatchObject({ _tag: "Error", service: 0xd4, status: 0x05 })
    expect(f.sync({ ...forwardOpenRequest({ large: true }), path: [cls(6), ins(1), { _tag: "Attribute", id: 1 }] })).toMatchObject({ _tag: "Error", service: 0xdb, status: 0x05 })
    expect(f.sync({ _tag: "ForwardClose", path: [cls(2)], priorityTimeTick: 5, timeoutTicks: 157, connectionSerial: 1, originatorVendor: 1, originatorSerial: 1, connectionPath: [] }))
      .toMatchObject({ _tag: "Error", service: 0xce, status: 0x05 })
  })

  it("nests up to 4 deep inside packets and itself (0x20 deeper)", () => {
    const f = fixture(["A=INT"])
    let r: CipRequest = read("A")
    for (let i = 0; i < 4; i++) r = us(r)
    expect(f.sync(r)).toMatchObject({ _tag: "ReadTag", status: 0 })
    expect(f.sync(us(r))).toMatchObject({ _tag: "Error", service: 0xd2, status: 0x20 })
    expect(f.sync(us(us(us(msp([read("A")])))))).toMatchObject({ _tag: "MultipleServicePacket", status: 0 })
    expect(replies(f.sync(us(us(us(msp([us(read("A"))]))))))[0]).toMatchObject({ _tag: "Error", service: 0xd2, status: 0x20 })
  })
})

describe("error replies carry the request's service", () => {
  it("a crash inside any service is 0xFF with that service's reply code", () => {
    const f = fixture(["A=INT"])
    const broken = (req: Record<string, unknown>) => f.sync({ ...req, path: null } as unknown as CipRequest)
    expect(broken({ _tag: "ReadTagFragmented", elements: 1, offset: 0 })).toMatchObject({ service: 0xd2, status: 0xff })
    expect(broken({ _tag: "WriteTag" })).toMatchObject({ service: 0xcd, status: 0xff })
    expect(broken({ _tag: "WriteTagFragmented" })).toMatchObject({ service: 0xd3, status: 0xff })
    expect(broken({ _tag: "ReadModifyWriteTag" })).toMatchObject({ service: 0xce, status: 0xff })
    expect(broken({ _tag: "GetAttributeSingle" })).toMatchObject({ service: 0x8e, status: 0xff })
    expect(broken({ _tag: "GetAttributesAll" })).toMatchObject({ service: 0x81, status: 0xff })
    expect(broken({ _tag: "GetAttributeList", attributes: [1] })).toMatchObject({ service: 0x83, status: 0xff })
    expect(broken({ _tag: "SetAttributeSingle", data: new Uint8Array(0) })).toMatchObject({ service: 0x90, status: 0xff })
    expect(broken({ _tag: "GetInstanceAttributeList", attributes: [1] })).toMatchObject({ service: 0xd5, status: 0xff })
    expect(broken({ _tag: "ReadTemplate", offset: 0, bytes: 1 })).toMatchObject({ service: 0xcc, status: 0xff })
    expect(broken({ _tag: "MultipleServicePacket", requests: [] })).toMatchObject({ service: 0x8a, status: 0xff })
    expect(broken({ _tag: "ForwardOpen", large: true })).toMatchObject({ service: 0xdb, status: 0xff })
    expect(broken({ _tag: "ForwardOpen", large: false })).toMatchObject({ service: 0xd4, status: 0xff })
    expect(broken({ _tag: "ForwardClose" })).toMatchObject({ service: 0xce, status: 0xff })
    expect(broken({ _tag: "UnconnectedSend" })).toMatchObject({ service: 0xd2, status: 0xff })
    expect(broken({ _tag: "Generic", service: 0x33 })).toMatchObject({ service: 0xb3, status: 0xff })
  })
})
