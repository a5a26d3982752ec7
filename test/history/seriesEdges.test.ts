/**
 * Series from history records, the edges: selections written with spaces, which serials and data
 * are tag values, which values are points, series past 64 points and out of time order, names
 * with and without an index, the order of series, the series limit.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { collectSeries, parseTagSelection, plotValue, recordValues, seriesFromPoints, seriesPoints, Timestamp } from "../../src/history/index.js"

const T0 = Either.getOrThrow(Timestamp.parse("2014-01-01 00:00:00")).millis
const rec = (dt: number, serial: unknown, data: unknown) => ({ time: Timestamp.fromMillis(T0 + dt), serial, data })
const points = (c: ReturnType<typeof collectSeries>) => c.series().map((s) => [s.name, seriesPoints(s).map((p) => [p.t - T0, p.v])])

describe("tag selections", () => {
  it("spaces inside and around brackets, commas or spaces between, names with : . _", () => {
    expect(Either.getOrThrow(parseTagSelection(" SCADA[ 1 - 3 ]  Program:Main.Speed,_x[0]"))).toEqual([
      { name: "SCADA", first: 1, last: 3 }, { name: "Program:Main.Speed", first: undefined, last: undefined }, { name: "_x", first: 0, last: 0 }
    ])
    expect(Either.getOrThrow(parseTagSelection("A[2-2]"))).toEqual([{ name: "A", first: 2, last: 2 }])
  })

  it("refuses nothing, a leading digit, a half range and trailing text, quoting the part", () => {
    expect(Either.getLeft(parseTagSelection(" , ")).pipe((o) => o._tag === "Some" ? o.value : "")).toBe("no tags selected")
    expect(Either.isLeft(parseTagSelection(""))).toBe(true)
    for (const bad of ["1A", "A[1-]", "A[1]x", "A[-1]", "A B[", "A[1]]"]) {
      const r = parseTagSelection(bad)
      expect(Either.isLeft(r), bad).toBe(true)
    }
    expect(Either.getLeft(parseTagSelection("ok,1A"))).toEqual(expect.objectContaining({ value: `bad tag selection "1A": expected NAME, NAME[i] or NAME[a-b]` }))
  })
})

describe("values", () => {
  it("numbers (finite), booleans as 1/0 and bigints are points; nothing else", () => {
    expect([3.5, true, false, 7n, Number.NaN, Infinity, "1", null, undefined, [1]].map(plotValue)).toEqual([3.5, 1, 0, 7, undefined, undefined, undefined, undefined, undefined, undefined])
  })

  it("a write's values, else a read's; nothing from failures, arrays or plain values", () => {
    expect(recordValues({ write: [1], read: [2] })).toEqual([1])
    expect(recordValues({ read: [2] })).toEqual([2])
    expect(recordValues({ write: 1, read: [2] })).toEqual([2])
    expect(recordValues({ error: "Status 8" })).toBeUndefined()
    expect(recordValues(null)).toBeUndefined()
    expect(recordValues([1, 2])).toBeUndefined()
    expect(recordValues(5)).toBeUndefined()
  })
})

describe("collecting series", () => {
  it("only [name, [first, last]] serials with integer bounds are tag records", () => {
    const c = collectSeries(undefined)
    for (const serial of [["A", [0]], ["A", [0, 0, 0]], ["A", { 0: 0, 1: 0, length: 2 }], ["A", [0, 0], 1], [1, [0, 0]], ["A", [0.5, 1]], ["A", [0, "1"]], ["A", 0], "A", null, ["A", [0, 0]]]) {
      expect(c.add(rec(0, serial, { write: [5] }))).toBe(true)
    }
    expect(points(c)).toEqual([["A", [[0, 5]]]])
    expect(c.count()).toBe(1)
  })

  it("elements past the values given are not points; a range starting above 0 indexes from its first", () => {
    const c = collectSeries(undefined)
    c.add(rec(0, ["A", [2, 5]], { write: [20, 30] }))
    expect(points(c)).toEqual([["A[2]", [[0, 20]]], ["A[3]", [[0, 30]]]])
    // Values past the range's last element are not points either.
    const more = collectSeries(undefined)
    more.add(rec(0, ["B", [0, 0]], { write: [5, 6] }))
    expect(points(more)).toEqual([["B", [[0, 5]]]])
  })

  it("past 64 points a series grows, and records out of time order come out sorted, ties in arrival order", () => {
    const c = collectSeries([{ name: "A" }])
    for (let k = 0; k < 100; k++) c.add(rec(1000 * k, ["A", [0, 0]], { write: [k] }))
    c.add(rec(500, ["A", [0, 0]], { write: [-1] }))
    c.add(rec(500, ["A", [0, 0]], { write: [-2] }))
    const [s] = c.series()
    expect(s!.times.length).toBe(102)
    expect(Array.from(s!.values.slice(0, 5))).toEqual([0, -1, -2, 1, 2])
    expect(s!.values[101]).toBe(99)
    expect(Array.from(s!.times).every((t, i, a) => i === 0 || a[i - 1]! <= t)).toBe(true)
    // Every record later than the next: sorted too.
    const back = collectSeries(undefined)
    for (const k of [3, 2, 1]) back.add(rec(1000 * k, ["A", [0, 0]], { write: [k] }))
    expect(points(back)).toEqual([["A", [[1000, 1], [2000, 2], [3000, 3]]]])
  })

  it("a tag's only element 0 is named bare when selected without an index; otherwise with its index", () => {
    const bare = collectSeries([{ name: "speed" }, { name: "B", first: 0, last: 0 }])
    bare.add(rec(0, ["Speed", [0, 0]], { read: [1] }))
    bare.add(rec(0, ["B", [0, 0]], { read: [2] }))
    expect(bare.series().map((s) => s.name)).toEqual(["Speed", "B[0]"])
    const two = collectSeries([{ name: "A" }])
    two.add(rec(0, ["A", [0, 1]], { read: [1, 2] }))
    expect(two.series().map((s) => s.name)).toEqual(["A[0]", "A[1]"])
    const high = collectSeries(undefined)
    high.add(rec(0, ["A", [1, 1]], { read: [1] }))
    expect(high.series().map((s) => [s.name, s.tag, s.index])).toEqual([["A[1]", "A", 1]])
  })

  it("series in selection order, then by tag name, then by index; an element outside a selection's range is left out", () => {
    const c = collectSeries([{ name: "Z" }, { name: "A", first: 1, last: 2 }])
    c.add(rec(0, ["A", [0, 3]], { write: [0, 1, 2, 3] }))
    c.add(rec(0, ["Z", [1, 1]], { write: [9] }))
    c.add(rec(0, ["Z", [0, 0]], { write: [8] }))
    expect(c.series().map((s) => s.name)).toEqual(["Z[0]", "Z[1]", "A[1]", "A[2]"])
    const all = collectSeries(undefined)
    all.add(rec(0, ["b", [1, 1]], { write: [1] }))
    all.add(rec(0, ["B", [0, 0]], { write: [1] }))
    all.add(rec(0, ["a", [0, 0]], { write: [1] }))
    expect(all.series().map((s) => s.name)).toEqual(["a", "b[1]", "B[0]"])
  })

  it("the limit: the record that would make one too many returns false, and count says there are more", () => {
    const c = collectSeries(undefined, 2)
    expect(c.add(rec(0, ["A", [0, 1]], { write: [1, 2] }))).toBe(true)
    expect(c.count()).toBe(2)
    expect(c.add(rec(1, ["A", [0, 1]], { write: [3, 4] }))).toBe(true)
    expect(c.add(rec(2, ["B", [0, 0]], { write: [1] }))).toBe(false)
    expect(c.count()).toBe(3)
    expect(c.series().map((s) => s.name)).toEqual(["A[0]", "A[1]"])
    expect(collectSeries(undefined).count()).toBe(0)
  })

  it("series from points are sorted by time; tag and index default to the name and 0", () => {
    const s = seriesFromPoints("X", [{ t: 3, v: 30 }, { t: 1, v: 10 }, { t: 2, v: 20 }])
    expect([s.tag, s.index, Array.from(s.times), Array.from(s.values)]).toEqual(["X", 0, [1, 2, 3], [10, 20, 30]])
  })
})
