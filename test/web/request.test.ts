import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { Either } from "effect"
import { attributeText, convertElement, convertValues, parseBoolean } from "../../src/web/convert.js"
import { parseApiPath, parseCommand } from "../../src/web/request.js"
import { compileGlob } from "../../src/web/glob.js"
import { wantsHtml, authorized } from "../../src/web/server.js"

const path = (p: string) => Either.getOrThrow(parseApiPath(p))

describe("parseApiPath", () => {
  it("fills missing parts with *", () => {
    expect(path("/api")).toEqual({ group: "*", match: "*", command: undefined, value: undefined, json: false })
    expect(path("/api/tags")).toEqual({ group: "tags", match: "*", command: undefined, value: undefined, json: false })
    expect(path("/api/tags/SCADA/")).toMatchObject({ group: "tags", match: "SCADA", command: undefined })
  })
  it("splits command=value in one element, or takes the value as the next element", () => {
    expect(path("/api/tags/SCADA/error=8")).toMatchObject({ command: "error", value: "8" })
    expect(path("/api/tags/SCADA/error/0")).toMatchObject({ command: "error", value: "0" })
    expect(path("/api/tags/SCADA/attribute[3]=4")).toMatchObject({ command: "attribute[3]", value: "4" })
    expect(path("/api/tags/SCADA/attribute%5B3%5D")).toMatchObject({ command: "attribute[3]", value: undefined })
    expect(path("/api/options/delay/range=0.5-1.5")).toMatchObject({ command: "range", value: "0.5-1.5" })
  })
  it("a trailing .json forces JSON and is removed", () => {
    expect(path("/api.json")).toMatchObject({ group: "*", json: true })
    expect(path("/api/tags.json")).toMatchObject({ group: "tags", json: true })
    expect(path("/api/connections/*/eof/true.json")).toMatchObject({ match: "*", command: "eof", value: "true", json: true })
    expect(path("/api/tags/SCADA/error=8.json")).toMatchObject({ value: "8", json: true })
  })
  it("rejects malformed paths", () => {
    expect(Either.isLeft(parseApiPath("/api/tags/SCADA/error=8/9"))).toBe(true)
    expect(Either.isLeft(parseApiPath("/api/tags/SCADA/error/8/9"))).toBe(true)
    expect(Either.isLeft(parseApiPath("/api/tags=1"))).toBe(true)
    expect(Either.isLeft(parseApiPath("/api/tags/%E0%A4%A"))).toBe(true)
    expect(Either.isLeft(parseApiPath("/other"))).toBe(true)
  })
})

describe("parseCommand", () => {
  it("reads an index or an inclusive range", () => {
    expect(Either.getOrThrow(parseCommand("error"))).toEqual({ name: "error", range: undefined })
    expect(Either.getOrThrow(parseCommand("attribute[3]"))).toEqual({ name: "attribute", range: { start: 3, end: 3 } })
    expect(Either.getOrThrow(parseCommand("attribute[2-5]"))).toEqual({ name: "attribute", range: { start: 2, end: 5 } })
    expect(Either.isLeft(parseCommand("attribute[5-2]"))).toBe(true)
    expect(Either.isLeft(parseCommand("attribute[x]"))).toBe(true)
  })
})

const globMatch = (pattern: string, name: string): boolean => Either.getOrThrow(compileGlob(pattern)).test(name)

/** The old RegExp translation, as a reference for short patterns (where backtracking is cheap). */
const reference = (pattern: string, name: string): boolean => {
  let out = ""
  for (const c of pattern) out += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|\\[\]/\\]/g, (x) => `\\${x}`)
  return new RegExp(`^${out}$`, "is").test(name)
}

