import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Queue } from "effect"
import { encodeValues } from "../../src/cip/types.js"
import { AttributeError, AttributeFactory, type Attribute } from "../../src/tags/attribute.js"
import type { TagEvent } from "../../src/tags/events.js"
import { formatTagEvent } from "../../src/tags/events.js"
import { makeTagStore, TagError, TagStore } from "../../src/tags/tagStore.js"

const store = (specs: ReadonlyArray<string>) => makeTagStore(specs)

describe("TagStore", () => {
  it.effect("reads and writes values with case-insensitive names", () => Effect.gen(function* () {
    const s = yield* store(["SCADA=INT[10]", "Text=SSTRING[3]", "Name=STRING", "Big=LINT", "Flag=BOOL"])
    yield* s.write("scada", 2, [7, -8])
    expect(yield* s.read("SCADA", 0, 4)).toEqual([0, 0, 7, -8])
    yield* s.write("TEXT", 1, ["hello"])
    expect(yield* s.read("text")).toEqual(["", "hello", ""])
    yield* s.write("name", 0, ["Logix"])
    expect(yield* s.read("NAME")).toEqual(["Logix"])
    yield* s.write("big", 0, [-2n])
    expect(yield* s.read("Big")).toEqual([-2n])
    yield* s.write("flag", 0, [true])
    expect(yield* s.read("flag")).toEqual([true])
    expect(s.find("program:nothing")).toBeUndefined()
  }))

  it.effect("checks bounds and leaves a failed multi-element write unapplied", () => Effect.gen(function* () {
    const s = yield* store(["SCADA=DINT[4]"])
    yield* s.write("SCADA", 0, [1, 2, 3, 4])
    const e = yield* Effect.flip(s.write("SCADA", 2, [9, 9, 9]))
    expect(e).toBeInstanceOf(TagError)
    expect(e.reason).toBe("OutOfRange")
    expect([e.status, e.extStatus]).toEqual([0xff, [0x2105]])
    expect(yield* s.read("SCADA")).toEqual([1, 2, 3, 4])
    expect((yield* Effect.flip(s.read("SCADA", 4, 1))).extStatus).toEqual([0x2105])
    expect((yield* Effect.flip(s.read("SCADA", -1, 1))).reason).toBe("OutOfRange")
    const mis = yield* Effect.flip(s.write("SCADA", 0, [1, "x"]))
    expect([mis.reason, mis.extStatus]).toEqual(["TypeMismatch", [0x2107]])
    expect(yield* s.read("SCADA")).toEqual([1, 2, 3, 4])
    expect((yield* Effect.flip(s.read("NOPE"))).status).toBe(0x05)
  }))

  it.effect("byte-level ops are synchronous for memory tags and atomic", () => Effect.gen(function* () {
    const s = yield* store(["SCADA=INT[4]"])
    const tag = s.find("scada")!
    const w = s.writeBytes(tag, 1, 2, encodeValues("INT", [5, 6]))
    expect(w).toBeUndefined()
    const r = s.readBytes(tag, 0, 4)
    expect(r).toBeInstanceOf(Uint8Array)
    expect(Array.from(r as Uint8Array)).toEqual([0, 0, 5, 0, 6, 0, 0, 0])
    const short = s.writeBytes(tag, 0, 2, new Uint8Array(3))
    expect(short).toBeInstanceOf(TagError)
    expect(Array.from(s.readBytes(tag, 0, 4) as Uint8Array)).toEqual([0, 0, 5, 0, 6, 0, 0, 0])
    const u = s.updateBytes(tag, 1, 1, (old) => Uint8Array.of(old[0]! | 0x10, old[1]!))
    expect(u).toBeUndefined()
    expect(yield* s.read("SCADA", 1, 1)).toEqual([0x15])
  }))

  it.effect("forced errors are returned for every access until cleared", () => Effect.gen(function* () {
    const s = yield* store(["BROKEN=INT[2]"])
    yield* s.setError("broken", { status: 0x08 })
    const e = yield* Effect.flip(s.read("BROKEN"))
    expect([e.reason, e.status, e.extStatus]).toEqual(["Forced", 8, []])
    yield* s.setError("BROKEN", { status: 0xff, extStatus: [0x2101] })
    expect((yield* Effect.flip(s.write("BROKEN", 0, [1]))).extStatus).toEqual([0x2101])
    yield* s.setError("BROKEN", undefined)
    expect(yield* s.read("BROKEN")).toEqual([0, 0])
    expect((yield* Effect.flip(s.setError("nope", { status: 1 }))).reason).toBe("NotFound")
  }))

  it.scoped("publishes read, write and error events to subscribers only", () => Effect.gen(function* () {
    const s = yield* store(["SCADA=INT[4]"])
    expect(s.hasSubscribers()).toBe(false)
    yield* s.write("SCADA", 0, [1]) // unobserved
    const q = yield* s.subscribe
    expect(s.hasSubscribers()).toBe(true)
    yield* s.write("SCADA", 1, [99, 0])
    yield* s.read("SCADA", 0, 4)
    yield* Effect.flip(s.read("SCADA", 3, 2))
    const evs = Chunk.toReadonlyArray(yield* Queue.takeAll(q)) as ReadonlyArray<TagEvent>
    expect(evs.map((e) => [e.name, e.kind, e.start, e.count])).toEqual([
      ["SCADA", "write", 1, 2], ["SCADA", "read", 0, 4], ["SCADA", "error", 3, 2]
    ])
    expect(evs[0]!.values).toEqual([99, 0])
    expect(evs[1]!.values).toEqual([1, 99, 0, 0])
    expect(evs[2]!.error).toContain("outside 0..3")
    expect(Math.abs(evs[0]!.at - Date.now())).toBeLessThan(5000)
    expect(formatTagEvent(evs[1]!)).toBe("               SCADA[    0-3    ] == [1, 99, 0, 0]")
    expect(formatTagEvent(evs[0]!)).toBe("               SCADA[    1-2    ] <= [99, 0]")
  }))

  it.effect("rejects bad and duplicate specs", () => Effect.gen(function* () {
    expect((yield* Effect.flip(store(["A=INT", "a=DINT"]))).message).toContain("duplicate tag name")
    expect((yield* Effect.flip(store(["A=FOO"])))._tag).toBe("TagSpecError")
    expect((yield* Effect.flip(store(["A@0x93/1/1=INT", "B@147/1/1=INT"]))).message).toContain("already placed")
    expect((yield* Effect.flip(store(["A@1/1/1=INT"]))).message).toContain("implemented by the controller")
  }))

  it.effect("finds tags by placement and Symbol instance", () => Effect.gen(function* () {
    const s = yield* store(["A=INT", "Motor@0x93/3/10=REAL"])
    expect(s.findPlacement(0x93, 3, 10)?.name).toBe("Motor")
    expect(s.findInstance(1)?.name).toBe("A")
    expect(s.findInstance(2)?.name).toBe("Motor")
    expect(s.findInstance(3)).toBeUndefined()
  }))

  it.effect("a custom Attribute chosen through the AttributeFactory layer backs a tag", () => Effect.gen(function* () {
    const writes: Array<ReadonlyArray<unknown>> = []
    const counter: Attribute = {
      type: "DINT", count: 3,
      read: (start, n) => Effect.succeed(Array.from({ length: n }, (_, i) => (start + i) * 100)),
      write: (start, values) => start === 2
        ? Effect.fail(new AttributeError({ status: 0x0e, extStatus: [], message: "read-only element" }))
        : Effect.sync(() => { writes.push(values) })
    }
    const store2 = yield* TagStore.pipe(
      Effect.provide(TagStore.layer(["CALC=DINT[3]", "PLAIN=DINT[3]"])),
      Effect.provide(AttributeFactory.layer((spec) => (spec.name === "CALC" ? counter : undefined)))
    )
    const calc = store2.find("calc")!
    expect(calc.attribute.sync).toBeUndefined()
    expect(store2.find("plain")!.attribute.sync).toBeDefined()
    expect(yield* store2.read("CALC", 1, 2)).toEqual([100, 200])
    const rb = store2.readBytes(calc, 0, 2)
    expect(rb instanceof Uint8Array || rb instanceof TagError).toBe(false) // an Effect: the attribute is asynchronous
    expect(Array.from(yield* (rb as Effect.Effect<Uint8Array, TagError>))).toEqual([0, 0, 0, 0, 100, 0, 0, 0])
    yield* store2.write("CALC", 0, [5, 6])
    expect(writes).toEqual([[5, 6]])
    const e = yield* Effect.flip(store2.write("CALC", 2, [1]))
    expect([e.reason, e.status]).toEqual(["Attribute", 0x0e])
  }))
})

describe("values a tag's type cannot hold", () => {
  it.effect("are refused by write, and nothing changes (they used to be stored wrapped or cut short, reported written)", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["S=SINT", "T=STRING", "SS=SSTRING", "R=REAL", "L=LINT"])
    for (const [name, value] of [["S", 300], ["S", 1.5], ["T", "x".repeat(83)], ["SS", "y".repeat(256)], ["T", "π"], ["R", 1e300], ["L", 2n ** 63n]] as const) {
      const e = yield* Effect.flip(s.write(name, 0, [value]))
      expect([name, e.status]).toEqual([name, 0x09])
    }
    expect(yield* s.read("S")).toEqual([0])
    expect(yield* s.read("T")).toEqual([""])
    yield* s.write("T", 0, ["x".repeat(82)])
    expect(yield* s.read("T")).toEqual(["x".repeat(82)])
  }))
})
