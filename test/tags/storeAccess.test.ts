/**
 * TagStore access paths in detail: BOOL arrays (32 to a DWORD), wire-level writes and their length
 * checks, Logix STRING LEN checks, asynchronous Attributes (their failures and bad values), and the
 * exact error each refusal carries (status, extended status, message).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { encodeValues } from "../../src/cip/types.js"
import { AttributeError, AttributeFactory, type Attribute } from "../../src/tags/attribute.js"
import { makeTagStore, TagError, type TagStoreService } from "../../src/tags/tagStore.js"

const bytes = (o: unknown): Array<number> => {
  if (!(o instanceof Uint8Array)) throw new Error(`not bytes: ${String(o)}`)
  return Array.from(o)
}
const failure = (o: unknown): TagError => {
  if (!(o instanceof TagError)) throw new Error(`not a TagError: ${String(o)}`)
  return o
}

describe("BOOL arrays", () => {
  it.effect("hold the count rounded up to 32, one DWORD per 32 BOOLs on the wire", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["B=BOOL[40]", "One=BOOL[1]", "X=BOOL[32]"])
    const b = s.find("B")!
    expect([b.count, b.wireCount, b.elementSize, b.type, b.scalar]).toEqual([64, 2, 4, "BOOL", false])
    expect([s.find("One")!.count, s.find("One")!.wireCount, s.find("One")!.scalar]).toEqual([1, 1, true])
    expect([s.find("X")!.count, s.find("X")!.wireCount]).toEqual([32, 1])
    expect((yield* s.read("B")).length).toBe(64)
  }))

  it.effect("writing BOOLs from any bit sets exactly those bits, in place", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["B=BOOL[64]"])
    const tag = s.find("B")!
    yield* s.write("B", 0, [true])
    yield* s.write("B", 3, [true, false, true])
    yield* s.write("B", 30, [true, true, true, true])
    expect(bytes(s.readBytes(tag, 0, 2))).toEqual([0b0010_1001, 0, 0, 0b1100_0000, 0b0000_0011, 0, 0, 0])
    yield* s.write("B", 0, [false, 1, 0])
    expect(bytes(s.readBytes(tag, 0, 1))).toEqual([0b0010_1010, 0, 0, 0b1100_0000])
    expect(yield* s.read("B", 29, 5)).toEqual([false, true, true, true, true])
    expect(yield* s.read("B", 33, 2)).toEqual([true, false])
    expect(yield* s.read("B", 63)).toEqual([false])
    yield* s.write("B", 63, [true])
    expect(bytes(s.readBytes(tag, 1, 1))).toEqual([0b11, 0, 0, 0x80])
  }))

  it.effect("values outside the BOOLs are refused with 0xFF/0x2105, counted in BOOLs", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["B=BOOL[64]"])
    const e1 = yield* Effect.flip(s.read("B", 60, 5))
    expect([e1.reason, e1.status, e1.extStatus, e1.message]).toEqual(["OutOfRange", 0xff, [0x2105], "B: B[60-64] is outside 0..63"])
    const e2 = yield* Effect.flip(s.write("B", 64, [true]))
    expect(e2.message).toBe("B: B[64] is outside 0..63")
    expect((yield* Effect.flip(s.read("B", -1, 1))).reason).toBe("OutOfRange")
    expect((yield* Effect.flip(s.read("B", 0.5, 1))).reason).toBe("OutOfRange")
    expect((yield* Effect.flip(s.read("B", 0, 0))).reason).toBe("OutOfRange")
    expect((yield* Effect.flip(s.read("B", 0, 1.5))).reason).toBe("OutOfRange")
    expect(yield* s.read("B", 0, 64)).toHaveLength(64)
    expect(yield* s.read("B", 63, 1)).toEqual([false])
  }))

  it.effect("a forced error wins over the range check", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["B=BOOL[64]", "I=INT[2]"])
    yield* s.setError("B", { status: 0x0c })
    const e = yield* Effect.flip(s.read("B", 100, 5))
    expect([e.reason, e.status, e.extStatus]).toEqual(["Forced", 0x0c, []])
    expect(e.message).toBe("B: Status 12 (object state conflict)")
    expect((yield* Effect.flip(s.write("B", 0, [true]))).reason).toBe("Forced")
    yield* s.setError("I", { status: 0xff, extStatus: [0x2105] })
    expect((yield* Effect.flip(s.read("I", 7, 1))).reason).toBe("Forced")
  }))
})

describe("wire-level writes", () => {
  it.effect("must carry exactly count elements: more or fewer is 0xFF/0x2104 and nothing changes", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[3]", "SS=SSTRING[2]", "T=STRING"])
    const d = s.find("D")!
    const long = failure(s.writeBytes(d, 0, 1, new Uint8Array(8).fill(1)))
    expect([long.reason, long.status, long.extStatus, long.message]).toEqual(["BadData", 0xff, [0x2104], "D: 8 bytes do not hold 1 DINT elements"])
    expect(failure(s.writeBytes(d, 0, 2, new Uint8Array(7))).reason).toBe("BadData")
    expect(bytes(s.readBytes(d, 0, 3))).toEqual(Array(12).fill(0))
    expect(s.writeBytes(d, 2, 1, Uint8Array.of(1, 2, 3, 4))).toBeUndefined()
    expect(yield* s.read("D")).toEqual([0, 0, 0x04030201])

    const ss = s.find("SS")!
    expect(ss.elementSize).toBeUndefined()
    const two = encodeValues("SSTRING", ["ab", "c"])
    expect(s.writeBytes(ss, 0, 2, two)).toBeUndefined()
    expect(yield* s.read("SS")).toEqual(["ab", "c"])
    expect(bytes(s.readBytes(ss, 0, 2))).toEqual(Array.from(two))
    expect(failure(s.writeBytes(ss, 1, 1, two)).extStatus).toEqual([0x2104])
    expect(failure(s.writeBytes(ss, 0, 2, Uint8Array.of(5, 0x41))).reason).toBe("BadData")
    expect(yield* s.read("SS")).toEqual(["ab", "c"])
  }))

  it.effect("a Logix STRING with LEN outside 0..82 is refused with 0x09 and not stored", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["T=STRING[2]"])
    const t = s.find("T")!
    expect(t.elementSize).toBe(88)
    const good = encodeValues("STRING", ["ok", "fine"])
    expect(s.writeBytes(t, 0, 2, good)).toBeUndefined()
    for (const len of [83, -1, 1000]) {
      const bad = good.slice()
      new DataView(bad.buffer).setInt32(88, len, true)
      const e = failure(s.writeBytes(t, 0, 2, bad))
      expect([e.reason, e.status, e.extStatus, e.message]).toEqual(["BadData", 0x09, [], `T: T[1].LEN ${len} is outside 0..82`])
    }
    const edge = good.slice()
    new DataView(edge.buffer).setInt32(0, 82, true)
    expect(s.writeBytes(t, 0, 2, edge)).toBeUndefined()
    expect((yield* s.read("T"))[1]).toBe("fine")
    new DataView(edge.buffer).setInt32(0, 0, true)
    expect(s.writeBytes(t, 0, 1, edge.subarray(0, 88))).toBeUndefined()
    expect(yield* s.read("T")).toEqual(["", "fine"])
    // updateBytes runs the same check on what the function returns.
    const u = failure(s.updateBytes(t, 1, 1, (old) => { const n = old.slice(); new DataView(n.buffer).setInt32(0, 90, true); return n }))
    expect(u.message).toBe("T: T[1].LEN 90 is outside 0..82")
    expect(yield* s.read("T")).toEqual(["", "fine"])
  }))

  it.effect("updateBytes: a TagError from the function is the answer, and nothing is written", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[2]"])
    const d = s.find("D")!
    const refusal = new TagError({ name: "D", reason: "BadData", status: 0x09, extStatus: [], message: "D: no" })
    expect(s.updateBytes(d, 0, 1, () => refusal)).toBe(refusal)
    expect(failure(s.updateBytes(d, 1, 2, (o) => o)).reason).toBe("OutOfRange")
    expect(s.updateBytes(d, 1, 1, (old) => Uint8Array.of(old[0]! + 7, 0, 0, 0))).toBeUndefined()
    expect(yield* s.read("D")).toEqual([0, 7])
  }))

  it.effect("readBytes and writeBytes check wire bounds and name them", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[3]"])
    const d = s.find("D")!
    expect(failure(s.readBytes(d, 2, 2)).message).toBe("D: D[2-3] is outside 0..2")
    expect(failure(s.readBytes(d, 3, 1)).message).toBe("D: D[3] is outside 0..2")
    expect(failure(s.readBytes(d, 0, 0)).reason).toBe("OutOfRange")
    expect(failure(s.readBytes(d, -1, 1)).reason).toBe("OutOfRange")
    expect(failure(s.readBytes(d, 1.5, 1)).reason).toBe("OutOfRange")
    expect(failure(s.readBytes(d, 0, 2.5)).reason).toBe("OutOfRange")
    expect(bytes(s.readBytes(d, 2, 1))).toEqual([0, 0, 0, 0])
    expect(bytes(s.readBytes(d, 0, 3))).toHaveLength(12)
  }))
})

describe("value checks on write", () => {
  it.effect("each type takes its JavaScript kinds; NaN and others are 0xFF/0x2107", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["L=LINT[2]", "U=ULINT", "B=BOOL[2]", "BA=BOOL[32]", "S=SSTRING", "T=STRING", "R=REAL", "I=INT"])
    yield* s.write("L", 0, [5, -6n])
    expect(yield* s.read("L")).toEqual([5n, -6n])
    yield* s.write("U", 0, [7])
    expect(yield* s.read("U")).toEqual([7n])
    yield* s.write("B", 0, [1, true])
    expect(yield* s.read("B", 0, 3)).toEqual([true, true, false])
    yield* s.write("BA", 1, [1, true])
    expect(yield* s.read("BA", 0, 3)).toEqual([false, true, true])
    for (const [name, v, shown] of [
      ["I", "1", "1"], ["I", 1n, "1"], ["I", true, "true"], ["I", NaN, "NaN"], ["R", NaN, "NaN"], ["L", "1", "1"], ["S", 1, "1"],
      ["T", 1, "1"], ["B", "x", "x"], ["BA", "x", "x"], ["I", { A: 1 }, "[object Object]"]
    ] as const) {
      const e = yield* Effect.flip(s.write(name, 0, [v as never]))
      expect([name, e.reason, e.status, e.extStatus]).toEqual([name, "TypeMismatch", 0xff, [0x2107]])
      expect(e.message).toBe(`${name}: value ${shown} is not a ${s.find(name)!.type}`)
    }
    const bad = yield* Effect.flip(s.write("I", 0, [70000]))
    expect([bad.reason, bad.status, bad.extStatus]).toEqual(["BadData", 0x09, []])
    expect(bad.message).toMatch(/^I: value "70000" is not a INT \(.+\)$/)
  }))

  it.effect("an unknown tag is 0x05 with extended status 0, for read, write and setError", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["A=INT"])
    for (const e of [yield* Effect.flip(s.read("Nope")), yield* Effect.flip(s.write("Nope", 0, [1])), yield* Effect.flip(s.setError("Nope", undefined))]) {
      expect([e.name, e.reason, e.status, e.extStatus, e.message]).toEqual(["Nope", "NotFound", 0x05, [0], "no tag named Nope"])
    }
  }))

  it.effect("reads default to the rest of the tag from start", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["D=DINT[4]"])
    yield* s.write("D", 0, [1, 2, 3, 4])
    expect(yield* s.read("D", 1)).toEqual([2, 3, 4])
    expect(yield* s.read("D", 3)).toEqual([4])
    expect(yield* s.read("d", 1, 2)).toEqual([2, 3])
  }))
})

describe("lookups", () => {
  it.effect("exact spelling first, then case-folded; Symbol instances are 1-based creation order", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["Alpha=INT", "Beta@0x93/2/3=DINT", "Program:Main.Gamma=REAL"])
    expect(s.find("ALPHA")?.name).toBe("Alpha")
    expect(s.find("program:main.gamma")?.name).toBe("Program:Main.Gamma")
    expect(s.tags.map((t) => t.instance)).toEqual([1, 2, 3])
    expect(s.findInstance(0)).toBeUndefined()
    expect(s.findInstance(1.5)).toBeUndefined()
    expect(s.findInstance(3)?.name).toBe("Program:Main.Gamma")
    expect(s.findInstance(4)).toBeUndefined()
    expect(s.findPlacement(0x93, 2, 3)?.name).toBe("Beta")
    expect(s.findPlacement(0x93, 3, 2)).toBeUndefined()
    expect(s.findPlacement(0x93, 23, 0)).toBeUndefined()
  }))

  it.effect("carries each tag's wire type and element size", () => Effect.gen(function* () {
    const s = yield* makeTagStore(["I=INT[2]", "L=LREAL", "S=SSTRING", "T=STRING[3]", "B=BOOL[33]"])
    const row = (n: string) => { const t = s.find(n)!; return [t.type, t.elementSize, t.wireCount, t.count, t.typeSpec] }
    expect(row("I")).toEqual(["INT", 2, 2, 2, { code: 0xc3 }])
    expect(row("L")).toEqual(["LREAL", 8, 1, 1, { code: 0xcb }])
    expect(row("S")).toEqual(["SSTRING", undefined, 1, 1, { code: 0xda }])
    expect(row("T")).toMatchObject(["STRING", 88, 3, 3, { code: 0x02a0, handle: 0x0fce }])
    expect(row("B")).toEqual(["BOOL", 4, 2, 64, { code: 0xd3 }])
  }))
})

describe("tag size limit", () => {
  it.effect("a tag over 256 MiB is refused when the store is made, naming its size", () => Effect.gen(function* () {
    const e = yield* Effect.flip(makeTagStore(["Big=STRING[16777216]"]))
    expect(e.message).toBe(`bad tag spec "Big": 1476395008 bytes is more than 268435456 (at most 16777216 elements)`)
  }))
})

describe("asynchronous Attributes", () => {
  const provide = (attr: Attribute, specs: ReadonlyArray<string>) =>
    makeTagStore(specs).pipe(Effect.provide(AttributeFactory.layer((spec) => (spec.name === "A" ? Effect.succeed(attr) : undefined))))
  const store = (attr: Attribute): Effect.Effect<TagStoreService, unknown> => provide(attr, ["A=DINT[4]", "M=DINT"])

  it.effect("a read failure becomes the Attribute's status; a value the type cannot hold is 0xFF", () => Effect.gen(function* () {
    let bad = false
    const a: Attribute = {
      type: "DINT", count: 4,
      read: (start, n) => bad ? Effect.succeed(["x"]) : start === 3 ? Effect.fail(new AttributeError({ status: 0x0c, extStatus: [0x1234], message: "busy" }))
        : Effect.succeed(Array.from({ length: n }, (_, i) => start + i)),
      write: () => Effect.void
    }
    const s = yield* store(a)
    const tag = s.find("A")!
    expect(yield* s.read("A", 0, 3)).toEqual([0, 1, 2])
    const e = yield* Effect.flip(s.read("A", 3, 1))
    expect([e.reason, e.status, e.extStatus, e.message]).toEqual(["Attribute", 0x0c, [0x1234], "A: busy"])
    bad = true
    const r = s.readBytes(tag, 0, 1)
    expect(Effect.isEffect(r)).toBe(true)
    const e2 = yield* Effect.flip(r as Effect.Effect<Uint8Array, TagError>)
    expect([e2.reason, e2.status]).toEqual(["Attribute", 0xff])
    expect(e2.message).toMatch(/^A: its Attribute read /)
    const u = yield* Effect.flip(s.updateBytes(tag, 0, 1, (o) => o) as Effect.Effect<void, TagError>)
    expect(u.message).toMatch(/^A: its Attribute read /)
  }))

  it.effect("wire writes are decoded to values for the Attribute, at value offsets", () => Effect.gen(function* () {
    const writes: Array<[number, ReadonlyArray<unknown>]> = []
    const a: Attribute = {
      type: "DINT", count: 4,
      read: (start, n) => Effect.succeed(Array.from({ length: n }, (_, i) => 10 * (start + i))),
      write: (start, values) => start === 3
        ? Effect.fail(new AttributeError({ status: 0x0f, extStatus: [], message: "denied" }))
        : Effect.sync(() => { writes.push([start, values]) })
    }
    const s = yield* store(a)
    const tag = s.find("A")!
    const w = s.writeBytes(tag, 1, 2, encodeValues("DINT", [5, 6]))
    expect(Effect.isEffect(w)).toBe(true)
    yield* (w as Effect.Effect<void, TagError>)
    expect(writes).toEqual([[1, [5, 6]]])
    yield* (s.updateBytes(tag, 2, 1, (old) => Uint8Array.of(old[0]! + 1, 0, 0, 0)) as Effect.Effect<void, TagError>)
    expect(writes[1]).toEqual([2, [21]])
    const e = yield* Effect.flip(s.write("A", 3, [1]))
    expect([e.reason, e.status, e.message]).toEqual(["Attribute", 0x0f, "A: denied"])
    const r = yield* (s.readBytes(tag, 1, 2) as Effect.Effect<Uint8Array, TagError>)
    expect(Array.from(r)).toEqual([10, 0, 0, 0, 20, 0, 0, 0])
    // The in-memory neighbour is unaffected and synchronous.
    expect(s.writeBytes(s.find("M")!, 0, 1, encodeValues("DINT", [9]))).toBeUndefined()
  }))

  it.effect("an Attribute-backed SSTRING gets the decoded strings", () => Effect.gen(function* () {
    const writes: Array<ReadonlyArray<unknown>> = []
    const a: Attribute = {
      type: "SSTRING", count: 2,
      read: (_s, n) => Effect.succeed(Array.from({ length: n }, () => "r")),
      write: (_s, values) => Effect.sync(() => { writes.push(values) })
    }
    const s = yield* provide(a, ["A=SSTRING[2]"])
    yield* (s.writeBytes(s.find("A")!, 0, 2, encodeValues("SSTRING", ["p", "q"])) as Effect.Effect<void, TagError>)
    expect(writes).toEqual([["p", "q"]])
    expect(yield* s.read("A")).toEqual(["r", "r"])
  }))

  it.effect("a factory's failure fails the store, naming the tag", () => Effect.gen(function* () {
    const e = yield* Effect.flip(makeTagStore(["A=INT"]).pipe(Effect.provide(AttributeFactory.layer(() =>
      Effect.fail(new AttributeError({ status: 1, extStatus: [], message: "no backing" }))))))
    expect(e).toMatchObject({ _tag: "AttributeError", status: 1, message: "A: no backing" })
  }))
})

describe("structure definitions", () => {
  it.effect("a bad definition is a TagSpecError naming it", () => Effect.gen(function* () {
    const e = yield* Effect.flip(makeTagStore(["M=Motor"], { udts: ["Motor{Speed:FLOAT}"] }))
    expect(e._tag).toBe("TagSpecError")
    expect(e.message).toContain("FLOAT")
    const e2 = yield* Effect.flip(makeTagStore(["M=Motor"], { udts: ["Motor{"] }))
    expect(e2).toMatchObject({ _tag: "TagSpecError", spec: "Motor{" })
    const s = yield* makeTagStore(["M=Motor[2]"], { udts: ["Motor{Speed:REAL,On:BOOL}"] })
    yield* s.write("M", 1, [{ On: true }])
    expect(yield* s.read("M")).toEqual([{ Speed: 0, On: false }, { Speed: 0, On: true }])
    expect(Either.isRight(Either.right(s.types.byName("motor")))).toBe(true)
    const e3 = yield* Effect.flip(s.write("M", 1, [{ Speed: "fast" } as never]))
    expect([e3.reason, e3.status]).toEqual(["BadData", 0x09])
    const e4 = yield* Effect.flip(s.write("M", 1, [{ Speed: 1 }, { Speed: 2 }]))
    expect(e4.reason).toBe("OutOfRange")
    expect(yield* s.read("M")).toEqual([{ Speed: 0, On: false }, { Speed: 0, On: true }])
  }))
})
