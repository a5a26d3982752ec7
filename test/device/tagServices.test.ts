import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { bytes, cls, el, fixture, ins, le16, sym, tagPath } from "./helpers.js"

const INT = { code: CipType.INT }

describe("Read Tag", () => {
  it("reads elements, scalars and program-scoped tags", () => {
    const f = fixture(["SCADA=INT[10]", "FLOAT=REAL", "Program:Main.Speed=DINT", "Name=STRING"])
    Effect.runSync(f.store.write("SCADA", 0, [0, 1, 2, 3]))
    const r = f.sync({ _tag: "ReadTag", path: tagPath("scada", 0), elements: 4 })
    expect(r).toMatchObject({ _tag: "ReadTag", service: 0xcc, status: 0, type: INT })
    expect(bytes(r)).toEqual(Array.from(le16(0, 1, 2, 3)))
    Effect.runSync(f.store.write("FLOAT", 0, [1.5]))
    expect(bytes(f.sync({ _tag: "ReadTag", path: tagPath("FLOAT"), elements: 1 }))).toEqual([0, 0, 0xc0, 0x3f])
    Effect.runSync(f.store.write("Program:Main.Speed", 0, [-2]))
    const p = f.sync({ _tag: "ReadTag", path: [sym("Program:Main"), sym("speed")], elements: 1 })
    expect(p).toMatchObject({ status: 0, type: { code: CipType.DINT } })
    expect(bytes(p)).toEqual([0xfe, 0xff, 0xff, 0xff])
    Effect.runSync(f.store.write("Name", 0, ["Hi"]))
    const s = f.sync({ _tag: "ReadTag", path: tagPath("NAME"), elements: 1 })
    expect(s).toMatchObject({ status: 0, type: { code: 0x02a0, handle: 0x0fce } })
    expect(bytes(s).slice(0, 6)).toEqual([2, 0, 0, 0, 0x48, 0x69])
    expect(bytes(s).length).toBe(88)
  })

  it("addresses tags by Symbol instance and by attribute placement", () => {
    const f = fixture(["A=INT[3]", "Motor@0x93/3/10=REAL"])
    Effect.runSync(f.store.write("A", 2, [7]))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [cls(0x6b), ins(1), el(2)], elements: 1 }))).toEqual([7, 0])
    expect(f.sync({ _tag: "ReadTag", path: [cls(0x93), ins(3), { _tag: "Attribute", id: 10 }], elements: 1 })).toMatchObject({ status: 0, type: { code: CipType.REAL } })
  })

  it("answers the Logix error statuses", () => {
    const f = fixture(["SCADA=INT[10]"])
    expect(f.sync({ _tag: "ReadTag", path: tagPath("NOPE"), elements: 1 })).toMatchObject({ _tag: "Error", service: 0xcc, status: 0x05, extStatus: [0] })
    expect(f.sync({ _tag: "ReadTag", path: [], elements: 1 })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "ReadTag", path: [el(1)], elements: 1 })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "ReadTag", path: tagPath("SCADA", 20), elements: 1 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "ReadTag", path: tagPath("SCADA", 5), elements: 10 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
  })

  it("returns status 0x06 with the whole elements that fit the reply size", () => {
    const f = fixture(["BIG=DINT[300]"])
    Effect.runSync(f.store.write("BIG", 0, Array.from({ length: 300 }, (_, i) => i)))
    const r = f.sync({ _tag: "ReadTag", path: tagPath("BIG", 0), elements: 300 }, 504)
    expect(r).toMatchObject({ _tag: "ReadTag", status: 0x06 })
    // 504 - 4 header - 2 type = 498 → 124 DINTs
    expect(bytes(r).length).toBe(496)
    expect(new DataView(Uint8Array.from(bytes(r)).buffer).getInt32(123 * 4, true)).toBe(123)
    expect(f.sync({ _tag: "ReadTag", path: tagPath("BIG", 0), elements: 300 }, 4000)).toMatchObject({ status: 0 })
  })

  it("returns a forced error", () => {
    const f = fixture(["BROKEN=INT"])
    Effect.runSync(f.store.setError("BROKEN", { status: 0x08 }))
    expect(f.sync({ _tag: "ReadTag", path: tagPath("BROKEN"), elements: 1 })).toMatchObject({ _tag: "Error", status: 0x08, extStatus: [] })
  })
})

