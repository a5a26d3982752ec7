/**
 * Tag services on structure members (src/device/members.ts): whole nested structures cut at 4-byte
 * multiples and continued by fragments, element ranges, fragment offsets, short and long data,
 * BOOL members as one bit of their host byte, and what Read-Modify-Write refuses.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import { bytes, el, fixture, sym } from "./helpers.js"

const UDTS = ["Motor{Speed:REAL,Running:BOOL,Stopped:BOOL,Faults:DINT[4],Name:STRING}", "Cell{Motors:Motor[3],Count:INT}"]
const make = () => fixture(["C=Cell", "M=Motor"], {}, UDTS)
const i32 = (x: number) => Array.from(new Uint8Array(Int32Array.of(x).buffer))
const DINT = { code: CipType.DINT }

describe("member reads", () => {
  it("a nested structure member too large for the reply is cut at a 4-byte multiple and continued by fragments", () => {
    const f = make()
    const motor = f.store.types.byName("Motor")!
    Effect.runSync(f.store.write("C", 0, [{ Motors: [0, 1, 2].map((k) => ({ Speed: k, Running: true, Stopped: false, Faults: [k, k, k, k], Name: `n${k}` })), Count: 1 }]))
    const whole = f.sync({ _tag: "ReadTag", path: [sym("C"), sym("Motors"), el(1)], elements: 1 })
    expect(whole).toMatchObject({ _tag: "ReadTag", status: 0, type: { code: CipType.STRUCT, handle: motor.handle } })
    expect(bytes(whole).length).toBe(motor.size)
    // reply 4 + type 4: 50 - 8 = 42 bytes of room → 40 (one Motor is larger than that)
    const first = f.sync({ _tag: "ReadTagFragmented", path: [sym("C"), sym("Motors"), el(1)], elements: 1, offset: 0 }, 50)
    expect(first).toMatchObject({ _tag: "ReadTagFragmented", service: 0xd2, status: 0x06 })
    expect(bytes(first)).toEqual(bytes(whole).slice(0, 40))
    const got = [...bytes(first)]
    for (let guard = 0; guard < 10 && got.length < motor.size; guard++) {
      const part = f.sync({ _tag: "ReadTagFragmented", path: [sym("C"), sym("Motors"), el(1)], elements: 1, offset: got.length }, 50)
      expect(part.status).toBe(got.length + bytes(part).length < motor.size ? 0x06 : 0)
      got.push(...bytes(part))
    }
    expect(got).toEqual(bytes(whole))
    // two whole Motors fit in 4 + 4 + 2 × size: whole elements, not a 4-byte cut
    const two = f.sync({ _tag: "ReadTag", path: [sym("C"), sym("Motors")], elements: 3 }, 8 + 2 * motor.size + 3)
    expect(two).toMatchObject({ status: 0x06 })
    expect(bytes(two).length).toBe(2 * motor.size)
  })

  it("element ranges and fragment offsets are checked against the member", () => {
    const f = make()
    Effect.runSync(f.store.write("M", 0, [{ Speed: 0, Running: false, Stopped: false, Faults: [1, 2, 3, 4], Name: "" }]))
    const read = (index: number, elements: number, offset?: number): CipRequest => offset === undefined
      ? { _tag: "ReadTag", path: [sym("M"), sym("Faults"), el(index)], elements }
      : { _tag: "ReadTagFragmented", path: [sym("M"), sym("Faults"), el(index)], elements, offset }
    expect(bytes(f.sync(read(2, 2)))).toEqual([...i32(3), ...i32(4)])
    expect(f.sync(read(2, 3))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync(read(0, 0))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(bytes(f.sync(read(0, 4, 12)))).toEqual(i32(4))
    expect(bytes(f.sync(read(0, 4, 15)))).toEqual([0])
    expect(f.sync(read(0, 4, 16))).toMatchObject({ _tag: "Error", service: 0xd2, status: 0xff, extStatus: [0x2105] })
    expect(f.sync(read(1, 1, 4))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
  })
})

describe("member writes", () => {
  it("Write Tag needs all the elements' bytes (0x13) and ignores bytes after them; fragments past the end are 0x15", () => {
    const f = make()
    const w = (index: number, elements: number, data: ReadonlyArray<number>, offset?: number): CipRequest => offset === undefined
      ? { _tag: "WriteTag", path: [sym("M"), sym("Faults"), el(index)], type: DINT, elements, data: Uint8Array.from(data) }
      : { _tag: "WriteTagFragmented", path: [sym("M"), sym("Faults"), el(index)], type: DINT, elements, offset, data: Uint8Array.from(data) }
    const faults = () => (Effect.runSync(f.store.read("M"))[0] as { Faults: Array<number> }).Faults
    expect(f.sync(w(1, 2, i32(5)))).toMatchObject({ status: 0x13 })
    expect(f.sync(w(1, 2, [...i32(5), ...i32(6), ...i32(7)]))).toEqual({ _tag: "WriteTag", service: 0xcd, status: 0 , extStatus: [] })
    expect(faults()).toEqual([0, 5, 6, 0])
    expect(f.sync(w(3, 2, [...i32(1), ...i32(1)]))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync(w(0, 0, []))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    // fragments: the second half of element 1 and the first of element 2, then past the end
    expect(f.sync(w(1, 2, [0xff, 0xff], 2))).toMatchObject({ _tag: "WriteTagFragmented", status: 0 })
    expect(faults()).toEqual([0, 5 | 0xffff0000, 6, 0].map((x) => x | 0))
    expect(f.sync(w(1, 2, [9, 0, 0, 0, 1, 2, 3, 4], 4))).toMatchObject({ status: 0 }) // bytes past element 2 ignored
    expect(faults()).toEqual([0, 5 | 0xffff0000, 9, 0].map((x) => x | 0))
    expect(f.sync(w(1, 2, [1], 8))).toMatchObject({ status: 0x15 })
    expect(f.sync({ _tag: "WriteTag", path: [sym("M"), sym("Faults")], type: { code: CipType.INT }, elements: 1, data: new Uint8Array(4) }))
      .toMatchObject({ status: 0xff, extStatus: [0x2107] })
  })

  it("a BOOL member is its own bit of the host byte: set and cleared without touching the others", () => {
    const f = make()
    const set = (member: string, v: number) => f.sync({ _tag: "WriteTag", path: [sym("M"), sym(member)], type: { code: CipType.BOOL }, elements: 1, data: Uint8Array.of(v) })
    const flags = () => { const m = Effect.runSync(f.store.read("M"))[0] as { Running: boolean; Stopped: boolean }; return [m.Running, m.Stopped] }
    expect(set("Stopped", 1)).toMatchObject({ status: 0 })
    expect(flags()).toEqual([false, true])
    expect(set("Running", 2)).toMatchObject({ status: 0 })
    expect(flags()).toEqual([true, true])
    expect(set("Stopped", 0)).toMatchObject({ status: 0 })
    expect(flags()).toEqual([true, false])
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("M"), sym("Running")], elements: 1 }))).toEqual([1])
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("M"), sym("Stopped")], elements: 1 }))).toEqual([0])
  })
})

describe("member Read-Modify-Write", () => {
  it("on an integer member element; refused on BOOLs, REALs, masks wider than the member, and past the member's end", () => {
    const f = make()
    const rmw = (path: CipRequest["path"], or: ReadonlyArray<number>, and: ReadonlyArray<number>) =>
      f.sync({ _tag: "ReadModifyWriteTag", path, orMask: Uint8Array.from(or), andMask: Uint8Array.from(and) })
    Effect.runSync(f.store.write("M", 0, [{ Speed: 1, Running: false, Stopped: false, Faults: [0x0f, 0x0f, 0, 0], Name: "" }]))
    expect(rmw([sym("M"), sym("Faults"), el(1)], [0x30, 0], [0xfe, 0xff])).toEqual({ _tag: "ReadModifyWriteTag", service: 0xce, status: 0, extStatus: [] })
    expect((Effect.runSync(f.store.read("M"))[0] as { Faults: Array<number> }).Faults).toEqual([0x0f, 0x3e, 0, 0])
    expect(rmw([sym("M"), sym("Faults"), el(3)], [1, 0, 0, 0], [0xff, 0xff, 0xff, 0xff])).toMatchObject({ status: 0 })
    expect(rmw([sym("M"), sym("Faults"), el(4)], [1], [0xff])).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(rmw([sym("M"), sym("Faults"), el(0)], [1, 0, 0, 0, 0, 0, 0, 0], new Array(8).fill(0xff))).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(rmw([sym("M"), sym("Running")], [1], [0xff])).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(rmw([sym("M"), sym("Speed")], [1], [0xff])).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect((Effect.runSync(f.store.read("M"))[0] as { Faults: Array<number>; Speed: number })).toMatchObject({ Faults: [0x0f, 0x3e, 0, 1], Speed: 1 })
  })
})
