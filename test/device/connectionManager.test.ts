import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { Effect, Either } from "effect"
import { encodeReply } from "../../src/cip/reply.js"
import { decodeRequest } from "../../src/cip/request.js"
import type { CipReply, CipRequest, Segment } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { AttributeFactory } from "../../src/tags/attribute.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { Controller } from "../../src/device/controller.js"
import { bytes, cls, connParams, fixture, forwardOpenRequest, ins, le16, port, sym, tagPath } from "./helpers.js"
import { numRuns } from "../numRuns.js"

const params = connParams
const fo = forwardOpenRequest
const read: CipRequest = { _tag: "ReadTag", path: tagPath("SCADA", 0), elements: 1 }
const us = (request: CipRequest, routePath: ReadonlyArray<Segment>): CipRequest =>
  ({ _tag: "UnconnectedSend", path: [cls(6), ins(1)], priorityTimeTick: 5, timeoutTicks: 157, request, routePath })

describe("Forward Open / Forward Close", () => {
  it("opens a connection (sim.forward_open), finds it by O→T id, and closes it", () => {
    let t = 1_000_000
    const f = fixture(["SCADA=INT[10]"], { now: () => t })
    const r = f.sync(fo(), 504, 77)
    if (r._tag !== "ForwardOpen") throw new Error(r._tag)
    expect(r).toMatchObject({ service: 0xd4, status: 0, toConnectionId: 0xffffffff, connectionSerial: 0x0101, originatorVendor: 0x1234, originatorSerial: 1, otApi: 2_000_000, toApi: 2_000_000 })
    expect(r.otConnectionId).not.toBe(0)
    const c = f.ctl.lookupConnection(r.otConnectionId)!
    expect(c).toMatchObject({ session: 77, toConnectionId: 0xffffffff, maxReply: 508, timeoutMs: 8000 })
    // duplicate triple
    expect(f.sync(fo())).toMatchObject({ _tag: "ForwardOpenFailed", status: 0x01, extStatus: [0x0100] })
    t += 7000
    c.touch()
    t += 7000
    expect(f.ctl.lookupConnection(r.otConnectionId)).toBeDefined()
    const closing = { _tag: "ForwardClose", path: [cls(6), ins(1)], priorityTimeTick: 5, timeoutTicks: 157, connectionSerial: 0x0101, originatorVendor: 0x1234, originatorSerial: 1, connectionPath: [port(1, 0), cls(2), ins(1)] } as const
    // Only the session that opened it may close it (another gets 0x0F, privilege violation).
    expect(f.sync(closing, 504, 78)).toMatchObject({ _tag: "ForwardOpenFailed", service: 0xce, status: 0x0f, extStatus: [] })
    const close = f.sync(closing, 504, 77)
    expect(close).toMatchObject({ _tag: "ForwardClose", service: 0xce, status: 0, connectionSerial: 0x0101 })
    expect(f.ctl.lookupConnection(r.otConnectionId)).toBeUndefined()
    expect(f.sync({ _tag: "ForwardClose", path: [cls(6), ins(1)], priorityTimeTick: 5, timeoutTicks: 157, connectionSerial: 0x0101, originatorVendor: 0x1234, originatorSerial: 1, connectionPath: [] }, 504, 77))
      .toMatchObject({ _tag: "ForwardOpenFailed", service: 0xce, status: 0x01, extStatus: [0x0107] })
  })

  it("times out after RPI × (4 << multiplier) without traffic; expire and closeSession sweep", () => {
    let t = 0
    const f = fixture([], { now: () => t })
    const a = f.sync(fo({ timeoutMultiplier: 1, otRpi: 100_000 }), 504, 1) // 100 ms × 8 = 800 ms
    const b = f.sync(fo({ connectionSerial: 2 }), 504, 2)
    const c = f.sync(fo({ connectionSerial: 3 }), 504, 2)
    if (a._tag !== "ForwardOpen" || b._tag !== "ForwardOpen" || c._tag !== "ForwardOpen") throw new Error("open failed")
    t = 801
    expect(f.ctl.lookupConnection(a.otConnectionId)).toBeUndefined()
    f.ctl.closeSession(2)
    expect(f.ctl.connections()).toEqual([])
    const d = f.sync(fo({ connectionSerial: 4 }), 504, 3)
    if (d._tag !== "ForwardOpen") throw new Error(d._tag)
    t += 8001
    expect(f.ctl.expire(t).map((x) => x.otConnectionId)).toEqual([d.otConnectionId])
  })

  it("Large Forward Open accepts up to 4002 bytes; rejects bad sizes, paths, classes and too many connections", () => {
    const f = fixture([], { maxConnections: 2 })
    const big = f.sync(fo({ large: true, otParams: params(4002), toParams: params(4002) }))
    expect(big).toMatchObject({ _tag: "ForwardOpen", service: 0xdb, large: true })
    if (big._tag === "ForwardOpen") expect(f.ctl.lookupConnection(big.otConnectionId)?.maxReply).toBe(4000)
    expect(f.sync(fo({ large: true, connectionSerial: 9, toParams: params(4003) }))).toMatchObject({ _tag: "ForwardOpenFailed", service: 0xdb, extStatus: [0x0109] })
    expect(f.sync(fo({ connectionSerial: 9, toParams: params(600) }))).toMatchObject({ extStatus: [0x0109] })
    expect(f.sync(fo({ connectionSerial: 9, connectionPath: [port(1, 3), cls(2), ins(1)] }))).toMatchObject({ extStatus: [0x0312] })
    expect(f.sync(fo({ connectionSerial: 9, connectionPath: [port(1, 0), cls(1), ins(1)] }))).toMatchObject({ extStatus: [0x0315] })
    expect(f.sync(fo({ connectionSerial: 9, transportClassTrigger: 0x01 }))).toMatchObject({ extStatus: [0x0103] })
    expect(f.sync(fo({ connectionSerial: 10, connectionPath: [cls(2), ins(1)] }))).toMatchObject({ _tag: "ForwardOpen" })
    expect(f.sync(fo({ connectionSerial: 11 }))).toMatchObject({ extStatus: [0x0113] })
  })
})

