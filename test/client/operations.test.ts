import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { runs } from "../propertyRuns.js"
import type { TypeName } from "../../src/cip/types.js"
import {
  OperationParseError, operationPath, parseOperation, parseOperations, printOperation, type Operation, type Target
} from "../../src/client/operations.js"

const ok = (s: string, opts = {}): Operation => {
  const r = parseOperation(s, opts)
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const bad = (s: string, opts = {}): OperationParseError => {
  const r = parseOperation(s, opts)
  if (Either.isRight(r)) throw new Error(`expected ${s} to fail, got ${JSON.stringify(r.right, (_k, v) => typeof v === "bigint" ? `${v}n` : v)}`)
  return r.left
}

describe("parseOperation: every form", () => {
  it("reads", () => {
    expect(ok("Tag")).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "Tag" }] } })
    expect(ok("Tag[3]")).toMatchObject({ element: 3 })
    expect(ok("Tag[3]").elements).toBeUndefined()
    expect(ok("Tag[0-9]")).toMatchObject({ element: 0, elements: 10 })
    expect(ok("Tag[0-9]+16")).toMatchObject({ element: 0, elements: 10, offset: 16 })
    expect(ok("Program:Main.Tag").target).toEqual({ _tag: "Symbolic", names: [{ name: "Program:Main" }, { name: "Tag" }] })
    expect(ok("Tag.Member").target).toEqual({ _tag: "Symbolic", names: [{ name: "Tag" }, { name: "Member" }] })
    expect(ok("A[2].B[1-2]")).toMatchObject({ target: { names: [{ name: "A", index: 2 }, { name: "B" }] }, element: 1, elements: 2 })
  })
  it("numeric addressing in any base", () => {
    expect(ok("@0x6B/0o10/0b11").target).toEqual({ _tag: "Numeric", classId: 0x6b, instance: 8, attribute: 3 })
    expect(ok("@1/1").target).toEqual({ _tag: "Numeric", classId: 1, instance: 1 })
    expect(ok("@0x1FF/01/0x1A[99]")).toMatchObject({ target: { classId: 511, instance: 1, attribute: 26 }, element: 99 })
    expect(ok("@4/5/3[2]=(SINT)7")).toMatchObject({ method: "write", element: 2, type: "SINT", values: [7], elements: 1 })
  })
  it("writes with implicit and explicit types", () => {
    expect(ok("Tag=1")).toMatchObject({ method: "write", type: "INT", values: [1], elements: 1 })
    expect(ok("Tag[0-3]=1,2,3,4")).toMatchObject({ type: "INT", values: [1, 2, 3, 4], elements: 4, element: 0 })
    expect(ok("Tag[4-6]=(DINT)1,2,3")).toMatchObject({ type: "DINT", values: [1, 2, 3], elements: 3 })
    expect(ok("Tag=1.5,2")).toMatchObject({ type: "REAL", values: [1.5, 2] })
    expect(ok("Tag=(LINT)-0x10")).toMatchObject({ type: "LINT", values: [-16n] })
    expect(ok("Tag=(ULINT)18446744073709551615")).toMatchObject({ values: [18446744073709551615n] })
    expect(ok("Tag=(BOOL)1,0,true")).toMatchObject({ type: "BOOL", values: [true, false, true] })
    expect(ok('Tag=(STRING)"a, ""b""",c')).toMatchObject({ type: "STRING", values: ['a, "b"', "c"] })
    expect(ok("Tag=(SSTRING)hello")).toMatchObject({ type: "SSTRING", values: ["hello"] })
    expect(ok("Tag=(lreal)1e300")).toMatchObject({ type: "LREAL", values: [1e300] })
    expect(ok("Tag=5", { intType: "DINT" })).toMatchObject({ type: "DINT" })
    for (const t of ["SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "BOOL"]) {
      expect(ok(`X=(${t})1`).type).toBe(t)
    }
  })
  it("fragmented writes check the range, not the count", () => {
    expect(ok("Tag[0-9]+4=(INT)1,2")).toMatchObject({ offset: 4, elements: 10, values: [1, 2] })
    expect(ok("Tag[0-9]=1,2", { fragment: true })).toMatchObject({ elements: 10 })
    expect(bad("Tag[0-1]+2=(INT)1,2").reason).toMatch(/overrun/)
    expect(bad("Tag[0-9]+3=(INT)1").reason).toMatch(/multiple/)
  })
  it("mistakes are typed errors", () => {
    expect(bad("Tag[0-3]=1,2,3").reason).toBe("3 values given for 4 elements")
    expect(bad("Tag=(FOO)1").reason).toMatch(/unknown type/)
    expect(bad("Tag=(SINT)200").reason).toMatch(/out of range/)
    expect(bad("Tag[5-2]").reason).toMatch(/range/)
    expect(bad("").reason).toMatch(/missing/)
    expect(bad("@1").reason).toMatch(/numeric/)
    expect(bad("@1/x/3").reason).toMatch(/invalid number/)
    expect(bad("Tag+x").reason).toMatch(/offset/)
    expect(bad("Tag=").reason).toMatch(/missing value/)
    expect(bad("1Tag").reason).toMatch(/tag name/)
    expect(bad('Tag=(STRING)"abc').reason).toMatch(/unterminated/)
    expect(bad("Tag=abc")._tag).toBe("OperationParseError")
    expect(bad("A[1-2].B").reason).toMatch(/range/)
    const all = parseOperations(["Tag", "Tag[", "X"])
    expect(Either.isLeft(all) && all.left.input).toBe("Tag[")
  })
  it("paths", () => {
    expect(operationPath(ok("Tag[3]"))).toEqual([{ _tag: "Symbolic", name: "Tag" }, { _tag: "Element", index: 3 }])
    expect(operationPath(ok("@1/2/3"))).toEqual([{ _tag: "Class", id: 1 }, { _tag: "Instance", id: 2 }, { _tag: "Attribute", id: 3 }])
  })
})

