/**
 * The dotted data paths machines collect into (cpppo's dotdict): joining, resolving relative
 * paths (`..x` a sibling), reading, setting through missing or non-object levels, and appending
 * collected text and bytes.
 */
import { describe, expect, it } from "vitest"
import { appendBytes, appendInput, appendText, type Data, getPath, joinPath, normalizePath, PathKeys, resolvePath, setKeys, setPath } from "../../src/dfa/path.js"

describe("data paths", () => {
  it("join, resolve and normalise", () => {
    expect(joinPath("a", undefined)).toBe("a")
    expect(joinPath("a", "")).toBe("a")
    expect(joinPath("", "b")).toBe("b")
    expect(joinPath("a", "b")).toBe("a.b")
    expect(resolvePath("enip.header", "length")).toBe("enip.header.length")
    expect(resolvePath("enip.header", "..length")).toBe("enip.length")
    expect(resolvePath("enip.header", ".x")).toBe("enip.header.x")
    expect(resolvePath("a.b.c", "...x")).toBe("a.x")
    expect(normalizePath("a.b..c")).toBe("a.c")
    expect(normalizePath("a.b.c")).toBe("a.b.c")
    expect(normalizePath("a..b..c")).toBe("c")
    // Relative to the root (a machine without a context at the top): a child of the root, as
    // `"..x"` there is; before, `".x"` stayed `".x"` and was read at data[""].x.
    expect([resolvePath("", ".x"), resolvePath("", "..x"), normalizePath(".x.y")]).toEqual(["x", "x", "x.y"])
  })

  it("get and set, creating the levels on the way (replacing values that are not objects)", () => {
    const d: Data = { a: { b: 1 }, n: 5, arr: [1], bytes: new Uint8Array(2) }
    expect(getPath(d, "a.b")).toBe(1)
    expect(getPath(d, "a.c")).toBeUndefined()
    expect(getPath(d, "n.x")).toBeUndefined()
    expect(getPath(d, "z.y")).toBeUndefined()
    expect(getPath({ a: null }, "a.b")).toBeUndefined()
    expect(getPath({ a: null }, "a")).toBeNull()
    setPath(d, "a.c.d", 2)
    setPath(d, "n.x", 3)
    setPath(d, "arr.y", 4)
    setPath(d, "bytes.z", 5)
    setKeys(d, ["top"], 6)
    expect(d).toEqual({ a: { b: 1, c: { d: 2 } }, n: { x: 3 }, arr: { y: 4 }, bytes: { z: 5 }, top: 6 })
    const empty: Data = { k: null }
    setPath(empty, "k.v", 1)
    expect(empty).toEqual({ k: { v: 1 } })
  })

  it("appends text as a string and bytes as numbers", () => {
    const d: Data = {}
    appendInput(d, ["t", "s"], "a", true)
    appendInput(d, ["t", "s"], 0x3c0, true)
    appendInput(d, ["t", "s"], "b", true)
    appendInput(d, ["b"], 7, false)
    appendInput(d, ["b"], 8, false)
    appendInput(d, ["c"], "ignored", false)
    appendInput(d, ["n"], 1, true)
    expect(d).toEqual({ t: { s: "aπb" }, b: [7, 8], c: [], n: "\u0001" })
    const e: Data = { s: 5, b: "x" }
    appendText(e, ["s"], "xy")
    appendText(e, ["s"], "z")
    appendText(e, ["u", "v"], "w")
    appendBytes(e, ["b"], new Uint8Array([1, 2, 3, 4]), 1, 3)
    appendBytes(e, ["b"], new Uint8Array([9]), 0, 1)
    expect(e).toEqual({ s: "xyz", u: { v: "w" }, b: [2, 3, 9] })
  })

  it("PathKeys splits a path once and again when it changes", () => {
    const k = new PathKeys()
    const first = k.get("a.b")
    expect(first).toEqual(["a", "b"])
    expect(k.get("a.b")).toBe(first)
    expect(k.get("c")).toEqual(["c"])
    expect(k.get("a.b")).toEqual(["a", "b"])
  })
})
