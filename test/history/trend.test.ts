/**
 * History files → series → SVG (`readTrend`, `trendSvg`: what `cpppo history plot` and the web
 * API's `/history/plot` share), on temp files: the series read across a rotated series, the range,
 * the counts, and why there is nothing (or too much) to plot.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { parseTagSelection, readTrend, seriesPoints, Timestamp, trendSvg } from "../../src/history/index.js"
import { assertWellFormed, seriesNames, timeAxis } from "./svg.js"

const at = (text: string) => Either.getOrThrow(Timestamp.parse(text))
const T0 = at("2014-11-02 06:00:00").millis
const line = (k: number, serial: string, data: string) => `${Timestamp.fromMillis(T0 + k * 60_000).toString()}\t${serial}\t${data}`

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-trend-"))
const file = path.join(dir, "scada.hst")
// minutes 0..2 in the rotated file, 3..5 in the live one; one corrupt line, one failure, one string
fs.writeFileSync(`${file}.1`, [0, 1, 2].map((k) => line(k, `["SCADA", [0, 1]]`, `{"write": [${k}, ${10 * k}]}`)).join("\n") + "\n")
fs.writeFileSync(file, [
  ...[3, 4, 5].map((k) => line(k, `["SCADA", [0, 1]]`, `{"read": [${k}, ${10 * k}]}`)),
  "2014-11-02 06:06:00.000\tgarbage",
  line(6, `["Speed", [0, 0]]`, `{"error": "Status 8"}`),
  line(7, `["TEXT", [0, 0]]`, `{"write": ["x"]}`)
].join("\n") + "\n")

const failure = <A, E>(e: Effect.Effect<A, E>) => Effect.map(Effect.flip(e), (x) => x as E & { _tag: string; message: string })

describe("readTrend", () => {
  it.effect("reads the whole series of each file once (a file named twice is read once), with the counts", () =>
    Effect.gen(function* () {
      const trend = yield* readTrend({ files: [file, file] })
      expect(trend.series.map((s) => [s.name, seriesPoints(s).map((p) => [(p.t - T0) / 60_000, p.v])])).toEqual([
        ["SCADA[0]", [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]],
        ["SCADA[1]", [[0, 0], [1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]]
      ])
      expect([trend.records, trend.corrupt, trend.from, trend.to]).toEqual([8, 1, undefined, undefined])
    }))

  it.effect("since/until (both included) cut the records and are the range plotted", () =>
    Effect.gen(function* () {
      const since = at("2014-11-02 06:02:00")
      const until = at("2014-11-02 06:04:00")
      const trend = yield* readTrend({ files: [file], tags: [{ name: "scada", first: 1, last: 1 }], since, until })
      expect(trend.series.map((s) => [s.name, seriesPoints(s).map((p) => p.v)])).toEqual([["SCADA[1]", [20, 30, 40]]])
      expect([trend.records, trend.from, trend.to]).toEqual([3, since.millis, until.millis])
    }))

  it.effect("nothing to plot says what was asked for, in how many records, and whether a range cut them", () =>
    Effect.gen(function* () {
      const none = yield* failure(readTrend({ files: [file], tags: [{ name: "Speed" }, { name: "X", first: 2, last: 2 }, { name: "Y", first: 1, last: 3 }] }))
      expect([none._tag, none.message]).toEqual(["PlotError", "no values of Speed, X[2], Y[1-3] in 8 records"])
      const one = yield* failure(readTrend({ files: [file], tags: [{ name: "TEXT" }], since: at("2014-11-02 06:07:00") }))
      expect(one.message).toBe("no values of TEXT in 1 record of the time range")
      const until = yield* failure(readTrend({ files: [file], tags: [{ name: "TEXT" }], until: at("2014-11-02 05:00:00") }))
      expect(until.message).toBe("no values of TEXT in 0 records of the time range")
      const empty = path.join(dir, "empty.hst")
      fs.writeFileSync(empty, line(0, `["TEXT", [0, 0]]`, `{"write": ["x"]}`) + "\n")
      expect((yield* failure(readTrend({ files: [empty] }))).message).toBe("no tag values in 1 record")
    }))

  it.effect("more series than allowed is an error naming the limit (64 unless given)", () =>
    Effect.gen(function* () {
      const many = path.join(dir, "many.hst")
      fs.writeFileSync(many, line(0, `["A", [0, 64]]`, `{"write": [${Array.from({ length: 65 }, (_, i) => i).join(", ")}]}`) + "\n")
      const e = yield* failure(readTrend({ files: [many] }))
      expect([e._tag, e.message]).toEqual(["PlotError", "more than 64 series: choose the tags and elements to plot (--tags, or tags= on the web)"])
      expect((yield* failure(readTrend({ files: [file], maxSeries: 1 }))).message).toMatch(/^more than 1 series:/)
      expect((yield* readTrend({ files: [file], maxSeries: 2 })).series).toHaveLength(2)
    }))

  it.effect("a missing file is the reader's error", () =>
    Effect.gen(function* () {
      const e = yield* failure(readTrend({ files: [path.join(dir, "none.hst")] }))
      expect([e._tag, e.message]).toEqual(["HistoryIoError", `open ${path.join(dir, "none.hst")}: no such file`])
    }))
})

describe("trendSvg", () => {
  it.effect("renders in UTC by default, at the default size, titled as asked", () =>
    Effect.gen(function* () {
      const { svg, trend } = yield* trendSvg({ files: [file] })
      assertWellFormed(svg)
      expect(trend.series).toHaveLength(2)
      expect(seriesNames(svg)).toEqual(["SCADA[0]", "SCADA[1]"])
      expect(timeAxis(svg).zone).toBe("UTC")
      expect(svg).toMatch(/<svg [^>]*width="960" height="480"/)
      const sized = (yield* trendSvg({ files: [file] }, { zone: "America/Edmonton", width: 400, height: 300, title: "T&T" })).svg
      expect(sized).toMatch(/<svg [^>]*width="400" height="300"/)
      expect(sized).toContain("<title>T&amp;T</title>")
      expect(timeAxis(sized).zone).toBe("America/Edmonton")
      expect(timeAxis(sized).ticks[0]!.label).toBe("00:00 MDT")
    }))

  it.effect("the range given is the axis, even beyond the data", () =>
    Effect.gen(function* () {
      const { svg } = yield* trendSvg({ files: [file], since: at("2014-11-02 05:00:00"), until: at("2014-11-02 07:00:00") })
      const labels = timeAxis(svg).ticks.map((t) => t.label)
      expect(labels[0]).toBe("05:00 UTC")
      expect(labels[labels.length - 1]).toBe("07:00 UTC")
    }))

  it.effect("renders the README's example (docs/trend.svg from docs/scada.hst) byte for byte, without the CLI", () =>
    Effect.gen(function* () {
      const root = path.resolve(import.meta.dirname, "../..")
      const tags = Either.getOrThrow(parseTagSelection("SCADA[0-3]"))
      const { svg } = yield* trendSvg({ files: [path.join(root, "docs/scada.hst")], tags }, { zone: "America/Edmonton", title: "scada.hst" })
      expect(svg).toBe(fs.readFileSync(path.join(root, "docs/trend.svg"), "utf8"))
    }))
})