describe("Unconnected Send and routing", () => {
  it("routes an embedded request along the configured route path (default 1/0)", () => {
    const f = fixture(["SCADA=INT[10]"])
    Effect.runSync(f.store.write("SCADA", 0, [42]))
    expect(bytes(f.sync(us(read, [port(1, 0)])))).toEqual([42, 0])
    expect(f.sync(read)).toMatchObject({ _tag: "ReadTag", status: 0 }) // a simple (unrouted) request is accepted too
    expect(f.sync(us(read, [port(1, 3)]))).toMatchObject({ _tag: "Error", service: 0xd2, status: 0x01, extStatus: [0x0312] })
    expect(f.sync(us(read, [port(2, 0)]))).toMatchObject({ extStatus: [0x0311] })
    expect(f.sync(us(read, [port(1, 0), port(2, "10.0.0.1")]))).toMatchObject({ extStatus: [0x0311] })
  })

  it("simple mode accepts no routing; a custom route path is honoured", () => {
    const s = fixture(["SCADA=INT[10]"], { routePath: "simple" })
    expect(s.sync(us(read, [port(1, 0)]))).toMatchObject({ status: 0x01, extStatus: [0x0311] })
    expect(s.sync(read)).toMatchObject({ status: 0 })
    expect(s.sync({ _tag: "GetAttributesAll", path: [cls(1), ins(1)] })).toMatchObject({ status: 0 })
    expect(s.sync(fo())).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0311] })
    const r = fixture(["SCADA=INT[10]"], { routePath: [port(1, 0), port(2, "10.0.0.1")] })
    expect(r.sync(us(read, [port(1, 0), port(2, "10.0.0.1")]))).toMatchObject({ status: 0 })
    expect(r.sync(us(read, [port(1, 0)]))).toMatchObject({ extStatus: [0x0312] })
  })
})

