/**
 * Element types and their values (src/cip/element.ts): what a tag or member of each kind carries
 * on the wire (type, size, values per element), how structure bytes read as member values, and
 * how values are written into structure bytes — every refusal with its message, and the bytes a
 * refused or partial write leaves. Layouts are built inside each test (a mutant of the layout code
 * is then switched per test, not while this file loads).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  atomic, decodeElements, decodeStruct, elementProblem, type ElementType, encodeElements, encodeInto, encodeStructInto,
  isInteger, memberElement, perElement, typeLabel, wireSize, wireType
} from "../../src/cip/element.js"
import { buildTypes, type StructLayout } from "../../src/cip/layout.js"
import { parseUdtText } from "../../src/cip/udt.js"

/**
 * Pair (4 bytes): A INT @0, hidden host @2, B bit 0 and C bit 1 of byte 2.
 * Motor (132 bytes): Speed REAL @0, hidden host @4, Running bit 0 of byte 4, Faults DINT[4] @8,
 * Name STRING @24, Flags BOOL[40] (2 DWORDs) @112, P Pair @120, Ps Pair[2] @124.
 */
const types = () => {
  const defs = ["Pair{A:INT,B:BOOL,C:BOOL}", "Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING,Flags:BOOL[40],P:Pair,Ps:Pair[2]}"]
    .map((t) => Either.getOrThrow(parseUdtText(t)))
  const reg = Either.getOrThrow(buildTypes(defs))
  return { pair: reg.byName("Pair")!, motor: reg.byName("Motor")! }
}
const member = (l: StructLayout, name: string) => l.member(name)!
const struct = (layout: StructLayout): ElementType => ({ _tag: "Struct", layout })
const left = <A, E>(e: Either.Either<A, E>): E => {
  if (Either.isRight(e)) throw new Error(`expected a Left, got ${JSON.stringify(e.right, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`)
  return e.left
}

