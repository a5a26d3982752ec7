/**
 * Value conversion for the web API's writes and reads (src/web/convert.ts) where the path grammar
 * tests do not reach: structure tags written as JSON (one object or a list, each member checked),
 * BOOL arrays, number spellings (inf, nan), and cpppo's attribute text for scalars and long arrays.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { makeTagStore } from "../../src/tags/tagStore.js"
import { ATTRIBUTE_TEXT_VALUES, attributeText, convertElement, convertFor, convertValues, parseNumber } from "../../src/web/convert.js"

const why = <A>(e: Either.Either<A, string>): string => Either.match(e, { onLeft: (x) => x, onRight: (a) => `converted ${JSON.stringify(a)}` })

describe("convertFor", () => {
  it.effect("a structure takes JSON: one object or a list; a member it does not have, or a bad value, is refused", () => Effect.gen(function* () {
    const store = yield* makeTagStore(["M=Motor[2]", "Flags=BOOL[3]"], { udts: ["Motor{Speed:REAL,On:BOOL}"] })
    const m = store.find("M")!.element
    expect(Either.getOrThrow(convertFor(m, '{"Speed": 1.5}'))).toEqual([{ Speed: 1.5 }])
    expect(Either.getOrThrow(convertFor(m, '[{"Speed": 1.5}, {"On": true}]'))).toEqual([{ Speed: 1.5 }, { On: true }])
    expect(why(convertFor(m, "1.5"))).not.toMatch(/^converted/)
    expect(why(convertFor(m, "{Speed: 1}"))).toBe('"{Speed: 1}" is not a Motor (give JSON: {"Member": value, …} or a list of them)')
    expect(why(convertFor(m, '[{"Speed": 1}, {"Colour": 1}]'))).toMatch(/Colour/)
    expect(why(convertFor(m, '{"Speed": "fast"}'))).not.toMatch(/^converted/)
    const flags = store.find("Flags")!.element
    expect(Either.getOrThrow(convertFor(flags, "1,0,yes"))).toEqual([true, false, true])
    expect(why(convertFor(flags, "maybe"))).not.toMatch(/^converted/)
  }))
})

describe("parseNumber spellings", () => {
  it("inf, -infinity, +inf, nan, -NaN; not empty nor text", () => {
    expect(parseNumber("inf")).toBe(Infinity)
    expect(parseNumber("+Infinity")).toBe(Infinity)
    expect(parseNumber("-inf")).toBe(-Infinity)
    expect(parseNumber("NaN")).toBeNaN()
    expect(parseNumber("-nan")).toBeNaN()
    expect(parseNumber("+5")).toBe(5)
    expect(parseNumber(".5e1")).toBe(5)
    expect(parseNumber("")).toBeUndefined()
    expect(parseNumber("nanx")).toBeUndefined()
    expect(parseNumber("1.2.3")).toBeUndefined()
  })
  it("0x, 0o and 0b integers take only their own digits (0B followed by hex letters is not a number, not NaN)", () => {
    expect(parseNumber("0x1F")).toBe(31)
    expect(parseNumber("-0o17")).toBe(-15)
    expect(parseNumber("0B101")).toBe(5)
    expect(parseNumber("0BBB")).toBeUndefined()
    expect(parseNumber("0b102")).toBeUndefined()
    expect(parseNumber("0o8")).toBeUndefined()
    expect(convertValues("LREAL", "[0BBBBBBB, 2,6,03]")).toEqual(Either.left('"0BBBBBBB" is not a LREAL'))
    expect(convertValues("DINT", "0o9")).toEqual(Either.left('"0o9" is not a DINT (not an integer)'))
    expect(convertValues("DINT", "0b11,0o17,0xff")).toEqual(Either.right([3, 15, 255]))
  })

  it("a fraction without its integer part keeps every digit (.55); REAL takes exactly FLT_MAX, not beyond", () => {
    expect(parseNumber(".55")).toBe(0.55)
    expect(parseNumber("-.125e2")).toBe(-12.5)
    expect(Either.getOrThrow(convertElement("REAL", "3.4028234663852886e38"))).toBe(3.4028234663852886e38)
    expect(why(convertElement("REAL", "-3.4028234663852886e38"))).toBe("converted -3.4028234663852886e+38")
    expect(why(convertElement("REAL", "3.4028236e38"))).toBe('"3.4028236e38" is not a REAL (out of REAL range)')
  })
})

describe("convertValues lists", () => {
  it("brackets are taken off only when they enclose the whole list: [1]x is one bad value", () => {
    expect(Either.getOrThrow(convertValues("INT", " [1, 2] "))).toEqual([1, 2])
    expect(why(convertValues("INT", "[1]x"))).toBe('"[1]x" is not a INT (not an integer)')
    expect(why(convertValues("INT", "x[1]"))).toBe('"x[1]" is not a INT (not an integer)')
  })
})

describe("attributeText", () => {
  it("a scalar shows its value (or ? with none); an array shows the first values, … when there are more", () => {
    expect(attributeText("X", "REAL", 1, true, [1.5])).toBe("X              REAL == 1.5")
    expect(attributeText("X", "REAL", 1, true, [])).toBe("X              REAL == ?")
    const n = ATTRIBUTE_TEXT_VALUES
    const many = Array.from({ length: n + 1 }, (_, i) => i)
    expect(attributeText("A", "INT", n + 1, false, many)).toBe(`A              INT[${n + 1}] == [${many.slice(0, n).join(", ")}, …]`)
    expect(attributeText("A", "INT", n, false, many.slice(0, n))).toBe(`A              INT[${n}] == [${many.slice(0, n).join(", ")}]`)
  })
})