describe("Multiple Service Packet", () => {
  it("answers each embedded request; 0x1E when any failed (sim.multiple_service_packet)", () => {
    const f = fixture(["SCADA=INT[10]", "FLOAT=REAL", "Tag=DINT[5]"])
    Effect.runSync(f.store.write("SCADA", 0, [0, 99]))
    Effect.runSync(f.store.write("FLOAT", 0, [2.25]))
    const msp: CipRequest = {
      _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [
        { _tag: "ReadTag", path: tagPath("SCADA", 0), elements: 2 },
        { _tag: "ReadTag", path: tagPath("FLOAT"), elements: 1 },
        { _tag: "WriteTag", path: tagPath("Tag", 2), type: { code: CipType.DINT }, elements: 1, data: Uint8Array.of(0x39, 0x30, 0, 0) },
        { _tag: "ReadTag", path: tagPath("Tag", 2), elements: 1 },
        { _tag: "ReadTag", path: tagPath("NOSUCHTAG"), elements: 1 }
      ]
    }
    const r = f.sync(us(msp, [port(1, 0)]))
    if (r._tag !== "MultipleServicePacket") throw new Error(r._tag)
    expect(r).toMatchObject({ service: 0x8a, status: 0x1e })
    expect(r.replies.map((x) => [x.service, x.status, x.extStatus])).toEqual([[0xcc, 0, []], [0xcc, 0, []], [0xcd, 0, []], [0xcc, 0, []], [0xcc, 5, [0]]])
    expect(bytes(r.replies[0]!)).toEqual(Array.from(le16(0, 99)))
    expect(bytes(r.replies[1]!)).toEqual([0, 0, 0x10, 0x40])
    expect(bytes(r.replies[3]!)).toEqual([0x39, 0x30, 0, 0])
    const ok = f.sync({ ...msp, requests: msp.requests.slice(0, 2) } as CipRequest)
    expect(ok).toMatchObject({ status: 0 })
  })

  it("shares the reply size among embedded replies", () => {
    const f = fixture(["A=DINT[100]", "B=DINT[100]"])
    const r = f.sync({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [
      { _tag: "ReadTag", path: tagPath("A", 0), elements: 100 },
      { _tag: "ReadTag", path: tagPath("B", 0), elements: 100 }
    ] }, 504)
    if (r._tag !== "MultipleServicePacket") throw new Error(r._tag)
    expect(r.replies[0]!.status).toBe(0)
    expect(r.replies[1]!.status).toBe(0x06)
    const total = 4 + 2 + 4 + r.replies.reduce((n, x) => n + 4 + 2 + bytes(x).length, 0)
    expect(total).toBeLessThanOrEqual(504)
  })
})