describe("element types", () => {
  it("each member kind has its element type: bit, BOOL array, atomic, STRING (atomic), nested structure", () => {
    const { motor, pair } = types()
    expect(memberElement(member(motor, "Running"))).toEqual({ _tag: "Bit", bit: 0 })
    expect(memberElement(member(pair, "C"))).toEqual({ _tag: "Bit", bit: 1 })
    expect(memberElement(member(motor, "Flags"))).toEqual({ _tag: "Bits" })
    expect(memberElement(member(motor, "Speed"))).toEqual({ _tag: "Atomic", name: "REAL" })
    expect(memberElement(member(motor, "Faults"))).toEqual({ _tag: "Atomic", name: "DINT" })
    expect(memberElement(member(motor, "Name"))).toEqual({ _tag: "Atomic", name: "STRING" })
    const p = memberElement(member(motor, "P"))
    expect(p._tag).toBe("Struct")
    expect(p._tag === "Struct" && p.layout).toBe(pair)
  })

  it("the type on the wire: atomic code, Logix STRING as STRUCT 0x0FCE, BOOL array as DWORD, structure handle, BOOL", () => {
    const { motor } = types()
    expect(wireType(atomic("INT"))).toEqual({ code: 0xc3 })
    expect(wireType(atomic("STRING"))).toEqual({ code: 0x02a0, handle: 0x0fce })
    expect(wireType({ _tag: "Bits" })).toEqual({ code: 0xd3 })
    expect(wireType(struct(motor))).toEqual({ code: 0x02a0, handle: motor.handle })
    expect(wireType({ _tag: "Bit", bit: 5 })).toEqual({ code: 0xc1 })
  })

  it("bytes and values per wire element, labels, and which types are integers", () => {
    const { motor } = types()
    expect(wireSize(atomic("DINT"))).toBe(4)
    expect(wireSize(atomic("LREAL"))).toBe(8)
    expect(wireSize(atomic("SSTRING"))).toBeUndefined()
    expect(wireSize({ _tag: "Bits" })).toBe(4)
    expect(wireSize(struct(motor))).toBe(132)
    expect(wireSize({ _tag: "Bit", bit: 3 })).toBe(1)
    expect(perElement({ _tag: "Bits" })).toBe(32)
    for (const t of [atomic("BOOL"), { _tag: "Bit", bit: 0 } as const, struct(motor)]) expect(perElement(t)).toBe(1)
    expect(typeLabel(atomic("INT"))).toBe("INT")
    expect(typeLabel(struct(motor))).toBe("Motor")
    expect(typeLabel({ _tag: "Bits" })).toBe("BOOL")
    expect(typeLabel({ _tag: "Bit", bit: 2 })).toBe("BOOL")
    for (const n of ["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "DWORD"] as const) {
      expect(isInteger(atomic(n)), n).toBe(true)
    }
    for (const n of ["REAL", "LREAL", "STRING", "SSTRING"] as const) expect(isInteger(atomic(n)), n).toBe(false)
    expect(isInteger({ _tag: "Bits" })).toBe(true)
    expect(isInteger({ _tag: "Bit", bit: 0 })).toBe(false)
    expect(isInteger(struct(motor))).toBe(false)
  })
})

/** Motor bytes with every member set (Running on, Flags 0 and 33 on, Ps[1].C on). */
const motorBytes = () => {
  const b = new Uint8Array(132)
  const dv = new DataView(b.buffer)
  dv.setFloat32(0, 1.5, true)
  b[4] = 0x01 | 0xfe // Running, and bits no member owns
  for (let i = 0; i < 4; i++) dv.setInt32(8 + 4 * i, -(i + 1), true)
  dv.setInt32(24, 2, true); b[28] = 0x50; b[29] = 0x31 // "P1"
  b[112] = 0x01; b[116] = 0x02 // Flags[0], Flags[33]
  dv.setInt16(120, 7, true); b[122] = 0x01 // P: A 7, B
  dv.setInt16(124, -2, true); b[126] = 0x00; dv.setInt16(128, 300, true); b[130] = 0x02 // Ps[0], Ps[1] (C)
  return b
}

describe("structure bytes as values", () => {
  it("every visible member by name, arrays as lists, hidden hosts left out", () => {
    const { motor } = types()
    const v = decodeStruct(motor, motorBytes())
    expect(Object.keys(v)).toEqual(["Speed", "Running", "Faults", "Name", "Flags", "P", "Ps"])
    expect(v["Speed"]).toBe(1.5)
    expect(v["Running"]).toBe(true)
    expect(v["Faults"]).toEqual([-1, -2, -3, -4])
    expect(v["Name"]).toBe("P1")
    expect(v["Flags"]).toEqual(Array.from({ length: 64 }, (_, i) => i === 0 || i === 33))
    expect(v["P"]).toEqual({ A: 7, B: true, C: false })
    expect(v["Ps"]).toEqual([{ A: -2, B: false, C: false }, { A: 300, B: false, C: true }])
  })

  it("a corrupt STRING LEN reads as empty strings (one per element), the other members as stored", () => {
    const defs = [Either.getOrThrow(parseUdtText("Named{N:STRING,Ns:STRING[2],X:SINT}"))]
    const named = Either.getOrThrow(buildTypes(defs)).byName("Named")!
    const b = new Uint8Array(named.size)
    const dv = new DataView(b.buffer)
    dv.setInt32(0, 83, true) // N: LEN past 82
    dv.setInt32(88, 1, true); b[92] = 0x41 // Ns[0] = "A"
    dv.setInt32(176, -1, true) // Ns[1]: negative LEN
    b[264] = 0xfe // X
    expect(decodeStruct(named, b)).toEqual({ N: "", Ns: ["", ""], X: -2 })
    dv.setInt32(176, 0, true)
    expect(decodeStruct(named, b)).toEqual({ N: "", Ns: ["A", ""], X: -2 })
  })

  it("single BOOL members: bit `bit` of each byte; too few bytes is Truncated", () => {
    expect(decodeElements({ _tag: "Bit", bit: 3 }, Uint8Array.of(0x08, 0xf7, 0xff), 3)).toEqual(Either.right([true, false, true]))
    expect(decodeElements({ _tag: "Bit", bit: 0 }, Uint8Array.of(0x01, 0x00), 2)).toEqual(Either.right([true, false]))
    const e = left(decodeElements({ _tag: "Bit", bit: 0 }, Uint8Array.of(1, 1), 3))
    expect(e).toMatchObject({ reason: "Truncated", offset: 2, message: "not enough data for BOOL" })
  })

  it("BOOL arrays: 32 BOOLs per DWORD, bit 0 of byte 0 first; too few bytes is Truncated", () => {
    const bits = Either.getOrThrow(decodeElements({ _tag: "Bits" }, Uint8Array.of(0x01, 0x80, 0x00, 0x40, 0x00, 0x00, 0x00, 0x80), 2))
    expect(bits).toHaveLength(64)
    expect(bits.flatMap((b, i) => (b ? [i] : []))).toEqual([0, 15, 30, 63])
    const e = left(decodeElements({ _tag: "Bits" }, new Uint8Array(7), 2))
    expect(e).toMatchObject({ reason: "Truncated", offset: 7, message: "not enough data for BOOL[]" })
    expect(decodeElements({ _tag: "Bits" }, new Uint8Array(4), 1)).toEqual(Either.right(Array.from({ length: 32 }, () => false)))
  })

  it("structure elements: each element's own bytes; too few bytes is Truncated naming the structure", () => {
    const { pair } = types()
    const b = Uint8Array.of(0x01, 0x00, 0x01, 0x00, 0xff, 0xff, 0x02, 0x00)
    expect(decodeElements(struct(pair), b, 2)).toEqual(Either.right([{ A: 1, B: true, C: false }, { A: -1, B: false, C: true }]))
    const e = left(decodeElements(struct(pair), b.subarray(0, 7), 2))
    expect(e).toMatchObject({ reason: "Truncated", offset: 7, message: "not enough data for Pair" })
    expect(decodeElements(struct(pair), b, 1)).toEqual(Either.right([{ A: 1, B: true, C: false }]))
  })

  it("atomic elements read as their type", () => {
    expect(decodeElements(atomic("INT"), Uint8Array.of(0xff, 0xff, 0x02, 0x00), 2)).toEqual(Either.right([-1, 2]))
  })
})

describe("values into structure bytes", () => {
  it("writes the members a value names and keeps the others' bytes", () => {
    const { motor } = types()
    const b = motorBytes()
    const before = b.slice()
    expect(encodeStructInto(motor, { Speed: -2, Faults: [9, 8], Running: false, Name: "Zed", Flags: [false, true], P: { B: false }, Ps: [{ A: 5 }, { C: false }] }, b)).toBeUndefined()
    const v = decodeStruct(motor, b)
    expect(v).toEqual({
      Speed: -2, Running: false, Faults: [9, 8, -3, -4], Name: "Zed",
      Flags: Array.from({ length: 64 }, (_, i) => i === 1 || i === 33),
      P: { A: 7, B: false, C: false }, Ps: [{ A: 5, B: false, C: false }, { A: 300, B: false, C: false }]
    })
    expect(b[4]).toBe(0xfe) // Running cleared, the host's other bits kept
    expect(b.subarray(16, 24)).toEqual(before.subarray(16, 24))
    expect(b[126]).toBe(before[126])
  })

  it("refuses what is not an object of members, naming the structure and the value", () => {
    const { motor } = types()
    const b = new Uint8Array(132)
    expect(encodeStructInto(motor, 5, b)).toBe('a Motor value is an object of members, not "5"')
    expect(encodeStructInto(motor, [1, 2], b)).toBe('a Motor value is an object of members, not "1,2"')
    expect(encodeStructInto(motor, null, b)).toBe('a Motor value is an object of members, not "null"')
    expect(encodeStructInto(motor, "x", b)).toBe('a Motor value is an object of members, not "x"')
    expect(b).toEqual(new Uint8Array(132))
  })

  it("refuses unknown and hidden members, arrays of the wrong shape, and a member value of the wrong type", () => {
    const { motor } = types()
    const b = new Uint8Array(132)
    expect(encodeStructInto(motor, { Torque: 1 }, b)).toBe("Motor has no member Torque")
    expect(encodeStructInto(motor, { ZZZZZZZZZZMotor1: 1 }, b)).toBe("Motor has no member ZZZZZZZZZZMotor1")
    expect(encodeStructInto(motor, { Faults: 3 }, b)).toBe("Motor.Faults is an array of 4")
    expect(encodeStructInto(motor, { Faults: [1, 2, 3, 4, 5] }, b)).toBe("Motor.Faults holds 4 elements, not 5")
    expect(encodeStructInto(motor, { Speed: [1] }, b)).toBe('Motor.Speed: "1" is not a REAL')
    expect(encodeStructInto(motor, { Faults: [1, 2.5] }, b)).toBe("Motor.Faults: not an integer")
    expect(encodeStructInto(motor, { P: { A: 1e6 } }, b)).toBe("Motor.P: Pair.A: out of range -32768..32767")
    expect(b).toEqual(new Uint8Array(132))
    // Names are found whatever their case; the members before a refused one are written.
    expect(encodeStructInto(motor, { speed: 3, faults: "x" }, b)).toBe("Motor.Faults is an array of 4")
    expect(new DataView(b.buffer).getFloat32(0, true)).toBe(3)
  })

  it("a full array member is accepted", () => {
    const { motor } = types()
    const b = new Uint8Array(132)
    expect(encodeStructInto(motor, { Faults: [1, 2, 3, 4] }, b)).toBeUndefined()
    expect(decodeStruct(motor, b)["Faults"]).toEqual([1, 2, 3, 4])
  })
})

describe("values into element bytes", () => {
  it("atomic: every value checked before any byte is written; more values than room is refused", () => {
    const t = new Uint8Array(8).fill(0xaa)
    expect(encodeInto(atomic("DINT"), [1, "2"], t)).toBe('"2" is not a DINT')
    expect(t).toEqual(new Uint8Array(8).fill(0xaa))
    expect(encodeInto(atomic("DINT"), [1, 2, 3], t)).toBe("3 DINT values do not fit 8 bytes")
    expect(t).toEqual(new Uint8Array(8).fill(0xaa))
    expect(encodeInto(atomic("DINT"), [1, -1], t)).toBeUndefined()
    expect(t).toEqual(Uint8Array.of(1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff))
    const u = new Uint8Array(4).fill(0xaa)
    expect(encodeInto(atomic("INT"), [0x1234], u)).toBeUndefined()
    expect(u).toEqual(Uint8Array.of(0x34, 0x12, 0xaa, 0xaa))
  })

  it("single BOOLs: one byte each, only the member's bit changed", () => {
    const t = Uint8Array.of(0xf0, 0x0f, 0x55)
    expect(encodeInto({ _tag: "Bit", bit: 2 }, [true, 0, 1n], t)).toBeUndefined()
    expect(t).toEqual(Uint8Array.of(0xf4, 0x0b, 0x55))
    expect(encodeInto({ _tag: "Bit", bit: 0 }, [false, 0n], t)).toBeUndefined()
    expect(t).toEqual(Uint8Array.of(0xf4, 0x0a, 0x55))
  })

  it("BOOL arrays: bit i of byte i/8; too many BOOLs refused after writing those that fit", () => {
    const t = new Uint8Array(4)
    expect(encodeInto({ _tag: "Bits" }, [true, false, false, false, false, false, false, false, false, true, 1], t)).toBeUndefined()
    expect(t).toEqual(Uint8Array.of(0x01, 0x06, 0, 0))
    const s = Uint8Array.of(0xff, 0xff)
    expect(encodeInto({ _tag: "Bits" }, [false, ...Array.from({ length: 16 }, () => false)], s)).toBe("17 BOOLs do not fit")
    expect(s).toEqual(Uint8Array.of(0, 0))
    const one = Uint8Array.of(0)
    expect(encodeInto({ _tag: "Bit", bit: 7 }, [true, true], one)).toBe("2 BOOLs do not fit")
    expect(one).toEqual(Uint8Array.of(0x80))
  })

  it("BOOL values: booleans, 0 and 1 (numbers or bigints); anything else refused by name", () => {
    const t = new Uint8Array(4)
    for (const bad of [2, -1, "1", null, undefined, 1.5, 2n, {}]) {
      expect(encodeInto({ _tag: "Bits" }, [bad], t)).toBe(`${JSON.stringify(String(bad))} is not a BOOL`)
      expect(elementProblem({ _tag: "Bit", bit: 0 }, bad)).toBe(`${JSON.stringify(String(bad))} is not a BOOL`)
      expect(elementProblem({ _tag: "Bits" }, bad)).toBe(`${JSON.stringify(String(bad))} is not a BOOL`)
    }
    for (const good of [true, false, 0, 1, 0n, 1n]) {
      expect(elementProblem({ _tag: "Bits" }, good)).toBeUndefined()
      expect(elementProblem({ _tag: "Bit", bit: 4 }, good)).toBeUndefined()
    }
    expect(encodeInto({ _tag: "Bits" }, [1n, 0n, true, 1], t)).toBeUndefined()
    expect(t[0]).toBe(0x0d)
  })

  it("structures: element after element; more elements than room, or a bad member, refused", () => {
    const { pair } = types()
    const t = new Uint8Array(8)
    expect(encodeInto(struct(pair), [{ A: 1, B: true }, { A: 2, C: true }], t)).toBeUndefined()
    expect(t).toEqual(Uint8Array.of(1, 0, 1, 0, 2, 0, 2, 0))
    expect(encodeInto(struct(pair), [{ A: 3 }, { A: 4 }, { A: 5 }], t)).toBe("3 Pair values do not fit")
    expect(t).toEqual(Uint8Array.of(3, 0, 1, 0, 4, 0, 2, 0))
    expect(encodeInto(struct(pair), [{ A: 6 }, { D: 1 }], t)).toBe("Pair has no member D")
    expect(t[0]).toBe(6)
    expect(encodeInto(struct(pair), [{ A: 7 }], t.subarray(0, 3))).toBe("1 Pair values do not fit")
  })
})

describe("which values a type takes", () => {
  it("LINT/ULINT take bigints and numbers; strings only strings; BOOL booleans and numbers; the rest numbers", () => {
    expect(elementProblem(atomic("LINT"), 5n)).toBeUndefined()
    expect(elementProblem(atomic("LINT"), 5)).toBeUndefined()
    expect(elementProblem(atomic("ULINT"), 5n)).toBeUndefined()
    expect(elementProblem(atomic("ULINT"), 7)).toBeUndefined()
    expect(elementProblem(atomic("ULINT"), -1n)).toBe("out of range 0..18446744073709551615")
    expect(elementProblem(atomic("LINT"), "5")).toBe('"5" is not a LINT')
    expect(elementProblem(atomic("ULINT"), true)).toBe('"true" is not a ULINT')
    expect(elementProblem(atomic("STRING"), "hi")).toBeUndefined()
    expect(elementProblem(atomic("SSTRING"), "hi")).toBeUndefined()
    expect(elementProblem(atomic("STRING"), 5)).toBe('"5" is not a STRING')
    expect(elementProblem(atomic("SSTRING"), 5)).toBe('"5" is not a SSTRING')
    expect(elementProblem(atomic("BOOL"), true)).toBeUndefined()
    expect(elementProblem(atomic("BOOL"), 1)).toBeUndefined()
    expect(elementProblem(atomic("BOOL"), "1")).toBe('"1" is not a BOOL')
    expect(elementProblem(atomic("DINT"), 5n)).toBe('"5" is not a DINT')
    expect(elementProblem(atomic("DINT"), true)).toBe('"true" is not a DINT')
    expect(elementProblem(atomic("REAL"), 1.25)).toBeUndefined()
    expect(elementProblem(atomic("REAL"), Number.NaN)).toBe('"NaN" is not a REAL')
    expect(elementProblem(atomic("LINT"), Number.NaN)).toBe('"NaN" is not a LINT')
    expect(elementProblem(atomic("SINT"), 200)).toBe("out of range -128..127")
    expect(elementProblem(atomic("STRING"), "x".repeat(83))).toBe("longer than 82 characters")
  })

  it("a structure value is checked against a scratch element (nothing else is written)", () => {
    const { pair } = types()
    expect(elementProblem(struct(pair), { A: 1, B: true })).toBeUndefined()
    expect(elementProblem(struct(pair), { A: "1" })).toBe('Pair.A: "1" is not a INT')
    expect(elementProblem(struct(pair), 3)).toBe('a Pair value is an object of members, not "3"')
  })
})

describe("whole elements encoded", () => {
  it("atomic values, or the first value's problem as BadValue", () => {
    expect(encodeElements(atomic("UINT"), [1, 0xffff])).toEqual(Either.right(Uint8Array.of(1, 0, 0xff, 0xff)))
    // SSTRING has no fixed element size: each value takes its length byte and characters.
    expect(encodeElements(atomic("SSTRING"), ["ab", ""])).toEqual(Either.right(Uint8Array.of(2, 0x61, 0x62, 0)))
    expect(left(encodeElements(atomic("UINT"), [1, -1, "x"]))).toMatchObject({ reason: "BadValue", offset: 0, message: "out of range 0..65535" })
  })

  it("BOOL arrays in whole DWORDs; structures in whole elements; a problem as BadValue", () => {
    const { pair } = types()
    const bits = Either.getOrThrow(encodeElements({ _tag: "Bits" }, Array.from({ length: 33 }, (_, i) => i === 32 || i === 0)))
    expect(bits).toEqual(Uint8Array.of(1, 0, 0, 0, 1, 0, 0, 0))
    expect(Either.getOrThrow(encodeElements({ _tag: "Bits" }, [true]))).toEqual(Uint8Array.of(1, 0, 0, 0))
    expect(Either.getOrThrow(encodeElements(struct(pair), [{ A: 1 }, { B: true }]))).toEqual(Uint8Array.of(1, 0, 0, 0, 0, 0, 1, 0))
    expect(left(encodeElements(struct(pair), [{ A: 1 }, { Q: 1 }]))).toMatchObject({ reason: "BadValue", offset: 0, message: "Pair has no member Q" })
    expect(left(encodeElements({ _tag: "Bits" }, [true, 3]))).toMatchObject({ reason: "BadValue", message: '"3" is not a BOOL' })
  })
})
