import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { formatTagSpec, parseNumber, parseTagSpec } from "../../src/tags/spec.js"

const ok = (s: string) => {
  const r = parseTagSpec(s)
  if (Either.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const bad = (s: string) => {
  const r = parseTagSpec(s)
  if (Either.isRight(r)) throw new Error(`accepted ${s}`)
  return r.left
}

describe("parseTagSpec", () => {
  it("parses arrays, scalars and case-insensitive types", () => {
    expect(ok("SCADA=INT[1000]")).toEqual({ name: "SCADA", type: "INT", count: 1000, scalar: false })
    expect(ok("FLOAT=real")).toEqual({ name: "FLOAT", type: "REAL", count: 1, scalar: true })
    expect(ok("One=Dint[1]")).toMatchObject({ type: "DINT", count: 1, scalar: true })
    expect(ok("N=sstring[0x10]")).toMatchObject({ type: "SSTRING", count: 16 })
    expect(ok("S=STRING")).toMatchObject({ type: "STRING", scalar: true })
    for (const t of ["BOOL", "SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT", "REAL", "LREAL", "SSTRING", "STRING"]) {
      expect(ok(`T=${t}[2]`).type).toBe(t)
    }
  })

  it("takes INT when the type is left out, as cpppo does", () => {
    expect(ok("SCADA")).toEqual({ name: "SCADA", type: "INT", count: 1, scalar: true })
    expect(ok("SCADA[10]")).toEqual({ name: "SCADA", type: "INT", count: 10, scalar: false })
    expect(ok("SCADA=[10]")).toEqual({ name: "SCADA", type: "INT", count: 10, scalar: false })
    expect(ok("M@0x93/3/10")).toEqual({ name: "M", type: "INT", count: 1, scalar: true, placement: { cls: 0x93, ins: 3, att: 10 } })
  })

  it("parses CIP attribute placement in decimal, hex, octal and binary", () => {
    expect(ok("Motor_Velocity@0x93/3/10=REAL").placement).toEqual({ cls: 0x93, ins: 3, att: 10 })
    expect(ok("X@147/0o3/0b1010=REAL[2]").placement).toEqual({ cls: 147, ins: 3, att: 10 })
  })

  it("accepts program-scoped names", () => {
    expect(ok("Program:MainProgram.Speed=DINT").name).toBe("Program:MainProgram.Speed")
  })

  it("rejects bad specs with a one-line message naming the spec", () => {
    for (const s of ["SCADA[3", "SCADA=FOO[3]", "SCADA=[3]x", "S[2][3]", "=INT", "SCADA=INT[0]", "SCADA=INT[-1]", "SCADA=INT[x]", "1BAD=INT",
      "A.B=INT", "T@1/2=INT", "T@0x93/0/1=INT", "T@zz/1/1=INT", "T@0/1/1=INT", "T=INT[99999999999]", "T=DWORD", ""]) {
      const e = bad(s)
      expect(e._tag).toBe("TagSpecError")
      expect(e.spec).toBe(s)
      expect(e.message).toContain(JSON.stringify(s))
      expect(e.message).not.toContain("\n")
    }
  })

  it("formats back to canonical text and parses numbers", () => {
    expect(formatTagSpec(ok("m@147/3/10=real[4]"))).toBe("m@0x93/3/10=REAL[4]")
    expect(parseNumber("0x1F")).toBe(31)
    expect(parseNumber("0b101")).toBe(5)
    expect(parseNumber("0o17")).toBe(15)
    expect(parseNumber("12a")).toBeUndefined()
  })
})
