/**
 * The default in-memory Attribute on its own: zeroed storage, exact byte ranges, BOOLs packed or
 * one to a byte, SSTRINGs as strings (255 characters at most), and the factories.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { atomic } from "../../src/cip/element.js"
import { encodeValues } from "../../src/cip/types.js"
import { AttributeFactory, memoryAttribute } from "../../src/tags/attribute.js"
import type { TagSpec } from "../../src/tags/spec.js"

describe("memoryAttribute", () => {
  it("atomic: starts zeroed, reads and writes exact element ranges", () => {
    const a = memoryAttribute("INT", 4)
    expect([a.type, a.count]).toEqual(["INT", 4])
    const s = a.sync!
    expect(Array.from(s.unsafeReadBytes(0, 4))).toEqual(Array(8).fill(0))
    s.unsafeWrite(1, [0x0102, -1])
    expect(Array.from(s.unsafeReadBytes(0, 4))).toEqual([0, 0, 2, 1, 0xff, 0xff, 0, 0])
    expect(Array.from(s.unsafeReadBytes(2, 1))).toEqual([0xff, 0xff])
    expect(s.unsafeRead(1, 2)).toEqual([0x0102, -1])
    s.unsafeWriteBytes(3, Uint8Array.of(7, 0))
    expect(s.unsafeRead(0, 4)).toEqual([0, 0x0102, -1, 7])
    // A copy: changing what was read changes nothing stored.
    const copy = s.unsafeReadBytes(0, 1)
    copy[0] = 99
    expect(s.unsafeRead(0, 1)).toEqual([0])
  })

  it.effect("read and write are Effects over the same storage", () => Effect.gen(function* () {
    const a = memoryAttribute("DINT", 3)
    yield* a.write(1, [5, 6])
    expect(yield* a.read(0, 3)).toEqual([0, 5, 6])
    expect(yield* a.read(2, 1)).toEqual([6])
  }))

  it("a BOOL array packs 32 to a DWORD; reads from any bit", () => {
    const a = memoryAttribute({ _tag: "Bits" }, 64)
    expect([a.type, a.count]).toEqual(["BOOL", 64])
    const s = a.sync!
    expect(s.unsafeReadBytes(0, 2)).toHaveLength(8)
    s.unsafeWrite(6, [true, 1, false, true])
    expect(Array.from(s.unsafeReadBytes(0, 1))).toEqual([0b1100_0000, 0b0000_0010, 0, 0])
    s.unsafeWrite(6, [false])
    s.unsafeWrite(40, [true])
    expect(Array.from(s.unsafeReadBytes(0, 2))).toEqual([0b1000_0000, 0b10, 0, 0, 0, 1, 0, 0])
    expect(s.unsafeRead(7, 3)).toEqual([true, false, true])
    expect(s.unsafeRead(39, 3)).toEqual([false, true, false])
    expect(s.unsafeRead(0, 64).filter((b) => b === true)).toHaveLength(3)
    expect(s.unsafeRead(33, 1)).toEqual([false])
  })

  it("an unpacked BOOL array (Modbus coils) keeps one BOOL per byte (true as 0xFF)", () => {
    const a = memoryAttribute(atomic("BOOL"), 8)
    expect([a.type, a.count]).toEqual(["BOOL", 8])
    const s = a.sync!
    s.unsafeWrite(2, [true, false, true])
    expect(Array.from(s.unsafeReadBytes(0, 8))).toEqual([0, 0, 0xff, 0, 0xff, 0, 0, 0])
    expect(s.unsafeRead(1, 4)).toEqual([false, true, false, true])
  })

  it("Logix STRINGs: a corrupt LEN reads as empty strings rather than failing", () => {
    const a = memoryAttribute("STRING", 2)
    const s = a.sync!
    s.unsafeWrite(0, ["abc", "de"])
    expect(s.unsafeRead(0, 2)).toEqual(["abc", "de"])
    const bad = encodeValues("STRING", ["x"])
    new DataView(bad.buffer).setInt32(0, 500, true)
    s.unsafeWriteBytes(1, bad)
    expect(s.unsafeRead(0, 1)).toEqual(["abc"])
    expect(s.unsafeRead(1, 1)).toEqual([""])
    expect(s.unsafeRead(0, 2)).toEqual(["", ""])
  })

  it("SSTRINGs are kept as strings, cut at 255 characters, and encode to their wire form", () => {
    const a = memoryAttribute("SSTRING", 3)
    expect(a.type).toBe("SSTRING")
    const s = a.sync!
    expect(s.unsafeRead(0, 3)).toEqual(["", "", ""])
    s.unsafeWrite(1, ["z".repeat(300), 7 as never])
    expect(s.unsafeRead(1, 2)).toEqual(["z".repeat(255), "7"])
    expect(Array.from(s.unsafeReadBytes(2, 1))).toEqual([1, 0x37])
    s.unsafeWriteBytes(0, encodeValues("SSTRING", ["hi", "yo"]))
    expect(s.unsafeRead(0, 3)).toEqual(["hi", "yo", "7"])
    expect(Array.from(s.unsafeReadBytes(0, 2))).toEqual([2, 0x68, 0x69, 2, 0x79, 0x6f])
  })

  it("an SSTRING write that does not decode, or runs past the end, throws and stores nothing", () => {
    const s = memoryAttribute("SSTRING", 2).sync!
    expect(() => s.unsafeWriteBytes(0, Uint8Array.of(5, 0x41))).toThrow("SSTRING: undecodable write of 2 bytes at 0")
    expect(() => s.unsafeWriteBytes(1, encodeValues("SSTRING", ["a", "b"]))).toThrow("SSTRING: undecodable write of 4 bytes at 1")
    expect(s.unsafeRead(0, 2)).toEqual(["", ""])
    s.unsafeWriteBytes(1, encodeValues("SSTRING", ["b"]))
    expect(s.unsafeRead(0, 2)).toEqual(["", "b"])
  })
})

describe("AttributeFactory", () => {
  const spec: TagSpec = { name: "X", type: "DINT", count: 2, scalar: false }

  it.effect("memory: every tag in memory, of the element and count asked for", () => Effect.gen(function* () {
    const f = yield* AttributeFactory.pipe(Effect.provide(AttributeFactory.memory))
    const a = yield* f.make(spec, atomic("DINT"), 2)
    expect([a.type, a.count, a.sync !== undefined]).toEqual(["DINT", 2, true])
    expect(a.sync!.unsafeReadBytes(0, 2)).toHaveLength(8)
  }))

  it.effect("layer: the custom choice (plain or an Effect), else memory", () => Effect.gen(function* () {
    const custom = memoryAttribute("REAL", 5)
    const f = yield* AttributeFactory.pipe(Effect.provide(AttributeFactory.layer((s) =>
      s.name === "P" ? custom : s.name === "E" ? Effect.succeed(custom) : undefined)))
    expect(yield* f.make({ ...spec, name: "P" }, atomic("DINT"), 2)).toBe(custom)
    expect(yield* f.make({ ...spec, name: "E" }, atomic("DINT"), 2)).toBe(custom)
    const other = yield* f.make(spec, atomic("LINT"), 3)
    expect([other.type, other.count]).toEqual(["LINT", 3])
    expect(other.sync!.unsafeReadBytes(0, 3)).toHaveLength(24)
  }))
})
