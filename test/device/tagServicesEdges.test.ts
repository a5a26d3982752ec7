/**
 * The Logix tag services at their edges (src/device/tagServices.ts): unknown tags reported as
 * events, replies cut to whole elements, Read Tag Fragmented over fixed and variable-size
 * elements (SSTRING), fragments that do not start or end on an element, and Read-Modify-Write's
 * refusals.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import type { TagEvent } from "../../src/tags/events.js"
import { bytes, cls, el, fixture, ins, sym, tagPath } from "./helpers.js"

const DINT = { code: CipType.DINT }
const u8s = (...v: Array<number>) => Uint8Array.from(v)
const i32 = (...v: Array<number>) => Array.from(new Uint8Array(Int32Array.from(v).buffer))

describe("unknown tags and malformed paths", () => {
  it("every service answers an unknown tag 0x05/[0]; the store reports the name and elements asked, not a malformed path", () => {
    const f = fixture(["A=DINT[4]"])
    const reqs: Array<CipRequest> = [
      { _tag: "ReadTag", path: [sym("Nope"), el(3)], elements: 2 },
      { _tag: "ReadTagFragmented", path: [sym("Nope")], elements: 0, offset: 0 },
      { _tag: "WriteTag", path: [sym("Nope"), el(1)], type: DINT, elements: 1, data: u8s(1, 0, 0, 0) },
      { _tag: "WriteTagFragmented", path: [sym("X"), sym("Y")], type: DINT, elements: 5, offset: 0, data: u8s(1, 0, 0, 0) },
      { _tag: "ReadModifyWriteTag", path: [sym("Nope")], orMask: u8s(1), andMask: u8s(0xff) },
      { _tag: "ReadTag", path: [el(1)], elements: 1 } // malformed: no event
    ]
    const seen = Effect.runSync(Effect.scoped(Effect.gen(function* () {
      const q = yield* f.store.subscribe
      const replies = reqs.map((r) => f.sync(r))
      expect(replies.map((r) => [r._tag, r.status, r.extStatus])).toEqual([
        ["Error", 5, [0]], ["Error", 5, [0]], ["Error", 5, [0]], ["Error", 5, [0]], ["Error", 5, [0]], ["Error", 4, []]
      ])
      return (Array.from(yield* Queue.takeAll(q)) as Array<TagEvent>).map((e) => [e.name, e.kind, e.start, e.count])
    })))
    expect(seen).toEqual([["Nope", "error", 3, 2], ["Nope", "error", 0, 1], ["Nope", "error", 1, 1], ["X.Y", "error", 0, 5], ["Nope", "error", 0, 1]])
  })
})

describe("Read Tag and Read Tag Fragmented: what fits", () => {
  it("whole elements only: a reply that fits exactly is complete; one byte short drops an element", () => {
    const f = fixture(["A=DINT[4]"])
    Effect.runSync(f.store.write("A", 0, [1, 2, 3, 4]))
    // reply header 4 + type 2 + data
    expect(f.sync({ _tag: "ReadTag", path: tagPath("A", 0), elements: 4 }, 6 + 16)).toMatchObject({ status: 0 })
    const short = f.sync({ _tag: "ReadTag", path: tagPath("A", 0), elements: 4 }, 6 + 15)
    expect(short).toMatchObject({ status: 0x06 })
    expect(bytes(short)).toEqual(i32(1, 2, 3))
    expect(bytes(f.sync({ _tag: "ReadTag", path: tagPath("A", 1), elements: 2 }, 6 + 7))).toEqual(i32(2))
  })

  it("fragments from any byte offset, of whole elements' bytes; no room for one is 0x11", () => {
    const f = fixture(["A=DINT[4]"])
    Effect.runSync(f.store.write("A", 0, [0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d]))
    const frag = (start: number, elements: number, offset: number, maxReply = 504) =>
      f.sync({ _tag: "ReadTagFragmented", path: tagPath("A", start), elements, offset }, maxReply)
    expect(frag(0, 4, 2)).toEqual({ _tag: "ReadTagFragmented", service: 0xd2, status: 0, extStatus: [], type: DINT, data: u8s(3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16) })
    expect(bytes(frag(1, 2, 3))).toEqual([8, 9, 10, 11, 12])
    // room for 8 bytes (504 → 6 + 8): two elements' worth from offset 2, then the rest
    const a = frag(0, 4, 2, 6 + 8)
    expect(a).toMatchObject({ status: 0x06 })
    expect(bytes(a)).toEqual([3, 4, 5, 6, 7, 8, 9, 10])
    expect(frag(0, 4, 10, 6 + 8)).toMatchObject({ status: 0, data: u8s(11, 12, 13, 14, 15, 16) })
    expect(frag(0, 4, 0, 6 + 3)).toMatchObject({ _tag: "Error", service: 0xd2, status: 0x11 })
    expect(frag(0, 4, 16)).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(frag(3, 2, 0)).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(frag(0, 0, 0)).toMatchObject({ _tag: "Error", status: 0xff })
    expect(f.sync({ _tag: "ReadTagFragmented", path: [cls(0x6b), ins(1), el(4)], elements: 1, offset: 0 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
  })

  it("a forced error is the answer to fragmented reads and writes too", () => {
    const f = fixture(["A=DINT[4]"])
    Effect.runSync(f.store.setError("A", { status: 0x08 }))
    expect(f.sync({ _tag: "ReadTagFragmented", path: tagPath("A", 0), elements: 1, offset: 0 })).toMatchObject({ _tag: "Error", service: 0xd2, status: 0x08 })
    expect(f.sync({ _tag: "WriteTagFragmented", path: tagPath("A", 0), type: DINT, elements: 1, offset: 0, data: u8s(1, 0, 0, 0) })).toMatchObject({ _tag: "Error", service: 0xd3, status: 0x08 })
  })

  it("variable-size elements (SSTRING): fragments are cut from the whole read; written only whole", () => {
    const f = fixture(["S=SSTRING[2]"])
    Effect.runSync(f.store.write("S", 0, ["hello", "abc"]))
    const all = [5, ...Array.from("hello", (c) => c.charCodeAt(0)), 3, 0x61, 0x62, 0x63]
    const frag = (offset: number, maxReply = 504) => f.sync({ _tag: "ReadTagFragmented", path: tagPath("S", 0), elements: 2, offset }, maxReply)
    expect(frag(0)).toMatchObject({ status: 0, data: Uint8Array.from(all) })
    expect(frag(4)).toMatchObject({ status: 0, data: Uint8Array.from(all.slice(4)) })
    expect(frag(0, 6 + 5)).toMatchObject({ status: 0x06, data: Uint8Array.from(all.slice(0, 5)) })
    expect(frag(all.length)).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(frag(all.length + 1)).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    const type = { code: CipType.SSTRING }
    const w = (offset: number, data: ReadonlyArray<number>) => f.sync({ _tag: "WriteTagFragmented", path: tagPath("S", 1), type, elements: 1, offset, data: Uint8Array.from(data) })
    expect(w(1, [2, 0x68, 0x69])).toMatchObject({ status: 0xff, extStatus: [0x2104] })
    expect(w(0, [5, 0x68])).toMatchObject({ status: 0x13 })
    expect(w(0, [2, 0x68, 0x69, 0x99])).toEqual({ _tag: "WriteTagFragmented", service: 0xd3, status: 0, extStatus: [] })
    expect(Effect.runSync(f.store.read("S"))).toEqual(["hello", "hi"])
  })
})

describe("Write Tag Fragmented: partial elements", () => {
  it("bytes that do not start or end on an element change only those bytes", () => {
    const f = fixture(["A=DINT[4]"])
    Effect.runSync(f.store.write("A", 0, [0x11111111, 0x22222222, 0x33333333, 0x44444444]))
    const w = (start: number, elements: number, offset: number, data: ReadonlyArray<number>) =>
      f.sync({ _tag: "WriteTagFragmented", path: tagPath("A", start), type: DINT, elements, offset, data: Uint8Array.from(data) })
    expect(w(0, 4, 6, [0xaa, 0xbb, 0xcc])).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("A"))).toEqual([0x11111111, 0xbbaa2222 | 0, 0x333333cc, 0x44444444])
    expect(w(1, 3, 4, [1, 0, 0, 0, 2, 0, 0, 0])).toMatchObject({ status: 0 }) // whole elements from element 2
    expect(Effect.runSync(f.store.read("A"))).toEqual([0x11111111, 0xbbaa2222 | 0, 1, 2])
    expect(w(0, 4, 3, [0xff])).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("A", 0, 1))).toEqual([0xff111111 | 0])
    expect(w(0, 4, 0, [])).toMatchObject({ status: 0 })
    expect(w(0, 0, 0, [1, 0, 0, 0])).toMatchObject({ _tag: "Error", status: 0xff })
    expect(w(2, 3, 0, i32(1, 2, 3))).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(Effect.runSync(f.store.read("A"))).toEqual([0xff111111 | 0, 0xbbaa2222 | 0, 1, 2])
  })
})

describe("Read-Modify-Write Tag refusals", () => {
  it("masks of 1, 2, 4 or 8 bytes, both the same width, no wider than the tag's integer", () => {
    const f = fixture(["I=INT", "L=LINT", "B=SINT"])
    const rmw = (tag: string, or: ReadonlyArray<number>, and: ReadonlyArray<number>) =>
      f.sync({ _tag: "ReadModifyWriteTag", path: tagPath(tag), orMask: Uint8Array.from(or), andMask: Uint8Array.from(and) })
    expect(rmw("I", [1, 0], [0xff, 0xff, 0xff, 0xff])).toMatchObject({ status: 0x20 })
    expect(rmw("L", [1, 0, 0], [0xff, 0xff, 0xff])).toMatchObject({ status: 0x20 })
    expect(rmw("I", [1, 0, 0, 0], [0xff, 0xff, 0xff, 0xff])).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(rmw("L", [1, 0, 0, 0, 0, 0, 0, 0x80], new Array(8).fill(0xff))).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("L"))).toEqual([-(2n ** 63n) + 1n])
    expect(rmw("I", [0x0f], [0xfe])).toMatchObject({ status: 0 }) // narrower than the tag: its first bytes
    expect(Effect.runSync(f.store.read("I"))).toEqual([0x0e])
    expect(rmw("B", [0x80], [0xff])).toMatchObject({ status: 0 })
    expect(Effect.runSync(f.store.read("B"))).toEqual([-128])
  })
})
