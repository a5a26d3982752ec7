/**
 * `/history/plot`, `/history/series` and `/history/files`: the SVG of `cpppo history plot` over
 * HTTP, for the simulator's own history file and files under --web-history DIR only.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import { seriesFromPoints } from "../../src/history/series.js"
import { Timestamp } from "../../src/history/timestamp.js"
import { historyFiles, resolveHistoryFile, thinSeries } from "../../src/web/historyRoutes.js"
import { assertWellFormed, seriesNames, timeAxis } from "../history/svg.js"
import { Client } from "../../src/client/client.js"
import { fetchText, webEnv } from "./fixture.js"
import { startSimulator } from "./simulator.js"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-web-history-"))
const dir = path.join(root, "served")
const outside = path.join(root, "secret.hst")
fs.mkdirSync(dir)
const t0 = Date.UTC(2014, 10, 2, 6)
const lines = (tag: string) => Array.from({ length: 49 }, (_, k) =>
  `${Timestamp.fromMillis(t0 + k * 300_000).toString()}\t["${tag}", [0, 1]]\t{"write": [${k}, ${k % 3}]}`).join("\n") + "\n"
const live = path.join(root, "live.hst")
fs.writeFileSync(live, lines("SCADA"))
fs.writeFileSync(path.join(dir, "tank.hst"), lines("LEVEL"))
// A rotation (the day before): read as part of tank.hst's series, not listed by itself.
fs.writeFileSync(path.join(dir, "tank.hst.1.gz"), zlib.gzipSync(`${Timestamp.fromMillis(t0 - 86_400_000).toString()}\t["LEVEL", [0, 1]]\t{"write": [7, 7]}\n`))
fs.writeFileSync(outside, lines("SECRET"))
fs.symlinkSync(outside, path.join(dir, "link.hst"))

// A directory with a corrupt file, a directory named like a file, and one good file.
const broken = path.join(root, "broken")
fs.mkdirSync(broken)
fs.writeFileSync(path.join(broken, "bad.hst"), "garbage line\nmore\n")
fs.mkdirSync(path.join(broken, "sub.hst"))
fs.writeFileSync(path.join(broken, "ok.hst"), `${Timestamp.fromMillis(t0).toString()}\t["A", [0, 1]]\t{"write": [1]}\n` +
  `${Timestamp.fromMillis(t0 + 60_000).toString()}\t["A", [0, 1]]\t{"write": [2]}\n`)
// Listed: files, not their rotations (.N, .N.gz), sorted; a name with digits inside is no rotation.
for (const name of ["zz.hst.12.gz", "zz.hst", "day.2024.hst", "zz.hst.1"]) fs.writeFileSync(path.join(broken, name), "")
// A link to a sibling directory whose name starts with the served one's: outside all the same.
fs.mkdirSync(`${broken}2`)
fs.writeFileSync(path.join(`${broken}2`, "leak.hst"), lines("LEAK"))
fs.symlinkSync(path.join(`${broken}2`, "leak.hst"), path.join(broken, "prefix.hst"))
// A link to nothing: not a file, so not listed.
fs.symlinkSync(path.join(root, "gone.hst"), path.join(broken, "dangling.hst"))

const env = () => webEnv({ history: { file: live, dir } })

describe("history over the web API", () => {
  it.live("plots the simulator's history file by default, in the zone asked for", () =>
    Effect.gen(function* () {
      const r = yield* fetchText("/history/plot?tags=SCADA[0-1]&tz=America/Edmonton")
      expect(r.status).toBe(200)
      expect(r.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8")
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'")
      assertWellFormed(r.text)
      expect(seriesNames(r.text)).toEqual(["SCADA[0]", "SCADA[1]"])
      expect(timeAxis(r.text).ticks.map((t) => t.label)).toEqual(["00:00 MDT", "01:00 MDT", "01:00 MST", "02:00 MST", "03:00 MST"])
    }).pipe(Effect.provide(env()), Effect.scoped))

  it.live("plots a file of the history directory by name, with since/until as epoch seconds or times", () =>
    Effect.gen(function* () {
      const r = yield* fetchText(`/history/plot?file=tank.hst&since=${(t0 + 3600_000) / 1000}&until=${encodeURIComponent("2014-11-02 08:00")}`)
      expect(r.status).toBe(200)
      expect(seriesNames(r.text)).toEqual(["LEVEL[0]", "LEVEL[1]"])
      expect(timeAxis(r.text).ticks.map((t) => t.label)).toEqual(["07:00 UTC", "07:10 UTC", "07:20 UTC", "07:30 UTC", "07:40 UTC", "07:50 UTC", "08:00 UTC"])
      const files = yield* fetchText("/history/files")
      expect(JSON.parse(files.text)).toEqual({ files: ["live.hst", "link.hst", "tank.hst"] })
    }).pipe(Effect.provide(env()), Effect.scoped))

  it.live("never reads a path from the URL: .., absolute paths and links out of the directory are refused", () =>
    Effect.gen(function* () {
      for (const name of ["../secret.hst", outside, "./tank.hst", "a\\b", "a\0b", "x//tank.hst", "link.hst", `served/../../${path.basename(outside)}`]) {
        const r = yield* fetchText(`/history/plot?file=${encodeURIComponent(name)}`)
        expect(r.status, name).toBe(400)
        expect(r.text, name).not.toContain("SECRET")
        // Refused by the name itself; only the link is refused where it leads.
        expect(r.text, name).toBe(`bad file name ${JSON.stringify(name)}: ${name === "link.hst" ? "outside the history directory" : "a name relative to the history directory, without '..'"}\n`)
      }
      // An empty file= is the simulator's own file.
      expect(seriesNames((yield* fetchText("/history/plot?file=&tags=SCADA[0]")).text)).toEqual(["SCADA[0]"])
      const missing = yield* fetchText("/history/plot?file=nope.hst")
      expect(missing.status).toBe(404)
      expect((yield* fetchText("/history/plot?tz=Mars/Base")).text).toBe(`unknown time zone "Mars/Base"\n`)
      expect((yield* fetchText("/history/plot?tags=SCADA[x]")).status).toBe(400)
      expect((yield* fetchText("/history/plot?tags=NOPE")).status).toBe(404)
    }).pipe(Effect.provide(env()), Effect.scoped))

  it.live("without --historize or --web-history there is nothing to plot", () =>
    Effect.gen(function* () {
      const r = yield* fetchText("/history/plot")
      expect(r.status).toBe(404)
      expect(r.text).toContain("without --historize")
      const named = yield* fetchText(`/history/plot?file=${encodeURIComponent(live)}`)
      expect([named.status, named.text]).toEqual([404, `no history file ${JSON.stringify(live)}: only the simulator's own history can be plotted (serve a directory with --web-history DIR)\n`])
      expect(JSON.parse((yield* fetchText("/history/files")).text)).toEqual({ files: [] })
    }).pipe(Effect.provide(webEnv()), Effect.scoped))

  it.live("each refusal names its cause; a broken file is a 500 naming it by base name, never by a server path", () =>
    Effect.gen(function* () {
      const refusal = (q: string) => Effect.map(fetchText(q), (r) => {
        // Refusals are plain text with the same no-cache, nosniff headers as the trends.
        expect([r.headers.get("cache-control"), r.headers.get("x-content-type-options")], q).toEqual(["no-cache", "nosniff"])
        return [r.status, r.text] as const
      })
      expect(yield* refusal("/history/plot?file=sub/nope.hst")).toEqual([404, `no history file "sub/nope.hst"\n`])
      expect(yield* refusal("/history/plot?file=ok.hst&region=XX")).toEqual([400, `unknown time zone region "XX"\n`])
      const since = yield* refusal("/history/plot?file=ok.hst&since=garbage")
      expect([since[0], since[1].startsWith(`since: invalid timestamp "garbage"`)]).toEqual([400, true])
      const until = yield* refusal("/history/series?file=ok.hst&until=noon")
      expect([until[0], until[1].startsWith(`until: invalid timestamp "noon"`)]).toEqual([400, true])
      expect(yield* refusal("/history/plot?file=bad.hst")).toEqual([500, "bad.hst:1: corrupt first record (fields)\n"])
      expect(yield* refusal("/history/series?file=bad.hst")).toEqual([500, "bad.hst:1: corrupt first record (fields)\n"])
      const folder = yield* refusal("/history/plot?file=sub.hst")
      expect([folder[0], folder[1]]).toEqual([500, "sub.hst: EISDIR: illegal operation on a directory, read\n"])
      expect(yield* refusal("/history/plot?file=prefix.hst")).toEqual([400, `bad file name "prefix.hst": outside the history directory\n`])
      // tz GMT/UTC/Z in any case is UTC, a zone name containing them is not.
      expect((yield* fetchText("/history/series?file=ok.hst&tz=gmt")).status).toBe(200)
      for (const tz of ["xutc", "utcx"]) expect(yield* refusal(`/history/series?file=ok.hst&tz=${tz}`)).toEqual([400, `unknown time zone "${tz}"\n`])
      // A directory is never listed, nor a rotation, nor a link to nothing.
      expect(JSON.parse((yield* fetchText("/history/files")).text)).toEqual({ files: ["bad.hst", "day.2024.hst", "ok.hst", "prefix.hst", "zz.hst"] })
    }).pipe(Effect.provide(webEnv({ history: { dir: broken } })), Effect.scoped))

  it.live("empty since, until and tags are absent ones; since as epoch seconds with decimals; a parameter with no name is not region", () =>
    Effect.gen(function* () {
      const points = (q: string) => Effect.map(fetchText(`/history/series?file=ok.hst&${q}`), (r) => {
        expect(r.status, q).toBe(200)
        return JSON.parse(r.text).series.map((x: { name: string; points: Array<[number, number]> }) => [x.name, x.points.length])
      })
      expect(yield* points("since=&until=&tags=")).toEqual([["A", 2]])
      expect(yield* points(`since=${t0 / 1000 + 0.25}`)).toEqual([["A", 1]])
      expect(yield* points(`since=${t0 / 1000 + 59.75}`)).toEqual([["A", 1]])
      expect(yield* points("=XX")).toEqual([["A", 2]])
    }).pipe(Effect.provide(webEnv({ history: { dir: broken } })), Effect.scoped))

  it.live("plot size and title: width 320-4000 and height 200-4000 as asked (absent: 960 x 480), others 400; title= else the file's name", () =>
    Effect.gen(function* () {
      const sized = (yield* fetchText("/history/plot?file=ok.hst&width=800&height=250&title=Tank%20A")).text
      expect(sized).toMatch(/^<svg [^>]*width="800" height="250"/)
      expect(sized).toContain("<title>Tank A</title>")
      // The bounds themselves are sizes drawn as asked.
      expect((yield* fetchText("/history/plot?file=ok.hst&width=320&height=4000")).text).toMatch(/^<svg [^>]*width="320" height="4000"/)
      expect((yield* fetchText("/history/plot?file=ok.hst&width=4000&height=200")).text).toMatch(/^<svg [^>]*width="4000" height="200"/)
      const plain = (yield* fetchText("/history/plot?file=ok.hst")).text
      expect(plain).toMatch(/^<svg [^>]*width="960" height="480"/)
      expect(plain).toContain("<title>ok.hst</title>")
      // Anything else is refused with what was wrong, never drawn at another size.
      const refused: Array<[string, string]> = [
        ["width=319", `width must be a whole number of pixels 320..4000, not "319"`],
        ["width=200", `width must be a whole number of pixels 320..4000, not "200"`],
        ["width=4001", `width must be a whole number of pixels 320..4000, not "4001"`],
        ["width=800.5", `width must be a whole number of pixels 320..4000, not "800.5"`],
        ["width=", `width must be a whole number of pixels 320..4000, not ""`],
        ["height=199", `height must be a whole number of pixels 200..4000, not "199"`],
        ["height=4001", `height must be a whole number of pixels 200..4000, not "4001"`],
        ["height=x", `height must be a whole number of pixels 200..4000, not "x"`]
      ]
      for (const [q, message] of refused) {
        const r = yield* fetchText(`/history/plot?file=ok.hst&${q}`)
        expect([r.status, r.text], q).toEqual([400, `${message}\n`])
      }
    }).pipe(Effect.provide(webEnv({ history: { dir: broken } })), Effect.scoped))

  it.live("/history/series gives the same series as JSON", () =>
    Effect.gen(function* () {
      const r = yield* fetchText(`/history/series?tags=SCADA[1]&until=${(t0 + 600_000) / 1000}`)
      expect(r.status).toBe(200)
      expect(JSON.parse(r.text)).toEqual({ file: "live.hst", series: [{ name: "SCADA[1]", tag: "SCADA", index: 1, points: [[t0, 0], [t0 + 300_000, 1], [t0 + 600_000, 2]] }] })
      // JSON, with the trends' no-cache, nosniff and nothing-runs headers; /history/files alike.
      const files = yield* fetchText("/history/files")
      for (const [what, res] of [["series", r], ["files", files]] as const) {
        expect([res.headers.get("content-type"), res.headers.get("cache-control"), res.headers.get("x-content-type-options"), res.headers.get("content-security-policy")], what)
          .toEqual(["application/json", "no-cache", "nosniff", "default-src 'none'; style-src 'unsafe-inline'"])
      }
      // A time (not epoch seconds) is read in the zone asked for: 00:10 in Edmonton (MDT) is 06:10 UTC.
      const local = yield* fetchText(`/history/series?tags=SCADA[1]&tz=America/Edmonton&until=${encodeURIComponent("2014-11-02 00:10")}`)
      expect(JSON.parse(local.text).series[0].points).toEqual([[t0, 0], [t0 + 300_000, 1], [t0 + 600_000, 2]])
      const none = JSON.parse((yield* fetchText("/history/series?tags=NOPE")).text)
      expect(none.series).toEqual([])
    }).pipe(Effect.provide(env()), Effect.scoped))

  it("lists files in JavaScript's string order, not the file system's (UTF-16 code units put an emoji before U+FF01; libuv's scandir, by bytes, after)", () => {
    const names = fs.mkdtempSync(path.join(root, "names-"))
    for (const name of ["\uff01.hst", "\u{1F600}.hst", "a.hst"]) fs.writeFileSync(path.join(names, name), "")
    expect(historyFiles({ dir: names })).toEqual(["a.hst", "\u{1F600}.hst", "\uff01.hst"])
    // The simulator's own file comes first, and is not listed twice.
    expect(historyFiles({ file: path.join(names, "a.hst"), dir: names })).toEqual(["a.hst", "\u{1F600}.hst", "\uff01.hst"])
  })

  it("resolves names only inside the directory", () => {
    expect(Either.getOrThrow(resolveHistoryFile({ file: live }, null))).toBe(live)
    expect(resolveHistoryFile({ file: live }, "live.hst")._tag).toBe("Right")
    expect(Either.getOrThrow(resolveHistoryFile({ dir }, "tank.hst"))).toBe(fs.realpathSync(path.join(dir, "tank.hst")))
    expect(resolveHistoryFile({ dir }, "../secret.hst")._tag).toBe("Left")
  })

  it("thinning keeps, per time bucket, its first, first lowest, first highest and last point, in time order", () => {
    // 40 points 10 ms apart from 1000, at most 8: two buckets, 1000-1195 (0-19) and the rest (20-39).
    const v = Array.from({ length: 40 }, () => 5)
    Object.assign(v, { 3: 9, 7: 9, 12: 1, 15: 1, 19: 4, 20: 6, 25: 0, 28: 0, 33: 8, 36: 8, 39: 2 })
    const s = seriesFromPoints("A", v.map((x, k) => ({ t: 1000 + 10 * k, v: x })))
    expect(thinSeries(s, 8)).toEqual([
      [1000, 5], [1030, 9], [1120, 1], [1190, 4],
      [1200, 6], [1250, 0], [1330, 8], [1390, 2]
    ])
    // At most max points: the series whole, in order.
    expect(thinSeries(s, 40)).toEqual(v.map((x, k) => [1000 + 10 * k, x]))
    // A point exactly at a bucket's end is that bucket's last: 0-10 at most 8 is two buckets,
    // 0-5 and 6-10.
    const even = seriesFromPoints("B", Array.from({ length: 11 }, (_, k) => ({ t: k, v: k })))
    expect(thinSeries(even, 8)).toEqual([[0, 0], [5, 5], [6, 6], [10, 10]])
  })

  it("thins a long series to each bucket's first, lowest, highest and last point", () => {
    const points = Array.from({ length: 10_000 }, (_, k) => ({ t: k, v: k === 5000 ? 1e6 : k % 10 }))
    const thin = thinSeries(seriesFromPoints("A", points), 400)
    expect(thin.length).toBeLessThanOrEqual(400)
    expect(thin.some(([, v]) => v === 1e6)).toBe(true)
    expect(thin[0]).toEqual([0, 0])
    expect(thin[thin.length - 1]).toEqual([9999, 9])
    for (let i = 1; i < thin.length; i++) expect(thin[i]![0]).toBeGreaterThan(thin[i - 1]![0])
  })
})

describe("cpppo enip server --historize FILE -w …", () => {
  it("plots what a client wrote, from the simulator's own history; --web-history must be a directory", async () => {
    const file = path.join(root, "sim.hst")
    const sim = await startSimulator(["SCADA=INT[10]"], ["--historize", file, "--web-history", dir])
    try {
      await Effect.runPromise(Effect.scoped(Effect.flatMap(
        Client.connect({ host: sim.enip.host, port: sim.enip.port, timeout: "3 seconds" }),
        (c) => Effect.zipRight(c.write("SCADA[2-3]", [1234, 5], "INT"), c.write("SCADA[2]", [99], "INT"))
      )).pipe(Effect.timeout("10 seconds")))
      // The history writer flushes every 100 ms or so: poll until the plot has the line.
      let svg = ""
      for (let i = 0; i < 50 && !svg.includes('data-name="SCADA[2]"'); i++) {
        const res = await fetch(`${sim.web}/history/plot?tags=SCADA[2]`, { signal: AbortSignal.timeout(5000) })
        svg = await res.text()
        if (!svg.includes('data-name="SCADA[2]"')) await new Promise((r) => setTimeout(r, 100))
      }
      assertWellFormed(svg)
      expect(seriesNames(svg)).toEqual(["SCADA[2]"])
      const json = await (await fetch(`${sim.web}/history/series?tags=SCADA[2]`, { signal: AbortSignal.timeout(5000) })).json() as { series: Array<{ points: Array<[number, number]> }> }
      expect(json.series[0]!.points.map(([, v]) => v)).toEqual([1234, 99])
      const files = await (await fetch(`${sim.web}/history/files`, { signal: AbortSignal.timeout(5000) })).json()
      expect(files).toEqual({ files: ["sim.hst", "link.hst", "tank.hst"] })
    } finally {
      await sim.stop()
    }
    await expect(startSimulator(["SCADA=INT[10]"], ["--web-history", path.join(root, "nope")], 20_000)).rejects.toThrow(/--web-history .*nope: not a directory/)
  }, 60_000)
})
