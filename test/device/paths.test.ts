/**
 * Path resolution (src/device/paths.ts) through the services: members at any depth found by name
 * or by member id, the names events give them, the refusals (unknown tag 0x05, malformed path
 * 0x04, out of range 0xFF/0x2105), tags by Symbol instance and by attribute placement, and the
 * logical paths of the controller's own objects.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import type { CipRequest } from "../../src/cip/model.js"
import { CipType } from "../../src/cip/types.js"
import type { TagEvent } from "../../src/tags/events.js"
import { att, bytes, cls, el, fixture, ins, sym } from "./helpers.js"

const UDTS = [
  "Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}",
  "Cell{Motors:Motor[3],Count:INT}",
  "T{ABC:DINT}"
]
const make = () => fixture(["M=Motor[4]", "C=Cell", "Cs=Cell[2]", "D=DINT", "AB=T", "P@0x93/3/10=DINT", "Q=INT"], {}, UDTS)
const f32 = (x: number) => Array.from(new Uint8Array(Float32Array.of(x).buffer))
const i32 = (x: number) => Array.from(new Uint8Array(Int32Array.of(x).buffer))
const read = (path: CipRequest["path"], elements = 1): CipRequest => ({ _tag: "ReadTag", path, elements })

/** The events the requests cause: [name, kind, start, count]. */
const events = (f: ReturnType<typeof make>, reqs: ReadonlyArray<CipRequest>) =>
  Effect.runSync(Effect.scoped(Effect.gen(function* () {
    const q = yield* f.store.subscribe
    for (const r of reqs) f.sync(r)
    return (Array.from(yield* Queue.takeAll(q)) as Array<TagEvent>).map((e) => [e.name, e.kind, e.start, e.count])
  })))

