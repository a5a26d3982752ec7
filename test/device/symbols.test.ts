/**
 * The Symbol object (0x6B) beyond the tag names and types: every attribute a client may ask for,
 * structure symbol types, the scoping of program tags, the paths and requests it refuses, and a
 * first entry too large for the reply.
 */
import { describe, expect, it } from "@effect/vitest"
import type { CipReply } from "../../src/cip/model.js"
import { att, bytes, cls, el, fixture, ins, sym } from "./helpers.js"

type F = ReturnType<typeof fixture>
const list = (f: F, path: ReturnType<typeof sym>[], attributes: ReadonlyArray<number>, maxReply = 504): CipReply =>
  f.sync({ _tag: "GetInstanceAttributeList", path, attributes }, maxReply)
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24]
const u16 = (n: number) => [n & 0xff, n >> 8]

describe("Symbol object attributes", () => {
  it("3 (address), 5 (object address), 6 (software control), 7 (byte count), 8 (dimensions), 10 (access), in the order asked", () => {
    const f = fixture(["A=DINT", "Program:P.X=INT[5]"])
    // A is instance 1; then X (2) in Program:P; the program symbol takes the next id (3)
    expect(bytes(list(f, [cls(0x6b), ins(0)], [3, 5, 6, 7, 8, 10]))).toEqual([
      ...u32(1), ...u32(0x100), ...u32(0), ...u32(1 << 26), ...u16(4), ...u32(0), ...u32(0), ...u32(0), 0,
      ...u32(3), ...u32(0x300), ...u32(0), ...u32(0), ...u16(0), ...u32(0), ...u32(0), ...u32(0), 0
    ])
    expect(bytes(list(f, [sym("program:p"), cls(0x6b), ins(0)], [10, 8, 7, 2]))).toEqual([
      ...u32(2), 0, ...u32(5), ...u32(0), ...u32(0), ...u16(2), ...u16(0x20c3)
    ])
    // the same attributes by Get Attribute Single on an instance
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(1)] }))).toEqual([...u16(11), ...Array.from("Program:P.X", (c) => c.charCodeAt(0))])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(3)] }))).toEqual(u32(0x200))
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(8)] }))).toEqual([...u32(5), ...u32(0), ...u32(0)])
    expect(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(4)] })).toMatchObject({ status: 0x14 })
    // not settable: the Symbol object is read-only
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(0x6b), ins(1), att(1)], data: Uint8Array.of(0) })).toMatchObject({ status: 0x14 })
  })

  it("structure tags have symbol type 0x8000 | template instance (bit 13 for arrays)", () => {
    const f = fixture(["M=Motor", "Ms=Motor[2]"], {}, ["Motor{Speed:REAL,Running:BOOL}"])
    const handle = f.store.types.byName("Motor")!.instance & 0x0fff
    expect(bytes(list(f, [cls(0x6b), ins(0)], [2, 7]))).toEqual([
      ...u32(1), ...u16(0x8000 | handle), ...u16(8),
      ...u32(2), ...u16(0xa000 | handle), ...u16(8)
    ])
  })
})

describe("Symbol object listing: scopes and refusals", () => {
  it("lists by instance id whatever the declaration order; each program symbol takes the next id", () => {
    const f = fixture(["Program:P.X=INT", "A=DINT", "Program:Q.Y=INT", "Program:P.Z=INT"])
    // tags are 1..4; the programs P and Q get 5 and 6, in the order they first appear
    expect(list(f, [cls(0x6b), ins(0)], [2])).toEqual({
      _tag: "Generic", service: 0xd5, status: 0, extStatus: [],
      data: Uint8Array.from([...u32(2), ...u16(0xc4), ...u32(5), ...u16(0x1068), ...u32(6), ...u16(0x1068)])
    })
    expect(bytes(list(f, [sym("Program:P"), cls(0x6b), ins(0)], [2]))).toEqual([...u32(1), ...u16(0xc3), ...u32(4), ...u16(0xc3)])
    expect(bytes(f.sync({ _tag: "GetAttributeSingle", path: [cls(0x6b), ins(2), att(7)] }))).toEqual(u16(4))
    expect(list(f, [], [2])).toMatchObject({ _tag: "Error", status: 0x04 })
  })

  it("lists from the instance asked (no instance: from the start); a later instance than any: an empty success", () => {
    const f = fixture(["A=DINT", "B=DINT", "C=DINT"])
    const ids = (r: CipReply) => { const b = bytes(r); const out = []; for (let p = 0; p < b.length; p += 4 + 2) out.push(b[p]); return out }
    expect(ids(list(f, [cls(0x6b)], [2]))).toEqual([1, 2, 3])
    expect(ids(list(f, [cls(0x6b), ins(2)], [2]))).toEqual([2, 3])
    expect(ids(list(f, [cls(0x6b), ins(3)], [2]))).toEqual([3])
    expect(list(f, [cls(0x6b), ins(4)], [2])).toMatchObject({ status: 0, data: new Uint8Array(0) })
  })

  it("refuses other paths (0x04), unknown programs (0x05), no attributes (0x13), an unknown attribute (0x14)", () => {
    const f = fixture(["A=DINT", "Program:P.X=INT"])
    expect(list(f, [cls(0x6b), ins(0), att(1)], [1])).toMatchObject({ service: 0xd5, status: 0x04 })
    expect(list(f, [cls(0x6b), el(0)], [1])).toMatchObject({ status: 0x04 })
    expect(list(f, [cls(0x6c), ins(0)], [1])).toMatchObject({ status: 0x04 })
    expect(list(f, [sym("Program:P")], [1])).toMatchObject({ status: 0x04 })
    expect(list(f, [sym("Program:Q"), cls(0x6b), ins(0)], [1])).toMatchObject({ status: 0x05, extStatus: [0] })
    expect(list(f, [sym("A"), cls(0x6b), ins(0)], [1])).toMatchObject({ status: 0x05 })
    expect(list(f, [cls(0x6b), ins(0)], [])).toMatchObject({ status: 0x13 })
    expect(list(f, [cls(0x6b), ins(0)], [2, 4])).toMatchObject({ status: 0x14 })
    expect(list(f, [cls(0x6b), ins(0)], [9])).toMatchObject({ status: 0x14 })
  })

  it("fills the reply exactly; a first entry too large for it is 0x11, not an empty page", () => {
    const f = fixture(["ABCD=DINT", "EFGH=DINT"])
    // each entry: id 4 + name 2+4 = 10 bytes; reply header 4
    expect(list(f, [cls(0x6b), ins(0)], [1], 4 + 20)).toMatchObject({ status: 0 })
    const one = list(f, [cls(0x6b), ins(0)], [1], 4 + 19)
    expect(one).toMatchObject({ status: 0x06 })
    expect(bytes(one)).toEqual([...u32(1), ...u16(4), 0x41, 0x42, 0x43, 0x44])
    expect(list(f, [cls(0x6b), ins(0)], [1], 4 + 10)).toMatchObject({ status: 0x06 })
    expect(list(f, [cls(0x6b), ins(0)], [1], 4 + 9)).toMatchObject({ _tag: "Error", status: 0x11 })
  })
})
