/**
 * The edges of the operation grammar (src/client/operations.ts): each number base and its anchors,
 * every type's value range and spelling, quoting and spacing in value lists, the numeric and
 * symbolic target forms, and the exact text of every refusal a user sees on the command line.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  operationPath, parseInteger, parseOperation, parseOperations, printOperation, printTarget, type Operation
} from "../../src/client/operations.js"

const ok = (s: string, opts = {}): Operation => Either.getOrThrow(parseOperation(s, opts))
const why = (s: string, opts = {}): string => {
  const r = parseOperation(s, opts)
  if (Either.isRight(r)) throw new Error(`expected ${s} to be refused`)
  return r.left.reason
}
const values = (s: string) => ok(s).values

describe("parseInteger: bases and anchors", () => {
  it("reads decimal (leading zeros too), 0x, 0o and 0b in either case, around spaces", () => {
    expect([parseInteger("0x1F"), parseInteger("0X1f"), parseInteger("0o17"), parseInteger("0O7")]).toEqual([31, 31, 15, 7])
    expect([parseInteger("0b101"), parseInteger("0B1"), parseInteger("010"), parseInteger(" 42 ")]).toEqual([5, 1, 10, 42])
  })
  it("refuses anything else, including a valid number inside other text", () => {
    for (const t of ["", "0x", "0o8", "0b2", "-1", "12a", "a12", "a0x1", "0x1z", "a0o1", "0o1z", "a0b1", "0b1z", "1.5"]) {
      expect(parseInteger(t), t).toBeUndefined()
    }
  })
})

describe("typed values", () => {
  it("signed literals in any base, with a sign", () => {
    expect(values("T[0-5]=(DINT)-5,+5,-0x10,0o17,0b11,0X1F")).toEqual([-5, 5, -16, 15, 3, 31])
    for (const t of ["1x", "x1", "-0x1g", "0b12", "0o19", "--5", "+-5", ""]) {
      expect(why(`T=(DINT)${t}`)).toBe(`invalid DINT ${JSON.stringify(t)}`)
    }
  })
  it("every integer type's range, both ends, exactly", () => {
    const edges: Array<[string, string, string]> = [
      ["SINT", "-128", "127"], ["INT", "-32768", "32767"], ["DINT", "-2147483648", "2147483647"],
      ["USINT", "0", "255"], ["UINT", "0", "65535"], ["UDINT", "0", "4294967295"], ["DWORD", "0", "4294967295"]
    ]
    for (const [type, lo, hi] of edges) {
      expect(values(`T[0-1]=(${type})${lo},${hi}`)).toEqual([Number(lo), Number(hi)])
      const below = String(BigInt(lo) - 1n)
      const above = String(BigInt(hi) + 1n)
      expect(why(`T=(${type})${below}`)).toBe(`${type} value ${below} out of range ${lo}..${hi}`)
      expect(why(`T=(${type})${above}`)).toBe(`${type} value ${above} out of range ${lo}..${hi}`)
    }
    expect(values("T[0-1]=(LINT)-9223372036854775808,9223372036854775807")).toEqual([-(2n ** 63n), 2n ** 63n - 1n])
    expect(why("T=(LINT)9223372036854775808")).toBe("LINT value 9223372036854775808 out of range -9223372036854775808..9223372036854775807")
    expect(why("T=(ULINT)-1")).toBe("ULINT value -1 out of range 0..18446744073709551615")
    expect(values("T=(ULINT)5")).toEqual([5n])
    expect(typeof values("T=(UDINT)5")![0]).toBe("number")
  })
  it("BOOL spellings", () => {
    expect(values("T[0-3]=(BOOL)TRUE,False,1,0")).toEqual([true, false, true, false])
    expect(why("T=(BOOL)2")).toBe('invalid BOOL "2"')
  })
  it("REAL and LREAL: integers in any base, decimals, exponents, inf and nan; nothing else", () => {
    expect(values("T[0-5]=(REAL)0x10,1.5e3,.5,5.,-2.5E-1,7")).toEqual([16, 1500, 0.5, 5, -0.25, 7])
    expect(values("T[0-4]=(LREAL)inf,-inf,+INF,NaN,-nan")).toEqual([Infinity, -Infinity, Infinity, Number.NaN, Number.NaN])
    for (const t of ["1.5x", "e5", "1e", "x1.5", "infinity", "1.5.5", "--1.5", "nan1"]) {
      expect(why(`T=(REAL)${t}`)).toBe(`invalid REAL ${JSON.stringify(t)}`)
    }
    expect(why("T=(LREAL)x")).toBe('invalid LREAL "x"')
  })
  it("STRING and SSTRING: their lengths and Latin-1", () => {
    expect(values(`T=(STRING)${"a".repeat(82)}`)).toEqual(["a".repeat(82)])
    expect(why(`T=(STRING)${"a".repeat(83)}`)).toBe("STRING value longer than 82 characters")
    expect(values(`T=(SSTRING)${"b".repeat(255)}`)).toEqual(["b".repeat(255)])
    expect(why(`T=(SSTRING)${"b".repeat(256)}`)).toBe("SSTRING value longer than 255 characters")
    expect(values("T=(STRING)\u00ff")).toEqual(["\u00ff"])
    expect(why("T=(STRING)a\u0100")).toBe("STRING value is not Latin-1")
    expect(why("T=(SSTRING)\u20ac")).toBe("SSTRING value is not Latin-1")
  })
  it("quoted values are for strings only", () => {
    expect(why('T=(DINT)"5"')).toBe('quoted value "5" for DINT')
  })
})

describe("value lists", () => {
  it("spaces and tabs around fields and quotes, doubled quotes, empty fields", () => {
    expect(values('T[0-1]=(STRING) "a" ,\t"b"')).toEqual(["a", "b"])
    expect(values('T[0-2]=(STRING)"",x,"say ""hi"""')).toEqual(["", "x", 'say "hi"'])
    expect(values("T[0-2]=1 , 2,\t3")).toEqual([1, 2, 3])
    expect(values("T[0-1]=(STRING)a,")).toEqual(["a", ""])
    expect(values("T[0-1]=(STRING)a, b c ")).toEqual(["a", "b c"])
  })
  it("text after a closing quote is refused", () => {
    expect(why('T=(STRING)"a"b')).toBe('unexpected "b" after a quoted value')
    expect(why('T=(STRING)"a" "b"')).toBe('unexpected "\\"" after a quoted value')
    expect(why('T=(STRING)"a""')).toBe("unterminated quoted string")
    expect(why("T[0-1]=1,")).toBe('invalid INT ""')
  })
})

describe("value lists and literals: the rest of the edges", () => {
  it("a tab after a closing quote, a space before a comma, an empty first field", () => {
    expect(values('T[0-1]=(STRING)"a"\t,"b"')).toEqual(["a", "b"])
    expect(values("T[0-1]=(STRING)a ,b")).toEqual(["a", "b"])
    expect(values("T[0-1]=(STRING),b")).toEqual(["", "b"])
    expect(why("T[0-1]=,5")).toBe('invalid INT ""')
  })
  it("a base prefix inside a number is refused, not handed to BigInt; a fraction of two digits after the point", () => {
    for (const t of ["10x1f", "10o7", "10b1", "-10x1"]) expect(why(`T=(DINT)${t}`)).toBe(`invalid DINT ${JSON.stringify(t)}`)
    expect(values("T[0-1]=(REAL).25,-.75")).toEqual([0.25, -0.75])
  })
})

describe("parsed targets carry only what was given", () => {
  it("no attribute, element, count or bit key unless the text has one; a name before the last keeps only a given index", () => {
    expect(ok("@1/2").target).toStrictEqual({ _tag: "Numeric", classId: 1, instance: 2 })
    const plain = ok("A.B")
    expect(plain.target).toStrictEqual({ _tag: "Symbolic", names: [{ name: "A" }, { name: "B" }] })
    expect(["element", "elements", "bit"].filter((k) => k in plain)).toEqual([])
    expect(["element", "elements"].filter((k) => k in ok("@1/2/3"))).toEqual([])
    expect(ok("A[2].B[3]").target).toStrictEqual({ _tag: "Symbolic", names: [{ name: "A", index: 2 }, { name: "B" }] })
  })
  it("a bit of a range is refused whatever the range's digits", () => {
    expect(why("T[10-12].3")).toBe("a bit takes one element, not a range")
  })
})

describe("targets", () => {
  it("element indexes and ranges, spaced or not", () => {
    expect(ok("Tag [ 3 ]")).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "Tag" }] }, element: 3 })
    expect(ok("Tag[3-3]")).toMatchObject({ element: 3, elements: 1 })
    expect(ok("Tag[0x10-0x11]")).toMatchObject({ element: 16, elements: 2 })
    expect(why("Tag[1-2-3]")).toBe("malformed element range [1-2-3]")
    expect(why("Tag[x]")).toBe('invalid element index "x"')
    expect(why("Tag[1-x]")).toBe('invalid element index "x"')
    expect(why("Tag]")).toBe('malformed element index in "Tag]"')
    expect(why("Tag[5-2]")).toBe("invalid element range 5-2")
  })
  it("numeric addresses", () => {
    expect(why("@1/2/3/4")).toBe("numeric address must be @class/instance[/attribute]")
    expect(why("@1")).toBe("numeric address must be @class/instance[/attribute]")
    expect(why("@1/0x100000000")).toBe('invalid number "0x100000000" in numeric address')
    expect(ok("@1/0xFFFFFFFF").target).toEqual({ _tag: "Numeric", classId: 1, instance: 0xffffffff })
    expect(why("@1/2[3]")).toBe("an element index needs @class/instance/attribute")
    expect(ok("@1/2/3[4-6]")).toEqual({ method: "read", target: { _tag: "Numeric", classId: 1, instance: 2, attribute: 3 }, element: 4, elements: 3 })
    expect(ok("@1/2/3")).toEqual({ method: "read", target: { _tag: "Numeric", classId: 1, instance: 2, attribute: 3 } })
    expect(why("@1/2/3[x")).toBe('malformed element index in "1/2/3[x"')
  })
  it("symbolic names: their alphabet, members, bits", () => {
    for (const n of ["$x", ":x", "_x", "a1_:$"]) expect(ok(n).target).toEqual({ _tag: "Symbolic", names: [{ name: n }] })
    for (const n of ["a-b", "x!", "!x", "a b"]) expect(why(n)).toBe(`invalid tag name ${JSON.stringify(n)}`)
    expect(why("Tag.")).toBe('invalid tag name ""')
    expect(ok("A[1].B[2].C[3]")).toEqual({
      method: "read", target: { _tag: "Symbolic", names: [{ name: "A", index: 1 }, { name: "B", index: 2 }, { name: "C" }] }, element: 3
    })
    expect(why("A[1-2].B")).toBe("an element range may only end the tag")
    expect(ok("Tag.63")).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "Tag" }] }, bit: 63 })
    expect(why("Tag.64")).toBe("bit 64 is beyond any integer (0..63)")
    expect(why("Tag[0-3].5")).toBe("a bit takes one element, not a range")
    expect(ok("Tag[2].0")).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "Tag" }] }, element: 2, bit: 0 })
    expect(why("Tag.5a")).toBe('invalid tag name "5a"')
  })
})

describe("operations", () => {
  it("spaces around `=` and `+`", () => {
    expect(ok(" Tag = 5 ")).toEqual({ method: "write", target: { _tag: "Symbolic", names: [{ name: "Tag" }] }, elements: 1, type: "INT", values: [5] })
    expect(ok("Tag[0-3] + 4")).toMatchObject({ element: 0, elements: 4, offset: 4 })
    expect(ok("Tag+0x8")).toEqual({ method: "read", target: { _tag: "Symbolic", names: [{ name: "Tag" }] }, offset: 8 })
    expect(why("Tag+x")).toBe('invalid byte offset "x"')
    expect(why("Tag.3+4")).toBe("a bit takes no byte offset")
  })
  it("the value's type: a bit's BOOL, a decimal point's REAL, intType, or a cast in any case and spacing", () => {
    expect(ok("D.3=1")).toMatchObject({ type: "BOOL", values: [true], bit: 3, elements: 1 })
    expect(ok("D.3=(bool)0")).toMatchObject({ type: "BOOL", values: [false] })
    expect(ok("T=1.0")).toMatchObject({ type: "REAL", values: [1] })
    expect(ok("T=1", { intType: "SINT" })).toMatchObject({ type: "SINT" })
    expect(ok("T=( dint )5")).toMatchObject({ type: "DINT", values: [5] })
    expect(why("T=(Foo)1")).toBe("unknown type (Foo)")
    expect(why("D.3=(dint)1")).toBe("a bit is a BOOL, not (dint)")
    expect(why("D.3=1,0")).toBe("a bit takes one value")
    expect(why("T= ")).toBe("missing value after '='")
  })
  it("counts must match unless fragmented; the refusals say so in the singular and plural", () => {
    expect(why("T[0-1]=5")).toBe("1 value given for 2 elements")
    expect(why("T[0-0]=1,2")).toBe("2 values given for 1 element")
    expect(why("T[0-2]=1,2")).toBe("2 values given for 3 elements")
    expect(ok("T[4]=1,2")).toMatchObject({ element: 4, elements: 2, values: [1, 2] })
  })
  it("fragmented writes: fixed-size types, aligned offsets, data within the range", () => {
    expect(why("T+0=(SSTRING)a")).toBe("a fragmented write needs a fixed-size type, not SSTRING")
    expect(why("T+88=(STRING)a")).toBe("1 value from byte offset 88 overrun the 1-element range")
    expect(ok("T[0-1]+88=(STRING)a")).toMatchObject({ offset: 88, elements: 2, values: ["a"] })
    expect(why("T=(SSTRING)a", { fragment: true })).toBe("a fragmented write needs a fixed-size type, not SSTRING")
    expect(why("T[0-9]+3=(INT)1")).toBe("byte offset 3 is not a multiple of the 2-byte INT")
    expect(why("T[0-9]+2=(DINT)1")).toBe("byte offset 2 is not a multiple of the 4-byte DINT")
    expect(ok("T[0-1]+2=(INT)1")).toMatchObject({ offset: 2, elements: 2, values: [1] })
    expect(why("T[0-1]+2=(INT)1,2")).toBe("2 values from byte offset 2 overrun the 2-element range")
    expect(why("T+4=(INT)1,2")).toBe("2 values from byte offset 4 overrun the 2-element range")
    expect(ok("T+0=(INT)1,2")).toMatchObject({ offset: 0, elements: 2 })
    expect(ok("T[0-3]=(DINT)1", { fragment: true })).toMatchObject({ elements: 4, values: [1] })
    expect(why("T[0-3]=(DINT)1", { fragment: false })).toBe("1 value given for 4 elements")
  })
  it("parseOperations: all or the first mistake", () => {
    expect(Either.getOrThrow(parseOperations(["A", "B=1"])).map((o) => o.method)).toEqual(["read", "write"])
    expect(Either.getOrThrow(parseOperations([]))).toEqual([])
    const r = parseOperations(["A", "B=x", "C["], { intType: "DINT" })
    expect(Either.isLeft(r) && r.left.message).toBe('invalid operation "B=x": invalid DINT "x"')
  })
})

describe("printing", () => {
  it("values: quoted strings, BOOL as 1/0, nan, inf, -0", () => {
    expect(printOperation(ok('T=(STRING)"a""b"'))).toBe('T=(STRING)"a""b"')
    expect(printOperation(ok("T[0-1]=(BOOL)1,0"))).toBe("T[0-1]=(BOOL)1,0")
    expect(printOperation(ok("T[0-4]=(REAL)nan,inf,-inf,-0.0,0"))).toBe("T[0-4]=(REAL)nan,inf,-inf,-0.0,0")
    expect(printOperation(ok("T[0-9]+4=(INT)1,2"))).toBe("T[0-9]+4=(INT)1,2")
    expect(printOperation(ok("T[0-9]+4"))).toBe("T[0-9]+4")
  })
  it("targets: numeric with or without an attribute, members with indexes, a bit of an element", () => {
    expect(printOperation(ok("@1/2"))).toBe("@1/2")
    expect(printOperation(ok("@1/2/3[4-6]"))).toBe("@1/2/3[4-6]")
    expect(printOperation(ok("A[1].B[2].C[3-4]"))).toBe("A[1].B[2].C[3-4]")
    expect(printTarget({ target: { _tag: "Symbolic", names: [{ name: "D" }] }, element: 3, elements: 5, bit: 2 })).toBe("D[3].2")
    expect(printTarget({ target: { _tag: "Symbolic", names: [{ name: "D" }] }, bit: 2 })).toBe("D.2")
    expect(printTarget({ target: { _tag: "Symbolic", names: [{ name: "D" }] }, element: 7 })).toBe("D[7]")
  })
  it("paths: every indexed name gets its element segment", () => {
    expect(operationPath(ok("A[1].B[2].C[3-4]"))).toEqual([
      { _tag: "Symbolic", name: "A" }, { _tag: "Element", index: 1 }, { _tag: "Symbolic", name: "B" }, { _tag: "Element", index: 2 },
      { _tag: "Symbolic", name: "C" }, { _tag: "Element", index: 3 }
    ])
    expect(operationPath(ok("@5/6"))).toEqual([{ _tag: "Class", id: 5 }, { _tag: "Instance", id: 6 }])
    expect(operationPath(ok("Tag"))).toEqual([{ _tag: "Symbolic", name: "Tag" }])
  })
})