describe("Multiple Service Packet: the reply size is settled before anything runs", () => {
  // Was a finding: the reply size was checked after the embedded requests ran, so a read of 300 INTs
  // followed by a write of DINTS[0] = -777 was answered 0x11 (reply too large) although the write
  // had happened (DINTS[0] was -777, history had the write). The bytes are the probe's.
  it("the probe's packet: the read is cut (0x06), the write is answered OK, and it happened", () => {
    const f = fixture(["SCADA=INT[1000]", "DINTS=DINT[10]"])
    const raw = Uint8Array.from([
      0x0a, 0x02, 0x20, 0x02, 0x24, 0x01, 0x02, 0x00, 0x06, 0x00, 0x12, 0x00,
      0x4c, 0x04, 0x91, 0x05, ...Buffer.from("SCADA"), 0x00, 0x2c, 0x01,
      0x4d, 0x05, 0x91, 0x05, ...Buffer.from("DINTS"), 0x00, 0x28, 0x00, 0xc4, 0x00, 0x01, 0x00, 0xf7, 0xfc, 0xff, 0xff
    ])
    const req = Either.getOrThrow(decodeRequest(raw))
    const r = f.sync(req, 504)
    if (r._tag !== "MultipleServicePacket") throw new Error(`${r._tag} status ${r.status}`)
    expect(r.status).toBe(0)
    expect(r.replies.map((x) => [x.service, x.status])).toEqual([[0xcc, 0x06], [0xcd, 0]])
    expect(encodeReply(r).length).toBeLessThanOrEqual(504)
    expect(bytes(r.replies[0]!).length).toBe(504 - (4 + 2 + 2 * 2) - 4 - (4 + 2)) // what is left after the write's 4 bytes
    expect(Effect.runSync(f.store.read("DINTS", 0, 1))).toEqual([-777])
  })

  it("a packet whose smallest replies cannot fit is refused with 0x11 before anything runs", () => {
    const f = fixture(["DINTS=DINT[200]"])
    const writes: Array<CipRequest> = Array.from({ length: 90 }, (_, i) =>
      ({ _tag: "WriteTag", path: tagPath("DINTS", i), type: { code: CipType.DINT }, elements: 1, data: Uint8Array.of(1, 0, 0, 0) }))
    // 4 + 2 + 90 × (2 + 4) = 546 > 504
    expect(f.sync({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: writes }, 504)).toMatchObject({ _tag: "Error", status: 0x11 })
    expect(Effect.runSync(f.store.read("DINTS")).every((v) => v === 0)).toBe(true)
  })

  it("property: every reply fits, and a write answered OK happened while a write answered with an error did not", () => {
    type Item = { readonly kind: "read"; readonly n: number } | { readonly kind: "write"; readonly value: number } | { readonly kind: "attrs" } | { readonly kind: "open" }
    const item: fc.Arbitrary<Item> = fc.oneof(
      fc.record({ kind: fc.constant("read" as const), n: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant("write" as const), value: fc.integer({ min: 1, max: 0x7fffffff }) }),
      fc.constant({ kind: "attrs" as const }),
      fc.constant({ kind: "open" as const })
    )
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), fc.integer({ min: 60, max: 700 }), (items, maxReply) => {
      const f = fixture(["SCADA=INT[1000]", "DINTS=DINT[64]"])
      let serial = 1
      const requests: Array<CipRequest> = items.map((it, i) =>
        it.kind === "read" ? { _tag: "ReadTag", path: tagPath("SCADA", 0), elements: it.n }
        : it.kind === "write" ? { _tag: "WriteTag", path: tagPath("DINTS", i), type: { code: CipType.DINT }, elements: 1, data: Uint8Array.from(Buffer.from(Int32Array.of(it.value).buffer)) }
        : it.kind === "attrs" ? { _tag: "GetAttributesAll", path: [cls(1), ins(1)] }
        : fo({ connectionSerial: serial++ }))
      const r = f.sync({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests }, maxReply)
      expect(encodeReply(r).length).toBeLessThanOrEqual(maxReply)
      const dints = Effect.runSync(f.store.read("DINTS"))
      if (r._tag !== "MultipleServicePacket") {
        // Refused before anything ran: nothing written, nothing opened.
        expect(r.status).toBe(0x11)
        expect(dints.every((v) => v === 0)).toBe(true)
        expect(f.ctl.connections()).toHaveLength(0)
        return
      }
      items.forEach((it, i) => {
        const reply = r.replies[i]!
        if (it.kind === "write") expect(dints[i]).toBe(reply.status === 0 ? it.value : 0)
      })
      expect(f.ctl.connections()).toHaveLength(r.replies.filter((x) => x._tag === "ForwardOpen" && x.status === 0).length)
    }), { numRuns: numRuns(200) })
  })
})

