/**
 * Glob classes (src/web/glob.ts) at their edges: plain characters beside ranges, one-character
 * ranges, the reversed range's refusal quoting just that range, and fnmatch's reading of it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { compileGlob, globMatch } from "../../src/web/glob.js"

describe("glob classes", () => {
  it("[ab] is a or b; [a-a] is a; [xa-c] mixes a character and a range", () => {
    expect(globMatch("[ab]", "a")).toBe(true)
    expect(globMatch("[ab]", "b")).toBe(true)
    expect(globMatch("[ab]", "c")).toBe(false)
    expect(Either.isRight(compileGlob("[a-a]"))).toBe(true)
    expect(globMatch("[a-a]", "a")).toBe(true)
    expect(globMatch("[a-a]", "b")).toBe(false)
    expect(globMatch("[xa-c]", "x")).toBe(true)
    expect(globMatch("[xa-c]", "b")).toBe(true)
    expect(globMatch("[xa-c]", "d")).toBe(false)
  })
  it("a reversed range: the API's refusal names only that range; fnmatch's reading matches nothing by it", () => {
    expect(Either.getLeft(compileGlob("[z-ab]")).pipe((o) => o._tag === "Some" ? o.value : "")).toBe('invalid glob "[z-ab]": range z-a is reversed')
    expect(globMatch("[z-ab]", "b")).toBe(true)
    expect(globMatch("[z-ab]", "z")).toBe(false)
    expect(globMatch("[z-ab]", "m")).toBe(false)
  })
})