describe("members of nested structures", () => {
  it("reads and writes the member of the element asked, at any depth", () => {
    const f = make()
    const motors = [0, 1, 2].map((k) => ({ Speed: k + 0.5, Running: k === 1, Faults: [k, k + 10, k + 20, k + 30], Name: `m${k}` }))
    Effect.runSync(f.store.write("Cs", 0, [{ Motors: motors, Count: 7 }, { Motors: motors.map((m) => ({ ...m, Speed: m.Speed + 100 })), Count: 8 }]))
    expect(bytes(f.sync(read([sym("Cs"), el(1), sym("Motors"), el(2), sym("Speed")])))).toEqual(f32(102.5))
    expect(bytes(f.sync(read([sym("Cs"), el(0), sym("Motors"), el(1), sym("Faults"), el(3)])))).toEqual(i32(31))
    expect(bytes(f.sync(read([sym("Cs"), el(0), sym("Motors"), sym("Speed")])))).toEqual(f32(0.5)) // no index: element 0
    expect(bytes(f.sync(read([sym("Cs"), el(1), sym("Count")])))).toEqual([8, 0])
    expect(bytes(f.sync(read([sym("Cs"), el(0), sym("Motors"), el(2), sym("Name"), sym("LEN")])))).toEqual([2, 0, 0, 0])
    expect(f.sync({ _tag: "WriteTag", path: [sym("Cs"), el(1), sym("Motors"), el(1), sym("Faults"), el(2)], type: { code: CipType.DINT }, elements: 1, data: Uint8Array.from(i32(-9)) }))
      .toMatchObject({ status: 0 })
    const after = Effect.runSync(f.store.read("Cs", 1, 1))[0] as { Motors: Array<{ Faults: Array<number> }> }
    expect(after.Motors.map((m) => m.Faults)).toEqual([[0, 10, 20, 30], [1, 11, -9, 31], [2, 12, 22, 32]])
  })

  it("finds members by member id (a logical segment where a structure is addressed), nested too", () => {
    const f = make()
    Effect.runSync(f.store.write("M", 2, [{ Speed: 4.5, Running: true, Faults: [5, 6, 7, 8], Name: "x" }]))
    expect(bytes(f.sync(read([sym("M"), el(2), el(0)])))).toEqual(f32(4.5))
    expect(bytes(f.sync(read([sym("M"), el(2), el(3), el(1)])))).toEqual(i32(6)) // id 3: after Speed, the BOOL host, Running
    Effect.runSync(f.store.write("C", 0, [{ Motors: [{ Speed: 0, Running: false, Faults: [0, 0, 0, 0], Name: "" }, { Speed: 9.25, Running: false, Faults: [0, 0, 0, 0], Name: "" }, { Speed: 0, Running: false, Faults: [0, 0, 0, 0], Name: "" }], Count: 3 }]))
    expect(bytes(f.sync(read([sym("C"), el(0), el(0), el(1), el(0)])))).toEqual(f32(9.25))
    expect(f.sync(read([sym("M"), el(2), el(9)]))).toMatchObject({ status: 0x05 }) // no member 9
  })

  it("events name the member's path: indexes of arrays shown, [0] when none was given", () => {
    const f = make()
    expect(events(f, [
      read([sym("C"), sym("Motors"), el(2), sym("Speed")]),
      read([sym("C"), sym("Motors"), sym("Speed")]),
      read([sym("Cs"), el(1), sym("Motors"), el(0), sym("Faults"), el(1)], 2),
      read([sym("M"), el(0), sym("Name"), sym("LEN")]),
      read([sym("C"), sym("Count")])
    ])).toEqual([
      ["C.Motors[2].Speed", "read", 0, 1],
      ["C.Motors[0].Speed", "read", 0, 1],
      ["Cs[1].Motors[0].Faults", "read", 1, 2],
      ["M[0].Name.LEN", "read", 0, 1],
      ["C.Count", "read", 0, 1]
    ])
  })

  it("an index past a member array before going deeper is out of range (0xFF/0x2105), and changes nothing", () => {
    const f = make()
    expect(f.sync(read([sym("C"), sym("Motors"), el(3), sym("Speed")]))).toMatchObject({ _tag: "Error", status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "WriteTag", path: [sym("C"), sym("Motors"), el(3), sym("Speed")], type: { code: CipType.REAL }, elements: 1, data: Uint8Array.from(f32(1)) }))
      .toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync(read([sym("C"), sym("Motors"), el(2), sym("Speed")]))).toMatchObject({ status: 0 })
  })

  it("going into what is not a structure: a name or index is an unknown tag (0x05), anything else a malformed path (0x04)", () => {
    const f = make()
    expect(f.sync(read([sym("M"), el(1), sym("Speed"), sym("X")]))).toMatchObject({ status: 0x05, extStatus: [0] })
    expect(f.sync(read([sym("M"), el(1), sym("Faults"), el(1), el(0)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([sym("M"), el(1), sym("Speed"), cls(1)]))).toMatchObject({ status: 0x04, extStatus: [] })
    expect(f.sync(read([sym("M"), el(1), cls(1)]))).toMatchObject({ status: 0x04 })
    expect(f.sync(read([sym("M"), el(1), att(1)]))).toMatchObject({ status: 0x04 })
    expect(f.sync(read([sym("D"), el(0), sym("X")]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([sym("D"), el(0), el(1)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([sym("D"), el(0), cls(1)]))).toMatchObject({ status: 0x04 })
    expect(f.sync(read([sym("D"), ins(1)]))).toMatchObject({ status: 0x04 })
  })

  it("a tag name is matched whole: the name of a structure tag and one of its members run together is no tag", () => {
    const f = make()
    // AB is a T, which has a member ABC; "ABC" is neither a tag nor AB's member
    expect(f.sync(read([sym("ABC")]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([sym("AB"), sym("ABC")]))).toMatchObject({ status: 0 })
    expect(f.sync(read([sym("A")]))).toMatchObject({ status: 0x05 })
  })
})

describe("tags by Symbol instance and by placement", () => {
  it("@0x6B/N[/element] is the tag; an attribute after it, or an unknown instance, is no tag", () => {
    const f = make()
    Effect.runSync(f.store.write("D", 0, [77]))
    const d = f.store.find("D")!.instance
    expect(bytes(f.sync(read([cls(0x6b), ins(d)])))).toEqual(i32(77))
    expect(f.sync(read([cls(0x6b), ins(d), att(1)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([cls(0x6b), ins(999)]))).toMatchObject({ status: 0x05, extStatus: [0] })
    expect(f.sync(read([cls(0x6b)]))).toMatchObject({ status: 0x04 })
    expect(f.sync(read([cls(0x6b), el(1)]))).toMatchObject({ status: 0x04 })
  })

  it("@cls/ins/att needs all three: without the attribute it is no tag, even where a Symbol instance has that number", () => {
    const f = make()
    Effect.runSync(f.store.write("P", 0, [5]))
    expect(bytes(f.sync(read([cls(0x93), ins(3), att(10)])))).toEqual(i32(5))
    expect(f.store.findInstance(3)).toBeDefined()
    expect(f.sync(read([cls(0x93), ins(3)]))).toMatchObject({ status: 0x05, extStatus: [0] })
    expect(f.sync(read([cls(0x93), ins(3), el(0)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([cls(0x93), ins(3), att(11)]))).toMatchObject({ status: 0x05 })
    expect(f.sync(read([ins(3)]))).toMatchObject({ status: 0x04 })
    expect(f.sync(read([att(0x93), ins(3), att(10)]))).toMatchObject({ status: 0x04 }) // a tag path starts with a name or a class
  })
})

describe("logical paths of the controller's objects", () => {
  it("class[/instance[/attribute]] and nothing else", () => {
    const f = make()
    const single = (path: CipRequest["path"]) => f.sync({ _tag: "GetAttributeSingle", path })
    expect(single([cls(1), ins(1), att(1)])).toMatchObject({ status: 0 })
    for (const path of [[], [sym("D")], [cls(1)], [cls(1), el(1)], [cls(1), ins(1)], [cls(1), ins(1), sym("x")], [cls(1), ins(1), att(1), att(2)], [ins(1), ins(1), att(1)]]) {
      expect(single(path), JSON.stringify(path)).toMatchObject({ _tag: "Error", status: 0x04 })
    }
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(1), el(1)] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributesAll", path: [cls(1), ins(1), el(1)] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributesAll", path: [sym("D")] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(1)], attributes: [1] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "SetAttributeSingle", path: [cls(1), ins(1)], data: Uint8Array.of(0) })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "SetAttributeSingle", path: [sym("D")], data: Uint8Array.of(0) })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributeList", path: [cls(1), ins(1), att(1)], attributes: [1] })).toMatchObject({ status: 0x04 })
    expect(f.sync({ _tag: "GetAttributeList", path: [sym("D")], attributes: [1] })).toMatchObject({ status: 0x04 })
  })
})
