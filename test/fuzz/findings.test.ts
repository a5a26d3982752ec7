/**
 * Regression tests for what the coverage-guided fuzz targets (scripts/fuzz/targets, `npm run fuzz
 * -- --coverage TARGET`) found. Each test is named after its finding and checks the fixed
 * behaviour at the unit that was wrong.
 */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { decodePathWithSize, encodePathWithSize, parseRoutePath } from "../../src/cip/epath.js"
import { parseLine } from "../../src/history/record.js"
import { convertValues } from "../../src/web/convert.js"
import { globMatch } from "../../src/web/glob.js"

const refused = <A, E>(e: Either.Either<A, E>) => Either.isLeft(e)

describe("route-path findings", () => {
  it("a route path link address longer than 255 characters is refused (its USINT length wrapped and the path encoded garbage)", () => {
    const long = `8,${"Y".repeat(300)}`
    expect(refused(parseRoutePath(long))).toBe(true)
    const ok = Either.getOrThrow(parseRoutePath(`8,${"Y".repeat(255)}`))
    const bytes = encodePathWithSize(ok)
    expect(Either.getOrThrow(decodePathWithSize(bytes, 0)).path).toEqual(ok)
  })
  it("route path values that do not fit their wire fields are refused, not wrapped (JSON link 300, port 70000, non-Latin-1 link)", () => {
    expect(refused(parseRoutePath('[{"port":1,"link":300}]'))).toBe(true)
    expect(refused(parseRoutePath('[{"port":70000,"link":0}]'))).toBe(true)
    expect(refused(parseRoutePath('[{"port":0,"link":0}]'))).toBe(true)
    expect(refused(parseRoutePath('[{"port":2,"link":"10.0.0.\u20ac"}]'))).toBe(true)
    expect(refused(parseRoutePath('[{"class":4294967296}]'))).toBe(true)
    expect(Either.getOrThrow(parseRoutePath('[{"port":2,"link":"10.0.0.1"}]'))).toEqual([{ _tag: "Port", port: 2, link: "10.0.0.1" }])
  })
  it("a route path longer than 255 words (its USINT size) is refused", () => {
    // Each "1/0" hop is one word.
    const hops = Array.from({ length: 256 }, () => "1/0").join("/")
    expect(Either.getOrThrow(parseRoutePath(Array.from({ length: 255 }, () => "1/0").join("/")))).toHaveLength(255)
    const r = parseRoutePath(hops)
    expect(Either.isLeft(r) && r.left.reason).toBe("TooLarge")
  })
})

describe("web-api findings", () => {
  it("a glob with a reversed range ([z-a]) matches nothing instead of throwing 'Range out of order' from RegExp", () => {
    expect(globMatch("[z-a]", "b")).toBe(false)
    expect(globMatch("S[!z-a]ADA", "SCADA")).toBe(true)
    expect(globMatch("a2*0[,\u00bc,2z-        ]", "a20z")).toBe(false)
    expect(globMatch("[b-z-a]x", "-x")).toBe(true)
    expect(globMatch("[b-z-a]x", "cx")).toBe(true)
    expect(globMatch("[a-c]x", "BX")).toBe(true)
  })
  it("dropping a reversed range does not join its neighbours into a new (reversed) range: [\u008c,-\0-\0] threw", () => {
    expect(globMatch("S[z\u008c,-\0-\0z-\0\0[z]", "S-")).toBe(true)
    expect(globMatch("S[z\u008c,-\0-\0z-\0\0[z]", "S,")).toBe(false)
    expect(globMatch("[a\\-]", "-")).toBe(true) // a trailing "-" is itself
    expect(globMatch("[a\\-]", "\\")).toBe(true)
    expect(globMatch("[-a]", "-")).toBe(true)
    expect(globMatch("[a-]", "-")).toBe(true)
  })
  it("0B followed by hex letters is not a number: the prefix test took 0[xob] with any hex digit, and Number() made NaN of it as an LREAL", () => {
    expect(convertValues("LREAL", "[0BBBBBBBBBBBBBBBBBBBBB, 2,6,03]")).toEqual(Either.left('"0BBBBBBBBBBBBBBBBBBBBB" is not a LREAL'))
    expect(convertValues("LREAL", "0b11, 0o7, 0xA")).toEqual(Either.right([3, 7, 10]))
  })
})

describe("history-record findings", () => {
  it("a record timestamp with a non-digit in a digit position is corrupt (the fast path read '201\\ufffd' as year 67495)", () => {
    expect(parseLine("201\ufffd-07-16 04:03:45.000\t\"TEXT\"\t\"hello\"")).toEqual({ _tag: "Corrupt", problem: "timestamp" })
    expect(parseLine("2014-07-16 04:03:4x.000\t1\t2")).toEqual({ _tag: "Corrupt", problem: "timestamp" })
    expect(parseLine("2014-07-16 04:03:45.00/\t1\t2")).toEqual({ _tag: "Corrupt", problem: "timestamp" })
    expect(parseLine("2014-0:-16 04:03:45.000\t1\t2")).toEqual({ _tag: "Corrupt", problem: "timestamp" })
    const ok = parseLine("2014-07-16 04:03:45.009\t1\t2")
    expect(ok._tag === "Record" && ok.record.time.toString()).toBe("2014-07-16 04:03:45.009")
  })
})
