/**
 * The web API's path grammar, glob classes and value conversion at their edges: every refusal's
 * exact message (the API returns it as `success: false`), `.json` forms, classes and ranges,
 * number forms and type limits.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { convertElement, convertValues, jsonValue, parseBoolean, parseNumber } from "../../src/web/convert.js"
import { compileGlob, globMatch, isGlob } from "../../src/web/glob.js"
import { parseApiPath, parseCommand } from "../../src/web/request.js"

const why = <A>(e: Either.Either<A, string>): string => Either.match(e, { onLeft: (x) => x, onRight: (a) => `parsed ${JSON.stringify(a)}` })
const path = (p: string) => Either.getOrThrow(parseApiPath(p))

describe("API path refusals", () => {
  it("name what is wrong", () => {
    expect(why(parseApiPath("/apix"))).toBe('not an API path: "/apix"')
    expect(why(parseApiPath("/x/api"))).toBe('not an API path: "/x/api"')
    expect(why(parseApiPath("/api/%zz"))).toBe('malformed %-escape in "%zz"')
    expect(why(parseApiPath("/api/a=1/b"))).toBe('a value may only follow a command (group/match/command=value): "a=1/b"')
    expect(why(parseApiPath("/api/tags/S=1"))).toBe('a value may only follow a command (group/match/command=value): "tags/S=1"')
    expect(why(parseApiPath("/api/tags/S/error=1/2"))).toBe('command "error=1" has two values')
    expect(why(parseApiPath("/api/tags/S/=1"))).toBe("empty command name")
    expect(why(parseApiPath("/api/tags/S/error/1/2/3"))).toBe('too many path elements after the value: "2/3"')
  })
  it("slashes: leading ones are dropped, empty elements skipped; .json alone and on any element", () => {
    expect(path("//api//tags///S")).toEqual({ group: "tags", match: "S", command: undefined, value: undefined, json: false })
    expect(path("api/tags")).toMatchObject({ group: "tags" })
    expect(path("/api/.json")).toEqual({ group: "*", match: "*", command: undefined, value: undefined, json: true })
    expect(path("/api/tags/.json")).toEqual({ group: "tags", match: "*", command: undefined, value: undefined, json: true })
    expect(path("/api/tags/S.json")).toEqual({ group: "tags", match: "S", command: undefined, value: undefined, json: true })
    expect(path("/api/tags/S/error=")).toEqual({ group: "tags", match: "S", command: "error", value: "", json: false })
    expect(path("/api/tags/a%20b")).toMatchObject({ match: "a b" })
    expect(path("/api/tags/S/error=1=2")).toMatchObject({ command: "error", value: "1=2" })
  })
})

describe("API commands", () => {
  it("names, spaces inside the brackets, and the refusals", () => {
    expect(Either.getOrThrow(parseCommand("_x9[ 2 - 4 ]"))).toEqual({ name: "_x9", range: { start: 2, end: 4 } })
    expect(Either.getOrThrow(parseCommand("a[7-7]"))).toEqual({ name: "a", range: { start: 7, end: 7 } })
    expect(why(parseCommand("9a"))).toBe('malformed command "9a" (expected NAME or NAME[i] or NAME[i-j])')
    expect(why(parseCommand("a[1]x"))).toBe('malformed command "a[1]x" (expected NAME or NAME[i] or NAME[i-j])')
    expect(why(parseCommand("xa[1"))).toMatch(/^malformed command/)
    expect(why(parseCommand("a[3-2]"))).toBe('empty element range in "a[3-2]"')
  })
})

describe("globs", () => {
  it("isGlob: only * ? and [ make a pattern", () => {
    expect(["a*", "a?", "a[", "a]", "a-b", "a.b"].map(isGlob)).toEqual([true, true, true, false, false, false])
  })
  it("classes: ranges, negation with ! or ^, a leading ] or -, a trailing -, case folded both ways", () => {
    const m = (p: string, n: string) => Either.getOrThrow(compileGlob(p)).test(n)
    expect(m("[a-c]", "B")).toBe(true)
    expect(m("[A-C]", "b")).toBe(true)
    expect(m("[a-c]", "d")).toBe(false)
    expect(m("[a-c]", "a")).toBe(true)
    expect(m("[a-c]", "c")).toBe(true)
    expect(m("[^a-c]", "d")).toBe(true)
    expect(m("[^a-c]", "a")).toBe(false)
    expect(m("[!a]", "A")).toBe(false)
    expect(m("[-a]", "-")).toBe(true)
    expect(m("[a-]", "-")).toBe(true)
    expect(m("[a-]", "b")).toBe(false)
    expect(m("[ab]", "ab")).toBe(false)
    expect(m("x[]]", "x]")).toBe(true)
    expect(m("[!]]", "]")).toBe(false)
    expect(m("[!]]", "a")).toBe(true)
    expect(m("[_]", "_")).toBe(true)
    expect(m("[b-z-a]", "-")).toBe(true)
    expect(m("[b-z-a]", "a")).toBe(true)
    expect(m("[b-z-a]", "y")).toBe(true)
    expect(m("a[bc", "A[BC")).toBe(true)
    expect(m("a[bc", "ab")).toBe(false)
    expect(m("?", "")).toBe(false)
    expect(m("*", "")).toBe(true)
    expect(m("**?", "x")).toBe(true)
    expect(m("a*b*c", "aXbYc")).toBe(true)
    expect(m("a*b*c", "aXbYcd")).toBe(false)
    expect(m("*ab", "aab")).toBe(true)
    expect(m("ABC", "abc")).toBe(true)
    expect(m("abc", "abd")).toBe(false)
    expect(m("abc", "ab")).toBe(false)
  })
  it("a reversed range: refused (with its text) or matching nothing (fnmatch), never joining its neighbours", () => {
    expect(why(compileGlob("x[b-a]"))).toBe('invalid glob "x[b-a]": range b-a is reversed')
    const empty = Either.getOrThrow(compileGlob("[z-ab]", "empty"))
    expect(empty.test("b")).toBe(true)
    expect(empty.test("m")).toBe(false)
    expect(empty.test("z")).toBe(false)
    expect(globMatch("[z-a]", "z")).toBe(false)
    expect(globMatch("[z-a]x", "x")).toBe(false)
    expect(globMatch("S*", "scada")).toBe(true)
    expect(globMatch("*".repeat(257), "a")).toBe(false)
    expect(why(compileGlob("a".repeat(257)))).toBe("glob too long: 257 characters (at most 256)")
    expect(Either.getOrThrow(compileGlob("S*")).pattern).toBe("S*")
  })
})

describe("value text", () => {
  it("numbers: whole text only, in every form the API takes", () => {
    expect(["1", " 2 ", "+3", "-4", "1.5", ".5", "5.", "1e3", "1E-2", "0x1f", "-0x10", "0o17", "0b101", "inf", "-Infinity", "+inf"].map(parseNumber))
      .toEqual([1, 2, 3, -4, 1.5, 0.5, 5, 1000, 0.01, 31, -16, 15, 5, Infinity, -Infinity, Infinity])
    expect(Number.isNaN(parseNumber("NaN"))).toBe(true)
    expect(Number.isNaN(parseNumber("-nan"))).toBe(true)
    expect(["", " ", "1x", "0x", "1e", "--1", "1 2", "e3", "infinite"].map(parseNumber)).toEqual(Array(9).fill(undefined))
  })
  it("booleans: on/off too, any case; a number is true when not zero; nan is not a boolean", () => {
    expect(["ON", "Off", " yes ", "-1", "0.0", "0x0", "1e-9"].map(parseBoolean)).toEqual([true, false, true, true, false, false, true])
    expect(parseBoolean("nan")).toBeUndefined()
    expect(parseBoolean("")).toBeUndefined()
  })
  it("each refusal names the text, the type and why", () => {
    expect(why(convertElement("BOOL", "maybe"))).toBe('"maybe" is not a BOOL (use true/yes/false/no or a number)')
    expect(why(convertElement("SSTRING", "x".repeat(256)))).toBe(`"${"x".repeat(256)}" is not a SSTRING (longer than 255 characters)`)
    expect(convertElement("SSTRING", "x".repeat(255))).toEqual(Either.right("x".repeat(255)))
    expect(why(convertElement("STRING", "€"))).toBe('"€" is not a STRING (characters outside Latin-1)')
    expect(convertElement("STRING", "ÿ")).toEqual(Either.right("ÿ"))
    expect(why(convertElement("REAL", "x"))).toBe('"x" is not a REAL')
    expect(why(convertElement("REAL", "3.5e38"))).toBe('"3.5e38" is not a REAL (out of REAL range)')
    expect(why(convertElement("REAL", "-3.5e38"))).toBe('"-3.5e38" is not a REAL (out of REAL range)')
    expect(convertElement("REAL", "3.4e38")).toEqual(Either.right(3.4e38))
    expect(convertElement("REAL", "-inf")).toEqual(Either.right(-Infinity))
    expect(convertElement("LREAL", "3.5e38")).toEqual(Either.right(3.5e38))
    expect(why(convertElement("SINT", "1.0"))).toBe('"1.0" is not a SINT (not an integer)')
    expect(why(convertElement("SINT", "128"))).toBe('"128" is not a SINT (out of range -128..127)')
    expect(why(convertElement("SINT", "-129"))).toBe('"-129" is not a SINT (out of range -128..127)')
    expect(convertElement("SINT", "-128")).toEqual(Either.right(-128))
    expect(convertElement("SINT", " +127 ")).toEqual(Either.right(127))
    expect(convertElement("DINT", "-0x10")).toEqual(Either.right(-16))
    expect(convertElement("ULINT", "18446744073709551615")).toEqual(Either.right(18446744073709551615n))
    expect(why(convertElement("ULINT", "18446744073709551616"))).toBe('"18446744073709551616" is not a ULINT (out of range 0..18446744073709551615)')
    expect(convertElement("UDINT", "0b11")).toEqual(Either.right(3))
  })
  it("lists: brackets and spaces around them; strings whole; the first bad value is the refusal", () => {
    expect(convertValues("INT", " [ 1 , 2 ] ")).toEqual(Either.right([1, 2]))
    expect(convertValues("INT", "[1,\n2]")).toEqual(Either.right([1, 2]))
    expect(convertValues("BOOL", "yes,0")).toEqual(Either.right([true, false]))
    expect(convertValues("STRING", "[a, b]")).toEqual(Either.right(["[a, b]"]))
    expect(why(convertValues("STRING", "€"))).toBe('"€" is not a STRING (characters outside Latin-1)')
    expect(why(convertValues("INT", "1,x,40000"))).toBe('"x" is not a INT (not an integer)')
  })
  it("JSON values: bigints exact as numbers, else decimal text; structures member by member", () => {
    expect(jsonValue(2n ** 53n - 1n)).toBe(2 ** 53 - 1)
    expect(jsonValue(-(2n ** 53n) + 1n)).toBe(-(2 ** 53) + 1)
    expect(jsonValue(2n ** 53n)).toBe("9007199254740992")
    expect(jsonValue(-(2n ** 53n))).toBe("-9007199254740992")
    expect(jsonValue([1n, true, "x"])).toEqual([1, true, "x"])
    expect(jsonValue({ A: 2n ** 64n - 1n, B: [1.5], C: { D: false } } as never)).toEqual({ A: "18446744073709551615", B: [1.5], C: { D: false } })
  })
})
