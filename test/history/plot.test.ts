/**
 * `cpppo history plot` end to end (in process, through the CLI's entry) and the README's rendered
 * example; the selections, series, ticks and SVG themselves are in trendSvg.test.ts.
 */
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Console, Effect, Either, Exit, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { cli } from "../../src/cli/main.js"
import { Timestamp } from "../../src/history/index.js"
import { assertWellFormed, seriesNames, timeAxis } from "./svg.js"

const at = (text: string) => Either.getOrThrow(Timestamp.parse(text)).millis

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
      expect((yield* run(["--width", "10001", file])).message).toBe("history plot: --width must be 320..10000 px, not 10001")
      expect((yield* run(["--height", "199", file])).message).toBe("history plot: --height must be 200..10000 px, not 199")
      const unwritable = path.join(dir, "no-such-dir", "x.svg")
      expect((yield* run(["--tags", "SCADA[0]", "-o", unwritable, file])).message).toMatch(new RegExp(`^history plot: cannot write ${unwritable}: ENOENT`))
    }))

  it.effect("the size limits themselves are drawn; -v names what was written; without -o the SVG goes to stdout", () =>
    Effect.gen(function* () {
      const out = path.join(dir, "limits.svg")
      const small = yield* run(["--tags", "SCADA[0]", "--width", "320", "--height", "200", "-v", "-o", out, file])
      expect(small.message).toBeUndefined()
      expect(small.out).toEqual([`${out}: 1 series from 50 records`])
      expect(fs.readFileSync(out, "utf8")).toMatch(/^<svg[^>]* width="320" height="200"/)
      const large = yield* run(["--tags", "SCADA[0-1]", "--width", "10000", "--height", "10000", "-o", out, file])
      expect([large.message, large.out]).toEqual([undefined, []])
      expect(fs.readFileSync(out, "utf8")).toMatch(/^<svg[^>]* width="10000" height="10000"/)
      const chunks: Array<string> = []
      const write = process.stdout.write.bind(process.stdout)
      process.stdout.write = ((chunk: string) => { chunks.push(String(chunk)); return true }) as typeof process.stdout.write
      const toStdout = yield* run(["--tags", "SCADA[0]", file]).pipe(Effect.ensuring(Effect.sync(() => { process.stdout.write = write })))
      expect(toStdout.message).toBeUndefined()
      const svg = chunks.join("")
      expect(svg).toMatch(/^<svg[^>]* width="960" height="480"[\s\S]*<\/svg>\s*$/)
      // Without --tz the times are UTC; the title names every file given.
      expect(timeAxis(svg).ticks.map((t) => t.label)).toEqual(["06:00 UTC", "07:00 UTC", "08:00 UTC", "09:00 UTC", "10:00 UTC"])
      expect((yield* run(["--tags", "SCADA[0]", "-o", out, file, file])).message).toBeUndefined()
      expect(fs.readFileSync(out, "utf8")).toContain("<title>scada.hst, scada.hst</title>")
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