describe("Read Tag Fragmented", () => {
  it("reads from a byte offset and continues large reads", () => {
    const f = fixture(["SCADA=INT[10]", "BIG=INT[1000]"])
    Effect.runSync(f.store.write("SCADA", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    const r = f.sync({ _tag: "ReadTagFragmented", path: tagPath("SCADA", 0), elements: 10, offset: 4 })
    expect(r).toMatchObject({ _tag: "ReadTagFragmented", service: 0xd2, status: 0, type: INT })
    expect(bytes(r)).toEqual(Array.from(le16(2, 3, 4, 5, 6, 7, 8, 9)))
    Effect.runSync(f.store.write("BIG", 0, Array.from({ length: 1000 }, (_, i) => i)))
    const got: Array<number> = []
    let offset = 0
    for (let guard = 0; guard < 20; guard++) {
      const part = f.sync({ _tag: "ReadTagFragmented", path: tagPath("BIG", 0), elements: 1000, offset }, 504)
      got.push(...bytes(part))
      offset += bytes(part).length
      if (part.status === 0) break
      expect(part.status).toBe(0x06)
    }
    expect(offset).toBe(2000)
    const dv = new DataView(Uint8Array.from(got).buffer)
    expect([dv.getInt16(0, true), dv.getInt16(998 * 2, true), dv.getInt16(999 * 2, true)]).toEqual([0, 998, 999])
    expect(f.sync({ _tag: "ReadTagFragmented", path: tagPath("SCADA", 0), elements: 10, offset: 20 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "ReadTagFragmented", path: tagPath("SCADA", 5), elements: 10, offset: 0 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
  })
})

describe("read replies encoded at once (encodedAtOnce)", () => {
  const readX = (index: number, fragmented: boolean): CipRequest =>
    fragmented ? { _tag: "ReadTagFragmented", path: tagPath("X", index), elements: 1, offset: 0 } : { _tag: "ReadTag", path: tagPath("X", index), elements: 1 }
  const writeX = (index: number, value: number): CipRequest =>
    ({ _tag: "WriteTag", path: tagPath("X", index), type: { code: CipType.DINT }, elements: 1, data: Uint8Array.of(value, 0, 0, 0) })
  const at = (f: ReturnType<typeof fixture>, req: CipRequest, encodedAtOnce?: boolean): CipReply => {
    const r = f.ctl.handle(req, { session: 1, maxReply: 504, encodedAtOnce })
    if (Effect.isEffect(r)) throw new Error("expected a synchronous reply")
    return r
  }

  it.each([false, true])("answer the value at the time of the read; a Multiple Service Packet's replies stay as read (fragmented: %s)", (fragmented) => {
    const f = fixture(["X=DINT[4]"])
    Effect.runSync(f.store.write("X", 0, [1, 2]))
    expect(bytes(at(f, readX(1, fragmented), true))).toEqual([2, 0, 0, 0])
    // Read, write, read the same element in one packet: the first read answers the old value
    // although its reply is encoded after the write ran.
    const m = at(f, { _tag: "MultipleServicePacket", path: [cls(2), ins(1)], requests: [readX(0, fragmented), writeX(0, 7), readX(0, fragmented)] }, true)
    if (m._tag !== "MultipleServicePacket") throw new Error(m._tag)
    expect(m.replies.map(bytes)).toEqual([[1, 0, 0, 0], [], [7, 0, 0, 0]])
    // Without encodedAtOnce a reply kept is not changed by a later write.
    const kept = at(f, readX(1, fragmented))
    at(f, writeX(1, 9))
    expect(bytes(kept)).toEqual([2, 0, 0, 0])
  })

  it.effect("are still reported to a sink listening to reads", () => Effect.gen(function* () {
    const f = fixture(["X=DINT[4]"])
    const seen: Array<unknown> = []
    yield* f.store.addSink((e) => { seen.push([e.kind, e.start, e.values]) })
    Effect.runSync(f.store.write("X", 2, [3]))
    const kept = at(f, readX(2, true), true)
    at(f, writeX(2, 5))
    expect(bytes(kept)).toEqual([3, 0, 0, 0])
    expect(seen).toEqual([["write", 2, [3]], ["read", 2, [3]], ["write", 2, [5]]])
  }).pipe(Effect.scoped))
})

describe("Write Tag", () => {
  it("writes elements atomically and checks the type", () => {
    const f = fixture(["SCADA=INT[10]", "FLOAT=REAL"])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("SCADA", 1), type: INT, elements: 2, data: le16(99, 100) })).toEqual({ _tag: "WriteTag", service: 0xcd, status: 0, extStatus: [] })
    expect(Effect.runSync(f.store.read("SCADA", 0, 4))).toEqual([0, 99, 100, 0])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("SCADA", 0), type: { code: CipType.REAL }, elements: 1, data: new Uint8Array(4) })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(f.sync({ _tag: "WriteTag", path: tagPath("SCADA", 9), type: INT, elements: 2, data: le16(1, 2) })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(Effect.runSync(f.store.read("SCADA", 9, 1))).toEqual([0])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("SCADA", 0), type: INT, elements: 2, data: le16(1) })).toMatchObject({ status: 0x13 })
    // Bytes after the elements' data are ignored, as a ControlLogix ignores them.
    expect(f.sync({ _tag: "WriteTag", path: tagPath("SCADA", 0), type: INT, elements: 1, data: le16(1, 2) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("SCADA", 0, 2))).toEqual([1, 99])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("NOPE"), type: INT, elements: 1, data: le16(1) })).toMatchObject({ status: 0x05 })
    expect(f.sync({ _tag: "WriteTag", path: tagPath("FLOAT"), type: { code: CipType.REAL }, elements: 1, data: Uint8Array.of(0, 0, 0x10, 0x40) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("FLOAT"))).toEqual([2.25])
  })

  it("writes a Logix STRING structure", () => {
    const f = fixture(["Name=STRING"])
    const data = new Uint8Array(88)
    data.set([3, 0, 0, 0, 0x61, 0x62, 0x63])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("Name"), type: { code: 0x02a0, handle: 0x0fce }, elements: 1, data })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("Name"))).toEqual(["abc"])
    expect(f.sync({ _tag: "WriteTag", path: tagPath("Name"), type: { code: 0x02a0, handle: 0x1234 }, elements: 1, data })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
  })

  it("writes fragments at byte offsets, aligned or not", () => {
    const f = fixture(["SCADA=INT[10]"])
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 0), type: INT, elements: 10, offset: 8, data: le16(7, 8) })).toEqual({ _tag: "WriteTagFragmented", service: 0xd3, status: 0, extStatus: [] })
    expect(Effect.runSync(f.store.read("SCADA"))).toEqual([0, 0, 0, 0, 7, 8, 0, 0, 0, 0])
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 0), type: INT, elements: 10, offset: 1, data: Uint8Array.of(1, 2) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("SCADA", 0, 2))).toEqual([0x100, 2])
    // A fragment's bytes past the elements are ignored (libplctag pads an odd-length fragment).
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 0), type: INT, elements: 2, offset: 2, data: le16(1, 2) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("SCADA", 0, 3))).toEqual([0x100, 1, 0])
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 0), type: INT, elements: 2, offset: 4, data: le16(1) })).toMatchObject({ status: 0x15 })
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 5), type: INT, elements: 10, offset: 0, data: le16(1) })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("SCADA", 0), type: { code: CipType.DINT }, elements: 1, offset: 0, data: new Uint8Array(4) })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
  })
})

