/**
 * `cpppo history cat|play|stats|plot` flags through the real binary, on a small history file:
 * --region (and its CA,US,EU default), play --since/--duration, stats --tz, and every plot option
 * with its default (every tag, standard output, 960 × 480, the file names as title).
 */
import { describe, expect, it } from "vitest"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runAll } from "./cpppo.js"

const dir = mkdtempSync(join(tmpdir(), "cpppo-history-flags-"))
const file = join(dir, "plant.hst")
writeFileSync(file, [
  `2014-07-16 04:03:44.186\t["SCADA", [0, 3]]\t{"write": [0, 1, 2, 3]}`,
  `2014-07-16 04:03:45.186\t["SCADA", [0, 0]]\t{"read": [0]}`,
  `2014-07-16 04:03:46.500\t["SCADA", [0, 3]]\t{"write": [4, 5, 6, 7]}`,
  `2014-07-16 04:03:50.000\t["Speed", [0, 0]]\t{"write": [1.5]}`
].join("\n") + "\n")
const history = (...args: Array<string>) => ["history", ...args]
const lines = (s: string) => s.split("\n").filter((l) => l !== "")
const svgOf = (s: string) => ({
  size: /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(s)?.slice(1).map(Number),
  title: /<title>([^<]*)<\/title>/.exec(s)?.[1],
  legend: [...s.matchAll(/<text x="\d+(?:\.\d+)?" y="12" fill="#222">([^<]*)<\/text>/g)].map((m) => m[1]),
  times: [...s.matchAll(/<text class="label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])
})

describe("cpppo history flags (real binary)", () => {
  it("cat --region: MDT is found in the default CA,US,EU; with --region EU it is an unknown zone (one line, exit 1)", async () => {
    const [dflt, eu] = await runAll([
      history("cat", "--since", "2014-07-15 22:03:45 MDT", file),
      history("cat", "--region", "EU", "--since", "2014-07-15 22:03:45 MDT", file)
    ])
    expect(dflt.status, dflt.stderr).toBe(0)
    expect(lines(dflt.stdout)).toHaveLength(3)
    expect(eu.status).toBe(1)
    expect(lines(eu.stderr)).toEqual(["cpppo: history cat: unknown time zone \"MDT\""])
  }, 60_000)

  it("play --since starts later; --duration 2s stops after two seconds of history", async () => {
    const [since, duration] = await runAll([
      history("play", "--speed", "100", "--since", "2014-07-16 04:03:45", file),
      history("play", "--speed", "100", "--duration", "2s", file)
    ])
    expect(lines(since.stdout).map((l) => l.slice(0, 23))).toEqual(["2014-07-16 04:03:45.186", "2014-07-16 04:03:46.500", "2014-07-16 04:03:50.000"])
    expect(lines(duration.stdout).map((l) => l.slice(0, 23))).toEqual(["2014-07-16 04:03:44.186", "2014-07-16 04:03:45.186"])
  }, 60_000)

  it("stats --tz renders the first and last times in that zone (UTC, unmarked, by default)", async () => {
    const [zoned, utc] = await runAll([history("stats", "--tz", "America/Edmonton", file), history("stats", file)])
    expect(lines(zoned.stdout)).toContain("first: 2014-07-15 22:03:44.186 MDT")
    expect(lines(zoned.stdout)).toContain("last: 2014-07-15 22:03:50.000 MDT")
    expect(lines(utc.stdout)).toContain("first: 2014-07-16 04:03:44.186") // UTC, as cpppo writes it, without a zone
  }, 60_000)

  it("plot defaults: SVG on standard output, 960 × 480, the file name as title, every tag element", async () => {
    const [r] = await runAll([history("plot", file)])
    expect(r!.status, r!.stderr).toBe(0)
    const svg = svgOf(r!.stdout)
    expect(svg.size).toEqual([960, 480])
    expect(svg.title).toBe("plant.hst")
    expect(svg.legend).toEqual(["SCADA[0]", "SCADA[1]", "SCADA[2]", "SCADA[3]", "Speed"])
  }, 60_000)

  it("plot --tags -o --width --height --title --tz --since --until --region", async () => {
    const out = join(dir, "trend.svg")
    const [r, narrow, region] = await runAll([
      history("plot", "--tags", "SCADA[1-2]", "-o", out, "--width", "400", "--height", "300", "--title", "Line 3",
        "--tz", "America/Edmonton", "--since", "2014-07-15 22:03:45", "--until", "2014-07-15 22:03:47"),
      history("plot", "--width", "300", file),
      history("plot", "--region", "EU", "--since", "2014-07-15 22:03:45 MDT", file)
    ].map((a, i) => (i === 0 ? [...a, file] : a)))
    expect(r!.status, r!.stderr).toBe(0)
    expect(r!.stdout).toBe("")
    const svg = svgOf(readFileSync(out, "utf8"))
    expect(svg.size).toEqual([400, 300])
    expect(svg.title).toBe("Line 3")
    expect(svg.legend).toEqual(["SCADA[1]", "SCADA[2]"])
    expect(svg.times.length).toBeGreaterThan(0)
    for (const t of svg.times) expect(t).toMatch(/^22:03:4[5-7]( MDT)?$/) // the axis, in the zone, within --since..--until
    expect(narrow!.status).toBe(1)
    expect(lines(narrow!.stderr)).toEqual(["cpppo: history plot: --width must be 320..10000 px, not 300"])
    expect(region!.status).toBe(1)
    expect(region!.stderr).toMatch(/unknown time zone "MDT"/)
  }, 60_000)

  it("plot without --tags draws up to 64 lines; 65 or more is a one-line mistake asking for --tags", async () => {
    const file = (n: number) => {
      const f = join(dir, `wide${n}.hst`)
      writeFileSync(f, [0, 1].map((k) => `2014-07-16 04:03:4${4 + k}.186\t["A", [0, ${n - 1}]]\t{"write": [${Array.from({ length: n }, (_, i) => i + k).join(", ")}]}\n`).join(""))
      return f
    }
    const [ok, tooMany] = await runAll([history("plot", file(64)), history("plot", file(65))])
    expect(ok!.status, ok!.stderr).toBe(0)
    expect(svgOf(ok!.stdout).legend).toHaveLength(64)
    expect(tooMany!.status).toBe(1)
    expect(lines(tooMany!.stderr)).toEqual(["cpppo: history plot: more than 64 series: choose the tags and elements to plot (--tags, or tags= on the web)"])
  }, 60_000)
})
