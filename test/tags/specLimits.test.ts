/**
 * Tag spec edges: the exact error each mistake gets, the limits (element count, class, instance,
 * attribute ranges), the controller's reserved classes, and which element a tag's type stores.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  elementOf, formatTagSpec, MAX_ELEMENTS, parseNumber, parseTagSpec, parseTagSpecs, RESERVED_CLASSES, type TagSpec
} from "../../src/tags/spec.js"
import { makeTypes } from "../../src/tags/tagStore.js"

const ok = (s: string, types?: Parameters<typeof parseTagSpec>[1]) => Either.getOrThrow(parseTagSpec(s, types))
const why = (s: string, types?: Parameters<typeof parseTagSpec>[1]) => {
  const r = parseTagSpec(s, types)
  if (Either.isRight(r)) throw new Error(`accepted ${s}`)
  return r.left.message
}

describe("parseTagSpec messages", () => {
  it("names the mistake", () => {
    expect(why("SCADA[3")).toBe(`bad tag spec "SCADA[3": expected NAME[@cls/ins/att][=TYPE][[n]]`)
    expect(why("1BAD=INT")).toBe(`bad tag spec "1BAD=INT": invalid tag name "1BAD"`)
    expect(why("A.B=INT")).toBe(`bad tag spec "A.B=INT": invalid tag name "A.B" (a tag name has no '.'; a program tag is Program:Name.Tag)`)
    expect(why("Program:A=INT")).toBe(`bad tag spec "Program:A=INT": invalid tag name "Program:A"`)
    expect(why("T=DWORD")).toBe(`bad tag spec "T=DWORD": unknown type "DWORD" (one of BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING, or a structure declared with --udt)`)
    expect(why("T=INT[0]")).toBe(`bad tag spec "T=INT[0]": element count "0" is not a positive integer`)
    expect(why("T=INT[]")).toBe(`bad tag spec "T=INT[]": element count "" is not a positive integer`)
    expect(why("T@1/2=INT")).toBe(`bad tag spec "T@1/2=INT": attribute placement must be @class/instance/attribute`)
    expect(why("T@1/2/3/4=INT")).toBe(`bad tag spec "T@1/2/3/4=INT": attribute placement must be @class/instance/attribute`)
    expect(why("T@zz/1/1=INT")).toBe(`bad tag spec "T@zz/1/1=INT": invalid number in @zz/1/1`)
    expect(why("T@1/zz/1=INT")).toBe(`bad tag spec "T@1/zz/1=INT": invalid number in @1/zz/1`)
    expect(why("T@1/1/zz=INT")).toBe(`bad tag spec "T@1/1/zz=INT": invalid number in @1/1/zz`)
  })

  it("with declared structures, the unknown-type message lists them", () => {
    const types = Either.getOrThrow(makeTypes(["Motor{Speed:REAL}", "Valve{Open:BOOL}"]))
    expect(why("T=Pump", types)).toBe(`bad tag spec "T=Pump": unknown type "Pump" (one of BOOL SINT INT DINT LINT USINT UINT UDINT ULINT REAL LREAL SSTRING STRING, or a structure: Motor Valve)`)
    expect(ok("M=motor[2]", types)).toEqual({ name: "M", type: "Motor", count: 2, scalar: false })
    expect(ok("S=string", types)).toMatchObject({ type: "STRING" })
  })

  it("element counts up to MAX_ELEMENTS (2^24), not one more", () => {
    expect(MAX_ELEMENTS).toBe(16_777_216)
    expect(ok(`T=SINT[${MAX_ELEMENTS}]`).count).toBe(MAX_ELEMENTS)
    expect(why(`T=SINT[${MAX_ELEMENTS + 1}]`)).toBe(`bad tag spec "T=SINT[16777217]": element count 16777217 exceeds 16777216`)
    expect(ok("T=INT[ 2 ]").count).toBe(2)
    expect(ok("T=INT[1]").scalar).toBe(true)
    expect(ok("T=INT[2]").scalar).toBe(false)
  })

  it("class and attribute 1..0xFFFF, instance 1..0xFFFFFFFF", () => {
    expect(ok("T@0xFFFF/0xFFFFFFFF/0xFFFF=INT").placement).toEqual({ cls: 0xffff, ins: 0xffffffff, att: 0xffff })
    expect(ok("T@1/1/1=INT").placement).toEqual({ cls: 1, ins: 1, att: 1 })
    expect(why("T@0/1/1=INT")).toBe(`bad tag spec "T@0/1/1=INT": class 0 out of range 1..0xFFFF`)
    expect(why("T@0x10000/1/1=INT")).toBe(`bad tag spec "T@0x10000/1/1=INT": class 65536 out of range 1..0xFFFF`)
    expect(why("T@5/0/1=INT")).toBe(`bad tag spec "T@5/0/1=INT": instance 0 out of range 1..0xFFFFFFFF`)
    expect(why("T@5/0x100000000/1=INT")).toBe(`bad tag spec "T@5/0x100000000/1=INT": instance 4294967296 out of range 1..0xFFFFFFFF`)
    expect(why("T@5/1/0=INT")).toBe(`bad tag spec "T@5/1/0=INT": attribute 0 out of range 1..0xFFFF`)
    expect(why("T@5/1/65536=INT")).toBe(`bad tag spec "T@5/1/65536=INT": attribute 65536 out of range 1..0xFFFF`)
  })

  it("trims surrounding blanks of the spec and name", () => {
    expect(ok("  SCADA =DINT[2]  ")).toEqual({ name: "SCADA", type: "DINT", count: 2, scalar: false })
  })
})

describe("parseNumber", () => {
  it.each([
    ["0", 0], ["42", 42], [" 42 ", 42], ["0x1f", 31], ["0X1F", 31], ["0o17", 15], ["0O17", 15], ["0b101", 5], ["0B101", 5], ["007", 7],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER]
  ])("%j is %d", (text, n) => expect(parseNumber(text)).toBe(n))

  it.each(["", "x", "-1", "1.5", "0x", "0o8", "0b2", "1e3", "0x1g", "12a", "a12", String(Number.MAX_SAFE_INTEGER + 2)])("%j is not a number", (text) => {
    expect(parseNumber(text)).toBeUndefined()
  })
})

describe("parseTagSpecs (a controller's whole list)", () => {
  const left = (specs: ReadonlyArray<string | TagSpec>) => {
    const r = parseTagSpecs(specs)
    if (Either.isRight(r)) throw new Error("accepted")
    return r.left
  }

  it("refuses a name twice (folding case), a placement twice, a reserved class; names the offending spec", () => {
    expect(left(["A=INT", "a=DINT"])).toMatchObject({ spec: "a=DINT", message: `bad tag spec "a=DINT": duplicate tag name a` })
    expect(left(["A@0x93/1/1=INT", "B@147/1/1=INT"])).toMatchObject({ spec: "B@147/1/1=INT", message: `bad tag spec "B@147/1/1=INT": attribute @147/1/1 already placed` })
    expect(left(["A@0x6b/1/1=INT"]).message).toBe(`bad tag spec "A@0x6b/1/1=INT": class 0x6b is implemented by the controller`)
    const parsed: TagSpec = { name: "P", type: "INT", count: 1, scalar: true, placement: { cls: 0xf5, ins: 1, att: 1 } }
    expect(left([parsed])).toMatchObject({ spec: "P", message: `bad tag spec "P": class 0xf5 is implemented by the controller` })
    expect(left(["OK=INT", "bad["]).spec).toBe("bad[")
  })

  it("every class the controller implements is reserved; others are free", () => {
    expect([...RESERVED_CLASSES].sort((a, b) => a - b)).toEqual([0x01, 0x02, 0x06, 0x64, 0x6b, 0x6c, 0x8b, 0xf5, 0xf6])
    for (const cls of RESERVED_CLASSES) expect(Either.isLeft(parseTagSpecs([`T@${cls}/1/1=INT`]))).toBe(true)
    expect(Either.isRight(parseTagSpecs(["T@3/1/1=INT", "U@0x93/1/1=INT", "V@0x93/1/2=INT", "W@0x93/2/1=INT"]))).toBe(true)
  })

  it("keeps specs in order, parsed and given alike", () => {
    const given: TagSpec = { name: "G", type: "REAL", count: 2, scalar: false }
    expect(Either.getOrThrow(parseTagSpecs(["A=INT", given, "B@0x93/1/1=DINT[3]"]))).toEqual([
      { name: "A", type: "INT", count: 1, scalar: true },
      given,
      { name: "B", type: "DINT", count: 3, scalar: false, placement: { cls: 0x93, ins: 1, att: 1 } }
    ])
  })
})

describe("elementOf and formatTagSpec", () => {
  it("a BOOL array is packed in DWORDs unless unpacked; a scalar BOOL is a BOOL", () => {
    expect(elementOf(ok("B=BOOL[64]"))).toEqual({ _tag: "Bits" })
    expect(elementOf(ok("B=BOOL"))).toMatchObject({ _tag: "Atomic", name: "BOOL" })
    expect(elementOf({ ...ok("B=BOOL[8]"), unpacked: true })).toMatchObject({ _tag: "Atomic", name: "BOOL" })
    expect(elementOf(ok("R=real[3]"))).toMatchObject({ _tag: "Atomic", name: "REAL" })
    expect(elementOf({ name: "X", type: "Pump", count: 1, scalar: true })).toBeUndefined()
    const types = Either.getOrThrow(makeTypes(["Motor{Speed:REAL}"]))
    expect(elementOf(ok("M=Motor", types), types)).toMatchObject({ _tag: "Struct", layout: { name: "Motor" } })
  })

  it("formats placement in hex, omits [1]", () => {
    expect(formatTagSpec(ok("A@255/7/9=dint"))).toBe("A@0xff/7/9=DINT")
    expect(formatTagSpec(ok("SCADA[10]"))).toBe("SCADA=INT[10]")
    expect(formatTagSpec(ok("S"))).toBe("S=INT")
  })
})
