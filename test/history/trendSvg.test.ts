/**
 * History as plots, without the CLI: tag selections, series from records, time ticks in a zone
 * across DST changes and the SVG's structure (plot.test.ts runs `cpppo history plot` end to end).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import { collectSeries, parseTagSelection, plotSvg, type Series, seriesFromPoints, seriesPoints, timeTicks, Timestamp } from "../../src/history/index.js"
import { assertWellFormed, legend, seriesNames, seriesPaths, timeAxis } from "./svg.js"

const at = (text: string) => Either.getOrThrow(Timestamp.parse(text)).millis
const H = 3600_000

describe("time ticks in a zone", () => {
  it("fall back in America/Edmonton: 01:00 happens twice, once MDT and once MST, an hour apart", () => {
    const ticks = timeTicks(at("2014-11-02 06:00:00"), at("2014-11-02 10:00:00"), "America/Edmonton", 5)
    expect(ticks.map((t) => t.time)).toEqual(["00:00 MDT", "01:00 MDT", "01:00 MST", "02:00 MST", "03:00 MST"])
    expect(ticks.map((t) => t.t)).toEqual([0, 1, 2, 3, 4].map((h) => at("2014-11-02 06:00:00") + h * H))
    expect(new Set(ticks.map((t) => t.date))).toEqual(new Set(["2014-11-02"]))
  })

  it("spring forward: 02:00 never happens", () => {
    const ticks = timeTicks(at("2014-03-09 07:00:00"), at("2014-03-09 11:00:00"), "America/Edmonton", 5)
    expect(ticks.map((t) => t.time)).toEqual(["00:00 MST", "01:00 MST", "03:00 MDT", "04:00 MDT", "05:00 MDT"])
  })

  it("at round local times in a zone half an hour off UTC, and to the second for short spans", () => {
    const ticks = timeTicks(at("2014-11-02 06:00:00"), at("2014-11-02 10:00:00"), "Asia/Kolkata", 5)
    expect(ticks.map((t) => t.time)).toEqual(["12:00 IST", "13:00 IST", "14:00 IST", "15:00 IST"])
    expect(timeTicks(at("2014-11-02 06:00:00"), at("2014-11-02 06:00:40"), "UTC", 5).map((t) => t.time))
      .toEqual(["06:00:00 UTC", "06:00:10 UTC", "06:00:20 UTC", "06:00:30 UTC", "06:00:40 UTC"])
  })

  it("local midnights for long spans, with the abbreviation of each date (CET/CEST)", () => {
    const ticks = timeTicks(at("2015-01-01 00:00:00"), at("2015-12-31 00:00:00"), "Europe/Paris", 6)
    expect(ticks.map((t) => `${t.date} ${t.time}`)).toEqual([
      "2015-03-01 00:00 CET", "2015-05-01 00:00 CEST", "2015-07-01 00:00 CEST", "2015-09-01 00:00 CEST", "2015-11-01 00:00 CET"
    ])
    expect(ticks[0]!.t).toBe(at("2015-02-28 23:00:00"))
  })
})

describe("series from history records", () => {
  const rec = (t: string, serial: unknown, data: unknown) => ({ time: Either.getOrThrow(Timestamp.parse(t)), serial, data })

  it("parses selections and refuses bad ones", () => {
    expect(Either.getOrThrow(parseTagSelection("SCADA[0-3], Speed,TEXT[2]"))).toEqual([
      { name: "SCADA", first: 0, last: 3 }, { name: "Speed", first: undefined, last: undefined }, { name: "TEXT", first: 2, last: 2 }
    ])
    expect(Either.getLeft(parseTagSelection("SCADA[3-1]"))).toEqual(Option.some(`bad tag selection "SCADA[3-1]": range ends before it starts`))
    expect(Either.isLeft(parseTagSelection("SCADA[x]"))).toBe(true)
    expect(Either.isLeft(parseTagSelection(" "))).toBe(true)
  })

  it("one series per selected element, from reads and writes, case-insensitively; failures and strings are not points", () => {
    const c = collectSeries(Either.getOrThrow(parseTagSelection("scada[1-2],Speed")))
    c.add(rec("2014-01-01 00:00:00", ["SCADA", [0, 3]], { write: [10, 11, 12, 13] }))
    c.add(rec("2014-01-01 00:00:01", ["SCADA", [2, 2]], { read: [22] }))
    c.add(rec("2014-01-01 00:00:02", ["SCADA", [1, 1]], { error: "Status 8" }))
    c.add(rec("2014-01-01 00:00:03", ["Speed", [0, 0]], { write: [2.5] }))
    c.add(rec("2014-01-01 00:00:04", ["TEXT", [0, 0]], { write: ["abc"] }))
    c.add(rec("2014-01-01 00:00:05", ["Flag", [0, 0]], { write: [true] }))
    c.add(rec("2014-01-01 00:00:06", [40001, 40010], { write: [1] }))
    const t0 = at("2014-01-01 00:00:00")
    expect(c.series().map((s) => [s.name, seriesPoints(s).map((p) => [p.t - t0, p.v])])).toEqual([
      ["SCADA[1]", [[0, 11]]],
      ["SCADA[2]", [[0, 12], [1000, 22]]],
      ["Speed", [[3000, 2.5]]]
    ])
    const all = collectSeries(undefined)
    all.add(rec("2014-01-01 00:00:05", ["Flag", [0, 0]], { write: [true] }))
    all.add(rec("2014-01-01 00:00:04", ["TEXT", [0, 0]], { write: ["abc"] }))
    expect(all.series().map((s) => [s.name, [...s.values]])).toEqual([["Flag", [1]]])
  })

  it("stops keeping series past the limit, and says so", () => {
    const c = collectSeries(undefined, 3)
    expect(c.add(rec("2014-01-01 00:00:00", ["A", [0, 2]], { write: [1, 2, 3] }))).toBe(true)
    expect(c.add(rec("2014-01-01 00:00:01", ["B", [0, 0]], { write: [1] }))).toBe(false)
    expect(c.series()).toHaveLength(3)
  })
})

/** SCADA[0..3] every 5 minutes across the fall-back night in Edmonton (06:00Z → 10:00Z). */
const fallBack = (): ReadonlyArray<Series> => {
  const t0 = at("2014-11-02 06:00:00")
  return [0, 1, 2, 3].map((i) =>
    seriesFromPoints(`SCADA[${i}]`, Array.from({ length: 49 }, (_, k) => ({ t: t0 + k * 300_000, v: i * 10 + Math.sin(k / 5) * 5 })), "SCADA", i))
}

