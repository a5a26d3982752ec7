/**
 * Register addresses, range specs, register runs and request planning at their edges: the exact
 * refusals, forced address forms, lookups at run boundaries, merging with `apart` and limits.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { format, formatRange, parseAddress, parseRangeSpec } from "../../src/modbus/addresses.js"
import { mergeRanges, shatter } from "../../src/modbus/merge.js"
import { type BoundRun, makeRegisterMap, planRuns, runSpec } from "../../src/modbus/registers.js"

const ok = <A, E>(e: Either.Either<A, E>): A => Either.getOrThrowWith(e, (x) => new Error(String((x as { message?: string }).message ?? x)))
const why = <A>(e: Either.Either<A, { message: string }>): string => Either.match(e, { onLeft: (x) => x.message, onRight: (a) => `parsed ${JSON.stringify(a)}` })

describe("register address refusals", () => {
  it("name the text and the reason", () => {
    expect(why(parseAddress("4x"))).toBe('bad register "4x": expected a register number like 40001 or 400001')
    expect(why(parseAddress("1234567"))).toBe('bad register "1234567": expected a register number like 40001 or 400001')
    expect(why(parseAddress("200001"))).toBe('bad register "200001": a 6-digit register starts with 0, 1, 3 or 4')
    expect(why(parseAddress("400000"))).toBe('bad register "400000": out of range 400001-465536')
    expect(why(parseAddress("065537"))).toBe('bad register "065537": out of range 000001-065536')
    expect(why(parseAddress("20000"))).toBe('bad register "20000": not in a Modbus table (1-9999 coils, 10001- discrete inputs, 30001- input registers, 40001- holding registers)')
  })
  it("each 5-digit table's first and last, and the gaps between them", () => {
    expect(ok(parseAddress(" 19999 "))).toEqual({ table: "discrete", offset: 9998 })
    expect(ok(parseAddress("30001"))).toEqual({ table: "input", offset: 0 })
    expect(ok(parseAddress("000001"))).toEqual({ table: "coils", offset: 0 })
    expect(ok(parseAddress("300000".replace(/0$/, "1")))).toEqual({ table: "input", offset: 0 })
    expect(ok(parseAddress("365536"))).toEqual({ table: "input", offset: 65535 })
    for (const t of ["10000", "29999", "100000", "300000", "165537"]) expect(Either.isLeft(parseAddress(t))).toBe(true)
  })
  it("format: the 5-digit form up to 9999 (59999 holding), a form forced either way", () => {
    expect(format({ table: "coils", offset: 9998 })).toBe("9999")
    expect(format({ table: "coils", offset: 9999 })).toBe("010000")
    expect(format({ table: "discrete", offset: 9998 })).toBe("19999")
    expect(format({ table: "discrete", offset: 9999 })).toBe("110000")
    expect(format({ table: "input", offset: 9999 })).toBe("310000")
    expect(format({ table: "holding", offset: 59998 })).toBe("99999")
    expect(format({ table: "holding", offset: 59999 })).toBe("460000")
    expect(format({ table: "holding", offset: 0 }, 6)).toBe("400001")
    expect(format({ table: "coils", offset: 0 }, 6)).toBe("000001")
    expect(format({ table: "coils", offset: 0 }, 5)).toBe("1")
    expect(format({ table: "holding", offset: 60000 }, 5)).toBe("100001")
  })
  it("formatRange: one element alone; both ends in the 6-digit form when either needs it", () => {
    expect(formatRange({ table: "holding", offset: 4, count: 1 })).toBe("40005")
    expect(formatRange({ table: "holding", offset: 4, count: 2 })).toBe("40005-40006")
    expect(formatRange({ table: "coils", offset: 9990, count: 10 })).toBe("009991-010000")
    expect(formatRange({ table: "coils", offset: 9990, count: 9 })).toBe("9991-9999")
    expect(formatRange({ table: "holding", offset: 60000, count: 1 })).toBe("460001")
  })
})

describe("range spec refusals", () => {
  it("name the text and the reason", () => {
    expect(why(parseRangeSpec("40001:3"))).toBe('bad register "40001:3": expected <begin>[-<end>][=<value>[,<value>…]]')
    expect(why(parseRangeSpec("40001-30001"))).toBe('bad register "40001-30001": the range crosses from one table into another')
    expect(why(parseRangeSpec("40005-40001"))).toBe('bad register "40005-40001": the end is before the beginning')
    expect(why(parseRangeSpec("40001=1,x"))).toBe('bad register "40001=1,x": value "x" is not an integer')
    expect(why(parseRangeSpec("1=2"))).toBe('bad register "1=2": value 2 is outside 0..1 (a coil)')
    expect(why(parseRangeSpec("1=-1"))).toBe('bad register "1=-1": value -1 is outside 0..1 (a coil)')
    expect(why(parseRangeSpec("40001=65536"))).toBe('bad register "40001=65536": value 65536 is outside 0..65535 (a register)')
    expect(why(parseRangeSpec("40001=-1"))).toBe('bad register "40001=-1": value -1 is outside 0..65535 (a register)')
    expect(why(parseRangeSpec("465536=1,2"))).toBe('bad register "465536=1,2": the values run past the end of the table')
    expect(why(parseRangeSpec("99999x"))).toMatch(/expected <begin>/)
  })
  it("values: spaces, hex, the last register, 65535; a range without values takes the default or none", () => {
    expect(ok(parseRangeSpec(" 40001 - 40002 = 0xFFFF , 0 "))).toMatchObject({ count: 2, values: [65535, 0] })
    expect(ok(parseRangeSpec("465536=7"))).toMatchObject({ offset: 65535, count: 1, values: [7] })
    expect(ok(parseRangeSpec("1-2=1"))).toMatchObject({ table: "coils", values: [1, 1] })
    expect(ok(parseRangeSpec("1=0"))).toMatchObject({ values: [0] })
    expect(ok(parseRangeSpec("40001-40003"))).toEqual({ table: "holding", offset: 0, count: 3, values: [], text: "40001-40003" })
    expect(ok(parseRangeSpec("40001-40003", 9))).toMatchObject({ values: [9, 9, 9] })
    expect(ok(parseRangeSpec("40001-40003=1,2,3", 9))).toMatchObject({ values: [1, 2, 3] })
  })
})

describe("register runs", () => {
  it("a later spec overrides (a text spec without values with 0); a parsed spec without values keeps them; gaps split runs", () => {
    const runs = ok(planRuns(["40001-40003=5", "40002-40005", "40007", "30001=1", "10001-10002=1"]))
    expect(runs.map((r) => [r.name, r.table, r.offset, r.count, r.values])).toEqual([
      ["10001", "discrete", 0, 2, [1, 1]],
      ["30001", "input", 0, 1, [1]],
      ["40001", "holding", 0, 5, [5, 0, 0, 0, 0]],
      ["40007", "holding", 6, 1, [0]]
    ])
    const kept = ok(planRuns(["40001-40003=5", ok(parseRangeSpec("40002-40005"))]))
    expect(kept.map((r) => r.values)).toEqual([[5, 5, 5, 0, 0]])
    expect(why(planRuns(["40001", "x"]))).toMatch(/^bad register "x"/)
    const last = ok(planRuns(["465535-465536=3"]))
    expect(last.map((r) => [r.name, r.offset, r.count])).toEqual([["465535", 65534, 2]])
  })
  it("tag specs: UINT per register, BOOL unpacked per bit, scalar when one element", () => {
    const [coil, regs] = ok(planRuns(["1", "40001-40002"]))
    expect(runSpec(coil!)).toEqual({ name: "1", type: "BOOL", count: 1, scalar: true, unpacked: true })
    expect(runSpec(regs!)).toEqual({ name: "40001", type: "UINT", count: 2, scalar: false })
  })
  it("find: the run holding a whole range, none across a run's end or in another table", () => {
    const runs = ok(planRuns(["40001-40010", "40021-40030", "40041", "1-4"])).map((r) => ({ ...r, tag: undefined as never })) as Array<BoundRun>
    const map = makeRegisterMap(runs)
    const name = (t: Parameters<typeof map.find>[0], o: number, c: number) => map.find(t, o, c)?.name
    expect(name("holding", 0, 10)).toBe("40001")
    expect(name("holding", 9, 1)).toBe("40001")
    expect(name("holding", 9, 2)).toBeUndefined()
    expect(name("holding", 10, 1)).toBeUndefined()
    expect(name("holding", 19, 1)).toBeUndefined()
    expect(name("holding", 20, 1)).toBe("40021")
    expect(name("holding", 29, 1)).toBe("40021")
    expect(name("holding", 40, 1)).toBe("40041")
    expect(name("holding", 41, 1)).toBeUndefined()
    expect(name("holding", 35, 1)).toBeUndefined()
    expect(name("coils", 3, 1)).toBe("1")
    expect(name("input", 0, 1)).toBeUndefined()
    expect(map.byName("40021")?.offset).toBe(20)
    expect(map.byName("40022")).toBeUndefined()
    expect(map.runs).toBe(runs)
  })
})

describe("request planning at its edges", () => {
  it("reach below 1 still merges adjacent ranges; a fractional reach is floored", () => {
    const at = (...o: Array<number>) => o.map((offset) => ({ table: "holding" as const, offset }))
    expect(mergeRanges(at(0, 1), 0)).toEqual([{ table: "holding", offset: 0, count: 2 }])
    expect(mergeRanges(at(0, 3), 3.9)).toEqual([{ table: "holding", offset: 0, count: 4 }])
    expect(mergeRanges(at(0, 4), 3.9)).toEqual([{ table: "holding", offset: 0, count: 1 }, { table: "holding", offset: 4, count: 1 }])
    expect(mergeRanges(at(5, 0, 2), 3)).toEqual([{ table: "holding", offset: 0, count: 6 }])
  })
  it("overlapping ranges are always one; ranges kept apart are not merged with their neighbours", () => {
    const r = (offset: number, count: number) => ({ table: "input" as const, offset, count })
    expect(mergeRanges([r(0, 10), r(2, 3)], 1)).toEqual([r(0, 10)])
    const apart = (x: { offset: number }) => x.offset === 10
    expect(mergeRanges([r(0, 10), r(10, 2), r(12, 2)], 5, {}, apart)).toEqual([r(0, 10), r(10, 2), r(12, 2)])
    expect(mergeRanges([r(0, 10), r(10, 2), r(12, 2)], 5)).toEqual([r(0, 14)])
    expect(mergeRanges([r(0, 10), r(5, 10)], 1, {}, () => true)).toEqual([r(0, 15)])
  })
  it("limits cap the request size, never above the protocol's; tables come out coils, discrete, input, holding", () => {
    expect(shatter({ table: "holding", offset: 0, count: 25 }, { registers: 10 })).toEqual([
      { table: "holding", offset: 0, count: 10 }, { table: "holding", offset: 10, count: 10 }, { table: "holding", offset: 20, count: 5 }])
    expect(shatter({ table: "holding", offset: 0, count: 130 }, { registers: 500 })).toHaveLength(2)
    expect(shatter({ table: "discrete", offset: 0, count: 2001 }, { bits: 5000 })).toHaveLength(2)
    expect(shatter({ table: "coils", offset: 0, count: 8 }, { bits: 3, registers: 1 })).toHaveLength(3)
    expect(shatter({ table: "input", offset: 0, count: 2 }, { bits: 1 })).toHaveLength(1)
    expect(mergeRanges([{ table: "holding", offset: 0 }, { table: "input", offset: 0 }, { table: "discrete", offset: 0 }, { table: "coils", offset: 0 }], 1)
      .map((x) => x.table)).toEqual(["coils", "discrete", "input", "holding"])
    expect(mergeRanges([], 1)).toEqual([])
  })
})
