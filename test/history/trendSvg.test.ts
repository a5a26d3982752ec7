/**
 * History as plots, without the CLI: tag selections, series from records, time ticks in a zone
 * across DST changes and the SVG's structure (plot.test.ts runs `cpppo history plot` end to end).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Option } from "effect"
import { collectSeries, escapeXml, formatValue, parseTagSelection, plotSvg, type Series, seriesFromPoints, seriesPoints, timeTicks, Timestamp, valueTicks } from "../../src/history/index.js"
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
    expect(timeAxis(plotSvg(fallBack(), {})).zone).toBe("UTC")
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

/** The value axis: each tick's label and its y, in the order drawn. */
const valueAxis = (svg: string) => {
  const g = /<g class="axis value"[^>]*>([\s\S]*?)\n<\/g>/.exec(svg)?.[1] ?? ""
  return Array.from(g.matchAll(/<line x1="\d+" x2="\d+" y1="([\d.]+)" y2="[\d.]+"\/><text[^>]*>([^<]*)<\/text>/g), (m) => ({ label: m[2]!, y: m[1]! }))
}

describe("the SVG's parts", () => {
  const T0 = at("2014-01-01 00:00:00")

  it("value ticks: 1, 2 or 5 × 10^k steps from below the lowest to the highest; a flat range is padded", () => {
    expect(valueTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10])
    expect(valueTicks(0.1, 0.35, 4)).toEqual([0.1, 0.2, 0.3, 0.4])
    expect(valueTicks(3, 41, 4)).toEqual([0, 10, 20, 30, 40, 50])
    expect(valueTicks(0, 10, 0)).toEqual([0, 10]) // at least one step
    expect(valueTicks(5, 5, 4)).toEqual([4.5, 5, 5.5]) // ±10 %
    expect(valueTicks(-20, -20, 4)).toEqual([-22, -21, -20, -19, -18])
    expect(valueTicks(0, 0, 4)).toEqual([-1, -0.5, 0, 0.5, 1]) // ±1 around 0
  })

  it("value labels: short, exponents outside 1e-4 … 1e6, no float noise; text escaped", () => {
    expect([0, 0.1 + 0.2, 123456.7, 0.0001, 1e6, 1234567, -2.5e7, 0.00001234, 0.00009].map(formatValue))
      .toEqual(["0", "0.3", "123457", "0.0001", "1e+6", "1.23e+6", "-2.5e+7", "1.23e-5", "9e-5"])
    expect(escapeXml(`a&<b>"c'`)).toBe("a&amp;&lt;b&gt;&quot;c&#39;")
  })

  it("a step path thinned per pixel column (lowest, highest, last) and held to the range's end, at the value axis' heights", () => {
    const s = seriesFromPoints("A", [
      { t: T0 - 1000, v: 1000 }, // before the range: neither drawn nor on the value axis
      { t: T0, v: 4 }, { t: T0 + 1, v: 0 }, { t: T0 + 2, v: 10 }, { t: T0 + 3, v: 6 }, { t: T0 + 60_000, v: 2 }
    ])
    const svg = plotSvg([s], { from: T0, to: T0 + 60_000 })
    assertWellFormed(svg)
    const axis = valueAxis(svg)
    expect(axis.map((t) => t.label)).toEqual(["0", "2", "4", "6", "8", "10"])
    const y = (v: number) => axis.find((t) => t.label === String(v))!.y
    // 960 wide: the plot from x=70 to 960 - 16 - the legend's column (40 + 7 px a character).
    const right = 960 - 16 - 47
    expect(seriesPaths(svg).get("A")).toBe(`M70 ${y(4)}V${y(0)}V${y(10)}V${y(6)}H${right}V${y(2)}H${right}`)
    expect(svg).toContain(`<rect class="frame" x="70" y="16" width="${right - 70}" height="416"`)
    // A column ending on its highest value, one ending on its lowest: the other extreme is drawn too.
    const ends = plotSvg([seriesFromPoints("A", [
      { t: T0, v: 4 }, { t: T0 + 1, v: 0 }, { t: T0 + 2, v: 10 },
      { t: T0 + 30_000, v: 6 }, { t: T0 + 30_001, v: 10 }, { t: T0 + 30_002, v: 2 }, { t: T0 + 60_000, v: 4 }
    ])], { from: T0, to: T0 + 60_000 })
    expect(seriesPaths(ends).get("A")).toBe(`M70 ${y(4)}V${y(0)}V${y(10)}V${y(10)}H484V${y(2)}V${y(10)}V${y(2)}H${right}V${y(4)}H${right}`)
    // A series whose only point in the range is at its very end.
    const last = plotSvg([seriesFromPoints("A", [{ t: T0 + 60_000, v: 4 }, { t: T0 + 70_000, v: 8 }])], { from: T0, to: T0 + 60_000 })
    expect(seriesPaths(last).get("A")).toMatch(new RegExp(`^M${right} [\\d.]+V[\\d.]+H${right}$`))
  })

  it("the value axis covers the points at both ends of the range (included), and none outside", () => {
    const s = seriesFromPoints("A", [
      { t: T0 - 1, v: 900 }, { t: T0, v: 40 }, { t: T0 + 30_000, v: 5 }, { t: T0 + 60_000, v: -40 }, { t: T0 + 60_001, v: -900 }
    ])
    const labels = valueAxis(plotSvg([s], { from: T0, to: T0 + 60_000 })).map((t) => t.label)
    expect([labels[0], labels[labels.length - 1]]).toEqual(["-40", "40"])
    // Values 13 … 41: the axis runs from the tick below (10) at the frame's bottom to the tick above (45) at its top.
    const axis = valueAxis(plotSvg([seriesFromPoints("A", [{ t: T0, v: 13 }, { t: T0 + 1000, v: 41 }])], { from: T0, to: T0 + 1000 }))
    expect([axis[0], axis[axis.length - 1]]).toEqual([{ label: "10", y: "432" }, { label: "45", y: "16" }])
  })

  it("a series wholly before or after the range has no path; no point in the range gives a 0 … 1 axis", () => {
    const s = seriesFromPoints("A", [{ t: T0, v: 5 }])
    const after = plotSvg([s], { from: T0 + 1000, to: T0 + 2000 })
    const before = plotSvg([s], { from: T0 - 2000, to: T0 - 1000 })
    for (const svg of [after, before]) {
      expect(seriesPaths(svg).get("A")).toBe("")
      expect(valueAxis(svg).map((t) => t.label)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }
  })

  it("the time range: the data's, else a minute either side of the one end given, else the last minute; at least a second", () => {
    const range = (svg: string) => {
      const ticks = timeAxis(svg).ticks
      return [ticks[0]!.t, ticks[ticks.length - 1]!.t]
    }
    const s = seriesFromPoints("A", [{ t: T0, v: 1 }, { t: T0 + 180_000, v: 2 }])
    expect(range(plotSvg([s]))).toEqual([T0, T0 + 180_000])
    // The earliest first point and the latest last one of all the series.
    const inner = seriesFromPoints("B", [{ t: T0 + 60_000, v: 1 }, { t: T0 + 120_000, v: 2 }])
    expect(range(plotSvg([s, inner]))).toEqual([T0, T0 + 180_000])
    expect(range(plotSvg([inner, s]))).toEqual([T0, T0 + 180_000])
    // One end given: the other is the data's (not a minute from the end given).
    expect(range(plotSvg([s], { from: T0 + 60_000 }))).toEqual([T0 + 60_000, T0 + 180_000])
    expect(range(plotSvg([s], { to: T0 + 90_000 }))).toEqual([T0, T0 + 90_000])
    expect(range(plotSvg([], { to: T0 }))).toEqual([T0 - 60_000, T0])
    expect(range(plotSvg([], { from: T0 }))).toEqual([T0, T0 + 60_000])
    expect(range(plotSvg([seriesFromPoints("E", [])], { from: T0 }))).toEqual([T0, T0 + 60_000])
    expect(range(plotSvg([s], { from: T0, to: T0 }))).toEqual([T0, T0 + 1000])
    const now = Date.now()
    const [from, to] = range(plotSvg([]))
    expect(to! - from!).toBeLessThanOrEqual(60_000)
    expect(from!).toBeGreaterThanOrEqual(now - 60_000 - 10_000)
    expect(to!).toBeLessThanOrEqual(Date.now())
  })

  it("the date under the first tick and under the first tick of each new day only", () => {
    const svg = plotSvg([seriesFromPoints("A", [{ t: at("2014-01-01 22:00:00"), v: 1 }, { t: at("2014-01-02 02:00:00"), v: 2 }])])
    const ticks = timeAxis(svg).ticks
    expect(ticks.filter((t) => t.date !== undefined).map((t) => [t.label, t.date])).toEqual([["22:00 UTC", "2014-01-01"], ["00:00 UTC", "2014-01-02"]])
  })

  it("size at least 320 × 200, rounded; no title: no heading and the plot 16 px from the top", () => {
    const svg = plotSvg([], { from: T0, to: T0 + 1000, width: 100.4, height: 50 })
    expect(svg).toMatch(/^<svg [^>]*width="320" height="200" viewBox="0 0 320 200"/)
    expect(svg).toContain("<title>cpppo trend</title>")
    expect(svg).not.toContain(`font-size="15"`)
    expect(svg).toContain(`<rect class="frame" x="70" y="16" width="234" height="136"`)
    expect(plotSvg([], { from: T0, to: T0 + 1000, width: 640.6 })).toMatch(/^<svg [^>]*width="641" height="480"/)
  })

  it("after ten colours lines are dashed; long names are cut in the legend, whose columns hold what fits", () => {
    const long = "L".repeat(40)
    const series = Array.from({ length: 12 }, (_, i) => seriesFromPoints(i === 11 ? long : `S${i}`, [{ t: T0, v: i }]))
    const svg = plotSvg(series, { from: T0, to: T0 + 1000, height: 200 })
    assertWellFormed(svg)
    const paths = Array.from(svg.matchAll(/<path class="series" data-name="([^"]*)" stroke="([^"]*)"( stroke-dasharray="([^"]*)")?/g), (m) => [m[1], m[2], m[4]])
    expect(paths[0]).toEqual(["S0", "#1f77b4", undefined])
    expect(paths[9]).toEqual(["S9", "#bcbd22", undefined])
    expect(paths[10]).toEqual(["S10", "#1f77b4", "6 3"])
    expect(paths[11]).toEqual([long, "#d62728", "6 3"])
    expect(legend(svg)[11]).toBe(`${"L".repeat(31)}…`)
    expect(legend(plotSvg([seriesFromPoints("M".repeat(32), [{ t: T0, v: 1 }])], { from: T0, to: T0 + 1000 }))).toEqual(["M".repeat(32)]) // 32: whole
    // 136 px high: 7 entries a column; a column is 40 + 7 × 32 (the longest name, cut) px wide.
    const entries = Array.from(svg.matchAll(/<g class="entry" transform="translate\((\d+) (\d+)\)"><line [^>]*stroke="([^"]*)"[^>]*?(?: stroke-dasharray="([^"]*)")?\/>/g), (m) => [Number(m[1]), Number(m[2]), m[3], m[4]])
    expect(entries[6]).toEqual([0, 108, "#e377c2", undefined])
    expect(entries[7]).toEqual([264, 0, "#17becf", undefined])
    expect(entries[11]).toEqual([264, 72, "#d62728", "6 3"])
    // Two columns of 264 px and 16 px before them: the plot is 960 - 70 - 16 - 528 = 346 px wide.
    expect(svg).toContain(`<rect class="frame" x="70" y="16" width="346" height="136"`)
    expect(svg).toContain(`<g class="legend" transform="translate(432 16)">`)
    // Narrower than the legend needs: the plot keeps 100 px.
    expect(plotSvg(series, { from: T0, to: T0 + 1000, width: 320, height: 200 })).toContain(`<rect class="frame" x="70" y="16" width="100" height="136"`)
  })
})