describe("glob matching", () => {
  it("matches shell-style, case-insensitively", () => {
    expect(globMatch("*", "SCADA")).toBe(true)
    expect(globMatch("SC*", "scada")).toBe(true)
    expect(globMatch("S?ADA", "SCADA")).toBe(true)
    expect(globMatch("[ST]*", "TEXT")).toBe(true)
    expect(globMatch("[!S]*", "SCADA")).toBe(false)
    expect(globMatch("[a-c]*", "SCADA")).toBe(false)
    expect(globMatch("[r-t]*", "SCADA")).toBe(true)
    expect(globMatch("[]x]", "]")).toBe(true)
    expect(globMatch("a[", "A[")).toBe(true) // an unclosed [ is literal
    expect(globMatch("127_0_0_1_*", "127_0_0_1_52590")).toBe(true)
    expect(globMatch("127.0.0.1", "127_0_0_1")).toBe(false) // dots are literal
    expect(globMatch("SC", "SCADA")).toBe(false) // anchored
    expect(globMatch("*A*A*", "SCADA")).toBe(true)
    expect(globMatch("*A*A*A*", "SCADA")).toBe(false)
    expect(globMatch("", "")).toBe(true)
  })

  it("agrees with a RegExp translation on short patterns of * ? and letters", () => {
    fc.assert(fc.property(
      fc.stringMatching(/^[ab*?]{0,8}$/), fc.stringMatching(/^[abAB]{0,10}$/),
      (pattern, name) => globMatch(pattern, name) === reference(pattern, name.toLowerCase())
    ), { numRuns: 3000 })
  })

  // Was a finding: `.*` per star made /api/ + 27 stars + Z backtrack for 5 s (30 s with a session
  // open), freezing the EtherNet/IP side too. The two-pointer match does at most
  // pattern × name steps: 256 stars against a 10,000-character name answers at once.
  it("a near miss with many stars is decided without backtracking", () => {
    const glob = Either.getOrThrow(compileGlob(`${"*".repeat(200)}Z`))
    const t0 = performance.now()
    expect(glob.test("a".repeat(10_000))).toBe(false)
    expect(Either.getOrThrow(compileGlob(`${"*a".repeat(100)}Z`)).test("a".repeat(10_000))).toBe(false)
    expect(performance.now() - t0).toBeLessThan(2000) // hang guard; a backtracking RegExp takes forever
  })

  it("refuses a reversed range and a pattern over 256 characters", () => {
    expect(compileGlob("[z-a]")).toEqual(Either.left('invalid glob "[z-a]": range z-a is reversed'))
    expect(Either.isLeft(compileGlob("*".repeat(257)))).toBe(true)
    expect(Either.isRight(compileGlob("*".repeat(256)))).toBe(true)
  })
})

describe("value conversion", () => {
  it("booleans accept true/yes/false/no or a number", () => {
    expect(["true", "yes", "1", "2", "false", "no", "0"].map(parseBoolean)).toEqual([true, true, true, true, false, false, false])
    expect(parseBoolean("maybe")).toBeUndefined()
  })
  it("integers must fit their type", () => {
    expect(convertElement("INT", "4")).toEqual(Either.right(4))
    expect(convertElement("INT", "-32768")).toEqual(Either.right(-32768))
    expect(Either.isLeft(convertElement("INT", "32768"))).toBe(true)
    expect(Either.isLeft(convertElement("USINT", "-1"))).toBe(true)
    expect(Either.isLeft(convertElement("DINT", "1.5"))).toBe(true)
    expect(Either.isLeft(convertElement("DINT", "abc"))).toBe(true)
    expect(convertElement("LINT", "9007199254740993")).toEqual(Either.right(9007199254740993n))
    expect(convertElement("UINT", "0x10")).toEqual(Either.right(16))
  })
  it("reals, strings and lists", () => {
    expect(convertElement("REAL", "1.5e2")).toEqual(Either.right(150))
    expect(Either.isLeft(convertElement("REAL", "1e39"))).toBe(true)
    expect(convertValues("DINT", "1, 2,3")).toEqual(Either.right([1, 2, 3]))
    expect(convertValues("DINT", "[1,2]")).toEqual(Either.right([1, 2]))
    expect(convertValues("SSTRING", "a,b")).toEqual(Either.right(["a,b"]))
    expect(Either.isLeft(convertValues("DINT", "1,,2"))).toBe(true)
  })
  it("renders the attribute text like cpppo", () => {
    expect(attributeText("SCADA", "INT", 1000, false, Array.from({ length: 10 }, () => 0)))
      .toBe("SCADA          INT[1000] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, …]")
    expect(attributeText("X", "REAL", 1, true, [1.5])).toBe("X              REAL == 1.5")
    expect(attributeText("T", "SSTRING", 2, false, ["a", "b"])).toBe('T              SSTRING[2] == ["a", "b"]')
  })
})

describe("HTTP helpers", () => {
  it("negotiates HTML only for clients that prefer it", () => {
    expect(wantsHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false)).toBe(true)
    expect(wantsHtml("text/html", true)).toBe(false)
    expect(wantsHtml("*/*", false)).toBe(false)
    expect(wantsHtml(undefined, false)).toBe(false)
    expect(wantsHtml("application/json, text/html;q=0.5", false)).toBe(false)
  })
  it("checks bearer tokens", () => {
    expect(authorized("Bearer s3cret", "s3cret")).toBe(true)
    expect(authorized("bearer s3cret", "s3cret")).toBe(true)
    expect(authorized("Bearer s3cre", "s3cret")).toBe(false)
    expect(authorized("Basic s3cret", "s3cret")).toBe(false)
    expect(authorized(undefined, "s3cret")).toBe(false)
  })
})
