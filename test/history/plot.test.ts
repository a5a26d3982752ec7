/**
 * History as plots: tag selections, series from records, time ticks in a zone across DST
 * changes, the SVG's structure, and `cpppo history plot` end to end (in process).
 */
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Console, Effect, Either, Exit, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli } from "../../src/cli/main.js"
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

// `cpppo history plot`, through the CLI's own entry (the argv check, then @effect/cli)
const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const base = yield* Effect.console
    const console: Console.Console = { ...base, log: (...a) => Effect.sync(() => { out.push(a.join(" ")) }), error: (...a) => Effect.sync(() => { out.push(a.join(" ")) }) }
    const exit = yield* cli(["node", "cpppo", "history", "plot", ...args]).pipe(Effect.withConsole(console), Effect.provide(NodeContext.layer), Effect.exit)
    const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
    return { exit, out, message: Option.isSome(failure) ? (failure.value as { message?: string }).message : undefined }
  })

describe("cpppo history plot", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-plot-"))
  const file = path.join(dir, "scada.hst")
  const t0 = at("2014-11-02 06:00:00")
  const lines = Array.from({ length: 49 }, (_, k) =>
    `${Timestamp.fromMillis(t0 + k * 300_000).toString()}\t["SCADA", [0, 3]]\t{"write": [${k}, ${2 * k}, ${k % 5}, ${-k}]}`)
  fs.writeFileSync(file, `${lines.join("\n")}\n${Timestamp.fromMillis(t0).toString()}\t["TEXT", [0, 0]]\t{"write": ["x"]}\n`)

  it.effect("writes an SVG of the selected elements, its time axis in --tz", () =>
    Effect.gen(function* () {
      const out = path.join(dir, "trend.svg")
      const r = yield* run(["--tags", "SCADA[0-3]", "--tz", "America/Edmonton", "-o", out, file])
      expect(r.message).toBeUndefined()
      expect(Exit.isSuccess(r.exit)).toBe(true)
      const svg = fs.readFileSync(out, "utf8")
      assertWellFormed(svg)
      expect(seriesNames(svg)).toEqual(["SCADA[0]", "SCADA[1]", "SCADA[2]", "SCADA[3]"])
      expect(timeAxis(svg).ticks.map((t) => t.label)).toEqual(["00:00 MDT", "01:00 MDT", "01:00 MST", "02:00 MST", "03:00 MST"])
      expect(svg).toContain("<title>scada.hst</title>")
    }))

  it.effect("--since/--until (in the zone of --tz, or with their own) cut the range", () =>
    Effect.gen(function* () {
      const out = path.join(dir, "cut.svg")
      const r = yield* run(["--tags", "SCADA[1]", "--tz", "America/Edmonton", "--since", "2014-11-02 01:00 MST", "--until", "2014-11-02 02:00", "-o", out, file])
      expect(r.message).toBeUndefined()
      const axis = timeAxis(fs.readFileSync(out, "utf8"))
      expect(axis.ticks[0]!.label).toBe("01:00 MST")
      expect(axis.ticks[axis.ticks.length - 1]!.label).toBe("02:00 MST")
    }))

  it.effect("every mistake is one line: bad tags, nothing to plot, unknown zone, bad size", () =>
    Effect.gen(function* () {
      expect((yield* run(["--tags", "SCADA[x]", file])).message).toBe(`history plot: bad tag selection "SCADA[x]": expected NAME, NAME[i] or NAME[a-b]`)
      expect((yield* run(["--tags", "NOPE", file])).message).toBe("history plot: no values of NOPE in 50 records")
      expect((yield* run(["--tz", "Mars/Base", file])).message).toBe(`history plot: unknown time zone "Mars/Base"`)
      expect((yield* run(["--width", "10", file])).message).toBe("history plot: --width must be 320..10000 px, not 10")
      expect((yield* run([path.join(dir, "none.hst")])).message).toContain("no such file")
    }))
})

describe("the README's rendered example", () => {
  it.effect("docs/trend.svg is what the README's command renders from docs/scada.hst", () =>
    Effect.gen(function* () {
      const root = path.resolve(import.meta.dirname, "../..")
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-readme-plot-")), "trend.svg")
      const readme = fs.readFileSync(path.join(root, "README.md"), "utf8")
      const command = "cpppo history plot --tags 'SCADA[0-3]' --tz America/Edmonton -o docs/trend.svg docs/scada.hst"
      expect(readme).toContain(command)
      expect(readme).toContain("![")
      expect(readme).toContain("(docs/trend.svg)")
      const r = yield* run(["--tags", "SCADA[0-3]", "--tz", "America/Edmonton", "-o", out, path.join(root, "docs/scada.hst")])
      expect(r.message).toBeUndefined()
      expect(fs.readFileSync(out, "utf8"), "regenerate docs/trend.svg with the README's command").toBe(fs.readFileSync(path.join(root, "docs/trend.svg"), "utf8"))
    }))
})