// ---- property tests
const nameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_:]{0,12}$/)
const targetArb: fc.Arbitrary<Target> = fc.oneof(
  fc.array(fc.record({ name: nameArb, index: fc.option(fc.nat(1000), { nil: undefined }) }), { minLength: 1, maxLength: 3 })
    .map((ns) => ({
      _tag: "Symbolic" as const,
      names: ns.map((n, i) => (n.index !== undefined && i < ns.length - 1 ? { name: n.name, index: n.index } : { name: n.name }))
    })),
  fc.record({ classId: fc.nat(0xffff), instance: fc.nat(0xffff), attribute: fc.option(fc.nat(0xff), { nil: undefined }) })
    .map(({ classId, instance, attribute }) => attribute === undefined
      ? { _tag: "Numeric" as const, classId, instance }
      : { _tag: "Numeric" as const, classId, instance, attribute })
)
const valueArb = (t: TypeName): fc.Arbitrary<unknown> => {
  switch (t) {
    case "BOOL": return fc.boolean()
    case "SINT": return fc.integer({ min: -128, max: 127 })
    case "INT": return fc.integer({ min: -32768, max: 32767 })
    case "DINT": return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
    case "USINT": return fc.integer({ min: 0, max: 255 })
    case "UINT": return fc.integer({ min: 0, max: 65535 })
    case "UDINT": case "DWORD": return fc.integer({ min: 0, max: 2 ** 32 - 1 })
    case "LINT": return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    case "ULINT": return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
    case "REAL": case "LREAL": return fc.double({ noNaN: true })
    case "SSTRING": case "STRING": return fc.string({ maxLength: 20 }).filter((s) => [...s].every((c) => c.charCodeAt(0) <= 0xff))
  }
}
const typeArb = fc.constantFrom<TypeName>("BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "SSTRING", "STRING")
const opArb: fc.Arbitrary<Operation> = fc.record({
  target: targetArb,
  element: fc.option(fc.nat(500), { nil: undefined }),
  write: fc.boolean(),
  type: typeArb,
  n: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer()
}).chain(({ target, element, write, type, n }) => {
  const el = target._tag === "Numeric" && target.attribute === undefined ? undefined : element
  if (!write) {
    return fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }).map((count): Operation => ({
      method: "read", target,
      ...(el !== undefined ? { element: el } : {}),
      ...(el !== undefined && count !== undefined ? { elements: count } : {})
    }))
  }
  return fc.array(valueArb(type), { minLength: n, maxLength: n }).map((values): Operation => ({
    method: "write", target, ...(el !== undefined ? { element: el } : {}), elements: n, type, values: values as Operation["values"] & object
  }))
})