describe("Read-Modify-Write Tag", () => {
  it("sets and clears bits with OR and AND masks", () => {
    const f = fixture(["BITS=DINT[2]", "F=REAL"])
    Effect.runSync(f.store.write("BITS", 1, [0x0f0f]))
    const r = f.sync({ _tag: "ReadModifyWriteTag", path: tagPath("BITS", 1), orMask: Uint8Array.of(0xf0, 0, 0, 0), andMask: Uint8Array.of(0xff, 0xfe, 0xff, 0xff) })
    expect(r).toEqual({ _tag: "ReadModifyWriteTag", service: 0xce, status: 0, extStatus: [] })
    expect(Effect.runSync(f.store.read("BITS"))).toEqual([0, 0x0eff])
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: tagPath("F"), orMask: Uint8Array.of(1, 0), andMask: Uint8Array.of(0xff, 0xff) })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: tagPath("BITS", 0), orMask: Uint8Array.of(1, 0, 0), andMask: Uint8Array.of(0xff, 0xff, 0xff) })).toMatchObject({ status: 0x20 })
  })
})

describe("Logix STRING members (S.LEN, S.DATA[i])", () => {
  it("reads and writes LEN and DATA of scalars and array elements", () => {
    const f = fixture(["S=STRING", "Names=STRING[3]", "N=INT"])
    Effect.runSync(f.store.write("S", 0, ["Hello"]))
    const len = f.sync({ _tag: "ReadTag", path: [sym("S"), sym("LEN")], elements: 1 })
    expect(len).toMatchObject({ _tag: "ReadTag", status: 0, type: { code: CipType.DINT } })
    expect(bytes(len)).toEqual([5, 0, 0, 0])
    const data = f.sync({ _tag: "ReadTag", path: [sym("s"), sym("data"), el(1)], elements: 3 })
    expect(data).toMatchObject({ status: 0, type: { code: CipType.SINT } })
    expect(String.fromCharCode(...bytes(data))).toBe("ell")
    // pylogix-style string write: DATA then LEN
    expect(f.sync({ _tag: "WriteTag", path: [sym("Names"), el(2), sym("DATA"), el(0)], type: { code: CipType.SINT }, elements: 2, data: Uint8Array.of(0x4f, 0x4b) })).toMatchObject({ _tag: "WriteTag", status: 0 })
    expect(f.sync({ _tag: "WriteTag", path: [sym("Names"), el(2), sym("LEN")], type: { code: CipType.DINT }, elements: 1, data: Uint8Array.of(2, 0, 0, 0) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("Names"))).toEqual(["", "", "OK"])
    const frag = f.sync({ _tag: "ReadTagFragmented", path: [sym("S"), sym("DATA")], elements: 82, offset: 1 }, 20)
    expect(frag).toMatchObject({ _tag: "ReadTagFragmented", status: 0x06 })
    expect(String.fromCharCode(...bytes(frag))).toBe("ello" + "\0".repeat(10))
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: [sym("S"), sym("LEN")], orMask: Uint8Array.of(0), andMask: Uint8Array.of(0x01) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("S"))).toEqual(["H"])
  })

  // Was a finding: `TEXT.LEN` took any DINT (200, -5); afterwards our own client could not read
  // TEXT (Status 34), the page showed '' and history recorded empty arrays. A LEN outside 0..82 is
  // refused with 0x09 (invalid attribute value) and the string is left as it was.
  it("refuses a LEN outside 0..82, by member write, Read-Modify-Write or a whole-element write", () => {
    const f = fixture(["TEXT=STRING", "Names=STRING[2]"])
    Effect.runSync(f.store.write("TEXT", 0, ["Hello"]))
    const dint = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return b }
    for (const v of [200, -5, 83]) {
      expect(f.sync({ _tag: "WriteTag", path: [sym("TEXT"), sym("LEN")], type: { code: CipType.DINT }, elements: 1, data: dint(v) }))
        .toMatchObject({ _tag: "Error", service: 0xcd, status: 0x09, extStatus: [] })
    }
    // Setting the sign bit of LEN with Read-Modify-Write.
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: [sym("TEXT"), sym("LEN")], orMask: Uint8Array.of(0, 0, 0, 0x80), andMask: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }))
      .toMatchObject({ status: 0x09 })
    // A whole STRING element whose LEN says 200.
    const element = new Uint8Array(88); element.set(dint(200)); element[4] = 0x41
    expect(f.sync({ _tag: "WriteTag", path: tagPath("Names", 1), type: { code: 0x02a0, handle: 0x0fce }, elements: 1, data: element }))
      .toMatchObject({ status: 0x09 })
    expect(Effect.runSync(f.store.read("TEXT"))).toEqual(["Hello"])
    expect(Effect.runSync(f.store.read("Names"))).toEqual(["", ""])
    // The limits themselves are fine.
    expect(f.sync({ _tag: "WriteTag", path: [sym("TEXT"), sym("LEN")], type: { code: CipType.DINT }, elements: 1, data: dint(82) })).toMatchObject({ status: 0 })
    expect(f.sync({ _tag: "WriteTag", path: [sym("TEXT"), sym("LEN")], type: { code: CipType.DINT }, elements: 1, data: dint(0) })).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("TEXT"))).toEqual([""])
  })

  it("rejects unknown members, members of atomic tags, out-of-range and mistyped member access", () => {
    const f = fixture(["S=STRING", "N=INT"])
    expect(f.sync({ _tag: "ReadTag", path: [sym("S"), sym("FOO")], elements: 1 })).toMatchObject({ status: 0x05 })
    expect(f.sync({ _tag: "ReadTag", path: [sym("N"), sym("LEN")], elements: 1 })).toMatchObject({ status: 0x05 })
    expect(f.sync({ _tag: "ReadTag", path: [sym("S"), sym("DATA"), el(80)], elements: 5 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "WriteTag", path: [sym("S"), sym("LEN")], type: { code: CipType.INT }, elements: 1, data: Uint8Array.of(1, 0) })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(f.sync({ _tag: "ReadTag", path: [sym("S"), sym("LEN"), el(1)], elements: 1 })).toMatchObject({ status: 0x05 })
  })
})
