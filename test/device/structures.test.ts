/**
 * Tag services on structures and packed BOOL arrays, as a ControlLogix answers them: whole
 * elements (0x02A0 + handle), members at any depth by name or by member id after a Symbol
 * instance, BOOL members by read-modify-write of their host byte, fragmented reads of structures
 * larger than a reply, BOOL arrays as DWORDs; and events naming the member accessed.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { CipType } from "../../src/cip/types.js"
import type { TagEvent } from "../../src/tags/events.js"
import { bytes, cls, el, fixture, ins, sym } from "./helpers.js"
import { numRuns } from "../numRuns.js"

const UDTS = [
  "Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}",
  "Line{Pump:Motor,Count:INT,Flags:BOOL[40],Alarm:BOOL,Ack:BOOL}",
  "Big{Data:DINT[200]}"
]
const TAGS = ["M=Motor[10]", "L=Line", "B=Big[3]", "BOOLS=BOOL[100]", "D=DINT"]
const make = () => fixture(TAGS, {}, UDTS)
const motor = (f: ReturnType<typeof make>) => f.store.types.byName("Motor")!
const run = <A, E>(e: Effect.Effect<A, E>) => Effect.runSync(e)
const f32 = (x: number) => Array.from(new Uint8Array(Float32Array.of(x).buffer))
const i32 = (x: number) => Array.from(new Uint8Array(Int32Array.of(x).buffer))

describe("whole structure elements", () => {
  it("Read Tag of M[3] answers 0x02A0 + the structure handle and the element's bytes", () => {
    const f = make()
    run(f.store.write("M", 3, [{ Speed: 1.5, Running: true, Faults: [1, 2, 3, 4], Name: "P3" }]))
    const r = f.sync({ _tag: "ReadTag", path: [sym("M"), el(3)], elements: 1 })
    expect(r).toMatchObject({ status: 0, type: { code: CipType.STRUCT, handle: motor(f).handle } })
    const b = bytes(r)
    expect(b.length).toBe(112) // REAL 0, host SINT 4, DINT[4] 8, STRING 24..112
    expect(b.slice(0, 8)).toEqual([...f32(1.5), 1, 0, 0, 0])
    expect(b.slice(8, 24)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0])
    expect(b.slice(24, 30)).toEqual([2, 0, 0, 0, 0x50, 0x33])
  })

  it("Write Tag of a whole element must carry the structure's handle (0xFF/0x2107 otherwise)", () => {
    const f = make()
    const data = new Uint8Array(112)
    data.set(f32(9.5), 0)
    const write = (handle: number) => f.sync({ _tag: "WriteTag", path: [sym("M"), el(4)], type: { code: CipType.STRUCT, handle }, elements: 1, data })
    expect(write(0x0fce)).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(write(motor(f).handle)).toMatchObject({ status: 0 })
    expect(run(f.store.read("M", 4, 1))[0]).toMatchObject({ Speed: 9.5 })
    expect(f.sync({ _tag: "WriteTag", path: [sym("M"), el(4)], type: { code: CipType.STRUCT, handle: motor(f).handle }, elements: 1, data: data.subarray(0, 50) }))
      .toMatchObject({ status: 0x13 })
  })

  it("a read of many elements continues by Read Tag Fragmented; a structure larger than a reply is cut at 4-byte multiples", () => {
    const f = make()
    run(f.store.write("B", 0, [0, 1, 2].map((k) => ({ Data: Array.from({ length: 200 }, (_, i) => k * 1000 + i) }))))
    const first = f.sync({ _tag: "ReadTag", path: [sym("B")], elements: 3 })
    expect(first).toMatchObject({ status: 0x06, type: { code: CipType.STRUCT } })
    const all = [...bytes(first)]
    expect(all.length % 4).toBe(0)
    expect(all.length).toBeGreaterThan(400)
    for (let i = 0; i < 20 && all.length < 2400; i++) {
      const r = f.sync({ _tag: "ReadTagFragmented", path: [sym("B")], elements: 3, offset: all.length })
      expect([0, 0x06]).toContain(r.status)
      all.push(...bytes(r))
    }
    expect(all.length).toBe(2400)
    const dv = new DataView(Uint8Array.from(all).buffer)
    // Element k's Data[i] is at k × 800 + 4i.
    expect([dv.getInt32(0, true), dv.getInt32(800 + 4 * 57, true), dv.getInt32(1600 + 4 * 199, true)]).toEqual([0, 1057, 2199])
  })
})

describe("members", () => {
  it("by name: M[3].Speed, M[3].Faults[2] (2 elements), M[3].Name, M[3].Name.LEN, nested L.Pump.Speed", () => {
    const f = make()
    run(f.store.write("M", 3, [{ Speed: 2.25, Faults: [5, 6, 7, 8], Name: "abc" }]))
    run(f.store.write("L", 0, [{ Pump: { Speed: -1 }, Count: 7 }]))
    expect(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Speed")], elements: 1 })).toMatchObject({ status: 0, type: { code: CipType.REAL } })
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("speed")], elements: 1 }))).toEqual(f32(2.25))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Faults"), el(2)], elements: 2 }))).toEqual([...i32(7), ...i32(8)])
    expect(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Name")], elements: 1 })).toMatchObject({ status: 0, type: { code: CipType.STRUCT, handle: 0x0fce } })
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Name"), sym("LEN")], elements: 1 }))).toEqual(i32(3))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("L"), sym("Pump"), sym("Speed")], elements: 1 }))).toEqual(f32(-1))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("L"), sym("Count")], elements: 1 }))).toEqual([7, 0])
    // The whole nested structure, with its own handle.
    expect(f.sync({ _tag: "ReadTag", path: [sym("L"), sym("Pump")], elements: 1 })).toMatchObject({ type: { code: CipType.STRUCT, handle: motor(f).handle } })
  })

  it("by Symbol instance and member ids (the member's place in the template), as well as by instance + names", () => {
    const f = make()
    run(f.store.write("M", 3, [{ Speed: 4.5, Faults: [0, 0, 11, 0] }]))
    const m = [cls(0x6b), ins(1), el(3)] // M is the first tag
    expect(bytes(f.sync({ _tag: "ReadTag", path: [...m, el(0)], elements: 1 }))).toEqual(f32(4.5))
    // Members: Speed 0, ZZZZZZZZZZMotor1 1, Running 2, Faults 3, Name 4.
    expect(bytes(f.sync({ _tag: "ReadTag", path: [...m, el(3), el(2)], elements: 1 }))).toEqual(i32(11))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [...m, sym("Faults"), el(2)], elements: 1 }))).toEqual(i32(11))
    expect(f.sync({ _tag: "ReadTag", path: [...m, el(9)], elements: 1 })).toMatchObject({ status: 0x05 })
  })

  it("a BOOL member reads 1 or 0 and is written by read-modify-write of its host byte", () => {
    const f = make()
    const w = (member: string, v: number) =>
      f.sync({ _tag: "WriteTag", path: [sym("L"), sym(member)], type: { code: CipType.BOOL }, elements: 1, data: Uint8Array.of(v) })
    expect(w("Ack", 0xff)).toMatchObject({ status: 0 })
    expect(w("Alarm", 1)).toMatchObject({ status: 0 })
    expect(w("Alarm", 0)).toMatchObject({ status: 0 })
    expect(run(f.store.read("L"))[0]).toMatchObject({ Alarm: false, Ack: true })
    const r = f.sync({ _tag: "ReadTag", path: [sym("L"), sym("Ack")], elements: 1 })
    expect(r).toMatchObject({ status: 0, type: { code: CipType.BOOL } })
    expect(bytes(r)).toEqual([1])
    expect(w("Alarm", 1) && f.sync({ _tag: "WriteTag", path: [sym("L"), sym("Alarm")], type: { code: CipType.SINT }, elements: 1, data: Uint8Array.of(1) }))
      .toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: [sym("L"), sym("Alarm")], orMask: Uint8Array.of(1), andMask: Uint8Array.of(0xff) }))
      .toMatchObject({ status: 0xff, extStatus: [0x2107] })
    expect(run(f.store.read("L"))[0]).toMatchObject({ Alarm: true, Ack: true })
  })

  it("member writes change only the member: Write Tag, Write Tag Fragmented, Read-Modify-Write on a DINT member", () => {
    const f = make()
    run(f.store.write("M", 1, [{ Speed: 3, Running: true, Faults: [1, 1, 1, 1], Name: "keep" }]))
    expect(f.sync({ _tag: "WriteTag", path: [sym("M"), el(1), sym("Faults"), el(1)], type: { code: CipType.DINT }, elements: 2, data: Uint8Array.from([...i32(-5), ...i32(6)]) }))
      .toMatchObject({ status: 0 })
    expect(f.sync({ _tag: "WriteTagFragmented", path: [sym("M"), el(1), sym("Faults")], type: { code: CipType.DINT }, elements: 4, offset: 12, data: Uint8Array.from(i32(99)) }))
      .toMatchObject({ status: 0 })
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: [sym("M"), el(1), sym("Faults"), el(0)], orMask: Uint8Array.of(0x10, 0, 0, 0), andMask: Uint8Array.of(0xfe, 0xff, 0xff, 0xff) }))
      .toMatchObject({ status: 0 })
    expect(run(f.store.read("M", 1, 1))[0]).toEqual({ Speed: 3, Running: true, Faults: [0x10, -5, 6, 99], Name: "keep" })
  })

  it("refuses unknown members, members of atomic tags, out-of-range member elements", () => {
    const f = make()
    expect(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Nope")], elements: 1 })).toMatchObject({ status: 0x05 })
    expect(f.sync({ _tag: "ReadTag", path: [sym("D"), sym("Speed")], elements: 1 })).toMatchObject({ status: 0x05 })
    expect(f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Faults"), el(3)], elements: 2 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "ReadTag", path: [sym("M"), el(10), sym("Speed")], elements: 1 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
  })
})

describe("BOOL arrays, packed in DWORDs", () => {
  it("BOOL[100] holds 128 BOOLs in 4 DWORDs: Read Tag by DWORD, bits by Read-Modify-Write, listed as DWORD[4]", () => {
    const f = make()
    const tag = f.store.find("BOOLS")!
    expect([tag.count, tag.wireCount, tag.typeSpec.code]).toEqual([128, 4, CipType.DWORD])
    // Bit 37 is bit 5 of DWORD 1 (pylogix's and pycomm3's Read-Modify-Write of BOOLS[37]).
    expect(f.sync({ _tag: "ReadModifyWriteTag", path: [sym("BOOLS"), el(1)], orMask: Uint8Array.of(0x20, 0, 0, 0), andMask: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }))
      .toMatchObject({ status: 0 })
    expect(run(f.store.read("BOOLS", 36, 3))).toEqual([false, true, false])
    const r = f.sync({ _tag: "ReadTag", path: [sym("BOOLS"), el(1)], elements: 1 })
    expect(r).toMatchObject({ status: 0, type: { code: CipType.DWORD } })
    expect(bytes(r)).toEqual([0x20, 0, 0, 0])
    expect(f.sync({ _tag: "ReadTag", path: [sym("BOOLS"), el(4)], elements: 1 })).toMatchObject({ status: 0xff, extStatus: [0x2105] })
    expect(f.sync({ _tag: "WriteTag", path: [sym("BOOLS")], type: { code: CipType.BOOL }, elements: 1, data: Uint8Array.of(1) })).toMatchObject({ status: 0xff, extStatus: [0x2107] })
    run(f.store.write("BOOLS", 127, [true]))
    expect(bytes(f.sync({ _tag: "ReadTag", path: [sym("BOOLS"), el(3)], elements: 1 }))).toEqual([0, 0, 0, 0x80])
    // A BOOL array member reads the same way: Line.Flags is BOOL[40] → DWORD[2].
    expect(f.sync({ _tag: "ReadTag", path: [sym("L"), sym("Flags"), el(1)], elements: 1 })).toMatchObject({ status: 0, type: { code: CipType.DWORD } })
  })
})

describe("events of member access name the member's path", () => {
  it("M[3].Speed, M[3].Faults (from element 2), and whole elements by tag and index", () => {
    const f = make()
    const seen = Effect.runSync(Effect.scoped(Effect.gen(function* () {
      const q = yield* f.store.subscribe
      f.sync({ _tag: "WriteTag", path: [sym("M"), el(3), sym("Speed")], type: { code: CipType.REAL }, elements: 1, data: Uint8Array.from(f32(1.5)) })
      f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Faults"), el(2)], elements: 2 })
      f.sync({ _tag: "WriteTag", path: [sym("L"), sym("Ack")], type: { code: CipType.BOOL }, elements: 1, data: Uint8Array.of(1) })
      f.sync({ _tag: "ReadTag", path: [sym("M"), el(3)], elements: 1 })
      f.sync({ _tag: "ReadTag", path: [sym("M"), el(3), sym("Nope")], elements: 1 })
      f.sync({ _tag: "ReadModifyWriteTag", path: [sym("BOOLS"), el(1)], orMask: Uint8Array.of(1, 0, 0, 0), andMask: Uint8Array.of(0xff, 0xff, 0xff, 0xff) })
      return Array.from(yield* Queue.takeAll(q)) as Array<TagEvent>
    })))
    expect(seen.map((e) => [e.name, e.kind, e.start, e.count])).toEqual([
      ["M[3].Speed", "write", 0, 1], ["M[3].Faults", "read", 2, 2], ["L.Ack", "write", 0, 1], ["M", "read", 3, 1],
      // an unknown member is reported as an unknown tag is, by the path asked for
      ["M[3].Nope", "error", 0, 1], ["BOOLS", "write", 32, 32]
    ])
    // the type of what was accessed (so -p prints 1.5, True as Python does); none for an unknown member
    expect(seen.map((e) => e.type)).toEqual(["REAL", "DINT", "BOOL", "Motor", undefined, "BOOL"])
    expect(seen[0]!.values).toEqual([1.5])
    expect(seen[1]!.values).toEqual([0, 0])
    expect(seen[2]!.values).toEqual([true])
    expect(seen[3]!.values).toEqual([{ Speed: 1.5, Running: false, Faults: [0, 0, 0, 0], Name: "" }])
    expect(seen[4]!.error).toMatch(/unknown tag/)
    expect(seen[5]!.values?.[0]).toBe(true)
  })
})

describe("any path and data on structure tags", () => {
  it("gets a reply that encodes with a Logix status, never a throw; the structures still read afterwards", async () => {
    const { encodeReply } = await import("../../src/cip/reply.js")
    const fc = (await import("fast-check")).default
    const names = ["M", "L", "B", "BOOLS", "D", "Speed", "Running", "Faults", "Name", "LEN", "DATA", "Pump", "Count", "Flags", "Alarm", "Ack",
      "ZZZZZZZZZZMotor1", "Data", "Nope"]
    const segment = fc.oneof(
      fc.constantFrom(...names).map(sym),
      fc.oneof(fc.nat(12), fc.constant(0xffff), fc.constant(2 ** 31)).map(el),
      fc.constant(cls(0x6b)), fc.integer({ min: 0, max: 6 }).map(ins)
    )
    const request = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.nat(5), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 130 }),
      fc.constantFrom(CipType.DINT, CipType.REAL, CipType.BOOL, CipType.SINT, CipType.DWORD, CipType.STRUCT), fc.nat(0xffff), fc.nat(200))
      .map(([path, kind, elements, data, code, handle, offset]) => {
        const type = code === CipType.STRUCT ? { code, handle } : { code }
        switch (kind) {
          case 0: return { _tag: "ReadTag" as const, path, elements }
          case 1: return { _tag: "ReadTagFragmented" as const, path, elements, offset }
          case 2: return { _tag: "WriteTag" as const, path, type, elements, data }
          case 3: return { _tag: "WriteTagFragmented" as const, path, type, elements, offset, data }
          default: return { _tag: "ReadModifyWriteTag" as const, path, orMask: data.subarray(0, 4), andMask: data.subarray(4, 8) }
        }
      })
    const f = make()
    fc.assert(fc.property(request, (req) => {
      const r = f.sync(req, 200)
      expect(() => encodeReply(r)).not.toThrow()
      expect(r.status === 0 || r.status === 0x06 || [0x04, 0x05, 0x08, 0x13, 0x15, 0x20, 0x11, 0xff].includes(r.status)).toBe(true)
    }), { numRuns: numRuns(3000) })
    // The structures still decode (no write left an element half written or a STRING LEN over 82).
    for (const t of ["M", "L", "B"]) expect(() => Effect.runSync(f.store.read(t))).not.toThrow()
  })
})