/** Bits of integers: `DINT1.5`, `M[3].Faults[2].31`, `BOOLS[1].5=1` (one BOOL, one element). */
const bitOpArb: fc.Arbitrary<Operation> = fc.record({
  names: fc.array(fc.record({ name: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), index: fc.option(fc.nat(100), { nil: undefined }) })
    .map(({ name, index }) => (index === undefined ? { name } : { name, index })), { minLength: 1, maxLength: 3 }),
  bit: fc.nat(63),
  value: fc.option(fc.boolean(), { nil: undefined })
}).map(({ names, bit, value }): Operation => {
  const last = names[names.length - 1]!
  const target: Target = { _tag: "Symbolic", names: [...names.slice(0, -1), { name: last.name }] }
  const el = "index" in last ? { element: last.index } : {}
  return value === undefined
    ? { method: "read", target, ...el, bit }
    : { method: "write", target, ...el, bit, elements: 1, type: "BOOL", values: [value] }
})

describe("bits of integers", () => {
  it("`DINT1.5` reads bit 5; `BOOLS[1].5=1` writes it; a bit takes one BOOL value and no range or offset", () => {
    expect(Either.getOrThrow(parseOperation("DINT1.5"))).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "DINT1" }] }, bit: 5 })
    expect(Either.getOrThrow(parseOperation("M[3].Faults[2].31=1"))).toMatchObject({ method: "write", element: 2, bit: 31, type: "BOOL", values: [true], elements: 1 })
    expect(printOperation(Either.getOrThrow(parseOperation("BOOLS[1].5=(BOOL)0")))).toBe("BOOLS[1].5=(BOOL)0")
    for (const bad of ["D.64", "D.5=1,0", "D.5=(DINT)1", "D[0-3].5", "D.5+4"]) expect(Either.isLeft(parseOperation(bad))).toBe(true)
  })
})

describe("parseOperation properties", () => {
  it("parse ∘ print = id (bits too)", () => {
    fc.assert(fc.property(bitOpArb, (op) => { expect(Either.getOrThrow(parseOperation(printOperation(op)))).toEqual(op) }), runs(300))
  })
  it("parse ∘ print = id", () => {
    fc.assert(fc.property(opArb, (op) => {
      const back = parseOperation(printOperation(op))
      expect(Either.getOrThrow(back)).toEqual(op)
    }), runs(500))
  })
  it("garbage gives a typed error or an operation, never a throw", () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => {
      const r = parseOperation(s)
      if (Either.isLeft(r)) {
        expect(r.left).toBeInstanceOf(OperationParseError)
        expect(r.left.input).toBe(s)
      } else {
        expect(Either.getOrThrow(parseOperation(printOperation(r.right)))).toEqual(r.right)
      }
    }), runs(2000))
  })
  it("near-miss garbage from the grammar's own alphabet: typed error or a round-tripping operation", () => {
    const alphabet = fc.constantFrom(..."Tg_:.[]-+=,()@/\"0123456789xXbBoO INTDREALSTRING".split(""))
    fc.assert(fc.property(fc.stringOf(alphabet, { maxLength: 30 }), (s) => {
      const r = parseOperation(s)
      if (Either.isLeft(r)) expect(r.left._tag).toBe("OperationParseError")
      else expect(Either.getOrThrow(parseOperation(printOperation(r.right)))).toEqual(r.right)
    }), runs(5000))
  })
})