describe("Controller robustness and layers", () => {
  it("unknown services get 0x08; never throws", () => {
    const f = fixture(["SCADA=INT[10]"])
    expect(f.sync({ _tag: "Generic", path: [cls(2), ins(1)], service: 0x4b, data: new Uint8Array(0) })).toEqual({ _tag: "Error", service: 0xcb, status: 0x08, extStatus: [], data: new Uint8Array(0) })
    const weird = { _tag: "ReadTag", path: null, elements: 1 } as unknown as CipRequest
    expect(f.sync(weird)).toMatchObject({ _tag: "Error", service: 0xcc, status: 0xff })
    expect(f.sync({ _tag: "ReadTag", path: [sym("SCADA"), { _tag: "Element", index: 1 }, { _tag: "Element", index: 2 }], elements: 1 })).toMatchObject({ status: 0x05 })
    expect(f.sync({ ...fo(), path: [cls(2), ins(1)] })).toMatchObject({ status: 0x05 })
  })

  it.effect("returns an Effect only when an asynchronous Attribute is touched; a session keeps working after errors", () => Effect.gen(function* () {
    const slow = {
      type: "DINT" as const, count: 2,
      read: (start: number, n: number) => Effect.succeed(Array.from({ length: n }, (_, i) => 1000 + start + i)).pipe(Effect.zipLeft(Effect.yieldNow())),
      write: () => Effect.void
    }
    const ctl = yield* Controller.pipe(
      Effect.provide(Controller.layer()),
      Effect.provide(TagStore.layer(["FAST=DINT[2]", "SLOW=DINT[2]"])),
      Effect.provide(AttributeFactory.layer((s) => (s.name === "SLOW" ? slow : undefined)))
    )
    const ctx = { session: 1, maxReply: 504 }
    const fast = ctl.handle({ _tag: "ReadTag", path: tagPath("FAST", 0), elements: 2 }, ctx)
    expect(Effect.isEffect(fast)).toBe(false)
    const r = ctl.handle({ _tag: "ReadTag", path: tagPath("SLOW", 1), elements: 1 }, ctx)
    expect(Effect.isEffect(r)).toBe(true)
    const reply = yield* (r as Effect.Effect<CipReply>)
    expect(bytes(reply)).toEqual([0xe9, 0x03, 0, 0])
    const msp = ctl.handle({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [
      { _tag: "ReadTag", path: tagPath("FAST", 0), elements: 1 }, { _tag: "ReadTag", path: tagPath("SLOW", 0), elements: 2 }, { _tag: "ReadTag", path: tagPath("NOPE"), elements: 1 }
    ] }, ctx)
    expect(Effect.isEffect(msp)).toBe(true)
    const m = yield* (msp as Effect.Effect<CipReply>)
    if (m._tag !== "MultipleServicePacket") throw new Error(m._tag)
    expect(m.replies.map((x) => x.status)).toEqual([0, 0, 5])
    expect(bytes(m.replies[1]!)).toEqual([0xe8, 0x03, 0, 0, 0xe9, 0x03, 0, 0])
    const after = ctl.handle({ _tag: "ReadTag", path: tagPath("FAST", 0), elements: 1 }, ctx)
    expect(after).toMatchObject({ status: 0 })
    // A packet of reads encoded at once answers with views of the tags, but one that goes on in an
    // Effect keeps what its reads saw: FAST[0] written while SLOW is read does not show in it.
    const write = (value: number): CipRequest => ({ _tag: "WriteTag", path: tagPath("FAST", 0), type: { code: CipType.DINT }, elements: 1, data: Uint8Array.of(value, 0, 0, 0) })
    expect(ctl.handle(write(5), ctx)).toMatchObject({ status: 0 })
    const reads = ctl.handle({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [
      { _tag: "ReadTagFragmented", path: tagPath("FAST", 0), elements: 1, offset: 0 }, { _tag: "ReadTag", path: tagPath("SLOW", 0), elements: 1 },
      { _tag: "ReadTag", path: tagPath("FAST", 0), elements: 2 }
    ] }, { ...ctx, encodedAtOnce: true })
    expect(Effect.isEffect(reads)).toBe(true)
    expect(ctl.handle(write(6), ctx)).toMatchObject({ status: 0 })
    const seen = yield* (reads as Effect.Effect<CipReply>)
    if (seen._tag !== "MultipleServicePacket") throw new Error(seen._tag)
    expect(seen.replies.map(bytes)).toEqual([[5, 0, 0, 0], [0xe8, 0x03, 0, 0], [6, 0, 0, 0, 0, 0, 0, 0]])
    // All synchronous: the values as read.
    const now = ctl.handle({ _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [
      { _tag: "ReadTag", path: tagPath("FAST", 0), elements: 1 }, { _tag: "ReadTagFragmented", path: tagPath("FAST", 1), elements: 1, offset: 0 }
    ] }, { ...ctx, encodedAtOnce: true }) as CipReply
    if (now._tag !== "MultipleServicePacket") throw new Error(now._tag)
    expect(now.replies.map(bytes)).toEqual([[6, 0, 0, 0], [0, 0, 0, 0]])
  }))
})