describe("the SVG", () => {
  it("has one line and one legend entry per series, and a time axis in the zone across the DST change", () => {
    const svg = plotSvg(fallBack(), { zone: "America/Edmonton", title: "scada.hst" })
    assertWellFormed(svg)
    expect(seriesNames(svg)).toEqual(["SCADA[0]", "SCADA[1]", "SCADA[2]", "SCADA[3]"])
    expect(legend(svg)).toEqual(["SCADA[0]", "SCADA[1]", "SCADA[2]", "SCADA[3]"])
    const axis = timeAxis(svg)
    expect(axis.zone).toBe("America/Edmonton")
    expect(axis.ticks.map((t) => t.label)).toEqual(["00:00 MDT", "01:00 MDT", "01:00 MST", "02:00 MST", "03:00 MST"])
    expect(axis.ticks[0]!.date).toBe("2014-11-02")
    // Equal steps of real time: the two 01:00 ticks are as far apart as any other pair.
    const gaps = axis.ticks.slice(1).map((t, i) => t.x - axis.ticks[i]!.x)
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0]!, 0)
    for (const d of seriesPaths(svg).values()) expect(d).toMatch(/^M\d+ [\d.]+(H\d+|V[\d.]+)+$/)
    expect(svg).toContain("<title>scada.hst</title>")
  })

  it("the same data in UTC has UTC labels", () => {
    expect(timeAxis(plotSvg(fallBack(), {})).ticks.map((t) => t.label)).toEqual(["06:00 UTC", "07:00 UTC", "08:00 UTC", "09:00 UTC", "10:00 UTC"])
  })

  it("escapes names, and keeps a path of 200,000 points to a few vertices per pixel", () => {
    const t0 = at("2014-01-01 00:00:00")
    const many = seriesFromPoints(`<A&"B'>`, Array.from({ length: 200_000 }, (_, k) => ({ t: t0 + k * 10, v: (k * 7919) % 1000 })))
    const svg = plotSvg([many], { width: 800, height: 300, title: "<script>" })
    assertWellFormed(svg)
    expect(seriesNames(svg)).toEqual([`<A&"B'>`])
    expect(svg).not.toContain("<script>")
    expect(seriesPaths(svg).get(`<A&"B'>`)!.length).toBeLessThan(800 * 4 * 8)
  })

  it("plots a time range given, even where a series has no point", () => {
    const svg = plotSvg(fallBack(), { zone: "UTC", from: at("2014-11-02 00:00:00"), to: at("2014-11-02 04:00:00") })
    assertWellFormed(svg)
    expect([...seriesPaths(svg).values()]).toEqual(["", "", "", ""])
    expect(timeAxis(svg).ticks.map((t) => t.label)[0]).toBe("00:00 UTC")
  })
})
